import { ContractApp } from './harness/apps';
import { describeIamContract } from './harness/run';
import { SERVING_APPS, SERVING_CONTRACT, servingSubject } from './tables/serving-stack';

// The serving side's contracts (models, drift, model quality, baseline profiles, A/B experiments, schedulers, alarm and event
// publishing), over the reference app and the drift monitor's and A/B experiment's minimal and full configurations.
const apps = Object.entries(SERVING_APPS).map(([label, build]) => {
  const spec = build();
  const app = new ContractApp(label, spec.app);
  return { app, subject: servingSubject(app, spec) };
});

describeIamContract('serving', apps, SERVING_CONTRACT);
