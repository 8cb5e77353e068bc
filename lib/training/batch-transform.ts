import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { AssembleWith, BatchStrategy, JoinSource, SplitType, TransformDataCapture, TransformInstanceType, TransformModel } from './batch-transform-options';
import { defineBatchStates } from './private/batch-definition';
import { defineBatchRoles } from './private/batch-roles';
import { defineBatchSchedule, defineObjectCreatedRule, defineStartDeadLetters } from './private/batch-triggers';
import { validateBatch } from './private/batch-validate';
import type { ILakeZone } from '../data-lake';
import { AlarmSeverity, AlarmTuning, IAlertTopics } from '../monitoring';
import { AlarmFactory, resolveTuning } from '../private/alarm-factory';
import { allowCloudWatchLogs, denyGrantsNotForAwsResources } from '../private/kms';
import { InputErrors, requireProps } from '../private/validation';

/**
 * Properties of a `BatchTransform`.
 */
export interface BatchTransformProps {
  /** The model to score with: `TransformModel.latestApproved(registry)`, `.fromModelPackageVersion(registry, n)` or `.fromServingModel(model)`. */
  readonly model: TransformModel;

  /** The lake zone of the data to score. Only lake zones are accepted: the model's role is granted exactly `inputPrefix` there. */
  readonly input: ILakeZone;

  /**
   * The key prefix to score in `input`, such as `churn/scoring/`. A run scores every object under it, or, when started by an S3
   * event or with `{"inputPrefix": "..."}`, the objects under that key (which must be under this prefix).
   */
  readonly inputPrefix: string;

  /** The lake zone the results are written to; each run writes under `<outputPrefix><run id>/`, never deleting. */
  readonly output: ILakeZone;

  /**
   * The key prefix of the results in `output`.
   *
   * @default 'batch/<jobNamePrefix>/'
   */
  readonly outputPrefix?: string;

  /**
   * The instance type.
   *
   * @default TransformInstanceType.M5_XLARGE
   */
  readonly instanceType?: TransformInstanceType;

  /**
   * The number of instances.
   *
   * @default 1
   */
  readonly instanceCount?: number;

  /**
   * The largest request to the container, in MB: 0 to 100 (0: HTTP chunked encoding, for containers that support it, with
   * `BatchStrategy.SINGLE_RECORD`). With `maxConcurrentTransforms`, their product is at most 100.
   *
   * @default 6
   */
  readonly maxPayloadMb?: number;

  /**
   * The number of parallel requests to each instance; 0 lets SageMaker decide.
   *
   * @default - SageMaker's default (the container's execution parameters, else 1)
   */
  readonly maxConcurrentTransforms?: number;

  /**
   * How many records one request carries.
   *
   * @default BatchStrategy.MULTI_RECORD
   */
  readonly batchStrategy?: BatchStrategy;

  /**
   * How input objects are split into records.
   *
   * @default SplitType.LINE
   */
  readonly splitType?: SplitType;

  /**
   * How the results of one object are assembled.
   *
   * @default AssembleWith.LINE
   */
  readonly assembleWith?: AssembleWith;

  /**
   * Write each input record with its result (for joins downstream): needs CSV, JSON or JSON Lines input.
   *
   * @default JoinSource.NONE
   */
  readonly joinSource?: JoinSource;

  /**
   * A JSONPath expression selecting what of each record goes to the model, such as `$[1:]` (drop an id column).
   *
   * @default - the whole record
   */
  readonly inputFilter?: string;

  /**
   * A JSONPath expression selecting what of the joined record is written, such as `$[0,-1]`.
   *
   * @default - the whole (joined) record
   */
  readonly outputFilter?: string;

  /**
   * The MIME type of the input.
   *
   * @default 'text/csv'
   */
  readonly contentType?: string;

  /**
   * The MIME type of the results.
   *
   * @default - the container's default
   */
  readonly accept?: string;

  /**
   * Environment variables of the container: at most 16.
   *
   * @default - none
   */
  readonly environment?: { [key: string]: string };

  /**
   * How long one request to the container may take, 1 second to 1 hour (ModelClientConfig).
   *
   * @default - SageMaker's default (600 seconds)
   */
  readonly invocationTimeout?: Duration;

  /**
   * How many times SageMaker retries a failed request to the container, 0 to 3.
   *
   * @default - SageMaker's default (3)
   */
  readonly invocationRetries?: number;

  /**
   * How long a run's transform job may take (the task's timeout; Step Functions stops the job when it passes), up to 28 days.
   *
   * @default Duration.hours(24)
   */
  readonly maxRuntime?: Duration;

  /**
   * A key for the instances' storage volumes. Not on instance types with local NVMe storage, which SageMaker encrypts in hardware.
   *
   * @default - the output zone's key on types known to be EBS-backed; none on NVMe types
   */
  readonly volumeEncryptionKey?: kms.IKey;

  /**
   * Capture the inputs and results of each job (batch data capture), for drift and quality checks.
   *
   * @default - no capture
   */
  readonly dataCapture?: TransformDataCapture;

  /**
   * Run the model defined from the package in this VPC. Only with a model package (a `ServingModel` has its own VPC).
   *
   * @default - the SageMaker service network
   */
  readonly vpc?: ec2.IVpc;

  /**
   * The subnets of `vpc`.
   *
   * @default - the VPC's private subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * Security groups of the job's instances (1 to 5). Only with `vpc`.
   *
   * @default - a security group is defined, without inbound rules
   */
  readonly securityGroups?: ec2.ISecurityGroup[];

  /**
   * Run the model defined from the package without network access. Only with a model package.
   *
   * @default false
   */
  readonly networkIsolation?: boolean;

  /**
   * The prefix of the job and model names: 1-26 lowercase letters, digits and hyphens; each run is `<prefix>-<uuid>`.
   *
   * @default - derived from the construct path
   */
  readonly jobNamePrefix?: string;

  /**
   * Tags of each transform job: at most 50.
   *
   * @default - only the tag Step Functions adds
   */
  readonly jobTags?: { [key: string]: string };

  /**
   * Score on this schedule (EventBridge Scheduler), in addition to on-demand executions.
   *
   * @default - no schedule
   */
  readonly schedule?: scheduler.ScheduleExpression;

  /**
   * Score each object created under `inputPrefix` as it arrives (S3 `Object Created` events through EventBridge; the lake's buckets
   * send them). The output and capture prefixes must then be outside the input prefix.
   *
   * @default false
   */
  readonly startOnNewObjects?: boolean;

  /**
   * Where the alarms on failed and timed-out runs notify.
   *
   * @default - the alarms have no actions
   */
  readonly alerts?: IAlertTopics;

  /**
   * The alarm on failed runs (ExecutionsFailed >= 1).
   *
   * @default - 5-minute period, 1 of 1 datapoints, AlarmSeverity.WARNING
   */
  readonly failedAlarm?: AlarmTuning;

  /**
   * The alarm on timed-out runs (ExecutionsTimedOut >= 1).
   *
   * @default - 5-minute period, 1 of 1 datapoints, AlarmSeverity.WARNING
   */
  readonly timedOutAlarm?: AlarmTuning;

  /**
   * The alarm on scheduled or S3-event starts that failed after their retries (messages in the start dead-letter queue), with a
   * `schedule` or `startOnNewObjects`.
   *
   * @default - 5-minute period, 1 of 1 datapoints, AlarmSeverity.WARNING
   */
  readonly startFailedAlarm?: AlarmTuning;

  /**
   * How long the state machine's execution logs are kept.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * A Step Functions state machine that scores a prefix of the data lake with SageMaker batch transform
 * (`createTransformJob.sync`) and writes the results to the lake: on demand, on a schedule, or for each new object.
 *
 * With a model package, each run finds the package (the latest approved one, or the given version), defines a SageMaker model from
 * it, runs the job and deletes the model; with a `ServingModel`, the job uses that model. A run without an approved package fails
 * with `NoApprovedModelPackage`; an input outside `inputPrefix` fails with `InvalidRunInput` before a job starts.
 */
export class BatchTransform extends Construct {
  /** The state machine; start an execution to score. */
  public readonly stateMachine: sfn.StateMachine;
  /** The role the state machine runs as. */
  public readonly stateMachineRole: iam.Role;
  /** The execution role of the models defined from a package; undefined with a `ServingModel` (the model's own role is used). */
  public readonly modelRole?: iam.Role;
  /** The log group of the executions. */
  public readonly logGroup: logs.LogGroup;
  /** The prefix of every job and model name. */
  public readonly jobNamePrefix: string;
  /** The `s3://` URI under which each run writes `<run id>/`. */
  public readonly outputUri: string;
  /** The alarm on failed runs, unless switched off. */
  public readonly failedAlarm?: cloudwatch.Alarm;
  /** The alarm on timed-out runs, unless switched off. */
  public readonly timedOutAlarm?: cloudwatch.Alarm;
  /** The alarm on starts that failed after their retries, with a schedule or `startOnNewObjects`, unless switched off. */
  public readonly startFailedAlarm?: cloudwatch.Alarm;
  /** The schedule, if `schedule` was given. */
  public readonly schedule?: scheduler.Schedule;
  /** The rule that starts a run per new object, if `startOnNewObjects`. */
  public readonly newObjectsRule?: events.Rule;
  /** The queue of starts that failed after their retries, with a schedule or `startOnNewObjects`. */
  public readonly startDeadLetterQueue?: sqs.Queue;
  /** The security group the construct defined for a model in a VPC, if any. */
  public readonly securityGroup?: ec2.ISecurityGroup;

  constructor(scope: Construct, id: string, props: BatchTransformProps) {
    super(scope, id);
    requireProps(this, 'BatchTransform', props, {
      model: 'a TransformModel', input: 'an ILakeZone', inputPrefix: 'a key prefix in the input zone', output: 'an ILakeZone',
    });
    const errors = new InputErrors(this, 'BatchTransform');
    const cfg = validateBatch(this, errors, props);
    const failedTuning = resolveTuning(errors, 'failedAlarm', props.failedAlarm, DEFAULT_TUNING);
    const timedOutTuning = resolveTuning(errors, 'timedOutAlarm', props.timedOutAlarm, DEFAULT_TUNING);
    const startTuning = resolveTuning(errors, 'startFailedAlarm', props.startFailedAlarm, DEFAULT_TUNING);
    errors.throwIfAny();

    this.jobNamePrefix = cfg.jobNamePrefix;
    this.outputUri = props.output.s3Uri(cfg.outputPrefix);
    const roles = defineBatchRoles(this, props, cfg);
    this.stateMachineRole = roles.stateMachineRole;
    this.modelRole = roles.modelRole;
    if (!props.securityGroups && roles.securityGroups) {
      this.securityGroup = roles.securityGroups[0];
    }

    const logsKey = new kms.Key(this, 'LogsKey', {
      description: `Execution logs of the batch transform ${this.node.path}`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    logsKey.addToResourcePolicy(allowCloudWatchLogs(Stack.of(this)));
    logsKey.addToResourcePolicy(denyGrantsNotForAwsResources());
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      encryptionKey: logsKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      definitionBody: sfn.DefinitionBody.fromChainable(defineBatchStates(this, props, cfg, roles)),
      queryLanguage: sfn.QueryLanguage.JSONATA,
      role: this.stateMachineRole,
      comment: `Scores ${props.input.zoneName}/${cfg.inputPrefix} into ${props.output.zoneName}/${cfg.outputPrefix}: ${this.node.path}`,
      // The job's own limit plus time to find the package, define and delete the model, and back off when throttled.
      timeout: cfg.maxRuntime.plus(Duration.hours(1)),
      tracingEnabled: true,
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
    });

    if (props.schedule || props.startOnNewObjects) {
      this.startDeadLetterQueue = defineStartDeadLetters(this);
    }
    if (props.schedule) {
      this.schedule = defineBatchSchedule(this, props.schedule, this.stateMachine, this.startDeadLetterQueue!);
    }
    if (props.startOnNewObjects) {
      this.newObjectsRule = defineObjectCreatedRule(this, props.input, cfg.inputPrefix, this.stateMachine, this.startDeadLetterQueue!);
    }
    const factory = new AlarmFactory(this, props.alerts);
    const alarm = (alarmId: string, tuning: typeof failedTuning, metric: cloudwatch.IMetric, what: string) => factory.alarm({
      id: alarmId,
      description: `A run of the batch transform ${this.node.path} ${what}: the input ${props.input.zoneName}/${cfg.inputPrefix} was not scored. `
        + 'See the execution in the Step Functions console.',
      metric,
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      tuning,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    if (failedTuning.enabled) {
      this.failedAlarm = alarm('FailedAlarm', failedTuning, this.stateMachine.metricFailed({ period: failedTuning.period, statistic: 'Sum' }), 'failed');
    }
    if (timedOutTuning.enabled) {
      this.timedOutAlarm = alarm('TimedOutAlarm', timedOutTuning,
        this.stateMachine.metricTimedOut({ period: timedOutTuning.period, statistic: 'Sum' }), 'timed out');
    }
    if (this.startDeadLetterQueue && startTuning.enabled) {
      this.startFailedAlarm = factory.alarm({
        id: 'StartFailedAlarm',
        description: `A scheduled or S3-event start of the batch transform ${this.node.path} failed after its retries: that run did not happen. `
          + `See the events in the dead-letter queue ${this.startDeadLetterQueue.node.path}.`,
        metric: this.startDeadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: startTuning.period, statistic: 'Maximum' }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        tuning: startTuning,
        // SQS publishes nothing for an idle, empty queue.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }
  }

  /** Grants starting a run on demand. */
  public grantStartExecution(grantee: iam.IGrantable): iam.Grant {
    return this.stateMachine.grantStartExecution(grantee);
  }

  /** The number of failed runs. */
  public metricFailed(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.stateMachine.metricFailed(props);
  }

  /** The number of runs that scored their input. */
  public metricSucceeded(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.stateMachine.metricSucceeded(props);
  }
}

const DEFAULT_TUNING = { period: Duration.minutes(5), evaluationPeriods: 1, datapointsToAlarm: 1, severity: AlarmSeverity.WARNING };
