import { App, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { DataLake } from '../../lib/data-lake';
import {
  FeatureDefinition, FeatureGroup, FeatureGroupProps, FeatureGroupThroughput, FeatureValueType, OfflineTableFormat,
} from '../../lib/feature-store';
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
