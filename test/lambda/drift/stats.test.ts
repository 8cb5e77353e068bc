import * as fs from 'fs';
import * as path from 'path';
import { buildProfile, CategoricalFeatureProfile, NumericFeatureProfile } from '../../../lambda/shared/profile';
import {
  binaryClassificationMetrics, chiSquareHomogeneity, chiSquareSurvival, histogram, inverseCdfSorted, jensenShannonDistance, ksStatistic,
  logGamma, psi, PSI_EPSILON, quantileEdges, quantileSorted, regressionMetrics, rocAuc,
} from '../../../lambda/shared/stats';
import { DEFAULT_POLICY } from '../../../lambda/drift/decide';
import { NumericAccumulator, WindowAccumulator } from '../../../lambda/drift/window';

// Made by reference/make_vectors.py with numpy/scipy; committed so that tests need no Python.
const V = JSON.parse(fs.readFileSync(path.join(__dirname, 'reference', 'vectors.json'), 'utf-8'));

const sorted = (xs: number[]) => Float64Array.from(xs).sort();

/** |actual - expected| <= atol + rtol * |expected| */
function expectClose(actual: number, expected: number, rtol = 1e-9, atol = 1e-12) {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(atol + rtol * Math.abs(expected));
}

describe('quantiles', () => {
  test.each<any[]>(V.quantiles.map((c: any) => [c.values.length, c]))('match numpy linear and inverted_cdf quantiles for %i values', (_n, c: any) => {
    const s = sorted(c.values);
    c.p.forEach((p: number, i: number) => {
      expectClose(quantileSorted(s, p), c.linear[i]);
      expect(inverseCdfSorted(s, p)).toBe(c.invertedCdf[i]);
    });
  });
});

describe('PSI', () => {
  test('uses the documented epsilon', () => {
    expect(V.psiEpsilon).toBe(PSI_EPSILON);
  });

  test.each<any[]>(V.psi.cases.map((c: any) => [c.name, c]))('matches the reference for a window with %s', (_name, c: any) => {
    const base = sorted(V.psi.baseline);
    const edges = quantileEdges(base, 10);
    edges.forEach((e, i) => expectClose(e, c.edges[i]));
    expect(histogram(base, edges)).toEqual(c.baselineCounts);
    expect(histogram(c.window, edges)).toEqual(c.windowCounts);
    expectClose(psi(c.baselineCounts, c.windowCounts), c.psi);
  });

  test.each<any[]>(V.psiCounts.map((c: any, i: number) => [i, c]))('matches the reference on count vector #%i', (_i, c: any) => {
    expectClose(psi(c.expected, c.actual), c.psi);
  });

  test('is NaN without observations and fails on mismatched bins', () => {
    expect(psi([1, 2], [0, 0])).toBeNaN();
    expect(() => psi([1, 2], [1, 2, 3])).toThrow(/2 expected bins but 3 actual bins/);
  });
});

describe('Kolmogorov-Smirnov', () => {
  test.each<any[]>(V.ks.map((c: any) => [c.name, c]))('the exact statistic matches scipy ks_2samp for %s', (_name, c: any) => {
    expectClose(ksStatistic(c.a, c.b), c.statistic);
  });

  test.each<any[]>(V.ksSketch.map((c: any) => [c.name, c]))('the sketch statistic is within 1/Q below scipy for %s', (_name, c: any) => {
    // GIVEN a profile of the baseline with Q = 1000
    const profile = buildProfile(c.baseline.map((x: number) => [x]), [{ name: 'x', type: 'numeric' }]);
    const acc = new NumericAccumulator(profile.features[0] as NumericFeatureProfile);
    // WHEN the window streams through the bounded accumulator
    c.window.forEach((x: number) => acc.add(x));
    // THEN D_sketch <= D_exact <= D_sketch + 1/Q
    const d = acc.ks();
    expect(d).toBeLessThanOrEqual(c.statistic + 1e-12);
    expect(c.statistic - d).toBeLessThanOrEqual(1 / 1000 + 1e-12);
    if (c.name.startsWith('discrete')) {
      // every distinct baseline value is a sketch point: the statistic is exact
      expectClose(d, c.statistic);
    }
  });

  test('the sketch of a coarse profile stays within its own 1/Q bound', () => {
    const c = V.ksSketch[0];
    const profile = buildProfile(c.baseline.map((x: number) => [x]), [{ name: 'x', type: 'numeric' }], { cdfResolution: 20 });
    const acc = new NumericAccumulator(profile.features[0] as NumericFeatureProfile);
    c.window.forEach((x: number) => acc.add(x));
    expect(acc.ks()).toBeLessThanOrEqual(c.statistic + 1e-12);
    expect(c.statistic - acc.ks()).toBeLessThanOrEqual(1 / 20);
  });

  test('is NaN for an empty sample', () => {
    expect(ksStatistic([], [1])).toBeNaN();
  });
});

describe('chi-square', () => {
  test.each<any[]>(V.gammaln.map((c: any) => [c.x, c]))('log-gamma matches scipy at %d', (_x, c: any) => {
    expectClose(logGamma(c.x), c.value, 1e-13, 1e-13);
  });

  test.each<any[]>(V.chi2sf.map((c: any) => [c.x, c.dof, c]))('the survival function matches scipy at x=%d, dof=%i', (_x, _k, c: any) => {
    expectClose(chiSquareSurvival(c.x, c.dof), c.sf, 1e-9, 1e-15);
  });

  test.each<any[]>(V.chiSquare.map((c: any) => [c.name, c]))('the homogeneity test matches chi2_contingency for %s', (_name, c: any) => {
    const r = chiSquareHomogeneity(c.a, c.b);
    expectClose(r.statistic, c.statistic);
    expect(r.dof).toBe(c.dof);
    expectClose(r.pValue, c.pValue, 1e-8, 1e-300);
  });

  test('has p-value 1 with a single category', () => {
    expect(chiSquareHomogeneity([5, 0], [7, 0])).toEqual({ statistic: 0, dof: 0, pValue: 1 });
  });
});

describe('Jensen-Shannon distance', () => {
  test.each<any[]>(V.jensenShannon.map((c: any) => [c.name, c]))('matches scipy jensenshannon(base=2) for %s', (_name, c: any) => {
    expectClose(jensenShannonDistance(c.p, c.q), c.distance, 1e-9, 1e-9);
  });
});

describe('model quality', () => {
  test.each<any[]>(V.classification.map((c: any) => [c.name, c]))('classification metrics match the reference for %s', (_name, c: any) => {
    const yPred = c.scores.map((s: number) => (s >= c.threshold ? 1 : 0));
    const m = binaryClassificationMetrics(c.yTrue, yPred);
    expectClose(m.accuracy, c.accuracy);
    expectClose(m.precision, c.precision);
    expectClose(m.recall, c.recall);
    expectClose(m.f1, c.f1);
    expectClose(rocAuc(c.yTrue, c.scores), c.auc);
  });

  test('precision, recall and F1 are 0 without positives', () => {
    expect(binaryClassificationMetrics([0, 0], [0, 0])).toEqual({ count: 2, accuracy: 1, precision: 0, recall: 0, f1: 0 });
  });

  test('AUC counts ties as one half and is NaN with a single class', () => {
    expect(rocAuc([0, 1], [0.5, 0.5])).toBe(0.5);
    expect(rocAuc([1, 1], [0.2, 0.9])).toBeNaN();
  });

  test.each<any[]>(V.regression.map((c: any) => [c.name, c]))('MAE and RMSE match numpy for %s', (_name, c: any) => {
    const m = regressionMetrics(c.yTrue, c.yPred);
    expectClose(m.mae, c.mae);
    expectClose(m.rmse, c.rmse);
  });
});

describe('baseline profile', () => {
  const P = V.profile;
  const profile = buildProfile(P.rows, [{ name: 'age', type: 'numeric' }, { name: 'colour', type: 'categorical' }], { bins: P.bins, topK: P.topK });

  test('numeric features match numpy deciles, counts, range and missing rate', () => {
    const f = profile.features[0] as NumericFeatureProfile;
    expect(f.missing).toBe(P.numeric.missing);
    expectClose(f.missingRate, P.numeric.missingRate);
    expect([f.min, f.max]).toEqual([P.numeric.min, P.numeric.max]);
    expectClose(f.mean!, P.numeric.mean);
    f.bins.edges.forEach((e, i) => expectClose(e, P.numeric.edges[i]));
    expect(f.bins.counts).toEqual(P.numeric.counts);
    expect(f.cdf.atOrBelow[f.cdf.atOrBelow.length - 1]).toBe(P.rows.length - P.numeric.missing);
  });

  test('categorical features keep the top K and count the rest in __other__', () => {
    const f = profile.features[1] as CategoricalFeatureProfile;
    expect(f.categories).toEqual(P.categorical.categories);
    expect(f.otherCount).toBe(P.categorical.otherCount);
  });

  test('a window drawn from the baseline itself does not drift', () => {
    const acc = new WindowAccumulator(profile);
    P.rows.forEach((r: any[]) => acc.addRow(r));
    const s = acc.summarize(DEFAULT_POLICY);
    expect(s.driftedFeatures).toEqual([]);
    expect(s.features[0].psi).toBeCloseTo(0, 12);
    expect((s.features[0] as any).ks).toBe(0);
    expect((s.features[1] as any).jsDistance).toBeCloseTo(0, 12);
  });
});
