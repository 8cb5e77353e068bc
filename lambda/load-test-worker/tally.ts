/**
 * What a load-test worker counts while it sends: successes and errors (by kind), a latency histogram of the successful
 * requests, and requests started and failed per minute (for the offered-load metric). Pure: no AWS.
 */
import { Histogram, record } from '../shared/latency';

/** The result a worker returns to the state machine (compact: a Map's results must fit a state's 256 KiB). */
export interface WorkerResult {
  readonly worker: number;
  readonly slice: number;
  /** Requests started. */
  readonly requests: number;
  readonly errors: number;
  /** Errors by kind: `ModelError`, `ThrottlingException`, `ValidationError`, `ServiceUnavailable`, ... or `Timeout`. */
  readonly errorKinds: Record<string, number>;
  /** Latencies of the successful requests, in milliseconds (log buckets, see shared/latency.ts). */
  readonly histogram: Histogram;
  /** Requests started per minute, by the minute's epoch second. */
  readonly perMinute: Record<string, number>;
  /** Requests that failed per minute, by the minute's epoch second. */
  readonly errorsPerMinute: Record<string, number>;
  /** Times every in-flight slot was taken when a request was due: the worker, not the endpoint, limited the rate. */
  readonly saturated: number;
  readonly elapsedMs: number;
}

export class Tally {
  private requests = 0;
  private errors = 0;
  private readonly errorKinds: Record<string, number> = {};
  private readonly histogram: Histogram = {};
  private readonly perMinute: Record<string, number> = {};
  private readonly errorsPerMinute: Record<string, number> = {};

  /** A request started at `startMs` (epoch milliseconds). */
  public started(startMs: number): void {
    this.requests++;
    bump(this.perMinute, minuteOf(startMs));
  }

  /** A request that started at `startMs` succeeded after `latencyMs`. */
  public succeeded(latencyMs: number): void {
    record(this.histogram, latencyMs);
  }

  /** A request that started at `startMs` failed with an error of `kind`. */
  public failed(startMs: number, kind: string): void {
    this.errors++;
    bump(this.errorKinds, kind);
    bump(this.errorsPerMinute, minuteOf(startMs));
  }

  public result(worker: number, slice: number, saturated: number, elapsedMs: number): WorkerResult {
    return {
      worker, slice, requests: this.requests, errors: this.errors, errorKinds: { ...this.errorKinds }, histogram: { ...this.histogram },
      perMinute: { ...this.perMinute }, errorsPerMinute: { ...this.errorsPerMinute }, saturated, elapsedMs,
    };
  }
}

/** The epoch second of the minute that holds `ms`, as a key. */
export function minuteOf(ms: number): string {
  return String(Math.floor(ms / 60_000) * 60);
}

function bump(m: Record<string, number>, k: string): void {
  m[k] = (m[k] ?? 0) + 1;
}

/**
 * The kind of an InvokeEndpoint error, by the SDK error's name (the API reference's errors: InternalFailure, ModelError,
 * ModelNotReadyException, ServiceUnavailable, ValidationError, InternalDependencyException; throttling comes as
 * ThrottlingException), `Timeout` for a request the worker abandoned, `Other` otherwise.
 */
export function errorKind(e: unknown): string {
  const name = (e as { name?: unknown })?.name;
  if (typeof name === 'string' && /^[A-Za-z]{1,64}$/.test(name) && name !== 'Error') {
    return name === 'TimeoutError' || name === 'AbortError' ? 'Timeout' : name;
  }
  return 'Other';
}
