import { Validations } from 'aws-cdk-lib';
import { ack, ackShared, checkCompliance, complianceApp } from './harness';
import { acknowledgeInlinePolicy } from '../../lib/private/nag';
import { featureStoreFixture, fullIngestion, minimalIngestion } from '../feature-store/fixtures';

/** What the lake itself acknowledges (test/compliance/data-lake.test.ts explains each). */
const ZONES = ['Features/Lake/curated', 'Features/Lake/features', 'Features/Lake/models', 'Features/Lake/monitoring', 'Features/Lake/raw'];
const LAKE = [
  ack('s3_bucket_default_encryption_kms_check', ['Features/Lake/AccessLogs']),
  ack('s3_bucket_logging_enabled_check', ['Features/Lake/AccessLogs']),
  ack('s3_bucket_object_lock_enabled_check', ['Features/Lake/AccessLogs', ...ZONES]),
  ...ackShared('S3BucketReplicationEnabled', ['Features/Lake/AccessLogs', ...ZONES]),
  ...ackShared('S3DefaultEncryptionKMS', ['Features/Lake/AccessLogs']),
];

// One app, one synth (the validators cost ~15 s per synth): the minimal group and the group with every option, each fed by a
// stream ingestion (minimal, and with every option), side by side.
test('feature groups and their stream ingestions, minimal and with every option, are compliant', () => {
  const app = complianceApp();
  const f = featureStoreFixture(app);
  minimalIngestion(f);
  const full = fullIngestion(f);
  for (const role of [full.full.reader, full.full.writer, full.full.trainer]) {
    acknowledgeInlinePolicy(role, 'Not under test: a role of this test that the feature group grants extend.');
  }
  // The user's stream: a customer-managed key, so that the function's key use through Kinesis is exercised.
  Validations.of(full.stream).acknowledge({
    id: 'AwsSolutions::AwsSolutions-KDS3',
    reason: 'The stream of this test is encrypted with a customer-managed key on purpose (the ingestion function decrypts through Kinesis).',
  });
  const policies = ['Features/ChurnFeatures/OfflineStoreRole', 'Features/Trainer'].map((r) => `${r}/DefaultPolicy`);
  const handlers = ['Features/FreshFeatures/Handler', 'Features/Ingest/Handler'];
  const functions = handlers.map((h) => `${h}/Function`);
  const ownRoles = ['Features/ChurnFeatures/OfflineStoreRole', ...handlers.map((h) => `${h}/Role`)];
  const roles = [...ownRoles, ...handlers.map((h) => `${h}/SchedulerRole`), 'Features/Reader', 'Features/Trainer', 'Features/Writer'].sort();
  const policyResources = [...ownRoles, 'Features/Reader', 'Features/Trainer', 'Features/Writer'].sort().map((r) => `${r}/DefaultPolicy/Resource`);
  // Only the minimal ingestion has no alert topics: its alarms (and the stack's scheduler alarms) have no actions.
  const silent = ['Features/Ingest/FailedRecordsAlarm', 'Features/Ingest/Handler/DeadLetter', 'Features/Ingest/Handler/Errors',
    'Features/Ingest/IteratorAgeAlarm'];
  const silentOn = [...silent, 'Features/cdk-mlops-scheduler-alarms/Dropped', 'Features/cdk-mlops-scheduler-alarms/TargetErrors'];
  const queues = ['Features/FreshFeatures/FailedRecords', 'Features/Ingest/FailedRecords'];
  const result = checkCompliance(app, 'FeatureIngestion', [
    ack('AwsSolutions-IAM5[Resource::<Features/Lake/features/Resource.Arn>/churn/feature-store/*]', policies, policies.map((p) => `${p}/Resource`)),
    // What HandlerFunction acknowledges on each function it defines (test/compliance/loadtest.test.ts: the same for the worker).
    ...handlers.map((h) => ack(`AwsSolutions-IAM5[Resource::<${h}/Function/Resource.Arn>:*]`, [`${h}/SchedulerRole`], [])),
    ...ackShared('LambdaConcurrency', functions),
    ...ackShared('LambdaInsideVPC', functions),
    ack('lambda_inside_vpc_check', functions),
    // The failed-records queues are where failed records end (and the functions' dead-letter queues, HandlerFunction's).
    ack('AwsSolutions-SQS3', queues),
    ack('sqs_dlq_check', [...queues, ...handlers.map((h) => `${h}/DeadLetters`)].sort()),
    ack('AwsSolutions-KDS3', ['Features/FeatureStream'], ['Features/FeatureStream/Resource']),
    ack('cloudwatch_alarm_action_check', silentOn, silent.map((a) => `${a}/Resource`)),
    ...ackShared('CloudWatchAlarmAction', silentOn, silent.map((a) => `${a}/Resource`)),
    ...ackShared('IAMNoInlinePolicy', roles, policyResources),
    ...LAKE,
  ]);
  expect(result.stacks).toEqual(['Features']);
});
