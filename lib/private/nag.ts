import { Stack, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Acknowledges cdk-nag's AwsSolutions-IAM5 finding for each given resource ARN of a policy, and for nothing else.
 *
 * The finding id embeds the resource as it appears in the template (references flattened the way cdk-nag does), which
 * is known only once cross-stack references are resolved: the acknowledgment is therefore recorded during validation,
 * which runs after references are resolved and before the validation plugins.
 */
export function acknowledgeWildcardResources(policy: IConstruct, resourceArns: string[], reason: string): void {
  policy.node.addValidation({
    validate: () => {
      const stack = Stack.of(policy);
      for (const arn of resourceArns) {
        Validations.of(policy).acknowledge({ id: `AwsSolutions::AwsSolutions-IAM5[Resource::${flattenCfnReference(stack.resolve(arn))}]`, reason });
      }
      return [];
    },
  });
}

/**
 * Flattens a resolved CloudFormation value the way cdk-nag names findings (its utils/flatten-cfn-reference): `<Logical.Attr>`,
 * `<Ref>`, joined strings.
 */
export function flattenCfnReference(node: unknown): string {
  if (node === undefined) {
    return '';
  }
  if (typeof node === 'string') {
    return node.replace(/\$\{/g, '<').replace(/}/g, '>');
  }
  const o = node as Record<string, any>;
  if (o['Fn::Join']) {
    const [delimiter, items] = o['Fn::Join'];
    return (items as unknown[]).map(flattenCfnReference).join(delimiter);
  }
  if (o['Fn::Sub']) {
    return flattenCfnReference(o['Fn::Sub']);
  }
  if (o['Fn::GetAtt']) {
    const [resource, attribute] = o['Fn::GetAtt'];
    return `<${flattenCfnReference(resource)}.${flattenCfnReference(attribute)}>`;
  }
  if (o['Fn::ImportValue']) {
    return flattenCfnReference(o['Fn::ImportValue']);
  }
  if (o.Ref) {
    return `<${flattenCfnReference(o.Ref)}>`;
  }
  return JSON.stringify(node);
}

/**
 * The cdk-nag packs that share their rule names (`<pack>-<rule>`) and that the library's constructs are checked against besides
 * AwsSolutions: HIPAA Security and NIST 800-53 R5.
 */
export const SHARED_RULE_PACKS = ['HIPAA.Security', 'NIST.800.53.R5'];

/**
 * Acknowledges one rule of the HIPAA Security and NIST 800-53 R5 packs (e.g. `LambdaConcurrency`) on `scope`, with one reason
 * for both: the packs check the same AWS Config rule under the same name.
 */
export function acknowledgeSharedRule(scope: IConstruct, rule: string, reason: string): void {
  Validations.of(scope).acknowledge(...SHARED_RULE_PACKS.map((pack) => ({ id: `${pack}::${pack}-${rule}`, reason })));
}

/**
 * Acknowledges the Control Tower, HIPAA Security and NIST 800-53 R5 findings on an alarm defined without actions because the
 * user gave no alert topics: it still shows in the console, on dashboards and in composite alarms.
 */
export function acknowledgeNoAlarmAction(alarm: IConstruct): void {
  acknowledgeAlarmWithoutAction(alarm, 'No alert topics were given to this construct, so the alarm has no action; it still shows in '
    + 'the console, on dashboards and in composite alarms. Pass alerts to route it.');
}

/** Acknowledges every pack's "alarm without action" rule on `alarm`, for `reason`. */
export function acknowledgeAlarmWithoutAction(alarm: IConstruct, reason: string): void {
  Validations.of(alarm).acknowledge({ id: 'cdk-validator-cfnguard::cloudwatch_alarm_action_check', reason });
  acknowledgeSharedRule(alarm, 'CloudWatchAlarmAction', reason);
}

/**
 * Why a role the library defines keeps its policy inline (HIPAA Security and NIST 800-53 R5 `IAMNoInlinePolicy`): AWS's IAM user
 * guide recommends inline policies to keep "a strict one-to-one relationship between a policy and the identity that it's applied
 * to" (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-vs-inline.html#choosing-managed-or-inline).
 */
export const INLINE_POLICY_REASON = 'The least-privilege policy of this one role, which the library defines for one purpose: inline on '
  + 'purpose, so that it cannot be attached to any other principal (AWS IAM user guide: inline policies keep a strict one-to-one '
  + 'relationship between a policy and its identity); CloudFormation versions and rolls it back with the stack.';

/**
 * Acknowledges the inline-policy rule on a role the library defines (its default policy and any overflow policy the CDK splits
 * off) or on a policy the library attaches to such a role.
 */
export function acknowledgeInlinePolicy(roleOrPolicy: IConstruct, reason: string = INLINE_POLICY_REASON): void {
  acknowledgeSharedRule(roleOrPolicy, 'IAMNoInlinePolicy', reason);
}
