import { CLOUDWATCH_GET_METRIC_ACTIONS, CLOUDWATCH_PUT_METRIC_ACTIONS } from '../private/perms';

/**
 * IAM actions of the experiments capability, in one place so that reviews see every permission we grant. Sources:
 * Service Authorization Reference, "Actions, resources, and condition keys for Amazon SageMaker AI", "... for Amazon
 * CloudWatch", "... for Amazon S3", "... for Amazon SNS" and "... for AWS KMS".
 */
/** Reading the variants' metrics (no resource-level permissions in IAM). */
export const GET_METRIC_ACTIONS = CLOUDWATCH_GET_METRIC_ACTIONS;
/** Publishing the decision metrics (no resource-level permissions; limited by a namespace condition). */
export const PUT_METRIC_ACTIONS = CLOUDWATCH_PUT_METRIC_ACTIONS;
/** Reading the endpoint's status and current weights, and setting its weights: on the experiment's endpoint only. */
export const ENDPOINT_WEIGHT_ACTIONS = ['sagemaker:DescribeEndpoint', 'sagemaker:UpdateEndpointWeightsAndCapacities'];
/** Reading the endpoint configuration: the challenger's model and the initial weights (resource type endpoint-config). */
export const ENDPOINT_CONFIG_ACTIONS = ['sagemaker:DescribeEndpointConfig'];
/**
 * Listing keys under a prefix (with an `s3:prefix` condition): the handler lists its state key before reading it,
 * since without s3:ListBucket on the whole bucket S3 answers GetObject of a missing key with 403, not 404.
 */
export const LIST_ACTIONS = ['s3:ListBucket'];
/** Reading objects: the state, captures, ground truth. */
export const READ_OBJECT_ACTIONS = ['s3:GetObject'];
/** Writing the state and the reports (conditional writes need no other permission). */
export const WRITE_OBJECT_ACTIONS = ['s3:PutObject'];
/** Decrypting objects of a KMS-encrypted zone. */
export const KMS_DECRYPT_ACTIONS = ['kms:Decrypt'];
/** Encrypting objects into a KMS-encrypted zone (S3 asks for a data key, and bucket keys need Decrypt too). */
export const KMS_ENCRYPT_ACTIONS = ['kms:Decrypt', 'kms:GenerateDataKey'];
/** Publishing restarts, promotions and rollbacks: on the experiment's topic only. */
export const PUBLISH_ACTIONS = ['sns:Publish'];
/** Publishing to a KMS-encrypted topic (exact actions: SNS encrypts each message with a data key). */
export const TOPIC_KEY_ACTIONS = KMS_ENCRYPT_ACTIONS;
