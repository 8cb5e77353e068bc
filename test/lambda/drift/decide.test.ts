import { DEFAULT_POLICY, decideWindow, FeatureEvidence, mOfN, resolvePolicy } from '../../../lambda/drift/decide';

const ev = (name: string, pValue: number | null, psi: number | null, count = 1000): FeatureEvidence => ({ name, count, pValue, psi });

describe('drift policy', () => {
  test('defaults are documented values', () => {
    expect(resolvePolicy()).toEqual({
      alpha: 0.005, correction: 'bonferroni', minPsi: 0.01, minCount: 50, datapointsToAlarm: 2, evaluationPeriods: 3, features: {},
    });
    expect(resolvePolicy({ alpha: undefined, minPsi: 0 })).toEqual({ ...DEFAULT_POLICY, minPsi: 0 });
  });

  test.each<[object, RegExp]>([
    [{ alpha: 0 }, /alpha must be in \(0, 0.5\], got 0/],
    [{ alpha: 0.51 }, /alpha must be in \(0, 0.5\], got 0.51/],
    [{ correction: 'holm' }, /correction must be 'bonferroni' or 'bh', got 'holm'/],
    [{ minPsi: -0.1 }, /minPsi must be >= 0, got -0.1/],
    [{ minCount: 0 }, /minCount must be an integer >= 1, got 0/],
    [{ minCount: 1.5 }, /minCount must be an integer >= 1, got 1.5/],
    [{ evaluationPeriods: 0, datapointsToAlarm: 1 }, /evaluationPeriods must be an integer >= 1, got 0/],
    [{ datapointsToAlarm: 4 }, /datapointsToAlarm must be an integer in \[1, evaluationPeriods\], got 4/],
    [{ datapointsToAlarm: 0 }, /datapointsToAlarm must be an integer in \[1, evaluationPeriods\], got 0/],
    [{ features: [] }, /features must be an object keyed by feature name/],
    [{ features: { a: { minPsi: -1 } } }, /features.a.minPsi must be >= 0, got -1/],
    [{ features: { a: { minCount: 0 } } }, /features.a.minCount must be an integer >= 1, got 0/],
    [{ features: { a: { ignore: 'yes' } } }, /features.a.ignore must be a boolean, got yes/],
  ])('fails on %j', (policy, message) => {
    expect(() => resolvePolicy(policy as any)).toThrow(message);
  });

  test('fails on overrides of unknown features when the features are known, and accepts the boundaries', () => {
    expect(() => resolvePolicy({ features: { zz: {} } }, ['a'])).toThrow(/features.zz overrides a feature that is not watched/);
    expect(resolvePolicy({ alpha: 0.5, datapointsToAlarm: 3, features: { a: { minPsi: 0, minCount: 1, ignore: false } } }, ['a']).alpha).toBe(0.5);
  });
});

describe('window decision', () => {
  const policy = resolvePolicy({ alpha: 0.01 });

  test('Bonferroni over the tested features: rejects at alpha / k, the boundary included', () => {
    // 2 tested features: each at 0.005.
    const d = decideWindow([ev('a', 0.005, 0.5), ev('b', 0.0050001, 0.5)], policy);
    expect(d.features.map((f) => [f.tested, f.significant, f.drifted])).toEqual([[true, true, true], [true, false, false]]);
    expect(d).toMatchObject({ testedFeatures: 2, driftedFeatures: ['a'], driftedShare: 0.5, drifted: true });
    expect(d.features[0].reasons).toEqual(['p 5.00e-3 rejected at bonferroni 0.01 over 2 features; psi 0.5 >= 0.01']);
    expect(d.features[1].reasons).toEqual([]);
  });

  test('the effect floor keeps a significant but trivial shift from drifting, at the floor included', () => {
    const d = decideWindow([ev('a', 1e-9, 0.0099999), ev('b', 1e-9, 0.01), ev('c', 1e-9, null)], policy);
    expect(d.features.map((f) => [f.significant, f.drifted])).toEqual([[true, false], [true, true], [true, false]]);
  });

  test('features under minCount or without a p-value are not tested and leave the family', () => {
    const d = decideWindow([ev('a', 0.006, 0.5), ev('b', 1e-9, 0.5, 49), ev('c', null, null), ev('d', NaN, 0.5)], policy);
    expect(d.features.map((f) => f.tested)).toEqual([true, false, false, false]);
    // One tested feature: alpha / 1.
    expect(d.driftedFeatures).toEqual(['a']);
    expect(decideWindow([ev('b', 1e-9, 0.5, 50)], policy).driftedFeatures).toEqual(['b']);
  });

  test('an empty window tests nothing', () => {
    expect(decideWindow([ev('a', null, null, 0)], policy)).toMatchObject({ testedFeatures: 0, driftedShare: null, drifted: false, driftedFeatures: [] });
  });

  test('per-feature overrides: ignore, a floor and a count of their own', () => {
    const p = resolvePolicy({ alpha: 0.01, features: { a: { ignore: true }, b: { minPsi: 0.3 }, c: { minCount: 10 } } });
    const d = decideWindow([ev('a', 1e-9, 1), ev('b', 1e-9, 0.2), ev('c', 1e-9, 0.2, 10)], p);
    expect(d.features.map((f) => [f.tested, f.drifted])).toEqual([[false, false], [true, false], [true, true]]);
    expect(d.testedFeatures).toBe(2);
  });

  test('Benjamini-Hochberg rejects more than Bonferroni on many small p-values', () => {
    const evidence = [ev('a', 0.002, 1), ev('b', 0.004, 1), ev('c', 0.0075, 1), ev('d', 0.5, 1)];
    expect(decideWindow(evidence, resolvePolicy({ alpha: 0.01, correction: 'bh' })).driftedFeatures).toEqual(['a', 'b', 'c']);
    expect(decideWindow(evidence, policy).driftedFeatures).toEqual(['a']);
  });
});

describe('M of N', () => {
  test('alarms from the M-th breaching datapoint among the last N', () => {
    const f = false;
    const t = true;
    expect(mOfN([t, f, t, f, f, t, t, f, f, f], 2, 3)).toEqual([f, f, t, f, f, f, t, t, f, f]);
    expect(mOfN([t, t, t], 1, 1)).toEqual([t, t, t]);
    expect(mOfN([t, f, f, t], 2, 4)).toEqual([f, f, f, t]);
    expect(mOfN([t, f, f, f, t], 2, 4)).toEqual([f, f, f, f, f]);
    expect(mOfN([], 2, 3)).toEqual([]);
  });
});
