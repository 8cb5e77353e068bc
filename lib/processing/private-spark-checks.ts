import { Construct } from 'constructs';
import { GlueVersion, SparkWorkerType } from './spark-job-options';
import type { SparkJobLocation, SparkJobProps } from './spark-job';
import { normalizePrefix } from '../private/lake-prefix';
import { InputErrors, checkDuration, checkWholeNumber, describe, isToken } from '../private/validation';

/** A SparkJob's props, checked and with their defaults. */
export interface SparkJobConfig {
  readonly input: SparkJobLocation;
  readonly output: SparkJobLocation;
  readonly glueVersion: string;
  readonly workerType: string;
  readonly numberOfWorkers: number;
  readonly autoScaling: boolean;
  readonly bookmarks: boolean;
  readonly timeoutMinutes: number;
  readonly maxRetries: number;
  readonly maxConcurrentRuns: number;
  readonly sparkUiZone: string;
  readonly outputTableName?: string;
  readonly arguments: Record<string, string>;
}

/** Job parameters the SparkJob sets itself (https://docs.aws.amazon.com/glue/latest/dg/aws-glue-programming-etl-glue-arguments.html). */
export const RESERVED_ARGUMENTS = [
  '--job-language', '--input_path', '--output_path', '--database_name', '--output_table', '--job-bookmark-option',
  '--custom-logGroup-prefix', '--enable-metrics', '--enable-observability-metrics', '--enable-spark-ui', '--spark-event-logs-path',
  '--enable-auto-scaling', '--TempDir', '--encryption-type',
];

/** CreateJob: MaxRetries; Timeout in minutes (batch jobs up to 7 days); job names (https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-jobs-job.html). */
const MAX_RETRIES = 10;
const MAX_TIMEOUT_MINUTES = 7 * 24 * 60;
const JOB_NAME = /^[A-Za-z0-9_.-]{1,255}$/;
const TABLE_NAME = /^[a-z0-9_]{1,255}$/;
/**
 * What a bookmarked Glue script must contain: a `transformation_ctx` on its sources and sinks and `job.commit()` at the end
 * (https://docs.aws.amazon.com/glue/latest/dg/programming-etl-connect-bookmarks.html).
 */
const TRANSFORMATION_CONTEXT = /transformation_ctx\s*=/;
const JOB_COMMIT = /\.commit\(\s*\)/;

/** Checks every prop of a SparkJob and resolves the defaults; throws once with every problem. */
export function validateSparkJob(scope: Construct, props: SparkJobProps, scriptText: string | undefined): SparkJobConfig {
  const errors = new InputErrors(scope, 'SparkJob');
  const zones = props.lake.zoneNames;
  const location = (prop: 'input' | 'output', loc: SparkJobLocation): SparkJobLocation => {
    if (!zones.includes(loc.zone)) {
      errors.add(`${prop}.zone`, loc.zone, `one of the lake's zones ${describe(zones)}`);
    }
    const before = errors.count;
    const prefix = normalizePrefix(errors, `${prop}.prefix`, loc.prefix);
    if (errors.count === before && prefix === '') {
      errors.add(`${prop}.prefix`, loc.prefix, "a folder of the zone, e.g. 'events/churn/' (not the zone's root)");
    }
    return { zone: loc.zone, prefix: prefix ?? '' };
  };
  const input = location('input', props.input);
  const output = location('output', props.output);
  if (input.zone === output.zone && input.prefix && output.prefix && !isToken(input.prefix) && !isToken(output.prefix)
    && (input.prefix.startsWith(output.prefix) || output.prefix.startsWith(input.prefix))) {
    errors.addMessage(`input and output must not overlap: the job would read what it writes, but input is ${input.zone}/${input.prefix} `
      + `and output is ${output.zone}/${output.prefix}; write to another zone or a folder outside the input`);
  }

  const version = props.glueVersion ?? GlueVersion.V5_0;
  if (!version.isSupported) {
    errors.add('glueVersion', version.name, `a Glue 5 version: ${describe(GlueVersion.SUPPORTED)} (Glue 4.0 and earlier log differently, `
      + 'and other versions do not exist)');
  }
  const worker = props.workerType ?? SparkWorkerType.G_1X;
  const workerProblem = worker.problem;
  if (workerProblem) {
    errors.add('workerType', worker.name, `a worker type of Glue batch Spark jobs ${describe(SparkWorkerType.KNOWN)} (${workerProblem})`);
  }
  const workers = props.numberOfWorkers ?? SparkWorkerType.MIN_WORKERS;
  checkWholeNumber(errors, 'numberOfWorkers', workers, {
    min: SparkWorkerType.MIN_WORKERS, allowed: `a whole number >= ${SparkWorkerType.MIN_WORKERS} (one driver and at least one executor)`,
  });
  const bool = (prop: string, value: unknown) => {
    if (value !== undefined && typeof value !== 'boolean') {
      errors.add(prop, value, 'true or false');
    }
    return value === true;
  };
  const autoScaling = bool('autoScaling', props.autoScaling);
  const bookmarks = bool('bookmarks', props.bookmarks);
  const asserted = bool('scriptUsesTransformationContext', props.scriptUsesTransformationContext);
  if (bookmarks) {
    if (scriptText !== undefined) {
      const missing = [
        ...(TRANSFORMATION_CONTEXT.test(scriptText) ? [] : ['a transformation_ctx= on its sources and sinks']),
        ...(JOB_COMMIT.test(scriptText) ? [] : ['job.commit()']),
      ];
      if (missing.length > 0) {
        errors.addMessage(`bookmarks need a script with transformation contexts, but the script has no ${missing.join(' and no ')}: `
          + 'Glue would then re-read all the input on every run; add them, or turn bookmarks off');
      }
    } else if (!asserted) {
      errors.addMessage('bookmarks need a script whose sources and sinks have a transformation_ctx and that calls job.commit(); '
        + 'a script in S3 cannot be read at synth: set scriptUsesTransformationContext: true once it does, or turn bookmarks off');
    }
  }
  const timeoutMinutes = checkDuration(errors, 'timeout', props.timeout, { unit: 'minutes', min: 1, max: MAX_TIMEOUT_MINUTES });
  const maxRetries = props.maxRetries ?? 0;
  checkWholeNumber(errors, 'maxRetries', maxRetries, { min: 0, max: MAX_RETRIES });
  const maxConcurrentRuns = props.maxConcurrentRuns ?? 1;
  checkWholeNumber(errors, 'maxConcurrentRuns', maxConcurrentRuns, { min: 1 });
  if (bookmarks && typeof maxConcurrentRuns === 'number' && maxConcurrentRuns > 1) {
    errors.add('maxConcurrentRuns', maxConcurrentRuns, '1 with bookmarks (concurrent runs would read and move the same bookmark)');
  }
  if (props.jobName !== undefined && !isToken(props.jobName) && !JOB_NAME.test(props.jobName)) {
    errors.add('jobName', props.jobName, '1-255 letters, digits, underscores, hyphens and periods');
  }
  if (props.outputTableName !== undefined) {
    if (props.lake.databaseName === undefined) {
      errors.addMessage('outputTableName needs the lake\'s Glue database, but the lake has none');
    } else if (!isToken(props.outputTableName) && !TABLE_NAME.test(props.outputTableName)) {
      errors.add('outputTableName', props.outputTableName, '1-255 lowercase letters, digits and underscores (a Glue table name)');
    }
  }
  const sparkUiZone = props.sparkUiZone ?? (zones.includes('monitoring') ? 'monitoring' : output.zone);
  if (props.sparkUiZone !== undefined && !zones.includes(props.sparkUiZone)) {
    errors.add('sparkUiZone', props.sparkUiZone, `one of the lake's zones ${describe(zones)}`);
  }
  const args: Record<string, string> = {};
  for (const [name, value] of Object.entries(props.arguments ?? {})) {
    if (!name.startsWith('--') || name.length < 3) {
      errors.add(`arguments['${name}']`, name, "a parameter name that starts with '--', e.g. '--window_days'");
    } else if (RESERVED_ARGUMENTS.includes(name)) {
      errors.add(`arguments['${name}']`, name, `a parameter the job does not set itself (it sets ${RESERVED_ARGUMENTS.join(', ')})`);
    } else if (typeof value !== 'string') {
      errors.add(`arguments['${name}']`, value, 'a string (Glue passes every parameter as a string)');
    } else {
      args[name] = value;
    }
  }
  errors.throwIfAny();
  return {
    input, output, glueVersion: version.name, workerType: worker.name, numberOfWorkers: workers, autoScaling, bookmarks,
    timeoutMinutes: timeoutMinutes ?? (props.timeout?.isUnresolved() ? props.timeout.toMinutes() : 120),
    maxRetries, maxConcurrentRuns, sparkUiZone, outputTableName: props.outputTableName, arguments: args,
  };
}
