import { Duration } from 'aws-cdk-lib';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { fullPipeline, minimalPipeline, sparkFixture } from './spark-fixtures';
import { DataPipeline, DataPipelineProps } from '../../lib/processing';
import { Readable } from '../exact';

/** The parsed definition of a pipeline's state machine, references rendered as `<path>`. */
function definition(r: Readable, path: string): any {
  const body = r.resources('AWS::StepFunctions::StateMachine')[path].DefinitionString;
  return JSON.parse(body);
}

describe('DataPipeline, minimal', () => {
  const f = sparkFixture();
  const { pipeline } = minimalPipeline(f);
  const r = Readable.of(f.stack);

  test('defines a JSONata state machine with a timeout of the job\'s plus slack, X-Ray, all execution data logged', () => {
    const sm = r.resources('AWS::StepFunctions::StateMachine')['Data/Etl/StateMachine'];
    expect({ ...sm, DefinitionString: undefined }).toEqual({
      DefinitionString: undefined,
      RoleArn: '<Data/Etl/Role.Arn>',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: { Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: '<Data/Etl/Logs.Arn>' } }], IncludeExecutionData: true, Level: 'ALL' },
    });
    const def = definition(r, 'Data/Etl/StateMachine');
    expect([def.QueryLanguage, def.StartAt, def.TimeoutSeconds, Object.keys(def.States).sort()]).toEqual([
      'JSONata', 'Start', (120 + 15 + 15) * 60,
      ['AnotherRunInProgress', 'CheckOtherRuns', 'Failed', 'OtherRunInProgress', 'RunCurate', 'Start', 'Succeeded'],
    ]);
    expect(pipeline.timeout.toMinutes()).toBe(150);
  });

  test('a job state runs the job with .sync, retries Glue\'s transient errors and catches everything into Failed', () => {
    expect(definition(r, 'Data/Etl/StateMachine').States.RunCurate).toEqual({
      Type: 'Task',
      Comment: 'Runs the Glue job and waits for it to end (job 1 of 1)',
      Resource: 'arn:${AWS::Partition}:states:::glue:startJobRun.sync',
      Arguments: { JobName: '<Data/Curate>' },
      Assign: { jobRuns: '{% $append($jobRuns, [{"job": $states.result.JobName, "runId": $states.result.Id, "state": $states.result.JobRunState}]) %}' },
      Output: '{% $states.input %}',
      TimeoutSeconds: (120 + 15) * 60,
      Retry: [{
        ErrorEquals: ['Glue.ConcurrentRunsExceededException', 'Glue.ThrottlingException', 'Glue.InternalServiceException', 'Glue.OperationTimeoutException'],
        IntervalSeconds: 30, MaxAttempts: 5, BackoffRate: 2, MaxDelaySeconds: 300, JitterStrategy: 'FULL',
      }],
      Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Failed' }],
      Next: 'Succeeded',
    });
  });

  test('the role runs exactly its job and lists its own executions; the log key is its own', () => {
    const statements = r.rolePolicy('Data/Etl/Role').statements;
    expect(statements[0]).toEqual({
      Action: ['glue:BatchStopJobRun', 'glue:GetJobRun', 'glue:GetJobRuns', 'glue:StartJobRun'], Effect: 'Allow',
      Resource: 'arn:aws:glue:us-east-1:123456789012:job/<Data/Curate>',
    });
    expect(statements.filter((s: any) => String(s.Action).startsWith('states:'))).toEqual([
      { Action: 'states:ListExecutions', Effect: 'Allow', Resource: '<Data/Etl/StateMachine>' },
    ]);
    expect(statements.filter((s: any) => JSON.stringify(s.Action).includes('glue:') && s !== statements[0])).toEqual([]);
    expect(r.resources('AWS::Logs::LogGroup')['Data/Etl/Logs']).toEqual({ KmsKeyId: '<Data/Etl/LogsKey.Arn>', RetentionInDays: 365 });
  });

  test('the role is assumed by Step Functions for this account only (confused-deputy guard)', () => {
    // https://docs.aws.amazon.com/step-functions/latest/dg/procedure-create-iam-role.html
    expect(r.resources('AWS::IAM::Role')['Data/Etl/Role'].AssumeRolePolicyDocument).toEqual({
      Statement: [{
        Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'states.amazonaws.com' },
        Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } },
      }],
      Version: '2012-10-17',
    });
  });

  test('no schedule, no arrival rule; two alarms without actions (no alert topics)', () => {
    expect([r.resources('AWS::Scheduler::Schedule'), r.resources('AWS::Events::Rule'), pipeline.startRole, pipeline.deadLetterQueue]).toEqual([{}, {}, undefined, undefined]);
    const alarms = r.resources('AWS::CloudWatch::Alarm');
    expect(Object.keys(alarms).sort()).toEqual(['Data/Etl/FailedAlarm', 'Data/Etl/TimedOutAlarm']);
    expect(alarms['Data/Etl/FailedAlarm'].AlarmActions).toBeUndefined();
  });
});

describe('DataPipeline, with every option', () => {
  const f = sparkFixture();
  const { pipeline } = fullPipeline(f);
  const r = Readable.of(f.stack);
  const def = definition(r, 'Data/ChurnEtl/StateMachine');

  test('runs curate, then the quality gate, then features', () => {
    const next = (s: string) => def.States[s].Next;
    expect([def.StartAt, next('Start'), next('CheckOtherRuns'), def.States.OtherRunInProgress.Default, next('RunCurateAll'), next('StartDataQualityRun'),
      next('WaitForDataQuality'), next('GetDataQualityRun'), next('GetDataQualityResult'), def.States.DataQualityGate.Choices[0].Next, def.States.DataQualityGate.Default,
      next('RunFeatures')]).toEqual(['Start', 'CheckOtherRuns', 'OtherRunInProgress', 'RunCurateAll', 'StartDataQualityRun', 'WaitForDataQuality',
      'GetDataQualityRun', 'DataQualityRunDone', 'DataQualityGate', 'RunFeatures', 'DataQualityFailed', 'Succeeded']);
    expect(def.TimeoutSeconds).toBe((45 + 15 + 120 + 15 + 30 + 15 + 15) * 60);
  });

  test('the ruleset is the rules in DQDL, targeting the curated table', () => {
    expect(r.resources('AWS::Glue::DataQualityRuleset')).toEqual({
      'Data/ChurnEtl/Ruleset': {
        Name: 'churn-events',
        Description: 'Quality gate of the data pipeline Data/ChurnEtl',
        Ruleset: 'Rules = [\n  RowCount > 0,\n  IsComplete "customer_id",\n  ColumnValues "amount" >= 0\n]',
        TargetTable: { DatabaseName: 'lake', TableName: 'churn_events' },
      },
    });
  });

  test('the role runs both jobs, evaluates only its ruleset, polls evaluations, and passes only the evaluation role', () => {
    const statements = r.rolePolicy('Data/ChurnEtl/Role').statements;
    expect(statements.slice(0, 4)).toEqual([
      {
        Action: ['glue:BatchStopJobRun', 'glue:GetJobRun', 'glue:GetJobRuns', 'glue:StartJobRun'], Effect: 'Allow',
        Resource: ['arn:aws:glue:us-east-1:123456789012:job/<Data/CurateAll>', 'arn:aws:glue:us-east-1:123456789012:job/<Data/Features>'],
      },
      { Action: ['glue:GetDataQualityResult', 'glue:StartDataQualityRulesetEvaluationRun'], Effect: 'Allow', Resource: 'arn:aws:glue:us-east-1:123456789012:dataQualityRuleset/churn-events' },
      { Action: 'glue:GetDataQualityRulesetEvaluationRun', Effect: 'Allow', Resource: 'arn:aws:glue:us-east-1:123456789012:dataQualityRuleset/*' },
      { Action: 'iam:PassRole', Effect: 'Allow', Resource: '<Data/ChurnEtl/DataQualityRole.Arn>' },
    ]);
  });

  test('the evaluation role\'s whole policy: read the table, read its ruleset, publish and read its results, read its run, its metrics', () => {
    // https://docs.aws.amazon.com/glue/latest/dg/data-quality-authorization.html
    const glue = 'arn:aws:glue:us-east-1:123456789012';
    expect(r.rolePolicy('Data/ChurnEtl/DataQualityRole')).toEqual({
      statements: [
        {
          Action: ['glue:BatchGetPartition', 'glue:GetDatabase', 'glue:GetPartition', 'glue:GetPartitions', 'glue:GetTable', 'glue:GetTables'],
          Effect: 'Allow', Resource: [`${glue}:catalog`, `${glue}:database/lake`, `${glue}:table/lake/churn_events`],
        },
        { Action: 's3:GetObject', Effect: 'Allow', Resource: '<Data/Lake/curated.Arn>/churn/events/*' },
        { Action: 's3:ListBucket', Condition: { StringLike: { 's3:prefix': ['churn/events/*'] } }, Effect: 'Allow', Resource: '<Data/Lake/curated.Arn>' },
        {
          Action: 'kms:Decrypt', Effect: 'Allow', Resource: '<Data/Lake/Key.Arn>',
          Condition: {
            StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' },
            StringLike: { 'kms:EncryptionContext:aws:s3:arn': ['<Data/Lake/curated.Arn>', '<Data/Lake/curated.Arn>/churn/events/*'] },
          },
        },
        {
          Action: ['glue:GetDataQualityResult', 'glue:GetDataQualityRuleset', 'glue:PublishDataQuality'], Effect: 'Allow',
          Resource: `${glue}:dataQualityRuleset/churn-events`,
        },
        { Action: 'glue:GetDataQualityRulesetEvaluationRun', Effect: 'Allow', Resource: `${glue}:dataQualityRuleset/*` },
        { Action: 'cloudwatch:PutMetricData', Condition: { StringEquals: { 'cloudwatch:namespace': 'Glue Data Quality' } }, Effect: 'Allow', Resource: '*' },
      ],
      managedPolicyArns: [],
    });
  });

  test('starts at 02:00 UTC by EventBridge Scheduler and on objects under raw/events/churn/, with one role, retries and a dead-letter queue', () => {
    const target = { Arn: '<Data/ChurnEtl/StateMachine>', RoleArn: '<Data/ChurnEtl/StartRole.Arn>', DeadLetterConfig: { Arn: '<Data/ChurnEtl/StartDeadLetters.Arn>' },
      RetryPolicy: { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 5 } };
    expect(r.resources('AWS::Scheduler::Schedule')['Data/ChurnEtl/Schedule']).toEqual({
      Description: 'cdk-mlops data pipeline Data/ChurnEtl', FlexibleTimeWindow: { Mode: 'OFF' }, ScheduleExpression: 'cron(0 2 * * ? *)',
      ScheduleExpressionTimezone: 'Etc/UTC', State: 'ENABLED', Target: { ...target, Input: '{"trigger":"schedule"}' },
    });
    expect(r.resources('AWS::Events::Rule')['Data/ChurnEtl/OnArrival']).toEqual({
      Description: 'Runs Data/ChurnEtl when objects arrive under raw/events/churn/',
      EventPattern: {
        'source': ['aws.s3'], 'detail-type': ['Object Created'],
        'detail': { bucket: { name: ['<Data/Lake/raw>'] }, object: { key: [{ prefix: 'events/churn/' }] } },
      },
      State: 'ENABLED',
      Targets: [{
        ...target, Id: 'Target0',
        InputTransformer: { InputPathsMap: { 'detail-object-key': '$.detail.object.key' }, InputTemplate: '{"trigger":"arrival","key":<detail-object-key>}' },
      }],
    });
    expect(r.resources('AWS::IAM::Role')['Data/ChurnEtl/StartRole'].AssumeRolePolicyDocument).toEqual({
      Statement: [{
        Action: 'sts:AssumeRole', Effect: 'Allow', Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } },
        Principal: { Service: ['events.amazonaws.com', 'scheduler.amazonaws.com'] },
      }],
      Version: '2012-10-17',
    });
    expect(r.rolePolicy('Data/ChurnEtl/StartRole').statements).toEqual([
      { Action: 'states:StartExecution', Effect: 'Allow', Resource: '<Data/ChurnEtl/StateMachine>' },
      { Action: 'sqs:SendMessage', Effect: 'Allow', Resource: '<Data/ChurnEtl/StartDeadLetters.Arn>' },
    ]);
  });

  test('failed and timed-out runs alarm CRITICAL through the alert topics, named after the state machine', () => {
    const alarms = r.resources('AWS::CloudWatch::Alarm');
    const common = {
      ComparisonOperator: 'GreaterThanOrEqualToThreshold', DatapointsToAlarm: 1, EvaluationPeriods: 1, Namespace: 'AWS/States', Period: 3600,
      Statistic: 'Sum', Threshold: 1, TreatMissingData: 'notBreaching', Dimensions: [{ Name: 'StateMachineArn', Value: '<Data/ChurnEtl/StateMachine>' }],
      AlarmActions: ['<Data/Alerts/Critical>'], OKActions: ['<Data/Alerts/Critical>'],
    };
    expect(alarms['Data/ChurnEtl/FailedAlarm']).toEqual({
      ...common, AlarmName: 'churn-etl-failed', MetricName: 'ExecutionsFailed',
      AlarmDescription: '[CRITICAL] A run of the data pipeline Data/ChurnEtl failed: a Glue job failed or timed out, or the data failed its quality gate '
        + '(DataQualityFailed). Nothing after the failed step ran; see the execution\'s error and the job\'s logs.',
    });
    expect(alarms['Data/ChurnEtl/TimedOutAlarm']).toEqual({
      ...common, AlarmName: 'churn-etl-timed-out', MetricName: 'ExecutionsTimedOut',
      AlarmDescription: '[CRITICAL] A run of the data pipeline Data/ChurnEtl took longer than 4 hours 15 minutes and was stopped.',
    });
  });

  test('succeededEventPattern() matches this state machine\'s SUCCEEDED executions, not the skipped ones', () => {
    expect(f.stack.resolve(pipeline.succeededEventPattern())).toEqual({
      source: ['aws.states'], detailType: ['Step Functions Execution Status Change'],
      detail: { status: ['SUCCEEDED'], stateMachineArn: [{ Ref: expect.any(String) }], output: [{ 'anything-but': { prefix: '{"skipped"' } }] },
    });
  });
});

describe('DataPipeline bad input', () => {
  const f = sparkFixture();
  const { job: job1 } = minimalPipeline(f);
  let n = 0;
  const make = (props: Partial<DataPipelineProps>) => () => new DataPipeline(f.stack, `P${n++}`, { jobs: [job1], ...props } as DataPipelineProps);
  const table = { tableName: 'churn_events', databaseName: 'lake', tableArn: 'arn:aws:glue:us-east-1:123456789012:table/lake/churn_events', grantRead: () => undefined } as any;

  test('fails without jobs', () => expect(make({ jobs: [] })).toThrow(/^DataPipeline Data\/P\d+: jobs must be a list of 1 to 20 jobs, got \[\]$/));
  test('fails with a job listed twice', () => expect(make({ jobs: [job1, job1] })).toThrow(/jobs\[1\] must be a job listed once \(it is already in the list\), got the construct 'Data\/Curate'/));
  test('fails with a schedule more often than hourly', () => expect(make({ schedule: scheduler.ScheduleExpression.rate(Duration.minutes(30)) }))
    .toThrow(/schedule must be a rate of at least 1 hour \(a run of Spark jobs takes minutes to start; use runOnArrival for new data\)/));
  test('fails with arrival on the zone root', () => expect(make({ runOnArrival: { lake: f.lake, zone: 'raw', prefix: '' } }))
    .toThrow(/runOnArrival.prefix must be a folder of the zone, e.g. 'events\/churn\/' \(every object of the zone would start a run\), got ''/));
  test('fails with arrival in a zone the lake does not have', () => expect(make({ runOnArrival: { lake: f.lake, zone: 'landing', prefix: 'x/' } }))
    .toThrow(/runOnArrival.zone must be one of the lake's zones/));
  test('fails with a gate after a job that is not in the pipeline', () => {
    const other = minimalPipeline(sparkFixture()).job;
    expect(make({ dataQuality: { table, rules: ['RowCount > 0'], afterJob: other } })).toThrow(/dataQuality.afterJob must be one of the pipeline's jobs/);
  });
  test('fails with a gate without rules', () => expect(make({ dataQuality: { table, rules: [] } })).toThrow(/dataQuality.rules must be at least one DQDL rule/));
  test('fails with a whole ruleset instead of rules', () => expect(make({ dataQuality: { table, rules: ['Rules = [ RowCount > 0 ]'] } }))
    .toThrow(/dataQuality.rules\[0\] must be one DQDL rule such as 'IsComplete "customer_id"' \(the library writes the Rules = \[ ... \] around them\)/));
  test('fails with a gate timeout over 48 hours or one worker', () => expect(make({ dataQuality: { table, rules: ['RowCount > 0'], timeout: Duration.hours(49), numberOfWorkers: 1 } }))
    .toThrow(/2 problems:\n {2}- dataQuality.timeout must be a whole number of minutes from 1 to 2880, got 2 days 1 hour\n {2}- dataQuality.numberOfWorkers must be a whole number >= 2, got 1/));
  test('fails with a bad state machine name', () => expect(make({ stateMachineName: 'churn etl' })).toThrow(/stateMachineName must be 1-80 letters, digits, hyphens and underscores, got 'churn etl'/));
  test('fails with alarm tunings CloudWatch refuses', () => expect(make({ failedAlarm: { evaluationPeriods: 1, datapointsToAlarm: 2 } }))
    .toThrow(/failedAlarm.datapointsToAlarm must be a whole number from 1 to evaluationPeriods \(1\), got 2/));
});
