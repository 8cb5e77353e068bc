import { InstanceType } from '@aws-cdk/aws-sagemaker-alpha';
import { Template } from 'aws-cdk-lib/assertions';
import { EndpointAlarms, ModelEndpoint } from '../../lib';
import { servingFixture } from '../serving/fixtures';

// The endpoint's 5XX and 4XX rates are what clients get: a shadow variant answers copies of requests that no client
// sees (https://docs.aws.amazon.com/sagemaker/latest/dg/shadow-tests-view-monitor-edit-dashboard.html), so its
// Invocations and errors are left out of the endpoint's Metrics Insights queries.

function queries(shadow: boolean): string[] {
  const f = servingFixture();
  const endpoint = new ModelEndpoint(f.stack, 'Churn', {
    endpointName: 'churn',
    variants: [{ name: 'champion', model: f.champion }],
    shadowVariant: shadow ? { name: 'shadow', model: f.challenger, samplingPercentage: 25, instanceType: InstanceType.C5_LARGE } : undefined,
  });
  new EndpointAlarms(f.stack, 'Alarms', { endpoint });
  const alarms = Object.values(Template.fromStack(f.stack).findResources('AWS::CloudWatch::Alarm'));
  return alarms.flatMap((a: any) => (a.Properties.Metrics ?? []).map((m: any) => m.Expression))
    .filter((e: unknown): e is string => typeof e === 'string' && e.startsWith('SELECT')).sort();
}

const SCHEMA = 'FROM SCHEMA("AWS/SageMaker", EndpointName, VariantName) WHERE EndpointName = \'churn\'';

test('an endpoint with a shadow variant leaves the shadow out of its error-rate queries', () => {
  expect(queries(true)).toEqual([
    `SELECT SUM(Invocation4XXErrors) ${SCHEMA} AND VariantName != 'shadow'`,
    `SELECT SUM(Invocation5XXErrors) ${SCHEMA} AND VariantName != 'shadow'`,
    `SELECT SUM(Invocations) ${SCHEMA} AND VariantName != 'shadow'`,
    `SELECT SUM(Invocations) ${SCHEMA} AND VariantName != 'shadow'`,
  ]);
});

test('an endpoint without a shadow variant sums every variant', () => {
  expect(queries(false)).toEqual([
    `SELECT SUM(Invocation4XXErrors) ${SCHEMA}`,
    `SELECT SUM(Invocation5XXErrors) ${SCHEMA}`,
    `SELECT SUM(Invocations) ${SCHEMA}`,
    `SELECT SUM(Invocations) ${SCHEMA}`,
  ]);
});
