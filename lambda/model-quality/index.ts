/**
 * Model-quality handler: reads the ground-truth files that landed in a window, joins them by inference id with
 * the predictions captured over the lookback period, publishes the quality metrics per variant and writes a
 * JSON report. Idempotent: the window names the report key and the metric timestamps.
 */
import { hourPrefixes } from '../shared/capture';
import { listChildPrefixes, listKeys, objectLines, putJson, putMetrics } from '../shared/io';
import { log } from '../shared/log';
import { Datum } from '../shared/datums';
import { capturedPrediction, LabelStore, OutputOptions, PairCollector, ProblemType, parseGroundTruthLine, QualityMetrics } from './quality';
import { stamp } from '../shared/time';

export interface ModelQualityEvent extends OutputOptions {
  readonly endpointName: string;
  /** @default - every variant found under <capturePrefix>/<endpointName>/ */
  readonly variantName?: string;
  readonly captureBucket: string;
  readonly capturePrefix: string;
  readonly groundTruthBucket: string;
  /** Ground-truth files live under <groundTruthPrefix>/yyyy/mm/dd/hh/. */
  readonly groundTruthPrefix: string;
  readonly problemType: ProblemType;
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
  /** @default 1000000 */
  readonly maxLabels?: number;
  readonly reportBucket: string;
  /** @default 'model-quality-reports' */
  readonly reportPrefix?: string;
  /** @default 'cdk-mlops/ModelQuality' */
  readonly metricNamespace?: string;
}

export interface ModelQualityResult {
  readonly windowStart: string;
  readonly windowEnd: string;
  readonly labels: number;
  readonly variants: Array<{ variantName: string; pairs: number; reportKey: string; metrics: QualityMetrics }>;
  readonly unmatchedLabels: number;
}

export function resolveWindow(event: ModelQualityEvent, nowMs: number): { startMs: number; endMs: number } {
  const problems: string[] = [];
  for (const k of ['endpointName', 'captureBucket', 'groundTruthBucket', 'reportBucket'] as const) {
    if (typeof event?.[k] !== 'string' || event[k] === '') problems.push(`${k} is required`);
  }
  if (event?.problemType !== 'binary-classification' && event?.problemType !== 'regression') {
    problems.push(`problemType must be 'binary-classification' or 'regression', got '${String(event?.problemType)}'`);
  }
  const minutes = event?.windowMinutes ?? 1440;
  if (!Number.isInteger(minutes) || minutes < 1) problems.push(`windowMinutes must be an integer >= 1, got ${minutes}`);
  const step = minutes * 60_000;
  const endMs = event?.windowEnd !== undefined ? Date.parse(event.windowEnd) : Math.floor(nowMs / step) * step;
  if (Number.isNaN(endMs)) problems.push(`windowEnd must be an ISO date, got '${event.windowEnd}'`);
  if (problems.length > 0) throw new Error(`invalid model-quality event: ${problems.join('; ')}`);
  return { startMs: endMs - step, endMs };
}

/** Datums for one variant: dimensions EndpointName and VariantName. */
export function qualityDatums(endpointName: string, variantName: string, timestamp: Date, m: QualityMetrics): Datum[] {
  const dims = [{ Name: 'EndpointName', Value: endpointName }, { Name: 'VariantName', Value: variantName }];
  const values: Array<[string, number | null]> = m.problemType === 'regression'
    ? [['MAE', m.mae], ['RMSE', m.rmse]]
    : [['Accuracy', m.accuracy], ['Precision', m.precision], ['Recall', m.recall], ['F1', m.f1], ['AUC', m.auc]];
  const out: Datum[] = values
    .filter((v): v is [string, number] => v[1] !== null && Number.isFinite(v[1]))
    .map(([name, value]) => ({ MetricName: name, Dimensions: dims, Timestamp: timestamp, Value: value, Unit: 'None' as const }));
  out.push({ MetricName: 'JoinedRecords', Dimensions: dims, Timestamp: timestamp, Value: m.count, Unit: 'Count' });
  return out;
}

export async function handler(event: ModelQualityEvent): Promise<ModelQualityResult> {
  const { startMs, endMs } = resolveWindow(event, Date.now());
  const gtPrefix = event.groundTruthPrefix.replace(/\/+$/, '');
  const capPrefix = `${event.capturePrefix.replace(/\/+$/, '')}${event.capturePrefix ? '/' : ''}${event.endpointName}/`;
  const store = new LabelStore(event.maxLabels ?? 1_000_000);

  let malformedLabels = 0;
  for (const hour of hourPrefixes(startMs, endMs)) {
    for (const key of await listKeys(event.groundTruthBucket, `${gtPrefix}${gtPrefix ? '/' : ''}${hour}/`)) {
      for await (const line of objectLines(event.groundTruthBucket, key)) {
        if (line.trim() === '') continue;
        const gt = parseGroundTruthLine(line);
        if (gt) store.add(gt.id, gt.label);
        else malformedLabels++;
      }
    }
  }
  const labels = store.size;
  const variants = event.variantName ? [event.variantName] : await listChildPrefixes(event.captureBucket, capPrefix);
  const lookbackMs = (event.captureLookbackHours ?? 48) * 3600_000;
  const results: ModelQualityResult['variants'] = [];
  let malformedCaptures = 0;
  for (const variant of variants) {
    const pairs = new PairCollector(event);
    for (const hour of hourPrefixes(startMs - lookbackMs, endMs)) {
      for (const key of await listKeys(event.captureBucket, `${capPrefix}${variant}/${hour}/`)) {
        for await (const line of objectLines(event.captureBucket, key)) {
          if (line.trim() === '') continue;
          const p = capturedPrediction(line, event);
          if (typeof p === 'string') {
            malformedCaptures++;
            continue;
          }
          const label = store.take(p.id);
          if (label !== undefined) pairs.add(label, p.prediction);
        }
      }
    }
    const metrics = pairs.metrics();
    const reportKey = `${(event.reportPrefix ?? 'model-quality-reports').replace(/\/+$/, '')}/${event.endpointName}/${variant}/${stamp(startMs)}-${stamp(endMs)}.json`;
    await putJson(event.reportBucket, reportKey, {
      reportFormatVersion: 1, endpointName: event.endpointName, variantName: variant, windowStart: new Date(startMs).toISOString(),
      windowEnd: new Date(endMs).toISOString(), problemType: event.problemType, labelsInWindow: labels, pairs: pairs.pairs,
      invalidLabels: pairs.invalidLabels, metrics,
    });
    const calls = await putMetrics(event.metricNamespace ?? 'cdk-mlops/ModelQuality', qualityDatums(event.endpointName, variant, new Date(endMs), metrics));
    log('INFO', 'model quality computed', { variantName: variant, pairs: pairs.pairs, metrics, reportKey, putMetricDataCalls: calls });
    results.push({ variantName: variant, pairs: pairs.pairs, reportKey, metrics });
  }
  if (malformedLabels > 0 || malformedCaptures > 0) {
    log('WARN', 'malformed lines', { malformedLabels, malformedCaptures, labelsDropped: store.dropped, duplicateLabels: store.duplicates });
  }
  return {
    windowStart: new Date(startMs).toISOString(), windowEnd: new Date(endMs).toISOString(), labels, variants: results, unmatchedLabels: store.size,
  };
}
