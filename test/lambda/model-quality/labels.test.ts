import { BinaryLabels, binaryScore, multiclassPrediction, normaliseLabel } from '../../../lambda/model-quality/labels';

describe('label normalisation', () => {
  test.each<[unknown, string | undefined]>([
    [1, '1'], [1.0, '1'], ['1', '1'], ['1.0', '1'], [' 1 ', '1'], [true, '1'], ['true', '1'], ['True', '1'], ['TRUE', '1'],
    [0, '0'], ['0.0', '0'], [false, '0'], ['False', '0'], ['-0', '0'], ['+2', '2'], ['2.50', '2.5'], ['1e1', '10'], ['.5', '0.5'],
    ['1.', '1'], ['1E2', '100'], ['-.5e-1', '-0.05'], ['1e', '1e'], ['e5', 'e5'], ['1 0', '1 0'], ['.', '.'], ['+-1', '+-1'], ['1.2.', '1.2.'],
    ['yes', 'yes'], [' churned ', 'churned'], ['1.0.0', '1.0.0'], ['0x1', '0x1'],
    ['', undefined], ['   ', undefined], [null, undefined], [undefined, undefined], [NaN, undefined], [{}, undefined], [[1], undefined],
  ])('%p is the label %p', (raw, expected) => {
    expect(normaliseLabel(raw)).toBe(expected);
  });

  test('1, 1.0, true, True and "1" are all the positive class of the default positive label', () => {
    const labels = new BinaryLabels();
    expect([1, 1.0, true, 'True', '1', '1.0'].map((l) => labels.classOf(normaliseLabel(l)!))).toEqual([1, 1, 1, 1, 1, 1]);
    expect([0, 'false', 'no', '2'].map((l) => labels.classOf(normaliseLabel(l)!))).toEqual([0, 0, 0, 0]);
  });

  test('a label that is neither 1 nor 0 is a mismatch when the classes are 1 and 0, and only then', () => {
    expect([new BinaryLabels().negative, new BinaryLabels(0).negative, new BinaryLabels('churned').negative, new BinaryLabels('True').negative])
      .toEqual(['0', '1', undefined, '0']);
    const labels = new BinaryLabels(1);
    expect(['1', '0', 'yes', '2'].map((l) => labels.isMismatch(l))).toEqual([false, false, true, true]);
    expect(new BinaryLabels('churned').isMismatch('stayed')).toBe(false);
  });

  test('fails on an empty positive label', () => {
    expect(() => new BinaryLabels(' ')).toThrow("positiveLabel must be a non-empty label, got ' '");
  });
});

describe('the positive-class score of a binary prediction', () => {
  const labels = new BinaryLabels();
  test('a score is the score', () => {
    expect(binaryScore({ score: 0.3 }, {}, labels)).toBe(0.3);
    expect(binaryScore({}, {}, labels)).toBeUndefined();
  });

  test('with the probability of the predicted label, a negative label turns p into 1 - p', () => {
    expect(binaryScore({ label: '1', score: 0.92 }, {}, labels)).toBe(0.92);
    expect(binaryScore({ label: '0', score: 0.75 }, {}, labels)).toBe(0.25);
    expect(binaryScore({ label: 'True', score: 0.75 }, {}, labels)).toBe(0.75);
  });

  test('when the probability is of the positive class already, it is kept whatever the label', () => {
    expect(binaryScore({ label: '0', score: 0.1 }, { probabilityOfPredictedLabel: false }, labels)).toBe(0.1);
  });

  test('a hard label alone scores 1 or 0', () => {
    expect(binaryScore({ label: '1' }, {}, labels)).toBe(1);
    expect(binaryScore({ label: '0.0' }, {}, labels)).toBe(0);
    expect(binaryScore({ label: ' ' }, {}, labels)).toBeUndefined();
  });
});

describe('the predicted class of a multiclass prediction', () => {
  test('is the label, normalised, else the index of the largest probability (the first of equals)', () => {
    expect(multiclassPrediction({ label: '2.0', vector: [0.9, 0.1] })).toBe('2');
    expect(multiclassPrediction({ vector: [0.1, 0.6, 0.3] })).toBe('1');
    expect(multiclassPrediction({ vector: [0.7, 0.1, 0.2] })).toBe('0');
    expect(multiclassPrediction({ vector: [0.2, 0.4, 0.4] })).toBe('1');
    expect(multiclassPrediction({ vector: [] })).toBeUndefined();
    expect(multiclassPrediction({ score: 0.4 })).toBeUndefined();
  });
});
