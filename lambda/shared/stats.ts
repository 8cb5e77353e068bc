/**
 * Pure statistics for drift and model-quality checks. No AWS, no I/O: every function here is checked
 * against scipy/numpy reference vectors (test/lambda/drift/reference/).
 */

/**
 * Floor applied to every bin proportion before PSI's logarithm, so that an empty bin on either side
 * contributes a large but finite term instead of infinity. 1e-4 is the value most PSI implementations use;
 * proportions are floored, not renormalized.
 */
export const PSI_EPSILON = 1e-4;

/** numpy.quantile(sorted, p) with the default 'linear' method (Hyndman & Fan type 7). `sorted` ascending. */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) {
    return NaN;
  }
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** numpy.quantile(sorted, p, method='inverted_cdf'): the smallest value whose empirical CDF is >= p. */
export function inverseCdfSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) {
    return NaN;
  }
  const k = Math.max(Math.ceil(p * n - 1e-9), 1);
  return sorted[Math.min(k, n) - 1];
}

/** numpy.searchsorted(sorted, x, side='left'): the number of elements strictly less than x. */
export function lowerBound(sorted: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < x) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

/** numpy.searchsorted(sorted, x, side='right'): the number of elements less than or equal to x. */
export function upperBound(sorted: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= x) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

/** Sorted unique values of `values` (a new array). */
export function uniqueSorted(values: ArrayLike<number>): number[] {
  const s = Array.from(values).sort((a, b) => a - b);
  const out: number[] = [];
  for (const v of s) {
    if (out.length === 0 || out[out.length - 1] !== v) {
      out.push(v);
    }
  }
  return out;
}

/**
 * Inner bin edges from the quantiles of a baseline: `bins - 1` edges at k/bins (numpy linear quantiles),
 * deduplicated (ties make fewer bins). The outer bins are open-ended.
 */
export function quantileEdges(sorted: ArrayLike<number>, bins: number): number[] {
  const edges: number[] = [];
  for (let k = 1; k < bins; k++) {
    edges.push(quantileSorted(sorted, k / bins));
  }
  return uniqueSorted(edges);
}

/**
 * The bin of x for inner edges e[0..m-1]: bin i holds e[i-1] < x <= e[i] (right-closed, like
 * numpy.searchsorted(edges, x, side='left')); bin 0 is (-inf, e[0]], bin m is (e[m-1], +inf).
 */
export function binIndex(edges: ArrayLike<number>, x: number): number {
  return lowerBound(edges, x);
}

/** Counts of values per bin (edges.length + 1 bins, see binIndex). */
export function histogram(values: Iterable<number>, edges: ArrayLike<number>): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (const v of values) {
    counts[binIndex(edges, v)]++;
  }
  return counts;
}

function sum(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) {
    s += values[i];
  }
  return s;
}

/**
 * Population stability index of `actual` against `expected`, both given as counts over the same bins:
 * sum over bins of (a - e) * ln(a / e) with a, e the bin proportions floored at `epsilon`.
 * NaN when either side has no observations.
 */
export function psi(expectedCounts: ArrayLike<number>, actualCounts: ArrayLike<number>, epsilon = PSI_EPSILON): number {
  if (expectedCounts.length !== actualCounts.length) {
    throw new Error(`psi: ${expectedCounts.length} expected bins but ${actualCounts.length} actual bins`);
  }
  const te = sum(expectedCounts);
  const ta = sum(actualCounts);
  if (te <= 0 || ta <= 0) {
    return NaN;
  }
  let total = 0;
  for (let i = 0; i < expectedCounts.length; i++) {
    const e = Math.max(expectedCounts[i] / te, epsilon);
    const a = Math.max(actualCounts[i] / ta, epsilon);
    total += (a - e) * Math.log(a / e);
  }
  return total;
}

/**
 * Exact two-sample Kolmogorov-Smirnov statistic sup |F_a - F_b| (scipy.stats.ks_2samp(a, b).statistic).
 * Sorts copies of both samples: O((n + m) log(n + m)) time and O(n + m) memory.
 */
export function ksStatistic(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0) {
    return NaN;
  }
  const sa = Float64Array.from(a).sort();
  const sb = Float64Array.from(b).sort();
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < n && j < m) {
    const x = Math.min(sa[i], sb[j]);
    while (i < n && sa[i] <= x) i++;
    while (j < m && sb[j] <= x) j++;
    d = Math.max(d, Math.abs(i / n - j / m));
  }
  return d;
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms; relative error below 1e-14). */
export function logGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) {
    return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  }
  const z = x - 1;
  let s = c[0];
  for (let i = 1; i < 9; i++) {
    s += c[i] / (z + i);
  }
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(s);
}

/** Regularized upper incomplete gamma Q(a, x) = Γ(a, x) / Γ(a) (series below a + 1, continued fraction above). */
export function regularizedGammaQ(a: number, x: number): number {
  if (x <= 0) {
    return 1;
  }
  const lnPrefix = -x + a * Math.log(x) - logGamma(a);
  if (x < a + 1) {
    // P(a, x) by its series; Q = 1 - P.
    let term = 1 / a;
    let total = term;
    for (let k = 1; k < 10000; k++) {
      term *= x / (a + k);
      total += term;
      if (Math.abs(term) < Math.abs(total) * 1e-16) break;
    }
    return 1 - total * Math.exp(lnPrefix);
  }
  // Q(a, x) by Lentz's continued fraction.
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(lnPrefix) * h;
}

/** Survival function of the chi-square distribution (scipy.stats.chi2.sf(x, dof)). */
export function chiSquareSurvival(x: number, dof: number): number {
  if (dof <= 0) {
    return 1;
  }
  return regularizedGammaQ(dof / 2, x / 2);
}

export interface ChiSquareResult {
  readonly statistic: number;
  readonly dof: number;
  readonly pValue: number;
}

/**
 * Pearson chi-square test of homogeneity of two count vectors over the same categories (a 2 x k contingency
 * table, scipy.stats.chi2_contingency(table, correction=False)). Categories empty on both sides are dropped;
 * with fewer than two categories left the statistic is 0 and the p-value 1.
 */
export function chiSquareHomogeneity(a: ArrayLike<number>, b: ArrayLike<number>): ChiSquareResult {
  if (a.length !== b.length) {
    throw new Error(`chiSquareHomogeneity: ${a.length} categories against ${b.length}`);
  }
  const ta = sum(a);
  const tb = sum(b);
  const total = ta + tb;
  let k = 0;
  let statistic = 0;
  for (let i = 0; i < a.length; i++) {
    const col = a[i] + b[i];
    if (col <= 0) continue;
    k++;
    const ea = (ta * col) / total;
    const eb = (tb * col) / total;
    statistic += (ea > 0 ? (a[i] - ea) ** 2 / ea : 0) + (eb > 0 ? (b[i] - eb) ** 2 / eb : 0);
  }
  if (k < 2 || ta <= 0 || tb <= 0) {
    return { statistic: 0, dof: 0, pValue: 1 };
  }
  const dof = k - 1;
  return { statistic, dof, pValue: chiSquareSurvival(statistic, dof) };
}

/**
 * Jensen-Shannon distance in base 2 between two distributions given as non-negative weights over the same
 * categories (each normalized first): scipy.spatial.distance.jensenshannon(p, q, base=2). In [0, 1].
 */
export function jensenShannonDistance(p: ArrayLike<number>, q: ArrayLike<number>): number {
  if (p.length !== q.length) {
    throw new Error(`jensenShannonDistance: ${p.length} categories against ${q.length}`);
  }
  const tp = sum(p);
  const tq = sum(q);
  if (tp <= 0 || tq <= 0) {
    return NaN;
  }
  let js = 0;
  for (let i = 0; i < p.length; i++) {
    const pi = p[i] / tp;
    const qi = q[i] / tq;
    const mi = (pi + qi) / 2;
    if (pi > 0) js += pi * Math.log2(pi / mi);
    if (qi > 0) js += qi * Math.log2(qi / mi);
  }
  return Math.sqrt(Math.max(js / 2, 0));
}

/**
 * Survival function of the Kolmogorov distribution, P(K > x) (scipy.special.kolmogorov(x)): the limit of
 * P(sqrt(n) D_n > x). Two series, each used where it converges fast; absolute error below 1e-15.
 */
export function kolmogorovSurvival(x: number): number {
  if (!(x > 0)) return 1;
  if (x < 1.18) {
    // 1 - sqrt(2 pi) / x * sum_k exp(-(2k - 1)^2 pi^2 / (8 x^2))
    const w = (Math.PI * Math.PI) / (8 * x * x);
    let total = 0;
    for (let k = 1; k <= 10; k++) {
      total += Math.exp(-(2 * k - 1) * (2 * k - 1) * w);
    }
    return Math.min(1, Math.max(0, 1 - (Math.sqrt(2 * Math.PI) / x) * total));
  }
  // 2 sum_k (-1)^(k-1) exp(-2 k^2 x^2)
  let total = 0;
  for (let k = 1; k <= 10; k++) {
    total += (k % 2 === 1 ? 1 : -1) * Math.exp(-2 * k * k * x * x);
  }
  return Math.min(1, Math.max(0, 2 * total));
}

/**
 * Two-sided p-value of a two-sample KS statistic `d` for samples of sizes n and m: the Kolmogorov limit at
 * (sqrt(ne) + 0.12 + 0.11 / sqrt(ne)) d with ne = n m / (n + m) (Stephens' correction, Numerical Recipes 14.3),
 * close to scipy.stats.ks_2samp's p-value already at ne = 20. NaN without data.
 */
export function ksPValue(d: number, n: number, m: number): number {
  if (!(n > 0 && m > 0) || !Number.isFinite(d)) return NaN;
  const ne = Math.sqrt((n * m) / (n + m));
  return kolmogorovSurvival((ne + 0.12 + 0.11 / ne) * d);
}

/**
 * Pools sparse categories so that the chi-square approximation holds: every cell of the pooled table expects
 * at least `minExpected` window counts under homogeneity (Cochran's rule). Cells are taken by decreasing
 * baseline share; the sparse ones go into one pool; a pool still under the minimum absorbs the smallest kept
 * cell until it is not (or nothing is left). Returns the pooled baseline and window counts.
 */
export function poolSparseCells(baseline: ArrayLike<number>, window: ArrayLike<number>, minExpected = 5): { baseline: number[]; window: number[] } {
  if (baseline.length !== window.length) {
    throw new Error(`poolSparseCells: ${baseline.length} categories against ${window.length}`);
  }
  const tb = sum(baseline);
  const tw = sum(window);
  const total = tb + tw;
  const order = Array.from({ length: baseline.length }, (_, i) => i)
    .sort((x, y) => (baseline[y] + window[y]) - (baseline[x] + window[x]) || x - y);
  const keptB: number[] = [];
  const keptW: number[] = [];
  let poolB = 0;
  let poolW = 0;
  // Expected window count of a cell holding c observations in all: tw * c / total.
  const expected = (c: number) => (total > 0 ? (tw * c) / total : 0);
  for (const i of order) {
    const c = baseline[i] + window[i];
    if (c <= 0) continue;
    if (expected(c) >= minExpected) {
      keptB.push(baseline[i]);
      keptW.push(window[i]);
    } else {
      poolB += baseline[i];
      poolW += window[i];
    }
  }
  while (poolB + poolW > 0 && expected(poolB + poolW) < minExpected && keptB.length > 0) {
    poolB += keptB.pop()!;
    poolW += keptW.pop()!;
  }
  if (poolB + poolW > 0) {
    keptB.push(poolB);
    keptW.push(poolW);
  }
  return { baseline: keptB, window: keptW };
}

/** Bonferroni: each of k tests at level alpha / k. Returns, per p-value, whether it is rejected. NaN never is. */
export function bonferroni(pValues: readonly number[], alpha: number): boolean[] {
  const k = pValues.filter((p) => Number.isFinite(p)).length;
  return pValues.map((p) => Number.isFinite(p) && p <= alpha / k);
}

/**
 * Benjamini-Hochberg step-up at false-discovery rate q: with the finite p-values sorted p(1) <= ... <= p(k),
 * rejects the r smallest for the largest r with p(r) <= r q / k (scipy.stats.false_discovery_control(p) <= q).
 * NaN p-values are not tests.
 */
export function benjaminiHochberg(pValues: readonly number[], q: number): boolean[] {
  const finite = pValues.map((p, i) => [p, i] as const).filter(([p]) => Number.isFinite(p)).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const k = finite.length;
  let r = 0;
  for (let j = k; j >= 1; j--) {
    if (finite[j - 1][0] <= (j * q) / k) {
      r = j;
      break;
    }
  }
  const out = pValues.map(() => false);
  for (let j = 0; j < r; j++) out[finite[j][1]] = true;
  return out;
}

/** Share of true flags; NaN for none. */
export function shareOf(flags: readonly boolean[]): number {
  if (flags.length === 0) {
    return NaN;
  }
  return flags.filter((f) => f).length / flags.length;
}

export interface ClassificationMetrics {
  readonly count: number;
  readonly accuracy: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

/**
 * Binary classification metrics with 1 as the positive class; precision, recall and F1 are 0 when their
 * denominator is 0 (sklearn's zero_division=0).
 */
export function binaryClassificationMetrics(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): ClassificationMetrics {
  if (yTrue.length !== yPred.length) {
    throw new Error(`binaryClassificationMetrics: ${yTrue.length} labels against ${yPred.length} predictions`);
  }
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const t = yTrue[i] === 1;
    const p = yPred[i] === 1;
    if (t && p) tp++;
    else if (!t && p) fp++;
    else if (t && !p) fn++;
    else tn++;
  }
  const count = yTrue.length;
  const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
  const recall = tp + fn > 0 ? tp / (tp + fn) : 0;
  const f1 = 2 * tp + fp + fn > 0 ? (2 * tp) / (2 * tp + fp + fn) : 0;
  return { count, accuracy: count > 0 ? (tp + tn) / count : NaN, precision, recall, f1 };
}

/**
 * Area under the ROC curve for binary labels (1 positive) and scores, by the Mann-Whitney rank sum with
 * average ranks for tied scores, which counts a tied positive/negative pair as 1/2 like sklearn's
 * roc_auc_score. NaN when one class is absent.
 */
export function rocAuc(yTrue: ArrayLike<number>, scores: ArrayLike<number>): number {
  const n = yTrue.length;
  if (n !== scores.length) {
    throw new Error(`rocAuc: ${n} labels against ${scores.length} scores`);
  }
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((x, y) => scores[x] - scores[y]);
  let rankSumPos = 0;
  let nPos = 0;
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]] === scores[order[i]]) j++;
    const avgRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (yTrue[order[k]] === 1) {
        rankSumPos += avgRank;
        nPos++;
      }
    }
    i = j + 1;
  }
  const nNeg = n - nPos;
  if (nPos === 0 || nNeg === 0) {
    return NaN;
  }
  return (rankSumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

export interface RegressionMetrics {
  readonly count: number;
  readonly mae: number;
  readonly rmse: number;
}

/** Mean absolute error and root mean squared error. */
export function regressionMetrics(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): RegressionMetrics {
  if (yTrue.length !== yPred.length) {
    throw new Error(`regressionMetrics: ${yTrue.length} labels against ${yPred.length} predictions`);
  }
  const n = yTrue.length;
  let abs = 0;
  let sq = 0;
  for (let i = 0; i < n; i++) {
    const e = yPred[i] - yTrue[i];
    abs += Math.abs(e);
    sq += e * e;
  }
  return { count: n, mae: n > 0 ? abs / n : NaN, rmse: n > 0 ? Math.sqrt(sq / n) : NaN };
}
