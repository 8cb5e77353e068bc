import { Duration } from 'aws-cdk-lib';
import { buildReferenceApp } from '../../../bin/reference-app';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import {
  HyperparameterRange, ObjectiveDirection, RangeScaling, TrainingPipeline, TuningStrategy, WarmStartType,
} from '../../../lib/training';
import { fixture, fullProps, minimalProps } from '../../training/fixtures';
import { testApp } from '../../util';
import { ContractApp, pathOf } from '../harness/apps';
import { ACCOUNT, REGION } from '../harness/cfn';
import { CallRow, PrincipalContract } from '../harness/iam';
import { TrainingAppSpec, TrainingSubject, trainingSubject } from './training';

/** The tuning of the contract apps: a Bayesian search over a log-scaled, an integer and a categorical range. */
export const BAYESIAN_TUNING = {
  objective: { metricName: 'validation:auc', direction: ObjectiveDirection.MAXIMIZE },
  ranges: [
    HyperparameterRange.continuous('eta', 0.001, 0.3, RangeScaling.LOGARITHMIC),
    HyperparameterRange.integer('max_depth', 3, 10),
    HyperparameterRange.categorical('booster', ['gbtree', 'dart']),
  ],
  maxJobs: 12,
  maxParallelJobs: 3,
  earlyStopping: true,
};

/** The apps with tuning: the reference app with its tuning flag on, a minimal tuned pipeline, and a full one (Hyperband, spot, warm start). */
export const TUNING_APPS: Record<string, () => TrainingAppSpec> = {
  'reference app, tuning on (cdk-mlops:tune)': () => {
    const app = testApp({ context: { 'cdk-mlops:tune': 'true' } });
    const stacks = buildReferenceApp(app);
    return {
      app, pipeline: stacks.training.pipeline, lake: stacks.data.lake,
      channels: [
        { zone: 'features', prefix: 'churn/train/' }, { zone: 'features', prefix: 'churn/validation/' },
        // The offline store of the feature group the ETL feeds (#22).
        { zone: 'features', prefix: stacks.data.customerFeatures.offlineStore!.prefix },
      ],
      repository: stacks.training.node.findChild('TrainerRepository') as ecr.IRepository,
      topic: stacks.data.alerts.warningTopic, registryGroup: 'churn', spot: true, tensorBoard: false,
    };
  },
  'tuned minimal pipeline': () => {
    const f = fixture();
    const props = { ...minimalProps(f), jobNamePrefix: 'churn', tuning: BAYESIAN_TUNING };
    return {
      app: f.app, pipeline: new TrainingPipeline(f.stack, 'Churn', props), lake: f.lake, channels: props.channels,
      repository: f.repository, registryGroup: 'churn', spot: false, tensorBoard: false,
    };
  },
  'tuned full pipeline (Hyperband, spot, warm start; lake in another stack)': () => {
    const f = fixture(testApp(), { lakeInOwnStack: true });
    const props = {
      ...fullProps(f),
      tensorBoard: false,
      tuning: {
        objective: { metricName: 'train:loss', direction: ObjectiveDirection.MINIMIZE },
        ranges: [HyperparameterRange.continuous('dropout', 0.1, 0.5), HyperparameterRange.integer('layers', 2, 8)],
        strategy: TuningStrategy.HYPERBAND,
        hyperband: { minResource: 2 },
        maxJobs: 20,
        maxParallelJobs: 4,
        targetObjectiveValue: 0.05,
        maxJobsWithoutImprovement: 6,
        maxRuntime: Duration.hours(72),
        warmStartFrom: ['churn-previous'],
        warmStartType: WarmStartType.TRANSFER_LEARNING,
        randomSeed: 7,
      },
    };
    return {
      app: f.app, pipeline: new TrainingPipeline(f.stack, 'Churn', props), lake: f.lake, channels: props.channels,
      repository: f.repository, topic: props.notificationTopic, registryGroup: 'churn', spot: true, tensorBoard: false,
    };
  },
};

/** The run id the subject's job names use (a UUID, as $uuid() gives), and the names it leads to. */
const RUN_ID = '0b6f9c62-4a8e-4c1e-9d57-2f1a7e3c5b90';
const RUN_ID_HEX = RUN_ID.replace(/-/g, '').slice(0, 12);

/** The training subject, with the tuning job and its best training job. */
export interface TuningSubject extends TrainingSubject {
  readonly tuningJobName: string;
  readonly tuningJobArn: string;
  /** A training job that the tuning job launched (`<tuning-job-name>-<index>-<8 hex>`). */
  readonly tunedJobName: string;
  readonly tunedJobArn: string;
}

export function tuningSubject(app: ContractApp, spec: TrainingAppSpec): TuningSubject {
  const base = trainingSubject(app, spec);
  const tuningJobName = `${base.prefix}-${RUN_ID_HEX}`;
  const tunedJobName = `${tuningJobName}-004-7e3eb3a9`;
  return {
    ...base,
    tuningJobName,
    tuningJobArn: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:hyper-parameter-tuning-job/${tuningJobName}`,
    tunedJobName,
    tunedJobArn: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:training-job/${tunedJobName}`,
  };
}

const SFN_SAGEMAKER = 'https://docs.aws.amazon.com/step-functions/latest/dg/sagemaker-iam.html';
const SFN_TAGS = 'https://github.com/aws/aws-cdk/issues/32294';
const DESCRIBE_JOB = 'https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DescribeTrainingJob.html';
const DESCRIBE_TUNING = 'https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DescribeHyperParameterTuningJob.html';
const CREATE_PACKAGE = 'https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateModelPackage.html';
const TRAINING_ROLE = 'https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-roles.html#sagemaker-roles-createtrainingjob-perms';
const TUNING_ROLE = 'https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-roles.html#sagemaker-roles-createhyperparametertiningjob-perms';
const CHECKPOINTS = 'https://docs.aws.amazon.com/sagemaker/latest/dg/model-checkpoints.html';
const IAM_WILDCARDS = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html#reference_policies_elements_resource_wildcards';
const PASS_ROLE = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html';
const CONFUSED_DEPUTY = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html';

const s3Object = (bucketArn: string, key: string) => `${bucketArn}/${key}`;

/** The calls of a tuned pipeline's principals: the state machine drives tuning jobs, not training jobs. */
export const TUNING_CONTRACT: PrincipalContract<TuningSubject>[] = [
  {
    principal: 'the state machine role (tuning)',
    who: (s) => ({ role: { path: pathOf(s.spec.pipeline.stateMachineRole) } }),
    calls: (s) => {
      const other = `arn:aws:sagemaker:${REGION}:${ACCOUNT}:hyper-parameter-tuning-job/other-${RUN_ID_HEX}`;
      const extended = `arn:aws:sagemaker:${REGION}:${ACCOUNT}:hyper-parameter-tuning-job/${s.prefix}-v2-${RUN_ID_HEX}`;
      const rows: CallRow[] = [
        { action: 'sagemaker:CreateHyperParameterTuningJob', resource: s.tuningJobArn, expect: 'allowed', source: SFN_SAGEMAKER },
        { call: 'Step Functions tags the tuning job it starts (MANAGED_BY_AWS=STARTED_BY_STEP_FUNCTIONS)', action: 'sagemaker:AddTags', resource: s.tuningJobArn, expect: 'allowed', source: SFN_TAGS },
        { call: '.sync describes the tuning job until it ends', action: 'sagemaker:DescribeHyperParameterTuningJob', resource: s.tuningJobArn, expect: 'allowed', source: SFN_SAGEMAKER },
        { call: 'an aborted execution stops its tuning job', action: 'sagemaker:StopHyperParameterTuningJob', resource: s.tuningJobArn, expect: 'allowed', source: SFN_SAGEMAKER },
        { action: 'sagemaker:ListTags', resource: s.tuningJobArn, expect: 'allowed', source: SFN_SAGEMAKER },
        {
          call: 'passes the training role to SageMaker (TrainingJobDefinition.RoleArn)', action: 'iam:PassRole', resource: s.trainingRoleArn,
          context: { 'iam:PassedToService': 'sagemaker.amazonaws.com' }, expect: 'allowed', source: SFN_SAGEMAKER,
        },
        ...['events:PutTargets', 'events:PutRule', 'events:DescribeRule'].map((action): CallRow => ({
          call: `${action} on the managed rule .sync waits on for tuning jobs`, action,
          resource: `arn:aws:events:${REGION}:${ACCOUNT}:rule/StepFunctionsGetEventsForSageMakerTuningJobsRule`, expect: 'allowed', source: SFN_SAGEMAKER,
        })),
        { call: 'ReadFinalMetrics describes the best training job of its tuning job', action: 'sagemaker:DescribeTrainingJob', resource: s.tunedJobArn, expect: 'allowed', source: DESCRIBE_TUNING },
        { call: 'registers the best model', action: 'sagemaker:CreateModelPackage', resource: s.modelPackageArn, expect: 'allowed', source: CREATE_PACKAGE },
        // Must not:
        { call: 'creates training jobs itself (the tuning job does)', action: 'sagemaker:CreateTrainingJob', resource: s.jobArn, expect: 'denied', source: SFN_SAGEMAKER },
        { call: 'creates a tuning job of another pipeline', action: 'sagemaker:CreateHyperParameterTuningJob', resource: other, expect: 'denied', source: SFN_SAGEMAKER },
        { call: 'tags a tuning job of another pipeline', action: 'sagemaker:AddTags', resource: other, expect: 'denied', source: SFN_TAGS },
        { call: 'stops a tuning job of another pipeline', action: 'sagemaker:StopHyperParameterTuningJob', resource: other, expect: 'denied', source: SFN_SAGEMAKER },
        {
          call: `creates a tuning job of a pipeline whose prefix extends this one (${s.prefix}-v2-...)`, action: 'sagemaker:CreateHyperParameterTuningJob',
          resource: extended, expect: 'denied', source: IAM_WILDCARDS,
        },
        {
          call: 'describes a training job of another pipeline\'s tuning job', action: 'sagemaker:DescribeTrainingJob',
          resource: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:training-job/other-${RUN_ID_HEX}-004-7e3eb3a9`, expect: 'denied', source: DESCRIBE_JOB,
        },
        {
          call: 'puts targets on the training-job rule (this pipeline runs no training job itself)', action: 'events:PutTargets',
          resource: `arn:aws:events:${REGION}:${ACCOUNT}:rule/StepFunctionsGetEventsForSageMakerTrainingJobsRule`, expect: 'denied', source: SFN_SAGEMAKER,
        },
        {
          call: 'passes the training role to another service', action: 'iam:PassRole', resource: s.trainingRoleArn,
          context: { 'iam:PassedToService': 'ec2.amazonaws.com' }, expect: 'denied', source: PASS_ROLE,
        },
        {
          call: 'registers into another group', action: 'sagemaker:CreateModelPackage',
          resource: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:model-package/other/1`, expect: 'denied', source: CREATE_PACKAGE,
        },
      ];
      if (s.topicArn) {
        rows.push(
          { call: 'notifies the topic', action: 'sns:Publish', resource: s.topicArn, expect: 'allowed', source: 'https://docs.aws.amazon.com/step-functions/latest/dg/sns-iam.html' },
        );
      }
      return rows;
    },
  },
  {
    principal: 'the training role (training jobs of a tuning job)',
    who: (s) => ({ role: { path: pathOf(s.spec.pipeline.trainingRole) } }),
    calls: (s) => {
      const stream = (job: string) => `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/sagemaker/TrainingJobs:log-stream:${job}/algo-1-1700000000`;
      const rows: CallRow[] = [
        { call: 'writes its log stream', action: 'logs:PutLogEvents', resource: stream(s.tunedJobName), expect: 'allowed', source: TUNING_ROLE },
        {
          call: 'writes the model artifacts of the tuned job', action: 's3:PutObject',
          resource: s3Object(s.modelsBucketArn, `${s.outputPrefix}${s.tunedJobName}/output/model.tar.gz`), expect: 'allowed', source: TRAINING_ROLE,
        },
        { call: 'reads its channel', action: 's3:GetObject', resource: s3Object(s.channels[0].bucketArn, `${s.channels[0].prefix}part-0001.csv`), expect: 'allowed', source: TRAINING_ROLE },
        { call: 'writes the log stream of another pipeline\'s tuned job', action: 'logs:PutLogEvents', resource: stream(`other-${RUN_ID_HEX}-004-7e3eb3a9`), expect: 'denied', source: TUNING_ROLE },
        {
          call: `writes the log stream of a job of a pipeline whose prefix extends this one (${s.prefix}-v2-...)`, action: 'logs:PutLogEvents',
          resource: stream(`${s.prefix}-v2-${RUN_ID_HEX}-004-7e3eb3a9`), expect: 'denied', source: IAM_WILDCARDS,
        },
        { call: 'starts tuning jobs itself', action: 'sagemaker:CreateHyperParameterTuningJob', resource: s.tuningJobArn, expect: 'denied', source: TUNING_ROLE },
      ];
      if (s.spec.spot) {
        const checkpoint = s3Object(s.modelsBucketArn, `${s.checkpointPrefix}${s.tuningJobName}/checkpoint-1.pt`);
        rows.push(
          { call: 'syncs a checkpoint under its tuning job\'s prefix', action: 's3:PutObject', resource: checkpoint, expect: 'allowed', source: CHECKPOINTS },
          { call: 'reads a checkpoint back after an interruption', action: 's3:GetObject', resource: checkpoint, expect: 'allowed', source: CHECKPOINTS },
        );
      }
      return rows;
    },
  },
  {
    principal: 'SageMaker, assuming the training role for a tuning job',
    who: () => ({ service: 'sagemaker.amazonaws.com' }),
    calls: (s) => [
      { action: 'sts:AssumeRole', resource: s.trainingRoleArn, context: { 'aws:SourceAccount': ACCOUNT }, expect: 'allowed', source: TUNING_ROLE },
      { call: 'on behalf of another account', action: 'sts:AssumeRole', resource: s.trainingRoleArn, context: { 'aws:SourceAccount': '210987654321' }, expect: 'denied', source: CONFUSED_DEPUTY },
    ],
  },
];
