import { Clock } from '../../../lambda/load-test-worker/pacing';

/**
 * A virtual clock: `sleep` registers a timer, and `run` advances time to the next timer whenever every promise that can make
 * progress has settled. `lateMs` says how late each timer fires (a real timer in Lambda fires late by a few milliseconds).
 */
export class VirtualClock implements Clock {
  private t = 0;
  private timers: { at: number; seq: number; resolve: () => void }[] = [];
  private seq = 0;

  constructor(private readonly lateMs: () => number = () => 0) {}

  public now(): number {
    return this.t;
  }

  public sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.timers.push({ at: this.t + Math.max(0, ms) + this.lateMs(), seq: this.seq++, resolve }));
  }

  /** Runs `work` to its end on virtual time. */
  public async run<T>(work: Promise<T>): Promise<T> {
    let done = false;
    let value: T | undefined;
    let failure: unknown;
    work.then((v) => { done = true; value = v; }, (e) => { done = true; failure = e; });
    while (true) {
      await new Promise((r) => setImmediate(r));
      if (done) break;
      if (this.timers.length === 0) {
        throw new Error('the work waits on something other than the clock');
      }
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers.shift()!;
      this.t = Math.max(this.t, next.at);
      next.resolve();
    }
    if (failure !== undefined) throw failure;
    return value as T;
  }
}

/** A seeded uniform generator (mulberry32), so that late timers are the same on every run. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
