import { Duration, RemovalPolicy, Size, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { TrainingInstanceType } from './instance-type';
import * as perms from './perms';
import { IModelRegistry } from './model-registry';
import { defineStates } from './private/definition';
import { grantOverlapCheck } from './private/overlap';
import { ImportedTrainingPipeline } from './private/imported-pipeline';
import { gateTerms } from './private/quality-gate';
import { definePipelineRoles, tunedJobsArn as tunedJobsArnOf } from './private/roles';
import { defineSchedule } from './private/schedule';
import { MAX_TRAINING_RUNTIME, runTimeout, validate } from './private/validate';
import { MetricDefinition, ModelApprovalStatus, QualityGate, TrainingChannel } from './training-options';
import { ITrainingPipeline } from './training-pipeline-interface';
import { HyperparameterTuning } from './tuning-options';
import { IDataLake } from '../data-lake';
import { allowCloudWatchLogs, denyGrantsNotForAwsResources } from '../private/kms';
import { acknowledgeSharedRule } from '../private/nag';
import { InputErrors, requireProps } from '../private/validation';

/**
 * Properties of a `TrainingPipeline`.
 */
export interface TrainingPipelineProps {
  /** The lake to read the channels from and to write the model, checkpoints and TensorBoard logs to (its `models` zone). */
  readonly lake: IDataLake;

  /** The training image. `DockerImage.fromEcrRepository(repo, tag)` grants the training role pull on that repository only. */
  readonly image: tasks.DockerImage;

  /** The instance type to train on. */
  readonly instanceType: TrainingInstanceType;

  /** The input channels: at most 20, unique names. */
  readonly channels: TrainingChannel[];

  /** Metrics SageMaker parses from the logs: at most 40, unique names. */
  readonly metricDefinitions: MetricDefinition[];

  /** The gate that a trained model must pass to be registered. */
  readonly qualityGate: QualityGate;

  /** The registry that receives the models that pass the gate. */
  readonly registry: IModelRegistry;

  /**
   * Tune hyperparameters: each run starts a tuning job (`createHyperParameterTuningJob.sync`) whose training jobs are this pipeline's
   * training job (spot and checkpoints, VPC, encryption, network isolation carry over) with the `ranges` searched; the best training
   * job's model then goes through the quality gate and registration, as a plain run's. A run whose tuning job has no best training
   * job fails with `NoTrainingJobCompleted`. With tuning, `jobNamePrefix` has at most 19 characters (tuning job names are
   * `<prefix>-<12 hex digits>`, at most 32) and `tensorBoard` is not available.
   *
   * @default - no tuning: each run trains one job with `hyperparameters`
   */
  readonly tuning?: HyperparameterTuning;

  /**
   * The number of instances; more than 1 for distributed training.
   *
   * @default 1
   */
  readonly instanceCount?: number;

  /**
   * The size of each instance's ML storage volume, 1-16384 GB. Instance types with local NVMe storage use that storage instead, and
   * SageMaker rejects a size larger than it (checked where the instance catalog knows the size).
   *
   * @default Size.gibibytes(50)
   */
  readonly volumeSize?: Size;

  /**
   * A key to encrypt the ML storage volume. Not allowed on instance types with local NVMe storage (g4dn, g5, g6, g6e, p3dn, p4d, p5,
   * p6, trn1, trn2, `d` types), which SageMaker encrypts in hardware.
   *
   * @default - the lake's key on types known to be EBS-backed; none (hardware encryption) on NVMe types; none, with a warning, on
   * types whose storage the library does not know
   */
  readonly volumeEncryptionKey?: kms.IKey;

  /**
   * How long a training job may run, at most 28 days.
   *
   * @default Duration.hours(24)
   */
  readonly maxRuntime?: Duration;

  /**
   * Managed spot training: up to 90% cheaper, may be interrupted. Checkpoints go to the lake so that an interrupted job resumes.
   *
   * @default false
   */
  readonly spot?: boolean;

  /**
   * With `spot`: how long to wait for spot capacity plus run time; at least `maxRuntime`. Only with `spot`.
   *
   * @default - twice `maxRuntime`, at most 28 days (and never less than `maxRuntime`)
   */
  readonly maxWait?: Duration;

  /**
   * How long a job may wait in SageMaker's job scheduler before it starts (StoppingCondition.MaxPendingTimeInSeconds: 2 hours to
   * 28 days), for capacity reserved through training plans. The state machine's timeout, and the shortest schedule rate
   * allowed, include it.
   *
   * @default - SageMaker's default
   */
  readonly maxPendingTime?: Duration;

  /**
   * How many times SageMaker itself retries a job that fails with an internal server error (RetryStrategy.MaximumRetryAttempts,
   * 1-30); 0 to not retry.
   *
   * @default 2
   */
  readonly internalErrorRetries?: number;

  /**
   * How long a run may wait, in total, for training capacity: when a job fails because SageMaker could not provision the
   * instances (`InsufficientCapacityError`, `CapacityError`), the run waits with exponential backoff (2 minutes doubling up to
   * 30 minutes) and starts a new job, until this budget is spent. The state machine's timeout grows by this budget. 0 to fail
   * at once.
   *
   * @default Duration.hours(2)
   */
  readonly capacityWaitBudget?: Duration;

  /**
   * Where the container writes checkpoints that SageMaker syncs to the lake.
   *
   * @default '/opt/ml/checkpoints'
   */
  readonly checkpointLocalPath?: string;

  /**
   * Write TensorBoard logs from the container (`/opt/ml/output/tensorboard`) to the lake.
   *
   * @default false
   */
  readonly tensorBoard?: boolean;

  /**
   * Hyperparameters passed to the container: at most 100; keys up to 256 characters; values strings, numbers or booleans,
   * converted to strings of up to 2500 characters.
   *
   * @default - none
   */
  readonly hyperparameters?: { [key: string]: any };

  /**
   * Environment variables of the container: at most 100; names are letters, digits and `_` (not starting with a digit),
   * names and values up to 512 characters.
   *
   * @default - none
   */
  readonly environment?: { [key: string]: string };

  /**
   * Run the training job in this VPC (private subnets by default). The VPC needs an S3 endpoint or a NAT gateway.
   *
   * @default - the job runs in the SageMaker service network
   */
  readonly vpc?: ec2.IVpc;

  /**
   * The subnets of `vpc` to use.
   *
   * @default - the VPC's private subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * Security groups of the training instances, at most 5. Only with `vpc`.
   *
   * @default - a security group is defined that allows traffic between the job's instances and all outbound traffic
   */
  readonly securityGroups?: ec2.ISecurityGroup[];

  /**
   * Network isolation: the container can make no outbound network calls (SageMaker still reads the channels and writes the output).
   *
   * @default false
   */
  readonly networkIsolation?: boolean;

  /**
   * Encrypt the traffic between the instances of a distributed job. It slows down training a little.
   *
   * @default true
   */
  readonly interContainerTrafficEncryption?: boolean;

  /**
   * The prefix of the training job names: 1-26 lowercase letters, digits and hyphens. Each run is named `<prefix>-<uuid>`, and the
   * pipeline may create and stop only jobs with this prefix.
   *
   * @default - derived from the construct path
   */
  readonly jobNamePrefix?: string;

  /**
   * The key prefix in the `models` zone under which the pipeline writes `output/`, `checkpoints/` and `tensorboard/`.
   *
   * @default 'training/<jobNamePrefix>/'
   */
  readonly outputPrefix?: string;

  /**
   * The image registered for inference: the image that will serve the model.
   *
   * @default - the training image, with a warning (a training image rarely serves)
   */
  readonly inferenceImage?: tasks.DockerImage;

  /**
   * The approval status of a registered model.
   *
   * @default ModelApprovalStatus.PENDING_MANUAL_APPROVAL
   */
  readonly approvalStatus?: ModelApprovalStatus;

  /**
   * The content types the registered model accepts.
   *
   * @default - not stated in the model package
   */
  readonly supportedContentTypes?: string[];

  /**
   * The content types the registered model responds with.
   *
   * @default - not stated in the model package
   */
  readonly supportedResponseTypes?: string[];

  /**
   * The instance types the registered model may be served on in real time (the model package's
   * `SupportedRealtimeInferenceInstanceTypes`), such as `['ml.g5.xlarge']`.
   *
   * @default - not stated in the model package
   */
  readonly supportedRealtimeInferenceInstanceTypes?: string[];

  /**
   * Tags of each training job, for cost allocation: at most 50; keys 1-128 characters, not starting with `aws:`; values up to
   * 256 characters.
   *
   * @default - only the tag Step Functions adds (`MANAGED_BY_AWS`)
   */
  readonly jobTags?: { [key: string]: string };

  /**
   * A topic notified on success, on a missed quality gate and on failure (a JSON message).
   *
   * @default - no notifications
   */
  readonly notificationTopic?: sns.ITopic;

  /**
   * Retrain on this schedule (UTC), in addition to on-demand executions. A rate schedule must not be more frequent than the state
   * machine's timeout (`maxWait` with spot, else `maxRuntime`, plus 1 hour). Runs through an EventBridge rule with retries and a
   * dead-letter queue, so a start that fails is kept and alarmed on (see `TrainingPipelineAlarms`).
   *
   * @default - on demand only
   */
  readonly schedule?: scheduler.ScheduleExpression;

  /**
   * How long the state machine's execution logs are kept.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * The key that encrypts the execution logs. Its key policy must let CloudWatch Logs use it.
   *
   * @default - a key is defined, rotated yearly, retained, usable by CloudWatch Logs for this account's log groups
   */
  readonly logEncryptionKey?: kms.IKey;
}

/**
 * A Step Functions state machine that trains a model on SageMaker, checks it against a quality gate and registers it in a
 * model registry; on demand and optionally on a schedule.
 *
 * Each execution: names a job `<jobNamePrefix>-<uuid>`; runs it (`createTrainingJob.sync`, with managed spot and checkpoints in the
 * lake if asked); reads the job's final metrics; fails with `QualityGateFailed` when the gate's metric misses its threshold;
 * otherwise registers a model package (inference image + model artifacts) with the configured approval status; and notifies
 * the topic, if any, of the outcome.
 *
 * An execution's input may override hyperparameters and choose a data window per channel; both are optional, and any other
 * input (a schedule's or an alarm's event) is ignored:
 *
 * ```json
 * { "hyperparameters": { "epochs": 40, "learning_rate": "0.01" },
 *   "channels": { "train": "churn/train/2026-12/" } }
 * ```
 *
 * Hyperparameters are merged over `hyperparameters` and converted to strings. A channel's prefix must start with the channel's
 * `prefix` (the training role may read only that); an unknown channel, a prefix outside, or input of another shape fails the run
 * with `InvalidRunInput` before a job starts.
 */
export class TrainingPipeline extends Construct implements ITrainingPipeline {
  /** The longest `maxRuntime` SageMaker allows: 28 days. */
  public static readonly MAX_RUNTIME = MAX_TRAINING_RUNTIME;

  /**
   * A training pipeline defined elsewhere, by the ARN of its state machine, for alarms, dashboards and retraining triggers.
   */
  public static fromStateMachineArn(scope: Construct, id: string, stateMachineArn: string): ITrainingPipeline {
    return new ImportedTrainingPipeline(scope, id, stateMachineArn);
  }

  /** The state machine; start an execution to train. */
  public readonly stateMachine: sfn.IStateMachine;
  /** The role the state machine runs as. */
  public readonly stateMachineRole: iam.Role;
  /** The role SageMaker assumes for the training job. */
  public readonly trainingRole: iam.Role;
  /** The log group of the state machine's executions. */
  public readonly logGroup: logs.LogGroup;
  /** The key that encrypts the execution logs. */
  public readonly logEncryptionKey: kms.IKey;
  /** The ARN of the state machine. */
  public readonly stateMachineArn: string;
  /** The prefix of every training job name of this pipeline (and, with tuning, of its tuning jobs). */
  public readonly jobNamePrefix: string;
  /** Whether each run tunes hyperparameters (a tuning job) rather than training one job. */
  public readonly tunes: boolean;
  /** The pipeline's short name in alarm names: its `jobNamePrefix`. */
  public readonly pipelineName: string;
  /** The `s3://` URI under which training jobs write their model artifacts (`<uri><job-name>/output/model.tar.gz`). */
  public readonly outputUri: string;
  /** The schedule rule, if `schedule` was given. */
  public readonly scheduleRule?: events.IRule;
  /** The queue that keeps the scheduled starts that failed, if `schedule` was given. */
  public readonly scheduleDeadLetterQueue?: sqs.IQueue;
  /** The security group of the training instances, if the pipeline defined one. */
  public readonly securityGroup?: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: TrainingPipelineProps) {
    super(scope, id);
    requireProps(this, 'TrainingPipeline', props, {
      lake: 'an IDataLake (channels are read from it; the model is written to its models zone)', image: 'a DockerImage',
      instanceType: 'a TrainingInstanceType', channels: 'a list of channels', metricDefinitions: 'a list of metric definitions',
      qualityGate: 'a QualityGate', registry: 'an IModelRegistry',
    }, { channels: 'a list of channels', metricDefinitions: 'a list of metric definitions' });

    const errors = new InputErrors(this, 'TrainingPipeline');
    const cfg = validate(this, errors, props);
    errors.throwIfAny();

    const stack = Stack.of(this);
    this.jobNamePrefix = cfg.jobNamePrefix;
    this.pipelineName = cfg.jobNamePrefix;
    this.tunes = cfg.tuning !== undefined;
    const trainingJobsArn = stack.formatArn({ service: 'sagemaker', resource: 'training-job', resourceName: `${this.jobNamePrefix}-${perms.RUN_ID_PATTERN}` });
    const tunedJobsArn = cfg.tuning ? tunedJobsArnOf(stack, this.jobNamePrefix) : undefined;
    const roles = definePipelineRoles(this, props, cfg, trainingJobsArn);
    this.trainingRole = roles.trainingRole;
    this.stateMachineRole = roles.stateMachineRole;
    this.outputUri = cfg.modelsZone!.s3Uri(`${cfg.outputPrefix}output/`);

    // --- VPC ---------------------------------------------------------------------------------------------------------------
    let vpcConfig: any;
    if (props.vpc) {
      let securityGroups = props.securityGroups;
      if (!securityGroups) {
        this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
          vpc: props.vpc,
          description: `Training jobs of ${this.node.path}`,
          allowAllOutbound: true,
        });
        // Distributed training: the instances of one job talk to each other.
        this.securityGroup.addIngressRule(this.securityGroup, ec2.Port.allTraffic(), 'Traffic between the instances of a training job');
        acknowledgeSharedRule(this.securityGroup, 'EC2RestrictedCommonPorts', 'The one ingress rule admits only this security group '
          + 'itself (the instances of one training job), on all ports as SageMaker distributed training needs; no address range is open.');
        securityGroups = [this.securityGroup];
      }
      vpcConfig = {
        SecurityGroupIds: securityGroups.map((sg) => sg.securityGroupId),
        Subnets: props.vpc.selectSubnets(props.vpcSubnets).subnetIds,
      };
    }

    const definition = defineStates(this, props, cfg, { roles, vpcConfig, trainingJobsArn, tunedJobsArn });
    const gate = props.qualityGate;
    const { requirement } = gateTerms(gate);

    // --- The state machine ------------------------------------------------------------------------------------------------
    this.logEncryptionKey = props.logEncryptionKey ?? this.defineLogKey();
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      encryptionKey: this.logEncryptionKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const longestRun = cfg.tuning ? cfg.tuning.runtime : cfg.spot ? cfg.maxWait! : cfg.maxRuntime;
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      queryLanguage: sfn.QueryLanguage.JSONATA,
      role: this.stateMachineRole,
      comment: `${cfg.tuning ? 'Tunes' : 'Trains'}, gates (${gate.metricName} ${requirement}) and registers a model: ${this.node.path}`,
      // The job's own limit (with tuning: the tuning job's), its pending time, plus time to start, read metrics, register and notify.
      timeout: runTimeout(longestRun, cfg.capacityWaitBudget, cfg.tuning ? undefined : cfg.maxPendingSeconds),
      tracingEnabled: true,
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
    });
    this.stateMachineArn = this.stateMachine.stateMachineArn;
    grantOverlapCheck(this, this.stateMachineRole, this.stateMachine);

    if (props.schedule) {
      const schedule = defineSchedule(this, props.schedule, this.stateMachine);
      this.scheduleRule = schedule.rule;
      this.scheduleDeadLetterQueue = schedule.deadLetterQueue;
    }
  }

  /** A key for the execution logs, usable by CloudWatch Logs for this account's log groups only. */
  private defineLogKey(): kms.Key {
    const stack = Stack.of(this);
    const key = new kms.Key(this, 'LogsKey', {
      description: `Execution logs of the training pipeline ${this.node.path}`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    key.addToResourcePolicy(allowCloudWatchLogs(stack));
    key.addToResourcePolicy(denyGrantsNotForAwsResources());
    return key;
  }

  /** Grants starting an execution (a training run) on demand. */
  public grantStartExecution(grantee: iam.IGrantable): iam.Grant {
    return this.stateMachine.grantStartExecution(grantee);
  }

  /** The number of failed executions (including missed quality gates). */
  public metricFailed(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.stateMachine.metricFailed(props);
  }

  /** The number of executions that timed out. */
  public metricTimedOut(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.stateMachine.metricTimedOut(props);
  }

  /** The number of executions that were aborted (stopped by a person or an automation). */
  public metricAborted(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.stateMachine.metricAborted(props);
  }

  /** The number of executions that succeeded, that is registered a model. */
  public metricSucceeded(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.stateMachine.metricSucceeded(props);
  }
}
