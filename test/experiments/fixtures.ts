import { App, Stack } from 'aws-cdk-lib';
import { DataLake, ModelEndpoint } from '../../lib';
import { imageModel } from '../serving/fixtures';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import { TEST_ENV, testApp } from '../util';

/** A stack with a champion (90) / challenger (10) endpoint 'churn' that captures 10% of its requests into the lake (unless `capture: false`). */
export function experimentFixture(app: App = testApp(), opts: { retainWeightsOnDeploy?: boolean; capture?: boolean } = {}) {
  const stack = new Stack(app, 'Serve', { env: TEST_ENV });
  const lake = new DataLake(stack, 'Lake');
  const repo = ecr.Repository.fromRepositoryName(stack, 'Repo', 'churn-inference');
  const endpoint = new ModelEndpoint(stack, 'Churn', {
    endpointName: 'churn',
    variants: [
      { name: 'champion', model: imageModel(stack, 'Champion', { repo, lake, key: 'churn/v3/model.tar.gz' }), weight: 90 },
      { name: 'challenger', model: imageModel(stack, 'Challenger', { repo, lake, key: 'churn/v4/model.tar.gz' }), weight: 10 },
    ],
    retainWeightsOnDeploy: opts.retainWeightsOnDeploy,
    dataCapture: opts.capture === false ? undefined : { lake, samplingPercentage: 10 },
  });
  return { app, stack, lake, endpoint };
}
