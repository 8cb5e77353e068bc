import { Duration } from 'aws-cdk-lib';

/**
 * One phase of a load test: a rate held for a duration. Ramp-up, steady state and spike are phases with different rates
 * (`[{ name: 'ramp', requestsPerSecond: 5, ... }, { name: 'steady', requestsPerSecond: 20, ... }, { name: 'spike', ... }]`).
 */
export interface LoadTestPhase {
  /** The phase's name: the `Phase` dimension of its metrics and its key in the report (letters, digits, `-` and `_`, 1-64). */
  readonly name: string;

  /** Requests per second to hold during the phase (> 0). */
  readonly requestsPerSecond: number;

  /** How long the phase lasts: whole seconds, at least 10 seconds. */
  readonly duration: Duration;
}

/** When a load test stops early: checked after each phase, on that phase's numbers. */
export interface LoadTestStopConditions {
  /**
   * Stop when the share of failed requests of a phase is above this (0-1). A phase that sent no request breaches it.
   *
   * @default 0.05
   */
  readonly maxErrorRate?: number;

  /**
   * Stop when the 99th percentile latency of a phase's successful requests, as the workers measured it (the whole
   * InvokeEndpoint call), is above this.
   *
   * @default - no latency condition
   */
  readonly maxP99Latency?: Duration;
}
