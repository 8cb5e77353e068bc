import { CfnElement, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { IConstruct } from 'constructs';
import { DataLake, DataLakeProps, LakeRemovalPolicy } from '../../lib';
import { TEST_ENV, testApp } from '../util';

function lakeStack(props?: DataLakeProps): { stack: Stack; lake: DataLake } {
  const stack = new Stack(testApp(), 'Data', { env: TEST_ENV });
  return { stack, lake: new DataLake(stack, 'Lake', props) };
}

function logicalId(c: IConstruct): string {
  return Stack.of(c).getLogicalId(c.node.defaultChild as CfnElement);
}

function bucketOf(stack: Stack, lake: DataLake, zone: string): any {
  return Template.fromStack(stack).toJSON().Resources[logicalId(lake.zone(zone).bucket as s3.Bucket)];
}

function rules(stack: Stack, lake: DataLake, zone: string): any[] {
  return bucketOf(stack, lake, zone).Properties.LifecycleConfiguration.Rules;
}

describe('DataLake Object Lock on an existing lake (#23 item 2)', () => {
  test('a lake defined with Object Lock defines its raw bucket with it (unchanged for lakes deployed so)', () => {
    const { stack, lake } = lakeStack({ rawObjectLockRetention: Duration.days(30) });
    const raw = bucketOf(stack, lake, 'raw').Properties;
    expect(raw.ObjectLockEnabled).toBe(true);
    expect(raw.ObjectLockConfiguration).toEqual({ ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 30 } } });
  });

  test('turning Object Lock on for an existing lake locks the same bucket in place, never the create-only property', () => {
    const before = lakeStack();
    const after = lakeStack({ rawObjectLockRetention: Duration.days(30), rawObjectLockOnExistingBucket: true });
    const rawBefore = bucketOf(before.stack, before.lake, 'raw');
    const rawAfter = bucketOf(after.stack, after.lake, 'raw');
    // Same construct and logical id, and no change to ObjectLockEnabled (create-only: a change replaces the bucket).
    expect(logicalId(after.lake.zone('raw').bucket as s3.Bucket)).toBe(logicalId(before.lake.zone('raw').bucket as s3.Bucket));
    expect(rawBefore.Properties.ObjectLockEnabled).toBeUndefined();
    expect(rawAfter.Properties.ObjectLockEnabled).toBeUndefined();
    // ObjectLockConfiguration updates with no interruption, and turns Object Lock on for a versioned bucket.
    expect(rawAfter.Properties.ObjectLockConfiguration).toEqual({ ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 30 } } });
    expect(rawAfter.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(rawAfter.DeletionPolicy).toBe('Retain');
    expect(rawAfter.UpdateReplacePolicy).toBe('Retain');
  });

  test('fails when the existing-bucket mode is kept but Object Lock is removed, since it cannot be turned off', () => {
    expect(() => lakeStack({ rawObjectLockOnExistingBucket: true })).toThrow(
      'DataLake Data/Lake: rawObjectLockOnExistingBucket is set without rawObjectLockRetention: Object Lock cannot be turned off once on, '
      + 'and removing it from the template would replace the raw bucket; keep rawObjectLockRetention');
  });
});

describe('DataLake retention of captures and query results (#23 items 3 and 4)', () => {
  test('expired captures are removed for good one day after they expire, not after the noncurrent-version retention', () => {
    const { stack, lake } = lakeStack({ monitoringRetention: Duration.days(30), noncurrentVersionRetention: Duration.days(90) });
    expect(rules(stack, lake, 'monitoring')).toEqual([
      { Id: 'expire-noncurrent-versions', Status: 'Enabled', NoncurrentVersionExpiration: { NoncurrentDays: 90 }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 } },
      { Id: 'expire-captures', Status: 'Enabled', ExpirationInDays: 30, NoncurrentVersionExpiration: { NoncurrentDays: 1 } },
    ]);
    expect(lake.zone('monitoring').objectExpiration?.toDays()).toBe(30);
    expect(lake.zone('models').objectExpiration).toBeUndefined();
  });

  test('query results expire after 30 days by default, under their prefix only, and their versions a day later', () => {
    const { stack, lake } = lakeStack();
    expect(rules(stack, lake, 'curated')).toEqual(expect.arrayContaining([
      { Id: 'expire-query-results', Status: 'Enabled', Prefix: 'athena-results/', ExpirationInDays: 30, NoncurrentVersionExpiration: { NoncurrentDays: 1 } },
    ]));
    expect(JSON.stringify(rules(stack, lake, 'raw'))).not.toContain('athena-results');
  });

  test('query results follow queryResultsRetention in the query results zone', () => {
    const { stack, lake } = lakeStack({ zones: ['raw', 'sandbox'], queryResultsZone: 'sandbox', queryResultsRetention: Duration.days(7) });
    expect(rules(stack, lake, 'sandbox')).toEqual(expect.arrayContaining([
      expect.objectContaining({ Id: 'expire-query-results', Prefix: 'athena-results/', ExpirationInDays: 7 }),
    ]));
  });

  test('the workgroup is retained with a retained lake, and deleted with its contents with a destroyable one', () => {
    const retained = Template.fromStack(lakeStack().stack);
    retained.hasResource('AWS::Athena::WorkGroup', {
      DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain', Properties: Match.objectLike({ RecursiveDeleteOption: false }),
    });
    const dev = Template.fromStack(lakeStack({ removalPolicy: LakeRemovalPolicy.DESTROY }).stack);
    dev.hasResource('AWS::Athena::WorkGroup', {
      DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete', Properties: Match.objectLike({ RecursiveDeleteOption: true }),
    });
  });

  test('fails when the query results retention is not a whole number of days', () => {
    expect(() => lakeStack({ queryResultsRetention: Duration.hours(36) })).toThrow(
      'DataLake Data/Lake: queryResultsRetention must be a whole number of days from 1 to 36500, got 1 day 12 hours');
  });
});

describe('DataLake event notifications next to EventBridge (#23 item 6)', () => {
  test('without notifications, a zone sends its events to EventBridge natively, with no custom resource', () => {
    const { stack, lake } = lakeStack();
    expect(bucketOf(stack, lake, 'raw').Properties.NotificationConfiguration).toEqual({ EventBridgeConfiguration: { EventBridgeEnabled: true } });
    Template.fromStack(stack).resourceCountIs('Custom::S3BucketNotifications', 0);
  });

  test('an added notification and EventBridge delivery are written together, by one mechanism', () => {
    const { stack, lake } = lakeStack();
    const queue = new sqs.Queue(stack, 'Queue');
    lake.zone('raw').bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.SqsDestination(queue), { prefix: 'incoming/' });
    const template = Template.fromStack(stack);
    // The L1 property is left out: CDK's notifications resource writes the whole configuration, EventBridge included.
    expect(bucketOf(stack, lake, 'raw').Properties.NotificationConfiguration).toBeUndefined();
    template.hasResourceProperties('Custom::S3BucketNotifications', {
      BucketName: { Ref: logicalId(lake.zone('raw').bucket as s3.Bucket) },
      NotificationConfiguration: {
        EventBridgeConfiguration: {},
        QueueConfigurations: [Match.objectLike({ Events: ['s3:ObjectCreated:*'], Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'incoming/' }] } } })],
      },
    });
    // Other zones keep native delivery.
    expect(bucketOf(stack, lake, 'curated').Properties.NotificationConfiguration).toEqual({ EventBridgeConfiguration: { EventBridgeEnabled: true } });
  });
});

describe('DataLake reserved bucket-name suffixes (#23 item 7)', () => {
  test.each([
    ['s3alias', '-s3alias'],
    ['data--x-s3', '--x-s3'],
    ['data--ol-s3', '--ol-s3'],
  ])('fails when zone %p would make a bucket name end with %p', (zone, suffix) => {
    expect(() => lakeStack({ zones: ['raw', zone], bucketNamePrefix: 'acme-ml' })).toThrow(
      'DataLake Data/Lake: zones[1] must be a zone name that does not make its bucket name end with a suffix S3 reserves '
      + `(-s3alias, --ol-s3, .mrap, --x-s3), but the bucket 'acme-ml-${zone}' would end with '${suffix}', got '${zone}'`);
  });

  test('fails when a zone name ends with a hyphen and so would the bucket name', () => {
    expect(() => lakeStack({ zones: ['raw-'], bucketNamePrefix: 'acme-ml' })).toThrow(/zones\[0\] must be a zone name that ends with a letter or digit/);
  });

  test('accepts names that only contain a reserved suffix elsewhere', () => {
    expect(() => lakeStack({ zones: ['s3alias-raw', 'x-s3'], bucketNamePrefix: 'acme-ml' })).not.toThrow();
  });
});
