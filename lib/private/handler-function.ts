import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { AlarmFactory } from './alarm-factory';
import { handlerCode } from './handler-asset';
import { allowCloudWatchLogs, denyGrantsNotForAwsResources } from './kms';
import { acknowledgeWildcardResources } from './nag';
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
    this.function = new lambda.Function(this, 'Function', {
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
    Validations.of(this.function).acknowledge({
      id: 'cdk-validator-cfnguard::lambda_inside_vpc_check',
      reason: 'The function only calls regional AWS APIs (S3, CloudWatch, SageMaker); a VPC would add NAT or endpoint cost '
        + 'and no protection, since its role limits what it can reach.',
    });

    this.schedulerRole = new iam.Role(this, 'SchedulerRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': stack.account } } }),
      description: `Lets EventBridge Scheduler invoke the cdk-mlops ${options.handler} handler`,
    });
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
  }
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
