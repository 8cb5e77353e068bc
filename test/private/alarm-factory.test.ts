import { Duration, Lazy, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct, IConstruct } from 'constructs';
import { AlarmSeverity, AlertTopics } from '../../lib';
import { AlarmFactory, AlarmSpec, describeAlarm, resolveTuning } from '../../lib/private/alarm-factory';
import { InputErrors } from '../../lib/private/validation';
import { TEST_ENV, testApp } from '../util';

function acknowledged(c: IConstruct): Record<string, string> {
  return Object.assign({}, ...c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY).map((m) => m.data));
}

const metric = new cloudwatch.Metric({ namespace: 'Test', metricName: 'Errors', statistic: 'Sum', period: Duration.minutes(5) });

function spec(overrides: Partial<AlarmSpec> = {}): AlarmSpec {
  return {
    id: 'Errors',
    alarmName: 'test-errors',
    description: 'Something failed.',
    metric,
    threshold: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    tuning: { evaluationPeriods: 5, datapointsToAlarm: 3, severity: AlarmSeverity.CRITICAL },
    ...overrides,
  };
}

function stack(): Stack {
  return new Stack(testApp(), 'Mon', { env: TEST_ENV });
}

describe('AlarmFactory', () => {
  test('names the alarm, starts its description with the severity and writes M of N', () => {
    const s = stack();
    new AlarmFactory(new Construct(s, 'Thing'), undefined).alarm(spec());
    Template.fromStack(s).hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'test-errors',
      AlarmDescription: '[CRITICAL] Something failed.',
      EvaluationPeriods: 5,
      DatapointsToAlarm: 3,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
  });

  test('routes to the topic of the severity on alarm and on recovery', () => {
    const s = stack();
    const alerts = new AlertTopics(s, 'Alerts');
    new AlarmFactory(new Construct(s, 'Thing'), alerts).alarm(spec({ tuning: { evaluationPeriods: 1, datapointsToAlarm: 1, severity: AlarmSeverity.WARNING } }));
    const warning = s.resolve((alerts.warningTopic as sns.Topic).topicArn);
    Template.fromStack(s).hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmDescription: '[WARNING] Something failed.', AlarmActions: [warning], OKActions: [warning],
    });
  });

  test('acknowledges an alarm without action when there are no alert topics, and not when there are', () => {
    const s = stack();
    const without = new AlarmFactory(new Construct(s, 'A'), undefined).alarm(spec());
    const routed = new AlarmFactory(new Construct(s, 'B'), new AlertTopics(s, 'Alerts')).alarm(spec());
    expect(Object.keys(acknowledged(without))).toEqual([
      'cdk-validator-cfnguard::cloudwatch_alarm_action_check',
      'HIPAA.Security::HIPAA.Security-CloudWatchAlarmAction',
      'NIST.800.53.R5::NIST.800.53.R5-CloudWatchAlarmAction',
    ]);
    expect(acknowledged(routed)).toEqual({});
  });

  test('routes an alarm of a shared function once per set of alert topics', () => {
    const s = stack();
    const alerts = new AlertTopics(s, 'Alerts');
    const alarm = new AlarmFactory(new Construct(s, 'Shared'), undefined).alarm(spec({ routedByUsers: true }));
    expect(acknowledged(alarm)).toEqual({});
    new AlarmFactory(new Construct(s, 'User1'), alerts).route(alarm, AlarmSeverity.WARNING);
    new AlarmFactory(new Construct(s, 'User2'), alerts).route(alarm, AlarmSeverity.WARNING);
    const props = Object.values(Template.fromStack(s).findResources('AWS::CloudWatch::Alarm'))[0].Properties;
    expect(props.AlarmActions).toHaveLength(1);
    expect(props.OKActions).toHaveLength(1);
  });

  test('leaves DatapointsToAlarm out when asked (CloudWatch then uses evaluationPeriods)', () => {
    const s = stack();
    new AlarmFactory(new Construct(s, 'Thing'), undefined).alarm(spec({ omitDatapointsToAlarm: true }));
    const props = Object.values(Template.fromStack(s).findResources('AWS::CloudWatch::Alarm'))[0].Properties;
    expect(props.DatapointsToAlarm).toBeUndefined();
    expect(props.EvaluationPeriods).toBe(5);
  });

  test('fails when datapointsToAlarm exceeds evaluationPeriods, and accepts them equal', () => {
    const s = stack();
    const f = new AlarmFactory(new Construct(s, 'Thing'), undefined);
    expect(() => f.alarm(spec({ id: 'Bad', tuning: { evaluationPeriods: 2, datapointsToAlarm: 3, severity: AlarmSeverity.WARNING } })))
      .toThrow('Alarm Mon/Thing/Bad: datapointsToAlarm must be at most evaluationPeriods (2), got 3');
    expect(() => f.alarm(spec({ id: 'Ok', tuning: { evaluationPeriods: 3, datapointsToAlarm: 3, severity: AlarmSeverity.WARNING } }))).not.toThrow();
  });

  test('a composite alarm gets the severity prefix and the route too', () => {
    const s = stack();
    const alerts = new AlertTopics(s, 'Alerts');
    const f = new AlarmFactory(new Construct(s, 'Thing'), alerts);
    const part = f.alarm(spec());
    f.composite({ id: 'Health', alarmName: 'health', description: 'Unhealthy.', alarmRule: cloudwatch.AlarmRule.fromAlarm(part, cloudwatch.AlarmState.ALARM),
      severity: AlarmSeverity.CRITICAL });
    Template.fromStack(s).hasResourceProperties('AWS::CloudWatch::CompositeAlarm', {
      AlarmName: 'health', AlarmDescription: '[CRITICAL] Unhealthy.', AlarmActions: [s.resolve((alerts.criticalTopic as sns.Topic).topicArn)],
    });
  });

  test('a query alarm has no action and says why', () => {
    const s = stack();
    const alarm = new AlarmFactory(new Construct(s, 'Thing'), undefined).queryAlarm({
      id: 'Rollback', description: 'Rolls back.', threshold: 0.01, evaluationPeriods: 3, datapointsToAlarm: 2,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD, treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      metrics: Lazy.any({ produce: () => [{ id: 'm', expression: '1', returnData: true }] }), noActionReason: 'Read by deployment guardrails.',
    });
    expect(acknowledged(alarm)).toEqual({
      'cdk-validator-cfnguard::cloudwatch_alarm_action_check': 'Read by deployment guardrails.',
      'HIPAA.Security::HIPAA.Security-CloudWatchAlarmAction': 'Read by deployment guardrails.',
      'NIST.800.53.R5::NIST.800.53.R5-CloudWatchAlarmAction': 'Read by deployment guardrails.',
    });
    Template.fromStack(s).hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmDescription: 'Rolls back.', EvaluationPeriods: 3, DatapointsToAlarm: 2, ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  test('describeAlarm puts the severity in brackets first', () => {
    expect(describeAlarm(AlarmSeverity.WARNING, 'x')).toBe('[WARNING] x');
  });
});

describe('resolveTuning', () => {
  const defaults = { period: Duration.minutes(5), evaluationPeriods: 5, datapointsToAlarm: 3, severity: AlarmSeverity.WARNING };

  function resolve(tuning: Parameters<typeof resolveTuning>[2]) {
    const errors = new InputErrors(new Construct(stack(), 'Thing'), 'Widget');
    const r = resolveTuning(errors, 'failed', tuning, defaults);
    return { r, message: (() => { try { errors.throwIfAny(); return ''; } catch (e) { return (e as Error).message; } })() };
  }

  test('takes the defaults when nothing is given', () => {
    expect(resolve(undefined).r).toEqual({ ...defaults, enabled: true, explicit: false });
  });

  test('caps the default datapoints at a lower evaluationPeriods', () => {
    expect(resolve({ evaluationPeriods: 2 }).r.datapointsToAlarm).toBe(2);
  });

  test('takes what the user gives', () => {
    const { r } = resolve({
      enabled: false, period: Duration.minutes(1), evaluationPeriods: 10, datapointsToAlarm: 10, severity: AlarmSeverity.CRITICAL,
    });
    expect(r).toEqual({ enabled: false, explicit: true, period: Duration.minutes(1), evaluationPeriods: 10, datapointsToAlarm: 10,
      severity: AlarmSeverity.CRITICAL });
  });

  test.each([
    [{ datapointsToAlarm: 6 }, 'failed.datapointsToAlarm must be a whole number from 1 to evaluationPeriods (5), got 6'],
    [{ datapointsToAlarm: 0 }, 'failed.datapointsToAlarm must be a whole number from 1 to evaluationPeriods (5), got 0'],
    [{ evaluationPeriods: 0 }, 'failed.evaluationPeriods must be a whole number >= 1, got 0'],
    [{ period: Duration.seconds(45) }, 'failed.period must be 10 seconds, 30 seconds or a whole number of minutes, got 45 seconds'],
    [{ period: Duration.hours(1), evaluationPeriods: 169 }, "failed: period x evaluationPeriods must be at most 7 days (604,800 s) (CloudWatch's limit), got 3600 s x 169"],
    [{ period: Duration.minutes(5), evaluationPeriods: 289 }, "failed: period x evaluationPeriods must be at most 1 day for a period under 1 hour (CloudWatch's limit), got 300 s x 289"],
  ])('fails on %p', (tuning, problem) => {
    expect(resolve(tuning).message).toBe(`Widget Mon/Thing: ${problem}`);
  });

  test.each([Duration.seconds(10), Duration.seconds(30), Duration.minutes(1), Duration.hours(1)])('accepts the period %p', (period) => {
    expect(resolve({ period }).message).toBe('');
  });

  test('accepts exactly seven days of evaluation with a period of an hour or more, and one day with a shorter period', () => {
    expect(resolve({ period: Duration.hours(1), evaluationPeriods: 168 }).message).toBe('');
    expect(resolve({ period: Duration.days(7), evaluationPeriods: 1 }).message).toBe('');
    expect(resolve({ period: Duration.minutes(5), evaluationPeriods: 288 }).message).toBe('');
  });

  test('accepts exactly one day of evaluation', () => {
    expect(resolve({ period: Duration.hours(1), evaluationPeriods: 24 }).message).toBe('');
  });
});
