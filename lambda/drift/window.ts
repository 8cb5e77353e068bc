/**
 * Bounded accumulators for one window of captured traffic, their statistics, and the window's decision
 * (decide.ts). Memory per feature is fixed by the baseline profile, never by the traffic: a numeric feature
 * keeps (PSI bins + 2 x CDF points + 1) counters, a categorical one (top K + 1) counters.
 */
import {
  BaselineProfile, CategoricalFeatureProfile, FeatureProfile, FeatureValue, NumericFeatureProfile, OTHER_CATEGORY, toCategory, toNumber,
} from '../shared/profile';
import { binIndex, chiSquareHomogeneity, jensenShannonDistance, ksPValue, lowerBound, poolSparseCells, psi } from '../shared/stats';
import { decideWindow, FeatureDecision, ResolvedPolicy } from './decide';

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
  /** Two-sided p-value of `ks` for the window's and the baseline's sample sizes (see ksPValue). */
  readonly pValue: number | null;
  /** Share of non-missing values below the baseline minimum or above its maximum. */
  readonly outOfRangeShare: number | null;
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
  /** Share of the window's values in no baseline category of the profile (the `__other__` bucket). */
  readonly otherShare: number | null;
  readonly baselineOtherShare: number;
  /** The chi-square p-value over pooled categories (each expecting at least 5 window values), the feature's test. */
  readonly pValue: number | null;
}

export type FeatureStatistics = NumericFeatureStats | CategoricalFeatureStats;
export type FeatureStats = FeatureStatistics & FeatureDecision;

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
  /**
   * A hint for lowerBound(points, x): cell g of a uniform grid over [points[0], last point] starts its search.
   * Built once the accumulator has taken many values (so that short-lived ones, as in the simulation, never pay).
   */
  private grid: Int32Array | undefined;
  private gridScale = 0;
  private calls = 0;

  constructor(private readonly profile: NumericFeatureProfile) {
    // Without baseline values nothing is out of range.
    this.low = profile.min ?? -Infinity;
    this.high = profile.max ?? Infinity;
    this.edges = Float64Array.from(profile.bins.edges);
    this.binCounts = new Float64Array(profile.bins.counts.length);
    this.points = Float64Array.from(profile.cdf.points);
    this.cdfSlots = new Float64Array(2 * profile.cdf.points.length + 1);
  }

  private buildGrid(): void {
    const pts = this.points;
    const n = pts.length;
    const cells = 4 * n;
    const span = n > 1 ? pts[n - 1] - pts[0] : 0;
    this.grid = new Int32Array(cells);
    this.gridScale = span > 0 && Number.isFinite(span) && Number.isFinite(cells / span) ? cells / span : 0;
    for (let g = 0, j = 0; g < cells && this.gridScale > 0; g++) {
      const at = pts[0] + g / this.gridScale;
      while (j < n && pts[j] < at) j++;
      this.grid[g] = j;
    }
  }

  /**
   * lowerBound(points, x) (the points below x), started from the grid's hint and walked to the exact answer: the
   * hint only saves the binary search's ~10 unpredictable steps; the walk makes the result exact whatever it is.
   */
  private pointsBelow(x: number): number {
    const pts = this.points;
    const n = pts.length;
    if (this.grid === undefined) {
      if (++this.calls < 8 * n || n < 2) return lowerBound(pts, x);
      this.buildGrid();
    }
    if (this.gridScale === 0) return lowerBound(pts, x);
    if (x <= pts[0]) return 0;
    if (x > pts[n - 1]) return n;
    const grid = this.grid!;
    const g = Math.min(grid.length - 1, Math.floor((x - pts[0]) * this.gridScale));
    let j = grid[g];
    // A crowded cell (a long tail stretches the grid): the binary search is quicker than a walk.
    if ((g + 1 < grid.length ? grid[g + 1] : n) - j > 8) return lowerBound(pts, x);
    while (j > 0 && pts[j - 1] >= x) j--;
    while (j < n && pts[j] < x) j++;
    return j;
  }

  add(raw: FeatureValue): void {
    const x = toNumber(raw);
    if (x === undefined) {
      this.rows++;
      return;
    }
    this.addValue(x, 1);
  }

  /** Adds one missing value. */
  addMissing(): void {
    this.rows++;
  }

  /** Adds `times` occurrences of the finite value x (the simulation draws counts, not values). */
  addValue(x: number, times: number): void {
    this.rows += times;
    this.count += times;
    this.sum += x * times;
    if (x < this.min) this.min = x;
    if (x > this.max) this.max = x;
    this.binCounts[binIndex(this.edges, x)] += times;
    const j = this.pointsBelow(x);
    this.cdfSlots[j < this.points.length && this.points[j] === x ? 2 * j + 1 : 2 * j] += times;
    if (x < this.low || x > this.high) this.outOfRange += times;
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

  result(): NumericFeatureStats {
    const p = this.profile;
    const psiValue = finiteOrNull(psi(p.bins.counts, this.binCounts));
    const ksValue = finiteOrNull(this.ks());
    const pValue = ksValue === null ? null : finiteOrNull(ksPValue(ksValue, this.count, p.rows - p.missing));
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
      pValue,
      outOfRangeShare: this.count > 0 && p.min !== null ? this.outOfRange / this.count : null,
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
    const c = toCategory(raw);
    if (c === undefined) {
      this.rows++;
      return;
    }
    this.addCategory(c, 1);
  }

  /** Adds one missing value. */
  addMissing(): void {
    this.rows++;
  }

  /** Adds `times` occurrences of category c. */
  addCategory(c: string, times: number): void {
    this.rows += times;
    this.count += times;
    this.counts[this.indexOf.get(c) ?? this.profile.categories.length] += times;
  }

  result(): CategoricalFeatureStats {
    const p = this.profile;
    const baseline = [...p.categories.map((c) => c.count), p.otherCount];
    const window = Array.from(this.counts);
    const psiValue = finiteOrNull(psi(baseline, window));
    const js = finiteOrNull(jensenShannonDistance(baseline, window));
    const chi = this.count > 0 ? chiSquareHomogeneity(baseline, window) : undefined;
    const pooled = poolSparseCells(baseline, window);
    const test = this.count > 0 && p.rows > p.missing ? chiSquareHomogeneity(pooled.baseline, pooled.window) : undefined;
    const baselineValues = p.rows - p.missing;
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
      otherShare: this.count > 0 ? window[window.length - 1] / this.count : null,
      baselineOtherShare: baselineValues > 0 ? p.otherCount / baselineValues : 0,
      pValue: test ? test.pValue : null,
    };
  }
}

export interface WindowSummary {
  /** Per feature its statistics and its decision. */
  readonly features: FeatureStats[];
  /** Features tested (enough values, not ignored). */
  readonly testedFeatures: number;
  readonly driftedFeatures: string[];
  /** Drifted features / tested features; null when none was tested. */
  readonly driftedShare: number | null;
  /** Whether any feature drifted: the window's datapoint for the M-of-N alarm. */
  readonly drifted: boolean;
}

/** All feature accumulators of one window; rows are aligned with the profile's feature order. */
export class WindowAccumulator {
  readonly accumulators: Array<NumericAccumulator | CategoricalAccumulator>;

  constructor(public readonly profile: BaselineProfile) {
    this.accumulators = profile.features.map((f: FeatureProfile) => f.type === 'numeric' ? new NumericAccumulator(f) : new CategoricalAccumulator(f));
  }

  addRow(values: readonly FeatureValue[]): void {
    for (let i = 0; i < this.accumulators.length; i++) {
      this.accumulators[i].add(values[i]);
    }
  }

  summarize(policy: ResolvedPolicy): WindowSummary {
    const stats = this.accumulators.map((a) => a.result());
    const decision = decideWindow(stats, policy);
    return {
      features: stats.map((s, i) => ({ ...s, ...decision.features[i] })),
      testedFeatures: decision.testedFeatures,
      driftedFeatures: decision.driftedFeatures,
      driftedShare: decision.driftedShare,
      drifted: decision.drifted,
    };
  }
}
