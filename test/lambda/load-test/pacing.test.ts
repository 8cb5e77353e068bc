import { bucketCapacity, pace, PacePlan, TokenBucket } from '../../../lambda/load-test-worker/pacing';
import { seeded, VirtualClock } from './virtual-clock';

/** Runs the pacing loop on a virtual clock; each request takes `latencyMs` of virtual time. Returns the start times. */
async function run(plan: PacePlan, opts: { lateMs?: () => number; latencyMs?: number } = {}) {
  const clock = new VirtualClock(opts.lateMs);
  const starts: number[] = [];
  const result = await clock.run(pace(plan, clock, async () => {
    starts.push(clock.now());
    await clock.sleep(opts.latencyMs ?? 20);
  }));
  return { result, starts, clock };
}

const plan = (p: Partial<PacePlan>): PacePlan => ({ rate: 10, seconds: 60, maxRequests: 1_000_000, maxInFlight: 1000, ...p });

describe('token bucket', () => {
  test('lets the first request go at once, then one per 1/rate seconds', () => {
    const b = new TokenBucket(4, 1, 0);
    expect(b.tryTake(0)).toBe(true);
    expect(b.tryTake(0)).toBe(false);
    expect(b.waitMs(0)).toBeCloseTo(250, 9);
    expect(b.tryTake(249)).toBe(false);
    expect(b.tryTake(250)).toBe(true);
  });

  test('keeps at most its capacity of tokens after a long pause', () => {
    const b = new TokenBucket(100, 10, 0);
    b.tryTake(0);
    let taken = 0;
    while (b.tryTake(60_000)) taken++;
    expect(taken).toBe(10);
  });

  test('fails when the rate is not a finite number > 0 or the capacity is below 1', () => {
    expect(() => new TokenBucket(0, 1, 0)).toThrow(/rate must be a finite number > 0, got 0/);
    expect(() => new TokenBucket(-1, 1, 0)).toThrow(/rate/);
    expect(() => new TokenBucket(Infinity, 1, 0)).toThrow(/rate/);
    expect(() => new TokenBucket(1, 0.5, 0)).toThrow(/capacity must be a finite number >= 1, got 0.5/);
  });

  test('has a capacity of 100 ms of requests, at least 1', () => {
    expect(bucketCapacity(0.5)).toBe(1);
    expect(bucketCapacity(10)).toBe(1);
    expect(bucketCapacity(55)).toBe(6);
  });
});

describe('pacing on a virtual clock', () => {
  test('holds 7.5 requests per second for a minute within one request', async () => {
    const { result } = await run(plan({ rate: 7.5, seconds: 60 }));
    expect(result.started).toBeGreaterThanOrEqual(449);
    expect(result.started).toBeLessThanOrEqual(451);
  });

  test('holds 50 requests per second within 1% when every timer fires up to 20 ms late', async () => {
    const rnd = seeded(7);
    const { result } = await run(plan({ rate: 50, seconds: 60 }), { lateMs: () => 20 * rnd() });
    expect(result.started).toBeGreaterThanOrEqual(2970);
    expect(result.started).toBeLessThanOrEqual(3001);
  });

  test('never starts more than rate + capacity requests in any one-second window', async () => {
    const rnd = seeded(3);
    const { starts } = await run(plan({ rate: 40, seconds: 30 }), { lateMs: () => 50 * rnd() });
    let lo = 0;
    let most = 0;
    for (let hi = 0; hi < starts.length; hi++) {
      while (starts[hi] - starts[lo] >= 1000) lo++;
      most = Math.max(most, hi - lo + 1);
    }
    expect(most).toBeLessThanOrEqual(40 + bucketCapacity(40));
    expect(most).toBeGreaterThanOrEqual(38);
  });

  test('stops at its maximum of requests before the time is up', async () => {
    const { result, clock } = await run(plan({ rate: 10, seconds: 60, maxRequests: 25 }));
    expect(result.started).toBe(25);
    expect(clock.now()).toBeLessThan(3000);
  });

  test('falls to maxInFlight / latency when the requests are slow, and says it was saturated', async () => {
    // 100/s wanted, 5 in flight at 100 ms each: at most 50/s is possible.
    const { result } = await run(plan({ rate: 100, seconds: 20, maxInFlight: 5 }), { latencyMs: 100 });
    expect(result.started / 20).toBeGreaterThanOrEqual(49);
    expect(result.started / 20).toBeLessThanOrEqual(50.5);
    expect(result.saturated).toBeGreaterThan(0);
  });

  test('waits for the requests in flight before it returns', async () => {
    const { result } = await run(plan({ rate: 1, seconds: 1 }), { latencyMs: 5000 });
    expect(result.started).toBe(1);
    expect(result.elapsedMs).toBe(5000);
  });
});
