import { Duration, Stack } from 'aws-cdk-lib';
import { checkCompliance, complianceApp } from './harness';
import { DataLake, LakeRemovalPolicy } from '../../lib';

test('a minimal data lake is compliant', () => {
  const app = complianceApp();
  new DataLake(new Stack(app, 'Minimal'), 'Lake');
  checkCompliance(app, 'DataLake minimal');
});

test('a data lake with every option is compliant', () => {
  const app = complianceApp();
  new DataLake(new Stack(app, 'Full'), 'Lake', {
    zones: ['raw', 'curated', 'features', 'models', 'monitoring', 'sandbox'],
    bucketNamePrefix: 'acme-ml-123456789012',
    noncurrentVersionRetention: Duration.days(30),
    monitoringRetention: Duration.days(14),
    intelligentTieringAfter: Duration.days(7),
    accessLogRetention: Duration.days(90),
    rawObjectLockRetention: Duration.days(365),
    databaseName: 'acme_lake',
    workGroupName: 'acme-lake',
    queryResultsZone: 'sandbox',
  });
  checkCompliance(app, 'DataLake full');
});

test('a destroyable dev data lake is compliant', () => {
  const app = complianceApp();
  new DataLake(new Stack(app, 'Dev'), 'Lake', { removalPolicy: LakeRemovalPolicy.DESTROY });
  checkCompliance(app, 'DataLake dev');
});
