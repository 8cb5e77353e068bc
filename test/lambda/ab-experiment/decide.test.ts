import * as fs from 'fs';
import * as path from 'path';
import { Decision, DecisionInput, ExperimentPolicy, VariantObservation, decide, normalCdf, twoProportionZTest } from '../../../lambda/ab-experiment/decide';

const vectors = JSON.parse(fs.readFileSync(path.join(__dirname, 'reference', 'vectors.json'), 'utf-8'));

describe('normalCdf (Abramowitz-Stegun 26.2.17)', () => {
  test.each(vectors.normalCdf as Array<{ x: number; cdf: number }>)('matches scipy.stats.norm.cdf($x) within 1e-7', ({ x, cdf }) => {
    expect(Math.abs(normalCdf(x) - cdf)).toBeLessThan(1e-7);
  });

  test.each([
    // Standard table values (e.g. NIST/SEMATECH e-Handbook of Statistical Methods, 1.3.6.7.1, cumulative normal table).
    [0, 0.5],
    [1, 0.8413447460685429],
    [1.96, 0.9750021048517795],
    [-1.6448536269514722, 0.05],
    [2.5758293035489004, 0.995],
    [-3, 0.0013498980316300933],
  ])('gives the table value at %d within the 7.5e-8 bound of the approximation', (x, expected) => {
    expect(Math.abs(normalCdf(x) - expected)).toBeLessThan(7.5e-8);
  });

  test('is symmetric and handles infinities and NaN', () => {
    for (const x of [0.3, 1.7, 2.9, 5.2]) {
      expect(normalCdf(x) + normalCdf(-x)).toBeCloseTo(1, 12);
    }
    expect(normalCdf(Infinity)).toBe(1);
    expect(normalCdf(-Infinity)).toBe(0);
    expect(normalCdf(NaN)).toBeNaN();
  });
});

describe('twoProportionZTest (pooled)', () => {
  type ZVector = { x1: number; n1: number; x2: number; n2: number; z: number; pTwoSided: number; pGreater: number; pLess: number };
  test.each(vectors.zTests as ZVector[])(
    'matches the scipy reference for $x1/$n1 vs $x2/$n2', (v) => {
      const t = twoProportionZTest(v.x1, v.n1, v.x2, v.n2);
      expect(t.z).toBeCloseTo(v.z, 9);
      expect(Math.abs(t.pTwoSided - v.pTwoSided)).toBeLessThan(2e-7);
      expect(Math.abs(t.pGreater - v.pGreater)).toBeLessThan(1e-7);
      expect(Math.abs(t.pLess - v.pLess)).toBeLessThan(1e-7);
    });

  test('reproduces the worked example of OpenIntro Statistics (4th ed., section 6.2.3, mammogram study)', () => {
    // 500 of 44,925 deaths with mammograms, 505 of 44,910 in the control group. The book: pooled proportion 0.0112,
    // SE 0.00070, Z = -0.17 (from the point estimate rounded to -0.00012), two-sided p-value 0.87.
    const t = twoProportionZTest(505, 44910, 500, 44925);
    expect(t.pooled).toBeCloseTo(0.0112, 4);
    expect(t.standardError).toBeCloseTo(0.00070, 5);
    expect(t.z).toBeCloseTo(-0.164, 3); // the book's -0.17 uses the rounded point estimate
    expect(t.pTwoSided).toBeCloseTo(0.87, 2);
  });

  test('has no evidence when both proportions are 0 or 1', () => {
    expect(twoProportionZTest(0, 100, 0, 200)).toMatchObject({ z: 0, pTwoSided: 1, standardError: 0 });
    expect(twoProportionZTest(100, 100, 50, 50)).toMatchObject({ z: 0, pTwoSided: 1 });
  });

  test('fails on impossible counts', () => {
    expect(() => twoProportionZTest(5, 0, 1, 10)).toThrow(/needs 0 <= x <= n and n > 0/);
    expect(() => twoProportionZTest(11, 10, 1, 10)).toThrow(/needs 0 <= x <= n/);
  });
});

const POLICY: ExperimentPolicy = {
  minimumSamples: 1000, significance: 0.05, latencyGuardrailPercent: 20, stepPercent: 10, onCompletion: 'PROMOTE', cooldownMinutes: 30,
};

/** A variant in error-rate mode: `errors` 5XX responses out of `n`, p99 latency `p99`. */
function errorRate(n: number, errors: number, p99?: number): VariantObservation {
  return { samples: n, successes: n - errors, errors, invocations: n, p99Latency: p99 };
}

/** A variant in business-metric mode: `conversions` of `n` invocations, `errors` 5XX. */
function business(n: number, conversions: number, errors = 0, p99?: number): VariantObservation {
  return { samples: n, successes: conversions, errors, invocations: n, p99Latency: p99 };
}

type Row = [string, Partial<DecisionInput>, Partial<Decision>];

const base: DecisionInput = {
  champion: errorRate(5000, 50, 100),
  challenger: errorRate(5000, 50, 100),
  weights: { champion: 90, challenger: 10 },
  minutesSinceLastChange: 120,
  policy: POLICY,
};

describe('decide', () => {
  const rows: Row[] = [
    ['continues below the minimum samples, however large the difference',
      { champion: errorRate(999, 100), challenger: errorRate(5000, 0) },
      { action: 'CONTINUE', changed: false, targetWeights: { champion: 90, challenger: 10 } }],
    ['continues when metrics are missing (no samples at all)',
      { champion: errorRate(0, 0), challenger: errorRate(0, 0) },
      { action: 'CONTINUE', changed: false, challengerSharePercent: 10 }],
    ['continues when the difference is not significant',
      { champion: errorRate(5000, 50), challenger: errorRate(5000, 45) },
      { action: 'CONTINUE', changed: false, challengerSharePercent: 10 }],
    ['shifts one step toward a significantly better challenger',
      { champion: errorRate(5000, 100), challenger: errorRate(5000, 50) },
      { action: 'SHIFT', changed: true, targetWeights: { champion: 80, challenger: 20 }, challengerSharePercent: 20 }],
    ['rolls back a challenger significantly worse on the success measure',
      { champion: business(5000, 500), challenger: business(5000, 400) },
      { action: 'ROLLBACK', changed: true, targetWeights: { champion: 100, challenger: 0 } }],
    ['rolls back when the challenger error rate is significantly higher (one-sided guardrail)',
      { champion: business(5000, 500, 10), challenger: business(5000, 520, 30) },
      { action: 'ROLLBACK', targetWeights: { champion: 100, challenger: 0 } }],
    ['rolls back at once when challenger p99 latency is more than 20% above the champion, before the minimum samples',
      { champion: errorRate(150, 0, 100), challenger: errorRate(150, 0, 125) },
      { action: 'ROLLBACK', latencyRatio: 1.25, targetWeights: { champion: 100, challenger: 0 } }],
    ['keeps going when challenger p99 latency is within the guardrail',
      { champion: errorRate(5000, 100, 100), challenger: errorRate(5000, 50, 119) },
      { action: 'SHIFT', latencyRatio: 1.19 }],
    ['does not judge latency on fewer than 100 invocations per variant',
      { champion: errorRate(99, 0, 100), challenger: errorRate(99, 0, 500) },
      { action: 'CONTINUE' }],
    ['ignores an unknown latency',
      { champion: errorRate(5000, 100, undefined), challenger: errorRate(5000, 50, 900) },
      { action: 'SHIFT', latencyRatio: undefined }],
    ['promotes when the next step completes the ramp',
      { champion: errorRate(5000, 100), challenger: errorRate(5000, 50), weights: { champion: 10, challenger: 90 } },
      { action: 'PROMOTE', changed: true, targetWeights: { champion: 0, challenger: 100 }, challengerSharePercent: 100 }],
    ['holds instead of promoting when onCompletion is HOLD',
      { champion: errorRate(5000, 100), challenger: errorRate(5000, 50), weights: { champion: 10, challenger: 90 }, policy: { ...POLICY, onCompletion: 'HOLD' } },
      { action: 'HOLD', changed: false, targetWeights: { champion: 10, challenger: 90 } }],
    ['promotes at once with a 100-point step',
      { champion: errorRate(5000, 100), challenger: errorRate(5000, 50), policy: { ...POLICY, stepPercent: 100 } },
      { action: 'PROMOTE', targetWeights: { champion: 0, challenger: 100 } }],
    ['waits for the cooldown after the endpoint changed before shifting',
      { champion: errorRate(5000, 100), challenger: errorRate(5000, 50), minutesSinceLastChange: 5 },
      { action: 'CONTINUE', changed: false }],
    ['waits for the cooldown before promoting',
      { champion: errorRate(5000, 100), challenger: errorRate(5000, 50), weights: { champion: 10, challenger: 90 }, minutesSinceLastChange: 5 },
      { action: 'CONTINUE', changed: false }],
    ['rolls back during the cooldown',
      { champion: business(5000, 500), challenger: business(5000, 400), minutesSinceLastChange: 1 },
      { action: 'ROLLBACK', changed: true }],
    ['changes nothing when rolling back an experiment already rolled back',
      { champion: business(5000, 500), challenger: business(5000, 400), weights: { champion: 90, challenger: 0 } },
      { action: 'ROLLBACK', changed: false, targetWeights: { champion: 90, challenger: 0 } }],
    ['changes nothing when promoting an experiment already promoted',
      { champion: errorRate(5000, 100), challenger: errorRate(5000, 50), weights: { champion: 0, challenger: 100 } },
      { action: 'PROMOTE', changed: false, targetWeights: { champion: 0, challenger: 100 } }],
    ['keeps the pair\'s total weight and computes the step on its share',
      { champion: errorRate(5000, 100), challenger: errorRate(5000, 50), weights: { champion: 3, challenger: 1 } },
      { action: 'SHIFT', targetWeights: { champion: 2.6, challenger: 1.4 }, challengerSharePercent: 35 }],
    ['rounds weights so that repeated steps stay exact',
      { champion: errorRate(5000, 100), challenger: errorRate(5000, 50), weights: { champion: 0.7, challenger: 0.3 } },
      { action: 'SHIFT', targetWeights: { champion: 0.6, challenger: 0.4 } }],
    ['uses the significance level: p = 0.036 shifts at 0.05',
      { champion: business(1000, 100), challenger: business(1000, 130), policy: { ...POLICY, minimumSamples: 1000 } },
      { action: 'SHIFT' }],
    ['uses the significance level: p = 0.036 continues at 0.01',
      { champion: business(1000, 100), challenger: business(1000, 130), policy: { ...POLICY, significance: 0.01 } },
      { action: 'CONTINUE' }],
  ];

  test.each(rows)('%s', (_title, input, expected) => {
    const d = decide({ ...base, ...input });
    expect(d).toMatchObject(expected);
    if (expected.latencyRatio !== undefined) {
      expect(d.latencyRatio).toBeCloseTo(expected.latencyRatio, 9);
    }
  });

  test('does not shift twice when the same evidence is evaluated again right after a shift', () => {
    const evidence = { champion: errorRate(5000, 100), challenger: errorRate(5000, 50) };
    const first = decide({ ...base, ...evidence });
    expect(first).toMatchObject({ action: 'SHIFT', targetWeights: { champion: 80, challenger: 20 } });
    // An overlapping or duplicate run sees the new weights and an endpoint changed a minute ago.
    const second = decide({ ...base, ...evidence, weights: first.targetWeights, minutesSinceLastChange: 1 });
    expect(second).toMatchObject({ action: 'CONTINUE', changed: false, targetWeights: { champion: 80, challenger: 20 } });
    // A run on the same weights as the first (it raced it) reaches the same target: applying it twice is harmless.
    expect(decide({ ...base, ...evidence }).targetWeights).toEqual(first.targetWeights);
  });

  test('explains the decision with the rates and the p-value', () => {
    const d = decide({ ...base, champion: errorRate(5000, 100), challenger: errorRate(5000, 50) });
    expect(d.reason).toMatch(/challenger 99.00% vs champion 98.00%, two-sided p = \d/);
    expect(d.successTest!.pTwoSided).toBeLessThan(0.05);
  });
});
