/**
 * The model-quality handler's input event, checked and resolved into a window, S3 locations and an output
 * mapping. Pure.
 */
import { normaliseLabel } from './labels';
import { OUTPUT_PRESETS, OutputMapping, OutputPresetName } from './output';
import { ProblemType } from './quality';

export interface ModelQualityEvent {
  readonly endpointName: string;
  /** @default - every variant found under <capturePrefix>/<endpointName>/ */
  readonly variantName?: string;
  readonly captureBucket: string;
  /** The data capture destination prefix (without the endpoint name). */
  readonly capturePrefix: string;
  readonly groundTruthBucket: string;
  /** Ground-truth files live under <groundTruthPrefix>/yyyy/mm/dd/hh/ (UTC hour they were written). */
  readonly groundTruthPrefix: string;
  readonly problemType: ProblemType;
  /** A preset for the model's output. Give this or `output`, not both. @default 'plain-score' */
  readonly outputPreset?: OutputPresetName;
  /** Where the prediction is in the model's output. @default - the preset */
  readonly output?: OutputMapping;
  /** @default '1' */
  readonly positiveLabel?: string;
  /** @default 0.5 */
  readonly threshold?: number;
  /** @default - now, rounded down to a multiple of windowMinutes */
  readonly windowEnd?: string;
  /** @default 1440 (daily) */
  readonly windowMinutes?: number;
  /** How far back before the window captures are searched for the labelled inferences. @default 48 */
  readonly captureLookbackHours?: number;
  /** Labels held in memory at once; more labels are joined in further passes over the captures. @default 250000 */
  readonly labelBatchSize?: number;
  /** Labels read per run at most; more are counted and skipped. @default 2000000 */
  readonly maxLabels?: number;
  readonly reportBucket: string;
  /** @default 'model-quality-reports' */
  readonly reportPrefix?: string;
  /** @default 'cdk-mlops/ModelQuality' */
  readonly metricNamespace?: string;
}

export interface QualityRequest {
  readonly endpointName: string;
  readonly variantName?: string;
  readonly captureBucket: string;
  readonly capturePrefix: string;
  readonly groundTruthBucket: string;
  readonly groundTruthPrefix: string;
  readonly problemType: ProblemType;
  readonly output: OutputMapping;
  readonly positiveLabel: string;
  readonly threshold: number;
  readonly startMs: number;
  readonly endMs: number;
  readonly lookbackHours: number;
  readonly labelBatchSize: number;
  readonly maxLabels: number;
  readonly reportBucket: string;
  readonly reportPrefix: string;
  readonly metricNamespace: string;
}

const PROBLEM_TYPES: readonly ProblemType[] = ['binary-classification', 'multiclass-classification', 'regression'];
/** 90 days: labels of churn or fraud arrive weeks after the inference. */
export const MAX_LOOKBACK_HOURS = 90 * 24;

function wholeNumber(v: unknown, min: number, max: number): boolean {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
}

function checkMapping(m: OutputMapping, problems: string[]): void {
  for (const k of ['scoreColumn', 'labelColumn', 'probabilityIndex'] as const) {
    if (m[k] !== undefined && !wholeNumber(m[k], 0, 10_000)) problems.push(`output.${k} must be a whole number >= 0, got ${m[k]}`);
  }
  for (const k of ['scorePaths', 'labelPaths'] as const) {
    const v = m[k];
    if (v !== undefined && (!Array.isArray(v) || v.some((p) => typeof p !== 'string'))) problems.push(`output.${k} must be a list of JSON paths`);
  }
  const any = m.scorePaths?.length || m.labelPaths?.length || m.scoreColumn !== undefined || m.labelColumn !== undefined;
  if (!any) problems.push('output must name at least one of scorePaths, scoreColumn, labelPaths, labelColumn');
}

/** Checks an event and resolves it; throws with every problem at once. */
export function resolveQualityEvent(event: ModelQualityEvent, nowMs: number): QualityRequest {
  const problems: string[] = [];
  for (const k of ['endpointName', 'captureBucket', 'groundTruthBucket', 'groundTruthPrefix', 'reportBucket'] as const) {
    if (typeof event?.[k] !== 'string' || event[k].replace(/\/+$/, '') === '') problems.push(`${k} is required`);
  }
  if (typeof event?.capturePrefix !== 'string') problems.push('capturePrefix is required');
  if (!PROBLEM_TYPES.includes(event?.problemType)) {
    problems.push(`problemType must be one of ${PROBLEM_TYPES.join(', ')}, got '${String(event?.problemType)}'`);
  }
  if (event?.outputPreset !== undefined && event?.output !== undefined) problems.push('give outputPreset or output, not both');
  if (event?.outputPreset !== undefined && !(event.outputPreset in OUTPUT_PRESETS)) {
    problems.push(`outputPreset must be one of ${Object.keys(OUTPUT_PRESETS).join(', ')}, got '${event.outputPreset}'`);
  }
  if (event?.output !== undefined) checkMapping(event.output, problems);
  if (event?.positiveLabel !== undefined && normaliseLabel(event.positiveLabel) === undefined) {
    problems.push(`positiveLabel must be a non-empty label, got '${event.positiveLabel}'`);
  }
  const threshold = event?.threshold ?? 0.5;
  if (typeof threshold !== 'number' || !Number.isFinite(threshold)) problems.push(`threshold must be a number, got ${threshold}`);
  const minutes = event?.windowMinutes ?? 1440;
  if (!wholeNumber(minutes, 1, 7 * 1440)) problems.push(`windowMinutes must be an integer in [1, 10080], got ${minutes}`);
  const lookbackHours = event?.captureLookbackHours ?? 48;
  if (!wholeNumber(lookbackHours, 0, MAX_LOOKBACK_HOURS)) problems.push(`captureLookbackHours must be an integer in [0, ${MAX_LOOKBACK_HOURS}], got ${lookbackHours}`);
  const labelBatchSize = event?.labelBatchSize ?? 250_000;
  if (!wholeNumber(labelBatchSize, 1, 5_000_000)) problems.push(`labelBatchSize must be an integer in [1, 5000000], got ${labelBatchSize}`);
  const maxLabels = event?.maxLabels ?? 2_000_000;
  if (!wholeNumber(maxLabels, 1, 50_000_000)) problems.push(`maxLabels must be an integer in [1, 50000000], got ${maxLabels}`);
  const step = minutes * 60_000;
  let endMs = Math.floor(nowMs / step) * step;
  if (event?.windowEnd !== undefined) {
    endMs = Date.parse(event.windowEnd);
    if (Number.isNaN(endMs)) problems.push(`windowEnd must be an ISO date, got '${event.windowEnd}'`);
  }
  if (problems.length > 0) throw new Error(`invalid model-quality event: ${problems.join('; ')}`);
  return {
    endpointName: event.endpointName,
    variantName: event.variantName,
    captureBucket: event.captureBucket,
    capturePrefix: event.capturePrefix.replace(/\/+$/, ''),
    groundTruthBucket: event.groundTruthBucket,
    groundTruthPrefix: event.groundTruthPrefix.replace(/\/+$/, ''),
    problemType: event.problemType,
    output: event.output ?? OUTPUT_PRESETS[event.outputPreset ?? 'plain-score'],
    positiveLabel: event.positiveLabel ?? '1',
    threshold,
    startMs: endMs - step,
    endMs,
    lookbackHours,
    labelBatchSize,
    maxLabels,
    reportBucket: event.reportBucket,
    reportPrefix: (event.reportPrefix ?? 'model-quality-reports').replace(/\/+$/, ''),
    metricNamespace: event.metricNamespace ?? 'cdk-mlops/ModelQuality',
  };
}
