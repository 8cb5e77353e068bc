import { Duration } from 'aws-cdk-lib';
import { InputErrors, checkDuration, checkNumber, checkWholeNumber, describe, isToken } from '../../private/validation';
import { HyperparameterRange, HyperparameterTuning, ObjectiveDirection, RangeKind, RangeScaling, TuningStrategy, WarmStartType } from '../tuning-options';

/*
 * Validation and rendering of a pipeline's hyperparameter tuning. Limits are SageMaker's, from the API reference:
 * - CreateHyperParameterTuningJob: https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateHyperParameterTuningJob.html
 *   (HyperParameterTuningJobName 1-32 characters, [a-zA-Z0-9](-*[a-zA-Z0-9]){0,31});
 * - HyperParameterTuningJobConfig: https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_HyperParameterTuningJobConfig.html
 *   (TrainingJobEarlyStoppingType "must be OFF to use Hyperband");
 * - ParameterRanges (at most 30 hyperparameters in all): https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ParameterRanges.html;
 * - ContinuousParameterRange / IntegerParameterRange ScalingType (Logarithmic "only for ranges that have only values greater than 0",
 *   ReverseLogarithmic "only for ranges that are entirely within the range 0<=x<1.0"):
 *   https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ContinuousParameterRange.html;
 * - CategoricalParameterRange (1-30 values): https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CategoricalParameterRange.html;
 * - ResourceLimits (MaxRuntimeInSeconds 120-15768000): https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ResourceLimits.html;
 * - HyperbandStrategyConfig (MaxResource at most 20,000, else inferred from an epochs-like static hyperparameter):
 *   https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_HyperbandStrategyConfig.html;
 * - TuningJobCompletionCriteria: https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_TuningJobCompletionCriteria.html;
 * - HyperParameterTuningJobWarmStartConfig (1-5 parents): https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_HyperParameterTuningJobWarmStartConfig.html.
 */

/** A tuning job is named `<jobNamePrefix>-<12 hex digits of the run id>`: at most 19 + 1 + 12 = 32 characters, SageMaker's limit. */
export const MAX_TUNING_PREFIX = 19;
/** The run-id part of a tuning job name, as an IAM pattern (exactly 12 characters, as perms.RUN_ID_PATTERN for training jobs). */
export const TUNING_RUN_ID_PATTERN = '????????????';
/**
 * The training jobs a tuning job launches are named `<tuning-job-name>-<3-digit index>-<8 hex digits>` (e.g.
 * `churn-0b6f9c624a8e-001-0f0444b1`), as DescribeHyperParameterTuningJob's BestTrainingJob.TrainingJobName shows.
 */
export const TUNED_JOB_SUFFIX_PATTERN = '-???-????????';
const MAX_RANGES = 30;
const MAX_CATEGORIES = 30;
const MAX_TUNING_RUNTIME = 15768000;
const MAX_HYPERBAND_RESOURCE = 20000;
/** The static hyperparameters from which Hyperband infers MaxResource when it is not given. */
const EPOCH_KEYS = ['epochs', 'numepochs', 'n-epochs', 'n_epochs', 'num_epochs'];
const TUNING_JOB_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,31}$/;

/** The tuning props, checked, with their defaults applied. */
export interface ValidatedTuning {
  readonly tuning: HyperparameterTuning;
  readonly strategy: TuningStrategy;
  readonly maxJobs?: number;
  readonly maxParallelJobs: number;
  /** ResourceLimits.MaxRuntimeInSeconds: how long the tuning job may run. */
  readonly runtime: Duration;
  readonly rangeNames: string[];
}

/** What the tuning check needs from the rest of the pipeline's props. */
export interface TuningContext {
  readonly metricNames: Set<string>;
  readonly staticHyperparameters: string[];
  /** The longest a single training job may take (maxWait with spot, else maxRuntime), plus its pending time. */
  readonly jobRuntime?: Duration;
  readonly tensorBoard: boolean;
}

/** Checks `tuning` (collecting every problem in `errors`) and applies its defaults. */
export function validateTuning(errors: InputErrors, tuning: HyperparameterTuning, ctx: TuningContext): ValidatedTuning {
  const strategy = tuning.strategy ?? TuningStrategy.BAYESIAN;
  const objective = tuning.objective;
  if (!objective || typeof objective !== 'object') {
    errors.add('tuning.objective', objective, 'an objective: a metric name and a direction');
  } else {
    if (!isToken(objective.metricName) && !ctx.metricNames.has(objective.metricName)) {
      errors.add('tuning.objective.metricName', objective.metricName, `one of the metricDefinitions names ${describe([...ctx.metricNames])}`);
    }
    errors.check(Object.values(ObjectiveDirection).includes(objective.direction), 'tuning.objective.direction', objective.direction,
      'ObjectiveDirection.MAXIMIZE or ObjectiveDirection.MINIMIZE');
  }
  if (ctx.tensorBoard) {
    errors.add('tensorBoard', true, 'false with tuning: the training jobs of a tuning job have no TensorBoard output '
      + '(HyperParameterTrainingJobDefinition has no TensorBoardOutputConfig)');
  }

  // Ranges.
  const ranges = Array.isArray(tuning.ranges) ? tuning.ranges : [];
  if (!Array.isArray(tuning.ranges)) {
    errors.add('tuning.ranges', tuning.ranges, 'a list of hyperparameter ranges');
  }
  errors.check(ranges.length >= 1 && ranges.length <= MAX_RANGES, 'tuning.ranges', `${ranges.length} ranges`,
    `1 to ${MAX_RANGES} ranges (SageMaker tunes at most ${MAX_RANGES} hyperparameters)`);
  const names: string[] = [];
  ranges.forEach((range, i) => {
    checkRange(errors, `tuning.ranges[${i}]`, range);
    if (names.includes(range.name)) {
      errors.add(`tuning.ranges[${i}].name`, range.name, 'unique, but another range has this name');
    }
    if (ctx.staticHyperparameters.includes(range.name)) {
      errors.add(`tuning.ranges[${i}].name`, range.name, 'not one of the pipeline\'s hyperparameters (a hyperparameter is either static or tuned)');
    }
    names.push(range.name);
    if (strategy === TuningStrategy.GRID && range.kind !== RangeKind.CATEGORICAL) {
      errors.add(`tuning.ranges[${i}]`, `${range.kind} range '${range.name}'`, 'a categorical range: the grid strategy searches categorical ranges only');
    }
  });

  // Strategy and its options.
  errors.check(Object.values(TuningStrategy).includes(strategy), 'tuning.strategy', strategy, 'a TuningStrategy');
  if (tuning.earlyStopping && strategy === TuningStrategy.HYPERBAND) {
    errors.add('tuning.earlyStopping', true, 'false with TuningStrategy.HYPERBAND, which has its own early stopping '
      + '(SageMaker requires TrainingJobEarlyStoppingType OFF with Hyperband)');
  }
  if (tuning.hyperband && strategy !== TuningStrategy.HYPERBAND) {
    errors.add('tuning.hyperband', describe(tuning.hyperband), `omitted unless strategy is TuningStrategy.HYPERBAND (got ${strategy})`);
  }
  if (strategy === TuningStrategy.HYPERBAND) {
    const hb = tuning.hyperband ?? {};
    const maxOk = checkWholeNumber(errors, 'tuning.hyperband.maxResource', hb.maxResource, { min: 1, max: MAX_HYPERBAND_RESOURCE });
    checkWholeNumber(errors, 'tuning.hyperband.minResource', hb.minResource,
      { min: 1, max: maxOk ? hb.maxResource : MAX_HYPERBAND_RESOURCE, allowed: `a whole number from 1 to maxResource (${hb.maxResource ?? MAX_HYPERBAND_RESOURCE})` });
    if (hb.maxResource === undefined && !ctx.staticHyperparameters.some((k) => EPOCH_KEYS.includes(k))) {
      errors.add('tuning.hyperband.maxResource', undefined, `a whole number from 1 to ${MAX_HYPERBAND_RESOURCE}: Hyperband needs the resource a job may spend, `
        + `and the pipeline's hyperparameters have none of ${EPOCH_KEYS.join(', ')} to infer it from`);
    }
  }

  // Resource limits.
  let maxJobs: number | undefined;
  if (strategy === TuningStrategy.GRID) {
    if (tuning.maxJobs !== undefined) {
      errors.add('tuning.maxJobs', tuning.maxJobs, 'omitted with TuningStrategy.GRID, which runs one job per combination of the categorical values');
    }
    maxJobs = ranges.reduce((n, r) => n * (r.values?.length ?? 1), 1);
  } else {
    maxJobs = tuning.maxJobs ?? 10;
    checkWholeNumber(errors, 'tuning.maxJobs', maxJobs, { min: 1 });
  }
  const maxParallelJobs = tuning.maxParallelJobs ?? Math.min(2, maxJobs ?? 2);
  if (checkWholeNumber(errors, 'tuning.maxParallelJobs', maxParallelJobs, { min: 1 }) && !isToken(maxJobs) && maxParallelJobs > maxJobs!) {
    errors.add('tuning.maxParallelJobs', maxParallelJobs, `at most maxJobs (${maxJobs}${strategy === TuningStrategy.GRID ? ', the number of grid combinations' : ''})`);
  }
  if (tuning.targetObjectiveValue !== undefined) {
    checkNumber(errors, 'tuning.targetObjectiveValue', tuning.targetObjectiveValue);
  }
  checkWholeNumber(errors, 'tuning.maxJobsWithoutImprovement', tuning.maxJobsWithoutImprovement, { min: 3 });
  checkWholeNumber(errors, 'tuning.randomSeed', tuning.randomSeed, { min: 0 });
  const given = checkDuration(errors, 'tuning.maxRuntime', tuning.maxRuntime, {
    unit: 'seconds', min: 120, max: MAX_TUNING_RUNTIME, allowed: `a whole number of seconds from 120 to ${MAX_TUNING_RUNTIME} (SageMaker's limit)`,
  });
  let runtime: Duration;
  if (given !== undefined) {
    runtime = Duration.seconds(given);
  } else if (tuning.maxRuntime !== undefined) {
    runtime = tuning.maxRuntime;
  } else {
    const waves = Math.ceil((isToken(maxJobs) ? 10 : maxJobs!) / (isToken(maxParallelJobs) ? 1 : maxParallelJobs));
    const job = ctx.jobRuntime && !ctx.jobRuntime.isUnresolved() ? ctx.jobRuntime.toSeconds() : MAX_TUNING_RUNTIME;
    runtime = Duration.seconds(Math.max(120, Math.min(MAX_TUNING_RUNTIME, waves * job)));
  }

  // Warm start.
  if (tuning.warmStartFrom !== undefined) {
    const parents = tuning.warmStartFrom;
    errors.check(parents.length >= 1 && parents.length <= 5, 'tuning.warmStartFrom', `${parents.length} jobs`, '1 to 5 tuning job names');
    parents.forEach((name, i) => {
      if (!isToken(name)) {
        errors.check(TUNING_JOB_NAME.test(name), `tuning.warmStartFrom[${i}]`, name, 'a tuning job name: 1-32 letters, digits and hyphens');
      }
    });
  } else if (tuning.warmStartType !== undefined) {
    errors.add('tuning.warmStartType', tuning.warmStartType, 'omitted unless warmStartFrom is given');
  }

  return { tuning, strategy, maxJobs: strategy === TuningStrategy.GRID ? undefined : maxJobs, maxParallelJobs, runtime, rangeNames: names };
}

function checkRange(errors: InputErrors, prop: string, range: HyperparameterRange): void {
  if (!range || typeof range !== 'object') {
    errors.add(prop, range, 'a HyperparameterRange (HyperparameterRange.continuous, .integer or .categorical)');
    return;
  }
  if (!isToken(range.name)) {
    errors.check(typeof range.name === 'string' && range.name.length >= 1 && range.name.length <= 256, `${prop}.name`, range.name, '1-256 characters');
  }
  if (range.kind === RangeKind.CATEGORICAL) {
    const values = range.values ?? [];
    errors.check(values.length >= 1 && values.length <= MAX_CATEGORIES, `${prop}.values`, `${values.length} values`, `1 to ${MAX_CATEGORIES} values`);
    errors.check(new Set(values).size === values.length, `${prop}.values`, values, 'unique values');
    values.forEach((v, j) => {
      if (!isToken(v)) {
        errors.check(typeof v === 'string' && v.length <= 256, `${prop}.values[${j}]`, v, 'a string of up to 256 characters');
      }
    });
    return;
  }
  const whole = range.kind === RangeKind.INTEGER;
  const minOk = (whole ? checkWholeNumber : checkNumber)(errors, `${prop}.min`, range.min) || isToken(range.min);
  const maxOk = (whole ? checkWholeNumber : checkNumber)(errors, `${prop}.max`, range.max) || isToken(range.max);
  if (range.min === undefined || range.max === undefined) {
    errors.add(prop, range.name, 'a range with min and max');
    return;
  }
  if (!minOk || !maxOk || isToken(range.min) || isToken(range.max)) {
    return;
  }
  const { min, max } = range as { min: number; max: number };
  if (min >= max) {
    errors.add(`${prop}.min`, min, `less than max (${max}) of range '${range.name}'`);
  }
  if (range.scaling !== undefined && !Object.values(RangeScaling).includes(range.scaling)) {
    errors.add(`${prop}.scaling`, range.scaling, 'a RangeScaling');
  }
  if (range.scaling === RangeScaling.LOGARITHMIC && min <= 0) {
    errors.add(`${prop}.min`, min, `greater than 0: a logarithmic scale needs a range entirely above 0 (range '${range.name}')`);
  }
  if (range.scaling === RangeScaling.REVERSE_LOGARITHMIC) {
    if (whole) {
      errors.add(`${prop}.scaling`, range.scaling, 'Auto, Linear or Logarithmic for an integer range (reverse logarithmic scaling is for continuous ranges within [0, 1))');
    } else if (min < 0 || max >= 1) {
      errors.add(prop, `[${min}, ${max}]`, `a range within [0, 1): reverse logarithmic scaling works only there (range '${range.name}')`);
    }
  }
}

/** The HyperParameterTuningJobConfig of the tuning state. */
export function renderTuningJobConfig(v: ValidatedTuning): any {
  const t = v.tuning;
  const numeric = (kind: RangeKind) => t.ranges.filter((r) => r.kind === kind).map((r) => ({
    Name: r.name, MinValue: String(r.min), MaxValue: String(r.max), ScalingType: r.scaling,
  }));
  const continuous = numeric(RangeKind.CONTINUOUS);
  const integer = numeric(RangeKind.INTEGER);
  const categorical = t.ranges.filter((r) => r.kind === RangeKind.CATEGORICAL).map((r) => ({ Name: r.name, Values: r.values }));
  const completion: any = {};
  if (t.targetObjectiveValue !== undefined) {
    completion.TargetObjectiveMetricValue = t.targetObjectiveValue;
  }
  if (t.maxJobsWithoutImprovement !== undefined) {
    completion.BestObjectiveNotImproving = { MaxNumberOfTrainingJobsNotImproving: t.maxJobsWithoutImprovement };
  }
  return {
    Strategy: v.strategy,
    StrategyConfig: v.strategy === TuningStrategy.HYPERBAND && t.hyperband
      ? { HyperbandStrategyConfig: { MinResource: t.hyperband.minResource, MaxResource: t.hyperband.maxResource } } : undefined,
    HyperParameterTuningJobObjective: { MetricName: t.objective.metricName, Type: t.objective.direction },
    ResourceLimits: { MaxNumberOfTrainingJobs: v.maxJobs, MaxParallelTrainingJobs: v.maxParallelJobs, MaxRuntimeInSeconds: v.runtime.toSeconds() },
    ParameterRanges: {
      ContinuousParameterRanges: continuous.length ? continuous : undefined,
      IntegerParameterRanges: integer.length ? integer : undefined,
      CategoricalParameterRanges: categorical.length ? categorical : undefined,
    },
    TrainingJobEarlyStoppingType: t.earlyStopping ? 'Auto' : 'Off',
    TuningJobCompletionCriteria: Object.keys(completion).length ? completion : undefined,
    RandomSeed: t.randomSeed,
  };
}

/** The WarmStartConfig, when the tuning warm-starts. */
export function renderWarmStart(t: HyperparameterTuning): any {
  if (!t.warmStartFrom) {
    return undefined;
  }
  return {
    ParentHyperParameterTuningJobs: t.warmStartFrom.map((name) => ({ HyperParameterTuningJobName: name })),
    WarmStartType: t.warmStartType ?? WarmStartType.IDENTICAL_DATA_AND_ALGORITHM,
  };
}
