import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, IPolicyValidationContextBeta1 } from 'aws-cdk-lib';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { ScopedControlTowerGuard, applicableRules, controlTowerRuleTypes } from './guard';

// The scoped guard must report exactly what the full Control Tower rule set reports: it only skips rules that cannot
// select any resource of the templates.

function templateFile(resources: Record<string, unknown>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-'));
  const file = path.join(dir, 'Stack.template.json');
  fs.writeFileSync(file, JSON.stringify({ Resources: resources }));
  return file;
}

/** Resources that break several Control Tower rules: an unencrypted, unversioned bucket, a function outside a VPC, an open queue. */
const NON_COMPLIANT = {
  Bucket: { Type: 'AWS::S3::Bucket', Properties: {} },
  Fn: {
    Type: 'AWS::Lambda::Function',
    Properties: { Runtime: 'nodejs24.x', Handler: 'index.handler', Role: 'arn:aws:iam::123456789012:role/x', Code: { ZipFile: 'x' } },
  },
  Queue: { Type: 'AWS::SQS::Queue', Properties: { SqsManagedSseEnabled: false } },
  Topic: { Type: 'AWS::SNS::Topic', Properties: {} },
};

/** What synth gives a plugin: the templates to check (the plugins read only their paths). */
const contextOf = (file: string): IPolicyValidationContextBeta1 =>
  ({ templatePaths: [file], appConstruct: new App() } as unknown as IPolicyValidationContextBeta1);

const ruleNames = (violations: Array<{ ruleName: string }>) => violations.map((v) => v.ruleName).sort();

test('reports the same violations as the full Control Tower rule set on a non-compliant template', () => {
  const context = contextOf(templateFile(NON_COMPLIANT));
  const full = new CfnGuardValidator().validate(context);
  const scoped = new ScopedControlTowerGuard().validate(context);
  expect(full.success).toBe(false);
  expect(ruleNames(full.violations).length).toBeGreaterThanOrEqual(4);
  expect(scoped).toEqual(full);
});

test('reports success, as the full rule set does, on a template with no resource any rule selects', () => {
  const context = contextOf(templateFile({ Wait: { Type: 'AWS::CloudFormation::WaitConditionHandle' } }));
  expect(new CfnGuardValidator().validate(context)).toEqual({ success: true, violations: [] });
  expect(new ScopedControlTowerGuard().validate(context)).toEqual({ success: true, violations: [] });
  expect(applicableRules(context.templatePaths)).toEqual([]);
});

test('keeps exactly the rules that name a resource type of the templates', () => {
  const all = controlTowerRuleTypes();
  expect(all.length).toBeGreaterThan(200);
  // Every Control Tower rule names the types it selects: a rule that named none would always be kept.
  expect(all.filter((r) => r.types.size === 0)).toEqual([]);
  const kept = applicableRules([templateFile({ Bucket: NON_COMPLIANT.Bucket })]);
  expect(kept.length).toBeGreaterThan(0);
  expect(kept.length).toBeLessThan(all.length);
  for (const r of all) {
    expect([r.file, kept.includes(r.file)]).toEqual([r.file, r.types.has('AWS::S3::Bucket')]);
  }
});

test('names itself and its rules as CfnGuardValidator does (acknowledgments refer to both)', () => {
  const full = new CfnGuardValidator();
  const scoped = new ScopedControlTowerGuard();
  expect([scoped.name, scoped.version, scoped.ruleIds]).toEqual([full.name, full.version, full.ruleIds]);
  expect(scoped.ruleIds!.length).toBe(controlTowerRuleTypes().length);
});
