import { ArnFormat, IResource, Names, RemovalPolicy, Resource, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import { REGISTER_ACTIONS, REGISTRY_APPROVE_ACTIONS, REGISTRY_CROSS_ACCOUNT_ACTIONS, REGISTRY_READ_ACTIONS, REGISTRY_LIST_ACTIONS } from './perms';
import { InputErrors, isToken } from '../private/validation';

/**
 * A SageMaker model registry (a model package group), defined here or imported.
 *
 * The serving capability depends on this interface only; keep it stable.
 */
export interface IModelRegistry extends IResource {
  /** The name of the model package group. */
  readonly modelPackageGroupName: string;

  /** The ARN of the model package group. */
  readonly modelPackageGroupArn: string;

  /**
   * The ARN of one model package version in this group:
   * `arn:<partition>:sagemaker:<region>:<account>:model-package/<group>/<version>`.
   */
  modelPackageArn(version: number): string;

  /** Grants describing and listing the group's model packages. */
  grantRead(grantee: iam.IGrantable): iam.Grant;

  /**
   * Grants changing the approval status of the group's model packages (`sagemaker:UpdateModelPackage`).
   */
  grantApprove(grantee: iam.IGrantable): iam.Grant;

  /**
   * Grants registering new model packages in the group (`sagemaker:CreateModelPackage`).
   */
  grantRegister(grantee: iam.IGrantable): iam.Grant;

  /**
   * An EventBridge rule that matches when a model package of this group is approved.
   *
   * The event may arrive more than once: AWS services deliver events to EventBridge "at least once" when durable
   * (https://docs.aws.amazon.com/eventbridge/latest/ref/event-delivery-level.html), EventBridge retries targets, and an
   * approval that is set again sends another event. Targets must be idempotent, for example keyed on the model package ARN.
   */
  onModelApproved(id: string, options?: events.OnEventOptions): events.Rule;
}

/**
 * Properties of a `ModelRegistry`.
 */
export interface ModelRegistryProps {
  /**
   * The name of the model package group: 1-63 lowercase letters, digits and hyphens, starting and ending with a letter or digit.
   * Lowercase, so that the model package ARNs in IAM policies are the group's ARNs whatever case SageMaker keeps in them.
   *
   * @default - derived from the construct path, in lowercase
   */
  readonly modelPackageGroupName?: string;

  /**
   * A description of the group, up to 1024 characters.
   *
   * @default - no description
   */
  readonly description?: string;

  /**
   * AWS accounts (12-digit ids) whose principals may describe and list the group's model packages, for example the
   * accounts that serve the models. Defines the group's resource policy.
   *
   * @default - no cross-account access
   */
  readonly crossAccountReadAccountIds?: string[];

  /**
   * What happens to the group when it leaves the stack. Deleting a group fails while it holds model packages.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

const GROUP_NAME = /^[a-z0-9](-*[a-z0-9]){0,62}$/;
const GROUP_NAME_RULE = '1-63 lowercase letters, digits and hyphens, starting and ending with a letter or digit '
  + '(lowercase, so that the model package ARNs granted in IAM policies match the group\'s)';
const ACCOUNT_ID = /^\d{12}$/;

abstract class ModelRegistryBase extends Resource implements IModelRegistry {
  public abstract readonly modelPackageGroupName: string;
  public abstract readonly modelPackageGroupArn: string;

  public modelPackageArn(version: number): string {
    return `${this.modelPackagesArnPrefix()}/${version}`;
  }

  public grantRead(grantee: iam.IGrantable): iam.Grant {
    const read = iam.Grant.addToPrincipal({
      grantee,
      actions: REGISTRY_READ_ACTIONS,
      resourceArns: [this.modelPackageGroupArn, this.modelPackagesArn()],
    });
    // ListModelPackages authorizes against no resource type, so a statement on the group's ARNs never allows it.
    return read.combine(iam.Grant.addToPrincipal({ grantee, actions: REGISTRY_LIST_ACTIONS, resourceArns: ['*'] }));
  }

  public grantApprove(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions: REGISTRY_APPROVE_ACTIONS, resourceArns: [this.modelPackagesArn()] });
  }

  public grantRegister(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions: REGISTER_ACTIONS, resourceArns: [this.modelPackagesArn()] });
  }

  public onModelApproved(id: string, options: events.OnEventOptions = {}): events.Rule {
    const rule = new events.Rule(this, id, options);
    rule.addEventPattern({
      source: ['aws.sagemaker'],
      detailType: ['SageMaker Model Package State Change'],
      detail: {
        ModelPackageGroupName: [this.modelPackageGroupName],
        ModelApprovalStatus: ['Approved'],
      },
    });
    if (options.target) {
      rule.addTarget(options.target);
    }
    return rule;
  }

  /** `arn:...:model-package/<group>/*`: every version of the group. */
  public modelPackagesArn(): string {
    return `${this.modelPackagesArnPrefix()}/*`;
  }

  private modelPackagesArnPrefix(): string {
    return Stack.of(this).formatArn({
      service: 'sagemaker', resource: 'model-package', resourceName: this.modelPackageGroupName, arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
  }
}

/**
 * A SageMaker model registry: a model package group whose versions are the trained models, with their approval status.
 * Retained by default, because the group and its versions are the record of what was deployed.
 *
 * @example
 * const registry = new ModelRegistry(this, 'Registry', { crossAccountReadAccountIds: ['111122223333'] });
 * registry.grantApprove(releaseManagerRole);
 * registry.onModelApproved('Deploy', { target: new targets.SfnStateMachine(deployMachine) });
 */
export class ModelRegistry extends ModelRegistryBase {
  /**
   * Imports a model package group of this account and region by name.
   */
  public static fromModelPackageGroupName(scope: Construct, id: string, modelPackageGroupName: string): IModelRegistry {
    class Import extends ModelRegistryBase {
      public readonly modelPackageGroupName = modelPackageGroupName;
      public readonly modelPackageGroupArn = Stack.of(scope).formatArn({
        service: 'sagemaker',
        resource: 'model-package-group',
        resourceName: modelPackageGroupName,
      });
    }
    if (!isToken(modelPackageGroupName) && !GROUP_NAME.test(modelPackageGroupName)) {
      throw new Error(`ModelRegistry.fromModelPackageGroupName ${scope.node.path}/${id}: modelPackageGroupName must be `
        + `${GROUP_NAME_RULE}, got '${modelPackageGroupName}'`);
    }
    return new Import(scope, id);
  }

  public readonly modelPackageGroupName: string;
  public readonly modelPackageGroupArn: string;
  /** The underlying CloudFormation resource. */
  public readonly resource: sagemaker.CfnModelPackageGroup;

  constructor(scope: Construct, id: string, props: ModelRegistryProps = {}) {
    super(scope, id);

    const errors = new InputErrors(this, 'ModelRegistry');
    const name = props.modelPackageGroupName ?? Names.uniqueResourceName(this, { maxLength: 63, separator: '-' }).toLowerCase();
    if (!isToken(name)) {
      errors.check(GROUP_NAME.test(name), 'modelPackageGroupName', name, GROUP_NAME_RULE);
    }
    if (props.description !== undefined && !isToken(props.description)) {
      errors.check(props.description.length <= 1024, 'description', `${props.description.length} characters`, 'at most 1024 characters');
    }
    const accounts = props.crossAccountReadAccountIds ?? [];
    accounts.forEach((account, i) => {
      if (!isToken(account)) {
        errors.check(ACCOUNT_ID.test(account), `crossAccountReadAccountIds[${i}]`, account, 'a 12-digit AWS account id');
      }
    });
    errors.throwIfAny();

    this.modelPackageGroupName = name;
    this.resource = new sagemaker.CfnModelPackageGroup(this, 'Resource', {
      modelPackageGroupName: name,
      modelPackageGroupDescription: props.description,
      modelPackageGroupPolicy: accounts.length > 0 ? this.crossAccountPolicy(name, accounts) : undefined,
    });
    this.resource.applyRemovalPolicy(props.removalPolicy ?? RemovalPolicy.RETAIN);
    this.modelPackageGroupArn = this.resource.attrModelPackageGroupArn;
  }

  private crossAccountPolicy(name: string, accounts: string[]): any {
    // Built from the name, not from the resource's ARN attribute: a resource cannot reference itself.
    const groupArn = Stack.of(this).formatArn({ service: 'sagemaker', resource: 'model-package-group', resourceName: name });
    const document = new iam.PolicyDocument({
      statements: [new iam.PolicyStatement({
        sid: 'CrossAccountRead',
        principals: accounts.map((account) => new iam.AccountPrincipal(account)),
        actions: REGISTRY_CROSS_ACCOUNT_ACTIONS,
        resources: [groupArn, this.modelPackagesArn()],
      })],
    });
    return document.toJSON();
  }
}
