import type { FeatureType } from './drift-monitor-options';

/**
 * Prediction drift: the model's answers (a score or a predicted label) watched like one more feature, read from the
 * captured responses. A shift of the scores often shows a problem before the inputs' tests do, and needs no labels.
 *
 * The baseline of the predictions is a column of the baseline: give the model's predictions on the baseline rows in
 * the dataset (`baselineColumn` / `baselineIndex`), or a feature named `name` in a `baselineProfile`.
 */
export interface PredictionDrift {
  /** NUMERIC for scores or probabilities, CATEGORICAL for predicted labels. */
  readonly kind: FeatureType;
  /**
   * The feature name of the predictions (a CloudWatch dimension value, the profile feature).
   *
   * @default 'prediction'
   */
  readonly name?: string;
  /**
   * The prediction's 0-based column in CSV responses (one line per row), or its position in a probability vector of a
   * JSON response.
   *
   * @default 0
   */
  readonly outputIndex?: number;
  /**
   * Where the predictions are in JSON responses: dotted paths tried in order, `*` for every element of an array
   * (one prediction per row), '' for the whole document.
   *
   * @default - 'predictions.*.score', 'predictions.*.predicted_label', 'predictions.*', 'score', 'predicted_label', '*', ''
   */
  readonly outputPaths?: string[];
  /**
   * The header name (CSV with a header) or field (JSON lines) of the predictions in the baseline dataset.
   *
   * @default - by `name`, or `baselineIndex`
   */
  readonly baselineColumn?: string;
  /**
   * The 0-based CSV column of the predictions in the baseline dataset (needed for a CSV dataset without a header).
   *
   * @default - by `baselineColumn` or `name`
   */
  readonly baselineIndex?: number;
}
