import { Duration, Names, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { ILakeTable } from './lake-table';
import { definePipelineStates } from './private-pipeline-states';
import type { ISparkJob } from './spark-job';
import { DQ_EVALUATION_RUN_ACTIONS, DQ_POLL_ACTIONS, DQ_PUBLISH_ACTIONS, DQ_START_ACTIONS, JOB_RUN_ACTIONS, LIST_EXECUTIONS_ACTIONS } from './spark-perms';
import { IDataLake, ILakeZone } from '../data-lake';
import { AlarmSeverity, AlarmTuning, IAlertTopics } from '../monitoring';
import { AlarmFactory, ResolvedTuning, resolveTuning } from '../private/alarm-factory';
import { allowCloudWatchLogs, denyGrantsNotForAwsResources } from '../private/kms';
import { normalizePrefix } from '../private/lake-prefix';
import { acknowledgeInlinePolicy, acknowledgeWildcardResources } from '../private/nag';
import { checkSchedule } from '../private/schedules';
import { InputErrors, checkArray, checkDuration, checkWholeNumber, describe, isToken, requireProps } from '../private/validation';

/**
 * A Glue Data Quality gate: a ruleset evaluated on a table after one of the pipeline's jobs; a rule that does not pass fails the
 * run (`DataQualityFailed`), so nothing after it runs.
 */
export interface DataQualityGate {
  /** The table to evaluate (usually the output of `afterJob`). */
  readonly table: ILakeTable;

  /**
   * The rules, in Glue's Data Quality Definition Language (DQDL), one per entry: `'RowCount > 0'`, `'IsComplete "customer_id"'`,
   * `'ColumnValues "amount" >= 0'`.
   */
  readonly rules: string[];

  /**
   * The job after which the gate runs.
   *
   * @default - the last job
   */
  readonly afterJob?: ISparkJob;

  /**
   * The name of the ruleset: 1-255 letters, digits, `_`, `-` and `.`.
   *
   * @default - derived from the construct path
   */
  readonly rulesetName?: string;

  /**
   * How long the evaluation may run, in whole minutes.
   *
   * @default Duration.minutes(30)
   */
  readonly timeout?: Duration;

  /**
   * The G.1X workers of the evaluation: at least 2.
   *
   * @default 2
   */
  readonly numberOfWorkers?: number;
}

/**
 * Start the pipeline when raw data arrives: an object created under a folder of a lake zone (the zone's bucket sends its events
 * to EventBridge, as a `DataLake`'s buckets do).
 */
export interface DataArrival {
  /** The lake. */
  readonly lake: IDataLake;
  /** The zone, e.g. `raw`. */
  readonly zone: string;
  /** The folder, e.g. `events/churn/`. */
  readonly prefix: string;
}

/**
 * Properties of a `DataPipeline`.
 */
export interface DataPipelineProps {
  /** The Glue jobs to run, in order: each starts when the one before it succeeded. 1 to 20 jobs. */
  readonly jobs: ISparkJob[];

  /**
   * A data-quality gate after one of the jobs.
   *
   * @default - no gate
   */
  readonly dataQuality?: DataQualityGate;

  /**
   * Run on this schedule (EventBridge Scheduler), at most every hour.
   *
   * @default - no schedule
   */
  readonly schedule?: scheduler.ScheduleExpression;

  /**
   * Run when objects arrive under a folder of a lake zone. A run that starts while another runs ends at once
   * (`AnotherRunInProgress`): the running one, or the next, picks up the new objects.
   *
   * @default - not on arrival
   */
  readonly runOnArrival?: DataArrival;

  /**
   * How long a run may take.
   *
   * @default - the jobs' timeouts, the gate's, and 15 minutes per step
   */
  readonly timeout?: Duration;

  /**
   * The name of the state machine: 1-80 letters, digits, `-` and `_`.
   *
   * @default - CloudFormation generates one
   */
  readonly stateMachineName?: string;

  /**
   * How long execution logs are kept.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * The key of the execution log group; its policy must let CloudWatch Logs use it.
   *
   * @default - a key is defined, rotated yearly and retained
   */
  readonly logEncryptionKey?: kms.IKey;

  /**
   * Where the alarms notify.
   *
   * @default - the alarms have no actions
   */
  readonly alerts?: IAlertTopics;

  /**
   * The prefix of the alarm names.
   *
   * @default - `stateMachineName`, else CloudFormation generates the names
   */
  readonly alarmNamePrefix?: string;

  /**
   * The alarm on failed runs (a job failed or timed out, or the data failed its quality gate).
   *
   * @default - 1-hour period, 1 of 1 datapoints, CRITICAL
   */
  readonly failedAlarm?: AlarmTuning;

  /**
   * The alarm on runs that passed the pipeline's timeout.
   *
   * @default - 1-hour period, 1 of 1 datapoints, CRITICAL
   */
  readonly timedOutAlarm?: AlarmTuning;
}

const MAX_JOBS = 20;
const STATE_MACHINE_NAME = /^[A-Za-z0-9_-]{1,80}$/;
const RULESET_NAME = /^[A-Za-z0-9_.-]{1,255}$/;
/** Glue Data Quality evaluations: default timeout 2,880 minutes (the API reference); the gate caps at that. */
const MAX_DQ_TIMEOUT_MINUTES = 2880;
/** How often the gate polls a running evaluation. */
const DQ_POLL_SECONDS = 60;

/**
 * A Step Functions state machine that runs Glue Spark jobs in order (`glue:startJobRun.sync`), optionally gates the data on a
 * Glue Data Quality ruleset, and starts on demand, on a schedule and/or when raw data arrives; alarms on failed and timed-out
 * runs through the alarm factory. Another pipeline (training) can follow it: Step Functions sends an `Execution Status Change`
 * event (`SUCCEEDED`) to EventBridge when a run succeeds (see `succeededEventPattern()`).
 *
 * @example
 * new DataPipeline(this, 'Etl', {
 *   jobs: [curate, buildFeatures],
 *   dataQuality: { table: churnEvents, afterJob: curate, rules: ['RowCount > 0', 'IsComplete "customer_id"'] },
 *   schedule: scheduler.ScheduleExpression.cron({ minute: '0', hour: '2' }),
 * });
 */
export class DataPipeline extends Construct {
  /** The state machine. */
  public readonly stateMachine: sfn.StateMachine;
  /** The state machine's ARN. */
  public readonly stateMachineArn: string;
  /** The role the state machine runs as. */
  public readonly role: iam.Role;
  /** The execution log group. */
  public readonly logGroup: logs.LogGroup;
  /** The Data Quality ruleset, if there is a gate. */
  public readonly dataQualityRuleset?: glue.CfnDataQualityRuleset;
  /** The role the Data Quality evaluation runs as, if there is a gate. */
  public readonly dataQualityRole?: iam.Role;
  /** The schedule, if `schedule` was given. */
  public readonly schedule?: scheduler.Schedule;
  /** The role EventBridge Scheduler and the arrival rule start executions with, if either is given. */
  public readonly startRole?: iam.Role;
  /** The queue of starts that failed, if `schedule` or `runOnArrival` was given. */
  public readonly deadLetterQueue?: sqs.Queue;
  /** The rule that starts a run when data arrives, if `runOnArrival` was given. */
  public readonly arrivalRule?: events.Rule;
  /** Fires on failed runs; undefined when switched off. */
  public readonly failedAlarm?: cloudwatch.Alarm;
  /** Fires on timed-out runs; undefined when switched off. */
  public readonly timedOutAlarm?: cloudwatch.Alarm;
  /** The run's timeout. */
  public readonly timeout: Duration;

  constructor(scope: Construct, id: string, props: DataPipelineProps) {
    super(scope, id);
    requireProps(this, 'DataPipeline', props, { jobs: 'a list of ISparkJob' }, { jobs: 'a list of ISparkJob' });
    const cfg = validate(this, props);
    const stack = Stack.of(this);
    this.timeout = Duration.seconds(cfg.timeoutSeconds);
    this.role = new iam.Role(this, 'Role', {
      // The confused-deputy guard: Step Functions assumes the role for this account's state machines only
      // (https://docs.aws.amazon.com/step-functions/latest/dg/procedure-create-iam-role.html). Not aws:SourceArn: the state
      // machine's ARN depends on this role, and the trust policy would then depend on the state machine.
      assumedBy: new iam.ServicePrincipal('states.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': stack.account } } }),
      description: `Step Functions: the data pipeline ${this.node.path}`,
    });
    acknowledgeInlinePolicy(this.role);
    for (const job of props.jobs) {
      iam.Grant.addToPrincipal({ grantee: this.role, actions: JOB_RUN_ACTIONS, resourceArns: [job.jobArn] });
    }

    let gate;
    const dq = props.dataQuality;
    if (dq) {
      const rulesetName = dq.rulesetName ?? Names.uniqueResourceName(this, { maxLength: 255, separator: '-' });
      this.dataQualityRuleset = new glue.CfnDataQualityRuleset(this, 'Ruleset', {
        name: rulesetName,
        description: `Quality gate of the data pipeline ${this.node.path}`,
        ruleset: `Rules = [\n  ${dq.rules.join(',\n  ')}\n]`,
        targetTable: { databaseName: dq.table.databaseName, tableName: dq.table.tableName },
      });
      this.dataQualityRole = this.defineDataQualityRole(dq.table, rulesetName);
      const rulesetArn = stack.formatArn({ service: 'glue', resource: 'dataQualityRuleset', resourceName: rulesetName });
      iam.Grant.addToPrincipal({ grantee: this.role, actions: DQ_START_ACTIONS, resourceArns: [rulesetArn] });
      const anyRuleset = stack.formatArn({ service: 'glue', resource: 'dataQualityRuleset', resourceName: '*' });
      iam.Grant.addToPrincipal({ grantee: this.role, actions: DQ_POLL_ACTIONS, resourceArns: [anyRuleset] });
      this.dataQualityRole.grantPassRole(this.role);
      acknowledgeWildcardResources(this.role.node.findChild('DefaultPolicy'), [anyRuleset], 'GetDataQualityRulesetEvaluationRun '
        + 'names only the run id, not its ruleset: the grant is that one read-only action on the account\'s rulesets');
      gate = {
        afterIndex: cfg.gateAfter, rulesetName, databaseName: dq.table.databaseName, tableName: dq.table.tableName,
        roleArn: this.dataQualityRole.roleArn, timeoutMinutes: cfg.dqTimeoutMinutes, numberOfWorkers: cfg.dqWorkers, pollSeconds: DQ_POLL_SECONDS,
      };
    }

    const definition = definePipelineStates(this, { jobs: props.jobs, jobIds: cfg.jobIds, gate });
    const logKey = props.logEncryptionKey ?? this.defineLogKey();
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      encryptionKey: logKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName: props.stateMachineName,
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      queryLanguage: sfn.QueryLanguage.JSONATA,
      role: this.role,
      comment: `Runs ${props.jobs.length} Glue job(s) in order${dq ? ', with a data-quality gate' : ''}: ${this.node.path}`,
      timeout: this.timeout,
      tracingEnabled: true,
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
    });
    this.stateMachineArn = this.stateMachine.stateMachineArn;
    acknowledgeWildcardResources(this.role.node.findChild('DefaultPolicy'), ['*'], 'Step Functions log delivery (logs:*LogDelivery, '
      + 'DescribeLogGroups, DescribeResourcePolicies, PutResourcePolicy) and X-Ray tracing (xray:PutTraceSegments, PutTelemetryRecords, '
      + 'GetSampling*) support no resource-level permissions; the CDK adds exactly these for the logging and tracing of this state machine');
    // In a policy of its own: in the default policy, the state machine would depend on itself.
    const listRuns = new iam.Policy(this, 'ListRunsPolicy', {
      statements: [new iam.PolicyStatement({ actions: LIST_EXECUTIONS_ACTIONS, resources: [this.stateMachineArn] })],
      roles: [this.role],
    });
    acknowledgeInlinePolicy(listRuns);

    if (props.schedule || cfg.arrival) {
      const starts = this.defineStarts(props, cfg);
      this.startRole = starts.role;
      this.deadLetterQueue = starts.deadLetterQueue;
      this.schedule = starts.schedule;
      this.arrivalRule = starts.arrivalRule;
    }
    const alarms = this.defineAlarms(props, cfg);
    this.failedAlarm = alarms.failed;
    this.timedOutAlarm = alarms.timedOut;
  }

  /** Grants starting a run on demand. */
  public grantStartExecution(grantee: iam.IGrantable): iam.Grant {
    return this.stateMachine.grantStartExecution(grantee);
  }

  /**
   * The EventBridge pattern of this pipeline's successful runs (`Step Functions Execution Status Change`, status `SUCCEEDED`),
   * for a rule that starts what follows it (https://docs.aws.amazon.com/step-functions/latest/dg/eventbridge-integration.html).
   * Runs that did nothing because another was running (`AnotherRunInProgress`, whose output starts with `{"skipped"`) are left
   * out, so that what follows starts once, after the run that did the work.
   */
  public succeededEventPattern(): events.EventPattern {
    return {
      source: ['aws.states'],
      detailType: ['Step Functions Execution Status Change'],
      detail: { status: ['SUCCEEDED'], stateMachineArn: [this.stateMachineArn], output: [{ 'anything-but': { prefix: '{"skipped"' } }] },
    };
  }

  /** Failed runs (ExecutionsFailed). */
  public metricFailed(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.stateMachine.metricFailed(props);
  }

  /** Runs that passed the timeout (ExecutionsTimedOut). */
  public metricTimedOut(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.stateMachine.metricTimedOut(props);
  }

  /** Runs that succeeded (ExecutionsSucceeded); skipped runs (another was running) count too. */
  public metricSucceeded(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.stateMachine.metricSucceeded(props);
  }

  /** The role of the evaluation: reads the table and its ruleset, publishes the ruleset's results and reads its run. */
  private defineDataQualityRole(table: ILakeTable, rulesetName: string): iam.Role {
    const stack = Stack.of(this);
    const role = new iam.Role(this, 'DataQualityRole', {
      assumedBy: new iam.ServicePrincipal('glue.amazonaws.com'),
      description: `Glue Data Quality: evaluates ${table.databaseName}.${table.tableName} for ${this.node.path}`,
    });
    acknowledgeInlinePolicy(role);
    table.grantRead(role);
    iam.Grant.addToPrincipal({
      grantee: role, actions: DQ_PUBLISH_ACTIONS,
      resourceArns: [stack.formatArn({ service: 'glue', resource: 'dataQualityRuleset', resourceName: rulesetName })],
    });
    const anyRuleset = stack.formatArn({ service: 'glue', resource: 'dataQualityRuleset', resourceName: '*' });
    iam.Grant.addToPrincipal({ grantee: role, actions: DQ_EVALUATION_RUN_ACTIONS, resourceArns: [anyRuleset] });
    iam.Grant.addToPrincipal({
      grantee: role, actions: ['cloudwatch:PutMetricData'], resourceArns: ['*'],
      conditions: { StringEquals: { 'cloudwatch:namespace': 'Glue Data Quality' } },
    });
    const policy = role.node.findChild('DefaultPolicy');
    acknowledgeWildcardResources(policy, ['*'], 'cloudwatch:PutMetricData has no resource-level '
      + 'permissions; a condition limits it to the Glue Data Quality namespace');
    acknowledgeWildcardResources(policy, [anyRuleset], 'GetDataQualityRulesetEvaluationRun names only the run id, not its ruleset: '
      + 'the grant is that one read-only action on the rulesets of this account and Region');
    return role;
  }

  /** The schedule and the arrival rule, with one role and one dead-letter queue. */
  private defineStarts(props: DataPipelineProps, cfg: PipelineConfig): PipelineStarts {
    const stack = Stack.of(this);
    // The confused-deputy guard: only this account's schedules and rules start the pipeline
    // (https://docs.aws.amazon.com/scheduler/latest/UserGuide/cross-service-confused-deputy-prevention.html).
    const services = [...(props.schedule ? ['scheduler.amazonaws.com'] : []), ...(cfg.arrival ? ['events.amazonaws.com'] : [])];
    const [first, ...others] = services.map((service) => new iam.ServicePrincipal(service, {
      conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
    }));
    const role = new iam.Role(this, 'StartRole', { assumedBy: first, description: `Starts the data pipeline ${this.node.path}` });
    for (const principal of others) {
      role.assumeRolePolicy!.addStatements(new iam.PolicyStatement({
        principals: [principal], actions: ['sts:AssumeRole'], conditions: principal.policyFragment.conditions,
      }));
    }
    acknowledgeInlinePolicy(role);
    const deadLetterQueue = new sqs.Queue(this, 'StartDeadLetters', {
      encryption: sqs.QueueEncryption.SQS_MANAGED, enforceSSL: true, retentionPeriod: Duration.days(14), removalPolicy: RemovalPolicy.RETAIN,
    });
    const dlqReason = 'This queue is the dead-letter queue of the pipeline\'s starts; a DLQ of its own would only move the same events again.';
    Validations.of(deadLetterQueue).acknowledge({ id: 'AwsSolutions::AwsSolutions-SQS3', reason: dlqReason });
    Validations.of(deadLetterQueue).acknowledge({ id: 'cdk-validator-cfnguard::sqs_dlq_check', reason: dlqReason });
    const schedule = props.schedule && new scheduler.Schedule(this, 'Schedule', {
      description: `cdk-mlops data pipeline ${this.node.path}`,
      schedule: props.schedule,
      target: new schedulerTargets.StepFunctionsStartExecution(this.stateMachine, {
        role, deadLetterQueue, retryAttempts: 5, maxEventAge: Duration.hours(1),
        input: scheduler.ScheduleTargetInput.fromObject({ trigger: 'schedule' }),
      }),
    });
    const arrival = cfg.arrival;
    const arrivalRule = arrival && new events.Rule(this, 'OnArrival', {
      description: `Runs ${this.node.path} when objects arrive under ${arrival.zone.zoneName}/${arrival.prefix}`,
      // S3 object events in EventBridge: https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['Object Created'],
        detail: { bucket: { name: [arrival.zone.bucket.bucketName] }, object: { key: [{ prefix: arrival.prefix }] } },
      },
      targets: [new targets.SfnStateMachine(this.stateMachine, {
        role, deadLetterQueue, retryAttempts: 5, maxEventAge: Duration.hours(1),
        input: events.RuleTargetInput.fromObject({ trigger: 'arrival', key: events.EventField.fromPath('$.detail.object.key') }),
      })],
    });
    return { role, deadLetterQueue, schedule, arrivalRule };
  }

  private defineLogKey(): kms.Key {
    const key = new kms.Key(this, 'LogsKey', {
      description: `Execution logs of the data pipeline ${this.node.path}`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
      pendingWindow: Duration.days(30),
    });
    key.addToResourcePolicy(allowCloudWatchLogs(Stack.of(this)));
    key.addToResourcePolicy(denyGrantsNotForAwsResources());
    return key;
  }

  private defineAlarms(props: DataPipelineProps, cfg: PipelineConfig): { failed?: cloudwatch.Alarm; timedOut?: cloudwatch.Alarm } {
    const factory = new AlarmFactory(this, props.alerts);
    const prefix = props.alarmNamePrefix ?? props.stateMachineName;
    const name = (suffix: string) => (prefix === undefined ? undefined : `${prefix}-${suffix}`);
    const alarm = (id: string, suffix: string, tuning: ResolvedTuning, metric: cloudwatch.Metric, description: string) => (tuning.enabled
      ? factory.alarm({
        id, alarmName: name(suffix), description, metric, threshold: 1, tuning,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        // No run in the period: nothing failed.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }) : undefined);
    const failed = alarm('FailedAlarm', 'failed', cfg.failedTuning,
      this.metricFailed({ period: cfg.failedTuning.period, statistic: 'Sum' }),
      `A run of the data pipeline ${this.node.path} failed: a Glue job failed or timed out, or the data failed its quality gate `
      + '(DataQualityFailed). Nothing after the failed step ran; see the execution\'s error and the job\'s logs.');
    const timedOut = alarm('TimedOutAlarm', 'timed-out', cfg.timedOutTuning,
      this.metricTimedOut({ period: cfg.timedOutTuning.period, statistic: 'Sum' }),
      `A run of the data pipeline ${this.node.path} took longer than ${this.timeout.toHumanString()} and was stopped.`);
    return { failed, timedOut };
  }
}

interface PipelineStarts {
  readonly role: iam.Role;
  readonly deadLetterQueue: sqs.Queue;
  readonly schedule?: scheduler.Schedule;
  readonly arrivalRule?: events.Rule;
}

interface PipelineConfig {
  readonly jobIds: string[];
  readonly gateAfter: number;
  readonly dqTimeoutMinutes: number;
  readonly dqWorkers: number;
  readonly timeoutSeconds: number;
  readonly arrival?: { zone: ILakeZone; prefix: string };
  readonly failedTuning: ResolvedTuning;
  readonly timedOutTuning: ResolvedTuning;
}

function validate(scope: Construct, props: DataPipelineProps): PipelineConfig {
  const errors = new InputErrors(scope, 'DataPipeline');
  const jobs = props.jobs;
  if (jobs.length === 0 || jobs.length > MAX_JOBS) {
    errors.add('jobs', jobs, `a list of 1 to ${MAX_JOBS} jobs`);
  }
  const seen = new Set<ISparkJob>();
  jobs.forEach((j, i) => {
    if (seen.has(j)) {
      errors.add(`jobs[${i}]`, j, 'a job listed once (it is already in the list)');
    }
    seen.add(j);
  });
  // State names from the jobs' construct ids, unique within the pipeline.
  const jobIds: string[] = [];
  for (const j of jobs) {
    const base = j.node.id.replace(/[^A-Za-z0-9]/g, '') || 'Job';
    let idName = base;
    for (let n = 2; jobIds.includes(idName); n++) {
      idName = `${base}${n}`;
    }
    jobIds.push(idName);
  }
  const dq = props.dataQuality;
  let gateAfter = jobs.length - 1;
  let dqTimeoutMinutes = 30;
  let dqWorkers = 2;
  if (dq) {
    if (dq.afterJob) {
      gateAfter = jobs.indexOf(dq.afterJob);
      if (gateAfter < 0) {
        errors.add('dataQuality.afterJob', dq.afterJob, 'one of the pipeline\'s jobs');
      }
    }
    if (checkArray(errors, 'dataQuality.rules', dq.rules, 'a list of DQDL rules, e.g. [\'RowCount > 0\']')) {
      if (dq.rules.length === 0) {
        errors.add('dataQuality.rules', dq.rules, 'at least one DQDL rule, e.g. \'RowCount > 0\'');
      }
      dq.rules.forEach((r, i) => {
        if (typeof r !== 'string' || (!isToken(r) && (r.trim() === '' || /^\s*Rules\s*=/.test(r)))) {
          errors.add(`dataQuality.rules[${i}]`, r, 'one DQDL rule such as \'IsComplete "customer_id"\' (the library writes the Rules = [ ... ] around them)');
        }
      });
    }
    if (dq.rulesetName !== undefined && !isToken(dq.rulesetName) && !RULESET_NAME.test(dq.rulesetName)) {
      errors.add('dataQuality.rulesetName', dq.rulesetName, '1-255 letters, digits, underscores, hyphens and periods');
    }
    dqTimeoutMinutes = checkDuration(errors, 'dataQuality.timeout', dq.timeout, { unit: 'minutes', min: 1, max: MAX_DQ_TIMEOUT_MINUTES })
      ?? (dq.timeout?.isUnresolved() ? dq.timeout.toMinutes() : 30);
    dqWorkers = dq.numberOfWorkers ?? 2;
    checkWholeNumber(errors, 'dataQuality.numberOfWorkers', dqWorkers, { min: 2 });
  }
  if (props.stateMachineName !== undefined && !isToken(props.stateMachineName) && !STATE_MACHINE_NAME.test(props.stateMachineName)) {
    errors.add('stateMachineName', props.stateMachineName, '1-80 letters, digits, hyphens and underscores');
  }
  checkSchedule(errors, 'schedule', props.schedule, {
    minRateMinutes: 60, minRateAllowed: 'a rate of at least 1 hour (a run of Spark jobs takes minutes to start; use runOnArrival for new data)',
  });
  let arrival: PipelineConfig['arrival'];
  if (props.runOnArrival) {
    const a = props.runOnArrival;
    if (!a.lake.zoneNames.includes(a.zone)) {
      errors.add('runOnArrival.zone', a.zone, `one of the lake's zones ${describe(a.lake.zoneNames)}`);
    } else {
      const before = errors.count;
      const prefix = normalizePrefix(errors, 'runOnArrival.prefix', a.prefix);
      if (errors.count === before && prefix === '') {
        errors.add('runOnArrival.prefix', a.prefix, "a folder of the zone, e.g. 'events/churn/' (every object of the zone would start a run)");
      }
      arrival = { zone: a.lake.zone(a.zone), prefix: prefix ?? '' };
    }
  }
  // Each step: its own timeout plus 15 minutes to start and report; the gate polls until its evaluation's timeout.
  const stepSlack = 15 * 60;
  const jobSeconds = jobs.reduce((sum, j) => sum + (j.timeout.isUnresolved() ? 0 : j.timeout.toSeconds()) + stepSlack, 0);
  const derived = jobSeconds + (dq ? dqTimeoutMinutes * 60 + stepSlack : 0) + stepSlack;
  const timeoutSeconds = checkDuration(errors, 'timeout', props.timeout, {
    unit: 'seconds', min: 60, max: 365 * 24 * 3600, allowed: 'a whole number of seconds from 60 to 1 year (Step Functions standard workflows)',
  }) ?? derived;
  const failedTuning = resolveTuning(errors, 'failedAlarm', props.failedAlarm, {
    period: Duration.hours(1), evaluationPeriods: 1, datapointsToAlarm: 1, severity: AlarmSeverity.CRITICAL,
  });
  const timedOutTuning = resolveTuning(errors, 'timedOutAlarm', props.timedOutAlarm, {
    period: Duration.hours(1), evaluationPeriods: 1, datapointsToAlarm: 1, severity: AlarmSeverity.CRITICAL,
  });
  errors.throwIfAny();
  return { jobIds, gateAfter, dqTimeoutMinutes, dqWorkers, timeoutSeconds, arrival, failedTuning, timedOutTuning };
}
