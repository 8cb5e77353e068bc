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
 * Acknowledges the Control Tower finding on an alarm defined without actions because the user gave no alert topics:
 * it still shows in the console, on dashboards and in composite alarms.
 */
export function acknowledgeNoAlarmAction(alarm: IConstruct): void {
  Validations.of(alarm).acknowledge({
    id: 'cdk-validator-cfnguard::cloudwatch_alarm_action_check',
    reason: 'No alert topics were given to this construct, so the alarm has no action; it still shows in the console, on '
      + 'dashboards and in composite alarms. Pass alerts to route it.',
  });
}
