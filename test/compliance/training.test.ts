import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { checkCompliance, complianceApp } from './harness';
import { TrainingStack } from '../../bin/stacks/training-stack';
import { DataLake } from '../../lib/data-lake';
import { TrainingInstanceType, TrainingPipeline } from '../../lib/training';
import { fixture, fullProps, minimalProps } from '../training/fixtures';
import { TEST_ENV } from '../util';

test('a minimal training pipeline is compliant', () => {
  const app = complianceApp();
  const f = fixture(app);
  new TrainingPipeline(f.stack, 'Churn', minimalProps(f));
  checkCompliance(app, 'TrainingPipeline minimal');
});

test('a training pipeline with every option, in a VPC, is compliant', () => {
  const app = complianceApp();
  const f = fixture(app, { lakeInOwnStack: true });
  const network = new Stack(app, 'Network', { env: TEST_ENV });
  const vpc = new ec2.Vpc(network, 'Vpc', {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
    restrictDefaultSecurityGroup: false,
  });
  vpc.addFlowLog('FlowLog', { destination: ec2.FlowLogDestination.toCloudWatchLogs(encryptedLogGroup(network)) });
  vpc.addGatewayEndpoint('S3', { service: ec2.GatewayVpcEndpointAwsService.S3 });
  new TrainingPipeline(f.stack, 'Churn', {
    ...fullProps(f),
    vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
  });
  new TrainingPipeline(f.stack, 'Cpu', {
    ...minimalProps(f),
    instanceType: TrainingInstanceType.P3_2XLARGE,
    jobNamePrefix: 'churn-p3',
  });
  checkCompliance(app, 'TrainingPipeline full');
});

/** A KMS-encrypted log group, as a compliant app defines one for its VPC flow logs. */
function encryptedLogGroup(stack: Stack): logs.LogGroup {
  const key = new kms.Key(stack, 'FlowLogKey', { enableKeyRotation: true });
  key.addToResourcePolicy(new iam.PolicyStatement({
    principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
    actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'],
    resources: ['*'],
  }));
  key.addToResourcePolicy(new iam.PolicyStatement({
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: ['kms:CreateGrant'],
    resources: ['*'],
    conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
  }));
  return new logs.LogGroup(stack, 'FlowLogs', { encryptionKey: key, retention: logs.RetentionDays.ONE_YEAR });
}

test('the reference app\'s training stack is compliant next to its data stack', () => {
  const app = complianceApp();
  const data = new Stack(app, 'DataStack');
  const lake = new DataLake(data, 'Lake');
  const training = new TrainingStack(app, 'TrainingStack', { lake });
  expect(training.pipeline.stateMachine).toBeDefined();
  expect(training.registry.modelPackageGroupName).toBe('churn');
  checkCompliance(app, 'TrainingStack');
});
