import { driftDatums } from '../../../lambda/drift/metrics';
import { batchDatums } from '../../../lambda/shared/datums';
import { buildProfile, normalizeSchema, parseProfile, PROFILE_FORMAT_VERSION } from '../../../lambda/shared/profile';
import { captureHourPrefixes, reportKey, resolveDriftEvent } from '../../../lambda/drift/request';
import { CategoricalFeatureStats, NumericFeatureStats, resolveThresholds, WindowAccumulator } from '../../../lambda/drift/window';
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
    const s = acc.summarize();
    // THEN
    const x = s.features[0] as NumericFeatureStats;
    const c = s.features[1] as CategoricalFeatureStats;
    expect(x.psi).toBeGreaterThan(0.2);
    expect(x.ks).toBeGreaterThan(0.3);
    expect(x.reasons).toEqual([expect.stringMatching(/^psi /), expect.stringMatching(/^ks /)]);
    expect(c.jsDistance).toBeGreaterThan(0.1);
    expect(c.chiSquarePValue).toBeLessThan(1e-10);
    expect(s.driftedFeatures).toEqual(['x', 'c']);
    expect(s.driftedShare).toBe(1);
  });

  test('does not flag a window from the same distribution', () => {
    const r = rng(3);
    const acc = new WindowAccumulator(profile);
    for (let i = 0; i < 2000; i++) acc.addRow([r.normal(), ['a', 'b', 'c'][Math.floor(r.next() * 3)]]);
    const s = acc.summarize();
    expect(s.driftedFeatures).toEqual([]);
    expect(s.driftedShare).toBe(0);
    expect(s.judgedFeatures).toBe(2);
    expect((s.features[0] as NumericFeatureStats).ks).toBeLessThan(0.05);
  });

  test('reports missing rate, out-of-range share and unseen categories in __other__', () => {
    const acc = new WindowAccumulator(profile);
    acc.addRow([100, 'zebra']);
    acc.addRow(['', null]);
    acc.addRow(['not a number', 'a']);
    acc.addRow([-100, ' ']);
    acc.addRow([0, 'b']);
    const [x, c] = acc.summarize({ minCount: 1 }).features as [NumericFeatureStats, CategoricalFeatureStats];
    expect(x).toMatchObject({ rows: 5, count: 3, missing: 2, missingRate: 0.4, outOfRangeShare: 2 / 3, min: -100, max: 100 });
    expect(c).toMatchObject({ rows: 5, count: 3, missing: 2, missingRate: 0.4 });
    expect(c.categoryCounts).toEqual({ a: 1, b: 1, c: 0, __other__: 1 });
  });

  test('reports but does not judge features with fewer values than minCount', () => {
    const acc = new WindowAccumulator(profile);
    for (let i = 0; i < 50; i++) acc.addRow([10, 'c']);
    const s = acc.summarize();
    expect(s.features.every((f) => !f.judged && !f.drifted)).toBe(true);
    expect(s.features[0].psi).toBeGreaterThan(1);
    expect(s.driftedShare).toBeNull();
  });

  test('gives null statistics for an empty window', () => {
    const s = new WindowAccumulator(profile).summarize();
    expect(s.features[0]).toMatchObject({ psi: null, ks: null, outOfRangeShare: null, judged: false });
    expect(s.features[1]).toMatchObject({ psi: null, jsDistance: null, chiSquarePValue: null });
  });

  test('fails when thresholds are out of range', () => {
    expect(() => resolveThresholds({ psi: 0 })).toThrow(/psi must be > 0, got 0/);
    expect(() => resolveThresholds({ ks: 1.5, js: -1, minCount: 0.5 })).toThrow(/ks must be in \(0, 1\], got 1.5; js must be .*; minCount must be/);
    expect(resolveThresholds({ psi: 0.3, ks: undefined })).toEqual({ psi: 0.3, ks: 0.1, js: 0.1, minCount: 100 });
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
    const x = acc.summarize().features[0] as NumericFeatureStats;
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

  test('the default window is the last full windowMinutes before now', () => {
    const r = resolveDriftEvent(event, Date.parse('2026-11-23T10:00:05Z'));
    expect(new Date(r.startMs).toISOString()).toBe('2026-11-23T09:00:00.000Z');
    expect(new Date(r.endMs).toISOString()).toBe('2026-11-23T10:00:00.000Z');
    expect(r).toMatchObject({ capturePrefix: 'monitoring/capture', reportPrefix: 'drift-reports', metricNamespace: 'cdk-mlops/Drift' });
    expect(reportKey(r, 'AllTraffic')).toBe('drift-reports/churn/AllTraffic/20261123T0900Z-20261123T1000Z.json');
    expect(captureHourPrefixes(r, 'AllTraffic')).toEqual([
      'monitoring/capture/churn/AllTraffic/2026/11/23/08/', 'monitoring/capture/churn/AllTraffic/2026/11/23/09/',
    ]);
  });

  test('an explicit window end and length are honoured', () => {
    const r = resolveDriftEvent({ ...event, windowEnd: '2026-11-23T12:00:00Z', windowMinutes: 30 }, 0);
    expect(new Date(r.startMs).toISOString()).toBe('2026-11-23T11:30:00.000Z');
  });

  test('fails naming every missing or invalid field', () => {
    expect(() => resolveDriftEvent({ ...event, endpointName: '', windowMinutes: 0, windowEnd: 'yesterday', thresholds: { psi: -1 } }, 0))
      .toThrow(/endpointName is required; windowMinutes must be .*; windowEnd must be an ISO date, got 'yesterday'; invalid thresholds: psi must be > 0/);
  });
});

describe('metrics', () => {
  test('per feature and per window datums carry the endpoint, variant and feature dimensions', () => {
    const acc = new WindowAccumulator(baseline(500));
    for (let i = 0; i < 200; i++) acc.addRow([i / 100, 'b']);
    const datums = driftDatums('churn', 'AllTraffic', new Date(0), acc.summarize(), { records: 200, malformed: 3 });
    const names = datums.map((d) => `${d.MetricName}/${d.Dimensions.map((x) => x.Value).join('/')}`);
    expect(names).toEqual([
      'PSI/churn/AllTraffic/x', 'MissingRate/churn/AllTraffic/x', 'KSStatistic/churn/AllTraffic/x', 'OutOfRangeShare/churn/AllTraffic/x',
      'FeatureDrifted/churn/AllTraffic/x',
      'PSI/churn/AllTraffic/c', 'MissingRate/churn/AllTraffic/c', 'JSDistance/churn/AllTraffic/c', 'ChiSquarePValue/churn/AllTraffic/c',
      'FeatureDrifted/churn/AllTraffic/c',
      'DriftedFeatureShare/churn/AllTraffic', 'RecordCount/churn/AllTraffic', 'MalformedRecords/churn/AllTraffic',
    ]);
    expect(datums.find((d) => d.MetricName === 'MalformedRecords')).toMatchObject({ Value: 3, Unit: 'Count' });
  });

  test('batches hold at most 1000 datums and stay under the size limit', () => {
    const d = { MetricName: 'PSI', Value: 1, Dimensions: [{ Name: 'Feature', Value: 'f'.repeat(200) }] };
    expect(batchDatums(Array(2500).fill(d)).map((b) => b.length)).toEqual([1000, 1000, 500]);
    const sizes = batchDatums(Array(2500).fill(d), 1000, 100_000).map((b) => b.length);
    expect(Math.max(...sizes)).toBeLessThan(200);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(2500);
  });
});
