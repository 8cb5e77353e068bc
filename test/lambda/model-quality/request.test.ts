import { OUTPUT_PRESETS } from '../../../lambda/model-quality/output';
import { MAX_LOOKBACK_HOURS, ModelQualityEvent, resolveQualityEvent } from '../../../lambda/model-quality/request';

const base: ModelQualityEvent = {
  endpointName: 'churn', captureBucket: 'lake', capturePrefix: 'capture/', groundTruthBucket: 'lake', groundTruthPrefix: 'truth/churn/',
  problemType: 'binary-classification', reportBucket: 'lake',
};
const NOW = Date.parse('2026-11-24T05:17:00Z');

describe('the model-quality event', () => {
  test('defaults: the previous day, plain scores, label 1, threshold 0.5, two days of lookback', () => {
    expect(resolveQualityEvent(base, NOW)).toEqual({
      endpointName: 'churn', variantName: undefined, captureBucket: 'lake', capturePrefix: 'capture', groundTruthBucket: 'lake', groundTruthPrefix: 'truth/churn',
      problemType: 'binary-classification', output: OUTPUT_PRESETS['plain-score'], positiveLabel: '1', threshold: 0.5,
      startMs: Date.parse('2026-11-23T00:00:00Z'), endMs: Date.parse('2026-11-24T00:00:00Z'), lookbackHours: 48, labelBatchSize: 250_000, maxLabels: 2_000_000,
      reportBucket: 'lake', reportPrefix: 'model-quality-reports', metricNamespace: 'cdk-mlops/ModelQuality',
    });
  });

  test('a preset, an explicit window and lookback', () => {
    const r = resolveQualityEvent({
      ...base, outputPreset: 'autopilot-csv', windowEnd: '2026-11-24T03:00:00Z', windowMinutes: 60, captureLookbackHours: MAX_LOOKBACK_HOURS,
      labelBatchSize: 10, maxLabels: 20, threshold: 0.3, positiveLabel: 'true', reportPrefix: 'r/', metricNamespace: 'X',
    }, NOW);
    expect(r).toMatchObject({
      output: OUTPUT_PRESETS['autopilot-csv'], startMs: Date.parse('2026-11-24T02:00:00Z'), endMs: Date.parse('2026-11-24T03:00:00Z'),
      lookbackHours: 2160, labelBatchSize: 10, maxLabels: 20, threshold: 0.3, positiveLabel: 'true', reportPrefix: 'r', metricNamespace: 'X',
    });
    expect(resolveQualityEvent({ ...base, output: { scoreColumn: 0 } }, NOW).output).toEqual({ scoreColumn: 0 });
    expect(resolveQualityEvent({ ...base, captureLookbackHours: 0 }, NOW).lookbackHours).toBe(0);
  });

  test('fails on no event at all', () => {
    expect(() => resolveQualityEvent(undefined as any, 0)).toThrow('invalid model-quality event: endpointName is required; captureBucket is required;');
  });

  test('fails with every problem at once', () => {
    expect(() => resolveQualityEvent({ endpointName: 'e', captureBucket: 'c', reportBucket: 'r', groundTruthPrefix: '/' } as any, 0)).toThrow(
      'invalid model-quality event: groundTruthBucket is required; groundTruthPrefix is required; capturePrefix is required; '
      + "problemType must be one of binary-classification, multiclass-classification, regression, got 'undefined'");
  });

  test.each<[Partial<ModelQualityEvent> | any, string]>([
    [{ outputPreset: 'xgboost', output: { scoreColumn: 0 } }, 'give outputPreset or output, not both'],
    [{ outputPreset: 'keras' }, "outputPreset must be one of xgboost, sklearn-predict-proba, autopilot-csv, tf-serving, plain-score, got 'keras'"],
    [{ output: { scoreColumn: -1 } }, 'output.scoreColumn must be a whole number >= 0, got -1'],
    [{ output: { scoreColumn: 0, probabilityIndex: 1.5 } }, 'output.probabilityIndex must be a whole number >= 0, got 1.5'],
    [{ output: { labelColumn: 10_001 } }, 'output.labelColumn must be a whole number >= 0, got 10001'],
    [{ output: { scorePaths: 'a' } }, 'output.scorePaths must be a list of JSON paths'],
    [{ output: { labelPaths: [1] } }, 'output.labelPaths must be a list of JSON paths'],
    [{ output: {} }, 'output must name at least one of scorePaths, scoreColumn, labelPaths, labelColumn'],
    [{ output: { scorePaths: [] } }, 'output must name at least one of'],
    [{ positiveLabel: ' ' }, "positiveLabel must be a non-empty label, got ' '"],
    [{ threshold: NaN }, 'threshold must be a number, got NaN'],
    [{ threshold: '0.5' }, 'threshold must be a number, got 0.5'],
    [{ windowMinutes: 0 }, 'windowMinutes must be an integer in [1, 10080], got 0'],
    [{ windowMinutes: 10081 }, 'windowMinutes must be an integer in [1, 10080], got 10081'],
    [{ captureLookbackHours: -1 }, 'captureLookbackHours must be an integer in [0, 2160], got -1'],
    [{ captureLookbackHours: 2161 }, 'captureLookbackHours must be an integer in [0, 2160], got 2161'],
    [{ labelBatchSize: 0 }, 'labelBatchSize must be an integer in [1, 5000000], got 0'],
    [{ labelBatchSize: 5_000_001 }, 'labelBatchSize must be an integer in [1, 5000000], got 5000001'],
    [{ maxLabels: 0 }, 'maxLabels must be an integer in [1, 50000000], got 0'],
    [{ maxLabels: 50_000_001 }, 'maxLabels must be an integer in [1, 50000000], got 50000001'],
    [{ windowEnd: 'yesterday' }, "windowEnd must be an ISO date, got 'yesterday'"],
  ])('fails on %p', (patch, message) => {
    expect(() => resolveQualityEvent({ ...base, ...patch }, NOW)).toThrow(message);
  });

  test('accepts the edges of every range', () => {
    const output = { probabilityIndex: 0, scoreColumn: 10_000, labelPaths: ['a'] };
    expect(() => resolveQualityEvent({ ...base, windowMinutes: 1, labelBatchSize: 1, maxLabels: 1, output }, NOW)).not.toThrow();
    const max = { windowMinutes: 10080, labelBatchSize: 5_000_000, maxLabels: 50_000_000, output: { labelColumn: 0 } };
    expect(() => resolveQualityEvent({ ...base, ...max }, NOW)).not.toThrow();
  });
});
