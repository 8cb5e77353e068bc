import * as ecr from 'aws-cdk-lib/aws-ecr';
import { Token } from 'aws-cdk-lib';
import { IModelRegistry } from './model-registry';
import type { ILakeZone } from '../data-lake';
import { isTransformType, lookupInstance } from '../private/instance-catalog';
import { MlopsValidationError } from '../private/validation';
import type { IServingModel } from '../serving';

/*
 * The options of a `BatchTransform`, as SageMaker's CreateTransformJob defines them
 * (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateTransformJob.html, API_TransformInput.html,
 * API_TransformOutput.html, API_DataProcessing.html, API_BatchDataCaptureConfig.html).
 */

/** How many records one request to the container carries (CreateTransformJob `BatchStrategy`). */
export enum BatchStrategy {
  /** As many records as fit in `maxPayloadMb`. */
  MULTI_RECORD = 'MultiRecord',
  /** One record per request. */
  SINGLE_RECORD = 'SingleRecord',
}

/** How SageMaker splits input objects into records (TransformInput `SplitType`). */
export enum SplitType {
  /** No split: each request carries one whole object. */
  NONE = 'None',
  /** One record per line. */
  LINE = 'Line',
  /** MXNet RecordIO records. */
  RECORD_IO = 'RecordIO',
  /** TensorFlow TFRecord records. */
  TF_RECORD = 'TFRecord',
}

/** How SageMaker assembles the results of one input object (TransformOutput `AssembleWith`). */
export enum AssembleWith {
  /** Results are concatenated as they come. */
  NONE = 'None',
  /** One result per line. */
  LINE = 'Line',
}

/** What SageMaker joins with each result (DataProcessing `JoinSource`). */
export enum JoinSource {
  /** Only the results are written. */
  NONE = 'None',
  /** Each input record is written with its result (CSV: the result columns appended; JSON: a `SageMakerOutput` attribute). */
  INPUT = 'Input',
}

/**
 * A SageMaker instance type that batch transform runs on, checked against the instance catalog: a type of a family that
 * CreateTransformJob does not accept (TransformResources.InstanceType) fails at synth. Tokens are not checked.
 */
export class TransformInstanceType {
  /** The `ml.m5.large` batch transform instance type. */
  public static readonly M5_LARGE = TransformInstanceType.of('ml.m5.large');
  /** The `ml.m5.xlarge` batch transform instance type. */
  public static readonly M5_XLARGE = TransformInstanceType.of('ml.m5.xlarge');
  /** The `ml.m5.2xlarge` batch transform instance type. */
  public static readonly M5_2XLARGE = TransformInstanceType.of('ml.m5.2xlarge');
  /** The `ml.m5.4xlarge` batch transform instance type. */
  public static readonly M5_4XLARGE = TransformInstanceType.of('ml.m5.4xlarge');
  /** The `ml.m6i.xlarge` batch transform instance type. */
  public static readonly M6I_XLARGE = TransformInstanceType.of('ml.m6i.xlarge');
  /** The `ml.m7i.xlarge` batch transform instance type. */
  public static readonly M7I_XLARGE = TransformInstanceType.of('ml.m7i.xlarge');
  /** The `ml.c5.xlarge` batch transform instance type. */
  public static readonly C5_XLARGE = TransformInstanceType.of('ml.c5.xlarge');
  /** The `ml.c5.2xlarge` batch transform instance type. */
  public static readonly C5_2XLARGE = TransformInstanceType.of('ml.c5.2xlarge');
  /** The `ml.c6i.xlarge` batch transform instance type. */
  public static readonly C6I_XLARGE = TransformInstanceType.of('ml.c6i.xlarge');
  /** The `ml.r6i.xlarge` batch transform instance type. */
  public static readonly R6I_XLARGE = TransformInstanceType.of('ml.r6i.xlarge');
  /** The `ml.g4dn.xlarge` batch transform instance type. */
  public static readonly G4DN_XLARGE = TransformInstanceType.of('ml.g4dn.xlarge');
  /** The `ml.g5.xlarge` batch transform instance type. */
  public static readonly G5_XLARGE = TransformInstanceType.of('ml.g5.xlarge');
  /** The `ml.g5.2xlarge` batch transform instance type. */
  public static readonly G5_2XLARGE = TransformInstanceType.of('ml.g5.2xlarge');
  /** The `ml.inf2.xlarge` batch transform instance type. */
  public static readonly INF2_XLARGE = TransformInstanceType.of('ml.inf2.xlarge');

  /** Any `ml.<family>.<size>` type of a family batch transform supports. */
  public static of(name: string): TransformInstanceType {
    return new TransformInstanceType(name);
  }

  /** Whether the type has local NVMe storage (then no volume key may be given); undefined when unknown or a token. */
  public readonly hasLocalNvme?: boolean;

  /** The SageMaker name of the type, such as `ml.m5.xlarge` (or a token). */
  public readonly name: string;

  private constructor(name: string) {
    this.name = name;
    if (Token.isUnresolved(name)) {
      return;
    }
    if (typeof name !== 'string' || isTransformType(name) !== true) {
      throw new MlopsValidationError('TransformInstanceType: name must be an ml.<family>.<size> type of a family batch transform supports '
        + '(c4, c5, c6i, c7i, g4dn, g5, g6, g6e, inf2, m4, m5, m6i, m7i, p2, p3, r6i, r7i, trn1), '
        + `got ${typeof name === 'string' ? `'${name}'` : String(name)}`);
    }
    this.hasLocalNvme = lookupInstance(name)?.localNvme;
  }
}

/** Where the artifacts and the image of a model package are, so that the model that the transform creates may read them. */
export interface TransformModelPackageOptions {
  /**
   * The lake zone that holds the packages' model artifacts; the model's role may read objects under `artifactsPrefix` there.
   *
   * @default - no read access to artifacts is granted: grant it on `BatchTransform.modelRole` yourself
   */
  readonly artifactsZone?: ILakeZone;

  /**
   * The key prefix of the artifacts in `artifactsZone`, e.g. `training/churn/output/`.
   *
   * @default - the whole zone
   */
  readonly artifactsPrefix?: string;

  /**
   * The ECR repository of the packages' inference image; the model's role may pull from it.
   *
   * @default - no pull access is granted (fine for images in AWS-owned repositories such as the built-in algorithms)
   */
  readonly imageRepository?: ecr.IRepository;
}

/**
 * The model a `BatchTransform` scores with: a package of a model registry (the latest approved one when the run starts, or one
 * version), or a `ServingModel`.
 */
export class TransformModel {
  /**
   * The latest approved package of `registry` when each run starts (ListModelPackages: `ModelApprovalStatus` Approved, newest
   * first). A run fails with `NoApprovedModelPackage` when there is none. Each run defines a SageMaker model from the package and
   * deletes it when the transform job ends.
   */
  public static latestApproved(registry: IModelRegistry, options: TransformModelPackageOptions = {}): TransformModel {
    return new TransformModel(registry, undefined, undefined, options);
  }

  /** One version of a package of `registry`, whatever its approval status. Each run defines a model from it, as `latestApproved`. */
  public static fromModelPackageVersion(registry: IModelRegistry, version: number, options: TransformModelPackageOptions = {}): TransformModel {
    return new TransformModel(registry, version, undefined, options);
  }

  /**
   * A model defined elsewhere (its container, network isolation and VPC are its own). Its execution role is granted reading the input,
   * writing the output (and the data capture) and the transform job's logs.
   */
  public static fromServingModel(model: IServingModel): TransformModel {
    return new TransformModel(undefined, undefined, model, {});
  }

  /** The registry, for a model package. */
  public readonly registry?: IModelRegistry;
  /** The package version, when one was given. */
  public readonly version?: number;
  /** The model, for `fromServingModel`. */
  public readonly servingModel?: IServingModel;
  /** Where a package's artifacts and image are. */
  public readonly packageOptions: TransformModelPackageOptions;

  private constructor(registry: IModelRegistry | undefined, version: number | undefined, servingModel: IServingModel | undefined,
    packageOptions: TransformModelPackageOptions) {
    this.registry = registry;
    this.version = version;
    this.servingModel = servingModel;
    this.packageOptions = packageOptions;
  }
}

/** Batch data capture (CreateTransformJob `DataCaptureConfig`): the inputs and results of each job, for drift and quality checks. */
export interface TransformDataCapture {
  /** The lake zone to capture into, usually `monitoring`. */
  readonly zone: ILakeZone;

  /**
   * The key prefix of the captures in `zone`; the model's role may write under it only (never delete).
   *
   * @default 'batch-capture/<jobNamePrefix>/'
   */
  readonly prefix?: string;

  /**
   * Add an inference id to each captured record, to join ground truth later.
   *
   * @default true
   */
  readonly generateInferenceId?: boolean;
}
