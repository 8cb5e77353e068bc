import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { AlarmTuning } from './alarm-tuning';
import { AlarmSeverity, IAlertTopics } from './alert-topics';
import { AlarmFactory, resolveTuning } from '../private/alarm-factory';
import { InputErrors } from '../private/validation';
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
  readonly alerts?: IAlertTopics;

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

  /**
   * The alarm on failed executions.
   *
   * @default - 5-minute period, 1 of 1 datapoints, the `severity` above
   */
  readonly failed?: AlarmTuning;

  /**
   * The alarm on timed-out executions.
   *
   * @default - 5-minute period, 1 of 1 datapoints, the `severity` above
   */
  readonly timedOut?: AlarmTuning;
}

/**
 * Alarms on the executions of a `TrainingPipeline` that fail or time out (a failed quality gate is a failed run).
 */
export class TrainingPipelineAlarms extends Construct {
  /** Fires when an execution fails; undefined when switched off. */
  public readonly failedAlarm?: cloudwatch.Alarm;
  /** Fires when an execution times out; undefined when switched off. */
  public readonly timedOutAlarm?: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: TrainingPipelineAlarmsProps) {
    super(scope, id);
    const prefix = props.alarmNamePrefix ?? props.pipeline.pipelineName;
    const defaults = { severity: props.severity ?? AlarmSeverity.WARNING, period: Duration.minutes(5), evaluationPeriods: 1, datapointsToAlarm: 1 };
    const errors = new InputErrors(this, 'TrainingPipelineAlarms');
    const failed = resolveTuning(errors, 'failed', props.failed, defaults);
    const timedOut = resolveTuning(errors, 'timedOut', props.timedOut, defaults);
    errors.throwIfAny();
    const factory = new AlarmFactory(this, props.alerts);
    const define = (alarmId: string, name: string, tuning: typeof failed, metric: cloudwatch.IMetric, what: string) => factory.alarm({
      id: alarmId,
      alarmName: `${prefix}-training-${name}`,
      description: `An execution of the training pipeline ${props.pipeline.node.path} ${what}.`,
      metric,
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      tuning,
      // No execution ended in the period: nothing failed.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    if (failed.enabled) {
      this.failedAlarm = define('Failed', 'failed', failed, props.pipeline.metricFailed({ period: failed.period, statistic: 'Sum' }), 'failed');
    }
    if (timedOut.enabled) {
      this.timedOutAlarm = define('TimedOut', 'timed-out', timedOut,
        props.pipeline.metricTimedOut({ period: timedOut.period, statistic: 'Sum' }), 'timed out');
    }
  }
}
