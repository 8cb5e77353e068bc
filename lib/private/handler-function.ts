import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { AlarmFactory } from './alarm-factory';
import { handlerCode } from './handler-asset';
import { allowCloudWatchLogs, denyGrantsNotForAwsResources } from './kms';
import { acknowledgeInlinePolicy, acknowledgeSharedRule, acknowledgeWildcardResources } from './nag';
import { AlarmSeverity } from '../monitoring/alert-topics';

/** How to define the one function of a pre-built handler in a stack. */
export interface HandlerFunctionOptions {
  /** The handler folder under lambda/ (and dist/lambda/). */
  readonly handler: string;
  readonly description: string;
  readonly memorySize: number;
  readonly timeout: Duration;
  readonly runtime?: lambda.Runtime;
  readonly environment?: Record<string, string>;
}

const LOGS_KEY_ID = 'cdk-mlops-handler-logs-key';

/**
 * The one function of a handler in a stack, defined by the first construct that asks for it: every construct of the
 * stack shares it (as `SingletonFunction` would), so ten monitors mean one function. It has its own role (no managed
 * policy: it may write only its own log group), a log group encrypted with the stack's handler-logs key and kept a
 * year, an alarm on its errors, and a role for EventBridge Scheduler that may invoke it and nothing else. Grants
 * accumulate on its role.
 */
export class HandlerFunction extends Construct {
  /** The function of `options.handler` in the stack of `scope`, defined on first use. */
  public static of(scope: Construct, options: HandlerFunctionOptions): HandlerFunction {
    const stack = Stack.of(scope);
    const id = `cdk-mlops-${options.handler}`;
    return (stack.node.tryFindChild(id) as HandlerFunction | undefined) ?? new HandlerFunction(stack, id, options);
  }

  public readonly function: lambda.Function;
  public readonly role: iam.Role;
  public readonly logGroup: logs.LogGroup;
  /** Fires when an invocation fails: a scheduled run did not do its work. */
  public readonly errorsAlarm: cloudwatch.Alarm;
  /** The role EventBridge Scheduler assumes to invoke the function. */
  public readonly schedulerRole: iam.Role;
  /**
   * Runs that failed after Lambda's retries (the function's dead-letter queue) and invocations the Scheduler could not
   * deliver (give it as the schedule target's `deadLetterQueue`), kept 14 days for inspection and replay.
   */
  public readonly deadLetterQueue: sqs.Queue;
  /** Fires when a run or an invocation landed in the dead-letter queue: a scheduled run did not happen. */
  public readonly deadLetterAlarm: cloudwatch.Alarm;
  /** The stack's alarms on EventBridge Scheduler invocations that were dropped or that the target refused. */
  public readonly schedulerAlarms: cloudwatch.Alarm[];

  private constructor(scope: Construct, id: string, options: HandlerFunctionOptions) {
    super(scope, id);
    const stack = Stack.of(this);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
      encryptionKey: logsKey(stack),
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs the cdk-mlops ${options.handler} handler`,
    });
    // The log group's ARN attribute ends in ':*', the form CloudWatch Logs checks for its streams.
    this.role.addToPolicy(new iam.PolicyStatement({
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [this.logGroup.logGroupArn],
    }));
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    // cdk-nag sees that the queue is the function's dead-letter queue (AwsSolutions-SQS3 does not apply); Control Tower does not.
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'cdk-validator-cfnguard::sqs_dlq_check',
      reason: 'This queue is itself the dead-letter queue of the handler (the function\'s and the schedules\'); a message in it raises '
        + 'the DeadLetter alarm, and a queue behind it would only hide that.',
    });
    // Scheduler invokes Lambda asynchronously: failed runs go to the dead-letter queue after Lambda's retries, with the error in
    // the message attributes (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html). A dead-letter
    // queue (DeadLetterConfig) rather than an on-failure destination, which HIPAA Security and NIST 800-53 R5 do not recognize.
    this.function = new lambda.Function(this, 'Function', {
      deadLetterQueue: this.deadLetterQueue,
      retryAttempts: 2,
      description: options.description,
      code: handlerCode(options.handler),
      handler: 'index.handler',
      runtime: options.runtime ?? lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: options.memorySize,
      timeout: options.timeout,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      environment: { NODE_OPTIONS: '--enable-source-maps', ...options.environment },
    });
    this.function.node.addDependency(this.role);
    const noVpcReason = 'The function only calls regional AWS APIs (S3, CloudWatch, SageMaker); a VPC would add NAT or endpoint cost '
      + 'and no protection, since its role limits what it can reach.';
    Validations.of(this.function).acknowledge({ id: 'cdk-validator-cfnguard::lambda_inside_vpc_check', reason: noVpcReason });
    acknowledgeSharedRule(this.function, 'LambdaInsideVPC', noVpcReason);
    acknowledgeSharedRule(this.function, 'LambdaConcurrency', 'Reserved concurrency is not set: it is carved out of the account\'s '
      + 'concurrency pool, which must keep 100 unreserved executions, so a default would fail to deploy in accounts with a low limit; '
      + 'the function runs once per schedule period (tracking: an option to reserve it, #12 item 4).');
    acknowledgeInlinePolicy(this.role);

    // Confused-deputy prevention: only schedules of this account's default schedule group (where the library's schedules live)
    // may assume the role (https://docs.aws.amazon.com/scheduler/latest/UserGuide/cross-service-confused-deputy-prevention.html).
    this.schedulerRole = new iam.Role(this, 'SchedulerRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnEquals: { 'aws:SourceArn': stack.formatArn({ service: 'scheduler', resource: 'schedule-group', resourceName: 'default' }) },
        },
      }),
      description: `Lets EventBridge Scheduler invoke the cdk-mlops ${options.handler} handler`,
    });
    acknowledgeInlinePolicy(this.schedulerRole);
    // The Scheduler's Lambda target grants lambda:InvokeFunction on the function and its qualifiers (`<arn>:*`).
    acknowledgeWildcardResources(this.schedulerRole, [`${this.function.functionArn}:*`],
      'EventBridge Scheduler may invoke this one function (any version or alias of it, as the Lambda target grants), nothing else.');

    this.errorsAlarm = new AlarmFactory(this, undefined).alarm({
      id: 'Errors',
      description: `The cdk-mlops ${options.handler} function failed: a scheduled run did not do its work.`,
      metric: this.function.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      tuning: { evaluationPeriods: 1, datapointsToAlarm: 1, severity: AlarmSeverity.WARNING },
      omitDatapointsToAlarm: true,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      routedByUsers: true,
    });
    this.deadLetterAlarm = new AlarmFactory(this, undefined).alarm({
      id: 'DeadLetter',
      description: `A cdk-mlops ${options.handler} run failed after its retries, or EventBridge Scheduler could not invoke it: `
        + `see the messages in the dead-letter queue ${this.deadLetterQueue.node.path}.`,
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      tuning: { evaluationPeriods: 1, datapointsToAlarm: 1, severity: AlarmSeverity.WARNING },
      // SQS publishes nothing for an idle, empty queue.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      routedByUsers: true,
    });
    this.schedulerAlarms = schedulerAlarms(stack);
  }

  /** Every alarm that says a scheduled run did not happen: errors, dead letters, the Scheduler's drops and target errors. */
  public get alarms(): cloudwatch.Alarm[] {
    return [this.errorsAlarm, this.deadLetterAlarm, ...this.schedulerAlarms];
  }

  /** Routes every alarm of the function as a warning with `factory` (once per set of alert topics): a silent monitor is loud. */
  public routeAlarms(factory: AlarmFactory): void {
    for (const alarm of this.alarms) {
      factory.route(alarm, AlarmSeverity.WARNING);
    }
  }
}

const SCHEDULER_ALARMS_ID = 'cdk-mlops-scheduler-alarms';

/**
 * The stack's alarms on EventBridge Scheduler's own metrics for the default schedule group
 * (https://docs.aws.amazon.com/scheduler/latest/UserGuide/monitoring-cloudwatch.html): invocations dropped after the retry
 * policy, and invocations the target refused (throttled, no permission, function missing). Defined on first use.
 */
function schedulerAlarms(stack: Stack): cloudwatch.Alarm[] {
  const existing = stack.node.tryFindChild(SCHEDULER_ALARMS_ID) as Construct | undefined;
  if (existing) {
    return existing.node.children.filter((c): c is cloudwatch.Alarm => c instanceof cloudwatch.Alarm);
  }
  const scope = new Construct(stack, SCHEDULER_ALARMS_ID);
  const group = scheduler.ScheduleGroup.fromDefaultScheduleGroup(scope, 'DefaultGroup');
  const factory = new AlarmFactory(scope, undefined);
  const alarm = (id: string, metric: cloudwatch.Metric, what: string) => factory.alarm({
    id,
    description: `EventBridge Scheduler ${what} in the default schedule group: a scheduled cdk-mlops run did not happen.`,
    metric,
    threshold: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    tuning: { evaluationPeriods: 1, datapointsToAlarm: 1, severity: AlarmSeverity.WARNING },
    // The Scheduler publishes these counts only when they are not zero.
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    routedByUsers: true,
  });
  return [
    alarm('Dropped', group.metricDropped({ period: Duration.minutes(5), statistic: 'Sum' }), 'dropped invocations after their retries'),
    alarm('TargetErrors', group.metricTargetErrors({ period: Duration.minutes(5), statistic: 'Sum' }), 'saw its target refuse invocations'),
  ];
}

/** The stack's key for handler log groups, defined on first use. */
function logsKey(stack: Stack): kms.IKey {
  const existing = stack.node.tryFindChild(LOGS_KEY_ID) as kms.Key | undefined;
  if (existing) {
    return existing;
  }
  const key = new kms.Key(stack, LOGS_KEY_ID, {
    description: 'Encrypts the log groups of the cdk-mlops handlers in this stack',
    enableKeyRotation: true,
    removalPolicy: RemovalPolicy.RETAIN,
    pendingWindow: Duration.days(30),
  });
  key.addToResourcePolicy(allowCloudWatchLogs(stack));
  key.addToResourcePolicy(denyGrantsNotForAwsResources());
  return key;
}
