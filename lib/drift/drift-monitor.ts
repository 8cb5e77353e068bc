import { Annotations, CfnCustomResource, Duration, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct, IConstruct } from 'constructs';
import { ModelQualityOptions } from './model-quality';
import { defineModelQuality, QUALITY_NAMESPACE, qualityWindowMinutes, validateModelQuality } from './model-quality-wiring';
import { BreakageAlarmOptions } from './breakage-alarms';
import { DriftDecision } from './drift-decision';
import { cronPeriodMinutes } from './cron-period';
import { DEFAULT_MODEL_PROFILE, grantFindModelProfiles, grantObjects, grantPutMetrics } from './grants';
import { ModelBaseline } from './model-baseline';
import * as perms from './perms';
import { PredictionDrift } from './prediction-drift';
import { checkPredictionDrift, DEFAULT_PREDICTION_NAME, predictionEvent } from './prediction-wiring';
import { resolveDriftDecision, ResolvedDriftDecision } from './resolve-decision';
import { ILakeZone } from '../data-lake';
import { AlarmSeverity, AlarmTuning, HandlerOptions, IAlertTopics } from '../monitoring';
import { AlarmFactory, ResolvedTuning, resolveTuning } from '../private/alarm-factory';
import { HandlerFunction, validateHandlerOptions } from '../private/handler-function';
import { handlerPrefix, normalizePrefix } from '../private/lake-prefix';
import { acknowledgeInlinePolicy } from '../private/nag';
import { MAX_ALARM_WINDOW_MINUTES, checkSchedule } from '../private/schedules';
import { InputErrors, checkDuration, checkNumber, checkWholeNumber, requireProps } from '../private/validation';
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

const DRIFT_NAMESPACE = 'cdk-mlops/Drift';
const PROFILE_NAME = /^[A-Za-z0-9._-]{1,255}$/;
const MIN_WINDOW_MINUTES = 10;
/** Features up to which per-feature metrics and alarms are on by default. */
const PER_FEATURE_BUDGET = 20;
const FEATURE_NAME = /^[A-Za-z0-9_.:/ -]{1,255}$/;

/**
 * A drift monitor, as dashboards and alarms consume it: its metrics.
 */
export interface IDriftMonitor extends IConstruct {
  /** The endpoint watched. */
  readonly endpointName: string;
  /** The variants watched. */
  readonly variantNames: string[];
  /** The features watched. */
  readonly featureNames: string[];
  /** The PSI floor of the features (a feature drifts only at or above it). */
  readonly psiThreshold: number;
  /** The share of watched features of a variant that drifted in a window (0-1; Maximum over the window). */
  metricDriftedFeatureShare(variantName: string, props?: cloudwatch.MetricOptions): cloudwatch.IMetric;
  /** 1 when a feature of a variant drifted in a window, else 0 (Maximum over the window). */
  metricFeatureDrifted(variantName: string, featureName: string, props?: cloudwatch.MetricOptions): cloudwatch.IMetric;
  /** The PSI of a feature of a variant against the baseline (Maximum over the window). */
  metricFeaturePsi(variantName: string, featureName: string, props?: cloudwatch.MetricOptions): cloudwatch.IMetric;
  /** The captured records of a variant in a window (Maximum over the window). */
  metricRecordCount(variantName: string, props?: cloudwatch.MetricOptions): cloudwatch.IMetric;
  /** The captured records of a variant that could not be parsed (Maximum over the window). */
  metricMalformedRecords(variantName: string, props?: cloudwatch.MetricOptions): cloudwatch.IMetric;
  /** A model-quality metric of a variant (AUC, Accuracy, RMSE or MAE), against ground truth. */
  metricModelQuality(variantName: string, metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.IMetric;
}

/**
 * Serverless drift detection on an endpoint's captured traffic, AWS's recommended replacement for SageMaker Model
 * Monitor: on a schedule, a Lambda function streams the window's capture files from the lake, compares each feature
 * with a baseline profile (PSI, KS, Jensen-Shannon, chi-square, missing and out-of-range rates), writes a JSON report
 * into the lake, publishes CloudWatch metrics and alarms. Optionally, model quality against ground truth and
 * retraining on drift.
 *
 * @example
 * new DriftMonitor(this, 'Drift', {
 *   endpoint,
 *   features: [{ name: 'tenure', kind: FeatureType.NUMERIC }, { name: 'plan', kind: FeatureType.CATEGORICAL }],
 *   baselineDataset: { zone: lake.zone('features'), key: 'churn/train/train.csv' },
 *   alerts,
 * });
 */
export class DriftMonitor extends Construct implements IDriftMonitor {
  /** The drift function (one per stack, shared by the stack's monitors). */
  public readonly driftFunction: lambda.IFunction;
  /** The schedule of drift runs. */
  public readonly schedule: scheduler.Schedule;
  /** Per variant: fires when any feature drifted in M of the last N windows. */
  public readonly variantDriftAlarms: cloudwatch.Alarm[] = [];
  /** Per variant: breakage alarms (no records, malformed share, missing-rate increase, new-category share). */
  public readonly breakageAlarms: cloudwatch.Alarm[] = [];
  /** Fires when any variant drifts; the one trigger of retraining (when `retrainOnDrift` is given). */
  public readonly retrainTrigger?: cloudwatch.CompositeAlarm;
  /** Per variant and feature (when `perFeatureMetrics`): fires when the feature drifted in M of the last N windows. */
  public readonly featureAlarms: cloudwatch.Alarm[] = [];
  /** Per variant: fires when a quality metric crosses its threshold. */
  public readonly qualityAlarms: cloudwatch.Alarm[] = [];
  /** The baseline profile the windows are compared with. */
  public readonly baselineProfile: BaselineProfileLocation;
  /** The function that computes the baseline profile from the dataset (on demand too), if a dataset is given. */
  public readonly baselineFunction?: lambda.IFunction;
  public readonly endpointName: string;
  public readonly variantNames: string[];
  public readonly featureNames: string[];
  public readonly psiThreshold: number;

  private readonly alarmFactory: AlarmFactory;
  private readonly windowMinutes: number;
  private qualityWindowMinutes = 24 * 60;

  constructor(scope: Construct, id: string, props: DriftMonitorProps) {
    super(scope, id);
    requireProps(this, 'DriftMonitor', props, { endpoint: 'an IModelEndpoint that captures its requests', features: 'a list of features' },
      { features: 'a list of features ({ name, kind })' });
    const capture = props.dataCapture ?? props.endpoint.dataCapture;
    const endpointName = props.endpoint.endpointName;
    const variants = watchedVariants(props.endpoint);
    const severity = props.severity ?? AlarmSeverity.WARNING;
    const { windowMinutes, settlingMinutes } = validate(this, props, capture);
    const tuning = this.resolveAlarmTuning('driftAlarms', props.driftAlarms, Duration.minutes(windowMinutes), severity, 3, 2);
    const decision = this.resolveDecision(props, tuning);
    const perFeatureMetrics = props.perFeatureMetrics ?? props.features.length <= PER_FEATURE_BUDGET;
    this.windowMinutes = windowMinutes;
    this.endpointName = endpointName;
    this.variantNames = [...variants];
    const prediction = props.predictionDrift;
    const predictionName = prediction ? prediction.name ?? DEFAULT_PREDICTION_NAME : undefined;
    this.featureNames = [...props.features.map((f) => f.name), ...(predictionName ? [predictionName] : [])];
    this.psiThreshold = decision.policy.minPsi as number;
    this.alarmFactory = new AlarmFactory(this, props.alerts);

    // One rule for prefixes (normalised to end with '/'), for the grants and for what the handlers receive.
    const prefixErrors = new InputErrors(this, 'DriftMonitor');
    const captureRoot = normalizePrefix(prefixErrors, 'dataCapture.prefix', capture!.prefix)!;
    const reportPrefix = normalizePrefix(prefixErrors, 'reportPrefix', props.reportPrefix ?? 'drift-reports/')!;
    normalizePrefix(prefixErrors, 'modelQuality.groundTruthPrefix', props.modelQuality?.groundTruthPrefix);
    prefixErrors.throwIfAny();
    const zone = capture!.zone;
    this.baselineProfile = props.baselineProfile ?? {
      zone: props.baselineDataset!.zone,
      key: props.baselineDataset!.profileKey ?? `baselines/${props.baselineDataset!.key}.profile.json`,
    };
    const inputs = props.features.map((f, i) => ({ name: f.name, type: f.kind, index: f.index ?? i }));
    // The predictions are profiled like a feature; their capture index (past every input's) is never read from a request.
    const pastInputs = Math.max(...inputs.map((f) => f.index)) + 1;
    const features = prediction ? [...inputs, { name: predictionName!, type: prediction.kind, index: pastInputs }] : inputs;
    const baselineFeatures = [...props.features, ...(prediction ? [prediction] : [])].map((f, i) => ({
      ...features[i],
      ...(f.baselineColumn === undefined ? {} : { baselineColumn: f.baselineColumn }),
      ...(f.baselineIndex === undefined ? {} : { baselineIndex: f.baselineIndex }),
    }));

    // The profile, computed at deploy time from the dataset.
    let profileResource: CfnCustomResource | undefined;
    if (props.baselineDataset) {
      const dataset = props.baselineDataset;
      const fn = HandlerFunction.of(this, {
        handler: 'baseline-profile',
        handlerOptions: props.handlerOptions,
        requestedBy: 'DriftMonitor',
        description: 'cdk-mlops: computes baseline profiles of datasets for drift detection',
        memorySize: 3008,
        timeout: Duration.minutes(15),
      });
      this.baselineFunction = fn.function;
      fn.routeAlarms(this.alarmFactory);
      dataset.zone.grantObjectRead(fn.function, dataset.key);
      this.baselineProfile.zone.grantObjectWrite(fn.function, this.baselineProfile.key);
      if (props.baselineFollowsModel) {
        const name = props.baselineFollowsModel.profileName ?? DEFAULT_MODEL_PROFILE;
        grantObjects(fn.function, props.baselineFollowsModel.modelsZone, [`*/${name}`, name], perms.WRITE_OBJECT_ACTIONS, true,
          'writes a model\'s profile next to its artifacts, named by the training job at run time');
      }
      profileResource = new CfnCustomResource(this, 'BaselineProfile', { serviceToken: fn.function.functionArn });
      profileResource.addOverride('Properties.datasetBucket', dataset.zone.bucket.bucketName);
      profileResource.addOverride('Properties.datasetKey', dataset.key);
      profileResource.addOverride('Properties.format', dataset.format ?? DatasetFormat.CSV);
      profileResource.addOverride('Properties.header', dataset.header ?? false);
      profileResource.addOverride('Properties.features', baselineFeatures);
      if (dataset.labelIndex !== undefined) profileResource.addOverride('Properties.labelIndex', dataset.labelIndex);
      if (dataset.labelColumn !== undefined) profileResource.addOverride('Properties.labelColumn', dataset.labelColumn);
      profileResource.addOverride('Properties.profileBucket', this.baselineProfile.zone.bucket.bucketName);
      profileResource.addOverride('Properties.profileKey', this.baselineProfile.key);
      const policy = fn.function.role?.node.tryFindChild('DefaultPolicy');
      if (policy) {
        profileResource.node.addDependency(policy);
      }
    }

    // The drift runs.
    const drift = HandlerFunction.of(this, {
      handler: 'drift',
      handlerOptions: props.handlerOptions,
      requestedBy: 'DriftMonitor',
      description: 'cdk-mlops: drift statistics of captured endpoint traffic against a baseline profile',
      memorySize: 1024,
      timeout: Duration.minutes(15),
    });
    this.driftFunction = drift.function;
    zone.grantRead(drift.function, `${captureRoot}${endpointName}/`);
    this.baselineProfile.zone.grantObjectRead(drift.function, this.baselineProfile.key);
    zone.grantWrite(drift.function, `${reportPrefix}${endpointName}/`, { allowDelete: false });
    grantPutMetrics(drift.function, DRIFT_NAMESPACE);
    if (props.baselineFollowsModel) {
      grantFindModelProfiles(drift.function, props.endpoint, props.baselineFollowsModel);
    }

    const event = {
      endpointName,
      captureBucket: zone.bucket.bucketName,
      capturePrefix: handlerPrefix(captureRoot),
      baselineBucket: this.baselineProfile.zone.bucket.bucketName,
      baselineKey: this.baselineProfile.key,
      windowMinutes,
      // The schedule's own time, the same on every retry: the window follows it, not the Lambda clock.
      scheduledTime: scheduler.ContextAttribute.scheduledTime.toString(),
      settlingMinutes,
      features: features.map((f) => f.name),
      policy: decision.policy,
      reportBucket: zone.bucket.bucketName,
      reportPrefix: handlerPrefix(reportPrefix),
      metricNamespace: DRIFT_NAMESPACE,
      perFeatureMetrics,
      ...(prediction ? { prediction: predictionEvent(prediction) } : {}),
      ...(props.baselineFollowsModel ? { modelBaseline: { profileName: props.baselineFollowsModel.profileName ?? DEFAULT_MODEL_PROFILE } } : {}),
    };
    this.schedule = new scheduler.Schedule(this, 'Schedule', {
      description: `cdk-mlops drift of endpoint ${endpointName}`,
      schedule: props.schedule ?? scheduler.ScheduleExpression.rate(Duration.hours(1)),
      target: new schedulerTargets.LambdaInvoke(drift.function, {
        input: scheduler.ScheduleTargetInput.fromObject(event),
        retryAttempts: 2,
        role: drift.schedulerRole,
        deadLetterQueue: drift.deadLetterQueue,
      }),
    });
    if (profileResource) {
      this.schedule.node.addDependency(profileResource);
    }

    // Alarms.
    for (const variant of tuning.enabled ? variants : []) {
      this.variantDriftAlarms.push(this.alarm(`Drift-${variant}`, tuning, props.driftAlarms, {
        alarmName: `${endpointName}-variant-${variant}-drift`,
        description: `Variant ${variant} of endpoint ${endpointName} drifted from the baseline in ${tuning.datapointsToAlarm} of the last `
          + `${tuning.evaluationPeriods} windows (calibrated per-feature tests, alpha ${decision.policy.alpha} ${decision.policy.correction}, `
          + `PSI at least ${decision.policy.minPsi}). See the drift reports under ${reportPrefix}.`,
        metric: this.metricDriftDetected(variant, { period: tuning.period }),
        threshold: 1,
        writeDatapoints: true,
      }));
      for (const f of perFeatureMetrics ? features : []) {
        this.featureAlarms.push(this.alarm(`Feature-${variant}-${f.name}`, tuning, props.driftAlarms, {
          alarmName: `${endpointName}-variant-${variant}-feature-${f.name}-drift`,
          description: `Feature ${f.name} of variant ${variant} of endpoint ${endpointName} drifted in ${tuning.datapointsToAlarm} of the last `
            + `${tuning.evaluationPeriods} windows (${f.type === FeatureType.NUMERIC ? 'KS' : 'chi-square'} test rejected and PSI above its floor).`,
          metric: this.metricFeatureDrifted(variant, f.name, { period: tuning.period }),
          threshold: 1,
          writeDatapoints: true,
        }));
      }
    }
    for (const variant of variants) {
      this.defineBreakageAlarms(props.breakage ?? {}, variant, Duration.minutes(windowMinutes), severity);
    }
    drift.routeAlarms(this.alarmFactory);

    // Opt-in retraining: one trigger per monitor, damped. A composite alarm is in ALARM while any variant drifts, and
    // the rule fires only on its transition into ALARM: a second variant drifting, or a variant flapping while another
    // is still in alarm, starts nothing more.
    if (props.retrainOnDrift && this.variantDriftAlarms.length > 0) {
      this.retrainTrigger = this.alarmFactory.composite({
        id: 'RetrainTrigger',
        alarmName: `${endpointName}-drift-retrain`,
        description: `A variant of endpoint ${endpointName} drifted: retraining starts once, on entering ALARM.`,
        alarmRule: cloudwatch.AlarmRule.anyOf(...this.variantDriftAlarms.map((a) => cloudwatch.AlarmRule.fromAlarm(a, cloudwatch.AlarmState.ALARM))),
        severity,
      });
      new events.Rule(this, 'RetrainOnDrift', {
        description: `Retrains when endpoint ${endpointName} drifts`,
        eventPattern: {
          source: ['aws.cloudwatch'],
          detailType: ['CloudWatch Alarm State Change'],
          resources: [this.retrainTrigger.alarmArn],
          detail: { state: { value: ['ALARM'] }, previousState: { value: ['OK', 'INSUFFICIENT_DATA'] } },
        },
        targets: [new targets.SfnStateMachine(props.retrainOnDrift.stateMachine, { retryAttempts: 2 })],
      });
      // The role the CDK defines for the target (one per state machine, `EventsRole`): states:StartExecution on it only.
      const eventsRole = props.retrainOnDrift.stateMachine.node.tryFindChild('EventsRole');
      if (eventsRole) {
        acknowledgeInlinePolicy(eventsRole, 'The role EventBridge assumes to start this one state machine (the CDK\'s role for an '
          + 'EventBridge target, states:StartExecution on it only): inline so that it cannot be attached to any other principal.');
      }
    }

    if (props.modelQuality) {
      this.qualityWindowMinutes = qualityWindowMinutes(props.modelQuality);
      const qualityTuning = this.resolveAlarmTuning('qualityAlarms', props.qualityAlarms, Duration.minutes(this.qualityWindowMinutes), severity);
      this.qualityAlarms.push(...defineModelQuality(this, props.modelQuality, {
        endpointName, variants, capture: capture!, alarmFactory: this.alarmFactory, tuning: qualityTuning,
        omitDatapointsToAlarm: props.qualityAlarms?.datapointsToAlarm === undefined && props.qualityAlarms?.evaluationPeriods === undefined,
        metric: (variant, metricName, options) => this.metricModelQuality(variant, metricName, options),
        grants: { putMetrics: grantPutMetrics },
        handlerOptions: props.handlerOptions,
      }));
    }
  }

  /** 1 when any feature of a variant drifted in a window, else 0 (Maximum over the window): the drift alarm's datapoint. */
  public metricDriftDetected(variantName: string, props?: cloudwatch.MetricOptions): cloudwatch.IMetric {
    return this.driftMetric(DRIFT_NAMESPACE, 'DriftDetected', variantName, {}, this.windowMinutes, props);
  }

  /** The largest PSI among the drifted features of a variant in a window, 0 when none drifted (Maximum over the window). */
  public metricDriftScore(variantName: string, props?: cloudwatch.MetricOptions): cloudwatch.IMetric {
    return this.driftMetric(DRIFT_NAMESPACE, 'DriftScore', variantName, {}, this.windowMinutes, props);
  }

  public metricDriftedFeatureShare(variantName: string, props?: cloudwatch.MetricOptions): cloudwatch.IMetric {
    return this.driftMetric(DRIFT_NAMESPACE, 'DriftedFeatureShare', variantName, {}, this.windowMinutes, props);
  }

  public metricFeatureDrifted(variantName: string, featureName: string, props?: cloudwatch.MetricOptions): cloudwatch.IMetric {
    return this.driftMetric(DRIFT_NAMESPACE, 'FeatureDrifted', variantName, { Feature: featureName }, this.windowMinutes, props);
  }

  public metricFeaturePsi(variantName: string, featureName: string, props?: cloudwatch.MetricOptions): cloudwatch.IMetric {
    return this.driftMetric(DRIFT_NAMESPACE, 'PSI', variantName, { Feature: featureName }, this.windowMinutes, props);
  }

  public metricRecordCount(variantName: string, props?: cloudwatch.MetricOptions): cloudwatch.IMetric {
    return this.driftMetric(DRIFT_NAMESPACE, 'RecordCount', variantName, {}, this.windowMinutes, props);
  }

  public metricMalformedRecords(variantName: string, props?: cloudwatch.MetricOptions): cloudwatch.IMetric {
    return this.driftMetric(DRIFT_NAMESPACE, 'MalformedRecords', variantName, {}, this.windowMinutes, props);
  }

  public metricModelQuality(variantName: string, metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.IMetric {
    return this.driftMetric(QUALITY_NAMESPACE, metricName, variantName, {}, this.qualityWindowMinutes, props);
  }

  /** The metrics the handlers publish: per endpoint and variant (and feature), Maximum over the window by default. */
  private driftMetric(namespace: string, metricName: string, variantName: string, extra: Record<string, string>, windowMinutes: number,
    props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace,
      metricName,
      statistic: 'Maximum',
      period: Duration.minutes(windowMinutes),
      ...props,
      dimensionsMap: { EndpointName: this.endpointName, VariantName: variantName, ...extra, ...props.dimensionsMap },
    });
  }

  private resolveDecision(props: DriftMonitorProps, tuning: ResolvedTuning): ResolvedDriftDecision {
    const errors = new InputErrors(this, 'DriftMonitor');
    const prediction = props.predictionDrift ? [props.predictionDrift.name ?? DEFAULT_PREDICTION_NAME] : [];
    const names = [...props.features.map((f) => f?.name), ...prediction];
    const decision = resolveDriftDecision(errors, props.decision, names, tuning.datapointsToAlarm, tuning.evaluationPeriods);
    errors.throwIfAny();
    return decision;
  }

  private defineBreakageAlarms(b: BreakageAlarmOptions, variant: string, period: Duration, severity: AlarmSeverity): void {
    const tuning = { evaluationPeriods: 1, datapointsToAlarm: 1, severity };
    const add = (id: string, what: string, metricName: string, statistic: string, threshold: number, below: boolean, breaching: boolean) => {
      this.breakageAlarms.push(this.alarmFactory.alarm({
        id: `${id}-${variant}`,
        alarmName: `${this.endpointName}-variant-${variant}-${id.toLowerCase()}`,
        description: `Drift monitoring of variant ${variant} of endpoint ${this.endpointName} is blind or fed broken data: ${what}.`,
        metric: this.driftMetric(DRIFT_NAMESPACE, metricName, variant, {}, this.windowMinutes, { period, statistic }),
        threshold,
        comparisonOperator: below
          ? cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD
          : cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: breaching ? cloudwatch.TreatMissingData.BREACHING : cloudwatch.TreatMissingData.NOT_BREACHING,
        tuning,
      }));
    };
    const minRecords = b.minRecords ?? 1;
    if (minRecords > 0) {
      add('NoRecords', `fewer than ${minRecords} records in a window, or no window reported`, 'RecordCount', 'Sum', minRecords, true, true);
    }
    const share = b.maxMalformedShare ?? 0.05;
    add('Malformed', `at least ${share * 100}% of the capture lines cannot be read`, 'MalformedShare', 'Maximum', share, false, false);
    const missing = b.maxMissingRateIncrease ?? 0.2;
    add('MissingFeature', `a feature's missing rate is ${missing} or more above its baseline`, 'MaxMissingRateIncrease', 'Maximum', missing, false, false);
    const fresh = b.maxNewCategoryShare ?? 0.1;
    add('NewCategories', `a categorical feature's share of values unseen in the baseline is ${fresh} or more above the baseline's`,
      'MaxNewCategoryShare', 'Maximum', fresh, false, false);
  }

  private resolveAlarmTuning(prop: string, tuning: AlarmTuning | undefined, period: Duration, severity: AlarmSeverity,
    evaluationPeriods = 1, datapointsToAlarm = 1): ResolvedTuning {
    const errors = new InputErrors(this, 'DriftMonitor');
    const resolved = resolveTuning(errors, prop, tuning, { period, evaluationPeriods, datapointsToAlarm, severity });
    errors.throwIfAny();
    return resolved;
  }

  private alarm(id: string, tuning: ResolvedTuning, given: AlarmTuning | undefined, spec: {
    alarmName: string; description: string; metric: cloudwatch.IMetric; threshold: number; comparisonOperator?: cloudwatch.ComparisonOperator;
    writeDatapoints?: boolean;
  }): cloudwatch.Alarm {
    const { writeDatapoints, ...rest } = spec;
    return this.alarmFactory.alarm({
      id,
      ...rest,
      comparisonOperator: spec.comparisonOperator ?? cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      tuning,
      // Alarms defined before the factory wrote no DatapointsToAlarm; they still don't unless the user tunes it.
      omitDatapointsToAlarm: !writeDatapoints && given?.datapointsToAlarm === undefined && given?.evaluationPeriods === undefined,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }
}

/** Each run covers one window, and its alarms evaluate one period of that window. */
const WINDOW_LIMIT = 'a rate of at most 7 days: each run covers the preceding window, CloudWatch refuses alarms whose period x evaluation '
  + 'periods pass 604,800 s, and the handlers refuse windows over 10,080 minutes';

/** The drift alarms' default M-of-N: 2 drifted windows of the last 3. */
const DRIFT_EVALUATION_PERIODS = 3;

/**
 * The drift alarms evaluate `driftAlarms.evaluationPeriods` windows (3 by default), and PutMetricAlarm refuses Period x
 * EvaluationPeriods over 604,800 s (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html):
 * the window is at most 7 days / evaluationPeriods. Named on the schedule (or the cron window) the user wrote; a tuned
 * `driftAlarms.period` is checked by the alarm factory instead.
 */
function checkAlarmRange(errors: InputErrors, props: DriftMonitorProps, prop: string, value: unknown, kind: string, windowMinutes: number): void {
  const evaluations = props.driftAlarms?.evaluationPeriods ?? DRIFT_EVALUATION_PERIODS;
  if ((kind !== 'rate' && kind !== 'cron') || props.driftAlarms?.period !== undefined || Token.isUnresolved(evaluations)
    || !Number.isInteger(evaluations) || evaluations < 1) {
    return;
  }
  const longest = Math.floor(MAX_ALARM_WINDOW_MINUTES / evaluations);
  if (windowMinutes > longest) {
    errors.add(prop, value, `a window of at most ${longest} minutes (${Duration.minutes(longest).toHumanString()}): the drift alarms evaluate `
      + `${evaluations} windows (driftAlarms.evaluationPeriods) and CloudWatch refuses alarms whose period x evaluation periods pass 604,800 s`);
  }
}

/** What validate() derives from the props: the window and the settling delay, in minutes. */
interface Validated {
  readonly windowMinutes: number;
  readonly settlingMinutes: number;
}

function validate(scope: Construct, props: DriftMonitorProps, capture: EndpointDataCapture | undefined): Validated {
  const errors = new InputErrors(scope, 'DriftMonitor');
  if (!capture) {
    errors.add('endpoint', props.endpoint.endpointName, 'an endpoint with data capture (ModelEndpoint dataCapture), or give dataCapture');
  } else if (!capture.captureInput) {
    errors.add('endpoint', props.endpoint.endpointName, 'an endpoint that captures its requests (captureInput true): drift is measured on inputs');
  }
  checkPredictionDrift(errors, props.predictionDrift, props.features ?? [], props.baselineDataset, capture?.captureOutput, FEATURE_NAME);
  if (props.endpoint.variantNames.length === 0) {
    errors.add('endpoint', props.endpoint.endpointName, 'an endpoint whose variant names are known (import it with variantNames)');
  }
  if (props.features.length === 0) {
    errors.add('features', props.features, 'a list of at least one feature');
  }
  const seen = new Set<string>();
  props.features.forEach((f, i) => {
    if (f?.kind !== FeatureType.NUMERIC && f?.kind !== FeatureType.CATEGORICAL) {
      errors.add(`features[${i}].kind`, f?.kind, 'FeatureType.NUMERIC or FeatureType.CATEGORICAL');
    }
    if (!FEATURE_NAME.test(f.name)) {
      errors.add(`features[${i}].name`, f.name, '1-255 letters, digits, spaces and _ . : / -');
    }
    if (seen.has(f.name)) {
      errors.add(`features[${i}].name`, f.name, 'unique, but it is listed twice');
    }
    seen.add(f.name);
    if (f.index !== undefined && !(Number.isInteger(f.index) && f.index >= 0)) {
      errors.add(`features[${i}].index`, f.index, 'a whole number >= 0');
    }
    if (f.baselineIndex !== undefined && !(Number.isInteger(f.baselineIndex) && f.baselineIndex >= 0)) {
      errors.add(`features[${i}].baselineIndex`, f.baselineIndex, 'a whole number >= 0');
    }
  });
  checkPositions(errors, props);
  const profileName = props.baselineFollowsModel?.profileName;
  if (profileName !== undefined && !Token.isUnresolved(profileName) && !PROFILE_NAME.test(profileName)) {
    errors.add('baselineFollowsModel.profileName', profileName, 'a file name of 1-255 letters, digits and . _ - (no /)');
  }
  if (props.baselineProfile && props.baselineDataset) {
    errors.addMessage('baselineProfile and baselineDataset are both given: give the baseline either as a profile or as a dataset');
  } else if (!props.baselineProfile && !props.baselineDataset) {
    errors.addMessage('a baseline is needed: give baselineProfile (a profile in the lake) or baselineDataset (computed at deploy time)');
  }
  const b = props.breakage ?? {};
  checkWholeNumber(errors, 'breakage.minRecords', b.minRecords, { min: 0 });
  for (const [prop, v] of [['breakage.maxMalformedShare', b.maxMalformedShare], ['breakage.maxMissingRateIncrease', b.maxMissingRateIncrease],
    ['breakage.maxNewCategoryShare', b.maxNewCategoryShare]] as const) {
    checkNumber(errors, prop, v, { min: 0, minExclusive: true, max: 1 });
  }
  // Every run reads the profile: a zone that expires its objects would break drift from that day on (#23 item 5).
  const profileZone = props.baselineProfile?.zone ?? props.baselineDataset?.zone;
  const expiry = profileZone?.objectExpiration;
  if (profileZone && expiry) {
    const prop = props.baselineProfile ? 'baselineProfile.zone' : 'baselineDataset.zone';
    errors.add(prop, profileZone.zoneName, 'a zone whose objects do not expire (the baseline profile is read on every run, and zone '
      + `'${profileZone.zoneName}' expires its objects after ${expiry.toHumanString()}), e.g. 'features' or 'models'`);
  }

  const schedule = props.schedule ?? scheduler.ScheduleExpression.rate(Duration.hours(1));
  let windowMinutes = 60;
  const parsed = checkSchedule(errors, 'schedule', schedule, {
    minRateMinutes: MIN_WINDOW_MINUTES,
    minRateAllowed: `a rate of at least ${MIN_WINDOW_MINUTES} minutes (SageMaker writes capture files every few minutes)`,
    maxRateMinutes: MAX_ALARM_WINDOW_MINUTES, maxRateAllowed: WINDOW_LIMIT,
  });
  if (parsed.rateMinutes !== undefined) {
    windowMinutes = parsed.rateMinutes;
  } else if (parsed.kind === 'cron') {
    windowMinutes = checkDuration(errors, 'window', props.window, {
      unit: 'minutes', min: MIN_WINDOW_MINUTES, max: MAX_ALARM_WINDOW_MINUTES, allowed: `a whole number of minutes from ${MIN_WINDOW_MINUTES} to 7 days`,
    }) ?? windowMinutes;
    checkCronWindow(scope, errors, schedule.expressionString, props.window, windowMinutes);
  }
  checkAlarmRange(errors, props, parsed.rateMinutes !== undefined ? 'schedule' : 'window',
    parsed.rateMinutes !== undefined ? schedule.expressionString : props.window, parsed.kind, windowMinutes);

  if (props.modelQuality) {
    validateModelQuality(errors, props.modelQuality, capture, props.endpoint.endpointName);
  }
  validateHandlerOptions(errors, 'handlerOptions', props.handlerOptions);
  const settlingMinutes = checkDuration(errors, 'settlingDelay', props.settlingDelay, {
    unit: 'minutes', min: 0, max: windowMinutes, allowed: `a whole number of minutes from 0 to the window (${windowMinutes})`,
  }) ?? 5;
  if (parsed.rateMinutes !== undefined && props.window !== undefined && !props.window.isUnresolved()
    && props.window.toMinutes({ integral: false }) !== parsed.rateMinutes) {
    errors.add('window', props.window, `no window with a rate schedule: each run covers the rate (${parsed.rateMinutes} minutes)`);
  }
  errors.throwIfAny();
  return { windowMinutes, settlingMinutes };
}

/**
 * A cron's window against its period, when the period is plain to see (cron-period.ts): a longer window counts each
 * record in several runs (and their M-of-N alarm sees the same drift twice), so it fails; a shorter one leaves traffic
 * between windows unseen, which may be meant (a daily look at the last hour), so it warns.
 */
function checkCronWindow(scope: Construct, errors: InputErrors, expression: string, window: Duration | undefined, windowMinutes: number): void {
  if (window !== undefined && window.isUnresolved()) return;
  const period = cronPeriodMinutes(expression);
  if (period === undefined) return;
  if (windowMinutes > period) {
    errors.add('window', window ?? `${windowMinutes} minutes (the default)`,
      `at most the schedule's period (${period} minutes, ${expression}): a longer window counts each record in several runs`);
  } else if (windowMinutes < period) {
    Annotations.of(scope).addWarningV2('cdk-mlops:drift-window-gap', `DriftMonitor ${scope.node.path}: the window (${windowMinutes} minutes) is shorter `
      + `than the schedule's period (${period} minutes, ${expression}): the traffic between windows is never checked. Set window to `
      + `Duration.minutes(${period}) to check all of it.`);
  }
}

/**
 * The variants whose captures are watched: the production variants and, on an endpoint that has one, the shadow
 * variant (SageMaker captures the requests and responses of both: docs.aws.amazon.com/sagemaker/latest/dg/
 * shadow-tests-create.html). The shadow's name is read structurally, as `ModelEndpoint` exposes it.
 */
function watchedVariants(endpoint: IModelEndpoint): string[] {
  const shadow = (endpoint as { readonly shadowVariantName?: unknown }).shadowVariantName;
  return typeof shadow === 'string' && !endpoint.variantNames.includes(shadow) ? [...endpoint.variantNames, shadow] : [...endpoint.variantNames];
}

/** Two features on one capture column, on one baseline column, or on the label, cannot both be measured. */
function checkPositions(errors: InputErrors, props: DriftMonitorProps): void {
  const capture = new Map<number, string>();
  const baseline = new Map<number, string>();
  const label = props.baselineDataset?.labelIndex;
  checkWholeNumber(errors, 'baselineDataset.labelIndex', label, { min: 0 });
  (props.features ?? []).forEach((f, i) => {
    const index = f?.index ?? i;
    if (typeof index === 'number' && capture.has(index)) {
      errors.add(`features[${i}].index`, index, `a column no other feature uses, but '${capture.get(index)}' is at ${index}`);
    }
    capture.set(index, f?.name);
    if (f?.baselineIndex !== undefined) {
      if (baseline.has(f.baselineIndex)) {
        errors.add(`features[${i}].baselineIndex`, f.baselineIndex, `a column no other feature uses, but '${baseline.get(f.baselineIndex)}' is at ${f.baselineIndex}`);
      }
      if (label !== undefined && f.baselineIndex === label) {
        errors.add(`features[${i}].baselineIndex`, f.baselineIndex, `a column other than the label's (baselineDataset.labelIndex ${label})`);
      }
      baseline.set(f.baselineIndex, f.name);
    }
  });
}
