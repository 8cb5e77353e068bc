/**
 * The drift handler's input event and its resolution into a window and S3 locations. Pure.
 */
import { hourPrefixes } from '../shared/capture';
import { stamp } from '../shared/time';
import { DriftPolicy, ResolvedPolicy, resolvePolicy } from './decide';
import { PredictionSpec, predictionProblems } from './prediction';

export interface DriftEvent {
  readonly endpointName: string;
  /** @default - every variant found under <capturePrefix>/<endpointName>/ */
  readonly variantName?: string;
  readonly captureBucket: string;
  /** The data capture destination prefix (without the endpoint name). */
  readonly capturePrefix: string;
  readonly baselineBucket: string;
  /** Key of the baseline profile JSON (formatVersion 1). */
  readonly baselineKey: string;
  /** ISO time the window ends (exclusive). @default - from scheduledTime, see resolveDriftEvent */
  readonly windowEnd?: string;
  /**
   * The schedule's own time of this run (EventBridge Scheduler's <aws.scheduler.scheduled-time>, the same on every
   * retry of the run). @default - the Lambda clock
   */
  readonly scheduledTime?: string;
  /** Minutes a window is left to settle (late capture files) before it is computed. @default 5 */
  readonly settlingMinutes?: number;
  /** @default 60 */
  readonly windowMinutes?: number;
  /** Names of the profile features to check. @default - every feature of the profile */
  readonly features?: string[];
  /** The decision policy (decide.ts). @default - DEFAULT_POLICY */
  readonly policy?: DriftPolicy;
  readonly reportBucket: string;
  /** @default 'drift-reports' */
  readonly reportPrefix?: string;
  /** @default 'cdk-mlops/Drift' */
  readonly metricNamespace?: string;
  /** Publish per-feature metrics (false beyond the monitor's budget). @default true */
  readonly perFeatureMetrics?: boolean;
  /** The profile feature read from the captured output: prediction drift. @default - none */
  readonly prediction?: PredictionSpec;
  /**
   * Compare each variant with the profile of the model it serves (`<model data folder>/<profileName>`), the baseline
   * above being the fallback (model-baseline.ts). @default - the baseline above for every variant
   */
  readonly modelBaseline?: { readonly profileName?: string };
}

export interface DriftRequest {
  readonly endpointName: string;
  readonly variantName?: string;
  readonly captureBucket: string;
  readonly capturePrefix: string;
  readonly baselineBucket: string;
  readonly baselineKey: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly features?: string[];
  readonly policy: ResolvedPolicy;
  readonly reportBucket: string;
  readonly reportPrefix: string;
  readonly metricNamespace: string;
  readonly perFeatureMetrics: boolean;
  readonly prediction?: PredictionSpec;
  readonly modelBaseline?: { readonly profileName?: string };
}

/** Minutes a window settles before it is computed, unless the event says otherwise. */
export const DEFAULT_SETTLING_MINUTES = 5;

/** Capture files are named by the hour their first record arrived; a file may spill over into the next hour. */
export const CAPTURE_LOOKBACK_MS = 3600_000;

export function resolveDriftEvent(event: DriftEvent, nowMs: number): DriftRequest {
  const problems: string[] = [];
  for (const k of ['endpointName', 'captureBucket', 'baselineBucket', 'baselineKey', 'reportBucket'] as const) {
    if (typeof event?.[k] !== 'string' || event[k] === '') problems.push(`${k} is required`);
  }
  if (typeof event?.capturePrefix !== 'string') problems.push('capturePrefix is required');
  const minutes = event?.windowMinutes ?? 60;
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 7 * 24 * 60) problems.push(`windowMinutes must be an integer in [1, 10080], got ${minutes}`);
  const step = minutes * 60_000;
  const settling = event?.settlingMinutes ?? DEFAULT_SETTLING_MINUTES;
  if (typeof settling !== 'number' || !Number.isInteger(settling) || settling < 0 || settling > minutes) {
    problems.push(`settlingMinutes must be an integer in [0, windowMinutes], got ${settling}`);
  }
  let clock = nowMs;
  if (event?.scheduledTime !== undefined) {
    clock = Date.parse(event.scheduledTime);
    if (Number.isNaN(clock)) problems.push(`scheduledTime must be an ISO date, got '${event.scheduledTime}'`);
  }
  // The last whole window that ended at least `settling` minutes before the run's own time: a retried or late
  // invocation of the same scheduled run computes the same window.
  let endMs = Math.floor((clock - (Number.isInteger(settling) ? settling : 0) * 60_000) / step) * step;
  if (event?.windowEnd !== undefined) {
    endMs = Date.parse(event.windowEnd);
    if (Number.isNaN(endMs)) problems.push(`windowEnd must be an ISO date, got '${event.windowEnd}'`);
  }
  if (event?.features !== undefined && (!Array.isArray(event.features) || event.features.length === 0)) {
    problems.push('features, when given, must be a non-empty list of names');
  }
  problems.push(...predictionProblems(event?.prediction));
  if (event?.prediction?.name && Array.isArray(event?.features) && !event.features.includes(event.prediction.name)) {
    problems.push(`prediction.name '${event.prediction.name}' must be one of the features`);
  }
  const mb = event?.modelBaseline;
  if (mb !== undefined && (mb === null || typeof mb !== 'object'
    || (mb.profileName !== undefined && !(typeof mb.profileName === 'string' && /^[^/]+$/.test(mb.profileName))))) {
    problems.push('modelBaseline must be { profileName?: a file name without / }');
  }
  let policy: ResolvedPolicy | undefined;
  try {
    policy = resolvePolicy(event?.policy, Array.isArray(event?.features) ? event.features : undefined);
  } catch (e) {
    problems.push((e as Error).message);
  }
  if (problems.length > 0 || !policy) {
    throw new Error(`invalid drift event: ${problems.join('; ')}`);
  }
  return {
    endpointName: event.endpointName,
    variantName: event.variantName,
    captureBucket: event.captureBucket,
    capturePrefix: event.capturePrefix.replace(/\/+$/, ''),
    baselineBucket: event.baselineBucket,
    baselineKey: event.baselineKey,
    startMs: endMs - step,
    endMs,
    features: event.features,
    policy,
    reportBucket: event.reportBucket,
    reportPrefix: (event.reportPrefix ?? 'drift-reports').replace(/\/+$/, ''),
    metricNamespace: event.metricNamespace ?? 'cdk-mlops/Drift',
    perFeatureMetrics: event.perFeatureMetrics !== false,
    ...(event.prediction ? { prediction: event.prediction } : {}),
    ...(event.modelBaseline ? { modelBaseline: event.modelBaseline } : {}),
  };
}

/** <capturePrefix>/<endpoint>/ (or just <endpoint>/ for an empty prefix). */
export function endpointPrefix(r: Pick<DriftRequest, 'capturePrefix' | 'endpointName'>): string {
  return `${r.capturePrefix ? r.capturePrefix + '/' : ''}${r.endpointName}/`;
}

/** The hour folders to list for a variant: every hour overlapping [start - lookback, end). */
export function captureHourPrefixes(r: DriftRequest, variant: string): string[] {
  return hourPrefixes(r.startMs - CAPTURE_LOOKBACK_MS, r.endMs).map((h) => `${endpointPrefix(r)}${variant}/${h}/`);
}

/** The report key of a window: the same window always writes the same key (re-runs overwrite, never duplicate). */
export function reportKey(r: DriftRequest, variant: string): string {
  return `${r.reportPrefix}/${r.endpointName}/${variant}/${stamp(r.startMs)}-${stamp(r.endMs)}.json`;
}
