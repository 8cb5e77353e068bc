import { TaskAnswer, TaskCall, TaskResponder } from './interpreter';

/**
 * Answers the batch transform state machine's tasks as SageMaker does, with response shapes from the API references and errors named
 * as Step Functions reports them:
 * - `aws-sdk:sagemaker:listModelPackages` returns ModelPackageSummaryList, filtered by ModelApprovalStatus and sorted as asked
 *   (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ListModelPackages.html);
 * - `aws-sdk:sagemaker:createModel` returns ModelArn, and fails with a ValidationException for a name that exists or a package that
 *   does not (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateModel.html); `deleteModel` returns nothing, and a
 *   ValidationException for a model that does not exist (API_DeleteModel.html);
 * - `sagemaker:createTransformJob.sync` returns what DescribeTransformJob returns once the job ended
 *   (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DescribeTransformJob.html); a job that ends Failed or Stopped fails
 *   the task with States.TaskFailed and the description as the cause
 *   (https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html#connect-sync); API errors of the optimized integration
 *   are `SageMaker.AmazonSageMakerException` with the error code in the cause (see sagemaker-world.ts).
 */
export interface TransformWorld {
  /** The approved versions of the group, oldest first (default [1, 2]); the group also has a rejected version after them. */
  readonly approvedVersions?: number[];
  /** How the job ends (default Completed). */
  readonly jobEnds?: 'Completed' | 'Failed' | 'Stopped';
  /** The FailureReason of a failed job. */
  readonly failureReason?: string;
  /** Errors the given state's first attempts raise, in order (then it succeeds). */
  readonly errors?: Record<string, { error: string; cause: string }[]>;
  /** Models that exist before the run (a ServingModel's name). */
  readonly existingModels?: string[];
}

export interface TransformLog {
  readonly calls: TaskCall[];
  /** The models defined and not deleted when the execution ended. */
  readonly models: Set<string>;
  readonly jobs: any[];
}

const CREATED = '2026-12-01T02:00:05.000Z';
const ACCOUNT = '123456789012';

export const TRANSFORM_THROTTLED = {
  error: 'SageMaker.AmazonSageMakerException',
  cause: 'Rate exceeded (Service: AmazonSageMaker; Status Code: 400; Error Code: ThrottlingException; Request ID: 1e2d3c4b-5a69-4788-9a0b-1c2d3e4f5a6b; Proxy: null)',
};

export function transformWorld(world: TransformWorld = {}): { tasks: TaskResponder; log: TransformLog } {
  const log: TransformLog = { calls: [], models: new Set(world.existingModels ?? []), jobs: [] };
  const failures: Record<string, { error: string; cause: string }[]> = Object.fromEntries(
    Object.entries(world.errors ?? {}).map(([k, v]) => [k, [...v]]));
  const approved = world.approvedVersions ?? [1, 2];
  const jobNames = new Set<string>();

  const tasks: TaskResponder = (call) => {
    log.calls.push(call);
    const pending = failures[call.state];
    if (pending && pending.length > 0) {
      return pending.shift()!;
    }
    const action = call.resource.replace(/^arn:aws:states:::/, '');
    const a = call.arguments;
    switch (action) {
      case 'aws-sdk:sagemaker:listModelPackages': {
        const group = a.ModelPackageGroupName;
        const all = [
          ...approved.map((v) => ({ v, status: 'Approved' })),
          { v: Math.max(0, ...approved) + 1, status: 'Rejected' },
        ].map(({ v, status }) => ({
          ModelPackageGroupName: group, ModelPackageVersion: v, ModelPackageArn: `arn:aws:sagemaker:us-east-1:${ACCOUNT}:model-package/${group}/${v}`,
          ModelPackageDescription: `Trained by ${group}-run-${v}`, CreationTime: `2026-11-${String(v).padStart(2, '0')}T09:00:00.000Z`,
          ModelPackageStatus: 'Completed', ModelApprovalStatus: status,
        }));
        let list = all.filter((p) => a.ModelApprovalStatus === undefined || p.ModelApprovalStatus === a.ModelApprovalStatus);
        if (a.SortBy === 'CreationTime') {
          list = list.sort((x, y) => x.CreationTime.localeCompare(y.CreationTime) * (a.SortOrder === 'Descending' ? -1 : 1));
        }
        return { result: { ModelPackageSummaryList: list.slice(0, a.MaxResults ?? 100) } };
      }
      case 'aws-sdk:sagemaker:createModel': {
        const name = a.ModelName;
        if (typeof name !== 'string' || !/^[a-zA-Z0-9]([\-a-zA-Z0-9]*[a-zA-Z0-9])?$/.test(name) || name.length > 63) {
          return validation(`1 validation error detected: Value '${name}' at 'modelName' failed to satisfy constraint`);
        }
        if (log.models.has(name)) {
          return validation(`Cannot create already existing model "arn:aws:sagemaker:us-east-1:${ACCOUNT}:model/${name}".`);
        }
        const pkg = a.Containers?.[0]?.ModelPackageName;
        const m = /model-package\/([^/]+)\/(\d+)$/.exec(String(pkg));
        if (!m || !(approved.includes(Number(m[2])) || Number(m[2]) <= Math.max(0, ...approved) + 1)) {
          return validation(`ModelPackage ${pkg} does not exist.`);
        }
        if (typeof a.ExecutionRoleArn !== 'string' || !a.ExecutionRoleArn.startsWith('arn:aws:iam::')) {
          return validation('ExecutionRoleArn is required');
        }
        log.models.add(name);
        return { result: { ModelArn: `arn:aws:sagemaker:us-east-1:${ACCOUNT}:model/${name}` } };
      }
      case 'aws-sdk:sagemaker:deleteModel':
        if (!log.models.delete(a.ModelName)) {
          return validation(`Could not find model "arn:aws:sagemaker:us-east-1:${ACCOUNT}:model/${a.ModelName}".`);
        }
        return { result: {} };
      case 'sagemaker:createTransformJob.sync': {
        if (!log.models.has(a.ModelName)) {
          return {
            error: 'SageMaker.AmazonSageMakerException',
            cause: `Could not find model "arn:aws:sagemaker:us-east-1:${ACCOUNT}:model/${a.ModelName}". (Service: AmazonSageMaker; Status Code: 400; `
              + 'Error Code: ValidationException; Request ID: 3a4b5c6d-7e8f-4091-a2b3-c4d5e6f7a8b9; Proxy: null)',
          };
        }
        if (jobNames.has(a.TransformJobName)) {
          return {
            error: 'SageMaker.AmazonSageMakerException',
            cause: `Job name must be unique within an AWS account and region, and a job with this name already exists (${a.TransformJobName}) `
              + '(Service: AmazonSageMaker; Status Code: 400; Error Code: ValidationException; Proxy: null)',
          };
        }
        jobNames.add(a.TransformJobName);
        const status = world.jobEnds ?? 'Completed';
        const job: any = {
          TransformJobName: a.TransformJobName,
          TransformJobArn: `arn:aws:sagemaker:us-east-1:${ACCOUNT}:transform-job/${a.TransformJobName}`,
          TransformJobStatus: status,
          ModelName: a.ModelName,
          MaxConcurrentTransforms: a.MaxConcurrentTransforms ?? 1,
          MaxPayloadInMB: a.MaxPayloadInMB ?? 6,
          BatchStrategy: a.BatchStrategy,
          TransformInput: { CompressionType: 'None', ...a.TransformInput },
          TransformOutput: a.TransformOutput,
          TransformResources: a.TransformResources,
          DataProcessing: a.DataProcessing ?? { InputFilter: '$', OutputFilter: '$', JoinSource: 'None' },
          DataCaptureConfig: a.DataCaptureConfig,
          CreationTime: CREATED,
          TransformStartTime: '2026-12-01T02:04:10.000Z',
          TransformEndTime: '2026-12-01T02:41:37.000Z',
        };
        if (status === 'Failed') {
          job.FailureReason = world.failureReason ?? 'ClientError: See job logs for more information';
        }
        log.jobs.push(job);
        const seconds = 2500;
        return status === 'Completed' ? { result: job, seconds } : { error: 'States.TaskFailed', cause: JSON.stringify(job), seconds };
      }
      default:
        return { error: 'States.Runtime', cause: `the contract world does not answer ${call.resource}` } satisfies TaskAnswer;
    }
  };
  return { tasks, log };
}

function validation(message: string): TaskAnswer {
  return { error: 'SageMaker.ValidationException', cause: `${message} (Service: SageMaker, Status Code: 400, Request ID: 9b8a7c6d-5e4f-4321-8765-4a3b2c1d0e9f)` };
}
