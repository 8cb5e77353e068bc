import * as fs from 'fs';
import * as path from 'path';
import { IPolicyValidationContextBeta1, IPolicyValidationPluginBeta1, PolicyValidationPluginReportBeta1 } from 'aws-cdk-lib';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';

/** Where `@cdklabs/cdk-validator-cfnguard` keeps the Control Tower proactive rules (one `.guard` file per control). */
export const CONTROL_TOWER_RULES = path.join(path.dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json')),
  'rules', 'control-tower', 'cfn-guard');

/** Every Control Tower rule file, with the resource types it selects (`Type == 'AWS::S3::Bucket'`, `Type in [...]`). */
let ruleTypes: ReadonlyArray<{ readonly file: string; readonly types: ReadonlySet<string> }> | undefined;

export function controlTowerRuleTypes(): ReadonlyArray<{ readonly file: string; readonly types: ReadonlySet<string> }> {
  if (!ruleTypes) {
    const files: string[] = [];
    const walk = (dir: string) => fs.readdirSync(dir).sort().forEach((f) => {
      const p = path.join(dir, f);
      if (fs.statSync(p).isDirectory()) walk(p);
      else if (p.endsWith('.guard')) files.push(p);
    });
    walk(CONTROL_TOWER_RULES);
    ruleTypes = files.map((file) => ({ file, types: new Set(fs.readFileSync(file, 'utf-8').match(/AWS::[A-Za-z0-9]+::[A-Za-z0-9]+/g) ?? []) }));
  }
  return ruleTypes;
}

/**
 * The rule files that can select a resource of the templates: a rule that names resource types applies only if one of them
 * is in a template; a rule that names none always applies.
 */
export function applicableRules(templatePaths: readonly string[]): string[] {
  const present = new Set<string>();
  for (const t of templatePaths) {
    const template = JSON.parse(fs.readFileSync(t, 'utf-8'));
    Object.values<{ Type?: string }>(template.Resources ?? {}).forEach((r) => r.Type && present.add(r.Type));
  }
  return controlTowerRuleTypes().filter((r) => r.types.size === 0 || [...r.types].some((type) => present.has(type))).map((r) => r.file);
}

/**
 * The Control Tower proactive guard rules (`CfnGuardValidator` with its default rules), run only on the rules that can
 * select a resource of the templates being validated. Every Control Tower rule selects resources by type
 * (`Resources.*[ Type == 'AWS::...' ]`), so a rule whose types are all absent has nothing to check; cfn-guard still
 * spends ~20 ms per rule and template walking it, and the 237 rules cost ~4 s per synth of our stacks. Same plugin
 * name, same rule ids, same violations (the compliance harness's self-test compares both on a non-compliant template).
 */
export class ScopedControlTowerGuard implements IPolicyValidationPluginBeta1 {
  public readonly name: string;
  public readonly version?: string;
  public readonly ruleIds?: string[];

  constructor() {
    const all = new CfnGuardValidator();
    this.name = all.name;
    this.version = all.version;
    this.ruleIds = all.ruleIds;
  }

  public validate(context: IPolicyValidationContextBeta1): PolicyValidationPluginReportBeta1 {
    const rules = applicableRules(context.templatePaths);
    if (rules.length === 0) {
      return { success: true, violations: [] };
    }
    return new CfnGuardValidator({ controlTowerRulesEnabled: false, rules }).validate(context);
  }
}
