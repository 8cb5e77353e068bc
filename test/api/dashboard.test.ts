import { Stack } from 'aws-cdk-lib';
import { EndpointDashboard, ModelEndpoint } from '../../lib';
import { InferenceApi } from '../../lib/api';
import { Readable } from '../exact';
import { TEST_ENV, testApp } from '../util';

// #17 item 6: the API's widgets on the endpoint dashboard: requests, the 4XX and 5XX shares, its p99 latency beside the
// endpoint's (IntegrationLatency), and its alarms.
const stack = new Stack(testApp(), 'Serve', { env: TEST_ENV });
const endpoint = ModelEndpoint.fromEndpointName(stack, 'Churn', 'churn', ['champion', 'challenger']);
const api = new InferenceApi(stack, 'Api', { endpoint });
const withAlarms = new EndpointDashboard(stack, 'Dashboard', { endpoint });
withAlarms.addInferenceApi(api, api.alarms);
const withoutAlarms = new EndpointDashboard(stack, 'Plain', { endpoint, dashboardName: 'plain' });
withoutAlarms.addInferenceApi(api);
const bodies = Readable.of(stack).resources('AWS::CloudWatch::Dashboard');
const widgets = (path: string) => {
  const body = bodies[`${path}/Resource`].DashboardBody;
  return JSON.parse(typeof body === 'string' ? body : JSON.stringify(body)).widgets as any[];
};
const after = (ws: any[], title: string) => ws.slice(ws.findIndex((w) => w.properties?.markdown === `## ${title}`));

describe('EndpointDashboard.addInferenceApi', () => {
  test('adds a section with the API requests, error rates, latency against the endpoint, and the API alarms', () => {
    const section = after(widgets('Serve/Dashboard'), 'Inference API churn-inference (stage v1)');
    expect(section.map((w) => [w.type, w.properties.title ?? w.properties.markdown, w.width])).toEqual([
      ['text', '## Inference API churn-inference (stage v1)', 24],
      ['metric', 'API requests', 6],
      ['metric', 'API error rate (%)', 6],
      ['metric', 'API latency p99 (ms)', 6],
      ['alarm', 'API alarms', 6],
    ]);
    const [, requests, errors, latency, alarms] = section;
    expect(requests.properties.metrics).toEqual([
      ['AWS/ApiGateway', 'Count', 'ApiName', 'churn-inference', 'Stage', 'v1', { label: 'requests', period: 60, stat: 'Sum' }],
    ]);
    // Average, the dashboard's default statistic, is left out of the rendered metric.
    expect(errors.properties.metrics).toEqual([
      [{ expression: '100 * api4xx', label: '4XX', period: 60 }],
      ['AWS/ApiGateway', '4XXError', 'ApiName', 'churn-inference', 'Stage', 'v1', { period: 60, visible: false, id: 'api4xx' }],
      [{ expression: '100 * api5xx', label: '5XX', period: 60 }],
      ['AWS/ApiGateway', '5XXError', 'ApiName', 'churn-inference', 'Stage', 'v1', { period: 60, visible: false, id: 'api5xx' }],
    ]);
    expect(latency.properties.metrics).toEqual([
      ['AWS/ApiGateway', 'Latency', 'ApiName', 'churn-inference', 'Stage', 'v1', { label: 'API (request to response)', period: 60, stat: 'p99' }],
      ['AWS/ApiGateway', 'IntegrationLatency', 'ApiName', 'churn-inference', 'Stage', 'v1', { label: 'endpoint (integration)', period: 60, stat: 'p99' }],
    ]);
    expect(alarms.properties.alarms).toEqual([
      '<Serve/Api/ServerErrorRateAlarm.Arn>', '<Serve/Api/ClientErrorRateAlarm.Arn>', '<Serve/Api/LatencyAlarm.Arn>',
    ]);
  });

  test('without alarms, the section has no alarm status', () => {
    const section = after(widgets('Serve/Plain'), 'Inference API churn-inference (stage v1)');
    expect(section.map((w) => w.type)).toEqual(['text', 'metric', 'metric', 'metric']);
  });
});
