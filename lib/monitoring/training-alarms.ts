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

  /**
   * The alarm on aborted executions (stopped by a person or an automation).
   *
   * @default - 5-minute period, 1 of 1 datapoints, the `severity` above
   */
  readonly aborted?: AlarmTuning;

  /**
   * The alarms on scheduled starts that failed (the rule's FailedInvocations, and events in its dead-letter queue), when the
   * pipeline has a schedule.
   *
   * @default - 5-minute period, 1 of 1 datapoints, the `severity` above
   */
  readonly scheduleFailed?: AlarmTuning;
}

/**
 * Alarms on the executions of a training pipeline that fail, time out or are aborted (a failed quality gate is a failed run),
 * and on scheduled starts that fail: every way a run can end without a new model is told.
 */
export class TrainingPipelineAlarms extends Construct {
  /** Fires when an execution fails; undefined when switched off. */
  public readonly failedAlarm?: cloudwatch.Alarm;
  /** Fires when an execution times out; undefined when switched off. */
  public readonly timedOutAlarm?: cloudwatch.Alarm;
  /** Fires when an execution is aborted (the run did not end on its own); undefined when switched off. */
  public readonly abortedAlarm?: cloudwatch.Alarm;
  /** Fires when the schedule rule fails to start an execution (after its retries), if the pipeline has a schedule. */
  public readonly scheduleFailedAlarm?: cloudwatch.Alarm;
  /** Fires when a failed scheduled start waits in the dead-letter queue, if the pipeline has a schedule. */
  public readonly scheduleDeadLettersAlarm?: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: TrainingPipelineAlarmsProps) {
    super(scope, id);
    const prefix = props.alarmNamePrefix ?? props.pipeline.pipelineName;
    const defaults = { severity: props.severity ?? AlarmSeverity.WARNING, period: Duration.minutes(5), evaluationPeriods: 1, datapointsToAlarm: 1 };
    const errors = new InputErrors(this, 'TrainingPipelineAlarms');
    const failed = resolveTuning(errors, 'failed', props.failed, defaults);
    const timedOut = resolveTuning(errors, 'timedOut', props.timedOut, defaults);
    const aborted = resolveTuning(errors, 'aborted', props.aborted, defaults);
    const scheduleFailed = resolveTuning(errors, 'scheduleFailed', props.scheduleFailed, defaults);
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
    if (aborted.enabled) {
      this.abortedAlarm = define('Aborted', 'aborted', aborted, props.pipeline.metricAborted({ period: aborted.period, statistic: 'Sum' }),
        'was aborted');
    }
    const rule = props.pipeline.scheduleRule;
    if (rule && scheduleFailed.enabled) {
      // EventBridge counts the invocations of a rule's targets that failed for good (after the target's retries):
      // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html
      const failedInvocations = new cloudwatch.Metric({
        namespace: 'AWS/Events', metricName: 'FailedInvocations', dimensionsMap: { RuleName: rule.ruleName }, period: scheduleFailed.period, statistic: 'Sum',
      });
      this.scheduleFailedAlarm = define('ScheduleFailed', 'schedule-failed', scheduleFailed, failedInvocations, 'could not be started by its schedule');
    }
    const deadLetters = props.pipeline.scheduleDeadLetterQueue;
    if (deadLetters && scheduleFailed.enabled) {
      this.scheduleDeadLettersAlarm = define('ScheduleDeadLetters', 'schedule-dead-letters', scheduleFailed,
        deadLetters.metricApproximateNumberOfMessagesVisible({ period: scheduleFailed.period, statistic: 'Maximum' }),
        'was not started by its schedule; the event waits in the dead-letter queue');
    }
  }
}
