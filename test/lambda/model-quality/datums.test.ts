import { qualityDatums } from '../../../lambda/model-quality/datums';

const T = new Date('2026-11-24T00:00:00Z');
const names = (d: ReturnType<typeof qualityDatums>) => d.map((x) => [x.MetricName, x.Value, x.Unit]);

describe('quality datums', () => {
  test('with nothing joined only JoinedRecords is published: no data is not zero', () => {
    expect(names(qualityDatums('churn', 'champion', T, null, { labelled: 0, joined: 0, unmatchedOutputs: 0, labelMismatches: 0 })))
      .toEqual([['JoinedRecords', 0, 'Count']]);
  });

  test('labelled outputs that all failed to match publish the unmatched share and JoinedRecords 0', () => {
    expect(names(qualityDatums('churn', 'champion', T, null, { labelled: 4, joined: 0, unmatchedOutputs: 4, labelMismatches: 0 })))
      .toEqual([['JoinedRecords', 0, 'Count'], ['UnmatchedOutputShare', 1, 'None']]);
  });

  test('binary metrics; a missing AUC is left out, not published as 0', () => {
    const m = { problemType: 'binary-classification' as const, count: 4, accuracy: 0.5, precision: 0.25, recall: 1, f1: 0.4, auc: null, positiveShare: 0.25 };
    const d = qualityDatums('churn', 'champion', T, m, { labelled: 5, joined: 4, unmatchedOutputs: 1, labelMismatches: 1 });
    expect(names(d)).toEqual([
      ['Accuracy', 0.5, 'None'], ['Precision', 0.25, 'None'], ['Recall', 1, 'None'], ['F1', 0.4, 'None'],
      ['JoinedRecords', 4, 'Count'], ['UnmatchedOutputShare', 0.2, 'None'], ['LabelMismatchShare', 0.25, 'None'],
    ]);
    expect(d[0]).toEqual({ MetricName: 'Accuracy', Dimensions: [{ Name: 'EndpointName', Value: 'churn' }, { Name: 'VariantName', Value: 'champion' }], Timestamp: T, Value: 0.5, Unit: 'None' });
    expect(names(qualityDatums('e', 'v', T, { ...m, auc: 0.7 }, { labelled: 4, joined: 4, unmatchedOutputs: 0 })).map((x) => x[0]))
      .toEqual(['Accuracy', 'Precision', 'Recall', 'F1', 'AUC', 'JoinedRecords', 'UnmatchedOutputShare']);
  });

  test('regression and multiclass metrics', () => {
    expect(names(qualityDatums('e', 'v', T, { problemType: 'regression', count: 2, mae: 1, rmse: 2 }, { labelled: 2, joined: 2, unmatchedOutputs: 0 })))
      .toEqual([['MAE', 1, 'None'], ['RMSE', 2, 'None'], ['JoinedRecords', 2, 'Count'], ['UnmatchedOutputShare', 0, 'None']]);
    const mc = { problemType: 'multiclass-classification' as const, count: 2, accuracy: 0.5, macroF1: 0.4, weightedF1: NaN, classes: [], confusionMatrix: [] };
    expect(names(qualityDatums('e', 'v', T, mc, { labelled: 2, joined: 2, unmatchedOutputs: 0 })))
      .toEqual([['Accuracy', 0.5, 'None'], ['MacroF1', 0.4, 'None'], ['JoinedRecords', 2, 'Count'], ['UnmatchedOutputShare', 0, 'None']]);
  });
});
