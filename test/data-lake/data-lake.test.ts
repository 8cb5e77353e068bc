import { CfnElement, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { IConstruct } from 'constructs';
import { DataLake, DataLakeProps, LakeRemovalPolicy } from '../../lib';
import { TEST_ENV, testApp } from '../util';

function lakeTemplate(props?: DataLakeProps): { stack: Stack; lake: DataLake; template: Template } {
  const stack = new Stack(testApp(), 'Data', { env: TEST_ENV });
  const lake = new DataLake(stack, 'Lake', props);
  return { stack, lake, template: Template.fromStack(stack) };
}

function logicalId(c: IConstruct): string {
  return Stack.of(c).getLogicalId(c.node.defaultChild as CfnElement);
}

function zoneBuckets(template: Template): Record<string, any> {
  return template.findResources('AWS::S3::Bucket', { Properties: { LoggingConfiguration: Match.anyValue() } });
}

describe('DataLake defaults', () => {
  const { lake, template } = lakeTemplate();
  const keyId = logicalId(lake.encryptionKey!);

  test('defines one bucket per default zone and one access-log bucket', () => {
    expect(lake.zoneNames).toEqual(['raw', 'curated', 'features', 'models', 'monitoring']);
    template.resourceCountIs('AWS::S3::Bucket', 6);
    expect(Object.keys(zoneBuckets(template))).toHaveLength(5);
  });

  test('encrypts every zone with the lake key, with bucket keys', () => {
    for (const bucket of Object.values(zoneBuckets(template))) {
      expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration).toEqual([{
        BucketKeyEnabled: true,
        ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [keyId, 'Arn'] } },
      }]);
    }
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  test('versions, blocks public access, enforces object ownership and retains every bucket and the key', () => {
    const buckets = template.findResources('AWS::S3::Bucket');
    for (const bucket of Object.values(buckets)) {
      expect(bucket.DeletionPolicy).toBe('Retain');
      expect(bucket.UpdateReplacePolicy).toBe('Retain');
      expect(bucket.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
      expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true,
      });
      expect(bucket.Properties.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
      expect(bucket.Properties.NotificationConfiguration).toEqual({ EventBridgeConfiguration: { EventBridgeEnabled: true } });
    }
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    template.hasResource('AWS::Glue::Database', { DeletionPolicy: 'Retain' });
  });

  test('denies every request without TLS on every bucket', () => {
    const policies = template.findResources('AWS::S3::BucketPolicy');
    expect(Object.keys(policies)).toHaveLength(6);
    for (const policy of Object.values(policies)) {
      expect(policy.Properties.PolicyDocument.Statement).toEqual(expect.arrayContaining([
        expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      ]));
    }
  });

  test('logs every zone into the access-log bucket under its own prefix', () => {
    for (const [id, bucket] of Object.entries(zoneBuckets(template))) {
      const zone = lake.zoneNames.find((z) => id.startsWith(`Lake${z}`));
      expect(bucket.Properties.LoggingConfiguration).toEqual({
        DestinationBucketName: { Ref: logicalId(lake.accessLogsBucket) },
        LogFilePrefix: `${zone}/`,
      });
    }
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ ExpirationInDays: 365 })]) },
    });
  });

  test('tiers raw and curated to Intelligent-Tiering and expires noncurrent versions after 90 days', () => {
    const rules = (zone: string) => Object.entries(zoneBuckets(template))
      .find(([id]) => id.startsWith(`Lake${zone}`))![1].Properties.LifecycleConfiguration.Rules;
    for (const zone of ['raw', 'curated']) {
      expect(rules(zone)).toEqual(expect.arrayContaining([
        expect.objectContaining({ Transitions: [{ StorageClass: 'INTELLIGENT_TIERING', TransitionInDays: 0 }] }),
      ]));
    }
    for (const zone of lake.zoneNames) {
      expect(rules(zone)).toEqual(expect.arrayContaining([
        expect.objectContaining({ NoncurrentVersionExpiration: { NoncurrentDays: 90 } }),
      ]));
    }
    expect(rules('features').some((r: any) => r.Transitions)).toBe(false);
  });

  test('never expires current objects in the models zone, and expires monitoring captures after 90 days', () => {
    const rules = (zone: string) => Object.entries(zoneBuckets(template))
      .find(([id]) => id.startsWith(`Lake${zone}`))![1].Properties.LifecycleConfiguration.Rules;
    expect(rules('models').some((r: any) => r.ExpirationInDays !== undefined)).toBe(false);
    expect(rules('monitoring')).toEqual(expect.arrayContaining([expect.objectContaining({ ExpirationInDays: 90 })]));
  });

  test('defines a Glue database and an Athena workgroup whose results are KMS-encrypted in the lake', () => {
    template.hasResourceProperties('AWS::Glue::Database', {
      CatalogId: { Ref: 'AWS::AccountId' },
      DatabaseInput: { Name: Match.stringLikeRegexp('^[a-z0-9_]+$') },
    });
    template.hasResourceProperties('AWS::Athena::WorkGroup', {
      WorkGroupConfiguration: {
        EnforceWorkGroupConfiguration: true,
        ResultConfiguration: {
          OutputLocation: { 'Fn::Join': ['', ['s3://', { Ref: Match.stringLikeRegexp('^Lakecurated') }, '/athena-results/']] },
          EncryptionConfiguration: { EncryptionOption: 'SSE_KMS', KmsKey: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LakeKey'), 'Arn'] } },
        },
      },
    });
  });

  test('limits grants on the key to grants for AWS resources', () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([Match.objectLike({
          Effect: 'Deny',
          Action: 'kms:CreateGrant',
          Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
        })]),
      },
    });
  });
});

describe('DataLake options', () => {
  test('names buckets from a prefix, locks the raw zone and sets every retention', () => {
    const { template } = lakeTemplate({
      zones: ['raw', 'models', 'monitoring'],
      bucketNamePrefix: 'acme-ml',
      rawObjectLockRetention: Duration.days(30),
      monitoringRetention: Duration.days(7),
      noncurrentVersionRetention: Duration.days(14),
      intelligentTieringAfter: Duration.days(3),
    });
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: 'acme-ml-raw',
      ObjectLockEnabled: true,
      ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 30 } } },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({ NoncurrentVersionExpiration: { NoncurrentDays: 14 } }),
          Match.objectLike({ Transitions: [{ StorageClass: 'INTELLIGENT_TIERING', TransitionInDays: 3 }] }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: 'acme-ml-monitoring',
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ ExpirationInDays: 7 })]) },
    });
    template.hasResourceProperties('AWS::S3::Bucket', { BucketName: 'acme-ml-access-logs' });
  });

  test('uses a given key instead of defining one', () => {
    const stack = new Stack(testApp(), 'Data', { env: TEST_ENV });
    const key = kms.Key.fromKeyArn(stack, 'Given', 'arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555');
    new DataLake(stack, 'Lake', { encryptionKey: key });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::KMS::Key', 0);
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [Match.objectLike({
          ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: key.keyArn },
        })],
      },
    });
  });

  test('destroys buckets, key and catalog only on explicit opt-in', () => {
    const { template } = lakeTemplate({ removalPolicy: LakeRemovalPolicy.DESTROY });
    for (const bucket of Object.values(template.findResources('AWS::S3::Bucket'))) {
      expect(bucket.DeletionPolicy).toBe('Delete');
    }
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Delete' });
    template.resourceCountIs('Custom::S3AutoDeleteObjects', 6);
  });

  test('renders S3 URIs of zone prefixes', () => {
    const { stack, lake } = lakeTemplate({ bucketNamePrefix: 'acme-ml' });
    expect(stack.resolve(lake.zone('raw').s3Uri('datasets/'))).toEqual({
      'Fn::Join': ['', ['s3://', { Ref: logicalId(lake.zone('raw').bucket) }, '/datasets/']],
    });
  });

  test('imports a lake from its bucket names, with grants that include its key', () => {
    const stack = new Stack(testApp(), 'Other', { env: TEST_ENV });
    const key = kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555');
    const lake = DataLake.fromAttributes(stack, 'Lake', { zoneBucketNames: { raw: 'acme-raw', models: 'acme-models' }, encryptionKey: key });
    const role = new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    lake.zone('models').grantRead(role);
    expect(lake.zoneNames).toEqual(['raw', 'models']);
    expect(lake.zone('models').encryptionKey).toBe(key);
    expect(stack.resolve(lake.zone('raw').s3Uri())).toBe('s3://acme-raw');
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: 's3:GetObject', Resource: 'arn:aws:s3:::acme-models/*' }),
          Match.objectLike({ Action: 'kms:Decrypt', Resource: key.keyArn }),
        ]),
      },
    });
  });
});

describe('DataLake bad input', () => {
  const make = (props: DataLakeProps) => () => lakeTemplate(props);

  test('fails when a zone name is invalid, naming the construct path, property, value and what is allowed', () => {
    expect(make({ zones: ['raw', 'Curated'] })).toThrow(
      /DataLake Data\/Lake: zones\[1\] must be 1-20 lowercase letters, digits and hyphens, starting with a letter.*got 'Curated'/,
    );
  });

  test('fails when zone names repeat', () => {
    expect(make({ zones: ['raw', 'raw'] })).toThrow(/zones\[1\] must be unique, but it is listed twice, got 'raw'/);
  });

  test('fails when there are no zones', () => {
    expect(make({ zones: [] })).toThrow(/zones must be a list of 1 to 20 zone names, got \[\]/);
  });

  test('fails when a zone name is too long', () => {
    expect(make({ zones: ['a'.repeat(21)] })).toThrow(/zones\[0\] must be 1-20 lowercase/);
  });

  test.each([
    ['Acme'], ['acme_ml'], ['-acme'], ['acme..ml'], ['acme.-ml'], ['acme.'], ['192.168.5.4'], ['xn--acme'], ['sthree-acme'], ['a'.repeat(52)],
  ])('fails when the bucket-name prefix %s breaks S3 naming', (prefix) => {
    expect(make({ bucketNamePrefix: prefix })).toThrow(/DataLake Data\/Lake: bucketNamePrefix must be lowercase letters, digits/);
  });

  test('accepts a bucket-name prefix that is a token', () => {
    const stack = new Stack(testApp(), 'Data', { env: TEST_ENV });
    expect(() => new DataLake(stack, 'Lake', { bucketNamePrefix: stack.account })).not.toThrow();
  });

  test('fails when a retention period is zero', () => {
    expect(make({ noncurrentVersionRetention: Duration.days(0) }))
      .toThrow(/noncurrentVersionRetention must be a whole number of days from 1 to 36500, got 0 days/);
    expect(make({ monitoringRetention: Duration.days(0) })).toThrow(/monitoringRetention must be a whole number of days from 1/);
    expect(make({ accessLogRetention: Duration.days(0) })).toThrow(/accessLogRetention must be a whole number of days from 1/);
  });

  test('fails when a retention period is not a whole number of days', () => {
    expect(make({ monitoringRetention: Duration.hours(36) })).toThrow(/monitoringRetention must be a whole number of days from 1 to 36500, got 1 day 12 hours/);
  });

  test('fails when the Object Lock retention is out of range', () => {
    expect(make({ rawObjectLockRetention: Duration.days(0) })).toThrow(/rawObjectLockRetention must be a whole number of days from 1 to 36500, got 0 days/);
    expect(make({ rawObjectLockRetention: Duration.days(36501) })).toThrow(/rawObjectLockRetention must be a whole number of days from 1 to 36500/);
  });

  test('fails when Object Lock is asked for without a raw zone', () => {
    expect(make({ zones: ['models'], rawObjectLockRetention: Duration.days(10) })).toThrow(/rawObjectLockRetention needs a 'raw' zone/);
  });

  test('fails when a destroyable lake asks for Object Lock', () => {
    expect(make({ removalPolicy: LakeRemovalPolicy.DESTROY, rawObjectLockRetention: Duration.days(10) }))
      .toThrow(/removalPolicy DESTROY cannot empty an Object Lock bucket/);
  });

  test('fails when the query results zone is not a zone', () => {
    expect(make({ queryResultsZone: 'scratch' })).toThrow(/queryResultsZone must be one of the zones \['raw', 'curated', 'features', 'models', 'monitoring'\], got 'scratch'/);
  });

  test('fails when the database or workgroup name is invalid', () => {
    expect(make({ databaseName: 'Churn-Lake' })).toThrow(/databaseName must be 1-255 lowercase letters, digits and underscores, got 'Churn-Lake'/);
    expect(make({ workGroupName: 'churn lake' })).toThrow(/workGroupName must be 1-128 letters/);
  });

  test('reports every problem of one call at once', () => {
    expect(make({ zones: ['raw', 'raw'], monitoringRetention: Duration.days(0) })).toThrow(/DataLake Data\/Lake: 2 problems:/);
  });

  test('fails when a zone that does not exist is asked for', () => {
    const { lake } = lakeTemplate();
    expect(() => lake.zone('gold')).toThrow(/DataLake Data\/Lake: no zone 'gold'; the zones are \['raw'/);
  });

  test('fails when an imported lake has an invalid zone name', () => {
    const stack = new Stack(testApp(), 'Other', { env: TEST_ENV });
    expect(() => DataLake.fromAttributes(stack, 'Lake', { zoneBucketNames: { RAW: 'acme-raw' } }))
      .toThrow(/DataLake.fromAttributes Other\/Lake: zones\[0\] must be 1-20 lowercase/);
  });
});
