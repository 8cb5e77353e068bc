import { Duration, Names, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { ILakeZone } from '../../data-lake';
import { acknowledgeInlinePolicy } from '../../private/nag';

/** The queue that keeps the starts that failed after their retries (of the schedule and of the S3 rule). */
export function defineStartDeadLetters(scope: Construct): sqs.Queue {
  const queue = new sqs.Queue(scope, 'StartDeadLetters', {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
    // The failed starts are the record of runs that did not happen.
    removalPolicy: RemovalPolicy.RETAIN,
  });
  const reason = 'This queue is the dead-letter queue of the batch transform\'s schedule and S3 rule; a DLQ of its own would only move the same events again.';
  Validations.of(queue).acknowledge({ id: 'AwsSolutions::AwsSolutions-SQS3', reason });
  Validations.of(queue).acknowledge({ id: 'cdk-validator-cfnguard::sqs_dlq_check', reason });
  return queue;
}

/**
 * An EventBridge Scheduler schedule that starts a run (with an empty input: the configured prefix), retried twice, then kept in the
 * dead-letter queue. Its role trusts Scheduler only for this account's default schedule group, the confused-deputy guard
 * (https://docs.aws.amazon.com/scheduler/latest/UserGuide/cross-service-confused-deputy-prevention.html).
 */
export function defineBatchSchedule(scope: Construct, expression: scheduler.ScheduleExpression, stateMachine: sfn.IStateMachine,
  deadLetterQueue: sqs.IQueue): scheduler.Schedule {
  const stack = Stack.of(scope);
  const role = new iam.Role(scope, 'SchedulerRole', {
    assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
      conditions: {
        StringEquals: { 'aws:SourceAccount': stack.account },
        ArnEquals: { 'aws:SourceArn': stack.formatArn({ service: 'scheduler', resource: 'schedule-group', resourceName: 'default' }) },
      },
    }),
    description: `Lets EventBridge Scheduler start the batch transform ${scope.node.path}`,
  });
  acknowledgeInlinePolicy(role);
  return new scheduler.Schedule(scope, 'Schedule', {
    description: `cdk-mlops batch transform ${scope.node.path}`,
    schedule: expression,
    target: new schedulerTargets.StepFunctionsStartExecution(stateMachine, {
      input: scheduler.ScheduleTargetInput.fromObject({}),
      role,
      deadLetterQueue,
      retryAttempts: 2,
    }),
  });
}

/**
 * An EventBridge rule that starts a run for each object created under the input prefix (S3's `Object Created` events, which the
 * lake's buckets send to EventBridge: https://docs.aws.amazon.com/AmazonS3/latest/userguide/EventBridge.html), retried for up to an
 * hour, then kept in the dead-letter queue. The rule has a fixed name so that its role's trust policy names it (`aws:SourceArn`).
 */
export function defineObjectCreatedRule(scope: Construct, zone: ILakeZone, prefix: string, stateMachine: sfn.IStateMachine,
  deadLetterQueue: sqs.IQueue): events.Rule {
  const stack = Stack.of(scope);
  const ruleName = `${Names.uniqueResourceName(scope, { maxLength: 50, separator: '-' })}-NewObjects`;
  const ruleArn = stack.formatArn({ service: 'events', resource: 'rule', resourceName: ruleName });
  const role = new iam.Role(scope, 'NewObjectsRole', {
    assumedBy: new iam.ServicePrincipal('events.amazonaws.com', {
      conditions: { StringEquals: { 'aws:SourceAccount': stack.account, 'aws:SourceArn': ruleArn } },
    }),
    description: `EventBridge rule ${ruleName}: starts the batch transform ${scope.node.path}`,
  });
  acknowledgeInlinePolicy(role);
  return new events.Rule(scope, 'NewObjects', {
    ruleName,
    description: `Scores each object created under ${prefix || 'the input zone'} with ${scope.node.path}`,
    eventPattern: {
      source: ['aws.s3'],
      detailType: ['Object Created'],
      detail: {
        bucket: { name: [zone.bucket.bucketName] },
        ...(prefix ? { object: { key: [{ prefix }] } } : {}),
      },
    },
    targets: [new targets.SfnStateMachine(stateMachine, { role, deadLetterQueue, retryAttempts: 5, maxEventAge: Duration.hours(1) })],
  });
}
