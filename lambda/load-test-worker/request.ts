/**
 * The event a load-test worker receives (one item of the phase's Distributed Map) and its checks. Pure.
 */
import { LOAD_TEST_INFERENCE_ID_PREFIX } from '../shared/load-test-marker';

export interface WorkerEvent {
  /** The execution's name: one load-test run. */
  readonly runId: string;
  readonly phase: string;
  readonly phaseIndex: number;
  readonly worker: number;
  readonly slice: number;
  readonly endpointName: string;
  /** The production variant to send to (TargetVariant); absent for the endpoint's own routing. */
  readonly targetVariant?: string;
  readonly contentType: string;
  readonly accept?: string;
  readonly samplesBucket: string;
  /** Every object under this prefix is one request body. */
  readonly samplesPrefix: string;
  /** Requests per second this worker holds. */
  readonly rate: number;
  readonly seconds: number;
  readonly maxRequests: number;
  readonly maxInFlight: number;
  /** How long a request may take before the worker abandons it, in milliseconds. */
  readonly requestTimeoutMs: number;
}

/** The problems of an event, empty when it is good. */
export function eventProblems(e: any): string[] {
  const problems: string[] = [];
  const str = (k: string) => {
    if (typeof e?.[k] !== 'string' || e[k] === '') problems.push(`${k} must be a non-empty string, got ${JSON.stringify(e?.[k])}`);
  };
  const num = (k: string, min: number, whole: boolean) => {
    const v = e?.[k];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || (whole && !Number.isInteger(v))) {
      problems.push(`${k} must be ${whole ? 'a whole number' : 'a number'} >= ${min}, got ${JSON.stringify(v)}`);
    }
  };
  ['runId', 'phase', 'endpointName', 'contentType', 'samplesBucket'].forEach(str);
  if (typeof e?.samplesPrefix !== 'string') problems.push(`samplesPrefix must be a string, got ${JSON.stringify(e?.samplesPrefix)}`);
  num('phaseIndex', 0, true);
  num('worker', 0, true);
  num('slice', 0, true);
  num('rate', Number.MIN_VALUE, false);
  num('seconds', 1, false);
  num('maxRequests', 1, true);
  num('maxInFlight', 1, true);
  num('requestTimeoutMs', 1, true);
  if (e?.targetVariant !== undefined && e?.targetVariant !== null) str('targetVariant');
  return problems;
}

/**
 * The InferenceId of request `i`: the load-test prefix, a digest of the run id (execution names may be 80 characters), the
 * phase, worker, slice and sequence number. InferenceId allows at most 64 characters.
 */
export function inferenceId(runDigest: string, e: WorkerEvent, i: number): string {
  return `${LOAD_TEST_INFERENCE_ID_PREFIX}${runDigest}-${e.phaseIndex}-${e.worker}-${e.slice}-${i}`.slice(0, 64);
}
