import * as fs from 'fs';
import * as path from 'path';
import { benjaminiHochberg, bonferroni, kolmogorovSurvival, ksPValue, poolSparseCells, chiSquareHomogeneity } from '../../../lambda/shared/stats';

// Made by test/lambda/drift/reference/make_vectors.py with numpy/scipy; committed so that tests need no Python.
const V = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'drift', 'reference', 'vectors.json'), 'utf-8'));

function expectClose(actual: number, expected: number, rtol = 1e-9, atol = 1e-12) {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(atol + rtol * Math.abs(expected));
}

describe('Kolmogorov survival function', () => {
  test.each<any[]>(V.kolmogorov.map((c: any) => [c.x, c]))('matches scipy.special.kolmogorov at %d', (_x, c: any) => {
    expectClose(kolmogorovSurvival(c.x), c.sf, 1e-10, 1e-14);
  });

  test('is 1 at and below 0, and decreasing across the switch between its two series', () => {
    expect(kolmogorovSurvival(0)).toBe(1);
    expect(kolmogorovSurvival(-1)).toBe(1);
    expect(kolmogorovSurvival(NaN)).toBe(1);
    expect(kolmogorovSurvival(1.1799)).toBeGreaterThan(kolmogorovSurvival(1.18));
    expect(kolmogorovSurvival(10)).toBeLessThan(1e-80);
  });
});

describe('KS p-value', () => {
  test.each<any[]>(V.ksPValue.map((c: any) => [c.name, c]))('is the Stephens-corrected Kolmogorov limit, close to scipy, for %s', (_n, c: any) => {
    const p = ksPValue(c.statistic, c.n, c.m);
    expectClose(p, c.stephens, 1e-9, 1e-14);
    // scipy's asymptotic p-value of the same samples: within 6% relative (documented in stats.ts).
    expect(Math.abs(p - c.scipyAsymp)).toBeLessThanOrEqual(0.06 * c.scipyAsymp);
  });

  test('is NaN without data or statistic', () => {
    expect(ksPValue(0.1, 0, 100)).toBeNaN();
    expect(ksPValue(0.1, 100, 0)).toBeNaN();
    expect(ksPValue(NaN, 100, 100)).toBeNaN();
    expect(ksPValue(0, 100, 100)).toBe(1);
  });
});

describe('family-wise control', () => {
  test('Bonferroni rejects at alpha / k over the finite p-values, at the boundary included', () => {
    expect(bonferroni([0.01, 0.0100001, NaN, 0.5, 0.2], 0.04)).toEqual([true, false, false, false, false]);
    expect(bonferroni([NaN], 0.05)).toEqual([false]);
  });

  test.each<any[]>(V.benjaminiHochberg.map((c: any) => [c.name, c]))('Benjamini-Hochberg rejects what scipy rejects for %s', (_n, c: any) => {
    expect(benjaminiHochberg(c.p, c.q)).toEqual(c.rejected);
  });

  test('Benjamini-Hochberg step-up: a p-value above its own rank line is rejected when a larger rank passes', () => {
    // ranks: 0.01 <= 1*0.05/3, 0.04 > 2*0.05/3 = 0.0333, 0.05 <= 3*0.05/3: all three rejected.
    expect(benjaminiHochberg([0.05, 0.01, 0.04], 0.05)).toEqual([true, true, true]);
    expect(benjaminiHochberg([0.06, 0.01, 0.04], 0.05)).toEqual([false, true, false]);
    expect(benjaminiHochberg([NaN, 0.01], 0.05)).toEqual([false, true]);
    expect(benjaminiHochberg([], 0.05)).toEqual([]);
  });
});

describe('pooling sparse categories', () => {
  test.each<any[]>(V.pooledChiSquare.map((c: any) => [c.name, c]))('pools as the reference and gives scipy\'s p-value for %s', (_n, c: any) => {
    const pooled = poolSparseCells(c.baseline, c.window);
    expect(pooled.baseline).toEqual(c.pooledBaseline);
    expect(pooled.window).toEqual(c.pooledWindow);
    const chi = chiSquareHomogeneity(pooled.baseline, pooled.window);
    expect(chi.dof).toBe(c.dof);
    expectClose(chi.pValue, c.pValue, 1e-9, 1e-14);
  });

  test('keeps a cell expecting exactly the minimum, pools one just under it', () => {
    // window total 10 of 20: a cell of 10 observations expects 5 window values.
    expect(poolSparseCells([5, 4, 1], [5, 4, 1])).toEqual({ baseline: [5, 5], window: [5, 5] });
    expect(poolSparseCells([5, 5], [5, 5], 5)).toEqual({ baseline: [5, 5], window: [5, 5] });
    expect(poolSparseCells([5, 5], [5, 5], 5.01)).toEqual({ baseline: [10], window: [10] });
    expect(poolSparseCells([0, 3], [0, 0])).toEqual({ baseline: [3], window: [0] });
    expect(() => poolSparseCells([1], [1, 2])).toThrow(/1 categories against 2/);
  });
});
