import { Validations } from 'aws-cdk-lib';
import { ack, ackShared, checkCompliance, complianceApp } from './harness';
import { acknowledgeInlinePolicy } from '../../lib/private/nag';
import { fullIngestion, ingestionFixture, minimalIngestion } from '../processing/ingestion-fixtures';

/** What the lake itself acknowledges (test/compliance/data-lake.test.ts explains each). */
const LAKE = [
  ack('s3_bucket_default_encryption_kms_check', ['Data/Lake/AccessLogs']),
  ack('s3_bucket_logging_enabled_check', ['Data/Lake/AccessLogs']),
  ack('s3_bucket_object_lock_enabled_check', [
    'Data/Lake/AccessLogs', 'Data/Lake/curated', 'Data/Lake/features', 'Data/Lake/models', 'Data/Lake/monitoring', 'Data/Lake/raw',
  ]),
  ...ackShared('S3BucketReplicationEnabled', [
    'Data/Lake/AccessLogs', 'Data/Lake/curated', 'Data/Lake/features', 'Data/Lake/models', 'Data/Lake/monitoring', 'Data/Lake/raw',
  ]),
  ...ackShared('S3DefaultEncryptionKMS', ['Data/Lake/AccessLogs']),
];

test('a minimal stream ingestion is compliant', () => {
  const app = complianceApp();
  const f = ingestionFixture(app);
  minimalIngestion(f);
  const result = checkCompliance(app, 'StreamIngestion minimal', [
    // The delivery role writes objects named at run time under its own folder only.
    ack('AwsSolutions-IAM5[Resource::<Data/Lake/raw/Resource.Arn>/events/clicks/*]', ['Data/Clicks/Role/DefaultPolicy'], ['Data/Clicks/Role/DefaultPolicy/Resource']),
    // No alert topics given: the alarms have no actions.
    ack('cloudwatch_alarm_action_check', ['Data/Clicks/DataFreshness', 'Data/Clicks/DeliveryFailed']),
    ...LAKE,
    ...ackShared('CloudWatchAlarmAction', ['Data/Clicks/DataFreshness', 'Data/Clicks/DeliveryFailed']),
    ...ackShared('IAMNoInlinePolicy', ['Data/Clicks/Role'], ['Data/Clicks/Role/DefaultPolicy/Resource']),
  ]);
  expect(result.stacks).toEqual(['Data']);
});

test('a stream ingestion with every option (Kinesis source, dynamic partitioning, Parquet, alerts) is compliant', () => {
  const app = complianceApp();
  const f = ingestionFixture(app);
  const { source, producer } = fullIngestion(f);
  // The user's producer role: grantPutRecords adds to its default policy, inline as the user's roles keep theirs.
  acknowledgeInlinePolicy(producer, 'Not under test: the producer role of this test, whose policy grantPutRecords extends.');
  // The user's stream: a customer-managed key, so that the delivery role's key use through Kinesis is exercised.
  Validations.of(source).acknowledge({
    id: 'AwsSolutions::AwsSolutions-KDS3',
    reason: 'The source stream of this test is encrypted with a customer-managed key on purpose (the delivery role decrypts through Kinesis).',
  });
  const result = checkCompliance(app, 'StreamIngestion full', [
    ack('AwsSolutions-IAM5[Resource::<Data/Lake/raw/Resource.Arn>/events/orders/*]', ['Data/Orders/Role/DefaultPolicy'], ['Data/Orders/Role/DefaultPolicy/Resource']),
    // Server-side encryption is for direct PUT only; the Kinesis source encrypts the records at rest.
    ack('AwsSolutions-KDF1', ['Data/Orders/Resource'], ['Data/Orders/Resource']),
    ack('AwsSolutions-KDS3', ['Data/Source'], ['Data/Source/Resource']),
    ...LAKE,
    ...ackShared('IAMNoInlinePolicy', ['Data/Orders/Role', 'Data/Producer'], ['Data/Orders/Role/DefaultPolicy/Resource', 'Data/Producer/DefaultPolicy/Resource']),
  ]);
  expect(result.stacks).toEqual(['Data']);
});
