import { Duration } from 'aws-cdk-lib';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { BreakageAlarmOptions } from './breakage-alarms';
import { DriftDecision } from './drift-decision';
import { ModelBaseline } from './model-baseline';
import { ModelQualityOptions } from './model-quality';
import { PredictionDrift } from './prediction-drift';
import { ILakeZone } from '../data-lake';
import { AlarmSeverity, AlarmTuning, HandlerOptions, IAlertTopics } from '../monitoring';
import { EndpointDataCapture, IModelEndpoint } from '../serving';
import { ITrainingPipeline } from '../training';

/** The type of a feature, which picks its statistics. */
export enum FeatureType {
  /** PSI over baseline quantile bins, two-sample KS, out-of-range share, missing rate. */
  NUMERIC = 'numeric',
  /** PSI over baseline categories, Jensen-Shannon distance, chi-square, missing rate. */
  CATEGORICAL = 'categorical',
}

/** One model input watched for drift. */
export interface DriftFeature {
  /** The feature name: a CloudWatch dimension value, and the JSON key in JSON payloads. */
  readonly name: string;
  /** Numeric or categorical. */
  readonly kind: FeatureType;
  /**
   * The 0-based column of the feature in CSV payloads (the captured requests).
   *
   * @default - its position in `features`
   */
  readonly index?: number;
  /**
   * The header name (CSV with a header) or field (JSON lines) of the feature in the baseline dataset.
   *
   * @default - by its name in a CSV header or JSON lines; else by `baselineIndex`, else by `index` (shifted past `labelIndex`)
   */
  readonly baselineColumn?: string;
  /**
   * The 0-based column of the feature in a CSV baseline dataset, when it differs from the payload's.
   *
   * @default - `index`, plus one at and after the dataset's `labelIndex`
   */
  readonly baselineIndex?: number;
}

/** A baseline profile (format version 1) already in the lake, e.g. written by the training pipeline. */
export interface BaselineProfileLocation {
  /** The zone that holds the profile. */
  readonly zone: ILakeZone;
  /** The profile's key. */
  readonly key: string;
}

/** The format of a baseline dataset. */
export enum DatasetFormat {
  /** Comma-separated values, one row per line; features by column index. */
  CSV = 'csv',
  /** One JSON object per line; features by name. */
  JSON_LINES = 'jsonl',
}

/** A baseline dataset (typically the training set) whose profile is computed when the stack deploys. */
export interface BaselineDataset {
  /** The zone that holds the dataset. */
  readonly zone: ILakeZone;
  /** The dataset's key. */
  readonly key: string;
  /**
   * The dataset's format.
   *
   * @default DatasetFormat.CSV
   */
  readonly format?: DatasetFormat;
  /**
   * Whether the first CSV line is a header.
   *
   * @default false
   */
  readonly header?: boolean;
  /**
   * The 0-based CSV column of the label, never profiled; the features after it are shifted by one. SageMaker's built-in
   * XGBoost layout (label first, no header): `labelIndex: 0`.
   *
   * @default - the dataset has no label column
   */
  readonly labelIndex?: number;
  /**
   * The header name (CSV) or field (JSON lines) of the label, never profiled.
   *
   * @default - the dataset has no label column
   */
  readonly labelColumn?: string;
  /**
   * Where the profile is written, in the same zone.
   *
   * @default - `baselines/<dataset key>.profile.json`
   */
  readonly profileKey?: string;
}

/** Properties of a `DriftMonitor`. */
export interface DriftMonitorProps {
  /** The endpoint watched. It must capture its requests (`dataCapture` of `ModelEndpoint`). */
  readonly endpoint: IModelEndpoint;

  /**
   * Where the endpoint captures, for an imported endpoint.
   *
   * @default - the capture of the `ModelEndpoint`
   */
  readonly dataCapture?: EndpointDataCapture;

  /** The features watched (at least one, unique names). */
  readonly features: DriftFeature[];

  /**
   * Watch the model's predictions (scores or labels, read from the captured responses) as one more feature, named
   * `predictionDrift.name`. Needs captured responses and a baseline of the predictions.
   *
   * @default - only the inputs are watched
   */
  readonly predictionDrift?: PredictionDrift;

  /**
   * A baseline profile already in the lake. Give this or `baselineDataset`, not both.
   *
   * @default - computed from `baselineDataset`
   */
  readonly baselineProfile?: BaselineProfileLocation;

  /**
   * A baseline dataset whose profile is computed at deploy time. Give this or `baselineProfile`, not both.
   *
   * @default - `baselineProfile` is used
   */
  readonly baselineDataset?: BaselineDataset;

  /**
   * Compare each variant with the profile of the model it serves, next to the model's artifacts; `baselineProfile` or
   * `baselineDataset` is the baseline of a model without one. With `baselineDataset`, `baselineFunction` may write a
   * model's profile there (invoked with the model's `modelDataUrl`).
   *
   * @default - every variant is compared with `baselineProfile` or `baselineDataset`
   */
  readonly baselineFollowsModel?: ModelBaseline;

  /**
   * How often drift is computed; each run covers the preceding window of the schedule's rate. Rates of at least
   * 10 minutes: SageMaker buffers captured records and writes files every few minutes.
   *
   * @default ScheduleExpression.rate(Duration.hours(1))
   */
  readonly schedule?: scheduler.ScheduleExpression;

  /**
   * The window of each run, for cron schedules (rate schedules use their rate).
   *
   * @default Duration.hours(1)
   */
  readonly window?: Duration;

  /**
   * When a window drifts (calibrated tests, family-wise control, effect floor); `driftAlarms` says how many windows alarm.
   *
   * @default - alpha 0.005 Bonferroni, PSI floor 0.01, 50 samples
   */
  readonly decision?: DriftDecision;

  /**
   * How long after a window ends it is computed, so that capture files written late (SageMaker buffers records for a
   * few minutes) are counted. Files that land later are not (the report of a window is never recomputed).
   *
   * @default Duration.minutes(5)
   */
  readonly settlingDelay?: Duration;

  /**
   * Alarms on silent breakage: no records, unreadable captures, a feature gone missing, a new vocabulary.
   *
   * @default - at least 1 record, malformed share 0.05, missing-rate increase 0.2, new-category share 0.1
   */
  readonly breakage?: BreakageAlarmOptions;

  /**
   * Publish per-feature metrics and define per-feature alarms (about 6 metrics and 1 alarm per feature and variant:
   * see the cost table in the README). The variant's drift alarm, drift score and the report's top drifted features do
   * not need them.
   *
   * @default - true for up to 20 features, false beyond
   */
  readonly perFeatureMetrics?: boolean;

  /**
   * Where alarms notify.
   *
   * @default - the alarms have no actions
   */
  readonly alerts?: IAlertTopics;

  /**
   * VPC placement and reserved concurrency of the monitor's handler functions (drift, baseline profile, model quality).
   * They are shared by every DriftMonitor of the stack, so all that give options must give the same ones.
   *
   * @default - no VPC, unreserved concurrency
   */
  readonly handlerOptions?: HandlerOptions;

  /**
   * The severity of drift alarms.
   *
   * @default AlarmSeverity.WARNING
   */
  readonly severity?: AlarmSeverity;

  /**
   * How the drift alarms (per variant and per feature) are evaluated: M drifted windows of N.
   *
   * @default - one period of the window, 2 of 3 datapoints, `severity`
   */
  readonly driftAlarms?: AlarmTuning;

  /**
   * How the model-quality alarms are evaluated.
   *
   * @default - one period of the quality schedule's rate, 1 of 1 datapoints, `severity`
   */
  readonly qualityAlarms?: AlarmTuning;

  /**
   * A training pipeline started when a variant drifts (opt-in retraining on drift): once per monitor, on the composite
   * drift alarm entering ALARM.
   *
   * @default - no retraining
   */
  readonly retrainOnDrift?: ITrainingPipeline;

  /**
   * Model-quality checks against ground truth.
   *
   * @default - none
   */
  readonly modelQuality?: ModelQualityOptions;

  /**
   * The key prefix of the JSON drift reports, in the capture zone.
   *
   * @default 'drift-reports/'
   */
  readonly reportPrefix?: string;
}
