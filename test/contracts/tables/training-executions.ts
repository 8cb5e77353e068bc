import { TrainingSubject } from './training';
import { INSUFFICIENT_CAPACITY, RESOURCE_LIMIT, THROTTLED_SDK, THROTTLED_SYNC, TrainingWorld } from '../asl/sagemaker-world';

/** One run of the training state machine: the world it meets, and what must happen. */
export interface ExecutionScenario {
  readonly name: string;
  readonly world: TrainingWorld;
  /** The execution input (default `{}`). */
  readonly input?: any;
  /** Only for apps where this holds (e.g. spot pipelines). */
  readonly when?: (s: TrainingSubject) => boolean;
  readonly status: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT';
  readonly error?: string;
  /** The states entered, in order; notification states are left out when the pipeline has no topic. Unchecked if absent. */
  readonly path?: string[];
  /** States that must not be entered (e.g. Train, when a run must not start a job). */
  readonly notEntered?: string[];
  /** Retries scheduled, per state (states not listed: none). */
  readonly retries?: Record<string, number>;
  /** The `status` of each notification, in order (when the pipeline has a topic). Unchecked if absent. */
  readonly notifications?: string[];
  readonly source: string;
  /** An open issue that makes this scenario fail today: it runs as `test.failing` and flips when fixed. */
  readonly knownDefect?: string;
}

const GATE = 'validation:auc';
const OK = { [GATE]: 0.91, 'train:loss': 0.21 };
/** Before any job: name it, check that no other run of the pipeline is RUNNING, check the run input. */
const START = ['NameTrainingJob', 'CheckOtherRuns', 'OtherRunInProgress', 'CheckRunInput'];
const AFTER_TRAINING = ['ReadFinalMetrics', 'QualityGate', 'RegisterModel', 'NotifySuccess', 'Registered'];
const SUCCESS_PATH = [...START, 'Train', ...AFTER_TRAINING];
const GATE_FAILED_PATH = [...START, 'Train', 'ReadFinalMetrics', 'QualityGate', 'NotifyQualityGateFailed', 'QualityGateFailed'];
const TRAIN_FAILED_PATH = [...START, 'Train', 'RetryTraining', 'NotifyFailure', 'Failed'];
/** One capacity wait: back off, name a new job, train again. */
const CAPACITY_WAIT = ['RetryTraining', 'WaitForCapacity', 'NameNextTrainingJob', 'Train'];
const NO_CAPACITY = { error: 'States.TaskFailed', cause: JSON.stringify({ TrainingJobStatus: 'Failed', FailureReason: INSUFFICIENT_CAPACITY }) };
const CAPACITY = 'https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-eu-capacity-error.html';
const SYNC = 'https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html#connect-sync';
const DESCRIBE = 'https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DescribeTrainingJob.html';
const SPOT = 'https://docs.aws.amazon.com/sagemaker/latest/dg/model-managed-spot-training.html';
const ADDTAGS_THREAD = 'https://github.com/aws/aws-cdk/issues/32294';
const LIMITS = 'https://docs.aws.amazon.com/sagemaker/latest/APIReference/CommonErrors.html';

/** The training pipeline's executions. All the gate thresholds of the apps are `validation:auc >= 0.85`. */
export const TRAINING_EXECUTIONS: ExecutionScenario[] = [
  { name: 'a job that completes above the gate is registered', world: { metrics: OK }, status: 'SUCCEEDED', path: SUCCESS_PATH, notifications: ['SUCCEEDED'], source: SYNC },
  {
    name: 'a metric exactly at the threshold passes the gate (>=)', world: { metrics: { [GATE]: 0.85 } },
    status: 'SUCCEEDED', path: SUCCESS_PATH, notifications: ['SUCCEEDED'], source: DESCRIBE,
  },
  {
    name: 'a metric just under the threshold fails the gate and is not registered', world: { metrics: { [GATE]: 0.8499 } },
    status: 'FAILED', error: 'QualityGateFailed', path: GATE_FAILED_PATH, notifications: ['QUALITY_GATE_FAILED'], source: DESCRIBE,
  },
  {
    name: 'a job whose gate metric is missing from FinalMetricDataList fails the gate', world: { metrics: { 'train:loss': 0.2 } },
    status: 'FAILED', error: 'QualityGateFailed', path: GATE_FAILED_PATH, notifications: ['QUALITY_GATE_FAILED'], source: DESCRIBE,
  },
  {
    name: 'a job that ends Failed fails the run and says why', world: { jobEnds: 'Failed' },
    status: 'FAILED', error: 'States.TaskFailed', path: TRAIN_FAILED_PATH, notifications: ['FAILED'], source: SYNC,
  },
  {
    name: 'a job that is Stopped (MaxRuntime or MaxWait exceeded) fails the run', world: { jobEnds: 'Stopped' },
    status: 'FAILED', error: 'States.TaskFailed', path: TRAIN_FAILED_PATH, notifications: ['FAILED'], source: SYNC,
  },
  {
    name: 'a spot job interrupted twice and resumed from checkpoints is registered', world: { metrics: OK, spotInterruptions: 2 },
    when: (s) => s.spec.spot, status: 'SUCCEEDED', path: SUCCESS_PATH, notifications: ['SUCCEEDED'], source: SPOT,
  },
  {
    name: 'an account limit (ResourceLimitExceeded) fails the run at once, naming the limit', world: { errors: { Train: [RESOURCE_LIMIT] } },
    status: 'FAILED', error: RESOURCE_LIMIT.error, path: TRAIN_FAILED_PATH, notifications: ['FAILED'], source: LIMITS,
  },
  {
    name: 'CreateTrainingJob throttled twice (SageMaker.AmazonSageMakerException) is retried, then the model is registered',
    world: { metrics: OK, errors: { Train: [THROTTLED_SYNC, THROTTLED_SYNC] } },
    // Retry matches error names only, so the throttling cause is read by the RetryTraining Choice, which waits and calls again.
    status: 'SUCCEEDED', path: [...START, 'Train', 'RetryTraining', 'WaitAfterThrottling', 'Train', 'RetryTraining', 'WaitAfterThrottling', 'Train', ...AFTER_TRAINING],
    notifications: ['SUCCEEDED'], source: ADDTAGS_THREAD,
  },
  {
    name: 'CreateTrainingJob throttled 6 times is called again 6 times, then registered',
    world: { metrics: OK, errors: { Train: Array(6).fill(THROTTLED_SYNC) } },
    status: 'SUCCEEDED', path: [...START, 'Train', ...Array(6).fill(['RetryTraining', 'WaitAfterThrottling', 'Train']).flat(), ...AFTER_TRAINING],
    notifications: ['SUCCEEDED'], source: ADDTAGS_THREAD,
  },
  {
    name: 'CreateTrainingJob throttled 7 times fails the run after 6 calls again, and says so',
    world: { metrics: OK, errors: { Train: Array(7).fill(THROTTLED_SYNC) } },
    status: 'FAILED', error: THROTTLED_SYNC.error,
    path: [...START, 'Train', ...Array(6).fill(['RetryTraining', 'WaitAfterThrottling', 'Train']).flat(), 'RetryTraining', 'NotifyFailure', 'Failed'],
    notifications: ['FAILED'], source: ADDTAGS_THREAD,
  },
  {
    name: 'a CreateTrainingJob validation error (SageMaker.AmazonSageMakerException, not throttling) fails the run at once',
    world: { errors: { Train: [{ error: 'SageMaker.AmazonSageMakerException', cause: 'Invalid S3Uri (Service: AmazonSageMaker; Status Code: 400; Error Code: ValidationException; Request ID: 1; Proxy: null)' }] } },
    status: 'FAILED', error: 'SageMaker.AmazonSageMakerException', path: TRAIN_FAILED_PATH, notifications: ['FAILED'],
    notEntered: ['WaitAfterThrottling', 'WaitForCapacity'], source: 'https://docs.aws.amazon.com/sagemaker/latest/APIReference/CommonErrors.html',
  },
  {
    name: 'a job that ran and failed with ThrottlingException in its FailureReason fails the run at once (not created again under its name)',
    // The job exists: calling CreateTrainingJob again with its name would fail (a name is unique per account and Region,
    // API_CreateTrainingJob TrainingJobName) and hide the job's own failure. Only an API error is a throttled call.
    world: { jobEnds: 'Failed', failureReason: 'ClientError: An error occurred (ThrottlingException) when calling the GetObject operation: Rate exceeded' },
    status: 'FAILED', error: 'States.TaskFailed', path: TRAIN_FAILED_PATH, notifications: ['FAILED'],
    notEntered: ['WaitAfterThrottling', 'WaitForCapacity'], source: 'https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateTrainingJob.html',
  },
  {
    name: 'DescribeTrainingJob throttled once is retried, so a trained model is not lost',
    world: { metrics: OK, errors: { ReadFinalMetrics: [THROTTLED_SDK] } },
    status: 'SUCCEEDED', path: SUCCESS_PATH, retries: { ReadFinalMetrics: 1 }, notifications: ['SUCCEEDED'], source: DESCRIBE,
  },
  {
    name: 'DescribeTrainingJob failing with an internal error (SageMaker.InternalFailureException) is retried',
    world: { metrics: OK, errors: { ReadFinalMetrics: [{ error: 'SageMaker.InternalFailureException', cause: 'We encountered an internal error. Please try again.' }] } },
    status: 'SUCCEEDED', path: SUCCESS_PATH, retries: { ReadFinalMetrics: 1 }, notifications: ['SUCCEEDED'], source: LIMITS,
  },
  {
    name: 'DescribeTrainingJob throttled 6 times is retried 6 times (MaxAttempts 6), then the model is registered',
    world: { metrics: OK, errors: { ReadFinalMetrics: Array(6).fill(THROTTLED_SDK) } },
    status: 'SUCCEEDED', path: SUCCESS_PATH, retries: { ReadFinalMetrics: 6 }, notifications: ['SUCCEEDED'], source: DESCRIBE,
  },
  {
    name: 'DescribeTrainingJob throttled 7 times fails the run after 6 retries, and says so',
    world: { metrics: OK, errors: { ReadFinalMetrics: Array(7).fill(THROTTLED_SDK) } },
    status: 'FAILED', error: THROTTLED_SDK.error, path: [...START, 'Train', 'ReadFinalMetrics', 'NotifyFailure', 'Failed'],
    retries: { ReadFinalMetrics: 6 }, notifications: ['FAILED'], source: DESCRIBE,
  },
  {
    name: 'CreateModelPackage throttled once is retried (idempotent through ClientToken)',
    world: { metrics: OK, errors: { RegisterModel: [THROTTLED_SDK] } },
    status: 'SUCCEEDED', path: SUCCESS_PATH, retries: { RegisterModel: 1 }, notifications: ['SUCCEEDED'],
    source: 'https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateModelPackage.html#sagemaker-CreateModelPackage-request-ClientToken',
  },
  {
    name: 'a job that ends Failed for lack of capacity (CapacityError) is started again after a wait, then registered',
    world: { metrics: OK, errors: { Train: [NO_CAPACITY] } },
    status: 'SUCCEEDED', path: [...START, 'Train', ...CAPACITY_WAIT, ...AFTER_TRAINING], notifications: ['SUCCEEDED'], source: CAPACITY,
  },
  {
    // The default budget is 2 hours: waits of 120, 240, 480, 960, 1800, 1800, 1800 s add up to exactly 7200 s.
    name: 'seven capacity failures are waited out within the default 2-hour budget (the last wait ends it exactly)',
    world: { metrics: OK, errors: { Train: Array(7).fill(NO_CAPACITY) } },
    status: 'SUCCEEDED', path: [...START, 'Train', ...Array(7).fill(CAPACITY_WAIT).flat(), ...AFTER_TRAINING], notifications: ['SUCCEEDED'], source: CAPACITY,
  },
  {
    name: 'an eighth capacity failure, whose wait would exceed the budget, fails the run and says why',
    world: { metrics: OK, errors: { Train: Array(8).fill(NO_CAPACITY) } },
    status: 'FAILED', error: 'States.TaskFailed',
    path: [...START, 'Train', ...Array(7).fill(CAPACITY_WAIT).flat(), 'RetryTraining', 'NotifyFailure', 'Failed'], notifications: ['FAILED'], source: CAPACITY,
  },
  {
    name: 'a job that runs past the state machine\'s timeout times the run out (States.Timeout), before anything is registered',
    world: { metrics: OK, jobSeconds: 40 * 24 * 3600 },
    status: 'TIMED_OUT', error: 'States.Timeout', notEntered: ['RegisterModel'], notifications: [],
    source: 'https://docs.aws.amazon.com/step-functions/latest/dg/statemachine-structure.html',
  },
  {
    name: 'a run that finds another execution of the pipeline RUNNING starts no job and ends as a no-op',
    world: { metrics: OK, runningExecutions: ['scheduled-run-0'] },
    status: 'SUCCEEDED', path: ['NameTrainingJob', 'CheckOtherRuns', 'OtherRunInProgress', 'AnotherRunInProgress'], notEntered: ['Train'],
    notifications: [], source: 'https://docs.aws.amazon.com/step-functions/latest/apireference/API_ListExecutions.html',
  },
  {
    name: 'ListExecutions throttled once (Sfn.SfnException) is retried, then the run trains',
    world: { metrics: OK, errors: { CheckOtherRuns: [{ error: 'Sfn.SfnException', cause: 'Rate exceeded (Service: Sfn, Status Code: 400, Error Code: ThrottlingException)' }] } },
    status: 'SUCCEEDED', path: SUCCESS_PATH, retries: { CheckOtherRuns: 1 }, notifications: ['SUCCEEDED'],
    source: 'https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html',
  },
  {
    name: 'a run whose input asks for a data window outside the channel\'s prefix fails with InvalidRunInput before a job starts',
    world: { metrics: OK }, input: { channels: { train: 'other/2026-12/' } },
    status: 'FAILED', error: 'InvalidRunInput', path: [...START, 'InvalidRunInput'], notEntered: ['Train'], notifications: [],
    source: 'https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_S3DataSource.html',
  },
  {
    name: 'a run whose input names an unknown channel fails with InvalidRunInput',
    world: { metrics: OK }, input: { channels: { test: 'churn/train/' } },
    status: 'FAILED', error: 'InvalidRunInput', notEntered: ['Train'], source: 'https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_Channel.html',
  },
  {
    name: 'a run whose input is a scheduled event (other fields) trains with the pipeline\'s own settings',
    world: { metrics: OK }, input: { 'version': '0', 'detail-type': 'Scheduled Event', 'source': 'aws.events', 'detail': {} },
    status: 'SUCCEEDED', path: SUCCESS_PATH, notifications: ['SUCCEEDED'], source: 'https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-events.html',
  },
  {
    name: 'a success notification that cannot be sent does not fail a registered run',
    world: { metrics: OK, errors: { NotifySuccess: Array(6).fill({ error: 'SNS.KMSAccessDeniedException', cause: 'KMS access denied' }) } },
    when: (s) => s.topicArn !== undefined,
    status: 'SUCCEEDED', path: [...START, 'Train', 'ReadFinalMetrics', 'QualityGate', 'RegisterModel', 'NotifySuccess', 'RegisteredWithoutNotification'],
    notifications: [], source: 'https://docs.aws.amazon.com/sns/latest/api/API_Publish.html',
  },
];
