import { Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { IFeatureGroup } from './feature-group';
import { FAILED_RECORDS_SEND_ACTIONS, GROUP_DESCRIBE_ACTIONS, STREAM_KEY_ACTIONS, STREAM_READ_ACTIONS } from './perms';
import { AlarmSeverity, AlarmTuning, HandlerOptions, IAlertTopics } from '../monitoring';
import { AlarmFactory, resolveTuning, ResolvedTuning } from '../private/alarm-factory';
import { HandlerFunction, validateHandlerOptions } from '../private/handler-function';
import { checkDuration, checkWholeNumber, describe, InputErrors, requireProps } from '../private/validation';

/** The stores a streamed record is written to (PutRecord's TargetStores). */
export enum IngestionTargetStore {
  /** The online store: the latest record of each identifier, for real-time inference. */
  ONLINE_STORE = 'OnlineStore',
  /** The offline store: every record, for training. */
  OFFLINE_STORE = 'OfflineStore',
}

/**
 * Properties of a `FeatureIngestion`.
 */
export interface FeatureIngestionProps {
  /** The feature group the records are written to. */
  readonly featureGroup: IFeatureGroup;

  /** The Kinesis data stream whose records are written: each record's data is one JSON object of feature values. */
  readonly stream: kinesis.IStream;

  /**
   * Where in the stream the mapping starts when it is defined. Records are written idempotently (PutRecord overwrites the record
   * of the same identifier and event time), so reading the retained records again costs writes, not correctness.
   *
   * @default lambda.StartingPosition.TRIM_HORIZON
   */
  readonly startingPosition?: lambda.StartingPosition;

  /**
   * The most records per invocation: 1 to 10,000 (Lambda's limit for Kinesis).
   *
   * @default 100
   */
  readonly batchSize?: number;

  /**
   * How long Lambda gathers records before it invokes the function: 0 to 300 seconds.
   *
   * @default Duration.seconds(0)
   */
  readonly maxBatchingWindow?: Duration;

  /**
   * How many times Lambda retries a batch whose records the function reported as failed (throttling, service errors): 0 to
   * 10,000. Bad records are not retried: the function sends them to `failedRecordsQueue` itself.
   *
   * @default 3
   */
  readonly retryAttempts?: number;

  /**
   * The age above which Lambda stops retrying a record and sends its batch's pointers to `failedRecordsQueue`: 60 seconds to 7
   * days.
   *
   * @default Duration.hours(24) (the default retention of a Kinesis stream)
   */
  readonly maxRecordAge?: Duration;

  /**
   * Whether Lambda splits a failing batch in two and retries each half (it does not count as a retry).
   *
   * @default true
   */
  readonly bisectBatchOnError?: boolean;

  /**
   * The batches processed at once per shard: 1 to 10. Records of one identifier may then be written out of order, which the
   * online store tolerates (it keeps the record of the latest event time).
   *
   * @default 1
   */
  readonly parallelizationFactor?: number;

  /**
   * The stores each record is written to, one or both (PutRecord's TargetStores).
   *
   * @default - every store the group has
   */
  readonly targetStores?: IngestionTargetStore[];

  /**
   * The time to live of each written record in the online store, which overrides the group's (PutRecord's TtlDuration): at
   * least 1 second, in whole seconds.
   *
   * @default - the group's TTL, if it has one
   */
  readonly recordTtl?: Duration;

  /**
   * Where the alarms notify, when they fire and when they recover.
   *
   * @default - the alarms have no actions
   */
  readonly alerts?: IAlertTopics;

  /**
   * The age of the oldest unprocessed record above which the iterator-age alarm fires; less than `maxRecordAge`.
   *
   * @default Duration.minutes(5)
   */
  readonly iteratorAgeThreshold?: Duration;

  /**
   * The alarm on the age of the oldest unprocessed record (Lambda's IteratorAge, maximum, above `iteratorAgeThreshold`).
   *
   * @default - 5-minute period, 2 of 2 datapoints, WARNING
   */
  readonly iteratorAgeAlarm?: AlarmTuning;

  /**
   * The alarm on messages in the failed-records queue (rejected records, discarded batches).
   *
   * @default - 5-minute period, 1 of 1 datapoint, WARNING
   */
  readonly failedRecordsAlarm?: AlarmTuning;

  /**
   * VPC placement and reserved concurrency of the ingestion function.
   *
   * @default - no VPC, unreserved concurrency
   */
  readonly handlerOptions?: HandlerOptions;
}

/** Lambda's ranges for a Kinesis event source mapping (https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html). */
const MAX_BATCH_SIZE = 10_000;
const MAX_BATCHING_WINDOW_SECONDS = 300;
const MAX_RETRY_ATTEMPTS = 10_000;
const MIN_RECORD_AGE_SECONDS = 60;
const MAX_RECORD_AGE_SECONDS = 604_800;
const MAX_PARALLELIZATION = 10;

/**
 * Fresh features from a Kinesis data stream into a feature group: a Lambda event source mapping invokes a function that writes
 * each record with Feature Store's PutRecord, reporting partial batch failures so that one bad record does not hold back its
 * shard. Bad records (not a JSON object of the group's features, no identifier or event time, a value of the wrong type) go,
 * with their reasons, to an encrypted, retained queue; so do the pointers of batches Lambda gives up on. Alarms on the iterator
 * age, the function's errors and that queue. The function's role may write only this group, read only this stream (and its
 * key, through Kinesis) and send only to that queue.
 *
 * @example
 * new FeatureIngestion(this, 'FreshFeatures', { featureGroup: customers, stream: ordersStream });
 */
export class FeatureIngestion extends Construct {
  /** The function that writes the records (its own: its role reaches only this group, stream and queue). */
  public readonly function: lambda.IFunction;
  /** The role of the function. */
  public readonly role: iam.IRole;
  /** The event source mapping from the stream to the function. */
  public readonly eventSourceMapping: lambda.EventSourceMapping;
  /** Rejected records (with their reasons and data) and the pointers of batches Lambda discarded, kept 14 days. Retained. */
  public readonly failedRecordsQueue: sqs.Queue;
  /** Fires when the oldest unprocessed record is older than the threshold, if enabled. */
  public readonly iteratorAgeAlarm?: cloudwatch.Alarm;
  /** Fires when a record or a batch landed in the failed-records queue, if enabled. */
  public readonly failedRecordsAlarm?: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: FeatureIngestionProps) {
    super(scope, id);
    requireProps(this, 'FeatureIngestion', props, { featureGroup: 'an IFeatureGroup', stream: 'a kinesis.IStream' });
    const cfg = validate(this, props);
    const group = props.featureGroup;

    this.failedRecordsQueue = new sqs.Queue(this, 'FailedRecords', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const dlqReason = 'This queue is itself where failed records end: the ingestion function sends rejected records to it, and Lambda '
      + 'the batches it discards; a message in it raises the FailedRecordsAlarm, and a queue behind it would only hide that.';
    Validations.of(this.failedRecordsQueue).acknowledge(
      { id: 'cdk-validator-cfnguard::sqs_dlq_check', reason: dlqReason },
      { id: 'AwsSolutions::AwsSolutions-SQS3', reason: dlqReason },
    );

    const handler = HandlerFunction.of(this, {
      handler: 'feature-ingest',
      requestedBy: 'FeatureIngestion',
      unshared: true,
      description: `Writes the records of a Kinesis stream into the feature group of ${this.node.path}`,
      memorySize: 256,
      timeout: Duration.minutes(2),
      handlerOptions: props.handlerOptions,
      environment: {
        FEATURE_GROUP_NAME: group.featureGroupName,
        REJECTED_QUEUE_URL: this.failedRecordsQueue.queueUrl,
        ...(cfg.targetStores ? { TARGET_STORES: cfg.targetStores.join(',') } : {}),
        ...(cfg.ttl ? { RECORD_TTL: cfg.ttl } : {}),
      },
    });
    this.function = handler.function;
    this.role = handler.role;
    this.grant(handler.role, props);

    const queueArn = this.failedRecordsQueue.queueArn;
    this.eventSourceMapping = new lambda.EventSourceMapping(this, 'Mapping', {
      target: handler.function,
      eventSourceArn: props.stream.streamArn,
      startingPosition: props.startingPosition ?? lambda.StartingPosition.TRIM_HORIZON,
      batchSize: props.batchSize ?? 100,
      maxBatchingWindow: props.maxBatchingWindow,
      retryAttempts: props.retryAttempts ?? 3,
      maxRecordAge: props.maxRecordAge ?? Duration.hours(24),
      bisectBatchOnError: props.bisectBatchOnError ?? true,
      parallelizationFactor: props.parallelizationFactor,
      reportBatchItemFailures: true,
      // The role's SendMessage on the queue is granted above (the CDK's SqsDlq would add GetQueueAttributes and GetQueueUrl).
      onFailure: { bind: () => ({ destination: queueArn }) },
    });
    // Lambda checks that the role can read the stream when the mapping is created.
    this.eventSourceMapping.node.addDependency(handler.role);
    const factory = new AlarmFactory(this, props.alerts);
    handler.routeAlarms(factory);
    if (cfg.iteratorAge.enabled) {
      this.iteratorAgeAlarm = factory.alarm({
        id: 'IteratorAgeAlarm',
        description: `The records of the stream reach the feature group ${group.featureGroupName} more than ${cfg.iteratorAgeSeconds} s `
          + `late (${this.node.path}): the features served online are stale. Look for throttling or errors of the function.`,
        metric: handler.function.metric('IteratorAge', { statistic: 'Maximum', period: cfg.iteratorAge.period }),
        threshold: cfg.iteratorAgeSeconds * 1000,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        tuning: cfg.iteratorAge,
        // No batch in the period: nothing is behind.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }
    if (cfg.failedRecords.enabled) {
      this.failedRecordsAlarm = factory.alarm({
        id: 'FailedRecordsAlarm',
        description: `Records of the stream were not written to the feature group ${group.featureGroupName} (${this.node.path}): see `
          + 'the messages of its FailedRecords queue (rejected records with their reasons, or batches Lambda discarded).',
        metric: this.failedRecordsQueue.metricApproximateNumberOfMessagesVisible({ period: cfg.failedRecords.period, statistic: 'Maximum' }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        tuning: cfg.failedRecords,
        // SQS publishes nothing for an idle, empty queue.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }
  }

  /**
   * The function's role: PutRecord (and the online key) and DescribeFeatureGroup on the group; reading the stream (and its key,
   * only through Kinesis for this stream); SendMessage to the failed-records queue.
   */
  private grant(role: iam.IRole, props: FeatureIngestionProps): void {
    const group = props.featureGroup;
    group.grantWrite(role);
    iam.Grant.addToPrincipal({ grantee: role, actions: GROUP_DESCRIBE_ACTIONS, resourceArns: [group.featureGroupArn] });
    iam.Grant.addToPrincipal({ grantee: role, actions: STREAM_READ_ACTIONS, resourceArns: [props.stream.streamArn] });
    const key = props.stream.encryptionKey;
    if (key) {
      iam.Grant.addToPrincipal({
        grantee: role,
        actions: STREAM_KEY_ACTIONS,
        resourceArns: [key.keyArn],
        conditions: {
          StringEquals: {
            'kms:ViaService': `kinesis.${Stack.of(props.stream).region}.amazonaws.com`,
            'kms:EncryptionContext:aws:kinesis:arn': props.stream.streamArn,
          },
        },
      });
    }
    iam.Grant.addToPrincipal({ grantee: role, actions: FAILED_RECORDS_SEND_ACTIONS, resourceArns: [this.failedRecordsQueue.queueArn] });
  }
}

interface IngestionConfig {
  readonly targetStores?: string[];
  /** PutRecord's TtlDuration as `<Unit>:<Value>`. */
  readonly ttl?: string;
  readonly iteratorAgeSeconds: number;
  readonly iteratorAge: ResolvedTuning;
  readonly failedRecords: ResolvedTuning;
}

/** Checks every prop and resolves the defaults; throws once with every problem. */
function validate(scope: Construct, props: FeatureIngestionProps): IngestionConfig {
  const errors = new InputErrors(scope, 'FeatureIngestion');
  checkWholeNumber(errors, 'batchSize', props.batchSize, { min: 1, max: MAX_BATCH_SIZE, allowed: `a whole number from 1 to ${MAX_BATCH_SIZE} (Lambda's limit for Kinesis)` });
  checkDuration(errors, 'maxBatchingWindow', props.maxBatchingWindow, { unit: 'seconds', min: 0, max: MAX_BATCHING_WINDOW_SECONDS });
  checkWholeNumber(errors, 'retryAttempts', props.retryAttempts, { min: 0, max: MAX_RETRY_ATTEMPTS });
  const age = checkDuration(errors, 'maxRecordAge', props.maxRecordAge, {
    unit: 'seconds', min: MIN_RECORD_AGE_SECONDS, max: MAX_RECORD_AGE_SECONDS,
    allowed: `a whole number of seconds from ${MIN_RECORD_AGE_SECONDS} to ${MAX_RECORD_AGE_SECONDS} (7 days)`,
  });
  checkWholeNumber(errors, 'parallelizationFactor', props.parallelizationFactor, { min: 1, max: MAX_PARALLELIZATION });
  if (props.bisectBatchOnError !== undefined && typeof props.bisectBatchOnError !== 'boolean') {
    errors.add('bisectBatchOnError', props.bisectBatchOnError, 'true or false');
  }

  let targetStores: string[] | undefined;
  if (props.targetStores !== undefined) {
    const stores = Object.values(IngestionTargetStore) as string[];
    const given = Array.isArray(props.targetStores) ? props.targetStores as string[] : undefined;
    const ok = given !== undefined && given.length > 0 && new Set(given).size === given.length && given.every((st) => stores.includes(st));
    if (!ok) {
      errors.add('targetStores', props.targetStores, 'one or both of IngestionTargetStore.ONLINE_STORE and IngestionTargetStore.OFFLINE_STORE, '
        + 'each once (leave it out for every store the group has)');
    } else {
      targetStores = given!;
    }
  }

  const ttlSeconds = checkDuration(errors, 'recordTtl', props.recordTtl, { unit: 'seconds', min: 1 });
  const writesOnline = targetStores === undefined || targetStores.includes(IngestionTargetStore.ONLINE_STORE);
  if (props.recordTtl !== undefined && !writesOnline) {
    errors.add('recordTtl', props.recordTtl, 'left out when the records go to the offline store only (a TTL expires online records)');
  }

  const threshold = checkDuration(errors, 'iteratorAgeThreshold', props.iteratorAgeThreshold, {
    unit: 'seconds', min: 0, minExclusive: true, ...(age !== undefined || props.maxRecordAge === undefined ? {
      max: age ?? 86_400, maxExclusive: true,
      allowed: `a whole number of seconds above 0 and below maxRecordAge (${describe(age ?? 86_400)} s): older records are discarded`,
    } : {}),
  });
  const iteratorAge = resolveTuning(errors, 'iteratorAgeAlarm', props.iteratorAgeAlarm, {
    period: Duration.minutes(5), evaluationPeriods: 2, datapointsToAlarm: 2, severity: AlarmSeverity.WARNING,
  });
  const failedRecords = resolveTuning(errors, 'failedRecordsAlarm', props.failedRecordsAlarm, {
    period: Duration.minutes(5), evaluationPeriods: 1, datapointsToAlarm: 1, severity: AlarmSeverity.WARNING,
  });
  validateHandlerOptions(errors, 'handlerOptions', props.handlerOptions);
  errors.throwIfAny();

  const thresholdToken = props.iteratorAgeThreshold?.isUnresolved();
  return {
    targetStores,
    ttl: props.recordTtl === undefined ? undefined : ttlSpec(props.recordTtl, ttlSeconds),
    iteratorAgeSeconds: threshold ?? (thresholdToken ? props.iteratorAgeThreshold!.toSeconds() : 300),
    iteratorAge,
    failedRecords,
  };
}

/** PutRecord's TtlDuration (Unit, Value) of a duration, in the largest unit that divides it. */
function ttlSpec(ttl: Duration, seconds: number | undefined): string {
  if (seconds === undefined || Token.isUnresolved(seconds)) {
    return `Seconds:${ttl.toSeconds()}`;
  }
  for (const [unit, size] of [['Weeks', 604_800], ['Days', 86_400], ['Hours', 3600], ['Minutes', 60]] as const) {
    if (seconds % size === 0) {
      return `${unit}:${seconds / size}`;
    }
  }
  return `Seconds:${seconds}`;
}
