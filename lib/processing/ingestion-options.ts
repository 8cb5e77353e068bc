import { Duration, Size } from 'aws-cdk-lib';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { IDataLake } from '../data-lake';
import { AlarmTuning, IAlertTopics } from '../monitoring';

/**
 * A key of dynamic partitioning: a value that Firehose extracts from each JSON record with a jq expression and puts into the
 * S3 prefix as `<name>=<value>/` (https://docs.aws.amazon.com/firehose/latest/dev/dynamic-partitioning-partitioning-keys.html).
 */
export interface IngestionPartitionKey {
  /** The key's name, in the prefix as `<name>=<value>/`: 1-64 letters, digits and underscores, starting with a letter or underscore. */
  readonly name: string;

  /** The jq 1.6 expression evaluated on each record, e.g. `.customer_id` or `.event.device`. */
  readonly query: string;
}

/**
 * Conversion of JSON records to Apache Parquet against the columns of a Glue table
 * (https://docs.aws.amazon.com/firehose/latest/dev/record-format-conversion.html).
 */
export interface ParquetConversionOptions {
  /** The Glue table whose columns are the schema of the records. */
  readonly tableName: string;

  /**
   * The Glue database of the table.
   *
   * @default - the lake's database
   */
  readonly databaseName?: string;
}

/**
 * Properties of a `StreamIngestion`.
 */
export interface StreamIngestionProps {
  /** The lake that receives the records. */
  readonly lake: IDataLake;

  /**
   * The folder of this stream in the zone, e.g. `events/clicks/`. Records land under `<prefix>data/`, failed records under
   * `<prefix>errors/`.
   */
  readonly prefix: string;

  /**
   * The zone that receives the records.
   *
   * @default 'raw'
   */
  readonly zone?: string;

  /**
   * A Kinesis data stream to read the records from. Producers then write to that stream (`grantPutRecords` grants it), and the
   * records are encrypted at rest by the stream's own encryption.
   *
   * @default - direct PUT: producers call firehose:PutRecord / PutRecordBatch
   */
  readonly sourceStream?: kinesis.IStream;

  /**
   * The name of the Firehose stream: 1-64 letters, digits, `_`, `.` and `-`.
   *
   * @default - CloudFormation generates one
   */
  readonly deliveryStreamName?: string;

  /**
   * The key that encrypts records at rest inside Firehose (server-side encryption of a direct-PUT stream). Firehose creates and
   * manages its own grant on it.
   *
   * @default - the lake's key, or an AWS-owned key when the lake has none
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * How much data Firehose buffers before it writes an object: 1-128 MiB, at least 64 MiB with dynamic partitioning or Parquet.
   *
   * @default - 5 MiB; 128 MiB with dynamic partitioning or Parquet
   */
  readonly bufferSize?: Size;

  /**
   * How long Firehose buffers data before it writes an object: 0-900 seconds, at least 60 seconds with dynamic partitioning.
   *
   * @default Duration.seconds(300)
   */
  readonly bufferInterval?: Duration;

  /**
   * Partition records by the values of `partitionKeys` (Firehose dynamic partitioning). It cannot be turned on for a stream that
   * exists without it, nor off once on; it is billed per GB partitioned.
   *
   * @default false - records are partitioned by arrival date only
   */
  readonly dynamicPartitioning?: boolean;

  /**
   * The keys of dynamic partitioning, in the order of the prefix (before the date). Needs `dynamicPartitioning`.
   *
   * @default - none
   */
  readonly partitionKeys?: IngestionPartitionKey[];

  /**
   * Convert the JSON records to Parquet against a Glue table.
   *
   * @default - records are written as they arrive, GZIP-compressed
   */
  readonly parquet?: ParquetConversionOptions;

  /**
   * How long delivery errors are kept in the log group.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * The key of the delivery error log group. Its key policy must let CloudWatch Logs use it.
   *
   * @default - a key is defined, rotated yearly and retained
   */
  readonly logEncryptionKey?: kms.IKey;

  /**
   * Where the alarms notify, when they fire and when they recover.
   *
   * @default - the alarms have no actions
   */
  readonly alerts?: IAlertTopics;

  /**
   * The prefix of the alarm names.
   *
   * @default - the `deliveryStreamName`, else CloudFormation generates the names
   */
  readonly alarmNamePrefix?: string;

  /**
   * The alarm on failed deliveries to S3 (DeliveryToS3.Success below 1).
   *
   * @default - 5-minute period, 2 of 3 datapoints, CRITICAL
   */
  readonly deliveryFailedAlarm?: AlarmTuning;

  /**
   * The alarm on records that wait too long to be delivered (DeliveryToS3.DataFreshness above `freshnessThreshold`).
   *
   * @default - 5-minute period, 2 of 2 datapoints, WARNING
   */
  readonly dataFreshnessAlarm?: AlarmTuning;

  /**
   * The age of the oldest undelivered record above which the freshness alarm fires; more than the buffer interval (1.5 times
   * it with dynamic partitioning, whose multi-stage buffering can delay records that long).
   *
   * @default - 3 times the buffer interval, at least 15 minutes
   */
  readonly freshnessThreshold?: Duration;
}
