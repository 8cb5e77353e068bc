/** IAM actions of the drift capability, in one place so that reviews see every permission we grant. */

/** Listing keys under a prefix (with an `s3:prefix` condition). */
export const LIST_ACTIONS = ['s3:ListBucket'];
/** Reading objects: captures, ground truth, baselines. */
export const READ_OBJECT_ACTIONS = ['s3:GetObject'];
/** Writing objects: reports and profiles. */
export const WRITE_OBJECT_ACTIONS = ['s3:PutObject'];
/** Decrypting objects of a KMS-encrypted zone. */
export const KMS_DECRYPT_ACTIONS = ['kms:Decrypt'];
/** Encrypting objects into a KMS-encrypted zone (S3 bucket keys need both). */
export const KMS_ENCRYPT_ACTIONS = ['kms:Decrypt', 'kms:GenerateDataKey'];
/** Publishing metrics (no resource-level permissions; limited by a namespace condition). */
export const PUT_METRIC_ACTIONS = ['cloudwatch:PutMetricData'];
