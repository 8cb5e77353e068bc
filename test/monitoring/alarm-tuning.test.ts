import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AlarmSeverity, DriftMonitor, EndpointAlarms, EndpointDashboard, ModelEndpoint, TrainingPipelineAlarms } from '../../lib';
import { FEATURES, driftFixture } from '../drift/fixtures';
import { fixture, pipeline } from '../training/fixtures';

// Every construct that defines alarms takes an AlarmTuning for them.
describe('AlarmTuning on every construct that defines alarms', () => {
  test('TrainingPipelineAlarms: tunes the failed alarm and switches the timed-out and aborted ones off', () => {
    const f = fixture();
    const p = pipeline(f);
    const alarms = new TrainingPipelineAlarms(f.stack, 'TrainingAlarms', {
      pipeline: p,
      failed: { period: Duration.minutes(15), evaluationPeriods: 4, datapointsToAlarm: 2, severity: AlarmSeverity.CRITICAL },
      timedOut: { enabled: false },
      aborted: { enabled: false },
    });
    expect(alarms.timedOutAlarm).toBeUndefined();
    expect(alarms.abortedAlarm).toBeUndefined();
    const template = Template.fromStack(f.stack);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 1);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ExecutionsFailed', Period: 900, EvaluationPeriods: 4, DatapointsToAlarm: 2,
      AlarmDescription: `[CRITICAL] An execution of the training pipeline ${p.node.path} failed.`,
    });
  });

  test('TrainingPipelineAlarms: fails on datapoints above the evaluation periods', () => {
    const f = fixture();
    expect(() => new TrainingPipelineAlarms(f.stack, 'TrainingAlarms', { pipeline: pipeline(f), failed: { evaluationPeriods: 1, datapointsToAlarm: 2 } }))
      .toThrow(/TrainingPipelineAlarms .*TrainingAlarms: failed.datapointsToAlarm must be a whole number from 1 to evaluationPeriods \(1\), got 2/);
  });

  function drift(props: Partial<ConstructorParameters<typeof DriftMonitor>[2]> = {}) {
    const f = driftFixture();
    const m = new DriftMonitor(f.stack, 'Drift', {
      endpoint: f.endpoint, features: FEATURES, baselineProfile: { zone: f.lake.zone('features'), key: 'p.json' }, ...props,
    });
    return { ...f, monitor: m, template: Template.fromStack(f.stack) };
  }

  const driftAlarmsOf = (template: Template) => Object.values(template.findResources('AWS::CloudWatch::Alarm'))
    .map((a) => a.Properties).filter((p) => p.Namespace === 'cdk-mlops/Drift' && ['DriftDetected', 'FeatureDrifted'].includes(p.MetricName));

  test('DriftMonitor: the drift alarms evaluate 2 of 3 windows by default', () => {
    const { template, monitor } = drift();
    const alarms = driftAlarmsOf(template);
    expect(alarms.length).toBe(monitor.variantDriftAlarms.length + monitor.featureAlarms.length);
    for (const p of alarms) {
      expect(p.Period).toBe(3600);
      expect(p.EvaluationPeriods).toBe(3);
      expect(p.DatapointsToAlarm).toBe(2);
      expect(p.AlarmDescription).toMatch(/^\[WARNING\] /);
    }
  });

  test('DriftMonitor: drift alarms take M of N windows and a severity', () => {
    const { template } = drift({ driftAlarms: { evaluationPeriods: 4, datapointsToAlarm: 3, severity: AlarmSeverity.CRITICAL } });
    const alarms = driftAlarmsOf(template);
    expect(alarms.length).toBeGreaterThan(0);
    for (const p of alarms) {
      expect([p.EvaluationPeriods, p.DatapointsToAlarm]).toEqual([4, 3]);
      expect(p.AlarmDescription).toMatch(/^\[CRITICAL\] /);
    }
  });

  test('DriftMonitor: drift alarms can be switched off', () => {
    const { monitor } = drift({ driftAlarms: { enabled: false } });
    expect(monitor.variantDriftAlarms).toEqual([]);
    expect(monitor.featureAlarms).toEqual([]);
  });

  test('DriftMonitor: fails on a bad tuning, naming the prop', () => {
    expect(() => drift({ driftAlarms: { evaluationPeriods: 0 } })).toThrow(/DriftMonitor Serve\/Drift: driftAlarms.evaluationPeriods must be a whole number >= 1, got 0/);
  });
});

describe('DriftMonitor metrics', () => {
  test('name the endpoint, variant and feature, Maximum over the window', () => {
    const f = driftFixture();
    const m = new DriftMonitor(f.stack, 'Drift', {
      endpoint: f.endpoint, features: FEATURES, baselineProfile: { zone: f.lake.zone('features'), key: 'p.json' },
      schedule: undefined, window: undefined,
    });
    const endpointName = (f.endpoint as ModelEndpoint).endpointName;
    const psi = m.metricFeaturePsi('champion', FEATURES[0].name).toMetricConfig().metricStat!;
    expect(psi.namespace).toBe('cdk-mlops/Drift');
    expect(psi.metricName).toBe('PSI');
    expect(psi.statistic).toBe('Maximum');
    expect(psi.period.toMinutes()).toBe(60);
    expect(psi.dimensions).toEqual(expect.arrayContaining([
      { name: 'EndpointName', value: endpointName }, { name: 'VariantName', value: 'champion' }, { name: 'Feature', value: FEATURES[0].name },
    ]));
    expect(psi.dimensions).toHaveLength(3);
    const share = m.metricDriftedFeatureShare('champion', { period: Duration.minutes(30), statistic: 'Average' }).toMetricConfig().metricStat!;
    expect([share.metricName, share.statistic, share.period.toMinutes()]).toEqual(['DriftedFeatureShare', 'Average', 30]);
    expect(m.metricModelQuality('champion', 'AUC').toMetricConfig().metricStat!.namespace).toBe('cdk-mlops/ModelQuality');
  });

  test('EndpointDashboard.addDriftMonitor shows them', () => {
    const f = driftFixture();
    const dashboard = new EndpointDashboard(f.stack, 'Dashboard', { endpoint: f.endpoint });
    dashboard.addDriftMonitor(new DriftMonitor(f.stack, 'Drift', {
      endpoint: f.endpoint, features: FEATURES, baselineProfile: { zone: f.lake.zone('features'), key: 'p.json' },
      decision: { minPsi: 0.25 },
    }));
    const body = JSON.stringify(Template.fromStack(f.stack).toJSON());
    for (const text of ['Drift of ', 'Drifted feature share', 'PSI per feature', 'Records and malformed records', '\\"value\\":0.25', 'MalformedRecords']) {
      expect(body).toContain(text);
    }
  });
});

describe('EndpointAlarms through the factory', () => {
  test('the health composite alarm states its severity like every other alarm', () => {
    const f = driftFixture();
    new EndpointAlarms(f.stack, 'Alarms', { endpoint: f.endpoint });
    const template = Template.fromStack(f.stack);
    const composite = Object.values(template.findResources('AWS::CloudWatch::CompositeAlarm'))[0].Properties;
    expect(composite.AlarmDescription).toMatch(/^\[CRITICAL\] Endpoint .* is unhealthy/);
    // The endpoint's own rollback alarms have no severity: SageMaker reads them, nobody is notified.
    const notifying = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((r) => r.Properties)
      .filter((a) => !a.AlarmDescription.startsWith('Rolls back a deployment'));
    // Endpoint-wide by default: 5XX and 4XX rates, two latencies, no traffic, memory, CPU and disk of the worst variant.
    expect(notifying.length).toBe(8);
    for (const a of notifying) {
      expect(a.AlarmDescription).toMatch(/^\[(WARNING|CRITICAL)\] /);
    }
  });
});
