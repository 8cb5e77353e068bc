import { parseGroundTruthLine as modelQualityParse } from '../../../lambda/model-quality/quality';
import {
  OutcomeJoin, SETTLE_MINUTES, inWindow, metricQueries, observations, parseEvent, parseGroundTruthLine, reportKey, stateKey,
  windowBounds,
} from '../../../lambda/ab-experiment/request';
import { EVENT } from './fixtures';

describe('parseEvent', () => {
  test('returns the policy of a valid event', () => {
    expect(parseEvent(EVENT).policy).toEqual({
      significance: 0.05, errorMargin: 0.25, latencyMargin: 0.5, latencyMinimumSamples: 1000, minimumSamples: 1000,
      mixtureRelativeEffect: 0.1, stepPercent: 10, onCompletion: 'PROMOTE',
    });
    expect(parseEvent({ ...EVENT, successMeasure: undefined, statePrefix: '' }).statePrefix).toBe('');
  });

  test.each([
    [{ experimentName: '' }, /experimentName must be a non-empty string/],
    [{ endpointName: undefined }, /endpointName must be a non-empty string/],
    [{ championVariant: 3 }, /championVariant must be a non-empty string/],
    [{ challengerVariant: '' }, /challengerVariant must be a non-empty string/],
    [{ stateBucket: '' }, /stateBucket must be a non-empty string/],
    [{ metricNamespace: '' }, /metricNamespace must be a non-empty string/],
    [{ statePrefix: 'x' }, /statePrefix must be a key prefix ending with '\/', got "x"/],
    [{ statePrefix: 3 }, /statePrefix must be a key prefix ending with '\/', got 3/],
    [{ significance: 0 }, /significance must be in \(0, 0.5\], got 0/],
    [{ significance: 0.51 }, /significance must be in \(0, 0.5\], got 0.51/],
    [{ significance: NaN }, /significance must be in \(0, 0.5\], got null/],
    [{ significance: '0.05' }, /significance must be in \(0, 0.5\], got "0.05"/],
    [{ errorMargin: 0 }, /errorMargin must be > 0, got 0/],
    [{ latencyMargin: -1 }, /latencyMargin must be > 0, got -1/],
    [{ latencyMinimumSamples: 99 }, /latencyMinimumSamples must be a whole number >= 100, got 99/],
    [{ latencyMinimumSamples: 100.5 }, /latencyMinimumSamples must be a whole number >= 100, got 100.5/],
    [{ minimumSamples: 0 }, /minimumSamples must be a whole number >= 1, got 0/],
    [{ minimumSamples: 1.5 }, /minimumSamples must be a whole number >= 1, got 1.5/],
    [{ mixtureRelativeEffect: 0 }, /mixtureRelativeEffect must be > 0, got 0/],
    [{ stepPercent: 0 }, /stepPercent must be in \(0, 100\], got 0/],
    [{ stepPercent: 100.1 }, /stepPercent must be in \(0, 100\], got 100.1/],
    [{ windowMinutes: 0 }, /windowMinutes must be a whole number of minutes >= 1, got 0/],
    [{ windowMinutes: 1.5 }, /windowMinutes must be a whole number of minutes >= 1, got 1.5/],
    [{ runAt: 'yesterday' }, /runAt must be an ISO time, got "yesterday"/],
    [{ runAt: 5 }, /runAt must be an ISO time, got 5/],
    [{ onCompletion: 'SWITCH' }, /onCompletion must be PROMOTE or HOLD, got "SWITCH"/],
    [{ challengerVariant: 'champion' }, /championVariant and challengerVariant must differ, both are "champion"/],
    [{ successMeasure: { ...EVENT.successMeasure, captureBucket: '' } }, /successMeasure.captureBucket must be a non-empty string/],
    [{ successMeasure: { ...EVENT.successMeasure, groundTruthBucket: undefined } }, /successMeasure.groundTruthBucket must be a non-empty string/],
    [{ successMeasure: { ...EVENT.successMeasure, positiveLabel: '' } }, /successMeasure.positiveLabel must be a non-empty string/],
    [{ successMeasure: { ...EVENT.successMeasure, capturePrefix: undefined } }, /successMeasure.capturePrefix must be a string/],
    [{ successMeasure: { ...EVENT.successMeasure, groundTruthPrefix: 1 } }, /successMeasure.groundTruthPrefix must be a string/],
    [{ successMeasure: { ...EVENT.successMeasure, captureLookbackHours: -1 } }, /successMeasure.captureLookbackHours must be a whole number >= 0, got -1/],
    [{ successMeasure: { ...EVENT.successMeasure, captureLookbackHours: 1.5 } }, /captureLookbackHours must be a whole number >= 0, got 1.5/],
    [{ successMeasure: { ...EVENT.successMeasure, captureLookbackHours: '2' } }, /captureLookbackHours must be a whole number >= 0, got "2"/],
  ])('fails on %j', (over, message) => {
    expect(() => parseEvent({ ...EVENT, ...over } as any)).toThrow(message);
  });

  test('accepts the boundaries: significance 0.5, step 100, 100 latency samples, 1 sample, 0 lookback hours', () => {
    expect(() => parseEvent({ ...EVENT, significance: 0.5, stepPercent: 100, latencyMinimumSamples: 100, minimumSamples: 1, windowMinutes: 1,
      successMeasure: { ...EVENT.successMeasure!, captureLookbackHours: 0, capturePrefix: '' } })).not.toThrow();
    expect(parseEvent({ ...EVENT, onCompletion: 'HOLD' }).policy.onCompletion).toBe('HOLD');
  });

  test('lists every problem in one error', () => {
    expect(() => parseEvent({ ...EVENT, significance: 0, stepPercent: 0 })).toThrow(
      'invalid experiment event: significance must be in (0, 0.5], got 0; stepPercent must be in (0, 100], got 0');
  });

  test('fails on a missing event', () => {
    expect(() => parseEvent(undefined as any)).toThrow(/experimentName must be a non-empty string/);
  });
});

describe('windowBounds', () => {
  const now = Date.parse('2026-11-23T10:07:30Z');

  test('ends 5 minutes before the run on a whole minute and reaches back one window on a first run', () => {
    expect(SETTLE_MINUTES).toBe(5);
    const w = windowBounds(now, 60);
    expect(w.end.toISOString()).toBe('2026-11-23T10:02:00.000Z');
    expect(w.start.toISOString()).toBe('2026-11-23T09:02:00.000Z');
  });

  test('starts where the last window ended', () => {
    expect(windowBounds(now, 60, '2026-11-23T09:30:00.000Z').start.toISOString()).toBe('2026-11-23T09:30:00.000Z');
  });

  test('reads at most one window after a gap', () => {
    expect(windowBounds(now, 60, '2026-11-22T00:00:00.000Z').start.toISOString()).toBe('2026-11-23T09:02:00.000Z');
  });

  test('is empty when the last window ends at or after this end', () => {
    const w = windowBounds(now, 60, '2026-11-23T10:02:00.000Z');
    expect(w.start.getTime()).toBe(w.end.getTime());
  });

  test('ignores an unparseable last window end', () => {
    expect(windowBounds(now, 60, 'nonsense').start.toISOString()).toBe('2026-11-23T09:02:00.000Z');
  });
});

describe('metricQueries', () => {
  const start = new Date('2026-11-23T09:00:00Z');
  const end = new Date('2026-11-23T10:00:00Z');

  test('asks per variant for invocations, 5XX errors and the p99 while there is no latency threshold, one period over the window', () => {
    const q = metricQueries(EVENT, start, end, undefined);
    expect(q.map((x) => [x.Id, x.MetricStat.Metric.MetricName, x.MetricStat.Stat, x.MetricStat.Period])).toEqual([
      ['champion_invocations', 'Invocations', 'Sum', 3600],
      ['champion_errors', 'Invocation5XXErrors', 'Sum', 3600],
      ['champion_p99', 'ModelLatency', 'p99', 3600],
      ['challenger_invocations', 'Invocations', 'Sum', 3600],
      ['challenger_errors', 'Invocation5XXErrors', 'Sum', 3600],
      ['challenger_p99', 'ModelLatency', 'p99', 3600],
    ]);
    expect(q[0]).toEqual({
      Id: 'champion_invocations',
      MetricStat: {
        Metric: { Namespace: 'AWS/SageMaker', MetricName: 'Invocations', Dimensions: [{ Name: 'EndpointName', Value: 'churn' }, { Name: 'VariantName', Value: 'champion' }] },
        Period: 3600, Stat: 'Sum',
      },
      ReturnData: true,
    });
    expect(q[3].MetricStat.Metric.Dimensions).toEqual([{ Name: 'EndpointName', Value: 'churn' }, { Name: 'VariantName', Value: 'challenger' }]);
  });

  test('counts requests slower than the threshold once it is set', () => {
    const q = metricQueries(EVENT, start, end, 123456.5);
    expect(q.filter((x) => x.MetricStat.Metric.MetricName === 'ModelLatency').map((x) => [x.Id, x.MetricStat.Stat]))
      .toEqual([['champion_slow', 'TC(123456.5:)'], ['challenger_slow', 'TC(123456.5:)']]);
  });

  test('asks for no latency without the latency guardrail', () => {
    expect(metricQueries({ ...EVENT, latencyGuardrail: false }, start, end, 5).map((x) => x.Id))
      .toEqual(['champion_invocations', 'champion_errors', 'challenger_invocations', 'challenger_errors']);
    expect(metricQueries({ ...EVENT, latencyGuardrail: true }, start, end, 5)).toHaveLength(6);
  });

  test('uses a period of at least 60 seconds, in whole minutes', () => {
    expect(metricQueries(EVENT, start, new Date(start.getTime() + 10_000), undefined)[0].MetricStat.Period).toBe(60);
    expect(metricQueries(EVENT, start, new Date(start.getTime() + 150_000), undefined)[0].MetricStat.Period).toBe(180);
  });
});

describe('observations', () => {
  test('sums counts over datapoints and pages, takes the worst p99, and clamps errors and slow requests to requests', () => {
    const o = observations([
      { Id: 'champion_invocations', Values: [600, 400] },
      { Id: 'champion_errors', Values: [3, null as any, NaN] },
      { Id: 'champion_p99', Values: [120, 180] },
      { Id: 'challenger_invocations', Values: [100] },
      { Id: 'challenger_invocations', Values: [10.4] },
      { Id: 'challenger_errors', Values: [500] },
      { Id: 'challenger_slow', Values: [7, 900] },
      { Values: [1] },
    ]);
    expect(o.champion).toEqual({ requests: 1000, errors: 3, latencyQuantile: 180, slowRequests: undefined });
    expect(o.challenger).toEqual({ requests: 110, errors: 110, latencyQuantile: undefined, slowRequests: 110 });
  });

  test('treats missing metrics as no requests and unknown latency', () => {
    expect(observations([])).toEqual({
      champion: { requests: 0, errors: 0, latencyQuantile: undefined, slowRequests: undefined },
      challenger: { requests: 0, errors: 0, latencyQuantile: undefined, slowRequests: undefined },
    });
    expect(observations([{ Id: 'champion_slow', Values: [] }, { Id: 'champion_invocations' }]).champion).toEqual({
      requests: 0, errors: 0, latencyQuantile: undefined, slowRequests: 0,
    });
  });
});

describe('parseGroundTruthLine', () => {
  test.each([
    ['{"inferenceId": "a", "label": 1}', { id: 'a', label: '1' }],
    ['{"inferenceId": "a", "label": " yes "}', { id: 'a', label: 'yes' }],
    ['{"inferenceId": "a", "label": true}', { id: 'a', label: '1' }],
    ['{"inferenceId": "a", "label": "1.0"}', { id: 'a', label: '1' }],
    ['{"groundTruthData": {"data": "{\\"label\\": false}", "encoding": "JSON"}, "eventMetadata": {"eventId": "e"}}', { id: 'e', label: '0' }],
    ['{"groundTruthData": {"data": "0", "encoding": "CSV"}, "eventMetadata": {"eventId": "e"}}', { id: 'e', label: '0' }],
    ['{"groundTruthData": {"data": "1"}, "eventMetadata": {"inferenceId": "i", "eventId": "e"}}', { id: 'i', label: '1' }],
    [`{"groundTruthData": {"data": "${Buffer.from('1\n').toString('base64')}", "encoding": "base64"}, "eventMetadata": {"eventId": "e"}}`, { id: 'e', label: '1' }],
  ])('reads %s', (line, expected) => {
    expect(parseGroundTruthLine(line)).toEqual(expected);
  });

  test.each([
    'not json', 'null', '3', '{"inferenceId": 3, "label": 1}', '{"inferenceId": "a", "label": null}', '{"inferenceId": "a"}',
    '{"groundTruthData": {"data": 1}, "eventMetadata": {"eventId": "e"}}', '{"groundTruthData": {"data": "1"}, "eventMetadata": {}}',
    '{"groundTruthData": {"data": "1"}}', '{"inferenceId": "", "label": 1}', '{"groundTruthData": {"data": "1"}, "eventMetadata": {"eventId": ""}}',
    '{"inferenceId": "a", "label": "  "}',
  ])('rejects %s', (line) => {
    expect(parseGroundTruthLine(line)).toBeUndefined();
  });
});

describe('OutcomeJoin', () => {
  test('joins each label to at most one captured request of a variant, and counts successes', () => {
    const j = new OutcomeJoin('1');
    for (const line of ['{"inferenceId": "a", "label": 1}', '{"inferenceId": "b", "label": 0}', '{"inferenceId": "c", "label": 1}',
      '', '  ', 'bad', '{"inferenceId": "a", "label": 0}']) {
      expect(j.addLabelLine(line)).toBe(true);
    }
    expect(j.labelCount).toBe(3);
    expect(j.duplicateLabels).toBe(1);
    expect(j.malformedLines).toBe(1);
    j.addCapture('champion', 'a');
    j.addCapture('champion', 'a');
    j.addCapture('challenger', 'b');
    j.addCapture('challenger', 'zzz');
    j.addCapture('challenger', undefined);
    expect(j.result('champion')).toEqual({ trials: 1, successes: 1 });
    expect(j.result('challenger')).toEqual({ trials: 1, successes: 0 });
    expect(j.unmatched).toBe(1);
  });

  test('reads ground truth exactly as the model-quality check does (one reader)', () => {
    expect(parseGroundTruthLine).toBe(modelQualityParse);
  });

  // Every label style the model-quality check accepts for the positive class of a binary model (its tests and README):
  // an experiment measured by ground truth must count each as a success, whatever spelling positiveLabel has.
  const POSITIVE_LINES = [
    '{"inferenceId": "p1", "label": 1}', '{"inferenceId": "p2", "label": 1.0}', '{"inferenceId": "p3", "label": "1"}',
    '{"inferenceId": "p4", "label": "1.0"}', '{"inferenceId": "p5", "label": true}', '{"inferenceId": "p6", "label": "True"}',
    '{"groundTruthData": {"data": "1.0", "encoding": "CSV"}, "eventMetadata": {"eventId": "p7"}}',
    `{"groundTruthData": {"data": "${Buffer.from('true').toString('base64')}", "encoding": "BASE64"}, "eventMetadata": {"eventId": "p8"}}`,
    '{"groundTruthData": {"data": "{\\"label\\": 1}", "encoding": "JSON"}, "eventMetadata": {"eventId": "p9"}}',
  ];
  const NEGATIVE_LINES = ['{"inferenceId": "n1", "label": 0}', '{"inferenceId": "n2", "label": "false"}', '{"inferenceId": "n3", "label": "0.0"}'];

  test.each(['1', '1.0', 'true', 'True', ' 1 '])('counts every spelling of the positive class as a success (positiveLabel %j)', (positive) => {
    const j = new OutcomeJoin(positive);
    for (const line of [...POSITIVE_LINES, ...NEGATIVE_LINES]) j.addLabelLine(line);
    expect([j.labelCount, j.malformedLines]).toEqual([12, 0]);
    for (let i = 1; i <= 9; i++) j.addCapture('challenger', `p${i}`);
    for (let i = 1; i <= 3; i++) j.addCapture('champion', `n${i}`);
    expect(j.result('challenger')).toEqual({ trials: 9, successes: 9 });
    expect(j.result('champion')).toEqual({ trials: 3, successes: 0 });
  });

  test('a text positive class is compared trimmed and case-sensitively, as model quality does', () => {
    const j = new OutcomeJoin('churned');
    ['{"inferenceId": "a", "label": " churned "}', '{"inferenceId": "b", "label": "Churned"}', '{"inferenceId": "c", "label": "stayed"}']
      .forEach((l) => j.addLabelLine(l));
    ['a', 'b', 'c'].forEach((id) => j.addCapture('champion', id));
    expect(j.result('champion')).toEqual({ trials: 3, successes: 1 });
  });

  test('stops taking labels when full', () => {
    const j = new OutcomeJoin('1', 1);
    expect(j.addLabelLine('{"inferenceId": "a", "label": 1}')).toBe(true);
    expect(j.addLabelLine('{"inferenceId": "b", "label": 1}')).toBe(false);
    expect(j.addLabelLine('{"inferenceId": "a", "label": 1}')).toBe(true);
    expect(j.labelCount).toBe(1);
  });

  test('returns copies of its counts', () => {
    const j = new OutcomeJoin('1');
    const r = j.result('champion');
    r.trials = 5;
    expect(j.result('champion').trials).toBe(0);
  });
});

describe('keys and windows', () => {
  const start = new Date('2026-11-23T09:00:00Z');
  const end = new Date('2026-11-23T10:00:00Z');

  test('inWindow is [start, end)', () => {
    expect(inWindow(start, start, end)).toBe(true);
    expect(inWindow(new Date(end.getTime() - 1), start, end)).toBe(true);
    expect(inWindow(end, start, end)).toBe(false);
    expect(inWindow(new Date(start.getTime() - 1), start, end)).toBe(false);
    expect(inWindow(undefined, start, end)).toBe(false);
  });

  test('the state and report keys live under the state prefix', () => {
    expect(stateKey(EVENT)).toBe('experiments/churn/churn-v4/state.json');
    expect(reportKey(EVENT, new Date('2026-11-23T10:02:00.000Z'), 'SHIFT')).toBe('experiments/churn/churn-v4/reports/20261123T100200Z-shift.json');
  });
});
