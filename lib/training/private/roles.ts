import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { TUNED_JOB_SUFFIX_PATTERN, TUNING_RUN_ID_PATTERN } from './tuning';
import { ValidatedConfig } from './validate';
import { ILakeZone } from '../../data-lake';
import { acknowledgeInlinePolicy } from '../../private/nag';
import { kmsThroughS3 } from '../../private/s3-grants';
import * as perms from '../perms';
import { WildcardAcknowledgments } from '../private-acknowledgments';
import type { TrainingPipelineProps } from '../training-pipeline';

/** The two roles of a pipeline and what the states need from them. */
export interface PipelineRoles {
  /** The role SageMaker assumes for the training job. */
  readonly trainingRole: iam.Role;
  /** The role the state machine runs as. */
  readonly stateMachineRole: iam.Role;
  /** Acknowledgments of the state machine role's wildcard resources (the states add theirs). */
  readonly machineAcks: WildcardAcknowledgments;
  /** The training image, pullable by the training role. */
  readonly trainingImageUri: string;
  /** The image registered for inference. */
  readonly inferenceImageUri: string;
}

/**
 * The training role (what the job may do) and the state machine role (what the orchestration may do), each with exactly the
 * grants its calls need; the AWS pages for each action are cited in ../perms.ts.
 */
export function definePipelineRoles(scope: Construct, props: TrainingPipelineProps, cfg: ValidatedConfig, trainingJobsArn: string): PipelineRoles {
  const stack = Stack.of(scope);
  const models = cfg.modelsZone!;
  const outputPrefix = cfg.outputPrefix;

  // --- The training role: what the training job itself may do. -----------------------------------------------------------
  const trainingRole = new iam.Role(scope, 'TrainingRole', {
    assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': stack.account } } }),
    description: `SageMaker training jobs ${cfg.jobNamePrefix}-* of ${scope.node.path}`,
  });
  acknowledgeInlinePolicy(trainingRole);
  const trainingAcks = new WildcardAcknowledgments(trainingRole);
  for (const channel of props.channels) {
    const objects = grantObjects(trainingRole, cfg.zones.get(channel.zone)!, channel.prefix, { read: true });
    trainingAcks.add(objects, `The objects of channel '${channel.name}' (zone ${channel.zone}, prefix ${channel.prefix}): a training job reads `
      + 'every object under its channel prefix, and the keys are not known in advance.');
  }
  const outputObjects = grantObjects(trainingRole, models, `${outputPrefix}output/`, { write: true });
  trainingAcks.add(outputObjects, 'Write-only under the pipeline\'s output prefix: SageMaker writes <job-name>/output/model.tar.gz, '
    + 'and job names are generated per execution.');
  if (models.encryptionKey) {
    // OutputDataConfig.KmsKeyId is the models zone's key: SageMaker's API reference says the execution role then needs kms:Encrypt,
    // and that SageMaker uses the key "using Amazon S3 server-side encryption"
    // (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_OutputDataConfig.html). So, like every grant on a lake key,
    // only through S3 and for this pipeline's output objects (kms:ViaService, kms:EncryptionContext:aws:s3:arn; lib/private/s3-grants.ts).
    trainingRole.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: perms.KMS_OUTPUT_KEY_ACTIONS,
      resources: [models.encryptionKey.keyArn],
      conditions: kmsThroughS3(models.bucket, `${models.normalizePrefix(`${outputPrefix}output/`)}*`),
    }));
  }
  if (cfg.spot) {
    const checkpoints = grantObjects(trainingRole, models, `${outputPrefix}checkpoints/`, { read: true, write: true, delete: true });
    trainingAcks.add(checkpoints, 'Managed spot training syncs checkpoints (file names chosen by the training code) under the pipeline\'s '
      + 'checkpoint prefix, reads them back after an interruption and removes those deleted locally.');
  }
  if (props.tensorBoard) {
    const tensorboard = grantObjects(trainingRole, models, `${outputPrefix}tensorboard/`, { write: true });
    trainingAcks.add(tensorboard, 'Write-only under the pipeline\'s TensorBoard prefix: the event files are named by TensorBoard.');
  }
  const trainingLogGroupArn = stack.formatArn({
    service: 'logs', resource: 'log-group', resourceName: `${perms.TRAINING_LOG_GROUP}:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
  trainingRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: perms.LOG_GROUP_ACTIONS, resources: [trainingLogGroupArn] }));
  trainingAcks.add(trainingLogGroupArn, `CreateLogGroup and DescribeLogStreams on SageMaker's fixed training log group ${perms.TRAINING_LOG_GROUP} only; `
    + 'the ":*" suffix is the ARN form CloudWatch Logs authorizes log-group actions against.');
  const logStreams = cfg.tuning
    ? logStreamsArn(stack, `${cfg.jobNamePrefix}-${TUNING_RUN_ID_PATTERN}${TUNED_JOB_SUFFIX_PATTERN}`)
    : logStreamsArn(stack, `${cfg.jobNamePrefix}-${perms.RUN_ID_PATTERN}`);
  trainingRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: perms.LOG_STREAM_ACTIONS, resources: [logStreams] }));
  trainingAcks.add(logStreams, 'Only the log streams of this pipeline\'s training jobs (<job-name>/algo-<n>-<time>), whose names are '
    + 'generated per execution.');
  trainingRole.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: perms.METRIC_ACTIONS,
    resources: ['*'],
    conditions: { StringLike: { 'cloudwatch:namespace': '/aws/sagemaker/*' } },
  }));
  trainingAcks.add('*', 'cloudwatch:PutMetricData supports no resource-level permissions; a condition limits it to the /aws/sagemaker/* '
    + 'namespaces.');
  trainingAcks.add('*', 'ecr:GetAuthorizationToken supports no resource-level permissions; image pulls are limited to the image\'s repository.');
  if (cfg.volumeKey) {
    trainingRole.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: perms.KMS_VOLUME_ACTIONS,
      resources: [cfg.volumeKey.keyArn],
      conditions: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
    }));
  }
  if (props.vpc) {
    trainingRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: perms.VPC_ACTIONS, resources: ['*'] }));
    trainingAcks.add('*', 'The EC2 network-interface actions that SageMaker needs to attach the job to the VPC are granted on * as in the '
      + 'SageMaker documentation: the Describe actions support no resource-level permissions and the interfaces do not exist yet.');
  }
  const trainingImageUri = props.image.bind(trainingRole).imageUri;

  // --- The state machine role: what the orchestration may do. -------------------------------------------------------------
  const stateMachineRole = new iam.Role(scope, 'StateMachineRole', {
    assumedBy: new iam.ServicePrincipal('states.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': stack.account } } }),
    description: `Step Functions state machine of the training pipeline ${scope.node.path}`,
  });
  acknowledgeInlinePolicy(stateMachineRole);
  const machineAcks = new WildcardAcknowledgments(stateMachineRole);
  if (cfg.tuning) {
    // The tuning jobs of this pipeline only (<prefix>-<12 hex digits>); SageMaker itself creates their training jobs.
    const tuningJobs = stack.formatArn({ service: 'sagemaker', resource: 'hyper-parameter-tuning-job', resourceName: `${cfg.jobNamePrefix}-${TUNING_RUN_ID_PATTERN}` });
    stateMachineRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: perms.TUNING_JOB_ACTIONS, resources: [tuningJobs] }));
  } else {
    stateMachineRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: perms.TRAINING_JOB_ACTIONS, resources: [trainingJobsArn] }));
  }
  // No acknowledgment: the jobs' ARN has no '*' (<prefix>-<uuid> as '?' patterns), so AwsSolutions-IAM5 does not flag it.
  machineAcks.add('*', 'Step Functions log delivery (logs:*LogDelivery, DescribeLogGroups, ...) and X-Ray tracing (xray:PutTraceSegments, ...) '
    + 'support no resource-level permissions; these statements are the ones aws-stepfunctions generates for logging and tracing.');
  stateMachineRole.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: perms.SYNC_RULE_ACTIONS,
    resources: [stack.formatArn({ service: 'events', resource: 'rule', resourceName: cfg.tuning ? perms.TUNING_SYNC_RULE_NAME : perms.SYNC_RULE_NAME })],
  }));
  stateMachineRole.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['iam:PassRole'],
    resources: [trainingRole.roleArn],
    conditions: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
  }));
  // Registering a model package reads the job's model artifacts.
  const registered = grantObjects(stateMachineRole, models, `${outputPrefix}output/`, { read: true });
  machineAcks.add(registered, 'Read-only: the model artifacts of this pipeline\'s jobs, which it registers; '
    + 'job names are generated per execution.');
  let inferenceImageUri = trainingImageUri;
  if (props.inferenceImage) {
    // So that registration can check the image of the model package.
    inferenceImageUri = props.inferenceImage.bind(stateMachineRole).imageUri;
    machineAcks.add('*', 'ecr:GetAuthorizationToken supports no resource-level permissions; '
      + 'image reads are limited to the inference image\'s repository.');
  }

  return { trainingRole, stateMachineRole, machineAcks, trainingImageUri, inferenceImageUri };
}

interface ObjectAccess {
  readonly read?: boolean;
  readonly write?: boolean;
  readonly delete?: boolean;
}

/**
 * Grants exactly the object actions a training job or registration needs under one prefix of a zone, through the zone's own grants
 * (ListBucket only under the prefix, KMS only through S3): read, write (PutObject, AbortMultipartUpload), delete (the current version).
 * Returns the ARN pattern of the objects, for the acknowledgment.
 */
export function grantObjects(grantee: iam.IGrantable, zone: ILakeZone, prefix: string, access: ObjectAccess): string {
  const options = { allowDelete: access.delete ?? false };
  if (access.read && access.write) {
    zone.grantReadWrite(grantee, prefix, options);
  } else if (access.write) {
    zone.grantWrite(grantee, prefix, options);
  } else {
    zone.grantRead(grantee, prefix);
  }
  return zone.bucket.arnForObjects(`${zone.normalizePrefix(prefix)}*`);
}

function logStreamsArn(stack: Stack, jobNamePattern: string): string {
  // Training log streams are named `<job-name>/algo-<n>-<timestamp>`; the job names are this pipeline's only (RUN_ID_PATTERN).
  return stack.formatArn({
    service: 'logs',
    resource: 'log-group',
    resourceName: `${perms.TRAINING_LOG_GROUP}:log-stream:${jobNamePattern}/*`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

/** The versions of a model package group. Group names are lowercase (ModelRegistry checks it), as in SageMaker's ARNs. */
export function modelPackagesArn(stack: Stack, groupName: string): string {
  return stack.formatArn({ service: 'sagemaker', resource: 'model-package', resourceName: `${groupName}/*` });
}

/** The training jobs that this pipeline's tuning jobs launch: `<prefix>-<12 hex digits>-<3 digits>-<8 hex digits>`. */
export function tunedJobsArn(stack: Stack, jobNamePrefix: string): string {
  return stack.formatArn({
    service: 'sagemaker', resource: 'training-job', resourceName: `${jobNamePrefix}-${TUNING_RUN_ID_PATTERN}${TUNED_JOB_SUFFIX_PATTERN}`,
  });
}
