import { Duration, Stack } from 'aws-cdk-lib';
import { ack, ackShared, checkCompliance, complianceApp } from './harness';
import { DataLake, LakeRemovalPolicy } from '../../lib';

test('a minimal data lake is compliant', () => {
  const app = complianceApp();
  new DataLake(new Stack(app, 'Minimal'), 'Lake');
  const result = checkCompliance(app, 'DataLake minimal', [
    ack('s3_bucket_default_encryption_kms_check', ['Minimal/Lake/AccessLogs']),
    ack('s3_bucket_logging_enabled_check', ['Minimal/Lake/AccessLogs']),
    ack('s3_bucket_object_lock_enabled_check', [
      'Minimal/Lake/AccessLogs',
      'Minimal/Lake/curated',
      'Minimal/Lake/features',
      'Minimal/Lake/models',
      'Minimal/Lake/monitoring',
      'Minimal/Lake/raw',
    ]),
    ...ackShared('S3BucketReplicationEnabled', [
      'Minimal/Lake/AccessLogs',
      'Minimal/Lake/curated',
      'Minimal/Lake/features',
      'Minimal/Lake/models',
      'Minimal/Lake/monitoring',
      'Minimal/Lake/raw',
    ]),
    ...ackShared('S3DefaultEncryptionKMS', ['Minimal/Lake/AccessLogs']),
  ]);
  // The stacks synth checked: a stack left out of the app would otherwise pass unseen.
  expect(result.stacks).toEqual(['Minimal']);
});

test('a data lake with every option is compliant', () => {
  const app = complianceApp();
  new DataLake(new Stack(app, 'Full'), 'Lake', {
    zones: ['raw', 'curated', 'features', 'models', 'monitoring', 'sandbox'],
    bucketNamePrefix: 'acme-ml-123456789012',
    noncurrentVersionRetention: Duration.days(30),
    monitoringRetention: Duration.days(14),
    intelligentTieringAfter: Duration.days(7),
    accessLogRetention: Duration.days(90),
    rawObjectLockRetention: Duration.days(365),
    databaseName: 'acme_lake',
    workGroupName: 'acme-lake',
    queryResultsZone: 'sandbox',
  });
  const result = checkCompliance(app, 'DataLake full', [
    ack('s3_bucket_default_encryption_kms_check', ['Full/Lake/AccessLogs']),
    ack('s3_bucket_logging_enabled_check', ['Full/Lake/AccessLogs']),
    ack('s3_bucket_object_lock_enabled_check', [
      'Full/Lake/AccessLogs',
      'Full/Lake/curated',
      'Full/Lake/features',
      'Full/Lake/models',
      'Full/Lake/monitoring',
      'Full/Lake/sandbox',
    ]),
    ...ackShared('S3BucketReplicationEnabled', [
      'Full/Lake/AccessLogs',
      'Full/Lake/curated',
      'Full/Lake/features',
      'Full/Lake/models',
      'Full/Lake/monitoring',
      'Full/Lake/raw',
      'Full/Lake/sandbox',
    ]),
    ...ackShared('S3DefaultEncryptionKMS', ['Full/Lake/AccessLogs']),
  ]);
  // The stacks synth checked: a stack left out of the app would otherwise pass unseen.
  expect(result.stacks).toEqual(['Full']);
});

test('a destroyable dev data lake is compliant', () => {
  const app = complianceApp();
  new DataLake(new Stack(app, 'Dev'), 'Lake', { removalPolicy: LakeRemovalPolicy.DESTROY });
  const result = checkCompliance(app, 'DataLake dev', [
    ack('lambda_inside_vpc_check', ['Dev/Custom::S3AutoDeleteObjectsCustomResourceProvider'], ['Dev/Custom::S3AutoDeleteObjectsCustomResourceProvider/Handler']),
    ack('s3_bucket_default_encryption_kms_check', ['Dev/Lake/AccessLogs']),
    ack('s3_bucket_logging_enabled_check', ['Dev/Lake/AccessLogs']),
    ack('s3_bucket_object_lock_enabled_check', [
      'Dev/Lake/AccessLogs',
      'Dev/Lake/curated',
      'Dev/Lake/features',
      'Dev/Lake/models',
      'Dev/Lake/monitoring',
      'Dev/Lake/raw',
    ]),
    ...ackShared('S3BucketReplicationEnabled', [
      'Dev/Lake/AccessLogs',
      'Dev/Lake/curated',
      'Dev/Lake/features',
      'Dev/Lake/models',
      'Dev/Lake/monitoring',
      'Dev/Lake/raw',
    ]),
    ...ackShared('S3DefaultEncryptionKMS', ['Dev/Lake/AccessLogs']),
  ]);
  // The stacks synth checked: a stack left out of the app would otherwise pass unseen.
  expect(result.stacks).toEqual(['Dev']);
});

test('a data lake that turns Object Lock on for its existing raw bucket is compliant', () => {
  const app = complianceApp();
  new DataLake(new Stack(app, 'Locked'), 'Lake', { rawObjectLockRetention: Duration.days(30), rawObjectLockOnExistingBucket: true });
  const result = checkCompliance(app, 'DataLake lock on existing bucket', [
    ack('s3_bucket_default_encryption_kms_check', ['Locked/Lake/AccessLogs']),
    ack('s3_bucket_logging_enabled_check', ['Locked/Lake/AccessLogs']),
    ack('s3_bucket_object_lock_enabled_check', [
      'Locked/Lake/AccessLogs',
      'Locked/Lake/curated',
      'Locked/Lake/features',
      'Locked/Lake/models',
      'Locked/Lake/monitoring',
      'Locked/Lake/raw',
    ]),
    ...ackShared('S3BucketReplicationEnabled', [
      'Locked/Lake/AccessLogs',
      'Locked/Lake/curated',
      'Locked/Lake/features',
      'Locked/Lake/models',
      'Locked/Lake/monitoring',
      'Locked/Lake/raw',
    ]),
    ...ackShared('S3DefaultEncryptionKMS', ['Locked/Lake/AccessLogs']),
  ]);
  expect(result.stacks).toEqual(['Locked']);
});
