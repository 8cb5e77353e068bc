import { Duration, Size, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { InstanceType } from '@aws-cdk/aws-sagemaker-alpha';
import { FakeRegistry, servingFixture } from './fixtures';
import { ServingStack } from '../../bin/stacks/serving-stack';
import { DataLake } from '../../lib';
import { DeploymentPolicy, ModelEndpoint, ServingModel } from '../../lib/serving';
import { TEST_ENV, testApp } from '../util';

function servingResources(stack: Stack): Record<string, unknown> {
  const template = Template.fromStack(stack).toJSON();
  // The lake is the data-lake capability's snapshot; keep only what serving defines.
  return Object.fromEntries(Object.entries<any>(template.Resources).filter(([id]) => !id.startsWith('Lake')));
}

test('a minimal model endpoint matches the snapshot', () => {
  const f = servingFixture();
  new ModelEndpoint(f.stack, 'Churn', { variants: [{ name: 'champion', model: f.champion }] });
  expect(servingResources(f.stack)).toMatchSnapshot();
});

test('a model endpoint with every option matches the snapshot', () => {
  const f = servingFixture();
  const packaged = new ServingModel(f.stack, 'Packaged', {
    modelPackage: { registry: new FakeRegistry(f.stack, 'Registry'), version: 3, artifactsZone: f.lake.zone('models'), artifactsPrefix: 'churn/' },
  });
  const endpoint = new ModelEndpoint(f.stack, 'Churn', {
    endpointName: 'churn',
    variants: [{
      name: 'champion', model: f.champion, weight: 90, instanceType: InstanceType.C5_XLARGE, instanceCount: 2, volumeSize: Size.gibibytes(30),
      modelDownloadTimeout: Duration.minutes(10), containerStartupHealthCheckTimeout: Duration.minutes(5),
      autoScaling: {
        minCapacity: 2, maxCapacity: 8, targetInvocationsPerInstance: 300,
        scaleInCooldown: Duration.minutes(10), scaleOutCooldown: Duration.minutes(2),
      },
    }],
    dataCapture: { lake: f.lake, samplingPercentage: 20, captureOutput: true, csvContentTypes: ['text/csv'], jsonContentTypes: ['application/json'] },
    volumeEncryptionKey: f.lake.encryptionKey,
    deployment: DeploymentPolicy.linear({
      step: 20, bake: Duration.minutes(5), terminationWait: Duration.minutes(5), maximumExecutionTime: Duration.hours(2),
    }),
    rollbackAlarmOptions: {
      errorRateThreshold: 0.02, latencyThreshold: Duration.millis(300), period: Duration.minutes(2), evaluationPeriods: 5, datapointsToAlarm: 3,
    },
    retainWeightsOnDeploy: true,
  });
  endpoint.addShadowVariant({ name: 'shadow', model: packaged, samplingPercentage: 50, instanceType: InstanceType.C5_XLARGE });
  expect(servingResources(f.stack)).toMatchSnapshot();
});

test('the reference serving stack matches the snapshot', () => {
  const app = testApp();
  const data = new Stack(app, 'Data', { env: TEST_ENV });
  const lake = new DataLake(data, 'Lake');
  const serving = new ServingStack(app, 'Serving', { env: TEST_ENV, lake });
  expect(serving.endpoint.variantNames).toEqual(['champion', 'challenger']);
  expect(Template.fromStack(serving).toJSON()).toMatchSnapshot();
});
