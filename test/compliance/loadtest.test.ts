import { ack, checkCompliance, complianceApp } from './harness';
import { EndpointLoadTest, InferenceRecommendation } from '../../lib';
import { driftFixture } from '../drift/fixtures';
import { fullProps } from '../loadtest/fixtures';
import { fullRecommendationProps, recommendationBase } from '../loadtest/recommendation-fixtures';

test('a load test with every option is compliant', () => {
  const app = complianceApp();
  const f = driftFixture(app);
  new EndpointLoadTest(f.stack, 'LoadTest', fullProps(f));
  checkCompliance(app, 'EndpointLoadTest full', [
    ack('AwsSolutions-IAM5[Resource::*]', ['Serve/Challenger/Role/DefaultPolicy', 'Serve/Champion/Role/DefaultPolicy', 'Serve/LoadTest/StateMachine/Role/DefaultPolicy', 'Serve/cdk-mlops-load-test-aggregate/Role/DefaultPolicy']),
    ack('AwsSolutions-IAM5[Resource::<Serve/cdk-mlops-load-test-aggregate/Function/Resource.Arn>:*]', ['Serve/LoadTest/StateMachine/Role/DefaultPolicy', 'Serve/cdk-mlops-load-test-aggregate/SchedulerRole'], ['Serve/LoadTest/StateMachine/Role/DefaultPolicy/Resource']),
    ack('AwsSolutions-IAM5[Resource::<Serve/Lake/curated/Resource.Arn>/load-test/churn/*]', ['Serve/LoadTest/Handler/Role/DefaultPolicy']),
    ack('AwsSolutions-IAM5[Resource::<Serve/Lake/monitoring/Resource.Arn>/data-capture/churn/*]', ['Serve/Challenger/Role/DefaultPolicy', 'Serve/Champion/Role/DefaultPolicy']),
    ack('AwsSolutions-IAM5[Resource::<Serve/Lake/monitoring/Resource.Arn>/load-tests/churn/*]', ['Serve/LoadTest/StateMachine/Role/DefaultPolicy']),
    ack('AwsSolutions-IAM5[Resource::<Serve/LoadTest/Handler/Function/Resource.Arn>:*]', ['Serve/LoadTest/Handler/SchedulerRole', 'Serve/LoadTest/StateMachine/Role/DefaultPolicy'], ['Serve/LoadTest/StateMachine/Role/DefaultPolicy/Resource']),
    ack('AwsSolutions-IAM5[Resource::arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/Endpoints/churn:*]', ['Serve/Challenger/Role/DefaultPolicy', 'Serve/Champion/Role/DefaultPolicy']),
    ack('AwsSolutions-IAM5[Resource::arn:aws:states:us-east-1:123456789012:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"LoadTestStateMachineA61E35F7"}]}]}:*]', ['Serve/LoadTest/StateMachine/DistributedMapPolicy']),
    ack('AwsSolutions-IAM5[Resource::arn:aws:states:us-east-1:123456789012:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"LoadTestStateMachineA61E35F7"}]}]}/*:*]', ['Serve/LoadTest/StateMachine/DistributedMapPolicy']),
    ack('cloudwatch_alarm_action_check', ['Serve/Churn/ErrorRateAlarm', 'Serve/Churn/LatencyAlarm', 'Serve/LoadTest/Handler/DeadLetter', 'Serve/LoadTest/Handler/Errors', 'Serve/cdk-mlops-load-test-aggregate/DeadLetter', 'Serve/cdk-mlops-load-test-aggregate/Errors', 'Serve/cdk-mlops-scheduler-alarms/Dropped', 'Serve/cdk-mlops-scheduler-alarms/TargetErrors'], ['Serve/Churn/ErrorRateAlarm', 'Serve/Churn/LatencyAlarm', 'Serve/LoadTest/Handler/DeadLetter/Resource', 'Serve/LoadTest/Handler/Errors/Resource', 'Serve/cdk-mlops-load-test-aggregate/DeadLetter/Resource', 'Serve/cdk-mlops-load-test-aggregate/Errors/Resource', 'Serve/cdk-mlops-scheduler-alarms/Dropped/Resource', 'Serve/cdk-mlops-scheduler-alarms/TargetErrors/Resource']),
    ack('HIPAA.Security-CloudWatchAlarmAction', ['Serve/Churn/ErrorRateAlarm', 'Serve/Churn/LatencyAlarm', 'Serve/LoadTest/Handler/DeadLetter', 'Serve/LoadTest/Handler/Errors', 'Serve/cdk-mlops-load-test-aggregate/DeadLetter', 'Serve/cdk-mlops-load-test-aggregate/Errors', 'Serve/cdk-mlops-scheduler-alarms/Dropped', 'Serve/cdk-mlops-scheduler-alarms/TargetErrors'], ['Serve/Churn/ErrorRateAlarm', 'Serve/Churn/LatencyAlarm', 'Serve/LoadTest/Handler/DeadLetter/Resource', 'Serve/LoadTest/Handler/Errors/Resource', 'Serve/cdk-mlops-load-test-aggregate/DeadLetter/Resource', 'Serve/cdk-mlops-load-test-aggregate/Errors/Resource', 'Serve/cdk-mlops-scheduler-alarms/Dropped/Resource', 'Serve/cdk-mlops-scheduler-alarms/TargetErrors/Resource']),
    ack('HIPAA.Security-IAMNoInlinePolicy', ['Serve/Challenger/Role', 'Serve/Champion/Role', 'Serve/LoadTest/Handler/Role', 'Serve/LoadTest/Handler/SchedulerRole', 'Serve/LoadTest/StateMachine/DistributedMapPolicy', 'Serve/LoadTest/StateMachine/Role', 'Serve/cdk-mlops-load-test-aggregate/Role', 'Serve/cdk-mlops-load-test-aggregate/SchedulerRole'], ['Serve/Challenger/Role/DefaultPolicy/Resource', 'Serve/Champion/Role/DefaultPolicy/Resource', 'Serve/LoadTest/Handler/Role/DefaultPolicy/Resource', 'Serve/LoadTest/StateMachine/DistributedMapPolicy/Resource', 'Serve/LoadTest/StateMachine/Role/DefaultPolicy/Resource', 'Serve/cdk-mlops-load-test-aggregate/Role/DefaultPolicy/Resource']),
    ack('HIPAA.Security-LambdaConcurrency', ['Serve/LoadTest/Handler/Function', 'Serve/cdk-mlops-load-test-aggregate/Function']),
    ack('HIPAA.Security-LambdaInsideVPC', ['Serve/LoadTest/Handler/Function', 'Serve/cdk-mlops-load-test-aggregate/Function']),
    ack('HIPAA.Security-S3BucketReplicationEnabled', ['Serve/Lake/AccessLogs', 'Serve/Lake/curated', 'Serve/Lake/features', 'Serve/Lake/models', 'Serve/Lake/monitoring', 'Serve/Lake/raw']),
    ack('HIPAA.Security-S3DefaultEncryptionKMS', ['Serve/Lake/AccessLogs']),
    ack('HIPAA.Security-SageMakerEndpointConfigurationKMSKeyConfigured', ['Serve/Churn/Config'], ['Serve/Churn/Config']),
    ack('lambda_inside_vpc_check', ['Serve/LoadTest/Handler/Function', 'Serve/cdk-mlops-load-test-aggregate/Function']),
    ack('NIST.800.53.R5-CloudWatchAlarmAction', ['Serve/Churn/ErrorRateAlarm', 'Serve/Churn/LatencyAlarm', 'Serve/LoadTest/Handler/DeadLetter', 'Serve/LoadTest/Handler/Errors', 'Serve/cdk-mlops-load-test-aggregate/DeadLetter', 'Serve/cdk-mlops-load-test-aggregate/Errors', 'Serve/cdk-mlops-scheduler-alarms/Dropped', 'Serve/cdk-mlops-scheduler-alarms/TargetErrors'], ['Serve/Churn/ErrorRateAlarm', 'Serve/Churn/LatencyAlarm', 'Serve/LoadTest/Handler/DeadLetter/Resource', 'Serve/LoadTest/Handler/Errors/Resource', 'Serve/cdk-mlops-load-test-aggregate/DeadLetter/Resource', 'Serve/cdk-mlops-load-test-aggregate/Errors/Resource', 'Serve/cdk-mlops-scheduler-alarms/Dropped/Resource', 'Serve/cdk-mlops-scheduler-alarms/TargetErrors/Resource']),
    ack('NIST.800.53.R5-IAMNoInlinePolicy', ['Serve/Challenger/Role', 'Serve/Champion/Role', 'Serve/LoadTest/Handler/Role', 'Serve/LoadTest/Handler/SchedulerRole', 'Serve/LoadTest/StateMachine/DistributedMapPolicy', 'Serve/LoadTest/StateMachine/Role', 'Serve/cdk-mlops-load-test-aggregate/Role', 'Serve/cdk-mlops-load-test-aggregate/SchedulerRole'], ['Serve/Challenger/Role/DefaultPolicy/Resource', 'Serve/Champion/Role/DefaultPolicy/Resource', 'Serve/LoadTest/Handler/Role/DefaultPolicy/Resource', 'Serve/LoadTest/StateMachine/DistributedMapPolicy/Resource', 'Serve/LoadTest/StateMachine/Role/DefaultPolicy/Resource', 'Serve/cdk-mlops-load-test-aggregate/Role/DefaultPolicy/Resource']),
    ack('NIST.800.53.R5-LambdaConcurrency', ['Serve/LoadTest/Handler/Function', 'Serve/cdk-mlops-load-test-aggregate/Function']),
    ack('NIST.800.53.R5-LambdaInsideVPC', ['Serve/LoadTest/Handler/Function', 'Serve/cdk-mlops-load-test-aggregate/Function']),
    ack('NIST.800.53.R5-S3BucketReplicationEnabled', ['Serve/Lake/AccessLogs', 'Serve/Lake/curated', 'Serve/Lake/features', 'Serve/Lake/models', 'Serve/Lake/monitoring', 'Serve/Lake/raw']),
    ack('NIST.800.53.R5-S3DefaultEncryptionKMS', ['Serve/Lake/AccessLogs']),
    ack('NIST.800.53.R5-SageMakerEndpointConfigurationKMSKeyConfigured', ['Serve/Churn/Config'], ['Serve/Churn/Config']),
    ack('s3_bucket_default_encryption_kms_check', ['Serve/Lake/AccessLogs']),
    ack('s3_bucket_logging_enabled_check', ['Serve/Lake/AccessLogs']),
    ack('s3_bucket_object_lock_enabled_check', ['Serve/Lake/AccessLogs', 'Serve/Lake/curated', 'Serve/Lake/features', 'Serve/Lake/models', 'Serve/Lake/monitoring', 'Serve/Lake/raw']),
    ack('sqs_dlq_check', ['Serve/LoadTest/Handler/DeadLetters', 'Serve/cdk-mlops-load-test-aggregate/DeadLetters']),
  ]);
});

test('an inference recommendation with every option is compliant', () => {
  const app = complianceApp();
  const f = recommendationBase(app);
  new InferenceRecommendation(f.stack, 'RightSizing', fullRecommendationProps(f));
  checkCompliance(app, 'InferenceRecommendation full', [
    ack('AwsSolutions-IAM5[Resource::*]', ['Serve/RightSizing/JobRole/DefaultPolicy', 'Serve/RightSizing/StateMachine/Role/DefaultPolicy']),
    ack('AwsSolutions-IAM5[Resource::<Serve/Lake/models/Resource.Arn>/churn/*]', ['Serve/RightSizing/JobRole/DefaultPolicy']),
    ack('AwsSolutions-IAM5[Resource::<Serve/Lake/monitoring/Resource.Arn>/recommendations/churn/*]', ['Serve/RightSizing/StateMachine/Role/DefaultPolicy']),
    ack('AwsSolutions-IAM5[Resource::arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/Endpoints/churn-rightsize-*]', ['Serve/RightSizing/JobRole/DefaultPolicy']),
    ack('AwsSolutions-IAM5[Resource::arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/InferenceRecommendationsJobs:*]', ['Serve/RightSizing/JobRole/DefaultPolicy']),
    ack('AwsSolutions-IAM5[Resource::arn:aws:sagemaker:us-east-1:123456789012:endpoint-config/churn-rightsize-*]', ['Serve/RightSizing/JobRole/DefaultPolicy']),
    ack('AwsSolutions-IAM5[Resource::arn:aws:sagemaker:us-east-1:123456789012:endpoint/churn-rightsize-*]', ['Serve/RightSizing/JobRole/DefaultPolicy']),
    ack('AwsSolutions-IAM5[Resource::arn:aws:sagemaker:us-east-1:123456789012:inference-recommendations-job/churn-rightsize-*]', ['Serve/RightSizing/StateMachine/Role/DefaultPolicy']),
    ack('AwsSolutions-IAM5[Resource::arn:aws:sagemaker:us-east-1:123456789012:model/churn-rightsize-*]', ['Serve/RightSizing/JobRole/DefaultPolicy']),
    ack('HIPAA.Security-IAMNoInlinePolicy', ['Serve/RightSizing/JobRole', 'Serve/RightSizing/StateMachine/Role'], ['Serve/RightSizing/JobRole/DefaultPolicy/Resource', 'Serve/RightSizing/StateMachine/Role/DefaultPolicy/Resource']),
    ack('HIPAA.Security-S3BucketReplicationEnabled', ['Serve/Lake/AccessLogs', 'Serve/Lake/curated', 'Serve/Lake/features', 'Serve/Lake/models', 'Serve/Lake/monitoring', 'Serve/Lake/raw']),
    ack('HIPAA.Security-S3DefaultEncryptionKMS', ['Serve/Lake/AccessLogs']),
    ack('NIST.800.53.R5-IAMNoInlinePolicy', ['Serve/RightSizing/JobRole', 'Serve/RightSizing/StateMachine/Role'], ['Serve/RightSizing/JobRole/DefaultPolicy/Resource', 'Serve/RightSizing/StateMachine/Role/DefaultPolicy/Resource']),
    ack('NIST.800.53.R5-S3BucketReplicationEnabled', ['Serve/Lake/AccessLogs', 'Serve/Lake/curated', 'Serve/Lake/features', 'Serve/Lake/models', 'Serve/Lake/monitoring', 'Serve/Lake/raw']),
    ack('NIST.800.53.R5-S3DefaultEncryptionKMS', ['Serve/Lake/AccessLogs']),
    ack('s3_bucket_default_encryption_kms_check', ['Serve/Lake/AccessLogs']),
    ack('s3_bucket_logging_enabled_check', ['Serve/Lake/AccessLogs']),
    ack('s3_bucket_object_lock_enabled_check', ['Serve/Lake/AccessLogs', 'Serve/Lake/curated', 'Serve/Lake/features', 'Serve/Lake/models', 'Serve/Lake/monitoring', 'Serve/Lake/raw']),
  ]);
});
