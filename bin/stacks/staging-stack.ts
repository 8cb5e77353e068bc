import { Stack, StackProps } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import { ContainerImage, InstanceType } from '@aws-cdk/aws-sagemaker-alpha';
import { Construct } from 'constructs';
import { IDataLake } from '../../lib/data-lake';
import { ModelEndpoint, ServingModel, ServingModelData } from '../../lib/serving';
import { IModelRegistry } from '../../lib/training/model-registry';

/** Properties of the reference app's staging stack. */
export interface StagingStackProps extends StackProps {
  /** The lake that holds the fallback model's artifacts (`models` zone). */
  readonly lake: IDataLake;

  /** The registry whose approved versions the staging model serves. */
  readonly registry: IModelRegistry;

  /**
   * The ECR repository of the inference image.
   *
   * @default 'churn-inference'
   */
  readonly imageRepositoryName?: string;
}

/**
 * The staging stack: one instance serving the approved version the deployment pipeline passes in (the champion from the lake
 * until then), with the endpoint's rollback alarms; the pipeline smoke-tests it before production.
 */
export class StagingStack extends Stack {
  public readonly model: ServingModel;
  public readonly endpoint: ModelEndpoint;

  constructor(scope: Construct, id: string, props: StagingStackProps) {
    super(scope, id, props);
    const repository = ecr.Repository.fromRepositoryName(this, 'InferenceImages', props.imageRepositoryName ?? 'churn-inference');
    const models = props.lake.zone('models');
    this.model = new ServingModel(this, 'Candidate', {
      image: ContainerImage.fromEcrRepository(repository, '1.4.2'),
      modelData: ServingModelData.fromLakeZone(models, 'churn/v3/model.tar.gz'),
      approvedModelPackage: { registry: props.registry, artifactsZone: models, artifactsPrefix: 'training/churn/output/', imageRepository: repository },
    });
    this.endpoint = new ModelEndpoint(this, 'Churn', {
      variants: [{ name: 'candidate', model: this.model, instanceType: InstanceType.M5_LARGE, instanceCount: 1 }],
      volumeEncryptionKey: props.lake.encryptionKey,
    });
  }
}
