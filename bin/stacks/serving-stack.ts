import { Annotations, Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import { ContainerImage, InstanceType } from '@aws-cdk/aws-sagemaker-alpha';
import { Construct } from 'constructs';
import { InferenceApi, VariantTargeting } from '../../lib/api';
import { IDataLake } from '../../lib/data-lake';
import { DriftMonitor, FeatureType, ProblemType } from '../../lib/drift';
import { AbExperiment, SuccessMeasure } from '../../lib/experiments';
import { EndpointLoadTest } from '../../lib/loadtest';
import { TrainingPipeline } from '../../lib/training';
import { IModelRegistry } from '../../lib/training/model-registry';
import { AlertTopics, EndpointAlarms, EndpointDashboard } from '../../lib/monitoring';
import { DeploymentPolicy, ModelEndpoint, ServingModel, ServingModelData } from '../../lib/serving';

/** Properties of the reference app's serving stack. */
export interface ServingStackProps extends StackProps {
  /** The lake that holds the model artifacts (`models` zone) and receives the captures (`monitoring` zone). */
  readonly lake: IDataLake;

  /**
   * A model registry: when given, the challenger serves the approved version a `ModelDeploymentPipeline` passes in (stack
   * parameter `ModelPackageArnChallenger`), and the champion's image and artifacts until then, so the stack pins no version.
   *
   * @default - the challenger is an image with artifacts from the lake
   */
  readonly registry?: IModelRegistry;

  /**
   * Where the registry's model packages keep their artifacts in the lake's models zone: the training pipeline's output.
   *
   * @default 'training/churn/output/' - the output of the reference TrainingStack's pipeline (job name prefix 'churn')
   */
  readonly registryArtifactsPrefix?: string;

  /**
   * The ECR repository of the inference image.
   *
   * @default 'churn-inference'
   */
  readonly imageRepositoryName?: string;

  /**
   * The platform's alert topics: the endpoint's alarms notify them, and its health alarm guards deployments.
   *
   * @default - no alarms beyond the endpoint's own rollback alarms
   */
  readonly alerts?: AlertTopics;

  /**
   * A training pipeline that drift starts (retraining on drift).
   *
   * @default - no retraining on drift
   */
  readonly retrainOnDrift?: TrainingPipeline;
}

/**
 * The serving stack: the churn model's champion (90%) and challenger (10%) behind one endpoint on CPU instances, the
 * champion autoscaled on invocations, 10% of requests and responses captured into the lake, and canary deployments that
 * roll back on errors or latency.
 */
export class ServingStack extends Stack {
  public readonly endpoint: ModelEndpoint;
  public readonly champion: ServingModel;
  public readonly challenger: ServingModel;
  public readonly alarms?: EndpointAlarms;
  public readonly dashboard: EndpointDashboard;
  public readonly drift: DriftMonitor;
  public readonly experiment: AbExperiment;
  /** The HTTPS front door of the endpoint: SigV4 callers, the web ACL, and the experiment's sticky targeting header. */
  public readonly api: InferenceApi;
  /** The on-demand load test of the endpoint. */
  public readonly loadTest: EndpointLoadTest;

  constructor(scope: Construct, id: string, props: ServingStackProps) {
    super(scope, id, props);

    const repository = ecr.Repository.fromRepositoryName(this, 'InferenceImages', props.imageRepositoryName ?? 'churn-inference');
    const models = props.lake.zone('models');
    this.champion = new ServingModel(this, 'Champion', {
      image: ContainerImage.fromEcrRepository(repository, '1.4.2'),
      modelData: ServingModelData.fromLakeZone(models, 'churn/v3/model.tar.gz'),
    });
    this.challenger = new ServingModel(this, 'Challenger', props.registry
      ? {
        // Until the deployment pipeline passes an approved version, the challenger serves the champion (the fallback, in the lake).
        image: ContainerImage.fromEcrRepository(repository, '1.4.2'),
        modelData: ServingModelData.fromLakeZone(models, 'churn/v3/model.tar.gz'),
        approvedModelPackage: {
          registry: props.registry,
          artifactsZone: models,
          artifactsPrefix: props.registryArtifactsPrefix ?? 'training/churn/output/',
          imageRepository: repository,
        },
      }
      : {
        image: ContainerImage.fromEcrRepository(repository, '1.5.0'),
        modelData: ServingModelData.fromLakeZone(models, 'churn/v4/model.tar.gz'),
      });

    this.endpoint = new ModelEndpoint(this, 'Churn', {
      variants: [
        {
          name: 'champion',
          model: this.champion,
          weight: 90,
          instanceType: InstanceType.M5_LARGE,
          instanceCount: 2,
          autoScaling: { minCapacity: 2, maxCapacity: 6, targetInvocationsPerInstance: 200 },
        },
        {
          name: 'challenger',
          model: this.challenger,
          weight: 10,
          instanceType: InstanceType.M5_LARGE,
          instanceCount: 2,
        },
      ],
      dataCapture: { lake: props.lake, samplingPercentage: 10 },
      volumeEncryptionKey: props.lake.encryptionKey,
      deployment: DeploymentPolicy.canary({ percent: 50, bake: Duration.minutes(10), maximumExecutionTime: Duration.hours(1) }),
      // The experiment below shifts weights at run time: a deploy keeps them rather than resetting them to 90/10.
      retainWeightsOnDeploy: true,
    });

    // The challenger's count is fixed on purpose (it changes at run time, or with a new endpoint): SageMaker retains counts for
    // all variants once the champion autoscales, so a changed instanceCount in code would not apply on a deploy.
    Annotations.of(this.endpoint).acknowledgeWarning('cdk-mlops:fixed-instance-count-retained',
      'The challenger keeps 2 instances; the experiment shifts weights, not counts.');

    // Deployments roll back on the endpoint's own metric alarms (5XX error rate and p99 model latency of the worst variant),
    // which SageMaker can read; a composite alarm such as EndpointAlarms' health alarm cannot be a rollback alarm.
    if (props.alerts) {
      this.alarms = new EndpointAlarms(this, 'Alarms', { endpoint: this.endpoint, alerts: props.alerts });
    }
    this.dashboard = new EndpointDashboard(this, 'Dashboard', { endpoint: this.endpoint, alarms: this.alarms });

    // An on-demand load test of the endpoint (aws stepfunctions start-execution): ramp-up, steady state and a spike from
    // request bodies in the curated zone, stopping early above 1% errors or a p99 of one second; the dashboard shows the
    // champion's autoscaling react to it.
    this.loadTest = new EndpointLoadTest(this, 'LoadTest', {
      endpoint: this.endpoint,
      phases: [
        { name: 'ramp', requestsPerSecond: 5, duration: Duration.minutes(2) },
        { name: 'steady', requestsPerSecond: 20, duration: Duration.minutes(10) },
        { name: 'spike', requestsPerSecond: 60, duration: Duration.minutes(2) },
      ],
      maxTotalRequests: 25_000,
      maxDuration: Duration.minutes(30),
      payloads: props.lake.zone('curated'),
      payloadPrefix: 'load-test/churn/payloads/',
      contentType: 'text/csv',
      reportZone: props.lake.zone('monitoring'),
      reportPrefix: 'load-tests/churn/',
      stopConditions: { maxErrorRate: 0.01, maxP99Latency: Duration.seconds(1) },
      alerts: props.alerts,
    });
    this.dashboard.addLoadTest(this.loadTest);

    // Hourly drift of the churn features against the training set, daily model quality from the labels the CRM
    // writes back, and retraining when a third of the features drift.
    this.drift = new DriftMonitor(this, 'Drift', {
      endpoint: this.endpoint,
      features: [
        { name: 'tenure_months', kind: FeatureType.NUMERIC },
        { name: 'monthly_charges', kind: FeatureType.NUMERIC },
        { name: 'total_charges', kind: FeatureType.NUMERIC },
        { name: 'contract', kind: FeatureType.CATEGORICAL },
        { name: 'payment_method', kind: FeatureType.CATEGORICAL },
      ],
      baselineDataset: { zone: props.lake.zone('features'), key: 'churn/train/train.csv', header: true },
      alerts: props.alerts,
      retrainOnDrift: props.retrainOnDrift,
      modelQuality: {
        groundTruthZone: props.lake.zone('monitoring'),
        groundTruthPrefix: 'ground-truth/churn/',
        problemType: ProblemType.BINARY_CLASSIFICATION,
        minAuc: 0.8,
      },
    });
    this.dashboard.addDriftMonitor(this.drift);

    // The endpoint's HTTPS front door: SigV4-signed callers granted with api.grantInvoke(), a web ACL (rate per client IP, body
    // limit, AWS common rule set), and sticky experiment arms: a client sends VariantAssignment.variantFor(customerId, ...) in
    // X-Target-Variant, so a customer stays on one variant; requests without it are routed by weight.
    this.api = new InferenceApi(this, 'Api', {
      endpoint: this.endpoint,
      waf: {},
      variantTargeting: VariantTargeting.fromHeader('X-Target-Variant'),
      alerts: props.alerts,
      // The account's API Gateway logging role, so that a fresh account deploys (its logs need it); one per account and Region.
      cloudWatchRole: true,
    });
    this.dashboard.addInferenceApi(this.api, this.api.alarms);

    // Hourly champion/challenger evaluation on the churn ground truth (joined by inference id): shifts traffic to the
    // challenger on evidence, rolls back on harm (5XX errors, latency).
    this.experiment = new AbExperiment(this, 'ChurnChallenger', {
      endpoint: this.endpoint,
      championVariant: 'champion',
      challengerVariant: 'challenger',
      successMeasure: SuccessMeasure.groundTruth({ groundTruthZone: props.lake.zone('monitoring'), groundTruthPrefix: 'ground-truth/churn/' }),
      alerts: props.alerts,
    });
  }
}
