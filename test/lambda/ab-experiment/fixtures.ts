import { ExperimentEvent } from '../../../lambda/ab-experiment/request';

/** A complete experiment event, as the construct writes it. */
export const EVENT: ExperimentEvent = {
  experimentName: 'churn-v4', endpointName: 'churn', championVariant: 'champion', challengerVariant: 'challenger',
  significance: 0.05, errorMargin: 0.25, latencyMargin: 0.5, latencyMinimumSamples: 1000, minimumSamples: 1000, mixtureRelativeEffect: 0.1,
  stepPercent: 10, onCompletion: 'PROMOTE', windowMinutes: 60, stateBucket: 'lake', statePrefix: 'experiments/churn/churn-v4/',
  metricNamespace: 'cdk-mlops/Experiments', topicArn: 'arn:aws:sns:us-east-1:123456789012:alerts',
  successMeasure: {
    captureBucket: 'lake', capturePrefix: 'data-capture', groundTruthBucket: 'gt', groundTruthPrefix: 'ground-truth/churn',
    positiveLabel: '1', captureLookbackHours: 48,
  },
};
