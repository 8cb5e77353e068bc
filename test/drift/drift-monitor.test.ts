import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { FEATURES, driftFixture } from './fixtures';
import {
  AlertTopics, DatasetFormat, DriftMonitor, DriftMonitorProps, EndpointDashboard, FamilyCorrection, FeatureType, ModelEndpoint,
  TrainingPipeline,
} from '../../lib';
import { fixture as trainingFixture, minimalProps } from '../training/fixtures';
import { TEST_ENV, testApp } from '../util';

function monitor(props: Partial<DriftMonitorProps> = {}, capture?: Parameters<typeof driftFixture>[1]) {
  const f = driftFixture(testApp(), capture);
  const m = new DriftMonitor(f.stack, 'Drift', {
    endpoint: f.endpoint,
    features: FEATURES,
    baselineProfile: props.baselineDataset ? undefined : { zone: f.lake.zone('features'), key: 'churn/profile.json' },
    ...props,
  });
  return { ...f, monitor: m, template: Template.fromStack(f.stack) };
}

describe('DriftMonitor', () => {
  test('runs the pre-built drift handler on ARM64 with encrypted, retained logs', () => {
    const { template } = monitor();
    template.hasResourceProperties('AWS::Lambda::Function', {
      Architectures: ['arm64'],
      Runtime: 'nodejs24.x',
      Handler: 'index.handler',
      LoggingConfig: Match.objectLike({ LogFormat: 'JSON' }),
    });
    template.hasResource('AWS::Logs::LogGroup', {
      DeletionPolicy: 'Retain',
      Properties: { RetentionInDays: 365, KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^cdkmlopshandlerlogskey'), 'Arn'] } },
    });
  });

  test('schedules a run every hour over the last hour of captures, with the features and the decision policy', () => {
    const { template } = monitor();
    template.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'rate(1 hour)', State: 'ENABLED' });
    const schedule = Object.values(template.findResources('AWS::Scheduler::Schedule'))[0] as any;
    const text = JSON.stringify(schedule.Properties.Target.Input);
    for (const part of ['\\"endpointName\\":\\"churn\\"', '\\"capturePrefix\\":\\"data-capture\\"', '\\"windowMinutes\\":60',
      '\\"features\\":[\\"tenure\\",\\"monthly_charges\\",\\"plan\\"]', '\\"policy\\":{\\"alpha\\":0.005,\\"correction\\":\\"bonferroni\\",\\"minPsi\\":0.01,\\"minCount\\":50,'
        + '\\"datapointsToAlarm\\":2,\\"evaluationPeriods\\":3,\\"features\\":{}}',
      '\\"baselineKey\\":\\"churn/profile.json\\"', '\\"metricNamespace\\":\\"cdk-mlops/Drift\\"']) {
      expect(text).toContain(part);
    }
  });

  test('passes the schedule\'s own time and the settling delay to each run', () => {
    const { template } = monitor({ settlingDelay: Duration.minutes(10) });
    const text = JSON.stringify(Object.values(template.findResources('AWS::Scheduler::Schedule'))[0]);
    expect(text).toContain('\\"scheduledTime\\":\\"<aws.scheduler.scheduled-time>\\",\\"settlingMinutes\\":10');
    expect(JSON.stringify(Object.values(monitor().template.findResources('AWS::Scheduler::Schedule'))[0])).toContain('\\"settlingMinutes\\":5');
  });

  test('writes the baseline layout (label column, baseline positions) into the profile resource', () => {
    const f = driftFixture();
    new DriftMonitor(f.stack, 'Drift', {
      endpoint: f.endpoint,
      features: [{ name: 'tenure', kind: FeatureType.NUMERIC }, { name: 'plan', kind: FeatureType.CATEGORICAL, baselineColumn: 'plan_name' },
        { name: 'charges', kind: FeatureType.NUMERIC, baselineIndex: 7 }],
      baselineDataset: { zone: f.lake.zone('features'), key: 'churn/train.csv', labelIndex: 0 },
    });
    Template.fromStack(f.stack).hasResourceProperties('AWS::CloudFormation::CustomResource', {
      labelIndex: 0,
      features: [{ name: 'tenure', type: 'numeric', index: 0 }, { name: 'plan', type: 'categorical', index: 1, baselineColumn: 'plan_name' },
        { name: 'charges', type: 'numeric', index: 2, baselineIndex: 7 }],
    });
  });

  test('fails when two features share a capture column or a baseline column, or a feature is on the label', () => {
    expect(() => monitor({ features: [{ name: 'a', kind: FeatureType.NUMERIC, index: 1 }, { name: 'b', kind: FeatureType.NUMERIC, index: 1 }] }))
      .toThrow(/features\[1\].index must be a column no other feature uses, but 'a' is at 1, got 1/);
    expect(() => monitor({ features: [{ name: 'a', kind: FeatureType.NUMERIC }, { name: 'b', kind: FeatureType.NUMERIC, index: 0 }] }))
      .toThrow(/features\[1\].index must be a column no other feature uses, but 'a' is at 0/);
    const f = driftFixture();
    expect(() => new DriftMonitor(f.stack, 'Drift', {
      endpoint: f.endpoint,
      features: [{ name: 'a', kind: FeatureType.NUMERIC, baselineIndex: 0 }, { name: 'b', kind: FeatureType.NUMERIC, baselineIndex: 2 },
        { name: 'c', kind: FeatureType.NUMERIC, baselineIndex: 2 }],
      baselineDataset: { zone: f.lake.zone('features'), key: 'train.csv', labelIndex: 0 },
    })).toThrow(/features\[0\].baselineIndex must be a column other than the label's \(baselineDataset.labelIndex 0\).*features\[2\].baselineIndex must be a column no other feature uses, but 'b' is at 2/s);
    expect(() => monitor({ features: [{ name: 'a', kind: FeatureType.NUMERIC, baselineIndex: -1 }] })).toThrow(/features\[0\].baselineIndex must be a whole number >= 0, got -1/);
  });

  test('fails on a settling delay longer than the window, and on a window that a rate schedule would ignore', () => {
    expect(() => monitor({ settlingDelay: Duration.minutes(61) })).toThrow(/settlingDelay must be a whole number of minutes from 0 to the window \(60\)/);
    expect(() => monitor({ window: Duration.hours(2) })).toThrow(/window must be no window with a rate schedule: each run covers the rate \(60 minutes\)/);
    expect(() => monitor({ window: Duration.hours(1) })).not.toThrow();
  });

  test('uses the rate of the schedule as the window', () => {
    const { template } = monitor({ schedule: scheduler.ScheduleExpression.rate(Duration.minutes(30)) });
    expect(JSON.stringify(Object.values(template.findResources('AWS::Scheduler::Schedule'))[0])).toContain('\\"windowMinutes\\":30');
  });

  test('grants only the capture prefix, the profile, the reports and its metric namespace', () => {
    const { template } = monitor();
    const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^cdkmlopsdriftRole') }] } });
    const statements = (Object.values(policies)[0] as any).Properties.PolicyDocument.Statement;
    const text = JSON.stringify(statements);
    expect(statements).toEqual(expect.arrayContaining([
      expect.objectContaining({ Action: 's3:ListBucket', Condition: { StringLike: { 's3:prefix': ['data-capture/churn/*'] } } }),
      expect.objectContaining({ Action: 'cloudwatch:PutMetricData', Resource: '*', Condition: { StringEquals: { 'cloudwatch:namespace': 'cdk-mlops/Drift' } } }),
    ]));
    expect(text).toContain('/data-capture/churn/*');
    expect(text).toContain('/churn/profile.json');
    expect(text).toContain('/drift-reports/churn/*');
    expect(text).not.toContain('s3:*');
    expect(text).not.toMatch(/"Action":"s3:(Get|Put)Object\*"/);
  });

  test('alarms per variant when any feature drifted M of N windows, and per feature', () => {
    const { template } = monitor();
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'churn-variant-champion-drift',
      Namespace: 'cdk-mlops/Drift',
      MetricName: 'DriftDetected',
      Statistic: 'Maximum',
      Threshold: 1,
      Period: 3600,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'churn-variant-challenger-feature-plan-drift',
      MetricName: 'FeatureDrifted',
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      Dimensions: Match.arrayWith([{ Name: 'Feature', Value: 'plan' }]),
    });
    // 2 variants x (1 drift + 3 features + 4 breakage)
    expect(Object.keys(template.findResources('AWS::CloudWatch::Alarm', { Properties: { Namespace: 'cdk-mlops/Drift' } }))).toHaveLength(16);
  });

  test('routes drift alarms to the alert topics', () => {
    const f = driftFixture();
    const alerts = new AlertTopics(f.stack, 'Alerts');
    new DriftMonitor(f.stack, 'Drift', { endpoint: f.endpoint, features: FEATURES, alerts, baselineProfile: { zone: f.lake.zone('features'), key: 'p.json' } });
    Template.fromStack(f.stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'churn-variant-champion-drift',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^AlertsWarning') }],
      OKActions: [{ Ref: Match.stringLikeRegexp('^AlertsWarning') }],
    });
  });

  test('computes the baseline profile from a dataset at deploy time', () => {
    const f = driftFixture();
    const m = new DriftMonitor(f.stack, 'Drift', {
      endpoint: f.endpoint, features: FEATURES,
      baselineDataset: { zone: f.lake.zone('features'), key: 'churn/train.jsonl', format: DatasetFormat.JSON_LINES },
    });
    const template = Template.fromStack(f.stack);
    template.hasResourceProperties('AWS::CloudFormation::CustomResource', {
      datasetKey: 'churn/train.jsonl',
      format: 'jsonl',
      profileKey: 'baselines/churn/train.jsonl.profile.json',
      features: [{ name: 'tenure', type: 'numeric', index: 0 }, { name: 'monthly_charges', type: 'numeric', index: 1 }, { name: 'plan', type: 'categorical', index: 2 }],
    });
    expect(m.baselineProfile.key).toBe('baselines/churn/train.jsonl.profile.json');
    expect(m.baselineFunction).toBeDefined();
  });

  test('defines one function per handler per stack, however many monitors', () => {
    const f = driftFixture();
    for (const id of ['A', 'B']) {
      new DriftMonitor(f.stack, id, { endpoint: f.endpoint, features: FEATURES, baselineProfile: { zone: f.lake.zone('features'), key: `${id}.json` } });
    }
    Template.fromStack(f.stack).resourceCountIs('AWS::Lambda::Function', 1);
  });

  test('starts the training pipeline once per monitor, on the composite drift alarm entering ALARM (opt-in)', () => {
    const app = testApp();
    const t = trainingFixture(app);
    const pipeline = new TrainingPipeline(t.stack, 'Churn', minimalProps(t));
    const f = driftFixture(app);
    const m = new DriftMonitor(f.stack, 'Drift', {
      endpoint: f.endpoint, features: FEATURES, baselineProfile: { zone: f.lake.zone('features'), key: 'p.json' }, retrainOnDrift: pipeline,
    });
    const template = Template.fromStack(f.stack);
    const composite = Object.values(template.findResources('AWS::CloudWatch::CompositeAlarm'));
    expect(composite).toHaveLength(1);
    const rule = JSON.stringify((composite[0] as any).Properties.AlarmRule);
    expect(rule).toContain('ALARM(\\"');
    expect(rule).toContain(' OR ');
    expect(m.retrainTrigger).toBeDefined();
    const rules = Object.values(template.findResources('AWS::Events::Rule'));
    expect(rules).toHaveLength(1);
    expect((rules[0] as any).Properties.EventPattern).toEqual({
      'source': ['aws.cloudwatch'],
      'detail-type': ['CloudWatch Alarm State Change'],
      'resources': [{ 'Fn::GetAtt': [expect.stringMatching(/^DriftRetrainTrigger/), 'Arn'] }],
      'detail': { state: { value: ['ALARM'] }, previousState: { value: ['OK', 'INSUFFICIENT_DATA'] } },
    });
    expect((rules[0] as any).Properties.Targets).toEqual([expect.objectContaining({ Arn: expect.anything(), RoleArn: expect.anything() })]);
  });

  test('alarms per variant on silent breakage, with their defaults', () => {
    const { template } = monitor();
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'churn-variant-champion-norecords', MetricName: 'RecordCount', Statistic: 'Sum', Threshold: 1,
      ComparisonOperator: 'LessThanThreshold', EvaluationPeriods: 1, TreatMissingData: 'breaching',
    });
    for (const [name, metricName, threshold] of [['malformed', 'MalformedShare', 0.05], ['missingfeature', 'MaxMissingRateIncrease', 0.2],
      ['newcategories', 'MaxNewCategoryShare', 0.1]] as const) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: `churn-variant-challenger-${name}`, MetricName: metricName, Statistic: 'Maximum', Threshold: threshold,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold', EvaluationPeriods: 1, TreatMissingData: 'notBreaching',
      });
    }
  });

  test('tunes or turns off the breakage alarms, and fails on values out of range', () => {
    const { template } = monitor({ breakage: { minRecords: 0, maxMalformedShare: 1, maxMissingRateIncrease: 0.5, maxNewCategoryShare: 0.3 } });
    expect(template.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: 'RecordCount' } })).toEqual({});
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'MalformedShare', Threshold: 1 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'MaxMissingRateIncrease', Threshold: 0.5 });
    expect(() => monitor({ breakage: { minRecords: -1 } })).toThrow(/breakage.minRecords must be a whole number >= 0, got -1/);
    expect(() => monitor({ breakage: { maxMalformedShare: 0 } })).toThrow(/breakage.maxMalformedShare must be a number in \(0, 1\], got 0/);
    expect(() => monitor({ breakage: { maxNewCategoryShare: 1.5 } })).toThrow(/breakage.maxNewCategoryShare must be a number in \(0, 1\], got 1.5/);
  });

  test('beyond 20 features, per-feature metrics and alarms are off unless asked for', () => {
    const many = Array.from({ length: 21 }, (_, i) => ({ name: `f${i}`, kind: FeatureType.NUMERIC }));
    const { template } = monitor({ features: many });
    expect(template.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: 'FeatureDrifted' } })).toEqual({});
    expect(JSON.stringify(Object.values(template.findResources('AWS::Scheduler::Schedule'))[0])).toContain('\\"perFeatureMetrics\\":false');
    const on = monitor({ features: many, perFeatureMetrics: true }).template;
    expect(Object.keys(on.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: 'FeatureDrifted' } }))).toHaveLength(42);
    const twenty = monitor({ features: many.slice(0, 20) }).template;
    expect(Object.keys(twenty.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: 'FeatureDrifted' } }))).toHaveLength(40);
  });

  test('adds drift widgets to a dashboard', () => {
    const f = driftFixture();
    const dashboard = new EndpointDashboard(f.stack, 'Dashboard', { endpoint: f.endpoint });
    dashboard.addDriftMonitor(new DriftMonitor(f.stack, 'Drift', {
      endpoint: f.endpoint, features: FEATURES, baselineProfile: { zone: f.lake.zone('features'), key: 'p.json' },
    }));
    const body = JSON.stringify(Template.fromStack(f.stack).toJSON());
    expect(body).toContain('Drifted feature share');
    expect(body).toContain('PSI per feature');
  });
});

describe('DriftMonitor bad input', () => {
  test('fails when the endpoint does not capture data', () => {
    expect(() => monitor({}, false)).toThrow(/DriftMonitor Serve\/Drift: endpoint must be an endpoint with data capture/);
  });

  test('fails when the endpoint captures no input', () => {
    expect(() => monitor({}, { captureInput: false })).toThrow(/endpoint must be an endpoint that captures its requests/);
  });

  test('fails when the feature list is empty', () => {
    expect(() => monitor({ features: [] })).toThrow(/features must be a list of at least one feature, got \[\]/);
  });

  test('fails when feature names repeat', () => {
    expect(() => monitor({ features: [{ name: 'tenure', kind: FeatureType.NUMERIC }, { name: 'tenure', kind: FeatureType.CATEGORICAL }] }))
      .toThrow(/features\[1\].name must be unique, but it is listed twice, got 'tenure'/);
  });

  test.each<[object, RegExp]>([
    [{ alpha: 0 }, /decision.alpha must be a number in \(0, 0.5\], got 0/],
    [{ alpha: 0.6 }, /decision.alpha must be a number in \(0, 0.5\], got 0.6/],
    [{ correction: 'holm' }, /decision.correction must be FamilyCorrection.BONFERRONI or FamilyCorrection.BENJAMINI_HOCHBERG, got 'holm'/],
    [{ minPsi: -0.01 }, /decision.minPsi must be a number >= 0, got -0.01/],
    [{ minSamples: 0 }, /decision.minSamples must be a whole number >= 1, got 0/],
    [{ featureOverrides: [{ feature: 'colour' }] }, /decision.featureOverrides\[0\].feature must be one of the watched features \(tenure, monthly_charges, plan\), got 'colour'/],
    [{ featureOverrides: [{ feature: 'plan' }, { feature: 'plan' }] }, /decision.featureOverrides\[1\].feature must be a feature overridden once/],
    [{ featureOverrides: [{ feature: 'plan', minPsi: -1, minSamples: 0.5 }] },
      /decision.featureOverrides\[0\].minPsi must be a number >= 0, got -1.*decision.featureOverrides\[0\].minSamples must be a whole number >= 1, got 0.5/s],
  ])('fails when the decision is out of range: %j', (decision, message) => {
    expect(() => monitor({ decision: decision as any })).toThrow(message);
  });

  test('writes per-feature overrides and a custom decision into the policy, and alarms M of N as given', () => {
    const { template } = monitor({
      decision: { alpha: 0.01, correction: FamilyCorrection.BENJAMINI_HOCHBERG, minPsi: 0, minSamples: 1,
        featureOverrides: [{ feature: 'plan', minPsi: 0.2, minSamples: 500, ignore: true }] },
      driftAlarms: { datapointsToAlarm: 1, evaluationPeriods: 1 },
    });
    const text = JSON.stringify(Object.values(template.findResources('AWS::Scheduler::Schedule'))[0]);
    expect(text).toContain('\\"policy\\":{\\"alpha\\":0.01,\\"correction\\":\\"bh\\",\\"minPsi\\":0,\\"minCount\\":1,\\"datapointsToAlarm\\":1,'
      + '\\"evaluationPeriods\\":1,\\"features\\":{\\"plan\\":{\\"minPsi\\":0.2,\\"minCount\\":500,\\"ignore\\":true}}}');
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'churn-variant-champion-drift', EvaluationPeriods: 1, DatapointsToAlarm: 1 });
  });

  test('fails on a cron with an hour of 25, naming the schedule', () => {
    expect(() => monitor({ schedule: scheduler.ScheduleExpression.expression('cron(0 25 * * ? *)'), window: Duration.hours(1) }))
      .toThrow(/schedule must be .*got 'cron\(0 25 \* \* \? \*\)'/);
    expect(() => monitor({ schedule: scheduler.ScheduleExpression.expression('cron(0 23 * * ? *)'), window: Duration.hours(1) })).not.toThrow();
  });

  test('fails when the schedule is more frequent than capture files fill', () => {
    expect(() => monitor({ schedule: scheduler.ScheduleExpression.rate(Duration.minutes(5)) }))
      .toThrow(/schedule must be a rate of at least 10 minutes.*got 'rate\(5 minutes\)'/);
  });

  test('fails when the cron expression is invalid', () => {
    expect(() => monitor({ schedule: scheduler.ScheduleExpression.expression('cron(0 * * * *)') })).toThrow(/schedule must be a rate\(...\) or a cron/);
    expect(() => monitor({ schedule: scheduler.ScheduleExpression.expression('cron(0 * * * * *)') })).toThrow(/'\?' in one of the day fields/);
  });

  test('accepts a valid cron with a window', () => {
    expect(() => monitor({ schedule: scheduler.ScheduleExpression.expression('cron(15 * * * ? *)'), window: Duration.hours(1) })).not.toThrow();
  });

  test('fails when the baseline is given both as a dataset and as a profile, or not at all', () => {
    const f = driftFixture();
    expect(() => new DriftMonitor(f.stack, 'Both', {
      endpoint: f.endpoint, features: FEATURES,
      baselineProfile: { zone: f.lake.zone('features'), key: 'p.json' },
      baselineDataset: { zone: f.lake.zone('features'), key: 'train.csv' },
    })).toThrow(/baselineProfile and baselineDataset are both given/);
    expect(() => new DriftMonitor(f.stack, 'None', { endpoint: f.endpoint, features: FEATURES })).toThrow(/a baseline is needed/);
  });

  test('fails when an imported endpoint has no known variants', () => {
    const stack = new Stack(testApp(), 'Serve', { env: TEST_ENV });
    const f = driftFixture();
    const endpoint = ModelEndpoint.fromEndpointName(stack, 'E', 'churn');
    expect(() => new DriftMonitor(stack, 'Drift', {
      endpoint, features: FEATURES, baselineProfile: { zone: f.lake.zone('features'), key: 'p.json' },
      dataCapture: { zone: f.lake.zone('monitoring'), prefix: 'data-capture/', captureInput: true, captureOutput: true, samplingPercentage: 10 },
    })).toThrow(/endpoint must be an endpoint whose variant names are known/);
  });
});

describe('DriftMonitor snapshots', () => {
  test('minimal', () => {
    expect(monitor().template.toJSON()).toMatchSnapshot();
  });
});
