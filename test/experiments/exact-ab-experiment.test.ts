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
  test('passes the default decision parameters: 1000 samples, alpha 0.05, a 20% latency guardrail, 10% steps, an hour', () => {
    expect(experiment().scheduleInputs()).toEqual({
      'Serve/ChurnV4/Schedule': {
        experimentName: 'ChurnV4',
        endpointName: 'churn',
        championVariant: 'champion',
        challengerVariant: 'challenger',
        successMeasure: { type: 'errorRate' },
        minimumSamples: 1000,
        significance: 0.05,
        latencyGuardrailPercent: 20,
        stepPercent: 10,
        onCompletion: 'PROMOTE',
        windowMinutes: 60,
        cooldownMinutes: 30,
        metricNamespace: 'cdk-mlops/Experiments',
      },
    });
  });

  test('passes the parameters the user gave, and a business metric', () => {
    const input = experiment({
      successMeasure: SuccessMeasure.businessMetric({ namespace: 'Shop', successMetricName: 'Conversions', trialMetricName: 'Offers' }),
      minimumSamples: 2000, significance: 0.01, latencyGuardrailPercent: 15, stepPercent: 20,
      schedule: scheduler.ScheduleExpression.rate(Duration.hours(2)), onCompletion: ExperimentCompletion.HOLD,
    }).scheduleInputs()['Serve/ChurnV4/Schedule'];
    expect(input.successMeasure).toEqual({ type: 'businessMetric', namespace: 'Shop', successMetricName: 'Conversions', trialMetricName: 'Offers' });
    expect([input.minimumSamples, input.significance, input.latencyGuardrailPercent, input.stepPercent]).toEqual([2000, 0.01, 15, 20]);
    expect([input.onCompletion, input.windowMinutes]).toEqual(['HOLD', 120]);
  });
});

describe('AbExperiment alarm and principal, exactly', () => {
  test('alarms when its function fails once in five minutes', () => {
    const alarms = experiment().alarms();
    expect(Object.fromEntries(Object.entries(alarms).filter(([p]) => !p.startsWith('Serve/Churn/')))).toEqual({
      'Serve/cdk-mlops-ab-experiment/Errors': {
        namespace: 'AWS/Lambda', metric: 'Errors', dimensions: { FunctionName: '<Serve/cdk-mlops-ab-experiment/Function>' }, statistic: 'Sum', period: 300,
        comparison: 'GreaterThanOrEqualToThreshold', threshold: 1, evaluationPeriods: 1, datapointsToAlarm: undefined, treatMissingData: 'notBreaching',
      },
    });
  });

  test('its function reads metrics, publishes its own, and reads and shifts the weights of the one endpoint', () => {
    expect(experiment().rolePolicy('Serve/cdk-mlops-ab-experiment/Role')).toEqual({
      statements: [
        { Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Resource: '<Serve/cdk-mlops-ab-experiment/Logs.Arn>' },
        { Action: 'cloudwatch:GetMetricData', Effect: 'Allow', Resource: '*' },
        { Action: 'cloudwatch:PutMetricData', Condition: { StringEquals: { 'cloudwatch:namespace': 'cdk-mlops/Experiments' } }, Effect: 'Allow', Resource: '*' },
        {
          Action: ['sagemaker:DescribeEndpoint', 'sagemaker:UpdateEndpointWeightsAndCapacities'], Effect: 'Allow',
          Resource: 'arn:aws:sagemaker:us-east-1:123456789012:endpoint/churn',
        },
      ],
      managedPolicyArns: [],
    });
  });
});
