import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { ILakeZone } from '../../data-lake';
import { TrainingChannel } from '../training-options';

/*
 * The execution input a run honours (documented on TrainingPipeline):
 *
 *   { "hyperparameters": { "<key>": <string, number or boolean>, ... },   // merged over the pipeline's hyperparameters
 *     "channels": { "<channel name>": "<key prefix>", ... } }              // a data window under the channel's prefix
 *
 * Both are optional; other fields (an EventBridge event, a drift alarm) are ignored. The expressions read the execution's input
 * ($states.context.Execution.Input), which stays the same through retries.
 */

const INPUT = '$states.context.Execution.Input';

/**
 * The HyperParameters of the job: the pipeline's, overridden by the execution's (values converted to strings, as SageMaker takes).
 * With tuning, the static hyperparameters of its jobs, without the `tuned` ones (SageMaker rejects a hyperparameter that is both).
 */
export function hyperparametersExpression(defaults: { [key: string]: string } | undefined, tuned?: string[]): string {
  const merged = `$merge($append([${JSON.stringify(defaults ?? {})}], `
    + "$type($hp) = 'object' ? $each($hp, function($v, $k) {{ $k: $string($v) }}) : []))";
  if (!tuned) {
    return `{% ($hp := ${INPUT}.hyperparameters; ${merged}) %}`;
  }
  return `{% ($hp := ${INPUT}.hyperparameters; $tuned := ${JSON.stringify(tuned)}; `
    + `$merge([{}, $sift(${merged}, function($v, $k) {$not($k in $tuned)})])) %}`;
}

/**
 * The S3Uri of a channel: the execution's prefix for it, when given, else the channel's. The execution's prefix starts with the
 * channel's (`defineRunInputCheck` fails the run otherwise), so the URI is the channel's followed by the rest of the given prefix.
 */
export function channelUriExpression(zone: ILakeZone, channel: TrainingChannel): string {
  return `{% ($p := $lookup(${INPUT}.channels, ${JSON.stringify(channel.name)}); `
    + `$type($p) = 'string' ? '${zone.s3Uri(channel.prefix)}' & $substring($p, ${channel.prefix.length}) : '${zone.s3Uri(channel.prefix)}') %}`;
}

/** The condition under which the execution input is not one the pipeline honours (the Choice goes to InvalidRunInput). */
export function invalidRunInputCondition(channels: TrainingChannel[]): string {
  const names = JSON.stringify(channels.map((c) => c.name));
  const perChannel = channels.map((c) => `($p := $lookup($ch, ${JSON.stringify(c.name)}); $exists($p) and ($type($p) != 'string' `
    + `or $length($p) > 1024 or $substring($p, 0, ${c.prefix.length}) != ${JSON.stringify(c.prefix)} or $contains($p, '*')))`);
  return `{% ($hp := ${INPUT}.hyperparameters; $ch := ${INPUT}.channels; `
    + '($exists($hp) and $type($hp) != \'object\') or ($exists($ch) and ($type($ch) != \'object\' '
    + `or $count($keys($ch)[$not($ in ${names})]) > 0 or ${perChannel.join(' or ')}))) %}`;
}

/**
 * A Choice before training: a run whose input asks for what the pipeline does not allow (a data window outside a channel's
 * prefix, which the training role could not read anyway; an unknown channel; hyperparameters that are not an object) fails at once
 * with `InvalidRunInput`, before a job starts.
 */
export function defineRunInputCheck(scope: Construct, channels: TrainingChannel[], train: sfn.IChainable): sfn.Choice {
  const allowed = channels.map((c) => `${c.name}: under '${c.prefix}'`).join(', ');
  const invalid = sfn.Fail.jsonata(scope, 'InvalidRunInput', {
    comment: 'The execution input asks for what the pipeline does not allow',
    error: 'InvalidRunInput',
    cause: `The execution input must be {"hyperparameters": {...}, "channels": {"<name>": "<key prefix>"}} with channels ${allowed}`,
  });
  return sfn.Choice.jsonata(scope, 'CheckRunInput', { comment: 'Hyperparameters and data windows from the execution input' })
    .when(sfn.Condition.jsonata(invalidRunInputCondition(channels)), invalid, { comment: 'The input is not one the pipeline honours' })
    .otherwise(train);
}
