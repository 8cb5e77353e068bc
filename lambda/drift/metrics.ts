/**
 * CloudWatch metric datums for a drift window, and their batching for PutMetricData. Pure.
 */
import { WindowSummary } from './window';

/** The shape of a PutMetricData datum (structurally the SDK's MetricDatum, kept local so this file stays pure). */
export interface Datum {
  readonly MetricName: string;
  readonly Dimensions: Array<{ readonly Name: string; readonly Value: string }>;
  readonly Timestamp: Date;
  readonly Value: number;
  readonly Unit: 'None' | 'Count';
}

export interface WindowCounters {
  readonly records: number;
  readonly malformed: number;
}

/** Metric names, per feature (dimensions EndpointName, VariantName, Feature) and per window (EndpointName, VariantName). */
export const METRIC = {
  PSI: 'PSI',
  KS: 'KSStatistic',
  JS: 'JSDistance',
  CHI_SQUARE_P: 'ChiSquarePValue',
  MISSING_RATE: 'MissingRate',
  OUT_OF_RANGE: 'OutOfRangeShare',
  FEATURE_DRIFTED: 'FeatureDrifted',
  DRIFTED_SHARE: 'DriftedFeatureShare',
  RECORDS: 'RecordCount',
  MALFORMED: 'MalformedRecords',
} as const;

export function driftDatums(endpointName: string, variantName: string, timestamp: Date, summary: WindowSummary, counters: WindowCounters): Datum[] {
  const base = [{ Name: 'EndpointName', Value: endpointName }, { Name: 'VariantName', Value: variantName }];
  const out: Datum[] = [];
  const put = (name: string, value: number | null, dims: Datum['Dimensions'], unit: Datum['Unit'] = 'None') => {
    if (value !== null && Number.isFinite(value)) {
      out.push({ MetricName: name, Dimensions: dims, Timestamp: timestamp, Value: value, Unit: unit });
    }
  };
  for (const f of summary.features) {
    const dims = [...base, { Name: 'Feature', Value: f.name }];
    put(METRIC.PSI, f.psi, dims);
    put(METRIC.MISSING_RATE, f.rows > 0 ? f.missingRate : null, dims);
    if (f.type === 'numeric') {
      put(METRIC.KS, f.ks, dims);
      put(METRIC.OUT_OF_RANGE, f.outOfRangeShare, dims);
    } else {
      put(METRIC.JS, f.jsDistance, dims);
      put(METRIC.CHI_SQUARE_P, f.chiSquarePValue, dims);
    }
    put(METRIC.FEATURE_DRIFTED, f.judged ? (f.drifted ? 1 : 0) : null, dims);
  }
  put(METRIC.DRIFTED_SHARE, summary.driftedShare, base);
  put(METRIC.RECORDS, counters.records, base, 'Count');
  put(METRIC.MALFORMED, counters.malformed, base, 'Count');
  return out;
}

/** PutMetricData accepts at most 1,000 datums and 1 MB per request; batches stay under both (size estimated generously). */
export function batchDatums<T>(datums: readonly T[], maxCount = 1000, maxBytes = 1_000_000): T[][] {
  const budget = maxBytes * 0.8;
  const batches: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const d of datums) {
    // Query-protocol encoding repeats each member's path (MetricData.member.N.Dimensions.member.M.Name=...): about 2x JSON.
    const size = 2 * JSON.stringify(d).length + 64;
    if (current.length > 0 && (current.length >= maxCount || bytes + size > budget)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(d);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
