import * as fs from 'fs';
import * as path from 'path';
import { OUTPUT_PRESETS } from '../../../lambda/model-quality/output';
import { capturedOutput, hash53, LabelStore, parseGroundTruthLine, QualityAccumulator } from '../../../lambda/model-quality/quality';
import { captureLine } from '../drift/fixtures';

const V = JSON.parse(fs.readFileSync(path.join(__dirname, 'reference', 'vectors.json'), 'utf-8'));
const plain = OUTPUT_PRESETS['plain-score'];

describe('ground truth', () => {
  test('reads both line shapes and normalises the label', () => {
    expect(parseGroundTruthLine('{"inferenceId": "a1", "label": 1}')).toEqual({ id: 'a1', label: '1' });
    expect(parseGroundTruthLine('{"inferenceId": "a1", "label": "True"}')).toEqual({ id: 'a1', label: '1' });
    expect(parseGroundTruthLine('{"inferenceId": "a1", "label": false}')).toEqual({ id: 'a1', label: '0' });
    expect(parseGroundTruthLine('{"groundTruthData": {"data": "1.0", "encoding": "CSV"}, "eventMetadata": {"eventId": "e9"}, "eventVersion": "0"}'))
      .toEqual({ id: 'e9', label: '1' });
    expect(parseGroundTruthLine(JSON.stringify({ groundTruthData: { data: Buffer.from('0').toString('base64'), encoding: 'BASE64' }, eventMetadata: { eventId: 'e' } })))
      .toEqual({ id: 'e', label: '0' });
    expect(parseGroundTruthLine('{"groundTruthData": {"data": "{\\"label\\": true}", "encoding": "JSON"}, "eventMetadata": {"inferenceId": "i", "eventId": "e"}}'))
      .toEqual({ id: 'i', label: '1' });
    expect(parseGroundTruthLine('{"groundTruthData": {"data": "2", "encoding": "JSON"}, "eventMetadata": {"eventId": "e"}}')).toEqual({ id: 'e', label: '2' });
    expect(parseGroundTruthLine('{"groundTruthData": {"data": "cat", "encoding": "JSON"}, "eventMetadata": {"eventId": "e"}}')).toEqual({ id: 'e', label: 'cat' });
    expect(parseGroundTruthLine('{"groundTruthData": {"data": "{\\"groundTruth\\": 0}", "encoding": "json"}, "eventMetadata": {"eventId": "e"}}'))
      .toEqual({ id: 'e', label: '0' });
    expect(parseGroundTruthLine('{"groundTruthData": {"data": "[1]", "encoding": "JSON"}, "eventMetadata": {"eventId": "e"}}')).toBeUndefined();
    expect(parseGroundTruthLine('{"groundTruthData": {"data": "null", "encoding": "JSON"}, "eventMetadata": {"eventId": "e"}}')).toBeUndefined();
    expect(parseGroundTruthLine('{"groundTruthData": {"data": "1", "encoding": 5}, "eventMetadata": {"eventId": "e"}}')).toEqual({ id: 'e', label: '1' });
  });

  test.each([
    '{"inferenceId": "a1"}', '{"inferenceId": "", "label": 1}', '{"inferenceId": "a1", "label": " "}', '{"inferenceId": "a1", "label": {"x": 1}}',
    'nope', '7', 'null', '{"groundTruthData": {"data": 1}, "eventMetadata": {"eventId": "e"}}', '{"groundTruthData": {"data": "1"}, "eventMetadata": {}}',
    '{"groundTruthData": {"data": ""}, "eventMetadata": {"eventId": "e"}}', '{"groundTruthData": {"data": "1"}, "eventMetadata": {"eventId": ""}}',
  ])('rejects %s', (line) => {
    expect(parseGroundTruthLine(line)).toBeUndefined();
  });
});

describe('captures', () => {
  const T = '2026-11-23T09:00:00Z';
  test('join by inferenceId, else eventId, and name why a line cannot join', () => {
    expect(capturedOutput(captureLine('1,2', { inferenceTime: T, inferenceId: 'i1', eventId: 'e1', output: '0.7' }))).toEqual({ id: 'i1', format: 'csv', text: '0.7' });
    expect(capturedOutput(captureLine('1,2', { inferenceTime: T, eventId: 'e1', output: '{"a": 1}', outputContentType: 'application/json' })))
      .toEqual({ id: 'e1', format: 'json', text: '{"a": 1}' });
    expect(capturedOutput('{')).toBe('not JSON');
    expect(capturedOutput('{"captureData": {"endpointOutput": {"data": "1", "encoding": "CSV"}}, "eventMetadata": {}}')).toBe('no inferenceId or eventId');
    expect(capturedOutput('{"captureData": {}, "eventMetadata": {"eventId": "e"}}')).toBe('no endpointOutput');
    expect(capturedOutput('{"captureData": {"endpointOutput": {"encoding": "CSV"}}, "eventMetadata": {"eventId": "e"}}')).toBe('payload has no data');
  });
});

describe('the label store', () => {
  test('holds at most its capacity, counts duplicates, and each label joins once', () => {
    const store = new LabelStore(2);
    expect(['a', 'b', 'a'].map((id) => store.add(id, '1'))).toEqual(['added', 'added', 'duplicate']);
    expect(store.add('c', '0')).toBe('full');
    expect([store.size, store.duplicates, store.has('a'), store.has('c')]).toEqual([2, 1, true, false]);
    expect(store.take('a')).toBe('1');
    expect([store.take('a'), store.has('a'), store.size]).toEqual([undefined, false, 1]);
    expect(store.take('zz')).toBeUndefined();
    // a taken label still fills its batch, and is a duplicate when labelled again
    expect([store.add('c', '0'), store.add('a', '1')]).toEqual(['full', 'duplicate']);
  });

  test('remembers the ids of earlier batches', () => {
    const store = new LabelStore(2);
    store.add('a', '1');
    store.add('b', '0');
    store.take('a');
    store.clear();
    expect(store.size).toBe(0);
    expect(['a', 'b', 'c', 'd', 'e'].map((id) => store.add(id, '1'))).toEqual(['duplicate', 'duplicate', 'added', 'added', 'full']);
    expect(store.duplicates).toBe(2);
  });

  test('hashes ids to 53 bits, differently for different ids and seeds', () => {
    const hashes = new Set(Array.from({ length: 20_000 }, (_, i) => hash53(`inf-${i}`)));
    expect(hashes.size).toBe(20_000);
    expect([...hashes].every((h) => Number.isSafeInteger(h) && h >= 0)).toBe(true);
    expect(hash53('a')).toBe(hash53('a'));
    expect(hash53('a', 1)).not.toBe(hash53('a'));
    expect(hash53('')).toBe(hash53('', 0));
  });
});

describe('the quality accumulator', () => {
  test.each<any[]>(V.binary.map((c: any) => [c.name, c]))('reproduces the numpy reference metrics for %s', (_n, c: any) => {
    const acc = new QualityAccumulator({ problemType: 'binary-classification', output: plain, threshold: c.threshold });
    c.yTrue.forEach((y: number, i: number) => expect(acc.add(String(y), 'csv', String(c.scores[i]))).toBe('joined'));
    const m = acc.metrics();
    if (m?.problemType !== 'binary-classification') throw new Error('unexpected');
    expect(m.count).toBe(c.yTrue.length);
    expect(m.accuracy).toBeCloseTo(c.accuracy, 12);
    expect(m.precision).toBeCloseTo(c.precision, 12);
    expect(m.recall).toBeCloseTo(c.recall, 12);
    expect(m.f1).toBeCloseTo(c.f1, 12);
    expect(m.positiveShare).toBeCloseTo(c.positiveShare, 12);
    if (c.auc === null) expect(m.auc).toBeNull();
    else expect(m.auc!).toBeCloseTo(c.auc, 12);
  });

  test('nothing joined is no metrics, not zeros', () => {
    for (const problemType of ['binary-classification', 'multiclass-classification', 'regression'] as const) {
      expect(new QualityAccumulator({ problemType, output: plain }).metrics()).toBeNull();
    }
  });

  test('output that matches nothing in the mapping is counted, not joined', () => {
    const acc = new QualityAccumulator({ problemType: 'binary-classification', output: plain });
    expect(acc.add('1', 'json', '{"probabilities": [0.2, 0.8]}')).toBe('unmatched-output');
    expect(acc.add('1', 'csv', '0.9')).toBe('joined');
    expect(acc.add('0', 'csv', '0.2')).toBe('joined');
    expect([acc.labelled, acc.joined, acc.unmatchedOutputs]).toEqual([3, 2, 1]);
    expect(acc.metrics()).toMatchObject({ count: 2, accuracy: 1, auc: 1 });
  });

  test('labels that are neither 1 nor 0 are counted as mismatches and as negatives', () => {
    const acc = new QualityAccumulator({ problemType: 'binary-classification', output: plain });
    ['1', 'yes', 'no', '0'].forEach((l, i) => acc.add(l, 'csv', String([0.9, 0.8, 0.1, 0.2][i])));
    expect([acc.labelMismatches, acc.mismatchKnown]).toEqual([2, true]);
    expect(acc.metrics()).toMatchObject({ count: 4, positiveShare: 0.25, precision: 0.5, recall: 1 });
    const named = new QualityAccumulator({ problemType: 'binary-classification', output: plain, positiveLabel: 'churned' });
    named.add('stayed', 'csv', '0.1');
    expect([named.labelMismatches, named.mismatchKnown]).toEqual([0, false]);
  });

  test('a hard label with a positive label other than 1', () => {
    const acc = new QualityAccumulator({ problemType: 'binary-classification', output: { labelColumn: 0 }, positiveLabel: 'churned' });
    ['churned', 'stayed', 'churned'].forEach((l, i) => acc.add(l, 'csv', ['churned', 'churned', 'stayed'][i]));
    expect(acc.metrics()).toEqual({ problemType: 'binary-classification', count: 3, accuracy: 1 / 3, precision: 0.5, recall: 0.5, f1: 0.5, auc: 0.25, positiveShare: 2 / 3 });
  });

  test('regression labels that are not numbers are counted, not joined', () => {
    const acc = new QualityAccumulator({ problemType: 'regression', output: plain });
    expect(acc.add('3', 'csv', '4')).toBe('joined');
    expect(acc.add('cat', 'csv', '4')).toBe('invalid-label');
    expect(acc.add('5', 'csv', 'x')).toBe('unmatched-output');
    expect(acc.add('5', 'csv', '2')).toBe('joined');
    expect(acc.metrics()).toEqual({ problemType: 'regression', count: 2, mae: 2, rmse: Math.sqrt(5) });
    expect([acc.invalidLabels, acc.unmatchedOutputs, acc.labelled, acc.mismatchKnown]).toEqual([1, 1, 4, false]);
  });

  test('multiclass joins the argmax of a probability vector, or the predicted label', () => {
    const acc = new QualityAccumulator({ problemType: 'multiclass-classification', output: OUTPUT_PRESETS['sklearn-predict-proba'] });
    expect(acc.add('2', 'json', '[[0.1, 0.2, 0.7]]')).toBe('joined');
    expect(acc.add('1', 'json', '[[0.5, 0.3, 0.2]]')).toBe('joined');
    expect(acc.add('1', 'json', '{"x": 1}')).toBe('unmatched-output');
    const m = acc.metrics();
    expect(m).toMatchObject({ problemType: 'multiclass-classification', count: 2, accuracy: 0.5, confusionMatrix: [[0, 0, 0], [1, 0, 0], [0, 0, 1]] });
    const byLabel = new QualityAccumulator({ problemType: 'multiclass-classification', output: { labelPaths: ['predictions.0.predicted_label'] } });
    byLabel.add('cat', 'json', '{"predictions": [{"predicted_label": "cat"}]}');
    expect(byLabel.metrics()).toMatchObject({ count: 1, accuracy: 1, classes: [{ label: 'cat', support: 1, recall: 1 }] });
  });

  test('keeps every pair past its first buffer', () => {
    const acc = new QualityAccumulator({ problemType: 'binary-classification', output: plain });
    for (let i = 0; i < 3000; i++) acc.add(i % 2 ? '1' : '0', 'csv', String(i % 2 ? 0.9 : 0.1));
    expect(acc.metrics()).toMatchObject({ count: 3000, accuracy: 1, auc: 1, positiveShare: 0.5 });
  });
});
