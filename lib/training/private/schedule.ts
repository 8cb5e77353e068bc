import { Duration, Names, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledgeInlinePolicy } from '../../private/nag';
import { toEventsSchedule } from '../../private/schedules';

/** The scheduled start of a pipeline. */
export interface PipelineSchedule {
  readonly rule: events.Rule;
  readonly deadLetterQueue: sqs.Queue;
  readonly role: iam.Role;
}

/**
 * An EventBridge rule that starts the state machine on the schedule (checked by `checkSchedule` in validation):
 * - the rule retries a failed start for up to an hour, then sends the event to a dead-letter queue (EventBridge's target retry
 *   policy and DLQ: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html), on which TrainingPipelineAlarms alarms
 *   with the rule's FailedInvocations;
 * - the role EventBridge assumes trusts the service only for this rule (`aws:SourceArn`) in this account (`aws:SourceAccount`), the
 *   confused-deputy guard https://docs.aws.amazon.com/eventbridge/latest/userguide/cross-service-confused-deputy-prevention.html.
 *   The rule has a fixed name so that its ARN is known without a reference (the role's trust policy would otherwise depend on
 *   the rule, and the rule's target on the role).
 */
export function defineSchedule(scope: Construct, schedule: scheduler.ScheduleExpression, stateMachine: sfn.IStateMachine): PipelineSchedule {
  const stack = Stack.of(scope);
  // Rule names: 1-64 of [.-_A-Za-z0-9]; unique per app through the hash in the unique name.
  const ruleName = `${Names.uniqueResourceName(scope, { maxLength: 55, separator: '-' })}-Schedule`;
  const ruleArn = stack.formatArn({ service: 'events', resource: 'rule', resourceName: ruleName });
  const role = new iam.Role(scope, 'ScheduleRole', {
    assumedBy: new iam.ServicePrincipal('events.amazonaws.com', {
      conditions: { StringEquals: { 'aws:SourceAccount': stack.account, 'aws:SourceArn': ruleArn } },
    }),
    description: `EventBridge rule ${ruleName}: starts the training pipeline ${scope.node.path}`,
  });
  acknowledgeInlinePolicy(role);
  const deadLetterQueue = new sqs.Queue(scope, 'ScheduleDeadLetters', {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
    // The failed starts are the record of runs that did not happen.
    removalPolicy: RemovalPolicy.RETAIN,
  });
  const dlqReason = 'This queue is the dead-letter queue of the schedule rule; a DLQ of its own would only move the same events again.';
  Validations.of(deadLetterQueue).acknowledge({ id: 'AwsSolutions::AwsSolutions-SQS3', reason: dlqReason });
  Validations.of(deadLetterQueue).acknowledge({ id: 'cdk-validator-cfnguard::sqs_dlq_check', reason: dlqReason });
  const rule = new events.Rule(scope, 'Schedule', {
    ruleName,
    schedule: toEventsSchedule(schedule),
    description: `Retrains ${scope.node.path}`,
    targets: [new targets.SfnStateMachine(stateMachine, {
      role,
      deadLetterQueue,
      retryAttempts: 5,
      maxEventAge: Duration.hours(1),
    })],
  });
  return { rule, deadLetterQueue, role };
}
