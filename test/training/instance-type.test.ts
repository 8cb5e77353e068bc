import { Lazy } from 'aws-cdk-lib';
import { TrainingInstanceType } from '../../lib/training';

describe('TrainingInstanceType', () => {
  test.each([
    ['ml.g4dn.xlarge', 1, true],
    ['ml.g4dn.12xlarge', 4, true],
    ['ml.g5.2xlarge', 1, true],
    ['ml.g5.48xlarge', 8, true],
    ['ml.g6.12xlarge', 4, true],
    ['ml.g6e.xlarge', 1, true],
    ['ml.p3.2xlarge', 1, false],
    ['ml.p3.16xlarge', 8, false],
    ['ml.p4d.24xlarge', 8, true],
    ['ml.p4de.24xlarge', 8, true],
    ['ml.p5.48xlarge', 8, true],
    ['ml.trn1.32xlarge', 0, true],
    ['ml.m5.xlarge', 0, false],
    ['ml.m5d.xlarge', 0, true],
    ['ml.c5.2xlarge', 0, false],
    ['ml.c5d.2xlarge', 0, true],
  ])('%s has %d GPUs and local NVMe = %s', (name, gpus, nvme) => {
    const type = TrainingInstanceType.of(name);
    expect(type.gpuCount).toBe(gpus);
    expect(type.hasLocalNvme).toBe(nvme);
    expect(type.name).toBe(name);
    expect(type.toString()).toBe(name);
  });

  test('constants carry their facts', () => {
    expect(TrainingInstanceType.G5_2XLARGE.name).toBe('ml.g5.2xlarge');
    expect(TrainingInstanceType.G5_2XLARGE.isGpu).toBe(true);
    expect(TrainingInstanceType.P4D_24XLARGE.family).toBe('p4d');
    expect(TrainingInstanceType.P4D_24XLARGE.size).toBe('24xlarge');
    expect(TrainingInstanceType.M5_XLARGE.isGpu).toBe(false);
  });

  test('Trainium types count their chips as accelerators, not GPUs', () => {
    expect(TrainingInstanceType.TRN1_32XLARGE.gpuCount).toBe(0);
    expect(TrainingInstanceType.TRN1_32XLARGE.acceleratorCount).toBe(16);
    expect(TrainingInstanceType.TRN1_2XLARGE.acceleratorCount).toBe(1);
  });

  test('an unknown family is accepted with unknown facts', () => {
    const type = TrainingInstanceType.of('ml.x9z.4xlarge');
    expect(type.gpuCount).toBeUndefined();
    expect(type.acceleratorCount).toBeUndefined();
    expect(type.hasLocalNvme).toBe(false);
  });

  test('a token passes through unchecked, with unknown facts', () => {
    const token = Lazy.string({ produce: () => 'ml.g5.xlarge' });
    const type = TrainingInstanceType.of(token);
    expect(type.name).toBe(token);
    expect(type.gpuCount).toBeUndefined();
    expect(type.family).toBeUndefined();
    expect(type.hasLocalNvme).toBe(false);
  });

  test.each(['g5.2xlarge', 'ml.G5.2xlarge', 'ml.g5', 'ml.g5.2xlarge.x', ''])('fails when the name is %p', (name) => {
    expect(() => TrainingInstanceType.of(name)).toThrow(/TrainingInstanceType: name must be 'ml.<family>.<size>'.*got/);
  });
});
