/**
 * A seeded simulation of A/B experiments: hourly traffic split by the experiment's current weights, decided by the
 * handler's own pure `decide` (lambda/ab-experiment/decide.ts), with the weights it sets applied to the next hour.
 * Measures how often the decision is right. Run with `npm run -s simulate:experiment -- [options]`.
 */
import { Decision, ExperimentPolicy, ExperimentState, VariantWindow, Weights, decide } from '../lambda/ab-experiment/decide';

export interface SimulationOptions {
  readonly runs: number;
  readonly days: number;
  readonly requestsPerHour: number;
  /** The champion's and the challenger's initial weights, e.g. 90/10. */
  readonly split: Weights;
  /** The champion's success proportion among labelled requests. */
  readonly baselineRate: number;
  /** The challenger's relative lift of the success proportion (0.1: 10% better). */
  readonly lift: number;
  readonly errorRate: number;
  readonly challengerErrorRate: number;
  /** The challenger's latency over the champion's (1: same distribution). */
  readonly latencyRatio: number;
  /** The share of requests whose ground truth arrives (capture sampling times label coverage). */
  readonly labelledShare: number;
  /** Whether the experiment has a success measure (ground truth); false: guardrails only. */
  readonly successMeasure: boolean;
  readonly seed: number;
  readonly policy: ExperimentPolicy;
}

export interface SimulationResult {
  readonly runs: number;
  readonly promote: number;
  readonly rollback: number;
  readonly undecided: number;
  /** The median hour of the final decision among decided runs; null when none decided. */
  readonly medianHoursToDecision: number | null;
}

/** The handler's defaults (lib/experiments/ab-experiment.ts writes them into the event). */
export const DEFAULT_POLICY: ExperimentPolicy = {
  significance: 0.05,
  errorMargin: 0.25,
  latencyMargin: 0.5,
  latencyMinimumSamples: 1000,
  minimumSamples: 1000,
  mixtureRelativeEffect: 0.1,
  stepPercent: 10,
  onCompletion: 'PROMOTE',
};

export const DEFAULT_OPTIONS: SimulationOptions = {
  runs: 2000, days: 7, requestsPerHour: 20000, split: { champion: 90, challenger: 10 }, baselineRate: 0.1, lift: 0,
  errorRate: 0.002, challengerErrorRate: 0.002, latencyRatio: 1, labelledShare: 1, successMeasure: true, seed: 1, policy: DEFAULT_POLICY,
};

/** mulberry32: a small, fast, seeded 32-bit generator (uniform in [0, 1)). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(u: () => number): number {
  let x = 0;
  while (x === 0) x = u();
  return Math.sqrt(-2 * Math.log(x)) * Math.cos(2 * Math.PI * u());
}

/** Binomial(n, p): exact inversion while the smaller mean is below 60, else the normal approximation (rounded, clipped). */
export function binomial(u: () => number, n: number, p: number): number {
  if (n <= 0 || p <= 0) return 0;
  if (p >= 1) return n;
  if (p > 0.5) return n - binomial(u, n, 1 - p);
  const mean = n * p;
  if (mean < 60) {
    const q = 1 - p;
    let pmf = Math.pow(q, n);
    let cdf = pmf;
    const target = u();
    let k = 0;
    while (target > cdf && k < n) {
      pmf *= ((n - k) / (k + 1)) * (p / q);
      k++;
      cdf += pmf;
      if (pmf < 1e-300 && k > mean) break;
    }
    return k;
  }
  const x = Math.round(mean + Math.sqrt(mean * (1 - p)) * gaussian(u));
  return Math.min(n, Math.max(0, x));
}

/** The standard normal CDF, for the latency model (accurate to 1e-7; Abramowitz-Stegun 26.2.17). */
function phi(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.2316419 * z);
  const tail = Math.exp(-z * z / 2) / Math.sqrt(2 * Math.PI)
    * t * (0.319381530 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
  return x >= 0 ? 1 - tail : tail;
}

const LATENCY_MU = Math.log(50_000);
const LATENCY_SIGMA = 0.5;

/** One variant's hour: its requests, errors, slow requests and labelled outcomes. */
function variantHour(u: () => number, o: SimulationOptions, requests: number, errorRate: number, slowShare: number | undefined,
  successRate: number, quantile: number | undefined): VariantWindow {
  const trials = o.successMeasure ? binomial(u, requests, o.labelledShare) : undefined;
  return {
    requests,
    errors: binomial(u, requests, errorRate),
    slowRequests: slowShare === undefined ? undefined : binomial(u, requests, slowShare),
    latencyQuantile: quantile,
    trials,
    successes: trials === undefined ? undefined : binomial(u, trials, successRate),
  };
}

/**
 * The inverse standard normal CDF (Acklam's rational approximation, relative error < 1.2e-9), for drawing order
 * statistics.
 */
function phiInverse(p: number): number {
  const a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01,
    2.506628277459239e+00];
  const b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01];
  const c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00,
    2.938163982698783e+00];
  const d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - lo) return -phiInverse(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
    / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

/**
 * The sample 99th percentile of `n` log-normal latencies (microseconds), as CloudWatch would report it: the order
 * statistic U(k) of n uniforms is Beta(k, n + 1 - k), here drawn from its normal approximation (n >= 1000).
 */
function sampleP99(u: () => number, n: number): number {
  const k = Math.floor(0.99 * n);
  const mean = k / (n + 1);
  const sd = Math.sqrt(mean * (1 - mean) / (n + 2));
  const q = Math.min(1 - 1e-12, Math.max(1e-12, mean + sd * gaussian(u)));
  return Math.exp(LATENCY_MU + LATENCY_SIGMA * phiInverse(q));
}

/** Runs one experiment; returns its final action and the hour it was taken (or undefined if undecided). */
export function simulateRun(o: SimulationOptions, u: () => number): { outcome: 'PROMOTE' | 'ROLLBACK' | 'UNDECIDED'; hour?: number } {
  const hours = Math.round(o.days * 24);
  const t0 = Date.UTC(2026, 0, 1);
  const iso = (h: number) => new Date(t0 + h * 3_600_000).toISOString();
  const model = 'challenger-model';
  let weights: Weights = { ...o.split };
  let state: ExperimentState | undefined;
  const empty: VariantWindow = { requests: 0, errors: 0 };
  // The deployment: the first run starts the experiment.
  const start: Decision = decide({ challengerModel: model, weights, initialWeights: o.split, policy: o.policy,
    window: { windowStart: iso(-1), windowEnd: iso(0), champion: empty, challenger: empty } });
  state = start.state;
  weights = start.targetWeights;
  for (let h = 1; h <= hours; h++) {
    const total = weights.champion + weights.challenger;
    const share = total > 0 ? weights.challenger / total : 0;
    const n2 = binomial(u, o.requestsPerHour, share);
    const n1 = o.requestsPerHour - n2;
    const threshold = state.latency.threshold;
    const measureLatency = threshold !== undefined;
    const slow1 = measureLatency ? 1 - phi((Math.log(threshold) - LATENCY_MU) / LATENCY_SIGMA) : undefined;
    const slow2 = measureLatency ? 1 - phi((Math.log(threshold) - LATENCY_MU - Math.log(o.latencyRatio)) / LATENCY_SIGMA) : undefined;
    const quantile = !measureLatency && n1 >= o.policy.latencyMinimumSamples ? sampleP99(u, n1) : undefined;
    const d = decide({
      state, challengerModel: model, weights, initialWeights: o.split, policy: o.policy,
      window: {
        windowStart: iso(h - 1), windowEnd: iso(h),
        champion: variantHour(u, o, n1, o.errorRate, slow1, o.baselineRate, quantile),
        challenger: variantHour(u, o, n2, o.challengerErrorRate, slow2, Math.min(1, o.baselineRate * (1 + o.lift)), undefined),
      },
    });
    state = d.state;
    weights = d.targetWeights;
    if (d.action === 'PROMOTE' || d.action === 'HOLD') return { outcome: 'PROMOTE', hour: h };
    if (d.action === 'ROLLBACK') return { outcome: 'ROLLBACK', hour: h };
  }
  return { outcome: 'UNDECIDED' };
}

/** Runs `runs` seeded experiments. */
export function simulate(o: SimulationOptions): SimulationResult {
  const u = rng(o.seed);
  let promote = 0;
  let rollback = 0;
  const hours: number[] = [];
  for (let i = 0; i < o.runs; i++) {
    const r = simulateRun(o, u);
    if (r.outcome === 'PROMOTE') promote++;
    if (r.outcome === 'ROLLBACK') rollback++;
    if (r.hour !== undefined) hours.push(r.hour);
  }
  hours.sort((a, b) => a - b);
  const median = hours.length === 0 ? null
    : hours.length % 2 === 1 ? hours[(hours.length - 1) / 2] : (hours[hours.length / 2 - 1] + hours[hours.length / 2]) / 2;
  const share = (n: number) => Math.round((n / o.runs) * 10000) / 10000;
  return {
    runs: o.runs, promote: share(promote), rollback: share(rollback), undecided: share(o.runs - promote - rollback),
    medianHoursToDecision: median,
  };
}

/** Parses `--name value` options over the defaults; throws on an unknown option or a bad value. */
export function parseArgs(argv: readonly string[]): SimulationOptions {
  const o: Record<string, unknown> = { ...DEFAULT_OPTIONS };
  const policy: Record<string, unknown> = { ...DEFAULT_POLICY };
  const num = (name: string, v: string | undefined, ok: (x: number) => boolean, allowed: string): number => {
    const x = Number(v);
    if (v === undefined || v.trim() === '' || !Number.isFinite(x) || !ok(x)) throw new Error(`--${name} must be ${allowed}, got ${v}`);
    return x;
  };
  const share = (x: number) => x >= 0 && x <= 1;
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i].replace(/^--/, '');
    const v = argv[i + 1];
    switch (name) {
      case 'runs': o.runs = num(name, v, (x) => Number.isInteger(x) && x >= 1, 'a whole number >= 1'); break;
      case 'days': o.days = num(name, v, (x) => x > 0 && x <= 60, 'in (0, 60]'); break;
      case 'requests-per-hour': o.requestsPerHour = num(name, v, (x) => Number.isInteger(x) && x >= 0, 'a whole number >= 0'); break;
      case 'split': {
        const m = /^(\d+(?:\.\d+)?)\/(\d+(?:\.\d+)?)$/.exec(v ?? '');
        if (!m || Number(m[1]) + Number(m[2]) <= 0) throw new Error(`--split must be champion/challenger weights such as 90/10, got ${v}`);
        o.split = { champion: Number(m[1]), challenger: Number(m[2]) };
        break;
      }
      case 'baseline-rate': o.baselineRate = num(name, v, share, 'in [0, 1]'); break;
      case 'lift': o.lift = num(name, v, (x) => x >= -1, '>= -1'); break;
      case 'error-rate': o.errorRate = num(name, v, share, 'in [0, 1]'); break;
      case 'challenger-error-rate': o.challengerErrorRate = num(name, v, share, 'in [0, 1]'); break;
      case 'latency-ratio': o.latencyRatio = num(name, v, (x) => x > 0, '> 0'); break;
      case 'labelled-share': o.labelledShare = num(name, v, share, 'in [0, 1]'); break;
      case 'success-measure': o.successMeasure = v === 'true' ? true : v === 'false' ? false : (() => {
        throw new Error(`--success-measure must be true or false, got ${v}`);
      })(); break;
      case 'seed': o.seed = num(name, v, Number.isInteger, 'a whole number'); break;
      case 'significance': policy.significance = num(name, v, (x) => x > 0 && x <= 0.5, 'in (0, 0.5]'); break;
      case 'error-margin': policy.errorMargin = num(name, v, (x) => x > 0, '> 0'); break;
      case 'latency-margin': policy.latencyMargin = num(name, v, (x) => x > 0, '> 0'); break;
      case 'minimum-samples': policy.minimumSamples = num(name, v, (x) => Number.isInteger(x) && x >= 1, 'a whole number >= 1'); break;
      case 'step-percent': policy.stepPercent = num(name, v, (x) => x > 0 && x <= 100, 'in (0, 100]'); break;
      case 'mixture-effect': policy.mixtureRelativeEffect = num(name, v, (x) => x > 0, '> 0'); break;
      default: throw new Error(`unknown option --${name}`);
    }
  }
  return { ...(o as unknown as SimulationOptions), policy: policy as unknown as ExperimentPolicy };
}
