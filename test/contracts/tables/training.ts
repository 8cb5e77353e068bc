import { App } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as sns from 'aws-cdk-lib/aws-sns';
import { buildReferenceApp } from '../../../bin/reference-app';
import { IDataLake } from '../../../lib/data-lake';
import { TrainingPipeline } from '../../../lib/training';
import { fixture, fullProps, minimalProps } from '../../training/fixtures';
import { testApp } from '../../util';
import { ContractApp, pathOf } from '../harness/apps';
import { ACCOUNT, REGION } from '../harness/cfn';
import { CallRow, PrincipalContract } from '../harness/iam';

/** What a training app under contract is: the pipeline and what it was given. */
export interface TrainingAppSpec {
  readonly app: App;
  readonly pipeline: TrainingPipeline;
  readonly lake: IDataLake;
  readonly channels: { zone: string; prefix: string }[];
  readonly repository: ecr.IRepository;
  readonly topic?: sns.ITopic;
  readonly registryGroup: string;
  readonly spot: boolean;
  readonly tensorBoard: boolean;
}

/** The apps the training table runs over: the reference app, and the minimal and full configuration of the construct. */
export const TRAINING_APPS: Record<string, () => TrainingAppSpec> = {
  'reference app': () => {
    const app = testApp();
    const stacks = buildReferenceApp(app);
    return {
      app, pipeline: stacks.training.pipeline, lake: stacks.data.lake,
      channels: [
        { zone: 'features', prefix: 'churn/train/' }, { zone: 'features', prefix: 'churn/validation/' },
        // The offline store of the feature group the ETL feeds (#22).
        { zone: 'features', prefix: stacks.data.customerFeatures.offlineStore!.prefix },
      ],
      repository: stacks.training.node.findChild('TrainerRepository') as ecr.IRepository,
      topic: stacks.data.alerts.warningTopic, registryGroup: 'churn', spot: true, tensorBoard: true,
    };
  },
  'minimal pipeline': () => {
    const f = fixture();
    const props = minimalProps(f);
    return {
      app: f.app, pipeline: new TrainingPipeline(f.stack, 'Churn', props), lake: f.lake, channels: props.channels,
      repository: f.repository, registryGroup: 'churn', spot: false, tensorBoard: false,
    };
  },
  'full pipeline (lake in another stack)': () => {
    const f = fixture(testApp(), { lakeInOwnStack: true });
    const props = fullProps(f);
    return {
      app: f.app, pipeline: new TrainingPipeline(f.stack, 'Churn', props), lake: f.lake, channels: props.channels,
      repository: f.repository, topic: props.notificationTopic, registryGroup: 'churn', spot: true, tensorBoard: true,
    };
  },
};

/** The concrete values the rows are written in, resolved from one synthesized app. */
export interface TrainingSubject {
  readonly spec: TrainingAppSpec;
  readonly prefix: string;
  /** The ARN of a job this pipeline starts (named `<prefix>-<uuid>`). */
  readonly jobArn: string;
  readonly jobName: string;
  readonly trainingRoleArn: string;
  readonly stateMachineArn: string;
  readonly channels: { bucketArn: string; prefix: string; keyArn?: string }[];
  readonly modelsBucketArn: string;
  /** The key prefix under which jobs write (`training/<prefix>/output/`). */
  readonly outputPrefix: string;
  readonly checkpointPrefix: string;
  readonly modelsKeyArn?: string;
  readonly otherZoneBucketArn: string;
  readonly topicArn?: string;
  readonly topicKeyArn?: string;
  readonly repositoryArn: string;
  readonly modelPackageArn: string;
  readonly ruleArn?: string;
  /** The role the schedule rule's target runs as (`<pipeline>/ScheduleRole`). */
  readonly eventsRoleArn?: string;
  /** The schedule rule's dead-letter queue. */
  readonly deadLetterQueueArn?: string;
}

const RUN_ID = '0b6f9c62-4a8e-4c1e-9d57-2f1a7e3c5b90';

export function trainingSubject(app: ContractApp, spec: TrainingAppSpec): TrainingSubject {
  const p = spec.pipeline;
  const prefix = p.jobNamePrefix;
  const jobName = `${prefix}-${RUN_ID}`;
  const models = spec.lake.zone('models');
  const outputUri = app.value(p, p.outputUri);
  const outputPrefix = outputUri.replace(/^s3:\/\/[^/]+\//, '');
  const usedZones = new Set([...spec.channels.map((c) => c.zone), 'models']);
  const otherZone = spec.lake.zoneNames.find((z) => !usedZones.has(z))!;
  return {
    spec,
    prefix,
    jobName,
    jobArn: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:training-job/${jobName}`,
    trainingRoleArn: app.value(p, p.trainingRole.roleArn),
    stateMachineArn: app.value(p, p.stateMachine.stateMachineArn),
    channels: spec.channels.map((c) => {
      const zone = spec.lake.zone(c.zone);
      const keyArn = zone.encryptionKey && app.value(zone.encryptionKey, zone.encryptionKey.keyArn);
      return { bucketArn: app.value(zone.bucket, zone.bucket.bucketArn), prefix: c.prefix, keyArn };
    }),
    modelsBucketArn: app.value(models.bucket, models.bucket.bucketArn),
    outputPrefix,
    checkpointPrefix: outputPrefix.replace(/output\/$/, 'checkpoints/'),
    modelsKeyArn: models.encryptionKey && app.value(models.encryptionKey, models.encryptionKey.keyArn),
    otherZoneBucketArn: app.value(spec.lake.zone(otherZone).bucket, spec.lake.zone(otherZone).bucket.bucketArn),
    topicArn: spec.topic && app.value(spec.topic, spec.topic.topicArn),
    topicKeyArn: spec.topic?.masterKey && app.value(spec.topic.masterKey, spec.topic.masterKey.keyArn),
    repositoryArn: app.value(spec.repository, spec.repository.repositoryArn),
    modelPackageArn: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:model-package/${spec.registryGroup}/1`,
    ruleArn: p.scheduleRule && app.value(p.scheduleRule, p.scheduleRule.ruleArn),
    eventsRoleArn: app.iam.findRoles({ path: new RegExp(`^${p.node.path}/ScheduleRole$`) })[0]?.roleArn,
    deadLetterQueueArn: p.scheduleDeadLetterQueue && app.value(p.scheduleDeadLetterQueue, p.scheduleDeadLetterQueue.queueArn),
  };
}

const SFN_SAGEMAKER = 'https://docs.aws.amazon.com/step-functions/latest/dg/sagemaker-iam.html';
const CDK_ADDTAGS = 'https://github.com/aws/aws-cdk/issues/32294';
const SFN_SNS = 'https://docs.aws.amazon.com/step-functions/latest/dg/sns-iam.html';
const SNS_SSE = 'https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#sns-what-permissions-for-sse';
const SFN_LOGS = 'https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html#cloudwatch-iam-policy';
const SFN_XRAY = 'https://docs.aws.amazon.com/step-functions/latest/dg/xray-iam.html';
const DESCRIBE_JOB = 'https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DescribeTrainingJob.html';
const CREATE_PACKAGE = 'https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateModelPackage.html';
const TRAINING_ROLE = 'https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-roles.html#sagemaker-roles-createtrainingjob-perms';
const OUTPUT_CONFIG = 'https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_OutputDataConfig.html';
const S3_SSE_KMS = 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html#require-sse-kms';
const CHECKPOINTS = 'https://docs.aws.amazon.com/sagemaker/latest/dg/model-checkpoints.html';
const EB_TARGETS = 'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-identity-based.html#eb-use-identity-based-sfn';
const CONFUSED_DEPUTY = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html';
const EB_CONFUSED_DEPUTY = 'https://docs.aws.amazon.com/eventbridge/latest/userguide/cross-service-confused-deputy-prevention.html';
const EB_DLQ = 'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html';
const LIST_EXECUTIONS = 'https://docs.aws.amazon.com/step-functions/latest/apireference/API_ListExecutions.html';
const IAM_WILDCARDS = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html#reference_policies_elements_resource_wildcards';
const PASS_ROLE = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html';

const s3Object = (bucketArn: string, key: string) => `${bucketArn}/${key}`;
/**
 * What S3 sends KMS for an SSE-KMS object of a bucket with an S3 Bucket Key: kms:ViaService and the encryption context aws:s3:arn =
 * the bucket ARN (https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service,
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html#encryption-context). The lake's grants require both.
 */
const viaS3 = (bucketArn: string) => ({ 'kms:ViaService': `s3.${REGION}.amazonaws.com`, 'kms:EncryptionContext:aws:s3:arn': bucketArn });
const KMS_VIA_SERVICE = 'https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service';
const viaSns = { 'kms:ViaService': `sns.${REGION}.amazonaws.com` };

/** The calls of the training capability's principals. Add a row where a principal gains or loses a call. */
export const TRAINING_CONTRACT: PrincipalContract<TrainingSubject>[] = [
  {
    principal: 'the state machine role',
    who: (s) => ({ role: { path: pathOf(s.spec.pipeline.stateMachineRole) } }),
    calls: (s) => {
      const otherJob = `arn:aws:sagemaker:${REGION}:${ACCOUNT}:training-job/other-${RUN_ID}`;
      const rows: CallRow[] = [
        { action: 'sagemaker:CreateTrainingJob', resource: s.jobArn, expect: 'allowed', source: SFN_SAGEMAKER },
        { call: 'Step Functions tags the job it starts (MANAGED_BY_AWS=STARTED_BY_STEP_FUNCTIONS)', action: 'sagemaker:AddTags', resource: s.jobArn, expect: 'allowed', source: CDK_ADDTAGS },
        { action: 'sagemaker:DescribeTrainingJob', resource: s.jobArn, expect: 'allowed', source: SFN_SAGEMAKER },
        { call: 'ReadFinalMetrics calls DescribeTrainingJob (aws-sdk integration)', action: 'sagemaker:DescribeTrainingJob', resource: s.jobArn, expect: 'allowed', source: DESCRIBE_JOB },
        { call: 'an aborted execution stops its job', action: 'sagemaker:StopTrainingJob', resource: s.jobArn, expect: 'allowed', source: SFN_SAGEMAKER },
        { action: 'sagemaker:ListTags', resource: s.jobArn, expect: 'allowed', source: SFN_SAGEMAKER },
        {
          call: 'passes the training role to SageMaker', action: 'iam:PassRole', resource: s.trainingRoleArn,
          context: { 'iam:PassedToService': 'sagemaker.amazonaws.com' }, expect: 'allowed', source: SFN_SAGEMAKER,
        },
        ...['events:PutTargets', 'events:PutRule', 'events:DescribeRule'].map((action): CallRow => ({
          call: `${action} on the managed rule .sync waits on`, action,
          resource: `arn:aws:events:${REGION}:${ACCOUNT}:rule/StepFunctionsGetEventsForSageMakerTrainingJobsRule`, expect: 'allowed', source: SFN_SAGEMAKER,
        })),
        { call: 'registers the model package', action: 'sagemaker:CreateModelPackage', resource: s.modelPackageArn, expect: 'allowed', source: CREATE_PACKAGE },
        { call: 'CheckOtherRuns lists the running executions of its own state machine', action: 'states:ListExecutions', resource: s.stateMachineArn, expect: 'allowed', source: LIST_EXECUTIONS },
        { call: 'delivers execution logs', action: 'logs:CreateLogDelivery', resource: '*', expect: 'allowed', source: SFN_LOGS },
        { call: 'traces executions', action: 'xray:PutTraceSegments', resource: '*', expect: 'allowed', source: SFN_XRAY },
        // Must not:
        { call: 'creates a job of another pipeline', action: 'sagemaker:CreateTrainingJob', resource: otherJob, expect: 'denied', source: SFN_SAGEMAKER },
        { call: 'tags a job of another pipeline', action: 'sagemaker:AddTags', resource: otherJob, expect: 'denied', source: CDK_ADDTAGS },
        { call: 'stops a job of another pipeline', action: 'sagemaker:StopTrainingJob', resource: otherJob, expect: 'denied', source: SFN_SAGEMAKER },
        {
          call: `creates a job of a pipeline whose prefix extends this one (${s.prefix}-v2-...)`, action: 'sagemaker:CreateTrainingJob',
          resource: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:training-job/${s.prefix}-v2-${RUN_ID}`, expect: 'denied', source: IAM_WILDCARDS,
        },
        {
          call: `stops a job of a pipeline whose prefix extends this one (${s.prefix}-v2-...)`, action: 'sagemaker:StopTrainingJob',
          resource: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:training-job/${s.prefix}-v2-${RUN_ID}`, expect: 'denied', source: IAM_WILDCARDS,
        },
        {
          call: `describes a job of a pipeline whose prefix extends this one (${s.prefix}-v2-...)`, action: 'sagemaker:DescribeTrainingJob',
          resource: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:training-job/${s.prefix}-v2-${RUN_ID}`, expect: 'denied', source: IAM_WILDCARDS,
        },
        {
          call: 'lists the executions of another state machine', action: 'states:ListExecutions',
          resource: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:other`, expect: 'denied', source: LIST_EXECUTIONS,
        },
        {
          call: 'passes the training role to another service', action: 'iam:PassRole', resource: s.trainingRoleArn,
          context: { 'iam:PassedToService': 'ec2.amazonaws.com' }, expect: 'denied', source: PASS_ROLE,
        },
        {
          call: 'passes another role', action: 'iam:PassRole', resource: `arn:aws:iam::${ACCOUNT}:role/Admin`,
          context: { 'iam:PassedToService': 'sagemaker.amazonaws.com' }, expect: 'denied', source: PASS_ROLE,
        },
        {
          call: 'registers into another group', action: 'sagemaker:CreateModelPackage',
          resource: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:model-package/other/1`, expect: 'denied', source: CREATE_PACKAGE,
        },
        {
          call: 'writes model artifacts (only SageMaker, as the training role, does)', action: 's3:PutObject',
          resource: s3Object(s.modelsBucketArn, `${s.outputPrefix}${s.jobName}/output/model.tar.gz`), expect: 'denied', source: TRAINING_ROLE,
        },
        {
          call: 'puts targets on another rule', action: 'events:PutTargets', resource: `arn:aws:events:${REGION}:${ACCOUNT}:rule/other`,
          expect: 'denied', source: SFN_SAGEMAKER,
        },
      ];
      if (s.topicArn) {
        rows.push(
          { call: 'notifies the topic', action: 'sns:Publish', resource: s.topicArn, expect: 'allowed', source: SFN_SNS },
          { call: 'publishes to another topic', action: 'sns:Publish', resource: `arn:aws:sns:${REGION}:${ACCOUNT}:other`, expect: 'denied', source: SFN_SNS },
        );
      }
      if (s.topicKeyArn) {
        rows.push(
          { call: 'SNS encrypts the message with the topic key, as the publisher', action: 'kms:GenerateDataKey', resource: s.topicKeyArn, context: viaSns, expect: 'allowed', source: SNS_SSE },
          { call: 'SNS decrypts the data key, as the publisher', action: 'kms:Decrypt', resource: s.topicKeyArn, context: viaSns, expect: 'allowed', source: SNS_SSE },
          { call: 'administers the topic key', action: 'kms:ScheduleKeyDeletion', resource: s.topicKeyArn, expect: 'denied', source: SNS_SSE },
        );
      }
      return rows;
    },
  },
  {
    principal: 'the training role',
    who: (s) => ({ role: { path: pathOf(s.spec.pipeline.trainingRole) } }),
    calls: (s) => {
      const output = s3Object(s.modelsBucketArn, `${s.outputPrefix}${s.jobName}/output/model.tar.gz`);
      const rows: CallRow[] = [];
      for (const c of s.channels) {
        rows.push(
          { call: `reads channel data under ${c.prefix}`, action: 's3:GetObject', resource: s3Object(c.bucketArn, `${c.prefix}part-0001.csv`), expect: 'allowed', source: TRAINING_ROLE },
          { call: `lists ${c.prefix}`, action: 's3:ListBucket', resource: c.bucketArn, context: { 's3:prefix': c.prefix }, expect: 'allowed', source: TRAINING_ROLE },
          { call: 'reads data outside its channels', action: 's3:GetObject', resource: s3Object(c.bucketArn, 'other/part-0001.csv'), expect: 'denied', source: TRAINING_ROLE },
          { call: 'lists outside its channels', action: 's3:ListBucket', resource: c.bucketArn, context: { 's3:prefix': 'other/' }, expect: 'denied', source: TRAINING_ROLE },
          { call: 'writes into its input zone', action: 's3:PutObject', resource: s3Object(c.bucketArn, `${c.prefix}x`), expect: 'denied', source: TRAINING_ROLE },
        );
        if (c.keyArn) {
          rows.push(
            { call: 'decrypts its SSE-KMS channel data', action: 'kms:Decrypt', resource: c.keyArn, context: viaS3(c.bucketArn), expect: 'allowed', source: S3_SSE_KMS },
            { call: 'decrypts with the lake key directly, not through S3', action: 'kms:Decrypt', resource: c.keyArn, expect: 'denied', source: KMS_VIA_SERVICE },
          );
        }
      }
      rows.push(
        { call: 'writes the model artifacts', action: 's3:PutObject', resource: output, expect: 'allowed', source: TRAINING_ROLE },
        { call: 'reads another zone', action: 's3:GetObject', resource: s3Object(s.otherZoneBucketArn, 'any/object'), expect: 'denied', source: TRAINING_ROLE },
        { call: 'deletes model artifacts', action: 's3:DeleteObject', resource: output, expect: 'denied', source: TRAINING_ROLE },
        { call: 'writes outside its output prefix', action: 's3:PutObject', resource: s3Object(s.modelsBucketArn, 'serving/other/model.tar.gz'), expect: 'denied', source: TRAINING_ROLE },
        {
          // CloudWatch Logs authorizes log-group actions against `log-group:<name>:log-stream:` (as its AccessDenied messages show).
          action: 'logs:CreateLogGroup', resource: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/sagemaker/TrainingJobs:log-stream:`,
          expect: 'allowed', source: TRAINING_ROLE,
        },
        {
          call: 'writes its job\'s log stream', action: 'logs:PutLogEvents',
          resource: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/sagemaker/TrainingJobs:log-stream:${s.jobName}/algo-1-1700000000`, expect: 'allowed', source: TRAINING_ROLE,
        },
        {
          call: `writes the log stream of a job of a pipeline whose prefix extends this one (${s.prefix}-v2-...)`, action: 'logs:PutLogEvents',
          resource: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/sagemaker/TrainingJobs:log-stream:${s.prefix}-v2-${RUN_ID}/algo-1-1700000000`,
          expect: 'denied', source: IAM_WILDCARDS,
        },
        {
          call: 'writes another job\'s log stream', action: 'logs:PutLogEvents',
          resource: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/sagemaker/TrainingJobs:log-stream:other-${RUN_ID}/algo-1-1700000000`, expect: 'denied', source: TRAINING_ROLE,
        },
        { action: 'cloudwatch:PutMetricData', resource: '*', context: { 'cloudwatch:namespace': '/aws/sagemaker/TrainingJobs' }, expect: 'allowed', source: TRAINING_ROLE },
        { call: 'publishes metrics outside /aws/sagemaker/*', action: 'cloudwatch:PutMetricData', resource: '*', context: { 'cloudwatch:namespace': 'Custom' }, expect: 'denied', source: TRAINING_ROLE },
        { action: 'ecr:GetAuthorizationToken', resource: '*', expect: 'allowed', source: TRAINING_ROLE },
        { call: 'pulls its image', action: 'ecr:BatchGetImage', resource: s.repositoryArn, expect: 'allowed', source: TRAINING_ROLE },
        { call: 'pulls another repository\'s image', action: 'ecr:BatchGetImage', resource: `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/other`, expect: 'denied', source: TRAINING_ROLE },
        { call: 'starts training jobs itself', action: 'sagemaker:CreateTrainingJob', resource: s.jobArn, expect: 'denied', source: TRAINING_ROLE },
      );
      if (s.modelsKeyArn) {
        rows.push(
          // SageMaker encrypts the artifacts "using Amazon S3 server-side encryption" (OUTPUT_CONFIG): through S3, for the models bucket.
          {
            call: 'encrypts the model artifacts with the output key (OutputDataConfig.KmsKeyId), through S3', action: 'kms:Encrypt', resource: s.modelsKeyArn,
            context: viaS3(s.modelsBucketArn), expect: 'allowed', source: OUTPUT_CONFIG,
          },
          { call: 'encrypts with the lake key directly, not through S3', action: 'kms:Encrypt', resource: s.modelsKeyArn, expect: 'denied', source: KMS_VIA_SERVICE },
          {
            call: 'encrypts through S3 for a bucket other than the models zone', action: 'kms:Encrypt', resource: s.modelsKeyArn,
            context: viaS3('arn:aws:s3:::another-bucket'), expect: 'denied', source: KMS_VIA_SERVICE,
          },
          { call: 'writes SSE-KMS model artifacts', action: 'kms:GenerateDataKey', resource: s.modelsKeyArn, context: viaS3(s.modelsBucketArn), expect: 'allowed', source: S3_SSE_KMS },
          { call: 'administers the lake key', action: 'kms:PutKeyPolicy', resource: s.modelsKeyArn, expect: 'denied', source: OUTPUT_CONFIG },
        );
      }
      if (s.spec.spot) {
        const checkpoint = s3Object(s.modelsBucketArn, `${s.checkpointPrefix}${s.jobName}/checkpoint-1.pt`);
        rows.push(
          { call: 'syncs a checkpoint', action: 's3:PutObject', resource: checkpoint, expect: 'allowed', source: CHECKPOINTS },
          { call: 'reads a checkpoint back after an interruption', action: 's3:GetObject', resource: checkpoint, expect: 'allowed', source: CHECKPOINTS },
          { call: 'removes a checkpoint deleted locally', action: 's3:DeleteObject', resource: checkpoint, expect: 'allowed', source: CHECKPOINTS },
          { action: 's3:ListBucket', resource: s.modelsBucketArn, context: { 's3:prefix': `${s.checkpointPrefix}${s.jobName}/` }, expect: 'allowed', source: CHECKPOINTS },
        );
      }
      return rows;
    },
  },
  {
    principal: 'the schedule rule\'s role',
    when: (s) => s.ruleArn !== undefined,
    who: (s) => ({ role: { path: new RegExp(`^${pathOf(s.spec.pipeline).source.slice(1, -1)}/ScheduleRole$`) } }),
    calls: (s) => [
      { call: 'starts a training run', action: 'states:StartExecution', resource: s.stateMachineArn, expect: 'allowed', source: EB_TARGETS },
      {
        call: 'starts another state machine', action: 'states:StartExecution',
        resource: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:other`, expect: 'denied', source: EB_TARGETS,
      },
      { call: 'stops a run', action: 'states:StopExecution', resource: `${s.stateMachineArn.replace(':stateMachine:', ':execution:')}:run-1`, expect: 'denied', source: EB_TARGETS },
    ],
  },
  {
    principal: 'EventBridge, assuming the schedule rule\'s role',
    when: (s) => s.ruleArn !== undefined,
    who: () => ({ service: 'events.amazonaws.com' }),
    calls: (s) => {
      return [
        { call: 'for the schedule rule', action: 'sts:AssumeRole', resource: s.eventsRoleArn!, context: { 'aws:SourceArn': s.ruleArn!, 'aws:SourceAccount': ACCOUNT }, expect: 'allowed', source: EB_TARGETS },
        {
          call: 'for a rule of another account', action: 'sts:AssumeRole', resource: s.eventsRoleArn!,
          context: { 'aws:SourceArn': `arn:aws:events:${REGION}:210987654321:rule/other`, 'aws:SourceAccount': '210987654321' }, expect: 'denied', source: CONFUSED_DEPUTY,
        },
        {
          call: 'for another rule of this account', action: 'sts:AssumeRole', resource: s.eventsRoleArn!,
          context: { 'aws:SourceArn': `arn:aws:events:${REGION}:${ACCOUNT}:rule/other`, 'aws:SourceAccount': ACCOUNT }, expect: 'denied', source: EB_CONFUSED_DEPUTY,
        },
      ];
    },
  },
  {
    principal: 'EventBridge, keeping a failed scheduled start in the dead-letter queue',
    when: (s) => s.deadLetterQueueArn !== undefined,
    who: () => ({ service: 'events.amazonaws.com' }),
    calls: (s) => [
      { call: 'for the schedule rule', action: 'sqs:SendMessage', resource: s.deadLetterQueueArn!, context: { 'aws:SourceArn': s.ruleArn! }, expect: 'allowed', source: EB_DLQ },
      {
        call: 'for another rule', action: 'sqs:SendMessage', resource: s.deadLetterQueueArn!,
        context: { 'aws:SourceArn': `arn:aws:events:${REGION}:${ACCOUNT}:rule/other` }, expect: 'denied', source: EB_DLQ,
      },
    ],
  },
  {
    principal: 'SageMaker, assuming the training role',
    who: () => ({ service: 'sagemaker.amazonaws.com' }),
    calls: (s) => [
      { action: 'sts:AssumeRole', resource: s.trainingRoleArn, context: { 'aws:SourceAccount': ACCOUNT }, expect: 'allowed', source: TRAINING_ROLE },
      { call: 'on behalf of another account', action: 'sts:AssumeRole', resource: s.trainingRoleArn, context: { 'aws:SourceAccount': '210987654321' }, expect: 'denied', source: CONFUSED_DEPUTY },
    ],
  },
];
