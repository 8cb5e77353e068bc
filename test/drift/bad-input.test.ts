import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { Duration, Lazy, Stack } from 'aws-cdk-lib';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { FEATURES, driftFixture } from './fixtures';
import { DriftMonitor, DriftMonitorProps, FeatureType } from '../../lib';
import { MIN_SAMPLE_ROWS, NUMERIC_MEMORY_BUDGET_BYTES, ProfileBuilder } from '../../lambda/shared/profile';
import { cronPeriodMinutes } from '../../lib/drift/cron-period';
import { MAX_PROFILED_CATEGORICAL_FEATURES, MAX_PROFILED_NUMERIC_FEATURES } from '../../lib/drift/private-baseline-profile';
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

describe('a feature count the baseline-profile function cannot hold (#23 item 8)', () => {
  const features = (n: number, kind: FeatureType) => Array.from({ length: n }, (_, i) => ({ name: `${kind}_${i}`, kind }));
  const dataset = (f: ReturnType<typeof driftFixture>) => ({ zone: f.lake.zone('features'), key: 'churn/train.csv', header: true });
  function withDataset(props: Partial<DriftMonitorProps>) {
    const f = driftFixture(testApp());
    new DriftMonitor(f.stack, 'Drift', { endpoint: f.endpoint, features: FEATURES, baselineDataset: dataset(f), ...props });
    return f;
  }
  const prediction = (kind: FeatureType) => ({ kind, baselineColumn: 'score' });

  test('the limits are the handler\'s own: 2,516 numeric features (192 MiB / (8 B x 10,000 rows)), 1,280 categorical', () => {
    expect(MAX_PROFILED_NUMERIC_FEATURES).toBe(2516);
    expect(MAX_PROFILED_NUMERIC_FEATURES).toBe(Math.floor(NUMERIC_MEMORY_BUDGET_BYTES / (8 * MIN_SAMPLE_ROWS)));
    expect(() => ProfileBuilder.capacityFor(MAX_PROFILED_NUMERIC_FEATURES)).not.toThrow();
    expect(() => ProfileBuilder.capacityFor(MAX_PROFILED_NUMERIC_FEATURES + 1)).toThrow(/do not fit the profiler's 192 MiB/);
    expect(MAX_PROFILED_CATEGORICAL_FEATURES).toBe(1280);
  });

  test('accepts 2,516 numeric features with a baseline dataset, and 2,515 with numeric predictions', () => {
    expect(() => withDataset({ features: features(2516, FeatureType.NUMERIC) })).not.toThrow();
    expect(() => withDataset({ features: features(2515, FeatureType.NUMERIC), predictionDrift: prediction(FeatureType.NUMERIC) })).not.toThrow();
    // Categorical predictions are not sampled.
    expect(() => withDataset({ features: features(2516, FeatureType.NUMERIC), predictionDrift: prediction(FeatureType.CATEGORICAL) })).not.toThrow();
  });

  test('fails on 2,517 numeric features with a baseline dataset, naming the path, the count and the maximum', () => {
    expect(() => withDataset({ features: [...features(2517, FeatureType.NUMERIC), ...features(3, FeatureType.CATEGORICAL)] }))
      .toThrow(/DriftMonitor Serve\/Drift: features must be at most 2516 numeric features with baselineDataset: the baseline-profile function samples at least 10,000 rows of each \(8 bytes a value\) in its 192 MiB budget and refuses more; profile the dataset elsewhere and give baselineProfile, or watch fewer features, got '2517 numeric features'$/);
    expect(() => withDataset({ features: features(2516, FeatureType.NUMERIC), predictionDrift: prediction(FeatureType.NUMERIC) }))
      .toThrow(/features must be at most 2516 numeric features .*got '2517 numeric features \(predictionDrift included\)'/);
  });

  test('does not limit a baseline profile computed elsewhere', () => {
    expect(() => monitor({ features: features(2517, FeatureType.NUMERIC) })).not.toThrow();
  });

  test('warns beyond 1,280 categorical features with a baseline dataset (long values may not fit), not at 1,280', () => {
    const at = withDataset({ features: features(1280, FeatureType.CATEGORICAL) });
    Annotations.fromStack(at.stack).hasNoWarning('*', Match.stringLikeRegexp('drift-profile-memory'));
    const over = withDataset({ features: features(1281, FeatureType.CATEGORICAL) });
    Annotations.fromStack(over.stack).hasWarning('/Serve/Drift', Match.stringLikeRegexp(
      'DriftMonitor Serve/Drift: 1281 categorical features with baselineDataset: .*more than 1280 of them may not fit its memory'));
    const prof = monitor({ features: features(1281, FeatureType.CATEGORICAL) });
    Annotations.fromStack(prof.stack).hasNoWarning('*', Match.stringLikeRegexp('drift-profile-memory'));
  });
});
