import { Annotations, ArnFormat, Aws, Duration, Names, RemovalPolicy, Size, SizeRoundingBehavior, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { TrainingInstanceType } from './instance-type';
import { IModelRegistry } from './model-registry';
import * as perms from './perms';
import { WildcardAcknowledgments } from './private-acknowledgments';
import { ImportedTrainingPipeline } from './private/imported-pipeline';
import { ITrainingPipeline } from './training-pipeline-interface';
import { IDataLake, ILakeZone } from '../data-lake';
import { lookupInstance } from '../private/instance-catalog';
import { allowCloudWatchLogs, denyGrantsNotForAwsResources } from '../private/kms';
import { InputErrors, describe, isToken, requireProps } from '../private/validation';

/**
 * How a training container reads a channel.
 */
export enum TrainingInputMode {
  /** Copy the channel to the training volume before training starts. */
  FILE = 'File',
  /** Stream the channel from S3 through a named pipe. */
  PIPE = 'Pipe',
  /** Read the channel from S3 on demand through a file system (FastFile). */
  FAST_FILE = 'FastFile',
}

/**
 * An input channel of a training job: a prefix in a zone of the lake.
 */
export interface TrainingChannel {
  /** The channel name that the container sees (`/opt/ml/input/data/<name>`): 1-64 letters, digits, `.`, `-` and `_`. */
  readonly name: string;

  /** The lake zone that holds the data, such as `curated` or `features`. */
  readonly zone: string;

  /** The key prefix of the data in the zone, such as `churn/train/`. The training role may read only this prefix. */
  readonly prefix: string;

  /**
   * How the container reads the channel.
   *
   * @default TrainingInputMode.FILE
   */
  readonly inputMode?: TrainingInputMode;

  /**
   * The MIME type of the data, passed to the container.
   *
   * @default - none
   */
  readonly contentType?: string;

  /**
   * For distributed training: give each instance a share of the objects (`ShardedByS3Key`) instead of a full copy.
   *
   * @default false
   */
  readonly shardByS3Key?: boolean;
}

/**
 * A metric that SageMaker parses from the training job's logs.
 */
export interface MetricDefinition {
  /** The metric name, such as `validation:auc`: 1-255 characters. */
  readonly name: string;

  /** A regular expression whose first group captures the value, such as `validation-auc:([0-9.]+)`: 1-500 characters. */
  readonly regex: string;
}

/**
 * How a quality gate compares a metric with its threshold.
 */
export enum GateComparison {
  /** Pass when the metric is greater than or equal to the threshold (accuracy, AUC, F1). */
  GREATER_THAN_OR_EQUAL = '>=',
  /** Pass when the metric is less than or equal to the threshold (loss, RMSE). */
  LESS_THAN_OR_EQUAL = '<=',
}

/**
 * The condition a trained model must meet to reach the registry.
 */
export interface QualityGate {
  /** The metric to check; it must be one of the pipeline's `metricDefinitions`. */
  readonly metricName: string;

  /** The threshold. */
  readonly threshold: number;

  /**
   * How the final metric value is compared with the threshold.
   *
   * @default GateComparison.GREATER_THAN_OR_EQUAL
   */
  readonly comparison?: GateComparison;
}

/**
 * The approval status a registered model package starts with.
 */
export enum ModelApprovalStatus {
  /** A person (or an automation with `grantApprove`) approves the model before it is deployed. */
  PENDING_MANUAL_APPROVAL = 'PendingManualApproval',
  /** The model is approved as soon as it passes the quality gate. */
  APPROVED = 'Approved',
}

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
   * The image registered for inference.
   *
   * @default - the training image
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
   * A topic notified on success, on a missed quality gate and on failure (a JSON message).
   *
   * @default - no notifications
   */
  readonly notificationTopic?: sns.ITopic;

  /**
   * Retrain on this schedule, in addition to on-demand executions. A rate schedule must not be more frequent than the longest
   * possible run (`maxWait` with spot, else `maxRuntime`).
   *
   * @default - on demand only
   */
  readonly schedule?: events.Schedule;

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

/** SageMaker's limit on MaxRuntimeInSeconds (28 days). */
const MAX_TRAINING_RUNTIME = Duration.days(28);
const MAX_VOLUME_GB = 16384;
const MAX_CHANNELS = 20;
const MAX_METRICS = 40;
const MAX_HYPERPARAMETERS = 100;
const MAX_ENVIRONMENT = 100;
const CHANNEL_NAME = /^[A-Za-z0-9.\-_]{1,64}$/;
const JOB_NAME_PREFIX = /^[a-z0-9](-*[a-z0-9]){0,25}$/;
const ENV_NAME = /^[a-zA-Z_][a-zA-Z0-9_]{0,511}$/;
const TENSORBOARD_LOCAL_PATH = '/opt/ml/output/tensorboard';

/**
 * Errors of SageMaker API calls that a retry can cure: throttling only. Validation errors, `ResourceLimitExceeded` and the like
 * fail the run at once.
 *
 * - The AWS SDK integration (`aws-sdk:sagemaker:*`, the ReadFinalMetrics and RegisterModel states) names its errors
 *   `SageMaker.<ErrorCode>Exception`, so throttling is `SageMaker.ThrottlingException`. Its catch-all for unmodeled errors,
 *   `SageMaker.SageMakerException`, is not retried.
 * - The optimized integration (`sagemaker:createTrainingJob.sync`, the Train state) reports every SageMaker API error, throttling
 *   included, as `SageMaker.AmazonSageMakerException` and puts the error code only in the cause. Retrying that name would retry
 *   every error, so it is not retried: a throttled CreateTrainingJob fails the run, which notifies and can be started again.
 *   `SageMaker.ThrottlingException` is listed for it too, in case the integration names throttling like the SDK integration does.
 */
const THROTTLING_ERRORS = ['SageMaker.ThrottlingException'];

/** Keys and values of a model package's `CustomerMetadataProperties`: letters, spaces, digits and `_.:/=+-@`. */
const METADATA_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const MAX_METADATA_VALUE = 256;

/** How each comparison is recorded in the model package's metadata (whose values may not contain `<` or `>`). */
const COMPARISON_NAMES: { [comparison: string]: string } = {
  [GateComparison.GREATER_THAN_OR_EQUAL]: 'GreaterThanOrEqual',
  [GateComparison.LESS_THAN_OR_EQUAL]: 'LessThanOrEqual',
};

/**
 * A Step Functions state machine that trains a model on SageMaker, checks it against a quality gate and registers it in a
 * model registry; on demand and optionally on a schedule.
 *
 * Each execution: names a job `<jobNamePrefix>-<uuid>`; runs it (`createTrainingJob.sync`, with managed spot and checkpoints in the
 * lake if asked); reads the job's final metrics; fails with `QualityGateFailed` when the gate's metric misses its threshold;
 * otherwise registers a model package (inference image + model artifacts) with the configured approval status; and notifies
 * the topic, if any, of the outcome.
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
  public readonly stateMachine: sfn.StateMachine;
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
  /** The prefix of every training job name of this pipeline. */
  public readonly jobNamePrefix: string;
  /** The pipeline's short name in alarm names: its `jobNamePrefix`. */
  public readonly pipelineName: string;
  /** The `s3://` URI under which training jobs write their model artifacts (`<uri><job-name>/output/model.tar.gz`). */
  public readonly outputUri: string;
  /** The schedule rule, if `schedule` was given. */
  public readonly scheduleRule?: events.Rule;
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
    const models = cfg.modelsZone!;
    const outputPrefix = cfg.outputPrefix;
    const trainingJobsArn = stack.formatArn({ service: 'sagemaker', resource: 'training-job', resourceName: `${this.jobNamePrefix}-*` });

    // --- The training role: what the training job itself may do. -----------------------------------------------------------
    this.trainingRole = new iam.Role(this, 'TrainingRole', {
      assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': stack.account } } }),
      description: `SageMaker training jobs ${this.jobNamePrefix}-* of ${this.node.path}`,
    });
    const trainingAcks = new WildcardAcknowledgments(this.trainingRole);
    for (const channel of props.channels) {
      const objects = grantObjects(this.trainingRole, cfg.zones.get(channel.zone)!, channel.prefix, { read: true });
      trainingAcks.add(objects, `The objects of channel '${channel.name}' (zone ${channel.zone}, prefix ${channel.prefix}): a training job reads `
        + 'every object under its channel prefix, and the keys are not known in advance.');
    }
    const outputObjects = grantObjects(this.trainingRole, models, `${outputPrefix}output/`, { write: true });
    trainingAcks.add(outputObjects, 'Write-only under the pipeline\'s output prefix: SageMaker writes <job-name>/output/model.tar.gz, '
      + 'and job names are generated per execution.');
    if (models.encryptionKey) {
      // OutputDataConfig.KmsKeyId is the models zone's key: SageMaker's API reference says the execution role then needs kms:Encrypt
      // (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_OutputDataConfig.html).
      this.trainingRole.addToPrincipalPolicy(new iam.PolicyStatement({
        actions: perms.KMS_OUTPUT_KEY_ACTIONS,
        resources: [models.encryptionKey.keyArn],
      }));
    }
    if (cfg.spot) {
      const checkpoints = grantObjects(this.trainingRole, models, `${outputPrefix}checkpoints/`, { read: true, write: true, delete: true });
      trainingAcks.add(checkpoints, 'Managed spot training syncs checkpoints (file names chosen by the training code) under the pipeline\'s '
        + 'checkpoint prefix, reads them back after an interruption and removes those deleted locally.');
    }
    if (props.tensorBoard) {
      const tensorboard = grantObjects(this.trainingRole, models, `${outputPrefix}tensorboard/`, { write: true });
      trainingAcks.add(tensorboard, 'Write-only under the pipeline\'s TensorBoard prefix: the event files are named by TensorBoard.');
    }
    const trainingLogGroupArn = stack.formatArn({
      service: 'logs', resource: 'log-group', resourceName: `${perms.TRAINING_LOG_GROUP}:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.trainingRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: perms.LOG_GROUP_ACTIONS, resources: [trainingLogGroupArn] }));
    trainingAcks.add(trainingLogGroupArn, `CreateLogGroup and DescribeLogStreams on SageMaker's fixed training log group ${perms.TRAINING_LOG_GROUP} only; `
      + 'the ":*" suffix is the ARN form CloudWatch Logs authorizes log-group actions against.');
    const logStreams = logStreamsArn(stack, this.jobNamePrefix);
    this.trainingRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: perms.LOG_STREAM_ACTIONS, resources: [logStreams] }));
    trainingAcks.add(logStreams, 'Only the log streams of this pipeline\'s training jobs (<job-name>/algo-<n>-<time>), whose names are '
      + 'generated per execution.');
    this.trainingRole.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: perms.METRIC_ACTIONS,
      resources: ['*'],
      conditions: { StringLike: { 'cloudwatch:namespace': '/aws/sagemaker/*' } },
    }));
    trainingAcks.add('*', 'cloudwatch:PutMetricData supports no resource-level permissions; a condition limits it to the /aws/sagemaker/* '
      + 'namespaces.');
    trainingAcks.add('*', 'ecr:GetAuthorizationToken supports no resource-level permissions; image pulls are limited to the image\'s repository.');
    if (cfg.volumeKey) {
      this.trainingRole.addToPrincipalPolicy(new iam.PolicyStatement({
        actions: perms.KMS_VOLUME_ACTIONS,
        resources: [cfg.volumeKey.keyArn],
        conditions: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
      }));
    }
    if (props.vpc) {
      this.trainingRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: perms.VPC_ACTIONS, resources: ['*'] }));
      trainingAcks.add('*', 'The EC2 network-interface actions that SageMaker needs to attach the job to the VPC are granted on * as in the '
        + 'SageMaker documentation: the Describe actions support no resource-level permissions and the interfaces do not exist yet.');
    }
    const trainingImageUri = props.image.bind(this.trainingRole).imageUri;

    // --- The state machine role: what the orchestration may do. -------------------------------------------------------------
    this.stateMachineRole = new iam.Role(this, 'StateMachineRole', {
      assumedBy: new iam.ServicePrincipal('states.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': stack.account } } }),
      description: `Step Functions state machine of the training pipeline ${this.node.path}`,
    });
    const machineAcks = new WildcardAcknowledgments(this.stateMachineRole);
    this.stateMachineRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: perms.TRAINING_JOB_ACTIONS, resources: [trainingJobsArn] }));
    machineAcks.add(trainingJobsArn, `Only training jobs named by this pipeline (${this.jobNamePrefix}-<uuid>, a new name per execution).`);
    machineAcks.add('*', 'Step Functions log delivery (logs:*LogDelivery, DescribeLogGroups, ...) and X-Ray tracing (xray:PutTraceSegments, ...) '
      + 'support no resource-level permissions; these statements are the ones aws-stepfunctions generates for logging and tracing.');
    this.stateMachineRole.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: perms.SYNC_RULE_ACTIONS,
      resources: [stack.formatArn({ service: 'events', resource: 'rule', resourceName: perms.SYNC_RULE_NAME })],
    }));
    this.stateMachineRole.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['iam:PassRole'],
      resources: [this.trainingRole.roleArn],
      conditions: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
    }));
    // Registering a model package reads the job's model artifacts.
    const registered = grantObjects(this.stateMachineRole, models, `${outputPrefix}output/`, { read: true });
    machineAcks.add(registered, 'Read-only: the model artifacts of this pipeline\'s jobs, which it registers; '
      + 'job names are generated per execution.');
    let inferenceImageUri = trainingImageUri;
    if (props.inferenceImage) {
      // So that registration can check the image of the model package.
      inferenceImageUri = props.inferenceImage.bind(this.stateMachineRole).imageUri;
      machineAcks.add('*', 'ecr:GetAuthorizationToken supports no resource-level permissions; '
        + 'image reads are limited to the inference image\'s repository.');
    }

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
        securityGroups = [this.securityGroup];
      }
      vpcConfig = {
        SecurityGroupIds: securityGroups.map((sg) => sg.securityGroupId),
        Subnets: props.vpc.selectSubnets(props.vpcSubnets).subnetIds,
      };
    }

    // --- The states -------------------------------------------------------------------------------------------------------
    const outputUri = models.s3Uri(`${outputPrefix}output/`);
    this.outputUri = outputUri;
    const modelsKey = models.encryptionKey;
    const gate = props.qualityGate;
    const comparison = gate.comparison ?? GateComparison.GREATER_THAN_OR_EQUAL;
    const metricLiteral = JSON.stringify(gate.metricName);
    const requirement = `${comparison} ${gate.threshold}`;
    const pathLiteral = JSON.stringify(this.node.path);

    // One run id per execution (a UUID, 36 characters): the job is named `<prefix>-<runId>` (at most 26 + 1 + 36 = 63 characters,
    // SageMaker's limit), and the run id is the registration's idempotency token (CreateModelPackage's ClientToken: 1-36 characters).
    const jobName = `'${this.jobNamePrefix}-' & $runId`;
    const prepare = sfn.Pass.jsonata(this, 'NameTrainingJob', {
      comment: 'A run id per execution; the training job is named <prefix>-<runId>, under the prefix the pipeline may use',
      assign: { runId: '{% $uuid() %}' },
    });

    const trainingArguments: any = {
      TrainingJobName: `{% ${jobName} %}`,
      RoleArn: this.trainingRole.roleArn,
      AlgorithmSpecification: {
        TrainingImage: trainingImageUri,
        TrainingInputMode: TrainingInputMode.FILE,
        MetricDefinitions: props.metricDefinitions.map((m) => ({ Name: m.name, Regex: m.regex })),
      },
      InputDataConfig: props.channels.map((channel) => ({
        ChannelName: channel.name,
        DataSource: {
          S3DataSource: {
            S3DataType: 'S3Prefix',
            S3Uri: cfg.zones.get(channel.zone)!.s3Uri(channel.prefix),
            S3DataDistributionType: channel.shardByS3Key ? 'ShardedByS3Key' : 'FullyReplicated',
          },
        },
        InputMode: channel.inputMode,
        ContentType: channel.contentType,
      })),
      OutputDataConfig: { S3OutputPath: outputUri, KmsKeyId: modelsKey?.keyArn },
      ResourceConfig: {
        InstanceType: props.instanceType.name,
        InstanceCount: cfg.instanceCount,
        VolumeSizeInGB: cfg.volumeGb,
        VolumeKmsKeyId: cfg.volumeKey?.keyArn,
      },
      StoppingCondition: {
        MaxRuntimeInSeconds: cfg.maxRuntime.toSeconds(),
        MaxWaitTimeInSeconds: cfg.spot ? cfg.maxWait!.toSeconds() : undefined,
      },
      HyperParameters: cfg.hyperparameters,
      Environment: props.environment,
      EnableManagedSpotTraining: cfg.spot || undefined,
      CheckpointConfig: cfg.spot ? {
        S3Uri: `{% '${models.s3Uri(`${outputPrefix}checkpoints/`)}' & ${jobName} & '/' %}`,
        LocalPath: props.checkpointLocalPath ?? '/opt/ml/checkpoints',
      } : undefined,
      TensorBoardOutputConfig: props.tensorBoard ? {
        S3OutputPath: `{% '${models.s3Uri(`${outputPrefix}tensorboard/`)}' & ${jobName} & '/' %}`,
        LocalPath: TENSORBOARD_LOCAL_PATH,
      } : undefined,
      VpcConfig: vpcConfig,
      EnableNetworkIsolation: props.networkIsolation ?? false,
      EnableInterContainerTrafficEncryption: props.interContainerTrafficEncryption ?? true,
    };
    const train = new sfn.CustomState(this, 'Train', {
      stateJson: {
        Type: 'Task',
        Comment: 'Runs the training job and waits for it to end (.sync)',
        Resource: `arn:${Aws.PARTITION}:states:::sagemaker:createTrainingJob.sync`,
        Arguments: prune(trainingArguments),
        Assign: { trainingJobName: `{% ${jobName} %}` },
        Output: '{% $states.input %}',
      },
    });

    const describeJob = tasks.CallAwsService.jsonata(this, 'ReadFinalMetrics', {
      comment: 'Reads the final metrics and the model artifacts of the job',
      service: 'sagemaker',
      action: 'describeTrainingJob',
      iamAction: 'sagemaker:DescribeTrainingJob',
      iamResources: [trainingJobsArn],
      parameters: { TrainingJobName: '{% $trainingJobName %}' },
      assign: {
        modelDataUrl: '{% $states.result.ModelArtifacts.S3ModelArtifacts %}',
        metric: `{% ($v := $states.result.FinalMetricDataList[MetricName = ${metricLiteral}].Value; $exists($v) ? $v[0] : null) %}`,
      },
      outputs: '{% $states.input %}',
    });

    const packagesArn = modelPackagesArn(stack, props.registry.modelPackageGroupName);
    machineAcks.add(packagesArn, 'CreateModelPackage on new versions of the target model package group only; SageMaker numbers the versions.');
    const register = tasks.CallAwsService.jsonata(this, 'RegisterModel', {
      comment: 'Registers a model package: the inference image and the model artifacts of the job',
      service: 'sagemaker',
      action: 'createModelPackage',
      iamAction: 'sagemaker:CreateModelPackage',
      iamResources: [packagesArn],
      parameters: prune({
        ModelPackageGroupName: props.registry.modelPackageGroupName,
        ModelPackageDescription: `{% 'Trained by ' & $trainingJobName & '; ' & ${metricLiteral} & ' = ' & $string($metric) %}`,
        ModelApprovalStatus: props.approvalStatus ?? ModelApprovalStatus.PENDING_MANUAL_APPROVAL,
        // Idempotent retries: one model package per run. The run id is a UUID, which fits the token's 1-36 characters [a-zA-Z0-9-].
        ClientToken: '{% $runId %}',
        InferenceSpecification: {
          Containers: [{ Image: inferenceImageUri, ModelDataUrl: '{% $modelDataUrl %}' }],
          SupportedContentTypes: props.supportedContentTypes,
          SupportedResponseMIMETypes: props.supportedResponseTypes,
        },
        // Keys and values allow only letters, spaces, digits and _.:/=+-@ (no '<' or '>'), so the gate is spelled out in words.
        CustomerMetadataProperties: {
          TrainingJobName: '{% $trainingJobName %}',
          GateMetric: gate.metricName,
          GateComparison: COMPARISON_NAMES[comparison],
          GateThreshold: String(gate.threshold),
          MetricValue: '{% $string($metric) %}',
        },
      }),
      assign: { modelPackageArn: '{% $states.result.ModelPackageArn %}' },
    });

    for (const task of [describeJob, register]) {
      task.addRetry({
        errors: THROTTLING_ERRORS, interval: Duration.seconds(5), maxAttempts: 6, backoffRate: 2,
        maxDelay: Duration.minutes(2), jitterStrategy: sfn.JitterType.FULL,
      });
    }
    train.addRetry({
      errors: THROTTLING_ERRORS, interval: Duration.seconds(10), maxAttempts: 6, backoffRate: 2,
      maxDelay: Duration.minutes(5), jitterStrategy: sfn.JitterType.FULL,
    });

    const topic = props.notificationTopic;
    if (topic?.masterKey) {
      // Publishing to an encrypted topic uses its key; exact actions rather than grantPublish's kms:GenerateDataKey*.
      this.stateMachineRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: perms.TOPIC_KEY_ACTIONS, resources: [topic.masterKey.keyArn] }));
    }
    const notify = (notifyId: string, status: string, fields: string): tasks.SnsPublish | undefined => {
      if (!topic) {
        return undefined;
      }
      const publish = tasks.SnsPublish.jsonata(this, notifyId, {
        topic,
        subject: `Training pipeline ${status}`.slice(0, 100),
        message: sfn.TaskInput.fromText(
          `{% $string({"pipeline": ${pathLiteral}, "status": "${status}", "execution": $states.context.Execution.Id${fields}}) %}`,
        ),
        outputs: '{% $states.input %}',
      });
      publish.addRetry({
        errors: ['SNS.ThrottledException', 'SNS.InternalErrorException', 'SNS.KMSThrottlingException'],
        interval: Duration.seconds(2), maxAttempts: 5, backoffRate: 2,
      });
      return publish;
    };

    const failed = sfn.Fail.jsonata(this, 'Failed', {
      comment: 'A step failed; the error and cause are those of the failed step',
      error: '{% $states.input.Error %}',
      cause: '{% $states.input.Cause %}',
    });
    const notifyFailure = notify('NotifyFailure', 'FAILED', ', "error": $states.input.Error, "cause": $states.input.Cause');
    // A notification that cannot be sent must not hide the step's error: Failed gets the original error and cause (this state's input).
    notifyFailure?.addCatch(failed, { errors: [sfn.Errors.ALL], outputs: '{% $states.input %}' });
    const onFailure = chain(notifyFailure, failed);
    for (const task of [train, describeJob, register]) {
      task.addCatch(onFailure, { errors: [sfn.Errors.ALL] });
    }

    const gateFailed = sfn.Fail.jsonata(this, 'QualityGateFailed', {
      comment: `The model missed the quality gate ${gate.metricName} ${requirement}`,
      error: 'QualityGateFailed',
      cause: `{% 'The model of ' & $trainingJobName & ' missed the quality gate: ' & ${metricLiteral} & ' = ' `
        + '& ($type($metric) = \'number\' ? $string($metric) : \'no value (check the metric definition and the logs)\') '
        + `& ', required ${requirement}; it was not registered' %}`,
    });
    const succeeded = new sfn.Succeed(this, 'Registered');
    const notifySuccess = notify('NotifySuccess', 'SUCCEEDED',
      `, "trainingJobName": $trainingJobName, "metric": ${metricLiteral}, "value": $metric, "modelPackageArn": $modelPackageArn`);
    if (notifySuccess) {
      // The model is registered: a notification that cannot be sent must not fail the run. The error stays in the execution log.
      notifySuccess.addCatch(sfn.Succeed.jsonata(this, 'RegisteredWithoutNotification', {
        comment: 'The model was registered, but the success notification could not be sent',
        outputs: '{% {"modelPackageArn": $modelPackageArn, "notificationError": $states.input.Error, "notificationCause": $states.input.Cause} %}',
      }), { errors: [sfn.Errors.ALL] });
    }
    const notifyGateFailed = notify('NotifyQualityGateFailed', 'QUALITY_GATE_FAILED',
      `, "trainingJobName": $trainingJobName, "metric": ${metricLiteral}, "value": $metric, "required": "${requirement}"`);
    // The run fails with QualityGateFailed whether or not the notification could be sent.
    notifyGateFailed?.addCatch(gateFailed, { errors: [sfn.Errors.ALL] });

    const qualityGate = sfn.Choice.jsonata(this, 'QualityGate', { comment: `${gate.metricName} ${requirement}` })
      .when(
        sfn.Condition.jsonata(`{% $type($metric) = 'number' and $metric ${comparison} ${gate.threshold} %}`),
        chain(register, chain(notifySuccess, succeeded)),
        { comment: 'The model passed the gate' },
      )
      .otherwise(chain(notifyGateFailed, gateFailed));

    const definition = prepare.next(train).next(describeJob).next(qualityGate);

    // --- The state machine ------------------------------------------------------------------------------------------------
    this.logEncryptionKey = props.logEncryptionKey ?? this.defineLogKey();
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      encryptionKey: this.logEncryptionKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const longestRun = cfg.spot ? cfg.maxWait! : cfg.maxRuntime;
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      queryLanguage: sfn.QueryLanguage.JSONATA,
      role: this.stateMachineRole,
      comment: `Trains, gates (${gate.metricName} ${requirement}) and registers a model: ${this.node.path}`,
      // The job's own limit plus time to start, read metrics, register and notify.
      timeout: longestRun.plus(Duration.hours(1)),
      tracingEnabled: true,
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
    });
    this.stateMachineArn = this.stateMachine.stateMachineArn;

    if (props.schedule) {
      this.scheduleRule = new events.Rule(this, 'Schedule', {
        schedule: props.schedule,
        description: `Retrains ${this.node.path}`,
        targets: [new targets.SfnStateMachine(this.stateMachine)],
      });
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

interface ValidatedConfig {
  readonly jobNamePrefix: string;
  readonly outputPrefix: string;
  readonly modelsZone?: ILakeZone;
  readonly zones: Map<string, ILakeZone>;
  readonly instanceCount: number;
  readonly volumeGb: number;
  readonly volumeKey?: kms.IKey;
  readonly maxRuntime: Duration;
  readonly spot: boolean;
  readonly maxWait?: Duration;
  readonly hyperparameters?: { [key: string]: string };
}

function validate(scope: Construct, errors: InputErrors, props: TrainingPipelineProps): ValidatedConfig {
  // Job names and prefixes.
  const jobNamePrefix = props.jobNamePrefix ?? defaultJobNamePrefix(scope);
  if (!isToken(jobNamePrefix) && !JOB_NAME_PREFIX.test(jobNamePrefix)) {
    errors.add('jobNamePrefix', jobNamePrefix, '1-26 lowercase letters, digits and hyphens, starting and ending with a letter or digit '
      + '(job names are "<prefix>-<uuid>", at most 63 characters)');
  }
  const outputPrefix = props.outputPrefix ?? `training/${jobNamePrefix}/`;
  if (!isToken(outputPrefix) && (!outputPrefix.endsWith('/') || outputPrefix.startsWith('/') || outputPrefix.length > 512)) {
    errors.add('outputPrefix', outputPrefix, 'a key prefix ending with "/", not starting with "/", at most 512 characters');
  }

  // Lake zones.
  const zones = new Map<string, ILakeZone>();
  const zoneOf = (name: string, prop: string): ILakeZone | undefined => {
    if (zones.has(name)) {
      return zones.get(name);
    }
    if (!props.lake.zoneNames.includes(name)) {
      errors.add(prop, name, `one of the lake's zones ${describe(props.lake.zoneNames)}`);
      return undefined;
    }
    const zone = props.lake.zone(name);
    zones.set(name, zone);
    return zone;
  };
  const groupName = props.registry.modelPackageGroupName;
  if (!isToken(groupName) && groupName !== groupName.toLowerCase()) {
    errors.add('registry', groupName, 'a model package group with a lowercase name (the IAM policies grant on its model package ARNs)');
  }
  const modelsZone = props.lake.zoneNames.includes('models') ? zoneOf('models', 'lake') : undefined;
  if (!modelsZone) {
    errors.add('lake', props.lake.zoneNames, "a lake with a 'models' zone, which receives the models, checkpoints and TensorBoard logs");
  }

  // Resources.
  const instanceCount = props.instanceCount ?? 1;
  if (!isToken(instanceCount)) {
    errors.check(Number.isInteger(instanceCount) && instanceCount >= 1, 'instanceCount', instanceCount, 'a whole number >= 1');
  }
  const volumeSize = props.volumeSize ?? Size.gibibytes(50);
  let volumeGb = 50;
  if (!volumeSize.isUnresolved()) {
    volumeGb = volumeSize.toGibibytes({ rounding: SizeRoundingBehavior.NONE });
    errors.check(Number.isInteger(volumeGb) && volumeGb >= 1 && volumeGb <= MAX_VOLUME_GB, 'volumeSize', `${volumeGb} GiB`,
      `a whole number of GiB from 1 to ${MAX_VOLUME_GB}`);
  }
  const type = props.instanceType;
  const facts = lookupInstance(type.name);
  if (facts?.known && !facts.training) {
    errors.add('instanceType', type.name, `a SageMaker training instance type (ml.${facts.family}.* is offered for hosting only; `
      + 'see ResourceConfig.InstanceType in the CreateTrainingJob API reference)');
  }
  const nvme = type.hasLocalNvme;
  if (props.volumeEncryptionKey && nvme) {
    errors.add('volumeEncryptionKey', type.name, 'omitted: the instance type has local NVMe storage, which SageMaker encrypts '
      + 'in hardware and for which it rejects a volume KMS key (choose an EBS-only type such as ml.p3 or ml.m5 to use a key)');
  }
  const localGb = type.localStorageSize?.toGibibytes();
  if (nvme && localGb !== undefined && !volumeSize.isUnresolved() && volumeGb > localGb) {
    errors.add('volumeSize', `${volumeGb} GiB`, `at most the ${localGb} GB of local NVMe storage of ${type.name} (SageMaker uses the instance `
      + 'storage instead of an EBS volume and rejects a larger VolumeSizeInGB)');
  }
  if (facts && !facts.known) {
    Annotations.of(scope).addWarningV2('cdk-mlops:unknown-instance-type', `${type.name} is not in this library's instance catalog: whether it `
      + 'has local NVMe storage is unknown, so no volume KMS key is set (SageMaker would reject one on NVMe storage). Give '
      + 'volumeEncryptionKey if the type is EBS-backed.');
  }
  // Fail closed: a volume key only where the type is known to be EBS-backed (SageMaker rejects one on local NVMe storage).
  const volumeKey = props.volumeEncryptionKey ?? (nvme || !type.hasKnownStorage ? undefined : props.lake.encryptionKey);

  // Time limits.
  const maxRuntime = props.maxRuntime ?? Duration.hours(24);
  const spot = props.spot ?? false;
  let maxWait = props.maxWait;
  if (!maxRuntime.isUnresolved()) {
    const s = maxRuntime.toSeconds({ integral: false });
    errors.check(Number.isInteger(s) && s >= 1 && s <= MAX_TRAINING_RUNTIME.toSeconds(), 'maxRuntime', maxRuntime,
      `a whole number of seconds from 1 second to ${MAX_TRAINING_RUNTIME.toHumanString()} (SageMaker's limit)`);
  }
  if (!spot && props.maxWait !== undefined) {
    errors.add('maxWait', props.maxWait, 'omitted unless spot is true (it is the limit on waiting for spot capacity)');
  }
  if (spot) {
    if (maxWait === undefined && !maxRuntime.isUnresolved()) {
      const seconds = Math.max(maxRuntime.toSeconds(), Math.min(2 * maxRuntime.toSeconds(), MAX_TRAINING_RUNTIME.toSeconds()));
      maxWait = Duration.seconds(seconds);
    } else if (maxWait !== undefined && !maxWait.isUnresolved() && !maxRuntime.isUnresolved()) {
      const w = maxWait.toSeconds({ integral: false });
      errors.check(Number.isInteger(w) && w >= maxRuntime.toSeconds(), 'maxWait', maxWait,
        `a whole number of seconds >= maxRuntime (${maxRuntime.toHumanString()})`);
    }
    maxWait = maxWait ?? maxRuntime;
  }

  // Channels.
  errors.check(props.channels.length <= MAX_CHANNELS, 'channels', `${props.channels.length} channels`, `at most ${MAX_CHANNELS} channels`);
  const channelNames = new Set<string>();
  props.channels.forEach((channel, i) => {
    if (!isToken(channel.name)) {
      errors.check(CHANNEL_NAME.test(channel.name), `channels[${i}].name`, channel.name, '1-64 letters, digits, ".", "-" and "_"');
    }
    if (channelNames.has(channel.name)) {
      errors.add(`channels[${i}].name`, channel.name, 'unique, but another channel has this name');
    }
    channelNames.add(channel.name);
    zoneOf(channel.zone, `channels[${i}].zone`);
    if (!isToken(channel.prefix)) {
      const ok = channel.prefix.length > 0 && !channel.prefix.startsWith('/') && !channel.prefix.includes('*');
      errors.check(ok, `channels[${i}].prefix`, channel.prefix,
        'a non-empty key prefix, not starting with "/" and without "*" (the training role may read only this prefix)');
    }
  });

  // Metrics and the gate.
  const metricCount = props.metricDefinitions.length;
  errors.check(metricCount <= MAX_METRICS, 'metricDefinitions', `${metricCount} definitions`, `at most ${MAX_METRICS}`);
  const metricNames = new Set<string>();
  props.metricDefinitions.forEach((metric, i) => {
    if (!isToken(metric.name)) {
      errors.check(metric.name.length >= 1 && metric.name.length <= 255, `metricDefinitions[${i}].name`, metric.name, '1-255 characters');
    }
    if (metricNames.has(metric.name)) {
      errors.add(`metricDefinitions[${i}].name`, metric.name, 'unique, but another definition has this name');
    }
    metricNames.add(metric.name);
    if (!isToken(metric.regex)) {
      const problem = regexProblem(metric.regex);
      if (problem) {
        errors.add(`metricDefinitions[${i}].regex`, metric.regex,
          `a valid regular expression of 1-500 characters with a capturing group for the value (${problem})`);
      }
    }
  });
  const gate = props.qualityGate;
  if (!isToken(gate.metricName) && !metricNames.has(gate.metricName)) {
    errors.add('qualityGate.metricName', gate.metricName, `one of the metricDefinitions names ${describe([...metricNames])}`);
  } else if (!isToken(gate.metricName) && (!METADATA_TEXT.test(gate.metricName) || gate.metricName.length > MAX_METADATA_VALUE)) {
    errors.add('qualityGate.metricName', gate.metricName, `at most ${MAX_METADATA_VALUE} letters, spaces, digits and "_.:/=+-@" `
      + '(it is recorded in the model package\'s metadata, which allows no other characters)');
  }
  if (!isToken(gate.threshold)) {
    errors.check(typeof gate.threshold === 'number' && Number.isFinite(gate.threshold), 'qualityGate.threshold', gate.threshold, 'a finite number');
  }

  // Hyperparameters and environment.
  let hyperparameters: { [key: string]: string } | undefined;
  if (props.hyperparameters) {
    hyperparameters = {};
    const entries = Object.entries(props.hyperparameters);
    errors.check(entries.length <= MAX_HYPERPARAMETERS, 'hyperparameters', `${entries.length} entries`, `at most ${MAX_HYPERPARAMETERS} entries`);
    for (const [key, value] of entries) {
      errors.check(key.length >= 1 && key.length <= 256, 'hyperparameters', key, 'keys of 1-256 characters');
      const converted = hyperparameterString(value);
      if (converted === undefined) {
        errors.add(`hyperparameters['${key}']`, safeDescribe(value), 'a string, a finite number or a boolean (SageMaker takes strings only)');
      } else if (!isToken(converted) && converted.length > 2500) {
        errors.add(`hyperparameters['${key}']`, `${converted.length} characters`, 'at most 2500 characters');
      } else {
        hyperparameters[key] = converted;
      }
    }
  }
  if (props.environment) {
    const entries = Object.entries(props.environment);
    errors.check(entries.length <= MAX_ENVIRONMENT, 'environment', `${entries.length} entries`, `at most ${MAX_ENVIRONMENT} entries`);
    for (const [key, value] of entries) {
      errors.check(ENV_NAME.test(key), 'environment', key, 'names of up to 512 letters, digits and "_", not starting with a digit');
      if (typeof value !== 'string') {
        errors.add(`environment['${key}']`, safeDescribe(value), 'a string');
      } else if (!isToken(value)) {
        errors.check(value.length <= 512, `environment['${key}']`, `${value.length} characters`, 'at most 512 characters');
      }
    }
  }

  // VPC.
  if (!props.vpc && (props.securityGroups || props.vpcSubnets)) {
    errors.add(props.securityGroups ? 'securityGroups' : 'vpcSubnets', 'set without vpc', 'given only together with vpc');
  }
  if (props.securityGroups) {
    const count = props.securityGroups.length;
    errors.check(count >= 1 && count <= 5, 'securityGroups', `${count} groups`, '1 to 5 security groups');
  }

  // Schedule: a run must end before the next one starts.
  if (props.schedule) {
    const interval = rateSeconds(props.schedule.expressionString);
    const longest = spot ? maxWait : maxRuntime;
    if (interval !== undefined && longest && !longest.isUnresolved() && interval < longest.toSeconds()) {
      errors.add('schedule', props.schedule.expressionString, `no more frequent than the longest run (${spot ? 'maxWait' : 'maxRuntime'}, `
        + `${longest.toHumanString()}), so that runs do not overlap`);
    }
  }

  return { jobNamePrefix, outputPrefix, modelsZone, zones, instanceCount, volumeGb, volumeKey, maxRuntime, spot, maxWait, hyperparameters };
}

/** A default job-name prefix from the construct path: lowercase, hyphens, at most 26 characters, unique per app. */
function defaultJobNamePrefix(scope: Construct): string {
  const name = Names.uniqueResourceName(scope, { maxLength: 26, separator: '-' }).toLowerCase()
    .replace(/[^a-z0-9-]/g, '-').replace(/-+/g, '-').replace(/^-+|-+$/g, '');
  return name || 'training';
}

/** A hyperparameter value as SageMaker's string, or undefined if it has none. */
function hyperparameterString(value: unknown): string | undefined {
  if (typeof value === 'string') {
    return value;
  }
  if (typeof value === 'number') {
    return Number.isFinite(value) ? String(value) : undefined;
  }
  if (typeof value === 'boolean') {
    return String(value);
  }
  return undefined;
}

function safeDescribe(value: unknown): string {
  if (value === null || value === undefined || typeof value !== 'object') {
    return describe(value);
  }
  try {
    return JSON.stringify(value).slice(0, 100);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** Why a metric regex is unusable, or undefined if it is fine. */
function regexProblem(regex: string): string | undefined {
  if (regex.length < 1 || regex.length > 500) {
    return `it has ${regex.length} characters`;
  }
  let compiled: RegExp;
  try {
    compiled = new RegExp(regex);
  } catch (e) {
    return (e as Error).message;
  }
  // Count the capturing groups: a regex that matches the empty string has one match entry per group.
  const groups = new RegExp(`${compiled.source}|`).exec('')!.length - 1;
  if (groups < 1) {
    return 'it has no capturing group';
  }
  return undefined;
}

/** The interval of a `rate(...)` schedule in seconds; undefined for cron expressions and tokens. */
function rateSeconds(expression: string): number | undefined {
  if (Token.isUnresolved(expression)) {
    return undefined;
  }
  const match = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (!match) {
    return undefined;
  }
  const unit = match[2].startsWith('minute') ? 60 : match[2].startsWith('hour') ? 3600 : 86400;
  return Number(match[1]) * unit;
}

interface ObjectAccess {
  readonly read?: boolean;
  readonly write?: boolean;
  readonly delete?: boolean;
}

/**
 * Grants exactly the object actions a training job or registration needs under one prefix of a zone (narrower than the zone's
 * `grantRead`/`grantWrite`, which add wildcard actions): GetObject and a prefix-scoped ListBucket to read; PutObject to write;
 * the zone key's Decrypt / GenerateDataKey.
 */
function grantObjects(grantee: iam.IGrantable, zone: ILakeZone, prefix: string, access: ObjectAccess): string {
  const objects = zone.bucket.arnForObjects(`${prefix}*`);
  const actions: string[] = [];
  if (access.read) {
    actions.push(...perms.S3_READ_OBJECT_ACTIONS);
    iam.Grant.addToPrincipal({
      grantee,
      actions: perms.S3_LIST_ACTIONS,
      resourceArns: [zone.bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': [`${prefix}*`] } },
    });
  }
  if (access.write) {
    actions.push(...perms.S3_WRITE_OBJECT_ACTIONS);
  }
  if (access.delete) {
    actions.push(...perms.S3_DELETE_OBJECT_ACTIONS);
  }
  iam.Grant.addToPrincipal({ grantee, actions, resourceArns: [objects] });
  if (zone.encryptionKey) {
    iam.Grant.addToPrincipal({
      grantee,
      actions: access.write ? perms.KMS_ENCRYPT_ACTIONS : perms.KMS_DECRYPT_ACTIONS,
      resourceArns: [zone.encryptionKey.keyArn],
    });
  }
  return objects;
}

function logStreamsArn(stack: Stack, jobNamePrefix: string): string {
  // Training log streams are named `<job-name>/algo-<n>-<timestamp>`.
  return stack.formatArn({
    service: 'logs',
    resource: 'log-group',
    resourceName: `${perms.TRAINING_LOG_GROUP}:log-stream:${jobNamePrefix}-*`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

/** The versions of a model package group. Group names are lowercase (ModelRegistry checks it), as in SageMaker's ARNs. */
function modelPackagesArn(stack: Stack, groupName: string): string {
  return stack.formatArn({ service: 'sagemaker', resource: 'model-package', resourceName: `${groupName}/*` });
}

/** `first.next(second)`, or `second` alone when there is no first state. */
function chain(first: sfn.IChainable | undefined, second: sfn.IChainable): sfn.IChainable {
  if (!first) {
    return second;
  }
  return sfn.Chain.start(first).next(second);
}

/** Drops undefined values (recursively), so that the rendered task has only the fields that were set. */
function prune(value: any): any {
  if (Array.isArray(value)) {
    return value.map(prune);
  }
  if (value && typeof value === 'object' && !Token.isUnresolved(value) && Object.getPrototypeOf(value) === Object.prototype) {
    const out: any = {};
    for (const [k, v] of Object.entries(value)) {
      if (v !== undefined) {
        out[k] = prune(v);
      }
    }
    return out;
  }
  return value;
}
