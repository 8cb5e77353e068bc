import { Duration } from 'aws-cdk-lib';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { AbExperiment, AbExperimentProps, ExperimentCompletion, SuccessMeasure } from '../../lib';
import { Readable } from '../exact';
import { experimentFixture } from './fixtures';

// Exact values of what AbExperiment defines: the decision inputs its handler parses (compared whole), its failure
// alarm and its function's whole policy. References read as construct paths (test/exact.ts).

function experiment(props: Partial<AbExperimentProps> = {}) {
  const f = experimentFixture(undefined, { retainWeightsOnDeploy: true });
  new AbExperiment(f.stack, 'ChurnV4', { endpoint: f.endpoint, championVariant: 'champion', challengerVariant: 'challenger', ...props });
  return Readable.of(f.stack);
}

describe('AbExperiment schedule input, parsed', () => {
  test('passes the default decision parameters: alpha 0.05, margins 0.25 and 0.5, 1000 samples, 10% steps, a day at most', () => {
    expect(experiment().scheduleInputs()).toEqual({
      'Serve/ChurnV4/Schedule': {
        experimentName: 'ChurnV4',
        endpointName: 'churn',
        championVariant: 'champion',
        challengerVariant: 'challenger',
        significance: 0.05,
        errorMargin: 0.25,
        latencyMargin: 0.5,
        latencyMinimumSamples: 1000,
        minimumSamples: 1000,
        mixtureRelativeEffect: 0.1,
        stepPercent: 10,
        onCompletion: 'PROMOTE',
        windowMinutes: 1440,
        stateBucket: '<Serve/Lake/monitoring>',
        statePrefix: 'experiments/churn/ChurnV4/',
        metricNamespace: 'cdk-mlops/Experiments',
        latencyGuardrail: true,
      },
    });
  });

  test('passes the parameters the user gave, and the ground truth', () => {
    const f = experimentFixture(undefined, { retainWeightsOnDeploy: true });
    new AbExperiment(f.stack, 'ChurnV4', {
      endpoint: f.endpoint, championVariant: 'champion', challengerVariant: 'challenger',
      successMeasure: SuccessMeasure.groundTruth({ groundTruthZone: f.lake.zone('monitoring'), groundTruthPrefix: 'ground-truth/churn/' }),
      minimumSamples: 2000, significance: 0.01, errorMargin: 0.1, stepPercent: 20,
      schedule: scheduler.ScheduleExpression.rate(Duration.hours(2)), onCompletion: ExperimentCompletion.HOLD,
    });
    const input = Readable.of(f.stack).scheduleInputs()['Serve/ChurnV4/Schedule'];
    expect(input.successMeasure).toEqual({
      captureBucket: '<Serve/Lake/monitoring>', capturePrefix: 'data-capture', groundTruthBucket: '<Serve/Lake/monitoring>',
      groundTruthPrefix: 'ground-truth/churn', positiveLabel: '1', captureLookbackHours: 48,
    });
    expect([input.minimumSamples, input.significance, input.errorMargin, input.stepPercent]).toEqual([2000, 0.01, 0.1, 20]);
    expect([input.onCompletion, input.windowMinutes]).toEqual(['HOLD', 1440]);
  });
});

describe('AbExperiment alarm and principal, exactly', () => {
  test('alarms when its function fails once in five minutes, and when it has not run for three hours', () => {
    const alarms = experiment().alarms();
    expect(Object.fromEntries(Object.entries(alarms).filter(([p]) => !p.startsWith('Serve/Churn/')))).toEqual({
      'Serve/cdk-mlops-ab-experiment/Errors': {
        namespace: 'AWS/Lambda', metric: 'Errors', dimensions: { FunctionName: '<Serve/cdk-mlops-ab-experiment/Function>' }, statistic: 'Sum', period: 300,
        comparison: 'GreaterThanOrEqualToThreshold', threshold: 1, evaluationPeriods: 1, datapointsToAlarm: undefined, treatMissingData: 'notBreaching',
      },
      // A run that failed after its retries waits in the dead-letter queue (#23 item 13).
      'Serve/cdk-mlops-ab-experiment/DeadLetter': {
        namespace: 'AWS/SQS', metric: 'ApproximateNumberOfMessagesVisible', dimensions: { QueueName: '<Serve/cdk-mlops-ab-experiment/DeadLetters.QueueName>' },
        statistic: 'Maximum', period: 300, comparison: 'GreaterThanOrEqualToThreshold', threshold: 1, evaluationPeriods: 1, datapointsToAlarm: 1,
        treatMissingData: 'notBreaching',
      },
      // EventBridge Scheduler's own failures for the default group, once per stack.
      ...Object.fromEntries([['Dropped', 'InvocationDroppedCount'], ['TargetErrors', 'TargetErrorCount']].map(([id, metric]) => [`Serve/cdk-mlops-scheduler-alarms/${id}`, {
        namespace: 'AWS/Scheduler', metric, dimensions: { ScheduleGroup: 'default' }, statistic: 'Sum', period: 300,
        comparison: 'GreaterThanOrEqualToThreshold', threshold: 1, evaluationPeriods: 1, datapointsToAlarm: 1, treatMissingData: 'notBreaching',
      }])),
      // The decision loop stopped: no run for three schedule periods (the default hourly rate), missing data breaching (#23 item 13).
      'Serve/ChurnV4/Heartbeat': {
        namespace: 'AWS/Lambda', metric: 'Invocations', dimensions: { FunctionName: '<Serve/cdk-mlops-ab-experiment/Function>' }, statistic: 'Sum', period: 3600,
        comparison: 'LessThanThreshold', threshold: 1, evaluationPeriods: 3, datapointsToAlarm: 3, treatMissingData: 'breaching',
      },
    });
  });

  test('its function reads metrics, publishes its own, shifts the weights of the one endpoint, and keeps its own state', () => {
    expect(experiment().rolePolicy('Serve/cdk-mlops-ab-experiment/Role')).toEqual({
      statements: [
        { Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Resource: '<Serve/cdk-mlops-ab-experiment/Logs.Arn>' },
        // What failed after Lambda's retries goes to the function's dead-letter queue (#23 item 13).
        {
          Action: 'sqs:SendMessage', Effect: 'Allow', Resource: '<Serve/cdk-mlops-ab-experiment/DeadLetters.Arn>',
        },
        { Action: 'cloudwatch:GetMetricData', Effect: 'Allow', Resource: '*' },
        { Action: 'cloudwatch:PutMetricData', Condition: { StringEquals: { 'cloudwatch:namespace': 'cdk-mlops/Experiments' } }, Effect: 'Allow', Resource: '*' },
        {
          Action: ['sagemaker:DescribeEndpoint', 'sagemaker:UpdateEndpointWeightsAndCapacities'], Effect: 'Allow',
          Resource: 'arn:aws:sagemaker:us-east-1:123456789012:endpoint/churn',
        },
        { Action: 'sagemaker:DescribeEndpointConfig', Effect: 'Allow', Resource: 'arn:aws:sagemaker:us-east-1:123456789012:endpoint-config/*' },
        {
          Action: ['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject'], Effect: 'Allow',
          Resource: '<Serve/Lake/monitoring.Arn>/experiments/churn/ChurnV4/*',
        },
        {
          Action: 's3:ListBucket', Condition: { StringLike: { 's3:prefix': ['experiments/churn/ChurnV4/*'] } }, Effect: 'Allow',
          Resource: '<Serve/Lake/monitoring.Arn>',
        },
        {
          Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
          Condition: {
            StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' },
            StringLike: { 'kms:EncryptionContext:aws:s3:arn': ['<Serve/Lake/monitoring.Arn>', '<Serve/Lake/monitoring.Arn>/experiments/churn/ChurnV4/*'] },
          },
          Effect: 'Allow',
          Resource: '<Serve/Lake/Key.Arn>',
        },
      ],
      managedPolicyArns: [],
    });
  });
});
