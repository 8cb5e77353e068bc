import { CfnCustomResource, Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct, IConstruct } from 'constructs';
import { ModelQualityOptions } from './model-quality';
import { defineModelQuality, QUALITY_NAMESPACE, qualityWindowMinutes, validateModelQuality } from './model-quality-wiring';
import * as perms from './perms';
import { ILakeZone } from '../data-lake';
import { AlarmSeverity, AlarmTuning, IAlertTopics } from '../monitoring';
import { AlarmFactory, ResolvedTuning, resolveTuning } from '../private/alarm-factory';
import { HandlerFunction } from '../private/handler-function';
import { acknowledgeWildcardResources } from '../private/nag';
import { checkSchedule } from '../private/schedules';
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
  readonly type: FeatureType;
  /**
   * The 0-based column of the feature in CSV payloads and CSV baselines.
   *
   * @default - its position in `features`
   */
  readonly index?: number;
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
   * Where the profile is written, in the same zone.
   *
   * @default - `baselines/<dataset key>.profile.json`
   */
  readonly profileKey?: string;
}

/** When a feature, or a window, counts as drifted. */
export interface DriftThresholds {
  /**
   * A feature drifts when its population stability index is above this (> 0).
   *
   * @default 0.2 - the usual "significant shift" level
   */
  readonly psi?: number;
  /**
   * A numeric feature drifts when its two-sample KS statistic is above this, in (0, 1].
   *
   * @default 0.1
   */
  readonly ks?: number;
  /**
   * A categorical feature drifts when its Jensen-Shannon distance (base 2) is above this, in (0, 1].
   *
   * @default 0.1
   */
  readonly jsDistance?: number;
  /**
   * The window alarms when the share of drifted features is at least this, in (0, 1].
   *
   * @default 0.3
   */
  readonly driftedShare?: number;
  /**
   * Features with fewer values in a window are reported but not judged (>= 1).
   *
   * @default 100
   */
  readonly minSamples?: number;
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
   * Drift thresholds.
   *
   * @default - PSI 0.2, KS 0.1, JS distance 0.1, drifted share 0.3, 100 samples
   */
  readonly thresholds?: DriftThresholds;

  /**
   * Where alarms notify.
   *
   * @default - the alarms have no actions
   */
  readonly alerts?: IAlertTopics;

  /**
   * The severity of drift alarms.
   *
   * @default AlarmSeverity.WARNING
   */
  readonly severity?: AlarmSeverity;

  /**
   * How the drift alarms (drifted share and per feature) are evaluated.
   *
   * @default - one period of the window, 1 of 1 datapoints, `severity`
   */
  readonly driftAlarms?: AlarmTuning;

  /**
   * How the model-quality alarms are evaluated.
   *
   * @default - one period of the quality schedule's rate, 1 of 1 datapoints, `severity`
   */
  readonly qualityAlarms?: AlarmTuning;

  /**
   * A training pipeline started when the drifted share alarm fires (opt-in retraining on drift).
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
const MIN_WINDOW_MINUTES = 10;
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
  /** The PSI threshold of the features. */
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
 *   features: [{ name: 'tenure', type: FeatureType.NUMERIC }, { name: 'plan', type: FeatureType.CATEGORICAL }],
 *   baselineDataset: { zone: lake.zone('features'), key: 'churn/train/train.csv' },
 *   alerts,
 * });
 */
export class DriftMonitor extends Construct implements IDriftMonitor {
  /** The drift function (one per stack, shared by the stack's monitors). */
  public readonly driftFunction: lambda.IFunction;
  /** The schedule of drift runs. */
  public readonly schedule: scheduler.Schedule;
  /** Per variant: fires when the share of drifted features reaches its threshold. */
  public readonly driftedShareAlarms: cloudwatch.Alarm[] = [];
  /** Per variant and feature: fires when the feature drifts. */
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
      { features: 'a list of features ({ name, type })' });
    const capture = props.dataCapture ?? props.endpoint.dataCapture;
    const endpointName = props.endpoint.endpointName;
    const variants = props.endpoint.variantNames;
    const thresholds = props.thresholds ?? {};
    const windowMinutes = validate(this, props, capture);
    this.windowMinutes = windowMinutes;
    this.endpointName = endpointName;
    this.variantNames = [...variants];
    this.featureNames = props.features.map((f) => f.name);
    this.psiThreshold = thresholds.psi ?? 0.2;
    this.alarmFactory = new AlarmFactory(this, props.alerts);

    const reportPrefix = props.reportPrefix ?? 'drift-reports/';
    const zone = capture!.zone;
    this.baselineProfile = props.baselineProfile ?? {
      zone: props.baselineDataset!.zone,
      key: props.baselineDataset!.profileKey ?? `baselines/${props.baselineDataset!.key}.profile.json`,
    };
    const features = props.features.map((f, i) => ({ name: f.name, type: f.type, index: f.index ?? i }));

    // The profile, computed at deploy time from the dataset.
    let profileResource: CfnCustomResource | undefined;
    if (props.baselineDataset) {
      const dataset = props.baselineDataset;
      const fn = HandlerFunction.of(this, {
        handler: 'baseline-profile',
        description: 'cdk-mlops: computes baseline profiles of datasets for drift detection',
        memorySize: 3008,
        timeout: Duration.minutes(15),
      });
      this.baselineFunction = fn.function;
      this.alarmFactory.route(fn.errorsAlarm, AlarmSeverity.WARNING);
      grantObjects(fn.function, dataset.zone, [dataset.key], perms.READ_OBJECT_ACTIONS, false, 'reads the baseline dataset');
      grantObjects(fn.function, this.baselineProfile.zone, [this.baselineProfile.key], perms.WRITE_OBJECT_ACTIONS, true,
        'writes the baseline profile');
      profileResource = new CfnCustomResource(this, 'BaselineProfile', { serviceToken: fn.function.functionArn });
      profileResource.addOverride('Properties.datasetBucket', dataset.zone.bucket.bucketName);
      profileResource.addOverride('Properties.datasetKey', dataset.key);
      profileResource.addOverride('Properties.format', dataset.format ?? DatasetFormat.CSV);
      profileResource.addOverride('Properties.header', dataset.header ?? false);
      profileResource.addOverride('Properties.features', features);
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
      description: 'cdk-mlops: drift statistics of captured endpoint traffic against a baseline profile',
      memorySize: 1024,
      timeout: Duration.minutes(15),
    });
    this.driftFunction = drift.function;
    const capturePrefix = `${capture!.prefix}${endpointName}/`;
    grantList(drift.function, zone, capturePrefix);
    grantObjects(drift.function, zone, [`${capturePrefix}*`], perms.READ_OBJECT_ACTIONS, false, 'reads the capture files, named by SageMaker at run time');
    grantObjects(drift.function, this.baselineProfile.zone, [this.baselineProfile.key], perms.READ_OBJECT_ACTIONS, false, 'reads the baseline profile');
    grantObjects(drift.function, zone, [`${reportPrefix}${endpointName}/*`], perms.WRITE_OBJECT_ACTIONS, true,
      'writes one report per variant and window, named by the window');
    grantPutMetrics(drift.function, DRIFT_NAMESPACE);

    const event = {
      endpointName,
      captureBucket: zone.bucket.bucketName,
      capturePrefix: capture!.prefix.replace(/\/+$/, ''),
      baselineBucket: this.baselineProfile.zone.bucket.bucketName,
      baselineKey: this.baselineProfile.key,
      windowMinutes,
      features: features.map((f) => f.name),
      thresholds: { psi: thresholds.psi ?? 0.2, ks: thresholds.ks ?? 0.1, js: thresholds.jsDistance ?? 0.1, minCount: thresholds.minSamples ?? 100 },
      reportBucket: zone.bucket.bucketName,
      reportPrefix: reportPrefix.replace(/\/+$/, ''),
      metricNamespace: DRIFT_NAMESPACE,
    };
    this.schedule = new scheduler.Schedule(this, 'Schedule', {
      description: `cdk-mlops drift of endpoint ${endpointName}`,
      schedule: props.schedule ?? scheduler.ScheduleExpression.rate(Duration.hours(1)),
      target: new schedulerTargets.LambdaInvoke(drift.function, {
        input: scheduler.ScheduleTargetInput.fromObject(event),
        retryAttempts: 2,
        role: drift.schedulerRole,
      }),
    });
    if (profileResource) {
      this.schedule.node.addDependency(profileResource);
    }

    // Alarms.
    const severity = props.severity ?? AlarmSeverity.WARNING;
    const tuning = this.resolveAlarmTuning('driftAlarms', props.driftAlarms, Duration.minutes(windowMinutes), severity);
    for (const variant of tuning.enabled ? variants : []) {
      this.driftedShareAlarms.push(this.alarm(`DriftedShare-${variant}`, tuning, props.driftAlarms, {
        alarmName: `${endpointName}-variant-${variant}-drifted-share`,
        description: `At least ${(thresholds.driftedShare ?? 0.3) * 100}% of the watched features of variant `
          + `${variant} of endpoint ${endpointName} drifted from the baseline. See the drift reports under ${reportPrefix}.`,
        metric: this.metricDriftedFeatureShare(variant, { period: tuning.period }),
        threshold: thresholds.driftedShare ?? 0.3,
      }));
      for (const f of features) {
        this.featureAlarms.push(this.alarm(`Feature-${variant}-${f.name}`, tuning, props.driftAlarms, {
          alarmName: `${endpointName}-variant-${variant}-feature-${f.name}-drift`,
          description: `Feature ${f.name} of variant ${variant} of endpoint ${endpointName} drifted `
            + `(${f.type === FeatureType.NUMERIC ? 'PSI or KS' : 'PSI or JS distance'} above its threshold).`,
          metric: this.metricFeatureDrifted(variant, f.name, { period: tuning.period }),
          threshold: 1,
        }));
      }
    }
    this.alarmFactory.route(drift.errorsAlarm, AlarmSeverity.WARNING);

    // Opt-in retraining: the drifted share alarm starts the training pipeline.
    if (props.retrainOnDrift) {
      new events.Rule(this, 'RetrainOnDrift', {
        description: `Retrains when endpoint ${endpointName} drifts`,
        eventPattern: {
          source: ['aws.cloudwatch'],
          detailType: ['CloudWatch Alarm State Change'],
          resources: this.driftedShareAlarms.map((a) => a.alarmArn),
          detail: { state: { value: ['ALARM'] } },
        },
        targets: [new targets.SfnStateMachine(props.retrainOnDrift.stateMachine, { retryAttempts: 2 })],
      });
    }

    if (props.modelQuality) {
      this.qualityWindowMinutes = qualityWindowMinutes(props.modelQuality);
      const qualityTuning = this.resolveAlarmTuning('qualityAlarms', props.qualityAlarms, Duration.minutes(this.qualityWindowMinutes), severity);
      this.qualityAlarms.push(...defineModelQuality(this, props.modelQuality, {
        endpointName, variants, capture: capture!, alarmFactory: this.alarmFactory, tuning: qualityTuning,
        omitDatapointsToAlarm: props.qualityAlarms?.datapointsToAlarm === undefined && props.qualityAlarms?.evaluationPeriods === undefined,
        metric: (variant, metricName, options) => this.metricModelQuality(variant, metricName, options),
        grants: {
          list: grantList,
          read: (fn, z, keys, why) => grantObjects(fn, z, keys, perms.READ_OBJECT_ACTIONS, false, why),
          write: (fn, z, keys, why) => grantObjects(fn, z, keys, perms.WRITE_OBJECT_ACTIONS, true, why),
          putMetrics: grantPutMetrics,
        },
      }));
    }
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

  private resolveAlarmTuning(prop: string, tuning: AlarmTuning | undefined, period: Duration, severity: AlarmSeverity): ResolvedTuning {
    const errors = new InputErrors(this, 'DriftMonitor');
    const resolved = resolveTuning(errors, prop, tuning, { period, evaluationPeriods: 1, datapointsToAlarm: 1, severity });
    errors.throwIfAny();
    return resolved;
  }

  private alarm(id: string, tuning: ResolvedTuning, given: AlarmTuning | undefined, spec: {
    alarmName: string; description: string; metric: cloudwatch.IMetric; threshold: number; comparisonOperator?: cloudwatch.ComparisonOperator;
  }): cloudwatch.Alarm {
    return this.alarmFactory.alarm({
      id,
      ...spec,
      comparisonOperator: spec.comparisonOperator ?? cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      tuning,
      // Alarms defined before the factory wrote no DatapointsToAlarm; they still don't unless the user tunes it.
      omitDatapointsToAlarm: given?.datapointsToAlarm === undefined && given?.evaluationPeriods === undefined,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }
}

/** Checks the props; returns the window in minutes. */
function validate(scope: Construct, props: DriftMonitorProps, capture: EndpointDataCapture | undefined): number {
  const errors = new InputErrors(scope, 'DriftMonitor');
  if (!capture) {
    errors.add('endpoint', props.endpoint.endpointName, 'an endpoint with data capture (ModelEndpoint dataCapture), or give dataCapture');
  } else if (!capture.captureInput) {
    errors.add('endpoint', props.endpoint.endpointName, 'an endpoint that captures its requests (captureInput true): drift is measured on inputs');
  }
  if (props.endpoint.variantNames.length === 0) {
    errors.add('endpoint', props.endpoint.endpointName, 'an endpoint whose variant names are known (import it with variantNames)');
  }
  if (props.features.length === 0) {
    errors.add('features', props.features, 'a list of at least one feature');
  }
  const seen = new Set<string>();
  props.features.forEach((f, i) => {
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
  });
  if (props.baselineProfile && props.baselineDataset) {
    errors.addMessage('baselineProfile and baselineDataset are both given: give the baseline either as a profile or as a dataset');
  } else if (!props.baselineProfile && !props.baselineDataset) {
    errors.addMessage('a baseline is needed: give baselineProfile (a profile in the lake) or baselineDataset (computed at deploy time)');
  }
  const t = props.thresholds ?? {};
  const share = { min: 0, minExclusive: true, max: 1 };
  checkNumber(errors, 'thresholds.psi', t.psi, { min: 0, minExclusive: true });
  checkNumber(errors, 'thresholds.ks', t.ks, share);
  checkNumber(errors, 'thresholds.jsDistance', t.jsDistance, share);
  checkNumber(errors, 'thresholds.driftedShare', t.driftedShare, { ...share, allowed: 'a share in (0, 1]' });
  checkWholeNumber(errors, 'thresholds.minSamples', t.minSamples, { min: 1 });

  const schedule = props.schedule ?? scheduler.ScheduleExpression.rate(Duration.hours(1));
  let windowMinutes = 60;
  const parsed = checkSchedule(errors, 'schedule', schedule, {
    minRateMinutes: MIN_WINDOW_MINUTES,
    minRateAllowed: `a rate of at least ${MIN_WINDOW_MINUTES} minutes (SageMaker writes capture files every few minutes)`,
  });
  if (parsed.rateMinutes !== undefined) {
    windowMinutes = parsed.rateMinutes;
  } else if (parsed.kind === 'cron') {
    windowMinutes = checkDuration(errors, 'window', props.window, {
      unit: 'minutes', min: MIN_WINDOW_MINUTES, max: 7 * 24 * 60, allowed: `a whole number of minutes from ${MIN_WINDOW_MINUTES} to 7 days`,
    }) ?? windowMinutes;
  }

  if (props.modelQuality) {
    validateModelQuality(errors, props.modelQuality, capture, props.endpoint.endpointName);
  }
  errors.throwIfAny();
  return windowMinutes;
}

/** s3:ListBucket on the zone's bucket, only for keys under `prefix`. */
function grantList(fn: lambda.IFunction, zone: ILakeZone, prefix: string): void {
  fn.addToRolePolicy(new iam.PolicyStatement({
    actions: perms.LIST_ACTIONS,
    resources: [zone.bucket.bucketArn],
    conditions: { StringLike: { 's3:prefix': [`${prefix}*`] } },
  }));
}

/** Exact object actions on keys or key patterns of a zone, with the zone key's KMS actions; acknowledges the patterns. */
function grantObjects(fn: lambda.IFunction, zone: ILakeZone, keys: string[], actions: string[], write: boolean, why: string): void {
  const arns = keys.map((k) => zone.bucket.arnForObjects(k));
  fn.addToRolePolicy(new iam.PolicyStatement({ actions, resources: arns }));
  if (zone.encryptionKey) {
    fn.addToRolePolicy(new iam.PolicyStatement({
      actions: write ? perms.KMS_ENCRYPT_ACTIONS : perms.KMS_DECRYPT_ACTIONS,
      resources: [zone.encryptionKey.keyArn],
    }));
  }
  const patterns = arns.filter((_, i) => keys[i].endsWith('*'));
  const policy = fn.role?.node.tryFindChild('DefaultPolicy');
  if (policy && patterns.length > 0) {
    acknowledgeWildcardResources(policy, patterns, `The function ${why}: ${actions.join(', ')} only, under this prefix.`);
  }
}

function grantPutMetrics(fn: lambda.IFunction, namespace: string): void {
  fn.addToRolePolicy(new iam.PolicyStatement({
    actions: perms.PUT_METRIC_ACTIONS,
    resources: ['*'],
    conditions: { StringEquals: { 'cloudwatch:namespace': namespace } },
  }));
  const policy = fn.role?.node.tryFindChild('DefaultPolicy');
  if (policy) {
    acknowledgeWildcardResources(policy, ['*'], 'cloudwatch:PutMetricData has no resource-level permissions; a condition limits it '
      + 'to the cdk-mlops namespaces.');
  }
}
