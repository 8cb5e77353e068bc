import { App } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { buildReferenceApp } from '../../../bin/reference-app';
import { IDataLake } from '../../../lib/data-lake';
import { IServingModel } from '../../../lib/serving';
import { BatchTransform, TransformModel } from '../../../lib/training';
import { batch, batchFixture, fullBatchProps, minimalBatchProps, servingModel } from '../../training/batch-fixtures';
import { testApp } from '../../util';
import { ContractApp, pathOf } from '../harness/apps';
import { ACCOUNT, REGION } from '../harness/cfn';
import { CallRow, PrincipalContract } from '../harness/iam';

/** What a batch transform app under contract is: the construct and what it was given. */
export interface BatchAppSpec {
  readonly app: App;
  readonly batch: BatchTransform;
  readonly lake: IDataLake;
  readonly input: { zone: string; prefix: string };
  readonly output: { zone: string };
  readonly capture?: { zone: string; prefix: string };
  /** The package version it scores with; undefined for the latest approved one (or a ServingModel). */
  readonly version?: number;
  /** The registry's group, with a package model. */
  readonly registryGroup?: string;
  readonly artifacts?: { zone: string; prefix: string };
  readonly repositoryArn?: string;
  /** The path of the role that runs the model (the construct's ModelRole, or the ServingModel's role). */
  readonly modelRolePath: RegExp;
  readonly vpc?: ec2.IVpc;
  /** The ServingModel it scores with, if any. */
  readonly servingModel?: IServingModel;
}

/** The apps: the latest approved package (minimal), a given version with every option (lake in another stack), a ServingModel. */
export const BATCH_APPS: Record<string, () => BatchAppSpec> = {
  'reference app (nightly scoring with the latest approved churn package)': () => {
    const app = testApp();
    const stacks = buildReferenceApp(app);
    const b = stacks.training.scoring;
    return {
      app, batch: b, lake: stacks.data.lake, input: { zone: 'features', prefix: 'churn/scoring/' }, output: { zone: 'curated' },
      capture: { zone: 'monitoring', prefix: 'batch-capture/churn/' }, registryGroup: 'churn',
      artifacts: { zone: 'models', prefix: 'training/churn/output/' },
      repositoryArn: `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/churn-inference`, modelRolePath: pathOf(b.modelRole!),
    };
  },
  'minimal batch transform (latest approved package)': () => {
    const f = batchFixture();
    const b = batch(f);
    return {
      app: f.app, batch: b, lake: f.lake, input: { zone: 'curated', prefix: 'churn/scoring/' }, output: { zone: 'features' },
      registryGroup: 'churn', modelRolePath: pathOf(b.modelRole!),
    };
  },
  'full batch transform (version 3, VPC, capture, schedule, new objects; lake in another stack)': () => {
    const f = batchFixture(testApp(), { lakeInOwnStack: true });
    const props = fullBatchProps(f);
    const b = batch(f, props);
    return {
      app: f.app, batch: b, lake: f.lake, input: { zone: 'curated', prefix: 'churn/scoring/' }, output: { zone: 'features' },
      capture: { zone: 'monitoring', prefix: 'batch-capture/churn/' }, version: 3, registryGroup: 'churn',
      artifacts: { zone: 'models', prefix: 'training/churn/output/' }, repositoryArn: f.repository.repositoryArn,
      modelRolePath: pathOf(b.modelRole!), vpc: props.vpc,
    };
  },
  'batch transform of a ServingModel': () => {
    const f = batchFixture();
    const model = servingModel(f);
    const b = batch(f, { ...minimalBatchProps(f), model: TransformModel.fromServingModel(model) });
    return {
      app: f.app, batch: b, lake: f.lake, input: { zone: 'curated', prefix: 'churn/scoring/' }, output: { zone: 'features' },
      modelRolePath: pathOf(model.role!), servingModel: model,
    };
  },
};

/** The run id of the subject's job and model names (a UUID, as $uuid() gives). */
export const RUN_ID = '0b6f9c62-4a8e-4c1e-9d57-2f1a7e3c5b90';

/** The concrete values the rows are written in, resolved from one synthesized app. */
export interface BatchSubject {
  readonly spec: BatchAppSpec;
  readonly prefix: string;
  readonly runName: string;
  readonly jobArn: string;
  readonly modelArn: string;
  readonly stateMachineArn: string;
  readonly modelRoleArn: string;
  readonly packageArn?: string;
  readonly inputBucketArn: string;
  readonly inputKeyArn?: string;
  readonly outputBucketArn: string;
  /** The key prefix under which runs write (`<outputPrefix>`), then `<run id>/`. */
  readonly outputPrefix: string;
  readonly outputKeyArn?: string;
  readonly captureBucketArn?: string;
  readonly artifactsBucketArn?: string;
  readonly vpcArn?: string;
  readonly subnetArns?: string[];
  readonly scheduleArn?: string;
  readonly schedulerRoleArn?: string;
  readonly ruleArn?: string;
  readonly ruleRoleArn?: string;
  readonly deadLetterQueueArn?: string;
  /** The name of the ServingModel it scores with, if any. */
  readonly servingModelName?: string;
}

export function batchSubject(app: ContractApp, spec: BatchAppSpec): BatchSubject {
  const b = spec.batch;
  const prefix = b.jobNamePrefix;
  const runName = `${prefix}-${RUN_ID}`;
  const zone = (name: string) => spec.lake.zone(name);
  const arnOf = (name: string) => app.value(zone(name).bucket, zone(name).bucket.bucketArn);
  const keyOf = (name: string) => zone(name).encryptionKey && app.value(zone(name).encryptionKey!, zone(name).encryptionKey!.keyArn);
  const outputUri = app.value(b, b.outputUri);
  const role = (suffix: string) => app.iam.findRoles({ path: new RegExp(`^${b.node.path}/${suffix}$`) })[0]?.roleArn;
  return {
    spec,
    prefix,
    runName,
    jobArn: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:transform-job/${runName}`,
    modelArn: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:model/${runName}`,
    stateMachineArn: app.value(b, b.stateMachine.stateMachineArn),
    modelRoleArn: app.iam.findRoles({ path: spec.modelRolePath })[0].roleArn,
    packageArn: spec.registryGroup && `arn:aws:sagemaker:${REGION}:${ACCOUNT}:model-package/${spec.registryGroup}/${spec.version ?? 1}`,
    inputBucketArn: arnOf(spec.input.zone),
    inputKeyArn: keyOf(spec.input.zone),
    outputBucketArn: arnOf(spec.output.zone),
    outputPrefix: outputUri.replace(/^s3:\/\/[^/]+\//, ''),
    outputKeyArn: keyOf(spec.output.zone),
    captureBucketArn: spec.capture && arnOf(spec.capture.zone),
    artifactsBucketArn: spec.artifacts && arnOf(spec.artifacts.zone),
    vpcArn: spec.vpc && `arn:aws:ec2:${REGION}:${ACCOUNT}:vpc/${app.value(spec.vpc, spec.vpc.vpcId)}`,
    subnetArns: spec.vpc && spec.vpc.privateSubnets.map((s) => `arn:aws:ec2:${REGION}:${ACCOUNT}:subnet/${app.value(s, s.subnetId)}`),
    scheduleArn: b.schedule && app.value(b.schedule, b.schedule.scheduleArn),
    schedulerRoleArn: role('SchedulerRole'),
    ruleArn: b.newObjectsRule && app.value(b.newObjectsRule, b.newObjectsRule.ruleArn),
    ruleRoleArn: role('NewObjectsRole'),
    deadLetterQueueArn: b.startDeadLetterQueue && app.value(b.startDeadLetterQueue, b.startDeadLetterQueue.queueArn),
    servingModelName: spec.servingModel && app.value(spec.servingModel, spec.servingModel.modelName),
  };
}

const SFN_SAGEMAKER = 'https://docs.aws.amazon.com/step-functions/latest/dg/sagemaker-iam.html';
const CDK_ADDTAGS = 'https://github.com/aws/aws-cdk/issues/32294';
const SFN_LOGS = 'https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html#cloudwatch-iam-policy';
const SFN_XRAY = 'https://docs.aws.amazon.com/step-functions/latest/dg/xray-iam.html';
const LIST_PACKAGES = 'https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ListModelPackages.html';
const SAR_SAGEMAKER = 'https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemaker.html';
const CREATE_MODEL = 'https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateModel.html';
const DELETE_MODEL = 'https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DeleteModel.html';
const PASS_ROLE = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html';
const IAM_WILDCARDS = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html#reference_policies_elements_resource_wildcards';
const TRANSFORM_ROLE = 'https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-roles.html#sagemaker-roles-createtransformjob-perms';
const TRANSFORM_OUTPUT = 'https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_TransformOutput.html';
const BATCH_CAPTURE = 'https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_BatchDataCaptureConfig.html';
const TRANSFORM_RESOURCES = 'https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_TransformResources.html';
const S3_SSE_KMS = 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html#require-sse-kms';
const KMS_VIA_SERVICE = 'https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service';
const KMS_GRANT_FOR_AWS = 'https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-grant-is-for-aws-resource';
const SAR_EC2 = 'https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html';
const VPC_ROLE = 'https://docs.aws.amazon.com/sagemaker/latest/dg/batch-vpc.html';
const CONFUSED_DEPUTY = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html';
const SCHEDULER_TARGET = 'https://docs.aws.amazon.com/scheduler/latest/UserGuide/setting-up.html#setting-up-execution-role';
const SCHEDULER_CONFUSED_DEPUTY = 'https://docs.aws.amazon.com/scheduler/latest/UserGuide/cross-service-confused-deputy-prevention.html';
const SCHEDULER_DLQ = 'https://docs.aws.amazon.com/scheduler/latest/UserGuide/configuring-schedule-dlq.html';
const EB_TARGETS = 'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-identity-based.html#eb-use-identity-based-sfn';
const EB_CONFUSED_DEPUTY = 'https://docs.aws.amazon.com/eventbridge/latest/userguide/cross-service-confused-deputy-prevention.html';
const EB_DLQ = 'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html';

const OTHER_ACCOUNT = '210987654321';
const s3Object = (bucketArn: string, key: string) => `${bucketArn}/${key}`;
/** What S3 sends KMS for an SSE-KMS object of a bucket with an S3 Bucket Key (see tables/training.ts). */
const viaS3 = (bucketArn: string) => ({ 'kms:ViaService': `s3.${REGION}.amazonaws.com`, 'kms:EncryptionContext:aws:s3:arn': bucketArn });
const sagemaker = (resource: string, name: string) => `arn:aws:sagemaker:${REGION}:${ACCOUNT}:${resource}/${name}`;

/** The calls of the batch transform's principals. Add a row where a principal gains or loses a call. */
export const BATCH_CONTRACT: PrincipalContract<BatchSubject>[] = [
  {
    principal: 'the state machine role',
    who: (s) => ({ role: { path: pathOf(s.spec.batch.stateMachineRole) } }),
    calls: (s) => {
      const other = `other-${RUN_ID}`;
      const extended = `${s.prefix}-v2-${RUN_ID}`;
      const rows: CallRow[] = [
        { action: 'sagemaker:CreateTransformJob', resource: s.jobArn, expect: 'allowed', source: SFN_SAGEMAKER },
        { call: 'Step Functions tags the job it starts', action: 'sagemaker:AddTags', resource: s.jobArn, expect: 'allowed', source: CDK_ADDTAGS },
        { action: 'sagemaker:DescribeTransformJob', resource: s.jobArn, expect: 'allowed', source: SFN_SAGEMAKER },
        { call: 'an aborted execution stops its job', action: 'sagemaker:StopTransformJob', resource: s.jobArn, expect: 'allowed', source: SFN_SAGEMAKER },
        { action: 'sagemaker:ListTags', resource: s.jobArn, expect: 'allowed', source: SFN_SAGEMAKER },
        ...['events:PutTargets', 'events:PutRule', 'events:DescribeRule'].map((action): CallRow => ({
          call: `${action} on the managed rule .sync waits on`, action,
          resource: `arn:aws:events:${REGION}:${ACCOUNT}:rule/StepFunctionsGetEventsForSageMakerTransformJobsRule`, expect: 'allowed', source: SFN_SAGEMAKER,
        })),
        { call: 'delivers execution logs', action: 'logs:CreateLogDelivery', resource: '*', expect: 'allowed', source: SFN_LOGS },
        { call: 'traces executions', action: 'xray:PutTraceSegments', resource: '*', expect: 'allowed', source: SFN_XRAY },
        // Must not:
        { call: 'creates a job of another construct', action: 'sagemaker:CreateTransformJob', resource: sagemaker('transform-job', other), expect: 'denied', source: SFN_SAGEMAKER },
        { call: 'tags a job of another construct', action: 'sagemaker:AddTags', resource: sagemaker('transform-job', other), expect: 'denied', source: CDK_ADDTAGS },
        { call: 'stops a job of another construct', action: 'sagemaker:StopTransformJob', resource: sagemaker('transform-job', other), expect: 'denied', source: SFN_SAGEMAKER },
        {
          call: `creates a job of a construct whose prefix extends this one (${s.prefix}-v2-...)`, action: 'sagemaker:CreateTransformJob',
          resource: sagemaker('transform-job', extended), expect: 'denied', source: IAM_WILDCARDS,
        },
        { call: 'creates training jobs', action: 'sagemaker:CreateTrainingJob', resource: sagemaker('training-job', s.runName), expect: 'denied', source: SFN_SAGEMAKER },
        {
          call: 'reads the input itself (only SageMaker, as the model\'s role, does)', action: 's3:GetObject',
          resource: s3Object(s.inputBucketArn, `${s.spec.input.prefix}part-0001.csv`), expect: 'denied', source: TRANSFORM_ROLE,
        },
        { call: 'puts targets on another rule', action: 'events:PutTargets', resource: `arn:aws:events:${REGION}:${ACCOUNT}:rule/other`, expect: 'denied', source: SFN_SAGEMAKER },
      ];
      if (s.packageArn) {
        const group = s.spec.registryGroup!;
        rows.push(
          { call: 'defines the run\'s model from the package', action: 'sagemaker:CreateModel', resource: s.modelArn, expect: 'allowed', source: CREATE_MODEL },
          { call: 'deletes the run\'s model when the job ended', action: 'sagemaker:DeleteModel', resource: s.modelArn, expect: 'allowed', source: DELETE_MODEL },
          { call: 'reads the package it defines the model from', action: 'sagemaker:DescribeModelPackage', resource: s.packageArn, expect: 'allowed', source: CREATE_MODEL },
          {
            call: 'passes the model role to SageMaker', action: 'iam:PassRole', resource: s.modelRoleArn,
            context: { 'iam:PassedToService': 'sagemaker.amazonaws.com' }, expect: 'allowed', source: CREATE_MODEL,
          },
          { call: 'defines a model of another construct', action: 'sagemaker:CreateModel', resource: sagemaker('model', other), expect: 'denied', source: CREATE_MODEL },
          { call: 'deletes a serving model', action: 'sagemaker:DeleteModel', resource: sagemaker('model', `${group}-champion`), expect: 'denied', source: DELETE_MODEL },
          { call: 'deletes a model of a construct whose prefix extends this one', action: 'sagemaker:DeleteModel', resource: sagemaker('model', extended), expect: 'denied', source: IAM_WILDCARDS },
          { call: 'reads a package of another group', action: 'sagemaker:DescribeModelPackage', resource: sagemaker('model-package', 'other/1'), expect: 'denied', source: SAR_SAGEMAKER },
          { call: 'approves packages', action: 'sagemaker:UpdateModelPackage', resource: s.packageArn, expect: 'denied', source: SAR_SAGEMAKER },
          {
            call: 'passes the model role to another service', action: 'iam:PassRole', resource: s.modelRoleArn,
            context: { 'iam:PassedToService': 'ec2.amazonaws.com' }, expect: 'denied', source: PASS_ROLE,
          },
          {
            call: 'passes another role', action: 'iam:PassRole', resource: `arn:aws:iam::${ACCOUNT}:role/Admin`,
            context: { 'iam:PassedToService': 'sagemaker.amazonaws.com' }, expect: 'denied', source: PASS_ROLE,
          },
        );
        if (s.spec.version === undefined) {
          rows.push({
            call: 'finds the latest approved package (ListModelPackages names no resource: granted on *)', action: 'sagemaker:ListModelPackages',
            resource: '*', expect: 'allowed', source: LIST_PACKAGES,
          });
        }
      } else {
        rows.push(
          { call: 'defines models (a ServingModel needs none)', action: 'sagemaker:CreateModel', resource: s.modelArn, expect: 'denied', source: CREATE_MODEL },
          { call: 'lists model packages', action: 'sagemaker:ListModelPackages', resource: '*', expect: 'denied', source: LIST_PACKAGES },
        );
      }
      return rows;
    },
  },
  {
    principal: 'the role that runs the model (reads the input, writes the output)',
    who: (s) => ({ role: { path: s.spec.modelRolePath } }),
    calls: (s) => {
      const input = s.spec.input.prefix;
      const output = s3Object(s.outputBucketArn, `${s.outputPrefix}${RUN_ID}/part-0001.csv.out`);
      const streams = `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/sagemaker/TransformJobs:log-stream:`;
      const rows: CallRow[] = [
        { call: `reads the input under ${input}`, action: 's3:GetObject', resource: s3Object(s.inputBucketArn, `${input}2026-12-01/part-0001.csv`), expect: 'allowed', source: TRANSFORM_ROLE },
        { call: `lists ${input}`, action: 's3:ListBucket', resource: s.inputBucketArn, context: { 's3:prefix': input }, expect: 'allowed', source: TRANSFORM_ROLE },
        { call: 'writes the results', action: 's3:PutObject', resource: output, expect: 'allowed', source: TRANSFORM_OUTPUT },
        { call: 'abandons a multipart upload of results', action: 's3:AbortMultipartUpload', resource: output, expect: 'allowed', source: TRANSFORM_OUTPUT },
        { action: 'logs:CreateLogGroup', resource: streams, expect: 'allowed', source: TRANSFORM_ROLE },
        { call: 'writes its job\'s log stream', action: 'logs:PutLogEvents', resource: `${streams}${s.runName}/i-0123456789abcdef0`, expect: 'allowed', source: TRANSFORM_ROLE },
        // Must not:
        { call: 'deletes results', action: 's3:DeleteObject', resource: output, expect: 'denied', source: TRANSFORM_OUTPUT },
        { call: 'deletes result versions', action: 's3:DeleteObjectVersion', resource: output, expect: 'denied', source: TRANSFORM_OUTPUT },
        { call: 'writes outside the output prefix', action: 's3:PutObject', resource: s3Object(s.outputBucketArn, 'churn/train/part-0001.csv'), expect: 'denied', source: TRANSFORM_OUTPUT },
        { call: 'reads outside the input prefix', action: 's3:GetObject', resource: s3Object(s.inputBucketArn, 'other/part-0001.csv'), expect: 'denied', source: TRANSFORM_ROLE },
        { call: 'lists outside the input prefix', action: 's3:ListBucket', resource: s.inputBucketArn, context: { 's3:prefix': 'other/' }, expect: 'denied', source: TRANSFORM_ROLE },
        { call: 'overwrites its input', action: 's3:PutObject', resource: s3Object(s.inputBucketArn, `${input}part-0001.csv`), expect: 'denied', source: TRANSFORM_ROLE },
        { call: 'writes another job\'s log stream', action: 'logs:PutLogEvents', resource: `${streams}other-${RUN_ID}/i-0123456789abcdef0`, expect: 'denied', source: TRANSFORM_ROLE },
        { call: 'starts transform jobs itself', action: 'sagemaker:CreateTransformJob', resource: s.jobArn, expect: 'denied', source: TRANSFORM_ROLE },
      ];
      if (s.inputKeyArn) {
        rows.push(
          { call: 'decrypts the SSE-KMS input', action: 'kms:Decrypt', resource: s.inputKeyArn, context: viaS3(s.inputBucketArn), expect: 'allowed', source: S3_SSE_KMS },
          { call: 'decrypts with the lake key directly, not through S3', action: 'kms:Decrypt', resource: s.inputKeyArn, expect: 'denied', source: KMS_VIA_SERVICE },
        );
      }
      if (s.outputKeyArn) {
        rows.push(
          {
            call: 'encrypts the results with the output key (TransformOutput.KmsKeyId), through S3', action: 'kms:Encrypt', resource: s.outputKeyArn,
            context: viaS3(s.outputBucketArn), expect: 'allowed', source: TRANSFORM_OUTPUT,
          },
          { call: 'writes SSE-KMS results', action: 'kms:GenerateDataKey', resource: s.outputKeyArn, context: viaS3(s.outputBucketArn), expect: 'allowed', source: S3_SSE_KMS },
          { call: 'encrypts with the lake key directly, not through S3', action: 'kms:Encrypt', resource: s.outputKeyArn, expect: 'denied', source: KMS_VIA_SERVICE },
          { call: 'administers the lake key', action: 'kms:PutKeyPolicy', resource: s.outputKeyArn, expect: 'denied', source: KMS_VIA_SERVICE },
        );
        if (s.spec.batch.modelRole) {
          rows.push(
            {
              call: 'lets SageMaker encrypt the instances\' volumes (a grant for an AWS resource)', action: 'kms:CreateGrant', resource: s.outputKeyArn,
              context: { 'kms:GrantIsForAWSResource': 'true' }, expect: 'allowed', source: TRANSFORM_RESOURCES,
            },
            { call: 'creates a grant for itself', action: 'kms:CreateGrant', resource: s.outputKeyArn, context: { 'kms:GrantIsForAWSResource': 'false' }, expect: 'denied', source: KMS_GRANT_FOR_AWS },
          );
        }
      }
      if (s.captureBucketArn) {
        const capture = s.spec.capture!.prefix;
        rows.push(
          { call: 'captures the job\'s inputs and results', action: 's3:PutObject', resource: s3Object(s.captureBucketArn, `${capture}${s.runName}/input/2026/12/01/part-0001.csv`), expect: 'allowed', source: BATCH_CAPTURE },
          { call: 'deletes captures', action: 's3:DeleteObject', resource: s3Object(s.captureBucketArn, `${capture}x.csv`), expect: 'denied', source: BATCH_CAPTURE },
          { call: 'writes outside the capture prefix', action: 's3:PutObject', resource: s3Object(s.captureBucketArn, 'drift/reports/x.json'), expect: 'denied', source: BATCH_CAPTURE },
        );
      }
      if (s.packageArn) {
        rows.push(
          { call: 'reads its model package', action: 'sagemaker:DescribeModelPackage', resource: s.packageArn, expect: 'allowed', source: CREATE_MODEL },
          { call: 'reads a package of another group', action: 'sagemaker:DescribeModelPackage', resource: sagemaker('model-package', 'other/1'), expect: 'denied', source: SAR_SAGEMAKER },
        );
      }
      if (s.artifactsBucketArn) {
        const prefix = s.spec.artifacts!.prefix;
        rows.push(
          { call: 'reads the package\'s model artifacts', action: 's3:GetObject', resource: s3Object(s.artifactsBucketArn, `${prefix}churn-1/output/model.tar.gz`), expect: 'allowed', source: CREATE_MODEL },
          { call: 'reads other models\' artifacts', action: 's3:GetObject', resource: s3Object(s.artifactsBucketArn, 'serving/other/model.tar.gz'), expect: 'denied', source: CREATE_MODEL },
        );
      }
      if (s.spec.repositoryArn) {
        rows.push(
          { call: 'pulls the package\'s image', action: 'ecr:BatchGetImage', resource: s.spec.repositoryArn, expect: 'allowed', source: TRANSFORM_ROLE },
          { action: 'ecr:GetAuthorizationToken', resource: '*', expect: 'allowed', source: TRANSFORM_ROLE },
          { call: 'pulls another repository\'s image', action: 'ecr:BatchGetImage', resource: `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/other`, expect: 'denied', source: TRANSFORM_ROLE },
        );
      }
      if (s.vpcArn) {
        const eni = `arn:aws:ec2:${REGION}:${ACCOUNT}:network-interface/eni-0123456789abcdef0`;
        rows.push(
          { call: 'creates the job\'s network interface', action: 'ec2:CreateNetworkInterface', resource: eni, expect: 'allowed', source: VPC_ROLE },
          ...s.subnetArns!.map((subnet): CallRow => ({ call: 'in a chosen subnet', action: 'ec2:CreateNetworkInterface', resource: subnet, expect: 'allowed', source: SAR_EC2 })),
          {
            call: 'in another subnet', action: 'ec2:CreateNetworkInterface', resource: `arn:aws:ec2:${REGION}:${ACCOUNT}:subnet/subnet-0other`, expect: 'denied', source: SAR_EC2,
          },
          { call: 'deletes an interface of the VPC', action: 'ec2:DeleteNetworkInterface', resource: eni, context: { 'ec2:Vpc': s.vpcArn }, expect: 'allowed', source: VPC_ROLE },
          {
            call: 'gives SageMaker permission on an interface of the VPC', action: 'ec2:CreateNetworkInterfacePermission', resource: eni,
            context: { 'ec2:Vpc': s.vpcArn }, expect: 'allowed', source: VPC_ROLE,
          },
          { action: 'ec2:DescribeNetworkInterfaces', resource: '*', expect: 'allowed', source: VPC_ROLE },
          {
            call: 'deletes an interface of another VPC', action: 'ec2:DeleteNetworkInterface', resource: eni,
            context: { 'ec2:Vpc': `arn:aws:ec2:${REGION}:${ACCOUNT}:vpc/vpc-0other` }, expect: 'denied', source: SAR_EC2,
          },
          {
            call: 'gives permission on an interface of another VPC', action: 'ec2:CreateNetworkInterfacePermission', resource: eni,
            context: { 'ec2:Vpc': `arn:aws:ec2:${REGION}:${ACCOUNT}:vpc/vpc-0other` }, expect: 'denied', source: SAR_EC2,
          },
        );
      }
      return rows;
    },
  },
  {
    principal: 'SageMaker, assuming the model role',
    when: (s) => s.spec.batch.modelRole !== undefined,
    who: () => ({ service: 'sagemaker.amazonaws.com' }),
    calls: (s) => [
      { action: 'sts:AssumeRole', resource: s.modelRoleArn, context: { 'aws:SourceAccount': ACCOUNT }, expect: 'allowed', source: TRANSFORM_ROLE },
      { call: 'on behalf of another account', action: 'sts:AssumeRole', resource: s.modelRoleArn, context: { 'aws:SourceAccount': OTHER_ACCOUNT }, expect: 'denied', source: CONFUSED_DEPUTY },
    ],
  },
  {
    principal: 'the schedule\'s role',
    when: (s) => s.schedulerRoleArn !== undefined,
    who: (s) => ({ role: { path: new RegExp(`^${s.spec.batch.node.path}/SchedulerRole$`) } }),
    calls: (s) => [
      { call: 'starts a run', action: 'states:StartExecution', resource: s.stateMachineArn, expect: 'allowed', source: SCHEDULER_TARGET },
      { call: 'keeps a start that failed in the dead-letter queue', action: 'sqs:SendMessage', resource: s.deadLetterQueueArn!, expect: 'allowed', source: SCHEDULER_DLQ },
      { call: 'starts another state machine', action: 'states:StartExecution', resource: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:other`, expect: 'denied', source: SCHEDULER_TARGET },
      { call: 'sends to another queue', action: 'sqs:SendMessage', resource: `arn:aws:sqs:${REGION}:${ACCOUNT}:other`, expect: 'denied', source: SCHEDULER_DLQ },
    ],
  },
  {
    principal: 'EventBridge Scheduler, assuming the schedule\'s role',
    when: (s) => s.schedulerRoleArn !== undefined,
    who: () => ({ service: 'scheduler.amazonaws.com' }),
    calls: (s) => [
      {
        call: 'for a schedule of the default group', action: 'sts:AssumeRole', resource: s.schedulerRoleArn!,
        context: { 'aws:SourceAccount': ACCOUNT, 'aws:SourceArn': `arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule-group/default` }, expect: 'allowed', source: SCHEDULER_CONFUSED_DEPUTY,
      },
      {
        call: 'for another account', action: 'sts:AssumeRole', resource: s.schedulerRoleArn!,
        context: { 'aws:SourceAccount': OTHER_ACCOUNT, 'aws:SourceArn': `arn:aws:scheduler:${REGION}:${OTHER_ACCOUNT}:schedule-group/default` }, expect: 'denied', source: CONFUSED_DEPUTY,
      },
    ],
  },
  {
    principal: 'the new-objects rule\'s role',
    when: (s) => s.ruleRoleArn !== undefined,
    who: (s) => ({ role: { path: new RegExp(`^${s.spec.batch.node.path}/NewObjectsRole$`) } }),
    calls: (s) => [
      { call: 'starts a run for a new object', action: 'states:StartExecution', resource: s.stateMachineArn, expect: 'allowed', source: EB_TARGETS },
      { call: 'starts another state machine', action: 'states:StartExecution', resource: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:other`, expect: 'denied', source: EB_TARGETS },
    ],
  },
  {
    principal: 'EventBridge, assuming the new-objects rule\'s role and keeping failed starts',
    when: (s) => s.ruleRoleArn !== undefined,
    who: () => ({ service: 'events.amazonaws.com' }),
    calls: (s): CallRow[] => [
      { call: 'for the rule', action: 'sts:AssumeRole', resource: s.ruleRoleArn!, context: { 'aws:SourceArn': s.ruleArn!, 'aws:SourceAccount': ACCOUNT }, expect: 'allowed', source: EB_TARGETS },
      {
        call: 'for another rule of this account', action: 'sts:AssumeRole', resource: s.ruleRoleArn!,
        context: { 'aws:SourceArn': `arn:aws:events:${REGION}:${ACCOUNT}:rule/other`, 'aws:SourceAccount': ACCOUNT }, expect: 'denied', source: EB_CONFUSED_DEPUTY,
      },
      { call: 'keeps a failed start in the dead-letter queue', action: 'sqs:SendMessage', resource: s.deadLetterQueueArn!, context: { 'aws:SourceArn': s.ruleArn! }, expect: 'allowed', source: EB_DLQ },
      {
        call: 'sends to the queue for another rule', action: 'sqs:SendMessage', resource: s.deadLetterQueueArn!,
        context: { 'aws:SourceArn': `arn:aws:events:${REGION}:${ACCOUNT}:rule/other` }, expect: 'denied', source: EB_DLQ,
      },
    ],
  },
];
