import { Duration, Lazy, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { TransformInstanceType as SdkTransformInstanceType } from '@aws-sdk/client-sagemaker';
import { batch, batchFixture, servingModel } from './batch-fixtures';
import { isTransformType } from '../../lib/private/instance-catalog';
import { BatchStrategy, BatchTransformProps, JoinSource, SplitType, TransformInstanceType, TransformModel } from '../../lib/training';

function synthError(props: Partial<BatchTransformProps> | ((f: ReturnType<typeof batchFixture>) => Partial<BatchTransformProps>)): string {
  const f = batchFixture();
  try {
    batch(f, typeof props === 'function' ? props(f) : props);
  } catch (e) {
    return (e as Error).message;
  }
  return '';
}

describe('BatchTransform bad input fails at synth, naming the construct, the prop, the value and what is allowed', () => {
  test('fails when the payload is over 100 MB', () => {
    expect(synthError({ maxPayloadMb: 101 })).toBe('BatchTransform Batch/Score: maxPayloadMb must be a whole number of MB from 0 to 100 '
      + '(0: HTTP chunked encoding, for containers that support it), got 101');
  });

  test('fails when concurrency x payload is over 100 MB', () => {
    expect(synthError({ maxPayloadMb: 30, maxConcurrentTransforms: 4 }))
      .toBe('BatchTransform Batch/Score: maxConcurrentTransforms x maxPayloadMb must be at most 100 MB (SageMaker\'s limit), got 4 x 30 MB');
  });

  test('fails when MultiRecord has no payload limit to fill (0); SingleRecord with 0 is fine', () => {
    expect(synthError({ maxPayloadMb: 0, batchStrategy: BatchStrategy.MULTI_RECORD })).toMatch(
      /^BatchTransform Batch\/Score: maxPayloadMb must be from 1 to 100 with BatchStrategy.MULTI_RECORD, .*got 0$/);
    expect(synthError({ maxPayloadMb: 0, batchStrategy: BatchStrategy.SINGLE_RECORD })).toBe('');
  });

  test('fails when the input is a bucket outside the lake (no explicit zone grant)', () => {
    expect(synthError((f) => ({ input: new s3.Bucket(f.stack, 'Outside') as any }))).toMatch(
      /^BatchTransform Batch\/Score: input must be an ILakeZone, such as lake.zone\('curated'\) \(a bucket outside the lake is not accepted.*got the construct 'Batch\/Outside'$/);
  });

  test('fails when a zone is missing (from JavaScript)', () => {
    expect(synthError({ output: undefined as any })).toBe('BatchTransform Batch/Score: output must be an ILakeZone, got undefined');
  });

  test('fails on values outside the enums', () => {
    expect(synthError({ splitType: 'Lines' as SplitType })).toMatch(/splitType must be a SplitType \(SplitType.NONE, SplitType.LINE, SplitType.RECORD_IO, SplitType.TF_RECORD\), got 'Lines'/);
    expect(synthError({ batchStrategy: 'Multi' as BatchStrategy })).toMatch(/batchStrategy must be a BatchStrategy .*got 'Multi'/);
  });

  test('fails when joining input with a content type SageMaker cannot join', () => {
    expect(synthError({ joinSource: JoinSource.INPUT, contentType: 'application/x-recordio-protobuf' })).toMatch(
      /contentType must be one of \['text\/csv', 'application\/json', 'application\/jsonlines', 'application\/x-jsonlines'\] with JoinSource.INPUT .*got 'application\/x-recordio-protobuf'/);
  });

  test('fails on an input prefix with a wildcard, or an input under which its own output would land (with startOnNewObjects)', () => {
    expect(synthError({ inputPrefix: 'churn/*' })).toMatch(/inputPrefix must be a key prefix .*got 'churn\/\*'/);
    expect(synthError((f) => ({ output: f.lake.zone('curated'), outputPrefix: 'churn/scoring/out/', startOnNewObjects: true }))).toMatch(
      /outputPrefix must be a prefix outside the input prefix 'churn\/scoring\/' with startOnNewObjects .*got 'churn\/scoring\/out\/'/);
    expect(synthError((f) => ({ output: f.lake.zone('curated'), outputPrefix: 'churn/scores/', startOnNewObjects: true }))).toBe('');
  });

  test('fails on a volume key for an NVMe instance type', () => {
    expect(synthError((f) => ({ instanceType: TransformInstanceType.G5_XLARGE, volumeEncryptionKey: new kms.Key(f.stack, 'K') }))).toMatch(
      /volumeEncryptionKey must be omitted on ml.g5.xlarge, which has local NVMe storage/);
  });

  test('fails on network settings for a ServingModel, which has its own', () => {
    expect(synthError((f) => ({ model: TransformModel.fromServingModel(servingModel(f)), networkIsolation: true }))).toMatch(
      /networkIsolation must be omitted with TransformModel.fromServingModel: the model Batch\/Model has its own network settings/);
    expect(synthError((f) => ({ model: TransformModel.fromServingModel(servingModel(f)), vpc: new ec2.Vpc(f.stack, 'V') }))).toMatch(/vpc must be omitted/);
  });

  test('fails on bad names, runtimes, invocation settings, environment and package versions', () => {
    expect(synthError({ jobNamePrefix: 'Churn_Score' })).toMatch(/jobNamePrefix must be 1-26 lowercase letters, .*got 'Churn_Score'/);
    expect(synthError({ maxRuntime: Duration.days(29) })).toMatch(/maxRuntime must be from 1 minute to 28 days, got 29 days/);
    expect(synthError({ invocationTimeout: Duration.hours(2) })).toMatch(/invocationTimeout must be from 1 second to 1 hour, got 2 hours/);
    expect(synthError({ invocationRetries: 4 })).toMatch(/invocationRetries must be a whole number from 0 to 3, got 4/);
    expect(synthError({ environment: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`V${i}`, 'x'])) }))
      .toMatch(/environment must be at most 16 variables .*got '17 variables'/);
    expect(synthError((f) => ({ model: TransformModel.fromModelPackageVersion(f.registry, 0) }))).toMatch(/model version must be a whole number >= 1, got 0/);
    expect(synthError({ instanceCount: 0 })).toMatch(/instanceCount must be a whole number >= 1, got 0/);
  });

  test('fails on an alarm tuning CloudWatch would refuse', () => {
    expect(synthError({ startFailedAlarm: { evaluationPeriods: 1, datapointsToAlarm: 2 } }))
      .toBe('BatchTransform Batch/Score: startFailedAlarm.datapointsToAlarm must be a whole number from 1 to evaluationPeriods (1), got 2');
    expect(synthError({ failedAlarm: { period: Duration.seconds(45) } }))
      .toBe('BatchTransform Batch/Score: failedAlarm.period must be 10 seconds, 30 seconds or a whole number of minutes, got 45 seconds');
  });

  test('collects every problem of one call', () => {
    expect(synthError({ maxPayloadMb: 200, instanceCount: 0, invocationRetries: 9 })).toMatch(/^BatchTransform Batch\/Score: 3 problems:\n/);
  });

  test('tokens are never rejected', () => {
    const n = Token.asNumber(Lazy.number({ produce: () => 10 }));
    expect(synthError({ maxPayloadMb: n, instanceCount: n, inputPrefix: Lazy.string({ produce: () => 'churn/' }) })).toBe('');
  });
});

describe('TransformInstanceType', () => {
  test('fails on a family batch transform does not run on, naming the allowed families', () => {
    expect(() => TransformInstanceType.of('ml.t3.medium')).toThrow(
      'TransformInstanceType: name must be an ml.<family>.<size> type of a family batch transform supports (c4, c5, c6i, c7i, g4dn, g5, g6, '
      + "g6e, inf2, m4, m5, m6i, m7i, p2, p3, r6i, r7i, trn1), got 'ml.t3.medium'");
    expect(() => TransformInstanceType.of('m5.xlarge')).toThrow(/got 'm5.xlarge'/);
  });

  test('the catalog accepts every transform type of the SageMaker SDK, and only their families', () => {
    const sdk = Object.values<string>(SdkTransformInstanceType);
    expect(sdk.length).toBeGreaterThan(100);
    for (const type of sdk) {
      expect({ type, ok: isTransformType(type) }).toEqual({ type, ok: true });
    }
    const families = new Set(sdk.map((t) => t.split('.')[1]));
    for (const other of ['t3', 'r5', 'm5d', 'p4d', 'trn2', 'c6g']) {
      expect({ other, sdk: families.has(other), ok: isTransformType(`ml.${other}.xlarge`) }).toEqual({ other, sdk: false, ok: false });
    }
  });
});
