import { Stack } from 'aws-cdk-lib';
import { EndpointDashboard, ModelEndpoint } from '../../lib';
import { Readable } from '../exact';
import { TEST_ENV, testApp } from '../util';

// #12 item 13 (monitoring): GPU graphs only for variants on GPU instance types (SageMaker publishes GPUUtilization only
// there, https://docs.aws.amazon.com/sagemaker/latest/dg/monitoring-cloudwatch.html): a CPU endpoint's dashboard had an
// empty GPU graph.
function widgets(variantInstanceTypes?: Record<string, string>) {
  const stack = new Stack(testApp(), 'Mon', { env: TEST_ENV });
  const endpoint = ModelEndpoint.fromEndpointAttributes(stack, 'Endpoint', { endpointName: 'churn', variantNames: ['champion', 'challenger'], variantInstanceTypes });
  new EndpointDashboard(stack, 'Dashboard', { endpoint });
  const body = Object.values<any>(Readable.of(stack).resources('AWS::CloudWatch::Dashboard'))[0].DashboardBody;
  return JSON.parse(typeof body === 'string' ? body : JSON.stringify(body)).widgets as any[];
}
const gpuGraphs = (ws: any[]) => ws.filter((w) => w.properties?.title === 'GPU / GPU memory (%, 100 per GPU)');
const lines = (w: any) => w.properties.metrics.map((m: any[]) => m[m.length - 1].label);

describe('EndpointDashboard GPU graphs', () => {
  test('a CPU-only endpoint has no GPU graph', () => {
    expect(gpuGraphs(widgets({ champion: 'ml.m5.large', challenger: 'ml.c5.xlarge' }))).toEqual([]);
  });

  test('a mixed endpoint graphs the GPU variant only', () => {
    const [g] = gpuGraphs(widgets({ champion: 'ml.g5.xlarge', challenger: 'ml.m5.large' }));
    expect(lines(g)).toEqual(['champion GPU', 'champion GPU memory']);
  });

  test('an imported endpoint without instance types keeps the GPU graph of every variant', () => {
    const [g] = gpuGraphs(widgets());
    expect(lines(g)).toEqual(['champion GPU', 'champion GPU memory', 'challenger GPU', 'challenger GPU memory']);
  });
});
