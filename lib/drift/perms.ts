import {
  CLOUDWATCH_PUT_METRIC_ACTIONS, KMS_DECRYPT_ACTIONS as KMS_DECRYPT, KMS_ENCRYPT_ACTIONS as KMS_ENCRYPT, S3_LIST_ACTIONS, S3_READ_OBJECT_ACTIONS,
  S3_WRITE_OBJECT_ACTIONS,
} from '../private/perms';

/** IAM actions of the drift capability, in one place so that reviews see every permission we grant. */

/** Listing keys under a prefix (with an `s3:prefix` condition). */
export const LIST_ACTIONS = S3_LIST_ACTIONS;
/** Reading objects: captures, ground truth, baselines. */
export const READ_OBJECT_ACTIONS = S3_READ_OBJECT_ACTIONS;
/** Writing objects: reports and profiles. */
export const WRITE_OBJECT_ACTIONS = S3_WRITE_OBJECT_ACTIONS;
/** Decrypting objects of a KMS-encrypted zone. */
export const KMS_DECRYPT_ACTIONS = KMS_DECRYPT;
/** Encrypting objects into a KMS-encrypted zone (S3 bucket keys need both). */
export const KMS_ENCRYPT_ACTIONS = KMS_ENCRYPT;
/** Publishing metrics (no resource-level permissions; limited by a namespace condition). */
export const PUT_METRIC_ACTIONS = CLOUDWATCH_PUT_METRIC_ACTIONS;
/**
 * Finding the model each variant serves: DescribeEndpoint (its configuration in service), DescribeEndpointConfig (each
 * variant's model), DescribeModel (the model's artifacts), read only
 * (docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemaker.html: resource types endpoint,
 * endpoint-config and model).
 */
export const DESCRIBE_ENDPOINT_ACTIONS = ['sagemaker:DescribeEndpoint'];
export const DESCRIBE_ENDPOINT_CONFIG_ACTIONS = ['sagemaker:DescribeEndpointConfig'];
export const DESCRIBE_MODEL_ACTIONS = ['sagemaker:DescribeModel'];
