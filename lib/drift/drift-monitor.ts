import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { Construct, IConstruct } from 'constructs';
import { BreakageAlarmOptions } from './breakage-alarms';
import { BaselineProfileLocation, DriftMonitorProps, FeatureType } from './drift-monitor-options';
import { grantPutMetrics } from './grants';
import { defineModelQuality, QUALITY_NAMESPACE, qualityWindowMinutes } from './model-quality-wiring';
import { DEFAULT_PREDICTION_NAME } from './prediction-wiring';
import { defineBaselineProfile } from './private-baseline-profile';
import { validate, watchedVariants } from './private-drift-monitor-checks';
import { defineDriftRuns, DRIFT_NAMESPACE, WatchedFeature, watchedFeatures } from './private-drift-runs';
import { defineRetrainOnDrift } from './private-retrain-on-drift';
import { resolveDriftDecision, ResolvedDriftDecision } from './resolve-decision';
import { AlarmSeverity, AlarmTuning } from '../monitoring';
import { AlarmFactory, ResolvedTuning, resolveTuning } from '../private/alarm-factory';
import { normalizePrefix } from '../private/lake-prefix';
import { InputErrors, requireProps } from '../private/validation';
import { EndpointDataCapture } from '../serving';

/** Features up to which per-feature metrics and alarms are on by default. */
const PER_FEATURE_BUDGET = 20;

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
    const { features, baselineFeatures } = watchedFeatures(props);
    this.windowMinutes = windowMinutes;
    this.endpointName = endpointName;
    this.variantNames = [...variants];
    this.featureNames = features.map((f) => f.name);
    this.psiThreshold = decision.policy.minPsi as number;
    this.alarmFactory = new AlarmFactory(this, props.alerts);
    const { captureRoot, reportPrefix } = this.resolvePrefixes(props, capture!);
    this.baselineProfile = props.baselineProfile ?? {
      zone: props.baselineDataset!.zone,
      key: props.baselineDataset!.profileKey ?? `baselines/${props.baselineDataset!.key}.profile.json`,
    };

    // The profile, computed at deploy time from the dataset.
    const profile = props.baselineDataset
      ? defineBaselineProfile(this, props, props.baselineDataset, this.baselineProfile, baselineFeatures, this.alarmFactory)
      : undefined;
    this.baselineFunction = profile?.function;

    // The drift runs, after the profile they read.
    const runs = defineDriftRuns(this, props, {
      capture: capture!, captureRoot, reportPrefix, baselineProfile: this.baselineProfile, features, windowMinutes, settlingMinutes, decision,
      perFeatureMetrics,
    });
    this.driftFunction = runs.handler.function;
    this.schedule = runs.schedule;
    if (profile) {
      this.schedule.node.addDependency(profile.resource);
    }

    // Alarms.
    this.defineDriftAlarms(props, tuning, decision, variants, perFeatureMetrics ? features : [], reportPrefix);
    for (const variant of variants) {
      this.defineBreakageAlarms(props.breakage ?? {}, variant, Duration.minutes(windowMinutes), severity);
    }
    runs.handler.routeAlarms(this.alarmFactory);

    // Opt-in retraining: one trigger per monitor, damped.
    if (props.retrainOnDrift && this.variantDriftAlarms.length > 0) {
      const retrain = defineRetrainOnDrift(this, props.retrainOnDrift, endpointName, this.variantDriftAlarms, this.alarmFactory, severity);
      this.retrainTrigger = retrain.trigger;
    }
    if (props.modelQuality) {
      this.defineQuality(props, variants, capture!, severity);
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
  /** One rule for prefixes (normalised to end with '/'), for the grants and for what the handlers receive. */
  private resolvePrefixes(props: DriftMonitorProps, capture: EndpointDataCapture): { captureRoot: string; reportPrefix: string } {
    const errors = new InputErrors(this, 'DriftMonitor');
    const captureRoot = normalizePrefix(errors, 'dataCapture.prefix', capture.prefix)!;
    const reportPrefix = normalizePrefix(errors, 'reportPrefix', props.reportPrefix ?? 'drift-reports/')!;
    normalizePrefix(errors, 'modelQuality.groundTruthPrefix', props.modelQuality?.groundTruthPrefix);
    errors.throwIfAny();
    return { captureRoot, reportPrefix };
  }

  /** Per variant, the drift alarm; per variant and feature (`features` is empty without per-feature metrics), the feature's. */
  private defineDriftAlarms(props: DriftMonitorProps, tuning: ResolvedTuning, decision: ResolvedDriftDecision, variants: string[],
    features: WatchedFeature[], reportPrefix: string): void {
    const endpointName = this.endpointName;
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
      for (const f of features) {
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
  }

  /** Model quality against ground truth: its function, schedule and alarms (model-quality-wiring.ts). */
  private defineQuality(props: DriftMonitorProps, variants: string[], capture: EndpointDataCapture, severity: AlarmSeverity): void {
    const quality = props.modelQuality!;
    this.qualityWindowMinutes = qualityWindowMinutes(quality);
    const qualityTuning = this.resolveAlarmTuning('qualityAlarms', props.qualityAlarms, Duration.minutes(this.qualityWindowMinutes), severity);
    this.qualityAlarms.push(...defineModelQuality(this, quality, {
      endpointName: this.endpointName, variants, capture, alarmFactory: this.alarmFactory, tuning: qualityTuning,
      omitDatapointsToAlarm: props.qualityAlarms?.datapointsToAlarm === undefined && props.qualityAlarms?.evaluationPeriods === undefined,
      metric: (variant, metricName, options) => this.metricModelQuality(variant, metricName, options),
      grants: { putMetrics: grantPutMetrics },
      handlerOptions: props.handlerOptions,
    }));
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
