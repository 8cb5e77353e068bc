import { ack, ackShared, checkCompliance, complianceApp } from './harness';
import { acknowledgeInlinePolicy } from '../../lib/private/nag';
import { fullSparkJob, minimalSparkJob, sparkFixture } from '../processing/spark-fixtures';

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

/**
 * What a Spark job acknowledges: the objects under its folders, the tables of the lake's database and the log streams of its
 * two log groups are named at run time; PutMetricData has no resource-level permissions (limited to the Glue namespace); its
 * role's policy is inline on purpose.
 */
function jobAcks(path: string, unique: string) {
  const policy = [`${path}/Role/DefaultPolicy`];
  const resource = [`${path}/Role/DefaultPolicy/Resource`];
  const logs = `arn:aws:logs:us-east-1:123456789012:log-group:/aws-glue/jobs/cdk-mlops/${unique}`;
  return [
    ...['*', '<Data/Lake/curated/Resource.Arn>/churn/events/*', `<Data/Lake/monitoring/Resource.Arn>/spark-ui/${unique}/*`,
      '<Data/Lake/raw/Resource.Arn>/events/churn/*', 'arn:aws:glue:us-east-1:123456789012:table/lake/*',
      `${logs}/error:log-stream:*`, `${logs}/output:log-stream:*`]
      .map((r) => ack(`AwsSolutions-IAM5[Resource::${r}]`, policy, resource)),
    ...ackShared('IAMNoInlinePolicy', [`${path}/Role`], resource),
  ];
}

test('a minimal Spark job is compliant', () => {
  const app = complianceApp();
  const f = sparkFixture(app);
  minimalSparkJob(f);
  const result = checkCompliance(app, 'SparkJob minimal', [
    ...jobAcks('Data/Curate', 'Data-Curate-8155B723'),
    ...LAKE,
  ]);
  expect(result.stacks).toEqual(['Data']);
});

test('a Spark job with every option and its lake table is compliant', () => {
  const app = complianceApp();
  const f = sparkFixture(app);
  const { starter } = fullSparkJob(f);
  acknowledgeInlinePolicy(starter, 'Not under test: the role of this test that grantRun extends.');
  const result = checkCompliance(app, 'SparkJob full', [
    ...jobAcks('Data/CurateAll', 'Data-CurateAll-C7336784'),
    ...ackShared('IAMNoInlinePolicy', ['Data/Starter'], ['Data/Starter/DefaultPolicy/Resource']),
    ...LAKE,
  ]);
  expect(result.stacks).toEqual(['Data']);
});
