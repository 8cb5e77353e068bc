import {
  CLOUDWATCH_DESCRIBE_ALARM_ACTIONS, KMS_DECRYPT_ACTIONS, KMS_ENCRYPT_ACTIONS, LOGS_GROUP_ACTIONS, LOGS_STREAM_ACTIONS, S3_READ_OBJECT_ACTIONS,
  S3_WRITE_OBJECT_ACTIONS,
} from '../private/perms';
import { SAGEMAKER_VPC_ACTIONS } from '../private/sagemaker-perms';

/** IAM actions of the serving capability, in one place so that reviews see every permission we grant. */

/** What a caller needs to get predictions from an endpoint. */
export const INVOKE_ENDPOINT_ACTIONS = ['sagemaker:InvokeEndpoint', 'sagemaker:InvokeEndpointWithResponseStream'];

/** What a model's execution role needs to read one model artifact. */
export const READ_OBJECT_ACTIONS = S3_READ_OBJECT_ACTIONS;

/** What a model's execution role needs to decrypt a KMS-encrypted artifact. */
export const DECRYPT_ACTIONS = KMS_DECRYPT_ACTIONS;

/**
 * What a model's execution role needs to write captured requests and responses into an SSE-KMS bucket: a data key
 * for each object, and Decrypt for multipart uploads.
 */
export const WRITE_CAPTURE_ACTIONS = S3_WRITE_OBJECT_ACTIONS;
export const ENCRYPT_CAPTURE_ACTIONS = KMS_ENCRYPT_ACTIONS;

/** What a model's execution role needs so that deployment guardrails can read the rollback alarms (SageMaker docs). */
export const DESCRIBE_ALARM_ACTIONS = CLOUDWATCH_DESCRIBE_ALARM_ACTIONS;

/** What a model's execution role needs to read the model package it serves. */
export const DESCRIBE_MODEL_PACKAGE_ACTIONS = ['sagemaker:DescribeModelPackage'];

/**
 * What a model's execution role needs to write the container logs of an endpoint: create its log group (when SageMaker
 * finds none), find and create its streams, put events. Granted on `log-group:<name>:*`: CloudWatch Logs authorizes these
 * actions on the log group ARN with the trailing `:*` (or on a stream ARN under it), never on the bare group ARN, which
 * only the tagging actions use (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/iam-access-control-overview-cwl.html).
 */
export const ENDPOINT_LOG_ACTIONS = [...LOGS_GROUP_ACTIONS, ...LOGS_STREAM_ACTIONS];

/** What SageMaker needs to attach its containers to a VPC (shared with the other SageMaker capability). */
export const VPC_ACTIONS = SAGEMAKER_VPC_ACTIONS;

/**
 * What CloudWatch Logs needs on the key of an encrypted log group, granted in the key policy to the regional logs service
 * principal with the log group's encryption context (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html),
 * as exact actions.
 */
export const LOGS_KEY_ACTIONS = [
  'kms:Encrypt', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:DescribeKey',
];
