import { ContractApp } from './harness/apps';
import { describeIamContract } from './harness/run';
import { PROCESSING_APPS, PROCESSING_CONTRACT, processingSubject } from './tables/processing';

// The processing capability's IAM contract (Spark jobs, lake tables), over its fixtures, each synthesized once.
const apps = Object.entries(PROCESSING_APPS).map(([label, build]) => {
  const spec = build();
  const app = new ContractApp(label, spec.app);
  return { app, subject: processingSubject(app, spec) };
});

describeIamContract('processing', apps, PROCESSING_CONTRACT);
