import { Stack } from 'aws-cdk-lib';
import { AlertTopics, EndpointAlarms, EndpointAlarmsProps, ModelEndpoint } from '../../lib';
import { AlarmRow, Readable } from '../exact';
import { TEST_ENV, testApp } from '../util';

// Every alarm EndpointAlarms defines, exactly: threshold, comparison, statistic, period, datapoints and missing-data
// treatment, the metric math of the rates, and the health composite's rule. References read as construct paths.

function alarms(props: Partial<EndpointAlarmsProps> = {}) {
  const stack = new Stack(testApp(), 'Mon', { env: TEST_ENV });
  const endpoint = ModelEndpoint.fromEndpointAttributes(stack, 'Endpoint', {
    endpointName: 'churn', variantNames: ['champion', 'challenger'], variantInstanceTypes: { champion: 'ml.g5.xlarge', challenger: 'ml.m5.large' },
  });
  new EndpointAlarms(stack, 'Alarms', { endpoint, alerts: new AlertTopics(stack, 'Alerts'), perVariant: true, ...props });
  return Readable.of(stack);
}

const VARIANTS = ['champion', 'challenger'];
const dims = (variant: string) => ({ EndpointName: 'churn', VariantName: variant });
const sm = (id: string, metric: string, variant: string, statistic: string, period = 60) => ({
  id, namespace: 'AWS/SageMaker', metric, dimensions: dims(variant), statistic, period, returnData: false,
});
const expr = (id: string, expression: string, returnData = false) => ({ id, expression, returnData });
/** 5 one-minute periods, 3 of them breaching; no data is no error. */
const FAST = { evaluationPeriods: 5, datapointsToAlarm: 3, treatMissingData: 'notBreaching' };
/** 3 five-minute periods, all breaching; no data stays unknown. */
const UTILIZATION = { evaluationPeriods: 3, datapointsToAlarm: 3, treatMissingData: 'missing' };
const RATE = 'IF(requests > 0, 100 * errors / requests, 0)';

function endpointRate(code: '5XX' | '4XX', threshold: number): AlarmRow {
  // Metrics Insights sums every variant of the endpoint in one query per count: any variant count fits CloudWatch's 10 metrics.
  const query = (metric: string) => `SELECT SUM(${metric}) FROM SCHEMA("AWS/SageMaker", EndpointName, VariantName) WHERE EndpointName = 'churn'`;
  return {
    metrics: [
      expr('expr_1', RATE, true),
      { ...expr('errors', query(`Invocation${code}Errors`)), period: 60 },
      { ...expr('requests', query('Invocations')), period: 60 },
    ],
    comparison: 'GreaterThanThreshold', threshold, ...FAST,
  };
}

function endpointLatency(metric: string, threshold: number): AlarmRow {
  const id = metric.toLowerCase();
  return {
    metrics: [expr('expr_1', `MAX([${id}_0, ${id}_1])`, true), sm(`${id}_0`, metric, 'champion', 'p99'), sm(`${id}_1`, metric, 'challenger', 'p99')],
    comparison: 'GreaterThanThreshold', threshold, ...FAST,
  };
}

function variantRate(variant: string, code: '5XX' | '4XX', threshold: number): AlarmRow {
  return {
    metrics: [expr('expr_1', RATE, true), sm('errors', `Invocation${code}Errors`, variant, 'Sum'), sm('requests', 'Invocations', variant, 'Sum')],
    comparison: 'GreaterThanThreshold', threshold, ...FAST,
  };
}

function variantLatency(variant: string, metric: string, threshold: number): AlarmRow {
  return {
    namespace: 'AWS/SageMaker', metric, dimensions: dims(variant), statistic: 'p99', period: 60, comparison: 'GreaterThanThreshold', threshold, ...FAST,
  };
}

function utilization(variant: string, metric: string, threshold: number): AlarmRow {
  return {
    namespace: '/aws/sagemaker/Endpoints', metric, dimensions: dims(variant), statistic: 'Average', period: 300,
    comparison: 'GreaterThanThreshold', threshold, ...UTILIZATION,
  };
}

const NO_TRAFFIC: AlarmRow = {
  metrics: [
    expr('expr_1', 'SUM([invocations_0, invocations_1])', true),
    sm('invocations_0', 'Invocations', 'champion', 'Sum', 900), sm('invocations_1', 'Invocations', 'challenger', 'Sum', 900),
  ],
  comparison: 'LessThanThreshold', threshold: 1, evaluationPeriods: 1, datapointsToAlarm: 1, treatMissingData: 'breaching',
};

function utilizationMetric(id: string, variant: string, metric: string) {
  return { id, namespace: '/aws/sagemaker/Endpoints', metric, dimensions: dims(variant), statistic: 'Average', period: 300, returnData: false };
}

describe('EndpointAlarms, exactly', () => {
  test('with perVariant, defines these alarms and no other, with the documented defaults', () => {
    const expected: Record<string, AlarmRow> = {
      'Mon/Alarms/Endpoint-5xx-rate': endpointRate('5XX', 1),
      'Mon/Alarms/Endpoint-4xx-rate': endpointRate('4XX', 5),
      'Mon/Alarms/Endpoint-model-latency-p99': endpointLatency('ModelLatency', 1000000),
      'Mon/Alarms/Endpoint-overhead-latency-p99': endpointLatency('OverheadLatency', 500000),
      'Mon/Alarms/Endpoint-no-traffic': NO_TRAFFIC,
    };
    for (const v of VARIANTS) {
      expected[`Mon/Alarms/Variant-${v}-5xx-rate`] = variantRate(v, '5XX', 1);
      expected[`Mon/Alarms/Variant-${v}-4xx-rate`] = variantRate(v, '4XX', 5);
      expected[`Mon/Alarms/Variant-${v}-model-latency-p99`] = variantLatency(v, 'ModelLatency', 1000000);
      expected[`Mon/Alarms/Variant-${v}-overhead-latency-p99`] = variantLatency(v, 'OverheadLatency', 500000);
      expected[`Mon/Alarms/Variant-${v}-memory`] = utilization(v, 'MemoryUtilization', 90);
      expected[`Mon/Alarms/Variant-${v}-disk`] = utilization(v, 'DiskUtilization', 85);
    }
    // CPU utilization is summed over the vCPUs (100% per vCPU): 90% of 4 vCPUs (g5.xlarge) and of 2 (m5.large).
    expected['Mon/Alarms/Variant-champion-cpu'] = utilization('champion', 'CPUUtilization', 360);
    expected['Mon/Alarms/Variant-challenger-cpu'] = utilization('challenger', 'CPUUtilization', 180);
    // Only the GPU variant has GPU alarms.
    expected['Mon/Alarms/Variant-champion-gpu'] = utilization('champion', 'GPUUtilization', 90);
    expected['Mon/Alarms/Variant-champion-gpu-memory'] = utilization('champion', 'GPUMemoryUtilization', 90);
    expect(alarms().alarms()).toEqual(expected);
  });

  test('by default, one alarm per kind across the variants: these and no other', () => {
    const worst = (metric: string, id: string, threshold: number): AlarmRow => ({
      metrics: [
        expr('expr_1', `MAX([${id}_0, ${id}_1])`, true),
        { ...utilizationMetric(`${id}_0`, 'champion', metric) }, { ...utilizationMetric(`${id}_1`, 'challenger', metric) },
      ],
      comparison: 'GreaterThanThreshold', threshold, ...UTILIZATION,
    });
    expect(alarms({ perVariant: undefined }).alarms()).toEqual({
      'Mon/Alarms/Endpoint-5xx-rate': endpointRate('5XX', 1),
      'Mon/Alarms/Endpoint-4xx-rate': endpointRate('4XX', 5),
      'Mon/Alarms/Endpoint-model-latency-p99': endpointLatency('ModelLatency', 1000000),
      'Mon/Alarms/Endpoint-overhead-latency-p99': endpointLatency('OverheadLatency', 500000),
      'Mon/Alarms/Endpoint-no-traffic': NO_TRAFFIC,
      'Mon/Alarms/Endpoint-memory': worst('MemoryUtilization', 'memory', 90),
      'Mon/Alarms/Endpoint-disk': worst('DiskUtilization', 'disk', 85),
      // g5.xlarge has 4 vCPUs, m5.large 2: one threshold cannot fit both, CPU stays per variant.
      'Mon/Alarms/Variant-champion-cpu': utilization('champion', 'CPUUtilization', 360),
      'Mon/Alarms/Variant-challenger-cpu': utilization('challenger', 'CPUUtilization', 180),
      // Only the champion has a GPU: the endpoint's GPU alarms are its metrics.
      'Mon/Alarms/Endpoint-gpu': utilization('champion', 'GPUUtilization', 90),
      'Mon/Alarms/Endpoint-gpu-memory': utilization('champion', 'GPUMemoryUtilization', 90),
    });
  });

  test('the health composite fires on the endpoint\'s 5XX rate or p99 model latency, and on nothing else', () => {
    expect(alarms().compositeRules()).toEqual({
      'Mon/Alarms/Health': '(ALARM("<Mon/Alarms/Endpoint-5xx-rate.Arn>") OR ALARM("<Mon/Alarms/Endpoint-model-latency-p99.Arn>"))',
    });
  });
});
