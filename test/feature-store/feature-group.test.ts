import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import { CHURN_FEATURES, featureStoreFixture, fullFeatureGroup, minimalFeatureGroup } from './fixtures';
import { FeatureGroup, OnlineStoreTier } from '../../lib/feature-store';
import { ttlUnit } from '../../lib/feature-store/private-feature-group-checks';
import { Readable } from '../exact';
import { imageModel } from '../serving/fixtures';

const CHURN_DEFINITIONS = [
  { FeatureName: 'customer_id', FeatureType: 'String' },
  { FeatureName: 'event_time', FeatureType: 'String' },
  { FeatureName: 'orders_30d', FeatureType: 'Integral' },
  { FeatureName: 'spend_30d', FeatureType: 'Fractional' },
];

describe('FeatureGroup', () => {
  const f = featureStoreFixture();
  const minimal = minimalFeatureGroup(f);
  const full = fullFeatureGroup(f);
  const r = Readable.of(f.stack);
  const groups = r.resources('AWS::SageMaker::FeatureGroup');
  const raw = (path: string) => Object.entries<any>(r.template.Resources).find(([id]) => r.pathOf(id) === path)![1];

  test('a minimal group is a Standard online store only, with a lowercase name from its path, retained', () => {
    expect(groups['Features/Customers']).toEqual({
      FeatureGroupName: 'features-customers-e4916267-3327ed42',
      RecordIdentifierFeatureName: 'customer_id',
      EventTimeFeatureName: 'event_time',
      FeatureDefinitions: CHURN_DEFINITIONS,
      OnlineStoreConfig: { EnableOnlineStore: true },
    });
    const resource = raw('Features/Customers');
    expect([resource.DeletionPolicy, resource.UpdateReplacePolicy]).toEqual(['Retain', 'Retain']);
    expect([minimal.onlineStoreEnabled, minimal.offlineStore, minimal.offlineStoreRole, minimal.onlineStoreEncryptionKey])
      .toEqual([true, undefined, undefined, undefined]);
    expect(f.stack.resolve(minimal.featureGroupArn)).toEqual('arn:aws:sagemaker:us-east-1:123456789012:feature-group/features-customers-e4916267-3327ed42');
  });

  test('the full group has its TTL in weeks, its online key, an Iceberg offline store in the features zone with the lake key and its table, provisioned throughput', () => {
    expect(groups['Features/ChurnFeatures']).toEqual({
      FeatureGroupName: 'churn-customers',
      Description: 'Churn features of each customer',
      RecordIdentifierFeatureName: 'customer_id',
      EventTimeFeatureName: 'event_time',
      FeatureDefinitions: CHURN_DEFINITIONS,
      OnlineStoreConfig: {
        EnableOnlineStore: true,
        TtlDuration: { Unit: 'Weeks', Value: 2 },
        SecurityConfig: { KmsKeyId: '<Features/OnlineKey.Arn>' },
      },
      OfflineStoreConfig: {
        S3StorageConfig: { S3Uri: 's3://<Features/Lake/features>/churn/feature-store/', KmsKeyId: '<Features/Lake/Key.Arn>' },
        DisableGlueTableCreation: false,
        DataCatalogConfig: { Catalog: 'AwsDataCatalog', Database: 'lake', TableName: 'churn_customers' },
        TableFormat: 'Iceberg',
      },
      RoleArn: '<Features/ChurnFeatures/OfflineStoreRole.Arn>',
      ThroughputConfig: { ThroughputMode: 'Provisioned', ProvisionedReadCapacityUnits: 100, ProvisionedWriteCapacityUnits: 50 },
    });
    expect(full.group.offlineStore).toMatchObject({ prefix: 'churn/feature-store/', databaseName: 'lake', tableName: 'churn_customers' });
    expect(full.group.offlineStore!.zone.zoneName).toEqual('features');
  });

  test('the group waits for its offline store role\'s policy (Feature Store writes with it as soon as records arrive)', () => {
    const dependsOn = (raw('Features/ChurnFeatures').DependsOn ?? []).map((id: string) => r.pathOf(id));
    expect(dependsOn).toEqual(expect.arrayContaining(['Features/ChurnFeatures/OfflineStoreRole', 'Features/ChurnFeatures/OfflineStoreRole/DefaultPolicy']));
  });

  test('the offline store role is SageMaker\'s for this account, and may write only its folder, its bucket ACL and its table', () => {
    expect(r.resources('AWS::IAM::Role')['Features/ChurnFeatures/OfflineStoreRole'].AssumeRolePolicyDocument.Statement).toEqual([{
      Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'sagemaker.amazonaws.com' },
      Condition: { StringEqualsIfExists: { 'aws:SourceAccount': '123456789012' } },
    }]);
    const folder = '<Features/Lake/features.Arn>/churn/feature-store/*';
    expect(r.rolePolicy('Features/ChurnFeatures/OfflineStoreRole')).toEqual({
      statements: [
        { Action: ['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject', 's3:PutObjectAcl'], Effect: 'Allow', Resource: folder },
        { Action: 's3:ListBucket', Condition: { StringLike: { 's3:prefix': ['churn/feature-store/*'] } }, Effect: 'Allow', Resource: '<Features/Lake/features.Arn>' },
        {
          Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Effect: 'Allow', Resource: '<Features/Lake/Key.Arn>',
          Condition: {
            StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' },
            StringLike: { 'kms:EncryptionContext:aws:s3:arn': ['<Features/Lake/features.Arn>', folder] },
          },
        },
        { Action: 's3:GetBucketAcl', Effect: 'Allow', Resource: '<Features/Lake/features.Arn>' },
        {
          Action: ['glue:GetTable', 'glue:UpdateTable'], Effect: 'Allow',
          Resource: [
            'arn:aws:glue:us-east-1:123456789012:catalog', 'arn:aws:glue:us-east-1:123456789012:database/lake',
            'arn:aws:glue:us-east-1:123456789012:table/lake/churn_customers',
          ],
        },
      ],
      managedPolicyArns: [],
    });
  });

  test('grantRead gives GetRecord and BatchGetRecord on the group and Decrypt on its online key; grantWrite PutRecord (DeleteRecord on opt-in)', () => {
    const arn = 'arn:aws:sagemaker:us-east-1:123456789012:feature-group/churn-customers';
    const key = { Action: 'kms:Decrypt', Effect: 'Allow', Resource: '<Features/OnlineKey.Arn>' };
    expect(r.rolePolicy('Features/Reader').statements).toEqual([
      { Action: ['sagemaker:BatchGetRecord', 'sagemaker:GetRecord'], Effect: 'Allow', Resource: arn }, key,
    ]);
    expect(r.rolePolicy('Features/Writer').statements).toEqual([
      { Action: ['sagemaker:DeleteRecord', 'sagemaker:PutRecord'], Effect: 'Allow', Resource: arn }, key,
    ]);
  });

  test('grantReadOfflineStore gives the catalog reads of its table and the zone\'s read grant on its folder', () => {
    const folder = '<Features/Lake/features.Arn>/churn/feature-store/*';
    expect(r.rolePolicy('Features/Trainer').statements).toEqual([
      {
        Action: ['glue:BatchGetPartition', 'glue:GetDatabase', 'glue:GetPartition', 'glue:GetPartitions', 'glue:GetTable', 'glue:GetTables'],
        Effect: 'Allow',
        Resource: [
          'arn:aws:glue:us-east-1:123456789012:catalog', 'arn:aws:glue:us-east-1:123456789012:database/lake',
          'arn:aws:glue:us-east-1:123456789012:table/lake/churn_customers',
        ],
      },
      { Action: 's3:GetObject', Effect: 'Allow', Resource: folder },
      { Action: 's3:ListBucket', Condition: { StringLike: { 's3:prefix': ['churn/feature-store/*'] } }, Effect: 'Allow', Resource: '<Features/Lake/features.Arn>' },
      {
        Action: 'kms:Decrypt', Effect: 'Allow', Resource: '<Features/Lake/Key.Arn>',
        Condition: {
          StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' },
          StringLike: { 'kms:EncryptionContext:aws:s3:arn': ['<Features/Lake/features.Arn>', folder] },
        },
      },
    ]);
  });

  test('a minimal group without a key grants only the record actions', () => {
    const g = featureStoreFixture();
    const group = minimalFeatureGroup(g);
    const role = new iam.Role(g.stack, 'App', { assumedBy: new iam.AccountRootPrincipal() });
    group.grantWrite(role);
    expect(Readable.of(g.stack).rolePolicy('Features/App').statements).toEqual([
      { Action: 'sagemaker:PutRecord', Effect: 'Allow', Resource: 'arn:aws:sagemaker:us-east-1:123456789012:feature-group/features-customers-e4916267-3327ed42' },
    ]);
    expect(() => group.grantReadOfflineStore(role)).toThrow(/FeatureGroup Features\/Customers: grantReadOfflineStore needs an offline store/);
  });

  test('an offline-only group renders no online store; the default folder and table follow the name; DESTROY is honoured', () => {
    const g = featureStoreFixture();
    new FeatureGroup(g.stack, 'History', {
      featureGroupName: 'churn-history', features: CHURN_FEATURES, recordIdentifier: 'customer_id', eventTime: 'event_time',
      onlineStore: { enabled: false }, offlineStore: { lake: g.lake }, removalPolicy: RemovalPolicy.DESTROY,
    });
    const rr = Readable.of(g.stack);
    const props = rr.resources('AWS::SageMaker::FeatureGroup')['Features/History'];
    expect(props.OnlineStoreConfig).toBeUndefined();
    expect(props.OfflineStoreConfig).toEqual({
      S3StorageConfig: { S3Uri: 's3://<Features/Lake/features>/feature-store/churn-history/', KmsKeyId: '<Features/Lake/Key.Arn>' },
      DisableGlueTableCreation: false,
      DataCatalogConfig: { Catalog: 'AwsDataCatalog', Database: 'lake', TableName: 'churn_history' },
      TableFormat: 'Glue',
    });
    const resource = Object.values<any>(rr.template.Resources).find((v) => v.Type === 'AWS::SageMaker::FeatureGroup');
    expect(resource.DeletionPolicy).toEqual('Delete');
  });

  test('grantRead on an offline-only group warns that GetRecord has nothing to read', () => {
    const g = featureStoreFixture();
    const history = minimalFeatureGroup(g, { onlineStore: { enabled: false }, offlineStore: { lake: g.lake } });
    const online = new FeatureGroup(g.stack, 'Online', { features: CHURN_FEATURES, recordIdentifier: 'customer_id', eventTime: 'event_time' });
    const role = new iam.Role(g.stack, 'App', { assumedBy: new iam.AccountRootPrincipal() });
    history.grantRead(role);
    online.grantRead(role);
    const warnings = Annotations.fromStack(g.stack).findWarning('*', Match.stringLikeRegexp('offline-only'));
    expect(warnings.map((w) => [w.id, w.entry.data])).toEqual([[
      '/Features/Customers', expect.stringMatching(/grantRead on the offline-only feature group Features\/Customers: .*use grantReadOfflineStore/),
    ]]);
  });

  test('an InMemory online store says so', () => {
    const g = featureStoreFixture();
    minimalFeatureGroup(g, { onlineStore: { tier: OnlineStoreTier.IN_MEMORY, ttl: Duration.hours(36) } });
    expect(Readable.of(g.stack).resources('AWS::SageMaker::FeatureGroup')['Features/Customers'].OnlineStoreConfig).toEqual({
      EnableOnlineStore: true, StorageType: 'InMemory', TtlDuration: { Unit: 'Hours', Value: 36 },
    });
  });

  test('a TTL is written in the largest unit that divides it', () => {
    expect([ttlUnit(1209600), ttlUnit(172800), ttlUnit(129600), ttlUnit(120), ttlUnit(90)]).toEqual([
      { unit: 'Weeks', value: 2 }, { unit: 'Days', value: 2 }, { unit: 'Hours', value: 36 }, { unit: 'Minutes', value: 2 }, { unit: 'Seconds', value: 90 },
    ]);
  });

  test('an imported group grants on its ARN, with its key and offline store when given', () => {
    const g = featureStoreFixture();
    const imported = FeatureGroup.fromFeatureGroupAttributes(g.stack, 'Imported', {
      featureGroupName: 'shared-customers',
      offlineStore: { zone: g.lake.zone('features'), prefix: 'shared/', databaseName: 'lake', tableName: 'shared_customers' },
    });
    const byName = FeatureGroup.fromFeatureGroupName(g.stack, 'ByName', 'other-group');
    const role = new iam.Role(g.stack, 'App', { assumedBy: new iam.AccountRootPrincipal() });
    imported.grantRead(role);
    imported.grantReadOfflineStore(role);
    expect(g.stack.resolve(byName.featureGroupArn)).toEqual('arn:aws:sagemaker:us-east-1:123456789012:feature-group/other-group');
    const statements = Readable.of(g.stack).rolePolicy('Features/App').statements;
    expect(statements[0]).toEqual({
      Action: ['sagemaker:BatchGetRecord', 'sagemaker:GetRecord'], Effect: 'Allow', Resource: 'arn:aws:sagemaker:us-east-1:123456789012:feature-group/shared-customers',
    });
    expect(statements[1].Resource).toContain('arn:aws:glue:us-east-1:123456789012:table/lake/shared_customers');
    expect(() => byName.grantReadOfflineStore(role)).toThrow(/imported without offlineStore/);
  });
});

describe('FeatureGroup read by a serving model', () => {
  test('warns when the model runs with network isolation (its containers cannot call GetRecord), not when it does not', () => {
    const f = featureStoreFixture();
    const group = minimalFeatureGroup(f);
    const repo = ecr.Repository.fromRepositoryName(f.stack, 'Repo', 'churn-inference');
    const isolated = imageModel(f.stack, 'Isolated', { repo, lake: f.lake, key: 'churn/v3/model.tar.gz' });
    const open = imageModel(f.stack, 'Open', { repo, lake: f.lake, key: 'churn/v3/model.tar.gz', networkIsolation: false });
    group.grantRead(isolated);
    group.grantRead(open);
    const warnings = Annotations.fromStack(f.stack).findWarning('*', Match.stringLikeRegexp('network isolation'));
    expect(warnings.map((w) => w.id)).toEqual(['/Features/Isolated']);
    expect(warnings[0].entry.data).toMatch(/Features\/Isolated may read the feature group Features\/Customers, but its containers run with network isolation .*set networkIsolation: false/);
    expect(Readable.of(f.stack).rolePolicy('Features/Open/Role').statements).toContainEqual({
      Action: ['sagemaker:BatchGetRecord', 'sagemaker:GetRecord'], Effect: 'Allow',
      Resource: 'arn:aws:sagemaker:us-east-1:123456789012:feature-group/features-customers-e4916267-3327ed42',
    });
  });
});
