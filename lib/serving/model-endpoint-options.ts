import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { DataCaptureOptions } from './data-capture';
import { DeploymentPolicy } from './deployment-policy';
import { RollbackAlarmOptions } from './rollback-alarms';
import { ShadowVariantOptions, VariantOptions } from './variant';

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
   * @default - DeploymentPolicy.canary({ percent: 10, bake: Duration.minutes(10) }), or
   * DeploymentPolicy.allAtOnce({ bake: Duration.minutes(10) }) when an instance variant has a single instance (a canary is at
   * most half of a variant's instances, so one instance cannot have one)
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
   * Define the endpoint's log group (`/aws/sagemaker/Endpoints/<endpointName>`) in the stack, with a retention and optionally a
   * key, before the endpoint; it is retained when removed. Without it SageMaker creates the group at first start, without
   * retention. Not for an endpoint already deployed without it: SageMaker has created the group, and CloudFormation fails to
   * define one of the same name (import it with `cdk import` first).
   *
   * @default - SageMaker creates the log group, kept forever and encrypted by CloudWatch Logs
   */
  readonly logs?: EndpointLogOptions;

  /**
   * Keep the variant weights of the running endpoint when a new configuration is deployed (for example weights that
   * an experiment shifted). Otherwise the weights written in code apply at each deployment.
   *
   * @default false
   */
  readonly retainWeightsOnDeploy?: boolean;
}

/** The endpoint's CloudWatch log group, defined by the stack rather than by SageMaker at first start. */
export interface EndpointLogOptions {
  /**
   * How long the container logs are kept.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly retention?: logs.RetentionDays;

  /**
   * The key that encrypts the logs. The key policy of a key defined in this app gets the statement that lets CloudWatch Logs
   * use it for this log group only; for an imported key, add that statement yourself.
   *
   * @default - encrypted by CloudWatch Logs with its own key
   */
  readonly encryptionKey?: kms.IKey;
}
