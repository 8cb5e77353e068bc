import { Duration } from 'aws-cdk-lib';
import { AlarmSeverity } from './alert-topics';

/**
 * How one alarm is evaluated and routed. Every construct that defines alarms takes one of these per alarm (or per kind of
 * alarm), so that each can be tuned or switched off on its own.
 */
export interface AlarmTuning {
  /**
   * Whether the alarm is defined.
   *
   * @default true
   */
  readonly enabled?: boolean;

  /**
   * The period of the metric.
   *
   * @default - per alarm, see the README
   */
  readonly period?: Duration;

  /**
   * The number of periods evaluated.
   *
   * @default - per alarm, see the README
   */
  readonly evaluationPeriods?: number;

  /**
   * The number of breaching periods, among `evaluationPeriods`, that fire the alarm (M out of N, against flapping).
   *
   * @default - per alarm, see the README
   */
  readonly datapointsToAlarm?: number;

  /**
   * The severity, which picks the alert topic.
   *
   * @default - per alarm, see the README
   */
  readonly severity?: AlarmSeverity;
}
