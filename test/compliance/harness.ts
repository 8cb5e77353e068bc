import * as fs from 'fs';
import * as path from 'path';
import { App, AppProps, CfnElement, Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks } from 'cdk-nag';
import { ScopedControlTowerGuard } from './guard';
import { SHARED_RULE_PACKS } from '../../lib/private/nag';
import { CDK_CONTEXT } from '../util';

/**
 * An App wired for compliance checks, to be given to `checkCompliance` once its stacks are defined:
 * - the built-in CloudFormation validator (`@aws/cloudformation-validate`), with errors and, in strict mode, warnings failing synth;
 * - cdk-nag's AwsSolutions, HIPAA Security and NIST 800-53 R5 packs;
 * - the Control Tower proactive guard rules (`@cdklabs/cdk-validator-cfnguard`), run on the rules that select a resource type of
 *   the templates (`./guard.ts`: same findings, a fraction of the time).
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
  Validations.of(app).addPlugins(
    new AwsSolutionsChecks(app), new HIPAASecurityChecks(app), new NIST80053R5Checks(app), new ScopedControlTowerGuard(),
  );
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
 * An acknowledgment a compliance test expects: the rule as the validation report names it, the construct paths on which
 * `Validations.of(x).acknowledge()` recorded it (`on`), and the resources whose findings it suppressed (`resources`).
 * Pinning `on` is what catches a broadened acknowledgment (a rule acknowledged on a whole stack or lake instead of the
 * one bucket it is for), even while no other resource has the finding yet.
 */
export interface ExpectedAcknowledgment {
  readonly rule: string;
  readonly on: string[];
  readonly resources: string[];
}

/** The shortest reason for an acknowledgment that the harness accepts. */
export const MIN_REASON_LENGTH = 20;

/**
 * Synthesizes an App made by `complianceApp` and throws on any finding that is not acknowledged: a CloudFormation
 * validator diagnostic of WARN or above, a cdk-nag finding of any of its three packs (error or warning), a Control Tower guard
 * finding. Then throws unless the acknowledgments that applied are exactly `expected` (rule and resources, in any
 * order): a new acknowledgment, or one that covers more resources than before, fails the test that pins the list.
 * Prints how many acknowledgments applied, with their reasons.
 */
export function checkCompliance(app: App, label: string, expected: ExpectedAcknowledgment[]): ComplianceResult {
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
  const missingReasons = acknowledgments.filter((a) => a.reason === '(no reason)' || a.reason.trim().length < MIN_REASON_LENGTH);
  if (missingReasons.length > 0) {
    throw new Error(`${label}: acknowledgments without a reason a reviewer would accept: ${missingReasons.map((a) => a.rule).join(', ')}`);
  }
  // Sorted once rules name construct paths, as the expected ones do (a rule with a logical id sorts elsewhere).
  const actual = merge(recordedAcknowledgments(app), acknowledgments).map((a) => ({ ...a, rule: byPath(app, a.rule) }))
    .sort((a, b) => a.rule.localeCompare(b.rule));
  const wanted = merge([], expected);
  if (JSON.stringify(actual) !== JSON.stringify(wanted)) {
    throw new Error(`${label}: the acknowledgments that applied are not the ones this test expects.\n`
      + `unexpected: ${JSON.stringify(actual.filter((a) => !contains(wanted, a)), undefined, 2)}\n`
      + `missing: ${JSON.stringify(wanted.filter((a) => !contains(actual, a)), undefined, 2)}\n`
      + `all that applied: ${JSON.stringify(actual, undefined, 2)}`);
  }

  const lines = acknowledgments.map((a) => `  ${a.plugin} ${a.rule} (${a.resources.length}): ${a.reason}`);
  console.log(`${label}: compliant; ${acknowledgments.length} acknowledgments applied${lines.length ? `:\n${lines.join('\n')}` : ''}`);
  return { stacks: assembly.stacks.map((s) => s.stackName), acknowledgments };
}

function paths(v: any): string[] {
  return (v.violatingResources ?? v.violatingConstructs ?? []).map((r: any) => r.constructPath ?? r.resourceLogicalId ?? '?');
}

/** Where each acknowledgment was recorded: the construct metadata that `Validations.of(x).acknowledge()` writes. */
function recordedAcknowledgments(app: App): { rule: string; on: string[] }[] {
  const out: { rule: string; on: string[] }[] = [];
  for (const c of app.node.findAll()) {
    for (const entry of c.node.metadata) {
      if (entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY && entry.data) {
        for (const id of Object.keys(entry.data)) {
          out.push({ rule: ruleOf(id), on: [c.node.path] });
        }
      }
    }
  }
  return out;
}

/**
 * A rule id with the logical ids it embeds (cdk-nag's `AwsSolutions-IAM5[Resource::<LakemonitoringECBEA2E6.Arn>/...]`)
 * written as construct paths (`<Serve/Lake/monitoring/Resource.Arn>/...`), so that tests pin paths, not logical ids.
 */
function byPath(app: App, rule: string): string {
  const ids = new Map<string, string>();
  for (const c of app.node.findAll()) {
    if (CfnElement.isCfnElement(c)) {
      ids.set(Stack.of(c).resolve(c.logicalId) as string, c.node.path);
    }
  }
  return rule.replace(/<([A-Za-z0-9]+)((\.[A-Za-z0-9]+)?)>/g, (m, id: string, attr: string) => (ids.has(id) ? `<${ids.get(id)}${attr}>` : m));
}

/** 'AwsSolutions::AwsSolutions-IAM5[Resource::*]' -> 'AwsSolutions-IAM5[Resource::*]', as the report names it. */
function ruleOf(qualifiedId: string): string {
  const i = qualifiedId.indexOf('::');
  return i < 0 ? qualifiedId : qualifiedId.slice(i + 2);
}

/** One sorted entry per rule, with the sorted union of where it was recorded and what it suppressed. */
function merge(
  recorded: ReadonlyArray<{ readonly rule: string; readonly on: string[] }>,
  applied: ReadonlyArray<{ readonly rule: string; readonly on?: string[]; readonly resources: string[] }>,
): ExpectedAcknowledgment[] {
  const byRule = new Map<string, { on: Set<string>; resources: Set<string> }>();
  const entry = (rule: string) => {
    const e = byRule.get(rule) ?? { on: new Set<string>(), resources: new Set<string>() };
    byRule.set(rule, e);
    return e;
  };
  recorded.forEach((a) => a.on.forEach((p) => entry(a.rule).on.add(p)));
  applied.forEach((a) => {
    const e = entry(a.rule);
    (a.on ?? []).forEach((p) => e.on.add(p));
    a.resources.forEach((r) => e.resources.add(r));
  });
  return [...byRule.entries()].sort(([a], [b]) => a.localeCompare(b))
    .map(([rule, e]) => ({ rule, on: [...e.on].sort(), resources: [...e.resources].sort() }));
}

function contains(list: ExpectedAcknowledgment[], a: ExpectedAcknowledgment): boolean {
  return list.some((b) => JSON.stringify(b) === JSON.stringify(a));
}

/**
 * The expected acknowledgments of one rule that the HIPAA Security and NIST 800-53 R5 packs share (`LambdaConcurrency`): the
 * library acknowledges both alike (lib/private/nag.ts, acknowledgeSharedRule).
 */
export function ackShared(rule: string, on: string[], resources?: string[]): ExpectedAcknowledgment[] {
  return SHARED_RULE_PACKS.map((pack) => ack(`${pack}-${rule}`, on, resources));
}

/**
 * An expected acknowledgment recorded on the constructs `on`, suppressing the finding of each of their CloudFormation
 * resources (`<path>/Resource`, unless `resources` says otherwise).
 */
export function ack(rule: string, on: string[], resources: string[] = on.map((p) => `${p}/Resource`)): ExpectedAcknowledgment {
  return { rule, on, resources };
}
