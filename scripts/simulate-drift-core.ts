/**
 * A seeded simulation of the drift decision: hourly windows of simulated traffic against a simulated training
 * baseline, judged by the handler's own code (the profile of lambda/shared/profile.ts, the accumulators and
 * statistics of lambda/drift/window.ts, the decision of lambda/drift/decide.ts) and alarmed M of N windows as
 * CloudWatch does. Run with `npm run -s simulate:drift -- [options]`; prints one JSON object
 * {"windows":W,"featureAlarms":a,"windowAlarms":b,"detectedWithin":[...]}.
 *
 * What is simulated: numeric features N(0, 1) (a shift moves feature 0's mean by `shift` standard deviations from
 * window `shiftStart` on); categorical features over `categories` values with Zipf-like shares (category k has
 * weight 1 / (k + 1)), so that the rarest expect well under one value per small window. Windows of up to 200
 * records feed each value through the accumulators' `add`; larger windows draw the multinomial counts of the
 * accumulators' cells (the union of the PSI edges and the CDF sketch points) and add them as counts, which gives
 * the accumulators the same state at a cost independent of the window size. Alarms are counted as windows in
 * alarm: a feature alarm per feature and window, a window alarm per window.
 */
import { DriftPolicy, mOfN, resolvePolicy } from '../lambda/drift/decide';
import { CategoricalAccumulator, NumericAccumulator, WindowAccumulator } from '../lambda/drift/window';
import { buildProfile, FeatureSpec, FeatureValue, NumericFeatureProfile } from '../lambda/shared/profile';

export interface SimulationOptions {
  readonly scenario: 'null' | 'shift';
  /** The mean shift of feature 0, in standard deviations (scenario shift). */
  readonly shift: number;
  /** The window the shift starts at (0-based). */
  readonly shiftStart: number;
  readonly numeric: number;
  readonly categorical: number;
  readonly categories: number;
  readonly recordsPerWindow: number;
  readonly windows: number;
  readonly runs: number;
  readonly baselineRows: number;
  readonly seed: number;
  readonly policy: DriftPolicy;
}

export interface SimulationResult {
  /** Windows over all runs. */
  readonly windows: number;
  /** (feature, window) pairs in alarm, over all runs. */
  readonly featureAlarms: number;
  /** Windows in alarm, over all runs. */
  readonly windowAlarms: number;
  /** Per run (scenario shift): windows from the start of the shift to the first window alarm (1: the first shifted window), or null. */
  readonly detectedWithin: Array<number | null>;
}

export const DEFAULT_OPTIONS: SimulationOptions = {
  scenario: 'null',
  shift: 0.25,
  shiftStart: 0,
  numeric: 15,
  categorical: 5,
  categories: 10,
  recordsPerWindow: 1000,
  windows: 720,
  runs: 20,
  baselineRows: 100_000,
  seed: 1,
  policy: {},
};

/** Windows up to this size are simulated value by value; larger ones by cell counts. */
export const DIRECT_LIMIT = 200;

/** mulberry32 with a Box-Muller normal. */
export class Random {
  private state: number;
  private spare: number | undefined;

  constructor(seed: number) {
    this.state = (seed * 0x9e3779b1) >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  normal(): number {
    if (this.spare !== undefined) {
      const s = this.spare;
      this.spare = undefined;
      return s;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Binomial(n, p): inversion when the smaller tail expects under 30, else the normal approximation (rounded). */
  binomial(n: number, p: number): number {
    if (n <= 0 || p <= 0) return 0;
    if (p >= 1) return n;
    if (p > 0.5) return n - this.binomial(n, 1 - p);
    if (n * p < 30) {
      const q = 1 - p;
      const s = p / q;
      const a = (n + 1) * s;
      let r = Math.pow(q, n);
      let u = this.next();
      let x = 0;
      while (u > r && x < n) {
        u -= r;
        x++;
        r *= a / x - s;
      }
      return x;
    }
    const x = Math.round(n * p + Math.sqrt(n * p * (1 - p)) * this.normal());
    return Math.min(n, Math.max(0, x));
  }

  /** Multinomial counts of n draws over the given probabilities (summing to 1). */
  multinomial(n: number, probabilities: readonly number[]): number[] {
    const out: number[] = [];
    let left = n;
    let mass = 1;
    for (let i = 0; i < probabilities.length; i++) {
      const p = probabilities[i];
      const last = i === probabilities.length - 1;
      const k = last ? left : left > 0 && mass > 0 ? this.binomial(left, Math.min(1, p / mass)) : 0;
      out.push(k);
      left -= k;
      mass -= p;
    }
    return out;
  }
}

/** The standard normal CDF (erfc of Numerical Recipes, fractional error < 1.2e-7). */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * z);
  const erfc = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
    + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? 1 - erfc / 2 : erfc / 2;
}

/** Zipf-like shares of k categories: weight 1 / (i + 1). */
export function categoryShares(k: number): number[] {
  const w = Array.from({ length: k }, (_, i) => 1 / (i + 1));
  const total = w.reduce((a, b) => a + b, 0);
  return w.map((x) => x / total);
}

/** A sampler of a discrete distribution by its cumulative shares. */
function drawIndex(rng: Random, cumulative: readonly number[]): number {
  const u = rng.next();
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cumulative[mid] < u) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The cells of a numeric accumulator (between consecutive PSI edges and CDF points) with a value inside each. */
function numericCells(profile: NumericFeatureProfile): { uppers: number[]; values: number[] } {
  const breaks = [...new Set([...profile.bins.edges, ...profile.cdf.points])].sort((a, b) => a - b);
  const values: number[] = [breaks[0] - 1];
  for (let i = 1; i < breaks.length; i++) values.push((breaks[i - 1] + breaks[i]) / 2);
  values.push(breaks[breaks.length - 1] + 1);
  return { uppers: [...breaks, Infinity], values };
}

export function simulate(options: SimulationOptions): SimulationResult {
  const policy = resolvePolicy(options.policy);
  const schema: FeatureSpec[] = [
    ...Array.from({ length: options.numeric }, (_, i) => ({ name: `x${i}`, type: 'numeric' as const })),
    ...Array.from({ length: options.categorical }, (_, i) => ({ name: `c${i}`, type: 'categorical' as const })),
  ];
  const shares = categoryShares(options.categories);
  const cumulative = shares.map((_, i) => shares.slice(0, i + 1).reduce((a, b) => a + b, 0));
  cumulative[cumulative.length - 1] = 1;
  const labels = shares.map((_, i) => `k${i}`);
  const n = options.recordsPerWindow;
  let featureAlarms = 0;
  let windowAlarms = 0;
  const detectedWithin: Array<number | null> = [];

  for (let run = 0; run < options.runs; run++) {
    const rng = new Random(options.seed * 100_003 + run);
    const rows: FeatureValue[][] = [];
    for (let r = 0; r < options.baselineRows; r++) {
      rows.push(schema.map((f) => (f.type === 'numeric' ? rng.normal() : labels[drawIndex(rng, cumulative)])));
    }
    const profile = buildProfile(rows, schema);
    rows.length = 0;
    const cells = profile.features.map((f) => (f.type === 'numeric' ? numericCells(f) : undefined));
    const cellProbabilities = new Map<string, number[]>();

    const featureFlags: boolean[][] = schema.map(() => []);
    const windowFlags: boolean[] = [];
    for (let w = 0; w < options.windows; w++) {
      const acc = new WindowAccumulator(profile);
      acc.accumulators.forEach((a, i) => {
        const mean = options.scenario === 'shift' && i === 0 && w >= options.shiftStart ? options.shift : 0;
        if (a instanceof NumericAccumulator) {
          if (n <= DIRECT_LIMIT) {
            for (let r = 0; r < n; r++) a.add(mean + rng.normal());
          } else {
            const c = cells[i]!;
            const key = `${i}:${mean}`;
            let probabilities = cellProbabilities.get(key);
            if (!probabilities) {
              let below = 0;
              probabilities = c.uppers.map((u) => {
                const at = u === Infinity ? 1 : normalCdf(u - mean);
                const p = Math.max(0, at - below);
                below = Math.max(below, at);
                return p;
              });
              cellProbabilities.set(key, probabilities);
            }
            rng.multinomial(n, probabilities).forEach((k, j) => { if (k > 0) a.addValue(c.values[j], k); });
          }
        } else if (a instanceof CategoricalAccumulator) {
          if (n <= DIRECT_LIMIT) {
            for (let r = 0; r < n; r++) a.addCategory(labels[drawIndex(rng, cumulative)], 1);
          } else {
            rng.multinomial(n, shares).forEach((k, j) => { if (k > 0) a.addCategory(labels[j], k); });
          }
        }
      });
      const summary = acc.summarize(policy);
      summary.features.forEach((f, i) => featureFlags[i].push(f.drifted));
      windowFlags.push(summary.drifted);
    }
    const m = policy.datapointsToAlarm;
    const e = policy.evaluationPeriods;
    for (const flags of featureFlags) featureAlarms += mOfN(flags, m, e).filter((x) => x).length;
    const alarms = mOfN(windowFlags, m, e);
    windowAlarms += alarms.filter((x) => x).length;
    if (options.scenario === 'shift') {
      const first = alarms.findIndex((x, t) => x && t >= options.shiftStart);
      detectedWithin.push(first < 0 ? null : first - options.shiftStart + 1);
    }
  }
  return { windows: options.windows * options.runs, featureAlarms, windowAlarms, detectedWithin };
}

const NUMBER_OPTIONS: Record<string, keyof SimulationOptions> = {
  '--shift': 'shift', '--shift-start': 'shiftStart', '--numeric': 'numeric', '--categorical': 'categorical', '--categories': 'categories',
  '--records-per-window': 'recordsPerWindow', '--windows': 'windows', '--runs': 'runs', '--baseline-rows': 'baselineRows', '--seed': 'seed',
};
const POLICY_OPTIONS: Record<string, keyof DriftPolicy> = {
  '--alpha': 'alpha', '--min-psi': 'minPsi', '--min-count': 'minCount', '--datapoints-to-alarm': 'datapointsToAlarm',
  '--evaluation-periods': 'evaluationPeriods',
};
const WHOLE = new Set(['shiftStart', 'numeric', 'categorical', 'categories', 'recordsPerWindow', 'windows', 'runs', 'baselineRows', 'seed']);

/** Parses `--name value` pairs over the defaults; throws on an unknown option or a bad value. */
export function parseArgs(argv: readonly string[]): SimulationOptions {
  const o: Record<string, unknown> = { ...DEFAULT_OPTIONS };
  const policy: Record<string, unknown> = {};
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i];
    const value = argv[i + 1];
    if (value === undefined) throw new Error(`${name} needs a value`);
    if (name === '--scenario') {
      if (value !== 'null' && value !== 'shift') throw new Error(`--scenario must be null or shift, got '${value}'`);
      o.scenario = value;
    } else if (name === '--correction') {
      policy.correction = value;
    } else if (NUMBER_OPTIONS[name]) {
      const key = NUMBER_OPTIONS[name];
      const x = Number(value);
      if (!Number.isFinite(x) || (WHOLE.has(key) && !(Number.isInteger(x) && x >= (key === 'shiftStart' || key === 'numeric' || key === 'categorical' ? 0 : 1)))) {
        throw new Error(`${name} must be ${WHOLE.has(key) ? 'a whole number' : 'a number'}, got '${value}'`);
      }
      o[key] = x;
    } else if (POLICY_OPTIONS[name]) {
      policy[POLICY_OPTIONS[name]] = Number(value);
    } else {
      throw new Error(`unknown option ${name}`);
    }
  }
  if ((o.numeric as number) + (o.categorical as number) < 1) throw new Error('at least one feature is needed (--numeric, --categorical)');
  if (o.scenario === 'shift' && (o.numeric as number) < 1) throw new Error('the shift scenario shifts numeric feature 0: --numeric must be >= 1');
  o.policy = policy;
  resolvePolicy(o.policy as DriftPolicy);
  return o as unknown as SimulationOptions;
}
