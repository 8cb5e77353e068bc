/**
 * Load-test worker: one item of a phase's Distributed Map. Reads the request bodies under the samples prefix, then sends
 * them round-robin to the endpoint (InvokeEndpoint, optionally to one variant) at its share of the phase's rate for its
 * slice of the phase, marking every request with a load-test InferenceId, and returns what it counted. An InvokeEndpoint
 * error is counted, never thrown: the worker fails only when it cannot run at all (bad event, no samples).
 */
import { createHash } from 'crypto';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { InvokeEndpointCommand, SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { listKeys, s3 } from '../shared/io';
import { log } from '../shared/log';
import { Clock, pace } from './pacing';
import { eventProblems, inferenceId, WorkerEvent } from './request';
import { errorKind, Tally, WorkerResult } from './tally';

export type { WorkerEvent } from './request';
export type { WorkerResult } from './tally';

/** The most request bodies a worker holds in memory. */
export const MAX_SAMPLES = 200;

const runtime = new SageMakerRuntimeClient({});

const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
};

/** Reads up to MAX_SAMPLES request bodies under the prefix, spread over the keys by the worker's index. */
export async function readSamples(bucket: string, prefix: string, worker: number): Promise<Uint8Array[]> {
  const keys = await listKeys(bucket, prefix);
  if (keys.length === 0) {
    throw new Error(`no request bodies under s3://${bucket}/${prefix}`);
  }
  const start = (worker * MAX_SAMPLES) % keys.length;
  const chosen = Array.from({ length: Math.min(MAX_SAMPLES, keys.length) }, (_v, i) => keys[(start + i) % keys.length]);
  const out: Uint8Array[] = [];
  for (const key of chosen) {
    const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    out.push(await res.Body!.transformToByteArray());
  }
  return out;
}

/** Sends the event's share of the phase with `invoke` on `clock`; counts every request. */
export async function drive(e: WorkerEvent, bodies: Uint8Array[], clock: Clock,
  invoke: (body: Uint8Array, id: string, signal: AbortSignal) => Promise<void>): Promise<WorkerResult> {
  const tally = new Tally();
  const digest = createHash('sha256').update(e.runId).digest('hex').slice(0, 12);
  const result = await pace({ rate: e.rate, seconds: e.seconds, maxRequests: e.maxRequests, maxInFlight: e.maxInFlight }, clock, async (i) => {
    const startMs = clock.now();
    tally.started(startMs);
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), e.requestTimeoutMs);
    try {
      await invoke(bodies[i % bodies.length], inferenceId(digest, e, i), abort.signal);
      tally.succeeded(clock.now() - startMs);
    } catch (err) {
      tally.failed(startMs, abort.signal.aborted ? 'Timeout' : errorKind(err));
    } finally {
      clearTimeout(timer);
    }
  });
  return tally.result(e.worker, e.slice, result.saturated, result.elapsedMs);
}

export async function handler(event: WorkerEvent): Promise<WorkerResult> {
  const problems = eventProblems(event);
  if (problems.length > 0) {
    throw new Error(`bad load-test worker event: ${problems.join('; ')}`);
  }
  const bodies = await readSamples(event.samplesBucket, event.samplesPrefix, event.worker);
  const result = await drive(event, bodies, realClock, async (body, id, signal) => {
    await runtime.send(new InvokeEndpointCommand({
      EndpointName: event.endpointName,
      TargetVariant: event.targetVariant ?? undefined,
      ContentType: event.contentType,
      Accept: event.accept ?? undefined,
      InferenceId: id,
      Body: body,
    }), { abortSignal: signal });
  });
  log('INFO', 'load-test worker done', {
    runId: event.runId, phase: event.phase, worker: event.worker, slice: event.slice, samples: bodies.length,
    requests: result.requests, errors: result.errors, errorKinds: result.errorKinds, saturated: result.saturated,
  });
  return result;
}
