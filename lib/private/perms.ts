/**
 * The IAM building blocks every capability uses for S3, KMS, CloudWatch Logs and CloudWatch, in one vocabulary. A
 * capability's own perms.ts names what its principals do with them (e.g. `WRITE_CAPTURE_ACTIONS = S3_WRITE_OBJECT_ACTIONS`);
 * grants on lake zones use the zone's own grant methods (`ILakeZone`). Actions are exact: no wildcards.
 *
 * Sources: S3 actions https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html, KMS
 * https://docs.aws.amazon.com/kms/latest/developerguide/services-s3.html (SSE-KMS: GenerateDataKey to write, Decrypt to
 * read and for multipart uploads), CloudWatch https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatch.html
 * (PutMetricData and GetMetricData have no resource-level permissions), CloudWatch Logs
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatchlogs.html.
 */

/** Listing keys under a prefix (grant with an `s3:prefix` condition). */
export const S3_LIST_ACTIONS = ['s3:ListBucket'];
/** Reading objects. */
export const S3_READ_OBJECT_ACTIONS = ['s3:GetObject'];
/** Writing objects. */
export const S3_WRITE_OBJECT_ACTIONS = ['s3:PutObject'];
/** Deleting objects. */
export const S3_DELETE_OBJECT_ACTIONS = ['s3:DeleteObject'];

/** Reading objects (or messages) encrypted with a KMS key. */
export const KMS_DECRYPT_ACTIONS = ['kms:Decrypt'];
/** Writing objects (or publishing messages) encrypted with a KMS key: a data key per object, Decrypt for multipart uploads. */
export const KMS_ENCRYPT_ACTIONS = ['kms:Decrypt', 'kms:GenerateDataKey'];

/** Publishing metrics (no resource-level permissions: limit with a `cloudwatch:namespace` condition). */
export const CLOUDWATCH_PUT_METRIC_ACTIONS = ['cloudwatch:PutMetricData'];
/** Reading metrics (no resource-level permissions). */
export const CLOUDWATCH_GET_METRIC_ACTIONS = ['cloudwatch:GetMetricData'];
/** Reading alarms' state (deployment guardrails read the rollback alarms with the models' roles). */
export const CLOUDWATCH_DESCRIBE_ALARM_ACTIONS = ['cloudwatch:DescribeAlarms'];

/** Creating a log group and finding its streams. */
export const LOGS_GROUP_ACTIONS = ['logs:CreateLogGroup', 'logs:DescribeLogStreams'];
/** Writing log events into the streams of a group. */
export const LOGS_STREAM_ACTIONS = ['logs:CreateLogStream', 'logs:PutLogEvents'];
