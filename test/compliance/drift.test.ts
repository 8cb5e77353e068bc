import { checkCompliance, complianceApp } from './harness';
import { AlertTopics, DriftMonitor, EndpointDashboard, ProblemType } from '../../lib';
import { FEATURES, driftFixture } from '../drift/fixtures';

test('a minimal drift monitor is compliant', () => {
  const app = complianceApp();
  const { lake, endpoint, stack } = driftFixture(app);
  new DriftMonitor(stack, 'Drift', { endpoint, features: FEATURES, baselineProfile: { zone: lake.zone('features'), key: 'churn/profile.json' } });
  checkCompliance(app, 'DriftMonitor minimal');
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
  checkCompliance(app, 'DriftMonitor full');
});
