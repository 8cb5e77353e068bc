import { App, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DataLake } from '../../lib/data-lake';
import {
  FeatureDefinition, FeatureGroup, FeatureGroupProps, FeatureGroupThroughput, FeatureIngestion, FeatureValueType, IngestionTargetStore,
  OfflineTableFormat,
} from '../../lib/feature-store';
import { AlarmSeverity, AlertTopics } from '../../lib/monitoring';
import { denyGrantsNotForAwsResources } from '../../lib/private/kms';
import { TEST_ENV, testApp } from '../util';

/** A stack with a lake, in which feature groups are defined. */
export interface FeatureStoreFixture {
  readonly app: App;
  readonly stack: Stack;
  readonly lake: DataLake;
}

export function featureStoreFixture(app: App = testApp()): FeatureStoreFixture {
  const stack = new Stack(app, 'Features', { env: TEST_ENV });
  const lake = new DataLake(stack, 'Lake', { databaseName: 'lake' });
  return { app, stack, lake };
}

/** The churn features the examples write: a String identifier, an ISO-8601 event time, counts and amounts. */
export const CHURN_FEATURES: FeatureDefinition[] = [
  { name: 'customer_id', featureType: FeatureValueType.STRING },
  { name: 'event_time', featureType: FeatureValueType.STRING },
  { name: 'orders_30d', featureType: FeatureValueType.INTEGRAL },
  { name: 'spend_30d', featureType: FeatureValueType.FRACTIONAL },
];

/** The minimal group: its features, identifier and event time; every default (a Standard online store only). */
export function minimalFeatureGroup(f: FeatureStoreFixture, overrides: Partial<FeatureGroupProps> = {}): FeatureGroup {
  return new FeatureGroup(f.stack, 'Customers', {
    features: CHURN_FEATURES, recordIdentifier: 'customer_id', eventTime: 'event_time', ...overrides,
  });
}

/** What the full group is given, for tests that look at it. */
export interface FullFeatureGroup {
  readonly group: FeatureGroup;
  readonly onlineKey: kms.Key;
  readonly reader: iam.Role;
  readonly writer: iam.Role;
  readonly trainer: iam.Role;
}

/**
 * Every option: a name, a description, a TTL and a customer-managed key on the online store, an Iceberg offline store in the
 * features zone with its own folder and table, provisioned throughput, a reader, a writer that may delete and a trainer that reads
 * the offline store.
 */
export function fullFeatureGroup(f: FeatureStoreFixture): FullFeatureGroup {
  const onlineKey = new kms.Key(f.stack, 'OnlineKey', { enableKeyRotation: true, description: 'Online store of the churn features' });
  // As a user's key should: grants only for AWS resources (Control Tower CT.KMS.PR.3), which Feature Store's grants are.
  onlineKey.addToResourcePolicy(denyGrantsNotForAwsResources());
  const group = new FeatureGroup(f.stack, 'ChurnFeatures', {
    featureGroupName: 'churn-customers',
    description: 'Churn features of each customer',
    features: CHURN_FEATURES,
    recordIdentifier: 'customer_id',
    eventTime: 'event_time',
    onlineStore: { ttl: Duration.days(14), encryptionKey: onlineKey },
    offlineStore: { lake: f.lake, prefix: 'churn/feature-store/', tableName: 'churn_customers', tableFormat: OfflineTableFormat.ICEBERG },
    throughput: FeatureGroupThroughput.provisioned({ readCapacityUnits: 100, writeCapacityUnits: 50 }),
  });
  const reader = new iam.Role(f.stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
  const writer = new iam.Role(f.stack, 'Writer', { assumedBy: new iam.AccountRootPrincipal() });
  const trainer = new iam.Role(f.stack, 'Trainer', { assumedBy: new iam.AccountRootPrincipal() });
  group.grantRead(reader);
  group.grantWrite(writer, { allowDelete: true });
  group.grantReadOfflineStore(trainer);
  return { group, onlineKey, reader, writer, trainer };
}

/** A minimal ingestion: the minimal group fed by a stream with an AWS managed key, every default. */
export function minimalIngestion(f: FeatureStoreFixture): { ingestion: FeatureIngestion; group: FeatureGroup; stream: kinesis.Stream } {
  const group = minimalFeatureGroup(f);
  const stream = new kinesis.Stream(f.stack, 'Stream', { encryption: kinesis.StreamEncryption.MANAGED });
  const ingestion = new FeatureIngestion(f.stack, 'Ingest', { featureGroup: group, stream });
  return { ingestion, group, stream };
}

/** What the full ingestion is given, for tests that look at it. */
export interface FullIngestion {
  readonly ingestion: FeatureIngestion;
  readonly full: FullFeatureGroup;
  readonly stream: kinesis.Stream;
  readonly streamKey: kms.Key;
  readonly alerts: AlertTopics;
}

/**
 * Every option: the full group (online key, offline store) fed by a stream with a customer-managed key, online store only with a
 * record TTL, batch and retry settings, alert topics and tuned alarms.
 */
export function fullIngestion(f: FeatureStoreFixture): FullIngestion {
  const full = fullFeatureGroup(f);
  const streamKey = new kms.Key(f.stack, 'StreamKey', { enableKeyRotation: true, description: 'Feature stream' });
  streamKey.addToResourcePolicy(denyGrantsNotForAwsResources());
  const stream = new kinesis.Stream(f.stack, 'FeatureStream', { encryption: kinesis.StreamEncryption.KMS, encryptionKey: streamKey });
  const alerts = new AlertTopics(f.stack, 'Alerts');
  const ingestion = new FeatureIngestion(f.stack, 'FreshFeatures', {
    featureGroup: full.group,
    stream,
    startingPosition: lambda.StartingPosition.LATEST,
    batchSize: 500,
    maxBatchingWindow: Duration.seconds(5),
    retryAttempts: 5,
    maxRecordAge: Duration.hours(6),
    bisectBatchOnError: false,
    parallelizationFactor: 2,
    targetStores: [IngestionTargetStore.ONLINE_STORE],
    recordTtl: Duration.hours(12),
    alerts,
    iteratorAgeThreshold: Duration.minutes(2),
    iteratorAgeAlarm: { period: Duration.minutes(1), evaluationPeriods: 3, datapointsToAlarm: 2 },
    failedRecordsAlarm: { severity: AlarmSeverity.CRITICAL },
  });
  return { ingestion, full, stream, streamKey, alerts };
}
