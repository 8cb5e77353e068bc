/**
 * Bounded accumulators for one window of captured traffic, and the per-feature drift decision.
 * Memory per feature is fixed by the baseline profile, never by the traffic: a numeric feature keeps
 * (PSI bins + 2 x CDF points + 1) counters, a categorical one (top K + 1) counters.
 */
import {
  BaselineProfile, CategoricalFeatureProfile, FeatureProfile, FeatureValue, NumericFeatureProfile, OTHER_CATEGORY, toCategory, toNumber,
} from '../shared/profile';
import { binIndex, chiSquareHomogeneity, jensenShannonDistance, lowerBound, psi, shareOf } from '../shared/stats';

export interface DriftThresholds {
  /** A feature drifts when its PSI is above this. @default 0.2 */
  readonly psi?: number;
  /** A numeric feature drifts when its KS statistic is above this. @default 0.1 */
  readonly ks?: number;
  /** A categorical feature drifts when its Jensen-Shannon distance (base 2) is above this. @default 0.1 */
  readonly js?: number;
  /** Features with fewer non-missing window values are reported but not judged. @default 100 */
  readonly minCount?: number;
}

export const DEFAULT_THRESHOLDS: Required<DriftThresholds> = { psi: 0.2, ks: 0.1, js: 0.1, minCount: 100 };

/** Merges user thresholds over the defaults and checks their ranges. */
export function resolveThresholds(t: DriftThresholds = {}): Required<DriftThresholds> {
  const r = { ...DEFAULT_THRESHOLDS, ...Object.fromEntries(Object.entries(t).filter(([, v]) => v !== undefined)) } as Required<DriftThresholds>;
  const problems: string[] = [];
  if (!(r.psi > 0)) problems.push(`psi must be > 0, got ${r.psi}`);
  if (!(r.ks > 0 && r.ks <= 1)) problems.push(`ks must be in (0, 1], got ${r.ks}`);
  if (!(r.js > 0 && r.js <= 1)) problems.push(`js must be in (0, 1], got ${r.js}`);
  if (!(Number.isInteger(r.minCount) && r.minCount >= 1)) problems.push(`minCount must be an integer >= 1, got ${r.minCount}`);
  if (problems.length > 0) throw new Error(`invalid thresholds: ${problems.join('; ')}`);
  return r;
}

export interface NumericFeatureStats {
  readonly name: string;
  readonly type: 'numeric';
  /** Values seen in the window, missing included. */
  readonly rows: number;
  readonly count: number;
  readonly missing: number;
  readonly missingRate: number;
  readonly baselineMissingRate: number;
  readonly min: number | null;
  readonly max: number | null;
  readonly mean: number | null;
  readonly binCounts: number[];
  readonly psi: number | null;
  /** KS statistic against the whole baseline, from the CDF sketch: exact to within `ksMaxError` below. */
  readonly ks: number | null;
  readonly ksMaxError: number;
  /** Share of non-missing values below the baseline minimum or above its maximum. */
  readonly outOfRangeShare: number | null;
  readonly judged: boolean;
  readonly drifted: boolean;
  readonly reasons: string[];
}

export interface CategoricalFeatureStats {
  readonly name: string;
  readonly type: 'categorical';
  readonly rows: number;
  readonly count: number;
  readonly missing: number;
  readonly missingRate: number;
  readonly baselineMissingRate: number;
  /** Window counts per profile category, then `__other__`. */
  readonly categoryCounts: Record<string, number>;
  readonly psi: number | null;
  readonly jsDistance: number | null;
  readonly chiSquare: number | null;
  readonly chiSquareDof: number;
  readonly chiSquarePValue: number | null;
  readonly judged: boolean;
  readonly drifted: boolean;
  readonly reasons: string[];
}

export type FeatureStats = NumericFeatureStats | CategoricalFeatureStats;

const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

export class NumericAccumulator {
  private readonly edges: Float64Array;
  private readonly binCounts: Float64Array;
  private readonly points: Float64Array;
  /** slot 2j: values strictly between points[j-1] and points[j]; slot 2j+1: values equal to points[j]; last slot: above the last point. */
  private readonly cdfSlots: Float64Array;
  private rows = 0;
  private count = 0;
  private sum = 0;
  private min = Infinity;
  private max = -Infinity;
  private outOfRange = 0;
  private readonly low: number;
  private readonly high: number;

  constructor(private readonly profile: NumericFeatureProfile) {
    // Without baseline values nothing is out of range.
    this.low = profile.min ?? -Infinity;
    this.high = profile.max ?? Infinity;
    this.edges = Float64Array.from(profile.bins.edges);
    this.binCounts = new Float64Array(profile.bins.counts.length);
    this.points = Float64Array.from(profile.cdf.points);
    this.cdfSlots = new Float64Array(2 * profile.cdf.points.length + 1);
  }

  add(raw: FeatureValue): void {
    this.rows++;
    const x = toNumber(raw);
    if (x === undefined) return;
    this.count++;
    this.sum += x;
    if (x < this.min) this.min = x;
    if (x > this.max) this.max = x;
    this.binCounts[binIndex(this.edges, x)]++;
    const j = lowerBound(this.points, x);
    this.cdfSlots[j < this.points.length && this.points[j] === x ? 2 * j + 1 : 2 * j]++;
    if (x < this.low || x > this.high) this.outOfRange++;
  }

  /** KS statistic of the window against the baseline's CDF sketch: max over points of |F_w - F_b| at p- and p. */
  ks(): number {
    const c = this.profile.cdf;
    const nb = this.profile.rows - this.profile.missing;
    if (this.count === 0 || nb <= 0 || c.points.length === 0) return NaN;
    let below = 0;
    let d = 0;
    for (let j = 0; j < c.points.length; j++) {
      below += this.cdfSlots[2 * j];
      d = Math.max(d, Math.abs(below / this.count - c.below[j] / nb));
      below += this.cdfSlots[2 * j + 1];
      d = Math.max(d, Math.abs(below / this.count - c.atOrBelow[j] / nb));
    }
    return d;
  }

  result(t: Required<DriftThresholds>): NumericFeatureStats {
    const p = this.profile;
    const psiValue = finiteOrNull(psi(p.bins.counts, this.binCounts));
    const ksValue = finiteOrNull(this.ks());
    const judged = this.count >= t.minCount && psiValue !== null;
    const reasons: string[] = [];
    if (judged && psiValue !== null && psiValue > t.psi) reasons.push(`psi ${round(psiValue)} > ${t.psi}`);
    if (judged && ksValue !== null && ksValue > t.ks) reasons.push(`ks ${round(ksValue)} > ${t.ks}`);
    return {
      name: p.name,
      type: 'numeric',
      rows: this.rows,
      count: this.count,
      missing: this.rows - this.count,
      missingRate: this.rows > 0 ? (this.rows - this.count) / this.rows : 0,
      baselineMissingRate: p.missingRate,
      min: this.count > 0 ? this.min : null,
      max: this.count > 0 ? this.max : null,
      mean: this.count > 0 ? this.sum / this.count : null,
      binCounts: Array.from(this.binCounts),
      psi: psiValue,
      ks: ksValue,
      ksMaxError: 1 / p.cdf.resolution,
      outOfRangeShare: this.count > 0 && p.min !== null ? this.outOfRange / this.count : null,
      judged,
      drifted: reasons.length > 0,
      reasons,
    };
  }
}

export class CategoricalAccumulator {
  private readonly indexOf = new Map<string, number>();
  /** One counter per profile category, the last for `__other__`. */
  private readonly counts: Float64Array;
  private rows = 0;
  private count = 0;

  constructor(private readonly profile: CategoricalFeatureProfile) {
    profile.categories.forEach((c, i) => this.indexOf.set(c.value, i));
    this.counts = new Float64Array(profile.categories.length + 1);
  }

  add(raw: FeatureValue): void {
    this.rows++;
    const c = toCategory(raw);
    if (c === undefined) return;
    this.count++;
    this.counts[this.indexOf.get(c) ?? this.profile.categories.length]++;
  }

  result(t: Required<DriftThresholds>): CategoricalFeatureStats {
    const p = this.profile;
    const baseline = [...p.categories.map((c) => c.count), p.otherCount];
    const window = Array.from(this.counts);
    const psiValue = finiteOrNull(psi(baseline, window));
    const js = finiteOrNull(jensenShannonDistance(baseline, window));
    const chi = this.count > 0 ? chiSquareHomogeneity(baseline, window) : undefined;
    const judged = this.count >= t.minCount && psiValue !== null;
    const reasons: string[] = [];
    if (judged && psiValue !== null && psiValue > t.psi) reasons.push(`psi ${round(psiValue)} > ${t.psi}`);
    if (judged && js !== null && js > t.js) reasons.push(`js ${round(js)} > ${t.js}`);
    const categoryCounts: Record<string, number> = {};
    p.categories.forEach((c, i) => { categoryCounts[c.value] = window[i]; });
    categoryCounts[OTHER_CATEGORY] = window[window.length - 1];
    return {
      name: p.name,
      type: 'categorical',
      rows: this.rows,
      count: this.count,
      missing: this.rows - this.count,
      missingRate: this.rows > 0 ? (this.rows - this.count) / this.rows : 0,
      baselineMissingRate: p.missingRate,
      categoryCounts,
      psi: psiValue,
      jsDistance: js,
      chiSquare: chi ? chi.statistic : null,
      chiSquareDof: chi ? chi.dof : 0,
      chiSquarePValue: chi ? chi.pValue : null,
      judged,
      drifted: reasons.length > 0,
      reasons,
    };
  }
}

export interface WindowSummary {
  readonly features: FeatureStats[];
  /** Features with enough data to be judged. */
  readonly judgedFeatures: number;
  readonly driftedFeatures: string[];
  /** Drifted features / judged features; null when none could be judged. */
  readonly driftedShare: number | null;
}

/** All feature accumulators of one window; rows are aligned with the profile's feature order. */
export class WindowAccumulator {
  private readonly accumulators: Array<NumericAccumulator | CategoricalAccumulator>;

  constructor(public readonly profile: BaselineProfile) {
    this.accumulators = profile.features.map((f: FeatureProfile) => f.type === 'numeric' ? new NumericAccumulator(f) : new CategoricalAccumulator(f));
  }

  addRow(values: readonly FeatureValue[]): void {
    for (let i = 0; i < this.accumulators.length; i++) {
      this.accumulators[i].add(values[i]);
    }
  }

  summarize(thresholds: DriftThresholds = {}): WindowSummary {
    const t = resolveThresholds(thresholds);
    const features = this.accumulators.map((a) => a.result(t));
    const judged = features.filter((f) => f.judged);
    const share = shareOf(judged.map((f) => f.drifted));
    return {
      features,
      judgedFeatures: judged.length,
      driftedFeatures: judged.filter((f) => f.drifted).map((f) => f.name),
      driftedShare: finiteOrNull(share),
    };
  }
}

function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
