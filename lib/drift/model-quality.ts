import { Duration } from 'aws-cdk-lib';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { ILakeZone } from '../data-lake';

/** The kind of model, which picks the quality metrics. */
export enum ProblemType {
  /** Accuracy, precision, recall, F1 and ROC AUC of a positive class. */
  BINARY_CLASSIFICATION = 'binary-classification',
  /** Accuracy, macro and weighted F1, per-class precision and recall, and the confusion matrix. */
  MULTICLASS_CLASSIFICATION = 'multiclass-classification',
  /** MAE and RMSE. */
  REGRESSION = 'regression',
}

/**
 * Where common containers put the prediction in their response. A response the preset does not describe is
 * counted as unmatched (the `UnmatchedOutputShare` metric and alarm), never guessed at.
 */
export enum ModelOutputPreset {
  /**
   * SageMaker XGBoost and the other built-in algorithms: one score per line in CSV (`0.83`), or
   * `{"predictions": [{"score": 0.83}]}` in JSON. The score is P(positive) for binary:logistic.
   */
  XGBOOST = 'xgboost',
  /**
   * scikit-learn `predict_proba`: class probabilities in sorted class order, the positive class second:
   * `[[0.2, 0.8]]`, `[0.2, 0.8]`, `{"probabilities": [0.2, 0.8]}`, `{"predictions": [{"probabilities": [..]}]}`,
   * or CSV `0.2,0.8`. For multiclass, the predicted class is the index of the largest probability.
   */
  SKLEARN_PREDICT_PROBA = 'sklearn-predict-proba',
  /**
   * SageMaker Autopilot: the predicted label and the probability of that label, CSV `1,0.92` (or JSON
   * `{"predictions": [{"predicted_label": "1", "probability": 0.92}]}`, or `{"predictions": [1], "probabilities": [0.92]}`).
   * A negative predicted label with probability p scores 1 - p for the positive class. A label alone is a hard label.
   */
  AUTOPILOT_CSV = 'autopilot-csv',
  /**
   * TensorFlow Serving's REST API: `{"predictions": [[0.8]]}` (sigmoid), `{"predictions": [[0.2, 0.8]]}` (softmax, the
   * positive class second) or `{"predictions": [0.8]}`.
   */
  TF_SERVING = 'tf-serving',
  /** A bare score: CSV `0.83` (first column) or the JSON number `0.83`. */
  PLAIN_SCORE = 'plain-score',
}

/** Where the prediction is in the model's response, for containers no preset describes. */
export interface ModelOutputMapping {
  /**
   * The dotted path of the score, or of a probability vector, in a JSON response (`predictions.0.score`; array
   * indexes are numbers; `''` is the whole document).
   *
   * @default - not read from JSON responses
   */
  readonly jsonPath?: string;
  /**
   * The 0-based column of the score in a CSV response (its first non-empty line).
   *
   * @default - not read from CSV responses (for multiclass: the row is the probability vector)
   */
  readonly csvColumn?: number;
  /**
   * In a probability vector, the 0-based index of the positive class (binary).
   *
   * @default - the only element of a 1-element vector, the second of a 2-element vector
   */
  readonly probabilityIndex?: number;
  /**
   * The dotted path of the predicted label in a JSON response.
   *
   * @default - no predicted label
   */
  readonly labelJsonPath?: string;
  /**
   * The 0-based column of the predicted label in a CSV response.
   *
   * @default - no predicted label
   */
  readonly labelCsvColumn?: number;
  /**
   * With a predicted label, whether the score is the probability of that label (Autopilot ensembling) rather than
   * of the positive class (Autopilot HPO binary models).
   *
   * @default true
   */
  readonly probabilityOfPredictedLabel?: boolean;
}

/**
 * Model-quality checks against ground truth. The team writes labels as JSON lines
 * (`{"inferenceId": "...", "label": 1}`) under `<groundTruthPrefix>yyyy/mm/dd/hh/` (the UTC hour they are written);
 * each run joins the labels written during its window with the captured outputs of the inferences they label.
 */
export interface ModelQualityOptions {
  /** The zone where ground-truth files land. */
  readonly groundTruthZone: ILakeZone;
  /** The key prefix of the ground-truth files (not empty); files go under `<prefix>yyyy/mm/dd/hh/`. */
  readonly groundTruthPrefix: string;
  /** Binary classification, multiclass classification or regression. */
  readonly problemType: ProblemType;
  /**
   * A preset for the model's response. Give this or `outputMapping`, not both.
   *
   * @default ModelOutputPreset.PLAIN_SCORE
   */
  readonly outputPreset?: ModelOutputPreset;
  /**
   * Where the prediction is in the model's response. Give this or `outputPreset`, not both.
   *
   * @default - the preset
   */
  readonly outputMapping?: ModelOutputMapping;
  /**
   * The positive class label (binary). `1`, `1.0`, `"1"`, `true` and `"True"` are the same label, as are `0`,
   * `"0.0"`, `false`; with 1/0 labels a label that is neither is counted in `LabelMismatchShare`.
   *
   * @default '1'
   */
  readonly positiveLabel?: string;
  /**
   * A positive-class score at or above this predicts the positive class (binary), for accuracy, precision,
   * recall and F1 (AUC needs no threshold). In [0, 1].
   *
   * @default 0.5
   */
  readonly threshold?: number;
  /**
   * How often quality is computed, over the preceding window of the same length: a rate from 1 hour to 1 day.
   *
   * @default - daily
   */
  readonly schedule?: scheduler.ScheduleExpression;
  /**
   * How far before its window a run searches the captures for the inferences its labels label: as long as labels
   * take to arrive (churn labels may take weeks). Whole hours, up to 90 days. A longer lookback reads more capture
   * files per run, never holds more in memory.
   *
   * @default Duration.days(2)
   */
  readonly captureLookback?: Duration;
  /**
   * Quality alarms judge only windows in which at least this many labels joined (a whole number >= 1).
   *
   * @default 100
   */
  readonly minJoinedRecords?: number;
  /**
   * Alarm when no label has joined for this long (labels stopped arriving, or their ids no longer match): at
   * least one window, at most 7 days (CloudWatch evaluates an alarm over 7 days at most).
   *
   * @default Duration.days(3)
   */
  readonly maxLabelGap?: Duration;
  /**
   * Alarm when the share of labelled captures whose response matches nothing in the output mapping is above this,
   * in (0, 1].
   *
   * @default 0.05
   */
  readonly maxUnmatchedOutputShare?: number;
  /**
   * Alarm when ROC AUC drops below this, in (0, 1] (binary). A window with enough joined labels but no AUC (one
   * class only, e.g. labels that match no positive label) breaches it too.
   *
   * @default 0.7
   */
  readonly minAuc?: number;
  /**
   * Alarm when accuracy drops below this, in (0, 1] (classification).
   *
   * @default - no accuracy alarm
   */
  readonly minAccuracy?: number;
  /**
   * Alarm when macro F1 drops below this, in (0, 1] (multiclass).
   *
   * @default - no macro F1 alarm
   */
  readonly minMacroF1?: number;
  /**
   * Alarm when RMSE rises above this (regression, in the label's unit).
   *
   * @default - no RMSE alarm
   */
  readonly maxRmse?: number;
  /**
   * Alarm when MAE rises above this (regression, in the label's unit).
   *
   * @default - no MAE alarm
   */
  readonly maxMae?: number;
}
