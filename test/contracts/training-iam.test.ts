import { ContractApp } from './harness/apps';
import { describeIamContract } from './harness/run';
import { TRAINING_APPS, TRAINING_CONTRACT, trainingSubject } from './tables/training';

// The training table over the reference app and the minimal and full pipeline: each synthesized once.
describeIamContract('training', Object.fromEntries(Object.entries(TRAINING_APPS).map(([label, spec]) => [label, () => {
  const s = spec();
  const app = new ContractApp(label, s.app);
  return { app, subject: trainingSubject(app, s) };
}])), TRAINING_CONTRACT);
