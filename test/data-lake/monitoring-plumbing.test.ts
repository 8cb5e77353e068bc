import { CfnElement, Duration, Stack } from 'aws-cdk-lib';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AbExperiment, AlertTopics, DriftMonitor, DriftMonitorProps, ProblemType } from '../../lib';
import { FEATURES, driftFixture } from '../drift/fixtures';
import { TEST_ENV, testApp } from '../util';

/** A drift monitor of the fixture endpoint, with a baseline profile in the features zone unless props say otherwise. */
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

/** The object ARNs (Fn::Join tails) a role's policy grants an action on. */
function objectPatterns(template: Template, action: string): string[] {
  const out: string[] = [];
  for (const policy of Object.values<any>(template.findResources('AWS::IAM::Policy'))) {
    for (const s of policy.Properties.PolicyDocument.Statement) {
      if ([s.Action].flat().includes(action)) {
        for (const r of [s.Resource].flat()) {
          if (r['Fn::Join']) {
            out.push(r['Fn::Join'][1].slice(1).join(''));
          }
        }
      }
    }
  }
  return out;
}

function listPrefixes(template: Template): string[] {
  const out: string[] = [];
  for (const policy of Object.values<any>(template.findResources('AWS::IAM::Policy'))) {
    for (const s of policy.Properties.PolicyDocument.Statement) {
      if (s.Action === 's3:ListBucket') {
        out.push(...(s.Condition?.StringLike?.['s3:prefix'] ?? []));
      }
    }
  }
  return out;
}

function scheduleInput(template: Template, match: RegExp): any {
  const schedule = Object.values<any>(template.findResources('AWS::Scheduler::Schedule')).find((s) => match.test(s.Properties.Description));
  const input = schedule.Properties.Target.Input;
  // References (bucket names) are Fn::Join parts: keep the literal text only.
  return JSON.parse(typeof input === 'string' ? input : input['Fn::Join'][1].map((p: any) => (typeof p === 'string' ? p : 'REF')).join(''));
}

describe('Baselines live where they do not expire (#23 item 5)', () => {
  test('fails when the baseline profile is in a zone that expires its objects', () => {
    expect(() => monitor({ baselineProfile: { zone: driftFixture().lake.zone('monitoring'), key: 'baselines/churn.json' } })).toThrow(
      "baselineProfile.zone must be a zone whose objects do not expire (the baseline profile is read on every run, and zone 'monitoring' "
      + "expires its objects after 90 days), e.g. 'features' or 'models', got 'monitoring'");
  });

  test('fails when a baseline dataset in an expiring zone would store its profile there', () => {
    const f = driftFixture();
    expect(() => new DriftMonitor(f.stack, 'Drift', {
      endpoint: f.endpoint, features: FEATURES, baselineDataset: { zone: f.lake.zone('monitoring'), key: 'train.csv' },
    })).toThrow(/DriftMonitor Serve\/Drift: baselineDataset.zone must be a zone whose objects do not expire .* got 'monitoring'/);
  });

  test('accepts a baseline in a zone that keeps its objects', () => {
    expect(() => monitor()).not.toThrow();
  });
});

describe('Prefixes: one rule for the grants and the handlers (#23 item 10)', () => {
  test('a report prefix without a trailing slash is granted and handed to the handler as the same folder', () => {
    const { template } = monitor({ reportPrefix: 'drift-out' });
    expect(objectPatterns(template, 's3:PutObject')).toContain('/drift-out/churn/*');
    expect(objectPatterns(template, 's3:PutObject')).not.toContain('/drift-outchurn/*');
    // The handler joins <reportPrefix>/<endpoint>/...: the same keys the grant covers.
    expect(scheduleInput(template, /drift of endpoint/).reportPrefix).toBe('drift-out');
  });

  test('an imported endpoint\'s capture prefix without a trailing slash reads the same keys the handler lists', () => {
    const f = driftFixture(testApp(), false);
    new DriftMonitor(f.stack, 'Drift', {
      endpoint: f.endpoint,
      features: FEATURES,
      baselineProfile: { zone: f.lake.zone('features'), key: 'churn/profile.json' },
      dataCapture: { zone: f.lake.zone('monitoring'), prefix: 'captures', captureInput: true, captureOutput: true, samplingPercentage: 5 },
    });
    const template = Template.fromStack(f.stack);
    expect(listPrefixes(template)).toEqual(['captures/churn/*']);
    expect(objectPatterns(template, 's3:GetObject')).toContain('/captures/churn/*');
    expect(scheduleInput(template, /drift of endpoint/).capturePrefix).toBe('captures');
  });

  test('a ground-truth prefix without a trailing slash is the folder of that name', () => {
    const f = driftFixture(testApp(), { captureInput: true, captureOutput: true });
    new DriftMonitor(f.stack, 'Drift', {
      endpoint: f.endpoint,
      features: FEATURES,
      baselineProfile: { zone: f.lake.zone('features'), key: 'churn/profile.json' },
      modelQuality: { groundTruthZone: f.lake.zone('monitoring'), groundTruthPrefix: 'labels/churn', problemType: ProblemType.BINARY_CLASSIFICATION },
    });
    const template = Template.fromStack(f.stack);
    expect(listPrefixes(template)).toContain('labels/churn/*');
    expect(scheduleInput(template, /model quality/).groundTruthPrefix).toBe('labels/churn/');
  });

  test.each([
    ['reportPrefix', { reportPrefix: '/drift/' }, "reportPrefix must be a key prefix such as 'datasets/churn/'"],
    ['reportPrefix', { reportPrefix: 'drift/*' }, "reportPrefix must be a key prefix such as 'datasets/churn/'"],
  ])('fails when %s is not a key prefix', (_, props, message) => {
    expect(() => monitor(props)).toThrow(message);
  });
});

describe('Schedules no longer than an alarm can evaluate (#23 item 9)', () => {
  const WINDOW_LIMIT = 'a rate of at most 7 days: each run covers the preceding window, CloudWatch refuses alarms whose period x evaluation '
    + 'periods pass 604,800 s, and the handlers refuse windows over 10,080 minutes';

  const longestPeriod = (template: Template) => Math.max(...Object.values<any>(template.findResources('AWS::CloudWatch::Alarm'))
    .filter((a) => a.Properties.Namespace === 'cdk-mlops/Drift').map((a) => a.Properties.Period * a.Properties.EvaluationPeriods));

  test('accepts a drift schedule of rate(3360 minutes): its default 2-of-3 alarms evaluate exactly 604,800 s', () => {
    const { template } = monitor({ schedule: scheduler.ScheduleExpression.rate(Duration.minutes(3360)) });
    expect(longestPeriod(template)).toBe(604800);
  });

  test('fails when the drift schedule is rate(3361 minutes) with the default 3 evaluation periods, naming the schedule', () => {
    expect(() => monitor({ schedule: scheduler.ScheduleExpression.rate(Duration.minutes(3361)) })).toThrow(
      'DriftMonitor Serve/Drift: schedule must be a window of at most 3360 minutes (2 days 8 hours): the drift alarms evaluate 3 windows '
      + "(driftAlarms.evaluationPeriods) and CloudWatch refuses alarms whose period x evaluation periods pass 604,800 s, got 'rate(3361 minutes)'");
  });

  test.each([
    ['rate(7 days)', Duration.days(7)],
    ['rate(10080 minutes)', Duration.minutes(10080)],
  ])('accepts a drift schedule of %s when its alarms evaluate one window: exactly 604,800 s', (_, rate) => {
    const { template } = monitor({
      schedule: scheduler.ScheduleExpression.rate(rate), driftAlarms: { evaluationPeriods: 1, datapointsToAlarm: 1 },
    });
    expect(longestPeriod(template)).toBe(604800);
  });

  test('fails when a 7-day drift schedule keeps the default 3 evaluation periods', () => {
    expect(() => monitor({ schedule: scheduler.ScheduleExpression.rate(Duration.days(7)) })).toThrow(
      /DriftMonitor Serve\/Drift: schedule must be a window of at most 3360 minutes .*, got 'rate\(7 days\)'/);
  });

  test.each([
    ['rate(8 days)', Duration.days(8)],
    ['rate(10081 minutes)', Duration.minutes(10081)],
  ])('fails when the drift schedule is %s', (expression, rate) => {
    expect(() => monitor({ schedule: scheduler.ScheduleExpression.rate(rate), driftAlarms: { evaluationPeriods: 1, datapointsToAlarm: 1 } }))
      .toThrow(`DriftMonitor Serve/Drift: schedule must be ${WINDOW_LIMIT}, got '${expression}'`);
  });

  const quality = (rate: Duration) => {
    const f = driftFixture(testApp(), { captureInput: true, captureOutput: true });
    return () => new DriftMonitor(f.stack, 'Drift', {
      endpoint: f.endpoint,
      features: FEATURES,
      baselineProfile: { zone: f.lake.zone('features'), key: 'churn/profile.json' },
      modelQuality: {
        groundTruthZone: f.lake.zone('monitoring'), groundTruthPrefix: 'labels/', problemType: ProblemType.BINARY_CLASSIFICATION,
        schedule: scheduler.ScheduleExpression.rate(rate),
      },
    });
  };

  test('accepts a model-quality schedule of rate(1 day), and fails on rate(25 hours) (its alarms evaluate one window)', () => {
    expect(quality(Duration.days(1))).not.toThrow();
    expect(quality(Duration.hours(25))).toThrow(
      "DriftMonitor Serve/Drift: modelQuality.schedule must be a rate of at most 1 day (the quality alarms evaluate one window), got 'rate(25 hours)'");
  });
});

describe('A monitor that stops running is loud (#23 item 13)', () => {
  const setup = () => {
    const f = driftFixture(testApp(), { captureInput: true, captureOutput: true });
    const alerts = new AlertTopics(f.stack, 'Alerts');
    new DriftMonitor(f.stack, 'Drift', {
      endpoint: f.endpoint,
      features: FEATURES,
      alerts,
      baselineProfile: { zone: f.lake.zone('features'), key: 'churn/profile.json' },
      modelQuality: { groundTruthZone: f.lake.zone('monitoring'), groundTruthPrefix: 'labels/', problemType: ProblemType.BINARY_CLASSIFICATION },
    });
    return { ...f, template: Template.fromStack(f.stack) };
  };
  const { stack, template } = setup();
  const queueIds = Object.keys(template.findResources('AWS::SQS::Queue'));
  const queueOf = (prefix: string) => queueIds.find((id) => id.startsWith(prefix))!;

  test('every schedule sends what it could not deliver to its handler\'s dead-letter queue', () => {
    const schedules = Object.values<any>(template.findResources('AWS::Scheduler::Schedule'));
    expect(schedules).toHaveLength(2);
    expect(schedules.map((s) => s.Properties.Target.DeadLetterConfig.Arn['Fn::GetAtt'][0]).sort())
      .toEqual([queueOf('cdkmlopsdriftDeadLetters'), queueOf('cdkmlopsmodelqualityDeadLetters')].sort());
    expect(schedules.map((s) => s.Properties.Target.RetryPolicy.MaximumRetryAttempts)).toEqual([2, 2]);
  });

  test('a run that fails after Lambda\'s two retries goes to the dead-letter queue, which keeps it 14 days, encrypted', () => {
    const configs = Object.values<any>(template.findResources('AWS::Lambda::EventInvokeConfig'));
    expect(configs.length).toBeGreaterThanOrEqual(2);
    for (const c of configs) {
      expect(c.Properties.MaximumRetryAttempts).toBe(2);
      // The function's dead-letter queue (DeadLetterConfig), not an on-failure destination: one record per failed run.
      expect(c.Properties.DestinationConfig).toBeUndefined();
    }
    const functions = Object.entries<any>(template.findResources('AWS::Lambda::Function')).filter(([id]) => id.startsWith('cdkmlops'));
    expect(functions.length).toBeGreaterThanOrEqual(2);
    for (const [id, fn] of functions) {
      const handler = id.replace(/Function[0-9A-F]{8}$/, '');
      expect(fn.Properties.DeadLetterConfig).toEqual({ TargetArn: { 'Fn::GetAtt': [queueOf(`${handler}DeadLetters`), 'Arn'] } });
    }
    template.hasResourceProperties('AWS::SQS::Queue', { MessageRetentionPeriod: 1209600, SqsManagedSseEnabled: true });
  });

  test('a message in a dead-letter queue raises a warning', () => {
    const alarm = Object.values<any>(template.findResources('AWS::CloudWatch::Alarm'))
      .find((a) => a.Properties.MetricName === 'ApproximateNumberOfMessagesVisible' && a.Properties.Dimensions[0].Value['Fn::GetAtt'][0] === queueOf('cdkmlopsdriftDeadLetters'));
    expect(alarm.Properties).toEqual(expect.objectContaining({
      Namespace: 'AWS/SQS', Statistic: 'Maximum', Period: 300, Threshold: 1, EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: expect.stringMatching(/^AlertsWarning/) }],
    }));
  });

  test('the Scheduler\'s dropped invocations and target errors raise a warning, once per stack', () => {
    const scheduler = Object.values<any>(template.findResources('AWS::CloudWatch::Alarm')).filter((a) => a.Properties.Namespace === 'AWS/Scheduler');
    expect(scheduler.map((a) => a.Properties.MetricName).sort()).toEqual(['InvocationDroppedCount', 'TargetErrorCount']);
    for (const a of scheduler) {
      expect(a.Properties).toEqual(expect.objectContaining({
        Dimensions: [{ Name: 'ScheduleGroup', Value: 'default' }], Statistic: 'Sum', Period: 300, Threshold: 1, EvaluationPeriods: 1,
        TreatMissingData: 'notBreaching', AlarmActions: [{ Ref: expect.stringMatching(/^AlertsWarning/) }],
      }));
    }
    expect(stack.node.tryFindChild('cdk-mlops-scheduler-alarms')).toBeDefined();
  });
});

describe('Trust and keys of the plumbing (#23 item 14)', () => {
  test('only schedules of this account\'s default schedule group may assume the Scheduler role', () => {
    const { template } = monitor();
    const roles = Object.values<any>(template.findResources('AWS::IAM::Role'))
      .filter((r) => r.Properties.AssumeRolePolicyDocument.Statement[0].Principal.Service === 'scheduler.amazonaws.com');
    expect(roles).toHaveLength(1);
    expect(roles[0].Properties.AssumeRolePolicyDocument.Statement).toEqual([{
      Action: 'sts:AssumeRole',
      Effect: 'Allow',
      Principal: { Service: 'scheduler.amazonaws.com' },
      Condition: {
        StringEquals: { 'aws:SourceAccount': '123456789012' },
        ArnEquals: { 'aws:SourceArn': 'arn:aws:scheduler:us-east-1:123456789012:schedule-group/default' },
      },
    }]);
  });

  // The key statements AlertTopics puts on its own key (#12 item 14): CloudWatch with aws:SourceAccount; EventBridge by the
  // SNS topic in the encryption context (EventBridge sends no source keys to KMS).
  const publish = [
    {
      Sid: 'AllowAlarmsToPublish',
      Effect: 'Allow',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      Resource: '*',
      Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } },
    },
    {
      Sid: 'AllowEventsToPublish',
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      Resource: '*',
      Condition: { StringLike: { 'kms:EncryptionContext:aws:sns:topicArn': 'arn:aws:sns:us-east-1:123456789012:*' } },
    },
  ];

  test('a given topic encrypted with a key of this app gets the key statements alarms and rules need to publish', () => {
    const stack = new Stack(testApp(), 'Alerts', { env: TEST_ENV });
    const key = new kms.Key(stack, 'TeamKey');
    const topic = new sns.Topic(stack, 'Team', { masterKey: key });
    new AlertTopics(stack, 'Alerts', { warningTopic: topic, criticalTopic: topic });
    const policy = Template.fromStack(stack).findResources('AWS::KMS::Key')[stack.getLogicalId(key.node.defaultChild as CfnElement)];
    expect(policy.Properties.KeyPolicy.Statement).toEqual(expect.arrayContaining(publish));
  });

  test('an imported topic with its key says which statements the key policy needs', () => {
    const stack = new Stack(testApp(), 'Alerts', { env: TEST_ENV });
    const topic = sns.Topic.fromTopicAttributes(stack, 'Team', {
      topicArn: 'arn:aws:sns:us-east-1:123456789012:team-alerts', keyArn: 'arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555',
    });
    new AlertTopics(stack, 'Alerts', { warningTopic: topic, criticalTopic: topic });
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('cdk-mlops:alert-topic-key'));
    expect(warnings).toHaveLength(2);
    expect(warnings[0].entry.data).toContain('is encrypted with the imported key arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555');
    const said = JSON.parse(/publish to the topic: (\[.*?\}\])(?: |$)/.exec(String(warnings[0].entry.data))![1]);
    expect(said).toEqual(publish);
  });

  test('a topic imported without its key is told how to import it with the key', () => {
    const stack = new Stack(testApp(), 'Alerts', { env: TEST_ENV });
    const topic = sns.Topic.fromTopicArn(stack, 'Team', 'arn:aws:sns:us-east-1:123456789012:team-alerts');
    new AlertTopics(stack, 'Alerts', { warningTopic: topic, criticalTopic: topic });
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('sns.Topic.fromTopicAttributes'));
    expect(warnings).toHaveLength(2);
  });

  test('an experiment publishing to an imported topic with its key may use that key', () => {
    const f = driftFixture();
    const topic = sns.Topic.fromTopicAttributes(f.stack, 'Team', {
      topicArn: 'arn:aws:sns:us-east-1:123456789012:team-alerts', keyArn: 'arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555',
    });
    new AbExperiment(f.stack, 'Exp', { endpoint: f.endpoint, championVariant: 'champion', challengerVariant: 'challenger', notificationTopic: topic });
    const statements = Object.values<any>(Template.fromStack(f.stack).findResources('AWS::IAM::Policy'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement);
    // (CDK merges statements with the same actions: the topic key may share one with other keys.)
    const onTopicKey = statements.filter((st) => [st.Resource].flat().includes('arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555'));
    expect(onTopicKey.map((st) => st.Action)).toEqual([['kms:Decrypt', 'kms:GenerateDataKey']]);
  });
});
