/**
 * CloudWatch metric datums for a drift window. Pure.
 */
import { Datum } from '../shared/datums';
import { WindowSummary } from './window';

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
