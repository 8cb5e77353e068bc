import { Duration } from 'aws-cdk-lib';

/*
 * Hyperparameter tuning of a TrainingPipeline (SageMaker automatic model tuning, CreateHyperParameterTuningJob:
 * https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateHyperParameterTuningJob.html).
 */

/**
 * How a tuning job chooses the hyperparameters of its next training jobs
 * (HyperParameterTuningJobConfig.Strategy: https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_HyperParameterTuningJobConfig.html).
 */
export enum TuningStrategy {
  /** Bayesian optimization: each choice learns from the jobs so far. */
  BAYESIAN = 'Bayesian',
  /** Random search: jobs are independent, so they parallelize without loss. */
  RANDOM = 'Random',
  /**
   * Hyperband: a multi-fidelity strategy that stops under-performing jobs with its own early stopping, from the objective
   * metric the jobs emit during training (after each epoch). It needs the resource a job spends (`hyperband.maxResource`, or
   * an `epochs`-like static hyperparameter).
   */
  HYPERBAND = 'Hyperband',
  /** Grid search over categorical ranges only: every combination once; the number of jobs is the number of combinations. */
  GRID = 'Grid',
}

/** Whether the tuning objective is maximized or minimized (HyperParameterTuningJobObjective.Type). */
export enum ObjectiveDirection {
  /** Higher is better (accuracy, AUC, F1). */
  MAXIMIZE = 'Maximize',
  /** Lower is better (loss, RMSE). */
  MINIMIZE = 'Minimize',
}

/**
 * How a numeric range is searched (ScalingType of ContinuousParameterRange and IntegerParameterRange:
 * https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ContinuousParameterRange.html).
 */
export enum RangeScaling {
  /** SageMaker chooses the scale. */
  AUTO = 'Auto',
  /** Values are searched on a linear scale. */
  LINEAR = 'Linear',
  /** Values are searched on a log scale; the range must be entirely above 0. */
  LOGARITHMIC = 'Logarithmic',
  /** Values close to 1 are searched more finely; continuous ranges only, entirely within [0, 1). */
  REVERSE_LOGARITHMIC = 'ReverseLogarithmic',
}

/** How a warm-started tuning job relates to its parents (WarmStartConfig.WarmStartType). */
export enum WarmStartType {
  /** Same data and training image as the parents; ranges may differ. */
  IDENTICAL_DATA_AND_ALGORITHM = 'IdenticalDataAndAlgorithm',
  /** Data, image or static hyperparameters may differ from the parents'. */
  TRANSFER_LEARNING = 'TransferLearning',
}

/** The kind of a hyperparameter range. */
export enum RangeKind {
  /** A real-valued range. */
  CONTINUOUS = 'Continuous',
  /** A whole-number range. */
  INTEGER = 'Integer',
  /** A list of values. */
  CATEGORICAL = 'Categorical',
}

/**
 * A hyperparameter the tuning job searches, and the values it may take. Make one with `continuous()`, `integer()` or `categorical()`.
 */
export class HyperparameterRange {
  /** A real-valued hyperparameter from `min` to `max` (`min` < `max`; above 0 for a log scale, within [0, 1) for a reverse log scale). */
  public static continuous(name: string, min: number, max: number, scaling?: RangeScaling): HyperparameterRange {
    return new HyperparameterRange(RangeKind.CONTINUOUS, name, min, max, undefined, scaling);
  }

  /** A whole-number hyperparameter from `min` to `max` (`min` < `max`; above 0 for a log scale). */
  public static integer(name: string, min: number, max: number, scaling?: RangeScaling): HyperparameterRange {
    return new HyperparameterRange(RangeKind.INTEGER, name, min, max, undefined, scaling);
  }

  /** A hyperparameter that takes one of `values` (1-30 values, unique). */
  public static categorical(name: string, values: string[]): HyperparameterRange {
    return new HyperparameterRange(RangeKind.CATEGORICAL, name, undefined, undefined, values, undefined);
  }

  private constructor(
    /** What kind of range this is. */
    public readonly kind: RangeKind,
    /** The hyperparameter's name, as the container reads it. */
    public readonly name: string,
    /** The lowest value of a numeric range. */
    public readonly min?: number,
    /** The highest value of a numeric range. */
    public readonly max?: number,
    /** The values of a categorical range. */
    public readonly values?: string[],
    /** The scale a numeric range is searched on. */
    public readonly scaling?: RangeScaling,
  ) {}
}

/** The objective a tuning job optimizes. */
export interface TuningObjective {
  /** The metric; one of the pipeline's `metricDefinitions`. */
  readonly metricName: string;

  /** Whether higher or lower values are better. */
  readonly direction: ObjectiveDirection;
}

/** Hyperband's resource bounds (HyperbandStrategyConfig: https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_HyperbandStrategyConfig.html). */
export interface HyperbandOptions {
  /**
   * The most resource (such as epochs) one training job may use: 1-20000. SageMaker stops a job that reaches it.
   *
   * @default - inferred by SageMaker from a static hyperparameter `epochs`, `numepochs`, `n-epochs`, `n_epochs` or `num_epochs`
   * (one of them must then be among the pipeline's `hyperparameters`)
   */
  readonly maxResource?: number;

  /**
   * The resource (such as epochs) a job uses before Hyperband may stop it: 1 to `maxResource`.
   *
   * @default - SageMaker's default
   */
  readonly minResource?: number;
}

/**
 * Hyperparameter tuning before registration: a run starts a tuning job instead of one training job, and the best training job's
 * model goes through the pipeline's quality gate and registration.
 */
export interface HyperparameterTuning {
  /** The metric the tuning job optimizes, and in which direction. */
  readonly objective: TuningObjective;

  /** The hyperparameters to search: 1-30 in all (SageMaker's limit), unique names, none of them a key of the pipeline's `hyperparameters`. */
  readonly ranges: HyperparameterRange[];

  /**
   * How the tuning job chooses hyperparameters.
   *
   * @default TuningStrategy.BAYESIAN
   */
  readonly strategy?: TuningStrategy;

  /**
   * The most training jobs the tuning job runs: at least 1. Not with `TuningStrategy.GRID`, which runs every combination.
   *
   * @default 10
   */
  readonly maxJobs?: number;

  /**
   * How many training jobs run at the same time: 1 to `maxJobs`.
   *
   * @default 2
   */
  readonly maxParallelJobs?: number;

  /**
   * Stop training jobs that are unlikely to beat the jobs so far (TrainingJobEarlyStoppingType `Auto`; the container must emit the
   * objective metric during training). Not with `TuningStrategy.HYPERBAND`, which has its own early stopping.
   *
   * @default false
   */
  readonly earlyStopping?: boolean;

  /**
   * With `TuningStrategy.HYPERBAND`: the resource bounds of each job.
   *
   * @default - SageMaker's defaults; `maxResource` inferred from an `epochs`-like static hyperparameter
   */
  readonly hyperband?: HyperbandOptions;

  /**
   * Stop the tuning job as soon as a training job reaches this objective value (TuningJobCompletionCriteria.TargetObjectiveMetricValue):
   * "stop when the desired accuracy is reached".
   *
   * @default - the tuning job runs until its other limits
   */
  readonly targetObjectiveValue?: number;

  /**
   * Stop the tuning job when this many training jobs in a row did not improve the best objective
   * (TuningJobCompletionCriteria.BestObjectiveNotImproving.MaxNumberOfTrainingJobsNotImproving, at least 3).
   *
   * @default - no such limit
   */
  readonly maxJobsWithoutImprovement?: number;

  /**
   * How long the whole tuning job may run (ResourceLimits.MaxRuntimeInSeconds: 120 seconds to 15,768,000 seconds, about 182 days).
   * The state machine's timeout, and the shortest schedule rate allowed, follow it.
   *
   * @default - enough for every job: ceil(maxJobs / maxParallelJobs) x (maxWait with spot, else maxRuntime), at most SageMaker's limit
   */
  readonly maxRuntime?: Duration;

  /**
   * Warm start from previous tuning jobs (1-5 names): what they learned seeds this search.
   *
   * @default - a cold start
   */
  readonly warmStartFrom?: string[];

  /**
   * How this tuning job relates to the `warmStartFrom` jobs. Only with `warmStartFrom`.
   *
   * @default WarmStartType.IDENTICAL_DATA_AND_ALGORITHM
   */
  readonly warmStartType?: WarmStartType;

  /**
   * A seed for the search's random choices (RandomSeed, at least 0), for more reproducible tuning.
   *
   * @default - none
   */
  readonly randomSeed?: number;
}
