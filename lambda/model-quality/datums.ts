/**
 * The CloudWatch datums of a model-quality window. No data is not zero: with nothing joined, only JoinedRecords
 * (0) is published, never a precision or F1 of 0 that would look like a collapse. Pure.
 */
import { Datum } from '../shared/datums';
import { QualityMetrics } from './quality';

/** Metric names (dimensions EndpointName and VariantName). */
export const QUALITY_METRIC = {
  ACCURACY: 'Accuracy',
  PRECISION: 'Precision',
  RECALL: 'Recall',
  F1: 'F1',
  AUC: 'AUC',
  MACRO_F1: 'MacroF1',
  WEIGHTED_F1: 'WeightedF1',
  MAE: 'MAE',
  RMSE: 'RMSE',
  JOINED: 'JoinedRecords',
  UNMATCHED_SHARE: 'UnmatchedOutputShare',
  MISMATCH_SHARE: 'LabelMismatchShare',
} as const;

export interface JoinCounters {
  /** Labelled captures (joined, unmatched output, or invalid label). */
  readonly labelled: number;
  readonly joined: number;
  readonly unmatchedOutputs: number;
  /** Binary labels that are neither class; undefined when the negative class is not implied. */
  readonly labelMismatches?: number;
}

export function qualityDatums(endpointName: string, variantName: string, timestamp: Date, m: QualityMetrics | null, c: JoinCounters): Datum[] {
  const dims = [{ Name: 'EndpointName', Value: endpointName }, { Name: 'VariantName', Value: variantName }];
  const out: Datum[] = [];
  const put = (name: string, value: number | null | undefined, unit: Datum['Unit'] = 'None') => {
    if (value !== null && value !== undefined && Number.isFinite(value)) {
      out.push({ MetricName: name, Dimensions: dims, Timestamp: timestamp, Value: value, Unit: unit });
    }
  };
  if (m?.problemType === 'regression') {
    put(QUALITY_METRIC.MAE, m.mae);
    put(QUALITY_METRIC.RMSE, m.rmse);
  } else if (m?.problemType === 'multiclass-classification') {
    put(QUALITY_METRIC.ACCURACY, m.accuracy);
    put(QUALITY_METRIC.MACRO_F1, m.macroF1);
    put(QUALITY_METRIC.WEIGHTED_F1, m.weightedF1);
  } else if (m?.problemType === 'binary-classification') {
    put(QUALITY_METRIC.ACCURACY, m.accuracy);
    put(QUALITY_METRIC.PRECISION, m.precision);
    put(QUALITY_METRIC.RECALL, m.recall);
    put(QUALITY_METRIC.F1, m.f1);
    put(QUALITY_METRIC.AUC, m.auc);
  }
  put(QUALITY_METRIC.JOINED, c.joined, 'Count');
  if (c.labelled > 0) put(QUALITY_METRIC.UNMATCHED_SHARE, c.unmatchedOutputs / c.labelled);
  if (c.joined > 0 && c.labelMismatches !== undefined) put(QUALITY_METRIC.MISMATCH_SHARE, c.labelMismatches / c.joined);
  return out;
}
