/**
 * The drift handler's input event and its resolution into a window and S3 locations. Pure.
 */
import { hourPrefixes } from '../shared/capture';
import { stamp } from '../shared/time';
import { DriftThresholds, resolveThresholds } from './window';

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
  /** ISO time the window ends (exclusive). @default - now, rounded down to a multiple of windowMinutes */
  readonly windowEnd?: string;
  /** @default 60 */
  readonly windowMinutes?: number;
  /** Names of the profile features to check. @default - every feature of the profile */
  readonly features?: string[];
  readonly thresholds?: DriftThresholds;
  readonly reportBucket: string;
  /** @default 'drift-reports' */
  readonly reportPrefix?: string;
  /** @default 'cdk-mlops/Drift' */
  readonly metricNamespace?: string;
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
  readonly thresholds: Required<DriftThresholds>;
  readonly reportBucket: string;
  readonly reportPrefix: string;
  readonly metricNamespace: string;
}

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
  let endMs = Math.floor(nowMs / step) * step;
  if (event?.windowEnd !== undefined) {
    endMs = Date.parse(event.windowEnd);
    if (Number.isNaN(endMs)) problems.push(`windowEnd must be an ISO date, got '${event.windowEnd}'`);
  }
  if (event?.features !== undefined && (!Array.isArray(event.features) || event.features.length === 0)) {
    problems.push('features, when given, must be a non-empty list of names');
  }
  let thresholds: Required<DriftThresholds> | undefined;
  try {
    thresholds = resolveThresholds(event?.thresholds);
  } catch (e) {
    problems.push((e as Error).message);
  }
  if (problems.length > 0 || !thresholds) {
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
    thresholds,
    reportBucket: event.reportBucket,
    reportPrefix: (event.reportPrefix ?? 'drift-reports').replace(/\/+$/, ''),
    metricNamespace: event.metricNamespace ?? 'cdk-mlops/Drift',
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
