import { Validations } from 'aws-cdk-lib';
import { ack, checkCompliance, complianceApp } from './harness';
import { fullIngestion, ingestionFixture, minimalIngestion } from '../processing/ingestion-fixtures';

/** What the lake itself acknowledges (test/compliance/data-lake.test.ts explains each). */
const LAKE = [
  ack('s3_bucket_default_encryption_kms_check', ['Data/Lake/AccessLogs']),
  ack('s3_bucket_logging_enabled_check', ['Data/Lake/AccessLogs']),
  ack('s3_bucket_object_lock_enabled_check', [
    'Data/Lake/AccessLogs', 'Data/Lake/curated', 'Data/Lake/features', 'Data/Lake/models', 'Data/Lake/monitoring', 'Data/Lake/raw',
  ]),
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
  ]);
  expect(result.stacks).toEqual(['Data']);
});

test('a stream ingestion with every option (Kinesis source, dynamic partitioning, Parquet, alerts) is compliant', () => {
  const app = complianceApp();
  const f = ingestionFixture(app);
  const { source } = fullIngestion(f);
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
  ]);
  expect(result.stacks).toEqual(['Data']);
});
