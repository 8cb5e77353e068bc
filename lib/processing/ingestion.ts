import { ArnFormat, Aws, Duration, RemovalPolicy, Size, SizeRoundingBehavior, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import {
  FIREHOSE_BUCKET_ACTIONS, GLUE_SCHEMA_ACTIONS, KINESIS_KEY_ACTIONS, KINESIS_PRODUCER_ACTIONS, KINESIS_PRODUCER_KEY_ACTIONS, KINESIS_SOURCE_ACTIONS,
  LOG_ACTIONS, PUT_RECORD_ACTIONS,
} from './ingestion-perms';
import { IngestionPartitionKey, StreamIngestionProps } from './ingestion-options';
import { ILakeZone } from '../data-lake';
import { AlarmSeverity } from '../monitoring';
import { AlarmFactory, resolveTuning } from '../private/alarm-factory';
import { allowCloudWatchLogs, denyGrantsNotForAwsResources } from '../private/kms';
import { normalizePrefix } from '../private/lake-prefix';
import { acknowledgeInlinePolicy } from '../private/nag';
import { InputErrors, checkDuration, checkString, describe, isDuration, isToken, requireProps } from '../private/validation';


/** Firehose's BufferingHints ranges (https://docs.aws.amazon.com/firehose/latest/APIReference/API_BufferingHints.html). */
const MIN_BUFFER_MIB = 1;
const MAX_BUFFER_MIB = 128;
const MAX_INTERVAL_SECONDS = 900;
/**
 * With dynamic partitioning or record format conversion the buffer is at least 64 MiB, and dynamic partitioning has no zero
 * buffering (at least 60 s): https://docs.aws.amazon.com/firehose/latest/dev/buffering.html,
 * https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_kinesisfirehose.CommonDestinationS3Props.html.
 */
const MIN_PARTITIONED_BUFFER_MIB = 64;
const MIN_PARTITIONED_INTERVAL_SECONDS = 60;
const STREAM_NAME = /^[a-zA-Z0-9_.-]{1,64}$/;
const KEY_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
/** Prefixes are at most 512 characters once evaluated (https://docs.aws.amazon.com/firehose/latest/dev/s3-prefixes.html). */
const MAX_PREFIX_LENGTH = 400;
/** The arrival date, in UTC, as Hive-style partitions (the `timestamp` namespace of https://docs.aws.amazon.com/firehose/latest/dev/s3-prefixes.html). */
const DATE_PARTITIONS = 'year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/';

/**
 * A Kinesis Data Firehose stream that delivers records into a lake zone (`raw` by default), from producers (direct PUT) or
 * from a Kinesis data stream: encrypted in transit through Firehose and in S3 with the lake's key, partitioned by arrival date
 * (and, with dynamic partitioning, by keys from the records), optionally converted to Parquet against a Glue table, failed
 * records under an error prefix, delivery errors logged, and alarms on failed deliveries and stale data.
 *
 * @example
 * const clicks = new StreamIngestion(this, 'Clicks', { lake, prefix: 'events/clicks/' });
 * clicks.grantPutRecords(producerRole);
 */
export class StreamIngestion extends Construct {
  /** The Firehose stream. */
  public readonly deliveryStream: firehose.CfnDeliveryStream;
  /** The name of the Firehose stream. */
  public readonly deliveryStreamName: string;
  /** The ARN of the Firehose stream. */
  public readonly deliveryStreamArn: string;
  /** The role Firehose assumes to read the source stream and write the zone. */
  public readonly role: iam.Role;
  /** The zone the records land in. */
  public readonly zone: ILakeZone;
  /** The key prefix of delivered records (`<prefix>data/`), before the partitions. */
  public readonly dataPrefix: string;
  /** The key prefix of records that could not be delivered (`<prefix>errors/`), before the error type and date. */
  public readonly errorPrefix: string;
  /** The Firehose S3 prefix expression of delivered records. */
  public readonly prefixExpression: string;
  /** The Firehose S3 prefix expression of failed records. */
  public readonly errorPrefixExpression: string;
  /** The buffer interval, in seconds. */
  public readonly bufferIntervalSeconds: number;
  /** The buffer size, in MiB. */
  public readonly bufferSizeMiB: number;
  /** The log group of delivery errors. */
  public readonly logGroup: logs.LogGroup;
  /** The log stream Firehose writes delivery errors to. */
  public readonly logStream: logs.LogStream;
  /** The source stream, if the records come from a Kinesis data stream. */
  public readonly sourceStream?: kinesis.IStream;
  /** Fires when deliveries to S3 fail; undefined when switched off. */
  public readonly deliveryFailedAlarm?: cloudwatch.Alarm;
  /** Fires when the oldest undelivered record is older than the freshness threshold; undefined when switched off. */
  public readonly dataFreshnessAlarm?: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: StreamIngestionProps) {
    super(scope, id);
    requireProps(this, 'StreamIngestion', props, { lake: 'an IDataLake', prefix: "a folder of the zone, e.g. 'events/clicks/'" },
      { partitionKeys: "a list of { name, query }, e.g. [{ name: 'customer', query: '.customer_id' }]" });
    const cfg = validate(this, props);
    this.zone = props.lake.zone(cfg.zoneName);
    this.sourceStream = props.sourceStream;
    this.bufferIntervalSeconds = cfg.intervalSeconds;
    this.bufferSizeMiB = cfg.sizeMiB;
    this.dataPrefix = `${cfg.prefix}data/`;
    this.errorPrefix = `${cfg.prefix}errors/`;
    const keys = (props.partitionKeys ?? []).map((k) => `${k.name}=!{partitionKeyFromQuery:${k.name}}/`).join('');
    this.prefixExpression = `${this.dataPrefix}${keys}${DATE_PARTITIONS}`;
    this.errorPrefixExpression = `${this.errorPrefix}!{firehose:error-output-type}/${DATE_PARTITIONS}`;

    const stack = Stack.of(this);
    // The confused-deputy condition of Firehose's trust policy: Firehose passes the account as external id
    // (https://docs.aws.amazon.com/firehose/latest/dev/controlling-access.html#firehose-assume-role).
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('firehose.amazonaws.com').withConditions({ StringEquals: { 'sts:ExternalId': stack.account } }),
      description: `Firehose delivery into ${cfg.zoneName}/${this.dataPrefix} of ${props.lake.node.path}`,
    });
    acknowledgeInlinePolicy(this.role);
    this.grantDestination(cfg.prefix);
    this.logGroup = this.defineLogGroup(props);
    this.logStream = new logs.LogStream(this, 'DeliveryErrors', { logGroup: this.logGroup, removalPolicy: RemovalPolicy.RETAIN });
    const logStream = this.logStream;
    iam.Grant.addToPrincipal({
      grantee: this.role,
      actions: LOG_ACTIONS,
      resourceArns: [stack.formatArn({
        service: 'logs', resource: 'log-group', arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        resourceName: `${this.logGroup.logGroupName}:log-stream:${logStream.logStreamName}`,
      })],
    });
    if (props.sourceStream) {
      this.grantSource(props.sourceStream);
    }
    const schema = props.parquet && this.grantSchema(props.parquet.databaseName ?? props.lake.databaseName!, props.parquet.tableName);

    const lakeKey = this.zone.encryptionKey;
    const sseKey = props.encryptionKey ?? props.lake.encryptionKey;
    this.deliveryStream = new firehose.CfnDeliveryStream(this, 'Resource', {
      deliveryStreamName: props.deliveryStreamName,
      deliveryStreamType: props.sourceStream ? 'KinesisStreamAsSource' : 'DirectPut',
      kinesisStreamSourceConfiguration: props.sourceStream
        ? { kinesisStreamArn: props.sourceStream.streamArn, roleArn: this.role.roleArn }
        : undefined,
      // Server-side encryption applies to direct PUT only; a Kinesis source keeps its own encryption
      // (https://docs.aws.amazon.com/firehose/latest/APIReference/API_StartDeliveryStreamEncryption.html).
      deliveryStreamEncryptionConfigurationInput: props.sourceStream ? undefined
        : (sseKey ? { keyType: 'CUSTOMER_MANAGED_CMK', keyArn: sseKey.keyArn } : { keyType: 'AWS_OWNED_CMK' }),
      extendedS3DestinationConfiguration: {
        bucketArn: this.zone.bucket.bucketArn,
        roleArn: this.role.roleArn,
        prefix: this.prefixExpression,
        errorOutputPrefix: this.errorPrefixExpression,
        bufferingHints: { intervalInSeconds: cfg.intervalSeconds, sizeInMBs: cfg.sizeMiB },
        // Format conversion compresses inside Parquet (Snappy) and needs the S3 compression off
        // (https://docs.aws.amazon.com/firehose/latest/dev/enable-record-format-conversion.html).
        compressionFormat: schema ? 'UNCOMPRESSED' : 'GZIP',
        encryptionConfiguration: lakeKey ? { kmsEncryptionConfig: { awskmsKeyArn: lakeKey.keyArn } } : undefined,
        cloudWatchLoggingOptions: { enabled: true, logGroupName: this.logGroup.logGroupName, logStreamName: logStream.logStreamName },
        dynamicPartitioningConfiguration: cfg.dynamic ? { enabled: true, retryOptions: { durationInSeconds: 300 } } : undefined,
        processingConfiguration: cfg.dynamic ? { enabled: true, processors: renderProcessors(props.partitionKeys!, !!schema) } : undefined,
        dataFormatConversionConfiguration: schema ? {
          enabled: true,
          inputFormatConfiguration: { deserializer: { openXJsonSerDe: {} } },
          outputFormatConfiguration: { serializer: { parquetSerDe: {} } },
          schemaConfiguration: schema,
        } : undefined,
        s3BackupMode: 'Disabled',
      },
    });
    if (props.sourceStream) {
      Validations.of(this.deliveryStream).acknowledge({
        id: 'AwsSolutions::AwsSolutions-KDF1',
        reason: 'Firehose server-side encryption applies to direct PUT streams only (StartDeliveryStreamEncryption); records read from '
          + 'a Kinesis data stream are encrypted at rest by that stream, and in S3 with the lake key.',
      });
    }
    // Firehose checks its access when the stream is created: the role's policy must exist first.
    this.deliveryStream.node.addDependency(this.role);
    this.deliveryStreamName = this.deliveryStream.ref;
    this.deliveryStreamArn = this.deliveryStream.attrArn;

    const alarms = this.defineAlarms(props, cfg);
    this.deliveryFailedAlarm = alarms.failed;
    this.dataFreshnessAlarm = alarms.fresh;
  }

  /**
   * Grants a producer putting records: firehose:PutRecord and PutRecordBatch on this stream for direct PUT; with a source
   * stream, kinesis:PutRecord and PutRecords on that stream and its key's GenerateDataKey through Kinesis (Firehose refuses
   * PutRecord on a stream with a Kinesis source: https://docs.aws.amazon.com/firehose/latest/dev/writing-with-kinesis-streams.html;
   * producer permissions: https://docs.aws.amazon.com/streams/latest/dev/permissions-user-key-KMS.html).
   */
  public grantPutRecords(grantee: iam.IGrantable): iam.Grant {
    const stream = this.sourceStream;
    if (!stream) {
      return iam.Grant.addToPrincipal({ grantee, actions: PUT_RECORD_ACTIONS, resourceArns: [this.deliveryStreamArn] });
    }
    let grant = iam.Grant.addToPrincipal({ grantee, actions: KINESIS_PRODUCER_ACTIONS, resourceArns: [stream.streamArn] });
    if (stream.encryptionKey) {
      grant = grant.combine(iam.Grant.addToPrincipal({
        grantee, actions: KINESIS_PRODUCER_KEY_ACTIONS, resourceArns: [stream.encryptionKey.keyArn], conditions: throughKinesis(stream),
      }));
    }
    return grant;
  }

  /** A metric of this Firehose stream (namespace AWS/Firehose, dimension DeliveryStreamName). */
  public metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/Firehose',
      metricName,
      dimensionsMap: { DeliveryStreamName: this.deliveryStreamName },
      ...props,
    });
  }

  /**
   * The share of S3 puts that succeeded (DeliveryToS3.Success, average over the period; below 1 when a put failed)
   * (https://docs.aws.amazon.com/firehose/latest/dev/monitoring-with-cloudwatch-metrics.html).
   */
  public metricDeliveryToS3Success(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('DeliveryToS3.Success', { statistic: 'Average', ...props });
  }

  /** The age in seconds of the oldest record not yet in S3 (DeliveryToS3.DataFreshness, maximum over the period). */
  public metricDataFreshness(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('DeliveryToS3.DataFreshness', { statistic: 'Maximum', ...props });
  }

  /** The records put into the Firehose stream (IncomingRecords for direct PUT, DataReadFromKinesisStream.Records otherwise). */
  public metricIncomingRecords(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(this.sourceStream ? 'DataReadFromKinesisStream.Records' : 'IncomingRecords', { statistic: 'Sum', ...props });
  }

  /**
   * Writing (and reading back) the objects of this stream's folder only, never deleting them; the bucket-level reads Firehose
   * makes; the lake key only through S3 for this bucket (the zone grants).
   */
  private grantDestination(prefix: string): void {
    this.zone.grantReadWrite(this.role, prefix, { allowDelete: false });
    iam.Grant.addToPrincipal({ grantee: this.role, actions: FIREHOSE_BUCKET_ACTIONS, resourceArns: [this.zone.bucket.bucketArn] });
  }

  /** Reading the source stream, and its key only when Kinesis decrypts records of this stream. */
  private grantSource(stream: kinesis.IStream): void {
    iam.Grant.addToPrincipal({ grantee: this.role, actions: KINESIS_SOURCE_ACTIONS, resourceArns: [stream.streamArn] });
    if (stream.encryptionKey) {
      iam.Grant.addToPrincipal({
        grantee: this.role,
        actions: KINESIS_KEY_ACTIONS,
        resourceArns: [stream.encryptionKey.keyArn],
        conditions: throughKinesis(stream),
      });
    }
  }

  /**
   * Reading the Glue table of the Parquet schema: GetTable* on the catalog, the database and the table
   * (https://docs.aws.amazon.com/glue/latest/dg/glue-specifying-resource-arns.html).
   */
  private grantSchema(databaseName: string, tableName: string): firehose.CfnDeliveryStream.SchemaConfigurationProperty {
    const stack = Stack.of(this);
    const arn = (resource: string, resourceName?: string) => stack.formatArn({ service: 'glue', resource, resourceName });
    iam.Grant.addToPrincipal({
      grantee: this.role,
      actions: GLUE_SCHEMA_ACTIONS,
      resourceArns: [arn('catalog'), arn('database', databaseName), arn('table', `${databaseName}/${tableName}`)],
    });
    return { catalogId: Aws.ACCOUNT_ID, databaseName, tableName, region: Aws.REGION, roleArn: this.role.roleArn, versionId: 'LATEST' };
  }

  private defineLogGroup(props: StreamIngestionProps): logs.LogGroup {
    let key = props.logEncryptionKey;
    if (!key) {
      const defined = new kms.Key(this, 'LogsKey', {
        description: `Delivery error logs of the Firehose stream ${this.node.path}`,
        enableKeyRotation: true,
        removalPolicy: RemovalPolicy.RETAIN,
        pendingWindow: Duration.days(30),
      });
      defined.addToResourcePolicy(allowCloudWatchLogs(Stack.of(this)));
      defined.addToResourcePolicy(denyGrantsNotForAwsResources());
      key = defined;
    }
    return new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      encryptionKey: key,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  private defineAlarms(props: StreamIngestionProps, cfg: IngestionConfig): { failed?: cloudwatch.Alarm; fresh?: cloudwatch.Alarm } {
    const alarms: { failed?: cloudwatch.Alarm; fresh?: cloudwatch.Alarm } = {};
    const factory = new AlarmFactory(this, props.alerts);
    const prefix = props.alarmNamePrefix ?? props.deliveryStreamName;
    const name = (suffix: string) => (prefix === undefined ? undefined : `${prefix}-${suffix}`);
    const failed = cfg.failedTuning;
    if (failed.enabled) {
      alarms.failed = factory.alarm({
        id: 'DeliveryFailed',
        alarmName: name('delivery-failed'),
        description: `Firehose stream ${this.node.path} failed to put records into ${this.zone.zoneName}/${this.dataPrefix}; it retries for `
          + 'up to 24 hours, then the records are lost. See the DeliveryErrors log stream.',
        metric: this.metricDeliveryToS3Success({ period: failed.period }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        tuning: failed,
        // No delivery in the period: nothing failed (staleness is the freshness alarm's).
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }
    const fresh = cfg.freshnessTuning;
    if (fresh.enabled) {
      alarms.fresh = factory.alarm({
        id: 'DataFreshness',
        alarmName: name('data-freshness'),
        description: `Records of Firehose stream ${this.node.path} wait more than ${cfg.freshnessSeconds} s to reach `
          + `${this.zone.zoneName}/${this.dataPrefix} (buffer interval ${cfg.intervalSeconds} s).`,
        metric: this.metricDataFreshness({ period: fresh.period }),
        threshold: cfg.freshnessSeconds,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        tuning: fresh,
        // No records in the stream: nothing is stale.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }
    return alarms;
  }
}

/** The stream's key only when Kinesis calls KMS for this stream (its ARN is the encryption context). */
function throughKinesis(stream: kinesis.IStream): Record<string, Record<string, unknown>> {
  return {
    StringEquals: {
      'kms:ViaService': `kinesis.${Stack.of(stream).region}.amazonaws.com`,
      'kms:EncryptionContext:aws:kinesis:arn': stream.streamArn,
    },
  };
}

/** The processors of dynamic partitioning: jq extraction of the keys, and a newline after each JSON record (not for Parquet). */
function renderProcessors(keys: IngestionPartitionKey[], parquet: boolean): firehose.CfnDeliveryStream.ProcessorProperty[] {
  // https://docs.aws.amazon.com/firehose/latest/APIReference/API_ProcessorParameter.html; the query is a jq object of the keys.
  const query = `{${keys.map((k) => `${k.name}:${k.query}`).join(',')}}`;
  const processors: firehose.CfnDeliveryStream.ProcessorProperty[] = [{
    type: 'MetadataExtraction',
    parameters: [
      { parameterName: 'MetadataExtractionQuery', parameterValue: query },
      { parameterName: 'JsonParsingEngine', parameterValue: 'JQ-1.6' },
    ],
  }];
  if (!parquet) {
    processors.push({ type: 'AppendDelimiterToRecord', parameters: [] });
  }
  return processors;
}

interface IngestionConfig {
  readonly zoneName: string;
  readonly prefix: string;
  readonly dynamic: boolean;
  readonly intervalSeconds: number;
  readonly sizeMiB: number;
  readonly freshnessSeconds: number;
  readonly failedTuning: ReturnType<typeof resolveTuning>;
  readonly freshnessTuning: ReturnType<typeof resolveTuning>;
}

/** Checks every prop and resolves the defaults; throws once with every problem. */
function validate(scope: Construct, props: StreamIngestionProps): IngestionConfig {
  const errors = new InputErrors(scope, 'StreamIngestion');
  const zoneName = props.zone ?? 'raw';
  if (!props.lake.zoneNames.includes(zoneName)) {
    errors.add('zone', zoneName, `one of the lake's zones ${describe(props.lake.zoneNames)}`);
  }
  const before = errors.count;
  let prefix = normalizePrefix(errors, 'prefix', props.prefix) ?? '';
  if (errors.count > before) {
    prefix = '';
  } else if (prefix === '') {
    errors.add('prefix', props.prefix, "a folder of the zone for this stream, e.g. 'events/clicks/' (not the zone's root)");
  } else if (!isToken(prefix) && (prefix.includes('!{') || prefix.length > MAX_PREFIX_LENGTH)) {
    errors.add('prefix', props.prefix, `a folder without Firehose expressions ('!{'), at most ${MAX_PREFIX_LENGTH} characters `
      + '(the partitions are added to it, and an evaluated prefix is at most 512 characters)');
    prefix = '';
  }
  if (props.deliveryStreamName !== undefined && !isToken(props.deliveryStreamName) && !STREAM_NAME.test(props.deliveryStreamName)) {
    errors.add('deliveryStreamName', props.deliveryStreamName, '1-64 letters, digits, underscores, periods and hyphens');
  }
  if (props.sourceStream && props.encryptionKey) {
    errors.addMessage('encryptionKey applies to direct PUT only: with a sourceStream the records are encrypted by the Kinesis data '
      + "stream's own encryption; remove encryptionKey or sourceStream");
  }

  const dynamic = props.dynamicPartitioning ?? false;
  const keys = props.partitionKeys ?? [];
  if (props.dynamicPartitioning !== undefined && typeof props.dynamicPartitioning !== 'boolean') {
    errors.add('dynamicPartitioning', props.dynamicPartitioning, 'true or false');
  }
  if (dynamic && keys.length === 0) {
    errors.add('partitionKeys', props.partitionKeys ?? [], "at least one partition key with dynamicPartitioning, e.g. [{ name: 'customer', "
      + "query: '.customer_id' }] (Firehose needs a partitionKeyFromQuery key in the prefix)");
  }
  if (!dynamic && keys.length > 0) {
    errors.addMessage('partitionKeys need dynamicPartitioning: true (it is billed per GB and cannot be turned off once on); '
      + 'without it records are partitioned by arrival date only');
  }
  const seen = new Set<string>();
  keys.forEach((k, i) => {
    const name = k?.name;
    if (typeof name !== 'string' || isToken(name) || !KEY_NAME.test(name)) {
      errors.add(`partitionKeys[${i}].name`, name, '1-64 letters, digits and underscores, starting with a letter or underscore (not a token: it is part of the prefix)');
    } else if (seen.has(name)) {
      errors.add(`partitionKeys[${i}].name`, name, 'unique, but it is listed twice');
    }
    seen.add(name);
    if (checkString(errors, `partitionKeys[${i}].query`, k?.query, "a jq expression such as '.customer_id'", true)
      && !isToken(k.query) && k.query.trim() === '') {
      errors.add(`partitionKeys[${i}].query`, k.query, "a jq expression such as '.customer_id'");
    }
  });

  const parquet = props.parquet;
  if (parquet) {
    const db = parquet.databaseName ?? props.lake.databaseName;
    if (db === undefined) {
      errors.addMessage('parquet needs a Glue database: the lake has none, so set parquet.databaseName');
    } else if (!isToken(db) && !/^[a-z0-9_]{1,255}$/.test(db)) {
      errors.add('parquet.databaseName', db, '1-255 lowercase letters, digits and underscores');
    }
    if (!checkString(errors, 'parquet.tableName', parquet.tableName, 'the name of a Glue table', true)
      || (!isToken(parquet.tableName) && !/^[a-z0-9_]{1,255}$/.test(parquet.tableName))) {
      if (typeof parquet.tableName === 'string') {
        errors.add('parquet.tableName', parquet.tableName, '1-255 lowercase letters, digits and underscores (a Glue table name)');
      }
    }
  }

  const bigBuffer = dynamic || parquet !== undefined;
  const intervalSeconds = checkDuration(errors, 'bufferInterval', props.bufferInterval, {
    unit: 'seconds', min: dynamic ? MIN_PARTITIONED_INTERVAL_SECONDS : 0, max: MAX_INTERVAL_SECONDS,
    allowed: dynamic ? `a whole number of seconds from ${MIN_PARTITIONED_INTERVAL_SECONDS} to ${MAX_INTERVAL_SECONDS} with dynamic `
      + 'partitioning (it has no zero buffering)' : `a whole number of seconds from 0 to ${MAX_INTERVAL_SECONDS}`,
  });
  const intervalToken = isDuration(props.bufferInterval) && props.bufferInterval.isUnresolved();
  const interval = intervalSeconds ?? (intervalToken ? props.bufferInterval!.toSeconds() : 300);
  const sizeMiB = checkSize(errors, props.bufferSize, bigBuffer ? MIN_PARTITIONED_BUFFER_MIB : MIN_BUFFER_MIB, bigBuffer)
    ?? (bigBuffer ? MAX_BUFFER_MIB : 5);

  const failedTuning = resolveTuning(errors, 'deliveryFailedAlarm', props.deliveryFailedAlarm, {
    period: Duration.minutes(5), evaluationPeriods: 3, datapointsToAlarm: 2, severity: AlarmSeverity.CRITICAL,
  });
  const freshnessTuning = resolveTuning(errors, 'dataFreshnessAlarm', props.dataFreshnessAlarm, {
    period: Duration.minutes(5), evaluationPeriods: 2, datapointsToAlarm: 2, severity: AlarmSeverity.WARNING,
  });
  const delay = intervalToken ? 0 : interval * (dynamic ? 1.5 : 1);
  const threshold = checkDuration(errors, 'freshnessThreshold', props.freshnessThreshold, {
    unit: 'seconds', min: delay, minExclusive: true,
    allowed: `a whole number of seconds above ${delay} (the buffer interval${dynamic ? ' x 1.5 with dynamic partitioning' : ''}: `
      + 'records wait that long by design)',
  });
  errors.throwIfAny();
  const freshnessSeconds = threshold
    ?? (props.freshnessThreshold?.isUnresolved() ? props.freshnessThreshold.toSeconds() : Math.max(900, intervalToken ? 0 : 3 * interval));
  return { zoneName, prefix, dynamic, intervalSeconds: interval, sizeMiB, freshnessSeconds, failedTuning, freshnessTuning };
}

/** The buffer size in whole MiB, or undefined (with a problem recorded) when it is out of range. */
function checkSize(errors: InputErrors, value: Size | undefined, min: number, bigBuffer: boolean): number | undefined {
  if (value === undefined) {
    return undefined;
  }
  const allowed = `a whole number of MiB from ${min} to ${MAX_BUFFER_MIB}${bigBuffer ? ' with dynamic partitioning or Parquet conversion' : ''}`;
  if (typeof value !== 'object' || value === null || typeof (value as Size).toMebibytes !== 'function') {
    errors.add('bufferSize', value, `a Size (${allowed})`);
    return undefined;
  }
  if (value.isUnresolved()) {
    return value.toMebibytes();
  }
  const mib = value.toMebibytes({ rounding: SizeRoundingBehavior.NONE });
  if (!Number.isInteger(mib) || mib < min || mib > MAX_BUFFER_MIB) {
    errors.add('bufferSize', `${mib} MiB`, allowed);
    return undefined;
  }
  return mib;
}
