import { Aws, Duration } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { ISparkJob } from './spark-job';

/*
 * The states of a DataPipeline run. Sources:
 * - `arn:aws:states:::glue:startJobRun.sync` starts a run and waits for it; a run that ends FAILED, STOPPED or TIMEOUT fails the
 *   task with States.TaskFailed and the JobRun as the cause (https://docs.aws.amazon.com/step-functions/latest/dg/connect-glue.html,
 *   https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html#connect-sync); API errors are named
 *   `Glue.<Exception>` (ConcurrentRunsExceededException, ThrottlingException, InternalServiceException, OperationTimeoutException:
 *   https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-jobs-runs.html#aws-glue-api-jobs-runs-StartJobRun).
 * - Glue Data Quality has no .sync integration: the run is started (StartDataQualityRulesetEvaluationRun, answering RunId), polled
 *   (GetDataQualityRulesetEvaluationRun: Status STARTING | RUNNING | STOPPING | STOPPED | SUCCEEDED | FAILED | TIMEOUT, ResultIds)
 *   and its result read (GetDataQualityResult: Score, RuleResults[].Result PASS | FAIL | ERROR), through the AWS SDK integration
 *   (`aws-sdk:glue:*`, errors `Glue.<Exception>`): https://docs.aws.amazon.com/glue/latest/webapi/API_StartDataQualityRulesetEvaluationRun.html,
 *   https://docs.aws.amazon.com/glue/latest/webapi/API_GetDataQualityRulesetEvaluationRun.html,
 *   https://docs.aws.amazon.com/glue/latest/webapi/API_GetDataQualityResult.html.
 */

/** Glue API errors a retry can cure: another run still holds the job's concurrency, throttling, transient service errors. */
const TRANSIENT_GLUE_ERRORS = [
  'Glue.ConcurrentRunsExceededException', 'Glue.ThrottlingException', 'Glue.InternalServiceException', 'Glue.OperationTimeoutException',
];

/** What the states need of the pipeline. */
export interface PipelineStatesInput {
  readonly jobs: ISparkJob[];
  /** The construct ids of the jobs' states (`Run<id>`). */
  readonly jobIds: string[];
  readonly gate?: {
    /** The index of the job after which the gate runs. */
    readonly afterIndex: number;
    readonly rulesetName: string;
    readonly databaseName: string;
    readonly tableName: string;
    readonly roleArn: string;
    readonly timeoutMinutes: number;
    readonly numberOfWorkers: number;
    readonly pollSeconds: number;
  };
}

/** The whole definition: the overlap guard, each job in order (with the gate after its job), then Succeeded. */
export function definePipelineStates(scope: Construct, input: PipelineStatesInput): sfn.IChainable {
  const failed = sfn.Fail.jsonata(scope, 'Failed', {
    comment: 'A step failed; the error and cause are those of the failed step',
    error: '{% $states.input.Error %}',
    cause: '{% $states.input.Cause %}',
  });
  const done = sfn.Succeed.jsonata(scope, 'Succeeded', {
    comment: 'Every job ran, and the data passed the quality gate',
    outputs: '{% {"jobRuns": $jobRuns} %}',
  });

  let next: sfn.IChainable = done;
  for (let i = input.jobs.length - 1; i >= 0; i--) {
    if (input.gate && input.gate.afterIndex === i) {
      next = defineGate(scope, input.gate, next, failed);
    }
    const job = input.jobs[i];
    const run = new sfn.CustomState(scope, `Run${input.jobIds[i]}`, {
      stateJson: {
        Type: 'Task',
        Comment: `Runs the Glue job and waits for it to end (job ${i + 1} of ${input.jobs.length})`,
        Resource: `arn:${Aws.PARTITION}:states:::glue:startJobRun.sync`,
        Arguments: { JobName: job.jobName },
        // The .sync result is the JobRun (Id, JobRunState, ExecutionTime, ...).
        Assign: { jobRuns: '{% $append($jobRuns, [{"job": $states.result.JobName, "runId": $states.result.Id, "state": $states.result.JobRunState}]) %}' },
        Output: '{% $states.input %}',
        // The job's own timeout, plus time to start and report; Glue stops the run at its timeout.
        TimeoutSeconds: job.timeout.toSeconds() + 15 * 60,
      },
    });
    run.addRetry({
      errors: TRANSIENT_GLUE_ERRORS, interval: Duration.seconds(30), maxAttempts: 5, backoffRate: 2,
      maxDelay: Duration.minutes(5), jitterStrategy: sfn.JitterType.FULL,
    });
    run.addCatch(failed, { errors: [sfn.Errors.ALL] });
    next = sfn.Chain.start(run).next(next);
  }

  const start = sfn.Pass.jsonata(scope, 'Start', { comment: 'No job has run yet', assign: { jobRuns: '{% [] %}' } });
  return start.next(defineOverlapGuard(scope, next, failed));
}

/**
 * The first step: when another execution of this pipeline is RUNNING, this one ends at once (`AnotherRunInProgress`): the running
 * one reads the new data (with bookmarks, the next run does). ListExecutions is best effort (its API reference): two starts
 * within moments may both proceed, and the second job run then waits for the first (ConcurrentRunsExceeded is retried).
 */
function defineOverlapGuard(scope: Construct, next: sfn.IChainable, failed: sfn.IChainable): sfn.IChainable {
  const list = new sfn.CustomState(scope, 'CheckOtherRuns', {
    stateJson: {
      Type: 'Task',
      Comment: 'Lists the RUNNING executions of this state machine (this one included)',
      Resource: `arn:${Aws.PARTITION}:states:::aws-sdk:sfn:listExecutions`,
      Arguments: { StateMachineArn: '{% $states.context.StateMachine.Id %}', StatusFilter: 'RUNNING', MaxResults: 100 },
      // ListExecutions answers `executions[].executionArn`; the SDK integration may capitalize the fields.
      Assign: {
        otherRuns: '{% ($id := $states.context.Execution.Id; $items := $append($states.result.Executions, $states.result.executions); '
          + '$count($items[($exists(ExecutionArn) ? ExecutionArn : executionArn) != $id])) %}',
      },
      Output: '{% $states.input %}',
    },
  });
  list.addRetry({ errors: ['Sfn.ThrottlingException', 'Sfn.SfnException'], maxAttempts: 4, backoffRate: 2 });
  list.addCatch(failed, { errors: [sfn.Errors.ALL] });
  const skip = sfn.Succeed.jsonata(scope, 'AnotherRunInProgress', {
    comment: 'Another execution of this pipeline is running: this one does nothing',
    outputs: '{% {"skipped": true, "reason": "another execution of this data pipeline is running", "runningExecutions": $otherRuns} %}',
  });
  return sfn.Chain.start(list).next(sfn.Choice.jsonata(scope, 'OtherRunInProgress', { comment: 'No overlapping runs' })
    .when(sfn.Condition.jsonata('{% $otherRuns > 0 %}'), skip, { comment: 'Another execution is running' })
    .otherwise(next));
}

/** The data-quality gate: start the evaluation, poll it, read its result, and fail the run on any rule that did not pass. */
function defineGate(scope: Construct, gate: NonNullable<PipelineStatesInput['gate']>, next: sfn.IChainable, failed: sfn.IChainable): sfn.IChainable {
  const sdk = (action: string) => `arn:${Aws.PARTITION}:states:::aws-sdk:glue:${action}`;
  const start = new sfn.CustomState(scope, 'StartDataQualityRun', {
    stateJson: {
      Type: 'Task',
      Comment: `Evaluates the ruleset ${gate.rulesetName} on ${gate.databaseName}.${gate.tableName}`,
      Resource: sdk('startDataQualityRulesetEvaluationRun'),
      Arguments: {
        DataSource: { GlueTable: { DatabaseName: gate.databaseName, TableName: gate.tableName } },
        Role: gate.roleArn,
        RulesetNames: [gate.rulesetName],
        NumberOfWorkers: gate.numberOfWorkers,
        Timeout: gate.timeoutMinutes,
        // One evaluation per execution, however often the call is retried.
        ClientToken: '{% $states.context.Execution.Name %}',
        AdditionalRunOptions: { CloudWatchMetricsEnabled: true },
      },
      Assign: { dqRunId: '{% $states.result.RunId %}', dqPolls: 0 },
      Output: '{% $states.input %}',
    },
  });
  const wait = sfn.Wait.jsonata(scope, 'WaitForDataQuality', {
    comment: 'The evaluation is running',
    time: sfn.WaitTime.duration(Duration.seconds(gate.pollSeconds)),
  });
  const poll = new sfn.CustomState(scope, 'GetDataQualityRun', {
    stateJson: {
      Type: 'Task',
      Comment: 'Reads the state of the evaluation',
      Resource: sdk('getDataQualityRulesetEvaluationRun'),
      Arguments: { RunId: '{% $dqRunId %}' },
      Assign: {
        dqStatus: '{% $states.result.Status %}', dqResultIds: '{% $states.result.ResultIds %}',
        dqError: '{% $exists($states.result.ErrorString) ? $states.result.ErrorString : "" %}', dqPolls: '{% $dqPolls + 1 %}',
      },
      Output: '{% $states.input %}',
    },
  });
  const result = new sfn.CustomState(scope, 'GetDataQualityResult', {
    stateJson: {
      Type: 'Task',
      Comment: 'Reads the score and the rule results of the evaluation',
      Resource: sdk('getDataQualityResult'),
      Arguments: { ResultId: '{% $dqResultIds[0] %}' },
      Assign: {
        dqScore: '{% $states.result.Score %}',
        dqFailedRules: '{% [$states.result.RuleResults[Result != "PASS"].Name] %}',
      },
      Output: '{% $states.input %}',
    },
  });
  for (const task of [start, poll, result]) {
    task.addRetry({
      errors: ['Glue.ThrottlingException', 'Glue.InternalServiceException', 'Glue.OperationTimeoutException', 'Glue.GlueException'],
      interval: Duration.seconds(5), maxAttempts: 6, backoffRate: 2, maxDelay: Duration.minutes(2), jitterStrategy: sfn.JitterType.FULL,
    });
    task.addCatch(failed, { errors: [sfn.Errors.ALL] });
  }
  const runFailed = sfn.Fail.jsonata(scope, 'DataQualityRunFailed', {
    comment: 'The evaluation itself did not complete',
    error: 'DataQualityRunFailed',
    cause: `{% 'Data quality evaluation ' & $dqRunId & ' of ${gate.rulesetName} ended ' & $dqStatus & ($dqError = '' ? '' : ': ' & $dqError) %}`,
  });
  const gateFailed = sfn.Fail.jsonata(scope, 'DataQualityFailed', {
    comment: 'A rule of the ruleset did not pass: the data does not go further',
    error: 'DataQualityFailed',
    cause: `{% 'Ruleset ${gate.rulesetName} on ${gate.databaseName}.${gate.tableName}: score ' & $string($dqScore) & `
      + '\'; rules that did not pass: \' & $join($dqFailedRules, \', \') %}',
  });
  const verdict = sfn.Choice.jsonata(scope, 'DataQualityGate', { comment: 'Every rule passed' })
    .when(sfn.Condition.jsonata('{% $count($dqFailedRules) = 0 %}'), next, { comment: 'The data passed' })
    .otherwise(gateFailed);
  result.next(verdict);
  const status = sfn.Choice.jsonata(scope, 'DataQualityRunDone', { comment: 'Whether the evaluation has ended' })
    .when(sfn.Condition.jsonata("{% $dqStatus in ['STARTING', 'RUNNING', 'STOPPING'] %}"), wait, { comment: 'Still running' })
    .when(sfn.Condition.jsonata("{% $dqStatus = 'SUCCEEDED' %}"), result, { comment: 'Evaluated' })
    .otherwise(runFailed);
  poll.next(status);
  wait.next(poll);
  return sfn.Chain.start(start).next(wait);
}
