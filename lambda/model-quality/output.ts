/**
 * Where the prediction is in a model's captured output: a score, a probability vector (the positive class at an
 * index), a predicted label, or a predicted label with the probability of that label. Pure.
 *
 * A mapping names JSON paths (dotted, array indexes as numbers: `predictions.0.score`; '' is the document itself)
 * and CSV columns (0-based, of the first non-empty line). Presets cover the common containers; output that matches
 * no part of the mapping is not guessed at: it is counted and reported as unmatched.
 */
import { PayloadFormat, splitCsvLine } from '../shared/capture';

export interface OutputMapping {
  /** JSON paths of the score or probability vector, tried in order. @default - none */
  readonly scorePaths?: readonly string[];
  /** CSV column of the score. @default - none (for multiclass: the whole row is a probability vector) */
  readonly scoreColumn?: number;
  /** In a probability vector, the index of the positive class. @default - 0 for a 1-element vector, 1 for 2 elements */
  readonly probabilityIndex?: number;
  /** JSON paths of the predicted label, tried in order. @default - none */
  readonly labelPaths?: readonly string[];
  /** CSV column of the predicted label. @default - none */
  readonly labelColumn?: number;
  /**
   * With a predicted label, whether the score is the probability of that label (Autopilot's `probability` in
   * ensembling mode) rather than of the positive class. @default true
   */
  readonly probabilityOfPredictedLabel?: boolean;
}

export type OutputPresetName = 'xgboost' | 'sklearn-predict-proba' | 'autopilot-csv' | 'tf-serving' | 'plain-score';

/**
 * The presets. Sources: SageMaker built-in algorithms answer `{"predictions": [{"score": ..}]}` in JSON and one
 * score per line in CSV (docs.aws.amazon.com/sagemaker/latest/dg/LL-in-formats.html, cdf-inference.html);
 * scikit-learn's predict_proba returns one row of class probabilities per record, classes in sorted order;
 * Autopilot answers `predicted_label,probability` (docs.aws.amazon.com/sagemaker/latest/dg/
 * autopilot-automate-model-development-container-output.html); TensorFlow Serving's REST predict API answers
 * `{"predictions": [...]}` with one entry per instance.
 */
export const OUTPUT_PRESETS: Readonly<Record<OutputPresetName, OutputMapping>> = {
  'xgboost': { scorePaths: ['predictions.0.score', ''], scoreColumn: 0 },
  'sklearn-predict-proba': {
    scorePaths: ['', 'probabilities', 'predictions.0.probabilities', 'predictions'],
    scoreColumn: 1,
    probabilityIndex: 1,
  },
  'autopilot-csv': {
    labelColumn: 0,
    scoreColumn: 1,
    labelPaths: ['predictions.0.predicted_label', 'predictions.0', 'predicted_label'],
    scorePaths: ['predictions.0.probability', 'probabilities.0', 'probability'],
    probabilityOfPredictedLabel: true,
  },
  'tf-serving': { scorePaths: ['predictions.0'] },
  'plain-score': { scorePaths: [''], scoreColumn: 0 },
};

/** What a mapping found: a score, a predicted label, or both (or a probability vector, for multiclass). */
export interface RawPrediction {
  readonly score?: number;
  readonly vector?: readonly number[];
  readonly label?: string;
}

/** The value at a dotted path; undefined when a step is missing. */
export function pick(doc: unknown, path: string): unknown {
  if (path === '') return doc;
  let cur: any = doc;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = Array.isArray(cur) ? cur[Number(part)] : cur[part];
  }
  return cur;
}

/** A finite number from a number or a numeric string; undefined otherwise. */
export function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v.trim());
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** A probability vector: an array of numbers, or the first row of an array of such arrays (one record per request). */
export function toVector(v: unknown): number[] | undefined {
  if (!Array.isArray(v) || v.length === 0) return undefined;
  if (Array.isArray(v[0])) return toVector(v[0]);
  const out: number[] = [];
  for (const x of v) {
    const n = toNumber(x);
    if (n === undefined) return undefined;
    out.push(n);
  }
  return out;
}

/** The positive-class probability of a vector: at `index`, else the only element, else the second of two. */
export function positiveFromVector(vector: readonly number[], index: number | undefined): number | undefined {
  if (index !== undefined) return vector[index];
  if (vector.length === 1) return vector[0];
  if (vector.length === 2) return vector[1];
  return undefined;
}

function firstDefined<T>(paths: readonly string[] | undefined, doc: unknown, read: (v: unknown) => T | undefined): T | undefined {
  for (const p of paths ?? []) {
    const v = read(pick(doc, p));
    if (v !== undefined) return v;
  }
  return undefined;
}

function scalarLabel(v: unknown): string | undefined {
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'string' && v.trim() !== '') return v.trim();
  if (Array.isArray(v) && v.length > 0 && !Array.isArray(v[0])) return scalarLabel(v[0]);
  return undefined;
}

/** A number, or a vector; a 1-element vector counts as its number. */
function scoreOrVector(v: unknown, index: number | undefined): { score?: number; vector?: number[] } | undefined {
  const n = toNumber(v);
  if (n !== undefined) return { score: n };
  const vec = toVector(v);
  if (!vec) return undefined;
  const s = positiveFromVector(vec, index);
  return s === undefined ? { vector: vec } : { score: s, vector: vec };
}

/** Reads a decoded output payload with a mapping; undefined when nothing in the mapping matches. */
export function readOutput(format: PayloadFormat, text: string, mapping: OutputMapping): RawPrediction | undefined {
  if (format === 'csv') {
    const line = text.split(/\r?\n/).find((l) => l.trim() !== '');
    if (line === undefined) return undefined;
    const cells = splitCsvLine(line).map((c) => c.trim());
    const label = mapping.labelColumn !== undefined ? scalarLabel(cells[mapping.labelColumn]) : undefined;
    const score = mapping.scoreColumn !== undefined ? toNumber(cells[mapping.scoreColumn]) : undefined;
    const vector = toVector(cells);
    if (label === undefined && score === undefined && vector === undefined) return undefined;
    if (mapping.labelColumn !== undefined && label === undefined) return undefined;
    if (mapping.scoreColumn !== undefined && score === undefined && mapping.labelColumn === undefined) return undefined;
    return { score, label, vector };
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return undefined;
  }
  const label = firstDefined(mapping.labelPaths, doc, scalarLabel);
  const found = firstDefined(mapping.scorePaths, doc, (v) => scoreOrVector(v, mapping.probabilityIndex));
  if (label === undefined && found === undefined) return undefined;
  if (mapping.labelPaths?.length && label === undefined) return undefined;
  return { score: found?.score, vector: found?.vector, label };
}
