import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AlarmSeverity, AlertTopics, EndpointAlarmKind, EndpointAlarms, EndpointAlarmsProps, ModelEndpoint } from '../../lib';
import { instanceFacts } from '../../lib/private/instance-catalog';
import { TEST_ENV, testApp } from '../util';

function setup(props: Partial<EndpointAlarmsProps> = {}, serverless: string[] = []) {
  const stack = new Stack(testApp(), 'Mon', { env: TEST_ENV });
  const endpoint = ModelEndpoint.fromEndpointAttributes(stack, 'Endpoint', {
    endpointName: 'churn',
    variantNames: ['champion', 'challenger', ...serverless],
    serverlessVariantNames: serverless,
  });
  const alerts = new AlertTopics(stack, 'Alerts');
  // Per variant: most tests here are about the per-variant alarms (the endpoint-wide defaults: 'endpoint-wide by default' below).
  const alarms = new EndpointAlarms(stack, 'Alarms', { endpoint, alerts, perVariant: true, ...props });
  return { stack, endpoint, alerts, alarms, template: Template.fromStack(stack) };
}

describe('EndpointAlarms', () => {
  test('defines error-rate, latency and traffic alarms per endpoint and per variant, with deterministic names', () => {
    const { template } = setup();
    const names = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a: any) => a.Properties.AlarmName).sort();
    expect(names).toEqual(expect.arrayContaining([
      'churn-endpoint-5xx-rate', 'churn-endpoint-4xx-rate', 'churn-endpoint-model-latency-p99', 'churn-endpoint-overhead-latency-p99',
      'churn-endpoint-no-traffic',
      'churn-variant-champion-5xx-rate', 'churn-variant-challenger-5xx-rate', 'churn-variant-champion-model-latency-p99',
      'churn-variant-champion-cpu', 'churn-variant-champion-memory', 'churn-variant-champion-disk',
    ]));
    template.hasResourceProperties('AWS::CloudWatch::CompositeAlarm', { AlarmName: 'churn-endpoint-health' });
  });

  test('computes the 5XX error rate with metric math, in percent, against flapping', () => {
    const { template } = setup();
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'churn-variant-champion-5xx-rate',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 5,
      DatapointsToAlarm: 3,
      TreatMissingData: 'notBreaching',
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'IF(requests > 0, 100 * errors / requests, 0)', ReturnData: true }),
        Match.objectLike({
          Id: 'errors',
          MetricStat: Match.objectLike({
            Metric: {
              Namespace: 'AWS/SageMaker',
              MetricName: 'Invocation5XXErrors',
              Dimensions: Match.arrayWith([{ Name: 'EndpointName', Value: 'churn' }, { Name: 'VariantName', Value: 'champion' }]),
            },
            Stat: 'Sum',
          }),
        }),
      ]),
    });
  });

  test('alarms on p99 model latency in microseconds', () => {
    const { template } = setup({ modelLatency: { threshold: Duration.millis(250) } });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'churn-variant-challenger-model-latency-p99',
      MetricName: 'ModelLatency',
      ExtendedStatistic: 'p99',
      Threshold: 250000,
    });
  });

  test('treats no datapoint as no traffic', () => {
    const { template } = setup();
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'churn-endpoint-no-traffic',
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1,
      TreatMissingData: 'breaching',
    });
  });

  test('routes warnings and criticals to different topics, on alarm and on recovery', () => {
    const { template, stack, alerts } = setup();
    const critical = stack.resolve((alerts.criticalTopic as sns.Topic).topicArn);
    const warning = stack.resolve((alerts.warningTopic as sns.Topic).topicArn);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'churn-endpoint-5xx-rate', AlarmActions: [critical], OKActions: [critical],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'churn-endpoint-4xx-rate', AlarmActions: [warning], OKActions: [warning],
    });
  });

  test('tunes, re-routes or switches off alarms one by one', () => {
    const { template, alarms } = setup({
      errorRate4xx: { enabled: false },
      errorRate5xx: { thresholdPercent: 2.5, evaluationPeriods: 10, datapointsToAlarm: 4, severity: AlarmSeverity.WARNING },
    });
    expect(alarms.alarm(EndpointAlarmKind.ERROR_RATE_4XX)).toBeUndefined();
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'churn-endpoint-5xx-rate', Threshold: 2.5, EvaluationPeriods: 10, DatapointsToAlarm: 4,
    });
    const names = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a: any) => a.Properties.AlarmName);
    expect(names.filter((n) => n.endsWith('4xx-rate'))).toEqual([]);
  });

  test('builds the health alarm from the endpoint 5XX and latency alarms', () => {
    const { template } = setup();
    template.hasResourceProperties('AWS::CloudWatch::CompositeAlarm', {
      AlarmName: 'churn-endpoint-health',
      AlarmRule: {
        'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('ALARM\\(')])],
      },
    });
  });

  test('gives serverless variants their own alarms and none they cannot publish', () => {
    const { template } = setup({}, ['burst']);
    const names = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a: any) => a.Properties.AlarmName);
    expect(names).toEqual(expect.arrayContaining(['churn-variant-burst-serverless-concurrency', 'churn-variant-burst-memory']));
    expect(names.filter((n) => /burst-(cpu|disk|gpu)/.test(n))).toEqual([]);
  });

  test('fails when an alarm is asked for on a metric a serverless variant does not publish', () => {
    expect(() => setup({ gpuUtilization: { enabled: true } }, ['burst']))
      .toThrow(/EndpointAlarms Mon\/Alarms: gpuUtilization is enabled, but variant 'burst' is serverless/);
  });

  test('fails when a rate threshold is above 100% or not positive', () => {
    expect(() => setup({ errorRate5xx: { thresholdPercent: 120 } }))
      .toThrow(/errorRate5xx.thresholdPercent must be a percentage in \(0, 100\], got 120/);
    expect(() => setup({ errorRate4xx: { thresholdPercent: 0 } })).toThrow(/errorRate4xx.thresholdPercent must be a percentage/);
  });

  test('fails when a latency threshold is not positive', () => {
    expect(() => setup({ modelLatency: { threshold: Duration.millis(0) } })).toThrow(/modelLatency.threshold must be a latency above 0 ms, got 0 millis/);
  });

  test('fails when evaluation periods are below 1', () => {
    expect(() => setup({ errorRate5xx: { evaluationPeriods: 0 } })).toThrow(/errorRate5xx.evaluationPeriods must be a whole number >= 1, got 0/);
  });

  test('fails when datapoints to alarm exceed the evaluation periods', () => {
    expect(() => setup({ errorRate5xx: { evaluationPeriods: 3, datapointsToAlarm: 4 } }))
      .toThrow(/errorRate5xx.datapointsToAlarm must be a whole number from 1 to evaluationPeriods \(3\), got 4/);
  });

  test('fails when a period is not one CloudWatch accepts', () => {
    expect(() => setup({ cpuUtilization: { period: Duration.seconds(45) } })).toThrow(/cpuUtilization.period must be 10 seconds, 30 seconds or a whole number of minutes/);
  });

  test('fails when a watched variant is not a variant of the endpoint', () => {
    expect(() => setup({ variantNames: ['champion', 'ghost'] })).toThrow(/variantNames must be among the endpoint's variants/);
  });
});

describe('instance facts', () => {
  test.each([
    ['ml.m5.large', 2, 0], ['ml.m5.4xlarge', 16, 0], ['ml.g5.xlarge', 4, 1], ['ml.g5.12xlarge', 48, 4], ['ml.p4d.24xlarge', 96, 8],
    ['ml.g4dn.12xlarge', 48, 4], ['ml.t2.medium', 2, 0], ['ml.inf2.xlarge', 4, 0],
  ])('%s has %d vCPUs and %d GPUs', (type, vcpus, gpus) => {
    expect(instanceFacts(type)).toEqual({ vcpus, gpus });
  });
});

describe('EndpointAlarms on a defined endpoint', () => {
  test('scales CPU and GPU thresholds by the variant instance type', () => {
    const stack = new Stack(testApp(), 'Mon', { env: TEST_ENV });
    const endpoint = ModelEndpoint.fromEndpointAttributes(stack, 'Endpoint', {
      endpointName: 'churn', variantNames: ['gpu'], variantInstanceTypes: { gpu: 'ml.g5.12xlarge' },
    });
    new EndpointAlarms(stack, 'Alarms', { endpoint, perVariant: true });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'churn-variant-gpu-cpu', Threshold: 90 * 48 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'churn-variant-gpu-gpu', Threshold: 90 * 4 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'churn-variant-gpu-gpu-memory', Threshold: 90 * 4 });
  });

  test('defines no GPU alarms on CPU instance types', () => {
    const { template } = setup();
    const names = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a: any) => a.Properties.AlarmName);
    expect(names.filter((n) => n.includes('-gpu'))).toEqual([]);
  });
});

describe('EndpointAlarms endpoint-wide by default (#12 item 2)', () => {
  const names = (template: Template) => Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a: any) => a.Properties.AlarmName).sort();

  test('defines one alarm per kind across the variants, and no per-variant alarm', () => {
    const { template } = setup({ perVariant: undefined });
    expect(names(template)).toEqual([
      'churn-endpoint-4xx-rate', 'churn-endpoint-5xx-rate', 'churn-endpoint-cpu', 'churn-endpoint-disk', 'churn-endpoint-memory',
      'churn-endpoint-model-latency-p99', 'churn-endpoint-no-traffic', 'churn-endpoint-overhead-latency-p99',
    ]);
  });

  test('takes the worst variant\'s utilization, with the threshold of their common vCPU count', () => {
    const stack = new Stack(testApp(), 'Mon', { env: TEST_ENV });
    const endpoint = ModelEndpoint.fromEndpointAttributes(stack, 'Endpoint', {
      endpointName: 'churn', variantNames: ['a', 'b'], variantInstanceTypes: { a: 'ml.m5.xlarge', b: 'ml.m5.xlarge' },
    });
    new EndpointAlarms(stack, 'Alarms', { endpoint });
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'churn-endpoint-cpu', Threshold: 360,
      Metrics: Match.arrayWith([Match.objectLike({ Expression: 'MAX([cpu_0, cpu_1])', ReturnData: true })]),
    });
  });

  test('keeps CPU and GPU per variant where the variants\' vCPU or GPU counts differ', () => {
    const stack = new Stack(testApp(), 'Mon', { env: TEST_ENV });
    const endpoint = ModelEndpoint.fromEndpointAttributes(stack, 'Endpoint', {
      endpointName: 'churn', variantNames: ['gpu', 'cpu'], variantInstanceTypes: { gpu: 'ml.g5.12xlarge', cpu: 'ml.m5.large' },
    });
    new EndpointAlarms(stack, 'Alarms', { endpoint });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'churn-variant-gpu-cpu', Threshold: 90 * 48 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'churn-variant-cpu-cpu', Threshold: 90 * 2 });
    // Only one variant has GPUs: its GPU alarm is the endpoint's.
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'churn-endpoint-gpu', Threshold: 90 * 4, MetricName: 'GPUUtilization' });
    expect(names(template).filter((n) => n.includes('cpu-gpu') || n === 'churn-endpoint-cpu')).toEqual([]);
  });

  test('alarms chooses the kinds defined', () => {
    const { template, alarms } = setup({ perVariant: undefined, alarms: [EndpointAlarmKind.ERROR_RATE_5XX, EndpointAlarmKind.MODEL_LATENCY] });
    expect(names(template)).toEqual(['churn-endpoint-5xx-rate', 'churn-endpoint-model-latency-p99']);
    expect(alarms.alarm(EndpointAlarmKind.ERROR_RATE_4XX)).toBeUndefined();
    template.hasResourceProperties('AWS::CloudWatch::CompositeAlarm', { AlarmName: 'churn-endpoint-health' });
  });

  test('fails when alarms names a kind that does not exist, or is not a list, or perVariant is not a boolean (JavaScript users)', () => {
    expect(() => setup({ alarms: ['5xx-rate', 'latency'] as any }))
      .toThrow(/EndpointAlarms Mon\/Alarms: alarms\[1\] must be an EndpointAlarmKind: one of '5xx-rate', '4xx-rate', .*got 'latency'/);
    expect(() => setup({ alarms: '5xx-rate' as any })).toThrow(/alarms must be a list of EndpointAlarmKind values .*got '5xx-rate'/);
    expect(() => setup({ perVariant: 'yes' as any })).toThrow(/perVariant must be true or false, got 'yes'/);
  });
});
