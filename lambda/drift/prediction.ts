/**
 * Prediction drift: where the model's prediction (a score or a label) is in a captured output, read as one more
 * feature of the window. Pure.
 *
 * One prediction per row the model answered:
 * - CSV output: one per non-empty line, the cell at `outputIndex` (default 0);
 * - JSON output: the values at the first of `outputPaths` that matches (dotted paths; `*` takes every element of an
 *   array, a number an element by position; '' is the document itself). A scalar is a prediction; an array of
 *   scalars at a path's end (a probability vector) gives its element at `outputIndex`; null is a missing prediction.
 *   The default paths cover SageMaker's built-in algorithms (`{"predictions": [{"score": ..}]}`,
 *   `{"predictions": [{"predicted_label": ..}]}`), TensorFlow Serving (`{"predictions": [..]}`), a bare list of
 *   scores or of probability vectors, `{"score": ..}` and a bare number or label.
 */
import { PayloadFormat, ParseResult, splitCsvLine } from '../shared/capture';
import { FeatureValue } from '../shared/profile';

export interface PredictionSpec {
  /** The profile feature that holds the baseline of the predictions. */
  readonly name: string;
  /** The CSV column of the prediction, or its position in a probability vector. @default 0 */
  readonly outputIndex?: number;
  /** JSON paths tried in order. @default DEFAULT_OUTPUT_PATHS */
  readonly outputPaths?: readonly string[];
}

export const DEFAULT_OUTPUT_PATHS: readonly string[] = [
  'predictions.*.score', 'predictions.*.predicted_label', 'predictions.*', 'score', 'predicted_label', '*', '',
];

/** Checks a prediction spec; returns the problems. */
export function predictionProblems(p: PredictionSpec | undefined): string[] {
  if (p === undefined) return [];
  const problems: string[] = [];
  if (p === null || typeof p !== 'object') return ['prediction must be an object { name, outputIndex?, outputPaths? }'];
  if (typeof p.name !== 'string' || p.name === '') problems.push('prediction.name is required');
  if (p.outputIndex !== undefined && !(Number.isInteger(p.outputIndex) && p.outputIndex >= 0)) {
    problems.push(`prediction.outputIndex must be an integer >= 0, got ${p.outputIndex}`);
  }
  if (p.outputPaths !== undefined && !(Array.isArray(p.outputPaths) && p.outputPaths.length > 0 && p.outputPaths.every((x) => typeof x === 'string'))) {
    problems.push('prediction.outputPaths, when given, must be a non-empty list of strings');
  }
  return problems;
}

function collect(doc: unknown, parts: readonly string[], i: number, out: unknown[]): void {
  if (i === parts.length) {
    out.push(doc);
    return;
  }
  const part = parts[i];
  if (part === '*') {
    if (Array.isArray(doc)) for (const x of doc) collect(x, parts, i + 1, out);
    return;
  }
  if (doc === null || typeof doc !== 'object') return;
  const next = Array.isArray(doc) ? doc[Number(part)] : (doc as Record<string, unknown>)[part];
  if (next !== undefined) collect(next, parts, i + 1, out);
}

/** A prediction from the value at a path's end; undefined when it is none (an object, a nested array). */
function asPrediction(v: unknown, index: number): FeatureValue | undefined {
  if (v === null) return null;
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (Array.isArray(v) && v.length > index) {
    const x = v[index];
    if (x === null || typeof x === 'number' || typeof x === 'string' || typeof x === 'boolean') return x;
  }
  return undefined;
}

/** The predictions of a decoded output payload. */
export function predictionValues(payload: { format: PayloadFormat; text: string }, spec: PredictionSpec): ParseResult<FeatureValue[]> {
  const index = spec.outputIndex ?? 0;
  if (payload.format === 'csv') {
    const out: FeatureValue[] = [];
    for (const line of payload.text.split(/\r?\n/)) {
      if (line.trim() === '') continue;
      const cells = splitCsvLine(line);
      if (cells.length <= index) return { ok: false, reason: `CSV output row has ${cells.length} columns, the prediction is at ${index}` };
      out.push(cells[index]);
    }
    return out.length > 0 ? { ok: true, value: out } : { ok: false, reason: 'empty CSV output' };
  }
  let doc: unknown;
  try {
    doc = JSON.parse(payload.text);
  } catch {
    return { ok: false, reason: 'output is not JSON' };
  }
  for (const path of spec.outputPaths ?? DEFAULT_OUTPUT_PATHS) {
    const found: unknown[] = [];
    collect(doc, path === '' ? [] : path.split('.'), 0, found);
    const values = found.map((v) => asPrediction(v, index));
    if (values.length > 0 && values.every((v) => v !== undefined)) return { ok: true, value: values as FeatureValue[] };
  }
  return { ok: false, reason: 'no prediction at the output paths' };
}
