import { Token } from 'aws-cdk-lib';

/**
 * The one catalog of SageMaker instance facts (training and hosting types): vCPUs, accelerators, local NVMe storage and its size.
 *
 * Sources:
 * - the families: the `TrainingInstanceType` and `ProductionVariantInstanceType` enums of `@aws-sdk/client-sagemaker` (a test
 *   checks that every family they list is here);
 * - vCPUs, GPUs and accelerators, instance store volumes and their sizes: the Amazon EC2 instance type specifications
 *   (https://docs.aws.amazon.com/ec2/latest/instancetypes/ac.html accelerated computing, .../gp.html general purpose,
 *   .../co.html compute optimized, .../mo.html memory optimized);
 * - SageMaker's use of them: with local NVMe storage "SageMaker doesn't provision Amazon EBS ... Available storage is fixed to the
 *   NVMe-type instance's storage capacity", "You can't request a VolumeSizeInGB greater than the total size of the local instance
 *   storage", and "You can't request a VolumeKmsKeyId when using an instance type with local storage"
 *   (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ResourceConfig.html; for endpoints
 *   https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateEndpointConfig.html#sagemaker-CreateEndpointConfig-request-KmsKeyId).
 *
 * A fact this file does not state is unknown (`undefined`), never guessed; callers fail closed on unknowns (no volume KMS key unless
 * the user gives one, no GPU alarm unless asked for).
 */

/** What the library knows about one SageMaker instance type. */
export interface InstanceFacts {
  /** The type, such as `ml.g5.2xlarge`. */
  readonly name: string;
  /** The family, such as `g5` or `p6-b200`. */
  readonly family: string;
  /** The size, such as `2xlarge`. */
  readonly size: string;
  /** Whether the family is in the catalog; an unknown family has no facts beyond its vCPUs. */
  readonly known: boolean;
  /** Whether SageMaker trains on the family (it is in the SDK's `TrainingInstanceType`); false for hosting-only and unknown families. */
  readonly training: boolean;
  /** vCPUs (from the size: `medium` 1 on Graviton and 2 otherwise, `large` 2, `xlarge` 4, `Nxlarge` 4N); undefined for `metal`. */
  readonly vcpus?: number;
  /** NVIDIA GPUs (they publish GPU metrics): 0 for CPU, Neuron and Gaudi types; undefined when unknown. */
  readonly gpus?: number;
  /** Accelerators of any kind (GPUs, Trainium or Inferentia chips, Gaudi): 0 for CPU types; undefined when unknown. */
  readonly accelerators?: number;
  /** Whether the type has local NVMe instance storage; undefined when unknown. */
  readonly localNvme?: boolean;
  /** The total local instance storage in GB, where the EC2 specifications state it; undefined otherwise. */
  readonly localStorageGb?: number;
}

type PerSize = { readonly [size: string]: number };

interface Family {
  /** NVIDIA GPUs per size (a family of NVIDIA GPUs). */
  readonly gpus?: PerSize;
  /** Other accelerators per size (Trainium, Inferentia, Gaudi); these types have no NVIDIA GPUs. */
  readonly chips?: PerSize;
  /** CPU only. */
  readonly cpu?: boolean;
  /** Local NVMe instance storage; undefined when not known. */
  readonly nvme?: boolean;
  /** Total local storage in GB per size. */
  readonly storageGb?: PerSize;
  /** AWS Graviton (a `medium` has 1 vCPU). */
  readonly graviton?: boolean;
}

const G_SMALL_4_8 = { 'xlarge': 1, '2xlarge': 1, '4xlarge': 1, '8xlarge': 1, '16xlarge': 1, '12xlarge': 4, '24xlarge': 4, '48xlarge': 8 };
/** G7 and G7e: one GPU up to 8xlarge, then 2, 4 and 8. */
const G7_GPUS = { '2xlarge': 1, '4xlarge': 1, '8xlarge': 1, '12xlarge': 2, '24xlarge': 4, '48xlarge': 8 };
/** m5d and r5d: 75 GB per `large` unit of NVMe storage. */
const D5_STORAGE = { 'large': 75, 'xlarge': 150, '2xlarge': 300, '4xlarge': 600, '8xlarge': 1200, '12xlarge': 1800, '16xlarge': 2400, '24xlarge': 3600 };

const CPU: Family = { cpu: true, nvme: false };
const CPU_NVME: Family = { cpu: true, nvme: true };
const GRAVITON: Family = { cpu: true, nvme: false, graviton: true };
const GRAVITON_NVME: Family = { cpu: true, nvme: true, graviton: true };

const FAMILIES: { readonly [family: string]: Family } = {
  // CPU, EBS only
  'c4': CPU, 'c5': CPU, 'c5n': CPU, 'c6i': CPU, 'c6in': CPU, 'c7i': CPU, 'c8i': CPU,
  'm4': CPU, 'm5': CPU, 'm6i': CPU, 'm7i': CPU, 'm8i': CPU,
  'r5': CPU, 'r6i': CPU, 'r7i': CPU, 'r8i': CPU,
  't2': CPU, 't3': CPU,
  'c6g': GRAVITON, 'c6gn': GRAVITON, 'c7g': GRAVITON, 'c8g': GRAVITON, 'm6g': GRAVITON, 'm8g': GRAVITON, 'r6g': GRAVITON, 'r8g': GRAVITON,
  // CPU with local NVMe (the `d` attribute)
  'c5d': { ...CPU_NVME, storageGb: { 'large': 50, 'xlarge': 100, '2xlarge': 200, '4xlarge': 400, '9xlarge': 900, '18xlarge': 1800 } },
  'm5d': { ...CPU_NVME, storageGb: D5_STORAGE },
  'r5d': { ...CPU_NVME, storageGb: D5_STORAGE },
  'c6gd': GRAVITON_NVME, 'm6gd': GRAVITON_NVME, 'r6gd': GRAVITON_NVME, 'r7gd': GRAVITON_NVME,
  // NVIDIA GPUs
  'g4dn': {
    gpus: { 'xlarge': 1, '2xlarge': 1, '4xlarge': 1, '8xlarge': 1, '16xlarge': 1, '12xlarge': 4 },
    nvme: true,
    storageGb: { 'xlarge': 125, '2xlarge': 225, '4xlarge': 225, '8xlarge': 900, '12xlarge': 900, '16xlarge': 900 },
  },
  'g5': {
    gpus: G_SMALL_4_8,
    nvme: true,
    storageGb: { 'xlarge': 250, '2xlarge': 450, '4xlarge': 600, '8xlarge': 900, '12xlarge': 3800, '16xlarge': 1900, '24xlarge': 3800, '48xlarge': 7600 },
  },
  'g6': {
    gpus: G_SMALL_4_8,
    nvme: true,
    storageGb: { 'xlarge': 250, '2xlarge': 450, '4xlarge': 600, '8xlarge': 900, '12xlarge': 3760, '16xlarge': 1880, '24xlarge': 3760, '48xlarge': 7520 },
  },
  'g6e': {
    gpus: G_SMALL_4_8,
    nvme: true,
    storageGb: { 'xlarge': 250, '2xlarge': 450, '4xlarge': 600, '8xlarge': 900, '12xlarge': 3800, '16xlarge': 1900, '24xlarge': 3800, '48xlarge': 7600 },
  },
  'gr6': { gpus: { '4xlarge': 1, '8xlarge': 1 }, nvme: true },
  // Local storage of G7 and G7e not stated here: unknown, so no volume KMS key by default and no size check.
  'g7': { gpus: G7_GPUS },
  'g7e': { gpus: G7_GPUS },
  'p2': { gpus: { 'xlarge': 1, '8xlarge': 8, '16xlarge': 16 }, nvme: false },
  'p3': { gpus: { '2xlarge': 1, '8xlarge': 4, '16xlarge': 8 }, nvme: false },
  'p3dn': { gpus: { '24xlarge': 8 }, nvme: true, storageGb: { '24xlarge': 1800 } },
  'p4d': { gpus: { '24xlarge': 8 }, nvme: true, storageGb: { '24xlarge': 8000 } },
  'p4de': { gpus: { '24xlarge': 8 }, nvme: true, storageGb: { '24xlarge': 8000 } },
  'p5': { gpus: { '4xlarge': 1, '48xlarge': 8 }, nvme: true, storageGb: { '4xlarge': 3840, '48xlarge': 30720 } },
  'p5e': { gpus: { '48xlarge': 8 }, nvme: true, storageGb: { '48xlarge': 30720 } },
  'p5en': { gpus: { '48xlarge': 8 }, nvme: true, storageGb: { '48xlarge': 30720 } },
  'p6-b200': { gpus: { '48xlarge': 8 }, nvme: true, storageGb: { '48xlarge': 30720 } },
  'p6-b300': { gpus: { '48xlarge': 8 }, nvme: true },
  'p6e-gb200': { gpus: { '36xlarge': 4 }, nvme: true },
  // AWS Trainium and Inferentia (Neuron devices publish no GPU metrics), Habana Gaudi
  'trn1': { chips: { '2xlarge': 1, '32xlarge': 16 }, nvme: true, storageGb: { '2xlarge': 474, '32xlarge': 7600 } },
  'trn1n': { chips: { '32xlarge': 16 }, nvme: true, storageGb: { '32xlarge': 7600 } },
  'trn2': { chips: { '48xlarge': 16 }, nvme: true, storageGb: { '48xlarge': 7600 } },
  'inf1': { chips: { 'xlarge': 1, '2xlarge': 1, '6xlarge': 4, '24xlarge': 16 }, nvme: false },
  'inf2': { chips: { 'xlarge': 1, '8xlarge': 1, '24xlarge': 6, '48xlarge': 12 }, nvme: false },
  'dl1': { chips: { '24xlarge': 8 }, nvme: true, storageGb: { '24xlarge': 4000 } },
};

/**
 * The families SageMaker trains on: those of the SDK's `TrainingInstanceType` enum (and of CreateTrainingJob's
 * ResourceConfig.InstanceType, https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ResourceConfig.html). The other
 * families of the catalog are hosting types only (`ml.m5d`, `ml.c5d`, `ml.inf2`, Graviton, ...).
 */
const TRAINING_FAMILIES = new Set([
  'c4', 'c5', 'c5n', 'c6i', 'c7i', 'c8i', 'm4', 'm5', 'm6i', 'm7i', 'm8i', 'r5', 'r5d', 'r6i', 'r7i', 'r8i', 't3',
  'g4dn', 'g5', 'g6', 'g6e', 'g7', 'g7e', 'p2', 'p3', 'p3dn', 'p4d', 'p4de', 'p5', 'p5e', 'p5en', 'p6-b200', 'p6-b300', 'p6e-gb200',
  'trn1', 'trn1n', 'trn2',
]);

const NAME = /^ml\.([a-z][a-z0-9-]*)\.([a-z0-9]+)$/;

/** The facts of an `ml.<family>.<size>` type; undefined for a token, undefined input or a name of another shape. */
export function lookupInstance(instanceType: string | undefined): InstanceFacts | undefined {
  if (instanceType === undefined || Token.isUnresolved(instanceType)) {
    return undefined;
  }
  const match = NAME.exec(instanceType);
  if (!match) {
    return undefined;
  }
  const [, family, size] = match;
  const f = FAMILIES[family];
  const vcpus = vcpusOf(size, f?.graviton ?? false);
  if (!f) {
    return { name: instanceType, family, size, known: false, training: false, vcpus };
  }
  const gpus = f.gpus ? f.gpus[size] : 0;
  const accelerators = f.cpu ? 0 : (f.gpus ?? f.chips ?? {})[size];
  return {
    name: instanceType,
    family,
    size,
    known: true,
    training: TRAINING_FAMILIES.has(family),
    vcpus,
    gpus,
    accelerators,
    localNvme: f.nvme,
    localStorageGb: f.storageGb?.[size],
  };
}

/**
 * The families batch transform runs on: those of the SDK's `TransformInstanceType` enum (CreateTransformJob's
 * TransformResources.InstanceType, https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_TransformResources.html).
 */
const TRANSFORM_FAMILIES = new Set([
  'c4', 'c5', 'c6i', 'c7i', 'g4dn', 'g5', 'g6', 'g6e', 'inf2', 'm4', 'm5', 'm6i', 'm7i', 'p2', 'p3', 'r6i', 'r7i', 'trn1',
]);

/**
 * Whether batch transform runs on the type: its family is a transform family and the catalog knows its size (vCPUs); undefined for
 * a token, and false for a name of another shape.
 */
export function isTransformType(instanceType: string): boolean | undefined {
  if (Token.isUnresolved(instanceType)) {
    return undefined;
  }
  const facts = lookupInstance(instanceType);
  return facts !== undefined && facts.known && TRANSFORM_FAMILIES.has(facts.family) && facts.vcpus !== undefined;
}

/** The families in the catalog (for tests). */
export function catalogFamilies(): string[] {
  return Object.keys(FAMILIES);
}

/** vCPUs and NVIDIA GPUs of a type, `{}` when unknown: what the endpoint alarms scale their thresholds by. */
export function instanceFacts(instanceType: string | undefined): { vcpus?: number; gpus?: number } {
  const facts = lookupInstance(instanceType);
  if (!facts) {
    return {};
  }
  return { vcpus: facts.vcpus, gpus: facts.gpus };
}

/** True for a type known to have local NVMe storage (a volume KMS key and a volume size are then rejected). */
export function hasInstanceStorage(instanceType: string): boolean {
  return lookupInstance(instanceType)?.localNvme === true;
}

function vcpusOf(size: string, graviton: boolean): number | undefined {
  if (size === 'medium') {
    return graviton ? 1 : 2;
  }
  if (size === 'large') {
    return 2;
  }
  const m = /^(\d*)xlarge$/.exec(size);
  return m ? 4 * Number(m[1] || 1) : undefined;
}
