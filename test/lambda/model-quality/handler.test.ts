import { Readable } from 'stream';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { sdkStreamMixin } from '@smithy/core/serde';
import { mockClient } from 'aws-sdk-client-mock';
import { handler, quickJoinId } from '../../../lambda/model-quality';
import { ModelQualityEvent } from '../../../lambda/model-quality/request';
import { captureLine } from '../drift/fixtures';

const s3 = mockClient(S3Client);
const cw = mockClient(CloudWatchClient);

interface FakeObject {
  readonly body: string;
  readonly lastModified?: string;
}

/** A bucket in memory: ListObjectsV2 (with '/' delimiter and pages of `pageSize`), GetObject, PutObject. */
function fakeBucket(files: Record<string, FakeObject>, pageSize = 1000) {
  s3.on(ListObjectsV2Command).callsFake((input) => {
    const prefix = input.Prefix ?? '';
    let keys = Object.keys(files).filter((k) => k.startsWith(prefix)).sort();
    const common = new Set<string>();
    if (input.Delimiter) {
      keys = keys.filter((k) => {
        const rest = k.slice(prefix.length);
        const i = rest.indexOf(input.Delimiter!);
        if (i >= 0) common.add(prefix + rest.slice(0, i + 1));
        return i < 0;
      });
    }
    const start = input.ContinuationToken ? Number(input.ContinuationToken) : 0;
    const page = keys.slice(start, start + pageSize);
    const more = start + pageSize < keys.length;
    return {
      Contents: page.map((Key) => ({ Key, LastModified: files[Key].lastModified ? new Date(files[Key].lastModified!) : undefined })),
      CommonPrefixes: start === 0 ? [...common].map((Prefix) => ({ Prefix })) : [],
      IsTruncated: more, NextContinuationToken: more ? String(start + pageSize) : undefined,
    };
  });
  s3.on(GetObjectCommand).callsFake((input) => ({ Body: sdkStreamMixin(Readable.from([Buffer.from(files[input.Key].body)])) }));
  s3.on(PutObjectCommand).resolves({});
  cw.on(PutMetricDataCommand).resolves({});
}

const event: ModelQualityEvent = {
  endpointName: 'churn', variantName: 'AllTraffic', captureBucket: 'lake', capturePrefix: 'capture', groundTruthBucket: 'lake',
  groundTruthPrefix: 'truth', problemType: 'binary-classification', windowEnd: '2026-11-24T00:00:00Z', reportBucket: 'lake',
};

const truth = (ids: string[], labels: unknown[]) => ({ body: ids.map((id, i) => JSON.stringify({ inferenceId: id, label: labels[i] })).join('\n') });
const capture = (time: string, rows: Array<[string, string]>, outputContentType?: string) => ({
  body: rows.map(([id, output], i) => captureLine('1', { inferenceTime: time, inferenceId: id, output, outputContentType, eventId: `e-${id}-${i}` })).join('\n'),
});
const datums = () => cw.commandCalls(PutMetricDataCommand).flatMap((c) => c.args[0].input.MetricData!.map((d) => [d.MetricName, d.Value]));
const report = (i = 0) => JSON.parse(s3.commandCalls(PutObjectCommand)[i].args[0].input.Body as string);

beforeEach(() => {
  s3.reset();
  cw.reset();
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
});
afterEach(() => jest.restoreAllMocks());

describe('quick join ids', () => {
  test('are the inferenceId, else the eventId, of a capture line, without parsing it', () => {
    expect(quickJoinId('{"captureData": {}, "eventMetadata": {"eventId": "e1", "inferenceId": "i1"}}')).toBe('i1');
    expect(quickJoinId('{"captureData": {}, "eventMetadata": {"eventId" : "e1"}}')).toBe('e1');
    expect(quickJoinId('{"captureData": {"endpointInput": {"data": "{\\"inferenceId\\": \\"x\\"}"}}, "eventMetadata": {"eventId": "e2"}}')).toBe('e2');
    expect(quickJoinId('{"eventMetadata": {"inferenceId": "a\\"b"}}')).toBeUndefined();
    expect(quickJoinId('{"eventMetadata": {}}')).toBeUndefined();
  });
});

describe('model-quality handler', () => {
  test('joins the window\'s ground truth with the captured predict_proba outputs and publishes classification metrics', async () => {
    // GIVEN 4 labelled inferences captured yesterday (P(class 1) second), one unlabelled capture, one label without capture
    fakeBucket({
      'capture/churn/AllTraffic/2026/11/22/10/c.jsonl': capture('2026-11-22T10:00:00Z', [
        ['i1', '[[0.1, 0.9]]'], ['i2', '[[0.8, 0.2]]'], ['i3', '[[0.4, 0.6]]'], ['i4', '[[0.6, 0.4]]'], ['i5', '[[0.6, 0.4]]'],
      ], 'application/json'),
      'capture/churn/AllTraffic/2026/11/22/11/broken.jsonl': { body: 'broken\n\n{"eventMetadata": {"inferenceId": "i9"}}' },
      'truth/2026/11/23/05/t.jsonl': truth(['i1', 'i2', 'i3', 'i4', 'i9'], [1, '0', false, 'True', 1.0]),
    });

    // WHEN
    const result = await handler({ ...event, outputPreset: 'sklearn-predict-proba' });

    // THEN 4 pairs: TP (i1), TN (i2), FP (i3), FN (i4); 3 of the 4 positive/negative pairs are ordered right: AUC 0.75
    expect(result).toMatchObject({ labels: 5, unmatchedLabels: 1, passes: 1, variants: [{ variantName: 'AllTraffic', joined: 4, unmatchedOutputs: 0 }] });
    expect(result.variants[0].metrics).toEqual({
      problemType: 'binary-classification', count: 4, accuracy: 0.5, precision: 0.5, recall: 0.5, f1: 0.5, auc: 0.75, positiveShare: 0.5,
    });
    expect(datums()).toEqual([
      ['Accuracy', 0.5], ['Precision', 0.5], ['Recall', 0.5], ['F1', 0.5], ['AUC', 0.75], ['JoinedRecords', 4], ['UnmatchedOutputShare', 0], ['LabelMismatchShare', 0],
    ]);
    const put = s3.commandCalls(PutObjectCommand)[0].args[0].input;
    expect(put.Key).toBe('model-quality-reports/churn/AllTraffic/20261123T0000Z-20261124T0000Z.json');
    expect(report()).toMatchObject({
      reportFormatVersion: 2, problemType: 'binary-classification', captureLookbackHours: 48, positiveLabel: '1', threshold: 0.5,
      groundTruth: { prefix: 'truth/', files: 1, flatFilesRead: 0, flatFilesOutsideWindow: 0, labels: 5, malformedLabels: 0, unmatchedLabels: 1 },
      join: {
        labelled: 4, joined: 4, unmatchedOutputs: 0, unmatchedOutputShare: 0, labelMismatches: 0, labelMismatchShare: 0,
        malformedCaptures: 2, passes: 1,
      },
    });
  });

  test('ignores load-test traffic: its captures never join, and labels with a load-test id are counted and dropped', async () => {
    const lt = 'cdk-mlops-load-test-0123456789ab-0-0-0-';
    fakeBucket({
      'capture/churn/AllTraffic/2026/11/23/10/c.jsonl': capture('2026-11-23T10:00:00Z', [['i1', '0.9'], [`${lt}1`, '0.1'], [`${lt}2`, '0.9']]),
      'truth/2026/11/23/12/t.jsonl': truth(['i1', `${lt}1`, `${lt}2`], [1, 1, 0]),
    });
    const result = await handler(event);
    expect(result).toMatchObject({ labels: 1, unmatchedLabels: 0, variants: [{ joined: 1 }] });
    expect(report()).toMatchObject({ groundTruth: { labels: 1, loadTestLabels: 2 }, join: { joined: 1 } });
  });

  test('with nothing joined it publishes JoinedRecords 0 and no quality datum', async () => {
    fakeBucket({
      'capture/churn/AllTraffic/2026/11/23/10/c.jsonl': capture('2026-11-23T10:00:00Z', [['i1', '0.9']]),
      'truth/2026/11/23/12/t.jsonl': truth(['other'], [1]),
    });
    const result = await handler(event);
    expect(result).toMatchObject({ labels: 1, unmatchedLabels: 1, variants: [{ joined: 0, metrics: null }] });
    expect(datums()).toEqual([['JoinedRecords', 0]]);
    expect(report()).toMatchObject({ metrics: null, join: { labelled: 0, joined: 0, unmatchedOutputShare: null, labelMismatchShare: null } });
  });

  test('without any label in the window it reads no capture at all', async () => {
    fakeBucket({ 'capture/churn/AllTraffic/2026/11/23/10/c.jsonl': capture('2026-11-23T10:00:00Z', [['i1', '0.9']]) });
    const result = await handler(event);
    expect(result).toMatchObject({ labels: 0, passes: 0, variants: [{ joined: 0, metrics: null }] });
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
    expect(datums()).toEqual([['JoinedRecords', 0]]);
  });

  test('outputs the mapping does not describe are counted, published as a share and reported', async () => {
    fakeBucket({
      'capture/churn/AllTraffic/2026/11/23/10/c.jsonl': capture('2026-11-23T10:00:00Z', [['i1', '{"probabilities": [0.2, 0.8]}'], ['i2', '0.3']], 'application/json'),
      'truth/2026/11/23/12/t.jsonl': truth(['i1', 'i2'], [1, 0]),
    });
    const result = await handler(event);
    expect(result.variants[0]).toMatchObject({ joined: 1, unmatchedOutputs: 1 });
    expect(datums()).toEqual([['Accuracy', 1], ['Precision', 0], ['Recall', 0], ['F1', 0], ['JoinedRecords', 1], ['UnmatchedOutputShare', 0.5], ['LabelMismatchShare', 0]]);
  });

  test('labels that arrive weeks later join within a long enough lookback, and only then', async () => {
    // GIVEN an inference 20 days before the window and its label in the window
    fakeBucket({
      'capture/churn/AllTraffic/2026/11/03/09/c.jsonl': capture('2026-11-03T09:00:00Z', [['late', '0.8']]),
      'truth/2026/11/23/12/t.jsonl': truth(['late'], [1]),
    });
    // WHEN the lookback is 2 days THEN it does not join
    expect((await handler(event)).unmatchedLabels).toBe(1);
    // WHEN the lookback reaches back 20 days (480 hours + the window's 24) THEN it joins
    expect((await handler({ ...event, captureLookbackHours: 480 })).variants[0].joined).toBe(1);
    expect((await handler({ ...event, captureLookbackHours: 470 })).variants[0].joined).toBe(0);
  });

  test('labels join in batches: more labels than a batch mean more passes and the same metrics', async () => {
    const ids = ['a', 'b', 'c', 'd', 'e'];
    const files = {
      'capture/churn/AllTraffic/2026/11/23/01/c.jsonl': capture('2026-11-23T01:00:00Z', ids.map((id, i) => [id, String([0.9, 0.2, 0.6, 0.4, 0.7][i])])),
      'truth/2026/11/23/05/t1.jsonl': truth(['a', 'b', 'c'], [1, 0, 0]),
      'truth/2026/11/23/06/t2.jsonl': truth(['d', 'e', 'a'], [1, 1, 1]),
    };
    fakeBucket(files);
    const one = await handler(event);
    fakeBucket(files);
    const batched = await handler({ ...event, labelBatchSize: 2 });
    expect(one.passes).toBe(1);
    expect(batched.passes).toBe(3);
    expect(batched.variants[0].metrics).toEqual(one.variants[0].metrics);
    // scores a .9 b .2 c .6 d .4 e .7, labels 1 0 0 1 1: c is a false positive, d a false negative; positives over negatives 5 of 6
    expect(batched.variants[0].metrics).toMatchObject({ count: 5, accuracy: 0.6, auc: 5 / 6 });
    // 'a' is labelled twice: counted once, in the same batch (one pass) or in a later one (batches of 2)
    expect([one.labels, batched.labels, one.unmatchedLabels, batched.unmatchedLabels]).toEqual([5, 5, 0, 0]);
    expect(report(1).groundTruth.duplicateLabels).toBe(1);
  });

  test('labels past maxLabels are counted and skipped', async () => {
    fakeBucket({
      'capture/churn/AllTraffic/2026/11/23/01/c.jsonl': capture('2026-11-23T01:00:00Z', [['a', '0.9'], ['b', '0.1'], ['c', '0.5']]),
      'truth/2026/11/23/05/t.jsonl': { body: `${truth(['a', 'b', 'c'], [1, 0, 1]).body}\nnot json` },
    });
    const result = await handler({ ...event, maxLabels: 2 });
    expect(result).toMatchObject({ labels: 2, variants: [{ joined: 2 }] });
    expect(report().groundTruth).toMatchObject({ labels: 2, skippedLabels: 1, malformedLabels: 1 });
  });

  test('ground-truth files written flat under the prefix are read by write time and reported', async () => {
    fakeBucket({
      'capture/churn/AllTraffic/2026/11/23/01/c.jsonl': capture('2026-11-23T01:00:00Z', [['a', '0.9'], ['b', '0.1']]),
      'truth/flat-in-window.jsonl': { ...truth(['a'], [1]), lastModified: '2026-11-23T08:00:00Z' },
      'truth/flat-before.jsonl': { ...truth(['b'], [0]), lastModified: '2026-11-22T23:59:59Z' },
      'truth/flat-at-end.jsonl': { ...truth(['b'], [0]), lastModified: '2026-11-24T00:00:00Z' },
      'truth/flat-start.jsonl': { ...truth(['b'], [0]), lastModified: '2026-11-23T00:00:00Z' },
    });
    const warn = jest.spyOn(console, 'error');
    const result = await handler(event);
    expect(result).toMatchObject({ labels: 2, variants: [{ joined: 2 }] });
    expect(report().groundTruth).toMatchObject({ files: 2, flatFilesRead: 2, flatFilesOutsideWindow: 2 });
    expect(warn.mock.calls.map((c) => JSON.parse(c[0]))).toContainEqual({
      level: 'WARN', message: 'ground-truth files written flat under the prefix, not in its yyyy/mm/dd/hh/ folders',
      prefix: 'truth/', readByWriteTime: 2, outsideWindow: 2,
    });
  });

  test('discovers the variants, lists every page, and attributes each label to the variant that served it', async () => {
    fakeBucket({
      'capture/churn/champion/2026/11/23/01/c.jsonl': capture('2026-11-23T01:00:00Z', [['a', '0.9'], ['b', '0.2']]),
      'capture/churn/challenger/2026/11/23/01/c1.jsonl': capture('2026-11-23T01:00:00Z', [['c', '0.4']]),
      'capture/churn/challenger/2026/11/23/01/c2.jsonl': capture('2026-11-23T01:00:00Z', [['d', '0.3']]),
      'truth/2026/11/23/05/t.jsonl': truth(['a', 'b', 'c', 'd'], [1, 0, 1, 0]),
    }, 1);
    const result = await handler({ ...event, variantName: undefined });
    expect(result.variants.map((v) => [v.variantName, v.joined])).toEqual([['challenger', 2], ['champion', 2]]);
    expect(s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input.Key)).toEqual([
      'model-quality-reports/churn/challenger/20261123T0000Z-20261124T0000Z.json', 'model-quality-reports/churn/champion/20261123T0000Z-20261124T0000Z.json',
    ]);
  });

  test('multiclass and regression through the handler', async () => {
    fakeBucket({
      'capture/churn/AllTraffic/2026/11/23/01/c.jsonl': capture('2026-11-23T01:00:00Z', [['a', '0.1,0.7,0.2'], ['b', '0.5,0.3,0.2'], ['c', '0.1,0.2,0.7']]),
      'truth/2026/11/23/05/t.jsonl': truth(['a', 'b', 'c'], [1, 2, 2.0]),
    });
    const mc = await handler({ ...event, problemType: 'multiclass-classification', output: { labelPaths: [] as string[], scorePaths: [''] } as any });
    expect(mc.variants[0].metrics).toMatchObject({ count: 3, accuracy: 2 / 3, confusionMatrix: [[0, 0, 0], [0, 1, 0], [1, 0, 1]] });
    expect(datums().map((d) => d[0])).toEqual(['Accuracy', 'MacroF1', 'WeightedF1', 'JoinedRecords', 'UnmatchedOutputShare']);

    cw.reset();
    fakeBucket({
      'capture/churn/AllTraffic/2026/11/23/01/c.jsonl': capture('2026-11-23T01:00:00Z', [['a', '3'], ['b', '5']]),
      'truth/2026/11/23/05/t.jsonl': truth(['a', 'b'], [4, '7.0']),
    });
    const reg = await handler({ ...event, problemType: 'regression' });
    expect(reg.variants[0].metrics).toEqual({ problemType: 'regression', count: 2, mae: 1.5, rmse: Math.sqrt(2.5) });
    expect(datums()).toEqual([['MAE', 1.5], ['RMSE', Math.sqrt(2.5)], ['JoinedRecords', 2], ['UnmatchedOutputShare', 0]]);
  });
});

describe('model-quality handler, what it logs and lists', () => {
  test('warns about malformed and skipped ground-truth lines', async () => {
    fakeBucket({
      'capture/churn/AllTraffic/2026/11/23/01/c.jsonl': capture('2026-11-23T01:00:00Z', [['a', '0.9']]),
      'truth/2026/11/23/05/t.jsonl': { body: `${truth(['a', 'b'], [1, 0]).body}\n{"inferenceId": "c"}\n\n` },
    });
    const warn = jest.spyOn(console, 'error');
    const info = jest.spyOn(console, 'log');
    await handler({ ...event, maxLabels: 1 });
    expect(warn.mock.calls.map((c) => JSON.parse(c[0]))).toEqual([
      { level: 'WARN', message: 'ground-truth lines not used', malformedLabels: 1, skippedLabels: 1, maxLabels: 1 },
    ]);
    expect(JSON.parse(info.mock.calls[0][0])).toMatchObject({
      level: 'INFO', message: 'model quality computed', variantName: 'AllTraffic', labelled: 1, joined: 1, unmatchedOutputs: 0, labelMismatches: 0,
      reportKey: 'model-quality-reports/churn/AllTraffic/20261123T0000Z-20261124T0000Z.json', putMetricDataCalls: 1,
    });
  });

  test('logs nothing but its result when every line was used and no file is flat', async () => {
    fakeBucket({
      'capture/churn/AllTraffic/2026/11/23/01/c.jsonl': capture('2026-11-23T01:00:00Z', [['a', '0.9']]),
      'truth/2026/11/23/05/t.jsonl': truth(['a'], [1]),
      'truth/2026/11/23/05/': { body: '' },
    });
    const warn = jest.spyOn(console, 'error');
    const result = await handler(event);
    expect(warn).not.toHaveBeenCalled();
    expect(result).toEqual({
      windowStart: '2026-11-23T00:00:00.000Z', windowEnd: '2026-11-24T00:00:00.000Z', labels: 1, unmatchedLabels: 0, passes: 1,
      variants: [{
        variantName: 'AllTraffic', joined: 1, unmatchedOutputs: 0, reportKey: 'model-quality-reports/churn/AllTraffic/20261123T0000Z-20261124T0000Z.json',
        metrics: { problemType: 'binary-classification', count: 1, accuracy: 1, precision: 1, recall: 1, f1: 1, auc: null, positiveShare: 1 },
      }],
    });
    expect(report()).toMatchObject({
      endpointName: 'churn', variantName: 'AllTraffic', windowStart: '2026-11-23T00:00:00.000Z', windowEnd: '2026-11-24T00:00:00.000Z',
      output: { scorePaths: [''], scoreColumn: 0 }, groundTruth: { files: 1, duplicateLabels: 0, skippedLabels: 0 }, join: { invalidLabels: 0 },
    });
    expect(s3.commandCalls(PutObjectCommand)[0].args[0].input).toMatchObject({ Bucket: 'lake', ContentType: 'application/json' });
  });

  test('flat files without a write time, folder markers and further pages of the flat listing', async () => {
    fakeBucket({
      'capture/churn/AllTraffic/2026/11/23/01/c.jsonl': capture('2026-11-23T01:00:00Z', [['a', '0.9'], ['b', '0.2']]),
      'truth/a.jsonl': { ...truth(['a'], [1]), lastModified: '2026-11-23T01:00:00Z' },
      'truth/b.jsonl': { ...truth(['b'], [0]), lastModified: '2026-11-23T02:00:00Z' },
      'truth/c.jsonl': truth(['c'], [0]),
      'truth/': { body: '' },
    }, 1);
    const result = await handler(event);
    expect(result).toMatchObject({ labels: 2, variants: [{ joined: 2 }] });
    expect(report().groundTruth).toMatchObject({ files: 2, flatFilesRead: 2, flatFilesOutsideWindow: 1 });
  });

  test('reads the capture prefix without a base prefix, and a report prefix of its own', async () => {
    fakeBucket({
      'churn/AllTraffic/2026/11/23/01/c.jsonl': capture('2026-11-23T01:00:00Z', [['a', '0.9']]),
      'truth/2026/11/23/05/t.jsonl': truth(['a'], [1]),
    });
    const result = await handler({ ...event, capturePrefix: '', reportPrefix: 'r/q/', metricNamespace: 'Mine' });
    expect(result.variants[0]).toMatchObject({ joined: 1, reportKey: 'r/q/churn/AllTraffic/20261123T0000Z-20261124T0000Z.json' });
    expect(cw.commandCalls(PutMetricDataCommand)[0].args[0].input.Namespace).toBe('Mine');
  });
});

describe('model-quality handler warnings, one cause at a time', () => {
  test('a flat file outside the window alone is warned about', async () => {
    fakeBucket({ 'truth/old.jsonl': { ...truth(['a'], [1]), lastModified: '2026-10-01T00:00:00Z' } });
    const warn = jest.spyOn(console, 'error');
    await handler(event);
    expect(warn.mock.calls.map((c) => JSON.parse(c[0]))).toEqual([{
      level: 'WARN', message: 'ground-truth files written flat under the prefix, not in its yyyy/mm/dd/hh/ folders', prefix: 'truth/', readByWriteTime: 0, outsideWindow: 1,
    }]);
  });

  test('a flat file inside the window alone is warned about', async () => {
    fakeBucket({ 'truth/new.jsonl': { ...truth(['a'], [1]), lastModified: '2026-11-23T10:00:00Z' } });
    const warn = jest.spyOn(console, 'error');
    await handler(event);
    expect(warn.mock.calls.map((c) => JSON.parse(c[0]).readByWriteTime)).toEqual([1]);
  });

  test('malformed lines alone are warned about, and so are skipped ones alone', async () => {
    fakeBucket({ 'truth/2026/11/23/05/t.jsonl': { body: 'nope' } });
    const warn = jest.spyOn(console, 'error');
    await handler(event);
    expect(warn.mock.calls.map((c) => JSON.parse(c[0]))).toEqual([{ level: 'WARN', message: 'ground-truth lines not used', malformedLabels: 1, skippedLabels: 0, maxLabels: 2_000_000 }]);
    warn.mockClear();
    fakeBucket({ 'truth/2026/11/23/05/t.jsonl': truth(['a', 'b'], [1, 0]) });
    await handler({ ...event, maxLabels: 1 });
    expect(warn.mock.calls.map((c) => JSON.parse(c[0]))).toEqual([{ level: 'WARN', message: 'ground-truth lines not used', malformedLabels: 0, skippedLabels: 1, maxLabels: 1 }]);
  });
});
