/**
 * Latency statistics of a load test: exact nearest-rank percentiles of a sample, and a log-bucketed histogram that workers
 * return and the aggregation merges (a sample of every latency would not fit in a state's 256 KiB output).
 */

/**
 * The nearest-rank percentile of ascending `sorted`: the smallest value such that at least `p` percent of the values are at most
 * it (`sorted[ceil(p/100 * n) - 1]`). NaN for an empty sample.
 */
export function nearestRank(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) {
    return NaN;
  }
  if (!(p > 0 && p <= 100)) {
    throw new Error(`p must be in (0, 100], got ${p}`);
  }
  const rank = Math.ceil(Number(((p / 100) * n).toFixed(9)));
  return sorted[Math.min(Math.max(rank, 1), n) - 1];
}

/** The ratio between consecutive bucket bounds: a percentile read from the histogram is at most 2% above the exact one. */
export const BUCKET_RATIO = 1.02;

/** A histogram of latencies in milliseconds: count per bucket index (sparse, as JSON). */
export type Histogram = Record<string, number>;

/**
 * The bucket of a latency in milliseconds: bucket i holds (RATIO^(i-1), RATIO^i]; bucket 0 holds everything up to 1 ms.
 */
export function bucketOf(ms: number): number {
  if (!(ms > 1)) {
    return 0;
  }
  const i = Math.ceil(Math.log(ms) / Math.log(BUCKET_RATIO) - 1e-12);
  // Guard the floating point at a bound: the value must not be above its bucket's upper bound.
  return Math.pow(BUCKET_RATIO, i) < ms ? i + 1 : i;
}

/** The upper bound of bucket i, in milliseconds. */
export function bucketUpper(i: number): number {
  return Math.pow(BUCKET_RATIO, i);
}

/** Adds one latency to a histogram. */
export function record(h: Histogram, ms: number): void {
  const k = String(bucketOf(ms));
  h[k] = (h[k] ?? 0) + 1;
}

/** The sum of histograms. */
export function merge(histograms: Histogram[]): Histogram {
  const out: Histogram = {};
  for (const h of histograms) {
    for (const [k, n] of Object.entries(h ?? {})) {
      out[k] = (out[k] ?? 0) + n;
    }
  }
  return out;
}

/** The number of latencies in a histogram. */
export function total(h: Histogram): number {
  return Object.values(h).reduce((a, b) => a + b, 0);
}

/**
 * The nearest-rank percentile of the latencies in a histogram, as the upper bound of the bucket that holds it: never below the
 * exact percentile and at most `BUCKET_RATIO` times it (for latencies above 1 ms). NaN for an empty histogram.
 */
export function histogramPercentile(h: Histogram, p: number): number {
  const n = total(h);
  if (n === 0) {
    return NaN;
  }
  if (!(p > 0 && p <= 100)) {
    throw new Error(`p must be in (0, 100], got ${p}`);
  }
  const rank = Math.max(1, Math.ceil(Number(((p / 100) * n).toFixed(9))));
  const keys = Object.keys(h).map(Number).sort((a, b) => a - b);
  let seen = 0;
  for (const k of keys) {
    seen += h[String(k)];
    if (seen >= rank) {
      return bucketUpper(k);
    }
  }
  return bucketUpper(keys[keys.length - 1]);
}
