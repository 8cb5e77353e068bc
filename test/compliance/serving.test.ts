import { Annotations, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import { ContainerImage, InstanceType } from '@aws-cdk/aws-sagemaker-alpha';
import { ack, checkCompliance, complianceApp } from './harness';
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
  checkCompliance(app, 'ModelEndpoint minimal', [
    ack('AwsSolutions-IAM5[Resource::*]', ['Minimal/Model/Role/DefaultPolicy']),
    ack('AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:/aws/sagemaker/Endpoints/minimal-churn-0f0df005:*]', ['Minimal/Model/Role/DefaultPolicy']),
    ack('cloudwatch_alarm_action_check', ['Minimal/Churn/ErrorRateAlarm', 'Minimal/Churn/LatencyAlarm'], ['Minimal/Churn/ErrorRateAlarm', 'Minimal/Churn/LatencyAlarm']),
    ack('s3_bucket_default_encryption_kms_check', ['Minimal/Lake/AccessLogs']),
    ack('s3_bucket_logging_enabled_check', ['Minimal/Lake/AccessLogs']),
    ack('s3_bucket_object_lock_enabled_check', [
      'Minimal/Lake/AccessLogs',
      'Minimal/Lake/curated',
      'Minimal/Lake/features',
      'Minimal/Lake/models',
      'Minimal/Lake/monitoring',
      'Minimal/Lake/raw',
    ]),
  ]);
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
  // The fixed challenger beside the autoscaled champion is on purpose: its count is not meant to change by deploy.
  Annotations.of(endpoint).acknowledgeWarning('cdk-mlops:fixed-instance-count-retained', 'The challenger keeps 2 instances; its count changes at run time.');
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
  checkCompliance(app, 'ModelEndpoint full', [
    ack('AwsSolutions-IAM5[Resource::*]', ['Full/Challenger/Role/DefaultPolicy', 'Full/Champion/Role/DefaultPolicy', 'Full/Packaged/Role/DefaultPolicy']),
    ack('AwsSolutions-IAM5[Resource::<Full/Lake/models/Resource.Arn>/churn/*]', ['Full/Packaged/Role/DefaultPolicy']),
    ack('AwsSolutions-IAM5[Resource::<Full/Lake/monitoring/Resource.Arn>/data-capture/churn/*]', ['Full/Challenger/Role/DefaultPolicy', 'Full/Champion/Role/DefaultPolicy']),
    ack('AwsSolutions-IAM5[Resource::arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/Endpoints/churn:*]', ['Full/Challenger/Role/DefaultPolicy', 'Full/Champion/Role/DefaultPolicy']),
    ack('AwsSolutions-IAM5[Resource::arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/Endpoints/full-shadowed-bc6b0097:*]', ['Full/Challenger/Role/DefaultPolicy', 'Full/Packaged/Role/DefaultPolicy']),
    ack('cloudwatch_alarm_action_check', [
      'Full/Churn/ErrorRateAlarm',
      'Full/Churn/LatencyAlarm',
      'Full/Extra',
      'Full/Shadowed/ErrorRateAlarm',
      'Full/Shadowed/LatencyAlarm',
    ], [
      'Full/Churn/ErrorRateAlarm',
      'Full/Churn/LatencyAlarm',
      'Full/Extra/Resource',
      'Full/Shadowed/ErrorRateAlarm',
      'Full/Shadowed/LatencyAlarm',
    ]),
    ack('s3_bucket_default_encryption_kms_check', ['Full/Lake/AccessLogs']),
    ack('s3_bucket_logging_enabled_check', ['Full/Lake/AccessLogs']),
    ack('s3_bucket_object_lock_enabled_check', [
      'Full/Lake/AccessLogs',
      'Full/Lake/curated',
      'Full/Lake/features',
      'Full/Lake/models',
      'Full/Lake/monitoring',
      'Full/Lake/raw',
    ]),
  ]);
});

test('the reference serving stack is compliant', () => {
  const app = complianceApp();
  const data = new Stack(app, 'Data');
  const lake = new DataLake(data, 'Lake');
  new ServingStack(app, 'Serving', { lake });
  new ServingStack(app, 'ServingFromRegistry', { lake, registry: new FakeRegistry(data, 'Registry'), challengerPackageVersion: 4 });
  checkCompliance(app, 'ServingStack', [
    ack('AwsSolutions-IAM5[Resource::{"Fn::GetStackOutput":{"StackName":"Data","Region":{"Ref":"AWS::Region"},"OutputName":"PublishOutputFnGetAttLakemodelsCABA3223Arn64B2F2C6"}}/training/churn/output/*]', ['ServingFromRegistry/Challenger/Role/DefaultPolicy']),
    ack('AwsSolutions-IAM5[Resource::{"Fn::GetStackOutput":{"StackName":"Data","Region":{"Ref":"AWS::Region"},"OutputName":"PublishOutputFnGetAttLakemonitoringECBEA2E6Arn0BF27299"}}/data-capture/serving-churn-07580f52/*]', [
      'Serving/Challenger/Role/DefaultPolicy',
      'Serving/Champion/Role/DefaultPolicy',
      'Serving/cdk-mlops-ab-experiment/Role/DefaultPolicy',
      'Serving/cdk-mlops-drift/Role/DefaultPolicy',
      'Serving/cdk-mlops-model-quality/Role/DefaultPolicy',
    ]),
    ack('AwsSolutions-IAM5[Resource::{"Fn::GetStackOutput":{"StackName":"Data","Region":{"Ref":"AWS::Region"},"OutputName":"PublishOutputFnGetAttLakemonitoringECBEA2E6Arn0BF27299"}}/data-capture/servingfromregistry-churn-0b246678/*]', [
      'ServingFromRegistry/Challenger/Role/DefaultPolicy',
      'ServingFromRegistry/Champion/Role/DefaultPolicy',
      'ServingFromRegistry/cdk-mlops-ab-experiment/Role/DefaultPolicy',
      'ServingFromRegistry/cdk-mlops-drift/Role/DefaultPolicy',
      'ServingFromRegistry/cdk-mlops-model-quality/Role/DefaultPolicy',
    ]),
    ack('AwsSolutions-IAM5[Resource::{"Fn::GetStackOutput":{"StackName":"Data","Region":{"Ref":"AWS::Region"},"OutputName":"PublishOutputFnGetAttLakemonitoringECBEA2E6Arn0BF27299"}}/drift-reports/serving-churn-07580f52/*]', ['Serving/cdk-mlops-drift/Role/DefaultPolicy']),
    ack('AwsSolutions-IAM5[Resource::{"Fn::GetStackOutput":{"StackName":"Data","Region":{"Ref":"AWS::Region"},"OutputName":"PublishOutputFnGetAttLakemonitoringECBEA2E6Arn0BF27299"}}/drift-reports/servingfromregistry-churn-0b246678/*]', ['ServingFromRegistry/cdk-mlops-drift/Role/DefaultPolicy']),
    ack('AwsSolutions-IAM5[Resource::{"Fn::GetStackOutput":{"StackName":"Data","Region":{"Ref":"AWS::Region"},"OutputName":"PublishOutputFnGetAttLakemonitoringECBEA2E6Arn0BF27299"}}/experiments/serving-churn-07580f52/ChurnChallenger/*]', ['Serving/cdk-mlops-ab-experiment/Role/DefaultPolicy']),
    ack('AwsSolutions-IAM5[Resource::{"Fn::GetStackOutput":{"StackName":"Data","Region":{"Ref":"AWS::Region"},"OutputName":"PublishOutputFnGetAttLakemonitoringECBEA2E6Arn0BF27299"}}/experiments/servingfromregistry-churn-0b246678/ChurnChallenger/*]', ['ServingFromRegistry/cdk-mlops-ab-experiment/Role/DefaultPolicy']),
    ack('AwsSolutions-IAM5[Resource::{"Fn::GetStackOutput":{"StackName":"Data","Region":{"Ref":"AWS::Region"},"OutputName":"PublishOutputFnGetAttLakemonitoringECBEA2E6Arn0BF27299"}}/ground-truth/churn/*]', [
      'Serving/cdk-mlops-ab-experiment/Role/DefaultPolicy',
      'Serving/cdk-mlops-model-quality/Role/DefaultPolicy',
      'ServingFromRegistry/cdk-mlops-ab-experiment/Role/DefaultPolicy',
      'ServingFromRegistry/cdk-mlops-model-quality/Role/DefaultPolicy',
    ]),
    ack('AwsSolutions-IAM5[Resource::{"Fn::GetStackOutput":{"StackName":"Data","Region":{"Ref":"AWS::Region"},"OutputName":"PublishOutputFnGetAttLakemonitoringECBEA2E6Arn0BF27299"}}/model-quality-reports/serving-churn-07580f52/*]', ['Serving/cdk-mlops-model-quality/Role/DefaultPolicy']),
    ack('AwsSolutions-IAM5[Resource::{"Fn::GetStackOutput":{"StackName":"Data","Region":{"Ref":"AWS::Region"},"OutputName":"PublishOutputFnGetAttLakemonitoringECBEA2E6Arn0BF27299"}}/model-quality-reports/servingfromregistry-churn-0b246678/*]', ['ServingFromRegistry/cdk-mlops-model-quality/Role/DefaultPolicy']),
    ack('AwsSolutions-IAM5[Resource::*]', [
      'Serving/Challenger/Role/DefaultPolicy',
      'Serving/Champion/Role/DefaultPolicy',
      'Serving/cdk-mlops-ab-experiment/Role/DefaultPolicy',
      'Serving/cdk-mlops-drift/Role/DefaultPolicy',
      'Serving/cdk-mlops-model-quality/Role/DefaultPolicy',
      'ServingFromRegistry/Challenger/Role/DefaultPolicy',
      'ServingFromRegistry/Champion/Role/DefaultPolicy',
      'ServingFromRegistry/cdk-mlops-ab-experiment/Role/DefaultPolicy',
      'ServingFromRegistry/cdk-mlops-drift/Role/DefaultPolicy',
      'ServingFromRegistry/cdk-mlops-model-quality/Role/DefaultPolicy',
    ]),
    ack('AwsSolutions-IAM5[Resource::<ServingFromRegistry/cdk-mlops-ab-experiment/Function/Resource.Arn>:*]', ['Serving/cdk-mlops-ab-experiment/SchedulerRole', 'ServingFromRegistry/cdk-mlops-ab-experiment/SchedulerRole'], ['Serving/cdk-mlops-ab-experiment/SchedulerRole/DefaultPolicy/Resource', 'ServingFromRegistry/cdk-mlops-ab-experiment/SchedulerRole/DefaultPolicy/Resource']),
    ack('AwsSolutions-IAM5[Resource::<ServingFromRegistry/cdk-mlops-baseline-profile/Function/Resource.Arn>:*]', ['Serving/cdk-mlops-baseline-profile/SchedulerRole', 'ServingFromRegistry/cdk-mlops-baseline-profile/SchedulerRole'], []),
    ack('AwsSolutions-IAM5[Resource::<ServingFromRegistry/cdk-mlops-drift/Function/Resource.Arn>:*]', ['Serving/cdk-mlops-drift/SchedulerRole', 'ServingFromRegistry/cdk-mlops-drift/SchedulerRole'], ['Serving/cdk-mlops-drift/SchedulerRole/DefaultPolicy/Resource', 'ServingFromRegistry/cdk-mlops-drift/SchedulerRole/DefaultPolicy/Resource']),
    ack('AwsSolutions-IAM5[Resource::<ServingFromRegistry/cdk-mlops-model-quality/Function/Resource.Arn>:*]', ['Serving/cdk-mlops-model-quality/SchedulerRole', 'ServingFromRegistry/cdk-mlops-model-quality/SchedulerRole'], ['Serving/cdk-mlops-model-quality/SchedulerRole/DefaultPolicy/Resource', 'ServingFromRegistry/cdk-mlops-model-quality/SchedulerRole/DefaultPolicy/Resource']),
    ack('AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:/aws/sagemaker/Endpoints/serving-churn-07580f52:*]', ['Serving/Challenger/Role/DefaultPolicy', 'Serving/Champion/Role/DefaultPolicy']),
    ack('AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:/aws/sagemaker/Endpoints/servingfromregistry-churn-0b246678:*]', ['ServingFromRegistry/Challenger/Role/DefaultPolicy', 'ServingFromRegistry/Champion/Role/DefaultPolicy']),
    ack('AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sagemaker:<AWS::Region>:<AWS::AccountId>:endpoint-config/*]', ['Serving/cdk-mlops-ab-experiment/Role/DefaultPolicy', 'ServingFromRegistry/cdk-mlops-ab-experiment/Role/DefaultPolicy']),
    ack('AwsSolutions-SQS3', [
      'Serving/cdk-mlops-ab-experiment/DeadLetters',
      'Serving/cdk-mlops-baseline-profile/DeadLetters',
      'Serving/cdk-mlops-drift/DeadLetters',
      'Serving/cdk-mlops-model-quality/DeadLetters',
      'ServingFromRegistry/cdk-mlops-ab-experiment/DeadLetters',
      'ServingFromRegistry/cdk-mlops-baseline-profile/DeadLetters',
      'ServingFromRegistry/cdk-mlops-drift/DeadLetters',
      'ServingFromRegistry/cdk-mlops-model-quality/DeadLetters',
    ]),
    ack('cloudwatch_alarm_action_check', [
      'Serving/Churn/ErrorRateAlarm',
      'Serving/Churn/LatencyAlarm',
      'Serving/Drift/Drift-challenger',
      'Serving/Drift/Drift-champion',
      'Serving/Drift/Feature-challenger-contract',
      'Serving/Drift/Feature-challenger-monthly_charges',
      'Serving/Drift/Feature-challenger-payment_method',
      'Serving/Drift/Feature-challenger-tenure_months',
      'Serving/Drift/Feature-challenger-total_charges',
      'Serving/Drift/Feature-champion-contract',
      'Serving/Drift/Feature-champion-monthly_charges',
      'Serving/Drift/Feature-champion-payment_method',
      'Serving/Drift/Feature-champion-tenure_months',
      'Serving/Drift/Feature-champion-total_charges',
      'Serving/Drift/Malformed-challenger',
      'Serving/Drift/Malformed-champion',
      'Serving/Drift/MissingFeature-challenger',
      'Serving/Drift/MissingFeature-champion',
      'Serving/Drift/NewCategories-challenger',
      'Serving/Drift/NewCategories-champion',
      'Serving/Drift/NoRecords-challenger',
      'Serving/Drift/NoRecords-champion',
      'Serving/Drift/Quality-challenger-AUC',
      'Serving/Drift/Quality-challenger-LabelsNotJoining',
      'Serving/Drift/Quality-challenger-UnmatchedOutputs',
      'Serving/Drift/Quality-champion-AUC',
      'Serving/Drift/Quality-champion-LabelsNotJoining',
      'Serving/Drift/Quality-champion-UnmatchedOutputs',
      'Serving/cdk-mlops-ab-experiment/DeadLetter',
      'Serving/cdk-mlops-ab-experiment/Errors',
      'Serving/cdk-mlops-baseline-profile/DeadLetter',
      'Serving/cdk-mlops-baseline-profile/Errors',
      'Serving/cdk-mlops-drift/DeadLetter',
      'Serving/cdk-mlops-drift/Errors',
      'Serving/cdk-mlops-model-quality/DeadLetter',
      'Serving/cdk-mlops-model-quality/Errors',
      'Serving/cdk-mlops-scheduler-alarms/Dropped',
      'Serving/cdk-mlops-scheduler-alarms/TargetErrors',
      'ServingFromRegistry/Churn/ErrorRateAlarm',
      'ServingFromRegistry/Churn/LatencyAlarm',
      'ServingFromRegistry/Drift/Drift-challenger',
      'ServingFromRegistry/Drift/Drift-champion',
      'ServingFromRegistry/Drift/Feature-challenger-contract',
      'ServingFromRegistry/Drift/Feature-challenger-monthly_charges',
      'ServingFromRegistry/Drift/Feature-challenger-payment_method',
      'ServingFromRegistry/Drift/Feature-challenger-tenure_months',
      'ServingFromRegistry/Drift/Feature-challenger-total_charges',
      'ServingFromRegistry/Drift/Feature-champion-contract',
      'ServingFromRegistry/Drift/Feature-champion-monthly_charges',
      'ServingFromRegistry/Drift/Feature-champion-payment_method',
      'ServingFromRegistry/Drift/Feature-champion-tenure_months',
      'ServingFromRegistry/Drift/Feature-champion-total_charges',
      'ServingFromRegistry/Drift/Malformed-challenger',
      'ServingFromRegistry/Drift/Malformed-champion',
      'ServingFromRegistry/Drift/MissingFeature-challenger',
      'ServingFromRegistry/Drift/MissingFeature-champion',
      'ServingFromRegistry/Drift/NewCategories-challenger',
      'ServingFromRegistry/Drift/NewCategories-champion',
      'ServingFromRegistry/Drift/NoRecords-challenger',
      'ServingFromRegistry/Drift/NoRecords-champion',
      'ServingFromRegistry/Drift/Quality-challenger-AUC',
      'ServingFromRegistry/Drift/Quality-challenger-LabelsNotJoining',
      'ServingFromRegistry/Drift/Quality-challenger-UnmatchedOutputs',
      'ServingFromRegistry/Drift/Quality-champion-AUC',
      'ServingFromRegistry/Drift/Quality-champion-LabelsNotJoining',
      'ServingFromRegistry/Drift/Quality-champion-UnmatchedOutputs',
      'ServingFromRegistry/cdk-mlops-ab-experiment/DeadLetter',
      'ServingFromRegistry/cdk-mlops-ab-experiment/Errors',
      'ServingFromRegistry/cdk-mlops-baseline-profile/DeadLetter',
      'ServingFromRegistry/cdk-mlops-baseline-profile/Errors',
      'ServingFromRegistry/cdk-mlops-drift/DeadLetter',
      'ServingFromRegistry/cdk-mlops-drift/Errors',
      'ServingFromRegistry/cdk-mlops-model-quality/DeadLetter',
      'ServingFromRegistry/cdk-mlops-model-quality/Errors',
      'ServingFromRegistry/cdk-mlops-scheduler-alarms/Dropped',
      'ServingFromRegistry/cdk-mlops-scheduler-alarms/TargetErrors',
    ], [
      'Serving/Churn/ErrorRateAlarm',
      'Serving/Churn/LatencyAlarm',
      'Serving/Drift/Drift-challenger/Resource',
      'Serving/Drift/Drift-champion/Resource',
      'Serving/Drift/Feature-challenger-contract/Resource',
      'Serving/Drift/Feature-challenger-monthly_charges/Resource',
      'Serving/Drift/Feature-challenger-payment_method/Resource',
      'Serving/Drift/Feature-challenger-tenure_months/Resource',
      'Serving/Drift/Feature-challenger-total_charges/Resource',
      'Serving/Drift/Feature-champion-contract/Resource',
      'Serving/Drift/Feature-champion-monthly_charges/Resource',
      'Serving/Drift/Feature-champion-payment_method/Resource',
      'Serving/Drift/Feature-champion-tenure_months/Resource',
      'Serving/Drift/Feature-champion-total_charges/Resource',
      'Serving/Drift/Malformed-challenger/Resource',
      'Serving/Drift/Malformed-champion/Resource',
      'Serving/Drift/MissingFeature-challenger/Resource',
      'Serving/Drift/MissingFeature-champion/Resource',
      'Serving/Drift/NewCategories-challenger/Resource',
      'Serving/Drift/NewCategories-champion/Resource',
      'Serving/Drift/NoRecords-challenger/Resource',
      'Serving/Drift/NoRecords-champion/Resource',
      'Serving/Drift/Quality-challenger-AUC/Resource',
      'Serving/Drift/Quality-challenger-LabelsNotJoining/Resource',
      'Serving/Drift/Quality-challenger-UnmatchedOutputs/Resource',
      'Serving/Drift/Quality-champion-AUC/Resource',
      'Serving/Drift/Quality-champion-LabelsNotJoining/Resource',
      'Serving/Drift/Quality-champion-UnmatchedOutputs/Resource',
      'Serving/cdk-mlops-ab-experiment/DeadLetter/Resource',
      'Serving/cdk-mlops-ab-experiment/Errors/Resource',
      'Serving/cdk-mlops-baseline-profile/DeadLetter/Resource',
      'Serving/cdk-mlops-baseline-profile/Errors/Resource',
      'Serving/cdk-mlops-drift/DeadLetter/Resource',
      'Serving/cdk-mlops-drift/Errors/Resource',
      'Serving/cdk-mlops-model-quality/DeadLetter/Resource',
      'Serving/cdk-mlops-model-quality/Errors/Resource',
      'Serving/cdk-mlops-scheduler-alarms/Dropped/Resource',
      'Serving/cdk-mlops-scheduler-alarms/TargetErrors/Resource',
      'ServingFromRegistry/Churn/ErrorRateAlarm',
      'ServingFromRegistry/Churn/LatencyAlarm',
      'ServingFromRegistry/Drift/Drift-challenger/Resource',
      'ServingFromRegistry/Drift/Drift-champion/Resource',
      'ServingFromRegistry/Drift/Feature-challenger-contract/Resource',
      'ServingFromRegistry/Drift/Feature-challenger-monthly_charges/Resource',
      'ServingFromRegistry/Drift/Feature-challenger-payment_method/Resource',
      'ServingFromRegistry/Drift/Feature-challenger-tenure_months/Resource',
      'ServingFromRegistry/Drift/Feature-challenger-total_charges/Resource',
      'ServingFromRegistry/Drift/Feature-champion-contract/Resource',
      'ServingFromRegistry/Drift/Feature-champion-monthly_charges/Resource',
      'ServingFromRegistry/Drift/Feature-champion-payment_method/Resource',
      'ServingFromRegistry/Drift/Feature-champion-tenure_months/Resource',
      'ServingFromRegistry/Drift/Feature-champion-total_charges/Resource',
      'ServingFromRegistry/Drift/Malformed-challenger/Resource',
      'ServingFromRegistry/Drift/Malformed-champion/Resource',
      'ServingFromRegistry/Drift/MissingFeature-challenger/Resource',
      'ServingFromRegistry/Drift/MissingFeature-champion/Resource',
      'ServingFromRegistry/Drift/NewCategories-challenger/Resource',
      'ServingFromRegistry/Drift/NewCategories-champion/Resource',
      'ServingFromRegistry/Drift/NoRecords-challenger/Resource',
      'ServingFromRegistry/Drift/NoRecords-champion/Resource',
      'ServingFromRegistry/Drift/Quality-challenger-AUC/Resource',
      'ServingFromRegistry/Drift/Quality-challenger-LabelsNotJoining/Resource',
      'ServingFromRegistry/Drift/Quality-challenger-UnmatchedOutputs/Resource',
      'ServingFromRegistry/Drift/Quality-champion-AUC/Resource',
      'ServingFromRegistry/Drift/Quality-champion-LabelsNotJoining/Resource',
      'ServingFromRegistry/Drift/Quality-champion-UnmatchedOutputs/Resource',
      'ServingFromRegistry/cdk-mlops-ab-experiment/DeadLetter/Resource',
      'ServingFromRegistry/cdk-mlops-ab-experiment/Errors/Resource',
      'ServingFromRegistry/cdk-mlops-baseline-profile/DeadLetter/Resource',
      'ServingFromRegistry/cdk-mlops-baseline-profile/Errors/Resource',
      'ServingFromRegistry/cdk-mlops-drift/DeadLetter/Resource',
      'ServingFromRegistry/cdk-mlops-drift/Errors/Resource',
      'ServingFromRegistry/cdk-mlops-model-quality/DeadLetter/Resource',
      'ServingFromRegistry/cdk-mlops-model-quality/Errors/Resource',
      'ServingFromRegistry/cdk-mlops-scheduler-alarms/Dropped/Resource',
      'ServingFromRegistry/cdk-mlops-scheduler-alarms/TargetErrors/Resource',
    ]),
    ack('lambda_inside_vpc_check', [
      'Serving/cdk-mlops-ab-experiment/Function',
      'Serving/cdk-mlops-baseline-profile/Function',
      'Serving/cdk-mlops-drift/Function',
      'Serving/cdk-mlops-model-quality/Function',
      'ServingFromRegistry/cdk-mlops-ab-experiment/Function',
      'ServingFromRegistry/cdk-mlops-baseline-profile/Function',
      'ServingFromRegistry/cdk-mlops-drift/Function',
      'ServingFromRegistry/cdk-mlops-model-quality/Function',
    ]),
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
    ack('sqs_dlq_check', [
      'Serving/cdk-mlops-ab-experiment/DeadLetters',
      'Serving/cdk-mlops-baseline-profile/DeadLetters',
      'Serving/cdk-mlops-drift/DeadLetters',
      'Serving/cdk-mlops-model-quality/DeadLetters',
      'ServingFromRegistry/cdk-mlops-ab-experiment/DeadLetters',
      'ServingFromRegistry/cdk-mlops-baseline-profile/DeadLetters',
      'ServingFromRegistry/cdk-mlops-drift/DeadLetters',
      'ServingFromRegistry/cdk-mlops-model-quality/DeadLetters',
    ]),
  ]);
});
