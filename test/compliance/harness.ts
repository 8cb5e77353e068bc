import * as fs from 'fs';
import * as path from 'path';
import { App, AppProps, Validations } from 'aws-cdk-lib';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CDK_CONTEXT } from '../util';

/**
 * An App wired for compliance checks, to be given to `checkCompliance` once its stacks are defined:
 * - the built-in CloudFormation validator (`@aws/cloudformation-validate`), with errors and, in strict mode, warnings failing synth;
 * - cdk-nag's AwsSolutions pack;
 * - the Control Tower proactive guard rules (`@cdklabs/cdk-validator-cfnguard`).
 */
export function complianceApp(props: AppProps = {}): App {
  const app = new App({
    ...props,
    builtinCloudFormationValidation: true,
    context: {
      ...CDK_CONTEXT,
      '@aws-cdk/core:validateAgainstDefaultRules': true,
      // Construct-library strict mode: a validator warning fails synth too.
      '@aws-cdk/core:strictCfnValidateErrors': true,
      ...props.context,
    },
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new CfnGuardValidator());
  return app;
}

/** One acknowledged finding: which rule, where, and why. */
export interface AppliedAcknowledgment {
  readonly plugin: string;
  readonly rule: string;
  readonly reason: string;
  readonly resources: string[];
}

/** What a compliant synth reports. */
export interface ComplianceResult {
  readonly stacks: string[];
  readonly acknowledgments: AppliedAcknowledgment[];
}

/**
 * Synthesizes an App made by `complianceApp` and throws on any finding that is not acknowledged: a CloudFormation
 * validator diagnostic of WARN or above, a cdk-nag AwsSolutions finding (error or warning), a Control Tower guard
 * finding. Prints how many acknowledgments applied, with their reasons.
 */
export function checkCompliance(app: App, label: string): ComplianceResult {
  const assembly = app.synth(); // throws with the full report on an unacknowledged finding
  const report = JSON.parse(fs.readFileSync(path.join(assembly.directory, 'validation-report.json'), 'utf-8'));

  const findings: string[] = [];
  const acknowledgments: AppliedAcknowledgment[] = [];
  for (const plugin of report.pluginReports ?? []) {
    for (const v of plugin.violations ?? []) {
      // Belt and braces: strict mode already throws on these.
      findings.push(`${plugin.summary?.pluginName ?? plugin.pluginName}: ${v.ruleName} ${v.description ?? ''} at ${paths(v).join(', ')}`);
    }
    for (const s of plugin.suppressedViolations ?? []) {
      acknowledgments.push({
        plugin: plugin.summary?.pluginName ?? plugin.pluginName ?? '?',
        rule: s.ruleName,
        reason: s.reason ?? '(no reason)',
        resources: paths(s),
      });
    }
  }
  if (findings.length > 0) {
    throw new Error(`${label}: ${findings.length} unacknowledged findings:\n${findings.join('\n')}`);
  }
  const missingReasons = acknowledgments.filter((a) => !a.reason || a.reason === '(no reason)' || a.reason.length < 20);
  if (missingReasons.length > 0) {
    throw new Error(`${label}: acknowledgments without a reason a reviewer would accept: ${missingReasons.map((a) => a.rule).join(', ')}`);
  }

  const lines = acknowledgments.map((a) => `  ${a.plugin} ${a.rule} (${a.resources.length}): ${a.reason}`);
  console.log(`${label}: compliant; ${acknowledgments.length} acknowledgments applied${lines.length ? `:\n${lines.join('\n')}` : ''}`);
  return { stacks: assembly.stacks.map((s) => s.stackName), acknowledgments };
}

function paths(v: any): string[] {
  return (v.violatingResources ?? v.violatingConstructs ?? []).map((r: any) => r.constructPath ?? r.resourceLogicalId ?? '?');
}
