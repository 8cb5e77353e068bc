import { createHash } from 'crypto';
import { Duration, Lazy, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { CHURN_FEATURES, FeatureStoreFixture, featureStoreFixture } from './fixtures';
import { DataLake } from '../../lib/data-lake';
import {
  FeatureGroup, FeatureGroupProps, FeatureGroupThroughput, FeatureValueType, OfflineTableFormat, OnlineStoreTier,
} from '../../lib/feature-store';
import { canonicalJson } from '../../lib/feature-store/private-feature-group-name';
import { Readable } from '../exact';
import { TEST_ENV, testApp } from '../util';

/** The CloudFormation pattern of FeatureGroupName (stricter than the API's: no underscores), and its 64 characters. */
const CFN_GROUP_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,63}$/;

const BASE: FeatureGroupProps = { features: CHURN_FEATURES, recordIdentifier: 'customer_id', eventTime: 'event_time' };

/** What a group in a fresh app synthesizes to: its name, its resource's properties, and the stack. */
function synth(props: (f: FeatureStoreFixture) => FeatureGroupProps, after?: (g: FeatureGroup, f: FeatureStoreFixture) => void) {
  const f = featureStoreFixture();
  const group = new FeatureGroup(f.stack, 'Customers', props(f));
  after?.(group, f);
  const r = Readable.of(f.stack);
  const resource = r.resources('AWS::SageMaker::FeatureGroup')['Features/Customers'];
  return { f, group, r, resource, name: resource.FeatureGroupName as string };
}

function nameOf(props: (f: FeatureStoreFixture) => FeatureGroupProps, after?: (g: FeatureGroup, f: FeatureStoreFixture) => void): string {
  return synth(props, after).name;
}

describe('FeatureGroup derived name', () => {
  test('is the lowercase path name, a hyphen and the first 8 hex digits of the SHA-256 of the canonical replacement settings', () => {
    // GIVEN the minimal group: the hash input is exactly the settings CloudFormation would have to replace the group for.
    const settings = '{"EventTimeFeatureName":"event_time","OnlineStoreConfig":{"EnableOnlineStore":true},"RecordIdentifierFeatureName":"customer_id"}';
    const hash = createHash('sha256').update(settings).digest('hex').slice(0, 8);
    expect(hash).toEqual('3327ed42');
    const { name, group, f } = synth(() => BASE);
    expect(name).toEqual('features-customers-e4916267-3327ed42');
    expect(f.stack.resolve(group.featureGroupName)).toEqual(name);
    expect(f.stack.resolve(group.featureGroupArn)).toEqual(`arn:aws:sagemaker:us-east-1:123456789012:feature-group/${name}`);
  });

  test('with an offline store, the table follows the whole name, the folder the path part, and the grants use both', () => {
    const { f, group, r, resource, name } = synth((fx) => ({ ...BASE, offlineStore: { lake: fx.lake } }), (g, fx) => {
      g.grantReadOfflineStore(new iam.Role(fx.stack, 'Trainer', { assumedBy: new iam.AccountRootPrincipal() }));
      g.grantWrite(new iam.Role(fx.stack, 'Writer', { assumedBy: new iam.AccountRootPrincipal() }));
    });
    expect(name).toMatch(/^features-customers-e4916267-[0-9a-f]{8}$/);
    expect(name).not.toEqual('features-customers-e4916267-3327ed42');
    const table = name.replace(/-/g, '_');
    expect(resource.OfflineStoreConfig.DataCatalogConfig).toEqual({ Catalog: 'AwsDataCatalog', Database: 'lake', TableName: table });
    expect(resource.OfflineStoreConfig.S3StorageConfig.S3Uri).toEqual('s3://<Features/Lake/features>/feature-store/features-customers-e4916267/');
    expect(f.stack.resolve(group.offlineStore!.tableName)).toEqual(table);
    expect(group.offlineStore!.prefix).toEqual('feature-store/features-customers-e4916267/');
    // No statement names a stale table or group: the offline role, the trainer and the writer all use the rendered names.
    const tableArn = `arn:aws:glue:us-east-1:123456789012:table/lake/${table}`;
    expect(JSON.stringify(r.rolePolicy('Features/Trainer').statements)).toContain(tableArn);
    expect(JSON.stringify(r.rolePolicy('Features/Customers/OfflineStoreRole').statements)).toContain(tableArn);
    expect(r.rolePolicy('Features/Writer').statements).toEqual([
      { Action: 'sagemaker:PutRecord', Effect: 'Allow', Resource: `arn:aws:sagemaker:us-east-1:123456789012:feature-group/${name}` },
    ]);
  });

  test('is the same in two syntheses, whatever tokens were made before (it hashes resolved values, not token text)', () => {
    const build = (extraTokens: number) => {
      const app = testApp();
      for (let i = 0; i < extraTokens; i++) {
        Lazy.string({ produce: () => `x${i}` });
      }
      const stack = new Stack(app, 'Features', { env: TEST_ENV });
      const lake = new DataLake(stack, 'Lake', { databaseName: 'lake' });
      const key = new kms.Key(stack, 'OnlineKey', { enableKeyRotation: true });
      new FeatureGroup(stack, 'Customers', { ...BASE, onlineStore: { encryptionKey: key }, offlineStore: { lake } });
      return Template.fromStack(stack).findResources('AWS::SageMaker::FeatureGroup');
    };
    const a = Object.values<any>(build(0))[0].Properties.FeatureGroupName;
    const b = Object.values<any>(build(25))[0].Properties.FeatureGroupName;
    expect(a).toMatch(/^features-customers-e4916267-[0-9a-f]{8}$/);
    expect(b).toEqual(a);
  });

  const baseline = nameOf(() => BASE);
  const offlineBaseline = nameOf((f) => ({ ...BASE, offlineStore: { lake: f.lake } }));

  // Each row: a change that CloudFormation makes only by replacing the group (the AWS::SageMaker::FeatureGroup reference,
  // "Update requires: Replacement"), against the group it changes.
  const REPLACING: [string, string, (f: FeatureStoreFixture) => FeatureGroupProps, ((g: FeatureGroup) => void)?][] = [
    ['the record identifier', baseline, () => ({
      ...BASE, features: [...CHURN_FEATURES, { name: 'account_id', featureType: FeatureValueType.STRING }], recordIdentifier: 'account_id',
    })],
    ['the event time', baseline, () => ({
      ...BASE, features: [...CHURN_FEATURES, { name: 'updated_at', featureType: FeatureValueType.FRACTIONAL }], eventTime: 'updated_at',
    })],
    ['the description', baseline, () => ({ ...BASE, description: 'Churn features' })],
    ['the online store turned off', offlineBaseline, (f) => ({ ...BASE, onlineStore: { enabled: false }, offlineStore: { lake: f.lake } })],
    ['the online store tier', baseline, () => ({ ...BASE, onlineStore: { tier: OnlineStoreTier.IN_MEMORY } })],
    ['the online store tier made explicit (a StorageType in the template)', baseline, () => ({ ...BASE, onlineStore: { tier: OnlineStoreTier.STANDARD } })],
    ['the online store key', baseline, (f) => ({ ...BASE, onlineStore: { encryptionKey: new kms.Key(f.stack, 'OnlineKey', { enableKeyRotation: true }) } })],
    ['an offline store added (OfflineStoreConfig and RoleArn)', baseline, (f) => ({ ...BASE, offlineStore: { lake: f.lake } })],
    ['the offline store zone', offlineBaseline, (f) => ({ ...BASE, offlineStore: { lake: f.lake, zone: 'curated' } })],
    ['the offline store folder', offlineBaseline, (f) => ({ ...BASE, offlineStore: { lake: f.lake, prefix: 'churn/' } })],
    ['the offline store table', offlineBaseline, (f) => ({ ...BASE, offlineStore: { lake: f.lake, tableName: 'churn_customers' } })],
    ['the offline store table format', offlineBaseline, (f) => ({ ...BASE, offlineStore: { lake: f.lake, tableFormat: OfflineTableFormat.ICEBERG } })],
    ['a tag added with Tags.of', baseline, () => BASE, (g) => Tags.of(g).add('team', 'churn')],
  ];

  // Every row has its four cells: a test function with more parameters than a row has cells is given jest's `done` callback.
  test.each(REPLACING.map(([what, before, props, after]) => [what, before, props, after ?? null] as const))('changes with %s', (_what, before, props, after) => {
    const changed = nameOf(props, after ?? undefined);
    expect(changed).toMatch(/^features-customers-e4916267-[0-9a-f]{8}$/);
    expect(changed).not.toEqual(before);
  });

  test('changes with a tag value, and with a tag on the stack', () => {
    const team = (value: string) => nameOf(() => BASE, (g) => Tags.of(g).add('team', value));
    expect(team('churn')).toEqual(team('churn'));
    expect(team('churn')).not.toEqual(team('growth'));
    expect(nameOf(() => BASE, (_g, f) => Tags.of(f.stack).add('team', 'churn'))).toEqual(team('churn'));
  });

  test('changes with the offline store\'s lake (its bucket, key and database)', () => {
    const name = nameOf((f) => ({ ...BASE, offlineStore: { lake: new DataLake(f.stack, 'OtherLake', { databaseName: 'other' }) } }));
    expect(name).toMatch(/^features-customers-e4916267-[0-9a-f]{8}$/);
    expect(name).not.toEqual(offlineBaseline);
  });

  // Each row: a change that CloudFormation makes in place ("Update requires: No interruption"): the group and its records stay.
  const IN_PLACE: [string, string, (f: FeatureStoreFixture) => FeatureGroupProps][] = [
    ['a feature added (UpdateFeatureGroup FeatureAdditions)', baseline, () => ({
      ...BASE, features: [...CHURN_FEATURES, { name: 'tenure_days', featureType: FeatureValueType.INTEGRAL }],
    })],
    ['a TTL on the online store', baseline, () => ({ ...BASE, onlineStore: { ttl: Duration.days(14) } })],
    ['the online store said to be on', baseline, () => ({ ...BASE, onlineStore: { enabled: true } })],
    ['provisioned throughput', baseline, () => ({ ...BASE, throughput: FeatureGroupThroughput.provisioned({ writeCapacityUnits: 50, readCapacityUnits: 100 }) })],
    ['on-demand throughput made explicit', baseline, () => ({ ...BASE, throughput: FeatureGroupThroughput.onDemand() })],
    ['the removal policy (DeletionPolicy, not a property)', offlineBaseline, (f) => ({ ...BASE, offlineStore: { lake: f.lake }, removalPolicy: RemovalPolicy.DESTROY })],
  ];

  test.each(IN_PLACE)('does not change with %s', (_what, before, props) => {
    expect(nameOf(props)).toEqual(before);
  });

  test('does not change when grants are added to the group', () => {
    expect(nameOf(() => BASE, (g, f) => {
      g.grantRead(new iam.Role(f.stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() }));
      g.grantWrite(new iam.Role(f.stack, 'Writer', { assumedBy: new iam.AccountRootPrincipal() }), { allowDelete: true });
    })).toEqual(baseline);
  });

  test('stays within 64 characters and the CloudFormation pattern under a very long construct path', () => {
    const app = testApp();
    const stack = new Stack(app, 'AVeryLongStackNameForTheFeatureStoreOfTheChurnTeamInProduction', { env: TEST_ENV });
    let scope: Construct = stack;
    for (let i = 0; i < 6; i++) {
      scope = new Construct(scope, `Nested_Level_${i}_With.A-LongName`);
    }
    const group = new FeatureGroup(scope, 'CustomerFeaturesForRealTimeInferenceAndTraining', BASE);
    const name = stack.resolve(group.featureGroupName);
    expect(name.length).toBeLessThanOrEqual(64);
    expect(name.length).toBeGreaterThanOrEqual(60);
    expect(name).toMatch(CFN_GROUP_NAME);
    expect(name).toMatch(/^[a-z0-9-]+-[0-9a-f]{8}$/);
    expect(Template.fromStack(stack).findResources('AWS::SageMaker::FeatureGroup')).toEqual({
      [stack.getLogicalId(group.resource)]: expect.objectContaining({ Properties: expect.objectContaining({ FeatureGroupName: name }) }),
    });
  });
});

describe('FeatureGroup explicit name', () => {
  test('is kept verbatim, whatever the settings, and names the table', () => {
    const named = (props: (f: FeatureStoreFixture) => FeatureGroupProps) => synth(props);
    const a = named(() => ({ ...BASE, featureGroupName: 'churn-customers' }));
    const b = named((f) => ({ ...BASE, featureGroupName: 'churn-customers', description: 'Churn', offlineStore: { lake: f.lake } }));
    expect(a.name).toEqual('churn-customers');
    expect(b.name).toEqual('churn-customers');
    expect(b.group.featureGroupName).toEqual('churn-customers');
    expect(b.resource.OfflineStoreConfig.DataCatalogConfig.TableName).toEqual('churn_customers');
    expect(b.resource.OfflineStoreConfig.S3StorageConfig.S3Uri).toEqual('s3://<Features/Lake/features>/feature-store/churn-customers/');
  });
});

describe('canonicalJson', () => {
  test('sorts keys at every depth, leaves out undefined values and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: true, y: null }], c: undefined } })).toEqual('{"a":{"d":[2,{"y":null,"z":true}]},"b":1}');
    expect(canonicalJson(undefined)).toEqual('null');
    expect(canonicalJson('x"y')).toEqual('"x\\"y"');
  });
});
