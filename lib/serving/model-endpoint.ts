import { Annotations, ArnFormat, Duration, Lazy, RemovalPolicy, SizeRoundingBehavior, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import { EndpointDataCapture } from './data-capture';
import { DeploymentPolicy } from './deployment-policy';
import { IModelEndpoint, ModelEndpointAttributes } from './model-endpoint-interface';
import { EndpointLogOptions, ModelEndpointProps } from './model-endpoint-options';
import {
  DESCRIBE_ALARM_ACTIONS, ENDPOINT_LOG_ACTIONS, LOGS_KEY_ACTIONS,
} from './perms';
import { VariantScalableInstanceCount } from './private-autoscaling';
import { checkDataCapture, renderDataCapture } from './private-data-capture';
import { ModelEndpointBase } from './private-endpoint-base';
import { SAGEMAKER_NAME, endpointArnFor, generateEndpointName } from './private-names';
import { VariantFacts, endpointRuleProblems } from './private-endpoint-rules';
import { checkRollbackAlarmOptions, defineRollbackAlarms } from './private-rollback-alarms';
import { DEFAULT_INSTANCE_TYPE, checkAutoScaling, checkServerless, checkVariantBase, renderBase } from './private-variants';
import { IServingModel } from './serving-model';
import { ServerlessOptions, ShadowVariantOptions, VariantBaseOptions, VariantKind, VariantOptions } from './variant';
import { ILakeZone } from '../data-lake';
import { hasInstanceStorage } from '../private/instance-catalog';
import { acknowledgeSharedRule, acknowledgeWildcardResources } from '../private/nag';
import { InputErrors, checkNumber, checkWholeNumber, describe, isToken, requireProps } from '../private/validation';

const MAX_ROLLBACK_ALARMS = 10;

interface VariantRecord {
  readonly options: VariantOptions;
  readonly kind: VariantKind;
}

/**
 * A SageMaker real-time endpoint with weighted production variants (A/B), an optional shadow variant, autoscaling,
 * data capture into the lake and guarded deployments that roll back on alarms.
 *
 * It defines an unnamed endpoint configuration, so that CloudFormation defines a new one at each change and the
 * endpoint moves to it with the deployment policy; variant properties of the running endpoint (the autoscaled instance
 * count) are retained across deployments, while weights come from code unless `retainWeightsOnDeploy`.
 *
 * @example
 * const endpoint = new ModelEndpoint(this, 'Churn', {
 *   variants: [{ name: 'champion', model: champion, weight: 90 }, { name: 'challenger', model: challenger, weight: 10 }],
 *   dataCapture: { lake },
 * });
 */
export class ModelEndpoint extends ModelEndpointBase {
  /** Imports an endpoint by name. */
  public static fromEndpointName(scope: Construct, id: string, endpointName: string, variantNames?: string[]): IModelEndpoint {
    return ModelEndpoint.fromEndpointAttributes(scope, id, { endpointName, variantNames });
  }

  /** Imports an endpoint from its name and variants. */
  public static fromEndpointAttributes(scope: Construct, id: string, attrs: ModelEndpointAttributes): IModelEndpoint {
    class Import extends ModelEndpointBase {
      public readonly endpointName = attrs.endpointName;
      public readonly endpointArn = endpointArnFor(scope, attrs.endpointName);
      public readonly variantNames = [...attrs.variantNames ?? []];
      public readonly dataCapture = attrs.dataCapture;
      public readonly retainsWeightsOnDeploy = attrs.retainsWeightsOnDeploy;
      public variantKind(variantName: string): VariantKind | undefined {
        if ((attrs.serverlessVariantNames ?? []).includes(variantName)) {
          return VariantKind.SERVERLESS;
        }
        return this.variantNames.includes(variantName) ? VariantKind.INSTANCE : undefined;
      }
      public variantInstanceType(variantName: string): string | undefined {
        return attrs.variantInstanceTypes?.[variantName];
      }
    }
    return new Import(scope, id);
  }

  public readonly endpointName: string;
  public readonly endpointArn: string;
  /** The endpoint resource. */
  public readonly resource: sagemaker.CfnEndpoint;
  /** The endpoint configuration; unnamed, so replaced at each change. */
  public readonly endpointConfig: sagemaker.CfnEndpointConfig;
  private readonly explicitDeployment?: DeploymentPolicy;
  /** The alarms that roll a deployment back: the endpoint's own, then the ones given. */
  public readonly rollbackAlarms: cloudwatch.IAlarm[] = [];
  /** The endpoint's own rollback alarm on the 5XX error rate, if defined. */
  public readonly errorRateAlarm?: cloudwatch.CfnAlarm;
  /** The endpoint's own rollback alarm on p99 model latency, if defined. */
  public readonly latencyAlarm?: cloudwatch.CfnAlarm;

  /** The endpoint's log group, if `logs` was given. */
  public readonly logGroup?: logs.LogGroup;

  private readonly variants: VariantRecord[] = [];
  private readonly shadows: ShadowVariantOptions[] = [];
  private readonly autoScaled = new Set<string>();
  private readonly grantedModels = new Set<IServingModel>();
  /** Where and what the endpoint captures, if it captures. */
  public readonly dataCapture?: EndpointDataCapture;
  private readonly captureZone?: ILakeZone;
  private readonly capturePrefix: string;
  private readonly volumeEncryptionKey?: kms.IKey;
  private readonly retainWeights: boolean;
  /** Whether a deployment keeps the variant weights of the running endpoint (always known for an endpoint defined here). */
  public readonly retainsWeightsOnDeploy?: boolean;

  constructor(scope: Construct, id: string, props: ModelEndpointProps = {}) {
    super(scope, id);
    requireProps(this, 'ModelEndpoint', props, {}, { variants: 'a list of variants', rollbackAlarms: 'a list of alarms' });

    const errors = new InputErrors(this, 'ModelEndpoint');
    const endpointName = props.endpointName ?? generateEndpointName(this);
    if (!isToken(endpointName) && !SAGEMAKER_NAME.test(endpointName)) {
      errors.add('endpointName', endpointName, '1-63 letters, digits and hyphens, starting and ending with a letter or digit');
    }
    const capture = props.dataCapture;
    if (capture) {
      checkDataCapture(errors, capture);
    }
    const ownAlarms = (props.defaultRollbackAlarms ?? true) ? 2 : 0;
    const alarmCount = ownAlarms + (props.rollbackAlarms?.length ?? 0);
    if (alarmCount > MAX_ROLLBACK_ALARMS) {
      errors.add('rollbackAlarms', `${alarmCount} alarms`, `at most ${MAX_ROLLBACK_ALARMS} alarms in all, the ${ownAlarms} default ones included`);
    }
    (props.rollbackAlarms ?? []).forEach((alarm, i) => checkMetricAlarm(errors, `rollbackAlarms[${i}]`, alarm));
    const alarmOptions = props.rollbackAlarmOptions ?? {};
    checkRollbackAlarmOptions(errors, alarmOptions);
    errors.throwIfAny();

    this.endpointName = endpointName;
    this.endpointArn = endpointArnFor(this, endpointName);
    this.explicitDeployment = props.deployment;
    this.volumeEncryptionKey = props.volumeEncryptionKey;
    this.retainWeights = props.retainWeightsOnDeploy ?? false;
    this.retainsWeightsOnDeploy = this.retainWeights;
    if (capture) {
      this.captureZone = capture.zone ?? capture.lake!.zone('monitoring');
    }
    this.capturePrefix = capture?.prefix ?? 'data-capture/';
    if (capture && this.captureZone) {
      this.dataCapture = {
        zone: this.captureZone,
        prefix: this.capturePrefix,
        captureInput: capture.captureInput ?? true,
        captureOutput: capture.captureOutput ?? true,
        samplingPercentage: capture.samplingPercentage ?? 10,
      };
    }

    this.endpointConfig = new sagemaker.CfnEndpointConfig(this, 'Config', {
      productionVariants: Lazy.any({ produce: () => this.renderProductionVariants() }),
      shadowProductionVariants: Lazy.any({ produce: () => this.renderShadowVariants() }, { omitEmptyArray: true }),
      dataCaptureConfig: capture ? renderDataCapture(capture, this.captureZone!, this.capturePrefix) : undefined,
      kmsKeyId: this.volumeEncryptionKey?.keyArn,
    });

    if (ownAlarms > 0) {
      const own = defineRollbackAlarms(this, endpointName, alarmOptions, () => this.variantNames);
      this.errorRateAlarm = own.errorRate;
      this.latencyAlarm = own.latency;
      for (const alarm of [own.errorRate, own.latency]) {
        this.rollbackAlarms.push(cloudwatch.Alarm.fromAlarmName(this, `${alarm.node.id}Ref`, alarm.ref));
      }
    }
    this.rollbackAlarms.push(...props.rollbackAlarms ?? []);

    this.resource = new sagemaker.CfnEndpoint(this, 'Resource', {
      endpointName,
      endpointConfigName: this.endpointConfig.attrEndpointConfigName,
      retainAllVariantProperties: true,
      excludeRetainedVariantProperties: Lazy.any({ produce: () => this.renderExcludedProperties() }, { omitEmptyArray: true }),
      deploymentConfig: Lazy.any({ produce: () => this.deployment._render(this.rollbackAlarms.map((a) => a.alarmName)) }),
    });

    if (props.logs) {
      this.logGroup = this.defineLogGroup(props.logs);
      this.resource.node.addDependency(this.logGroup);
    }

    for (const variant of props.variants ?? []) {
      this.addVariant(variant);
    }
    if (props.shadowVariant) {
      this.addShadowVariant(props.shadowVariant);
    }

    this.node.addValidation({ validate: () => this.validateEndpoint() });
    this.node.addValidation({ validate: () => this.acknowledgeVolumeKey() });
  }

  /**
   * The deployment policy: the one given, or the default for the variants (read when the template is written, since
   * `addVariant()` can add more).
   */
  public get deployment(): DeploymentPolicy {
    if (this.explicitDeployment) {
      return this.explicitDeployment;
    }
    const counts = this.knownInstanceCounts();
    return counts.length > 0 && Math.min(...counts) < 2
      ? DeploymentPolicy.allAtOnce({ bake: Duration.minutes(10) })
      : DeploymentPolicy.canary({ percent: 10, bake: Duration.minutes(10) });
  }

  /** The initial instance counts of the instance-based production variants, where known at synth. */
  private knownInstanceCounts(): number[] {
    return this.variants.filter((v) => v.kind === VariantKind.INSTANCE).map((v) => v.options.instanceCount ?? 1)
      .filter((c) => !isToken(c) && typeof c === 'number');
  }

  private allVariantNames(): string[] {
    return [...this.variants.map((x) => x.options.name), ...this.shadows.map((v) => v.name)];
  }

  public get variantNames(): string[] {
    return this.variants.map((v) => v.options.name);
  }

  /** The name of the shadow variant, if any. */
  public get shadowVariantName(): string | undefined {
    return this.shadows[0]?.name;
  }

  public variantKind(variantName: string): VariantKind | undefined {
    if (this.shadows.some((s) => s.name === variantName)) {
      return VariantKind.INSTANCE;
    }
    return this.variants.find((v) => v.options.name === variantName)?.kind;
  }

  public variantInstanceType(variantName: string): string | undefined {
    const all: Array<VariantBaseOptions & { serverless?: ServerlessOptions }> = [...this.variants.map((v) => v.options), ...this.shadows];
    const variant = all.find((v) => v.name === variantName);
    if (!variant || variant.serverless) {
      return undefined;
    }
    return variant.instanceType?.toString() ?? DEFAULT_INSTANCE_TYPE;
  }

  /**
   * Adds an alarm that rolls back a deployment when it fires, e.g. the health alarm of `EndpointAlarms`.
   * It must not depend on this endpoint's resources (alarms on its metrics name it by its literal name, so they don't).
   */
  public addRollbackAlarm(alarm: cloudwatch.IAlarm): void {
    const errors = new InputErrors(this, 'ModelEndpoint');
    if (this.rollbackAlarms.length >= MAX_ROLLBACK_ALARMS) {
      errors.add('rollbackAlarms', `${this.rollbackAlarms.length + 1} alarms`,
        `at most ${MAX_ROLLBACK_ALARMS} alarms in all (SageMaker's limit), the default ones included`);
    }
    checkMetricAlarm(errors, 'addRollbackAlarm(alarm)', alarm);
    errors.throwIfAny();
    this.rollbackAlarms.push(alarm);
    for (const model of this.grantedModels) {
      this.grantDescribeAlarms(model, [alarm]);
    }
  }

  /** Deployment guardrails read the rollback alarms with the models' execution roles (SageMaker docs). */
  private grantDescribeAlarms(model: IServingModel, alarms: cloudwatch.IAlarm[]): void {
    if (alarms.length > 0) {
      iam.Grant.addToPrincipal({ grantee: model, actions: DESCRIBE_ALARM_ACTIONS, resourceArns: alarms.map((a) => a.alarmArn) });
    }
  }

  /**
   * Adds a production variant.
   */
  public addVariant(variant: VariantOptions): void {
    const errors = new InputErrors(this, 'ModelEndpoint');
    const where = `variant '${variant.name}'`;
    checkVariantBase(errors, where, variant, this.allVariantNames());
    checkNumber(errors, `${where} weight`, variant.weight, { min: 0, allowed: '>= 0 (a relative share of traffic)' });
    if (variant.serverless) {
      checkServerless(errors, where, variant);
    }
    if (variant.autoScaling) {
      checkAutoScaling(errors, where, variant);
    }
    errors.throwIfAny();

    this.warnUnguarded(where, variant.serverless ? undefined : variant.instanceType);
    this.variants.push({ options: variant, kind: variant.serverless ? VariantKind.SERVERLESS : VariantKind.INSTANCE });
    this.grantModel(variant.model);
    this.warnFixedCountsRetained();
    if (variant.autoScaling) {
      // Construct ids are API: the variant name when it is a literal, its position otherwise.
      const key = isToken(variant.name) ? `${this.variants.length - 1}` : variant.name;
      new VariantScalableInstanceCount(this, `AutoScaling-${key}`, this.endpointName, this.resource, variant, variant.autoScaling);
      this.autoScaled.add(variant.name);
    }
  }

  /**
   * Adds the shadow variant: it receives a copy of `samplingPercentage` of the requests of the (single) production
   * variant, and its responses are discarded.
   */
  public addShadowVariant(shadow: ShadowVariantOptions): void {
    const errors = new InputErrors(this, 'ModelEndpoint');
    const where = `shadow variant '${shadow.name}'`;
    if (this.shadows.length > 0) {
      errors.add('shadowVariant', shadow.name, `a single shadow variant, but '${this.shadows[0].name}' is one already`);
    }
    checkVariantBase(errors, where, shadow, this.allVariantNames());
    checkWholeNumber(errors, `${where} samplingPercentage`, shadow.samplingPercentage, { min: 1, max: 100, allowed: 'a whole percentage from 1 to 100' });
    errors.throwIfAny();
    this.warnUnguarded(where, shadow.instanceType);
    this.shadows.push(shadow);
    this.grantModel(shadow.model);
  }

  /**
   * SageMaker runs no deployment guardrails on endpoints with Inf1 instances (nor with Marketplace containers): it deploys
   * blue/green all at once, without a final bake and so without rollback on the alarms
   * (https://docs.aws.amazon.com/sagemaker/latest/dg/deployment-guardrails-exclusions.html).
   */
  private warnUnguarded(where: string, instanceType: unknown): void {
    const name = instanceType === undefined || instanceType === null ? undefined : String(instanceType);
    if (name !== undefined && !isToken(name) && name.startsWith('ml.inf1.')) {
      Annotations.of(this).addWarningV2('cdk-mlops:no-guardrails-inf1', `${where} uses ${name}: SageMaker runs no deployment guardrails `
        + 'on endpoints with Inf1 instances. Every deployment shifts all traffic at once with no baking period, and the rollback alarms '
        + 'are not watched, whatever the deployment policy says. Use Inf2 (ml.inf2.*) or another type to keep canary deployments and rollback.');
    }
  }

  /**
   * SageMaker retains variant properties for all variants of an endpoint or for none (RetainAllVariantProperties with
   * ExcludeRetainedVariantProperties, https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_UpdateEndpoint.html): the
   * endpoint retains instance counts when a variant autoscales, so that a deploy does not reset autoscaled capacity, and then a
   * fixed variant's instanceCount written in code does not take effect on a deploy.
   */
  private warnFixedCountsRetained(): void {
    const instance = this.variants.filter((v) => v.kind === VariantKind.INSTANCE);
    const scaled = instance.filter((v) => v.options.autoScaling).map((v) => v.options.name);
    const fixed = instance.filter((v) => !v.options.autoScaling).map((v) => v.options.name);
    if (scaled.length === 0 || fixed.length === 0) {
      return;
    }
    Annotations.of(this).addWarningV2('cdk-mlops:fixed-instance-count-retained', `variants ${describe(fixed)} have a fixed instanceCount `
      + `beside the autoscaled ${describe(scaled)}: SageMaker retains instance counts for all variants of an endpoint or for none, and this `
      + 'endpoint retains them so that deploys keep autoscaled capacity. A changed instanceCount of a fixed variant therefore does not take '
      + 'effect on a deploy: change it at run time (UpdateEndpointWeightsAndCapacities), or give the variant autoscaling with minCapacity '
      + 'and maxCapacity equal to the count you want.');
  }

  private grantModel(model: IServingModel): void {
    if (this.grantedModels.has(model)) {
      return;
    }
    this.grantedModels.add(model);
    this.grantDescribeAlarms(model, this.rollbackAlarms);
    const logs = `${this.logGroupArnPrefix()}:*`;
    iam.Grant.addToPrincipal({ grantee: model, actions: ENDPOINT_LOG_ACTIONS, resourceArns: [logs] });
    const policy = roleDefaultPolicy(model);
    if (policy) {
      acknowledgeWildcardResources(policy, [logs], 'CloudWatch Logs authorizes log group and log stream actions on the group ARN with '
        + 'a trailing \':*\' (its IAM access control overview), and SageMaker names the streams after the instances at run time; the '
        + 'grant covers this endpoint\'s own log group and its streams only (the \':\' before \'*\' excludes other endpoints\' groups).');
    }
    if (this.captureZone) {
      const zone = this.captureZone;
      const capturePrefix = `${zone.normalizePrefix(this.capturePrefix)}${this.endpointName}/`;
      const captures = zone.bucket.arnForObjects(`${capturePrefix}*`);
      zone.grantWrite(model, capturePrefix, { allowDelete: false });
      if (policy) {
        acknowledgeWildcardResources(policy, [captures], 'Data capture writes objects named at run time '
          + '(<prefix>/<endpoint>/<variant>/<yyyy>/<mm>/<dd>/<hh>/<file>); the grant is s3:PutObject and s3:AbortMultipartUpload only, under this endpoint\'s capture prefix.');
      }
    }
  }

  /**
   * The log group SageMaker writes the endpoint's container logs to, defined before the endpoint. With a key defined in this app,
   * the key policy lets CloudWatch Logs use it with the encryption context of this log group only
   * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html).
   */
  private defineLogGroup(options: EndpointLogOptions): logs.LogGroup {
    const logGroupName = `/aws/sagemaker/Endpoints/${this.endpointName}`;
    const group = new logs.LogGroup(this, 'Logs', {
      logGroupName,
      retention: options.retention ?? logs.RetentionDays.ONE_YEAR,
      encryptionKey: options.encryptionKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const key = options.encryptionKey;
    if (key) {
      // Built in the key's stack from the literal name, so that a key of another stack gets no reference to this one.
      const keyStack = Stack.of(key);
      const groupArn = keyStack.formatArn({ service: 'logs', resource: 'log-group', resourceName: logGroupName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
      key.addToResourcePolicy(new iam.PolicyStatement({
        sid: `CloudWatchLogsEncrypt${this.endpointName.replace(/[^a-zA-Z0-9]/g, '')}`,
        principals: [new iam.ServicePrincipal(`logs.${keyStack.region}.amazonaws.com`)],
        actions: LOGS_KEY_ACTIONS,
        resources: ['*'],
        conditions: { ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': groupArn } },
      }));
    }
    return group;
  }

  /** `arn:...:log-group:/aws/sagemaker/Endpoints/<name>`: the log group SageMaker writes the endpoint's container logs to. */
  private logGroupArnPrefix(): string {
    return Stack.of(this).formatArn({
      service: 'logs', resource: 'log-group', resourceName: `/aws/sagemaker/Endpoints/${this.endpointName}`, arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  }

  private renderProductionVariants(): sagemaker.CfnEndpointConfig.ProductionVariantProperty[] {
    const shadow = this.shadows[0];
    return this.variants.map(({ options: v }) => {
      let weight = v.weight ?? 1;
      if (shadow && isToken(weight)) {
        // With a shadow there is one production variant, whose weight routes nothing; 1 keeps the shadow's share exact.
        weight = 1;
      }
      return {
        ...renderBase(v),
        initialVariantWeight: weight,
        serverlessConfig: v.serverless ? {
          memorySizeInMb: v.serverless.memory.toMebibytes(),
          maxConcurrency: v.serverless.maxConcurrency,
          provisionedConcurrency: v.serverless.provisionedConcurrency,
        } : undefined,
      };
    });
  }

  private renderShadowVariants(): sagemaker.CfnEndpointConfig.ProductionVariantProperty[] {
    const production = this.variants[0]?.options.weight ?? 1;
    const base = isToken(production) ? 1 : production;
    return this.shadows.map((s) => ({
      ...renderBase(s),
      // SageMaker copies to the shadow the share of requests given by its weight relative to the production variant's.
      initialVariantWeight: base * (s.samplingPercentage ?? 100) / 100,
    }));
  }

  private renderExcludedProperties(): sagemaker.CfnEndpoint.VariantPropertyProperty[] {
    const excluded: sagemaker.CfnEndpoint.VariantPropertyProperty[] = [];
    if (!this.retainWeights) {
      // Weights written in code apply at each deployment.
      excluded.push({ variantPropertyType: 'DesiredWeight' });
    }
    if (this.autoScaled.size === 0) {
      // Nothing autoscales: instance counts written in code apply at each deployment.
      excluded.push({ variantPropertyType: 'DesiredInstanceCount' });
    }
    return excluded;
  }

  /**
   * Without a volume key, HIPAA Security and NIST 800-53 R5 flag the configuration (SageMakerEndpointConfigurationKMSKeyConfigured);
   * the acknowledgment says why it has none. Recorded during validation, once `addVariant()` can add no more.
   */
  private acknowledgeVolumeKey(): string[] {
    if (this.volumeEncryptionKey) {
      return [];
    }
    const all = [...this.variants.map((v) => v.options), ...this.shadows] as Array<VariantBaseOptions & { serverless?: ServerlessOptions }>;
    const nvme = all.map((v) => (v.serverless ? undefined : (v.instanceType?.toString() ?? DEFAULT_INSTANCE_TYPE)))
      .find((t) => t !== undefined && !isToken(t) && hasInstanceStorage(t));
    let reason: string;
    if (nvme) {
      reason = `A variant runs on ${nvme}, whose local NVMe storage SageMaker encrypts in a hardware module; AWS rejects a KmsKeyId `
        + 'on an endpoint configuration with such an instance type (CreateEndpointConfig, KmsKeyId).';
    } else if (all.length > 0 && all.every((v) => v.serverless)) {
      reason = 'The endpoint is serverless: SageMaker runs it on compute it manages, with no ML storage volume attached to an instance '
        + 'of ours for a KmsKeyId to encrypt.';
    } else {
      reason = 'volumeEncryptionKey was not given: SageMaker then encrypts the instances\' ML storage volumes with a transient key that it '
        + 'discards right after (SageMaker developer guide, encryption at rest); pass volumeEncryptionKey for a customer managed key.';
    }
    acknowledgeSharedRule(this.endpointConfig, 'SageMakerEndpointConfigurationKMSKeyConfigured', reason);
    return [];
  }

  private validateEndpoint(): string[] {
    const where = `ModelEndpoint ${this.node.path}`;
    const facts = (v: VariantBaseOptions & { serverless?: ServerlessOptions }, kind: VariantKind, weight?: number): VariantFacts => ({
      name: v.name,
      kind,
      weight,
      instanceType: v.serverless ? undefined : (v.instanceType?.toString() ?? DEFAULT_INSTANCE_TYPE),
      instanceTypeGiven: v.instanceType !== undefined,
      // Tokens are never rejected: a size resolved at deploy time is not checked.
      volumeSizeGib: v.volumeSize && !v.volumeSize.isUnresolved() ? v.volumeSize.toGibibytes({ rounding: SizeRoundingBehavior.NONE }) : undefined,
    });
    const problems = endpointRuleProblems({
      variants: this.variants.map((v) => facts(v.options, v.kind, v.options.weight)),
      shadows: this.shadows.map((s) => facts(s, VariantKind.INSTANCE)),
      captures: this.captureZone !== undefined,
      volumeEncryptionKey: this.volumeEncryptionKey !== undefined,
    });
    const knownCounts = this.knownInstanceCounts();
    problems.push(...this.deployment._validate({
      productionVariants: this.variants.length,
      serverless: this.variants.some((v) => v.kind === VariantKind.SERVERLESS),
      minInstanceCount: knownCounts.length > 0 ? Math.min(...knownCounts) : undefined,
    }));
    return problems.map((p) => `${where}: ${p}`);
  }

}

/**
 * Rollback alarms must be metric alarms. SageMaker reads them with DescribeAlarms, which returns composite alarms only when
 * the call asks for them (AlarmTypes) and only to a caller allowed cloudwatch:DescribeAlarms on '*'
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarms.html); the guardrails name alarms
 * "configured to monitor metrics on an endpoint" (https://docs.aws.amazon.com/sagemaker/latest/dg/deployment-guardrails-configuration.html).
 * An imported alarm (`Alarm.fromAlarmName`) cannot be told apart and is accepted.
 */
function checkMetricAlarm(errors: InputErrors, prop: string, alarm: cloudwatch.IAlarm): void {
  if (alarm instanceof cloudwatch.CompositeAlarm || alarm?.node?.defaultChild instanceof cloudwatch.CfnCompositeAlarm) {
    errors.add(prop, alarm, 'a metric alarm: SageMaker deployment guardrails read rollback alarms with DescribeAlarms, which returns '
      + 'composite alarms only when asked for AlarmTypes CompositeAlarm and to a role allowed cloudwatch:DescribeAlarms on \'*\'; '
      + 'pass the metric alarms the composite combines (for EndpointAlarms, alarm(kind))');
  }
}

function roleDefaultPolicy(model: IServingModel): Construct | undefined {
  const principal = model.grantPrincipal;
  if (principal instanceof iam.Role) {
    return principal.node.tryFindChild('DefaultPolicy');
  }
  return undefined;
}

