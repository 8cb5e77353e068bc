import { CfnResource, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { flattenCfnReference } from '../private/nag';

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
      const flat = flattenCfnReference(stack.resolve(resource));
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

/** Acknowledges a cfn-guard rule on one construct, with a reason. */
export function acknowledgeGuardRule(scope: IConstruct, rule: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: `cdk-validator-cfnguard::${rule}`, reason });
}
