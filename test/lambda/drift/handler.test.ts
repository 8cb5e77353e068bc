import { Readable } from 'stream';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { sdkStreamMixin } from '@smithy/core/serde';
import { mockClient } from 'aws-sdk-client-mock';
import { handler } from '../../../lambda/drift';
import { buildProfile } from '../../../lambda/shared/profile';
import { captureLine, rng } from './fixtures';

const s3 = mockClient(S3Client);
const cw = mockClient(CloudWatchClient);

/** A GetObject body that is a real stream, delivered in small chunks that split lines. */
function streamBody(text: string) {
  const chunks = text.match(/[\s\S]{1,37}/g) ?? [];
  return sdkStreamMixin(Readable.from(chunks.map((c) => Buffer.from(c))));
}

const r = rng(7);
const profile = buildProfile(
  Array.from({ length: 3000 }, () => [40 + 10 * r.normal(), ['fr', 'de', 'it'][Math.floor(r.next() * 3)]]),
  [{ name: 'age', type: 'numeric' }, { name: 'country', type: 'categorical' }],
);

const event = {
  endpointName: 'churn', variantName: 'AllTraffic', captureBucket: 'lake', capturePrefix: 'monitoring/capture',
  baselineBucket: 'lake', baselineKey: 'baselines/churn.json', windowEnd: '2026-11-23T10:00:00Z', windowMinutes: 60,
  reportBucket: 'lake', reportPrefix: 'monitoring/drift', metricNamespace: 'Test/Drift',
};

function captureFile(n: number, shift: number, hour: string, extra: string[] = []): string {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const minute = String(i % 60).padStart(2, '0');
    lines.push(captureLine(`${(40 + shift + 10 * r.normal()).toFixed(2)},${['fr', 'de', 'it'][i % 3]}`, { inferenceTime: `2026-11-23T${hour}:${minute}:00Z` }));
  }
  return [...lines, ...extra].join('\n') + '\n';
}

beforeEach(() => {
  s3.reset();
  cw.reset();
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
});

afterEach(() => jest.restoreAllMocks());

function mockCapture(files: Record<string, string>) {
  s3.on(GetObjectCommand, { Bucket: 'lake', Key: 'baselines/churn.json' }).callsFake(() => ({ Body: streamBody(JSON.stringify(profile)) }));
  for (const [key, text] of Object.entries(files)) {
    s3.on(GetObjectCommand, { Bucket: 'lake', Key: key }).callsFake(() => {
      // Capture files must be streamed line by line, never buffered whole.
      const body = streamBody(text);
      body.transformToString = () => Promise.reject(new Error(`capture file ${key} was buffered`));
      return { Body: body };
    });
  }
  s3.on(ListObjectsV2Command).callsFake((input) => ({
    Contents: Object.keys(files).filter((k) => k.startsWith(input.Prefix)).map((Key) => ({ Key })),
    IsTruncated: false,
  }));
  s3.on(PutObjectCommand).resolves({});
  cw.on(PutMetricDataCommand).resolves({});
}

test('streams the window, writes the report at a key named by the window and publishes the metrics', async () => {
  // GIVEN 600 shifted records in the 09 folder, 10 spilled into the 08 folder, and lines to skip or count
  mockCapture({
    'monitoring/capture/churn/AllTraffic/2026/11/23/08/f1.jsonl': captureFile(10, 15, '09') + captureFile(5, 0, '08'),
    'monitoring/capture/churn/AllTraffic/2026/11/23/09/f2.jsonl': captureFile(590, 15, '09', ['{"captureData": tr', 'garbage', '']),
  });

  // WHEN
  const result = await handler(event);

  // THEN the report is written once, at the window's key
  expect(result.variants).toEqual([expect.objectContaining({
    variantName: 'AllTraffic', reportKey: 'monitoring/drift/churn/AllTraffic/20261123T0900Z-20261123T1000Z.json', objects: 2, records: 600, malformed: 2,
  })]);
  const puts = s3.commandCalls(PutObjectCommand);
  expect(puts).toHaveLength(1);
  expect(puts[0].args[0].input).toMatchObject({ Bucket: 'lake', Key: 'monitoring/drift/churn/AllTraffic/20261123T0900Z-20261123T1000Z.json' });
  const report = JSON.parse(puts[0].args[0].input.Body as string);
  expect(report).toMatchObject({
    reportFormatVersion: 2, windowStart: '2026-11-23T09:00:00.000Z', windowEnd: '2026-11-23T10:00:00.000Z',
    counters: { lines: 607, records: 600, rows: 600, outsideWindow: 5, malformed: 2, malformedReasons: { 'not JSON': 2 } },
    driftedFeatures: ['age'], driftedShare: 0.5,
  });
  expect(report.features[0].psi).toBeGreaterThan(0.2);
  expect(report.features[0].ks).toBeGreaterThan(0.4);

  // AND the metrics are published in one call, timestamped at the window end
  const calls = cw.commandCalls(PutMetricDataCommand);
  expect(calls).toHaveLength(1);
  const input = calls[0].args[0].input;
  expect(input.Namespace).toBe('Test/Drift');
  const psiAge = input.MetricData!.find((d) => d.MetricName === 'PSI' && d.Dimensions!.some((x) => x.Value === 'age'));
  expect(psiAge).toMatchObject({
    Dimensions: [{ Name: 'EndpointName', Value: 'churn' }, { Name: 'VariantName', Value: 'AllTraffic' }, { Name: 'Feature', Value: 'age' }],
    Timestamp: new Date('2026-11-23T10:00:00Z'),
  });
  expect(input.MetricData!.find((d) => d.MetricName === 'MalformedRecords')!.Value).toBe(2);
  expect(input.MetricData!.find((d) => d.MetricName === 'DriftedFeatureShare')!.Value).toBe(0.5);

  // AND it listed exactly the two hour folders of the window and its lookback
  expect(s3.commandCalls(ListObjectsV2Command).map((c) => c.args[0].input.Prefix)).toEqual([
    'monitoring/capture/churn/AllTraffic/2026/11/23/08/', 'monitoring/capture/churn/AllTraffic/2026/11/23/09/',
  ]);
});

test('discovers the variants when none is given and reports each', async () => {
  mockCapture({
    'monitoring/capture/churn/champion/2026/11/23/09/a.jsonl': captureFile(200, 0, '09'),
    'monitoring/capture/churn/challenger/2026/11/23/09/b.jsonl': captureFile(150, 0, '09'),
  });
  s3.on(ListObjectsV2Command, { Delimiter: '/' }).resolves({
    CommonPrefixes: [{ Prefix: 'monitoring/capture/churn/champion/' }, { Prefix: 'monitoring/capture/churn/challenger/' }],
  });

  const result = await handler({ ...event, variantName: undefined });

  expect(result.variants.map((v) => [v.variantName, v.records, v.driftedFeatures])).toEqual([['champion', 200, []], ['challenger', 150, []]]);
  expect(s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input.Key)).toEqual([
    'monitoring/drift/churn/champion/20261123T0900Z-20261123T1000Z.json', 'monitoring/drift/churn/challenger/20261123T0900Z-20261123T1000Z.json',
  ]);
});

test('writes a report with no records and counts every line of a corrupt file as malformed', async () => {
  mockCapture({ 'monitoring/capture/churn/AllTraffic/2026/11/23/09/bad.jsonl': 'x\ny\n{"captureData":{"endpointInput":{"data":"1","encoding":"CSV"}},"eventMetadata":{"inferenceTime":"2026-11-23T09:01:00Z"}}\n' });

  const result = await handler(event);

  expect(result.variants[0]).toMatchObject({ records: 0, malformed: 3, driftedShare: null });
  const metrics = cw.commandCalls(PutMetricDataCommand)[0].args[0].input.MetricData!.map((d) => d.MetricName);
  expect(metrics).toEqual(['RecordCount', 'MalformedRecords', 'MalformedShare']);
  const warn = (console.error as jest.Mock).mock.calls.map((c) => JSON.parse(c[0]));
  expect(warn).toEqual([expect.objectContaining({ level: 'WARN', message: 'malformed capture lines', malformed: 3 })]);
});

test('fails before any S3 call when the event is invalid', async () => {
  mockCapture({});
  await expect(handler({ ...event, baselineKey: '' })).rejects.toThrow(/invalid drift event: baselineKey is required/);
  expect(s3.calls()).toHaveLength(0);
});

test('fails when the event names a feature the profile lacks', async () => {
  mockCapture({});
  await expect(handler({ ...event, features: ['age', 'income'] })).rejects.toThrow(/features not in the baseline profile: income/);
});

test('RecordCount counts rows, not requests: a request of several CSV lines or JSON instances is several records', async () => {
  const t = '2026-11-23T09:10:00Z';
  mockCapture({
    'monitoring/capture/churn/AllTraffic/2026/11/23/09/batch.jsonl': [
      captureLine('41,fr\n42,de\n43,it', { inferenceTime: t }),
      captureLine('{"instances": [{"age": 30, "country": "fr"}, {"age": 31, "country": "de"}]}', { inferenceTime: t, encoding: 'JSON' }),
      captureLine('44,it', { inferenceTime: t }),
    ].join('\n'),
  });

  const result = await handler(event);

  expect(result.variants[0]).toMatchObject({ records: 3, rows: 6, malformed: 0 });
  const data = cw.commandCalls(PutMetricDataCommand)[0].args[0].input.MetricData!;
  expect(data.find((d) => d.MetricName === 'RecordCount')).toMatchObject({ Value: 6, Unit: 'Count' });
  expect(data.find((d) => d.MetricName === 'MalformedShare')!.Value).toBe(0);
});

test('prediction drift: the output score is one more feature, published and reported like the inputs', async () => {
  // GIVEN a profile whose 'score' feature is the baseline of the model's scores, and scores shifted up
  const withScore = buildProfile(
    Array.from({ length: 3000 }, () => [40 + 10 * r.normal(), ['fr', 'de', 'it'][Math.floor(r.next() * 3)], r.next()]),
    [{ name: 'age', type: 'numeric' }, { name: 'country', type: 'categorical' }, { name: 'score', type: 'numeric' }],
  );
  const lines: string[] = [];
  for (let i = 0; i < 300; i++) {
    const minute = String(i % 60).padStart(2, '0');
    lines.push(captureLine(`${(40 + 10 * r.normal()).toFixed(2)},${['fr', 'de', 'it'][i % 3]}`, {
      inferenceTime: `2026-11-23T09:${minute}:00Z`, output: (0.6 + 0.4 * r.next()).toFixed(4),
    }));
  }
  mockCapture({ 'monitoring/capture/churn/AllTraffic/2026/11/23/09/f.jsonl': lines.join('\n') });
  s3.on(GetObjectCommand, { Bucket: 'lake', Key: 'baselines/churn.json' }).callsFake(() => ({ Body: streamBody(JSON.stringify(withScore)) }));

  // WHEN
  const result = await handler({ ...event, features: ['age', 'country', 'score'], prediction: { name: 'score' } });

  // THEN the score drifted, the inputs did not
  expect(result.variants[0]).toMatchObject({ records: 300, rows: 300, driftedFeatures: ['score'] });
  const report = JSON.parse(s3.commandCalls(PutObjectCommand)[0].args[0].input.Body as string);
  expect(report.prediction).toEqual({ name: 'score' });
  expect(report.counters.unreadOutputs).toBe(0);
  expect(report.features[2]).toMatchObject({ name: 'score', count: 300, drifted: true });
  const data = cw.commandCalls(PutMetricDataCommand)[0].args[0].input.MetricData!;
  expect(data.find((d) => d.MetricName === 'FeatureDrifted' && d.Dimensions!.some((x) => x.Value === 'score'))!.Value).toBe(1);
});

test('fails on a prediction feature that is not watched', async () => {
  await expect(handler({ ...event, features: ['age'], prediction: { name: 'score' } }))
    .rejects.toThrow(/prediction.name 'score' must be one of the features/);
});
