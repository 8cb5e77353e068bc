import { App, Stack } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import { DataLake, ModelEndpoint } from '../../lib';
import { imageModel } from '../serving/fixtures';
import { TEST_ENV, testApp } from '../util';

/** A stack with a champion (90) / challenger (10) endpoint 'churn', for an inference API in front of it. */
export function apiFixture(app: App = testApp()) {
  const stack = new Stack(app, 'Serve', { env: TEST_ENV });
  const lake = new DataLake(stack, 'Lake');
  const repo = ecr.Repository.fromRepositoryName(stack, 'Repo', 'churn-inference');
  const endpoint = new ModelEndpoint(stack, 'Churn', {
    endpointName: 'churn',
    variants: [
      { name: 'champion', model: imageModel(stack, 'Champion', { repo, lake, key: 'churn/v3/model.tar.gz' }), weight: 90 },
      { name: 'challenger', model: imageModel(stack, 'Challenger', { repo, lake, key: 'churn/v4/model.tar.gz' }), weight: 10 },
    ],
  });
  return { app, stack, lake, endpoint };
}
