import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { driftFixture } from '../drift/fixtures';
import { fullProps, loadTestFixture, minimalProps } from './fixtures';
import { EndpointLoadTest } from '../../lib/loadtest';
import { EndpointDashboard } from '../../lib/monitoring';
import { testApp } from '../util';

const minimal = loadTestFixture();
const minimalTemplate = Template.fromStack(minimal.stack);
const fullFixture = driftFixture(testApp());
const full = new EndpointLoadTest(fullFixture.stack, 'LoadTest', fullProps(fullFixture));
const fullTemplate = Template.fromStack(fullFixture.stack);

describe('EndpointLoadTest', () => {
  test('defines one state machine with a timeout of maxDuration, traced and logged', () => {
    minimalTemplate.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
    const sm = Object.values(minimalTemplate.findResources('AWS::StepFunctions::StateMachine'))[0] as any;
    expect(sm.Properties.TracingConfiguration).toEqual({ Enabled: true });
    expect(sm.Properties.LoggingConfiguration.Level).toBe('ALL');
    expect(minimal.loadTest.plannedRequests).toBe(6000);
    expect(minimal.loadTest.phaseNames).toEqual(['steady']);
  });

  test('gives the worker InvokeEndpoint on the endpoint\'s exact ARN, and nothing else of SageMaker', () => {
    const role = minimal.stack.resolve((minimal.loadTest.workerFunction.role!.node.defaultChild as any).logicalId);
    const policies = Object.values(minimalTemplate.findResources('AWS::IAM::Policy')).filter((p: any) => p.Properties.Roles.some((r: any) => r.Ref === role));
    const statements = policies.flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    const sagemaker = statements.filter((s: any) => [s.Action].flat().some((a: string) => a.startsWith('sagemaker:')));
    expect(sagemaker).toEqual([{ Action: 'sagemaker:InvokeEndpoint', Effect: 'Allow', Resource: minimal.stack.resolve(minimal.endpoint.endpointArn) }]);
  });

  test('limits the aggregation\'s PutMetricData to the load-test namespace', () => {
    minimalTemplate.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({
        Action: 'cloudwatch:PutMetricData', Resource: '*', Condition: { StringEquals: { 'cloudwatch:namespace': 'cdk-mlops/LoadTest' } },
      })]) },
    });
  });

  test('plans workers of at most requestsPerSecondPerWorker each, and slices of at most 10 minutes', () => {
    expect(full.plannedRequests).toBe(5 * 120 + 25 * 900 + 80 * 60);
    expect(full.reportUri).toMatch(/\/load-tests\/churn\/$/);
    const def = JSON.stringify(fullTemplate.findResources('AWS::StepFunctions::StateMachine'));
    expect(def).toContain('\\"workers\\":3');
    expect(def).toContain('\\"slices\\":2');
  });
});

describe('EndpointLoadTest bad input', () => {
  const build = (props: any) => () => {
    const f = driftFixture(testApp());
    return new EndpointLoadTest(f.stack, 'LoadTest', { ...minimalProps(f), ...(typeof props === 'function' ? props(f) : props) });
  };

  test('fails when a phase has a rate of 0 or below, naming the construct, the phase and what is allowed', () => {
    expect(build({ phases: [{ name: 'steady', requestsPerSecond: 0, duration: Duration.minutes(1) }] }))
      .toThrow(/EndpointLoadTest Serve\/LoadTest: phases\[0\]\.requestsPerSecond must be a number > 0 and at most 10000 .*got 0/);
    expect(build({ phases: [{ name: 'steady', requestsPerSecond: -5, duration: Duration.minutes(1) }] })).toThrow(/requestsPerSecond .*got -5/);
  });

  test('fails when a phase lasts 0, a negative or a fractional number of seconds, or under 10 seconds', () => {
    expect(build({ phases: [{ name: 'steady', requestsPerSecond: 1, duration: Duration.seconds(0) }] }))
      .toThrow(/phases\[0\]\.duration must be a whole number of seconds >= 10, got 0/);
    expect(build({ phases: [{ name: 'steady', requestsPerSecond: 1, duration: Duration.millis(10_500) }] })).toThrow(/phases\[0\]\.duration/);
    expect(build({ phases: [{ name: 'steady', requestsPerSecond: 1, duration: Duration.seconds(5) }] })).toThrow(/phases\[0\]\.duration/);
  });

  test('fails when the phases would send more than maxTotalRequests, saying how many they send', () => {
    expect(build({ maxTotalRequests: 5999 })).toThrow(/maxTotalRequests must be at least the 6000 requests the phases send \(steady: 20\/s x 300 s\)/);
    expect(build({ maxTotalRequests: undefined })).toThrow(/maxTotalRequests must be the most requests a run may send/);
  });

  test('fails when maxDuration does not cover the phases plus a minute each', () => {
    expect(build({ maxDuration: Duration.minutes(5) })).toThrow(/maxDuration must be at least 6 minutes/);
  });

  test('fails when the payload location is outside the lake: a URI, .., a leading slash, a wildcard or the whole zone', () => {
    for (const prefix of ['s3://other-bucket/payloads/', 'load-test/../../raw/', '/load-test/', 'load-*', '']) {
      expect(build({ payloadPrefix: prefix })).toThrow(/payloadPrefix must be a key prefix inside the curated zone/);
    }
  });

  test('fails when the report prefix overlaps the payloads (reports would be sent as requests)', () => {
    expect(build({ reportPrefix: 'load-test/churn/reports/' })).toThrow(/reportPrefix must be a prefix apart from payloadPrefix/);
  });

  test('fails when the target variant is not a production variant of the endpoint, listing them', () => {
    expect(build({ targetVariant: 'shadow' })).toThrow(/targetVariant must be a production variant of the endpoint: \['champion', 'challenger'\], got 'shadow'/);
  });

  test('fails when a stopping threshold is out of range', () => {
    expect(build({ stopConditions: { maxErrorRate: 1.5 } })).toThrow(/stopConditions\.maxErrorRate must be a share from 0 to 1, got 1.5/);
    expect(build({ stopConditions: { maxErrorRate: -0.1 } })).toThrow(/maxErrorRate/);
    expect(build({ stopConditions: { maxP99Latency: Duration.seconds(0) } })).toThrow(/stopConditions\.maxP99Latency must be a duration > 0/);
    expect(build({ stopConditions: { maxP99Latency: Duration.minutes(2) } })).toThrow(/maxP99Latency/);
  });

  test('fails on phases with duplicate or bad names, and on no phases at all', () => {
    const phase = { name: 'steady', requestsPerSecond: 1, duration: Duration.minutes(1) };
    expect(build({ phases: [phase, phase] })).toThrow(/phases\[1\]\.name must be a name no other phase has/);
    expect(build({ phases: [{ ...phase, name: 'a b' }] })).toThrow(/phases\[0\]\.name must be letters, digits/);
    expect(build({ phases: [] })).toThrow(/phases must be 1 to 20 phases/);
  });

  test('collects several problems into one error', () => {
    expect(build({ maxTotalRequests: 1, stopConditions: { maxErrorRate: 2 }, targetVariant: 'x' })).toThrow(/3 problems/);
  });
});

describe('EndpointDashboard.addLoadTest', () => {
  test('shows the offered load next to invocations, invocations per instance, instances and latency', () => {
    const f = loadTestFixture(testApp(), { phases: [
      { name: 'ramp', requestsPerSecond: 5, duration: Duration.minutes(1) }, { name: 'steady', requestsPerSecond: 20, duration: Duration.minutes(2) },
    ] });
    const dashboard = new EndpointDashboard(f.stack, 'Dashboard', { endpoint: f.endpoint });
    dashboard.addLoadTest(f.loadTest);
    const body = JSON.parse(JSON.stringify(f.stack.resolve((dashboard.dashboard.node.defaultChild as any).dashboardBody)));
    const text = JSON.stringify(body);
    const widgets = JSON.parse(body['Fn::Join'][1].map((x: any) => (typeof x === 'string' ? x : 'x')).join('')).widgets;
    const titles = widgets.map((w: any) => w.properties.title).filter(Boolean);
    expect(titles).toEqual(expect.arrayContaining([
      'Offered load and invocations (per minute)', 'Invocations per instance (per minute)', 'Instances (invocations / invocations per instance)',
      'Latency p99: load test per phase (ms, left), model (µs, right)',
    ]));
    const offered = widgets.find((w: any) => w.properties.title === 'Offered load and invocations (per minute)').properties.metrics;
    expect(offered[0].slice(0, 2)).toEqual(['cdk-mlops/LoadTest', 'OfferedRequests']);
    expect(text).toContain('inv0 / ipi0');
    expect(text).toContain('inv1 / ipi1');
    const latency = widgets.find((w: any) => String(w.properties.title).startsWith('Latency p99')).properties.metrics;
    expect(latency.filter((m: any) => m[1] === 'LatencyP99').map((m: any) => m[m.length - 1].label)).toEqual(['ramp p99', 'steady p99']);
  });
});
