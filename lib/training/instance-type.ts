import { Token } from 'aws-cdk-lib';

const NAME = /^ml\.([a-z][a-z0-9-]*)\.([a-z0-9]+)$/;

/**
 * Families whose instances have local NVMe instance storage although their name has no `d` attribute.
 * From the Amazon EC2 instance store documentation.
 */
const NVME_FAMILIES = new Set(['g5', 'g6', 'g6e', 'p5', 'p5e', 'p5en', 'trn1', 'trn1n', 'trn2', 'i3', 'i4i', 'x1', 'x1e']);

/** NVIDIA GPUs per instance, by family and size. */
const GPUS: { [family: string]: { [size: string]: number } } = {
  g4dn: { 'xlarge': 1, '2xlarge': 1, '4xlarge': 1, '8xlarge': 1, '16xlarge': 1, '12xlarge': 4 },
  g5: { 'xlarge': 1, '2xlarge': 1, '4xlarge': 1, '8xlarge': 1, '16xlarge': 1, '12xlarge': 4, '24xlarge': 4, '48xlarge': 8 },
  g6: { 'xlarge': 1, '2xlarge': 1, '4xlarge': 1, '8xlarge': 1, '16xlarge': 1, '12xlarge': 4, '24xlarge': 4, '48xlarge': 8 },
  g6e: { 'xlarge': 1, '2xlarge': 1, '4xlarge': 1, '8xlarge': 1, '16xlarge': 1, '12xlarge': 4, '24xlarge': 4, '48xlarge': 8 },
  p3: { '2xlarge': 1, '8xlarge': 4, '16xlarge': 8 },
  p3dn: { '24xlarge': 8 },
  p4d: { '24xlarge': 8 },
  p4de: { '24xlarge': 8 },
  p5: { '48xlarge': 8 },
  p5e: { '48xlarge': 8 },
  p5en: { '48xlarge': 8 },
};

/** AWS Trainium chips per instance. */
const TRAINIUM: { [family: string]: { [size: string]: number } } = {
  trn1: { '2xlarge': 1, '32xlarge': 16 },
  trn1n: { '32xlarge': 16 },
};

/** Families of CPU-only instances (no accelerator). */
const CPU_FAMILY = /^(m|c|r|t)\d+[a-z]*$/;

/**
 * A SageMaker training instance type, with the facts that the training constructs check.
 *
 * Use a constant, or `TrainingInstanceType.of('ml.<family>.<size>')` for a type that has no constant yet.
 *
 * @example
 * TrainingInstanceType.G5_2XLARGE.gpuCount; // 1
 * TrainingInstanceType.G5_2XLARGE.hasLocalNvme; // true: no volume KMS key
 */
export class TrainingInstanceType {
  // GPU: NVIDIA T4
  public static readonly G4DN_XLARGE = TrainingInstanceType.of('ml.g4dn.xlarge');
  public static readonly G4DN_2XLARGE = TrainingInstanceType.of('ml.g4dn.2xlarge');
  public static readonly G4DN_4XLARGE = TrainingInstanceType.of('ml.g4dn.4xlarge');
  public static readonly G4DN_8XLARGE = TrainingInstanceType.of('ml.g4dn.8xlarge');
  public static readonly G4DN_12XLARGE = TrainingInstanceType.of('ml.g4dn.12xlarge');
  public static readonly G4DN_16XLARGE = TrainingInstanceType.of('ml.g4dn.16xlarge');
  // GPU: NVIDIA A10G
  public static readonly G5_XLARGE = TrainingInstanceType.of('ml.g5.xlarge');
  public static readonly G5_2XLARGE = TrainingInstanceType.of('ml.g5.2xlarge');
  public static readonly G5_4XLARGE = TrainingInstanceType.of('ml.g5.4xlarge');
  public static readonly G5_8XLARGE = TrainingInstanceType.of('ml.g5.8xlarge');
  public static readonly G5_12XLARGE = TrainingInstanceType.of('ml.g5.12xlarge');
  public static readonly G5_16XLARGE = TrainingInstanceType.of('ml.g5.16xlarge');
  public static readonly G5_24XLARGE = TrainingInstanceType.of('ml.g5.24xlarge');
  public static readonly G5_48XLARGE = TrainingInstanceType.of('ml.g5.48xlarge');
  // GPU: NVIDIA L4
  public static readonly G6_XLARGE = TrainingInstanceType.of('ml.g6.xlarge');
  public static readonly G6_2XLARGE = TrainingInstanceType.of('ml.g6.2xlarge');
  public static readonly G6_4XLARGE = TrainingInstanceType.of('ml.g6.4xlarge');
  public static readonly G6_8XLARGE = TrainingInstanceType.of('ml.g6.8xlarge');
  public static readonly G6_12XLARGE = TrainingInstanceType.of('ml.g6.12xlarge');
  public static readonly G6_16XLARGE = TrainingInstanceType.of('ml.g6.16xlarge');
  public static readonly G6_24XLARGE = TrainingInstanceType.of('ml.g6.24xlarge');
  public static readonly G6_48XLARGE = TrainingInstanceType.of('ml.g6.48xlarge');
  // GPU: NVIDIA L40S
  public static readonly G6E_XLARGE = TrainingInstanceType.of('ml.g6e.xlarge');
  public static readonly G6E_2XLARGE = TrainingInstanceType.of('ml.g6e.2xlarge');
  public static readonly G6E_4XLARGE = TrainingInstanceType.of('ml.g6e.4xlarge');
  public static readonly G6E_8XLARGE = TrainingInstanceType.of('ml.g6e.8xlarge');
  public static readonly G6E_12XLARGE = TrainingInstanceType.of('ml.g6e.12xlarge');
  public static readonly G6E_16XLARGE = TrainingInstanceType.of('ml.g6e.16xlarge');
  public static readonly G6E_24XLARGE = TrainingInstanceType.of('ml.g6e.24xlarge');
  public static readonly G6E_48XLARGE = TrainingInstanceType.of('ml.g6e.48xlarge');
  // GPU: NVIDIA V100, A100, H100
  public static readonly P3_2XLARGE = TrainingInstanceType.of('ml.p3.2xlarge');
  public static readonly P3_8XLARGE = TrainingInstanceType.of('ml.p3.8xlarge');
  public static readonly P3_16XLARGE = TrainingInstanceType.of('ml.p3.16xlarge');
  public static readonly P4D_24XLARGE = TrainingInstanceType.of('ml.p4d.24xlarge');
  public static readonly P4DE_24XLARGE = TrainingInstanceType.of('ml.p4de.24xlarge');
  public static readonly P5_48XLARGE = TrainingInstanceType.of('ml.p5.48xlarge');
  // AWS Trainium
  public static readonly TRN1_2XLARGE = TrainingInstanceType.of('ml.trn1.2xlarge');
  public static readonly TRN1_32XLARGE = TrainingInstanceType.of('ml.trn1.32xlarge');
  // CPU
  public static readonly M5_LARGE = TrainingInstanceType.of('ml.m5.large');
  public static readonly M5_XLARGE = TrainingInstanceType.of('ml.m5.xlarge');
  public static readonly M5_2XLARGE = TrainingInstanceType.of('ml.m5.2xlarge');
  public static readonly M5_4XLARGE = TrainingInstanceType.of('ml.m5.4xlarge');
  public static readonly M5_12XLARGE = TrainingInstanceType.of('ml.m5.12xlarge');
  public static readonly M5_24XLARGE = TrainingInstanceType.of('ml.m5.24xlarge');
  public static readonly M5D_XLARGE = TrainingInstanceType.of('ml.m5d.xlarge');
  public static readonly M5D_2XLARGE = TrainingInstanceType.of('ml.m5d.2xlarge');
  public static readonly C5_XLARGE = TrainingInstanceType.of('ml.c5.xlarge');
  public static readonly C5_2XLARGE = TrainingInstanceType.of('ml.c5.2xlarge');
  public static readonly C5_4XLARGE = TrainingInstanceType.of('ml.c5.4xlarge');
  public static readonly C5_9XLARGE = TrainingInstanceType.of('ml.c5.9xlarge');
  public static readonly C5_18XLARGE = TrainingInstanceType.of('ml.c5.18xlarge');
  public static readonly C5N_XLARGE = TrainingInstanceType.of('ml.c5n.xlarge');
  public static readonly M6I_XLARGE = TrainingInstanceType.of('ml.m6i.xlarge');
  public static readonly M6I_2XLARGE = TrainingInstanceType.of('ml.m6i.2xlarge');
  public static readonly C6I_XLARGE = TrainingInstanceType.of('ml.c6i.xlarge');
  public static readonly C6I_2XLARGE = TrainingInstanceType.of('ml.c6i.2xlarge');
  public static readonly R5_XLARGE = TrainingInstanceType.of('ml.r5.xlarge');
  public static readonly R5_2XLARGE = TrainingInstanceType.of('ml.r5.2xlarge');

  /**
   * A training instance type by name, such as `ml.g5.2xlarge`. A token is passed through unchecked.
   */
  public static of(name: string): TrainingInstanceType {
    return new TrainingInstanceType(name);
  }

  /** The instance family, such as `g5`; undefined for a token. */
  public readonly family?: string;

  /** The instance size, such as `2xlarge`; undefined for a token. */
  public readonly size?: string;

  /**
   * The number of NVIDIA GPUs per instance: 0 for CPU and Trainium types, undefined when unknown (a token or a
   * type this library has no facts for).
   */
  public readonly gpuCount?: number;

  /**
   * The number of accelerators per instance (GPUs or Trainium chips): 0 for CPU types, undefined when unknown.
   */
  public readonly acceleratorCount?: number;

  /**
   * Whether the type has local NVMe instance storage. SageMaker then mounts that storage instead of an EBS
   * volume, encrypts it in hardware and rejects a volume KMS key. False for a token (not checked).
   */
  public readonly hasLocalNvme: boolean;

  private constructor(public readonly name: string) {
    if (Token.isUnresolved(name)) {
      this.hasLocalNvme = false;
      return;
    }
    const match = NAME.exec(name);
    if (!match) {
      throw new Error(`TrainingInstanceType: name must be 'ml.<family>.<size>' in lowercase, such as 'ml.g5.2xlarge', got '${name}'`);
    }
    const [, family, size] = match;
    this.family = family;
    this.size = size;
    // The `d` attribute (m5d, g4dn, p4de, ...) marks instance storage; some newer families have it without the `d`.
    this.hasLocalNvme = NVME_FAMILIES.has(family) || /^[a-z]+\d+[a-z]*d[a-z]*$/.test(family);
    if (GPUS[family]) {
      this.gpuCount = GPUS[family][size];
      this.acceleratorCount = this.gpuCount;
    } else if (TRAINIUM[family]) {
      this.gpuCount = 0;
      this.acceleratorCount = TRAINIUM[family][size];
    } else if (CPU_FAMILY.test(family)) {
      this.gpuCount = 0;
      this.acceleratorCount = 0;
    }
  }

  /** Whether the type has NVIDIA GPUs; false when unknown. */
  public get isGpu(): boolean {
    return (this.gpuCount ?? 0) > 0;
  }

  public toString(): string {
    return this.name;
  }
}
