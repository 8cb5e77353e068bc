/**
 * The prediction-drift option's checks and its part of the drift function's event (not exported from the library).
 */
import { Token } from 'aws-cdk-lib';
import type { BaselineDataset, DriftFeature } from './drift-monitor-options';
import type { PredictionDrift } from './prediction-drift';
import { InputErrors, checkWholeNumber } from '../private/validation';

/** The default feature name of the predictions. */
export const DEFAULT_PREDICTION_NAME = 'prediction';

/** What the drift function is told about the predictions. */
export interface PredictionEvent {
  readonly name: string;
  readonly outputIndex?: number;
  readonly outputPaths?: string[];
}

/** Checks the prediction drift option against the features and the baseline. */
export function checkPredictionDrift(errors: InputErrors, p: PredictionDrift | undefined, features: readonly DriftFeature[],
  dataset: BaselineDataset | undefined, captureOutput: boolean | undefined, namePattern: RegExp): void {
  if (p === undefined) return;
  const name = p.name ?? DEFAULT_PREDICTION_NAME;
  if (p.kind !== 'numeric' && p.kind !== 'categorical') {
    errors.add('predictionDrift.kind', p.kind, 'FeatureType.NUMERIC or FeatureType.CATEGORICAL');
  }
  if (captureOutput === false) {
    errors.add('predictionDrift', name, 'an endpoint that captures its responses (captureOutput true): predictions are read from them');
  }
  if (!Token.isUnresolved(name) && !namePattern.test(name)) errors.add('predictionDrift.name', name, '1-255 letters, digits, spaces and _ . : / -');
  if (features.some((f) => f?.name === name)) errors.add('predictionDrift.name', name, 'a name no feature uses');
  checkWholeNumber(errors, 'predictionDrift.outputIndex', p.outputIndex, { min: 0 });
  checkWholeNumber(errors, 'predictionDrift.baselineIndex', p.baselineIndex, { min: 0 });
  if (p.outputPaths !== undefined && (!Array.isArray(p.outputPaths) || p.outputPaths.length === 0 || p.outputPaths.some((x) => typeof x !== 'string'))) {
    errors.add('predictionDrift.outputPaths', p.outputPaths, 'a non-empty list of dotted paths');
  }
  if (p.baselineIndex !== undefined) {
    const taken = features.find((f) => f?.baselineIndex === p.baselineIndex);
    if (taken) errors.add('predictionDrift.baselineIndex', p.baselineIndex, `a column no feature uses, but '${taken.name}' is at ${p.baselineIndex}`);
    if (dataset?.labelIndex !== undefined && dataset.labelIndex === p.baselineIndex) {
      errors.add('predictionDrift.baselineIndex', p.baselineIndex, `a column other than the label's (baselineDataset.labelIndex ${dataset.labelIndex})`);
    }
  }
  // DatasetFormat.CSV, as a string: this file imports only types from drift-monitor-options.ts.
  const headerless = dataset && String(dataset.format ?? 'csv') === 'csv' && !dataset.header;
  if (headerless && p.baselineIndex === undefined) {
    errors.add('predictionDrift.baselineIndex', p.baselineIndex, 'the predictions\' column in a CSV baseline dataset without a header');
  }
}

/** The event's prediction part. */
export function predictionEvent(p: PredictionDrift): PredictionEvent {
  return {
    name: p.name ?? DEFAULT_PREDICTION_NAME,
    ...(p.outputIndex === undefined ? {} : { outputIndex: p.outputIndex }),
    ...(p.outputPaths === undefined ? {} : { outputPaths: [...p.outputPaths] }),
  };
}
