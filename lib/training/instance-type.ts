import { Size, Token } from 'aws-cdk-lib';
import { lookupInstance } from '../private/instance-catalog';

const NAME = /^ml\.([a-z][a-z0-9-]*)\.([a-z0-9]+)$/;

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
  /** The `ml.g4dn.xlarge` training instance type (NVIDIA T4 GPUs). */
  public static readonly G4DN_XLARGE = TrainingInstanceType.of('ml.g4dn.xlarge');
  /** The `ml.g4dn.2xlarge` training instance type (NVIDIA T4 GPUs). */
  public static readonly G4DN_2XLARGE = TrainingInstanceType.of('ml.g4dn.2xlarge');
  /** The `ml.g4dn.4xlarge` training instance type (NVIDIA T4 GPUs). */
  public static readonly G4DN_4XLARGE = TrainingInstanceType.of('ml.g4dn.4xlarge');
  /** The `ml.g4dn.8xlarge` training instance type (NVIDIA T4 GPUs). */
  public static readonly G4DN_8XLARGE = TrainingInstanceType.of('ml.g4dn.8xlarge');
  /** The `ml.g4dn.12xlarge` training instance type (NVIDIA T4 GPUs). */
  public static readonly G4DN_12XLARGE = TrainingInstanceType.of('ml.g4dn.12xlarge');
  /** The `ml.g4dn.16xlarge` training instance type (NVIDIA T4 GPUs). */
  public static readonly G4DN_16XLARGE = TrainingInstanceType.of('ml.g4dn.16xlarge');
  // GPU: NVIDIA A10G
  /** The `ml.g5.xlarge` training instance type (NVIDIA A10G GPUs). */
  public static readonly G5_XLARGE = TrainingInstanceType.of('ml.g5.xlarge');
  /** The `ml.g5.2xlarge` training instance type (NVIDIA A10G GPUs). */
  public static readonly G5_2XLARGE = TrainingInstanceType.of('ml.g5.2xlarge');
  /** The `ml.g5.4xlarge` training instance type (NVIDIA A10G GPUs). */
  public static readonly G5_4XLARGE = TrainingInstanceType.of('ml.g5.4xlarge');
  /** The `ml.g5.8xlarge` training instance type (NVIDIA A10G GPUs). */
  public static readonly G5_8XLARGE = TrainingInstanceType.of('ml.g5.8xlarge');
  /** The `ml.g5.12xlarge` training instance type (NVIDIA A10G GPUs). */
  public static readonly G5_12XLARGE = TrainingInstanceType.of('ml.g5.12xlarge');
  /** The `ml.g5.16xlarge` training instance type (NVIDIA A10G GPUs). */
  public static readonly G5_16XLARGE = TrainingInstanceType.of('ml.g5.16xlarge');
  /** The `ml.g5.24xlarge` training instance type (NVIDIA A10G GPUs). */
  public static readonly G5_24XLARGE = TrainingInstanceType.of('ml.g5.24xlarge');
  /** The `ml.g5.48xlarge` training instance type (NVIDIA A10G GPUs). */
  public static readonly G5_48XLARGE = TrainingInstanceType.of('ml.g5.48xlarge');
  // GPU: NVIDIA L4
  /** The `ml.g6.xlarge` training instance type (NVIDIA L4 GPUs). */
  public static readonly G6_XLARGE = TrainingInstanceType.of('ml.g6.xlarge');
  /** The `ml.g6.2xlarge` training instance type (NVIDIA L4 GPUs). */
  public static readonly G6_2XLARGE = TrainingInstanceType.of('ml.g6.2xlarge');
  /** The `ml.g6.4xlarge` training instance type (NVIDIA L4 GPUs). */
  public static readonly G6_4XLARGE = TrainingInstanceType.of('ml.g6.4xlarge');
  /** The `ml.g6.8xlarge` training instance type (NVIDIA L4 GPUs). */
  public static readonly G6_8XLARGE = TrainingInstanceType.of('ml.g6.8xlarge');
  /** The `ml.g6.12xlarge` training instance type (NVIDIA L4 GPUs). */
  public static readonly G6_12XLARGE = TrainingInstanceType.of('ml.g6.12xlarge');
  /** The `ml.g6.16xlarge` training instance type (NVIDIA L4 GPUs). */
  public static readonly G6_16XLARGE = TrainingInstanceType.of('ml.g6.16xlarge');
  /** The `ml.g6.24xlarge` training instance type (NVIDIA L4 GPUs). */
  public static readonly G6_24XLARGE = TrainingInstanceType.of('ml.g6.24xlarge');
  /** The `ml.g6.48xlarge` training instance type (NVIDIA L4 GPUs). */
  public static readonly G6_48XLARGE = TrainingInstanceType.of('ml.g6.48xlarge');
  // GPU: NVIDIA L40S
  /** The `ml.g6e.xlarge` training instance type (NVIDIA L40S GPUs). */
  public static readonly G6E_XLARGE = TrainingInstanceType.of('ml.g6e.xlarge');
  /** The `ml.g6e.2xlarge` training instance type (NVIDIA L40S GPUs). */
  public static readonly G6E_2XLARGE = TrainingInstanceType.of('ml.g6e.2xlarge');
  /** The `ml.g6e.4xlarge` training instance type (NVIDIA L40S GPUs). */
  public static readonly G6E_4XLARGE = TrainingInstanceType.of('ml.g6e.4xlarge');
  /** The `ml.g6e.8xlarge` training instance type (NVIDIA L40S GPUs). */
  public static readonly G6E_8XLARGE = TrainingInstanceType.of('ml.g6e.8xlarge');
  /** The `ml.g6e.12xlarge` training instance type (NVIDIA L40S GPUs). */
  public static readonly G6E_12XLARGE = TrainingInstanceType.of('ml.g6e.12xlarge');
  /** The `ml.g6e.16xlarge` training instance type (NVIDIA L40S GPUs). */
  public static readonly G6E_16XLARGE = TrainingInstanceType.of('ml.g6e.16xlarge');
  /** The `ml.g6e.24xlarge` training instance type (NVIDIA L40S GPUs). */
  public static readonly G6E_24XLARGE = TrainingInstanceType.of('ml.g6e.24xlarge');
  /** The `ml.g6e.48xlarge` training instance type (NVIDIA L40S GPUs). */
  public static readonly G6E_48XLARGE = TrainingInstanceType.of('ml.g6e.48xlarge');
  // GPU: NVIDIA V100, A100, H100
  /** The `ml.p3.2xlarge` training instance type (NVIDIA V100 GPUs). */
  public static readonly P3_2XLARGE = TrainingInstanceType.of('ml.p3.2xlarge');
  /** The `ml.p3.8xlarge` training instance type (NVIDIA V100 GPUs). */
  public static readonly P3_8XLARGE = TrainingInstanceType.of('ml.p3.8xlarge');
  /** The `ml.p3.16xlarge` training instance type (NVIDIA V100 GPUs). */
  public static readonly P3_16XLARGE = TrainingInstanceType.of('ml.p3.16xlarge');
  /** The `ml.p4d.24xlarge` training instance type (NVIDIA A100 GPUs). */
  public static readonly P4D_24XLARGE = TrainingInstanceType.of('ml.p4d.24xlarge');
  /** The `ml.p4de.24xlarge` training instance type (NVIDIA A100 GPUs). */
  public static readonly P4DE_24XLARGE = TrainingInstanceType.of('ml.p4de.24xlarge');
  /** The `ml.p3dn.24xlarge` training instance type (NVIDIA V100 GPUs). */
  public static readonly P3DN_24XLARGE = TrainingInstanceType.of('ml.p3dn.24xlarge');
  /** The `ml.p5.4xlarge` training instance type (NVIDIA H100 GPUs). */
  public static readonly P5_4XLARGE = TrainingInstanceType.of('ml.p5.4xlarge');
  /** The `ml.p5.48xlarge` training instance type (NVIDIA H100 GPUs). */
  public static readonly P5_48XLARGE = TrainingInstanceType.of('ml.p5.48xlarge');
  // GPU: NVIDIA H200
  /** The `ml.p5e.48xlarge` training instance type (NVIDIA H200 GPUs). */
  public static readonly P5E_48XLARGE = TrainingInstanceType.of('ml.p5e.48xlarge');
  /** The `ml.p5en.48xlarge` training instance type (NVIDIA H200 GPUs). */
  public static readonly P5EN_48XLARGE = TrainingInstanceType.of('ml.p5en.48xlarge');
  // GPU: NVIDIA B200, B300, GB200
  /** The `ml.p6-b200.48xlarge` training instance type (NVIDIA B200 GPUs). */
  public static readonly P6_B200_48XLARGE = TrainingInstanceType.of('ml.p6-b200.48xlarge');
  /** The `ml.p6-b300.48xlarge` training instance type (NVIDIA B300 GPUs). */
  public static readonly P6_B300_48XLARGE = TrainingInstanceType.of('ml.p6-b300.48xlarge');
  /** The `ml.p6e-gb200.36xlarge` training instance type (NVIDIA GB200 GPUs). */
  public static readonly P6E_GB200_36XLARGE = TrainingInstanceType.of('ml.p6e-gb200.36xlarge');
  // GPU: NVIDIA RTX PRO Blackwell
  /** The `ml.g7.2xlarge` training instance type (NVIDIA RTX PRO Blackwell GPUs). */
  public static readonly G7_2XLARGE = TrainingInstanceType.of('ml.g7.2xlarge');
  /** The `ml.g7.4xlarge` training instance type (NVIDIA RTX PRO Blackwell GPUs). */
  public static readonly G7_4XLARGE = TrainingInstanceType.of('ml.g7.4xlarge');
  /** The `ml.g7.8xlarge` training instance type (NVIDIA RTX PRO Blackwell GPUs). */
  public static readonly G7_8XLARGE = TrainingInstanceType.of('ml.g7.8xlarge');
  /** The `ml.g7.12xlarge` training instance type (NVIDIA RTX PRO Blackwell GPUs). */
  public static readonly G7_12XLARGE = TrainingInstanceType.of('ml.g7.12xlarge');
  /** The `ml.g7.24xlarge` training instance type (NVIDIA RTX PRO Blackwell GPUs). */
  public static readonly G7_24XLARGE = TrainingInstanceType.of('ml.g7.24xlarge');
  /** The `ml.g7.48xlarge` training instance type (NVIDIA RTX PRO Blackwell GPUs). */
  public static readonly G7_48XLARGE = TrainingInstanceType.of('ml.g7.48xlarge');
  /** The `ml.g7e.2xlarge` training instance type (NVIDIA RTX PRO Blackwell GPUs). */
  public static readonly G7E_2XLARGE = TrainingInstanceType.of('ml.g7e.2xlarge');
  /** The `ml.g7e.4xlarge` training instance type (NVIDIA RTX PRO Blackwell GPUs). */
  public static readonly G7E_4XLARGE = TrainingInstanceType.of('ml.g7e.4xlarge');
  /** The `ml.g7e.8xlarge` training instance type (NVIDIA RTX PRO Blackwell GPUs). */
  public static readonly G7E_8XLARGE = TrainingInstanceType.of('ml.g7e.8xlarge');
  /** The `ml.g7e.12xlarge` training instance type (NVIDIA RTX PRO Blackwell GPUs). */
  public static readonly G7E_12XLARGE = TrainingInstanceType.of('ml.g7e.12xlarge');
  /** The `ml.g7e.24xlarge` training instance type (NVIDIA RTX PRO Blackwell GPUs). */
  public static readonly G7E_24XLARGE = TrainingInstanceType.of('ml.g7e.24xlarge');
  /** The `ml.g7e.48xlarge` training instance type (NVIDIA RTX PRO Blackwell GPUs). */
  public static readonly G7E_48XLARGE = TrainingInstanceType.of('ml.g7e.48xlarge');
  // AWS Trainium, Trainium 2
  /** The `ml.trn1.2xlarge` training instance type (AWS Trainium chips). */
  public static readonly TRN1_2XLARGE = TrainingInstanceType.of('ml.trn1.2xlarge');
  /** The `ml.trn1.32xlarge` training instance type (AWS Trainium chips). */
  public static readonly TRN1_32XLARGE = TrainingInstanceType.of('ml.trn1.32xlarge');
  /** The `ml.trn1n.32xlarge` training instance type (AWS Trainium chips). */
  public static readonly TRN1N_32XLARGE = TrainingInstanceType.of('ml.trn1n.32xlarge');
  /** The `ml.trn2.48xlarge` training instance type (AWS Trainium chips). */
  public static readonly TRN2_48XLARGE = TrainingInstanceType.of('ml.trn2.48xlarge');
  // CPU
  /** The `ml.m5.large` training instance type (CPU only). */
  public static readonly M5_LARGE = TrainingInstanceType.of('ml.m5.large');
  /** The `ml.m5.xlarge` training instance type (CPU only). */
  public static readonly M5_XLARGE = TrainingInstanceType.of('ml.m5.xlarge');
  /** The `ml.m5.2xlarge` training instance type (CPU only). */
  public static readonly M5_2XLARGE = TrainingInstanceType.of('ml.m5.2xlarge');
  /** The `ml.m5.4xlarge` training instance type (CPU only). */
  public static readonly M5_4XLARGE = TrainingInstanceType.of('ml.m5.4xlarge');
  /** The `ml.m5.12xlarge` training instance type (CPU only). */
  public static readonly M5_12XLARGE = TrainingInstanceType.of('ml.m5.12xlarge');
  /** The `ml.m5.24xlarge` training instance type (CPU only). */
  public static readonly M5_24XLARGE = TrainingInstanceType.of('ml.m5.24xlarge');
  /** The `ml.c5.xlarge` training instance type (CPU only). */
  public static readonly C5_XLARGE = TrainingInstanceType.of('ml.c5.xlarge');
  /** The `ml.c5.2xlarge` training instance type (CPU only). */
  public static readonly C5_2XLARGE = TrainingInstanceType.of('ml.c5.2xlarge');
  /** The `ml.c5.4xlarge` training instance type (CPU only). */
  public static readonly C5_4XLARGE = TrainingInstanceType.of('ml.c5.4xlarge');
  /** The `ml.c5.9xlarge` training instance type (CPU only). */
  public static readonly C5_9XLARGE = TrainingInstanceType.of('ml.c5.9xlarge');
  /** The `ml.c5.18xlarge` training instance type (CPU only). */
  public static readonly C5_18XLARGE = TrainingInstanceType.of('ml.c5.18xlarge');
  /** The `ml.c5n.xlarge` training instance type (CPU only). */
  public static readonly C5N_XLARGE = TrainingInstanceType.of('ml.c5n.xlarge');
  /** The `ml.m6i.xlarge` training instance type (CPU only). */
  public static readonly M6I_XLARGE = TrainingInstanceType.of('ml.m6i.xlarge');
  /** The `ml.m6i.2xlarge` training instance type (CPU only). */
  public static readonly M6I_2XLARGE = TrainingInstanceType.of('ml.m6i.2xlarge');
  /** The `ml.c6i.xlarge` training instance type (CPU only). */
  public static readonly C6I_XLARGE = TrainingInstanceType.of('ml.c6i.xlarge');
  /** The `ml.c6i.2xlarge` training instance type (CPU only). */
  public static readonly C6I_2XLARGE = TrainingInstanceType.of('ml.c6i.2xlarge');
  /** The `ml.r5.xlarge` training instance type (CPU only). */
  public static readonly R5_XLARGE = TrainingInstanceType.of('ml.r5.xlarge');
  /** The `ml.r5.2xlarge` training instance type (CPU only). */
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
   * volume, encrypts it in hardware and rejects a volume KMS key. False for a token and for a type whose storage
   * this library does not know (see `hasKnownStorage`).
   */
  public readonly hasLocalNvme: boolean;

  /**
   * Whether this library knows if the type has local storage. When it does not (a token, or a family newer than the
   * library), a `TrainingPipeline` defines no volume KMS key unless one is given, and warns.
   */
  public readonly hasKnownStorage: boolean;

  /** The total local NVMe storage of the type, where the EC2 specifications state it; `volumeSize` may not exceed it. */
  public readonly localStorageSize?: Size;

  /** The SageMaker name of the type, such as `ml.g5.2xlarge` (or a token). */
  public readonly name: string;

  private constructor(name: string) {
    this.name = name;
    if (Token.isUnresolved(name)) {
      this.hasLocalNvme = false;
      this.hasKnownStorage = false;
      return;
    }
    const match = NAME.exec(name);
    if (!match) {
      throw new Error(`TrainingInstanceType: name must be 'ml.<family>.<size>' in lowercase, such as 'ml.g5.2xlarge', got '${name}'`);
    }
    // The facts come from the one instance catalog (lib/private/instance-catalog.ts).
    const facts = lookupInstance(name)!;
    this.family = facts.family;
    this.size = facts.size;
    this.gpuCount = facts.gpus;
    this.acceleratorCount = facts.accelerators;
    this.hasLocalNvme = facts.localNvme === true;
    this.hasKnownStorage = facts.localNvme !== undefined;
    this.localStorageSize = facts.localStorageGb !== undefined ? Size.gibibytes(facts.localStorageGb) : undefined;
  }

  /** Whether the type has NVIDIA GPUs; false when unknown. */
  public get isGpu(): boolean {
    return (this.gpuCount ?? 0) > 0;
  }

  /** The SageMaker name of the type. */
  public toString(): string {
    return this.name;
  }
}
