import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { IConstruct } from 'constructs';

/**
 * A training pipeline: a state machine whose executions train, gate and register a model. Defined by `TrainingPipeline`, or
 * imported with `TrainingPipeline.fromStateMachineArn()`. Props of other constructs (alarms, dashboards, drift-triggered
 * retraining) take this interface.
 */
export interface ITrainingPipeline extends IConstruct {
  /** The state machine; an execution is a training run. */
  readonly stateMachine: sfn.IStateMachine;

  /** The ARN of the state machine. */
  readonly stateMachineArn: string;

  /**
   * A short name of the pipeline, used in alarm names: the training job name prefix of a `TrainingPipeline`, the state
   * machine's name for an imported one.
   */
  readonly pipelineName: string;

  /** The rule that starts scheduled runs, if the pipeline has a schedule (undefined for an imported pipeline). */
  readonly scheduleRule?: events.IRule;

  /** The dead-letter queue of scheduled starts that failed, if the pipeline has a schedule (undefined for an imported pipeline). */
  readonly scheduleDeadLetterQueue?: sqs.IQueue;

  /** Grants starting an execution (a training run) on demand. */
  grantStartExecution(grantee: iam.IGrantable): iam.Grant;

  /** The number of failed executions (missed quality gates included). */
  metricFailed(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /** The number of executions that timed out. */
  metricTimedOut(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /** The number of executions that were aborted (stopped by a person or an automation). */
  metricAborted(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /** The number of executions that succeeded. */
  metricSucceeded(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
}
