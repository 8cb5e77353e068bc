import { Duration, Lazy, Token } from 'aws-cdk-lib';
import { CHURN_FEATURES, featureStoreFixture, minimalFeatureGroup } from './fixtures';
import { DataLake } from '../../lib/data-lake';
import { FeatureDefinition, FeatureGroup, FeatureGroupProps, FeatureGroupThroughput, FeatureValueType, OfflineTableFormat, OnlineStoreTier } from '../../lib/feature-store';

// Each test defines one group in a fresh stack of one shared app (the checks run in the constructor; nothing is synthesized).
const f = featureStoreFixture();
let n = 0;
function define(overrides: Partial<FeatureGroupProps>): FeatureGroup {
  return new FeatureGroup(f.stack, `Group${n++}`, {
    features: CHURN_FEATURES, recordIdentifier: 'customer_id', eventTime: 'event_time', ...overrides,
  });
}
const feature = (name: string, featureType = FeatureValueType.STRING): FeatureDefinition => ({ name, featureType });

describe('FeatureGroup bad input', () => {
  test.each(['is_deleted', 'write_time', 'api_invocation_time', 'WRITE_TIME'])('fails when a feature is named %s, which Feature Store reserves', (name) => {
    expect(() => define({ features: [...CHURN_FEATURES, feature(name)] })).toThrow(
      new RegExp(`FeatureGroup Features/Group\\d+: features\\[4\\]\\.name must be a name other than \\['is_deleted', 'write_time', 'api_invocation_time'\\], which Feature Store reserves, got '${name}'`),
    );
  });

  test('accepts event_time as a feature name (it is not reserved)', () => {
    expect(() => define({})).not.toThrow();
  });

  test('fails when a feature name is longer than 64 characters or breaks the pattern', () => {
    const long = 'f'.repeat(65);
    expect(() => define({ features: [...CHURN_FEATURES, feature(long), feature('_leading'), feature('has space'), feature('trailing-')] })).toThrow(
      /4 problems:\n {2}- features\[4\]\.name must be 1-64 letters, digits, hyphens and underscores, starting and ending with a letter or digit, got 'f{65}'\n {2}- features\[5\]\.name .* got '_leading'\n {2}- features\[6\]\.name .* got 'has space'\n {2}- features\[7\]\.name .* got 'trailing-'/,
    );
    expect(() => define({ features: [...CHURN_FEATURES, feature('f'.repeat(64))] })).not.toThrow();
  });

  test('fails when there are more than 2,500 features, or none', () => {
    const many = [...CHURN_FEATURES, ...Array.from({ length: 2497 }, (_, i) => feature(`f${i}`, FeatureValueType.FRACTIONAL))];
    expect(() => define({ features: many })).toThrow(/features must be 1 to 2500 features \(the Feature Store quota of feature definitions per group\), got '2501 features'/);
    expect(() => define({ features: many.slice(0, 2500) })).not.toThrow();
    expect(() => define({ features: [], recordIdentifier: 'x', eventTime: 'y' })).toThrow(/features must be 1 to 2500 features .*got '0 features'/);
  });

  test('fails when a feature is listed twice', () => {
    expect(() => define({ features: [...CHURN_FEATURES, feature('orders_30d', FeatureValueType.INTEGRAL)] })).toThrow(
      /features\[4\]\.name must be unique, but it is listed twice, got 'orders_30d'/,
    );
  });

  test('fails when the record identifier or the event time is not among the features', () => {
    expect(() => define({ recordIdentifier: 'account_id', eventTime: 'updated_at' })).toThrow(
      /2 problems:\n {2}- recordIdentifier must be the name of one of the features \['customer_id', 'event_time', 'orders_30d', 'spend_30d'\], got 'account_id'\n {2}- eventTime must be the name of one of the features .*got 'updated_at'/,
    );
  });

  test('fails when the event-time feature is Integral (Feature Store takes String or Fractional)', () => {
    expect(() => define({ eventTime: 'orders_30d' })).toThrow(
      /features\['orders_30d'\]\.featureType must be FeatureValueType\.STRING \(ISO-8601 times\) or FeatureValueType\.FRACTIONAL \(Unix seconds\), the types Feature Store accepts for the event-time feature, got 'Integral'/,
    );
    expect(() => define({ eventTime: 'spend_30d' })).not.toThrow();
  });

  test('fails when a Fractional event time meets an Iceberg offline store (Iceberg needs a String event time)', () => {
    expect(() => define({ eventTime: 'spend_30d', offlineStore: { lake: f.lake, tableFormat: OfflineTableFormat.ICEBERG } })).toThrow(
      /features\['spend_30d'\]\.featureType must be FeatureValueType\.STRING with an Iceberg offline store .*got 'Fractional'/,
    );
  });

  test('fails when a TTL, tier or key is set on an offline-only group', () => {
    expect(() => define({ onlineStore: { enabled: false, ttl: Duration.days(1) }, offlineStore: { lake: f.lake } })).toThrow(
      /onlineStore\.ttl must be no TTL on an offline-only group \(onlineStore\.enabled is false\): the TTL expires records of the online store, got 1 day/,
    );
    expect(() => define({ onlineStore: { enabled: false, tier: OnlineStoreTier.IN_MEMORY }, offlineStore: { lake: f.lake } })).toThrow(
      /onlineStore\.tier must be no tier on an offline-only group/,
    );
  });

  test('fails when the TTL is below one second or not whole seconds', () => {
    expect(() => define({ onlineStore: { ttl: Duration.millis(1500) } })).toThrow(/onlineStore\.ttl must be a whole number of seconds >= 1, got 1 second 500 millis/);
  });

  test('fails when a group has neither store', () => {
    expect(() => define({ onlineStore: { enabled: false } })).toThrow(
      /a feature group needs an online store, an offline store or both, but onlineStore\.enabled is false and no offlineStore is given/,
    );
  });

  test('fails when an InMemory online store is provisioned (provisioned throughput is only for offline-only groups and the Standard tier)', () => {
    expect(() => define({
      onlineStore: { tier: OnlineStoreTier.IN_MEMORY }, throughput: FeatureGroupThroughput.provisioned({ writeCapacityUnits: 10 }),
    })).toThrow(/throughput must be FeatureGroupThroughput\.onDemand\(\) with an InMemory online store \(provisioned throughput is only for offline-only groups and the Standard tier\), got 'provisioned'/);
    expect(() => define({ onlineStore: { tier: OnlineStoreTier.IN_MEMORY }, throughput: FeatureGroupThroughput.onDemand() })).not.toThrow();
  });

  test('fails when provisioned capacity is out of range, or read capacity is asked of an offline-only group', () => {
    expect(() => define({ throughput: FeatureGroupThroughput.provisioned({ writeCapacityUnits: -1, readCapacityUnits: 10_000_001 }) })).toThrow(
      /2 problems:\n {2}- throughput\.writeCapacityUnits must be a whole number from 0 to 10000000, got -1\n {2}- throughput\.readCapacityUnits must be a whole number from 0 to 10000000, got 10000001/,
    );
    expect(() => define({
      onlineStore: { enabled: false }, offlineStore: { lake: f.lake },
      throughput: FeatureGroupThroughput.provisioned({ writeCapacityUnits: 5, readCapacityUnits: 5 }),
    })).toThrow(/throughput\.readCapacityUnits must be no read capacity on an offline-only group/);
  });

  test('fails when the feature group name breaks the rules', () => {
    expect(() => define({ featureGroupName: 'Churn-Customers' })).toThrow(
      /featureGroupName must be 1-64 lowercase letters, digits, hyphens and underscores, starting and ending with a letter or digit \(lowercase, so that the feature group ARN granted in IAM policies matches the one SageMaker authorizes\), got 'Churn-Customers'/,
    );
    expect(() => define({ featureGroupName: 'a'.repeat(65) })).toThrow(/featureGroupName must be 1-64 lowercase/);
    expect(() => define({ featureGroupName: 'churn_customers-2' })).not.toThrow();
  });

  test('fails when the offline store has no such zone, a lake without a database, a bad table name or prefix', () => {
    expect(() => define({ offlineStore: { lake: f.lake, zone: 'gold', tableName: 'Churn', prefix: '/abs' } })).toThrow(
      /3 problems:\n {2}- offlineStore\.zone must be one of the lake's zones \['raw', 'curated', 'features', 'models', 'monitoring'\], got 'gold'\n {2}- offlineStore\.tableName must be 1-255 lowercase letters, digits and underscores, got 'Churn'\n {2}- offlineStore\.prefix must be a key prefix/,
    );
    const bare = DataLake.fromAttributes(f.stack, 'Bare', { zoneBucketNames: { features: 'bucket-features' } });
    expect(() => define({ offlineStore: { lake: bare } })).toThrow(/offlineStore\.lake has no Glue database/);
  });

  test('fails for a feature type that Feature Store does not have', () => {
    expect(() => FeatureValueType.of('Boolean')).toThrow(/FeatureValueType: name must be one of 'String', 'Integral', 'Fractional', got 'Boolean'/);
  });

  test('fails like TypeScript when JavaScript omits the required props or gives a feature without a type', () => {
    expect(() => new FeatureGroup(f.stack, `Group${n++}`, {} as any)).toThrow(
      /3 problems:\n {2}- recordIdentifier must be the name of a feature, e\.g\. 'customer_id', got undefined\n {2}- eventTime must be .*\n {2}- features must be a list of \{ name, featureType \}, got undefined/,
    );
    expect(() => define({ features: [...CHURN_FEATURES, { name: 'plan' } as any] })).toThrow(/features\[4\]\.featureType must be a FeatureValueType/);
  });

  test('lets tokens through', () => {
    const name = Lazy.string({ produce: () => 'late' });
    expect(() => define({
      featureGroupName: Token.asString({ Ref: 'GroupName' }),
      features: [...CHURN_FEATURES, feature(name), { name: 'kind', featureType: FeatureValueType.of(Token.asString({ Ref: 'Kind' })) }],
      onlineStore: { ttl: Duration.seconds(Token.asNumber({ Ref: 'Ttl' })) },
      throughput: FeatureGroupThroughput.provisioned({ writeCapacityUnits: Token.asNumber({ Ref: 'Units' }) }),
    })).not.toThrow();
    expect(() => minimalFeatureGroup(featureStoreFixture(), { eventTime: Token.asString({ Ref: 'EventTime' }) })).not.toThrow();
  });
});
