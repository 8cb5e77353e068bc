import { ContractApp } from './harness/apps';
import { describeIamContract } from './harness/run';
import { DATA_LAKE_APPS, DATA_LAKE_CONTRACT, dataLakeSubject } from './tables/data-lake';

// The lake zones' IAM contract: what a grant under a prefix allows and must not, over the minimal and the full lake, each
// synthesized once, evaluated against the identity policies, the zone's bucket policy and the lake key's policy.
const apps = Object.entries(DATA_LAKE_APPS).map(([label, build]) => {
  const spec = build();
  const app = new ContractApp(label, spec.app);
  return { app, subject: dataLakeSubject(app, spec) };
});

describeIamContract('data lake', apps, DATA_LAKE_CONTRACT);
