/*
 * What the principals of a feature group may do, in one place. Sources:
 * - the Feature Store runtime actions authorize on the `feature-group` resource
 *   (arn:${Partition}:sagemaker:${Region}:${Account}:feature-group/${FeatureGroupName}):
 *   https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemaker.html
 * - every caller of PutRecord, GetRecord and DeleteRecord needs kms:Decrypt on the online store's customer-managed key:
 *   https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_OnlineStoreSecurityConfig.html
 * - the offline store's role (RoleArn of CreateFeatureGroup, "used to persist data into the OfflineStore") writes objects with
 *   an ACL, reads the bucket's ACL and the manifests of the store's metadata folder, and reads and updates its Glue table, as the
 *   managed policy AmazonSageMakerFeatureStoreAccess grants (https://docs.aws.amazon.com/sagemaker/latest/dg/security-iam-awsmanpol-feature-store.html);
 *   with a customer-managed key it needs kms:GenerateDataKey
 *   (https://docs.aws.amazon.com/sagemaker/latest/dg/feature-store-cross-account-access-offline-store.html).
 * - reading a Glue table needs the catalog, the database and the table in the resource:
 *   https://docs.aws.amazon.com/glue/latest/dg/glue-specifying-resource-arns.html
 */

/** Reading records of the online store. */
export const RECORD_READ_ACTIONS = ['sagemaker:GetRecord', 'sagemaker:BatchGetRecord'];

/** Writing records (to the online store, and through it to the offline store). */
export const RECORD_WRITE_ACTIONS = ['sagemaker:PutRecord'];

/** Deleting records: only on explicit opt-in. */
export const RECORD_DELETE_ACTIONS = ['sagemaker:DeleteRecord'];

/** Using the online store's customer-managed key in a runtime call. */
export const ONLINE_KEY_ACTIONS = ['kms:Decrypt'];

/** Writing the offline store's objects with an ACL (the bucket owner keeps them: the lake's buckets enforce bucket ownership). */
export const OFFLINE_OBJECT_ACL_ACTIONS = ['s3:PutObjectAcl'];

/** Reading the offline store bucket's ACL. */
export const OFFLINE_BUCKET_ACL_ACTIONS = ['s3:GetBucketAcl'];

/** Reading and updating the offline store's Glue table. */
export const OFFLINE_TABLE_ACTIONS = ['glue:GetTable', 'glue:UpdateTable'];

/** Reading the offline store's table definition and partitions (a training job, an Athena query). */
export const OFFLINE_TABLE_READ_ACTIONS = [
  'glue:GetDatabase', 'glue:GetTable', 'glue:GetTables', 'glue:GetPartition', 'glue:GetPartitions', 'glue:BatchGetPartition',
];

/** Reading the group's definitions (the ingestion handler checks records against them): DescribeFeatureGroup on the group. */
export const GROUP_DESCRIBE_ACTIONS = ['sagemaker:DescribeFeatureGroup'];

/**
 * Reading a Kinesis data stream through a Lambda event source mapping, as the Lambda developer guide lists them for the
 * function's execution role (https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-create.html), on the one stream.
 * Left out: kinesis:SubscribeToShard, which authorizes on a stream consumer (enhanced fan-out, which the mapping does not use),
 * not on the stream (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonkinesis.html); and
 * kinesis:ListStreams of the managed policy AWSLambdaKinesisExecutionRole, which lists every stream of the account.
 */
export const STREAM_READ_ACTIONS = [
  'kinesis:DescribeStream', 'kinesis:DescribeStreamSummary', 'kinesis:GetRecords', 'kinesis:GetShardIterator', 'kinesis:ListShards',
];

/** Decrypting records of a stream encrypted with a customer-managed key, through Kinesis only. */
export const STREAM_KEY_ACTIONS = ['kms:Decrypt'];

/** Sending a rejected record (by the handler) or a discarded batch (by Lambda, with the function's role) to the failed-records queue. */
export const FAILED_RECORDS_SEND_ACTIONS = ['sqs:SendMessage'];
