import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { ExpectedAcknowledgment, ack, ackShared, checkCompliance, complianceApp } from './harness';
import { acknowledgeSharedRule } from '../../lib/private/nag';
import { TransformModel } from '../../lib/training';
import { batch, batchFixture, fullBatchProps, servingModel } from '../training/batch-fixtures';
import { TEST_ENV } from '../util';

/** What every app over the fixture's lake acknowledges, in the lake (not under test here; see data-lake.test.ts). */
function lakeAcks(stack: string): ExpectedAcknowledgment[] {
  const zones = ['AccessLogs', 'curated', 'features', 'models', 'monitoring', 'raw'].map((z) => `${stack}/Lake/${z}`);
  return [
    ack('s3_bucket_default_encryption_kms_check', [`${stack}/Lake/AccessLogs`]),
    ack('s3_bucket_logging_enabled_check', [`${stack}/Lake/AccessLogs`]),
    ack('s3_bucket_object_lock_enabled_check', zones),
    ...ackShared('S3BucketReplicationEnabled', zones),
    ...ackShared('S3DefaultEncryptionKMS', [`${stack}/Lake/AccessLogs`]),
  ];
}

test('a minimal batch transform (latest approved package) is compliant', () => {
  const app = complianceApp();
  const f = batchFixture(app);
  batch(f);
  checkCompliance(app, 'BatchTransform minimal', [
    ack('AwsSolutions-IAM5[Resource::*]', ['Batch/Score/StateMachineRole/DefaultPolicy/Resource'], ['Batch/Score/StateMachineRole/DefaultPolicy/Resource']),
    ack('AwsSolutions-IAM5[Resource::<Batch/Lake/curated/Resource.Arn>/churn/scoring/*]', ['Batch/Score/ModelRole/DefaultPolicy']),
    ack('AwsSolutions-IAM5[Resource::<Batch/Lake/features/Resource.Arn>/batch/batch-score-5b29afce/*]', ['Batch/Score/ModelRole/DefaultPolicy']),
    ack('AwsSolutions-IAM5[Resource::arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/TransformJobs:*]', ['Batch/Score/ModelRole/DefaultPolicy']),
    ack('AwsSolutions-IAM5[Resource::arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/TransformJobs:log-stream:batch-score-5b29afce-????????-????-????-????-????????????/*]', ['Batch/Score/ModelRole/DefaultPolicy']),
    ack('AwsSolutions-IAM5[Resource::arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/*]', ['Batch/Score/ModelRole/DefaultPolicy', 'Batch/Score/StateMachineRole/DefaultPolicy/Resource'], ['Batch/Score/ModelRole/DefaultPolicy/Resource', 'Batch/Score/StateMachineRole/DefaultPolicy/Resource']),
    ack('cloudwatch_alarm_action_check', ['Batch/Score/FailedAlarm', 'Batch/Score/TimedOutAlarm']),
    ack('HIPAA.Security-CloudWatchAlarmAction', ['Batch/Score/FailedAlarm', 'Batch/Score/TimedOutAlarm']),
    ack('HIPAA.Security-IAMNoInlinePolicy', ['Batch/Score/ModelRole', 'Batch/Score/StateMachineRole'], ['Batch/Score/ModelRole/DefaultPolicy/Resource', 'Batch/Score/StateMachineRole/DefaultPolicy/Resource']),
    ack('NIST.800.53.R5-CloudWatchAlarmAction', ['Batch/Score/FailedAlarm', 'Batch/Score/TimedOutAlarm']),
    ack('NIST.800.53.R5-IAMNoInlinePolicy', ['Batch/Score/ModelRole', 'Batch/Score/StateMachineRole'], ['Batch/Score/ModelRole/DefaultPolicy/Resource', 'Batch/Score/StateMachineRole/DefaultPolicy/Resource']),
    ...lakeAcks('Batch'),
  ]);
});

test('a batch transform with every option, in a VPC, is compliant', () => {
  const app = complianceApp();
  const f = batchFixture(app, { lakeInOwnStack: true });
  const network = new Stack(app, 'Network', { env: TEST_ENV });
  const vpc = new ec2.Vpc(network, 'Vpc', {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
    restrictDefaultSecurityGroup: false,
  });
  const flowLog = vpc.addFlowLog('FlowLog', { destination: ec2.FlowLogDestination.toCloudWatchLogs(encryptedLogGroup(network)) });
  acknowledgeSharedRule(vpc, 'VPCDefaultSecurityGroupClosed', 'Not under test: the default security group of the test VPC, which nothing uses.');
  acknowledgeSharedRule(flowLog, 'IAMNoInlinePolicy', 'Not under test: the flow-log role the CDK defines for the test VPC.');
  vpc.addGatewayEndpoint('S3', { service: ec2.GatewayVpcEndpointAwsService.S3 });
  batch(f, { ...fullBatchProps(f, vpc), vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } });
  checkCompliance(app, 'BatchTransform full', [
    ack('AwsSolutions-IAM5[Resource::{"Fn::GetStackOutput":{"StackName":"Data","Region":"us-east-1","OutputName":"PublishOutputFnGetAttLakecurated363C5ACCArnFCA96CDC"}}/churn/scoring/*]', ['Batch/Score/ModelRole/DefaultPolicy']),
    ack('AwsSolutions-IAM5[Resource::{"Fn::GetStackOutput":{"StackName":"Data","Region":"us-east-1","OutputName":"PublishOutputFnGetAttLakefeatures97EDC112Arn9200593C"}}/churn/scores/*]', ['Batch/Score/ModelRole/DefaultPolicy']),
    ack('AwsSolutions-IAM5[Resource::{"Fn::GetStackOutput":{"StackName":"Data","Region":"us-east-1","OutputName":"PublishOutputFnGetAttLakemodelsCABA3223Arn64B2F2C6"}}/training/churn/output/*]', ['Batch/Score/ModelRole/DefaultPolicy']),
    ack('AwsSolutions-IAM5[Resource::{"Fn::GetStackOutput":{"StackName":"Data","Region":"us-east-1","OutputName":"PublishOutputFnGetAttLakemonitoringECBEA2E6Arn0BF27299"}}/batch-capture/churn/*]', ['Batch/Score/ModelRole/DefaultPolicy']),
    ack('AwsSolutions-IAM5[Resource::*]', ['Batch/Score/ModelRole/DefaultPolicy', 'Batch/Score/StateMachineRole/DefaultPolicy/Resource'], ['Batch/Score/ModelRole/DefaultPolicy/Resource', 'Batch/Score/StateMachineRole/DefaultPolicy/Resource']),
    ack('AwsSolutions-IAM5[Resource::arn:aws:ec2:us-east-1:123456789012:network-interface/*]', ['Batch/Score/ModelRole/DefaultPolicy']),
    ack('AwsSolutions-IAM5[Resource::arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/TransformJobs:*]', ['Batch/Score/ModelRole/DefaultPolicy']),
    ack('AwsSolutions-IAM5[Resource::arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/TransformJobs:log-stream:churn-score-????????-????-????-????-????????????/*]', ['Batch/Score/ModelRole/DefaultPolicy']),
    ack('AwsSolutions-IAM5[Resource::arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/*]', ['Batch/Score/ModelRole/DefaultPolicy', 'Batch/Score/StateMachineRole/DefaultPolicy/Resource'], ['Batch/Score/ModelRole/DefaultPolicy/Resource', 'Batch/Score/StateMachineRole/DefaultPolicy/Resource']),
    ack('AwsSolutions-SQS3', ['Batch/Score/StartDeadLetters']),
    ack('F3002', ['Network/Vpc/FlowLog'], []),
    ack('F3003', ['Network/Vpc/FlowLog'], []),
    ack('HIPAA.Security-IAMNoInlinePolicy', ['Batch/Score/ModelRole', 'Batch/Score/NewObjectsRole', 'Batch/Score/SchedulerRole', 'Batch/Score/StateMachineRole', 'Network/Vpc/FlowLog'], ['Batch/Score/ModelRole/DefaultPolicy/Resource', 'Batch/Score/NewObjectsRole/DefaultPolicy/Resource', 'Batch/Score/SchedulerRole/DefaultPolicy/Resource', 'Batch/Score/StateMachineRole/DefaultPolicy/Resource', 'Network/Vpc/FlowLog/IAMRole/DefaultPolicy/Resource']),
    ack('HIPAA.Security-VPCDefaultSecurityGroupClosed', ['Network/Vpc']),
    ack('NIST.800.53.R5-IAMNoInlinePolicy', ['Batch/Score/ModelRole', 'Batch/Score/NewObjectsRole', 'Batch/Score/SchedulerRole', 'Batch/Score/StateMachineRole', 'Network/Vpc/FlowLog'], ['Batch/Score/ModelRole/DefaultPolicy/Resource', 'Batch/Score/NewObjectsRole/DefaultPolicy/Resource', 'Batch/Score/SchedulerRole/DefaultPolicy/Resource', 'Batch/Score/StateMachineRole/DefaultPolicy/Resource', 'Network/Vpc/FlowLog/IAMRole/DefaultPolicy/Resource']),
    ack('NIST.800.53.R5-VPCDefaultSecurityGroupClosed', ['Network/Vpc']),
    ack('sqs_dlq_check', ['Batch/Score/StartDeadLetters']),
    ack('W3010', ['Network'], []),
    ...lakeAcks('Data'),
  ]);
});

test('a batch transform of a ServingModel is compliant', () => {
  const app = complianceApp();
  const f = batchFixture(app);
  batch(f, { model: TransformModel.fromServingModel(servingModel(f)) });
  checkCompliance(app, 'BatchTransform of a ServingModel', [
    ack('AwsSolutions-IAM5[Resource::*]', ['Batch/Model/Role/DefaultPolicy', 'Batch/Score/StateMachineRole/DefaultPolicy/Resource'], ['Batch/Model/Role/DefaultPolicy/Resource', 'Batch/Score/StateMachineRole/DefaultPolicy/Resource']),
    ack('AwsSolutions-IAM5[Resource::<Batch/Lake/curated/Resource.Arn>/churn/scoring/*]', ['Batch/Model/Role/DefaultPolicy']),
    ack('AwsSolutions-IAM5[Resource::<Batch/Lake/features/Resource.Arn>/batch/batch-score-5b29afce/*]', ['Batch/Model/Role/DefaultPolicy']),
    ack('AwsSolutions-IAM5[Resource::arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/TransformJobs:*]', ['Batch/Model/Role/DefaultPolicy']),
    ack('AwsSolutions-IAM5[Resource::arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/TransformJobs:log-stream:batch-score-5b29afce-????????-????-????-????-????????????/*]', ['Batch/Model/Role/DefaultPolicy']),
    ack('cloudwatch_alarm_action_check', ['Batch/Score/FailedAlarm', 'Batch/Score/TimedOutAlarm']),
    ack('HIPAA.Security-CloudWatchAlarmAction', ['Batch/Score/FailedAlarm', 'Batch/Score/TimedOutAlarm']),
    ack('HIPAA.Security-IAMNoInlinePolicy', ['Batch/Model/Role', 'Batch/Score/StateMachineRole'], ['Batch/Model/Role/DefaultPolicy/Resource', 'Batch/Score/StateMachineRole/DefaultPolicy/Resource']),
    ack('NIST.800.53.R5-CloudWatchAlarmAction', ['Batch/Score/FailedAlarm', 'Batch/Score/TimedOutAlarm']),
    ack('NIST.800.53.R5-IAMNoInlinePolicy', ['Batch/Model/Role', 'Batch/Score/StateMachineRole'], ['Batch/Model/Role/DefaultPolicy/Resource', 'Batch/Score/StateMachineRole/DefaultPolicy/Resource']),
    ...lakeAcks('Batch'),
  ]);
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
