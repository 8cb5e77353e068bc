import * as fs from 'fs';
import * as path from 'path';
import { Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sns from 'aws-cdk-lib/aws-sns';
import { experimentFixture } from './fixtures';
import { AlertTopics, ModelEndpoint } from '../../lib';
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
      MemorySize: 256,
      Timeout: 60,
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
      successMeasure: { type: 'errorRate' },
      minimumSamples: 1000,
      significance: 0.05,
      latencyGuardrailPercent: 20,
      stepPercent: 10,
      onCompletion: 'PROMOTE',
      windowMinutes: 60,
      cooldownMinutes: 30,
      metricNamespace: 'cdk-mlops/Experiments',
    });
  });

  test('passes every setting of a full experiment to the handler', () => {
    const f = experimentFixture();
    const alerts = new AlertTopics(f.stack, 'Alerts');
    new AbExperiment(f.stack, 'ChurnV4', {
      endpoint: f.endpoint, championVariant: 'champion', challengerVariant: 'challenger',
      successMeasure: SuccessMeasure.businessMetric({ namespace: 'Shop', successMetricName: 'Conversions', trialMetricName: 'Offers' }),
      minimumSamples: 5000, significance: 0.01, latencyGuardrailPercent: 10, stepPercent: 25,
      schedule: scheduler.ScheduleExpression.rate(Duration.hours(6)), window: Duration.hours(4),
      onCompletion: ExperimentCompletion.HOLD, alerts, experimentName: 'churn-v4',
    });
    const template = Template.fromStack(f.stack);
    expect(input(template)).toMatchObject({
      experimentName: 'churn-v4',
      successMeasure: { type: 'businessMetric', namespace: 'Shop', successMetricName: 'Conversions', trialMetricName: 'Offers' },
      minimumSamples: 5000, significance: 0.01, latencyGuardrailPercent: 10, stepPercent: 25, onCompletion: 'HOLD',
      windowMinutes: 240, cooldownMinutes: 180,
      topicArn: expect.stringMatching(/^Ref:AlertsWarning/),
    });
  });

  test('uses a one-hour window with a cron schedule', () => {
    const { template } = experiment({ schedule: scheduler.ScheduleExpression.cron({ minute: '5' }) });
    expect(input(template)).toMatchObject({ windowMinutes: 60, cooldownMinutes: 30 });
  });

  test('grants exactly: metrics read, metrics write to its namespace, this endpoint\'s weights, its logs', () => {
    const { template } = experiment();
    expect(experimentPolicy(template)).toEqual([
      { Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^cdkmlopsabexperimentLogs/), 'Arn'] } },
      { Action: 'cloudwatch:GetMetricData', Effect: 'Allow', Resource: '*' },
      { Action: 'cloudwatch:PutMetricData', Effect: 'Allow', Resource: '*', Condition: { StringEquals: { 'cloudwatch:namespace': 'cdk-mlops/Experiments' } } },
      {
        Action: ['sagemaker:DescribeEndpoint', 'sagemaker:UpdateEndpointWeightsAndCapacities'],
        Effect: 'Allow',
        Resource: 'arn:aws:sagemaker:us-east-1:123456789012:endpoint/churn',
      },
    ].map((s) => expect.objectContaining(s)));
  });

  test('may publish to its notification topic only, with the topic key', () => {
    const f = experimentFixture();
    const alerts = new AlertTopics(f.stack, 'Alerts');
    new AbExperiment(f.stack, 'ChurnV4', { endpoint: f.endpoint, championVariant: 'champion', challengerVariant: 'challenger', alerts });
    const statements = experimentPolicy(Template.fromStack(f.stack));
    expect(statements).toEqual(expect.arrayContaining([
      expect.objectContaining({ Action: 'sns:Publish', Resource: { Ref: expect.stringMatching(/^AlertsWarning/) } }),
      expect.objectContaining({ Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: { 'Fn::GetAtt': [expect.stringMatching(/^AlertsKey/), 'Arn'] } }),
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

  test('defines one function per stack for all experiments, each with its own schedule', () => {
    const f = experimentFixture();
    const a = new AbExperiment(f.stack, 'A', { endpoint: f.endpoint, championVariant: 'champion', challengerVariant: 'challenger' });
    const b = new AbExperiment(f.stack, 'B', { endpoint: f.endpoint, championVariant: 'challenger', challengerVariant: 'champion' });
    const template = Template.fromStack(f.stack);
    template.resourceCountIs('AWS::Lambda::Function', 1);
    template.resourceCountIs('AWS::Scheduler::Schedule', 2);
    expect(a.experimentFunction).toBe(b.experimentFunction);
  });

  test('grants an imported endpoint by its ARN, without checking unknown variants', () => {
    const stack = new Stack(testApp(), 'Serve', { env: TEST_ENV });
    const endpoint = ModelEndpoint.fromEndpointName(stack, 'E', 'Fraud');
    new AbExperiment(stack, 'X', { endpoint, championVariant: 'a', challengerVariant: 'b' });
    expect(experimentPolicy(Template.fromStack(stack))).toEqual(expect.arrayContaining([
      expect.objectContaining({ Resource: 'arn:aws:sagemaker:us-east-1:123456789012:endpoint/fraud' }),
    ]));
  });

  test('exposes its decision metrics', () => {
    const { experiment: e, stack } = experiment();
    expect(stack.resolve(e.metricChallengerWeight().toMetricConfig().metricStat)).toMatchObject({
      namespace: 'cdk-mlops/Experiments', metricName: 'ChallengerWeight', statistic: 'Maximum',
      dimensions: [{ name: 'EndpointName', value: 'churn' }, { name: 'Experiment', value: 'ChurnV4' }],
    });
    expect(e.metricDecisions('ROLLBACK').dimensions).toEqual({ EndpointName: 'churn', Experiment: 'ChurnV4', Decision: 'ROLLBACK' });
    expect(e.metricPValue().metricName).toBe('PValue');
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

  test('fails when the schedule is shorter than the metric window', () => {
    expect(() => experiment({ schedule: scheduler.ScheduleExpression.rate(Duration.minutes(30)), window: Duration.hours(1) }))
      .toThrow(/schedule must be a rate at least as long as the window \(1 hour\).*got 'rate\(30 minutes\)'/);
  });

  test('fails when the schedule is shorter than SageMaker\'s 1-minute metric period', () => {
    expect(() => experiment({ schedule: scheduler.ScheduleExpression.expression('rate(0 minutes)'), window: Duration.minutes(1) }))
      .toThrow(/schedule must be a rate of at least 1 minute, the period of SageMaker's metrics, got 'rate\(0 minutes\)'/);
  });

  test('fails when the window is not whole minutes within 14 days', () => {
    expect(() => experiment({ window: Duration.seconds(90) })).toThrow(/window must be a whole number of minutes from 1 to 14 days/);
    expect(() => experiment({ window: Duration.days(20), schedule: scheduler.ScheduleExpression.rate(Duration.days(30)) })).toThrow(/window must be/);
  });

  test('fails when the latency guardrail is negative', () => {
    expect(() => experiment({ latencyGuardrailPercent: -1 })).toThrow(/latencyGuardrailPercent must be a percentage >= 0, got -1/);
  });

  test('fails when the business metric is in an AWS namespace', () => {
    expect(() => experiment({ successMeasure: SuccessMeasure.businessMetric({ namespace: 'AWS/SageMaker', successMetricName: 'Invocations' }) }))
      .toThrow(/successMeasure.namespace must be the application's own CloudWatch namespace/);
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
      successMeasure: SuccessMeasure.businessMetric({ namespace: 'Shop', successMetricName: 'Conversions' }),
      minimumSamples: 2000, significance: 0.01, latencyGuardrailPercent: 15, stepPercent: 20,
      schedule: scheduler.ScheduleExpression.rate(Duration.hours(2)), onCompletion: ExperimentCompletion.HOLD, alerts, experimentName: 'churn-v4',
    });
    expect(Template.fromStack(f.stack).toJSON()).toMatchSnapshot();
  });
});
