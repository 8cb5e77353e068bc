import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { ModelEndpoint } from '../../lib';
import { EndpointMetricFactory } from '../../lib/private/endpoint-metrics';
import { TEST_ENV, testApp } from '../util';

function factory() {
  const stack = new Stack(testApp(), 'Mon', { env: TEST_ENV });
  return new EndpointMetricFactory(ModelEndpoint.fromEndpointName(stack, 'Endpoint', 'churn', ['champion', 'challenger']));
}

describe('EndpointMetricFactory', () => {
  test('the error rate is 100 x errors / requests, 0 without requests, over the same variant and period', () => {
    const rate = factory().errorRatePercent('5XX', { variantName: 'champion', period: Duration.minutes(1) });
    expect(rate.expression).toBe('IF(requests > 0, 100 * errors / requests, 0)');
    expect(rate.label).toBe('5XX error rate (%)');
    const errors = (rate.usingMetrics.errors as cloudwatch.Metric);
    const requests = (rate.usingMetrics.requests as cloudwatch.Metric);
    expect([errors.metricName, errors.statistic, errors.period.toSeconds()]).toEqual(['Invocation5XXErrors', 'Sum', 60]);
    expect([requests.metricName, requests.statistic, requests.period.toSeconds()]).toEqual(['Invocations', 'Sum', 60]);
    expect(errors.dimensions).toEqual({ EndpointName: 'churn', VariantName: 'champion' });
    expect(requests.dimensions).toEqual({ EndpointName: 'churn', VariantName: 'champion' });
  });

  test('suffixes the ids so that several rates fit in one graph', () => {
    const rate = factory().errorRatePercent('4XX', { variantName: 'challenger', period: Duration.minutes(5), idSuffix: '_1', label: 'challenger' });
    expect(rate.expression).toBe('IF(requests_1 > 0, 100 * errors_1 / requests_1, 0)');
    expect(Object.keys(rate.usingMetrics)).toEqual(['errors_1', 'requests_1']);
    expect((rate.usingMetrics.errors_1 as cloudwatch.Metric).metricName).toBe('Invocation4XXErrors');
    expect(rate.label).toBe('challenger');
  });

  test('the endpoint-wide rate sums the variants before dividing', () => {
    const rate = factory().errorRatePercent('5XX', { period: Duration.minutes(1) });
    expect((rate.usingMetrics.errors as cloudwatch.MathExpression).expression).toMatch(/^SUM\(/);
    expect((rate.usingMetrics.requests as cloudwatch.MathExpression).expression).toMatch(/^SUM\(/);
  });

  test('latency and utilization use the statistic SageMaker documents for each', () => {
    const f = factory();
    const p99 = f.latency('model', 'p99', { variantName: 'champion', period: Duration.minutes(1) }) as cloudwatch.Metric;
    expect([p99.metricName, p99.statistic]).toEqual(['ModelLatency', 'p99']);
    const cpu = f.utilization('cpu', { variantName: 'champion', period: Duration.minutes(5) }) as cloudwatch.Metric;
    expect([cpu.namespace, cpu.metricName, cpu.statistic]).toEqual(['/aws/sagemaker/Endpoints', 'CPUUtilization', 'Average']);
    const conc = f.utilization('serverless-concurrency', { variantName: 'champion', period: Duration.minutes(1) }) as cloudwatch.Metric;
    expect([conc.metricName, conc.statistic]).toEqual(['ServerlessConcurrentExecutionsUtilization', 'Maximum']);
  });
});
