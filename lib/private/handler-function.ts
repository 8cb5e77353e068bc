import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
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
import { checkWholeNumber, InputErrors, isToken } from './validation';
import { AlarmSeverity } from '../monitoring/alert-topics';
import { HandlerOptions } from '../monitoring/handler-options';

/** How to define the one function of a pre-built handler in a stack. */
export interface HandlerFunctionOptions {
  /** The handler folder under lambda/ (and dist/lambda/). */
  readonly handler: string;
  readonly description: string;
  readonly memorySize: number;
  readonly timeout: Duration;
  readonly runtime?: lambda.Runtime;
  readonly environment?: Record<string, string>;
  /** VPC placement and reserved concurrency, as the user gave them (checked by `validateHandlerOptions`). */
  readonly handlerOptions?: HandlerOptions;
  /** The kind of construct asking (e.g. 'DriftMonitor'), for the error when it asks for other options than the function has. */
  readonly requestedBy: string;
  /**
   * Define a function for the asking construct alone, under it (id `Handler`), not shared by the stack: for a role that must
   * reach only that construct's resources (a load-test worker may invoke one endpoint).
   * @default false
   */
  readonly unshared?: boolean;
}

/**
 * Lambda's limits on a function's network configuration (https://docs.aws.amazon.com/lambda/latest/api/API_VpcConfig.html:
 * SubnetIds at most 16, SecurityGroupIds at most 5).
 */
export const MAX_HANDLER_SUBNETS = 16;
export const MAX_HANDLER_SECURITY_GROUPS = 5;

/**
 * Records the problems of `handlerOptions` (as `prop`): subnets or security groups without a VPC, public or too many
 * subnets, no or too many security groups, reserved concurrency that is not a whole number >= 1 (PutFunctionConcurrency
 * accepts 0, which stops every invocation: https://docs.aws.amazon.com/lambda/latest/api/API_PutFunctionConcurrency.html).
 */
export function validateHandlerOptions(errors: InputErrors, prop: string, o: HandlerOptions | undefined): void {
  if (o === undefined) {
    return;
  }
  checkWholeNumber(errors, `${prop}.reservedConcurrentExecutions`, o.reservedConcurrentExecutions, {
    min: 1, allowed: 'a whole number >= 1 (0 would stop every run; leave it out for unreserved concurrency)',
  });
  if (o.vpc === undefined) {
    errors.check(o.vpcSubnets === undefined, `${prop}.vpcSubnets`, o.vpcSubnets, `left out without ${prop}.vpc`);
    errors.check(o.securityGroups === undefined, `${prop}.securityGroups`, o.securityGroups, `left out without ${prop}.vpc`);
    return;
  }
  if (o.securityGroups !== undefined) {
    const n = Array.isArray(o.securityGroups) ? o.securityGroups.length : -1;
    errors.check(n >= 1 && n <= MAX_HANDLER_SECURITY_GROUPS, `${prop}.securityGroups`, o.securityGroups,
      `1 to ${MAX_HANDLER_SECURITY_GROUPS} security groups (Lambda's limit), or left out for one the library defines`);
  }
  let selected: ec2.SelectedSubnets;
  try {
    selected = o.vpc.selectSubnets(o.vpcSubnets);
  } catch (e) {
    errors.add(`${prop}.vpcSubnets`, o.vpcSubnets ?? '(default)', `a selection of subnets the VPC has (${(e as Error).message})`);
    return;
  }
  const publicIds = new Set(o.vpc.publicSubnets.map((s) => s.subnetId));
  const publicSelected = selected.subnetIds.filter((id) => publicIds.has(id));
  if (publicSelected.length > 0) {
    errors.add(`${prop}.vpcSubnets`, o.vpcSubnets ?? '(default)', 'private or isolated subnets: a Lambda function in a public subnet '
      + `has no public IP and cannot reach AWS APIs (public subnets selected: ${publicSelected.length})`);
  }
  if (selected.subnetIds.length === 0 || selected.subnetIds.length > MAX_HANDLER_SUBNETS) {
    errors.add(`${prop}.vpcSubnets`, o.vpcSubnets ?? '(default)',
      `a selection of 1 to ${MAX_HANDLER_SUBNETS} subnets (Lambda's limit), got ${selected.subnetIds.length}`);
  }
}

/** What the shared function of a handler is configured with, comparable across constructs. */
function handlerOptionsKey(o: HandlerOptions | undefined): string {
  if (o === undefined || (o.vpc === undefined && o.reservedConcurrentExecutions === undefined)) {
    return 'no VPC, unreserved concurrency';
  }
  const parts: string[] = [];
  if (o.vpc) {
    const subnets = o.vpc.selectSubnets(o.vpcSubnets).subnets.map((sn) => sn.node.path);
    parts.push(`VPC ${o.vpc.node.path} (subnets ${subnets.join(', ')}; `
      + `security groups ${o.securityGroups ? o.securityGroups.map((g) => g.node.path).join(', ') : 'the library\'s'})`);
  } else {
    parts.push('no VPC');
  }
  const reserved = o.reservedConcurrentExecutions;
  parts.push(reserved === undefined ? 'unreserved concurrency' : `${isToken(reserved) ? '<token>' : reserved} reserved executions`);
  return parts.join(', ');
}

const LOGS_KEY_ID = 'cdk-mlops-handler-logs-key';

/** The actions a function's role needs to attach it to a VPC (the Lambda developer guide, configuration-vpc). */
export const HANDLER_VPC_ACTIONS: readonly string[] = [
  'ec2:CreateNetworkInterface',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeSubnets',
  'ec2:DeleteNetworkInterface',
  'ec2:AssignPrivateIpAddresses',
  'ec2:UnassignPrivateIpAddresses',
];

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
    if (options.unshared) {
      return new HandlerFunction(scope, 'Handler', options);
    }
    const stack = Stack.of(scope);
    const id = `cdk-mlops-${options.handler}`;
    const existing = stack.node.tryFindChild(id) as HandlerFunction | undefined;
    if (existing === undefined) {
      const fn = new HandlerFunction(stack, id, options);
      fn.definedBy = `${options.requestedBy} ${scope.node.path}`;
      return fn;
    }
    // One function per handler per stack: a construct that gives options must give the ones it was defined with.
    const wanted = handlerOptionsKey(options.handlerOptions);
    if (options.handlerOptions !== undefined && wanted !== existing.optionsKey) {
      const errors = new InputErrors(scope, options.requestedBy);
      errors.add('handlerOptions', options.handlerOptions, `the options of the stack's ${options.handler} function, which `
        + `${existing.definedBy} defined with ${existing.optionsKey} (one function serves every construct of the stack: give them all `
        + 'the same handlerOptions)');
      errors.throwIfAny();
    }
    return existing;
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
  /** The path of the construct that defined the function, and what it defined it with (for the error on other options). */
  private definedBy: string;
  private readonly optionsKey: string;

  private constructor(scope: Construct, id: string, options: HandlerFunctionOptions) {
    super(scope, id);
    const stack = Stack.of(this);
    const placement = options.handlerOptions;
    this.definedBy = `${options.requestedBy} ${scope.node.path}`;
    this.optionsKey = handlerOptionsKey(placement);
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
      ...(placement?.vpc ? { vpc: placement.vpc, vpcSubnets: placement.vpcSubnets, securityGroups: placement.securityGroups } : {}),
      reservedConcurrentExecutions: placement?.reservedConcurrentExecutions,
    });
    // The role's policy (and in a VPC its network-interface statement) exists before the function: Lambda checks it on create.
    this.function.node.addDependency(this.role);
    if (placement?.vpc) {
      // What Lambda needs to attach the function to the VPC, as in AWSLambdaVPCAccessExecutionRole without its logs:* on *
      // (https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html#configuration-vpc-permissions): the role is ours,
      // so the CDK adds no managed policy to it.
      this.role.addToPolicy(new iam.PolicyStatement({
        actions: [...HANDLER_VPC_ACTIONS],
        resources: ['*'],
      }));
      acknowledgeWildcardResources(this.role, ['*'], 'The network-interface actions Lambda needs to attach the function to its VPC, on * as '
        + 'the Lambda developer guide requires: ec2:DescribeNetworkInterfaces and DescribeSubnets support no resource-level '
        + 'permissions, and the interfaces do not exist before Lambda creates them.');
    } else {
      const noVpcReason = 'The function only calls regional AWS APIs (S3, CloudWatch, SageMaker); a VPC would add NAT or endpoint cost '
        + 'and no protection, since its role limits what it can reach. VPC placement is an option (handlerOptions.vpc).';
      Validations.of(this.function).acknowledge({ id: 'cdk-validator-cfnguard::lambda_inside_vpc_check', reason: noVpcReason });
      acknowledgeSharedRule(this.function, 'LambdaInsideVPC', noVpcReason);
    }
    if (placement?.reservedConcurrentExecutions === undefined) {
      acknowledgeSharedRule(this.function, 'LambdaConcurrency', 'Reserved concurrency is not set by default: it is carved out of the '
        + 'account\'s concurrency pool, which must keep 100 unreserved executions, so a default would fail to deploy in accounts with '
        + 'a low limit; the function runs once per schedule period. It is an option (handlerOptions.reservedConcurrentExecutions).');
    }
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
