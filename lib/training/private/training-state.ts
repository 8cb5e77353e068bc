import { Aws, Token } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { PipelineRoles } from './roles';
import { channelUriExpression, hyperparametersExpression } from './run-input';
import { renderTuningJobConfig, renderWarmStart } from './tuning';
import { ValidatedConfig } from './validate';
import { TrainingInputMode } from '../training-options';
import type { TrainingPipelineProps } from '../training-pipeline';

/** Where SageMaker collects TensorBoard logs in the container. */
const TENSORBOARD_LOCAL_PATH = '/opt/ml/output/tensorboard';

/**
 * The Train state: CreateTrainingJob with `.sync` (the optimized integration, which waits for the job to end), rendered from the
 * validated props. Fields that are not set are left out. `jobName` is the JSONata expression of the job's name.
 */
export function renderTrainingState(scope: Construct, props: TrainingPipelineProps, cfg: ValidatedConfig, roles: PipelineRoles,
  vpcConfig: any, jobName: string): sfn.CustomState {
  const train = new sfn.CustomState(scope, 'Train', {
    stateJson: {
      Type: 'Task',
      Comment: 'Runs the training job and waits for it to end (.sync)',
      Resource: `arn:${Aws.PARTITION}:states:::sagemaker:createTrainingJob.sync`,
      Arguments: prune(trainingJobArguments(props, cfg, roles, vpcConfig, jobName)),
      Assign: { trainingJobName: `{% ${jobName} %}` },
      Output: '{% $states.input %}',
    },
  });
  return train;
}

/**
 * The Tune state: CreateHyperParameterTuningJob with `.sync` (the optimized integration, which waits for the tuning job to end and
 * returns what DescribeHyperParameterTuningJob returns). Its TrainingJobDefinition is the plain run's training job (image, channels,
 * output and its key, instances, volume and its key, stopping condition, spot and checkpoints, VPC, network isolation, traffic
 * encryption, retry strategy, environment), with the pipeline's hyperparameters as static hyperparameters (those the ranges tune
 * are left out). It assigns `trainingJobName` to the best training job's name (null when no job completed with an objective value),
 * so that the states after it are the plain run's.
 */
export function renderTuningState(scope: Construct, props: TrainingPipelineProps, cfg: ValidatedConfig, roles: PipelineRoles,
  vpcConfig: any, tuningJobName: string): sfn.CustomState {
  const v = cfg.tuning!;
  const job = trainingJobArguments(props, cfg, roles, vpcConfig, tuningJobName);
  const definition = {
    AlgorithmSpecification: job.AlgorithmSpecification,
    RoleArn: job.RoleArn,
    InputDataConfig: job.InputDataConfig,
    OutputDataConfig: job.OutputDataConfig,
    ResourceConfig: job.ResourceConfig,
    StoppingCondition: job.StoppingCondition,
    RetryStrategy: job.RetryStrategy,
    StaticHyperParameters: hyperparametersExpression(cfg.hyperparameters, v.rangeNames),
    Environment: job.Environment,
    EnableManagedSpotTraining: job.EnableManagedSpotTraining,
    CheckpointConfig: job.CheckpointConfig,
    VpcConfig: job.VpcConfig,
    EnableNetworkIsolation: job.EnableNetworkIsolation,
    EnableInterContainerTrafficEncryption: job.EnableInterContainerTrafficEncryption,
  };
  const best = '$states.result.BestTrainingJob.TrainingJobName';
  return new sfn.CustomState(scope, 'Tune', {
    stateJson: {
      Type: 'Task',
      Comment: 'Runs the hyperparameter tuning job and waits for it to end (.sync)',
      Resource: `arn:${Aws.PARTITION}:states:::sagemaker:createHyperParameterTuningJob.sync`,
      Arguments: prune({
        HyperParameterTuningJobName: `{% ${tuningJobName} %}`,
        HyperParameterTuningJobConfig: renderTuningJobConfig(v),
        TrainingJobDefinition: definition,
        WarmStartConfig: renderWarmStart(v.tuning),
        Tags: job.Tags,
      }),
      Assign: {
        tuningJobName: `{% ${tuningJobName} %}`,
        trainingJobName: `{% $type(${best}) = 'string' ? ${best} : null %}`,
        tuningJobCounters: '{% $exists($states.result.TrainingJobStatusCounters) ? $states.result.TrainingJobStatusCounters : {} %}',
      },
      Output: '{% $states.input %}',
    },
  });
}

/** The CreateTrainingJob request of a run (the job named by the JSONata expression `jobName`), before undefined fields are pruned. */
function trainingJobArguments(props: TrainingPipelineProps, cfg: ValidatedConfig, roles: PipelineRoles, vpcConfig: any, jobName: string): any {
  const models = cfg.modelsZone!;
  const outputPrefix = cfg.outputPrefix;
  const trainingImageUri = roles.trainingImageUri;
  const outputUri = models.s3Uri(`${outputPrefix}output/`);
  const modelsKey = models.encryptionKey;
  return {
    TrainingJobName: `{% ${jobName} %}`,
    RoleArn: roles.trainingRole.roleArn,
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
          S3Uri: channelUriExpression(cfg.zones.get(channel.zone)!, channel),
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
      MaxPendingTimeInSeconds: cfg.maxPendingSeconds,
    },
    // SageMaker retries a job that fails with an InternalServerError (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_RetryStrategy.html).
    RetryStrategy: cfg.internalErrorRetries > 0 ? { MaximumRetryAttempts: cfg.internalErrorRetries } : undefined,
    HyperParameters: hyperparametersExpression(cfg.hyperparameters),
    Tags: props.jobTags ? Object.entries(props.jobTags).map(([Key, Value]) => ({ Key, Value })) : undefined,
    Environment: props.environment,
    EnableManagedSpotTraining: cfg.spot || undefined,
    // With tuning, `jobName` is the tuning job's: its training jobs checkpoint under the tuning job's prefix.
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
}

/** Drops undefined values (recursively), so that the rendered task has only the fields that were set. */
export function prune(value: any): any {
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
