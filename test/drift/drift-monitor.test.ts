import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { FEATURES, driftFixture } from './fixtures';
import {
  AlertTopics, DatasetFormat, DriftMonitor, DriftMonitorProps, EndpointDashboard, FeatureType, ModelEndpoint, TrainingPipeline,
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

  test('schedules a run every hour over the last hour of captures, with the features and thresholds', () => {
    const { template } = monitor();
    template.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'rate(1 hour)', State: 'ENABLED' });
    const schedule = Object.values(template.findResources('AWS::Scheduler::Schedule'))[0] as any;
    const text = JSON.stringify(schedule.Properties.Target.Input);
    for (const part of ['\\"endpointName\\":\\"churn\\"', '\\"capturePrefix\\":\\"data-capture\\"', '\\"windowMinutes\\":60',
      '\\"features\\":[\\"tenure\\",\\"monthly_charges\\",\\"plan\\"]', '\\"psi\\":0.2', '\\"ks\\":0.1', '\\"minCount\\":100',
      '\\"baselineKey\\":\\"churn/profile.json\\"', '\\"metricNamespace\\":\\"cdk-mlops/Drift\\"']) {
      expect(text).toContain(part);
    }
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

  test('alarms per variant on the drifted share and per feature on drift', () => {
    const { template } = monitor({ thresholds: { driftedShare: 0.5 } });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'churn-variant-champion-drifted-share',
      Namespace: 'cdk-mlops/Drift',
      MetricName: 'DriftedFeatureShare',
      Threshold: 0.5,
      Period: 3600,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'churn-variant-challenger-feature-plan-drift',
      MetricName: 'FeatureDrifted',
      Dimensions: Match.arrayWith([{ Name: 'Feature', Value: 'plan' }]),
    });
    // 2 variants x (1 share + 3 features)
    expect(Object.keys(template.findResources('AWS::CloudWatch::Alarm', { Properties: { Namespace: 'cdk-mlops/Drift' } }))).toHaveLength(8);
  });

  test('routes drift alarms to the alert topics', () => {
    const f = driftFixture();
    const alerts = new AlertTopics(f.stack, 'Alerts');
    new DriftMonitor(f.stack, 'Drift', { endpoint: f.endpoint, features: FEATURES, alerts, baselineProfile: { zone: f.lake.zone('features'), key: 'p.json' } });
    Template.fromStack(f.stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'churn-variant-champion-drifted-share',
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

  test('starts the training pipeline when drift alarms (opt-in)', () => {
    const app = testApp();
    const t = trainingFixture(app);
    const pipeline = new TrainingPipeline(t.stack, 'Churn', minimalProps(t));
    const f = driftFixture(app);
    new DriftMonitor(f.stack, 'Drift', {
      endpoint: f.endpoint, features: FEATURES, baselineProfile: { zone: f.lake.zone('features'), key: 'p.json' }, retrainOnDrift: pipeline,
    });
    Template.fromStack(f.stack).hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        'source': ['aws.cloudwatch'],
        'detail-type': ['CloudWatch Alarm State Change'],
        'detail': { state: { value: ['ALARM'] } },
      },
      Targets: [Match.objectLike({ Arn: Match.anyValue(), RoleArn: Match.anyValue() })],
    });
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
    expect(() => monitor({ features: [{ name: 'tenure', type: FeatureType.NUMERIC }, { name: 'tenure', type: FeatureType.CATEGORICAL }] }))
      .toThrow(/features\[1\].name must be unique, but it is listed twice, got 'tenure'/);
  });

  test.each([
    [{ psi: 0 }, /thresholds.psi must be a number > 0, got 0/],
    [{ ks: 1.5 }, /thresholds.ks must be a number in \(0, 1\], got 1.5/],
    [{ jsDistance: 0 }, /thresholds.jsDistance must be a number in \(0, 1\]/],
    [{ driftedShare: 0 }, /thresholds.driftedShare must be a share in \(0, 1\], got 0/],
    [{ driftedShare: 1.2 }, /thresholds.driftedShare must be a share in \(0, 1\], got 1.2/],
    [{ minSamples: 0 }, /thresholds.minSamples must be a whole number >= 1/],
  ])('fails when thresholds are out of range: %j', (thresholds, message) => {
    expect(() => monitor({ thresholds })).toThrow(message);
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
