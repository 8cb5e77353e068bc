/**
 * The model-quality part of a DriftMonitor: its checks, its function, grants, schedule and alarms. Not exported
 * from the package: DriftMonitor calls it with its own scope, so construct ids stay those of the monitor.
 */
import { Duration, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import { ModelOutputMapping, ModelOutputPreset, ModelQualityOptions, ProblemType } from './model-quality';
import { HandlerOptions } from '../monitoring/handler-options';
import { AlarmFactory, ResolvedTuning } from '../private/alarm-factory';
import { HandlerFunction } from '../private/handler-function';
import { handlerPrefix } from '../private/lake-prefix';
import { checkSchedule, rateMinutes } from '../private/schedules';
import { checkDuration, checkNumber, checkWholeNumber, InputErrors } from '../private/validation';
import { EndpointDataCapture } from '../serving';

export const QUALITY_NAMESPACE = 'cdk-mlops/ModelQuality';
const MAX_LOOKBACK_DAYS = 90;
/** PutMetricAlarm: Period x EvaluationPeriods can't be more than 604,800 seconds (7 days) for periods of an hour or more. */
const MAX_ALARM_RANGE_MINUTES = 7 * 24 * 60;
/** The quality alarms evaluate one window: the alarm factory's tuning allows period x evaluationPeriods of 1 day at most. */
const MAX_WINDOW_MINUTES = 24 * 60;

/**
 * The grants a DriftMonitor gives its functions beyond the lake's (lake objects are granted through the zones' own grants:
 * ListBucket only under the prefix, KMS only through S3).
 */
export interface QualityGrants {
  putMetrics(fn: lambda.IFunction, namespace: string): void;
}

export interface QualityContext {
  readonly endpointName: string;
  readonly variants: string[];
  readonly capture: EndpointDataCapture;
  /** The monitor's alarm factory, and the resolved `qualityAlarms` tuning. */
  readonly alarmFactory: AlarmFactory;
  readonly tuning: ResolvedTuning;
  /** Alarms defined before the factory wrote no DatapointsToAlarm; they still don't unless the user tunes it. */
  readonly omitDatapointsToAlarm: boolean;
  /** The monitor's metricModelQuality(). */
  readonly metric: (variantName: string, metricName: string, options: cloudwatch.MetricOptions) => cloudwatch.IMetric;
  readonly grants: QualityGrants;
  /** The monitor's handlerOptions. */
  readonly handlerOptions?: HandlerOptions;
}

/** The ground-truth prefix with exactly one trailing slash. */
export function groundTruthPrefixOf(q: ModelQualityOptions): string {
  return `${q.groundTruthPrefix.replace(/\/+$/, '')}/`;
}

/** The window of each run: the rate of the quality schedule (daily by default). */
export function qualityWindowMinutes(q: ModelQualityOptions): number {
  return windowMinutesOf(q);
}

function windowMinutesOf(q: ModelQualityOptions): number {
  return (q.schedule ? rateMinutes(q.schedule) : undefined) ?? 24 * 60;
}

function checkMapping(errors: InputErrors, m: ModelOutputMapping): void {
  for (const k of ['csvColumn', 'labelCsvColumn', 'probabilityIndex'] as const) {
    checkWholeNumber(errors, `modelQuality.outputMapping.${k}`, m[k], { min: 0, max: 10_000 });
  }
  if (m.jsonPath === undefined && m.csvColumn === undefined && m.labelJsonPath === undefined && m.labelCsvColumn === undefined) {
    errors.addMessage('modelQuality.outputMapping must name at least one of jsonPath, csvColumn, labelJsonPath, labelCsvColumn');
  }
}

/** Which thresholds apply to which problem type. */
const THRESHOLDS_OF: Record<ProblemType, ReadonlyArray<keyof ModelQualityOptions>> = {
  [ProblemType.BINARY_CLASSIFICATION]: ['minAuc', 'minAccuracy'],
  [ProblemType.MULTICLASS_CLASSIFICATION]: ['minAccuracy', 'minMacroF1'],
  [ProblemType.REGRESSION]: ['maxRmse', 'maxMae'],
};

/** Checks the model-quality options (collects into the monitor's errors). */
export function validateModelQuality(errors: InputErrors, q: ModelQualityOptions, capture: EndpointDataCapture | undefined,
  endpointName: string): void {
  // Required by the types; checked for JavaScript callers.
  if (!q.groundTruthZone || q.groundTruthPrefix === undefined) {
    errors.addMessage('modelQuality needs groundTruthZone and groundTruthPrefix: where the ground-truth files land');
  } else if (!Token.isUnresolved(q.groundTruthPrefix) && (typeof q.groundTruthPrefix !== 'string' || q.groundTruthPrefix.replace(/\/+$/, '') === '')) {
    errors.add('modelQuality.groundTruthPrefix', q.groundTruthPrefix,
      "a key prefix that is not empty (e.g. 'ground-truth/churn/'): the files go under <prefix>yyyy/mm/dd/hh/");
  }
  const types = Object.values(ProblemType) as string[];
  const known = types.includes(q.problemType);
  if (!known) {
    errors.add('modelQuality.problemType', q.problemType, 'ProblemType.BINARY_CLASSIFICATION, ProblemType.MULTICLASS_CLASSIFICATION or ProblemType.REGRESSION');
  }
  if (capture && !capture.captureOutput) {
    errors.add('endpoint', endpointName, 'an endpoint that captures its responses (captureOutput true) for modelQuality');
  }
  if (q.schedule) {
    checkSchedule(errors, 'modelQuality.schedule', q.schedule, {
      minRateMinutes: 60, minRateAllowed: 'a rate of at least 1 hour (ground truth arrives in batches)',
      maxRateMinutes: MAX_WINDOW_MINUTES, maxRateAllowed: 'a rate of at most 1 day (the quality alarms evaluate one window)',
      cron: false, cronReason: 'each run covers the preceding window of that length',
    });
  }
  if (q.outputPreset !== undefined && q.outputMapping !== undefined) {
    errors.addMessage(`modelQuality.outputPreset ('${q.outputPreset}') and modelQuality.outputMapping are both given: give a preset or a mapping, not both`);
  } else if (q.outputPreset !== undefined && !(Object.values(ModelOutputPreset) as string[]).includes(q.outputPreset)) {
    errors.add('modelQuality.outputPreset', q.outputPreset, `one of ModelOutputPreset (${Object.values(ModelOutputPreset).join(', ')})`);
  }
  if (q.outputMapping !== undefined) checkMapping(errors, q.outputMapping);

  if (known && q.problemType !== ProblemType.BINARY_CLASSIFICATION) {
    for (const k of ['positiveLabel', 'threshold'] as const) {
      if (q[k] !== undefined) errors.add(`modelQuality.${k}`, q[k], `left out for ${q.problemType} (it applies to ProblemType.BINARY_CLASSIFICATION)`);
    }
  }
  if (typeof q.positiveLabel === 'string' && !Token.isUnresolved(q.positiveLabel) && q.positiveLabel.trim() === '') {
    errors.add('modelQuality.positiveLabel', q.positiveLabel, 'a label that is not empty');
  }
  checkNumber(errors, 'modelQuality.threshold', q.threshold, { min: 0, max: 1, allowed: 'a number in [0, 1]' });
  if (known) {
    const allowed = THRESHOLDS_OF[q.problemType];
    for (const k of ['minAuc', 'minAccuracy', 'minMacroF1', 'maxRmse', 'maxMae'] as const) {
      if (q[k] !== undefined && !allowed.includes(k)) {
        errors.add(`modelQuality.${k}`, q[k], `left out for ${q.problemType} (its thresholds are ${allowed.join(', ')})`);
      }
    }
  }
  for (const k of ['minAuc', 'minAccuracy', 'minMacroF1'] as const) checkNumber(errors, `modelQuality.${k}`, q[k], { min: 0, minExclusive: true, max: 1 });
  for (const k of ['maxRmse', 'maxMae'] as const) checkNumber(errors, `modelQuality.${k}`, q[k], { min: 0, minExclusive: true });
  checkNumber(errors, 'modelQuality.maxUnmatchedOutputShare', q.maxUnmatchedOutputShare, { min: 0, minExclusive: true, max: 1, allowed: 'a share in (0, 1]' });
  checkWholeNumber(errors, 'modelQuality.minJoinedRecords', q.minJoinedRecords, { min: 1 });
  checkDuration(errors, 'modelQuality.captureLookback', q.captureLookback, {
    unit: 'hours', min: 0, max: MAX_LOOKBACK_DAYS * 24, allowed: `a whole number of hours from 0 to ${MAX_LOOKBACK_DAYS} days`,
  });
  const w = windowMinutesOf(q);
  checkDuration(errors, 'modelQuality.maxLabelGap', q.maxLabelGap, {
    unit: 'minutes', whole: false, min: w, max: MAX_ALARM_RANGE_MINUTES,
    allowed: `a duration from one window (${Duration.minutes(w).toHumanString()}) to 7 days (CloudWatch evaluates an alarm over 7 days at most)`,
  });
}

/** The event each scheduled run sends the handler (lambda/model-quality/request.ts). */
export function qualityEvent(q: ModelQualityOptions, c: QualityContext, windowMinutes: number): Record<string, unknown> {
  const m = q.outputMapping;
  return {
    endpointName: c.endpointName,
    captureBucket: c.capture.zone.bucket.bucketName,
    capturePrefix: handlerPrefix(c.capture.zone.normalizePrefix(c.capture.prefix)),
    groundTruthBucket: q.groundTruthZone.bucket.bucketName,
    groundTruthPrefix: groundTruthPrefixOf(q),
    problemType: q.problemType,
    ...(m ? {
      output: {
        scorePaths: m.jsonPath !== undefined ? [m.jsonPath] : undefined,
        scoreColumn: m.csvColumn,
        probabilityIndex: m.probabilityIndex,
        labelPaths: m.labelJsonPath !== undefined ? [m.labelJsonPath] : undefined,
        labelColumn: m.labelCsvColumn,
        probabilityOfPredictedLabel: m.probabilityOfPredictedLabel,
      },
    } : { outputPreset: q.outputPreset ?? ModelOutputPreset.PLAIN_SCORE }),
    positiveLabel: q.positiveLabel,
    threshold: q.threshold,
    windowMinutes,
    captureLookbackHours: (q.captureLookback ?? Duration.days(2)).toHours(),
    reportBucket: c.capture.zone.bucket.bucketName,
    reportPrefix: 'model-quality-reports',
    metricNamespace: QUALITY_NAMESPACE,
  };
}

interface QualityCheck {
  readonly metricName: string;
  readonly threshold: number;
  readonly kind: 'min' | 'max';
  /** A missing datum, with enough joined labels, breaches (AUC: one class only). */
  readonly missingBreaches: boolean;
}

function checksOf(q: ModelQualityOptions): QualityCheck[] {
  const all: Array<[string, number | undefined, 'min' | 'max', boolean]> = q.problemType === ProblemType.REGRESSION
    ? [['RMSE', q.maxRmse, 'max', false], ['MAE', q.maxMae, 'max', false]]
    : q.problemType === ProblemType.MULTICLASS_CLASSIFICATION
      ? [['Accuracy', q.minAccuracy, 'min', false], ['MacroF1', q.minMacroF1, 'min', false]]
      : [['AUC', q.minAuc ?? 0.7, 'min', true], ['Accuracy', q.minAccuracy, 'min', false]];
  return all.filter((c) => c[1] !== undefined)
    .map(([metricName, threshold, kind, missingBreaches]) => ({ metricName, threshold: threshold!, kind, missingBreaches }));
}

/** Defines the model-quality function, schedule and alarms in `scope` (the DriftMonitor); returns the alarms. */
export function defineModelQuality(scope: Construct, q: ModelQualityOptions, c: QualityContext): cloudwatch.Alarm[] {
  const fn = HandlerFunction.of(scope, {
    handler: 'model-quality',
    handlerOptions: c.handlerOptions,
    requestedBy: 'DriftMonitor',
    description: 'cdk-mlops: model quality of an endpoint from ground truth joined with captured outputs',
    memorySize: 2048,
    timeout: Duration.minutes(15),
  });
  // The one prefix rule (lib/private/lake-prefix.ts) for the grants and the handler's event alike.
  const capturePrefix = `${c.capture.zone.normalizePrefix(c.capture.prefix)}${c.endpointName}/`;
  const gtPrefix = groundTruthPrefixOf(q);
  c.capture.zone.grantRead(fn.function, capturePrefix);
  q.groundTruthZone.grantRead(fn.function, gtPrefix);
  c.capture.zone.grantWrite(fn.function, `model-quality-reports/${c.endpointName}/`, { allowDelete: false });
  c.grants.putMetrics(fn.function, QUALITY_NAMESPACE);

  const schedule = q.schedule ?? scheduler.ScheduleExpression.rate(Duration.days(1));
  const windowMinutes = windowMinutesOf(q);
  new scheduler.Schedule(scope, 'QualitySchedule', {
    description: `cdk-mlops model quality of endpoint ${c.endpointName}`,
    schedule,
    target: new schedulerTargets.LambdaInvoke(fn.function, {
      input: scheduler.ScheduleTargetInput.fromObject(qualityEvent(q, c, windowMinutes)),
      retryAttempts: 2,
      role: fn.schedulerRole,
      deadLetterQueue: fn.deadLetterQueue,
    }),
  });
  fn.routeAlarms(c.alarmFactory);

  const t = c.tuning;
  const period = t.period;
  const minJoined = q.minJoinedRecords ?? 100;
  const gapMinutes = q.maxLabelGap?.toMinutes({ integral: false }) ?? Math.max(3 * 24 * 60, windowMinutes);
  const gapPeriods = Math.ceil(gapMinutes / Math.max(1, period.toMinutes({ integral: false })));
  const alarms: cloudwatch.Alarm[] = [];
  for (const variant of t.enabled ? c.variants : []) {
    const joined = c.metric(variant, 'JoinedRecords', { period, statistic: 'Sum' });
    for (const check of checksOf(q)) {
      // Judged only with enough joined labels; below that the expression sits on the healthy side of the threshold.
      const healthy = check.kind === 'min' ? 1 : 0;
      const value = check.missingBreaches ? 'FILL(m, 0)' : 'm';
      alarms.push(c.alarmFactory.alarm({
        id: `Quality-${variant}-${check.metricName}`,
        alarmName: `${c.endpointName}-variant-${variant}-quality-${check.metricName.toLowerCase()}`,
        description: `The ${check.metricName} of variant ${variant} of endpoint ${c.endpointName} is `
          + `${check.kind === 'min' ? 'below' : 'above'} ${check.threshold}, measured against ground truth`
          + `${check.missingBreaches ? ' (or could not be computed: one class only)' : ''}; judged in windows with at least ${minJoined} joined labels.`,
        metric: new cloudwatch.MathExpression({
          expression: `IF(joined >= ${minJoined}, ${value}, ${healthy})`,
          usingMetrics: { joined, m: c.metric(variant, check.metricName, { period, statistic: check.kind === 'min' ? 'Minimum' : 'Maximum' }) },
          period,
          label: check.metricName,
        }),
        threshold: check.threshold,
        comparisonOperator: check.kind === 'min' ? cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD : cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        tuning: t,
        omitDatapointsToAlarm: c.omitDatapointsToAlarm,
      }));
    }
    alarms.push(c.alarmFactory.alarm({
      id: `Quality-${variant}-LabelsNotJoining`,
      alarmName: `${c.endpointName}-variant-${variant}-quality-labels-not-joining`,
      description: `No ground-truth label joined a captured inference of variant ${variant} of endpoint `
        + `${c.endpointName} for ${Duration.minutes(gapMinutes).toHumanString()}: labels stopped arriving under ${gtPrefix}, their ids no longer `
        + 'match the captures, or the model-quality runs stopped. See the model-quality reports.',
      metric: joined,
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      tuning: { evaluationPeriods: gapPeriods, datapointsToAlarm: gapPeriods, severity: t.severity },
      omitDatapointsToAlarm: true,
    }));
    alarms.push(c.alarmFactory.alarm({
      id: `Quality-${variant}-UnmatchedOutputs`,
      alarmName: `${c.endpointName}-variant-${variant}-quality-unmatched-outputs`,
      description: `More than ${(q.maxUnmatchedOutputShare ?? 0.05) * 100}% of the labelled responses of variant ${variant} of `
        + `endpoint ${c.endpointName} match nothing in the output mapping: the model's response format changed, or the preset is wrong.`,
      metric: c.metric(variant, 'UnmatchedOutputShare', { period, statistic: 'Maximum' }),
      threshold: q.maxUnmatchedOutputShare ?? 0.05,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      tuning: t,
      omitDatapointsToAlarm: c.omitDatapointsToAlarm,
    }));
  }
  return alarms;
}
