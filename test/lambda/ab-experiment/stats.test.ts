import * as fs from 'fs';
import * as path from 'path';
import {
  GUARDRAIL_GRID_SIZE, GUARDRAIL_GRID_STEP, batchLogLikelihoodRatio, emptyGuardrail, guardrailGrid, logMeanExp,
  normalMixtureLogLikelihoodRatio, proportionDifferenceTest, rateRatio, updateGuardrail,
} from '../../../lambda/ab-experiment/stats';

const vectors = JSON.parse(fs.readFileSync(path.join(__dirname, 'reference', 'vectors.json'), 'utf-8'));

describe('normalMixtureLogLikelihoodRatio (the mSPRT of Johari et al.)', () => {
  type V = { estimate: number; variance: number; tau2: number; logLikelihoodRatio: number };
  test.each(vectors.mixture as V[])('matches the scipy integral for d = $estimate, V = $variance, tau2 = $tau2', (v) => {
    expect(normalMixtureLogLikelihoodRatio(v.estimate, v.variance, v.tau2)).toBeCloseTo(v.logLikelihoodRatio, 8);
  });

  test('is 0 (no evidence) without a positive variance or mixing variance, or with a non-finite estimate', () => {
    expect(normalMixtureLogLikelihoodRatio(0.1, 0, 1e-4)).toBe(0);
    expect(normalMixtureLogLikelihoodRatio(0.1, -1, 1e-4)).toBe(0);
    expect(normalMixtureLogLikelihoodRatio(0.1, 1e-4, 0)).toBe(0);
    expect(normalMixtureLogLikelihoodRatio(0.1, 1e-4, -1)).toBe(0);
    expect(normalMixtureLogLikelihoodRatio(NaN, 1e-4, 1e-4)).toBe(0);
    expect(normalMixtureLogLikelihoodRatio(Infinity, 1e-4, 1e-4)).toBe(0);
  });
});

describe('proportionDifferenceTest', () => {
  type V = { n1: number; x1: number; n2: number; x2: number; effect: number; difference: number; variance: number; tau2: number;
    logLikelihoodRatio: number; pValueAtLook: number };
  test.each(vectors.proportions as V[])('matches the scipy reference for $x1/$n1 vs $x2/$n2', (v) => {
    const t = proportionDifferenceTest(v.n1, v.x1, v.n2, v.x2, v.effect);
    expect(t.difference).toBeCloseTo(v.difference, 12);
    expect(t.variance / v.variance).toBeCloseTo(1, 12);
    expect(t.tau2 / v.tau2).toBeCloseTo(1, 12);
    expect(t.logLikelihoodRatio).toBeCloseTo(v.logLikelihoodRatio, 7);
    expect(t.pValueAtLook).toBeCloseTo(v.pValueAtLook, 8);
  });

  test('reports the counts and the relative lift', () => {
    const t = proportionDifferenceTest(1000, 100, 500, 55, 0.1);
    expect(t).toMatchObject({ championTrials: 1000, championSuccesses: 100, challengerTrials: 500, challengerSuccesses: 55 });
    expect(t.relativeLift).toBeCloseTo(0.1, 12);
    expect(t.difference).toBeCloseTo(0.01, 12);
  });

  test('has no evidence while a variant has no trials or the champion no successes', () => {
    const none = proportionDifferenceTest(0, 0, 100, 10, 0.1);
    expect(none).toMatchObject({ variance: 0, logLikelihoodRatio: 0, pValueAtLook: 1, relativeLift: 0 });
    expect(none.difference).toBeCloseTo(0.1, 12);
    expect(proportionDifferenceTest(100, 10, 0, 0, 0.1)).toMatchObject({ variance: 0, logLikelihoodRatio: 0, pValueAtLook: 1, difference: -0.1 });
    expect(proportionDifferenceTest(0, 0, 0, 0, 0.1)).toMatchObject({ variance: 0, tau2: 0, difference: 0, pValueAtLook: 1 });
    expect(proportionDifferenceTest(100, 0, 100, 0, 0.1)).toMatchObject({ variance: 0, relativeLift: 0, pValueAtLook: 1 });
    expect(proportionDifferenceTest(100, 100, 100, 100, 0.1)).toMatchObject({ variance: 0, relativeLift: 0, pValueAtLook: 1 });
  });

  test('caps the p-value at a look at 1 when the data favour the null', () => {
    const t = proportionDifferenceTest(18000, 1800, 2000, 200, 0.1);
    expect(t.logLikelihoodRatio).toBeLessThan(0);
    expect(t.pValueAtLook).toBe(1);
  });

  test.each([
    [10, 11, 10, 5], [10, -1, 10, 5], [10, 5, 10, 11], [10, 5, 10, -1], [-1, 0, 10, 5], [10, 5, -1, 0],
  ])('fails when the counts are not 0 <= successes <= trials (%d/%d, %d/%d)', (n1, x1, n2, x2) => {
    expect(() => proportionDifferenceTest(n1, x1, n2, x2, 0.1)).toThrow(/needs 0 <= successes <= trials/);
  });

  test('accepts successes equal to trials and zero successes', () => {
    expect(() => proportionDifferenceTest(10, 10, 10, 0, 0.1)).not.toThrow();
  });
});

describe('the guardrail grid', () => {
  test('has 24 ratios from (1 + margin) e^0.1 to (1 + margin) e^2.4', () => {
    expect(GUARDRAIL_GRID_SIZE).toBe(24);
    expect(GUARDRAIL_GRID_STEP).toBe(0.1);
    const g = guardrailGrid(0.25);
    expect(g).toHaveLength(24);
    expect(g[0]).toBeCloseTo(1.25 * Math.exp(0.1), 12);
    expect(g[23]).toBeCloseTo(1.25 * Math.exp(2.4), 12);
    expect(g[1] / g[0]).toBeCloseTo(Math.exp(0.1), 12);
  });
});

describe('batchLogLikelihoodRatio', () => {
  type V = { n1: number; n2: number; k: number; x: number; rho: number; rho0: number; logLikelihoodRatio: number };
  test.each(vectors.batch as V[])('matches scipy.stats.binom.logpmf ratios for $x of $k events (n $n1/$n2, rho $rho vs $rho0)', (v) => {
    expect(batchLogLikelihoodRatio(v.n1, v.n2, v.k, v.x, v.rho, v.rho0)).toBeCloseTo(v.logLikelihoodRatio, 10);
  });

  test.each([[0, 100, 5, 1], [100, 0, 5, 1], [100, 100, 0, 0]])('is 0 when the batch carries no information (n1 %d, n2 %d, k %d)',
    (n1, n2, k, x) => {
      expect(batchLogLikelihoodRatio(n1, n2, k, x, 2, 1.25)).toBe(0);
    });

  test('counts a single event either way', () => {
    // pi = 100*2/(100+200) = 2/3, pi0 = 100*1.25/(225) = 5/9.
    expect(batchLogLikelihoodRatio(100, 100, 1, 1, 2, 1.25)).toBeCloseTo(Math.log((2 / 3) / (5 / 9)), 12);
    expect(batchLogLikelihoodRatio(100, 100, 1, 0, 2, 1.25)).toBeCloseTo(Math.log((1 / 3) / (4 / 9)), 12);
  });
});

describe('logMeanExp', () => {
  test('is the log of the mean of the exponentials, without overflow', () => {
    expect(logMeanExp([0, 0])).toBeCloseTo(0, 12);
    expect(logMeanExp([Math.log(1), Math.log(3)])).toBeCloseTo(Math.log(2), 12);
    expect(logMeanExp([1000, 1000])).toBeCloseTo(1000, 9);
    expect(logMeanExp([-Infinity, -Infinity])).toBe(-Infinity);
    expect(logMeanExp([-Infinity, 0])).toBeCloseTo(Math.log(0.5), 12);
  });
});

describe('updateGuardrail (sequential non-inferiority of a rate ratio)', () => {
  type V = { margin: number; batches: number[][]; after: Array<{ logMixture: number; pValue: number }> };
  test.each(vectors.guardrails as V[])('matches the scipy mixture after each batch (margin $margin)', (v) => {
    let s = emptyGuardrail();
    v.batches.forEach(([n1, n2, e1, e2], i) => {
      s = updateGuardrail(s, { championRequests: n1, challengerRequests: n2, championEvents: e1, challengerEvents: e2 }, v.margin);
      expect(logMeanExp(s.logLikelihoodRatios)).toBeCloseTo(v.after[i].logMixture, 8);
      expect(s.pValue).toBeCloseTo(v.after[i].pValue, 9);
    });
    expect(s.championRequests).toBe(v.batches.reduce((a, b) => a + b[0], 0));
    expect(s.challengerRequests).toBe(v.batches.reduce((a, b) => a + b[1], 0));
    expect(s.championEvents).toBe(v.batches.reduce((a, b) => a + b[2], 0));
    expect(s.challengerEvents).toBe(v.batches.reduce((a, b) => a + b[3], 0));
  });

  test('the reference cases include a rejection and a p-value that stays at 1', () => {
    const finals = (vectors.guardrails as V[]).map((v) => v.after[v.after.length - 1].pValue);
    expect(Math.min(...finals)).toBeLessThan(0.05);
    expect(Math.max(...finals)).toBe(1);
  });

  test('starts empty with p = 1', () => {
    expect(emptyGuardrail()).toEqual({
      championRequests: 0, challengerRequests: 0, championEvents: 0, challengerEvents: 0,
      logLikelihoodRatios: new Array(24).fill(0), pValue: 1,
    });
  });

  test('keeps the running minimum of the p-value when later evidence is weaker', () => {
    let s = emptyGuardrail();
    s = updateGuardrail(s, { championRequests: 1000, challengerRequests: 1000, championEvents: 2, challengerEvents: 20 }, 0.25);
    const first = s.pValue;
    expect(first).toBeLessThan(0.05);
    s = updateGuardrail(s, { championRequests: 1000, challengerRequests: 1000, championEvents: 30, challengerEvents: 0 }, 0.25);
    expect(s.pValue).toBe(first);
    expect(Math.exp(-logMeanExp(s.logLikelihoodRatios))).toBeGreaterThan(first);
  });

  test('clamps events to requests and negative counts to 0', () => {
    const s = updateGuardrail(emptyGuardrail(), { championRequests: 10, challengerRequests: -5, championEvents: 20, challengerEvents: -1 }, 0.25);
    expect(s).toMatchObject({ championRequests: 10, challengerRequests: 0, championEvents: 10, challengerEvents: 0, pValue: 1 });
    expect(s.logLikelihoodRatios).toEqual(new Array(24).fill(0));
    const t = updateGuardrail(emptyGuardrail(), { championRequests: -1, challengerRequests: 10, championEvents: -3, challengerEvents: 30 }, 0.25);
    expect(t).toMatchObject({ championRequests: 0, challengerRequests: 10, championEvents: 0, challengerEvents: 10 });
  });

  test('does not reject a challenger exactly at the margin more often than alpha (exact, by enumeration of one batch)', () => {
    // One batch of k = 40 events at n1 = n2: under rho = 1.25, x ~ Bin(40, 1.25/2.25). P(reject at alpha 0.05) <= 0.05.
    const pi0 = 1.25 / 2.25;
    let reject = 0;
    let pmf = Math.pow(1 - pi0, 40);
    for (let x = 0; x <= 40; x++) {
      if (x > 0) pmf *= ((40 - x + 1) / x) * (pi0 / (1 - pi0));
      const batch = { championRequests: 1000, challengerRequests: 1000, championEvents: 40 - x, challengerEvents: x };
      const s = updateGuardrail(emptyGuardrail(), batch, 0.25);
      if (s.pValue <= 0.05) reject += pmf;
    }
    expect(reject).toBeGreaterThan(0);
    expect(reject).toBeLessThanOrEqual(0.05);
  });
});

describe('rateRatio', () => {
  test('is the challenger rate over the champion rate', () => {
    expect(rateRatio({ championRequests: 1000, challengerRequests: 100, championEvents: 10, challengerEvents: 2 })).toBeCloseTo(2, 12);
  });

  test.each([
    [0, 100, 10, 2], [1000, 0, 10, 0], [1000, 100, 0, 2],
  ])('is undefined without champion requests, challenger requests or champion events (%d, %d, %d, %d)', (n1, n2, e1, e2) => {
    expect(rateRatio({ championRequests: n1, challengerRequests: n2, championEvents: e1, challengerEvents: e2 })).toBeUndefined();
  });
});
