import { CfnResource, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';

/**
 * Acknowledges, on one role's policy only, cdk-nag's AwsSolutions-IAM5 findings for the wildcard resources that this library grants on
 * purpose, each with its reason. Not exported from the package.
 *
 * cdk-nag names a finding by the flattened resource (`Resource::<LogicalId.Arn>/prefix/*`), which for a cross-stack reference is only
 * known once the app has been prepared; so the acknowledgments are recorded in a validation hook, which runs after that and before
 * the validation plugins. The resource strings are flattened exactly as cdk-nag does (`flattenCfnReference`).
 */
export class WildcardAcknowledgments {
  private readonly entries: Array<{ resource: string; reason: string }> = [];

  constructor(private readonly role: iam.Role) {
    role.node.addValidation({ validate: () => this.apply() });
  }

  /** Acknowledges `resource` (a string, possibly with tokens, containing `*`) with `reason`. */
  public add(resource: string, reason: string): void {
    this.entries.push({ resource, reason });
  }

  private apply(): string[] {
    const policy = this.role.node.tryFindChild('DefaultPolicy')?.node.defaultChild as CfnResource | undefined;
    if (!policy) {
      return [];
    }
    const stack = Stack.of(policy);
    const reasons = new Map<string, string[]>();
    for (const { resource, reason } of this.entries) {
      const flat = flatten(stack.resolve(resource));
      const list = reasons.get(flat) ?? [];
      if (!list.includes(reason)) {
        list.push(reason);
      }
      reasons.set(flat, list);
    }
    for (const [flat, list] of reasons) {
      Validations.of(policy).acknowledge({ id: `AwsSolutions::AwsSolutions-IAM5[Resource::${flat}]`, reason: list.join(' ') });
    }
    return [];
  }
}

/** cdk-nag's flattening of a CloudFormation value into a string (utils/flatten-cfn-reference). */
function flatten(node: any): string {
  if (node === undefined) {
    return '';
  }
  if (typeof node === 'string') {
    return node.replace(/\${/g, '<').replace(/}/g, '>');
  }
  if (node['Fn::Join']) {
    const [delimiter, items] = node['Fn::Join'];
    return items.map(flatten).join(delimiter);
  }
  if (node['Fn::Sub']) {
    return flatten(node['Fn::Sub']);
  }
  if (node['Fn::GetAtt']) {
    const [resource, attribute] = node['Fn::GetAtt'];
    return `<${flatten(resource)}.${flatten(attribute)}>`;
  }
  if (node['Fn::ImportValue']) {
    return flatten(node['Fn::ImportValue']);
  }
  if (node.Ref) {
    return `<${flatten(node.Ref)}>`;
  }
  return JSON.stringify(node);
}

/** Acknowledges a cfn-guard rule on one construct, with a reason. */
export function acknowledgeGuardRule(scope: IConstruct, rule: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: `cdk-validator-cfnguard::${rule}`, reason });
}
