import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import { ContainerImage, InstanceType } from '@aws-cdk/aws-sagemaker-alpha';
import { checkCompliance, complianceApp } from './harness';
import { ServingStack } from '../../bin/stacks/serving-stack';
import { DataLake } from '../../lib';
import { DeploymentPolicy, ModelEndpoint, ServingModel, ServingModelData } from '../../lib/serving';
import { FakeRegistry } from '../serving/fixtures';

test('a minimal model endpoint is compliant', () => {
  const app = complianceApp();
  const stack = new Stack(app, 'Minimal');
  const lake = new DataLake(stack, 'Lake');
  const model = new ServingModel(stack, 'Model', {
    image: ContainerImage.fromEcrRepository(ecr.Repository.fromRepositoryName(stack, 'Repo', 'churn-inference'), '1.4.2'),
    modelData: ServingModelData.fromLakeZone(lake.zone('models'), 'churn/v3/model.tar.gz'),
  });
  new ModelEndpoint(stack, 'Churn', { variants: [{ name: 'champion', model }] });
  checkCompliance(app, 'ModelEndpoint minimal');
});

test('a model endpoint with every option is compliant', () => {
  const app = complianceApp();
  const stack = new Stack(app, 'Full', { env: { account: '123456789012', region: 'us-east-1' } });
  const lake = new DataLake(stack, 'Lake');
  const repo = ecr.Repository.fromRepositoryName(stack, 'Repo', 'churn-inference');
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-0123456789abcdef0',
    availabilityZones: ['us-east-1a', 'us-east-1b'],
    privateSubnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'],
    privateSubnetRouteTableIds: ['rtb-0123456789abcdef0', 'rtb-0123456789abcdef1'],
  });
  const image = ContainerImage.fromEcrRepository(repo, '1.4.2');
  const champion = new ServingModel(stack, 'Champion', {
    image, modelData: ServingModelData.fromLakeZone(lake.zone('models'), 'churn/v3/model.tar.gz'), vpc, environment: { LOG_LEVEL: 'info' },
  });
  const challenger = new ServingModel(stack, 'Challenger', { image, modelData: ServingModelData.fromLakeZone(lake.zone('models'), 'churn/v4/model.tar.gz') });
  const extra = new cloudwatch.Alarm(stack, 'Extra', {
    metric: new cloudwatch.Metric({ namespace: 'Churn', metricName: 'BadPredictions' }), threshold: 10, evaluationPeriods: 1,
  });
  Validations.of(extra).acknowledge({
    id: 'cdk-validator-cfnguard::cloudwatch_alarm_action_check',
    reason: 'A test alarm that only rolls back deployments; SageMaker polls its state.',
  });
  const endpoint = new ModelEndpoint(stack, 'Churn', {
    endpointName: 'churn',
    variants: [
      {
        name: 'champion', model: champion, weight: 90, instanceType: InstanceType.C5_XLARGE, instanceCount: 2, volumeSize: undefined,
        modelDownloadTimeout: Duration.minutes(10), containerStartupHealthCheckTimeout: Duration.minutes(10),
        autoScaling: { minCapacity: 2, maxCapacity: 8, targetInvocationsPerInstance: 300 },
      },
      { name: 'challenger', model: challenger, weight: 10, instanceType: InstanceType.C5_XLARGE, instanceCount: 2 },
    ],
    dataCapture: { lake, samplingPercentage: 5, captureOutput: false, jsonContentTypes: ['application/json'] },
    volumeEncryptionKey: lake.encryptionKey,
    deployment: DeploymentPolicy.linear({
      step: 50, bake: Duration.minutes(5), terminationWait: Duration.minutes(5), maximumExecutionTime: Duration.hours(1),
    }),
    rollbackAlarms: [extra],
    rollbackAlarmOptions: { errorRateThreshold: 0.02, latencyThreshold: Duration.millis(500) },
  });
  expect(endpoint.rollbackAlarms).toHaveLength(3);
  // A shadow test of a registered model package against the champion, on its own endpoint.
  const packaged = new ServingModel(stack, 'Packaged', {
    modelPackage: { registry: new FakeRegistry(stack, 'Registry'), version: 3, artifactsZone: lake.zone('models'), artifactsPrefix: 'churn/', imageRepository: repo },
  });
  new ModelEndpoint(stack, 'Shadowed', {
    variants: [{ name: 'champion', model: challenger, instanceType: InstanceType.M5_LARGE, instanceCount: 2 }],
    shadowVariant: { name: 'candidate', model: packaged, samplingPercentage: 50 },
    deployment: DeploymentPolicy.rolling({ batch: 50, bake: Duration.minutes(5) }),
  });
  checkCompliance(app, 'ModelEndpoint full');
});

test('the reference serving stack is compliant', () => {
  const app = complianceApp();
  const data = new Stack(app, 'Data');
  const lake = new DataLake(data, 'Lake');
  new ServingStack(app, 'Serving', { lake });
  new ServingStack(app, 'ServingFromRegistry', { lake, registry: new FakeRegistry(data, 'Registry'), challengerPackageVersion: 4 });
  checkCompliance(app, 'ServingStack');
});
