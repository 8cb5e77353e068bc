import { ack, ackShared, checkCompliance, complianceApp } from './harness';
import { acknowledgeInlinePolicy } from '../../lib/private/nag';
import { fullPipeline, fullSparkJob, minimalPipeline, minimalSparkJob, sparkFixture } from '../processing/spark-fixtures';

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
function jobAcks(path: string, unique: string, input = '<Data/Lake/raw/Resource.Arn>/events/churn/*', output = '<Data/Lake/curated/Resource.Arn>/churn/events/*') {
  const policy = [`${path}/Role/DefaultPolicy`];
  const resource = [`${path}/Role/DefaultPolicy/Resource`];
  // The log groups Glue writes to under a security configuration that encrypts CloudWatch logs.
  const logs = `arn:aws:logs:us-east-1:123456789012:log-group:/aws-glue/jobs/cdk-mlops/${unique}/${unique}-role/<${path}/Role/Resource>`;
  return [
    ...['*', input, output, `<Data/Lake/monitoring/Resource.Arn>/spark-ui/${unique}/*`, 'arn:aws:glue:us-east-1:123456789012:table/lake/*',
      `${logs}/error:log-stream:*`, `${logs}/output:log-stream:*`]
      .map((r) => ack(`AwsSolutions-IAM5[Resource::${r}]`, policy, resource)),
    ...ackShared('IAMNoInlinePolicy', [`${path}/Role`], resource),
  ];
}

/**
 * What a data pipeline acknowledges: its state machine role's log-delivery and X-Ray statements (no resource-level permissions),
 * its inline policies; with a gate, polling evaluations on the account's rulesets (the request names only the run) and the
 * evaluation role's reads of the table folder and metrics; with starts, the dead-letter queue has no DLQ of its own; without
 * alerts, alarms without actions.
 */
function pipelineAcks(path: string, opts: { gate?: boolean; starts?: boolean; alerts?: boolean }) {
  const role = (r: string) => ({ on: [`${path}/${r}/DefaultPolicy`], resources: [`${path}/${r}/DefaultPolicy/Resource`] });
  const acks = [
    ack('AwsSolutions-IAM5[Resource::*]', role('Role').on, role('Role').resources),
    ...ackShared('IAMNoInlinePolicy', [`${path}/Role`, `${path}/ListRunsPolicy`], [...role('Role').resources, `${path}/ListRunsPolicy/Resource`]),
  ];
  if (opts.gate) {
    const dq = role('DataQualityRole');
    acks.push(
      ack('AwsSolutions-IAM5[Resource::arn:aws:glue:us-east-1:123456789012:dataQualityRuleset/*]', [...role('Role').on, ...dq.on],
        [...role('Role').resources, ...dq.resources]),
      ack('AwsSolutions-IAM5[Resource::*]', dq.on, dq.resources),
      ack('AwsSolutions-IAM5[Resource::<Data/Lake/curated/Resource.Arn>/churn/events/*]', dq.on, dq.resources),
      ...ackShared('IAMNoInlinePolicy', [`${path}/DataQualityRole`], dq.resources),
    );
  }
  if (opts.starts) {
    acks.push(
      ack('AwsSolutions-SQS3', [`${path}/StartDeadLetters`], [`${path}/StartDeadLetters/Resource`]),
      ack('sqs_dlq_check', [`${path}/StartDeadLetters`], [`${path}/StartDeadLetters/Resource`]),
      ...ackShared('IAMNoInlinePolicy', [`${path}/StartRole`], role('StartRole').resources),
    );
  }
  if (!opts.alerts) {
    const alarms = [`${path}/FailedAlarm`, `${path}/TimedOutAlarm`];
    acks.push(ack('cloudwatch_alarm_action_check', alarms), ...ackShared('CloudWatchAlarmAction', alarms));
  }
  return acks;
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

test('a minimal data pipeline is compliant', () => {
  const app = complianceApp();
  const f = sparkFixture(app);
  minimalPipeline(f);
  const result = checkCompliance(app, 'DataPipeline minimal', [
    ...jobAcks('Data/Curate', 'Data-Curate-8155B723'),
    ...pipelineAcks('Data/Etl', {}),
    ...LAKE,
  ]);
  expect(result.stacks).toEqual(['Data']);
});

test('a data pipeline with every option (two jobs, quality gate, schedule, on arrival, alerts) is compliant', () => {
  const app = complianceApp();
  const f = sparkFixture(app);
  fullPipeline(f);
  acknowledgeInlinePolicy(f.stack.node.findChild('Starter'), 'Not under test: the role of this test that grantRun extends.');
  const result = checkCompliance(app, 'DataPipeline full', [
    ...jobAcks('Data/CurateAll', 'Data-CurateAll-C7336784'),
    ...jobAcks('Data/Features', 'Data-Features-ADC819B6', '<Data/Lake/curated/Resource.Arn>/churn/events/*', '<Data/Lake/features/Resource.Arn>/churn/*'),
    ...pipelineAcks('Data/ChurnEtl', { gate: true, starts: true, alerts: true }),
    ...ackShared('IAMNoInlinePolicy', ['Data/Starter'], ['Data/Starter/DefaultPolicy/Resource']),
    ...LAKE,
  ]);
  expect(result.stacks).toEqual(['Data']);
});
