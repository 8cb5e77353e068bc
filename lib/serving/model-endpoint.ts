import { ArnFormat, Duration, Lazy, Resource, Size, SizeRoundingBehavior, Stack } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { aws_sagemaker as sagemakerRefs } from 'aws-cdk-lib/interfaces';
import * as alpha from '@aws-cdk/aws-sagemaker-alpha';
import { Construct } from 'constructs';
import { DeploymentPolicy } from './deployment-policy';
import {
  DESCRIBE_ALARM_ACTIONS, ENCRYPT_CAPTURE_ACTIONS, ENDPOINT_LOG_GROUP_ACTIONS, ENDPOINT_LOG_STREAM_ACTIONS, INVOKE_ENDPOINT_ACTIONS,
  WRITE_CAPTURE_ACTIONS,
} from './perms';
import { acknowledgeWildcardResources } from '../private/nag';
import { SAGEMAKER_NAME, endpointArnFor, generateEndpointName } from './private-names';
import { IServingModel } from './serving-model';
import { IDataLake, ILakeZone } from '../data-lake';
import { AlarmFactory } from '../private/alarm-factory';
import { DurationRange, InputErrors, checkDuration, checkRequired, checkWholeNumber, describe, isToken, requireProps } from '../private/validation';
import { hasInstanceStorage } from '../private/instance-catalog';

/** How a variant is hosted; serverless variants publish other metrics (ModelSetupTime, ServerlessConcurrentExecutionsUtilization...). */
export enum VariantKind {
  /** On provisioned ML instances. */
  INSTANCE = 'INSTANCE',
  /** On serverless capacity. */
  SERVERLESS = 'SERVERLESS',
}

/** Serverless capacity of a variant. */
export interface ServerlessOptions {
  /** The memory of each concurrent execution: 1, 2, 3, 4, 5 or 6 GiB. */
  readonly memory: Size;

  /** The maximum number of concurrent executions, 1-200. */
  readonly maxConcurrency: number;

  /**
   * Executions kept warm, 1-200 and at most `maxConcurrency`.
   *
   * @default - none (cold starts after idle periods)
   */
  readonly provisionedConcurrency?: number;
}

/** Target-tracking autoscaling of an instance variant on invocations per instance. */
export interface VariantAutoScaling {
  /**
   * The fewest instances.
   *
   * @default - the variant's instanceCount
   */
  readonly minCapacity?: number;

  /** The most instances. */
  readonly maxCapacity: number;

  /** Invocations per instance per minute that the scaling policy aims at. */
  readonly targetInvocationsPerInstance: number;

  /**
   * The wait after a scale-in before the next one.
   *
   * @default Duration.minutes(5)
   */
  readonly scaleInCooldown?: Duration;

  /**
   * The wait after a scale-out before the next one.
   *
   * @default Duration.minutes(1)
   */
  readonly scaleOutCooldown?: Duration;
}

/** Options common to production and shadow variants. */
export interface VariantBaseOptions {
  /** The variant name: 1-63 letters, digits and hyphens, starting and ending with a letter or digit. */
  readonly name: string;

  /** The model the variant serves. */
  readonly model: IServingModel;

  /**
   * The instance type.
   *
   * @default - ml.m5.large, unless the variant is serverless
   */
  readonly instanceType?: alpha.InstanceType;

  /**
   * The initial number of instances (autoscaling and a retained deployment may change it later).
   *
   * @default 1
   */
  readonly instanceCount?: number;

  /**
   * The size of the storage volume attached to each instance, 1-512 GiB. Not for instance types with local NVMe storage.
   *
   * @default - SageMaker's default for the instance type
   */
  readonly volumeSize?: Size;

  /**
   * How long SageMaker waits for the model data to download onto an instance, 60-3600 seconds.
   *
   * @default - SageMaker's default
   */
  readonly modelDownloadTimeout?: Duration;

  /**
   * How long SageMaker waits for the container to pass its first health check (`/ping`), 60-3600 seconds.
   *
   * @default - SageMaker's default
   */
  readonly containerStartupHealthCheckTimeout?: Duration;
}

/** A production variant of an endpoint. */
export interface VariantOptions extends VariantBaseOptions {
  /**
   * The variant's relative weight: its share of traffic is its weight divided by the sum of all weights.
   *
   * @default 1
   */
  readonly weight?: number;

  /**
   * Serverless capacity instead of instances.
   *
   * @default - instances
   */
  readonly serverless?: ServerlessOptions;

  /**
   * Autoscaling of the variant's instances. Not for serverless variants nor burstable (ml.t*) instance types.
   *
   * @default - a fixed instance count
   */
  readonly autoScaling?: VariantAutoScaling;
}

/** A shadow variant: it receives a copy of a share of the production requests; its responses are discarded. */
export interface ShadowVariantOptions extends VariantBaseOptions {
  /**
   * The share of production requests copied to the shadow, in percent (1-100).
   *
   * @default 100
   */
  readonly samplingPercentage?: number;
}

/** Capture of requests and responses into the lake, for drift analysis. */
export interface DataCaptureOptions {
  /**
   * The lake whose `monitoring` zone receives the captures. Give this or `zone`.
   *
   * @default - the captures go to `zone`
   */
  readonly lake?: IDataLake;

  /**
   * The lake zone that receives the captures. Give this or `lake`.
   *
   * @default - the `monitoring` zone of `lake`
   */
  readonly zone?: ILakeZone;

  /**
   * The key prefix in the zone; SageMaker adds `<endpoint>/<variant>/yyyy/mm/dd/hh/`.
   *
   * @default 'data-capture/'
   */
  readonly prefix?: string;

  /**
   * The share of requests captured, in percent (0-100). Capturing everything multiplies S3 writes and stores every
   * payload, including personal data, for the retention of the zone: sample just enough for drift statistics.
   *
   * @default 10
   */
  readonly samplingPercentage?: number;

  /**
   * Capture the request payloads.
   *
   * @default true
   */
  readonly captureInput?: boolean;

  /**
   * Capture the response payloads.
   *
   * @default true
   */
  readonly captureOutput?: boolean;

  /**
   * Content types captured as CSV text (others are base64-encoded).
   *
   * @default - SageMaker's default
   */
  readonly csvContentTypes?: string[];

  /**
   * Content types captured as JSON text (others are base64-encoded).
   *
   * @default - SageMaker's default
   */
  readonly jsonContentTypes?: string[];
}

/** Where and what an endpoint captures, as drift detection needs to know. */
export interface EndpointDataCapture {
  /** The lake zone that receives the captures. */
  readonly zone: ILakeZone;
  /** The key prefix in the zone; SageMaker writes `<prefix><endpoint>/<variant>/yyyy/mm/dd/hh/<file>.jsonl`. */
  readonly prefix: string;
  /** Whether request payloads are captured. */
  readonly captureInput: boolean;
  /** Whether response payloads are captured. */
  readonly captureOutput: boolean;
  /** The share of requests captured, in percent. */
  readonly samplingPercentage: number;
}

/** Thresholds of the rollback alarms that the endpoint defines. */
export interface RollbackAlarmOptions {
  /**
   * The share of requests answered with a 5XX error, on any production variant, above which the deployment rolls
   * back (0.01 = 1%).
   *
   * @default 0.01
   */
  readonly errorRateThreshold?: number;

  /**
   * The p99 model latency, on any production variant, above which the deployment rolls back.
   *
   * @default Duration.seconds(1)
   */
  readonly latencyThreshold?: Duration;

  /**
   * The period of the alarm metrics.
   *
   * @default Duration.minutes(1)
   */
  readonly period?: Duration;

  /**
   * The number of periods evaluated.
   *
   * @default 3
   */
  readonly evaluationPeriods?: number;

  /**
   * The number of breaching periods, among `evaluationPeriods`, that fire the alarm.
   *
   * @default 2
   */
  readonly datapointsToAlarm?: number;
}

/** Properties of a `ModelEndpoint`. */
export interface ModelEndpointProps {
  /**
   * The endpoint name: 1-63 letters, digits and hyphens, starting and ending with a letter or digit. The rollback alarms
   * use the name, so it is always known at synth.
   *
   * @default - a lowercase name derived from the construct path, unique in the app
   */
  readonly endpointName?: string;

  /**
   * The production variants (at most 10). More can be added with `addVariant()`.
   *
   * @default - none; add at least one with `addVariant()`
   */
  readonly variants?: VariantOptions[];

  /**
   * A shadow variant, for an endpoint with exactly one instance-based production variant.
   *
   * @default - no shadow variant
   */
  readonly shadowVariant?: ShadowVariantOptions;

  /**
   * Capture of requests and responses into the lake.
   *
   * @default - no capture
   */
  readonly dataCapture?: DataCaptureOptions;

  /**
   * The key that encrypts the instances' storage volumes. Not allowed with instance types that have local NVMe storage
   * (such as ml.g5, ml.p4d and the `d` types), which SageMaker encrypts in hardware.
   *
   * @default - the volumes are encrypted with an AWS managed key
   */
  readonly volumeEncryptionKey?: kms.IKey;

  /**
   * How a new configuration is rolled out.
   *
   * @default DeploymentPolicy.canary({ percent: 10, bake: Duration.minutes(10) })
   */
  readonly deployment?: DeploymentPolicy;

  /**
   * Define the endpoint's own rollback alarms: 5XX error rate and p99 model latency, the worst production variant.
   *
   * @default true
   */
  readonly defaultRollbackAlarms?: boolean;

  /**
   * Thresholds of the default rollback alarms.
   *
   * @default - see `RollbackAlarmOptions`
   */
  readonly rollbackAlarmOptions?: RollbackAlarmOptions;

  /**
   * More alarms that roll a deployment back (at most 10 alarms in all). They must not depend on this endpoint's
   * attributes: use `endpointName` or the `metricXxx()` methods, which use the name.
   *
   * @default - none
   */
  readonly rollbackAlarms?: cloudwatch.IAlarm[];

  /**
   * Keep the variant weights of the running endpoint when a new configuration is deployed (for example weights that
   * an experiment shifted). Otherwise the weights written in code apply at each deployment.
   *
   * @default false
   */
  readonly retainWeightsOnDeploy?: boolean;
}

/** Options of a metric of an endpoint. */
export interface EndpointMetricOptions extends cloudwatch.MetricOptions {
  /**
   * One variant of the endpoint.
   *
   * @default - the production variants known when the method is called (add variants first): counts are summed,
   * latencies and utilizations take the worst variant
   */
  readonly variantName?: string;
}

/** Attributes of an endpoint defined elsewhere. */
export interface ModelEndpointAttributes {
  /** The endpoint name. */
  readonly endpointName: string;

  /**
   * The names of its production variants.
   *
   * @default - none; endpoint-wide metrics then need a variantName
   */
  readonly variantNames?: string[];

  /**
   * The production variants that are serverless.
   *
   * @default - none
   */
  readonly serverlessVariantNames?: string[];

  /**
   * The instance type of each instance variant, by variant name.
   *
   * @default - unknown
   */
  readonly variantInstanceTypes?: { [variantName: string]: string };

  /**
   * Where and what the endpoint captures, if it captures (drift monitoring reads it).
   *
   * @default - unknown: consumers that need the capture ask for it
   */
  readonly dataCapture?: EndpointDataCapture;

  /**
   * Whether a deployment of the endpoint keeps the variant weights of the running endpoint (`retainWeightsOnDeploy`).
   *
   * @default - unknown
   */
  readonly retainsWeightsOnDeploy?: boolean;
}

/**
 * A SageMaker real-time endpoint, defined here or imported.
 */
export interface IModelEndpoint extends sagemaker.IEndpoint {
  /** The endpoint name. @attribute */
  readonly endpointName: string;

  /** The endpoint ARN. @attribute */
  readonly endpointArn: string;

  /** Where and what the endpoint captures; undefined when it does not capture or when that is unknown (imported). */
  readonly dataCapture?: EndpointDataCapture;

  /**
   * Whether a deployment keeps the variant weights of the running endpoint; undefined when unknown (imported without
   * `retainsWeightsOnDeploy`). An experiment that shifts weights warns when it is false.
   */
  readonly retainsWeightsOnDeploy?: boolean;

  /** The names of the production variants. */
  readonly variantNames: string[];

  /** The kind of a variant, if known: serverless variants publish other metrics than instance variants. */
  variantKind(variantName: string): VariantKind | undefined;

  /** The instance type of a variant (e.g. `ml.g5.xlarge`), if known; undefined for serverless variants. */
  variantInstanceType(variantName: string): string | undefined;

  /** Grants invoking this endpoint (and nothing else). */
  grantInvoke(grantee: iam.IGrantable): iam.Grant;

  /** Any metric of the endpoint in the AWS/SageMaker namespace. */
  metric(metricName: string, props?: EndpointMetricOptions): cloudwatch.IMetric;

  /** Requests, summed over variants. */
  metricInvocations(props?: EndpointMetricOptions): cloudwatch.IMetric;

  /** Requests answered with a 4XX error, summed over variants. */
  metricInvocation4XXErrors(props?: EndpointMetricOptions): cloudwatch.IMetric;

  /** Requests answered with a 5XX error, summed over variants. */
  metricInvocation5XXErrors(props?: EndpointMetricOptions): cloudwatch.IMetric;

  /** Time the model took to respond, in microseconds; average, worst variant. */
  metricModelLatency(props?: EndpointMetricOptions): cloudwatch.IMetric;

  /** Time SageMaker added to the model latency, in microseconds; average, worst variant. */
  metricOverheadLatency(props?: EndpointMetricOptions): cloudwatch.IMetric;

  /** CPU utilization of the instances, in percent (100% per core); worst variant. */
  metricCPUUtilization(props?: EndpointMetricOptions): cloudwatch.IMetric;

  /** Memory utilization of the instances, in percent; worst variant. */
  metricMemoryUtilization(props?: EndpointMetricOptions): cloudwatch.IMetric;

  /** Disk utilization of the instances, in percent; worst variant. */
  metricDiskUtilization(props?: EndpointMetricOptions): cloudwatch.IMetric;

  /** GPU utilization of the instances, in percent (100% per GPU); worst variant. */
  metricGPUUtilization(props?: EndpointMetricOptions): cloudwatch.IMetric;

  /** GPU memory utilization of the instances, in percent; worst variant. */
  metricGPUMemoryUtilization(props?: EndpointMetricOptions): cloudwatch.IMetric;
}

const INVOCATION_NAMESPACE = 'AWS/SageMaker';
const INSTANCE_NAMESPACE = '/aws/sagemaker/Endpoints';
const MAX_VARIANTS = 10;
const MAX_ROLLBACK_ALARMS = 10;
const DEFAULT_INSTANCE_TYPE = 'ml.m5.large';

abstract class ModelEndpointBase extends Resource implements IModelEndpoint {
  public abstract readonly endpointName: string;
  public abstract readonly endpointArn: string;
  public abstract readonly variantNames: string[];
  public abstract variantKind(variantName: string): VariantKind | undefined;
  public abstract variantInstanceType(variantName: string): string | undefined;
  public abstract readonly dataCapture?: EndpointDataCapture;
  public abstract readonly retainsWeightsOnDeploy?: boolean;

  /** A reference to this endpoint, for aws-cdk-lib's `IEndpointRef`. */
  public get endpointRef(): sagemakerRefs.EndpointReference {
    return { endpointArn: this.endpointArn };
  }

  public grantInvoke(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions: INVOKE_ENDPOINT_ACTIONS, resourceArns: [this.endpointArn] });
  }

  public metric(metricName: string, props?: EndpointMetricOptions): cloudwatch.IMetric {
    return this.combined(INVOCATION_NAMESPACE, metricName, 'Average', 'MAX', props);
  }

  public metricInvocations(props?: EndpointMetricOptions): cloudwatch.IMetric {
    return this.combined(INVOCATION_NAMESPACE, 'Invocations', 'Sum', 'SUM', props);
  }

  public metricInvocation4XXErrors(props?: EndpointMetricOptions): cloudwatch.IMetric {
    return this.combined(INVOCATION_NAMESPACE, 'Invocation4XXErrors', 'Sum', 'SUM', props);
  }

  public metricInvocation5XXErrors(props?: EndpointMetricOptions): cloudwatch.IMetric {
    return this.combined(INVOCATION_NAMESPACE, 'Invocation5XXErrors', 'Sum', 'SUM', props);
  }

  public metricModelLatency(props?: EndpointMetricOptions): cloudwatch.IMetric {
    return this.combined(INVOCATION_NAMESPACE, 'ModelLatency', 'Average', 'MAX', props);
  }

  public metricOverheadLatency(props?: EndpointMetricOptions): cloudwatch.IMetric {
    return this.combined(INVOCATION_NAMESPACE, 'OverheadLatency', 'Average', 'MAX', props);
  }

  public metricCPUUtilization(props?: EndpointMetricOptions): cloudwatch.IMetric {
    return this.combined(INSTANCE_NAMESPACE, 'CPUUtilization', 'Average', 'MAX', props);
  }

  public metricMemoryUtilization(props?: EndpointMetricOptions): cloudwatch.IMetric {
    return this.combined(INSTANCE_NAMESPACE, 'MemoryUtilization', 'Average', 'MAX', props);
  }

  public metricDiskUtilization(props?: EndpointMetricOptions): cloudwatch.IMetric {
    return this.combined(INSTANCE_NAMESPACE, 'DiskUtilization', 'Average', 'MAX', props);
  }

  public metricGPUUtilization(props?: EndpointMetricOptions): cloudwatch.IMetric {
    return this.combined(INSTANCE_NAMESPACE, 'GPUUtilization', 'Average', 'MAX', props);
  }

  public metricGPUMemoryUtilization(props?: EndpointMetricOptions): cloudwatch.IMetric {
    return this.combined(INSTANCE_NAMESPACE, 'GPUMemoryUtilization', 'Average', 'MAX', props);
  }

  private combined(namespace: string, metricName: string, statistic: string, combine: 'SUM' | 'MAX',
    props: EndpointMetricOptions = {}): cloudwatch.IMetric {
    const { variantName, ...options } = props;
    const one = (variant: string) => new cloudwatch.Metric({
      namespace,
      metricName,
      statistic,
      ...options,
      dimensionsMap: { EndpointName: this.endpointName, VariantName: variant, ...options.dimensionsMap },
    });
    if (variantName !== undefined) {
      return one(variantName);
    }
    const names = this.variantNames;
    if (names.length === 0) {
      throw new Error(`ModelEndpoint ${this.node.path}: ${metricName} needs a variantName, since the endpoint's variant names are unknown`);
    }
    if (names.length === 1) {
      return one(names[0]);
    }
    const usingMetrics: Record<string, cloudwatch.IMetric> = {};
    // Ids unique per metric, so that aggregates can be nested in one expression (e.g. errors / invocations).
    const idPrefix = metricName.toLowerCase().replace(/[^a-z0-9]/g, '_');
    names.forEach((name, i) => { usingMetrics[`${idPrefix}_${i}`] = one(name); });
    return new cloudwatch.MathExpression({
      expression: `${combine}([${Object.keys(usingMetrics).join(', ')}])`,
      usingMetrics,
      label: `${metricName} (${combine === 'SUM' ? 'all variants' : 'worst variant'})`,
      period: options.period,
    });
  }
}

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
  /** The deployment policy. */
  public readonly deployment: DeploymentPolicy;
  /** The alarms that roll a deployment back: the endpoint's own, then the ones given. */
  public readonly rollbackAlarms: cloudwatch.IAlarm[] = [];
  /** The endpoint's own rollback alarm on the 5XX error rate, if defined. */
  public readonly errorRateAlarm?: cloudwatch.CfnAlarm;
  /** The endpoint's own rollback alarm on p99 model latency, if defined. */
  public readonly latencyAlarm?: cloudwatch.CfnAlarm;

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
  public readonly retainsWeightsOnDeploy: boolean;

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
      checkWholeNumber(errors, 'dataCapture.samplingPercentage', capture.samplingPercentage, { min: 0, max: 100, allowed: 'a whole percentage from 0 to 100' });
      const prefix = capture.prefix;
      if (prefix !== undefined && !isToken(prefix) && (prefix.startsWith('/') || prefix.includes('*') || !prefix.endsWith('/'))) {
        errors.add('dataCapture.prefix', prefix, 'a key prefix ending with \'/\', without a leading slash or wildcards, e.g. \'data-capture/\'');
      }
      if (!capture.zone && !capture.lake) {
        errors.addMessage('dataCapture needs lake (captures go to its monitoring zone) or zone, got neither');
      }
      if (capture.captureInput === false && capture.captureOutput === false) {
        errors.addMessage('dataCapture must capture input, output or both, got captureInput false and captureOutput false');
      }
    }
    const ownAlarms = (props.defaultRollbackAlarms ?? true) ? 2 : 0;
    const alarmCount = ownAlarms + (props.rollbackAlarms?.length ?? 0);
    if (alarmCount > MAX_ROLLBACK_ALARMS) {
      errors.add('rollbackAlarms', `${alarmCount} alarms`, `at most ${MAX_ROLLBACK_ALARMS} alarms in all, the ${ownAlarms} default ones included`);
    }
    const alarmOptions = props.rollbackAlarmOptions ?? {};
    const errorRate = alarmOptions.errorRateThreshold;
    if (errorRate !== undefined && !isToken(errorRate) && !(errorRate > 0 && errorRate <= 1)) {
      errors.add('rollbackAlarmOptions.errorRateThreshold', errorRate, 'a share above 0 and at most 1 (0.01 = 1%)');
    }
    errors.throwIfAny();

    this.endpointName = endpointName;
    this.endpointArn = endpointArnFor(this, endpointName);
    this.deployment = props.deployment ?? DeploymentPolicy.canary({ percent: 10, bake: Duration.minutes(10) });
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
      dataCaptureConfig: capture ? this.renderDataCapture(capture) : undefined,
      kmsKeyId: this.volumeEncryptionKey?.keyArn,
    });

    if (ownAlarms > 0) {
      const period = alarmOptions.period ?? Duration.minutes(1);
      const factory = new AlarmFactory(this, undefined);
      const common = {
        evaluationPeriods: alarmOptions.evaluationPeriods ?? 3,
        datapointsToAlarm: alarmOptions.datapointsToAlarm ?? 2,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        noActionReason: 'A rollback alarm is read by SageMaker deployment guardrails (AutoRollbackConfiguration), which poll its state; '
          + 'it needs no action. Paging on endpoint health is the job of EndpointAlarms.',
      };
      this.errorRateAlarm = factory.queryAlarm({
        ...common,
        id: 'ErrorRateAlarm',
        description: `Rolls back a deployment of the SageMaker endpoint ${endpointName}: share of 5XX responses of a production variant`,
        threshold: errorRate ?? 0.01,
        // Invocation5XXErrors is 1 for a request answered with a 5XX and 0 otherwise: its average is the error rate.
        metrics: Lazy.any({ produce: () => this.renderWorstVariantQuery('Invocation5XXErrors', 'Average', period, '5XX error rate') }),
      });
      this.latencyAlarm = factory.queryAlarm({
        ...common,
        id: 'LatencyAlarm',
        description: `Rolls back a deployment of the SageMaker endpoint ${endpointName}: p99 model latency of a production variant`,
        // ModelLatency is in microseconds.
        threshold: (alarmOptions.latencyThreshold ?? Duration.seconds(1)).toMilliseconds() * 1000,
        metrics: Lazy.any({ produce: () => this.renderWorstVariantQuery('ModelLatency', 'p99', period, 'p99 model latency (us)') }),
      });
      for (const alarm of [this.errorRateAlarm, this.latencyAlarm]) {
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

    for (const variant of props.variants ?? []) {
      this.addVariant(variant);
    }
    if (props.shadowVariant) {
      this.addShadowVariant(props.shadowVariant);
    }

    this.node.addValidation({ validate: () => this.validateEndpoint() });
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
    if (this.rollbackAlarms.length >= MAX_ROLLBACK_ALARMS) {
      const errors = new InputErrors(this, 'ModelEndpoint');
      errors.add('rollbackAlarms', `${this.rollbackAlarms.length + 1} alarms`,
        `at most ${MAX_ROLLBACK_ALARMS} alarms in all (SageMaker's limit), the default ones included`);
      errors.throwIfAny();
    }
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
    this.checkVariantBase(errors, where, variant);
    if (!isToken(variant.weight) && variant.weight !== undefined && !(variant.weight >= 0)) {
      errors.add(`${where} weight`, variant.weight, '>= 0 (a relative share of traffic)');
    }
    if (variant.serverless) {
      this.checkServerless(errors, where, variant);
    }
    if (variant.autoScaling) {
      this.checkAutoScaling(errors, where, variant);
    }
    errors.throwIfAny();

    this.variants.push({ options: variant, kind: variant.serverless ? VariantKind.SERVERLESS : VariantKind.INSTANCE });
    this.grantModel(variant.model);
    if (variant.autoScaling) {
      this.defineAutoScaling(variant, variant.autoScaling);
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
    this.checkVariantBase(errors, where, shadow);
    checkWholeNumber(errors, `${where} samplingPercentage`, shadow.samplingPercentage, { min: 1, max: 100, allowed: 'a whole percentage from 1 to 100' });
    errors.throwIfAny();
    this.shadows.push(shadow);
    this.grantModel(shadow.model);
  }

  private checkVariantBase(errors: InputErrors, where: string, v: VariantBaseOptions & { serverless?: ServerlessOptions }): void {
    if (!isToken(v.name) && !SAGEMAKER_NAME.test(v.name)) {
      errors.add(`${where} name`, v.name, '1-63 letters, digits and hyphens, starting and ending with a letter or digit');
    }
    const names = [...this.variants.map((x) => x.options.name), ...this.shadows.map((s) => s.name)];
    if (!isToken(v.name) && names.includes(v.name)) {
      errors.add(`${where} name`, v.name, 'unique among the endpoint\'s variants, but it is used twice');
    }
    checkWholeNumber(errors, `${where} instanceCount`, v.instanceCount, { min: 1 });
    if (v.volumeSize !== undefined && !v.volumeSize.isUnresolved()) {
      const gib = v.volumeSize.toGibibytes({ rounding: SizeRoundingBehavior.NONE });
      if (!Number.isInteger(gib) || gib < 1 || gib > 512) {
        errors.add(`${where} volumeSize`, `${v.volumeSize.toMebibytes()} MiB`, 'a whole number of GiB from 1 to 512');
      }
    }
    checkDuration(errors, `${where} modelDownloadTimeout`, v.modelDownloadTimeout, TIMEOUT);
    checkDuration(errors, `${where} containerStartupHealthCheckTimeout`, v.containerStartupHealthCheckTimeout, TIMEOUT);
  }

  private checkServerless(errors: InputErrors, where: string, v: VariantOptions): void {
    const s = v.serverless!;
    if (v.instanceType || v.instanceCount !== undefined || v.volumeSize || v.autoScaling) {
      errors.addMessage(`${where}: a serverless variant takes none of instanceType, instanceCount, volumeSize and autoScaling`);
    }
    if (!s.memory.isUnresolved()) {
      const mib = s.memory.toMebibytes({ rounding: SizeRoundingBehavior.NONE });
      if (!Number.isInteger(mib) || mib < 1024 || mib > 6144 || mib % 1024 !== 0) {
        errors.add(`${where} serverless.memory`, `${mib} MiB`, '1024 to 6144 MiB in steps of 1024 (Size.gibibytes(1) to Size.gibibytes(6))');
      }
    }
    if (checkRequired(errors, `${where} serverless.maxConcurrency`, s.maxConcurrency, 'a whole number from 1 to 200')) {
      checkWholeNumber(errors, `${where} serverless.maxConcurrency`, s.maxConcurrency, { min: 1, max: 200 });
    }
    const pc = s.provisionedConcurrency;
    if (checkWholeNumber(errors, `${where} serverless.provisionedConcurrency`, pc, { min: 1, max: 200 })) {
      if (!isToken(s.maxConcurrency) && pc! > s.maxConcurrency) {
        errors.add(`${where} serverless.provisionedConcurrency`, pc, `at most maxConcurrency (${s.maxConcurrency})`);
      }
    }
    if (v.model.networkIsolation || v.model.vpcAttached) {
      errors.addMessage(`${where}: serverless endpoints support neither network isolation nor a VPC; `
        + 'serve a model defined with networkIsolation: false and without vpc');
    }
  }

  private checkAutoScaling(errors: InputErrors, where: string, v: VariantOptions): void {
    const a = v.autoScaling!;
    const type = v.instanceType?.toString() ?? DEFAULT_INSTANCE_TYPE;
    if (v.serverless) {
      return; // reported by checkServerless
    }
    if (!isToken(type) && type.startsWith('ml.t')) {
      errors.add(`${where} autoScaling`, type, 'used with a non-burstable instance type: SageMaker does not autoscale ml.t* instances');
    }
    const min = a.minCapacity ?? v.instanceCount ?? 1;
    if (!isToken(min) && (!Number.isInteger(min) || min < 1)) {
      errors.add(`${where} autoScaling.minCapacity`, min, 'a whole number >= 1');
    }
    if (!isToken(a.maxCapacity) && !isToken(min) && (!Number.isInteger(a.maxCapacity) || a.maxCapacity < min)) {
      errors.add(`${where} autoScaling.maxCapacity`, a.maxCapacity, `a whole number >= minCapacity (${min})`);
    }
    if (!isToken(a.targetInvocationsPerInstance) && !(a.targetInvocationsPerInstance > 0)) {
      errors.add(`${where} autoScaling.targetInvocationsPerInstance`, a.targetInvocationsPerInstance, '> 0');
    }
  }

  private grantModel(model: IServingModel): void {
    if (this.grantedModels.has(model)) {
      return;
    }
    this.grantedModels.add(model);
    this.grantDescribeAlarms(model, this.rollbackAlarms);
    const stack = Stack.of(this);
    const logGroup = stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: `/aws/sagemaker/Endpoints/${this.endpointName}`, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    iam.Grant.addToPrincipal({ grantee: model, actions: ENDPOINT_LOG_GROUP_ACTIONS, resourceArns: [logGroup] });
    const streams = `${logGroup}:log-stream:*`;
    iam.Grant.addToPrincipal({ grantee: model, actions: ENDPOINT_LOG_STREAM_ACTIONS, resourceArns: [streams] });
    const policy = roleDefaultPolicy(model);
    if (policy) {
      acknowledgeWildcardResources(policy, [streams], 'SageMaker names the log streams of an endpoint after its instances at run time; '
        + 'the grant covers only the streams of this endpoint\'s own log group.');
    }
    if (this.captureZone) {
      const zone = this.captureZone;
      const captures = zone.bucket.arnForObjects(`${this.capturePrefix}${this.endpointName}/*`);
      iam.Grant.addToPrincipal({ grantee: model, actions: WRITE_CAPTURE_ACTIONS, resourceArns: [captures] });
      const key = zone.encryptionKey ?? zone.bucket.encryptionKey;
      if (key) {
        iam.Grant.addToPrincipal({ grantee: model, actions: ENCRYPT_CAPTURE_ACTIONS, resourceArns: [key.keyArn] });
      }
      if (policy) {
        acknowledgeWildcardResources(policy, [captures], 'Data capture writes objects named at run time '
          + '(<prefix>/<endpoint>/<variant>/<yyyy>/<mm>/<dd>/<hh>/<file>); the grant is s3:PutObject only, under this endpoint\'s capture prefix.');
      }
    }
  }

  private defineAutoScaling(variant: VariantOptions, a: VariantAutoScaling): void {
    // Construct ids are API: the variant name when it is a literal, its position otherwise.
    const key = isToken(variant.name) ? `${this.variants.length - 1}` : variant.name;
    const scope = new Construct(this, `AutoScaling-${key}`);
    const target = new appscaling.CfnScalableTarget(scope, 'Target', {
      serviceNamespace: 'sagemaker',
      resourceId: `endpoint/${this.endpointName}/variant/${variant.name}`,
      scalableDimension: 'sagemaker:variant:DesiredInstanceCount',
      minCapacity: a.minCapacity ?? variant.instanceCount ?? 1,
      maxCapacity: a.maxCapacity,
    });
    // The variant exists only once the endpoint does.
    target.node.addDependency(this.resource);
    new appscaling.CfnScalingPolicy(scope, 'Invocations', {
      policyName: `${variant.name}-invocations-per-instance`,
      policyType: 'TargetTrackingScaling',
      scalingTargetId: target.ref,
      targetTrackingScalingPolicyConfiguration: {
        targetValue: a.targetInvocationsPerInstance,
        predefinedMetricSpecification: { predefinedMetricType: 'SageMakerVariantInvocationsPerInstance' },
        scaleInCooldown: (a.scaleInCooldown ?? Duration.minutes(5)).toSeconds(),
        scaleOutCooldown: (a.scaleOutCooldown ?? Duration.minutes(1)).toSeconds(),
      },
    });
    this.autoScaled.add(variant.name);
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

  private renderDataCapture(capture: DataCaptureOptions): sagemaker.CfnEndpointConfig.DataCaptureConfigProperty {
    const zone = this.captureZone!;
    const key = zone.encryptionKey ?? zone.bucket.encryptionKey;
    const modes = [];
    if (capture.captureInput ?? true) {
      modes.push({ captureMode: 'Input' });
    }
    if (capture.captureOutput ?? true) {
      modes.push({ captureMode: 'Output' });
    }
    return {
      enableCapture: true,
      initialSamplingPercentage: capture.samplingPercentage ?? 10,
      destinationS3Uri: zone.s3Uri(this.capturePrefix),
      kmsKeyId: key?.keyArn,
      captureOptions: modes,
      captureContentTypeHeader: capture.csvContentTypes || capture.jsonContentTypes
        ? { csvContentTypes: capture.csvContentTypes, jsonContentTypes: capture.jsonContentTypes }
        : undefined,
    };
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

  private renderWorstVariantQuery(metricName: string, stat: string, period: Duration, label: string): cloudwatch.CfnAlarm.MetricDataQueryProperty[] {
    const queries: cloudwatch.CfnAlarm.MetricDataQueryProperty[] = this.variants.map((v, i) => ({
      id: `v${i}`,
      returnData: this.variants.length === 1,
      metricStat: {
        metric: {
          namespace: INVOCATION_NAMESPACE,
          metricName,
          dimensions: [{ name: 'EndpointName', value: this.endpointName }, { name: 'VariantName', value: v.options.name }],
        },
        period: period.toSeconds(),
        stat,
      },
    }));
    if (queries.length > 1) {
      queries.push({ id: 'worst', expression: `MAX([${queries.map((q) => q.id).join(', ')}])`, label, returnData: true });
    }
    return queries;
  }

  private validateEndpoint(): string[] {
    const problems: string[] = [];
    const where = `ModelEndpoint ${this.node.path}`;
    const add = (prop: string, value: unknown, allowed: string) => problems.push(`${where}: ${prop} must be ${allowed}, got ${describe(value)}`);
    const n = this.variants.length;
    if (n === 0) {
      add('variants', [], 'at least one production variant (props.variants or addVariant())');
    }
    if (n > MAX_VARIANTS) {
      add('variants', this.variantNames, `at most ${MAX_VARIANTS} production variants`);
    }
    const weights = this.variants.map((v) => v.options.weight ?? 1);
    if (n > 0 && weights.every((w) => !isToken(w) && w === 0)) {
      add('variants weights', weights, 'not all 0: at least one variant must take traffic');
    }
    const serverless = this.variants.filter((v) => v.kind === VariantKind.SERVERLESS);
    if (serverless.length > 0 && n > 1) {
      add('variants', this.variantNames, `a single production variant when one is serverless ('${serverless[0].options.name}'): `
        + 'serverless endpoints support one production variant');
    }
    if (serverless.length > 0 && this.captureZone) {
      add('dataCapture', 'a capture configuration', 'absent for a serverless endpoint: serverless endpoints do not support data capture');
    }
    if (this.shadows.length > 0) {
      if (n !== 1) {
        add('shadowVariant', this.shadows[0].name, `used with exactly one production variant, but there are ${n} (${describe(this.variantNames)})`);
      }
      if (serverless.length > 0) {
        add('shadowVariant', this.shadows[0].name, 'used with an instance-based production variant: shadow tests do not support serverless endpoints');
      }
    }
    const nvme = [...this.variants.map((v) => v.options), ...this.shadows]
      .map((v) => (v as VariantOptions).serverless ? undefined : (v.instanceType?.toString() ?? DEFAULT_INSTANCE_TYPE))
      .filter((t): t is string => t !== undefined && !isToken(t) && hasInstanceStorage(t));
    if (this.volumeEncryptionKey && nvme.length > 0) {
      add('volumeEncryptionKey', nvme[0], 'absent when a variant uses an instance type with local NVMe storage, which SageMaker '
        + 'encrypts in hardware (AWS rejects a KmsKeyId then); remove volumeEncryptionKey or use an instance type without instance storage');
    }
    const sized = [...this.variants.map((v) => v.options), ...this.shadows].filter((v) => v.volumeSize && v.instanceType
      && !isToken(v.instanceType.toString()) && hasInstanceStorage(v.instanceType.toString()));
    for (const v of sized) {
      add(`variant '${v.name}' volumeSize`, v.volumeSize!.toGibibytes(), `absent for ${v.instanceType}, which has local NVMe storage`);
    }
    const instanceCounts = this.variants.filter((v) => v.kind === VariantKind.INSTANCE).map((v) => v.options.instanceCount ?? 1);
    const knownCounts = instanceCounts.filter((c) => !isToken(c));
    for (const p of this.deployment._validate({
      productionVariants: n,
      serverless: serverless.length > 0,
      minInstanceCount: knownCounts.length > 0 ? Math.min(...knownCounts) : undefined,
    })) {
      problems.push(`${where}: ${p}`);
    }
    return problems;
  }
}

function renderBase(v: VariantBaseOptions & { serverless?: ServerlessOptions }): sagemaker.CfnEndpointConfig.ProductionVariantProperty {
  const instance = !v.serverless;
  return {
    variantName: v.name,
    modelName: v.model.modelName,
    instanceType: instance ? (v.instanceType?.toString() ?? DEFAULT_INSTANCE_TYPE) : undefined,
    initialInstanceCount: instance ? (v.instanceCount ?? 1) : undefined,
    volumeSizeInGb: v.volumeSize?.toGibibytes(),
    modelDataDownloadTimeoutInSeconds: v.modelDownloadTimeout?.toSeconds(),
    containerStartupHealthCheckTimeoutInSeconds: v.containerStartupHealthCheckTimeout?.toSeconds(),
  };
}

/** SageMaker's model download and container startup timeouts: 60-3600 seconds. */
const TIMEOUT: DurationRange = { unit: 'seconds', min: 60, max: 3600 };

function roleDefaultPolicy(model: IServingModel): Construct | undefined {
  const principal = model.grantPrincipal;
  if (principal instanceof iam.Role) {
    return principal.node.tryFindChild('DefaultPolicy');
  }
  return undefined;
}

