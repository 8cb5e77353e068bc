import { Duration } from 'aws-cdk-lib';

/*
 * The options of an `InferenceRecommendation`, as SageMaker Inference Recommender's CreateInferenceRecommendationsJob defines them
 * (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateInferenceRecommendationsJob.html, API_RecommendationJobInputConfig.html,
 * API_Phase.html, API_TrafficPattern.html, API_RecommendationJobStoppingConditions.html, API_ModelLatencyThreshold.html,
 * API_RecommendationJobResourceLimit.html).
 */

/** What an Inference Recommender job does (CreateInferenceRecommendationsJob `JobType`). */
export enum RecommendationJobType {
  /** An instance recommendation: Inference Recommender picks the instance types and its own traffic, and recommends. */
  DEFAULT = 'Default',
  /** A custom load test: your instance types, your traffic phases and stopping conditions. */
  ADVANCED = 'Advanced',
}

/** The latency percentile of a stopping condition (ModelLatencyThreshold `Percentile`). */
export enum LatencyPercentile {
  /** The 95th percentile (the only one a custom load test, ADVANCED, accepts). */
  P95 = 'P95',
  /** The 99th percentile (instance recommendations, DEFAULT, only). */
  P99 = 'P99',
}

/**
 * One traffic phase of an Inference Recommender load test (API `Phase`). Unlike an `EndpointLoadTest` phase, which holds a rate of
 * requests per second, Inference Recommender drives *concurrent users*: a phase starts `initialUsers` users and adds `spawnRate` users
 * per minute for its duration; each user sends requests one after another.
 */
export interface RecommendationTrafficPhase {
  /** Concurrent users at the start of the phase (`InitialNumberOfUsers`): 1 to 3, as the API reference says. */
  readonly initialUsers: number;

  /** New users per minute during the phase (`SpawnRate`): a whole number >= 0. */
  readonly spawnRate: number;

  /** How long the phase lasts (`DurationInSeconds`): whole seconds from 120 to 3600 (custom load tests). */
  readonly duration: Duration;
}

/** When Inference Recommender stops a load test of an instance type (API `RecommendationJobStoppingConditions`). */
export interface RecommendationStoppingConditions {
  /**
   * The most requests per minute expected of the endpoint (`MaxInvocations`): a load test stops when it reaches this rate.
   * Optional in the API; required here, as `EndpointLoadTest.maxTotalRequests` is, so that the traffic has a stated ceiling.
   * It is a rate, not a total: what bounds a run's cost is `maxDuration` (and `maxTests`).
   */
  readonly maxInvocationsPerMinute: number;

  /**
   * Stop when the model latency at `latencyPercentile` is above this (`ModelLatencyThresholds`, whole milliseconds, at most 60 s).
   *
   * @default - no latency condition
   */
  readonly maxModelLatency?: Duration;

  /**
   * The percentile of `maxModelLatency`. A custom load test (ADVANCED) accepts P95 only.
   *
   * @default LatencyPercentile.P95
   */
  readonly latencyPercentile?: LatencyPercentile;
}
