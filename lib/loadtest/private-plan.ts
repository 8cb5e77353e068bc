/**
 * The plan of a load test from its props: the checks of every prop, and per phase the workers and slices the state machine
 * runs (pure, no constructs defined). What the plan caps (requests per worker item) is what the state machine can send.
 */
import { Duration, Token } from 'aws-cdk-lib';
import { LoadTestPhase, LoadTestStopConditions } from './load-test-options';
import type { EndpointLoadTestProps } from './endpoint-load-test';
import type { ILakeZone } from '../data-lake';
import { checkDuration, checkNumber, checkWholeNumber, describe, InputErrors, isToken } from '../private/validation';

/** The longest slice of a phase one worker invocation sends (the worker's timeout leaves room for a 60 s request). */
export const SLICE_SECONDS = 600;
/** The most phases of a test. */
export const MAX_PHASES = 20;
/** The most workers of a phase: Lambda's default concurrency quota of an account is 1,000. */
export const MAX_WORKERS = 1000;
/** What each phase adds to the run's time besides its duration: describing the endpoint, starting workers, aggregating. */
export const PHASE_OVERHEAD_SECONDS = 60;

export interface PhasePlan {
  readonly name: string;
  readonly requestsPerSecond: number;
  readonly seconds: number;
  readonly workers: number;
  /** Requests per second of each worker. */
  readonly workerRate: number;
  readonly slices: number;
  /** The seconds of the last slice (the others are SLICE_SECONDS). */
  readonly lastSliceSeconds: number;
  /** The most requests the phase can send: the sum of its items' caps. */
  readonly maxRequests: number;
}

export interface LoadTestPlan {
  readonly phases: PhasePlan[];
  readonly totalRequests: number;
  readonly totalSeconds: number;
  readonly maxDurationSeconds: number;
  readonly payloadPrefix: string;
  readonly reportPrefix: string;
  readonly maxErrorRate?: number;
  readonly maxP99LatencyMs?: number;
  readonly requestTimeoutMs: number;
  readonly maxInFlight: number;
}

const NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** The cap of one item: its worker's rate times its seconds, rounded up. */
export function itemCap(workerRate: number, seconds: number): number {
  return Math.ceil(Number((workerRate * seconds).toFixed(9)));
}

function planPhase(p: LoadTestPhase, seconds: number, perWorker: number): PhasePlan {
  const workers = Math.ceil(Number((p.requestsPerSecond / perWorker).toFixed(9)));
  const workerRate = p.requestsPerSecond / workers;
  const slices = Math.ceil(seconds / SLICE_SECONDS);
  const lastSliceSeconds = seconds - (slices - 1) * SLICE_SECONDS;
  const maxRequests = workers * ((slices - 1) * itemCap(workerRate, SLICE_SECONDS) + itemCap(workerRate, lastSliceSeconds));
  return { name: p.name, requestsPerSecond: p.requestsPerSecond, seconds, workers, workerRate, slices, lastSliceSeconds, maxRequests };
}

/** Checks the props (collecting every problem) and returns the plan; throws naming the construct when anything is wrong. */
export function planLoadTest(errors: InputErrors, props: EndpointLoadTestProps): LoadTestPlan {
  const perWorker = props.requestsPerSecondPerWorker ?? 10;
  checkNumber(errors, 'requestsPerSecondPerWorker', props.requestsPerSecondPerWorker, { min: 0, minExclusive: true, max: 100 });
  const maxInFlight = props.maxInFlightPerWorker ?? 50;
  checkWholeNumber(errors, 'maxInFlightPerWorker', props.maxInFlightPerWorker, { min: 1, max: 500 });
  const timeoutSeconds = checkDuration(errors, 'requestTimeout', props.requestTimeout, { unit: 'seconds', min: 1, max: 60,
    allowed: 'from 1 to 60 seconds (a SageMaker real-time endpoint answers within 60 seconds)' }) ?? 60;

  const phases: PhasePlan[] = [];
  if (props.phases.length === 0 || props.phases.length > MAX_PHASES) {
    errors.add('phases', props.phases, `1 to ${MAX_PHASES} phases`);
  }
  const names = new Set<string>();
  props.phases.forEach((p, i) => {
    const at = `phases[${i}]`;
    const before = errors.count;
    if (typeof p?.name !== 'string' || !NAME.test(p.name)) {
      errors.add(`${at}.name`, p?.name, 'letters, digits, - and _, 1 to 64 characters');
    } else if (names.has(p.name)) {
      errors.add(`${at}.name`, p.name, 'a name no other phase has');
    } else {
      names.add(p.name);
    }
    if (isToken(p?.requestsPerSecond) || (p?.duration && p.duration.isUnresolved())) {
      errors.add(at, p, 'a rate and a duration known at synth (the plan of workers and the guards are computed from them)');
      return;
    }
    checkNumber(errors, `${at}.requestsPerSecond`, p?.requestsPerSecond ?? NaN, { min: 0, minExclusive: true,
      max: MAX_WORKERS * perWorker, allowed: `a number > 0 and at most ${MAX_WORKERS * perWorker} (${MAX_WORKERS} workers x requestsPerSecondPerWorker)` });
    const seconds = p?.duration === undefined
      ? (errors.add(`${at}.duration`, p?.duration, 'a Duration of at least 10 seconds'), undefined)
      : checkDuration(errors, `${at}.duration`, p.duration, { unit: 'seconds', min: 10, allowed: 'a whole number of seconds >= 10' });
    if (errors.count === before && seconds !== undefined) {
      phases.push(planPhase(p, seconds, perWorker));
    }
  });

  const totalRequests = phases.reduce((a, p) => a + p.maxRequests, 0);
  const totalSeconds = phases.reduce((a, p) => a + p.seconds, 0);
  const guardsKnown = phases.length === props.phases.length;
  if (!Number.isInteger(props.maxTotalRequests) || props.maxTotalRequests < 1) {
    errors.add('maxTotalRequests', props.maxTotalRequests, 'a whole number >= 1 (the most requests the test may send)');
  } else if (guardsKnown && totalRequests > props.maxTotalRequests) {
    errors.add('maxTotalRequests', props.maxTotalRequests, `at least the ${totalRequests} requests the phases send `
      + `(${phases.map((p) => `${p.name}: ${p.requestsPerSecond}/s x ${p.seconds} s`).join(', ')}); lower a rate or a duration, or raise the maximum`);
  }
  const maxDurationSeconds = checkDuration(errors, 'maxDuration', props.maxDuration, { unit: 'seconds', min: 60, max: 24 * 3600,
    allowed: 'a whole number of seconds from 60 to 86400' });
  const needed = totalSeconds + PHASE_OVERHEAD_SECONDS * phases.length;
  if (maxDurationSeconds !== undefined && guardsKnown && needed > maxDurationSeconds) {
    errors.add('maxDuration', props.maxDuration, `at least ${Duration.seconds(needed).toHumanString()}: the phases' ${totalSeconds} s `
      + `plus ${PHASE_OVERHEAD_SECONDS} s per phase to describe the endpoint, start the workers and aggregate`);
  }

  const stop: LoadTestStopConditions = props.stopConditions ?? {};
  checkNumber(errors, 'stopConditions.maxErrorRate', stop.maxErrorRate, { min: 0, max: 1, allowed: 'a share from 0 to 1' });
  const p99 = checkDuration(errors, 'stopConditions.maxP99Latency', stop.maxP99Latency, { unit: 'seconds', whole: false, min: 0,
    minExclusive: true, max: 60, allowed: 'a duration > 0 and at most 60 seconds (the longest an endpoint may take)' });

  const payloadPrefix = checkLakePrefix(errors, 'payloadPrefix', props.payloadPrefix, props.payloads);
  const reportZone = props.reportZone ?? props.payloads;
  const reportPrefix = checkLakePrefix(errors, 'reportPrefix', props.reportPrefix ?? 'load-test-reports/', reportZone);
  const overlaps = payloadPrefix && reportPrefix && (reportPrefix.startsWith(payloadPrefix) || payloadPrefix.startsWith(reportPrefix));
  if (overlaps && reportZone === props.payloads) {
    errors.add('reportPrefix', props.reportPrefix ?? 'load-test-reports/', `a prefix apart from payloadPrefix '${payloadPrefix}' (reports would be sent as payloads)`);
  }

  return {
    phases, totalRequests, totalSeconds, maxDurationSeconds: maxDurationSeconds ?? 0, payloadPrefix: payloadPrefix ?? '', reportPrefix: reportPrefix ?? '',
    maxErrorRate: stop.maxErrorRate ?? 0.05,
    maxP99LatencyMs: p99 === undefined ? undefined : Math.round(p99 * 1000),
    requestTimeoutMs: Math.round(timeoutSeconds * 1000), maxInFlight,
  };
}

/**
 * A key prefix inside a lake zone, normalised by the zone (ending in `/`); records a problem for a location outside the lake: a
 * URI (`s3://...`, which could name another bucket), a `..` or empty segment, a leading `/`, a wildcard, or the zone's root.
 */
export function checkLakePrefix(errors: InputErrors, prop: string, prefix: unknown, zone: ILakeZone): string | undefined {
  const allowed = `a key prefix inside the ${zone.zoneName} zone such as 'load-test/payloads/' (no URI, no '..', no wildcard, not the whole zone)`;
  if (typeof prefix !== 'string') {
    errors.add(prop, prefix, allowed);
    return undefined;
  }
  if (Token.isUnresolved(prefix)) {
    errors.add(prop, prefix, `${allowed}, known at synth`);
    return undefined;
  }
  if (/^[a-z0-9]+:\/\//i.test(prefix) || prefix.split('/').some((seg) => seg === '..' || seg === '.')) {
    errors.add(prop, prefix, allowed);
    return undefined;
  }
  let normalized: string;
  try {
    normalized = zone.normalizePrefix(prefix);
  } catch (e) {
    errors.add(prop, prefix, `${allowed} (${(e as Error).message})`);
    return undefined;
  }
  if (normalized === '') {
    errors.add(prop, prefix, allowed);
    return undefined;
  }
  return normalized;
}

/** Checks the target variant against the endpoint's variants when they are known. */
export function checkTargetVariant(errors: InputErrors, target: string | undefined, variantNames: string[]): void {
  if (target === undefined || isToken(target)) {
    return;
  }
  const known = variantNames.filter((v) => !Token.isUnresolved(v));
  if (typeof target !== 'string' || target === '') {
    errors.add('targetVariant', target, 'the name of a production variant of the endpoint');
  } else if (known.length > 0 && known.length === variantNames.length && !known.includes(target)) {
    errors.add('targetVariant', target, `a production variant of the endpoint: ${describe(known)}`);
  }
}
