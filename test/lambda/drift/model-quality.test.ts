import * as fs from 'fs';
import * as path from 'path';
import { Readable } from 'stream';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { sdkStreamMixin } from '@smithy/core/serde';
import { mockClient } from 'aws-sdk-client-mock';
import { handler, resolveWindow } from '../../../lambda/model-quality';
import { capturedPrediction, LabelStore, PairCollector, parseGroundTruthLine, predictionFromText } from '../../../lambda/model-quality/quality';
import { captureLine } from './fixtures';

const V = JSON.parse(fs.readFileSync(path.join(__dirname, 'reference', 'vectors.json'), 'utf-8'));

describe('ground truth and predictions', () => {
  test('reads both ground-truth line shapes and rejects others', () => {
    expect(parseGroundTruthLine('{"inferenceId": "a1", "label": 1}')).toEqual({ id: 'a1', label: '1' });
    expect(parseGroundTruthLine('{"groundTruthData": {"data": "0", "encoding": "CSV"}, "eventMetadata": {"eventId": "e9"}, "eventVersion": "0"}'))
      .toEqual({ id: 'e9', label: '0' });
    expect(parseGroundTruthLine(JSON.stringify({ groundTruthData: { data: Buffer.from('1').toString('base64'), encoding: 'BASE64' }, eventMetadata: { eventId: 'e' } })))
      .toEqual({ id: 'e', label: '1' });
    expect(parseGroundTruthLine('{"inferenceId": "a1"}')).toBeUndefined();
    expect(parseGroundTruthLine('nope')).toBeUndefined();
    expect(parseGroundTruthLine('{"groundTruthData": {"data": "1", "encoding": 5}, "eventMetadata": {"eventId": "e"}}')).toEqual({ id: 'e', label: '1' });
  });

  test('reads the prediction from CSV and JSON outputs', () => {
    expect(predictionFromText('csv', '0.83\n')).toBe(0.83);
    expect(predictionFromText('csv', '1,0.27', { outputIndex: 1 })).toBe(0.27);
    expect(predictionFromText('json', '{"predictions": [{"score": 0.61}]}')).toBe(0.61);
    expect(predictionFromText('json', '[0.4, 0.6]')).toBe(0.4);
    expect(predictionFromText('json', '{"probabilities": [0.1, 0.9]}', { outputField: 'probabilities.1' })).toBe(0.9);
    expect(predictionFromText('json', '{"label": "cat"}')).toBeUndefined();
  });

  test('joins a capture by inferenceId, else eventId, and names why a line cannot join', () => {
    const T = '2026-11-23T09:00:00Z';
    expect(capturedPrediction(captureLine('1,2', { inferenceTime: T, inferenceId: 'i1', eventId: 'e1', output: '0.7' }))).toEqual({ id: 'i1', prediction: 0.7 });
    expect(capturedPrediction(captureLine('1,2', { inferenceTime: T, eventId: 'e1', output: '0.7' }))).toEqual({ id: 'e1', prediction: 0.7 });
    expect(capturedPrediction(captureLine('1,2', { inferenceTime: T, output: 'n/a' }))).toBe('no numeric prediction in output');
    expect(capturedPrediction('{')).toBe('not JSON');
  });

  test('the label store is bounded and each label joins once', () => {
    const store = new LabelStore(2);
    ['a', 'b', 'c', 'a'].forEach((id) => store.add(id, '1'));
    expect([store.size, store.dropped, store.duplicates]).toEqual([2, 1, 1]);
    expect(store.take('a')).toBe('1');
    expect(store.take('a')).toBeUndefined();
  });

  test.each<any[]>(V.classification.map((c: any) => [c.name, c]))('the collector reproduces the reference metrics for %s', (_n, c: any) => {
    const pairs = new PairCollector({ problemType: 'binary-classification' });
    c.yTrue.forEach((y: number, i: number) => pairs.add(String(y), c.scores[i]));
    const m = pairs.metrics();
    expect(m).toMatchObject({ problemType: 'binary-classification', count: c.yTrue.length });
    if (m.problemType !== 'binary-classification') throw new Error('unexpected');
    expect(m.accuracy).toBeCloseTo(c.accuracy, 12);
    expect(m.f1).toBeCloseTo(c.f1, 12);
    expect(m.auc!).toBeCloseTo(c.auc, 12);
  });

  test('regression labels that are not numbers are counted, not joined', () => {
    const pairs = new PairCollector({ problemType: 'regression' });
    expect(pairs.add('3', 4)).toBe(true);
    expect(pairs.add('cat', 4)).toBe(false);
    expect(pairs.add('5', 2)).toBe(true);
    expect(pairs.metrics()).toEqual({ problemType: 'regression', count: 2, mae: 2, rmse: Math.sqrt(5) });
    expect(pairs.invalidLabels).toBe(1);
  });

  test('fails without ground-truth location or problem type', () => {
    expect(() => resolveWindow({ endpointName: 'e', captureBucket: 'c', capturePrefix: '', reportBucket: 'r' } as any, 0))
      .toThrow(/groundTruthBucket is required; problemType must be 'binary-classification' or 'regression', got 'undefined'/);
  });
});

describe('model-quality handler', () => {
  const s3 = mockClient(S3Client);
  const cw = mockClient(CloudWatchClient);

  beforeEach(() => {
    s3.reset();
    cw.reset();
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  test('joins the window\'s ground truth with captured outputs and publishes classification metrics', async () => {
    // GIVEN 4 labelled inferences captured yesterday, one unlabelled capture, one label without capture
    const capture = [
      captureLine('1', { inferenceTime: '2026-11-22T10:00:00Z', inferenceId: 'i1', output: '0.9' }),
      captureLine('1', { inferenceTime: '2026-11-22T10:01:00Z', inferenceId: 'i2', output: '0.2' }),
      captureLine('1', { inferenceTime: '2026-11-22T10:02:00Z', inferenceId: 'i3', output: '0.6' }),
      captureLine('1', { inferenceTime: '2026-11-22T10:03:00Z', inferenceId: 'i4', output: '0.4' }),
      captureLine('1', { inferenceTime: '2026-11-22T10:04:00Z', inferenceId: 'i5', output: '0.4' }),
      'broken',
    ].join('\n');
    const truth = ['i1', 'i2', 'i3', 'i4', 'i9'].map((id, i) => JSON.stringify({ inferenceId: id, label: [1, 0, 0, 1, 1][i] })).join('\n');
    const files: Record<string, string> = {
      'capture/churn/AllTraffic/2026/11/22/10/c.jsonl': capture,
      'truth/2026/11/23/05/t.jsonl': truth,
    };
    s3.on(ListObjectsV2Command).callsFake((input) => ({
      Contents: Object.keys(files).filter((k) => k.startsWith(input.Prefix)).map((Key) => ({ Key })),
    }));
    s3.on(GetObjectCommand).callsFake((input) => ({ Body: sdkStreamMixin(Readable.from([Buffer.from(files[input.Key])])) }));
    s3.on(PutObjectCommand).resolves({});
    cw.on(PutMetricDataCommand).resolves({});

    // WHEN
    const result = await handler({
      endpointName: 'churn', variantName: 'AllTraffic', captureBucket: 'lake', capturePrefix: 'capture', groundTruthBucket: 'lake',
      groundTruthPrefix: 'truth', problemType: 'binary-classification', windowEnd: '2026-11-24T00:00:00Z', reportBucket: 'lake',
    });

    // THEN 4 pairs: TP (i1), TN (i2), FP (i3), FN (i4); 3 of the 4 positive/negative pairs are ordered right: AUC 0.75
    expect(result).toMatchObject({ labels: 5, unmatchedLabels: 1, variants: [{ variantName: 'AllTraffic', pairs: 4 }] });
    expect(result.variants[0].metrics).toEqual({ problemType: 'binary-classification', count: 4, accuracy: 0.5, precision: 0.5, recall: 0.5, f1: 0.5, auc: 0.75 });
    const datums = cw.commandCalls(PutMetricDataCommand)[0].args[0].input.MetricData!;
    expect(datums.map((d) => [d.MetricName, d.Value])).toEqual([
      ['Accuracy', 0.5], ['Precision', 0.5], ['Recall', 0.5], ['F1', 0.5], ['AUC', 0.75], ['JoinedRecords', 4],
    ]);
    expect(datums[0].Dimensions).toEqual([{ Name: 'EndpointName', Value: 'churn' }, { Name: 'VariantName', Value: 'AllTraffic' }]);
    expect(s3.commandCalls(PutObjectCommand)[0].args[0].input.Key).toBe('model-quality-reports/churn/AllTraffic/20261123T0000Z-20261124T0000Z.json');
  });
});
