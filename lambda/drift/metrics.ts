/**
 * CloudWatch metric datums for a drift window. Pure.
 */
import { Datum } from '../shared/datums';
import { WindowSummary } from './window';

export interface WindowCounters {
  /** Capture lines (requests) read. */
  readonly records: number;
  /** Feature rows read: a request with several CSV lines or JSON instances has several. @default - records */
  readonly rows?: number;
  /** Capture lines that could not be read. */
  readonly malformed: number;
}

export interface DatumOptions {
  /** Publish the per-feature metrics (cost: about 6 metrics per feature and variant). @default true */
  readonly perFeature?: boolean;
}

/** Metric names, per feature (dimensions EndpointName, VariantName, Feature) and per window (EndpointName, VariantName). */
export const METRIC = {
  PSI: 'PSI',
  KS: 'KSStatistic',
  JS: 'JSDistance',
  P_VALUE: 'PValue',
  MISSING_RATE: 'MissingRate',
  OUT_OF_RANGE: 'OutOfRangeShare',
  FEATURE_DRIFTED: 'FeatureDrifted',
  DRIFTED_SHARE: 'DriftedFeatureShare',
  DRIFTED_FEATURES: 'DriftedFeatures',
  DRIFT_DETECTED: 'DriftDetected',
  DRIFT_SCORE: 'DriftScore',
  MALFORMED_SHARE: 'MalformedShare',
  MISSING_RATE_INCREASE: 'MaxMissingRateIncrease',
  NEW_CATEGORY_SHARE: 'MaxNewCategoryShare',
  RECORDS: 'RecordCount',
  MALFORMED: 'MalformedRecords',
} as const;

export function driftDatums(endpointName: string, variantName: string, timestamp: Date, summary: WindowSummary, counters: WindowCounters,
  options: DatumOptions = {}): Datum[] {
  const base = [{ Name: 'EndpointName', Value: endpointName }, { Name: 'VariantName', Value: variantName }];
  const out: Datum[] = [];
  const put = (name: string, value: number | null, dims: Datum['Dimensions'], unit: Datum['Unit'] = 'None') => {
    if (value !== null && Number.isFinite(value)) {
      out.push({ MetricName: name, Dimensions: dims, Timestamp: timestamp, Value: value, Unit: unit });
    }
  };
  for (const f of options.perFeature === false ? [] : summary.features) {
    const dims = [...base, { Name: 'Feature', Value: f.name }];
    put(METRIC.PSI, f.psi, dims);
    put(METRIC.MISSING_RATE, f.rows > 0 ? f.missingRate : null, dims);
    if (f.type === 'numeric') {
      put(METRIC.KS, f.ks, dims);
      put(METRIC.OUT_OF_RANGE, f.outOfRangeShare, dims);
    } else {
      put(METRIC.JS, f.jsDistance, dims);
    }
    put(METRIC.P_VALUE, f.tested ? f.pValue : null, dims);
    put(METRIC.FEATURE_DRIFTED, f.tested ? (f.drifted ? 1 : 0) : null, dims);
  }
  put(METRIC.DRIFTED_SHARE, summary.driftedShare, base);
  // A window where no feature could be tested says nothing about drift (RecordCount says why).
  const tested = summary.testedFeatures > 0;
  put(METRIC.DRIFTED_FEATURES, tested ? summary.driftedFeatures.length : null, base, 'Count');
  put(METRIC.DRIFT_DETECTED, tested ? (summary.drifted ? 1 : 0) : null, base);
  put(METRIC.DRIFT_SCORE, tested ? driftScore(summary) : null, base);
  // RecordCount counts rows (what the statistics see), not requests: a batch request of 10 CSV lines is 10 records.
  put(METRIC.RECORDS, counters.rows ?? counters.records, base, 'Count');
  put(METRIC.MALFORMED, counters.malformed, base, 'Count');
  // Breakage made loud: what a broken payload, a dead feature or an unseen vocabulary looks like. The malformed share is
  // of capture lines (a malformed line's rows are unknown).
  const lines = counters.records + counters.malformed;
  put(METRIC.MALFORMED_SHARE, lines > 0 ? counters.malformed / lines : null, base);
  put(METRIC.MISSING_RATE_INCREASE, maxOf(summary.features.filter((f) => f.rows > 0).map((f) => f.missingRate - f.baselineMissingRate)), base);
  put(METRIC.NEW_CATEGORY_SHARE, maxOf(summary.features.map((f) => (f.type === 'categorical' && f.otherShare !== null ? f.otherShare - f.baselineOtherShare : NaN))
    .filter((x) => !Number.isNaN(x))), base);
  return out;
}

/** The drift score of a window: the largest PSI among its drifted features, 0 when none drifted. */
export function driftScore(summary: WindowSummary): number {
  let score = 0;
  for (const f of summary.features) {
    if (f.drifted && f.psi !== null && f.psi > score) score = f.psi;
  }
  return score;
}

/** The largest of some numbers; null for none. */
function maxOf(values: readonly number[]): number | null {
  return values.length > 0 ? Math.max(...values) : null;
}

/** The k drifted features with the largest PSI, for the report when per-feature metrics are off. */
export function topDriftedFeatures(summary: WindowSummary, k = 10): Array<{ name: string; psi: number | null; pValue: number | null }> {
  return summary.features.filter((f) => f.drifted)
    .sort((a, b) => (b.psi ?? 0) - (a.psi ?? 0) || (a.name < b.name ? -1 : 1))
    .slice(0, k)
    .map((f) => ({ name: f.name, psi: f.psi, pValue: f.pValue }));
}
