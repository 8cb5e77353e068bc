/**
 * Drift handler: for one window of an endpoint's captured traffic, per variant, streams the capture files,
 * compares each feature with the baseline profile, writes a JSON report to S3 and publishes CloudWatch metrics.
 * Idempotent: a window is named by its bounds, so a re-run overwrites the same report and the same datapoints.
 */
import { getJson, listChildPrefixes, listKeys, objectStream, putJson, putMetrics } from '../shared/io';
import { log } from '../shared/log';
import { BaselineProfile, parseProfile } from '../shared/profile';
import { driftDatums, topDriftedFeatures } from './metrics';
import { captureHourPrefixes, DriftEvent, DriftRequest, endpointPrefix, reportKey, resolveDriftEvent } from './request';
import { CaptureScanner, ScanCounters } from './scan';
import { WindowSummary } from './window';

export type { DriftEvent } from './request';

export const REPORT_FORMAT_VERSION = 2;

export interface VariantResult {
  readonly variantName: string;
  readonly reportKey: string;
  readonly objects: number;
  /** Capture lines (requests) read. */
  readonly records: number;
  /** Feature rows read (what RecordCount publishes). */
  readonly rows: number;
  readonly malformed: number;
  readonly driftedFeatures: string[];
  readonly driftedShare: number | null;
}

export interface DriftResult {
  readonly endpointName: string;
  readonly windowStart: string;
  readonly windowEnd: string;
  readonly variants: VariantResult[];
}

/** Keeps the features the event names, in profile order; fails on unknown names. */
export function selectFeatures(profile: BaselineProfile, names?: readonly string[]): BaselineProfile {
  if (!names) return profile;
  const known = new Set(profile.features.map((f) => f.name));
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length > 0) {
    throw new Error(`features not in the baseline profile: ${unknown.join(', ')}`);
  }
  const wanted = new Set(names);
  return { ...profile, features: profile.features.filter((f) => wanted.has(f.name)) };
}

/** The drift report document for one variant and window. */
export function buildReport(r: DriftRequest, variant: string, objects: number, counters: ScanCounters, summary: WindowSummary) {
  return {
    reportFormatVersion: REPORT_FORMAT_VERSION,
    endpointName: r.endpointName,
    variantName: variant,
    windowStart: new Date(r.startMs).toISOString(),
    windowEnd: new Date(r.endMs).toISOString(),
    baseline: `s3://${r.baselineBucket}/${r.baselineKey}`,
    policy: r.policy,
    ...(r.prediction ? { prediction: r.prediction } : {}),
    captureObjects: objects,
    counters,
    testedFeatures: summary.testedFeatures,
    driftedFeatures: summary.driftedFeatures,
    driftedShare: summary.driftedShare,
    drifted: summary.drifted,
    topDriftedFeatures: topDriftedFeatures(summary),
    features: summary.features,
  };
}

export async function handler(event: DriftEvent): Promise<DriftResult> {
  const r = resolveDriftEvent(event, Date.now());
  const profile = selectFeatures(parseProfile(await getJson(r.baselineBucket, r.baselineKey)), r.features);
  const variants = r.variantName ? [r.variantName] : await listChildPrefixes(r.captureBucket, endpointPrefix(r));
  log('INFO', 'drift window', {
    endpointName: r.endpointName, variants, windowStart: new Date(r.startMs).toISOString(), windowEnd: new Date(r.endMs).toISOString(),
    features: profile.features.length,
  });

  const results: VariantResult[] = [];
  for (const variant of variants) {
    const scanner = new CaptureScanner(profile, r.startMs, r.endMs, { prediction: r.prediction });
    let objects = 0;
    for (const prefix of captureHourPrefixes(r, variant)) {
      for (const key of await listKeys(r.captureBucket, prefix)) {
        objects++;
        await scanner.addStream(await objectStream(r.captureBucket, key));
      }
    }
    const summary = scanner.accumulator.summarize(r.policy);
    const key = reportKey(r, variant);
    await putJson(r.reportBucket, key, buildReport(r, variant, objects, scanner.counters, summary));
    const { records, rows, malformed } = scanner.counters;
    const datums = driftDatums(r.endpointName, variant, new Date(r.endMs), summary, { records, rows, malformed },
      { perFeature: r.perFeatureMetrics });
    const calls = await putMetrics(r.metricNamespace, datums);
    if (scanner.counters.malformed > 0) {
      log('WARN', 'malformed capture lines', { variantName: variant, malformed: scanner.counters.malformed, reasons: scanner.counters.malformedReasons });
    }
    log('INFO', 'drift report written', {
      variantName: variant, reportKey: key, objects, records: scanner.counters.records, malformed: scanner.counters.malformed,
      driftedFeatures: summary.driftedFeatures, driftedShare: summary.driftedShare, datums: datums.length, putMetricDataCalls: calls,
    });
    results.push({
      variantName: variant, reportKey: key, objects, records: scanner.counters.records, rows: scanner.counters.rows,
      malformed: scanner.counters.malformed,
      driftedFeatures: summary.driftedFeatures, driftedShare: summary.driftedShare,
    });
  }
  return {
    endpointName: r.endpointName, windowStart: new Date(r.startMs).toISOString(), windowEnd: new Date(r.endMs).toISOString(), variants: results,
  };
}
