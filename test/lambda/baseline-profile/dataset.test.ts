import { csvRow, jsonRow, resolveCsvColumns } from '../../../lambda/baseline-profile/dataset';

const f = (name: string, extra: object = {}) => ({ name, type: 'numeric' as const, ...extra });

describe('baseline layout', () => {
  test('without a header, a feature is at its capture index', () => {
    expect(resolveCsvColumns([f('a'), f('b', { index: 3 })], { format: 'csv', header: false }, undefined)).toEqual([0, 3]);
  });

  test('the XGBoost layout: a headerless train.csv with the label in column 0, payloads without it', () => {
    // Capture payload: a,b,c at 0,1,2; train.csv: label,a,b,c.
    expect(resolveCsvColumns([f('a'), f('b'), f('c')], { format: 'csv', header: false, labelIndex: 0 }, undefined)).toEqual([1, 2, 3]);
    // A label in the middle shifts only the features at and after it.
    expect(resolveCsvColumns([f('a'), f('b'), f('c')], { format: 'csv', header: false, labelIndex: 1 }, undefined)).toEqual([0, 2, 3]);
    expect(csvRow(['1', '0.5', '7', 'x'], [1, 2, 3])).toEqual(['0.5', '7', 'x']);
    // A label after every feature changes nothing.
    expect(resolveCsvColumns([f('a')], { format: 'csv', header: false, labelIndex: 1 }, undefined)).toEqual([0]);
  });

  test('with a header, features are mapped by name, whatever the column order', () => {
    const header = ['plan', 'churned', 'tenure'];
    expect(resolveCsvColumns([f('tenure'), f('plan')], { format: 'csv', header: true }, header)).toEqual([2, 0]);
    expect(resolveCsvColumns([f('t', { baselineColumn: 'tenure' }), f('p', { baselineIndex: 0 })], { format: 'csv', header: true, labelColumn: 'churned' },
      [' plan', 'churned', 'tenure '])).toEqual([2, 0]);
  });

  test.each<[object[], object, string[] | undefined, RegExp]>([
    [[f('a'), f('b', { index: 0 })], { header: false }, undefined, /feature 'b' reuses column index 0/],
    [[f('a', { baselineIndex: 1 }), f('b', { baselineIndex: 1 })], { header: false }, undefined, /features 'a' and 'b' are both on baseline column 1/],
    [[f('a', { baselineIndex: 0 })], { header: false, labelIndex: 0 }, undefined, /feature 'a' is on the label column 0/],
    [[f('a', { baselineColumn: 'x' })], { header: false }, undefined, /feature 'a' is placed by the header name 'x' but the dataset has no header/],
    [[f('a', { baselineColumn: 'x' })], { header: true }, ['a', 'b'], /feature 'a': column 'x' is not in the header \(a, b\)/],
    [[f('a')], { header: true, labelColumn: 'y' }, ['a', 'b'], /the label column 'y' is not in the header/],
    [[f('a')], { header: false, labelColumn: 'y' }, undefined, /the label column 'y' is named but the dataset has no header/],
    [[f('a', { baselineIndex: -1 })], { header: false }, undefined, /feature 'a' baselineIndex must be an integer >= 0, got -1/],
  ])('checks the layout: %j %j', (features, layout, header, message) => {
    expect(() => resolveCsvColumns(features as any, { format: 'csv', ...layout } as any, header)).toThrow(message);
  });

  test('a CSV record shorter than the highest column is malformed', () => {
    expect(csvRow(['1', '2'], [0, 2])).toBeUndefined();
    expect(csvRow(['1', '2', ''], [0, 2])).toEqual(['1', '']);
  });

  test('JSON lines take each feature by field or name; a line that is not an object is malformed', () => {
    const features = [f('tenure'), f('plan', { baselineColumn: 'plan_name' })];
    expect(jsonRow('{"tenure": 3, "plan_name": "pro", "label": 1}', features)).toEqual([3, 'pro']);
    expect(jsonRow('{"tenure": {"x": 1}}', features)).toEqual([null, null]);
    expect(jsonRow('[1, 2]', features)).toBeUndefined();
    expect(jsonRow('null', features)).toBeUndefined();
    expect(jsonRow('{"tenure": 3', features)).toBeUndefined();
  });
});
