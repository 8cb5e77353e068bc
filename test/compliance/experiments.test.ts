import { Duration } from 'aws-cdk-lib';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { checkCompliance, complianceApp } from './harness';
import { AlertTopics } from '../../lib';
import { AbExperiment, ExperimentCompletion, SuccessMeasure } from '../../lib/experiments';
import { experimentFixture } from '../experiments/fixtures';

test('a minimal A/B experiment is compliant', () => {
  const app = complianceApp();
  // An endpoint that keeps the shifted weights across deployments; otherwise synth warns (cdk-mlops:experiment-weights-reset-on-deploy).
  const { stack, endpoint } = experimentFixture(app, { retainWeightsOnDeploy: true });
  new AbExperiment(stack, 'ChurnV4', { endpoint, championVariant: 'champion', challengerVariant: 'challenger' });
  const result = checkCompliance(app, 'AbExperiment minimal');
  expect(result.acknowledgments.map((a) => a.rule)).toEqual(expect.arrayContaining(['AwsSolutions-IAM5[Resource::*]']));
});

test('an A/B experiment with a business metric, alerts and a second experiment is compliant', () => {
  const app = complianceApp();
  const { stack, endpoint } = experimentFixture(app, { retainWeightsOnDeploy: true });
  const alerts = new AlertTopics(stack, 'Alerts');
  new AbExperiment(stack, 'ChurnV4', {
    endpoint, championVariant: 'champion', challengerVariant: 'challenger',
    successMeasure: SuccessMeasure.businessMetric({ namespace: 'Shop', successMetricName: 'Conversions', trialMetricName: 'Offers' }),
    minimumSamples: 2000, significance: 0.01, stepPercent: 20, schedule: scheduler.ScheduleExpression.rate(Duration.hours(2)),
    onCompletion: ExperimentCompletion.HOLD, alerts,
  });
  new AbExperiment(stack, 'Reverse', { endpoint, championVariant: 'challenger', challengerVariant: 'champion', alerts });
  checkCompliance(app, 'AbExperiment full');
});
