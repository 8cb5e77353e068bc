import { Stack } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import { ContainerImage } from '@aws-cdk/aws-sagemaker-alpha';
import { AlertTopics, DataLake, EndpointAlarms, EndpointDashboard, ModelEndpoint, ServingModel, ServingModelData } from '../../lib';
import { Readable } from '../exact';
import { TEST_ENV, testApp } from '../util';

// #12 item 1: CloudWatch lets a metric-math alarm reference at most 10 metrics ("Alarms based on metric math expressions can
// reference a maximum of 10 metrics. This is a hard limit", https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-limits.html;
// PutMetricAlarm: at most 10 MetricStat and 10 Expression structures, https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html).
// The endpoint's error rates were SUM(errors per variant) / SUM(requests per variant): 2 metrics per variant, 12 at 6 variants.
// SageMaker allows 10 production variants (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateEndpointConfig.html).

const names = (n: number) => Array.from({ length: n }, (_v, i) => `v${i}`);

function alarmsFor(n: number, perVariant = false) {
  const stack = new Stack(testApp(), 'Mon', { env: TEST_ENV });
  const endpoint = ModelEndpoint.fromEndpointAttributes(stack, 'Endpoint', { endpointName: 'churn', variantNames: names(n) });
  new EndpointAlarms(stack, 'Alarms', { endpoint, alerts: new AlertTopics(stack, 'Alerts'), perVariant });
  return Readable.of(stack).alarms();
}

const count = (row: any, what: 'metricStat' | 'expression') => (row.metrics ?? [])
  .filter((m: any) => (what === 'expression') === (m.expression !== undefined)).length;

const rate = (code: '5XX' | '4XX') => [
  { id: 'expr_1', expression: 'IF(requests > 0, 100 * errors / requests, 0)', returnData: true },
  {
    id: 'errors', returnData: false, period: 60,
    expression: `SELECT SUM(Invocation${code}Errors) FROM SCHEMA("AWS/SageMaker", EndpointName, VariantName) WHERE EndpointName = 'churn'`,
  },
  { id: 'requests', returnData: false, period: 60, expression: 'SELECT SUM(Invocations) FROM SCHEMA("AWS/SageMaker", EndpointName, VariantName) WHERE EndpointName = \'churn\'' },
];

describe('EndpointAlarms at every allowed variant count', () => {
  test.each([[1, false], [5, false], [6, false], [10, false], [1, true], [5, true], [6, true], [10, true]])(
    'with %d variants (perVariant %s), every alarm references at most 10 metrics and 10 expressions', (n, perVariant) => {
      const rows = alarmsFor(n, perVariant);
      const over = Object.entries(rows).filter(([, r]) => count(r, 'metricStat') > 10 || count(r, 'expression') > 10).map(([p]) => p);
      expect(over).toEqual([]);
      // The endpoint-wide latencies, utilizations and no-traffic take one metric per variant (MAX / SUM; one variant: its own
      // metric, no math), a variant's rate takes 2: the most of any alarm.
      const most = Math.max(...Object.values(rows).map((r) => count(r, 'metricStat')));
      expect(most).toBe(perVariant ? Math.max(2, n) : (n === 1 ? 0 : n));
    });

  test.each([1, 5, 6, 10])('with %d variants, the endpoint error rates are 2 Metrics Insights queries and no per-variant metric', (n) => {
    const rows = alarmsFor(n);
    expect(rows['Mon/Alarms/Endpoint-5xx-rate'].metrics).toEqual(rate('5XX'));
    expect(rows['Mon/Alarms/Endpoint-4xx-rate'].metrics).toEqual(rate('4XX'));
    expect(rows['Mon/Alarms/Endpoint-5xx-rate']).toMatchObject({ comparison: 'GreaterThanThreshold', threshold: 1, evaluationPeriods: 5, datapointsToAlarm: 3 });
    expect(rows['Mon/Alarms/Endpoint-4xx-rate']).toMatchObject({ comparison: 'GreaterThanThreshold', threshold: 5, evaluationPeriods: 5, datapointsToAlarm: 3 });
  });

  test('a defined 10-variant endpoint with alarms and a dashboard passes the limits checker (the jest hook synthesizes it)', () => {
    const app = testApp();
    const stack = new Stack(app, 'Serve', { env: TEST_ENV });
    const lake = new DataLake(stack, 'Lake');
    const repo = ecr.Repository.fromRepositoryName(stack, 'Repo', 'churn-inference');
    const endpoint = new ModelEndpoint(stack, 'Churn', {
      endpointName: 'churn',
      variants: names(10).map((name) => ({
        name,
        weight: 10,
        model: new ServingModel(stack, `Model-${name}`, {
          image: ContainerImage.fromEcrRepository(repo, '1.4.2'),
          modelData: ServingModelData.fromLakeZone(lake.zone('models'), `churn/${name}/model.tar.gz`),
        }),
      })),
    });
    const alarms = new EndpointAlarms(stack, 'Alarms', { endpoint });
    new EndpointDashboard(stack, 'Dashboard', { endpoint, alarms });
    expect(() => app.synth()).not.toThrow();
    const rows = Readable.of(stack).alarms();
    expect(Object.values(rows).every((r) => count(r, 'metricStat') <= 10)).toBe(true);
    expect(rows['Serve/Alarms/Endpoint-5xx-rate'].metrics).toHaveLength(3);
  });
});
