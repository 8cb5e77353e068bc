import { driftDatums, topDriftedFeatures } from '../../../lambda/drift/metrics';
import { batchDatums } from '../../../lambda/shared/datums';
import { buildProfile, normalizeSchema, parseProfile, PROFILE_FORMAT_VERSION } from '../../../lambda/shared/profile';
import { captureHourPrefixes, reportKey, resolveDriftEvent } from '../../../lambda/drift/request';
import { DEFAULT_POLICY, resolvePolicy } from '../../../lambda/drift/decide';
import { CategoricalFeatureStats, FeatureStats, NumericFeatureStats, WindowAccumulator } from '../../../lambda/drift/window';
import { rng } from './fixtures';

const schema = [{ name: 'x', type: 'numeric' as const }, { name: 'c', type: 'categorical' as const }];

function baseline(n = 5000) {
  const r = rng(1);
  const cats = ['a', 'b', 'c'];
  return buildProfile(Array.from({ length: n }, () => [r.normal(), cats[Math.floor(r.next() * 3)]]), schema);
}

describe('window accumulator', () => {
  const profile = baseline();

  test('flags a shifted numeric feature and a changed categorical mix, with the drifted share', () => {
    // GIVEN a window where x moved by one standard deviation and 'c' became dominant
    const r = rng(2);
    const acc = new WindowAccumulator(profile);
    for (let i = 0; i < 2000; i++) acc.addRow([r.normal() + 1, r.next() < 0.8 ? 'c' : 'a']);
    // WHEN
    const s = acc.summarize(DEFAULT_POLICY);
    // THEN
    const x = s.features[0] as NumericFeatureStats & FeatureStats;
    const c = s.features[1] as CategoricalFeatureStats & FeatureStats;
    expect(x.psi).toBeGreaterThan(0.2);
    expect(x.ks).toBeGreaterThan(0.3);
    expect(x.pValue).toBeLessThan(1e-100);
    expect(x.reasons).toEqual([expect.stringMatching(/^p [0-9.]+e-\d+ rejected at bonferroni 0\.005 over 2 features; psi [0-9.]+ >= 0\.01$/)]);
    expect(c.jsDistance).toBeGreaterThan(0.1);
    expect(c.chiSquarePValue).toBeLessThan(1e-10);
    expect(c.pValue).toBeLessThan(1e-10);
    expect(s.driftedFeatures).toEqual(['x', 'c']);
    expect(s.driftedShare).toBe(1);
    expect(s.drifted).toBe(true);
  });

  test('does not flag a window from the same distribution', () => {
    const r = rng(3);
    const acc = new WindowAccumulator(profile);
    for (let i = 0; i < 2000; i++) acc.addRow([r.normal(), ['a', 'b', 'c'][Math.floor(r.next() * 3)]]);
    const s = acc.summarize(DEFAULT_POLICY);
    expect(s.driftedFeatures).toEqual([]);
    expect(s.driftedShare).toBe(0);
    expect(s.drifted).toBe(false);
    expect(s.testedFeatures).toBe(2);
    expect((s.features[0] as NumericFeatureStats).ks).toBeLessThan(0.05);
  });

  test('reports missing rate, out-of-range share and unseen categories in __other__', () => {
    const acc = new WindowAccumulator(profile);
    acc.addRow([100, 'zebra']);
    acc.addRow(['', null]);
    acc.addRow(['not a number', 'a']);
    acc.addRow([-100, ' ']);
    acc.addRow([0, 'b']);
    const [x, c] = acc.summarize(resolvePolicy({ minCount: 1 })).features as unknown as [NumericFeatureStats, CategoricalFeatureStats];
    expect(x).toMatchObject({ rows: 5, count: 3, missing: 2, missingRate: 0.4, outOfRangeShare: 2 / 3, min: -100, max: 100 });
    expect(c).toMatchObject({ rows: 5, count: 3, missing: 2, missingRate: 0.4 });
    expect(c.categoryCounts).toEqual({ a: 1, b: 1, c: 0, __other__: 1 });
    expect(c.otherShare).toBe(1 / 3);
    expect(c.baselineOtherShare).toBe(0);
  });

  test('reports but does not test features with fewer values than minCount', () => {
    const acc = new WindowAccumulator(profile);
    for (let i = 0; i < 49; i++) acc.addRow([10, 'c']);
    const s = acc.summarize(DEFAULT_POLICY);
    expect(s.features.every((f) => !f.tested && !f.drifted)).toBe(true);
    expect(s.features[0].psi).toBeGreaterThan(1);
    expect(s.driftedShare).toBeNull();
  });

  test('gives null statistics for an empty window', () => {
    const s = new WindowAccumulator(profile).summarize(DEFAULT_POLICY);
    expect(s.features[0]).toMatchObject({ psi: null, ks: null, pValue: null, outOfRangeShare: null, tested: false });
    expect(s.features[1]).toMatchObject({ psi: null, jsDistance: null, chiSquarePValue: null, pValue: null, otherShare: null, tested: false });
  });

});

describe('profile document', () => {
  test('round-trips through JSON and is versioned', () => {
    const p = baseline(200);
    const back = parseProfile(JSON.parse(JSON.stringify(p)));
    expect(back.formatVersion).toBe(PROFILE_FORMAT_VERSION);
    expect(back).toEqual(p);
  });

  test('fails when the version or the feature data is wrong', () => {
    expect(() => parseProfile({ formatVersion: 2, features: [] })).toThrow(/formatVersion must be 1, got 2/);
    expect(() => parseProfile({ formatVersion: 1, features: [{ name: 'x', type: 'numeric', bins: { edges: [1], counts: [1] } }] }))
      .toThrow(/numeric feature 'x' lacks consistent bins or cdf/);
    expect(() => parseProfile('x')).toThrow(/not a JSON object/);
  });

  test('fails on an empty feature list, duplicate names and bad types', () => {
    expect(() => normalizeSchema([])).toThrow(/the feature list is empty/);
    expect(() => normalizeSchema([{ name: 'a', type: 'numeric' }, { name: 'a', type: 'categorical' }])).toThrow(/feature 'a' is declared twice/);
    expect(() => normalizeSchema([{ name: 'a', type: 'text' as any }])).toThrow(/type must be 'numeric' or 'categorical', got 'text'/);
    expect(() => buildProfile([], schema, { bins: 1 })).toThrow(/bins must be an integer >= 2/);
  });

  test('a constant feature has one bin and still measures drift', () => {
    const p = buildProfile(Array.from({ length: 300 }, () => [5, 'a']), schema);
    expect((p.features[0] as any).bins).toEqual({ edges: [5], counts: [300, 0] });
    const acc = new WindowAccumulator(p);
    for (let i = 0; i < 300; i++) acc.addRow([i % 2 ? 5 : 6, 'a']);
    const x = acc.summarize(DEFAULT_POLICY).features[0] as NumericFeatureStats & FeatureStats;
    expect(x.ks).toBe(0.5);
    expect(x.outOfRangeShare).toBe(0.5);
    expect(x.drifted).toBe(true);
  });
});

describe('drift event', () => {
  const event = {
    endpointName: 'churn', captureBucket: 'lake', capturePrefix: 'monitoring/capture/', baselineBucket: 'lake', baselineKey: 'p.json',
    reportBucket: 'lake',
  };

  test('the default window is the last full windowMinutes that ended 5 settling minutes before now', () => {
    const r = resolveDriftEvent(event, Date.parse('2026-11-23T10:05:00Z'));
    expect(new Date(r.startMs).toISOString()).toBe('2026-11-23T09:00:00.000Z');
    expect(new Date(r.endMs).toISOString()).toBe('2026-11-23T10:00:00.000Z');
    expect(r).toMatchObject({ capturePrefix: 'monitoring/capture', reportPrefix: 'drift-reports', metricNamespace: 'cdk-mlops/Drift' });
    expect(reportKey(r, 'AllTraffic')).toBe('drift-reports/churn/AllTraffic/20261123T0900Z-20261123T1000Z.json');
    expect(captureHourPrefixes(r, 'AllTraffic')).toEqual([
      'monitoring/capture/churn/AllTraffic/2026/11/23/08/', 'monitoring/capture/churn/AllTraffic/2026/11/23/09/',
    ]);
  });

  test('before the settling delay has passed, the window before is computed', () => {
    const r = resolveDriftEvent(event, Date.parse('2026-11-23T10:04:59.999Z'));
    expect(new Date(r.endMs).toISOString()).toBe('2026-11-23T09:00:00.000Z');
    expect(new Date(resolveDriftEvent({ ...event, settlingMinutes: 0 }, Date.parse('2026-11-23T10:00:00Z')).endMs).toISOString())
      .toBe('2026-11-23T10:00:00.000Z');
  });

  test('the window follows the schedule\'s own time, not the Lambda clock: a late retry computes the same window', () => {
    const first = resolveDriftEvent({ ...event, scheduledTime: '2026-11-23T10:07:00Z' }, Date.parse('2026-11-23T10:07:01Z'));
    const retry = resolveDriftEvent({ ...event, scheduledTime: '2026-11-23T10:07:00Z' }, Date.parse('2026-11-23T11:20:00Z'));
    expect([first.startMs, first.endMs]).toEqual([Date.parse('2026-11-23T09:00:00Z'), Date.parse('2026-11-23T10:00:00Z')]);
    expect(retry).toEqual(first);
  });

  test('fails on a bad scheduled time or settling delay', () => {
    expect(() => resolveDriftEvent({ ...event, scheduledTime: 'soon' }, 0)).toThrow(/scheduledTime must be an ISO date, got 'soon'/);
    expect(() => resolveDriftEvent({ ...event, settlingMinutes: 61 }, 0)).toThrow(/settlingMinutes must be an integer in \[0, windowMinutes\], got 61/);
    expect(() => resolveDriftEvent({ ...event, settlingMinutes: -1 }, 0)).toThrow(/settlingMinutes must be an integer in \[0, windowMinutes\], got -1/);
    expect(resolveDriftEvent({ ...event, settlingMinutes: 60 }, Date.parse('2026-11-23T10:00:00Z')).endMs).toBe(Date.parse('2026-11-23T09:00:00Z'));
  });

  test('an explicit window end and length are honoured', () => {
    const r = resolveDriftEvent({ ...event, windowEnd: '2026-11-23T12:00:00Z', windowMinutes: 30 }, 0);
    expect(new Date(r.startMs).toISOString()).toBe('2026-11-23T11:30:00.000Z');
  });

  test('fails naming every missing or invalid field', () => {
    expect(() => resolveDriftEvent({ ...event, endpointName: '', windowMinutes: 0, windowEnd: 'yesterday', policy: { alpha: 0 } }, 0))
      .toThrow(/endpointName is required; windowMinutes must be .*; windowEnd must be an ISO date, got 'yesterday'; invalid drift policy: alpha must be in \(0, 0.5\], got 0/);
  });

  test('fails on a policy override of a feature the event does not watch', () => {
    expect(() => resolveDriftEvent({ ...event, features: ['x'], policy: { features: { y: { minPsi: 0.1 } } } }, 0))
      .toThrow(/invalid drift policy: features.y overrides a feature that is not watched/);
  });
});

describe('metrics', () => {
  test('per feature and per window datums carry the endpoint, variant and feature dimensions', () => {
    const acc = new WindowAccumulator(baseline(500));
    for (let i = 0; i < 200; i++) acc.addRow([i / 100, 'b']);
    const datums = driftDatums('churn', 'AllTraffic', new Date(0), acc.summarize(DEFAULT_POLICY), { records: 200, malformed: 3 });
    const names = datums.map((d) => `${d.MetricName}/${d.Dimensions.map((x) => x.Value).join('/')}`);
    expect(names).toEqual([
      'PSI/churn/AllTraffic/x', 'MissingRate/churn/AllTraffic/x', 'KSStatistic/churn/AllTraffic/x', 'OutOfRangeShare/churn/AllTraffic/x',
      'PValue/churn/AllTraffic/x', 'FeatureDrifted/churn/AllTraffic/x',
      'PSI/churn/AllTraffic/c', 'MissingRate/churn/AllTraffic/c', 'JSDistance/churn/AllTraffic/c',
      'PValue/churn/AllTraffic/c', 'FeatureDrifted/churn/AllTraffic/c',
      'DriftedFeatureShare/churn/AllTraffic', 'DriftedFeatures/churn/AllTraffic', 'DriftDetected/churn/AllTraffic', 'DriftScore/churn/AllTraffic',
      'RecordCount/churn/AllTraffic', 'MalformedRecords/churn/AllTraffic',
      'MalformedShare/churn/AllTraffic', 'MaxMissingRateIncrease/churn/AllTraffic', 'MaxNewCategoryShare/churn/AllTraffic',
    ]);
    expect(datums.find((d) => d.MetricName === 'MalformedRecords')).toMatchObject({ Value: 3, Unit: 'Count' });
    expect(datums.find((d) => d.MetricName === 'MalformedShare')!.Value).toBe(3 / 203);
  });

  test('without per-feature metrics only the per-window datums are published', () => {
    const acc = new WindowAccumulator(baseline(500));
    for (let i = 0; i < 200; i++) acc.addRow([i / 100, 'b']);
    const datums = driftDatums('churn', 'AllTraffic', new Date(0), acc.summarize(DEFAULT_POLICY), { records: 200, malformed: 0 }, { perFeature: false });
    expect(datums.map((d) => d.MetricName)).toEqual(['DriftedFeatureShare', 'DriftedFeatures', 'DriftDetected', 'DriftScore', 'RecordCount',
      'MalformedRecords', 'MalformedShare', 'MaxMissingRateIncrease', 'MaxNewCategoryShare']);
    expect(datums.every((d) => d.Dimensions.length === 2)).toBe(true);
  });

  test('breakage metrics: a dead feature and an unseen vocabulary show as increases over the baseline', () => {
    const acc = new WindowAccumulator(baseline(500));
    // x always missing; c mostly values the baseline never saw.
    for (let i = 0; i < 100; i++) acc.addRow([null, i < 30 ? 'a' : 'zebra']);
    const summary = acc.summarize(DEFAULT_POLICY);
    const byName = Object.fromEntries(driftDatums('e', 'v', new Date(0), summary, { records: 100, malformed: 0 }).map((d) => [d.MetricName, d.Value]));
    expect(byName.MaxMissingRateIncrease).toBe(1);
    expect(byName.MaxNewCategoryShare).toBe(0.7);
    expect(byName.MalformedShare).toBe(0);
    expect(byName.DriftScore).toBeGreaterThan(0);
    expect(topDriftedFeatures(summary).map((f) => f.name)).toEqual(['c']);
  });

  test('batches hold at most 1000 datums and stay under the size limit', () => {
    const d = { MetricName: 'PSI', Value: 1, Dimensions: [{ Name: 'Feature', Value: 'f'.repeat(200) }] };
    expect(batchDatums(Array(2500).fill(d)).map((b) => b.length)).toEqual([1000, 1000, 500]);
    const sizes = batchDatums(Array(2500).fill(d), 1000, 100_000).map((b) => b.length);
    expect(Math.max(...sizes)).toBeLessThan(200);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(2500);
  });
});
