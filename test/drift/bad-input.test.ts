import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { Duration, Lazy, Stack } from 'aws-cdk-lib';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { FEATURES, driftFixture } from './fixtures';
import { DriftMonitor, DriftMonitorProps, FeatureType } from '../../lib';
import { cronPeriodMinutes } from '../../lib/drift/cron-period';
import { testApp } from '../util';

function monitor(props: Partial<DriftMonitorProps> = {}) {
  const f = driftFixture(testApp());
  const m = new DriftMonitor(f.stack, 'Drift', {
    endpoint: f.endpoint, features: FEATURES, baselineProfile: { zone: f.lake.zone('features'), key: 'churn/profile.json' }, ...props,
  });
  return { ...f, monitor: m };
}
const cron = (e: string) => scheduler.ScheduleExpression.expression(`cron(${e})`);

describe('a window against the schedule\'s period', () => {
  test('fails when the window is longer than a cron\'s period, naming the path, the window and the period', () => {
    expect(() => monitor({ schedule: cron('0 * * * ? *'), window: Duration.hours(2) }))
      .toThrow(/DriftMonitor Serve\/Drift: window must be at most the schedule's period \(60 minutes, cron\(0 \* \* \* \? \*\)\): a longer window counts each record in several runs, got 2 hours$/);
    expect(() => monitor({ schedule: cron('0/30 * * * ? *'), window: Duration.minutes(31) })).toThrow(/at most the schedule's period \(30 minutes/);
    // The default window (1 hour) is checked too.
    expect(() => monitor({ schedule: cron('0/20 * * * ? *') })).toThrow(/window must be at most the schedule's period \(20 minutes.*got '60 minutes \(the default\)'/s);
  });

  test('accepts a window equal to the period, and warns when it is shorter (traffic between windows unseen)', () => {
    const equal = monitor({ schedule: cron('5 */6 * * ? *'), window: Duration.hours(6) });
    Annotations.fromStack(equal.stack).hasNoWarning('*', Match.stringLikeRegexp('drift-window-gap'));
    const daily = monitor({ schedule: cron('0 3 * * ? *'), window: Duration.hours(1) });
    Annotations.fromStack(daily.stack).hasWarning('/Serve/Drift', Match.stringLikeRegexp(
      'the window \\(60 minutes\\) is shorter than the schedule\'s period \\(1440 minutes, cron\\(0 3 \\* \\* \\? \\*\\)\\).*Duration.minutes\\(1440\\)'));
  });

  test('does not guess the period of a cron whose runs are not evenly spaced', () => {
    expect(() => monitor({ schedule: cron('0 9 ? * MON-FRI *'), window: Duration.hours(8) })).not.toThrow();
    expect(() => monitor({ schedule: cron('0 9,17 * * ? *'), window: Duration.hours(6) })).not.toThrow();
  });

  test('reads the period of the regular crons', () => {
    expect(['0 * * * ? *', '15 * * * ? *', '*/10 * * * ? *', '0/15 * * * ? *', '0 */2 * * ? *', '30 0/8 * * ? *', '0 0 * * ? *', '0 12 ? * * *']
      .map((e) => cronPeriodMinutes(`cron(${e})`))).toEqual([60, 60, 10, 15, 120, 480, 1440, 1440]);
    expect(['0/7 * * * ? *', '0 */5 * * ? *', '0 9 ? * MON *', '0 9 1 * ? *', '0 9 * 6 ? *', '0 9 * * ? 2027', '0,30 * * * ? *']
      .map((e) => cronPeriodMinutes(`cron(${e})`))).toEqual(Array(7).fill(undefined));
    expect(cronPeriodMinutes('rate(1 hour)')).toBeUndefined();
  });
});

describe('types and tuning from JavaScript', () => {
  test('fails on a feature type that is not a FeatureType', () => {
    expect(() => monitor({ features: [{ name: 'a', kind: 'numerical' as FeatureType }, { name: 'b', kind: undefined as unknown as FeatureType }] }))
      .toThrow(/features\[0\].kind must be FeatureType.NUMERIC or FeatureType.CATEGORICAL, got 'numerical'.*features\[1\].kind must be FeatureType.NUMERIC or FeatureType.CATEGORICAL, got undefined/s);
    expect(() => monitor({ predictionDrift: { kind: 'score' as FeatureType } }))
      .toThrow(/predictionDrift.kind must be FeatureType.NUMERIC or FeatureType.CATEGORICAL, got 'score'/);
  });

  test('fails when the drift alarm asks for more drifted windows than it evaluates', () => {
    expect(() => monitor({ driftAlarms: { datapointsToAlarm: 4, evaluationPeriods: 3 } })).toThrow(/driftAlarms.datapointsToAlarm must be .*got 4/);
  });

  test('never rejects unresolved values', () => {
    const f = driftFixture(testApp());
    const alpha = Lazy.number({ produce: () => 0.01 });
    expect(() => new DriftMonitor(f.stack, 'Drift', {
      endpoint: f.endpoint, features: FEATURES, baselineProfile: { zone: f.lake.zone('features'), key: 'churn/profile.json' },
      decision: { alpha, minPsi: Lazy.number({ produce: () => 0.02 }) }, breakage: { maxMalformedShare: Lazy.number({ produce: () => 0.1 }) },
    })).not.toThrow();
    expect(Stack.of(f.endpoint).resolve(alpha)).toBe(0.01);
  });
});
