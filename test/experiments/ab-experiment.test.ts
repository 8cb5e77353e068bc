import * as fs from 'fs';
import * as path from 'path';
import { Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sns from 'aws-cdk-lib/aws-sns';
import { experimentFixture } from './fixtures';
import { AlertTopics, DataLake, ModelEndpoint } from '../../lib';
import { AbExperiment, AbExperimentProps, ExperimentCompletion, SuccessMeasure } from '../../lib/experiments';
import { TEST_ENV, testApp } from '../util';

function experiment(props: Partial<AbExperimentProps> = {}) {
  const f = experimentFixture();
  const e = new AbExperiment(f.stack, 'ChurnV4', { endpoint: f.endpoint, championVariant: 'champion', challengerVariant: 'challenger', ...props });
  return { ...f, experiment: e, template: Template.fromStack(f.stack) };
}

/** The schedule's input, parsed; references in an Fn::Join become 'Ref:<logical id>'. */
function input(template: Template): any {
  const schedule = Object.values(template.findResources('AWS::Scheduler::Schedule'))[0] as any;
  const raw = schedule.Properties.Target.Input;
  const text = typeof raw === 'string' ? raw : raw['Fn::Join'][1].map((p: any) => (typeof p === 'string' ? p : `Ref:${p.Ref}`)).join('');
  return JSON.parse(text);
}

function experimentPolicy(template: Template): any[] {
  const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^cdkmlopsabexperimentRole') }] } });
  expect(Object.keys(policies)).toHaveLength(1);
  return (Object.values(policies)[0] as any).Properties.PolicyDocument.Statement;
}

describe('AbExperiment', () => {
  test('runs the pre-built handler bundle on ARM64, Node.js 24, with encrypted logs kept a year', () => {
    const { template } = experiment();
    template.hasResourceProperties('AWS::Lambda::Function', {
      Architectures: ['arm64'],
      Runtime: 'nodejs24.x',
      Handler: 'index.handler',
      MemorySize: 512,
      Timeout: 300,
      Code: { S3Bucket: Match.anyValue(), S3Key: Match.stringLikeRegexp('^[0-9a-f]{64}\\.zip$') },
      LoggingConfig: Match.objectLike({ LogFormat: 'JSON', LogGroup: { Ref: Match.stringLikeRegexp('^cdkmlopsabexperimentLogs') } }),
    });
    template.hasResource('AWS::Logs::LogGroup', {
      DeletionPolicy: 'Retain',
      Properties: { RetentionInDays: 365, KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^cdkmlopshandlerlogskey'), 'Arn'] } },
    });
  });

  test('evaluates every hour with the experiment in the schedule input and the documented defaults', () => {
    const { template } = experiment();
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(1 hour)',
      State: 'ENABLED',
      Target: Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^cdkmlopsabexperimentFunction'), 'Arn'] }, RetryPolicy: { MaximumRetryAttempts: 2 } }),
    });
    expect(input(template)).toEqual({
      experimentName: 'ChurnV4',
      endpointName: 'churn',
      championVariant: 'champion',
      challengerVariant: 'challenger',
      significance: 0.05,
      errorMargin: 0.25,
      latencyMargin: 0.5,
      latencyMinimumSamples: 1000,
      minimumSamples: 1000,
      mixtureRelativeEffect: 0.1,
      stepPercent: 10,
      onCompletion: 'PROMOTE',
      windowMinutes: 1440,
      stateBucket: expect.stringMatching(/^Ref:LakeMonitoring|^Ref:Lake/),
      statePrefix: 'experiments/churn/ChurnV4/',
      metricNamespace: 'cdk-mlops/Experiments',
      latencyGuardrail: true,
    });
  });

  test('passes every setting of a full experiment to the handler', () => {
    const f = experimentFixture();
    const alerts = new AlertTopics(f.stack, 'Alerts');
    new AbExperiment(f.stack, 'ChurnV4', {
      endpoint: f.endpoint, championVariant: 'champion', challengerVariant: 'challenger',
      successMeasure: SuccessMeasure.groundTruth({
        groundTruthZone: f.lake.zone('curated'), groundTruthPrefix: 'ground-truth/churn/', positiveLabel: 'yes', captureLookback: Duration.hours(72),
      }),
      minimumSamples: 5000, significance: 0.01, errorMargin: 0.1, latencyMargin: 1, latencyGuardrail: false, stepPercent: 25,
      schedule: scheduler.ScheduleExpression.rate(Duration.hours(6)), window: Duration.hours(12),
      onCompletion: ExperimentCompletion.HOLD, alerts, experimentName: 'churn-v4', enabled: false,
    });
    const template = Template.fromStack(f.stack);
    expect(input(template)).toMatchObject({
      experimentName: 'churn-v4',
      successMeasure: {
        captureBucket: expect.stringMatching(/^Ref:Lake/), capturePrefix: 'data-capture', groundTruthBucket: expect.stringMatching(/^Ref:Lakecurated/),
        groundTruthPrefix: 'ground-truth/churn', positiveLabel: 'yes', captureLookbackHours: 72,
      },
      minimumSamples: 5000, significance: 0.01, errorMargin: 0.1, latencyMargin: 1, latencyGuardrail: false, stepPercent: 25, onCompletion: 'HOLD',
      windowMinutes: 720, statePrefix: 'experiments/churn/churn-v4/',
      topicArn: expect.stringMatching(/^Ref:AlertsWarning/),
    });
    template.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'rate(6 hours)', State: 'DISABLED' });
  });

  test('pools at most a day after a gap by default, or the rate when it is longer', () => {
    expect(input(experiment({ schedule: scheduler.ScheduleExpression.cron({ minute: '5' }) }).template).windowMinutes).toBe(1440);
    expect(input(experiment({ schedule: scheduler.ScheduleExpression.rate(Duration.days(2)) }).template).windowMinutes).toBe(2880);
    const tenMinutes = experiment({ schedule: scheduler.ScheduleExpression.rate(Duration.minutes(10)), window: Duration.minutes(10) });
    expect(input(tenMinutes.template).windowMinutes).toBe(10);
  });

  test('grants exactly: metrics read, metrics write to its namespace, this endpoint, configurations read, its state and reports, its logs', () => {
    const { template } = experiment();
    const stateArn = (suffix: string) => ({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^Lake/), 'Arn'] }, suffix]] });
    expect(experimentPolicy(template)).toEqual([
      { Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^cdkmlopsabexperimentLogs/), 'Arn'] } },
      // Failed runs go to the handler's own dead-letter queue (the function's DeadLetterConfig: sqs:SendMessage only).
      { Action: 'sqs:SendMessage', Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^cdkmlopsabexperimentDeadLetters/), 'Arn'] } },
      { Action: 'cloudwatch:GetMetricData', Effect: 'Allow', Resource: '*' },
      { Action: 'cloudwatch:PutMetricData', Effect: 'Allow', Resource: '*', Condition: { StringEquals: { 'cloudwatch:namespace': 'cdk-mlops/Experiments' } } },
      {
        Action: ['sagemaker:DescribeEndpoint', 'sagemaker:UpdateEndpointWeightsAndCapacities'],
        Effect: 'Allow',
        Resource: 'arn:aws:sagemaker:us-east-1:123456789012:endpoint/churn',
      },
      { Action: 'sagemaker:DescribeEndpointConfig', Effect: 'Allow', Resource: 'arn:aws:sagemaker:us-east-1:123456789012:endpoint-config/*' },
      { Action: ['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject'], Effect: 'Allow', Resource: stateArn('/experiments/churn/ChurnV4/*') },
      {
        Action: 's3:ListBucket', Effect: 'Allow', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^Lakemonitoring/), 'Arn'] },
        Condition: { StringLike: { 's3:prefix': ['experiments/churn/ChurnV4/*'] } },
      },
      // The lake key only when S3 uses it for this bucket: never to decrypt or encrypt directly.
      {
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^LakeKey/), 'Arn'] },
        Condition: {
          StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' },
          StringLike: { 'kms:EncryptionContext:aws:s3:arn': [{ 'Fn::GetAtt': [expect.stringMatching(/^Lakemonitoring/), 'Arn'] }, stateArn('/experiments/churn/ChurnV4/*')] },
        },
      },
    ]);
  });

  test('with a success measure also reads this endpoint\'s captures and the ground truth, nothing more', () => {
    const f = experimentFixture();
    new AbExperiment(f.stack, 'ChurnV4', {
      endpoint: f.endpoint, championVariant: 'champion', challengerVariant: 'challenger',
      successMeasure: SuccessMeasure.groundTruth({ groundTruthZone: f.lake.zone('curated'), groundTruthPrefix: 'ground-truth/churn/' }),
    });
    const statements = experimentPolicy(Template.fromStack(f.stack));
    const s3Statements = statements.filter((x) => JSON.stringify(x.Action).includes('s3:'));
    // Object ARNs as `<bucket logical id prefix>:<key pattern>`; list grants as `<prefix condition>`.
    const where = (x: any): string[] => (x.Condition ? x.Condition.StringLike['s3:prefix']
      : [x.Resource].flat().map((r: any) => `${r['Fn::Join'][1][0]['Fn::GetAtt'][0].replace(/[0-9A-F]{8}$/, '')}:${r['Fn::Join'][1][1]}`));
    expect(s3Statements.map((x) => [x.Action, where(x)])).toEqual([
      [['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject'], ['Lakemonitoring:/experiments/churn/ChurnV4/*']],
      ['s3:ListBucket', ['experiments/churn/ChurnV4/*']],
      ['s3:GetObject', ['Lakecurated:/ground-truth/churn/*', 'Lakemonitoring:/data-capture/churn/*']],
      ['s3:ListBucket', ['data-capture/churn/*']],
      ['s3:ListBucket', ['ground-truth/churn/*']],
    ]);
    expect(JSON.stringify(statements)).not.toContain('s3:DeleteObject');
  });

  test('may publish to its notification topic only, with the topic key', () => {
    const f = experimentFixture();
    const alerts = new AlertTopics(f.stack, 'Alerts');
    new AbExperiment(f.stack, 'ChurnV4', { endpoint: f.endpoint, championVariant: 'champion', challengerVariant: 'challenger', alerts });
    const statements = experimentPolicy(Template.fromStack(f.stack));
    expect(statements).toEqual(expect.arrayContaining([
      expect.objectContaining({ Action: 'sns:Publish', Resource: { Ref: expect.stringMatching(/^AlertsWarning/) } }),
      expect.objectContaining({
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^AlertsKey/), 'Arn'] },
      }),
    ]));
    expect(JSON.stringify(statements)).not.toContain('AlertsCritical');
  });

  test('publishes to a given notification topic instead of the warning topic', () => {
    const f = experimentFixture();
    const topic = sns.Topic.fromTopicArn(f.stack, 'Topic', 'arn:aws:sns:us-east-1:123456789012:ml-experiments');
    const e = new AbExperiment(f.stack, 'ChurnV4', { endpoint: f.endpoint, championVariant: 'champion', challengerVariant: 'challenger', notificationTopic: topic });
    const template = Template.fromStack(f.stack);
    expect(e.notificationTopic).toBe(topic);
    expect(input(template).topicArn).toBe('arn:aws:sns:us-east-1:123456789012:ml-experiments');
    expect(experimentPolicy(template)).toEqual(expect.arrayContaining([
      expect.objectContaining({ Action: 'sns:Publish', Resource: 'arn:aws:sns:us-east-1:123456789012:ml-experiments' }),
    ]));
  });

  test('has no notification topic and no sns:Publish without alerts', () => {
    const { template, experiment: e } = experiment();
    expect(e.notificationTopic).toBeUndefined();
    expect(input(template).topicArn).toBeUndefined();
    expect(JSON.stringify(experimentPolicy(template))).not.toContain('sns:');
  });

  test('alarms on any failed run, routed to the warning topic', () => {
    const f = experimentFixture();
    const alerts = new AlertTopics(f.stack, 'Alerts');
    new AbExperiment(f.stack, 'ChurnV4', { endpoint: f.endpoint, championVariant: 'champion', challengerVariant: 'challenger', alerts });
    new AbExperiment(f.stack, 'ChurnV5', { endpoint: f.endpoint, championVariant: 'champion', challengerVariant: 'challenger', alerts });
    Template.fromStack(f.stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Namespace: 'AWS/Lambda',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^AlertsWarning') }], // once, however many experiments
      OKActions: [{ Ref: Match.stringLikeRegexp('^AlertsWarning') }],
    });
  });

  describe('heartbeat', () => {
    /** The heartbeat alarms of a template (on the function's invocations). */
    const heartbeats = (template: Template) => Object.values<any>(template.findResources('AWS::CloudWatch::Alarm'))
      .filter((a) => a.Properties.MetricName === 'Invocations').map((a) => a.Properties);
    const evaluation = (rate: scheduler.ScheduleExpression) => heartbeats(experiment({ schedule: rate }).template)
      .map((p) => ({ period: p.Period, evaluationPeriods: p.EvaluationPeriods, datapointsToAlarm: p.DatapointsToAlarm }));
    /** `n` of `n` periods of `period` seconds. */
    const beat = (period: number, n: number) => [{ period, evaluationPeriods: n, datapointsToAlarm: n }];
    const everyMinutes = (m: number) => scheduler.ScheduleExpression.rate(Duration.minutes(m));

    test('alarms when the function has not run for three schedule periods, missing data breaching, routed to the warning topic', () => {
      const f = experimentFixture();
      const alerts = new AlertTopics(f.stack, 'Alerts');
      const e = new AbExperiment(f.stack, 'ChurnV4', { endpoint: f.endpoint, championVariant: 'champion', challengerVariant: 'challenger', alerts });
      const template = Template.fromStack(f.stack);
      expect(heartbeats(template)).toEqual([{
        AlarmDescription: '[WARNING] The cdk-mlops ab-experiment function has not run for 3 hours: the decision loop of experiment ChurnV4 on endpoint '
          + 'churn stopped (its schedule deleted or disabled, invocations dropped, or the function not invoked).',
        Namespace: 'AWS/Lambda',
        MetricName: 'Invocations',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: expect.stringMatching(/^cdkmlopsabexperimentFunction/) } }],
        Statistic: 'Sum',
        Period: 3600,
        EvaluationPeriods: 3,
        DatapointsToAlarm: 3,
        Threshold: 1,
        ComparisonOperator: 'LessThanThreshold',
        TreatMissingData: 'breaching',
        AlarmActions: [{ Ref: expect.stringMatching(/^AlertsWarning/) }],
        OKActions: [{ Ref: expect.stringMatching(/^AlertsWarning/) }],
      }].map((p) => expect.objectContaining(p)));
      expect(e.heartbeatAlarm).toBeDefined();
    });

    test('one more alarm per experiment, each on its own schedule\'s period', () => {
      const f = experimentFixture();
      const before = Object.keys(Template.fromStack(experimentFixture().stack).findResources('AWS::CloudWatch::Alarm')).length;
      new AbExperiment(f.stack, 'A', { endpoint: f.endpoint, championVariant: 'champion', challengerVariant: 'challenger' });
      const one = Object.keys(Template.fromStack(f.stack).findResources('AWS::CloudWatch::Alarm')).length;
      const g = experimentFixture();
      new AbExperiment(g.stack, 'A', { endpoint: g.endpoint, championVariant: 'champion', challengerVariant: 'challenger' });
      new AbExperiment(g.stack, 'B', {
        endpoint: g.endpoint, championVariant: 'challenger', challengerVariant: 'champion', schedule: scheduler.ScheduleExpression.rate(Duration.minutes(30)),
      });
      const template = Template.fromStack(g.stack);
      // Without an experiment: the endpoint's alarms; the first experiment adds the shared function's 4 and its heartbeat.
      expect(one - before).toBe(5);
      expect(Object.keys(template.findResources('AWS::CloudWatch::Alarm')).length).toBe(one + 1);
      expect(heartbeats(template).map((p) => p.Period).sort()).toEqual([1800, 3600]);
    });

    test('at the shortest rate, 10 minutes: three 10-minute periods', () => {
      expect(evaluation(everyMinutes(10))).toEqual(beat(600, 3));
    });

    test('under an hour, within the 1-day limit of short periods (59 minutes)', () => {
      expect(evaluation(everyMinutes(59))).toEqual(beat(3540, 3));
    });

    test('at 3,360 minutes three periods are exactly 7 days (604,800 s); at 3,361 a day for 7 days', () => {
      expect(evaluation(everyMinutes(3360))).toEqual(beat(201600, 3));
      expect(evaluation(everyMinutes(3361))).toEqual(beat(86400, 7));
    });

    test('up to a rate of 6 days a day for 7 days; over 6 days no heartbeat, with a warning', () => {
      expect(evaluation(scheduler.ScheduleExpression.rate(Duration.days(6)))).toEqual(beat(86400, 7));
      const { template, stack, experiment: e } = experiment({ schedule: everyMinutes(8641) });
      expect(heartbeats(template)).toEqual([]);
      expect(e.heartbeatAlarm).toBeUndefined();
      const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('cdk-mlops:experiment-no-heartbeat'));
      expect(warnings).toHaveLength(1);
      expect(warnings[0].entry.data).toContain('no CloudWatch alarm can wait that long (at most 7 days)');
      expect(Annotations.fromStack(experiment({ schedule: scheduler.ScheduleExpression.rate(Duration.days(6)) }).stack)
        .findWarning('*', Match.stringLikeRegexp('cdk-mlops:experiment-no-heartbeat'))).toHaveLength(0);
    });

    test('on a cron schedule a day for 7 days', () => {
      expect(evaluation(scheduler.ScheduleExpression.cron({ minute: '0', hour: '9', weekDay: 'MON-FRI' })))
        .toEqual(beat(86400, 7));
    });

    test('on a cron whose runs are at most 6 days apart a day for 7 days; further apart, or with L/W/#, none, with a warning', () => {
      const cron = (e: string) => scheduler.ScheduleExpression.expression(e);
      const warned = (e: string) => Annotations.fromStack(experiment({ schedule: cron(e) }).stack)
        .findWarning('*', Match.stringLikeRegexp('cdk-mlops:experiment-no-heartbeat')).map((w) => w.entry.data);
      // Daily, and two days a week 4 and 3 days apart, and one 6 days apart at the most (Sunday and Saturday).
      for (const e of ['cron(0 9 * * ? *)', 'cron(0 9 ? * SUN,THU *)', 'cron(0 9 ? * SUN,SAT *)']) {
        expect({ e, beat: evaluation(cron(e)) }).toEqual({ e, beat: beat(86400, 7) });
        expect(warned(e)).toEqual([]);
      }
      // Weekly (7 days apart), monthly, the last day of the month.
      for (const [e, why] of [['cron(0 9 ? * MON *)', 'can go 7 days without a run'], ['cron(0 9 1 * ? *)', 'can go 31 days without a run'],
        ['cron(0 9 L * ? *)', 'runs on days given with L, W or #']]) {
        const { template, experiment: x } = experiment({ schedule: cron(e) });
        expect(heartbeats(template)).toEqual([]);
        expect(x.heartbeatAlarm).toBeUndefined();
        expect(warned(e)).toEqual([expect.stringContaining(`The schedule ${e} ${why}: no CloudWatch alarm can wait that long`)]);
      }
    });

    test('stays within CloudWatch\'s limits and never fires between punctual runs, for every rate it watches', () => {
      for (const minutes of [10, 11, 45, 59, 60, 61, 90, 120, 479, 480, 1440, 2000, 3359, 3360, 3361, 5000, 8639, 8640]) {
        const [e] = evaluation(everyMinutes(minutes));
        const total = e.period * e.evaluationPeriods;
        expect({ minutes, withinLimit: total <= (e.period < 3600 ? 86400 : 604800), wholeMinutes: e.period % 60 === 0 })
          .toEqual({ minutes, withinLimit: true, wholeMinutes: true });
        // A gap of one rate between two runs covers at most floor(rate / period) whole periods: fewer than it needs to fire.
        const wholePeriodsInGap = Math.floor((minutes * 60) / e.period);
        expect({ minutes, quietBetweenRuns: wholePeriodsInGap < e.datapointsToAlarm }).toEqual({ minutes, quietBetweenRuns: true });
      }
    });

    test('has none when the schedule is disabled on purpose', () => {
      const { template, experiment: e } = experiment({ enabled: false });
      expect(heartbeats(template)).toEqual([]);
      expect(e.heartbeatAlarm).toBeUndefined();
    });
  });

  test('defines one function per stack for all experiments, each with its own schedule', () => {
    const f = experimentFixture();
    const a = new AbExperiment(f.stack, 'A', { endpoint: f.endpoint, championVariant: 'champion', challengerVariant: 'challenger' });
    const b = new AbExperiment(f.stack, 'B', { endpoint: f.endpoint, championVariant: 'challenger', challengerVariant: 'champion' });
    const template = Template.fromStack(f.stack);
    template.resourceCountIs('AWS::Lambda::Function', 1);
    template.resourceCountIs('AWS::Scheduler::Schedule', 2);
    expect(a.experimentFunction).toBe(b.experimentFunction);
  });

  test('grants an imported endpoint by its ARN, without checking unknown variants, with a report zone', () => {
    const stack = new Stack(testApp(), 'Serve', { env: TEST_ENV });
    const lake = new DataLake(stack, 'Lake');
    const endpoint = ModelEndpoint.fromEndpointName(stack, 'E', 'Fraud');
    const e = new AbExperiment(stack, 'X', { endpoint, championVariant: 'a', challengerVariant: 'b', reportZone: lake.zone('curated') });
    expect(e.reportZone).toBe(lake.zone('curated'));
    expect(e.reportPrefix).toBe('experiments/Fraud/X/');
    expect(experimentPolicy(Template.fromStack(stack))).toEqual(expect.arrayContaining([
      expect.objectContaining({ Resource: 'arn:aws:sagemaker:us-east-1:123456789012:endpoint/fraud' }),
    ]));
  });

  test('joins ground truth to the captures given for an imported endpoint', () => {
    const stack = new Stack(testApp(), 'Serve', { env: TEST_ENV });
    const lake = new DataLake(stack, 'Lake');
    const endpoint = ModelEndpoint.fromEndpointName(stack, 'E', 'fraud');
    new AbExperiment(stack, 'X', {
      endpoint, championVariant: 'a', challengerVariant: 'b',
      dataCapture: { zone: lake.zone('raw'), prefix: 'captures/', captureInput: true, captureOutput: true, samplingPercentage: 5 },
      successMeasure: SuccessMeasure.groundTruth({ groundTruthZone: lake.zone('curated'), groundTruthPrefix: '' }),
    });
    expect(input(Template.fromStack(stack)).successMeasure).toMatchObject({ capturePrefix: 'captures', groundTruthPrefix: '', positiveLabel: '1', captureLookbackHours: 48 });
  });

  test('exposes its decision metrics', () => {
    const { experiment: e, stack } = experiment();
    expect(stack.resolve(e.metricChallengerWeight().toMetricConfig().metricStat)).toMatchObject({
      namespace: 'cdk-mlops/Experiments', metricName: 'ChallengerWeight', statistic: 'Maximum',
      dimensions: [{ name: 'EndpointName', value: 'churn' }, { name: 'Experiment', value: 'ChurnV4' }],
    });
    expect(e.metricDecisions('ROLLBACK').dimensions).toEqual({ EndpointName: 'churn', Experiment: 'ChurnV4', Decision: 'ROLLBACK' });
    expect(e.metricPValue().metricName).toBe('PValue');
    expect(e.metricErrorGuardrailPValue().metricName).toBe('ErrorGuardrailPValue');
    expect(e.metricLatencyGuardrailPValue().metricName).toBe('LatencyGuardrailPValue');
    expect(e.metricDecisions('SHIFT').period.toMinutes()).toBe(60);
  });

  test('warns when a deployment of the endpoint would reset the weights it shifts', () => {
    const { stack } = experiment();
    Annotations.fromStack(stack).hasWarning('/Serve/ChurnV4', Match.stringLikeRegexp('does not retain variant weights.*retainWeightsOnDeploy: true'));
    const f = experimentFixture(testApp(), { retainWeightsOnDeploy: true });
    new AbExperiment(f.stack, 'ChurnV4', { endpoint: f.endpoint, championVariant: 'champion', challengerVariant: 'challenger' });
    Annotations.fromStack(f.stack).hasNoWarning('/Serve/ChurnV4', Match.anyValue());
  });

  test('never bundles at synth: the code is the folder of the bundle built by npm run build', () => {
    const fromAsset = jest.spyOn(lambda.Code, 'fromAsset');
    try {
      experiment();
      expect(fromAsset).toHaveBeenCalledTimes(1);
      const [dir, options] = fromAsset.mock.calls[0];
      expect(dir).toMatch(/[\\/]dist[\\/]lambda[\\/]ab-experiment$/);
      expect(fs.existsSync(path.join(dir, 'index.js'))).toBe(true);
      expect(options?.bundling).toBeUndefined();
    } finally {
      fromAsset.mockRestore();
    }
  });
});

describe('AbExperiment bad input', () => {
  test('fails when a variant is not on the endpoint', () => {
    expect(() => experiment({ challengerVariant: 'challenjer' }))
      .toThrow(/AbExperiment Serve\/ChurnV4: challengerVariant must be a production variant of endpoint churn \('champion', 'challenger'\), got 'challenjer'/);
  });

  test('fails when the champion is the challenger', () => {
    expect(() => experiment({ challengerVariant: 'champion' })).toThrow(/challengerVariant must be a variant other than the champion, got 'champion'/);
  });

  test.each([0, -0.1, 0.51, 1])('fails when significance is outside (0, 0.5]: %d', (significance) => {
    expect(() => experiment({ significance })).toThrow(new RegExp(`significance must be a level in \\(0, 0.5\\], e.g. 0.05, got ${significance}`));
  });

  test.each([0, -5, 100.5, 150])('fails when the step is outside (0, 100]: %d', (stepPercent) => {
    expect(() => experiment({ stepPercent })).toThrow(new RegExp(`stepPercent must be a percentage in \\(0, 100\\], got ${stepPercent}`));
  });

  test.each([0, -1, 10.5])('fails when minimum samples are below 1 or fractional: %d', (minimumSamples) => {
    expect(() => experiment({ minimumSamples })).toThrow(new RegExp(`minimumSamples must be a whole number >= 1, got ${minimumSamples}`));
  });

  test.each([0, -0.25])('fails when the error margin is not > 0: %d', (errorMargin) => {
    expect(() => experiment({ errorMargin })).toThrow(new RegExp(`errorMargin must be a relative margin > 0, e.g. 0.25, got ${errorMargin}`));
  });

  test.each([0, -1])('fails when the latency margin is not > 0: %d', (latencyMargin) => {
    expect(() => experiment({ latencyMargin })).toThrow(new RegExp(`latencyMargin must be a relative margin > 0, e.g. 0.5, got ${latencyMargin}`));
  });

  test('accepts the boundaries: significance 0.5, step 100, tiny margins', () => {
    expect(() => experiment({ significance: 0.5, stepPercent: 100, errorMargin: 0.001, latencyMargin: 0.001, minimumSamples: 1 })).not.toThrow();
  });

  test('fails when the schedule is more frequent than the metrics and captures can fill', () => {
    expect(() => experiment({ schedule: scheduler.ScheduleExpression.rate(Duration.minutes(9)) }))
      .toThrow(/AbExperiment Serve\/ChurnV4: schedule must be a rate of at least 10 minutes \(SageMaker writes capture files.*got 'rate\(9 minutes\)'/);
    expect(() => experiment({ schedule: scheduler.ScheduleExpression.rate(Duration.minutes(10)), window: Duration.minutes(10) })).not.toThrow();
  });

  test('fails on a cron schedule that EventBridge would reject, as DriftMonitor does', () => {
    expect(() => experiment({ schedule: scheduler.ScheduleExpression.expression('cron(0 * * * * *)') }))
      .toThrow(/schedule must be a rate\(...\) or a cron\(.*exactly one of day-of-month and day-of-week must be '\?', got 'cron\(0 \* \* \* \* \*\)'/);
  });

  test('fails when the window is shorter than the rate, fractional, or over 14 days', () => {
    expect(() => experiment({ schedule: scheduler.ScheduleExpression.rate(Duration.hours(2)), window: Duration.hours(1) }))
      .toThrow(/window must be a whole number of minutes from 2 hours \(the schedule's rate\) to 14 days, got 1 hour/);
    expect(() => experiment({ window: Duration.seconds(3630) })).toThrow(/window must be a whole number of minutes/);
    expect(() => experiment({ window: Duration.days(15) })).toThrow(/window must be/);
    expect(() => experiment({ window: Duration.days(14) })).not.toThrow();
  });

  test('fails when the success measure has no ground truth location', () => {
    const f = experimentFixture();
    expect(() => new AbExperiment(f.stack, 'X', {
      endpoint: f.endpoint, championVariant: 'champion', challengerVariant: 'challenger',
      successMeasure: SuccessMeasure.groundTruth({ groundTruthPrefix: 'gt/' } as any),
    })).toThrow(/AbExperiment Serve\/X: successMeasure needs groundTruthZone and groundTruthPrefix: where the ground-truth files land/);
    expect(() => new AbExperiment(f.stack, 'Y', {
      endpoint: f.endpoint, championVariant: 'champion', challengerVariant: 'challenger',
      successMeasure: SuccessMeasure.groundTruth({ groundTruthZone: f.lake.zone('curated') } as any),
    })).toThrow(/successMeasure needs groundTruthZone and groundTruthPrefix/);
  });

  test.each(['gt', '/gt/', 'gt/*/'])('fails when the ground-truth prefix is not a key prefix: %s', (groundTruthPrefix) => {
    const f = experimentFixture();
    expect(() => new AbExperiment(f.stack, 'X', {
      endpoint: f.endpoint, championVariant: 'champion', challengerVariant: 'challenger',
      successMeasure: SuccessMeasure.groundTruth({ groundTruthZone: f.lake.zone('curated'), groundTruthPrefix }),
    })).toThrow(new RegExp(`successMeasure.groundTruthPrefix must be a key prefix ending with '/', without a leading slash or wildcards, got '${groundTruthPrefix.replace('*', '\\*')}'`));
  });

  test('fails on an empty positive label and a fractional lookback', () => {
    const f = experimentFixture();
    expect(() => new AbExperiment(f.stack, 'X', {
      endpoint: f.endpoint, championVariant: 'champion', challengerVariant: 'challenger',
      successMeasure: SuccessMeasure.groundTruth({ groundTruthZone: f.lake.zone('curated'), groundTruthPrefix: 'gt/', positiveLabel: ' ', captureLookback: Duration.minutes(90) }),
    })).toThrow(/2 problems:\n  - successMeasure.positiveLabel must be a non-empty label, got ' '\n  - successMeasure.captureLookback must be a whole number of hours from 0 to 336, got 1 hour 30 minutes/);
  });

  test('fails when a success measure has no captured requests to join to', () => {
    const f = experimentFixture(testApp(), { capture: false });
    expect(() => new AbExperiment(f.stack, 'X', {
      endpoint: f.endpoint, championVariant: 'champion', challengerVariant: 'challenger', reportZone: f.lake.zone('curated'),
      successMeasure: SuccessMeasure.groundTruth({ groundTruthZone: f.lake.zone('curated'), groundTruthPrefix: 'gt/' }),
    })).toThrow(/endpoint must be an endpoint with data capture \(ModelEndpoint dataCapture\), or give dataCapture: the success measure joins ground truth/);
  });

  test('fails without a place for its state and reports', () => {
    const f = experimentFixture(testApp(), { capture: false });
    expect(() => new AbExperiment(f.stack, 'X', { endpoint: f.endpoint, championVariant: 'champion', challengerVariant: 'challenger' }))
      .toThrow(/reportZone is needed \(where the experiment keeps its state and reports\) when the endpoint has no data capture/);
  });

  test('fails when JavaScript callers omit a required prop', () => {
    const f = experimentFixture();
    expect(() => new AbExperiment(f.stack, 'X', { endpoint: f.endpoint, championVariant: 'champion' } as any))
      .toThrow(/AbExperiment Serve\/X: challengerVariant must be the name of the challenger variant, got undefined/);
  });

  test('fails when two experiments of a stack ask for different runtimes', () => {
    const f = experimentFixture();
    new AbExperiment(f.stack, 'A', { endpoint: f.endpoint, championVariant: 'champion', challengerVariant: 'challenger' });
    expect(() => new AbExperiment(f.stack, 'B', {
      endpoint: f.endpoint, championVariant: 'champion', challengerVariant: 'challenger', runtime: lambda.Runtime.NODEJS_22_X,
    })).toThrow(/AbExperiment Serve\/B: runtime must be nodejs24.x, the runtime of the stack's experiment function.*got 'nodejs22.x'/);
  });

  test('reports every problem at once', () => {
    expect(() => experiment({ significance: 2, stepPercent: 0, minimumSamples: 0 })).toThrow(/3 problems/);
  });
});

describe('AbExperiment snapshots', () => {
  test('minimal', () => {
    expect(experiment().template.toJSON()).toMatchSnapshot();
  });

  test('full', () => {
    const f = experimentFixture(testApp(), { retainWeightsOnDeploy: true });
    const alerts = new AlertTopics(f.stack, 'Alerts');
    new AbExperiment(f.stack, 'ChurnV4', {
      endpoint: f.endpoint, championVariant: 'champion', challengerVariant: 'challenger',
      successMeasure: SuccessMeasure.groundTruth({ groundTruthZone: f.lake.zone('curated'), groundTruthPrefix: 'ground-truth/churn/' }),
      minimumSamples: 2000, significance: 0.01, errorMargin: 0.2, stepPercent: 20,
      schedule: scheduler.ScheduleExpression.rate(Duration.hours(2)), onCompletion: ExperimentCompletion.HOLD, alerts, experimentName: 'churn-v4',
    });
    expect(Template.fromStack(f.stack).toJSON()).toMatchSnapshot();
  });
});
