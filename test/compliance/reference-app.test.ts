import { buildReferenceApp } from '../../bin/reference-app';
import { ack, checkCompliance, complianceApp } from './harness';

test('every stack of the reference app is compliant', () => {
  const app = complianceApp();
  buildReferenceApp(app);
  const result = checkCompliance(app, 'reference app', [
    ack('AwsSolutions-IAM5[Resource::{"Fn::GetStackOutput":{"StackName":"DataStack","Region":{"Ref":"AWS::Region"},"OutputName":"PublishOutputFnGetAttLakefeatures97EDC112Arn9200593C"}}/churn/train/*]', ['TrainingStack/Churn/TrainingRole/DefaultPolicy', 'TrainingStack/Churn/TrainingRole/DefaultPolicy/Resource'], ['TrainingStack/Churn/TrainingRole/DefaultPolicy/Resource']),
    ack('AwsSolutions-IAM5[Resource::{"Fn::GetStackOutput":{"StackName":"DataStack","Region":{"Ref":"AWS::Region"},"OutputName":"PublishOutputFnGetAttLakefeatures97EDC112Arn9200593C"}}/churn/validation/*]', ['TrainingStack/Churn/TrainingRole/DefaultPolicy', 'TrainingStack/Churn/TrainingRole/DefaultPolicy/Resource'], ['TrainingStack/Churn/TrainingRole/DefaultPolicy/Resource']),
    ack('AwsSolutions-IAM5[Resource::{"Fn::GetStackOutput":{"StackName":"DataStack","Region":{"Ref":"AWS::Region"},"OutputName":"PublishOutputFnGetAttLakemodelsCABA3223Arn64B2F2C6"}}/training/churn/checkpoints/*]', ['TrainingStack/Churn/TrainingRole/DefaultPolicy', 'TrainingStack/Churn/TrainingRole/DefaultPolicy/Resource'], ['TrainingStack/Churn/TrainingRole/DefaultPolicy/Resource']),
    ack('AwsSolutions-IAM5[Resource::{"Fn::GetStackOutput":{"StackName":"DataStack","Region":{"Ref":"AWS::Region"},"OutputName":"PublishOutputFnGetAttLakemodelsCABA3223Arn64B2F2C6"}}/training/churn/output/*]', [
      'ServingStack/Challenger/Role/DefaultPolicy',
      'TrainingStack/Churn/StateMachineRole/DefaultPolicy',
      'TrainingStack/Churn/StateMachineRole/DefaultPolicy/Resource',
      'TrainingStack/Churn/TrainingRole/DefaultPolicy',
      'TrainingStack/Churn/TrainingRole/DefaultPolicy/Resource',
    ], ['ServingStack/Challenger/Role/DefaultPolicy/Resource', 'TrainingStack/Churn/StateMachineRole/DefaultPolicy/Resource', 'TrainingStack/Churn/TrainingRole/DefaultPolicy/Resource']),
    ack('AwsSolutions-IAM5[Resource::{"Fn::GetStackOutput":{"StackName":"DataStack","Region":{"Ref":"AWS::Region"},"OutputName":"PublishOutputFnGetAttLakemodelsCABA3223Arn64B2F2C6"}}/training/churn/tensorboard/*]', ['TrainingStack/Churn/TrainingRole/DefaultPolicy', 'TrainingStack/Churn/TrainingRole/DefaultPolicy/Resource'], ['TrainingStack/Churn/TrainingRole/DefaultPolicy/Resource']),
    ack('AwsSolutions-IAM5[Resource::{"Fn::GetStackOutput":{"StackName":"DataStack","Region":{"Ref":"AWS::Region"},"OutputName":"PublishOutputFnGetAttLakemonitoringECBEA2E6Arn0BF27299"}}/data-capture/servingstack-churn-32dbb8c9/*]', ['ServingStack/Challenger/Role/DefaultPolicy', 'ServingStack/Champion/Role/DefaultPolicy', 'ServingStack/cdk-mlops-ab-experiment/Role/DefaultPolicy', 'ServingStack/cdk-mlops-drift/Role/DefaultPolicy', 'ServingStack/cdk-mlops-model-quality/Role/DefaultPolicy']),
    ack('AwsSolutions-IAM5[Resource::{"Fn::GetStackOutput":{"StackName":"DataStack","Region":{"Ref":"AWS::Region"},"OutputName":"PublishOutputFnGetAttLakemonitoringECBEA2E6Arn0BF27299"}}/drift-reports/servingstack-churn-32dbb8c9/*]', ['ServingStack/cdk-mlops-drift/Role/DefaultPolicy']),
    ack('AwsSolutions-IAM5[Resource::{"Fn::GetStackOutput":{"StackName":"DataStack","Region":{"Ref":"AWS::Region"},"OutputName":"PublishOutputFnGetAttLakemonitoringECBEA2E6Arn0BF27299"}}/experiments/servingstack-churn-32dbb8c9/ChurnChallenger/*]', ['ServingStack/cdk-mlops-ab-experiment/Role/DefaultPolicy']),
    ack('AwsSolutions-IAM5[Resource::{"Fn::GetStackOutput":{"StackName":"DataStack","Region":{"Ref":"AWS::Region"},"OutputName":"PublishOutputFnGetAttLakemonitoringECBEA2E6Arn0BF27299"}}/ground-truth/churn/*]', ['ServingStack/cdk-mlops-ab-experiment/Role/DefaultPolicy', 'ServingStack/cdk-mlops-model-quality/Role/DefaultPolicy']),
    ack('AwsSolutions-IAM5[Resource::{"Fn::GetStackOutput":{"StackName":"DataStack","Region":{"Ref":"AWS::Region"},"OutputName":"PublishOutputFnGetAttLakemonitoringECBEA2E6Arn0BF27299"}}/model-quality-reports/servingstack-churn-32dbb8c9/*]', ['ServingStack/cdk-mlops-model-quality/Role/DefaultPolicy']),
    ack('AwsSolutions-IAM5[Resource::*]', ['ServingStack/Challenger/Role/DefaultPolicy', 'ServingStack/Champion/Role/DefaultPolicy', 'ServingStack/cdk-mlops-ab-experiment/Role/DefaultPolicy', 'ServingStack/cdk-mlops-drift/Role/DefaultPolicy', 'ServingStack/cdk-mlops-model-quality/Role/DefaultPolicy', 'TrainingStack/Churn/StateMachineRole/DefaultPolicy/Resource', 'TrainingStack/Churn/TrainingRole/DefaultPolicy/Resource'], ['ServingStack/Challenger/Role/DefaultPolicy/Resource', 'ServingStack/Champion/Role/DefaultPolicy/Resource', 'ServingStack/cdk-mlops-ab-experiment/Role/DefaultPolicy/Resource', 'ServingStack/cdk-mlops-drift/Role/DefaultPolicy/Resource', 'ServingStack/cdk-mlops-model-quality/Role/DefaultPolicy/Resource', 'TrainingStack/Churn/StateMachineRole/DefaultPolicy/Resource', 'TrainingStack/Churn/TrainingRole/DefaultPolicy/Resource']),
    ack('AwsSolutions-IAM5[Resource::<ServingStack/cdk-mlops-ab-experiment/Function/Resource.Arn>:*]', ['ServingStack/cdk-mlops-ab-experiment/SchedulerRole'], ['ServingStack/cdk-mlops-ab-experiment/SchedulerRole/DefaultPolicy/Resource']),
    ack('AwsSolutions-IAM5[Resource::<ServingStack/cdk-mlops-baseline-profile/Function/Resource.Arn>:*]', ['ServingStack/cdk-mlops-baseline-profile/SchedulerRole'], []),
    ack('AwsSolutions-IAM5[Resource::<ServingStack/cdk-mlops-drift/Function/Resource.Arn>:*]', ['ServingStack/cdk-mlops-drift/SchedulerRole'], ['ServingStack/cdk-mlops-drift/SchedulerRole/DefaultPolicy/Resource']),
    ack('AwsSolutions-IAM5[Resource::<ServingStack/cdk-mlops-model-quality/Function/Resource.Arn>:*]', ['ServingStack/cdk-mlops-model-quality/SchedulerRole'], ['ServingStack/cdk-mlops-model-quality/SchedulerRole/DefaultPolicy/Resource']),
    // The ingestion stream's delivery role writes objects named at delivery time under its folder of the raw zone.
    ack('AwsSolutions-IAM5[Resource::<DataStack/Lake/raw/Resource.Arn>/events/churn/*]', ['DataStack/Events/Role/DefaultPolicy'], ['DataStack/Events/Role/DefaultPolicy/Resource']),
    ack('AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:/aws/sagemaker/Endpoints/servingstack-churn-32dbb8c9:*]', ['ServingStack/Challenger/Role/DefaultPolicy', 'ServingStack/Champion/Role/DefaultPolicy']),
    ack('AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:/aws/sagemaker/TrainingJobs:*]', ['TrainingStack/Churn/TrainingRole/DefaultPolicy/Resource'], ['TrainingStack/Churn/TrainingRole/DefaultPolicy/Resource']),
    ack('AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:/aws/sagemaker/TrainingJobs:log-stream:churn-????????-????-????-????-????????????/*]', ['TrainingStack/Churn/TrainingRole/DefaultPolicy/Resource'], ['TrainingStack/Churn/TrainingRole/DefaultPolicy/Resource']),
    ack('AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sagemaker:<AWS::Region>:<AWS::AccountId>:endpoint-config/*]', ['ServingStack/cdk-mlops-ab-experiment/Role/DefaultPolicy']),
    ack('AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sagemaker:<AWS::Region>:<AWS::AccountId>:model-package/churn/*]', ['TrainingStack/Churn/StateMachineRole/DefaultPolicy/Resource'], ['TrainingStack/Churn/StateMachineRole/DefaultPolicy/Resource']),
    ack('cloudwatch_alarm_action_check', ['ServingStack/Churn/ErrorRateAlarm', 'ServingStack/Churn/LatencyAlarm'], ['ServingStack/Churn/ErrorRateAlarm', 'ServingStack/Churn/LatencyAlarm']),
    ack('lambda_inside_vpc_check', ['ServingStack/cdk-mlops-ab-experiment/Function', 'ServingStack/cdk-mlops-baseline-profile/Function', 'ServingStack/cdk-mlops-drift/Function', 'ServingStack/cdk-mlops-model-quality/Function']),
    // The schedule's dead-letter queue has no dead-letter queue of its own (acknowledged by the library on the queue).
    ack('AwsSolutions-SQS3', [
      'ServingStack/cdk-mlops-ab-experiment/DeadLetters',
      'ServingStack/cdk-mlops-baseline-profile/DeadLetters',
      'ServingStack/cdk-mlops-drift/DeadLetters',
      'ServingStack/cdk-mlops-model-quality/DeadLetters',
      'TrainingStack/Churn/ScheduleDeadLetters',
    ]),
    ack('sqs_dlq_check', [
      'ServingStack/cdk-mlops-ab-experiment/DeadLetters',
      'ServingStack/cdk-mlops-baseline-profile/DeadLetters',
      'ServingStack/cdk-mlops-drift/DeadLetters',
      'ServingStack/cdk-mlops-model-quality/DeadLetters',
      'TrainingStack/Churn/ScheduleDeadLetters',
    ]),
    ack('s3_bucket_default_encryption_kms_check', ['DataStack/Lake/AccessLogs']),
    ack('s3_bucket_logging_enabled_check', ['DataStack/Lake/AccessLogs']),
    ack('s3_bucket_object_lock_enabled_check', ['DataStack/Lake/AccessLogs', 'DataStack/Lake/curated', 'DataStack/Lake/features', 'DataStack/Lake/models', 'DataStack/Lake/monitoring', 'DataStack/Lake/raw']),
  ]);
  expect([...result.stacks].sort()).toEqual(['DataStack', 'ServingStack', 'TrainingStack']);
});
