import * as fs from 'fs';
import * as path from 'path';
import { compareLabels, ConfusionCounter, multiclassFromMatrix } from '../../../lambda/model-quality/multiclass';

const V = JSON.parse(fs.readFileSync(path.join(__dirname, 'reference', 'vectors.json'), 'utf-8'));

describe('multiclass metrics', () => {
  test.each<any[]>(V.multiclass.map((c: any) => [c.name, c]))('reproduce the numpy reference for %s', (_n, c: any) => {
    const counter = new ConfusionCounter();
    c.yTrue.forEach((t: string, i: number) => counter.add(t, c.yPred[i]));
    const m = counter.metrics();
    expect(m.count).toBe(c.yTrue.length);
    expect(m.classes.map((k) => k.label)).toEqual(c.labels);
    expect(m.confusionMatrix).toEqual(c.confusionMatrix);
    expect(m.accuracy).toBeCloseTo(c.accuracy, 12);
    expect(m.macroF1).toBeCloseTo(c.macroF1, 12);
    expect(m.weightedF1).toBeCloseTo(c.weightedF1, 12);
    m.classes.forEach((k, i) => {
      expect(k.support).toBe(c.support[i]);
      expect(k.precision).toBeCloseTo(c.precision[i], 12);
      expect(k.recall).toBeCloseTo(c.recall[i], 12);
      expect(k.f1).toBeCloseTo(c.f1[i], 12);
    });
  });

  test('a worked example: two classes, one error each way', () => {
    // true a: a, a, b (one missed); true b: b, a (one missed)
    const m = multiclassFromMatrix(['a', 'b'], [[2, 1], [1, 1]]);
    expect(m).toEqual({
      count: 5, accuracy: 3 / 5, macroF1: (4 / 6 + 2 / 4) / 2, weightedF1: (3 * (4 / 6) + 2 * (2 / 4)) / 5,
      classes: [
        { label: 'a', support: 3, precision: 2 / 3, recall: 2 / 3, f1: 4 / 6 },
        { label: 'b', support: 2, precision: 1 / 2, recall: 1 / 2, f1: 2 / 4 },
      ],
      confusionMatrix: [[2, 1], [1, 1]],
    });
  });

  test('a class that is neither true nor predicted scores 0, and nothing is NaN but for no data', () => {
    const m = multiclassFromMatrix(['a', 'b'], [[3, 0], [0, 0]]);
    expect(m.classes[1]).toEqual({ label: 'b', support: 0, precision: 0, recall: 0, f1: 0 });
    expect([m.accuracy, m.macroF1, m.weightedF1]).toEqual([1, 0.5, 1]);
    const none = multiclassFromMatrix([], []);
    expect([none.count, none.accuracy, none.macroF1, none.weightedF1]).toEqual([0, NaN, NaN, NaN]);
  });

  test('classes sort numerically, then as text', () => {
    expect(['10', 'b', '9', 'a', '-1', '2.5'].sort(compareLabels)).toEqual(['-1', '2.5', '9', '10', 'a', 'b']);
    expect(compareLabels('a', 'a')).toBe(0);
    expect(compareLabels(' ', '1')).toBe(1);
  });
});
