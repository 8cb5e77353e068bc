import { BUCKET_RATIO, bucketOf, bucketUpper, histogramPercentile, Histogram, merge, nearestRank, record, total } from '../../../lambda/shared/latency';
import { seeded } from './virtual-clock';

describe('nearest-rank percentiles', () => {
  test('are the textbook values of a five-value sample', () => {
    // https://en.wikipedia.org/wiki/Percentile#The_nearest-rank_method
    const s = [15, 20, 35, 40, 50];
    expect(nearestRank(s, 5)).toBe(15);
    expect(nearestRank(s, 30)).toBe(20);
    expect(nearestRank(s, 40)).toBe(20);
    expect(nearestRank(s, 50)).toBe(35);
    expect(nearestRank(s, 100)).toBe(50);
  });

  test('are p50 = 50, p90 = 90 and p99 = 99 of 1..100, and p99 = 990 of 1..1000', () => {
    const a = Array.from({ length: 100 }, (_v, i) => i + 1);
    expect([nearestRank(a, 50), nearestRank(a, 90), nearestRank(a, 99)]).toEqual([50, 90, 99]);
    const b = Array.from({ length: 1000 }, (_v, i) => i + 1);
    expect([nearestRank(b, 50), nearestRank(b, 90), nearestRank(b, 99), nearestRank(b, 99.9)]).toEqual([500, 900, 990, 999]);
  });

  test('are NaN for an empty sample and fail for p outside (0, 100]', () => {
    expect(nearestRank([], 50)).toBeNaN();
    expect(() => nearestRank([1], 0)).toThrow(/p must be in \(0, 100\], got 0/);
    expect(() => nearestRank([1], 101)).toThrow(/got 101/);
  });
});

describe('latency histogram', () => {
  test('puts a latency in the bucket whose bounds hold it', () => {
    for (const ms of [1.5, 2, 10, 99.9, 100, 1234.5, 59_999]) {
      const i = bucketOf(ms);
      expect(bucketUpper(i)).toBeGreaterThanOrEqual(ms);
      expect(bucketUpper(i - 1)).toBeLessThan(ms);
    }
    expect(bucketOf(0.3)).toBe(0);
    expect(bucketOf(1)).toBe(0);
  });

  test('reads percentiles never below the exact ones and at most 2% above them', () => {
    const rnd = seeded(11);
    // Log-normal latencies around 40 ms with a long tail.
    const normal = () => Math.sqrt(-2 * Math.log(rnd() || 1e-12)) * Math.cos(2 * Math.PI * rnd());
    const sample = Array.from({ length: 20_000 }, () => Math.exp(Math.log(40) + 0.6 * normal()));
    const h: Histogram = {};
    sample.forEach((ms) => record(h, ms));
    const sorted = [...sample].sort((a, b) => a - b);
    for (const p of [50, 90, 99]) {
      const exact = nearestRank(sorted, p);
      const read = histogramPercentile(h, p);
      expect(read).toBeGreaterThanOrEqual(exact);
      expect(read).toBeLessThanOrEqual(exact * BUCKET_RATIO);
    }
  });

  test('merges the histograms of several workers into their sum', () => {
    const a: Histogram = {};
    const b: Histogram = {};
    [10, 20, 30].forEach((ms) => record(a, ms));
    [20, 500].forEach((ms) => record(b, ms));
    const m = merge([a, b]);
    expect(total(m)).toBe(5);
    expect(m[String(bucketOf(20))]).toBe(2);
    expect(histogramPercentile(m, 100)).toBe(bucketUpper(bucketOf(500)));
    expect(histogramPercentile({}, 50)).toBeNaN();
  });
});
