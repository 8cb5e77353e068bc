import { ContractApp } from './harness/apps';
import { describeIamContract } from './harness/run';
import { INGESTION_APPS, INGESTION_CONTRACT, ingestionSubject } from './tables/ingestion';

// The ingestion capability's IAM contract, over the reference app and the minimal and full stream, each synthesized once.
const apps = Object.entries(INGESTION_APPS).map(([label, build]) => {
  const spec = build();
  const app = new ContractApp(label, spec.app);
  return { app, subject: ingestionSubject(app, spec) };
});

describeIamContract('ingestion', apps, INGESTION_CONTRACT);
