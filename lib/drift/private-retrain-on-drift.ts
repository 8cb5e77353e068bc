/**
 * Opt-in retraining on drift of a DriftMonitor: one trigger per monitor, damped. Not exported from the package:
 * DriftMonitor calls it with its own scope, so construct ids stay those of the monitor.
 */
import { Duration, Names, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { AlarmSeverity } from '../monitoring';
import { AlarmFactory } from '../private/alarm-factory';
import { acknowledgeInlinePolicy } from '../private/nag';
import { ITrainingPipeline } from '../training';

/** What `defineRetrainOnDrift` defines. */
export interface RetrainOnDrift {
  readonly trigger: cloudwatch.CompositeAlarm;
  readonly rule: events.Rule;
  readonly role: iam.Role;
  readonly deadLetterQueue: sqs.Queue;
  /** The rule's FailedInvocations, and failed starts waiting in the dead-letter queue. */
  readonly alarms: cloudwatch.Alarm[];
}

/**
 * A composite alarm is in ALARM while any variant drifts, and the rule fires only on its transition into ALARM: a second
 * variant drifting, or a variant flapping while another is still in alarm, starts nothing more. As the training pipeline's
 * own schedule (lib/training/private/schedule.ts):
 * - the role EventBridge assumes to start the pipeline trusts the service only for this rule (`aws:SourceArn`) in this
 *   account (`aws:SourceAccount`), the confused-deputy guard
 *   https://docs.aws.amazon.com/eventbridge/latest/userguide/cross-service-confused-deputy-prevention.html; the target grants
 *   it states:StartExecution on the pipeline's state machine only. The rule has a fixed name so that its ARN is known
 *   without a reference (the role's trust policy would otherwise depend on the rule, and the rule's target on the role);
 * - a start that still fails after the target's retries goes to a dead-letter queue
 *   (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html), and alarms, as does the rule's
 *   FailedInvocations (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html).
 */
export function defineRetrainOnDrift(scope: Construct, pipeline: ITrainingPipeline, endpointName: string, variantDriftAlarms: cloudwatch.Alarm[],
  alarmFactory: AlarmFactory, severity: AlarmSeverity): RetrainOnDrift {
  const trigger = alarmFactory.composite({
    id: 'RetrainTrigger',
    alarmName: `${endpointName}-drift-retrain`,
    description: `A variant of endpoint ${endpointName} drifted: retraining starts once, on entering ALARM.`,
    alarmRule: cloudwatch.AlarmRule.anyOf(...variantDriftAlarms.map((a) => cloudwatch.AlarmRule.fromAlarm(a, cloudwatch.AlarmState.ALARM))),
    severity,
  });
  const stack = Stack.of(scope);
  // Rule names: 1-64 of [.-_A-Za-z0-9]; unique per app through the hash in the unique name.
  const ruleName = `${Names.uniqueResourceName(scope, { maxLength: 55, separator: '-' })}-Retrain`;
  const ruleArn = stack.formatArn({ service: 'events', resource: 'rule', resourceName: ruleName });
  const role = new iam.Role(scope, 'RetrainRole', {
    assumedBy: new iam.ServicePrincipal('events.amazonaws.com', {
      conditions: { StringEquals: { 'aws:SourceAccount': stack.account, 'aws:SourceArn': ruleArn } },
    }),
    description: `EventBridge rule ${ruleName}: starts the training pipeline ${pipeline.node.path} when endpoint ${endpointName} drifts`,
  });
  acknowledgeInlinePolicy(role, 'The role EventBridge assumes for this one rule to start this one state machine (states:StartExecution '
    + 'on it only): inline so that it cannot be attached to any other principal.');
  const deadLetterQueue = new sqs.Queue(scope, 'RetrainDeadLetters', {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
    // The failed starts are the record of retraining that did not happen.
    removalPolicy: RemovalPolicy.RETAIN,
  });
  const dlqReason = 'This queue is the dead-letter queue of the retrain-on-drift rule; a DLQ of its own would only move the same events again.';
  Validations.of(deadLetterQueue).acknowledge({ id: 'AwsSolutions::AwsSolutions-SQS3', reason: dlqReason });
  Validations.of(deadLetterQueue).acknowledge({ id: 'cdk-validator-cfnguard::sqs_dlq_check', reason: dlqReason });
  const rule = new events.Rule(scope, 'RetrainOnDrift', {
    ruleName,
    description: `Retrains when endpoint ${endpointName} drifts`,
    eventPattern: {
      source: ['aws.cloudwatch'],
      detailType: ['CloudWatch Alarm State Change'],
      resources: [trigger.alarmArn],
      detail: { state: { value: ['ALARM'] }, previousState: { value: ['OK', 'INSUFFICIENT_DATA'] } },
    },
    targets: [new targets.SfnStateMachine(pipeline.stateMachine, { role, deadLetterQueue, retryAttempts: 2 })],
  });
  const tuning = { evaluationPeriods: 1, datapointsToAlarm: 1, severity };
  const alarm = (id: string, name: string, metric: cloudwatch.IMetric, what: string) => alarmFactory.alarm({
    id,
    alarmName: `${endpointName}-drift-retrain-${name}`,
    description: `Endpoint ${endpointName} drifted and the training pipeline ${pipeline.node.path} ${what}.`,
    metric,
    threshold: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    // No failed start in the period: nothing failed.
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    tuning,
  });
  const period = Duration.minutes(5);
  const alarms = [
    // EventBridge counts the invocations of a rule's targets that failed for good (after the target's retries).
    alarm('RetrainFailed', 'failed', new cloudwatch.Metric({
      namespace: 'AWS/Events', metricName: 'FailedInvocations', dimensionsMap: { RuleName: ruleName }, period, statistic: 'Sum',
    }), 'could not be started'),
    alarm('RetrainDeadLettersAlarm', 'dead-letters', deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }),
      'was not started; the event waits in the dead-letter queue'),
  ];
  return { trigger, rule, role, deadLetterQueue, alarms };
}
