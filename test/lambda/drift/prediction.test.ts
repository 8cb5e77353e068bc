import { resolvePolicy } from '../../../lambda/drift/decide';
import { DEFAULT_OUTPUT_PATHS, predictionProblems, predictionValues } from '../../../lambda/drift/prediction';
import { CaptureScanner } from '../../../lambda/drift/scan';
import { buildProfile, MISSING_MARKERS, parseProfile, toCategory, toNumber } from '../../../lambda/shared/profile';
import { captureLine, rng } from './fixtures';

const json = (doc: unknown) => ({ format: 'json' as const, text: JSON.stringify(doc) });

describe('predictions in a captured output', () => {
  test('CSV: one per line, at outputIndex', () => {
    expect(predictionValues({ format: 'csv', text: '0.25\n0.75\n' }, { name: 'p' })).toEqual({ ok: true, value: ['0.25', '0.75'] });
    expect(predictionValues({ format: 'csv', text: 'yes,0.9' }, { name: 'p', outputIndex: 1 })).toEqual({ ok: true, value: ['0.9'] });
    expect(predictionValues({ format: 'csv', text: '0.9' }, { name: 'p', outputIndex: 1 }))
      .toEqual({ ok: false, reason: 'CSV output row has 1 columns, the prediction is at 1' });
    expect(predictionValues({ format: 'csv', text: '\n' }, { name: 'p' })).toEqual({ ok: false, reason: 'empty CSV output' });
  });

  test('JSON: the shapes of SageMaker built-in algorithms, TensorFlow Serving, lists and scalars', () => {
    const p = { name: 'p' };
    expect(predictionValues(json({ predictions: [{ score: 0.1 }, { score: 0.2 }] }), p)).toEqual({ ok: true, value: [0.1, 0.2] });
    expect(predictionValues(json({ predictions: [{ predicted_label: 'b', probability: 0.7 }] }), p)).toEqual({ ok: true, value: ['b'] });
    expect(predictionValues(json({ predictions: [0.3, 0.4, null] }), p)).toEqual({ ok: true, value: [0.3, 0.4, null] });
    // A list of probability vectors: the class at outputIndex.
    expect(predictionValues(json([[0.2, 0.8], [0.6, 0.4]]), { name: 'p', outputIndex: 1 })).toEqual({ ok: true, value: [0.8, 0.4] });
    expect(predictionValues(json([0.5, 0.6]), p)).toEqual({ ok: true, value: [0.5, 0.6] });
    expect(predictionValues(json({ score: 0.9 }), p)).toEqual({ ok: true, value: [0.9] });
    expect(predictionValues(json(0.42), p)).toEqual({ ok: true, value: [0.42] });
    expect(predictionValues(json('cat'), p)).toEqual({ ok: true, value: ['cat'] });
    expect(predictionValues(json({ out: { probs: [[0.1, 0.9]] } }), { name: 'p', outputPaths: ['out.probs.*'], outputIndex: 1 }))
      .toEqual({ ok: true, value: [0.9] });
    expect(predictionValues(json({ result: {} }), p)).toEqual({ ok: false, reason: 'no prediction at the output paths' });
    expect(predictionValues({ format: 'json', text: '{' }, p)).toEqual({ ok: false, reason: 'output is not JSON' });
    expect(DEFAULT_OUTPUT_PATHS[0]).toBe('predictions.*.score');
  });

  test('a bad prediction spec is refused with what is allowed', () => {
    expect(predictionProblems({ name: '', outputIndex: -1, outputPaths: [] })).toEqual([
      'prediction.name is required', 'prediction.outputIndex must be an integer >= 0, got -1',
      'prediction.outputPaths, when given, must be a non-empty list of strings',
    ]);
    expect(predictionProblems({ name: 'p', outputIndex: 2, outputPaths: ['score'] })).toEqual([]);
    expect(predictionProblems(undefined)).toEqual([]);
  });
});

describe('a scanner with a prediction feature', () => {
  const r = rng(4);
  const profile = buildProfile(
    Array.from({ length: 2000 }, () => [40 + 10 * r.normal(), ['fr', 'de'][Math.floor(r.next() * 2)], r.next()]),
    [{ name: 'age', type: 'numeric' }, { name: 'country', type: 'categorical' }, { name: 'score', type: 'numeric', index: 9 }],
  );
  const start = Date.parse('2026-11-23T09:00:00Z');
  const end = Date.parse('2026-11-23T10:00:00Z');
  const T = '2026-11-23T09:30:00Z';

  test('reads the inputs from the request and the prediction from the response, on both paths', () => {
    for (const fastPath of [true, false]) {
      const s = new CaptureScanner(profile, start, end, { prediction: { name: 'score' }, fastPath });
      for (let i = 0; i < 400; i++) {
        // Scores shifted up: prediction drift; the inputs are unchanged.
        s.addLine(captureLine(`${(40 + 10 * r.normal()).toFixed(2)},${['fr', 'de'][i % 2]}`, { inferenceTime: T, output: (0.5 + 0.5 * r.next()).toFixed(4) }));
      }
      s.addLine(captureLine('41,fr\n42,de', { inferenceTime: T, output: '0.9\n0.95' }));
      s.addLine(captureLine('43,fr', { inferenceTime: T, output: '{"predictions": [{"score": 0.99}]}', outputContentType: 'application/json' }));
      s.addLine(captureLine('44,de', { inferenceTime: T, output: '{"oops": 1}', outputContentType: 'application/json' }));
      expect(s.counters).toMatchObject({ records: 403, rows: 404, unreadOutputs: 1, malformed: 0 });
      const summary = s.accumulator.summarize(resolvePolicy());
      const [age, country, score] = summary.features;
      expect(age.count).toBe(404);
      expect(country.count).toBe(404);
      // Every readable output counted once: 400 + 2 + 1.
      expect(score).toMatchObject({ name: 'score', count: 403, drifted: true });
      expect(summary.driftedFeatures).toEqual(['score']);
    }
  });

  test('does not read the prediction from an input column', () => {
    const s = new CaptureScanner(profile, start, end, { prediction: { name: 'score' } });
    // Only two input columns: a profile index of 9 for the prediction asks nothing of the request.
    s.addLine(captureLine('41,fr', { inferenceTime: T, output: '0.5' }));
    expect(s.counters).toMatchObject({ records: 1, malformed: 0, unreadOutputs: 0 });
  });

  test('fails when the prediction feature is not in the profile', () => {
    expect(() => new CaptureScanner(profile, start, end, { prediction: { name: 'nope' } })).toThrow(/the prediction feature 'nope' is not in the baseline profile/);
  });
});

describe('normalised values', () => {
  test('missing markers are missing, numeric-looking categories are their number, blanks are trimmed', () => {
    for (const m of MISSING_MARKERS) {
      expect(toCategory(m)).toBeUndefined();
      expect(toCategory(` ${m} `)).toBeUndefined();
      expect(toNumber(m)).toBeUndefined();
    }
    expect(['1', '1.0', '01', '+1', '1e0', ' 1 ', 1, 1.0].map((v) => toCategory(v))).toEqual(Array(8).fill('1'));
    expect(['-0', '0.0', 0, -0].map((v) => toCategory(v))).toEqual(['0', '0', '0', '0']);
    expect(['2.50', '.5', '1e400', 'z007', 'None of these', true, NaN, null].map((v) => toCategory(v)))
      .toEqual(['2.5', '0.5', '1e400', 'z007', 'None of these', 'true', undefined, undefined]);
    expect(['1.5', ' 2 ', 'None', 'inf', 'Infinity', '', true].map((v) => toNumber(v))).toEqual([1.5, 2, undefined, undefined, undefined, undefined, 1]);
  });

  test('a profile written before the normalisation is read as if written now', () => {
    const old = buildProfile([[1], [2]], [{ name: 'c', type: 'categorical' }]);
    const legacy = {
      ...old,
      features: [{ ...old.features[0], rows: 10, missing: 1, missingRate: 0.1,
        categories: [{ value: '1.0', count: 4 }, { value: 'None', count: 3 }, { value: '1', count: 1 }, { value: '2', count: 1 }] }],
    };
    expect(parseProfile(legacy).features[0]).toMatchObject({
      rows: 10, missing: 4, missingRate: 0.4, categories: [{ value: '1', count: 5 }, { value: '2', count: 1 }],
    });
    // Already normalised: the same object.
    expect(parseProfile(old).features[0]).toBe(old.features[0]);
  });
});
