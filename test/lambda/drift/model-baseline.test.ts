import { Readable } from 'stream';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { GetObjectCommand, ListObjectsV2Command, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeEndpointCommand, DescribeEndpointConfigCommand, DescribeModelCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { sdkStreamMixin } from '@smithy/core/serde';
import { mockClient } from 'aws-sdk-client-mock';
import { handler } from '../../../lambda/drift';
import { modelDataUrlOf, profileNextTo } from '../../../lambda/drift/model-baseline';
import { buildProfile } from '../../../lambda/shared/profile';
import { captureLine, rng } from './fixtures';

const s3 = mockClient(S3Client);
const cw = mockClient(CloudWatchClient);
const sm = mockClient(SageMakerClient);

const r = rng(17);
const schema = [{ name: 'age', type: 'numeric' as const }, { name: 'country', type: 'categorical' as const }];
const profileOf = (shift: number) => buildProfile(
  Array.from({ length: 3000 }, () => [40 + shift + 10 * r.normal(), ['fr', 'de', 'it'][Math.floor(r.next() * 3)]]), schema);
/** What the first model was trained on, and what the retrained one was: the traffic has moved by 15. */
const trainedBefore = profileOf(0);
const trainedAfter = profileOf(15);

const event = {
  endpointName: 'churn', variantName: 'AllTraffic', captureBucket: 'lake', capturePrefix: 'monitoring/capture',
  baselineBucket: 'lake', baselineKey: 'baselines/churn.json', windowEnd: '2026-11-23T10:00:00Z', windowMinutes: 60,
  reportBucket: 'lake', reportPrefix: 'monitoring/drift', metricNamespace: 'Test/Drift', modelBaseline: {},
};

const body = (text: string) => sdkStreamMixin(Readable.from([Buffer.from(text)]));
const lines = Array.from({ length: 600 }, (_, i) => captureLine(`${(55 + 10 * r.normal()).toFixed(2)},${['fr', 'de', 'it'][i % 3]}`,
  { inferenceTime: `2026-11-23T09:${String(i % 60).padStart(2, '0')}:00Z` })).join('\n');

/** The endpoint serves `model`, whose artifacts are under models/churn/<version>/output/; `profiles` are the objects that exist. */
function world(model: string, version: string, profiles: Record<string, unknown>) {
  sm.on(DescribeEndpointCommand, { EndpointName: 'churn' }).resolves({ EndpointConfigName: `churn-config-${version}` });
  sm.on(DescribeEndpointConfigCommand, { EndpointConfigName: `churn-config-${version}` })
    .resolves({ ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: model }] });
  sm.on(DescribeModelCommand, { ModelName: model })
    .resolves({ PrimaryContainer: { ModelDataUrl: `s3://models-bucket/churn/${version}/output/model.tar.gz` } });
  s3.on(GetObjectCommand).callsFake((input) => {
    if (input.Key === 'monitoring/capture/churn/AllTraffic/2026/11/23/09/f.jsonl') return { Body: body(lines) };
    const doc = input.Bucket === 'lake' && input.Key === 'baselines/churn.json' ? trainedBefore : profiles[`${input.Bucket}/${input.Key}`];
    if (doc === undefined) throw new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} });
    return { Body: body(JSON.stringify(doc)) };
  });
  s3.on(ListObjectsV2Command).callsFake((input) => ({
    Contents: input.Prefix === 'monitoring/capture/churn/AllTraffic/2026/11/23/09/' ? [{ Key: `${input.Prefix}f.jsonl` }] : [], IsTruncated: false,
  }));
  s3.on(PutObjectCommand).resolves({});
  cw.on(PutMetricDataCommand).resolves({});
}

const report = () => JSON.parse(s3.commandCalls(PutObjectCommand)[0].args[0].input.Body as string);
const driftDetected = () => cw.commandCalls(PutMetricDataCommand)[0].args[0].input.MetricData!.find((d) => d.MetricName === 'DriftDetected')!.Value;

beforeEach(() => {
  s3.reset();
  cw.reset();
  sm.reset();
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
});
afterEach(() => jest.restoreAllMocks());

describe('a baseline that follows the deployed model', () => {
  test('retraining on drift cannot loop: once the retrained model is deployed, the same traffic no longer drifts', async () => {
    // GIVEN the model in service has no profile of its own (trained before profiles were written): the monitor's baseline
    world('churn-v3', 'v3', {});
    const before = await handler(event);
    expect(before.variants[0]).toMatchObject({ driftedFeatures: ['age'], baseline: 's3://lake/baselines/churn.json' });
    expect(report()).toMatchObject({ baselineSource: 'monitor', modelName: 'churn-v3' });
    expect(report().baselineFallbackReason).toMatch(/^s3:\/\/models-bucket\/churn\/v3\/output\/baseline-profile.json of model churn-v3 could not be used: NoSuchKey/);
    expect(driftDetected()).toBe(1);

    // WHEN drift retrains the model on the moved data, the pipeline writes its profile next to its artifacts, and it is deployed
    s3.reset();
    cw.reset();
    sm.reset();
    world('churn-v4', 'v4', { 'models-bucket/churn/v4/output/baseline-profile.json': trainedAfter });
    const after = await handler(event);

    // THEN the window is compared with the new model's own training data: no drift, so the drift alarm returns to OK and the
    // retraining trigger (which fires only on OK -> ALARM) stays quiet
    expect(after.variants[0]).toMatchObject({ driftedFeatures: [], baseline: 's3://models-bucket/churn/v4/output/baseline-profile.json' });
    expect(report()).toMatchObject({ baselineSource: 'model', modelName: 'churn-v4', baseline: 's3://models-bucket/churn/v4/output/baseline-profile.json' });
    expect(driftDetected()).toBe(0);
    expect(sm.commandCalls(DescribeModelCommand).map((c) => c.args[0].input.ModelName)).toEqual(['churn-v4']);
  });

  test('falls back to the monitor\'s baseline, saying why, when the deployed models cannot be read', async () => {
    world('churn-v3', 'v3', {});
    sm.on(DescribeEndpointCommand).rejects(Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' }));
    const result = await handler(event);
    expect(result.variants[0].baseline).toBe('s3://lake/baselines/churn.json');
    expect(report().baselineFallbackReason).toBe('the deployed models could not be read: AccessDeniedException: User is not authorized');
    const warnings = (console.error as jest.Mock).mock.calls.map((c) => JSON.parse(c[0]));
    expect(warnings).toEqual([expect.objectContaining({ level: 'WARN', message: 'the monitor\'s baseline is used', variantName: 'AllTraffic' })]);
  });

  test('without modelBaseline it asks SageMaker nothing', async () => {
    world('churn-v4', 'v4', { 'models-bucket/churn/v4/output/baseline-profile.json': trainedAfter });
    const { modelBaseline: _, ...plain } = event;
    const result = await handler(plain);
    expect(result.variants[0].baseline).toBe('s3://lake/baselines/churn.json');
    expect(sm.commandCalls(DescribeEndpointCommand)).toHaveLength(0);
    expect(report().baselineSource).toBe('monitor');
  });

  test('the profile sits next to the model artifacts', () => {
    expect(profileNextTo('s3://m/churn/v4/output/model.tar.gz', 'baseline-profile.json')).toEqual({ bucket: 'm', key: 'churn/v4/output/baseline-profile.json' });
    expect(profileNextTo('s3://m/churn/v4/model/', 'p.json')).toEqual({ bucket: 'm', key: 'churn/v4/model/p.json' });
    expect(profileNextTo('s3://m/model.tar.gz', 'p.json')).toEqual({ bucket: 'm', key: 'p.json' });
    expect(profileNextTo('https://example.com/model.tar.gz', 'p.json')).toBeUndefined();
    expect(profileNextTo(undefined, 'p.json')).toBeUndefined();
    expect(modelDataUrlOf({ Containers: [{ ModelDataSource: { S3DataSource: { S3Uri: 's3://m/x/' } } }] })).toBe('s3://m/x/');
    expect(modelDataUrlOf({ PrimaryContainer: { ModelDataUrl: 's3://m/a.tar.gz' }, Containers: [{ ModelDataUrl: 's3://m/b.tar.gz' }] })).toBe('s3://m/a.tar.gz');
  });

  test('fails on a profile name with a slash', async () => {
    await expect(handler({ ...event, modelBaseline: { profileName: 'a/b.json' } })).rejects.toThrow(/modelBaseline must be \{ profileName\?: a file name without \/ \}/);
  });
});
