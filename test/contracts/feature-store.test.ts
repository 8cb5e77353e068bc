import { ContractApp } from './harness/apps';
import { describeIamContract } from './harness/run';
import { FEATURE_STORE_APPS, FEATURE_STORE_CONTRACT, featureStoreSubject } from './tables/feature-store';

// The feature store's IAM contract, over the minimal and the full feature group, each synthesized once.
const apps = Object.entries(FEATURE_STORE_APPS).map(([label, build]) => {
  const spec = build();
  const app = new ContractApp(label, spec.app);
  return { app, subject: featureStoreSubject(app, spec) };
});

describeIamContract('feature store', apps, FEATURE_STORE_CONTRACT);
