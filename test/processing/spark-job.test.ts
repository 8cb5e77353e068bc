import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { CURATE_SCRIPT, fullSparkJob, minimalSparkJob, sparkFixture } from './spark-fixtures';
import { DataLake } from '../../lib/data-lake';
import { GlueVersion, SparkJob, SparkScript } from '../../lib/processing';
import { Readable } from '../exact';

const SCRIPT = /^s3:\/\/cdk-hnb659fds-assets-123456789012-us-east-1\/[0-9a-f]{64}\.py$/;
const viaS3 = (bucket: string, objects: string) => ({
  StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' },
  StringLike: { 'kms:EncryptionContext:aws:s3:arn': [`<Data/Lake/${bucket}.Arn>`, `<Data/Lake/${bucket}.Arn>/${objects}`] },
});
const LOGS = 'arn:aws:logs:us-east-1:123456789012:log-group:/aws-glue/jobs/cdk-mlops';
/**
 * Where Glue 5 writes a job's logs when its security configuration encrypts CloudWatch logs:
 * `<--custom-logGroup-prefix>/<security configuration>-role/<role name>/error|output`
 * (https://docs.aws.amazon.com/glue/latest/dg/monitor-continuous-logging.html).
 */
const glueGroup = (prefix: string, securityConfiguration: string, role: string, kind: 'error' | 'output') =>
  `${prefix}/${securityConfiguration}-role/${role}/${kind}`;

describe('SparkJob, minimal', () => {
  const f = sparkFixture();
  const job = minimalSparkJob(f);
  const r = Readable.of(f.stack);
  const unique = 'Data-Curate-8155B723';

  test('defines a Glue 5.0 glueetl job on 2 G.1X workers, 2 hours, no retries, one run at a time, under its security configuration', () => {
    const jobs = r.resources('AWS::Glue::Job');
    expect(Object.keys(jobs)).toEqual(['Data/Curate']);
    const { Command, ...rest } = jobs['Data/Curate'];
    expect(Command).toEqual({ Name: 'glueetl', PythonVersion: '3', ScriptLocation: expect.stringMatching(SCRIPT) });
    expect(rest).toEqual({
      Description: 'Spark: raw/events/churn/ -> curated/churn/events/ (Data/Curate)',
      Role: '<Data/Curate/Role.Arn>',
      GlueVersion: '5.0',
      WorkerType: 'G.1X',
      NumberOfWorkers: 2,
      Timeout: 120,
      MaxRetries: 0,
      ExecutionProperty: { MaxConcurrentRuns: 1 },
      SecurityConfiguration: '<Data/Curate/SecurityConfiguration>',
      DefaultArguments: {
        '--job-language': 'python',
        '--input_path': 's3://<Data/Lake/raw>/events/churn/',
        '--output_path': 's3://<Data/Lake/curated>/churn/events/',
        '--database_name': 'lake',
        '--job-bookmark-option': 'job-bookmark-disable',
        '--custom-logGroup-prefix': `/aws-glue/jobs/cdk-mlops/${unique}`,
        '--enable-metrics': 'true',
        '--enable-observability-metrics': 'true',
        '--enable-spark-ui': 'true',
        '--spark-event-logs-path': `s3://<Data/Lake/monitoring>/spark-ui/${unique}/`,
      },
    });
    expect([job.inputUri, job.outputUri, job.bookmarks, job.timeout.toMinutes()].map((v) => f.stack.resolve(v))).toEqual([
      { 'Fn::Join': ['', ['s3://', { Ref: expect.any(String) }, '/events/churn/']] },
      { 'Fn::Join': ['', ['s3://', { Ref: expect.any(String) }, '/churn/events/']] },
      false, 120,
    ]);
  });

  test('its security configuration encrypts S3 writes, CloudWatch logs and bookmarks with the lake key, and is retained', () => {
    expect(r.resources('AWS::Glue::SecurityConfiguration')).toEqual({
      'Data/Curate/SecurityConfiguration': {
        Name: unique,
        EncryptionConfiguration: {
          S3Encryptions: [{ S3EncryptionMode: 'SSE-KMS', KmsKeyArn: '<Data/Lake/Key.Arn>' }],
          CloudWatchEncryption: { CloudWatchEncryptionMode: 'SSE-KMS', KmsKeyArn: '<Data/Lake/Key.Arn>' },
          JobBookmarksEncryption: { JobBookmarksEncryptionMode: 'CSE-KMS', KmsKeyArn: '<Data/Lake/Key.Arn>' },
        },
      },
    });
    const logical = Object.entries<any>(r.template.Resources).find(([, v]) => v.Type === 'AWS::Glue::SecurityConfiguration')![1];
    expect([logical.DeletionPolicy, logical.UpdateReplacePolicy]).toEqual(['Retain', 'Retain']);
  });

  test('logs go to the two log groups Glue writes to under its security configuration, retained, kept a year, encrypted with the lake key, '
    + 'whose policy lets CloudWatch Logs use it', () => {
    const prefix = `/aws-glue/jobs/cdk-mlops/${unique}`;
    expect(r.resources('AWS::Glue::Job')['Data/Curate'].DefaultArguments['--custom-logGroup-prefix']).toBe(prefix);
    expect(r.resources('AWS::Logs::LogGroup')).toEqual({
      'Data/Curate/ErrorLogs': { LogGroupName: glueGroup(prefix, unique, '<Data/Curate/Role>', 'error'), RetentionInDays: 365, KmsKeyId: '<Data/Lake/Key.Arn>' },
      'Data/Curate/OutputLogs': { LogGroupName: glueGroup(prefix, unique, '<Data/Curate/Role>', 'output'), RetentionInDays: 365, KmsKeyId: '<Data/Lake/Key.Arn>' },
    });
    expect(job.securityConfigurationName).toBe(unique);
    for (const [, v] of Object.entries<any>(r.template.Resources).filter(([, x]) => x.Type === 'AWS::Logs::LogGroup')) {
      expect([v.DeletionPolicy, v.UpdateReplacePolicy]).toEqual(['Retain', 'Retain']);
    }
    const policy = r.resources('AWS::KMS::Key')['Data/Lake/Key'].KeyPolicy.Statement;
    expect(policy.filter((s: any) => s.Sid === 'CloudWatchLogs')).toEqual([{
      Sid: 'CloudWatchLogs',
      Effect: 'Allow',
      Principal: { Service: 'logs.us-east-1.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:ReEncryptFrom', 'kms:ReEncryptTo'],
      Resource: '*',
      Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': 'arn:aws:logs:us-east-1:123456789012:log-group:*' } },
    }]);
  });

  test('the role\'s whole policy: the script, read the input folder, write the output and Spark UI folders, its log groups, the catalog, metrics', () => {
    const groups = {
      error: glueGroup(`${LOGS}/${unique}`, unique, '<Data/Curate/Role>', 'error'),
      output: glueGroup(`${LOGS}/${unique}`, unique, '<Data/Curate/Role>', 'output'),
    };
    expect(r.rolePolicy('Data/Curate/Role')).toEqual({
      statements: [
        { Action: 's3:GetObject', Effect: 'Allow', Resource: [expect.stringMatching(/^arn:aws:s3:::cdk-hnb659fds-assets-123456789012-us-east-1\/[0-9a-f]{64}\.py$/), '<Data/Lake/raw.Arn>/events/churn/*'] },
        { Action: 's3:ListBucket', Condition: { StringLike: { 's3:prefix': ['events/churn/*'] } }, Effect: 'Allow', Resource: '<Data/Lake/raw.Arn>' },
        { Action: 'kms:Decrypt', Condition: viaS3('raw', 'events/churn/*'), Effect: 'Allow', Resource: '<Data/Lake/Key.Arn>' },
        { Action: ['s3:AbortMultipartUpload', 's3:DeleteObject', 's3:GetObject', 's3:PutObject'], Effect: 'Allow', Resource: '<Data/Lake/curated.Arn>/churn/events/*' },
        { Action: 's3:ListBucket', Condition: { StringLike: { 's3:prefix': ['churn/events/*'] } }, Effect: 'Allow', Resource: '<Data/Lake/curated.Arn>' },
        { Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Condition: viaS3('curated', 'churn/events/*'), Effect: 'Allow', Resource: '<Data/Lake/Key.Arn>' },
        { Action: ['s3:AbortMultipartUpload', 's3:PutObject'], Effect: 'Allow', Resource: `<Data/Lake/monitoring.Arn>/spark-ui/${unique}/*` },
        { Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Condition: viaS3('monitoring', `spark-ui/${unique}/*`), Effect: 'Allow', Resource: '<Data/Lake/Key.Arn>' },
        {
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow',
          Resource: [`${groups.error}:log-stream:*`, `${groups.output}:log-stream:*`],
        },
        { Action: ['logs:AssociateKmsKey', 'logs:CreateLogGroup'], Effect: 'Allow', Resource: [groups.error, groups.output] },
        {
          Action: ['glue:BatchGetPartition', 'glue:GetDatabase', 'glue:GetPartition', 'glue:GetPartitions', 'glue:GetTable', 'glue:GetTables'],
          Effect: 'Allow',
          Resource: ['arn:aws:glue:us-east-1:123456789012:catalog', 'arn:aws:glue:us-east-1:123456789012:database/lake', 'arn:aws:glue:us-east-1:123456789012:table/lake/*'],
        },
        { Action: 'cloudwatch:PutMetricData', Condition: { StringEquals: { 'cloudwatch:namespace': 'Glue' } }, Effect: 'Allow', Resource: '*' },
      ],
      managedPolicyArns: [],
    });
  });

  test('the role is assumed by Glue only, and the job waits for the role\'s policy', () => {
    expect(r.resources('AWS::IAM::Role')['Data/Curate/Role'].AssumeRolePolicyDocument).toEqual({
      Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'glue.amazonaws.com' } }],
      Version: '2012-10-17',
    });
    const jobResource = Object.values<any>(r.template.Resources).find((v) => v.Type === 'AWS::Glue::Job');
    expect(jobResource.DependsOn.map((id: string) => r.pathOf(id)).sort()).toEqual(['Data/Curate/Role', 'Data/Curate/Role/DefaultPolicy']);
  });

  test('the role\'s policy waits for the log groups, so that Glue never creates one before CloudFormation does', () => {
    const policy = Object.values<any>(r.template.Resources).find((v) => v.Type === 'AWS::IAM::Policy');
    expect(policy.DependsOn.map((id: string) => r.pathOf(id)).sort()).toEqual(['Data/Curate/ErrorLogs', 'Data/Curate/OutputLogs']);
  });
});

describe('SparkJob, with every option', () => {
  const f = sparkFixture();
  const { job } = fullSparkJob(f);
  const r = Readable.of(f.stack);

  test('a named job on up to 10 auto-scaled G.2X workers, with bookmarks, 45 minutes, one retry, its own and the table\'s parameters', () => {
    expect(r.resources('AWS::Glue::Job')['Data/CurateAll']).toMatchObject({
      Name: 'curate-churn-events',
      WorkerType: 'G.2X',
      NumberOfWorkers: 10,
      Timeout: 45,
      MaxRetries: 1,
      DefaultArguments: {
        '--window_days': '30',
        '--output_table': 'churn_events',
        '--job-bookmark-option': 'job-bookmark-enable',
        '--enable-auto-scaling': 'true',
      },
    });
    expect(f.stack.resolve(job.jobArn)).toEqual({ 'Fn::Join': ['', ['arn:aws:glue:us-east-1:123456789012:job/', { Ref: expect.any(String) }]] });
  });

  test('with bookmarks, the role uses the lake key directly, and only directly (client-side encryption of bookmarks); it adds partitions to its table only', () => {
    const statements = r.rolePolicy('Data/CurateAll/Role').statements;
    expect(statements).toContainEqual({
      Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'], Condition: { Null: { 'kms:ViaService': 'true' } }, Effect: 'Allow', Resource: '<Data/Lake/Key.Arn>',
    });
    expect(statements).toContainEqual({
      Action: ['glue:BatchCreatePartition', 'glue:CreatePartition'], Effect: 'Allow',
      Resource: ['arn:aws:glue:us-east-1:123456789012:catalog', 'arn:aws:glue:us-east-1:123456789012:database/lake', 'arn:aws:glue:us-east-1:123456789012:table/lake/churn_events'],
    });
  });

  test('grantRun gives exactly the calls of the Step Functions .sync integration, on this job only', () => {
    expect(r.rolePolicy('Data/Starter')).toEqual({
      statements: [{
        Action: ['glue:BatchStopJobRun', 'glue:GetJobRun', 'glue:GetJobRuns', 'glue:StartJobRun'], Effect: 'Allow',
        Resource: 'arn:aws:glue:us-east-1:123456789012:job/<Data/CurateAll>',
      }],
      managedPolicyArns: [],
    });
  });
});

describe('SparkJob, other lakes', () => {
  test('Glue 5.1 is accepted, and the Spark UI goes to the output zone of a lake without a monitoring zone', () => {
    const f = sparkFixture();
    const lake = new DataLake(f.stack, 'Small', { zones: ['raw', 'curated'], databaseName: 'small' });
    new SparkJob(f.stack, 'Job', {
      lake, script: SparkScript.fromAsset(CURATE_SCRIPT), glueVersion: GlueVersion.V5_1,
      input: { zone: 'raw', prefix: 'a/' }, output: { zone: 'curated', prefix: 'b/' },
    });
    const job = Readable.of(f.stack).resources('AWS::Glue::Job')['Data/Job'];
    expect([job.GlueVersion, job.DefaultArguments['--spark-event-logs-path']]).toEqual(['5.1', 's3://<Data/Small/curated>/spark-ui/Data-Job-2B4C5B83/']);
  });

  test('with a lake without a key (no CloudWatch encryption), the log groups are <prefix>/error and /output, and the role associates no key', () => {
    const f = sparkFixture();
    const lake = DataLake.fromAttributes(f.stack, 'Plain', { zoneBucketNames: { raw: 'raw-bucket', curated: 'curated-bucket' }, databaseName: 'lake' });
    new SparkJob(f.stack, 'Job', {
      lake, script: SparkScript.fromAsset(CURATE_SCRIPT), input: { zone: 'raw', prefix: 'a/' }, output: { zone: 'curated', prefix: 'b/' },
    });
    const r = Readable.of(f.stack);
    expect(r.resources('AWS::Glue::SecurityConfiguration')['Data/Job/SecurityConfiguration'].EncryptionConfiguration).toEqual({
      S3Encryptions: [{ S3EncryptionMode: 'SSE-S3' }],
    });
    const prefix = '/aws-glue/jobs/cdk-mlops/Data-Job-2B4C5B83';
    expect(Object.values<any>(r.resources('AWS::Logs::LogGroup')).map((g) => g.LogGroupName)).toEqual([`${prefix}/error`, `${prefix}/output`]);
    expect(r.rolePolicy('Data/Job/Role').statements.filter((st: any) => JSON.stringify(st.Action).includes('logs:'))).toEqual([
      { Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Resource: [`${LOGS.replace('/aws-glue/jobs/cdk-mlops', prefix)}/error:log-stream:*`, `${LOGS.replace('/aws-glue/jobs/cdk-mlops', prefix)}/output:log-stream:*`] },
      { Action: 'logs:CreateLogGroup', Effect: 'Allow', Resource: [`${LOGS.replace('/aws-glue/jobs/cdk-mlops', prefix)}/error`, `${LOGS.replace('/aws-glue/jobs/cdk-mlops', prefix)}/output`] },
    ]);
  });

  test('fails when the construct path makes the name of a log group Glue would write to longer than CloudWatch Logs allows', () => {
    const f = sparkFixture();
    const id = 'J'.repeat(250);
    expect(() => new SparkJob(f.stack, id, {
      lake: f.lake, script: SparkScript.fromAsset(CURATE_SCRIPT), input: { zone: 'raw', prefix: 'a/' }, output: { zone: 'curated', prefix: 'b/' },
    })).toThrow(/^SparkJob Data\/J+: the construct path is too long: Glue would write the job's logs to a log group named \/aws-glue\/jobs\/cdk-mlops\/Data-J+-[0-9A-F]{8}\/Data-J+-[0-9A-F]{8}-role\/<role name>\/output, of up to 557 characters, but CloudWatch Logs allows at most 512; give the job or its scopes shorter construct ids$/);
  });

  test('with an imported lake key, the job warns that the key policy must let CloudWatch Logs use it', () => {
    const f = sparkFixture();
    const key = kms.Key.fromKeyArn(f.stack, 'Key', 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    const lake = DataLake.fromAttributes(f.stack, 'Imported', {
      zoneBucketNames: { raw: 'raw-bucket', curated: 'curated-bucket' }, encryptionKey: key, databaseName: 'lake',
    });
    new SparkJob(f.stack, 'Job', {
      lake, script: SparkScript.fromAsset(CURATE_SCRIPT), input: { zone: 'raw', prefix: 'a/' }, output: { zone: 'curated', prefix: 'b/' },
    });
    Annotations.fromStack(f.stack).hasWarning('/Data/Job', Match.stringLikeRegexp('its key policy must let logs.us-east-1.amazonaws.com use it'));
  });
});
