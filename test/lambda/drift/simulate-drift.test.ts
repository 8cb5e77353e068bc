import { execFileSync } from 'child_process';
import * as path from 'path';
import { normalCdf, parseArgs, Random, simulate, DEFAULT_OPTIONS } from '../../../scripts/simulate-drift-core';

// The simulation runs the handler's own profile, accumulators, statistics and decision (scripts/simulate-drift-core.ts),
// through the command line: native speed (code under jest's module sandbox runs it several times slower).
// Runs are few to keep `npm test` short; the margin: at alpha 0.1 the measured per-window false-positive rate is
// about alpha (test below), so at the default alpha 0.005 a window is falsely drifted with p ~ 0.005 and a 2-of-3
// alarm has p ~ 3 x 0.005^2 = 7.5e-5 per window, about 0.05 alarms in 720 windows: the bound of 1 has a 20x margin.
const CLI = path.join(__dirname, '..', '..', '..', 'scripts', 'simulate-drift.js');
interface Result { windows: number; featureAlarms: number; windowAlarms: number; detectedWithin: Array<number | null> }
function sim(o: Record<string, string | number>): Result {
  const args = Object.entries({ 'baseline-rows': 20_000, ...o }).flatMap(([k, v]) => [`--${k}`, String(v)]);
  const out = execFileSync(process.execPath, [CLI, ...args], { encoding: 'utf-8' });
  expect(out.trim().split('\n')).toHaveLength(1);
  return JSON.parse(out);
}

describe('drift simulation under the null (no drift), 15 numeric + 5 categorical features, 720 hourly windows', () => {
  test.each<[number, number, number]>([
    [100, 10, 1],
    [1000, 10, 1],
    [100_000, 10, 1],
    [100, 50, 1],
    [500, 50, 1],
  ])('at %i records per window and %i categories: at most 1 alarm per 720 windows (%i runs)', (n, categories, runs) => {
    const r = sim({ scenario: 'null', 'records-per-window': n, categories, runs, seed: 7 });
    expect(r.windows).toBe(720 * runs);
    expect(r.featureAlarms).toBeLessThanOrEqual(runs);
    expect(r.windowAlarms).toBeLessThanOrEqual(runs);
    expect(r.detectedWithin).toEqual([]);
  });

  test('the per-window false-positive rate is about alpha (alpha 0.1, no floor, 1 of 1): within 3 standard deviations', () => {
    const r = sim({ 'records-per-window': 1000, windows: 360, runs: 1, seed: 3, alpha: 0.1, 'min-psi': 0, 'datapoints-to-alarm': 1, 'evaluation-periods': 1 });
    const sd = Math.sqrt(360 * 0.1 * 0.9);
    expect(r.windowAlarms).toBeLessThanOrEqual(36 + 3 * sd);
    // Bonferroni is conservative, never blind: at least a third of alpha.
    expect(r.windowAlarms).toBeGreaterThanOrEqual(12);
  });
});

describe('drift simulation with a 0.25 sd mean shift in one numeric feature at 1,000 records per window', () => {
  test('alarms within 3 windows in at least 95% of 20 runs', () => {
    const r = sim({ scenario: 'shift', shift: 0.25, 'records-per-window': 1000, windows: 4, runs: 20, seed: 11, 'baseline-rows': 10_000 });
    expect(r.detectedWithin).toHaveLength(20);
    const within3 = r.detectedWithin.filter((d) => d !== null && d <= 3).length;
    expect(within3).toBeGreaterThanOrEqual(19);
    // 2 of 3 windows: never before the second shifted window.
    expect(Math.min(...r.detectedWithin.map((d) => d ?? Infinity))).toBe(2);
  });

  test('a shift that starts later is counted from its start; no shift is never detected', () => {
    const o = { ...DEFAULT_OPTIONS, scenario: 'shift' as const, shift: 1, shiftStart: 3, numeric: 2, categorical: 1, recordsPerWindow: 300, windows: 6,
      runs: 2, seed: 5, baselineRows: 2000 };
    expect(simulate(o).detectedWithin).toEqual([2, 2]);
    expect(simulate({ ...o, shift: 0 }).detectedWithin).toEqual([null, null]);
  });
});

describe('simulation building blocks', () => {
  test('the normal CDF matches known values', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-3)).toBeCloseTo(0.0013499, 6);
  });

  test('multinomial counts sum to n and follow the probabilities', () => {
    const r = new Random(1);
    const counts = r.multinomial(100_000, [0.5, 0.3, 0.2]);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(100_000);
    expect(Math.abs(counts[0] - 50_000)).toBeLessThan(800);
    expect(Math.abs(counts[2] - 20_000)).toBeLessThan(700);
    const small = r.multinomial(10, [0.1, 0.9]);
    expect(small[0] + small[1]).toBe(10);
    expect(r.binomial(0, 0.5)).toBe(0);
    expect(r.binomial(7, 1)).toBe(7);
  });
});

describe('simulate:drift command line', () => {
  test('parses the options of the issue and fails on unknown ones', () => {
    const o = parseArgs(['--scenario', 'shift', '--shift', '0.25', '--numeric', '15', '--categorical', '5', '--categories', '10',
      '--records-per-window', '1000', '--windows', '720', '--runs', '20', '--seed', '1', '--alpha', '0.01', '--correction', 'bh']);
    expect(o).toMatchObject({ scenario: 'shift', shift: 0.25, numeric: 15, categorical: 5, categories: 10, recordsPerWindow: 1000, windows: 720,
      runs: 20, seed: 1, policy: { alpha: 0.01, correction: 'bh' } });
    expect(() => parseArgs(['--scenario', 'drift'])).toThrow(/--scenario must be null or shift, got 'drift'/);
    expect(() => parseArgs(['--windows', '1.5'])).toThrow(/--windows must be a whole number, got '1.5'/);
    expect(() => parseArgs(['--runs', '0'])).toThrow(/--runs must be a whole number, got '0'/);
    expect(() => parseArgs(['--shift', 'x'])).toThrow(/--shift must be a number, got 'x'/);
    expect(() => parseArgs(['--colour', 'red'])).toThrow(/unknown option --colour/);
    expect(() => parseArgs(['--runs'])).toThrow(/--runs needs a value/);
    expect(() => parseArgs(['--numeric', '0', '--categorical', '0'])).toThrow(/at least one feature/);
    expect(() => parseArgs(['--alpha', '2'])).toThrow(/alpha must be in/);
  });

  test('prints exactly one JSON object, and fails with exit code 2 on a bad option', () => {
    const out = execFileSync(process.execPath, [CLI, '--windows', '3', '--runs', '1', '--records-per-window', '100', '--baseline-rows', '1000',
      '--numeric', '2', '--categorical', '1'], { encoding: 'utf-8' });
    expect(out.endsWith('\n')).toBe(true);
    expect(out.trim().split('\n')).toHaveLength(1);
    expect(Object.keys(JSON.parse(out))).toEqual(['windows', 'featureAlarms', 'windowAlarms', 'detectedWithin']);
    expect(() => execFileSync(process.execPath, [CLI, '--runs', 'many'], { encoding: 'utf-8', stdio: 'pipe' })).toThrow(/--runs must be a whole number/);
  });
});
