import { ContractApp } from './apps';
import { CallRow, PrincipalContract, evaluateCall, findOne, wildcardGrants } from './iam';

/** Calls simulated per principal, across the apps of a test file (printed at the end of the file, for the closing note). */
const counts = new Map<string, number>();

/**
 * Declares one jest test per row of a capability's table, for each app: the row's call is evaluated by the IAM engine and
 * must get the row's decision. A row with `knownDefect` is `test.failing`: it passes while the defect is there and fails (so
 * it is flipped) once fixed. Every principal lists at least one call it must be allowed and one it must be denied.
 */
export function describeIamContract<S>(capability: string, apps: { app: ContractApp; subject: S }[], contract: PrincipalContract<S>[]) {
  describe(`IAM contract: ${capability}`, () => {
    for (const { app, subject } of apps) {
      describe(app.label, () => {
        for (const p of contract) {
          if (p.when && !p.when(subject)) {
            continue;
          }
          const who = p.who(subject);
          const rows = p.calls(subject);
          const key = `${capability}: ${p.principal}`;
          counts.set(key, (counts.get(key) ?? 0) + rows.length);
          describe(p.principal, () => {
            test('lists calls it must make and calls it must not', () => {
              expect(rows.filter((r) => r.expect === 'allowed').length).toBeGreaterThan(0);
              expect(rows.filter((r) => r.expect === 'denied').length).toBeGreaterThan(0);
              for (const r of rows) {
                expect(r.source).toMatch(/^https:\/\//);
              }
            });
            if ('role' in who && p.accountWideGrants) {
              test(`holds exactly its account-wide grants on * (${p.accountWideReason ?? 'no reason given'})`, async () => {
                expect((p.accountWideReason ?? '').length).toBeGreaterThanOrEqual(20);
                const found = (await wildcardGrants(findOne(app.iam, who.role))).map((f) => f.replace(/ \(.*\)$/, '')).sort();
                expect(found).toEqual([...(p.accountWideGrants ?? [])].sort());
              });
            } else if ('role' in who) {
              test('is granted no resource-level action on *', async () => {
                expect(await wildcardGrants(findOne(app.iam, who.role))).toEqual([]);
              });
            }
            for (const row of rows) {
              const run = row.knownDefect ? test.failing : test;
              run(title(row), async () => {
                const outcome = await evaluateCall(app.iam, who, row);
                expect({ call: title(row), decision: outcome.decision }).toEqual({ call: title(row), decision: row.expect });
              });
            }
          });
        }
      });
    }
    afterAll(() => {
      if (process.env.CONTRACTS_REPORT) {
        console.log([...counts].map(([k, n]) => `${k}: ${n} calls`).join('\n'));
      }
    });
  });
}

function title(row: CallRow): string {
  const what = row.call ? `${row.call} (${row.action})` : `${row.action} on ${row.resource}`;
  return `${row.expect === 'allowed' ? 'may' : 'may not'}: ${what}${row.knownDefect ? ` [known defect ${row.knownDefect}]` : ''}`;
}
