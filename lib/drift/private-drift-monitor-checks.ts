import { Annotations, Duration, Token } from 'aws-cdk-lib';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { Construct } from 'constructs';
import { cronPeriodMinutes } from './cron-period';
import { DriftMonitorProps, FeatureType } from './drift-monitor-options';
import { validateModelQuality } from './model-quality-wiring';
import { checkPredictionDrift } from './prediction-wiring';
import { MAX_PROFILED_CATEGORICAL_FEATURES, MAX_PROFILED_NUMERIC_FEATURES } from './private-baseline-profile';
import { validateHandlerOptions } from '../private/handler-function';
import { MAX_ALARM_WINDOW_MINUTES, checkSchedule } from '../private/schedules';
import { InputErrors, checkDuration, checkNumber, checkWholeNumber } from '../private/validation';
import { EndpointDataCapture, IModelEndpoint } from '../serving';

/*
 * The synth-time checks of a DriftMonitor's props: collected, then thrown once, each naming the prop, the bad value and
 * what is allowed.
 */

const PROFILE_NAME = /^[A-Za-z0-9._-]{1,255}$/;
const MIN_WINDOW_MINUTES = 10;
const FEATURE_NAME = /^[A-Za-z0-9_.:/ -]{1,255}$/;

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
export interface Validated {
  readonly windowMinutes: number;
  readonly settlingMinutes: number;
}

export function validate(scope: Construct, props: DriftMonitorProps, capture: EndpointDataCapture | undefined): Validated {
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
  checkProfileCapacity(scope, errors, props);
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
export function watchedVariants(endpoint: IModelEndpoint): string[] {
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

/**
 * With a baseline dataset, the features (and the predictions) the baseline-profile function must hold: more numeric ones than
 * it profiles fail the deployment for certain, so they fail synth; more categorical ones than surely fit may run out of memory
 * with long values, so they warn (the figures and their derivation: private-baseline-profile.ts).
 */
function checkProfileCapacity(scope: Construct, errors: InputErrors, props: DriftMonitorProps): void {
  if (!props.baselineDataset || !Array.isArray(props.features)) return;
  const profiled = [...props.features, ...(props.predictionDrift ? [props.predictionDrift] : [])];
  const count = (kind: FeatureType) => profiled.filter((f) => f?.kind === kind).length;
  const withPrediction = props.predictionDrift ? ' (predictionDrift included)' : '';
  const numeric = count(FeatureType.NUMERIC);
  if (numeric > MAX_PROFILED_NUMERIC_FEATURES) {
    errors.add('features', `${numeric} numeric features${withPrediction}`, `at most ${MAX_PROFILED_NUMERIC_FEATURES} numeric features with `
      + 'baselineDataset: the baseline-profile function samples at least 10,000 rows of each (8 bytes a value) in its 192 MiB budget '
      + 'and refuses more; profile the dataset elsewhere and give baselineProfile, or watch fewer features');
  }
  const categorical = count(FeatureType.CATEGORICAL);
  if (categorical > MAX_PROFILED_CATEGORICAL_FEATURES) {
    Annotations.of(scope).addWarningV2('cdk-mlops:drift-profile-memory', `DriftMonitor ${scope.node.path}: ${categorical} categorical features`
      + `${withPrediction} with baselineDataset: the baseline-profile function counts up to 5,000 distinct values of each, and more than `
      + `${MAX_PROFILED_CATEGORICAL_FEATURES} of them may not fit its memory when the values are long (about 2 MiB a feature at 255-byte `
      + 'values). If the deployment fails on the profile, give baselineProfile computed elsewhere.');
  }
}
