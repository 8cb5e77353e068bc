import { Duration, RemovalPolicy, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { IDataLake } from '../../lib/data-lake';
import { IFeatureGroup } from '../../lib/feature-store';
import { AlarmSeverity, AlertTopics, TrainingPipelineAlarms } from '../../lib/monitoring';
import { DataPipeline } from '../../lib/processing';
import {
  BatchTransform, GateComparison, HyperparameterRange, JoinSource, ModelRegistry, ObjectiveDirection, RangeScaling, TrainingInstanceType,
  TrainingInputMode, TrainingPipeline, TransformInstanceType, TransformModel,
} from '../../lib/training';

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

  /**
   * Tune hyperparameters before registering: each weekly run is a Bayesian tuning job (12 spot jobs, 3 at a time, early stopping)
   * whose best model is gated and registered.
   *
   * @default - the context value `cdk-mlops:tune` (`npx cdk synth -c cdk-mlops:tune=true`), else false
   */
  readonly tune?: boolean;

  /**
   * Train after each successful run of this data pipeline (which builds the features), instead of on a schedule of its own:
   * an EventBridge rule in this stack on the pipeline's `SUCCEEDED` executions, so that the reference goes from the data stack
   * to this one.
   *
   * @default - weekly, on a schedule of the training pipeline's own
   */
  readonly trainAfter?: DataPipeline;

  /**
   * A feature group whose offline store training reads: a `feature-store` channel from the store's folder (every record
   * Feature Store wrote, as Parquet) and the store's table in the catalog (for a point-in-time query).
   *
   * @default - training reads the ETL's train/ and validation/ files only
   */
  readonly features?: IFeatureGroup;
}

/**
 * The training stack: the churn model is trained weekly on a GPU with spot capacity from the lake's features, gated on its
 * validation AUC and registered, pending approval, in the churn model registry.
 */
export class TrainingStack extends Stack {
  public readonly registry: ModelRegistry;
  public readonly pipeline: TrainingPipeline;
  public readonly alarms?: TrainingPipelineAlarms;
  /** The rule that starts training after the data pipeline, if `trainAfter` was given. */
  public readonly trainAfterRule?: events.Rule;
  /** The role that rule starts training with. */
  public readonly trainAfterRole?: iam.Role;
  /** The nightly batch scoring of the churn scoring set with the latest approved model. */
  public readonly scoring: BatchTransform;
  /** Fire when the rule could not start training after the ETL (after its retries), or an event waits in its dead-letter queue. */
  public readonly trainAfterAlarms: cloudwatch.Alarm[] = [];

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

    const offline = props.features?.offlineStore;
    const context = this.node.tryGetContext('cdk-mlops:tune');
    const tune = props.tune ?? (context === true || context === 'true');
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
        // The training role may read this folder only (the pipeline's channel grant); FastFile: read on demand, not copied.
        ...(offline ? [{ name: 'feature-store', zone: offline.zone.zoneName, prefix: offline.prefix, inputMode: TrainingInputMode.FAST_FILE }] : []),
      ],
      // With tuning, learning_rate is searched instead (a hyperparameter is static or tuned, not both).
      hyperparameters: tune ? { epochs: 30, batch_size: 512 } : { epochs: 30, batch_size: 512, learning_rate: 0.001 },
      metricDefinitions: [
        { name: 'validation:auc', regex: 'validation-auc[:=]\\s*([0-9.]+)' },
        { name: 'train:loss', regex: 'train-loss[:=]\\s*([0-9.]+)' },
      ],
      qualityGate: { metricName: 'validation:auc', threshold: 0.85, comparison: GateComparison.GREATER_THAN_OR_EQUAL },
      // The training jobs of a tuning job have no TensorBoard output.
      tensorBoard: !tune,
      tuning: tune ? {
        objective: { metricName: 'validation:auc', direction: ObjectiveDirection.MAXIMIZE },
        ranges: [
          HyperparameterRange.continuous('learning_rate', 0.0001, 0.01, RangeScaling.LOGARITHMIC),
          HyperparameterRange.integer('hidden_units', 64, 512),
          HyperparameterRange.categorical('optimizer', ['adam', 'adamw']),
        ],
        maxJobs: 12,
        maxParallelJobs: 3,
        earlyStopping: true,
        // Stop searching once a model is clearly good enough, or when 5 jobs in a row did not improve.
        targetObjectiveValue: 0.95,
        maxJobsWithoutImprovement: 5,
      } : undefined,
      supportedContentTypes: ['text/csv'],
      supportedResponseTypes: ['application/json'],
      schedule: props.trainAfter ? undefined : scheduler.ScheduleExpression.rate(Duration.days(7)),
      notificationTopic: props.alerts?.warningTopic,
    });

    if (props.features?.offlineStore) {
      // The offline store's table in the catalog, for the training container's point-in-time query of the features.
      props.features.grantReadOfflineStore(this.pipeline.trainingRole);
    }

    if (props.trainAfter) {
      // Only EventBridge rules of this account start training (the confused-deputy guard of
      // https://docs.aws.amazon.com/eventbridge/latest/userguide/cross-service-confused-deputy-prevention.html).
      this.trainAfterRole = new iam.Role(this, 'TrainAfterEtlRole', {
        assumedBy: new iam.ServicePrincipal('events.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': this.account } } }),
        description: 'EventBridge: starts the churn training after the ETL succeeded',
      });
      const inline = 'The reference app\'s role for one rule target: its policy is inline so that it cannot be attached to another identity.';
      Validations.of(this.trainAfterRole).acknowledge(
        { id: 'HIPAA.Security::HIPAA.Security-IAMNoInlinePolicy', reason: inline }, { id: 'NIST.800.53.R5::NIST.800.53.R5-IAMNoInlinePolicy', reason: inline });
      const deadLetters = new sqs.Queue(this, 'TrainAfterEtlDeadLetters', {
        encryption: sqs.QueueEncryption.SQS_MANAGED, enforceSSL: true, retentionPeriod: Duration.days(14), removalPolicy: RemovalPolicy.RETAIN,
      });
      const dlqReason = 'This queue is the dead-letter queue of the rule that starts training; a DLQ of its own would only move the same events again.';
      Validations.of(deadLetters).acknowledge({ id: 'AwsSolutions::AwsSolutions-SQS3', reason: dlqReason });
      Validations.of(deadLetters).acknowledge({ id: 'cdk-validator-cfnguard::sqs_dlq_check', reason: dlqReason });
      this.trainAfterRule = new events.Rule(this, 'TrainAfterEtl', {
        description: 'Trains the churn model after the ETL built its features',
        eventPattern: props.trainAfter.succeededEventPattern(),
        targets: [new targets.SfnStateMachine(this.pipeline.stateMachine, {
          role: this.trainAfterRole, deadLetterQueue: deadLetters, retryAttempts: 5, maxEventAge: Duration.hours(1),
        })],
      });
      if (props.alerts) {
        // What TrainingPipelineAlarms watches for a pipeline's own schedule: the rule's invocations that failed for good
        // (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html) and events in its dead-letter queue.
        const alarm = (id: string, name: string, metric: cloudwatch.IMetric, what: string) => {
          const a = new cloudwatch.Alarm(this, id, {
            alarmName: `churn-training-${name}`,
            alarmDescription: `[${AlarmSeverity.CRITICAL}] The churn training ${what} after the ETL succeeded: no model this week unless it is started by hand.`,
            metric, threshold: 1, evaluationPeriods: 1, datapointsToAlarm: 1,
            comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
          });
          props.alerts!.route(a, AlarmSeverity.CRITICAL);
          this.trainAfterAlarms.push(a);
        };
        alarm('TrainAfterEtlFailedAlarm', 'after-etl-failed', new cloudwatch.Metric({
          namespace: 'AWS/Events', metricName: 'FailedInvocations', dimensionsMap: { RuleName: this.trainAfterRule.ruleName },
          period: Duration.hours(1), statistic: 'Sum',
        }), 'could not be started');
        alarm('TrainAfterEtlDeadLettersAlarm', 'after-etl-dead-letters',
          deadLetters.metricApproximateNumberOfMessagesVisible({ period: Duration.hours(1), statistic: 'Maximum' }), 'was not started (the event waits in the dead-letter queue)');
      }
    }

    if (props.alerts) {
      this.alarms = new TrainingPipelineAlarms(this, 'Alarms', { pipeline: this.pipeline, alerts: props.alerts });
    }

    // Every night, the customers of the scoring set are scored with the latest approved churn model (a package of the registry,
    // whose artifacts the pipeline wrote and whose image the serving stack deploys); the inputs and results are captured for drift.
    this.scoring = new BatchTransform(this, 'NightlyScoring', {
      model: TransformModel.latestApproved(this.registry, {
        artifactsZone: props.lake.zone('models'),
        artifactsPrefix: 'training/churn/output/',
        imageRepository: inferenceRepository,
      }),
      input: props.lake.zone('features'),
      inputPrefix: 'churn/scoring/',
      output: props.lake.zone('curated'),
      outputPrefix: 'churn/scores/',
      instanceType: TransformInstanceType.M5_XLARGE,
      // One row per line in, one score per line out, joined with its input row (customer id first).
      joinSource: JoinSource.INPUT,
      inputFilter: '$[1:]',
      contentType: 'text/csv',
      accept: 'text/csv',
      dataCapture: { zone: props.lake.zone('monitoring'), prefix: 'batch-capture/churn/' },
      jobNamePrefix: 'churn-scoring',
      schedule: scheduler.ScheduleExpression.cron({ minute: '0', hour: '2' }),
      alerts: props.alerts,
    });
  }
}
