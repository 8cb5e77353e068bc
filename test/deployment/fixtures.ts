import { App, Duration, Stack } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ContainerImage, InstanceType } from '@aws-cdk/aws-sagemaker-alpha';
import { AlertTopics, DataLake } from '../../lib';
import { DeploymentStage, ModelDeploymentPipeline, ModelDeploymentPipelineProps } from '../../lib/deployment';
import { ModelEndpoint, ServingModel, ServingModelData } from '../../lib/serving';
import { ModelRegistry } from '../../lib/training';
import { TEST_ENV, testApp } from '../util';

/** A serving stack: one model that serves the approved package (a champion from the lake until then) behind one endpoint. */
export interface ServingTarget {
  readonly stack: Stack;
  readonly model: ServingModel;
  readonly endpoint: ModelEndpoint;
}

export interface DeploymentFixture {
  readonly app: App;
  readonly shared: Stack;
  readonly lake: DataLake;
  readonly alerts: AlertTopics;
  readonly registry: ModelRegistry;
  readonly staging: ServingTarget;
  readonly production: ServingTarget;
  readonly pipelineStack: Stack;
}

export function servingTarget(app: App, id: string, lake: DataLake, registry: ModelRegistry, env = TEST_ENV): ServingTarget {
  const stack = new Stack(app, id, { env });
  const repo = ecr.Repository.fromRepositoryName(stack, 'Repo', 'churn-inference');
  const model = new ServingModel(stack, 'Model', {
    image: ContainerImage.fromEcrRepository(repo, '1.4.2'),
    modelData: ServingModelData.fromLakeZone(lake.zone('models'), 'churn/v3/model.tar.gz'),
    approvedModelPackage: { registry, artifactsZone: lake.zone('models'), artifactsPrefix: 'training/churn/output/', imageRepository: repo },
  });
  const endpoint = new ModelEndpoint(stack, 'Endpoint', {
    endpointName: `churn-${id.toLowerCase()}`,
    variants: [{ name: 'champion', model, instanceType: InstanceType.M5_LARGE }],
  });
  return { stack, model, endpoint };
}

/** A serving stack in another account: its model's artifacts in a bucket of that account, the registry imported by name. */
export function remoteTarget(app: App, id: string, env: { account: string; region: string }): ServingTarget {
  const stack = new Stack(app, id, { env });
  const repo = ecr.Repository.fromRepositoryName(stack, 'Repo', 'churn-inference');
  const bucket = s3.Bucket.fromBucketName(stack, 'Models', `models-${env.account}`);
  const model = new ServingModel(stack, 'Model', {
    image: ContainerImage.fromEcrRepository(repo, '1.4.2'),
    modelData: ServingModelData.fromObject(bucket, 'churn/v3/model.tar.gz'),
    approvedModelPackage: { registry: ModelRegistry.fromModelPackageGroupName(stack, 'Registry', 'churn'), imageRepository: repo },
  });
  const endpoint = new ModelEndpoint(stack, 'Endpoint', {
    endpointName: `churn-${id.toLowerCase()}`,
    variants: [{ name: 'champion', model, instanceType: InstanceType.M5_LARGE }],
  });
  return { stack, model, endpoint };
}

/** Shared resources, a staging and a production serving stack, and (unless `pipeline` is false) the pipeline's stack. */
export function deploymentFixture(
  pipelineProps: (f: Omit<DeploymentFixture, 'pipelineStack'>) => Partial<ModelDeploymentPipelineProps> = () => ({}),
  app: App = testApp(),
): DeploymentFixture & { pipeline: ModelDeploymentPipeline } {
  const shared = new Stack(app, 'Shared', { env: TEST_ENV });
  const lake = new DataLake(shared, 'Lake');
  const alerts = new AlertTopics(shared, 'Alerts');
  const registry = new ModelRegistry(shared, 'Registry', { modelPackageGroupName: 'churn' });
  const staging = servingTarget(app, 'Staging', lake, registry);
  const production = servingTarget(app, 'Production', lake, registry);
  const pipelineStack = new Stack(app, 'Delivery', { env: TEST_ENV });
  const base = { app, shared, lake, alerts, registry, staging, production };
  const pipeline = new ModelDeploymentPipeline(pipelineStack, 'Deploy', {
    registry,
    stages: defaultStages(base),
    ...pipelineProps(base),
  });
  return { ...base, pipelineStack, pipeline };
}

export function defaultStages(f: Omit<DeploymentFixture, 'pipelineStack'>): DeploymentStage[] {
  return [
    {
      stageName: 'Staging',
      model: f.staging.model,
      smokeTest: {
        endpoint: f.staging.endpoint, payloadZone: f.lake.zone('features'), payloadKey: 'churn/smoke/request.csv',
        alarms: f.staging.endpoint.rollbackAlarms, bake: Duration.minutes(10),
      },
    },
    { stageName: 'Production', model: f.production.model, production: true },
  ];
}
