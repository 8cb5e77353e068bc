import { OUTPUT_PRESETS, pick, positiveFromVector, readOutput, toNumber, toVector } from '../../../lambda/model-quality/output';

describe('reading a value out of a model output', () => {
  test('a dotted path walks objects and array indexes; the empty path is the document', () => {
    const doc = { predictions: [{ score: 0.61 }, { score: 0.2 }] };
    expect(pick(doc, 'predictions.1.score')).toBe(0.2);
    expect(pick(doc, '')).toBe(doc);
    expect(pick(doc, 'predictions.5.score')).toBeUndefined();
    expect(pick(doc, 'predictions.0.score.deeper')).toBeUndefined();
    expect(pick(null, 'a')).toBeUndefined();
  });

  test('numbers are finite numbers or numeric text, nothing else', () => {
    expect([toNumber(0.5), toNumber(' 0.25 '), toNumber('1e-3'), toNumber(0)]).toEqual([0.5, 0.25, 0.001, 0]);
    expect([toNumber(''), toNumber('  '), toNumber('cat'), toNumber(NaN), toNumber(Infinity), toNumber(true), toNumber(null)])
      .toEqual([undefined, undefined, undefined, undefined, undefined, undefined, undefined]);
  });

  test('a probability vector is a list of numbers, or the first row of a list of rows', () => {
    expect(toVector([0.2, '0.8'])).toEqual([0.2, 0.8]);
    expect(toVector([[0.1, 0.9], [0.7, 0.3]])).toEqual([0.1, 0.9]);
    expect(toVector([])).toBeUndefined();
    expect(toVector([0.2, 'x'])).toBeUndefined();
    expect(toVector(0.2)).toBeUndefined();
  });

  test('the positive class of a vector is at the index, else the only element, else the second of two', () => {
    expect(positiveFromVector([0.3, 0.5, 0.2], 2)).toBe(0.2);
    expect(positiveFromVector([0.7], undefined)).toBe(0.7);
    expect(positiveFromVector([0.3, 0.7], undefined)).toBe(0.7);
    expect(positiveFromVector([0.3, 0.5, 0.2], undefined)).toBeUndefined();
    expect(positiveFromVector([0.3, 0.7], 5)).toBeUndefined();
  });
});

describe('output presets', () => {
  // The shapes: the old handler took the first number, P(class 0), of every one of them.
  test.each<[string, string, 'csv' | 'json', string, number | undefined, string | undefined]>([
    ['xgboost', 'CSV score', 'csv', '0.83\n', 0.83, undefined],
    ['xgboost', 'JSON predictions', 'json', '{"predictions": [{"score": 0.61}]}', 0.61, undefined],
    ['xgboost', 'a bare JSON number', 'json', '0.4', 0.4, undefined],
    ['sklearn-predict-proba', 'rows of probabilities', 'json', '[[0.2, 0.8]]', 0.8, undefined],
    ['sklearn-predict-proba', 'one row', 'json', '[0.3, 0.7]', 0.7, undefined],
    ['sklearn-predict-proba', 'a probabilities field', 'json', '{"probabilities": [0.2, 0.8]}', 0.8, undefined],
    ['sklearn-predict-proba', 'predictions with probabilities', 'json', '{"predictions": [{"predicted_label": 1, "probabilities": [0.1, 0.9]}]}', 0.9, undefined],
    ['sklearn-predict-proba', 'CSV probabilities', 'csv', '0.2,0.8', 0.8, undefined],
    ['autopilot-csv', 'CSV label and probability', 'csv', '1,0.92', 0.92, '1'],
    ['autopilot-csv', 'label-first JSON', 'json', '{"predictions": [1], "probabilities": [0.85]}', 0.85, '1'],
    ['autopilot-csv', 'Autopilot JSON', 'json', '{"predictions": [{"predicted_label": "0", "probability": "0.7"}]}', 0.7, '0'],
    ['autopilot-csv', 'a label alone', 'csv', 'yes', undefined, 'yes'],
    ['sklearn-predict-proba', 'predictions as rows', 'json', '{"predictions": [[0.25, 0.75]]}', 0.75, undefined],
    ['autopilot-csv', 'top-level label and probability', 'json', '{"predicted_label": 1, "probability": 0.66}', 0.66, '1'],
    ['tf-serving', 'a sigmoid output', 'json', '{"predictions": [[0.8]]}', 0.8, undefined],
    ['tf-serving', 'a softmax output', 'json', '{"predictions": [[0.2, 0.8]]}', 0.8, undefined],
    ['tf-serving', 'a flat list', 'json', '{"predictions": [0.35, 0.9]}', 0.35, undefined],
    ['plain-score', 'CSV', 'csv', '0.3,0.9', 0.3, undefined],
    ['plain-score', 'JSON number', 'json', '0.3', 0.3, undefined],
  ])('%s reads %s', (preset, _what, format, text, score, label) => {
    const raw = readOutput(format, text, OUTPUT_PRESETS[preset as keyof typeof OUTPUT_PRESETS]);
    expect(raw?.score).toBe(score);
    expect(raw?.label).toBe(label);
  });

  test.each<[string, 'csv' | 'json', string]>([
    ['plain-score', 'json', '{"predictions": [{"score": 0.61}]}'],
    ['plain-score', 'csv', 'cat'],
    ['plain-score', 'csv', '\n\n'],
    ['xgboost', 'json', '{"label": "cat"}'],
    ['xgboost', 'json', 'not json'],
    ['tf-serving', 'json', '{"outputs": [0.5]}'],
    ['autopilot-csv', 'csv', ',0.9'],
    ['autopilot-csv', 'json', '{"probability": 0.9}'],
  ])('%s does not guess at an output it does not describe: %s %s', (preset, format, text) => {
    expect(readOutput(format, text, OUTPUT_PRESETS[preset as keyof typeof OUTPUT_PRESETS])).toBeUndefined();
  });
});

describe('explicit mappings', () => {
  test('a JSON path and an index pick the positive class of a three-class vector', () => {
    expect(readOutput('json', '{"out": {"p": [0.1, 0.3, 0.6]}}', { scorePaths: ['out.p'], probabilityIndex: 1 })).toEqual({ score: 0.3, vector: [0.1, 0.3, 0.6], label: undefined });
  });

  test('a vector longer than two without an index is kept for multiclass but has no score', () => {
    expect(readOutput('json', '[0.1, 0.3, 0.6]', { scorePaths: [''] })).toEqual({ score: undefined, vector: [0.1, 0.3, 0.6], label: undefined });
  });

  test('a CSV column gives the score; the whole row is the vector', () => {
    expect(readOutput('csv', '"a,b",0.4,0.6\n0.9,0.1', { scoreColumn: 2 })).toEqual({ score: 0.6, label: undefined, vector: undefined });
    expect(readOutput('csv', '0.1,0.3,0.6', { labelColumn: 5 })).toBeUndefined();
    expect(readOutput('csv', '0.1,0.3,0.6', {})).toEqual({ score: undefined, label: undefined, vector: [0.1, 0.3, 0.6] });
    expect(readOutput('csv', '0.1,x', { scoreColumn: 1 })).toBeUndefined();
  });

  test('labels are read from the first path that has one, and a list holds its first label', () => {
    const m = { labelPaths: ['a', 'b'] };
    expect(readOutput('json', '{"b": ["cat", "dog"]}', m)?.label).toBe('cat');
    expect(readOutput('json', '{"a": true}', m)?.label).toBe('true');
    expect(readOutput('json', '{"a": " ", "b": 2}', m)?.label).toBe('2');
    expect(readOutput('json', '{"a": [[1]]}', m)).toBeUndefined();
    expect(readOutput('json', '{"a": {"x": 1}}', m)).toBeUndefined();
  });
});
