import { Duration, Size } from 'aws-cdk-lib';
import * as alpha from '@aws-cdk/aws-sagemaker-alpha';
import { IServingModel } from './serving-model';

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
