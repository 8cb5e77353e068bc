import { ContractApp } from './harness/apps';
import { describeIamContract } from './harness/run';
import { API_APPS, API_CONTRACT, apiSubject } from './tables/api';

// The inference API's contracts: API Gateway's integration role, its trust, the logs key, and a client granted invoke.
const apps = Object.entries(API_APPS).map(([label, build]) => {
  const spec = build();
  const app = new ContractApp(label, spec.app);
  return { app, subject: apiSubject(app, spec) };
});

describeIamContract('api', apps, API_CONTRACT);
