import { buildReferenceApp } from '../../bin/reference-app';
import { checkCompliance, complianceApp } from './harness';

test('every stack of the reference app is compliant', () => {
  const app = complianceApp();
  buildReferenceApp(app);
  const result = checkCompliance(app, 'reference app');
  expect([...result.stacks].sort()).toEqual(['DataStack', 'ServingStack', 'TrainingStack']);
});
