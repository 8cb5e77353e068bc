import { Duration } from 'aws-cdk-lib';

/** Thresholds of the rollback alarms that the endpoint defines. */
export interface RollbackAlarmOptions {
  /**
   * The share of requests answered with a 5XX error, on any production variant, above which the deployment rolls
   * back (0.01 = 1%).
   *
   * @default 0.01
   */
  readonly errorRateThreshold?: number;

  /**
   * The p99 model latency, on any production variant, above which the deployment rolls back.
   *
   * @default Duration.seconds(1)
   */
  readonly latencyThreshold?: Duration;

  /**
   * The period of the alarm metrics.
   *
   * @default Duration.minutes(1)
   */
  readonly period?: Duration;

  /**
   * The number of periods evaluated.
   *
   * @default 3
   */
  readonly evaluationPeriods?: number;

  /**
   * The number of breaching periods, among `evaluationPeriods`, that fire the alarm.
   *
   * @default 2
   */
  readonly datapointsToAlarm?: number;
}
