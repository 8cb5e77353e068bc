import { App } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { buildReferenceApp } from '../../../bin/reference-app';
import { IDataLake } from '../../../lib/data-lake';
import { DataPipeline, LakeTable, SparkJob } from '../../../lib/processing';
import { fullPipeline, fullSparkJob, minimalPipeline, minimalSparkJob, sparkFixture } from '../../processing/spark-fixtures';
import { testApp } from '../../util';
import { ContractApp, pathOf } from '../harness/apps';
import { ACCOUNT, REGION } from '../harness/cfn';
import { CallRow, PrincipalContract } from '../harness/iam';

/** What a processing app under contract is: its Spark jobs, their lake, and who is granted what on them. */
export interface ProcessingAppSpec {
  readonly app: App;
  readonly jobs: SparkJob[];
  readonly lake: IDataLake;
  /** A principal granted `grantRun` on the first job. */
  readonly starter?: iam.IRole;
  /** A table and a principal granted `grantRead` on it. */
  readonly table?: LakeTable;
  readonly reader?: iam.IRole;
  /** A data pipeline of the jobs. */
  readonly pipeline?: DataPipeline;
  /** The role of a rule that starts training after the pipeline (the reference app). */
  readonly trainAfterRole?: iam.IRole;
  /** The training state machine that rule starts. */
  readonly trainingStateMachineArn?: string;
}

/** The apps the processing table runs over: the minimal and the full Spark job. */
export const PROCESSING_APPS: Record<string, () => ProcessingAppSpec> = {
  'reference app': () => {
    const app = testApp();
    const { data, training } = buildReferenceApp(app);
    return {
      app, jobs: [data.curate, data.features], lake: data.lake, pipeline: data.etl, table: data.eventsTable,
      trainAfterRole: training.trainAfterRole, trainingStateMachineArn: training.pipeline.stateMachineArn,
    };
  },
  'minimal Spark job': () => {
    const f = sparkFixture();
    return { app: f.app, jobs: [minimalSparkJob(f)], lake: f.lake };
  },
  'full Spark job (bookmarks, auto scaling, catalog partitions, a reader of its table)': () => {
    const f = sparkFixture();
    const full = fullSparkJob(f);
    const reader = new iam.Role(f.stack, 'Analyst', { assumedBy: new iam.AccountRootPrincipal() });
    full.table.grantRead(reader);
    return { app: f.app, jobs: [full.job], lake: f.lake, starter: full.starter, table: full.table, reader };
  },
  'minimal data pipeline (one job, on demand)': () => {
    const f = sparkFixture();
    const { pipeline, job } = minimalPipeline(f);
    return { app: f.app, jobs: [job], lake: f.lake, pipeline };
  },
  'full data pipeline (two jobs, quality gate, schedule, on arrival, alerts)': () => {
    const f = sparkFixture();
    const full = fullPipeline(f);
    return { app: f.app, jobs: [full.curate, full.features], lake: f.lake, pipeline: full.pipeline, table: full.table };
  },
};

/** The values one job's rows are written in. */
export interface JobSubject {
  readonly job: SparkJob;
  readonly roleArn: string;
  readonly jobArn: string;
  readonly inputBucketArn: string;
  readonly inputPrefix: string;
  readonly outputBucketArn: string;
  readonly outputPrefix: string;
  readonly sparkUiBucketArn: string;
  readonly sparkUiPrefix: string;
  /** A zone the job neither reads nor writes. */
  readonly otherBucketArn: string;
  readonly keyArn: string;
  /** The log groups the job defines. */
  readonly errorLogGroupArn: string;
  readonly outputLogGroupArn: string;
  /**
   * The log groups Glue writes the job's logs to, by the documented pattern: with CloudWatch encryption in the security
   * configuration, `<--custom-logGroup-prefix>/<security configuration>-role/<role name>/error|output` (GLUE_LOG_GROUPS).
   */
  readonly glueErrorLogGroupArn: string;
  readonly glueOutputLogGroupArn: string;
  /** The error log group Glue writes another job's logs to (the app's other job, or one of another path). */
  readonly otherJobErrorLogGroupArn: string;
  readonly databaseName: string;
  readonly outputTable?: string;
}

export interface ProcessingSubject {
  readonly spec: ProcessingAppSpec;
  readonly jobs: JobSubject[];
  readonly starterArn?: string;
  readonly tableName?: string;
  readonly stateMachineArn?: string;
  readonly pipelineRoleArn?: string;
  /** The names of the pipeline's jobs, in order. */
  readonly pipelineJobNames: string[];
  readonly gate?: { rulesetName: string; databaseName: string; tableName: string; roleArn: string; rulesetArn: string };
  readonly startRoleArn?: string;
  readonly deadLetterQueueArn?: string;
  readonly trainAfterRoleArn?: string;
  readonly trainingStateMachineArn?: string;
}

const bucketArn = (app: ContractApp, lake: IDataLake, zone: string) => app.value(lake.zone(zone).bucket, lake.zone(zone).bucket.bucketArn);

export function processingSubject(app: ContractApp, spec: ProcessingAppSpec): ProcessingSubject {
  const lake = spec.lake;
  const p = spec.pipeline;
  const ruleset = p?.dataQualityRuleset;
  return {
    spec,
    starterArn: spec.starter && app.value(spec.starter, spec.starter.roleArn),
    tableName: spec.table?.tableName,
    stateMachineArn: p && app.value(p, p.stateMachineArn),
    pipelineRoleArn: p && app.value(p, p.role.roleArn),
    pipelineJobNames: p ? spec.jobs.map((j) => app.value(j, j.jobName)) : [],
    gate: ruleset && {
      rulesetName: ruleset.name!,
      databaseName: (ruleset.targetTable as any).databaseName,
      tableName: (ruleset.targetTable as any).tableName,
      roleArn: app.value(p!, p!.dataQualityRole!.roleArn),
      rulesetArn: glueArn(`dataQualityRuleset/${ruleset.name}`),
    },
    startRoleArn: p?.startRole && app.value(p, p.startRole.roleArn),
    deadLetterQueueArn: p?.deadLetterQueue && app.value(p, p.deadLetterQueue.queueArn),
    trainAfterRoleArn: spec.trainAfterRole && app.value(spec.trainAfterRole, spec.trainAfterRole.roleArn),
    trainingStateMachineArn: spec.trainAfterRole && app.value(spec.trainAfterRole, spec.trainingStateMachineArn!),
    jobs: spec.jobs.map((job, i) => {
      const used = [job.inputZone.zoneName, job.outputZone.zoneName, 'monitoring'];
      const sparkUi = app.value(job, job.sparkUiUri).replace(/^s3:\/\/[^/]+\//, '');
      const sparkUiBucket = app.value(job, job.sparkUiUri).replace(/^s3:\/\/([^/]+)\/.*$/, 'arn:aws:s3:::$1');
      const group = (g: { logGroupName: string }) => `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${app.value(job, g.logGroupName)}`;
      return {
        job,
        roleArn: app.value(job, job.role.roleArn),
        jobArn: app.value(job, job.jobArn),
        inputBucketArn: bucketArn(app, lake, job.inputZone.zoneName),
        inputPrefix: job.inputPrefix,
        outputBucketArn: bucketArn(app, lake, job.outputZone.zoneName),
        outputPrefix: job.outputPrefix,
        sparkUiBucketArn: sparkUiBucket,
        sparkUiPrefix: sparkUi,
        otherBucketArn: bucketArn(app, lake, lake.zoneNames.find((z) => !used.includes(z))!),
        keyArn: app.value(lake.encryptionKey!, lake.encryptionKey!.keyArn),
        errorLogGroupArn: group(job.errorLogGroup),
        outputLogGroupArn: group(job.outputLogGroup),
        glueErrorLogGroupArn: glueLogGroupArn(app, job, 'error'),
        glueOutputLogGroupArn: glueLogGroupArn(app, job, 'output'),
        otherJobErrorLogGroupArn: spec.jobs.length > 1 ? glueLogGroupArn(app, spec.jobs[(i + 1) % spec.jobs.length], 'error')
          : `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws-glue/jobs/cdk-mlops/Data-Other-0A1B2C3D/Data-Other-0A1B2C3D-role/Data-OtherRole-1A2B3C4D5E6F/error`,
        databaseName: app.value(job, lake.databaseName!),
        outputTable: job.node.tryFindChild('Resource') && (job.job.defaultArguments as any)['--output_table'],
      };
    }),
  };
}

/**
 * "When a security configuration is enabled for Amazon CloudWatch logs, AWS Glue creates log groups with specific naming patterns
 * that incorporate the security configuration name": for Glue 5.0 with a custom prefix,
 * `<custom-log-group-prefix>/<Security-Configuration-Name>-role/<glue-job-role-name>/error` and `/output`; without CloudWatch
 * encryption, `<custom-log-group-prefix>/error` and `/output`.
 */
const GLUE_LOG_GROUPS = 'https://docs.aws.amazon.com/glue/latest/dg/monitor-continuous-logging.html';

/** The log group Glue writes a job's logs to, from the job's own settings (its prefix, security configuration and role). */
function glueLogGroupArn(app: ContractApp, job: SparkJob, kind: 'error' | 'output'): string {
  const prefix = app.value(job, (job.job.defaultArguments as any)['--custom-logGroup-prefix']);
  const encrypted = job.securityConfiguration.encryptionConfiguration as any;
  const name = encrypted.cloudWatchEncryption?.cloudWatchEncryptionMode === 'SSE-KMS'
    ? `${prefix}/${job.securityConfiguration.name}-role/${app.value(job, job.role.roleName)}/${kind}`
    : `${prefix}/${kind}`;
  return `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${name}`;
}

const READ_S3 = 'https://docs.aws.amazon.com/glue/latest/dg/create-an-iam-role.html';
const SPARK_UI = 'https://docs.aws.amazon.com/glue/latest/dg/monitor-spark-ui-jobs.html';
const LOGGING = 'https://docs.aws.amazon.com/glue/latest/dg/monitor-continuous-logging.html';
const ENCRYPTION = 'https://docs.aws.amazon.com/glue/latest/dg/encryption-security-configuration.html#encryption-setup-Glue';
const ASSOCIATE_KMS_KEY = 'https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_AssociateKmsKey.html';
const GLUE_SERVICE_ROLE = 'https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSGlueServiceRole.html';
const CATALOG = 'https://docs.aws.amazon.com/glue/latest/dg/glue-specifying-resource-arns.html';
const METRICS = 'https://docs.aws.amazon.com/glue/latest/dg/monitoring-awsglue-with-cloudwatch-metrics.html';
const KMS_VIA_SERVICE = 'https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service';
const VERSIONING = 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/DeletingObjectVersions.html';
const SFN_GLUE = 'https://docs.aws.amazon.com/step-functions/latest/dg/connect-glue.html';
const GLUE_ACTIONS = 'https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsglue.html';
const ASSUME = 'https://docs.aws.amazon.com/glue/latest/dg/create-an-iam-role.html';
const LIST_EXECUTIONS = 'https://docs.aws.amazon.com/step-functions/latest/apireference/API_ListExecutions.html';
const DQ_IAM = 'https://docs.aws.amazon.com/glue/latest/dg/data-quality-authorization.html';
const SFN_ROLE = 'https://docs.aws.amazon.com/step-functions/latest/dg/procedure-create-iam-role.html';
const SCHEDULER_SFN = 'https://docs.aws.amazon.com/scheduler/latest/UserGuide/setting-up.html#setting-up-execution-role';
const SCHEDULER_DLQ = 'https://docs.aws.amazon.com/scheduler/latest/UserGuide/configuring-schedule-dlq.html';
const SCHEDULER_DEPUTY = 'https://docs.aws.amazon.com/scheduler/latest/UserGuide/cross-service-confused-deputy-prevention.html';
const EVENTS_SFN = 'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html';
const EVENTS_DEPUTY = 'https://docs.aws.amazon.com/eventbridge/latest/userguide/cross-service-confused-deputy-prevention.html';

const object = (bucket: string, key: string) => `${bucket}/${key}`;
const viaS3 = (bucket: string) => ({ 'kms:ViaService': `s3.${REGION}.amazonaws.com`, 'kms:EncryptionContext:aws:s3:arn': bucket });
const glueArn = (resource: string) => `arn:aws:glue:${REGION}:${ACCOUNT}:${resource}`;
const sibling = (prefix: string) => `${prefix.replace(/\/$/, '')}-pii/part-0.parquet`;

function jobRows(j: JobSubject): CallRow[] {
  const read = object(j.inputBucketArn, `${j.inputPrefix}event_type=login/year=2026/month=12/day=02/part-0.gz`);
  const written = object(j.outputBucketArn, `${j.outputPrefix}event_date=2026-12-02/part-00000.snappy.parquet`);
  const stream = (group: string) => `${group}:log-stream:jr_0123456789abcdef-driver`;
  const rows: CallRow[] = [
    { call: 'reads an input object', action: 's3:GetObject', resource: read, expect: 'allowed', source: READ_S3 },
    { call: 'lists its input folder', action: 's3:ListBucket', resource: j.inputBucketArn, context: { 's3:prefix': j.inputPrefix }, expect: 'allowed', source: READ_S3 },
    { call: 'S3 decrypts an input object with the lake key', action: 'kms:Decrypt', resource: j.keyArn, context: viaS3(j.inputBucketArn), expect: 'allowed', source: ENCRYPTION },
    { call: 'writes an output object', action: 's3:PutObject', resource: written, expect: 'allowed', source: READ_S3 },
    { call: 'replaces what it wrote (Spark\'s commit deletes the current version)', action: 's3:DeleteObject', resource: written, expect: 'allowed', source: VERSIONING },
    { call: 'S3 encrypts an output object with the lake key (SSE-KMS of the security configuration)', action: 'kms:GenerateDataKey', resource: j.keyArn, context: viaS3(j.outputBucketArn), expect: 'allowed', source: ENCRYPTION },
    { call: 'writes Spark UI event logs', action: 's3:PutObject', resource: object(j.sparkUiBucketArn, `${j.sparkUiPrefix}spark-application-1764633600000`), expect: 'allowed', source: SPARK_UI },
    { call: 'creates a driver log stream where Glue writes', action: 'logs:CreateLogStream', resource: stream(j.glueErrorLogGroupArn), expect: 'allowed', source: GLUE_LOG_GROUPS },
    { call: 'puts driver log events where Glue writes', action: 'logs:PutLogEvents', resource: stream(j.glueErrorLogGroupArn), expect: 'allowed', source: GLUE_LOG_GROUPS },
    { call: 'creates the script\'s output stream', action: 'logs:CreateLogStream', resource: stream(j.glueOutputLogGroupArn), expect: 'allowed', source: GLUE_LOG_GROUPS },
    { call: 'puts the script\'s output', action: 'logs:PutLogEvents', resource: stream(j.glueOutputLogGroupArn), expect: 'allowed', source: GLUE_LOG_GROUPS },
    { call: 'associates the lake key with its error log group (else continuous logging is disabled)', action: 'logs:AssociateKmsKey', resource: j.glueErrorLogGroupArn, expect: 'allowed', source: GLUE_LOG_GROUPS },
    { call: 'associates the lake key with its output log group', action: 'logs:AssociateKmsKey', resource: j.glueOutputLogGroupArn, expect: 'allowed', source: ASSOCIATE_KMS_KEY },
    { call: 'creates its log group, should it not exist', action: 'logs:CreateLogGroup', resource: j.glueErrorLogGroupArn, expect: 'allowed', source: GLUE_SERVICE_ROLE },
    { call: 'reads a table of the lake\'s database', action: 'glue:GetTable', resource: glueArn(`table/${j.databaseName}/churn_events`), expect: 'allowed', source: CATALOG },
    { call: 'reads the lake\'s database', action: 'glue:GetDatabase', resource: glueArn(`database/${j.databaseName}`), expect: 'allowed', source: CATALOG },
    { call: 'reads partitions', action: 'glue:GetPartitions', resource: glueArn(`table/${j.databaseName}/churn_events`), expect: 'allowed', source: CATALOG },
    { call: 'publishes job metrics', action: 'cloudwatch:PutMetricData', resource: '*', context: { 'cloudwatch:namespace': 'Glue' }, expect: 'allowed', source: METRICS },
    // Must not:
    { call: 'writes its input', action: 's3:PutObject', resource: read, expect: 'denied', source: READ_S3 },
    { call: 'deletes its input', action: 's3:DeleteObject', resource: read, expect: 'denied', source: VERSIONING },
    { call: 'deletes an output version for good', action: 's3:DeleteObjectVersion', resource: written, expect: 'denied', source: VERSIONING },
    { call: 'reads outside its input folder', action: 's3:GetObject', resource: object(j.inputBucketArn, 'datasets/other/part-0'), expect: 'denied', source: READ_S3 },
    { call: 'reads a sibling of its input folder', action: 's3:GetObject', resource: object(j.inputBucketArn, sibling(j.inputPrefix)), expect: 'denied', source: READ_S3 },
    { call: 'lists outside its input folder', action: 's3:ListBucket', resource: j.inputBucketArn, context: { 's3:prefix': 'datasets/' }, expect: 'denied', source: READ_S3 },
    { call: 'writes outside its output folder', action: 's3:PutObject', resource: object(j.outputBucketArn, sibling(j.outputPrefix)), expect: 'denied', source: READ_S3 },
    { call: 'reads a zone it does not use', action: 's3:GetObject', resource: object(j.otherBucketArn, `${j.inputPrefix}x`), expect: 'denied', source: READ_S3 },
    { call: 'writes a zone it does not use', action: 's3:PutObject', resource: object(j.otherBucketArn, `${j.outputPrefix}x`), expect: 'denied', source: READ_S3 },
    { call: 'reads its Spark UI logs back', action: 's3:GetObject', resource: object(j.sparkUiBucketArn, `${j.sparkUiPrefix}spark-application-1`), expect: 'denied', source: SPARK_UI },
    { call: 'uses the lake key through S3 for a zone it does not use', action: 'kms:Decrypt', resource: j.keyArn, context: viaS3(j.otherBucketArn), expect: 'denied', source: KMS_VIA_SERVICE },
    { call: 'lets others use the lake key', action: 'kms:CreateGrant', resource: j.keyArn, expect: 'denied', source: KMS_VIA_SERVICE },
    { call: 'logs into another log group', action: 'logs:PutLogEvents', resource: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws-glue/jobs/error:log-stream:jr_1-driver`, expect: 'denied', source: LOGGING },
    { call: 'logs into another job\'s log group', action: 'logs:PutLogEvents', resource: stream(j.otherJobErrorLogGroupArn), expect: 'denied', source: GLUE_LOG_GROUPS },
    { call: 'creates a stream in another job\'s log group', action: 'logs:CreateLogStream', resource: stream(j.otherJobErrorLogGroupArn), expect: 'denied', source: GLUE_LOG_GROUPS },
    { call: 'creates another log group', action: 'logs:CreateLogGroup', resource: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws-glue/jobs/error`, expect: 'denied', source: GLUE_SERVICE_ROLE },
    { call: 'associates a key with another job\'s log group', action: 'logs:AssociateKmsKey', resource: j.otherJobErrorLogGroupArn, expect: 'denied', source: ASSOCIATE_KMS_KEY },
    { call: 'reads a table of another database', action: 'glue:GetTable', resource: glueArn('table/payments/cards'), expect: 'denied', source: CATALOG },
    { call: 'changes a table', action: 'glue:UpdateTable', resource: glueArn(`table/${j.databaseName}/churn_events`), expect: 'denied', source: GLUE_ACTIONS },
    { call: 'deletes a table', action: 'glue:DeleteTable', resource: glueArn(`table/${j.databaseName}/churn_events`), expect: 'denied', source: GLUE_ACTIONS },
    { call: 'starts a run of its own job', action: 'glue:StartJobRun', resource: j.jobArn, expect: 'denied', source: GLUE_ACTIONS },
    { call: 'publishes metrics in another namespace', action: 'cloudwatch:PutMetricData', resource: '*', context: { 'cloudwatch:namespace': 'Churn' }, expect: 'denied', source: METRICS },
  ];
  if (j.job.bookmarks) {
    rows.push(
      { call: 'encrypts a job bookmark client-side with the lake key (CSE-KMS)', action: 'kms:GenerateDataKey', resource: j.keyArn, expect: 'allowed', source: ENCRYPTION },
      { call: 'decrypts a job bookmark', action: 'kms:Decrypt', resource: j.keyArn, expect: 'allowed', source: ENCRYPTION },
    );
  } else {
    rows.push({ call: 'uses the lake key directly (no bookmarks to encrypt)', action: 'kms:Decrypt', resource: j.keyArn, expect: 'denied', source: KMS_VIA_SERVICE });
  }
  if (j.outputTable) {
    const table = glueArn(`table/${j.databaseName}/${j.outputTable}`);
    rows.push(
      { call: 'adds partitions to its output table', action: 'glue:BatchCreatePartition', resource: table, expect: 'allowed', source: CATALOG },
      { call: 'adds a partition to its output table', action: 'glue:CreatePartition', resource: table, expect: 'allowed', source: CATALOG },
      { call: 'adds partitions to another table', action: 'glue:BatchCreatePartition', resource: glueArn(`table/${j.databaseName}/customers`), expect: 'denied', source: CATALOG },
      { call: 'deletes partitions of its output table', action: 'glue:BatchDeletePartition', resource: table, expect: 'denied', source: GLUE_ACTIONS },
    );
  } else {
    rows.push({ call: 'adds partitions (no output table)', action: 'glue:BatchCreatePartition', resource: glueArn(`table/${j.databaseName}/churn_events`), expect: 'denied', source: CATALOG });
  }
  return rows;
}

/** The calls of the processing capability's principals. Add a row where a principal gains or loses a call. */
export const PROCESSING_CONTRACT: PrincipalContract<ProcessingSubject>[] = [
  {
    principal: 'the Glue role of the first Spark job',
    who: (s) => ({ role: { path: pathOf(s.spec.jobs[0].role) } }),
    calls: (s) => jobRows(s.jobs[0]),
  },
  {
    principal: 'the Glue role of the second Spark job',
    when: (s) => s.jobs.length > 1,
    who: (s) => ({ role: { path: pathOf(s.spec.jobs[1].role) } }),
    calls: (s) => jobRows(s.jobs[1]),
  },
  {
    principal: 'Glue, assuming the job role',
    who: () => ({ service: 'glue.amazonaws.com' }),
    calls: (s) => [
      { action: 'sts:AssumeRole', resource: s.jobs[0].roleArn, expect: 'allowed', source: ASSUME },
      { call: 'assumes another role', action: 'sts:AssumeRole', resource: `arn:aws:iam::${ACCOUNT}:role/other`, expect: 'denied', source: ASSUME },
    ],
  },
  {
    principal: 'a principal granted run',
    when: (s) => s.starterArn !== undefined,
    who: (s) => ({ role: { path: pathOf(s.spec.starter!) } }),
    calls: (s) => [
      ...['glue:StartJobRun', 'glue:GetJobRun', 'glue:GetJobRuns', 'glue:BatchStopJobRun'].map((action): CallRow => ({
        action, resource: s.jobs[0].jobArn, expect: 'allowed', source: SFN_GLUE,
      })),
      { call: 'starts another job', action: 'glue:StartJobRun', resource: glueArn('job/other'), expect: 'denied', source: SFN_GLUE },
      { call: 'changes the job', action: 'glue:UpdateJob', resource: s.jobs[0].jobArn, expect: 'denied', source: GLUE_ACTIONS },
      { call: 'passes the job role', action: 'iam:PassRole', resource: s.jobs[0].roleArn, expect: 'denied', source: GLUE_ACTIONS },
    ],
  },
  {
    principal: 'the data pipeline\'s state machine role',
    when: (s) => s.spec.pipeline !== undefined,
    who: (s) => ({ role: { path: pathOf(s.spec.pipeline!.role) } }),
    calls: (s) => {
      const rows: CallRow[] = s.jobs.flatMap((j) => ['glue:StartJobRun', 'glue:GetJobRun', 'glue:GetJobRuns', 'glue:BatchStopJobRun'].map((action): CallRow => ({
        call: `runs ${j.job.node.id} (.sync)`, action, resource: j.jobArn, expect: 'allowed', source: SFN_GLUE,
      })));
      rows.push(
        { call: 'lists its own running executions (overlap guard)', action: 'states:ListExecutions', resource: s.stateMachineArn!, expect: 'allowed', source: LIST_EXECUTIONS },
        { call: 'starts another job', action: 'glue:StartJobRun', resource: glueArn('job/other'), expect: 'denied', source: SFN_GLUE },
        { call: 'changes a job', action: 'glue:UpdateJob', resource: s.jobs[0].jobArn, expect: 'denied', source: GLUE_ACTIONS },
        { call: 'passes a job\'s role', action: 'iam:PassRole', resource: s.jobs[0].roleArn, expect: 'denied', source: GLUE_ACTIONS },
        { call: 'reads the lake', action: 's3:GetObject', resource: object(s.jobs[0].inputBucketArn, `${s.jobs[0].inputPrefix}x`), expect: 'denied', source: READ_S3 },
        { call: 'lists another state machine\'s executions', action: 'states:ListExecutions', resource: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:other`, expect: 'denied', source: LIST_EXECUTIONS },
      );
      if (s.gate) {
        rows.push(
          { call: 'starts the quality evaluation', action: 'glue:StartDataQualityRulesetEvaluationRun', resource: s.gate.rulesetArn, expect: 'allowed', source: DQ_IAM },
          { call: 'polls the evaluation', action: 'glue:GetDataQualityRulesetEvaluationRun', resource: s.gate.rulesetArn, expect: 'allowed', source: DQ_IAM },
          { call: 'reads the result', action: 'glue:GetDataQualityResult', resource: s.gate.rulesetArn, expect: 'allowed', source: DQ_IAM },
          { call: 'passes the evaluation role to Glue', action: 'iam:PassRole', resource: s.gate.roleArn, context: { 'iam:PassedToService': 'glue.amazonaws.com' }, expect: 'allowed', source: DQ_IAM },
          { call: 'evaluates another ruleset', action: 'glue:StartDataQualityRulesetEvaluationRun', resource: glueArn('dataQualityRuleset/other'), expect: 'denied', source: DQ_IAM },
          { call: 'changes the ruleset', action: 'glue:UpdateDataQualityRuleset', resource: s.gate.rulesetArn, expect: 'denied', source: DQ_IAM },
        );
      }
      return rows;
    },
  },
  {
    principal: 'Step Functions, assuming the pipeline role',
    when: (s) => s.spec.pipeline !== undefined,
    who: () => ({ service: 'states.amazonaws.com' }),
    calls: (s) => [
      { call: 'for this account', action: 'sts:AssumeRole', resource: s.pipelineRoleArn!, context: { 'aws:SourceAccount': ACCOUNT }, expect: 'allowed', source: SFN_ROLE },
      {
        call: 'for another account (confused deputy)', action: 'sts:AssumeRole', resource: s.pipelineRoleArn!,
        context: { 'aws:SourceAccount': '210987654321' }, expect: 'denied', source: SFN_ROLE,
      },
      { call: 'without a source account', action: 'sts:AssumeRole', resource: s.pipelineRoleArn!, expect: 'denied', source: SFN_ROLE },
      { call: 'assumes a job role', action: 'sts:AssumeRole', resource: s.jobs[0].roleArn, context: { 'aws:SourceAccount': ACCOUNT }, expect: 'denied', source: SFN_ROLE },
    ],
  },
  {
    principal: 'the Data Quality evaluation role',
    when: (s) => s.gate !== undefined,
    who: (s) => ({ role: { path: pathOf(s.spec.pipeline!.dataQualityRole!) } }),
    calls: (s) => {
      const g = s.gate!;
      const j = s.jobs[0];
      const table = glueArn(`table/${g.databaseName}/${g.tableName}`);
      return [
        { call: 'reads the table definition', action: 'glue:GetTable', resource: table, expect: 'allowed', source: DQ_IAM },
        { call: 'reads its partitions', action: 'glue:GetPartitions', resource: table, expect: 'allowed', source: DQ_IAM },
        { call: 'reads its data', action: 's3:GetObject', resource: object(j.outputBucketArn, `${j.outputPrefix}event_date=2026-12-02/part-0.parquet`), expect: 'allowed', source: DQ_IAM },
        { call: 'S3 decrypts its data', action: 'kms:Decrypt', resource: j.keyArn, context: viaS3(j.outputBucketArn), expect: 'allowed', source: DQ_IAM },
        { call: 'publishes the ruleset\'s results', action: 'glue:PublishDataQuality', resource: g.rulesetArn, expect: 'allowed', source: DQ_IAM },
        { call: 'reads its ruleset', action: 'glue:GetDataQualityRuleset', resource: g.rulesetArn, expect: 'allowed', source: DQ_IAM },
        { call: 'reads the ruleset\'s results', action: 'glue:GetDataQualityResult', resource: g.rulesetArn, expect: 'allowed', source: DQ_IAM },
        { call: 'reads its evaluation run (the request names only the run)', action: 'glue:GetDataQualityRulesetEvaluationRun', resource: g.rulesetArn, expect: 'allowed', source: DQ_IAM },
        { call: 'publishes its metrics', action: 'cloudwatch:PutMetricData', resource: '*', context: { 'cloudwatch:namespace': 'Glue Data Quality' }, expect: 'allowed', source: DQ_IAM },
        { call: 'writes the data', action: 's3:PutObject', resource: object(j.outputBucketArn, `${j.outputPrefix}x.parquet`), expect: 'denied', source: DQ_IAM },
        { call: 'reads the raw zone', action: 's3:GetObject', resource: object(j.inputBucketArn, `${j.inputPrefix}x`), expect: 'denied', source: DQ_IAM },
        { call: 'reads another table', action: 'glue:GetTable', resource: glueArn(`table/${g.databaseName}/customers`), expect: 'denied', source: DQ_IAM },
        { call: 'changes the ruleset', action: 'glue:UpdateDataQualityRuleset', resource: g.rulesetArn, expect: 'denied', source: DQ_IAM },
        { call: 'reads another ruleset', action: 'glue:GetDataQualityRuleset', resource: glueArn('dataQualityRuleset/other'), expect: 'denied', source: DQ_IAM },
        { call: 'reads another ruleset\'s results', action: 'glue:GetDataQualityResult', resource: glueArn('dataQualityRuleset/other'), expect: 'denied', source: DQ_IAM },
        { call: 'publishes another ruleset\'s results', action: 'glue:PublishDataQuality', resource: glueArn('dataQualityRuleset/other'), expect: 'denied', source: DQ_IAM },
        { call: 'starts an evaluation itself', action: 'glue:StartDataQualityRulesetEvaluationRun', resource: g.rulesetArn, expect: 'denied', source: DQ_IAM },
        {
          call: 'reads evaluation runs in another account', action: 'glue:GetDataQualityRulesetEvaluationRun',
          resource: `arn:aws:glue:${REGION}:210987654321:dataQualityRuleset/other`, expect: 'denied', source: DQ_IAM,
        },
      ];
    },
  },
  {
    principal: 'the role that starts the pipeline (schedule, arrival rule)',
    when: (s) => s.startRoleArn !== undefined,
    who: (s) => ({ role: { path: pathOf(s.spec.pipeline!.startRole!) } }),
    calls: (s) => [
      { call: 'starts an execution', action: 'states:StartExecution', resource: s.stateMachineArn!, expect: 'allowed', source: SCHEDULER_SFN },
      { call: 'keeps a failed start in the dead-letter queue', action: 'sqs:SendMessage', resource: s.deadLetterQueueArn!, expect: 'allowed', source: SCHEDULER_DLQ },
      { call: 'starts another state machine', action: 'states:StartExecution', resource: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:other`, expect: 'denied', source: SCHEDULER_SFN },
      { call: 'stops an execution', action: 'states:StopExecution', resource: `${s.stateMachineArn!.replace(':stateMachine:', ':execution:')}:run-1`, expect: 'denied', source: SCHEDULER_SFN },
      { call: 'runs a job directly', action: 'glue:StartJobRun', resource: s.jobs[0].jobArn, expect: 'denied', source: SFN_GLUE },
    ],
  },
  {
    principal: 'EventBridge Scheduler, assuming the start role',
    when: (s) => s.spec.pipeline?.schedule !== undefined,
    who: () => ({ service: 'scheduler.amazonaws.com' }),
    calls: (s) => [
      { call: 'for this account', action: 'sts:AssumeRole', resource: s.startRoleArn!, context: { 'aws:SourceAccount': ACCOUNT }, expect: 'allowed', source: SCHEDULER_DEPUTY },
      { call: 'for another account', action: 'sts:AssumeRole', resource: s.startRoleArn!, context: { 'aws:SourceAccount': '210987654321' }, expect: 'denied', source: SCHEDULER_DEPUTY },
    ],
  },
  {
    principal: 'EventBridge (the arrival rule), assuming the start role',
    when: (s) => s.spec.pipeline?.arrivalRule !== undefined,
    who: () => ({ service: 'events.amazonaws.com' }),
    calls: (s) => [
      { call: 'for this account', action: 'sts:AssumeRole', resource: s.startRoleArn!, context: { 'aws:SourceAccount': ACCOUNT }, expect: 'allowed', source: EVENTS_DEPUTY },
      { call: 'for another account', action: 'sts:AssumeRole', resource: s.startRoleArn!, context: { 'aws:SourceAccount': '210987654321' }, expect: 'denied', source: EVENTS_DEPUTY },
    ],
  },
  {
    principal: 'the role of the rule that trains after the pipeline',
    when: (s) => s.trainAfterRoleArn !== undefined,
    who: (s) => ({ role: { path: pathOf(s.spec.trainAfterRole!) } }),
    calls: (s) => [
      { call: 'starts a training run', action: 'states:StartExecution', resource: s.trainingStateMachineArn!, expect: 'allowed', source: EVENTS_SFN },
      { call: 'starts the data pipeline', action: 'states:StartExecution', resource: s.stateMachineArn!, expect: 'denied', source: EVENTS_SFN },
      { call: 'stops a training run', action: 'states:StopExecution', resource: `${s.trainingStateMachineArn!.replace(':stateMachine:', ':execution:')}:run-1`, expect: 'denied', source: EVENTS_SFN },
    ],
  },
  {
    principal: 'EventBridge (the train-after rule), assuming its role',
    when: (s) => s.trainAfterRoleArn !== undefined,
    who: () => ({ service: 'events.amazonaws.com' }),
    calls: (s) => [
      { call: 'for this account', action: 'sts:AssumeRole', resource: s.trainAfterRoleArn!, context: { 'aws:SourceAccount': ACCOUNT }, expect: 'allowed', source: EVENTS_DEPUTY },
      { call: 'for another account', action: 'sts:AssumeRole', resource: s.trainAfterRoleArn!, context: { 'aws:SourceAccount': '210987654321' }, expect: 'denied', source: EVENTS_DEPUTY },
    ],
  },
  {
    principal: 'a reader of the lake table',
    when: (s) => s.spec.reader !== undefined,
    who: (s) => ({ role: { path: pathOf(s.spec.reader!) } }),
    calls: (s) => {
      const j = s.jobs[0];
      const table = glueArn(`table/${j.databaseName}/${s.tableName}`);
      return [
        { call: 'reads the table definition', action: 'glue:GetTable', resource: table, expect: 'allowed', source: CATALOG },
        { call: 'reads its partitions', action: 'glue:GetPartitions', resource: table, expect: 'allowed', source: CATALOG },
        { call: 'reads its data', action: 's3:GetObject', resource: object(j.outputBucketArn, `${j.outputPrefix}event_date=2026-12-02/part-0.parquet`), expect: 'allowed', source: READ_S3 },
        { call: 'S3 decrypts its data', action: 'kms:Decrypt', resource: j.keyArn, context: viaS3(j.outputBucketArn), expect: 'allowed', source: ENCRYPTION },
        { call: 'reads another table', action: 'glue:GetTable', resource: glueArn(`table/${j.databaseName}/customers`), expect: 'denied', source: CATALOG },
        { call: 'writes its data', action: 's3:PutObject', resource: object(j.outputBucketArn, `${j.outputPrefix}x.parquet`), expect: 'denied', source: READ_S3 },
        { call: 'reads the raw zone', action: 's3:GetObject', resource: object(j.inputBucketArn, `${j.inputPrefix}x`), expect: 'denied', source: READ_S3 },
      ];
    },
  },
];
