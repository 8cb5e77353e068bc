/**
 * Model quality: joins ground truth with captured predictions by inference id and computes the metrics. Pure.
 *
 * Ground-truth files are JSON lines, either `{"inferenceId": "...", "label": 1}` or SageMaker's ground-truth
 * shape `{"groundTruthData": {"data": "1", "encoding": "CSV"}, "eventMetadata": {"eventId": "..."}}`.
 * A capture is joined by its eventMetadata.inferenceId (set by InvokeEndpoint's InferenceId), else its eventId.
 */
import { CaptureRecord, decodePayload, parseCaptureLine, splitCsvLine } from '../shared/capture';
import { binaryClassificationMetrics, ClassificationMetrics, regressionMetrics, RegressionMetrics, rocAuc } from '../shared/stats';

export type ProblemType = 'binary-classification' | 'regression';

export interface OutputOptions {
  /** Dotted path to the prediction in a JSON output (`predictions.0.score`). @default - see predictionFromText */
  readonly outputField?: string;
  /** CSV column of the prediction in a CSV output. @default 0 */
  readonly outputIndex?: number;
}

/** Parses one ground-truth line into [id, label]; undefined for a malformed line. */
export function parseGroundTruthLine(line: string): { id: string; label: string } | undefined {
  let doc: any;
  try {
    doc = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (doc === null || typeof doc !== 'object') return undefined;
  if (typeof doc.inferenceId === 'string' && (typeof doc.label === 'number' || typeof doc.label === 'string' || typeof doc.label === 'boolean')) {
    return { id: doc.inferenceId, label: String(doc.label).trim() };
  }
  const gt = doc.groundTruthData;
  const id = doc.eventMetadata?.inferenceId ?? doc.eventMetadata?.eventId;
  if (gt && typeof gt.data === 'string' && typeof id === 'string') {
    const text = String(gt.encoding ?? '').toUpperCase() === 'BASE64' ? Buffer.from(gt.data, 'base64').toString('utf-8') : gt.data;
    return { id, label: text.trim() };
  }
  return undefined;
}

/** The id a capture joins on. */
export function captureJoinId(r: CaptureRecord): string | undefined {
  return r.inferenceId ?? r.eventId;
}

function pick(doc: unknown, path: string): unknown {
  let cur: any = doc;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = Array.isArray(cur) ? cur[Number(part)] : cur[part];
  }
  return cur;
}

function firstNumber(doc: unknown, depth = 0): number | undefined {
  if (depth > 5) return undefined;
  if (typeof doc === 'number') return Number.isFinite(doc) ? doc : undefined;
  if (typeof doc === 'string') {
    const n = Number(doc.trim());
    return doc.trim() !== '' && Number.isFinite(n) ? n : undefined;
  }
  if (Array.isArray(doc)) return doc.length > 0 ? firstNumber(doc[0], depth + 1) : undefined;
  if (doc !== null && typeof doc === 'object') {
    const o = doc as Record<string, unknown>;
    for (const k of ['score', 'probability', 'predictions', 'prediction', 'scores', 'probabilities', 'predicted_label', 'label']) {
      if (k in o) return firstNumber(o[k], depth + 1);
    }
  }
  return undefined;
}

/**
 * The numeric prediction in a captured output: CSV column `outputIndex` of the first line, or in JSON the value
 * at `outputField`, else the first number found in a bare number, an array, or under `score`, `probability`,
 * `predictions`, `prediction`, ... (the first element of arrays).
 */
export function predictionFromText(format: 'csv' | 'json', text: string, options: OutputOptions = {}): number | undefined {
  if (format === 'csv') {
    const first = text.split(/\r?\n/).find((l) => l.trim() !== '');
    if (first === undefined) return undefined;
    return firstNumber(splitCsvLine(first)[options.outputIndex ?? 0]);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return undefined;
  }
  return firstNumber(options.outputField ? pick(doc, options.outputField) : doc);
}

/** The prediction of a capture line, with its join id; a reason string when it cannot be read. */
export function capturedPrediction(line: string, options: OutputOptions = {}): { id: string; prediction: number } | string {
  const parsed = parseCaptureLine(line);
  if (!parsed.ok) return parsed.reason;
  const id = captureJoinId(parsed.value);
  if (!id) return 'no inferenceId or eventId';
  if (!parsed.value.output) return 'no endpointOutput';
  const payload = decodePayload(parsed.value.output);
  if (!payload.ok) return payload.reason;
  const prediction = predictionFromText(payload.value.format, payload.value.text, options);
  return prediction === undefined ? 'no numeric prediction in output' : { id, prediction };
}

export interface QualityOptions {
  readonly problemType: ProblemType;
  /** The label that counts as positive. @default '1' */
  readonly positiveLabel?: string;
  /** A score at or above this predicts the positive class. @default 0.5 */
  readonly threshold?: number;
}

export type QualityMetrics =
  | ({ readonly problemType: 'binary-classification'; readonly auc: number | null } & ClassificationMetrics)
  | ({ readonly problemType: 'regression' } & RegressionMetrics);

/** Ground-truth labels waiting for their capture; bounded: labels past `maxLabels` are counted and dropped. */
export class LabelStore {
  private readonly labels = new Map<string, string>();
  seen = 0;
  dropped = 0;
  duplicates = 0;

  constructor(private readonly maxLabels = 1_000_000) {}

  add(id: string, label: string): void {
    this.seen++;
    if (this.labels.has(id)) this.duplicates++;
    else if (this.labels.size >= this.maxLabels) this.dropped++;
    else this.labels.set(id, label);
  }

  /** The label of `id`, removed from the store (each label joins once); undefined when unknown. */
  take(id: string): string | undefined {
    const label = this.labels.get(id);
    if (label !== undefined) this.labels.delete(id);
    return label;
  }

  get size(): number {
    return this.labels.size;
  }
}

/** Joined (label, prediction) pairs in growing typed arrays (at most as many as the labels in the store). */
export class PairCollector {
  private yTrue = new Float64Array(1024);
  private yScore = new Float64Array(1024);
  private n = 0;
  invalidLabels = 0;

  constructor(private readonly options: QualityOptions) {}

  get pairs(): number {
    return this.n;
  }

  /** Adds a pair; false (and counted) when a regression label is not a number. */
  add(label: string, prediction: number): boolean {
    let y: number;
    if (this.options.problemType === 'regression') {
      y = Number(label);
      if (label === '' || !Number.isFinite(y)) {
        this.invalidLabels++;
        return false;
      }
    } else {
      y = label === (this.options.positiveLabel ?? '1') ? 1 : 0;
    }
    if (this.n === this.yTrue.length) {
      this.yTrue = grow(this.yTrue);
      this.yScore = grow(this.yScore);
    }
    this.yTrue[this.n] = y;
    this.yScore[this.n] = prediction;
    this.n++;
    return true;
  }

  metrics(): QualityMetrics {
    const yTrue = this.yTrue.subarray(0, this.n);
    const scores = this.yScore.subarray(0, this.n);
    if (this.options.problemType === 'regression') {
      return { problemType: 'regression', ...regressionMetrics(yTrue, scores) };
    }
    const threshold = this.options.threshold ?? 0.5;
    const yPred = scores.map((s) => (s >= threshold ? 1 : 0));
    const auc = rocAuc(yTrue, scores);
    return { problemType: 'binary-classification', ...binaryClassificationMetrics(yTrue, yPred), auc: Number.isFinite(auc) ? auc : null };
  }
}

function grow(a: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> {
  const b = new Float64Array(a.length * 2);
  b.set(a);
  return b;
}
