import { SAGEMAKER_VPC_ACTIONS } from '../private/sagemaker-perms';

/**
 * IAM actions of the training capability, in one place (STYLE.md).
 */

/** Describing the model package group and its versions (resource-scoped to the group's ARNs). */
export const REGISTRY_READ_ACTIONS = [
  'sagemaker:DescribeModelPackageGroup',
  'sagemaker:DescribeModelPackage',
  'sagemaker:ListTags',
];

/**
 * Listing model packages. The call names no model package (it lists them, filtered by `ModelPackageGroupName`), so a statement
 * scoped to the group's ARNs does not reliably allow it; it is granted on `*`. The Service Authorization Reference
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemaker.html) gives it access level List and
 * only an optional resource type. It reveals the names and status of model packages, not their content.
 */
export const REGISTRY_LIST_ACTIONS = ['sagemaker:ListModelPackages'];

/** Changing the approval status of a model package. */
export const REGISTRY_APPROVE_ACTIONS = ['sagemaker:UpdateModelPackage'];

/** What cross-account principals may do on a registry through its resource policy. */
export const REGISTRY_CROSS_ACCOUNT_ACTIONS = [
  'sagemaker:DescribeModelPackageGroup',
  'sagemaker:DescribeModelPackage',
  'sagemaker:ListModelPackages',
];

/** Registering a model package. */
export const REGISTER_ACTIONS = ['sagemaker:CreateModelPackage'];

/**
 * What the `.sync` integration of Step Functions needs on its training jobs
 * (https://docs.aws.amazon.com/step-functions/latest/dg/sagemaker-iam.html). Step Functions tags every job it starts
 * (`MANAGED_BY_AWS=STARTED_BY_STEP_FUNCTIONS`), so CreateTrainingJob also needs `sagemaker:AddTags`: without it the first run fails
 * with "not authorized to perform: sagemaker:AddTags on resource ...training-job/..." (aws/aws-cdk#32294, fixed in CDK's
 * SageMakerCreateTrainingJob by aws/aws-cdk#32536; the Step Functions page above does not list it yet). AddTags is granted on this
 * pipeline's jobs only.
 */
export const TRAINING_JOB_ACTIONS = [
  'sagemaker:AddTags',
  'sagemaker:CreateTrainingJob',
  'sagemaker:DescribeTrainingJob',
  'sagemaker:StopTrainingJob',
  'sagemaker:ListTags',
];

/**
 * The run-id part of the job names a pipeline gives (`<prefix>-<uuid>`), as an IAM pattern: `?` matches exactly one character
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html#reference_policies_elements_resource_wildcards).
 * Unlike `<prefix>-*`, `<prefix>-` followed by exactly 36 characters with hyphens at the UUID's places never matches the jobs of a
 * pipeline whose prefix extends this one (`churn-v2-<uuid>` has 39 characters after `churn-`), in this app or any other.
 */
export const RUN_ID_PATTERN = '????????-????-????-????-????????????';

/**
 * What the `.sync` integration of Step Functions needs on its tuning jobs (createHyperParameterTuningJob.sync:
 * https://docs.aws.amazon.com/step-functions/latest/dg/sagemaker-iam.html). Step Functions tags the tuning jobs it starts as it tags
 * training jobs (`MANAGED_BY_AWS=STARTED_BY_STEP_FUNCTIONS`, in the tuning job's Tags), so AddTags is needed here too; granted on this
 * pipeline's tuning jobs only. SageMaker creates and stops the tuning job's training jobs itself.
 */
export const TUNING_JOB_ACTIONS = [
  'sagemaker:AddTags',
  'sagemaker:CreateHyperParameterTuningJob',
  'sagemaker:DescribeHyperParameterTuningJob',
  'sagemaker:StopHyperParameterTuningJob',
  'sagemaker:ListTags',
];

/** The managed EventBridge rule through which Step Functions learns that a tuning job ended. */
export const TUNING_SYNC_RULE_NAME = 'StepFunctionsGetEventsForSageMakerTuningJobsRule';

/** The managed EventBridge rule through which Step Functions learns that a training job ended. */
export const SYNC_RULE_ACTIONS = ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'];
export const SYNC_RULE_NAME = 'StepFunctionsGetEventsForSageMakerTrainingJobsRule';

// Lake objects (S3 and the zone key) are granted through ILakeZone's grants: lib/private/s3-grants.ts.
/** Publishing to an SNS topic encrypted with a customer-managed key (exact actions, not grantPublish's `kms:GenerateDataKey*`). */
export const TOPIC_KEY_ACTIONS = ['kms:Decrypt', 'kms:GenerateDataKey'];
/**
 * The key of `OutputDataConfig.KmsKeyId`: "the SageMaker execution role must include permissions to call kms:Encrypt"
 * (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_OutputDataConfig.html).
 */
export const KMS_OUTPUT_KEY_ACTIONS = ['kms:Encrypt'];
/** Encrypting the training volume with a customer-managed key. */
export const KMS_VOLUME_ACTIONS = ['kms:CreateGrant'];

/** A training job writes its logs to this log group. */
export const TRAINING_LOG_GROUP = '/aws/sagemaker/TrainingJobs';
/** Log-group actions, authorized on the log group (`DescribeLogStreams` lists the group's streams, so it is one of them). */
export const LOG_GROUP_ACTIONS = ['logs:CreateLogGroup', 'logs:DescribeLogStreams'];
/** Log-stream actions, authorized on the streams of the pipeline's jobs. */
export const LOG_STREAM_ACTIONS = ['logs:CreateLogStream', 'logs:PutLogEvents'];

/** Training containers publish their metrics under `/aws/sagemaker/*` namespaces; the action has no resource-level permissions. */
export const METRIC_ACTIONS = ['cloudwatch:PutMetricData'];

/** Pulling a training image from ECR: the token (no resource-level permissions) and the layers (per repository). */
export const ECR_TOKEN_ACTIONS = ['ecr:GetAuthorizationToken'];

/** What SageMaker needs to attach its containers to a VPC (shared with the other SageMaker capability). */
export const VPC_ACTIONS = SAGEMAKER_VPC_ACTIONS;

// --- Batch transform ------------------------------------------------------------------------------------------------------

/**
 * What the `.sync` integration of Step Functions needs on its transform jobs (createTransformJob.sync:
 * https://docs.aws.amazon.com/step-functions/latest/dg/sagemaker-iam.html). Step Functions tags the transform jobs it starts as it
 * tags training jobs (aws/aws-cdk#32294), so AddTags is needed too. Granted on this construct's jobs only (`<prefix>-<uuid>`).
 */
export const TRANSFORM_JOB_ACTIONS = [
  'sagemaker:AddTags',
  'sagemaker:CreateTransformJob',
  'sagemaker:DescribeTransformJob',
  'sagemaker:StopTransformJob',
  'sagemaker:ListTags',
];

/** The managed EventBridge rule through which Step Functions learns that a transform job ended. */
export const TRANSFORM_SYNC_RULE_NAME = 'StepFunctionsGetEventsForSageMakerTransformJobsRule';

/**
 * Defining a model from a model package for one run, and deleting it when the run ends
 * (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateModel.html, API_DeleteModel.html): on this construct's
 * models only (`<prefix>-<uuid>`).
 */
export const RUN_MODEL_ACTIONS = ['sagemaker:CreateModel', 'sagemaker:DeleteModel'];

/** Reading the model package a run's model is defined from (resource-scoped to the registry's versions). */
export const DESCRIBE_PACKAGE_ACTIONS = ['sagemaker:DescribeModelPackage'];

/** A transform job writes its container logs to this log group. */
export const TRANSFORM_LOG_GROUP = '/aws/sagemaker/TransformJobs';

/**
 * The ENI actions SageMaker takes with the execution role of a model in a VPC, where the Service Authorization Reference
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html) gives them resource types and
 * condition keys: CreateNetworkInterface on a network interface (any: it does not exist yet), in the given subnets, with the
 * given security groups; CreateNetworkInterfacePermission and DeleteNetworkInterface on network interfaces of the VPC
 * (`ec2:Vpc`).
 */
export const VPC_CREATE_ENI_ACTIONS = ['ec2:CreateNetworkInterface'];
export const VPC_ENI_IN_VPC_ACTIONS = ['ec2:CreateNetworkInterfacePermission', 'ec2:DeleteNetworkInterface'];
/**
 * The VPC actions that support no resource-level permissions (the Describe actions) or whose resource type is optional
 * (DeleteNetworkInterfacePermission: the request may name only the permission): on `*`, as the SageMaker docs grant them.
 */
export const VPC_UNSCOPED_ACTIONS = [
  'ec2:DeleteNetworkInterfacePermission',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeVpcs',
  'ec2:DescribeDhcpOptions',
  'ec2:DescribeSubnets',
  'ec2:DescribeSecurityGroups',
];
