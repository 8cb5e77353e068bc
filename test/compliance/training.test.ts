import { Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { ack, ackShared, checkCompliance, complianceApp } from './harness';
import { referenceScoringAcks } from './reference-scoring';
import { TrainingStack } from '../../bin/stacks/training-stack';
import { DataLake } from '../../lib/data-lake';
import { acknowledgeSharedRule } from '../../lib/private/nag';
import { TrainingInstanceType, TrainingPipeline } from '../../lib/training';
import { fixture, fullProps, minimalProps } from '../training/fixtures';
import { TEST_ENV } from '../util';

test('a minimal training pipeline is compliant', () => {
  const app = complianceApp();
  const f = fixture(app);
  acknowledgeTrainerImage(new TrainingPipeline(f.stack, 'Churn', minimalProps(f)));
  checkCompliance(app, 'TrainingPipeline minimal', [
    ack('AwsSolutions-IAM5[Resource::*]', ['Train/Churn/StateMachineRole/DefaultPolicy/Resource', 'Train/Churn/TrainingRole/DefaultPolicy/Resource'], ['Train/Churn/StateMachineRole/DefaultPolicy/Resource', 'Train/Churn/TrainingRole/DefaultPolicy/Resource']),
    ack('AwsSolutions-IAM5[Resource::<Train/Lake/curated/Resource.Arn>/churn/train/*]', ['Train/Churn/TrainingRole/DefaultPolicy', 'Train/Churn/TrainingRole/DefaultPolicy/Resource'], ['Train/Churn/TrainingRole/DefaultPolicy/Resource']),
    ack('AwsSolutions-IAM5[Resource::<Train/Lake/models/Resource.Arn>/training/train-churn-f32f1c18/output/*]', [
      'Train/Churn/StateMachineRole/DefaultPolicy',
      'Train/Churn/StateMachineRole/DefaultPolicy/Resource',
      'Train/Churn/TrainingRole/DefaultPolicy',
      'Train/Churn/TrainingRole/DefaultPolicy/Resource',
    ], ['Train/Churn/StateMachineRole/DefaultPolicy/Resource', 'Train/Churn/TrainingRole/DefaultPolicy/Resource']),
    ack('AwsSolutions-IAM5[Resource::arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/TrainingJobs:*]', ['Train/Churn/TrainingRole/DefaultPolicy/Resource'], ['Train/Churn/TrainingRole/DefaultPolicy/Resource']),
    ack('AwsSolutions-IAM5[Resource::arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/TrainingJobs:log-stream:train-churn-f32f1c18-????????-????-????-????-????????????/*]', ['Train/Churn/TrainingRole/DefaultPolicy/Resource'], ['Train/Churn/TrainingRole/DefaultPolicy/Resource']),
    ack('AwsSolutions-IAM5[Resource::arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/*]', ['Train/Churn/StateMachineRole/DefaultPolicy/Resource'], ['Train/Churn/StateMachineRole/DefaultPolicy/Resource']),
    // The test acknowledges the warning on purpose: the minimal props register the trainer image (acknowledgeTrainerImage).
    ack('cdk-mlops:training-image-registered', ['Train/Churn'], []),
    ack('s3_bucket_default_encryption_kms_check', ['Train/Lake/AccessLogs']),
    ack('s3_bucket_logging_enabled_check', ['Train/Lake/AccessLogs']),
    ack('s3_bucket_object_lock_enabled_check', [
      'Train/Lake/AccessLogs',
      'Train/Lake/curated',
      'Train/Lake/features',
      'Train/Lake/models',
      'Train/Lake/monitoring',
      'Train/Lake/raw',
    ]),
    ...ackShared('IAMNoInlinePolicy', ['Train/Churn/OverlapCheckPolicy', 'Train/Churn/StateMachineRole', 'Train/Churn/TrainingRole'], [
      'Train/Churn/OverlapCheckPolicy/Resource',
      'Train/Churn/StateMachineRole/DefaultPolicy/Resource',
      'Train/Churn/TrainingRole/DefaultPolicy/Resource',
    ]),
    ...ackShared('S3BucketReplicationEnabled', [
      'Train/Lake/AccessLogs',
      'Train/Lake/curated',
      'Train/Lake/features',
      'Train/Lake/models',
      'Train/Lake/monitoring',
      'Train/Lake/raw',
    ]),
    ...ackShared('S3DefaultEncryptionKMS', ['Train/Lake/AccessLogs']),
  ]);
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
  const flowLog = vpc.addFlowLog('FlowLog', { destination: ec2.FlowLogDestination.toCloudWatchLogs(encryptedLogGroup(network)) });
  // The user's network, not under test: its default security group is left as EC2 makes it, and the CDK's flow-log role keeps
  // its policy inline.
  acknowledgeSharedRule(vpc, 'VPCDefaultSecurityGroupClosed', 'Not under test: the default security group of the test VPC, which nothing uses.');
  acknowledgeSharedRule(flowLog, 'IAMNoInlinePolicy', 'Not under test: the flow-log role the CDK defines for the test VPC.');
  vpc.addGatewayEndpoint('S3', { service: ec2.GatewayVpcEndpointAwsService.S3 });
  new TrainingPipeline(f.stack, 'Churn', {
    ...fullProps(f),
    vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
  });
  const cpu = new TrainingPipeline(f.stack, 'Cpu', {
    ...minimalProps(f),
    instanceType: TrainingInstanceType.P3_2XLARGE,
    // Any prefix but 'churn' (equal prefixes fail at synth); 'churnp3' since the acknowledgments below are pinned to it.
    jobNamePrefix: 'churnp3',
  });
  acknowledgeTrainerImage(cpu);
  checkCompliance(app, 'TrainingPipeline full', [
    ack('AwsSolutions-IAM5[Resource::{"Fn::GetStackOutput":{"StackName":"Data","Region":"us-east-1","OutputName":"PublishOutputFnGetAttLakecurated363C5ACCArnFCA96CDC"}}/churn/train/*]', ['Train/Cpu/TrainingRole/DefaultPolicy', 'Train/Cpu/TrainingRole/DefaultPolicy/Resource'], ['Train/Cpu/TrainingRole/DefaultPolicy/Resource']),
    ack('AwsSolutions-IAM5[Resource::{"Fn::GetStackOutput":{"StackName":"Data","Region":"us-east-1","OutputName":"PublishOutputFnGetAttLakefeatures97EDC112Arn9200593C"}}/churn/train/*]', ['Train/Churn/TrainingRole/DefaultPolicy', 'Train/Churn/TrainingRole/DefaultPolicy/Resource'], ['Train/Churn/TrainingRole/DefaultPolicy/Resource']),
    ack('AwsSolutions-IAM5[Resource::{"Fn::GetStackOutput":{"StackName":"Data","Region":"us-east-1","OutputName":"PublishOutputFnGetAttLakefeatures97EDC112Arn9200593C"}}/churn/validation/*]', ['Train/Churn/TrainingRole/DefaultPolicy', 'Train/Churn/TrainingRole/DefaultPolicy/Resource'], ['Train/Churn/TrainingRole/DefaultPolicy/Resource']),
    ack('AwsSolutions-IAM5[Resource::{"Fn::GetStackOutput":{"StackName":"Data","Region":"us-east-1","OutputName":"PublishOutputFnGetAttLakemodelsCABA3223Arn64B2F2C6"}}/training/churnp3/output/*]', [
      'Train/Cpu/StateMachineRole/DefaultPolicy',
      'Train/Cpu/StateMachineRole/DefaultPolicy/Resource',
      'Train/Cpu/TrainingRole/DefaultPolicy',
      'Train/Cpu/TrainingRole/DefaultPolicy/Resource',
    ], ['Train/Cpu/StateMachineRole/DefaultPolicy/Resource', 'Train/Cpu/TrainingRole/DefaultPolicy/Resource']),
    ack('AwsSolutions-IAM5[Resource::{"Fn::GetStackOutput":{"StackName":"Data","Region":"us-east-1","OutputName":"PublishOutputFnGetAttLakemodelsCABA3223Arn64B2F2C6"}}/training/churn/checkpoints/*]', ['Train/Churn/TrainingRole/DefaultPolicy', 'Train/Churn/TrainingRole/DefaultPolicy/Resource'], ['Train/Churn/TrainingRole/DefaultPolicy/Resource']),
    ack('AwsSolutions-IAM5[Resource::{"Fn::GetStackOutput":{"StackName":"Data","Region":"us-east-1","OutputName":"PublishOutputFnGetAttLakemodelsCABA3223Arn64B2F2C6"}}/training/churn/output/*]', [
      'Train/Churn/StateMachineRole/DefaultPolicy',
      'Train/Churn/StateMachineRole/DefaultPolicy/Resource',
      'Train/Churn/TrainingRole/DefaultPolicy',
      'Train/Churn/TrainingRole/DefaultPolicy/Resource',
    ], ['Train/Churn/StateMachineRole/DefaultPolicy/Resource', 'Train/Churn/TrainingRole/DefaultPolicy/Resource']),
    ack('AwsSolutions-IAM5[Resource::{"Fn::GetStackOutput":{"StackName":"Data","Region":"us-east-1","OutputName":"PublishOutputFnGetAttLakemodelsCABA3223Arn64B2F2C6"}}/training/churn/tensorboard/*]', ['Train/Churn/TrainingRole/DefaultPolicy', 'Train/Churn/TrainingRole/DefaultPolicy/Resource'], ['Train/Churn/TrainingRole/DefaultPolicy/Resource']),
    ack('AwsSolutions-IAM5[Resource::*]', [
      'Train/Churn/StateMachineRole/DefaultPolicy/Resource',
      'Train/Churn/TrainingRole/DefaultPolicy/Resource',
      'Train/Cpu/StateMachineRole/DefaultPolicy/Resource',
      'Train/Cpu/TrainingRole/DefaultPolicy/Resource',
    ], [
      'Train/Churn/StateMachineRole/DefaultPolicy/Resource',
      'Train/Churn/TrainingRole/DefaultPolicy/Resource',
      'Train/Cpu/StateMachineRole/DefaultPolicy/Resource',
      'Train/Cpu/TrainingRole/DefaultPolicy/Resource',
    ]),
    ack('AwsSolutions-IAM5[Resource::arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/TrainingJobs:*]', ['Train/Churn/TrainingRole/DefaultPolicy/Resource', 'Train/Cpu/TrainingRole/DefaultPolicy/Resource'], ['Train/Churn/TrainingRole/DefaultPolicy/Resource', 'Train/Cpu/TrainingRole/DefaultPolicy/Resource']),
    ack('AwsSolutions-IAM5[Resource::arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/TrainingJobs:log-stream:churn-????????-????-????-????-????????????/*]', ['Train/Churn/TrainingRole/DefaultPolicy/Resource'], ['Train/Churn/TrainingRole/DefaultPolicy/Resource']),
    ack('AwsSolutions-IAM5[Resource::arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/TrainingJobs:log-stream:churnp3-????????-????-????-????-????????????/*]', ['Train/Cpu/TrainingRole/DefaultPolicy/Resource'], ['Train/Cpu/TrainingRole/DefaultPolicy/Resource']),
    ack('AwsSolutions-IAM5[Resource::arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/*]', ['Train/Churn/StateMachineRole/DefaultPolicy/Resource', 'Train/Cpu/StateMachineRole/DefaultPolicy/Resource'], ['Train/Churn/StateMachineRole/DefaultPolicy/Resource', 'Train/Cpu/StateMachineRole/DefaultPolicy/Resource']),
    // The schedule's dead-letter queue has no dead-letter queue of its own (acknowledged by the library on the queue).
    ack('AwsSolutions-SQS3', ['Train/Churn/ScheduleDeadLetters']),
    ack('F3002', ['Network/Vpc/FlowLog'], []),
    ack('F3003', ['Network/Vpc/FlowLog'], []),
    ack('s3_bucket_default_encryption_kms_check', ['Data/Lake/AccessLogs']),
    ack('s3_bucket_logging_enabled_check', ['Data/Lake/AccessLogs']),
    ack('s3_bucket_object_lock_enabled_check', [
      'Data/Lake/AccessLogs',
      'Data/Lake/curated',
      'Data/Lake/features',
      'Data/Lake/models',
      'Data/Lake/monitoring',
      'Data/Lake/raw',
    ]),
    ack('W3010', ['Network'], []),
    ack('cdk-mlops:training-image-registered', ['Train/Cpu'], []),
    ack('sqs_dlq_check', ['Train/Churn/ScheduleDeadLetters']),
    ...ackShared('EC2RestrictedCommonPorts', ['Train/Churn/SecurityGroup'], ['Train/Churn/SecurityGroup/from TrainChurnSecurityGroupEE31184F:ALL TRAFFIC']),
    ...ackShared('IAMNoInlinePolicy', [
      'Network/Vpc/FlowLog',
      'Train/Churn/OverlapCheckPolicy',
      'Train/Churn/ScheduleRole',
      'Train/Churn/StateMachineRole',
      'Train/Churn/TrainingRole',
      'Train/Cpu/OverlapCheckPolicy',
      'Train/Cpu/StateMachineRole',
      'Train/Cpu/TrainingRole',
    ], [
      'Network/Vpc/FlowLog/IAMRole/DefaultPolicy/Resource',
      'Train/Churn/OverlapCheckPolicy/Resource',
      'Train/Churn/ScheduleRole/DefaultPolicy/Resource',
      'Train/Churn/StateMachineRole/DefaultPolicy/Resource',
      'Train/Churn/TrainingRole/DefaultPolicy/Resource',
      'Train/Cpu/OverlapCheckPolicy/Resource',
      'Train/Cpu/StateMachineRole/DefaultPolicy/Resource',
      'Train/Cpu/TrainingRole/DefaultPolicy/Resource',
    ]),
    ...ackShared('S3BucketReplicationEnabled', [
      'Data/Lake/AccessLogs',
      'Data/Lake/curated',
      'Data/Lake/features',
      'Data/Lake/models',
      'Data/Lake/monitoring',
      'Data/Lake/raw',
    ]),
    ...ackShared('S3DefaultEncryptionKMS', ['Data/Lake/AccessLogs']),
    ...ackShared('VPCDefaultSecurityGroupClosed', ['Network/Vpc']),
  ]);
});

/** The minimal props register the training image for inference on purpose; the library warns about it, and these tests accept it. */
function acknowledgeTrainerImage(pipeline: TrainingPipeline): void {
  Validations.of(pipeline).acknowledge({
    id: 'Annotation::cdk-mlops:training-image-registered',
    reason: 'This test pipeline has no separate inference image; the trainer image is registered on purpose.',
  });
}

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
  checkCompliance(app, 'TrainingStack', referenceTrainingAcks(false));
});

test('the reference app\'s training stack with tuning on is compliant next to its data stack', () => {
  const app = complianceApp();
  const data = new Stack(app, 'DataStack');
  const lake = new DataLake(data, 'Lake');
  const training = new TrainingStack(app, 'TrainingStack', { lake, tune: true });
  expect(training.pipeline.tunes).toBe(true);
  checkCompliance(app, 'TrainingStack (tuning)', referenceTrainingAcks(true));
});

/** The acknowledgments of the reference training stack, tuned or not: `tuned` changes the log streams and drops TensorBoard. */
function referenceTrainingAcks(tuned: boolean) {
  return [
    ...referenceScoringAcks(false),
    ack('AwsSolutions-IAM5[Resource::{"Fn::GetStackOutput":{"StackName":"DataStack","Region":{"Ref":"AWS::Region"},"OutputName":"PublishOutputFnGetAttLakefeatures97EDC112Arn9200593C"}}/churn/train/*]', ['TrainingStack/Churn/TrainingRole/DefaultPolicy', 'TrainingStack/Churn/TrainingRole/DefaultPolicy/Resource'], ['TrainingStack/Churn/TrainingRole/DefaultPolicy/Resource']),
    ack('AwsSolutions-IAM5[Resource::{"Fn::GetStackOutput":{"StackName":"DataStack","Region":{"Ref":"AWS::Region"},"OutputName":"PublishOutputFnGetAttLakefeatures97EDC112Arn9200593C"}}/churn/validation/*]', ['TrainingStack/Churn/TrainingRole/DefaultPolicy', 'TrainingStack/Churn/TrainingRole/DefaultPolicy/Resource'], ['TrainingStack/Churn/TrainingRole/DefaultPolicy/Resource']),
    ack('AwsSolutions-IAM5[Resource::{"Fn::GetStackOutput":{"StackName":"DataStack","Region":{"Ref":"AWS::Region"},"OutputName":"PublishOutputFnGetAttLakemodelsCABA3223Arn64B2F2C6"}}/training/churn/checkpoints/*]', ['TrainingStack/Churn/TrainingRole/DefaultPolicy', 'TrainingStack/Churn/TrainingRole/DefaultPolicy/Resource'], ['TrainingStack/Churn/TrainingRole/DefaultPolicy/Resource']),
    ack('AwsSolutions-IAM5[Resource::{"Fn::GetStackOutput":{"StackName":"DataStack","Region":{"Ref":"AWS::Region"},"OutputName":"PublishOutputFnGetAttLakemodelsCABA3223Arn64B2F2C6"}}/training/churn/output/*]', [
      'TrainingStack/Churn/StateMachineRole/DefaultPolicy',
      'TrainingStack/Churn/StateMachineRole/DefaultPolicy/Resource',
      'TrainingStack/Churn/TrainingRole/DefaultPolicy',
      'TrainingStack/Churn/TrainingRole/DefaultPolicy/Resource',
    ], ['TrainingStack/Churn/StateMachineRole/DefaultPolicy/Resource', 'TrainingStack/Churn/TrainingRole/DefaultPolicy/Resource']),
    ack('AwsSolutions-IAM5[Resource::*]', [
      'TrainingStack/Churn/StateMachineRole/DefaultPolicy/Resource',
      'TrainingStack/Churn/TrainingRole/DefaultPolicy/Resource',
    ], [
      'TrainingStack/Churn/StateMachineRole/DefaultPolicy/Resource',
      'TrainingStack/Churn/TrainingRole/DefaultPolicy/Resource',
    ]),
    ack('AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:/aws/sagemaker/TrainingJobs:*]', ['TrainingStack/Churn/TrainingRole/DefaultPolicy/Resource'], ['TrainingStack/Churn/TrainingRole/DefaultPolicy/Resource']),
    ack('AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sagemaker:<AWS::Region>:<AWS::AccountId>:model-package/churn/*]', ['TrainingStack/Churn/StateMachineRole/DefaultPolicy/Resource'], ['TrainingStack/Churn/StateMachineRole/DefaultPolicy/Resource']),
    // The schedule's dead-letter queue has no dead-letter queue of its own (acknowledged by the library on the queue).
    ack('AwsSolutions-SQS3', ['TrainingStack/Churn/ScheduleDeadLetters']),
    ack('sqs_dlq_check', ['TrainingStack/Churn/ScheduleDeadLetters']),
    ack('s3_bucket_default_encryption_kms_check', ['DataStack/Lake/AccessLogs']),
    ack('s3_bucket_logging_enabled_check', ['DataStack/Lake/AccessLogs']),
    ack('s3_bucket_object_lock_enabled_check', [
      'DataStack/Lake/AccessLogs',
      'DataStack/Lake/curated',
      'DataStack/Lake/features',
      'DataStack/Lake/models',
      'DataStack/Lake/monitoring',
      'DataStack/Lake/raw',
    ]),
    ...ackShared('IAMNoInlinePolicy', [
      'TrainingStack/Churn/OverlapCheckPolicy',
      'TrainingStack/Churn/ScheduleRole',
      'TrainingStack/Churn/StateMachineRole',
      'TrainingStack/Churn/TrainingRole',
    ], [
      'TrainingStack/Churn/OverlapCheckPolicy/Resource',
      'TrainingStack/Churn/ScheduleRole/DefaultPolicy/Resource',
      'TrainingStack/Churn/StateMachineRole/DefaultPolicy/Resource',
      'TrainingStack/Churn/TrainingRole/DefaultPolicy/Resource',
    ]),
    ...ackShared('S3BucketReplicationEnabled', [
      'DataStack/Lake/AccessLogs',
      'DataStack/Lake/curated',
      'DataStack/Lake/features',
      'DataStack/Lake/models',
      'DataStack/Lake/monitoring',
      'DataStack/Lake/raw',
    ]),
    ...ackShared('S3DefaultEncryptionKMS', ['DataStack/Lake/AccessLogs']),
    ...(tuned ? [] : [ack('AwsSolutions-IAM5[Resource::{"Fn::GetStackOutput":{"StackName":"DataStack","Region":{"Ref":"AWS::Region"},"OutputName":"PublishOutputFnGetAttLakemodelsCABA3223Arn64B2F2C6"}}/training/churn/tensorboard/*]', ['TrainingStack/Churn/TrainingRole/DefaultPolicy', 'TrainingStack/Churn/TrainingRole/DefaultPolicy/Resource'], ['TrainingStack/Churn/TrainingRole/DefaultPolicy/Resource'])]),
    ack(`AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:/aws/sagemaker/TrainingJobs:log-stream:${
      tuned ? 'churn-????????????-???-????????' : 'churn-????????-????-????-????-????????????'}/*]`,
    ['TrainingStack/Churn/TrainingRole/DefaultPolicy/Resource'], ['TrainingStack/Churn/TrainingRole/DefaultPolicy/Resource']),
  ];
}
