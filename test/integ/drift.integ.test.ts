/**
 * The drift and model-quality handlers as bundled for Lambda, with the real AWS SDK against moto on loopback:
 * S3 objects in, S3 reports and CloudWatch metrics out.
 */
import { CloudWatchClient, GetMetricDataCommand, ListMetricsCommand } from '@aws-sdk/client-cloudwatch';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type * as DriftHandler from '../../lambda/drift';
import { buildProfile } from '../../lambda/shared/profile';
import { captureLine, rng } from '../lambda/drift/fixtures';
import { loadBundledHandler } from './bundle';

let s3: S3Client;
let cw: CloudWatchClient;
let drift: typeof DriftHandler;

const HOUR = 3600_000;
// The last full hour: metrics must be recent for CloudWatch (and moto) to keep them.
const windowEnd = Math.floor(Date.now() / HOUR) * HOUR;
const windowStart = windowEnd - HOUR;
const iso = (ms: number) => new Date(ms).toISOString();
const hourPath = (ms: number) => iso(ms).slice(0, 13).replace(/[-T]/g, '/');

const features = [{ name: 'age', type: 'numeric' as const }, { name: 'income', type: 'numeric' as const }, { name: 'plan', type: 'categorical' as const }];
const plans = ['basic', 'plus', 'pro'];

beforeAll(async () => {
  // moto was started by global-setup.ts, which set AWS_ENDPOINT_URL, dummy credentials and the region.
  // The handlers as shipped (esbuild bundles); their clients are created after AWS_ENDPOINT_URL is set.
  drift = loadBundledHandler<typeof DriftHandler>('drift');
  s3 = new S3Client({});
  cw = new CloudWatchClient({});
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  jest.spyOn(console, 'error').mockImplementation(() => undefined);

  await s3.send(new CreateBucketCommand({ Bucket: 'mlops-lake' }));
  const r = rng(11);
  const baseline = Array.from({ length: 5000 }, () => [35 + 8 * r.normal(), 50_000 + 9_000 * r.normal(), plans[Math.floor(r.next() * 3)]]);
  await put('baselines/churn/profile.json', JSON.stringify(buildProfile(baseline, features)));

  // champion: traffic like the baseline, as CSV; challenger: older customers on 'pro', as base64 JSON, plus broken lines.
  const champion: string[] = [];
  const challenger: string[] = ['this is not json', '{"captureData": {"endpointInput": {"data": "1", "encoding": "CSV"}}, "eventMetadata": {}}'];
  for (let i = 0; i < 800; i++) {
    const t = iso(windowStart + Math.floor((i / 800) * HOUR));
    champion.push(captureLine(`${(35 + 8 * r.normal()).toFixed(3)},${(50_000 + 9_000 * r.normal()).toFixed(0)},${plans[i % 3]}`, {
      inferenceTime: t, inferenceId: `c-${i}`, output: (i % 4 === 0 ? 0.8 : 0.3).toString(),
    }));
    challenger.push(captureLine(JSON.stringify({ age: 50 + 8 * r.normal(), income: 50_000 + 9_000 * r.normal(), plan: i % 5 ? 'pro' : 'basic' }), {
      inferenceTime: t, encoding: 'BASE64', contentType: 'application/json', inferenceId: `x-${i}`,
    }));
  }
  await put(`capture/churn/champion/${hourPath(windowStart)}/part-1.jsonl`, champion.slice(0, 400).join('\n'));
  await put(`capture/churn/champion/${hourPath(windowStart)}/part-2.jsonl`, champion.slice(400).join('\n'));
  await put(`capture/churn/challenger/${hourPath(windowStart)}/part-1.jsonl`, challenger.join('\n'));
  // A record of the previous window must be skipped.
  await put(`capture/churn/champion/${hourPath(windowStart - HOUR)}/old.jsonl`, captureLine('99,1,basic', { inferenceTime: iso(windowStart - 60_000) }));
  // Ground truth for the champion's first 400 inferences: label 1 for every 4th.
  await put(`truth/${hourPath(windowStart)}/labels.jsonl`,
    Array.from({ length: 400 }, (_, i) => JSON.stringify({ inferenceId: `c-${i}`, label: i % 4 === 0 || i % 10 === 1 ? 1 : 0 })).join('\n'));
}, 60_000);

afterAll(async () => {
  jest.restoreAllMocks();
  s3?.destroy();
  cw?.destroy();
});

async function put(key: string, body: string) {
  await s3.send(new PutObjectCommand({ Bucket: 'mlops-lake', Key: key, Body: body }));
}

async function getJson(key: string) {
  const res = await s3.send(new GetObjectCommand({ Bucket: 'mlops-lake', Key: key }));
  return JSON.parse(await res.Body!.transformToString());
}

async function metricValue(namespace: string, name: string, dims: Record<string, string>): Promise<number[]> {
  const res = await cw.send(new GetMetricDataCommand({
    StartTime: new Date(windowStart), EndTime: new Date(windowEnd + HOUR),
    MetricDataQueries: [{
      Id: 'm', ReturnData: true,
      MetricStat: { Metric: { Namespace: namespace, MetricName: name, Dimensions: Object.entries(dims).map(([Name, Value]) => ({ Name, Value })) }, Period: 3600, Stat: 'Maximum' },
    }],
  }));
  return res.MetricDataResults?.[0]?.Values ?? [];
}

const driftEvent = {
  endpointName: 'churn', captureBucket: 'mlops-lake', capturePrefix: 'capture', baselineBucket: 'mlops-lake', baselineKey: 'baselines/churn/profile.json',
  windowEnd: iso(windowEnd), windowMinutes: 60, reportBucket: 'mlops-lake', reportPrefix: 'reports/drift', metricNamespace: 'Integ/Drift',
};

test('the drift handler reports each variant of the window to S3 and CloudWatch', async () => {
  // WHEN the handler runs on the window, discovering the variants
  const result = await drift.handler(driftEvent);

  // THEN both variants are reported, the challenger drifted on age and plan
  const byVariant = Object.fromEntries(result.variants.map((v) => [v.variantName, v]));
  expect(Object.keys(byVariant).sort()).toEqual(['challenger', 'champion']);
  expect(byVariant.champion).toMatchObject({ records: 800, malformed: 0, driftedFeatures: [], objects: 3 });
  expect(byVariant.challenger).toMatchObject({ records: 800, malformed: 2, driftedFeatures: ['age', 'plan'] });
  expect(byVariant.challenger.driftedShare).toBeCloseTo(2 / 3, 12);

  const stamp = (ms: number) => iso(ms).replace(/[-:]/g, '').replace(/\d\d\.\d{3}Z$/, 'Z');
  const report = await getJson(`reports/drift/churn/challenger/${stamp(windowStart)}-${stamp(windowEnd)}.json`);
  expect(report).toMatchObject({ endpointName: 'churn', variantName: 'challenger', windowStart: iso(windowStart), counters: { records: 800, malformed: 2 } });
  const age = report.features.find((f: any) => f.name === 'age');
  expect(age.psi).toBeGreaterThan(0.2);
  expect(age.ks).toBeGreaterThan(0.5);
  const champ = await getJson(`reports/drift/churn/champion/${stamp(windowStart)}-${stamp(windowEnd)}.json`);
  expect(champ.counters).toMatchObject({ outsideWindow: 1, records: 800 });

  // AND the metrics are in CloudWatch with the endpoint, variant and feature dimensions
  const listed = await cw.send(new ListMetricsCommand({ Namespace: 'Integ/Drift', MetricName: 'PSI' }));
  const dims = listed.Metrics!.map((m) => Object.fromEntries(m.Dimensions!.map((d) => [d.Name, d.Value])));
  expect(dims).toEqual(expect.arrayContaining([
    { EndpointName: 'churn', VariantName: 'challenger', Feature: 'age' },
    { EndpointName: 'churn', VariantName: 'champion', Feature: 'plan' },
  ]));
  expect(dims).toHaveLength(6);
  expect(await metricValue('Integ/Drift', 'PSI', { EndpointName: 'churn', VariantName: 'challenger', Feature: 'age' })).toEqual([age.psi]);
  expect(await metricValue('Integ/Drift', 'DriftedFeatureShare', { EndpointName: 'churn', VariantName: 'champion' })).toEqual([0]);
  expect(await metricValue('Integ/Drift', 'MalformedRecords', { EndpointName: 'churn', VariantName: 'challenger' })).toEqual([2]);
});

test('running the same window again overwrites its reports instead of adding new ones', async () => {
  const before = await s3.send(new ListObjectsV2Command({ Bucket: 'mlops-lake', Prefix: 'reports/drift/' }));
  await drift.handler(driftEvent);
  const after = await s3.send(new ListObjectsV2Command({ Bucket: 'mlops-lake', Prefix: 'reports/drift/' }));
  expect(after.Contents!.map((o) => o.Key)).toEqual(before.Contents!.map((o) => o.Key));
  expect(after.KeyCount).toBe(2);
});
