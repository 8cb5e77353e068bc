import { TaskAnswer, TaskResponder } from './interpreter';

/**
 * Answers a data pipeline's tasks as Glue and Step Functions do, in the shapes of the API references:
 * - `arn:aws:states:::glue:startJobRun.sync` returns the JobRun once the run has ended
 *   (https://docs.aws.amazon.com/step-functions/latest/dg/connect-glue.html; JobRun:
 *   https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-jobs-runs.html#aws-glue-api-jobs-runs-JobRun); a run that ends FAILED,
 *   TIMEOUT or STOPPED fails the task with States.TaskFailed and the JobRun as the cause
 *   (https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html#connect-sync); API errors are `Glue.<Exception>`.
 * - `aws-sdk:glue:startDataQualityRulesetEvaluationRun` answers a RunId; `getDataQualityRulesetEvaluationRun` the run's Status and
 *   ResultIds; `getDataQualityResult` the Score and RuleResults (https://docs.aws.amazon.com/glue/latest/webapi/API_GetDataQualityResult.html).
 * - `aws-sdk:sfn:listExecutions` lists the RUNNING executions, the calling one included.
 */
export interface GlueWorld {
  /** How each job's run ends, by job name (default SUCCEEDED). */
  readonly jobEnds?: Record<string, 'SUCCEEDED' | 'FAILED' | 'TIMEOUT' | 'STOPPED'>;
  /** Errors the given state's first attempts raise, in order (then it succeeds). */
  readonly errors?: Record<string, { error: string; cause: string }[]>;
  /** The statuses GetDataQualityRulesetEvaluationRun reports, one per poll; the last one repeats (default ['SUCCEEDED']). */
  readonly dqStatuses?: string[];
  /** The rules that do not pass (default none). */
  readonly failingRules?: string[];
  /** Other RUNNING executions of the state machine. */
  readonly runningExecutions?: string[];
}

export interface GlueWorldLog {
  readonly calls: { state: string; resource: string; arguments: any }[];
}

export const JOB_FAILED_MESSAGE = 'An error occurred while calling o112.pyWriteDynamicFrame. Access Denied (Service: Amazon S3; Status Code: 403)';
export const CONCURRENT_RUNS = {
  error: 'Glue.ConcurrentRunsExceededException',
  cause: 'Concurrent runs exceeded for curate-churn-events (Service: AWSGlue; Status Code: 400; Error Code: ConcurrentRunsExceededException)',
};

const RULES = ['RowCount > 0', 'IsComplete "customer_id"', 'ColumnValues "amount" >= 0'];

export function glueWorld(world: GlueWorld = {}): { tasks: TaskResponder; log: GlueWorldLog } {
  const log: GlueWorldLog = { calls: [] };
  const failures = Object.fromEntries(Object.entries(world.errors ?? {}).map(([k, v]) => [k, [...v]]));
  const statuses = [...(world.dqStatuses ?? ['SUCCEEDED'])];
  let runs = 0;
  const tasks: TaskResponder = (call) => {
    log.calls.push({ state: call.state, resource: call.resource, arguments: call.arguments });
    const pending = failures[call.state];
    if (pending && pending.length > 0) {
      return pending.shift()!;
    }
    switch (call.resource.replace(/^arn:aws:states:::/, '')) {
      case 'glue:startJobRun.sync': {
        runs++;
        const name = call.arguments.JobName;
        const state = world.jobEnds?.[name] ?? 'SUCCEEDED';
        const run: any = {
          Id: `jr_${String(runs).padStart(4, '0')}c0ffee1234567890abcdef1234567890abcdef1234567890abcdef12345678`,
          Attempt: 0, JobName: name, JobMode: 'SCRIPT', StartedOn: '2026-01-05T02:00:10.000Z', LastModifiedOn: '2026-01-05T02:40:00.000Z',
          CompletedOn: '2026-01-05T02:40:00.000Z', JobRunState: state, ExecutionTime: 2390, Timeout: 120, GlueVersion: '5.0',
          WorkerType: 'G.1X', NumberOfWorkers: 2, ExecutionClass: 'STANDARD', DPUSeconds: 4780,
        };
        if (state !== 'SUCCEEDED') {
          run.ErrorMessage = state === 'TIMEOUT' ? 'Job run timed out' : state === 'STOPPED' ? 'Job run stopped' : JOB_FAILED_MESSAGE;
          return { error: 'States.TaskFailed', cause: JSON.stringify(run), seconds: 2400 };
        }
        return { result: run, seconds: 2400 };
      }
      case 'aws-sdk:glue:startDataQualityRulesetEvaluationRun':
        return { result: { RunId: 'dqrun-3f9a1c2b7d4e5f60718293a4b5c6d7e8f9012345' } };
      case 'aws-sdk:glue:getDataQualityRulesetEvaluationRun': {
        const status = statuses.length > 1 ? statuses.shift()! : statuses[0];
        return {
          result: {
            RunId: call.arguments.RunId, Status: status,
            ...(status === 'SUCCEEDED' ? { ResultIds: ['dqresult-a1b2c3d4e5f60718293a4b5c6d7e8f90'] } : {}),
            ...(status === 'FAILED' ? { ErrorString: 'Table churn_events has no partitions to evaluate' } : {}),
          },
        };
      }
      case 'aws-sdk:glue:getDataQualityResult': {
        const failing = world.failingRules ?? [];
        return {
          result: {
            ResultId: call.arguments.ResultId,
            Score: (RULES.length - failing.length) / RULES.length,
            RuleResults: RULES.map((name) => ({
              Name: name, Description: name,
              Result: failing.includes(name) ? 'FAIL' : 'PASS',
              ...(failing.includes(name) ? { EvaluationMessage: 'Value: 0.97 does not meet the constraint requirement!' } : {}),
            })),
          },
        };
      }
      case 'aws-sdk:sfn:listExecutions':
        return {
          result: {
            executions: [call.execution.split(':').pop()!, ...(world.runningExecutions ?? [])].map((name) => ({
              executionArn: `${String(call.arguments.StateMachineArn).replace(':stateMachine:', ':execution:')}:${name}`,
              stateMachineArn: call.arguments.StateMachineArn, name, status: 'RUNNING', startDate: '2026-01-05T02:00:00.000Z',
            })),
          },
        };
      default:
        return { error: 'States.Runtime', cause: `the contract world does not answer ${call.resource}` } satisfies TaskAnswer;
    }
  };
  return { tasks, log };
}
