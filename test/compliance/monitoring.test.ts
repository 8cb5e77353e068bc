import { Stack } from 'aws-cdk-lib';
import { checkCompliance, complianceApp } from './harness';
import { AlertTopics, EndpointAlarms, EndpointDashboard, ModelEndpoint } from '../../lib';
import { TEST_ENV } from '../util';

test('minimal endpoint alarms are compliant', () => {
  const app = complianceApp();
  const stack = new Stack(app, 'Minimal', { env: TEST_ENV });
  const endpoint = ModelEndpoint.fromEndpointName(stack, 'Endpoint', 'churn', ['champion']);
  new EndpointAlarms(stack, 'Alarms', { endpoint, alerts: new AlertTopics(stack, 'Alerts') });
  const result = checkCompliance(app, 'EndpointAlarms minimal', []);
  // The stacks synth checked: a stack left out of the app would otherwise pass unseen.
  expect(result.stacks).toEqual(['Minimal']);
});

test('endpoint alarms with every option, e-mail subscriptions and a dashboard are compliant', () => {
  const app = complianceApp();
  const stack = new Stack(app, 'Full', { env: TEST_ENV });
  const endpoint = ModelEndpoint.fromEndpointAttributes(stack, 'Endpoint', {
    endpointName: 'churn',
    variantNames: ['champion', 'challenger'],
    variantInstanceTypes: { champion: 'ml.g5.xlarge', challenger: 'ml.m5.large' },
  });
  const alerts = new AlertTopics(stack, 'Alerts', { criticalEmails: ['oncall@example.com'], warningEmails: ['ml-team@example.com'] });
  const alarms = new EndpointAlarms(stack, 'Alarms', { endpoint, alerts, alarmNamePrefix: 'prod-churn' });
  new EndpointDashboard(stack, 'Dashboard', { endpoint, alarms });
  const result = checkCompliance(app, 'EndpointAlarms full', []);
  // The stacks synth checked: a stack left out of the app would otherwise pass unseen.
  expect(result.stacks).toEqual(['Full']);
});
