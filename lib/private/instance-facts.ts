import { Token } from 'aws-cdk-lib';

/**
 * vCPUs and GPUs of a SageMaker instance type. vCPUs follow the size (`large` 2, `xlarge` 4, `Nxlarge` 4N,
 * `medium` 2); GPUs come from a table of the GPU families, undefined when not known.
 */
export function instanceFacts(instanceType: string | undefined): { vcpus?: number; gpus?: number } {
  if (instanceType === undefined || Token.isUnresolved(instanceType)) {
    return {};
  }
  const match = /^ml\.([a-z0-9-]+)\.(medium|large|(\d*)xlarge|metal)$/.exec(instanceType);
  if (!match) {
    return {};
  }
  const [, family, size, times] = match;
  const vcpus = size === 'medium' || size === 'large' ? 2 : size === 'metal' ? undefined : 4 * Number(times || 1);
  return { vcpus, gpus: gpuCount(family, size) };
}

const SINGLE_GPU_FAMILIES = ['g4dn', 'g5', 'g6', 'g6e', 'g5g'];

function gpuCount(family: string, size: string): number | undefined {
  const fixed: Record<string, number> = { p4d: 8, p4de: 8, p5: 8, p5e: 8, p5en: 8 };
  if (family in fixed) {
    return fixed[family];
  }
  if (family === 'p3') {
    return ({ '2xlarge': 1, '8xlarge': 4, '16xlarge': 8 } as Record<string, number>)[size];
  }
  if (SINGLE_GPU_FAMILIES.includes(family)) {
    if (family === 'g4dn') {
      return size === '12xlarge' ? 4 : size === 'metal' ? 8 : 1;
    }
    return ({ '12xlarge': 4, '24xlarge': 4, '48xlarge': 8 } as Record<string, number>)[size] ?? 1;
  }
  if (/^(inf|trn)/.test(family)) {
    return 0; // Neuron devices publish no GPU metrics
  }
  return /^[a-z]+\d/.test(family) && !/^(g|p)\d/.test(family) ? 0 : undefined;
}
