import { BatchSubject } from './batch-transform';
import { TRANSFORM_THROTTLED, TransformWorld } from '../asl/transform-world';

/** A path of the batch transform state machine, executed on realistic answers, and what must happen. */
export interface BatchScenario {
  readonly name: string;
  /** Only apps it applies to (by their model). */
  readonly when?: (s: BatchSubject) => boolean;
  readonly world: TransformWorld;
  readonly input?: any;
  readonly status: 'SUCCEEDED' | 'FAILED';
  readonly error?: string;
  /** The states entered, in order. */
  readonly path: string[];
  readonly retries?: Record<string, number>;
  /** Whether the run's model is left defined at the end (never: a run deletes what it defined). */
  readonly modelsLeft?: number;
}

const latest = (s: BatchSubject) => s.spec.registryGroup !== undefined && s.spec.version === undefined;
const version = (s: BatchSubject) => s.spec.version !== undefined;
const serving = (s: BatchSubject) => s.spec.registryGroup === undefined;

const THROTTLED_SDK = {
  error: 'SageMaker.SageMakerException',
  cause: 'Rate exceeded (Service: SageMaker, Status Code: 400, Error Code: ThrottlingException, Request ID: 7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d)',
};
const JOB_FAILED_REASON = 'ClientError: Please ensure that the payload size does not exceed MaxPayloadInMB';

export const BATCH_EXECUTIONS: BatchScenario[] = [
  {
    name: 'the latest approved package scores the input: find it, define the model, transform, delete the model',
    when: latest,
    world: {},
    status: 'SUCCEEDED',
    path: ['NameRun', 'CheckRunInput', 'FindApprovedModel', 'ApprovedModelFound', 'DefineModel', 'Transform', 'DeleteModel', 'Scored'],
  },
  {
    name: 'a given version scores the input without listing packages',
    when: version,
    world: {},
    status: 'SUCCEEDED',
    path: ['NameRun', 'CheckRunInput', 'ChooseModelPackage', 'DefineModel', 'Transform', 'DeleteModel', 'Scored'],
  },
  {
    name: 'a ServingModel scores the input with no model of the run\'s own',
    when: serving,
    world: { existingModels: ['<serving>'] },
    status: 'SUCCEEDED',
    path: ['NameRun', 'CheckRunInput', 'Transform', 'Scored'],
    modelsLeft: 1,
  },
  {
    name: 'no approved package: the run fails with NoApprovedModelPackage before any model or job',
    when: latest,
    world: { approvedVersions: [] },
    status: 'FAILED',
    error: 'NoApprovedModelPackage',
    path: ['NameRun', 'CheckRunInput', 'FindApprovedModel', 'ApprovedModelFound', 'NoApprovedModelPackage'],
  },
  {
    name: 'a failed job fails the run with the job\'s description, after deleting the run\'s model',
    when: (s) => !serving(s),
    world: { jobEnds: 'Failed', failureReason: JOB_FAILED_REASON },
    status: 'FAILED',
    error: 'States.TaskFailed',
    path: ['NameRun', 'CheckRunInput', 'DefineModel', 'Transform', 'RetryTransform', 'DeleteModelAfterFailure', 'Failed'],
  },
  {
    name: 'a failed job of a ServingModel fails the run with the job\'s description',
    when: serving,
    world: { jobEnds: 'Failed', failureReason: JOB_FAILED_REASON, existingModels: ['<serving>'] },
    status: 'FAILED',
    error: 'States.TaskFailed',
    path: ['NameRun', 'CheckRunInput', 'Transform', 'RetryTransform', 'Failed'],
    modelsLeft: 1,
  },
  {
    name: 'a throttled CreateTransformJob waits and calls again with the same job name, then scores',
    when: (s) => !serving(s),
    world: { errors: { Transform: [TRANSFORM_THROTTLED, TRANSFORM_THROTTLED] } },
    status: 'SUCCEEDED',
    path: ['NameRun', 'CheckRunInput', 'DefineModel', 'Transform', 'RetryTransform', 'WaitAfterThrottling', 'Transform', 'RetryTransform',
      'WaitAfterThrottling', 'Transform', 'DeleteModel', 'Scored'],
  },
  {
    name: 'CreateTransformJob throttled 7 times fails the run after 6 waits, and the model is deleted',
    when: (s) => !serving(s),
    world: { errors: { Transform: Array(7).fill(TRANSFORM_THROTTLED) } },
    status: 'FAILED',
    error: 'SageMaker.AmazonSageMakerException',
    path: ['NameRun', 'CheckRunInput', 'DefineModel',
      ...Array(6).fill(['Transform', 'RetryTransform', 'WaitAfterThrottling']).flat(), 'Transform', 'RetryTransform', 'DeleteModelAfterFailure', 'Failed'],
  },
  {
    name: 'throttled ListModelPackages and CreateModel (SDK integration) are retried',
    when: latest,
    world: { errors: { FindApprovedModel: [THROTTLED_SDK, THROTTLED_SDK], DefineModel: [THROTTLED_SDK] } },
    status: 'SUCCEEDED',
    path: ['NameRun', 'CheckRunInput', 'FindApprovedModel', 'ApprovedModelFound', 'DefineModel', 'Transform', 'DeleteModel', 'Scored'],
    retries: { FindApprovedModel: 2, DefineModel: 1 },
  },
  {
    name: 'a model that cannot be deleted does not fail a run that scored',
    when: (s) => !serving(s),
    world: { errors: { DeleteModel: Array(7).fill(THROTTLED_SDK) } },
    status: 'SUCCEEDED',
    path: ['NameRun', 'CheckRunInput', 'DefineModel', 'Transform', 'DeleteModel', 'ScoredModelNotDeleted'],
    retries: { DeleteModel: 6 },
    modelsLeft: 1,
  },
  {
    name: 'an input outside the configured prefix fails with InvalidRunInput before anything runs',
    world: {},
    input: { inputPrefix: 'other/' },
    status: 'FAILED',
    error: 'InvalidRunInput',
    path: ['NameRun', 'CheckRunInput', 'InvalidRunInput'],
  },
  {
    name: 'an S3 Object Created event outside the prefix (a look-alike prefix) fails with InvalidRunInput',
    world: {},
    input: { 'detail-type': 'Object Created', 'source': 'aws.s3', 'detail': { object: { key: 'churn/scoring-old/part-1.csv' } } },
    status: 'FAILED',
    error: 'InvalidRunInput',
    path: ['NameRun', 'CheckRunInput', 'InvalidRunInput'],
  },
];

/**
 * A path as the app runs it: where a scenario's path defines a model without saying how the package was found, the latest-approved
 * apps find it (FindApprovedModel, ApprovedModelFound) and the version apps choose it (ChooseModelPackage) first.
 */
export function pathFor(s: BatchSubject, path: string[]): string[] {
  const i = path.indexOf('DefineModel');
  if (i < 0 || path.includes('FindApprovedModel') || path.includes('ChooseModelPackage')) {
    return path;
  }
  const search = latest(s) ? ['FindApprovedModel', 'ApprovedModelFound'] : ['ChooseModelPackage'];
  return [...path.slice(0, i), ...search, ...path.slice(i)];
}
