import { Annotations, ArnFormat, CfnCondition, CfnParameter, Fn, IResolvable, IResource, Resource, Stack, Token, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import * as alpha from '@aws-cdk/aws-sagemaker-alpha';
import { Construct } from 'constructs';
import { acknowledgeInlinePolicy, acknowledgeWildcardResources } from '../private/nag';
import { grantObjects } from '../private/s3-grants';
import { DESCRIBE_MODEL_PACKAGE_ACTIONS, VPC_ACTIONS } from './perms';
import { ILakeZone } from '../data-lake';
import { InputErrors, checkWholeNumber, isToken } from '../private/validation';
import { IModelRegistry } from '../training/model-registry';

/**
 * A SageMaker model that an endpoint variant can serve.
 */
export interface IServingModel extends IResource, iam.IGrantable {
  /** The name of the model. @attribute */
  readonly modelName: string;

  /** The ARN of the model. @attribute */
  readonly modelArn: string;

  /** Whether the model's containers run without network access (serverless variants cannot serve such a model). */
  readonly networkIsolation: boolean;

  /** Whether the model's containers run in a VPC (serverless variants cannot serve such a model). */
  readonly vpcAttached: boolean;

  /**
   * The stack parameter that holds the approved model package ARN the model serves (set by a `ModelDeploymentPipeline`), when the
   * model serves an approved package (`approvedModelPackage`).
   */
  readonly modelPackageParameter?: CfnParameter;
}

/**
 * Model artifacts in S3, with a grant on exactly one object (the alpha `ModelData.fromBucket` grants read on the
 * whole bucket).
 */
export class ServingModelData {
  /**
   * A `model.tar.gz` in a zone of the lake, usually `models`. The model's role may read that one object and decrypt it
   * with the zone's key.
   *
   * @param zone the lake zone, e.g. `lake.zone('models')`
   * @param key the object key, e.g. `churn/v3/model.tar.gz`
   */
  public static fromLakeZone(zone: ILakeZone, key: string): alpha.ModelData {
    return new ObjectModelData(zone.bucket, key, zone.encryptionKey ?? zone.bucket.encryptionKey, zone);
  }

  /**
   * A `model.tar.gz` in any bucket. The model's role may read that one object and, if the bucket has a key, decrypt it.
   */
  public static fromObject(bucket: s3.IBucket, key: string): alpha.ModelData {
    return new ObjectModelData(bucket, key, bucket.encryptionKey);
  }

  private constructor() {}
}

class ObjectModelData extends alpha.ModelData {
  constructor(private readonly bucket: s3.IBucket, private readonly key: string, private readonly encryptionKey?: kms.IKey,
    private readonly zone?: ILakeZone) {
    super();
  }

  public bind(scope: Construct, model: alpha.IModel): alpha.ModelDataConfig {
    const errors = new InputErrors(scope, 'ServingModel');
    if (!isToken(this.key) && (this.key.length === 0 || this.key.startsWith('/') || this.key.includes('*'))) {
      errors.add('modelData key', this.key, 'an S3 object key without a leading slash or wildcards, e.g. \'churn/v3/model.tar.gz\'');
    }
    errors.throwIfAny();
    if (this.zone) {
      this.zone.grantObjectRead(model, this.key);
    } else {
      grantObjects(model, { bucket: this.bucket, encryptionKey: this.encryptionKey, objectKey: this.key }, { read: true });
    }
    return { uri: this.bucket.s3UrlForObject(this.key) };
  }
}

/**
 * A model package of a `ModelRegistry` to serve, and where its artifacts live.
 */
export interface ModelPackageSource {
  /** The registry (model package group). */
  readonly registry: IModelRegistry;

  /** The version of the model package, from 1. */
  readonly version: number;

  /**
   * The lake zone that holds the package's model artifacts; the model's role may read objects under
   * `artifactsPrefix` there.
   *
   * @default - no read access to artifacts is granted: grant it on `model.grantPrincipal` yourself
   */
  readonly artifactsZone?: ILakeZone;

  /**
   * The key prefix of the package's artifacts in `artifactsZone`, e.g. `churn/`.
   *
   * @default - the whole zone
   */
  readonly artifactsPrefix?: string;

  /**
   * The ECR repository of the package's inference image; the model's role may pull from it.
   *
   * @default - no pull access is granted (fine for images in AWS-owned repositories such as the built-in algorithms)
   */
  readonly imageRepository?: ecr.IRepository;
}

/**
 * The approved model package that a deployment pipeline (`ModelDeploymentPipeline`) resolved, passed to the stack as a
 * CloudFormation parameter, with `image` and `modelData` as the model served while the parameter is 'fallback' (the first deploy,
 * before any version is approved).
 */
export interface ApprovedModelPackageSource {
  /** The registry (model package group) whose approved versions the parameter may name. */
  readonly registry: IModelRegistry;

  /**
   * The logical id of the stack's CloudFormation parameter that holds the model package ARN: the key the pipeline overrides.
   * Letters and digits only, unique in the stack.
   *
   * @default - 'ModelPackageArn' followed by the model's path below its stack, letters and digits only (e.g. 'ModelPackageArnChallenger')
   */
  readonly parameterName?: string;

  /**
   * The lake zone that holds the packages' model artifacts; the model's role may read objects under `artifactsPrefix` there.
   *
   * @default - no read access to package artifacts is granted: grant it on `model.grantPrincipal` yourself
   */
  readonly artifactsZone?: ILakeZone;

  /**
   * The key prefix of the packages' artifacts in `artifactsZone`, e.g. `training/churn/output/`.
   *
   * @default - the whole zone
   */
  readonly artifactsPrefix?: string;

  /**
   * The ECR repository of the packages' inference image; the model's role may pull from it.
   *
   * @default - no pull access is granted beyond the fallback image's
   */
  readonly imageRepository?: ecr.IRepository;
}

/**
 * Properties of a `ServingModel`: either `image` (and usually `modelData`), or `modelPackage`; or `image` with
 * `approvedModelPackage`, which serves the package a pipeline passes in and the image until it does.
 */
export interface ServingModelProps {
  /**
   * The inference image. The model's role may pull it.
   *
   * @default - none; then `modelPackage` is required
   */
  readonly image?: alpha.ContainerImage;

  /**
   * The model artifacts. Prefer `ServingModelData.fromLakeZone(...)`, whose grant covers one object; the alpha
   * `ModelData.fromBucket(...)` grants read on the whole bucket.
   *
   * @default - the image holds the model
   */
  readonly modelData?: alpha.ModelData;

  /**
   * Environment variables of the container.
   *
   * @default - none
   */
  readonly environment?: { [name: string]: string };

  /**
   * A registered model package to serve instead of `image` and `modelData`.
   *
   * @default - none; then `image` is required
   */
  readonly modelPackage?: ModelPackageSource;

  /**
   * Serve the approved model package that a deployment pipeline passes in a CloudFormation parameter (its ARN), and
   * `image` with `modelData` and `environment` while the parameter is 'fallback' (its default): the first deploy works before
   * any version is approved, and the stack pins no version. Needs `image`; excludes `modelPackage`.
   *
   * @default - the model serves `image` or `modelPackage`, fixed at synth
   */
  readonly approvedModelPackage?: ApprovedModelPackageSource;

  /**
   * The execution role. If you pass one, the grants are added to it.
   *
   * @default - a role that SageMaker can assume, with only the permissions this model needs
   */
  readonly role?: iam.IRole;

  /**
   * Run the containers without any network access: they can neither call out nor be reached except through the
   * SageMaker runtime. Serverless variants cannot serve an isolated model; some containers (for example those that
   * download weights from a hub at start) need network access.
   *
   * @default true
   */
  readonly networkIsolation?: boolean;

  /**
   * A VPC to attach the containers to.
   *
   * @default - no VPC
   */
  readonly vpc?: ec2.IVpc;

  /**
   * The subnets of `vpc` for the containers.
   *
   * @default - the private subnets of `vpc` with egress, or its isolated subnets when it has none (then the containers reach
   * ECR, S3 and CloudWatch Logs only through VPC endpoints, which you define)
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * The security groups of the containers in `vpc`.
   *
   * @default - one security group is defined, without inbound rules
   */
  readonly securityGroups?: ec2.ISecurityGroup[];
}

/**
 * A SageMaker model with a least-privilege execution role: it may read its model data (and decrypt it), pull its
 * image, read its model package, and nothing else. An endpoint that serves the model adds the right to write that
 * endpoint's logs (and its data capture). The model resource depends on the role's policy, so that SageMaker never
 * sees the role without its permissions.
 *
 * @example
 * const model = new ServingModel(this, 'Champion', {
 *   image: ContainerImage.fromEcrRepository(repo, '1.4.2'),
 *   modelData: ServingModelData.fromLakeZone(lake.zone('models'), 'churn/v3/model.tar.gz'),
 * });
 */
export class ServingModel extends Resource implements IServingModel, alpha.IModel {
  public readonly modelName: string;
  public readonly modelArn: string;
  /** The execution role of the model (always set on a model defined here; optional in the alpha module's `IModel`). */
  public readonly role?: iam.IRole;
  public readonly grantPrincipal: iam.IPrincipal;
  public readonly networkIsolation: boolean;
  public readonly vpcAttached: boolean;
  /** The underlying model resource. */
  public readonly resource: sagemaker.CfnModel;
  /**
   * The CloudFormation parameter that holds the approved model package ARN ('fallback': the fallback image); only with
   * `approvedModelPackage`. A `ModelDeploymentPipeline` sets it.
   */
  public readonly modelPackageParameter?: CfnParameter;
  private readonly _connections?: ec2.Connections;
  private readonly starReasons: string[] = [];

  constructor(scope: Construct, id: string, props: ServingModelProps) {
    super(scope, id);

    const errors = new InputErrors(this, 'ServingModel');
    if ((props.image === undefined) === (props.modelPackage === undefined)) {
      errors.addMessage('exactly one of image and modelPackage must be given');
    }
    if (props.modelPackage && (props.modelData || props.environment)) {
      errors.addMessage('modelData and environment come from the model package: give them only with image');
    }
    if (props.modelPackage) {
      if (props.modelPackage.version === undefined || props.modelPackage.version === null) {
        errors.add('modelPackage.version', props.modelPackage.version, 'a whole number >= 1');
      }
      checkWholeNumber(errors, 'modelPackage.version', props.modelPackage.version, { min: 1 });
    }
    if (props.approvedModelPackage) {
      if (props.modelPackage) {
        errors.addMessage('approvedModelPackage and modelPackage exclude each other: the pipeline chooses the version of an approved package');
      } else if (!props.image) {
        errors.add('image', undefined, 'given with approvedModelPackage: the image (with modelData) is the model served until the pipeline '
          + 'passes an approved package, e.g. the champion from the lake');
      }
      const name = props.approvedModelPackage.parameterName;
      if (name !== undefined && !isToken(name) && !PARAMETER_NAME.test(name)) {
        errors.add('approvedModelPackage.parameterName', name, 'letters and digits only, starting with a letter, at most 255 characters '
          + '(a CloudFormation logical id)');
      }
    }
    checkEnvironment(errors, props.environment);
    if (props.vpc === undefined && (props.vpcSubnets || props.securityGroups)) {
      errors.addMessage('vpcSubnets and securityGroups need vpc');
    }
    errors.throwIfAny();

    this.networkIsolation = props.networkIsolation ?? true;
    this.vpcAttached = props.vpc !== undefined;
    this.role = props.role ?? new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description: `Execution role of the SageMaker model ${this.node.path}`,
    });
    if (!props.role) {
      acknowledgeInlinePolicy(this.role);
    }
    this.grantPrincipal = this.role;

    let vpcConfig: sagemaker.CfnModel.VpcConfigProperty | undefined;
    if (props.vpc) {
      const securityGroups = props.securityGroups ?? [new ec2.SecurityGroup(this, 'SecurityGroup', {
        vpc: props.vpc,
        description: `Containers of the SageMaker model ${this.node.path}`,
        allowAllOutbound: true,
      })];
      this._connections = new ec2.Connections({ securityGroups });
      vpcConfig = {
        subnets: props.vpc.selectSubnets(props.vpcSubnets ?? this.defaultSubnets(props.vpc)).subnetIds,
        securityGroupIds: securityGroups.map((sg) => sg.securityGroupId),
      };
      iam.Grant.addToPrincipal({ grantee: this, actions: VPC_ACTIONS, resourceArns: ['*'] });
      this.starReasons.push(VPC_REASON);
    }

    let primaryContainer: sagemaker.CfnModel.ContainerDefinitionProperty;
    if (props.modelPackage) {
      primaryContainer = { modelPackageName: this.bindModelPackage(props.modelPackage) };
    } else {
      // The alpha images only use the model as a grantee (`repository.grantPull(model)`).
      const image = props.image!.bind(this, this as unknown as alpha.Model);
      this.starReasons.push(ECR_REASON);
      primaryContainer = {
        image: image.imageName,
        modelDataUrl: props.modelData?.bind(this, this).uri,
        environment: props.environment,
      };
      if (props.approvedModelPackage) {
        const approved = this.bindApprovedModelPackage(props.approvedModelPackage);
        this.modelPackageParameter = approved.parameter;
        // Either the fallback's image, data and environment, or the package: CreateModel takes one or the other.
        const ifEmpty = (value: unknown, otherwise: unknown) => Fn.conditionIf(approved.fallback.logicalId, value, otherwise);
        const noValue = Fn.ref('AWS::NoValue');
        const fallback = primaryContainer;
        primaryContainer = {
          image: Token.asString(ifEmpty(fallback.image, noValue)),
          modelDataUrl: fallback.modelDataUrl === undefined ? undefined : Token.asString(ifEmpty(fallback.modelDataUrl, noValue)),
          environment: fallback.environment === undefined ? undefined : ifEmpty(fallback.environment, noValue) as IResolvable,
          modelPackageName: Token.asString(ifEmpty(noValue, approved.parameter.valueAsString)),
        };
      }
    }

    this.resource = new sagemaker.CfnModel(this, 'Resource', {
      executionRoleArn: this.role.roleArn,
      primaryContainer,
      enableNetworkIsolation: this.networkIsolation,
      vpcConfig,
    });
    // Without this, SageMaker may validate the role before its policy exists and fail to pull the image or the data.
    this.resource.node.addDependency(this.role);

    const policy = this.role instanceof iam.Role ? this.role.node.tryFindChild('DefaultPolicy') : undefined;
    if (policy && this.starReasons.length > 0) {
      Validations.of(policy).acknowledge({ id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]', reason: this.starReasons.join(' ') });
    }

    this.modelName = this.resource.attrModelName;
    // From the resource: SageMaker's ARN of the model as it was created (its name lowercased there), not one rebuilt from the name.
    this.modelArn = this.resource.attrModelArn;
  }

  /** The security groups of the model's containers; only for a model in a VPC. */
  public get connections(): ec2.Connections {
    if (!this._connections) {
      throw new Error(`ServingModel ${this.node.path}: connections need a model in a VPC (the vpc prop)`);
    }
    return this._connections;
  }

  /**
   * The private subnets of the VPC with egress, or its isolated ones when it has none (the containers then reach ECR, S3 and
   * CloudWatch Logs through VPC endpoints only); never public subnets.
   */
  private defaultSubnets(vpc: ec2.IVpc): ec2.SubnetSelection {
    if (vpc.privateSubnets.length > 0) {
      return { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
    }
    if (vpc.isolatedSubnets.length > 0) {
      return { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
    }
    const errors = new InputErrors(this, 'ServingModel');
    errors.add('vpcSubnets', undefined, 'given when the VPC has neither private subnets with egress nor isolated subnets (the VPC '
      + `${vpc.node.path} has none): pass the subnets for the containers, e.g. { subnets: [...] }`);
    errors.throwIfAny();
    return {};
  }

  /** Adds a statement to the model's execution role. */
  public addToRolePolicy(statement: iam.PolicyStatement): void {
    this.grantPrincipal.addToPrincipalPolicy(statement);
  }

  private bindModelPackage(source: ModelPackageSource): string {
    const arn = source.registry.modelPackageArn(source.version);
    iam.Grant.addToPrincipal({ grantee: this, actions: DESCRIBE_MODEL_PACKAGE_ACTIONS, resourceArns: [arn] });
    this.bindPackageArtifacts(source, 'modelPackage');
    return arn;
  }

  /**
   * The parameter ('fallback' by default: the fallback image), the condition that it is, and the grants on every version of the
   * group (the version is chosen after this stack is deployed).
   */
  private bindApprovedModelPackage(source: ApprovedModelPackageSource): { parameter: CfnParameter; fallback: CfnCondition } {
    const stack = Stack.of(this);
    const below = this.node.path.split('/').slice(stack.node.path.split('/').length).join('');
    const name = source.parameterName ?? `ModelPackageArn${below.replace(/[^A-Za-z0-9]/g, '')}`;
    const group = source.registry.modelPackageGroupName;
    const registryStack = Stack.of(source.registry);
    const packagePrefix = registryStack.formatArn({ service: 'sagemaker', resource: 'model-package', resourceName: group,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
    const parameter = new CfnParameter(stack, name, {
      type: 'String',
      // A word rather than '': CloudFormation's validator checks the default against ModelPackageName's pattern (at least 1 character).
      default: FALLBACK,
      // A literal pattern (CloudFormation resolves no intrinsic here): this group's versions when its name is known at synth.
      allowedPattern: `^${FALLBACK}$|^arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:[0-9]{12}:model-package/${isToken(group) ? '[a-z0-9-]{1,63}' : group}/[0-9]+$`,
      constraintDescription: `${FALLBACK} (serve the fallback image) or the ARN of a version of the model package group`,
      description: `The approved model package that ${this.node.path} serves (set by the deployment pipeline); ${FALLBACK}: the fallback `
        + 'image and model data the stack names.',
    });
    const fallback = new CfnCondition(stack, `${name}IsFallback`, { expression: Fn.conditionEquals(parameter.valueAsString, FALLBACK) });
    const packages = `${packagePrefix}/*`;
    iam.Grant.addToPrincipal({ grantee: this, actions: DESCRIBE_MODEL_PACKAGE_ACTIONS, resourceArns: [packages] });
    const policy = this.role instanceof iam.Role ? this.role.node.tryFindChild('DefaultPolicy') : undefined;
    if (policy) {
      acknowledgeWildcardResources(policy, [packages], 'The deployment pipeline chooses the approved version after this stack is '
        + 'deployed: the role may describe (sagemaker:DescribeModelPackage) the versions of this one model package group, no other group.');
    }
    this.bindPackageArtifacts(source, 'approvedModelPackage');
    return { parameter, fallback };
  }

  private bindPackageArtifacts(source: PackageArtifacts, prop: string): void {
    if (source.artifactsZone) {
      const zone = source.artifactsZone;
      const prefix = zone.normalizePrefix(source.artifactsPrefix);
      const artifacts = zone.bucket.arnForObjects(`${prefix}*`);
      zone.grantRead(this, prefix);
      const policy = this.role instanceof iam.Role ? this.role.node.tryFindChild('DefaultPolicy') : undefined;
      if (policy) {
        acknowledgeWildcardResources(policy, [artifacts], 'A model package names its artifacts when it is registered, after this stack '
          + 'is deployed: the role may read (s3:GetObject, and s3:ListBucket under the prefix) the objects under the package artifacts prefix.');
      }
    }
    if (source.imageRepository) {
      source.imageRepository.grantPull(this);
      this.starReasons.push(ECR_REASON);
    } else {
      Annotations.of(this).addWarningV2('cdk-mlops:model-package-image-pull', `${prop}.imageRepository is not given, so the `
        + 'model\'s role may pull no image from ECR: SageMaker pulls the image the package\'s container names with this role, and '
        + 'CreateModel fails unless the image is in an AWS-owned repository (a built-in algorithm) or its repository policy lets the role '
        + 'pull. Pass the ECR repository of the image the package was registered with (for a TrainingPipeline: its inferenceImage, '
        + 'or its training image when it registers that).');
    }
  }
}

/**
 * SageMaker's limits on a container's environment (CreateModel ContainerDefinition Environment,
 * https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ContainerDefinition.html): at most 100 variables, keys matching
 * `[a-zA-Z_][a-zA-Z0-9_]*`, keys and values of at most 1024 bytes, all keys and values together at most 32 KB.
 */
const ENV_MAX_VARIABLES = 100;
const ENV_KEY = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const ENV_MAX_BYTES = 1024;
const ENV_MAX_TOTAL_BYTES = 32 * 1024;

function checkEnvironment(errors: InputErrors, environment: unknown): void {
  if (environment === undefined || environment === null || isToken(environment)) {
    return;
  }
  if (typeof environment !== 'object' || Array.isArray(environment)) {
    errors.add('environment', environment, 'an object of variable names to string values, e.g. { SAGEMAKER_PROGRAM: \'inference.py\' }');
    return;
  }
  const entries = Object.entries(environment as Record<string, unknown>);
  if (entries.length > ENV_MAX_VARIABLES) {
    errors.add('environment', `${entries.length} variables`, `at most ${ENV_MAX_VARIABLES} variables (SageMaker's limit per container)`);
  }
  let total = 0;
  for (const [key, value] of entries) {
    if (!isToken(key) && !ENV_KEY.test(key)) {
      errors.add('environment key', key, 'a variable name matching [a-zA-Z_][a-zA-Z0-9_]* (letters, digits and underscores, not starting with a digit)');
    }
    if (Buffer.byteLength(key) > ENV_MAX_BYTES) {
      errors.add('environment key', `${key.slice(0, 20)}... (${Buffer.byteLength(key)} bytes)`, `at most ${ENV_MAX_BYTES} bytes`);
    }
    total += Buffer.byteLength(key);
    if (isToken(value)) {
      continue;
    }
    if (typeof value !== 'string') {
      errors.add(`environment['${key}']`, value, 'a string (environment values are text: write numbers and booleans as strings)');
      continue;
    }
    const bytes = Buffer.byteLength(value);
    total += bytes;
    if (bytes > ENV_MAX_BYTES) {
      errors.add(`environment['${key}']`, `${value.slice(0, 20)}... (${bytes} bytes)`, `at most ${ENV_MAX_BYTES} bytes`);
    }
  }
  if (total > ENV_MAX_TOTAL_BYTES) {
    errors.add('environment', `${total} bytes of keys and values`, `at most ${ENV_MAX_TOTAL_BYTES} bytes in all (32 KB)`);
  }
}

interface PackageArtifacts {
  readonly artifactsZone?: ILakeZone;
  readonly artifactsPrefix?: string;
  readonly imageRepository?: ecr.IRepository;
}

/** The value of a model package parameter that serves the fallback image: the parameter's default. */
const FALLBACK = 'fallback';

/** A CloudFormation logical id. */
const PARAMETER_NAME = /^[A-Za-z][A-Za-z0-9]{0,254}$/;

const ECR_REASON = 'ecr:GetAuthorizationToken has no resource-level permissions (AWS service authorization reference); '
  + 'the image pull itself is limited to the one repository.';
const VPC_REASON = 'The EC2 network-interface actions that SageMaker needs to attach model containers to a VPC do not support '
  + 'resource-level permissions (SageMaker CreateModel role permissions).';
