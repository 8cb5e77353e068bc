import { ack, ackShared, checkCompliance, complianceApp } from './harness';
import { acknowledgeInlinePolicy } from '../../lib/private/nag';
import { featureStoreFixture, fullFeatureGroup, minimalFeatureGroup } from '../feature-store/fixtures';

/** What the lake itself acknowledges (test/compliance/data-lake.test.ts explains each). */
const ZONES = ['Features/Lake/curated', 'Features/Lake/features', 'Features/Lake/models', 'Features/Lake/monitoring', 'Features/Lake/raw'];
const LAKE = [
  ack('s3_bucket_default_encryption_kms_check', ['Features/Lake/AccessLogs']),
  ack('s3_bucket_logging_enabled_check', ['Features/Lake/AccessLogs']),
  ack('s3_bucket_object_lock_enabled_check', ['Features/Lake/AccessLogs', ...ZONES]),
  ...ackShared('S3BucketReplicationEnabled', ['Features/Lake/AccessLogs', ...ZONES]),
  ...ackShared('S3DefaultEncryptionKMS', ['Features/Lake/AccessLogs']),
];

// One app, one synth (the validators cost ~15 s per synth): the minimal group and the group with every option side by side.
test('feature groups, minimal and with every option, are compliant', () => {
  const app = complianceApp();
  const f = featureStoreFixture(app);
  minimalFeatureGroup(f);
  const full = fullFeatureGroup(f);
  for (const role of [full.reader, full.writer, full.trainer]) {
    acknowledgeInlinePolicy(role, 'Not under test: a role of this test that the feature group grants extend.');
  }
  // The offline store role (and the trainer's read grant) cover the objects under the store's folder, named at run time; the
  // offline store role's policy is inline on purpose.
  const policies = ['Features/ChurnFeatures/OfflineStoreRole', 'Features/Trainer'].map((r) => `${r}/DefaultPolicy`);
  const roles = ['Features/ChurnFeatures/OfflineStoreRole', 'Features/Reader', 'Features/Trainer', 'Features/Writer'];
  const result = checkCompliance(app, 'FeatureGroup', [
    ack('AwsSolutions-IAM5[Resource::<Features/Lake/features/Resource.Arn>/churn/feature-store/*]', policies, policies.map((p) => `${p}/Resource`)),
    ...ackShared('IAMNoInlinePolicy', roles, roles.map((r) => `${r}/DefaultPolicy/Resource`)),
    ...LAKE,
  ]);
  expect(result.stacks).toEqual(['Features']);
});
