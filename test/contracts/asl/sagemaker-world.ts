import { TaskAnswer, TaskCall, TaskResponder } from './interpreter';

/**
 * Answers the training state machine's tasks as SageMaker and SNS do, with response shapes from the API references and errors
 * named as Step Functions reports them:
 * - `arn:aws:states:::sagemaker:createTrainingJob.sync` returns what DescribeTrainingJob returns once the job has ended
 *   (https://docs.aws.amazon.com/step-functions/latest/dg/connect-sagemaker.html); a job that ends Failed or Stopped fails the
 *   task with States.TaskFailed and the job description as the cause
 *   (https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html#connect-sync); API errors of the optimized
 *   integration are `SageMaker.<Exception>`, throttling being `SageMaker.AmazonSageMakerException` with a ThrottlingException
 *   cause (aws/aws-cdk#32294's discussion; AWS's own SageMaker samples retry exactly that name).
 * - `arn:aws:states:::aws-sdk:sagemaker:*` calls return the API's response
 *   (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DescribeTrainingJob.html,
 *   https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateModelPackage.html); their errors are `SageMaker.<Exception>`
 *   (https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html), an unmodelled one (throttling) being
 *   `SageMaker.SageMakerException`.
 * - `arn:aws:states:::sns:publish` returns a MessageId (https://docs.aws.amazon.com/sns/latest/api/API_Publish.html).
 */
export interface TrainingWorld {
  /** How the job ends: Completed (default), Failed, or Stopped (MaxRuntime or MaxWait exceeded, or stopped by a user). */
  readonly jobEnds?: 'Completed' | 'Failed' | 'Stopped';
  /** The job's final metrics (FinalMetricDataList). */
  readonly metrics?: Record<string, number>;
  /** Spot: the job was interrupted and resumed from its checkpoints before it completed. */
  readonly spotInterruptions?: number;
  /** Errors the given task's first attempts raise, in order (then it succeeds). */
  readonly errors?: Record<string, { error: string; cause: string }[]>;
  /** How long the job runs, in seconds. */
  readonly jobSeconds?: number;
  /** The FailureReason of a job that ends Failed (default: an AlgorithmError). */
  readonly failureReason?: string;
  /** Other executions of the state machine that ListExecutions reports RUNNING (default: none; the calling one always is). */
  readonly runningExecutions?: string[];
  /** How a tuning job ends (createHyperParameterTuningJob.sync); the best training job's final metrics are `metrics`. */
  readonly tuning?: TuningOutcome;
}

/** A tuning job's outcome, in DescribeHyperParameterTuningJob's terms (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DescribeHyperParameterTuningJob.html). */
export interface TuningOutcome {
  /** HyperParameterTuningJobStatus at the end: Completed (default), Failed or Stopped. */
  readonly ends?: 'Completed' | 'Failed' | 'Stopped';
  /** Training jobs that completed with an objective value (default 10); with none, there is no BestTrainingJob. */
  readonly completed?: number;
  /** Training jobs that failed with a non-retryable error (default 0). */
  readonly failed?: number;
  /** Training jobs stopped early (default 0). */
  readonly stopped?: number;
  /** TuningJobCompletionDetails.NumberOfTrainingJobsObjectiveNotImproving: the tuning job ended on BestObjectiveNotImproving. */
  readonly notImproving?: number;
  /** The FailureReason of a tuning job that ends Failed. */
  readonly failureReason?: string;
}

/** A job that SageMaker could not give instances (https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-eu-capacity-error.html). */
export const INSUFFICIENT_CAPACITY = 'CapacityError: Unable to provision requested ML compute capacity. Please retry using a different ML instance type.';

export const THROTTLED_SYNC = {
  error: 'SageMaker.AmazonSageMakerException',
  cause: 'Rate exceeded (Service: AmazonSageMaker; Status Code: 400; Error Code: ThrottlingException; Request ID: 5d4f6a1e-0c1b-4b7e-9a57-3f2e1d0c9b8a; Proxy: null)',
};
export const THROTTLED_SDK = {
  error: 'SageMaker.SageMakerException',
  cause: 'Rate exceeded (Service: SageMaker, Status Code: 400, Error Code: ThrottlingException, Request ID: 7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d)',
};
export const RESOURCE_LIMIT = {
  error: 'SageMaker.ResourceLimitExceededException',
  cause: 'The account-level service limit \'ml.g5.2xlarge for spot training job usage\' is 0 Instances, with current utilization of 0 Instances '
    + 'and a request delta of 1 Instances. Please use AWS Service Quotas to request an increase for this quota. (Service: AmazonSageMaker; '
    + 'Status Code: 400; Error Code: ResourceLimitExceeded; Request ID: 0e9d8c7b-6a5f-4e3d-2c1b-0a9f8e7d6c5b; Proxy: null)',
};

/** Everything the world was asked, for assertions. */
export interface WorldLog {
  readonly calls: TaskCall[];
  readonly notifications: any[];
}

const JOB_START = '2026-01-05T09:00:05.000Z';

export function trainingWorld(world: TrainingWorld = {}): { tasks: TaskResponder; log: WorldLog } {
  const log: WorldLog = { calls: [], notifications: [] };
  const failures: Record<string, { error: string; cause: string }[]> = Object.fromEntries(
    Object.entries(world.errors ?? {}).map(([k, v]) => [k, [...v]]));
  let lastJob: any;
  let packages = 0;

  const tasks: TaskResponder = (call) => {
    log.calls.push(call);
    const pending = failures[call.state];
    if (pending && pending.length > 0) {
      return pending.shift()!;
    }
    const action = call.resource.replace(/^arn:aws:states:::/, '');
    switch (action) {
      case 'sagemaker:createTrainingJob.sync': {
        lastJob = describeJob(call.arguments, world);
        const seconds = lastJob.TrainingTimeInSeconds + 120;
        if (lastJob.TrainingJobStatus !== 'Completed') {
          return { error: 'States.TaskFailed', cause: JSON.stringify(lastJob), seconds };
        }
        return { result: lastJob, seconds };
      }
      case 'sagemaker:createHyperParameterTuningJob.sync': {
        const tuning = describeTuningJob(call.arguments, world);
        if (tuning.BestTrainingJob) {
          const def = call.arguments.TrainingJobDefinition;
          const best = tuning.BestTrainingJob.TrainingJobName;
          lastJob = describeJob({ ...def, TrainingJobName: best, HyperParameters: def.StaticHyperParameters }, world);
        }
        const seconds = 6 * 3600;
        if (tuning.HyperParameterTuningJobStatus !== 'Completed') {
          return { error: 'States.TaskFailed', cause: JSON.stringify(tuning), seconds };
        }
        return { result: tuning, seconds };
      }
      case 'aws-sdk:sagemaker:describeTrainingJob':
        if (!lastJob || call.arguments.TrainingJobName !== lastJob.TrainingJobName) {
          return {
            error: 'SageMaker.ResourceNotFoundException',
            cause: `Requested resource not found: TrainingJob ${call.arguments.TrainingJobName} (Service: SageMaker, Status Code: 400)`,
          };
        }
        return { result: lastJob };
      case 'aws-sdk:sagemaker:createModelPackage': {
        packages++;
        const group = call.arguments.ModelPackageGroupName;
        return { result: { ModelPackageArn: `arn:aws:sagemaker:us-east-1:123456789012:model-package/${group}/${packages}` } };
      }
      case 'aws-sdk:sfn:listExecutions':
        // https://docs.aws.amazon.com/step-functions/latest/apireference/API_ListExecutions.html
        // (newest first: the calling execution is RUNNING too, and is listed like any other).
        return {
          result: {
            executions: [call.execution.split(':').pop()!, ...(world.runningExecutions ?? [])].map((name) => ({
              executionArn: `${String(call.arguments.StateMachineArn).replace(':stateMachine:', ':execution:')}:${name}`,
              stateMachineArn: call.arguments.StateMachineArn, name, status: 'RUNNING', startDate: JOB_START,
            })),
          },
        };
      case 'sns:publish':
        log.notifications.push({ subject: call.arguments.Subject, message: JSON.parse(call.arguments.Message), topic: call.arguments.TopicArn });
        return { result: { MessageId: `0f6a3b1c-${String(log.notifications.length).padStart(4, '0')}-4d2e-9f8a-7b6c5d4e3f2a` } };
      default:
        return { error: 'States.Runtime', cause: `the contract world does not answer ${call.resource}` } satisfies TaskAnswer;
    }
  };
  return { tasks, log };
}

/** A DescribeTrainingJob response for the job CreateTrainingJob was asked to run. */
function describeJob(args: any, world: TrainingWorld): any {
  const name = args.TrainingJobName;
  const status = world.jobEnds ?? 'Completed';
  const seconds = world.jobSeconds ?? 5400;
  const transitions = [
    { Status: 'Starting', StartTime: JOB_START, StatusMessage: 'Preparing the instances for training' },
    { Status: 'Downloading', StartTime: '2026-01-05T09:03:00.000Z', StatusMessage: 'Downloading input data' },
    { Status: 'Training', StartTime: '2026-01-05T09:05:00.000Z', StatusMessage: 'Training image download completed. Training in progress.' },
  ];
  for (let i = 0; i < (world.spotInterruptions ?? 0); i++) {
    transitions.push(
      { Status: 'Interrupted', StartTime: '2026-01-05T09:40:00.000Z', StatusMessage: 'Training job interrupted. Spot capacity was reclaimed.' },
      { Status: 'Training', StartTime: '2026-01-05T09:52:00.000Z', StatusMessage: 'Training resumed from the latest checkpoint.' },
    );
  }
  const secondary = status === 'Completed' ? 'Completed' : status === 'Failed' ? 'Failed' : (args.EnableManagedSpotTraining ? 'MaxWaitTimeExceeded' : 'MaxRuntimeExceeded');
  transitions.push({ Status: secondary, StartTime: '2026-01-05T10:35:00.000Z', StatusMessage: secondary });
  const job: any = {
    TrainingJobName: name,
    TrainingJobArn: `arn:aws:sagemaker:us-east-1:123456789012:training-job/${name}`,
    TrainingJobStatus: status,
    SecondaryStatus: secondary,
    SecondaryStatusTransitions: transitions,
    AlgorithmSpecification: args.AlgorithmSpecification,
    RoleArn: args.RoleArn,
    InputDataConfig: args.InputDataConfig,
    OutputDataConfig: args.OutputDataConfig,
    ResourceConfig: args.ResourceConfig,
    StoppingCondition: args.StoppingCondition,
    HyperParameters: args.HyperParameters,
    EnableManagedSpotTraining: args.EnableManagedSpotTraining ?? false,
    CreationTime: JOB_START,
    TrainingStartTime: '2026-01-05T09:03:00.000Z',
    TrainingEndTime: '2026-01-05T10:35:00.000Z',
    TrainingTimeInSeconds: seconds,
    BillableTimeInSeconds: args.EnableManagedSpotTraining ? Math.round(seconds * 0.3) : seconds,
    FinalMetricDataList: Object.entries(world.metrics ?? {}).map(([MetricName, Value]) => ({ MetricName, Value, Timestamp: '2026-01-05T10:34:00.000Z' })),
  };
  if (status === 'Completed') {
    job.ModelArtifacts = { S3ModelArtifacts: `${args.OutputDataConfig.S3OutputPath}${name}/output/model.tar.gz` };
  } else if (status === 'Failed') {
    job.FailureReason = world.failureReason ?? 'AlgorithmError: ExecuteUserScriptError: Command "python train.py" exited with code 1';
  }
  return job;
}

/**
 * A DescribeHyperParameterTuningJob response for the tuning job CreateHyperParameterTuningJob was asked to run: its training jobs are
 * named `<tuning-job-name>-<3-digit index>-<8 hex digits>`, the best one is the BestTrainingJob (absent when none completed).
 */
function describeTuningJob(args: any, world: TrainingWorld): any {
  const t = world.tuning ?? {};
  const name = args.HyperParameterTuningJobName;
  const completed = t.completed ?? 10;
  const failed = t.failed ?? 0;
  const stopped = t.stopped ?? 0;
  const config = args.HyperParameterTuningJobConfig;
  const objective = config.HyperParameterTuningJobObjective;
  const response: any = {
    HyperParameterTuningJobName: name,
    HyperParameterTuningJobArn: `arn:aws:sagemaker:us-east-1:123456789012:hyper-parameter-tuning-job/${name}`,
    HyperParameterTuningJobConfig: config,
    TrainingJobDefinition: args.TrainingJobDefinition,
    HyperParameterTuningJobStatus: t.ends ?? 'Completed',
    CreationTime: JOB_START,
    HyperParameterTuningEndTime: '2026-01-05T15:00:05.000Z',
    LastModifiedTime: '2026-01-05T15:00:05.000Z',
    TrainingJobStatusCounters: { Completed: completed, InProgress: 0, RetryableError: 0, NonRetryableError: failed, Stopped: stopped },
    ObjectiveStatusCounters: { Succeeded: completed, Pending: 0, Failed: failed + stopped },
    ConsumedResources: { RuntimeInSeconds: 6 * 3600 },
    Tags: [{ Key: 'MANAGED_BY_AWS', Value: 'STARTED_BY_STEP_FUNCTIONS' }],
  };
  if (completed > 0) {
    const jobName = `${name}-${String(Math.min(completed, 999)).padStart(3, '0')}-7e3eb3a9`;
    response.BestTrainingJob = {
      TrainingJobName: jobName,
      TrainingJobArn: `arn:aws:sagemaker:us-east-1:123456789012:training-job/${jobName}`,
      TuningJobName: name,
      TrainingJobStatus: 'Completed',
      ObjectiveStatus: 'Succeeded',
      CreationTime: JOB_START,
      TrainingStartTime: '2026-01-05T09:03:00.000Z',
      TrainingEndTime: '2026-01-05T10:35:00.000Z',
      TunedHyperParameters: Object.fromEntries([
        ...(config.ParameterRanges.ContinuousParameterRanges ?? []).map((r: any) => [r.Name, r.MinValue]),
        ...(config.ParameterRanges.IntegerParameterRanges ?? []).map((r: any) => [r.Name, r.MaxValue]),
        ...(config.ParameterRanges.CategoricalParameterRanges ?? []).map((r: any) => [r.Name, r.Values[0]]),
      ]),
      FinalHyperParameterTuningJobObjectiveMetric: {
        MetricName: objective.MetricName, Type: objective.Type, Value: world.metrics?.[objective.MetricName] ?? 0,
      },
    };
  }
  if (t.notImproving !== undefined) {
    response.TuningJobCompletionDetails = { NumberOfTrainingJobsObjectiveNotImproving: t.notImproving };
  }
  if (t.ends === 'Failed') {
    response.FailureReason = t.failureReason ?? 'The tuning job failed: all training jobs failed with non-retryable errors';
  }
  return response;
}
