/**
 * The model-quality handler as bundled for Lambda, with the real AWS SDK against moto on loopback: 2,000 labelled
 * inferences written as SageMaker captures them (each output preset's response shape) and as teams write labels
 * (each label style), read back into the reference AUC and accuracy that test/lambda/model-quality/reference/
 * make_vectors.py computed with numpy.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type * as QualityHandler from '../../lambda/model-quality';
import { captureLine } from '../lambda/drift/fixtures';
import { loadBundledHandler } from './bundle';

const V = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'lambda', 'model-quality', 'reference', 'vectors.json'), 'utf-8'));
interface EndToEnd {
  ids: string[]; yTrue: number[]; scores: number[]; auc: number; accuracy: number; precision: number; recall: number; f1: number;
}
const E2E: EndToEnd = V.endToEnd;

let s3: S3Client;
let cw: CloudWatchClient;
let quality: typeof QualityHandler;

const BUCKET = 'mlops-quality';
const HOUR = 3600_000;
// A daily window ending at the last full hour: metrics must be recent for CloudWatch (and moto) to keep them.
const windowEnd = Math.floor(Date.now() / HOUR) * HOUR;
const windowStart = windowEnd - 24 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();
const hourPath = (ms: number) => iso(ms).slice(0, 13).replace(/[-T]/g, '/');

beforeAll(async () => {
  // moto was started by global-setup.ts, which set AWS_ENDPOINT_URL, dummy credentials and the region.
  quality = loadBundledHandler<typeof QualityHandler>('model-quality');
  s3 = new S3Client({});
  cw = new CloudWatchClient({});
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
}, 60_000);

afterAll(async () => {
  jest.restoreAllMocks();
  s3?.destroy();
  cw?.destroy();
});

async function put(key: string, body: string) {
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
}

/** Captures of the 2,000 inferences, 1 to 4 days before the window (labels arrive days later), 500 a file. */
async function putCaptures(endpoint: string, output: (s: number, i: number) => string, contentType: string) {
  const lines = E2E.ids.map((id, i) => {
    const t = windowStart - (24 + (i % 72)) * HOUR;
    return { t, line: captureLine('1,2,3', { inferenceTime: iso(t), inferenceId: id, output: output(E2E.scores[i], i), outputContentType: contentType }) };
  });
  const byHour = new Map<string, string[]>();
  for (const { t, line } of lines) {
    const k = hourPath(t);
    byHour.set(k, [...(byHour.get(k) ?? []), line]);
  }
  for (const [hour, ls] of byHour) await put(`capture/${endpoint}/AllTraffic/${hour}/part.jsonl`, ls.join('\n'));
}

/** The labels, written in the window under <prefix>/yyyy/mm/dd/hh/, 4 files. */
async function putLabels(prefix: string, line: (id: string, y: number) => string) {
  for (let f = 0; f < 4; f++) {
    const rows = E2E.ids.map((id, i) => [id, E2E.yTrue[i]] as const).filter((_, i) => i % 4 === f);
    await put(`${prefix}/${hourPath(windowStart + (2 + 5 * f) * HOUR)}/labels-${f}.jsonl`, rows.map(([id, y]) => line(id, y)).join('\n'));
  }
}

function run(endpoint: string, truthPrefix: string, extra: Partial<QualityHandler.ModelQualityEvent> = {}) {
  return quality.handler({
    endpointName: endpoint, variantName: 'AllTraffic', captureBucket: BUCKET, capturePrefix: 'capture', groundTruthBucket: BUCKET,
    groundTruthPrefix: truthPrefix, problemType: 'binary-classification', windowEnd: iso(windowEnd), windowMinutes: 1440,
    captureLookbackHours: 4 * 24, reportBucket: BUCKET, metricNamespace: 'Integ/ModelQuality', ...extra,
  });
}

const plainLabels = (id: string, y: number) => JSON.stringify({ inferenceId: id, label: y });
const label = (s: number) => (s >= 0.5 ? 1 : 0);
const ofLabel = (s: number) => (s >= 0.5 ? s : 1 - s);

const PRESETS: Array<[string, QualityHandler.ModelQualityEvent['outputPreset'], string, (s: number) => string]> = [
  ['xgboost CSV', 'xgboost', 'text/csv', (s) => String(s)],
  ['xgboost JSON', 'xgboost', 'application/json', (s) => JSON.stringify({ predictions: [{ score: s }] })],
  ['sklearn predict_proba rows', 'sklearn-predict-proba', 'application/json', (s) => JSON.stringify([[1 - s, s]])],
  ['sklearn probabilities field', 'sklearn-predict-proba', 'application/json', (s) => JSON.stringify({ probabilities: [1 - s, s] })],
  ['sklearn predictions', 'sklearn-predict-proba', 'application/json', (s) => JSON.stringify({ predictions: [{ predicted_label: label(s), probabilities: [1 - s, s] }] })],
  ['sklearn CSV', 'sklearn-predict-proba', 'text/csv', (s) => `${1 - s},${s}`],
  ['Autopilot CSV', 'autopilot-csv', 'text/csv', (s) => `${label(s)},${ofLabel(s)}`],
  ['label-first JSON', 'autopilot-csv', 'application/json', (s) => JSON.stringify({ predictions: [label(s)], probabilities: [ofLabel(s)] })],
  ['TF Serving sigmoid', 'tf-serving', 'application/json', (s) => JSON.stringify({ predictions: [[s]] })],
  ['TF Serving softmax', 'tf-serving', 'application/json', (s) => JSON.stringify({ predictions: [[1 - s, s]] })],
  ['plain score CSV', 'plain-score', 'text/csv', (s) => String(s)],
  ['plain score JSON', 'plain-score', 'application/json', (s) => String(s)],
];

describe('each output preset gives the reference AUC and accuracy', () => {
  test.each(PRESETS.map(([name, preset, contentType, output], i) => ({ name, i, preset, contentType, output })))('$name', async ({ i, preset, contentType, output }) => {
    const endpoint = `preset-${i}`;
    await putCaptures(endpoint, output, contentType);
    await putLabels(`truth/${endpoint}`, plainLabels);

    const result = await run(endpoint, `truth/${endpoint}/`, { outputPreset: preset });

    expect(result).toMatchObject({ labels: 2000, unmatchedLabels: 0, variants: [{ joined: 2000, unmatchedOutputs: 0 }] });
    const m = result.variants[0].metrics as any;
    expect(m.auc).toBeCloseTo(E2E.auc, 12);
    expect(m.accuracy).toBeCloseTo(E2E.accuracy, 12);
    expect(m.f1).toBeCloseTo(E2E.f1, 12);
  });

  test('the wrong preset is counted as unmatched output, not read as a wrong number', async () => {
    // predict_proba rows read as Autopilot's label and probability: no label there, so nothing joins (the old handler
    // took the first number, P(class 0), and reported an AUC of 1 - the true one)
    await putCaptures('wrong-preset', (x) => JSON.stringify([[1 - x, x]]), 'application/json');
    await putLabels('truth/wrong-preset', plainLabels);
    const result = await run('wrong-preset', 'truth/wrong-preset', { outputPreset: 'autopilot-csv' });
    expect(result.variants[0]).toMatchObject({ joined: 0, unmatchedOutputs: 2000, metrics: null });
  });
});

const STYLES: Array<[string, (id: string, y: number) => string]> = [
  ['numbers 1 and 0', plainLabels],
  ['text "1.0" and "0.0"', (id, y) => JSON.stringify({ inferenceId: id, label: y ? '1.0' : '0.0' })],
  ['booleans', (id, y) => JSON.stringify({ inferenceId: id, label: y === 1 })],
  ['text "True" and "False"', (id, y) => JSON.stringify({ inferenceId: id, label: y ? 'True' : 'False' })],
  ['text "1" and "0"', (id, y) => JSON.stringify({ inferenceId: id, label: String(y) })],
  ['SageMaker ground truth, CSV', (id, y) => JSON.stringify({ groundTruthData: { data: String(y), encoding: 'CSV' }, eventMetadata: { eventId: id }, eventVersion: '0' })],
  ['SageMaker ground truth, base64', (id, y) => JSON.stringify({
    groundTruthData: { data: Buffer.from(y ? 'true' : 'false').toString('base64'), encoding: 'BASE64' }, eventMetadata: { eventId: id }, eventVersion: '0',
  })],
];

describe('each label style gives the reference AUC and accuracy', () => {
  beforeAll(async () => {
    await putCaptures('styles', (s) => JSON.stringify([[1 - s, s]]), 'application/json');
  }, 60_000);

  test.each(STYLES.map((s, i) => [s[0], i, s[1]] as const))('%s', async (_name, i, line) => {
    await putLabels(`truth/style-${i}`, line);
    const result = await run('styles', `truth/style-${i}`, { outputPreset: 'sklearn-predict-proba' });
    expect(result).toMatchObject({ labels: 2000, variants: [{ joined: 2000 }] });
    const m = result.variants[0].metrics as any;
    expect(m.auc).toBeCloseTo(E2E.auc, 12);
    expect(m.accuracy).toBeCloseTo(E2E.accuracy, 12);
    expect(m.precision).toBeCloseTo(E2E.precision, 12);
    expect(m.recall).toBeCloseTo(E2E.recall, 12);
  });

  test('the report and the metrics are in S3 and CloudWatch', async () => {
    const stamp = (ms: number) => iso(ms).replace(/[-:]/g, '').replace(/\d\d\.\d{3}Z$/, 'Z');
    const res = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: `model-quality-reports/styles/AllTraffic/${stamp(windowStart)}-${stamp(windowEnd)}.json` }));
    const report = JSON.parse(await res.Body!.transformToString());
    expect(report).toMatchObject({
      reportFormatVersion: 2, captureLookbackHours: 96, groundTruth: { files: 4, labels: 2000, unmatchedLabels: 0 },
      join: { joined: 2000, unmatchedOutputs: 0, labelMismatches: 0 },
    });
    const values = async (name: string) => (await cw.send(new GetMetricDataCommand({
      StartTime: new Date(windowStart), EndTime: new Date(windowEnd + HOUR),
      MetricDataQueries: [{
        Id: 'm', ReturnData: true,
        MetricStat: {
          Metric: { Namespace: 'Integ/ModelQuality', MetricName: name, Dimensions: [{ Name: 'EndpointName', Value: 'styles' }, { Name: 'VariantName', Value: 'AllTraffic' }] },
          Period: 86400, Stat: 'Maximum',
        },
      }],
    }))).MetricDataResults?.[0]?.Values ?? [];
    expect((await values('AUC'))[0]).toBeCloseTo(E2E.auc, 12);
    expect(await values('JoinedRecords')).toEqual([2000]);
  });
});

describe('joins that must not invent data', () => {
  test('labels in flat files are read by write time, labels outside the lookback do not join, and nothing joined publishes no quality datum', async () => {
    // GIVEN labels written flat under the prefix now (inside no window of the past day), for captures of the preset-0 endpoint
    await put('truth/flat/labels.jsonl', E2E.ids.slice(0, 10).map((id, i) => plainLabels(id, E2E.yTrue[i])).join('\n'));
    // WHEN the window is the past day THEN the flat file (written now, after the window) is reported, not read
    const past = await run('preset-0', 'truth/flat', { outputPreset: 'xgboost' });
    expect(past).toMatchObject({ labels: 0, variants: [{ joined: 0, metrics: null }] });
    // WHEN the window holds now THEN it is read, but a 1-day lookback misses captures 2 to 4 days old
    const now = await run('preset-0', 'truth/flat', { outputPreset: 'xgboost', windowEnd: iso(windowEnd + 24 * HOUR), captureLookbackHours: 24 });
    expect(now).toMatchObject({ labels: 10, unmatchedLabels: 10, variants: [{ joined: 0, metrics: null }] });
  });

  test('2,000 labels in batches of 300 give the same metrics in 7 passes', async () => {
    const result = await run('preset-0', 'truth/preset-0', { outputPreset: 'xgboost', labelBatchSize: 300 });
    expect(result).toMatchObject({ labels: 2000, passes: 7, unmatchedLabels: 0, variants: [{ joined: 2000 }] });
    expect((result.variants[0].metrics as any).auc).toBeCloseTo(E2E.auc, 12);
  });
});

describe('multiclass', () => {
  test('three classes from probability vectors give the reference accuracy, F1s and confusion matrix', async () => {
    const M = V.endToEndMulticlass;
    const lines = M.ids.map((id: string, i: number) => captureLine('1', {
      inferenceTime: iso(windowStart - HOUR), inferenceId: id, output: JSON.stringify([M.probabilities[i]]), outputContentType: 'application/json',
    }));
    await put(`capture/multi/AllTraffic/${hourPath(windowStart - HOUR)}/part.jsonl`, lines.join('\n'));
    await put(`truth/multi/${hourPath(windowStart + HOUR)}/labels.jsonl`, M.ids.map((id: string, i: number) => plainLabels(id, M.yTrue[i])).join('\n'));
    const result = await run('multi', 'truth/multi', { problemType: 'multiclass-classification', outputPreset: 'sklearn-predict-proba' });
    const m = result.variants[0].metrics as any;
    expect(m.count).toBe(2000);
    expect(m.accuracy).toBeCloseTo(M.accuracy, 12);
    expect(m.macroF1).toBeCloseTo(M.macroF1, 12);
    expect(m.weightedF1).toBeCloseTo(M.weightedF1, 12);
    expect(m.confusionMatrix).toEqual(M.confusionMatrix);
    expect(m.classes.map((c: any) => c.recall)).toEqual(M.recall.map((r: number) => expect.closeTo(r, 12)));
  });
});
