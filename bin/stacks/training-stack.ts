import { Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { IDataLake } from '../../lib/data-lake';
import { AlertTopics, TrainingPipelineAlarms } from '../../lib/monitoring';
import { GateComparison, ModelRegistry, TrainingInstanceType, TrainingPipeline } from '../../lib/training';

/**
 * Properties of the reference app's training stack.
 */
export interface TrainingStackProps extends StackProps {
  /** The lake of the data stack: features in, models out. */
  readonly lake: IDataLake;

  /**
   * The ECR repository of the inference image that the serving stack deploys; registered models name its image, so that the
   * model package says what will serve it and the serving model's role may pull exactly that image.
   *
   * @default 'churn-inference' (the serving stack's default)
   */
  readonly inferenceRepositoryName?: string;

  /**
   * The tag of the inference image registered with each model.
   *
   * @default '1.5.0' (the image of the serving stack's challenger, which a newly trained model becomes)
   */
  readonly inferenceImageTag?: string;

  /**
   * The platform's alert topics: training runs notify the warning topic, and failed or timed-out runs alarm.
   *
   * @default - no notifications, no alarms
   */
  readonly alerts?: AlertTopics;
}

/**
 * The training stack: the churn model is trained weekly on a GPU with spot capacity from the lake's features, gated on its
 * validation AUC and registered, pending approval, in the churn model registry.
 */
export class TrainingStack extends Stack {
  public readonly registry: ModelRegistry;
  public readonly pipeline: TrainingPipeline;
  public readonly alarms?: TrainingPipelineAlarms;

  constructor(scope: Construct, id: string, props: TrainingStackProps) {
    super(scope, id, props);

    this.registry = new ModelRegistry(this, 'ChurnModels', {
      modelPackageGroupName: 'churn',
      description: 'Churn models trained by the reference app',
    });

    // The training image, pushed by the team's CI; tags are immutable, so a tag names one image.
    const repository = new ecr.Repository(this, 'TrainerRepository', {
      repositoryName: 'cdk-mlops/churn-trainer',
      imageScanOnPush: true,
      imageTagMutability: ecr.TagMutability.IMMUTABLE,
      lifecycleRules: [{ description: 'Keep the last 20 images', maxImageCount: 20 }],
    });

    // The serving stack's inference image: a registered package names the image that will serve it, not the trainer.
    const inferenceRepository = ecr.Repository.fromRepositoryName(this, 'InferenceImages', props.inferenceRepositoryName ?? 'churn-inference');

    this.pipeline = new TrainingPipeline(this, 'Churn', {
      lake: props.lake,
      registry: this.registry,
      image: tasks.DockerImage.fromEcrRepository(repository, '1.0.0'),
      inferenceImage: tasks.DockerImage.fromEcrRepository(inferenceRepository, props.inferenceImageTag ?? '1.5.0'),
      // A10G GPU; local NVMe storage, encrypted in hardware (so no volume KMS key).
      instanceType: TrainingInstanceType.G5_2XLARGE,
      spot: true,
      maxRuntime: Duration.hours(8),
      maxWait: Duration.hours(16),
      jobNamePrefix: 'churn',
      channels: [
        { name: 'train', zone: 'features', prefix: 'churn/train/' },
        { name: 'validation', zone: 'features', prefix: 'churn/validation/' },
      ],
      hyperparameters: { epochs: 30, batch_size: 512, learning_rate: 0.001 },
      metricDefinitions: [
        { name: 'validation:auc', regex: 'validation-auc[:=]\\s*([0-9.]+)' },
        { name: 'train:loss', regex: 'train-loss[:=]\\s*([0-9.]+)' },
      ],
      qualityGate: { metricName: 'validation:auc', threshold: 0.85, comparison: GateComparison.GREATER_THAN_OR_EQUAL },
      tensorBoard: true,
      supportedContentTypes: ['text/csv'],
      supportedResponseTypes: ['application/json'],
      schedule: scheduler.ScheduleExpression.rate(Duration.days(7)),
      notificationTopic: props.alerts?.warningTopic,
    });

    if (props.alerts) {
      this.alarms = new TrainingPipelineAlarms(this, 'Alarms', { pipeline: this.pipeline, alerts: props.alerts });
    }
  }
}
