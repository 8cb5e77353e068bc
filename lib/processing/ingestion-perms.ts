/*
 * What the Firehose delivery role of a `StreamIngestion` may do, in one place. Sources:
 * - the S3 destination policy (AbortMultipartUpload, GetBucketLocation, GetObject, ListBucket, ListBucketMultipartUploads,
 *   PutObject; kms:GenerateDataKey / kms:Decrypt through S3), the Kinesis source statement (DescribeStream, GetShardIterator,
 *   GetRecords, ListShards), logs:PutLogEvents on the log stream, and the Glue statement for record format conversion
 *   (GetTable, GetTableVersion, GetTableVersions): https://docs.aws.amazon.com/firehose/latest/dev/controlling-access.html
 * - Kinesis Data Streams calls KMS with the stream ARN as encryption context (`aws:kinesis:arn`), and a consumer needs
 *   kms:Decrypt: https://docs.aws.amazon.com/streams/latest/dev/permissions-user-key-KMS.html
 * - producers of a Kinesis source: kinesis:PutRecord(s) and kms:GenerateDataKey (same page as above);
 * - producers: firehose:PutRecord and firehose:PutRecordBatch on the Firehose stream
 *   (https://docs.aws.amazon.com/firehose/latest/dev/controlling-access.html#access-to-firehose).
 */

/** Bucket-level reads Firehose makes before it writes (the bucket's Region, its unfinished multipart uploads). */
export const FIREHOSE_BUCKET_ACTIONS = ['s3:GetBucketLocation', 's3:ListBucketMultipartUploads'];

/** Reading the source Kinesis data stream. */
export const KINESIS_SOURCE_ACTIONS = ['kinesis:DescribeStream', 'kinesis:GetShardIterator', 'kinesis:GetRecords', 'kinesis:ListShards'];

/** Decrypting the records of a source stream encrypted with a customer-managed key (only through Kinesis). */
export const KINESIS_KEY_ACTIONS = ['kms:Decrypt'];

/** Writing delivery errors to the log stream. */
export const LOG_ACTIONS = ['logs:PutLogEvents'];

/** Reading the Glue table whose columns are the Parquet schema. */
export const GLUE_SCHEMA_ACTIONS = ['glue:GetTable', 'glue:GetTableVersion', 'glue:GetTableVersions'];

/** What a producer needs to put records into a source Kinesis data stream. */
export const KINESIS_PRODUCER_ACTIONS = ['kinesis:PutRecord', 'kinesis:PutRecords'];

/** What a producer needs of the source stream's customer-managed key (only through Kinesis). */
export const KINESIS_PRODUCER_KEY_ACTIONS = ['kms:GenerateDataKey'];

/** What a producer needs to put records into a direct-PUT Firehose stream. */
export const PUT_RECORD_ACTIONS = ['firehose:PutRecord', 'firehose:PutRecordBatch'];
