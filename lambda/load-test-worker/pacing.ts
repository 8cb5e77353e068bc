/**
 * Pacing of a load-test worker: a token bucket that holds a target rate of requests, and the loop that sends at that rate on
 * any clock. Pure: no AWS, no timers of its own (the clock is given), so the achieved rate is tested on a virtual clock.
 */

/**
 * A token bucket (https://en.wikipedia.org/wiki/Token_bucket): tokens accrue at `rate` per second up to `capacity`, and a
 * request may start when it can take one. The bucket, not the sleeps, decides when requests start: a timer that fires late
 * leaves its tokens in the bucket, so the next requests catch up and the rate holds over any window longer than
 * `capacity / rate` seconds.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  /**
   * @param rate tokens per second (> 0)
   * @param capacity the most tokens kept (>= 1): the largest burst after a late timer
   * @param now the clock in milliseconds; the bucket starts with one token, so the first request goes at once
   */
  constructor(public readonly rate: number, public readonly capacity: number, now: number) {
    if (!(rate > 0) || !Number.isFinite(rate)) {
      throw new Error(`rate must be a finite number > 0, got ${rate}`);
    }
    if (!(capacity >= 1) || !Number.isFinite(capacity)) {
      throw new Error(`capacity must be a finite number >= 1, got ${capacity}`);
    }
    this.tokens = 1;
    this.last = now;
  }

  /** Takes one token if there is one at `now`; returns whether it did. */
  public tryTake(now: number): boolean {
    this.refill(now);
    if (this.tokens >= 1 - EPSILON) {
      this.tokens = Math.max(0, this.tokens - 1);
      return true;
    }
    return false;
  }

  /** Milliseconds from `now` until a token is there (0 when one is). */
  public waitMs(now: number): number {
    this.refill(now);
    return this.tokens >= 1 - EPSILON ? 0 : ((1 - this.tokens) / this.rate) * 1000;
  }

  private refill(now: number): void {
    if (now > this.last) {
      this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) / 1000) * this.rate);
      this.last = now;
    }
  }
}

/** Rounding slack on a token: a sleep of exactly `waitMs` must find the token there despite floating-point error. */
const EPSILON = 1e-9;

/** The capacity the worker gives its bucket: 100 ms of requests, at least 1. */
export function bucketCapacity(rate: number): number {
  return Math.max(1, Math.ceil(rate / 10));
}

/** The time the pacing loop runs on: real time in the handler, virtual time in tests. */
export interface Clock {
  /** Milliseconds. */
  now(): number;
  /** Resolves after about `ms` milliseconds (a real timer may fire late). */
  sleep(ms: number): Promise<void>;
}

/** What one worker is to send. */
export interface PacePlan {
  /** Requests per second to hold. */
  readonly rate: number;
  /** How long to send, in seconds. */
  readonly seconds: number;
  /** The most requests to send (the worker's share of the test's maximum). */
  readonly maxRequests: number;
  /** The most requests in flight at once; when they are all slow the achieved rate falls below the target. */
  readonly maxInFlight: number;
}

/** What the loop did. */
export interface PaceResult {
  /** Requests started. */
  readonly started: number;
  /** Times a token was there but every in-flight slot was taken (the worker, not the endpoint, limited the rate). */
  readonly saturated: number;
  /** Milliseconds from the first start to the end of the last request. */
  readonly elapsedMs: number;
}

/**
 * Sends `send(i)` at `plan.rate` per second for `plan.seconds`, at most `plan.maxRequests` times and at most `plan.maxInFlight`
 * at once, and waits for the requests in flight. `send` never rejects (it records its own errors).
 */
export async function pace(plan: PacePlan, clock: Clock, send: (i: number) => Promise<void>): Promise<PaceResult> {
  const start = clock.now();
  const end = start + plan.seconds * 1000;
  const bucket = new TokenBucket(plan.rate, bucketCapacity(plan.rate), start);
  const inFlight = new Set<Promise<void>>();
  let started = 0;
  let saturated = 0;
  while (started < plan.maxRequests) {
    const now = clock.now();
    if (now >= end) {
      break;
    }
    const wait = bucket.waitMs(now);
    if (wait > 0) {
      await clock.sleep(Math.min(wait, end - now));
      continue;
    }
    if (inFlight.size >= plan.maxInFlight) {
      saturated++;
      await Promise.race(inFlight);
      continue;
    }
    bucket.tryTake(now);
    const p: Promise<void> = send(started).finally(() => inFlight.delete(p));
    inFlight.add(p);
    started++;
  }
  await Promise.all(inFlight);
  return { started, saturated, elapsedMs: clock.now() - start };
}
