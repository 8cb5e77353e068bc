import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { AlarmSeverity, AlertTopics } from './alert-topics';
import { acknowledgeNoAlarmAction } from '../private/nag';
import { ITrainingPipeline } from '../training';

/**
 * Properties of `TrainingPipelineAlarms`.
 */
export interface TrainingPipelineAlarmsProps {
  /** The pipeline to watch. */
  readonly pipeline: ITrainingPipeline;

  /**
   * Where the alarms notify, when they fire and when they recover.
   *
   * @default - the alarms have no actions
   */
  readonly alerts?: AlertTopics;

  /**
   * The severity of a failed or timed-out training run.
   *
   * @default AlarmSeverity.WARNING - a failed run leaves the current model in production
   */
  readonly severity?: AlarmSeverity;

  /**
   * The prefix of the alarm names.
   *
   * @default - the pipeline's `pipelineName` (a TrainingPipeline's job name prefix)
   */
  readonly alarmNamePrefix?: string;
}

/**
 * Alarms on the executions of a `TrainingPipeline` that fail or time out (a failed quality gate is a failed run).
 */
export class TrainingPipelineAlarms extends Construct {
  /** Fires when an execution fails. */
  public readonly failedAlarm: cloudwatch.Alarm;
  /** Fires when an execution times out. */
  public readonly timedOutAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: TrainingPipelineAlarmsProps) {
    super(scope, id);
    const severity = props.severity ?? AlarmSeverity.WARNING;
    const prefix = props.alarmNamePrefix ?? props.pipeline.pipelineName;
    const period = Duration.minutes(5);
    const define = (alarmId: string, name: string, metric: cloudwatch.IMetric, what: string) => {
      const alarm = new cloudwatch.Alarm(this, alarmId, {
        alarmName: `${prefix}-training-${name}`,
        alarmDescription: `[${severity}] An execution of the training pipeline ${props.pipeline.node.path} ${what}.`,
        metric,
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
        // No execution ended in the period: nothing failed.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      if (props.alerts) {
        props.alerts.route(alarm, severity);
      } else {
        acknowledgeNoAlarmAction(alarm);
      }
      return alarm;
    };
    this.failedAlarm = define('Failed', 'failed', props.pipeline.metricFailed({ period, statistic: 'Sum' }), 'failed');
    this.timedOutAlarm = define('TimedOut', 'timed-out', props.pipeline.metricTimedOut({ period, statistic: 'Sum' }), 'timed out');
  }
}
