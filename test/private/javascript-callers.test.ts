import { Stack } from 'aws-cdk-lib';
import { AbExperiment, DataLake, DriftMonitor, EndpointAlarms, ModelEndpoint, TrainingPipeline } from '../../lib';
import { driftFixture } from '../drift/fixtures';
import { experimentFixture } from '../experiments/fixtures';
import { servingFixture } from '../serving/fixtures';
import { fixture as trainingFixture, minimalProps } from '../training/fixtures';
import { TEST_ENV, testApp } from '../util';

// The six crashes found in #10: a JavaScript caller who omits or mistypes a required prop got
// "TypeError: Cannot read properties of undefined". Each now gets the error a TypeScript caller gets: the construct,
// its path, the prop, the value and what is allowed.
const js = (props: object) => props as any;

describe('a JavaScript caller gets a clear error, not a TypeError, when', () => {
  test('ModelEndpoint variants is not a list', () => {
    const f = servingFixture();
    expect(() => new ModelEndpoint(f.stack, 'Churn', js({ variants: { name: 'champion', model: f.champion } })))
      .toThrow(/^ModelEndpoint Serve\/Churn: variants must be a list of variants, got \{"name":"champion","model":/);
    expect(() => new ModelEndpoint(f.stack, 'Churn2', js({ variants: 'champion' })))
      .toThrow("ModelEndpoint Serve/Churn2: variants must be a list of variants, got 'champion'");
  });

  test('DataLake zones is a string', () => {
    const stack = new Stack(testApp(), 'Data', { env: TEST_ENV });
    expect(() => new DataLake(stack, 'Lake', js({ zones: 'raw' })))
      .toThrow("DataLake Data/Lake: zones must be a list of zone names, e.g. ['raw', 'curated'], got 'raw'");
  });

  test('DriftMonitor has no features', () => {
    const f = driftFixture();
    expect(() => new DriftMonitor(f.stack, 'Drift', js({ endpoint: f.endpoint, baselineProfile: { zone: f.lake.zone('features'), key: 'p.json' } })))
      .toThrow('DriftMonitor Serve/Drift: features must be a list of features ({ name, kind }), got undefined');
  });

  test('AbExperiment has no endpoint', () => {
    const f = experimentFixture();
    expect(() => new AbExperiment(f.stack, 'Exp', js({ championVariant: 'champion', challengerVariant: 'challenger' })))
      .toThrow('AbExperiment Serve/Exp: endpoint must be an IModelEndpoint (a ModelEndpoint, or one imported with fromEndpointAttributes), got undefined');
  });

  test('EndpointAlarms has no endpoint', () => {
    const stack = new Stack(testApp(), 'Mon', { env: TEST_ENV });
    expect(() => new EndpointAlarms(stack, 'Alarms', js({})))
      .toThrow('EndpointAlarms Mon/Alarms: endpoint must be an IModelEndpoint (a ModelEndpoint, or one imported with fromEndpointName), got undefined');
  });

  test('TrainingPipeline has no lake', () => {
    const f = trainingFixture();
    const { lake: _lake, ...rest } = minimalProps(f);
    expect(() => new TrainingPipeline(f.stack, 'Churn', js(rest)))
      .toThrow(/^TrainingPipeline Train\/Churn: lake must be an IDataLake \(channels are read from it; the model is written to its models zone\), got undefined$/);
  });

  test('several props are missing at once: all are named in one error', () => {
    const stack = new Stack(testApp(), 'Mon', { env: TEST_ENV });
    expect(() => new AbExperiment(stack, 'Exp', js({})))
      .toThrow(/AbExperiment Mon\/Exp: 3 problems:\n  - endpoint must be .*\n  - championVariant must be .*\n  - challengerVariant must be/);
  });

  test('props themselves are missing', () => {
    const stack = new Stack(testApp(), 'Mon', { env: TEST_ENV });
    expect(() => new EndpointAlarms(stack, 'Alarms', js(undefined as any))).toThrow(/EndpointAlarms Mon\/Alarms: props must be an object with endpoint, got undefined/);
  });
});

describe('a TypeScript caller is unaffected', () => {
  test('optional lists may be omitted', () => {
    const f = servingFixture();
    expect(() => new ModelEndpoint(f.stack, 'Churn', { variants: [{ name: 'champion', model: f.champion }] })).not.toThrow();
    expect(() => new DataLake(new Stack(testApp(), 'Data', { env: TEST_ENV }), 'Lake')).not.toThrow();
  });
});
