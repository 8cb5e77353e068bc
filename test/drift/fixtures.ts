import { App, Stack } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import { ContainerImage } from '@aws-cdk/aws-sagemaker-alpha';
import { DataLake, DriftFeature, FeatureType, ModelEndpoint, ServingModel, ServingModelData } from '../../lib';
import { TEST_ENV, testApp } from '../util';

export const FEATURES: DriftFeature[] = [
  { name: 'tenure', kind: FeatureType.NUMERIC },
  { name: 'monthly_charges', kind: FeatureType.NUMERIC },
  { name: 'plan', kind: FeatureType.CATEGORICAL },
];

/** A stack with a lake and a two-variant endpoint that captures into the lake. */
export function driftFixture(app: App = testApp(), capture: { captureInput?: boolean; captureOutput?: boolean } | false = {}) {
  const stack = new Stack(app, 'Serve', { env: TEST_ENV });
  const lake = new DataLake(stack, 'Lake');
  const repo = ecr.Repository.fromRepositoryName(stack, 'Repo', 'churn-inference');
  const model = (id: string, key: string) => new ServingModel(stack, id, {
    image: ContainerImage.fromEcrRepository(repo, '1.4.2'),
    modelData: ServingModelData.fromLakeZone(lake.zone('models'), key),
  });
  const endpoint = new ModelEndpoint(stack, 'Churn', {
    endpointName: 'churn',
    variants: [
      { name: 'champion', model: model('Champion', 'churn/v3/model.tar.gz'), weight: 90 },
      { name: 'challenger', model: model('Challenger', 'churn/v4/model.tar.gz'), weight: 10 },
    ],
    dataCapture: capture === false ? undefined : { lake, ...capture },
  });
  return { app, stack, lake, endpoint };
}
