import { App, CfnElement, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { CfnResolver } from './cfn';
import { IamModel } from './iam-model';

/**
 * One synthesized app under contract: its templates, the resolver of their intrinsics, and the IAM model built from them.
 * Built once per test file and shared by every table of that file (synthesizing is the expensive part).
 */
export class ContractApp {
  public readonly resolver: CfnResolver;
  public readonly iam: IamModel;

  constructor(public readonly label: string, public readonly app: App) {
    const assembly = app.synth();
    const paths = new Map<string, Record<string, string>>();
    for (const c of app.node.findAll()) {
      if (CfnElement.isCfnElement(c)) {
        const stack = Stack.of(c);
        const logicalId = stack.resolve(c.logicalId);
        paths.set(stack.stackName, { ...paths.get(stack.stackName), [logicalId]: c.node.path });
      }
    }
    this.resolver = new CfnResolver(assembly.stacks.map((s) => ({ stackName: s.stackName, template: s.template, paths: paths.get(s.stackName) })));
    this.iam = new IamModel(this.resolver);
  }

  /** A token of a construct (an ARN, a name, a URI), resolved to its concrete value in the stack of the construct. */
  public value(scope: IConstruct, token: string | number): string {
    const stack = Stack.of(scope);
    return this.resolver.resolveString(stack.stackName, stack.resolve(token));
  }

  /** The definition of a state machine, with every CloudFormation reference in it resolved, parsed. */
  public definition(stateMachine: IConstruct): any {
    const cfn = stateMachine.node.defaultChild as CfnElement;
    const stack = Stack.of(cfn);
    const props = this.resolver.template(stack.stackName).Resources[stack.resolve(cfn.logicalId)].Properties;
    return JSON.parse(this.resolver.resolveString(stack.stackName, props.DefinitionString));
  }

  /** The template of a stack. */
  public template(stack: Stack): any {
    return this.resolver.template(stack.stackName);
  }
}

/** A construct path as an exact-match pattern, for finding a principal by the construct that defines it. */
export function pathOf(scope: IConstruct): RegExp {
  return new RegExp(`^${scope.node.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
}
