import { Size } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { ProductionVariantInstanceType, TrainingInstanceType as SdkTrainingInstanceType } from '@aws-sdk/client-sagemaker';
import { fixture, pipeline, stateMachineDefinition } from './fixtures';
import { catalogFamilies, hasInstanceStorage, instanceFacts, lookupInstance } from '../../lib/private/instance-catalog';
import { TrainingInstanceType } from '../../lib/training';

const familyOf = (type: string) => type.split('.')[1];
const sdkTraining = Object.values<string>(SdkTrainingInstanceType);
const sdkHosting = Object.values<string>(ProductionVariantInstanceType);
/** Families whose local storage the catalog does not state (so they fail closed: no volume KMS key by default). */
const STORAGE_UNKNOWN = ['g7', 'g7e'];

describe('the instance catalog against the SageMaker SDK enums', () => {
  test('every training type of the SDK is in the catalog as a training type, with its vCPUs, GPUs and accelerators', () => {
    expect(sdkTraining.length).toBeGreaterThan(150);
    for (const type of sdkTraining) {
      const facts = lookupInstance(type);
      expect({ type, known: facts?.known, training: facts?.training }).toEqual({ type, known: true, training: true });
      expect({ type, vcpus: typeof facts!.vcpus, gpus: typeof facts!.gpus, accelerators: typeof facts!.accelerators })
        .toEqual({ type, vcpus: 'number', gpus: 'number', accelerators: 'number' });
      if (!STORAGE_UNKNOWN.includes(facts!.family)) {
        expect({ type, nvme: typeof facts!.localNvme }).toEqual({ type, nvme: 'boolean' });
      }
    }
  });

  test('the catalog\'s training families are exactly the SDK\'s (m5d, c5d, inf2 and Graviton are hosting only)', () => {
    const sdk = new Set(sdkTraining.map(familyOf));
    const catalog = catalogFamilies().filter((f) => lookupInstance(`ml.${f}.xlarge`)!.training);
    expect(new Set(catalog)).toEqual(sdk);
    for (const hostingOnly of ['m5d', 'c5d', 'inf1', 'inf2', 'dl1', 'c7g', 'r7gd', 't2']) {
      expect(sdk.has(hostingOnly)).toBe(false);
      expect(lookupInstance(`ml.${hostingOnly}.xlarge`)!.training).toBe(false);
    }
  });

  test('every hosting type of the SDK is in the catalog, with its vCPUs and GPUs', () => {
    expect(sdkHosting.length).toBeGreaterThan(200);
    for (const type of sdkHosting) {
      const facts = lookupInstance(type);
      expect({ type, known: facts?.known }).toEqual({ type, known: true });
      expect({ type, vcpus: typeof facts!.vcpus, gpus: typeof facts!.gpus }).toEqual({ type, vcpus: 'number', gpus: 'number' });
      if (!STORAGE_UNKNOWN.includes(facts!.family)) {
        expect({ type, nvme: typeof facts!.localNvme }).toEqual({ type, nvme: 'boolean' });
      }
    }
  });

  test('a family the catalog does not know falls back to unknown facts (vCPUs from the size only)', () => {
    expect(lookupInstance('ml.x9z.4xlarge')).toEqual({ name: 'ml.x9z.4xlarge', family: 'x9z', size: '4xlarge', known: false, training: false, vcpus: 16 });
    expect(instanceFacts('ml.x9z.4xlarge')).toEqual({ vcpus: 16, gpus: undefined });
    expect(hasInstanceStorage('ml.x9z.4xlarge')).toBe(false);
    expect(lookupInstance('not-a-type')).toBeUndefined();
    expect(lookupInstance(undefined)).toBeUndefined();
  });
});

describe('instance facts the review found wrong', () => {
  test.each([
    // type, vCPUs, NVIDIA GPUs, accelerators, local NVMe, local GB
    ['ml.p5.4xlarge', 16, 1, 1, true, 3840],
    ['ml.p5.48xlarge', 192, 8, 8, true, 30720],
    ['ml.trn2.48xlarge', 192, 0, 16, true, 7600],
    ['ml.trn1n.32xlarge', 128, 0, 16, true, 7600],
    ['ml.gr6.4xlarge', 16, 1, 1, true, undefined],
    ['ml.p6-b200.48xlarge', 192, 8, 8, true, 30720],
    ['ml.p6-b300.48xlarge', 192, 8, 8, true, undefined],
    ['ml.p6e-gb200.36xlarge', 144, 4, 4, true, undefined],
    ['ml.p3dn.24xlarge', 96, 8, 8, true, 1800],
    ['ml.p3.16xlarge', 64, 8, 8, false, undefined],
    ['ml.g5.xlarge', 4, 1, 1, true, 250],
    ['ml.g5.12xlarge', 48, 4, 4, true, 3800],
    ['ml.g4dn.12xlarge', 48, 4, 4, true, 900],
    ['ml.m5d.xlarge', 4, 0, 0, true, 150],
    ['ml.m5.xlarge', 4, 0, 0, false, undefined],
    ['ml.inf2.24xlarge', 96, 0, 6, false, undefined],
    ['ml.c8g.medium', 1, 0, 0, false, undefined],
    ['ml.t2.medium', 2, 0, 0, false, undefined],
  ])('%s: %d vCPUs, %d GPUs, %d accelerators, NVMe %s, %s GB', (type, vcpus, gpus, accelerators, nvme, gb) => {
    const facts = lookupInstance(type)!;
    expect([facts.vcpus, facts.gpus, facts.accelerators, facts.localNvme, facts.localStorageGb]).toEqual([vcpus, gpus, accelerators, nvme, gb]);
    expect(hasInstanceStorage(type)).toBe(nvme);
  });

  test('TrainingInstanceType takes its facts from the catalog', () => {
    expect(TrainingInstanceType.P5_4XLARGE.gpuCount).toBe(1);
    expect(TrainingInstanceType.TRN2_48XLARGE.gpuCount).toBe(0);
    expect(TrainingInstanceType.TRN2_48XLARGE.acceleratorCount).toBe(16);
    expect(TrainingInstanceType.P6_B200_48XLARGE.hasLocalNvme).toBe(true);
    expect(TrainingInstanceType.P6_B200_48XLARGE.localStorageSize!.toGibibytes()).toBe(30720);
    expect(TrainingInstanceType.G7E_48XLARGE.gpuCount).toBe(8);
    expect(TrainingInstanceType.G7E_48XLARGE.hasKnownStorage).toBe(false);
    expect((TrainingInstanceType as any).M5D_XLARGE).toBeUndefined();
  });

  test('every constant names a training type of the SDK', () => {
    const constants = Object.entries(TrainingInstanceType).filter(([, v]) => v instanceof TrainingInstanceType) as [string, TrainingInstanceType][];
    expect(constants.length).toBeGreaterThan(70);
    for (const [key, type] of constants) {
      expect({ key, inSdk: sdkTraining.includes(type.name) }).toEqual({ key, inSdk: true });
    }
    for (const key of ['P5_4XLARGE', 'P5E_48XLARGE', 'P5EN_48XLARGE', 'P3DN_24XLARGE', 'TRN1N_32XLARGE', 'TRN2_48XLARGE', 'P6_B200_48XLARGE',
      'P6_B300_48XLARGE', 'P6E_GB200_36XLARGE', 'G7_2XLARGE', 'G7_48XLARGE', 'G7E_2XLARGE', 'G7E_48XLARGE']) {
      expect((TrainingInstanceType as any)[key]).toBeInstanceOf(TrainingInstanceType);
    }
  });
});

describe('TrainingPipeline and the catalog', () => {
  test('fails when the instance type is a hosting-only type such as ml.m5d', () => {
    const f = fixture();
    expect(() => pipeline(f, { instanceType: TrainingInstanceType.of('ml.m5d.xlarge') }))
      .toThrow(/TrainingPipeline Train\/Churn: instanceType must be a SageMaker training instance type \(ml\.m5d\.\* is offered for hosting only.*got 'ml\.m5d\.xlarge'/);
  });

  test('volumeSize may equal the local NVMe storage of the type, not exceed it', () => {
    expect(() => pipeline(fixture(), { instanceType: TrainingInstanceType.G5_XLARGE, volumeSize: Size.gibibytes(250) })).not.toThrow();
    expect(() => pipeline(fixture(), { instanceType: TrainingInstanceType.G5_XLARGE, volumeSize: Size.gibibytes(251) }))
      .toThrow(/TrainingPipeline Train\/Churn: volumeSize must be at most the 250 GB of local NVMe storage of ml\.g5\.xlarge .*got '251 GiB'/);
    // EBS-backed types keep SageMaker's 16384 GB limit.
    expect(() => pipeline(fixture(), { instanceType: TrainingInstanceType.P3_2XLARGE, volumeSize: Size.gibibytes(16384) })).not.toThrow();
  });

  test('an unknown family fails closed: no volume KMS key, and a warning that says why', () => {
    const f = fixture();
    pipeline(f, { instanceType: TrainingInstanceType.of('ml.x9z.4xlarge') });
    const resources = stateMachineDefinition(Template.fromStack(f.stack).toJSON()).States.Train.Arguments.ResourceConfig;
    expect(resources).toEqual({ InstanceType: 'ml.x9z.4xlarge', InstanceCount: 1, VolumeSizeInGB: 50 });
    Annotations.fromStack(f.stack).hasWarning('/Train/Churn', Match.stringLikeRegexp('ml\\.x9z\\.4xlarge is not in this library.s instance catalog.*no volume KMS key is set'));
  });

  test('an unknown family with a key the user gives uses that key', () => {
    const f = fixture();
    const key = new kms.Key(f.stack, 'VolumeKey', { enableKeyRotation: true });
    pipeline(f, { instanceType: TrainingInstanceType.of('ml.x9z.4xlarge'), volumeEncryptionKey: key });
    const resources = stateMachineDefinition(Template.fromStack(f.stack).toJSON()).States.Train.Arguments.ResourceConfig;
    expect(resources.VolumeKmsKeyId).toBe('<ref>');
  });

  test('a known EBS-backed type gets the lake key on its volume and no warning', () => {
    const f = fixture();
    pipeline(f, { instanceType: TrainingInstanceType.M5_XLARGE });
    expect(stateMachineDefinition(Template.fromStack(f.stack).toJSON()).States.Train.Arguments.ResourceConfig.VolumeKmsKeyId).toBe('<ref>');
    Annotations.fromStack(f.stack).hasNoWarning('*', Match.stringLikeRegexp('instance catalog'));
  });
});
