import { execFileSync } from 'child_process';
import * as path from 'path';
import { DEFAULT_OPTIONS, DEFAULT_POLICY, SimulationOptions, binomial, parseArgs, rng, simulate } from '../../scripts/simulate-experiment-core';

/**
 * The decision's error rates, measured by the seeded simulation of the handler's own decide(). Each bound is asserted
 * on a one-sided 95% Clopper-Pearson bound of the simulated share, not on the share itself: with R runs the test
 * fails unless the data show the property with 95% confidence (the stated margin), and it needs few runs.
 */

/** P(X <= x) for X ~ Bin(n, p). */
function binomialCdf(x: number, n: number, p: number): number {
  let pmf = Math.pow(1 - p, n);
  let cdf = pmf;
  for (let k = 1; k <= x; k++) {
    pmf *= ((n - k + 1) / k) * (p / (1 - p));
    cdf += pmf;
  }
  return Math.min(1, cdf);
}

/** The one-sided 95% upper Clopper-Pearson bound of a share: the p at which P(X <= x) = 0.05. */
function upperBound(share: number, n: number): number {
  const x = Math.round(share * n);
  if (x >= n) return 1;
  let lo = x / n;
  let hi = 1;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (binomialCdf(x, n, mid) > 0.05) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** The one-sided 95% lower bound, by symmetry. */
function lowerBound(share: number, n: number): number {
  return 1 - upperBound(1 - share, n);
}

const SCRIPT = path.join(__dirname, '..', '..', 'scripts', 'simulate-experiment.js');

function runScript(args: string[]): { runs: number; promote: number; rollback: number; undecided: number; medianHoursToDecision: number | null } {
  return JSON.parse(execFileSync('node', [SCRIPT, ...args], { encoding: 'utf-8' }));
}

const options = (o: Partial<SimulationOptions>): SimulationOptions => ({ ...DEFAULT_OPTIONS, ...o });

describe('the confidence bounds of the tests', () => {
  test('are the Clopper-Pearson bounds', () => {
    // 0 of 300: 1 - 0.05^(1/300); 300 of 300: 0.05^(1/300).
    expect(upperBound(0, 300)).toBeCloseTo(1 - Math.pow(0.05, 1 / 300), 6);
    expect(lowerBound(1, 300)).toBeCloseTo(Math.pow(0.05, 1 / 300), 6);
    expect(upperBound(0.5, 100)).toBeGreaterThan(0.58);
    expect(upperBound(0.5, 100)).toBeLessThan(0.59);
  });
});

describe('simulated experiments', () => {
  // The heaviest check runs the bundled script (the same decide(), about 4 times faster than under ts-jest).
  test.each([1000, 5000, 20000])('an identical challenger is promoted or rolled back in at most alpha + 0.01 of 7-day experiments at %d requests/hour',
    (requestsPerHour) => {
      const r = runScript(['--runs', '300', '--days', '7', '--requests-per-hour', String(requestsPerHour), '--lift', '0', '--seed', '11']);
      expect(r.runs).toBe(300);
      expect(r.promote + r.rollback + r.undecided).toBeCloseTo(1, 9);
      expect(upperBound(r.promote + r.rollback, r.runs)).toBeLessThanOrEqual(DEFAULT_POLICY.significance + 0.01);
    });

  test('a challenger 10% better on the success measure is promoted in at least 80% of 7-day experiments at 20,000 requests/hour', () => {
    const r = simulate(options({ runs: 200, days: 7, requestsPerHour: 20000, lift: 0.1, seed: 12 }));
    expect(lowerBound(r.promote, r.runs)).toBeGreaterThanOrEqual(0.8);
    expect(r.medianHoursToDecision).toBeGreaterThan(0);
    expect(r.medianHoursToDecision).toBeLessThanOrEqual(7 * 24);
  });

  test('a challenger with double the error rate is rolled back in at least 95% of experiments within 24 hours', () => {
    const r = simulate(options({ runs: 300, days: 1, requestsPerHour: 20000, lift: 0, errorRate: 0.002, challengerErrorRate: 0.004, seed: 13 }));
    expect(lowerBound(r.rollback, r.runs)).toBeGreaterThanOrEqual(0.95);
    expect(r.promote).toBeLessThanOrEqual(0.01);
  });

  test('a challenger 50% slower is rolled back within 24 hours by the latency guardrail alone', () => {
    const r = simulate(options({ runs: 100, days: 1, requestsPerHour: 20000, latencyRatio: 1.5, successMeasure: false, seed: 14 }));
    expect(lowerBound(r.rollback, r.runs)).toBeGreaterThanOrEqual(0.95);
    expect(r.promote).toBe(0);
  });

  test('without a success measure nothing is ever promoted', () => {
    const r = simulate(options({ runs: 50, days: 2, lift: 0.5, successMeasure: false, seed: 15 }));
    expect(r.promote).toBe(0);
  });

  test('is reproducible from its seed', () => {
    const o = options({ runs: 20, days: 2, lift: 0.1, seed: 5 });
    expect(simulate(o)).toEqual(simulate(o));
  });
});

describe('the simulation helpers', () => {
  test('the generator is uniform in [0, 1) and seeded', () => {
    const u = rng(1);
    const xs = Array.from({ length: 10000 }, u);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(xs.reduce((a, b) => a + b, 0) / xs.length).toBeCloseTo(0.5, 1);
    expect(rng(1)()).toBe(rng(1)());
    expect(rng(1)()).not.toBe(rng(2)());
  });

  test.each([[20, 0.1], [2000, 0.002], [2000, 0.5], [100000, 0.1], [50, 0.9]])('binomial(%d, %d) has the right mean and variance', (n, p) => {
    const u = rng(3);
    const xs = Array.from({ length: 4000 }, () => binomial(u, n, p));
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
    expect(Math.abs(mean - n * p)).toBeLessThan(4 * Math.sqrt(n * p * (1 - p) / xs.length) + 1e-9);
    expect(variance / (n * p * (1 - p))).toBeGreaterThan(0.9);
    expect(variance / (n * p * (1 - p))).toBeLessThan(1.1);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThanOrEqual(n);
  });

  test('binomial handles the edges', () => {
    const u = rng(4);
    expect(binomial(u, 0, 0.5)).toBe(0);
    expect(binomial(u, 10, 0)).toBe(0);
    expect(binomial(u, 10, 1)).toBe(10);
  });

  test('parseArgs reads the options of the issue', () => {
    const o = parseArgs(['--runs', '2000', '--days', '7', '--requests-per-hour', '20000', '--split', '90/10', '--baseline-rate', '0.10',
      '--lift', '0', '--error-rate', '0.002', '--challenger-error-rate', '0.002', '--seed', '1']);
    expect(o).toEqual(DEFAULT_OPTIONS);
    const p = parseArgs(['--split', '50/50', '--lift', '0.2', '--significance', '0.1', '--error-margin', '0.5', '--step-percent', '100',
      '--latency-ratio', '1.2', '--labelled-share', '0.3', '--success-measure', 'false', '--minimum-samples', '10', '--latency-margin', '1',
      '--mixture-effect', '0.2']);
    expect(p).toMatchObject({ split: { champion: 50, challenger: 50 }, lift: 0.2, latencyRatio: 1.2, labelledShare: 0.3, successMeasure: false });
    expect(p.policy).toEqual({ ...DEFAULT_POLICY, significance: 0.1, errorMargin: 0.5, stepPercent: 100, minimumSamples: 10, latencyMargin: 1,
      mixtureRelativeEffect: 0.2 });
  });

  test.each([
    [['--runs', '0'], /--runs must be a whole number >= 1, got 0/],
    [['--split', '90-10'], /--split must be champion\/challenger weights/],
    [['--split', '0/0'], /--split must be/],
    [['--significance', '0.6'], /--significance must be in \(0, 0.5\], got 0.6/],
    [['--error-margin', '0'], /--error-margin must be > 0, got 0/],
    [['--lift'], /--lift must be >= -1, got undefined/],
    [['--success-measure', 'yes'], /--success-measure must be true or false/],
    [['--colour', 'red'], /unknown option --colour/],
  ])('parseArgs fails on %j', (argv, message) => {
    expect(() => parseArgs(argv as string[])).toThrow(message);
  });
});

describe('npm run simulate:experiment', () => {
  test('prints exactly one JSON object with the shares of runs', () => {
    const out = execFileSync('node', [SCRIPT, '--runs', '10', '--days', '1',
      '--seed', '3'], { encoding: 'utf-8' });
    expect(out.trim().split('\n')).toHaveLength(1);
    const r = JSON.parse(out);
    expect(Object.keys(r)).toEqual(['runs', 'promote', 'rollback', 'undecided', 'medianHoursToDecision']);
    expect(r.runs).toBe(10);
    expect(r.promote + r.rollback + r.undecided).toBeCloseTo(1, 9);
  });

  test('exits 2 with a message on a bad option', () => {
    expect(() => execFileSync('node', [SCRIPT, '--runs', 'x'],
      { encoding: 'utf-8', stdio: 'pipe' })).toThrow(/--runs must be a whole number >= 1/);
  });
});
