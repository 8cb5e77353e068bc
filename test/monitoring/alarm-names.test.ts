import { Stack } from 'aws-cdk-lib';
import { EndpointAlarms, ModelEndpoint } from '../../lib';
import { DriftMonitor } from '../../lib/drift';
import { FEATURES, driftFixture } from '../drift/fixtures';
import { Readable } from '../exact';
import { TEST_ENV, testApp } from '../util';

// #12 item 6 (second half): alarm names are unique per account and Region (PutMetricAlarm AlarmName,
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html); two constructs of one kind on one
// endpoint derived the same names, and the second deployment's alarms overwrote the first's.

function names(stacks: Stack[]): string[] {
  return stacks.flatMap((s) => {
    const r = Readable.of(s);
    return [...Object.values<any>(r.resources('AWS::CloudWatch::Alarm')), ...Object.values<any>(r.resources('AWS::CloudWatch::CompositeAlarm'))]
      .map((p) => p.AlarmName).filter((n) => n !== undefined);
  }).sort();
}

function endpointIn(stack: Stack) {
  return ModelEndpoint.fromEndpointAttributes(stack, 'Endpoint', { endpointName: 'churn', variantNames: ['champion', 'challenger'] });
}

describe('alarm names of several constructs on one endpoint', () => {
  test('one EndpointAlarms keeps the documented names', () => {
    const stack = new Stack(testApp(), 'Mon', { env: TEST_ENV });
    new EndpointAlarms(stack, 'Alarms', { endpoint: endpointIn(stack) });
    const all = names([stack]);
    expect(all).toContain('churn-endpoint-5xx-rate');
    expect(all).toContain('churn-endpoint-health');
    expect(all.filter((n) => /-Alarms$/.test(n))).toEqual([]);
  });

  test('two EndpointAlarms on one endpoint get their construct id appended, every name distinct', () => {
    const stack = new Stack(testApp(), 'Mon', { env: TEST_ENV });
    const endpoint = endpointIn(stack);
    new EndpointAlarms(stack, 'Paging', { endpoint });
    new EndpointAlarms(stack, 'Team', { endpoint, variantNames: ['champion'] });
    const all = names([stack]);
    expect(new Set(all).size).toBe(all.length);
    expect(all).toEqual(expect.arrayContaining([
      'churn-endpoint-5xx-rate-Paging', 'churn-endpoint-5xx-rate-Team', 'churn-endpoint-health-Paging', 'churn-endpoint-health-Team',
    ]));
    // Names only one of them asks for are left as they are (Paging is endpoint-wide, Team per variant).
    expect(all).toContain('churn-endpoint-cpu');
    expect(all).toContain('churn-variant-champion-cpu');
    expect(all).not.toContain('churn-endpoint-5xx-rate');
  });

  test('the names do not depend on the order the constructs are defined in', () => {
    const build = (order: string[]) => {
      const stack = new Stack(testApp(), 'Mon', { env: TEST_ENV });
      const endpoint = endpointIn(stack);
      order.forEach((id) => new EndpointAlarms(stack, id, { endpoint }));
      return Object.entries(Readable.of(stack).resources('AWS::CloudWatch::Alarm')).map(([path, p]: [string, any]) => `${path} ${p.AlarmName}`).sort();
    };
    expect(build(['A', 'B'])).toEqual(build(['B', 'A']));
  });

  test('constructs of the same id in two stacks of one app get a hash of their path as well', () => {
    const app = testApp();
    const one = new Stack(app, 'One', { env: TEST_ENV });
    const two = new Stack(app, 'Two', { env: TEST_ENV });
    new EndpointAlarms(one, 'Alarms', { endpoint: endpointIn(one) });
    new EndpointAlarms(two, 'Alarms', { endpoint: endpointIn(two) });
    const all = names([one, two]);
    expect(new Set(all).size).toBe(all.length);
    const fiveXx = all.filter((n) => n.startsWith('churn-endpoint-5xx-rate'));
    expect(fiveXx).toHaveLength(2);
    fiveXx.forEach((n) => expect(n).toMatch(/^churn-endpoint-5xx-rate-Alarms-[0-9a-f]{8}$/));
  });

  test('two DriftMonitors on one endpoint define distinct alarm names, the drift composite too', () => {
    const f = driftFixture();
    for (const id of ['Hourly', 'Daily']) {
      new DriftMonitor(f.stack, id, { endpoint: f.endpoint, features: FEATURES, baselineProfile: { zone: f.lake.zone('features'), key: `${id}.json` } });
    }
    const all = names([f.stack]);
    expect(new Set(all).size).toBe(all.length);
    expect(all).toEqual(expect.arrayContaining(['churn-variant-champion-drift-Hourly', 'churn-variant-champion-drift-Daily']));
  });
});
