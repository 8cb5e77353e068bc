import { ack, checkCompliance, complianceApp } from './harness';
import { AlertTopics, DriftMonitor, EndpointDashboard, ProblemType } from '../../lib';
import { FEATURES, driftFixture } from '../drift/fixtures';

test('a minimal drift monitor is compliant', () => {
  const app = complianceApp();
  const { lake, endpoint, stack } = driftFixture(app);
  new DriftMonitor(stack, 'Drift', { endpoint, features: FEATURES, baselineProfile: { zone: lake.zone('features'), key: 'churn/profile.json' } });
  const result = checkCompliance(app, 'DriftMonitor minimal', [
    ack('AwsSolutions-IAM5[Resource::*]', ['Serve/Challenger/Role/DefaultPolicy', 'Serve/Champion/Role/DefaultPolicy', 'Serve/cdk-mlops-drift/Role/DefaultPolicy']),
    ack('AwsSolutions-IAM5[Resource::<Serve/cdk-mlops-drift/Function/Resource.Arn>:*]', ['Serve/cdk-mlops-drift/SchedulerRole'], ['Serve/cdk-mlops-drift/SchedulerRole/DefaultPolicy/Resource']),
    ack('AwsSolutions-IAM5[Resource::<Serve/Lake/monitoring/Resource.Arn>/data-capture/churn/*]', ['Serve/Challenger/Role/DefaultPolicy', 'Serve/Champion/Role/DefaultPolicy', 'Serve/cdk-mlops-drift/Role/DefaultPolicy']),
    ack('AwsSolutions-IAM5[Resource::<Serve/Lake/monitoring/Resource.Arn>/drift-reports/churn/*]', ['Serve/cdk-mlops-drift/Role/DefaultPolicy']),
    ack('AwsSolutions-IAM5[Resource::arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/Endpoints/churn:*]', ['Serve/Challenger/Role/DefaultPolicy', 'Serve/Champion/Role/DefaultPolicy']),
    ack('AwsSolutions-SQS3', ['Serve/cdk-mlops-drift/DeadLetters']),
    ack('cloudwatch_alarm_action_check', [
      'Serve/Churn/ErrorRateAlarm',
      'Serve/Churn/LatencyAlarm',
      'Serve/Drift/Drift-challenger',
      'Serve/Drift/Drift-champion',
      'Serve/Drift/Feature-challenger-monthly_charges',
      'Serve/Drift/Feature-challenger-plan',
      'Serve/Drift/Feature-challenger-tenure',
      'Serve/Drift/Feature-champion-monthly_charges',
      'Serve/Drift/Feature-champion-plan',
      'Serve/Drift/Feature-champion-tenure',
      'Serve/Drift/Malformed-challenger',
      'Serve/Drift/Malformed-champion',
      'Serve/Drift/MissingFeature-challenger',
      'Serve/Drift/MissingFeature-champion',
      'Serve/Drift/NewCategories-challenger',
      'Serve/Drift/NewCategories-champion',
      'Serve/Drift/NoRecords-challenger',
      'Serve/Drift/NoRecords-champion',
      'Serve/cdk-mlops-drift/DeadLetter',
      'Serve/cdk-mlops-drift/Errors',
      'Serve/cdk-mlops-scheduler-alarms/Dropped',
      'Serve/cdk-mlops-scheduler-alarms/TargetErrors',
    ], [
      'Serve/Churn/ErrorRateAlarm',
      'Serve/Churn/LatencyAlarm',
      'Serve/Drift/Drift-challenger/Resource',
      'Serve/Drift/Drift-champion/Resource',
      'Serve/Drift/Feature-challenger-monthly_charges/Resource',
      'Serve/Drift/Feature-challenger-plan/Resource',
      'Serve/Drift/Feature-challenger-tenure/Resource',
      'Serve/Drift/Feature-champion-monthly_charges/Resource',
      'Serve/Drift/Feature-champion-plan/Resource',
      'Serve/Drift/Feature-champion-tenure/Resource',
      'Serve/Drift/Malformed-challenger/Resource',
      'Serve/Drift/Malformed-champion/Resource',
      'Serve/Drift/MissingFeature-challenger/Resource',
      'Serve/Drift/MissingFeature-champion/Resource',
      'Serve/Drift/NewCategories-challenger/Resource',
      'Serve/Drift/NewCategories-champion/Resource',
      'Serve/Drift/NoRecords-challenger/Resource',
      'Serve/Drift/NoRecords-champion/Resource',
      'Serve/cdk-mlops-drift/DeadLetter/Resource',
      'Serve/cdk-mlops-drift/Errors/Resource',
      'Serve/cdk-mlops-scheduler-alarms/Dropped/Resource',
      'Serve/cdk-mlops-scheduler-alarms/TargetErrors/Resource',
    ]),
    ack('lambda_inside_vpc_check', ['Serve/cdk-mlops-drift/Function']),
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
    ack('sqs_dlq_check', ['Serve/cdk-mlops-drift/DeadLetters']),
  ]);
  // The stacks synth checked: a stack left out of the app would otherwise pass unseen.
  expect(result.stacks).toEqual(['Serve']);
});

test('a drift monitor with a dataset baseline, model quality, alerts and a dashboard is compliant', () => {
  const app = complianceApp();
  const { lake, endpoint, stack } = driftFixture(app);
  const alerts = new AlertTopics(stack, 'Alerts');
  const dashboard = new EndpointDashboard(stack, 'Dashboard', { endpoint });
  const drift = new DriftMonitor(stack, 'Drift', {
    endpoint,
    features: FEATURES,
    baselineDataset: { zone: lake.zone('features'), key: 'churn/train/train.csv', header: true },
    alerts,
    modelQuality: { groundTruthZone: lake.zone('monitoring'), groundTruthPrefix: 'ground-truth/churn/', problemType: ProblemType.BINARY_CLASSIFICATION },
  });
  dashboard.addDriftMonitor(drift);
  const result = checkCompliance(app, 'DriftMonitor full', [
    ack('AwsSolutions-IAM5[Resource::*]', [
      'Serve/Challenger/Role/DefaultPolicy',
      'Serve/Champion/Role/DefaultPolicy',
      'Serve/cdk-mlops-drift/Role/DefaultPolicy',
      'Serve/cdk-mlops-model-quality/Role/DefaultPolicy',
    ]),
    ack('AwsSolutions-IAM5[Resource::<Serve/cdk-mlops-baseline-profile/Function/Resource.Arn>:*]', ['Serve/cdk-mlops-baseline-profile/SchedulerRole'], []),
    ack('AwsSolutions-IAM5[Resource::<Serve/cdk-mlops-drift/Function/Resource.Arn>:*]', ['Serve/cdk-mlops-drift/SchedulerRole'], ['Serve/cdk-mlops-drift/SchedulerRole/DefaultPolicy/Resource']),
    ack('AwsSolutions-IAM5[Resource::<Serve/cdk-mlops-model-quality/Function/Resource.Arn>:*]', ['Serve/cdk-mlops-model-quality/SchedulerRole'], ['Serve/cdk-mlops-model-quality/SchedulerRole/DefaultPolicy/Resource']),
    ack('AwsSolutions-IAM5[Resource::<Serve/Lake/monitoring/Resource.Arn>/data-capture/churn/*]', [
      'Serve/Challenger/Role/DefaultPolicy',
      'Serve/Champion/Role/DefaultPolicy',
      'Serve/cdk-mlops-drift/Role/DefaultPolicy',
      'Serve/cdk-mlops-model-quality/Role/DefaultPolicy',
    ]),
    ack('AwsSolutions-IAM5[Resource::<Serve/Lake/monitoring/Resource.Arn>/drift-reports/churn/*]', ['Serve/cdk-mlops-drift/Role/DefaultPolicy']),
    ack('AwsSolutions-IAM5[Resource::<Serve/Lake/monitoring/Resource.Arn>/ground-truth/churn/*]', ['Serve/cdk-mlops-model-quality/Role/DefaultPolicy']),
    ack('AwsSolutions-IAM5[Resource::<Serve/Lake/monitoring/Resource.Arn>/model-quality-reports/churn/*]', ['Serve/cdk-mlops-model-quality/Role/DefaultPolicy']),
    ack('AwsSolutions-IAM5[Resource::arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/Endpoints/churn:*]', ['Serve/Challenger/Role/DefaultPolicy', 'Serve/Champion/Role/DefaultPolicy']),
    ack('AwsSolutions-SQS3', ['Serve/cdk-mlops-baseline-profile/DeadLetters', 'Serve/cdk-mlops-drift/DeadLetters', 'Serve/cdk-mlops-model-quality/DeadLetters']),
    ack('cloudwatch_alarm_action_check', ['Serve/Churn/ErrorRateAlarm', 'Serve/Churn/LatencyAlarm'], ['Serve/Churn/ErrorRateAlarm', 'Serve/Churn/LatencyAlarm']),
    ack('lambda_inside_vpc_check', ['Serve/cdk-mlops-baseline-profile/Function', 'Serve/cdk-mlops-drift/Function', 'Serve/cdk-mlops-model-quality/Function']),
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
    ack('sqs_dlq_check', ['Serve/cdk-mlops-baseline-profile/DeadLetters', 'Serve/cdk-mlops-drift/DeadLetters', 'Serve/cdk-mlops-model-quality/DeadLetters']),
  ]);
  // The stacks synth checked: a stack left out of the app would otherwise pass unseen.
  expect(result.stacks).toEqual(['Serve']);
});
