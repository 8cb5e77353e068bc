import { Duration } from 'aws-cdk-lib';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { ack, ackShared, checkCompliance, complianceApp } from './harness';
import { AlertTopics } from '../../lib';
import { AbExperiment, ExperimentCompletion, SuccessMeasure } from '../../lib/experiments';
import { experimentFixture } from '../experiments/fixtures';

test('a minimal A/B experiment is compliant', () => {
  const app = complianceApp();
  // An endpoint that keeps the shifted weights across deployments; otherwise synth warns (cdk-mlops:experiment-weights-reset-on-deploy).
  const { stack, endpoint } = experimentFixture(app, { retainWeightsOnDeploy: true });
  new AbExperiment(stack, 'ChurnV4', { endpoint, championVariant: 'champion', challengerVariant: 'challenger' });
  const result = checkCompliance(app, 'AbExperiment minimal', [
    ack('AwsSolutions-IAM5[Resource::*]', ['Serve/Challenger/Role/DefaultPolicy', 'Serve/Champion/Role/DefaultPolicy', 'Serve/cdk-mlops-ab-experiment/Role/DefaultPolicy']),
    ack('AwsSolutions-IAM5[Resource::<Serve/cdk-mlops-ab-experiment/Function/Resource.Arn>:*]', ['Serve/cdk-mlops-ab-experiment/SchedulerRole'], ['Serve/cdk-mlops-ab-experiment/SchedulerRole/DefaultPolicy/Resource']),
    ack('AwsSolutions-IAM5[Resource::<Serve/Lake/monitoring/Resource.Arn>/data-capture/churn/*]', ['Serve/Challenger/Role/DefaultPolicy', 'Serve/Champion/Role/DefaultPolicy']),
    ack('AwsSolutions-IAM5[Resource::<Serve/Lake/monitoring/Resource.Arn>/experiments/churn/ChurnV4/*]', ['Serve/cdk-mlops-ab-experiment/Role/DefaultPolicy']),
    ack('AwsSolutions-IAM5[Resource::arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/Endpoints/churn:*]', ['Serve/Challenger/Role/DefaultPolicy', 'Serve/Champion/Role/DefaultPolicy']),
    ack('AwsSolutions-IAM5[Resource::arn:aws:sagemaker:us-east-1:123456789012:endpoint-config/*]', ['Serve/cdk-mlops-ab-experiment/Role/DefaultPolicy']),
    ack('cloudwatch_alarm_action_check', [
      'Serve/Churn/ErrorRateAlarm',
      'Serve/Churn/LatencyAlarm',
      'Serve/ChurnV4/Heartbeat',
      'Serve/cdk-mlops-ab-experiment/DeadLetter',
      'Serve/cdk-mlops-ab-experiment/Errors',
      'Serve/cdk-mlops-scheduler-alarms/Dropped',
      'Serve/cdk-mlops-scheduler-alarms/TargetErrors',
    ], [
      'Serve/Churn/ErrorRateAlarm',
      'Serve/Churn/LatencyAlarm',
      'Serve/ChurnV4/Heartbeat/Resource',
      'Serve/cdk-mlops-ab-experiment/DeadLetter/Resource',
      'Serve/cdk-mlops-ab-experiment/Errors/Resource',
      'Serve/cdk-mlops-scheduler-alarms/Dropped/Resource',
      'Serve/cdk-mlops-scheduler-alarms/TargetErrors/Resource',
    ]),
    ack('lambda_inside_vpc_check', ['Serve/cdk-mlops-ab-experiment/Function']),
    ack('s3_bucket_default_encryption_kms_check', ['Serve/Lake/AccessLogs']),
    ack('s3_bucket_logging_enabled_check', ['Serve/Lake/AccessLogs']),
    ack('s3_bucket_object_lock_enabled_check', [
      'Serve/Lake/AccessLogs',
      'Serve/Lake/curated',
      'Serve/Lake/features',
      'Serve/Lake/models',
      'Serve/Lake/monitoring',
      'Serve/Lake/raw',
    ]),
    ack('sqs_dlq_check', ['Serve/cdk-mlops-ab-experiment/DeadLetters']),
    ...ackShared('CloudWatchAlarmAction', [
      'Serve/Churn/ErrorRateAlarm',
      'Serve/Churn/LatencyAlarm',
      'Serve/ChurnV4/Heartbeat',
      'Serve/cdk-mlops-ab-experiment/DeadLetter',
      'Serve/cdk-mlops-ab-experiment/Errors',
      'Serve/cdk-mlops-scheduler-alarms/Dropped',
      'Serve/cdk-mlops-scheduler-alarms/TargetErrors',
    ], [
      'Serve/Churn/ErrorRateAlarm',
      'Serve/Churn/LatencyAlarm',
      'Serve/ChurnV4/Heartbeat/Resource',
      'Serve/cdk-mlops-ab-experiment/DeadLetter/Resource',
      'Serve/cdk-mlops-ab-experiment/Errors/Resource',
      'Serve/cdk-mlops-scheduler-alarms/Dropped/Resource',
      'Serve/cdk-mlops-scheduler-alarms/TargetErrors/Resource',
    ]),
    ...ackShared('IAMNoInlinePolicy', [
      'Serve/Challenger/Role',
      'Serve/Champion/Role',
      'Serve/cdk-mlops-ab-experiment/Role',
      'Serve/cdk-mlops-ab-experiment/SchedulerRole',
    ], [
      'Serve/Challenger/Role/DefaultPolicy/Resource',
      'Serve/Champion/Role/DefaultPolicy/Resource',
      'Serve/cdk-mlops-ab-experiment/Role/DefaultPolicy/Resource',
      'Serve/cdk-mlops-ab-experiment/SchedulerRole/DefaultPolicy/Resource',
    ]),
    ...ackShared('LambdaConcurrency', ['Serve/cdk-mlops-ab-experiment/Function']),
    ...ackShared('LambdaInsideVPC', ['Serve/cdk-mlops-ab-experiment/Function']),
    ...ackShared('S3BucketReplicationEnabled', [
      'Serve/Lake/AccessLogs',
      'Serve/Lake/curated',
      'Serve/Lake/features',
      'Serve/Lake/models',
      'Serve/Lake/monitoring',
      'Serve/Lake/raw',
    ]),
    ...ackShared('S3DefaultEncryptionKMS', ['Serve/Lake/AccessLogs']),
    ...ackShared('SageMakerEndpointConfigurationKMSKeyConfigured', ['Serve/Churn/Config'], ['Serve/Churn/Config']),
  ]);
  expect(result.acknowledgments.map((a) => a.rule)).toEqual(expect.arrayContaining(['AwsSolutions-IAM5[Resource::*]']));
});

test('an A/B experiment with ground truth, alerts and a second experiment is compliant', () => {
  const app = complianceApp();
  const { stack, endpoint, lake } = experimentFixture(app, { retainWeightsOnDeploy: true });
  const alerts = new AlertTopics(stack, 'Alerts');
  new AbExperiment(stack, 'ChurnV4', {
    endpoint, championVariant: 'champion', challengerVariant: 'challenger',
    successMeasure: SuccessMeasure.groundTruth({ groundTruthZone: lake.zone('curated'), groundTruthPrefix: 'ground-truth/churn/' }),
    minimumSamples: 2000, significance: 0.01, stepPercent: 20, schedule: scheduler.ScheduleExpression.rate(Duration.hours(2)),
    onCompletion: ExperimentCompletion.HOLD, alerts,
  });
  new AbExperiment(stack, 'Reverse', { endpoint, championVariant: 'challenger', challengerVariant: 'champion', alerts });
  checkCompliance(app, 'AbExperiment full', [
    ack('AwsSolutions-IAM5[Resource::*]', ['Serve/Challenger/Role/DefaultPolicy', 'Serve/Champion/Role/DefaultPolicy', 'Serve/cdk-mlops-ab-experiment/Role/DefaultPolicy']),
    ack('AwsSolutions-IAM5[Resource::<Serve/cdk-mlops-ab-experiment/Function/Resource.Arn>:*]', ['Serve/cdk-mlops-ab-experiment/SchedulerRole'], ['Serve/cdk-mlops-ab-experiment/SchedulerRole/DefaultPolicy/Resource']),
    ack('AwsSolutions-IAM5[Resource::<Serve/Lake/curated/Resource.Arn>/ground-truth/churn/*]', ['Serve/cdk-mlops-ab-experiment/Role/DefaultPolicy']),
    ack('AwsSolutions-IAM5[Resource::<Serve/Lake/monitoring/Resource.Arn>/data-capture/churn/*]', ['Serve/Challenger/Role/DefaultPolicy', 'Serve/Champion/Role/DefaultPolicy', 'Serve/cdk-mlops-ab-experiment/Role/DefaultPolicy']),
    ack('AwsSolutions-IAM5[Resource::<Serve/Lake/monitoring/Resource.Arn>/experiments/churn/ChurnV4/*]', ['Serve/cdk-mlops-ab-experiment/Role/DefaultPolicy']),
    ack('AwsSolutions-IAM5[Resource::<Serve/Lake/monitoring/Resource.Arn>/experiments/churn/Reverse/*]', ['Serve/cdk-mlops-ab-experiment/Role/DefaultPolicy']),
    ack('AwsSolutions-IAM5[Resource::arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/Endpoints/churn:*]', ['Serve/Challenger/Role/DefaultPolicy', 'Serve/Champion/Role/DefaultPolicy']),
    ack('AwsSolutions-IAM5[Resource::arn:aws:sagemaker:us-east-1:123456789012:endpoint-config/*]', ['Serve/cdk-mlops-ab-experiment/Role/DefaultPolicy']),
    ack('cloudwatch_alarm_action_check', ['Serve/Churn/ErrorRateAlarm', 'Serve/Churn/LatencyAlarm'], ['Serve/Churn/ErrorRateAlarm', 'Serve/Churn/LatencyAlarm']),
    ack('lambda_inside_vpc_check', ['Serve/cdk-mlops-ab-experiment/Function']),
    ack('s3_bucket_default_encryption_kms_check', ['Serve/Lake/AccessLogs']),
    ack('s3_bucket_logging_enabled_check', ['Serve/Lake/AccessLogs']),
    ack('s3_bucket_object_lock_enabled_check', [
      'Serve/Lake/AccessLogs',
      'Serve/Lake/curated',
      'Serve/Lake/features',
      'Serve/Lake/models',
      'Serve/Lake/monitoring',
      'Serve/Lake/raw',
    ]),
    ack('sqs_dlq_check', ['Serve/cdk-mlops-ab-experiment/DeadLetters']),
    ...ackShared('CloudWatchAlarmAction', ['Serve/Churn/ErrorRateAlarm', 'Serve/Churn/LatencyAlarm'], ['Serve/Churn/ErrorRateAlarm', 'Serve/Churn/LatencyAlarm']),
    ...ackShared('IAMNoInlinePolicy', [
      'Serve/Challenger/Role',
      'Serve/Champion/Role',
      'Serve/cdk-mlops-ab-experiment/Role',
      'Serve/cdk-mlops-ab-experiment/SchedulerRole',
    ], [
      'Serve/Challenger/Role/DefaultPolicy/Resource',
      'Serve/Champion/Role/DefaultPolicy/Resource',
      'Serve/cdk-mlops-ab-experiment/Role/DefaultPolicy/Resource',
      'Serve/cdk-mlops-ab-experiment/SchedulerRole/DefaultPolicy/Resource',
    ]),
    ...ackShared('LambdaConcurrency', ['Serve/cdk-mlops-ab-experiment/Function']),
    ...ackShared('LambdaInsideVPC', ['Serve/cdk-mlops-ab-experiment/Function']),
    ...ackShared('S3BucketReplicationEnabled', [
      'Serve/Lake/AccessLogs',
      'Serve/Lake/curated',
      'Serve/Lake/features',
      'Serve/Lake/models',
      'Serve/Lake/monitoring',
      'Serve/Lake/raw',
    ]),
    ...ackShared('S3DefaultEncryptionKMS', ['Serve/Lake/AccessLogs']),
    ...ackShared('SageMakerEndpointConfigurationKMSKeyConfigured', ['Serve/Churn/Config'], ['Serve/Churn/Config']),
  ]);
});
