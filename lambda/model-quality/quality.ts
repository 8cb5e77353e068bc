/**
 * Model quality: ground truth joined with captured predictions by inference id, and the metrics. Pure.
 *
 * Ground-truth files are JSON lines, either `{"inferenceId": "...", "label": 1}` or SageMaker's ground-truth
 * shape `{"groundTruthData": {"data": "1", "encoding": "CSV"}, "eventMetadata": {"eventId": "..."}}`.
 * A capture is joined by its eventMetadata.inferenceId (set by InvokeEndpoint's InferenceId), else its eventId.
 */
import { CaptureRecord, decodePayload, parseCaptureLine, PayloadFormat } from '../shared/capture';
import { binaryClassificationMetrics, ClassificationMetrics, regressionMetrics, RegressionMetrics, rocAuc } from '../shared/stats';
import { GroundTruth, parseGroundTruthLine } from '../shared/ground-truth';
import { BinaryLabels, binaryScore, multiclassPrediction } from './labels';
import { ConfusionCounter, MulticlassMetrics } from './multiclass';
import { OutputMapping, readOutput } from './output';

export type { GroundTruth };
export { parseGroundTruthLine };

export type ProblemType = 'binary-classification' | 'multiclass-classification' | 'regression';


/** The id a capture joins on. */
export function captureJoinId(r: CaptureRecord): string | undefined {
  return r.inferenceId ?? r.eventId;
}

/** The join id and decoded output of a capture line; a reason string when it cannot be read. */
export function capturedOutput(line: string): { id: string; format: PayloadFormat; text: string } | string {
  const parsed = parseCaptureLine(line);
  if (!parsed.ok) return parsed.reason;
  const id = captureJoinId(parsed.value);
  if (!id) return 'no inferenceId or eventId';
  if (!parsed.value.output) return 'no endpointOutput';
  const payload = decodePayload(parsed.value.output);
  if (!payload.ok) return payload.reason;
  return { id, ...payload.value };
}

export interface QualityOptions {
  readonly problemType: ProblemType;
  /** Where the prediction is in the output. */
  readonly output: OutputMapping;
  /** The label that counts as positive (binary). @default '1' */
  readonly positiveLabel?: string;
  /** A positive-class score at or above this predicts the positive class (binary). @default 0.5 */
  readonly threshold?: number;
}

export type BinaryMetrics = { readonly problemType: 'binary-classification'; readonly auc: number | null; readonly positiveShare: number } & ClassificationMetrics;
export type QualityMetrics =
  | BinaryMetrics
  | ({ readonly problemType: 'regression' } & RegressionMetrics)
  | ({ readonly problemType: 'multiclass-classification' } & MulticlassMetrics);

/** A 53-bit hash of a string (cyrb53): ids of earlier batches are remembered as numbers, not strings. */
export function hash53(text: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/**
 * Ground-truth labels waiting for their capture, at most `capacity` at a time (the caller joins a full store and
 * clears it). Each id is taken once: a duplicate, in this batch or an earlier one, is counted and ignored. Ids of
 * earlier batches are kept as 53-bit hashes (8 bytes each; a false duplicate has odds of about n^2 / 2^54).
 */
export class LabelStore {
  /** The batch: id -> label, or null once taken. */
  private readonly labels = new Map<string, string | null>();
  private readonly earlier = new Set<number>();
  private waiting = 0;
  duplicates = 0;

  constructor(readonly capacity = 1_000_000) {}

  /** Adds a label; 'full' when the batch is full (the label is not taken), 'duplicate' for an id seen before. */
  add(id: string, label: string): 'added' | 'duplicate' | 'full' {
    if (this.labels.has(id) || (this.earlier.size > 0 && this.earlier.has(hash53(id)))) {
      this.duplicates++;
      return 'duplicate';
    }
    if (this.labels.size >= this.capacity) return 'full';
    this.labels.set(id, label);
    this.waiting++;
    return 'added';
  }

  /** Whether `id` is waiting for its capture. */
  has(id: string): boolean {
    return typeof this.labels.get(id) === 'string';
  }

  /** The label of `id`, now taken (each label joins once); undefined when unknown or taken. */
  take(id: string): string | undefined {
    const label = this.labels.get(id);
    if (typeof label !== 'string') return undefined;
    this.labels.set(id, null);
    this.waiting--;
    return label;
  }

  /** Labels still waiting for their capture. */
  get size(): number {
    return this.waiting;
  }

  /** Ends a batch: waiting labels are dropped (their inference was not found), and every id of it is remembered. */
  clear(): void {
    for (const id of this.labels.keys()) this.earlier.add(hash53(id));
    this.labels.clear();
    this.waiting = 0;
  }
}

export type JoinOutcome = 'joined' | 'unmatched-output' | 'invalid-label';

/**
 * Joined (label, prediction) pairs of one variant. Binary and regression pairs sit in growing typed arrays
 * (16 bytes a pair); multiclass pairs in a confusion matrix.
 */
export class QualityAccumulator {
  private yTrue = new Float64Array(1024);
  private yScore = new Float64Array(1024);
  private n = 0;
  private readonly confusion = new ConfusionCounter();
  private readonly binary: BinaryLabels;
  /** Labelled captures whose output matched no part of the mapping. */
  unmatchedOutputs = 0;
  /** Regression labels that are not numbers. */
  invalidLabels = 0;
  /** Binary labels that are neither the positive class nor its implied negative. */
  labelMismatches = 0;

  constructor(private readonly options: QualityOptions) {
    this.binary = new BinaryLabels(options.positiveLabel ?? '1');
  }

  /** Whether label mismatches are counted: binary labels whose negative class is implied (1 and 0). */
  get mismatchKnown(): boolean {
    return this.options.problemType === 'binary-classification' && this.binary.negative !== undefined;
  }

  /** Labelled captures: joined, unmatched or with an invalid label. */
  get labelled(): number {
    return this.joined + this.unmatchedOutputs + this.invalidLabels;
  }

  get joined(): number {
    return this.options.problemType === 'multiclass-classification' ? this.confusion.count : this.n;
  }

  /** Joins a label (normalised) with the decoded output of its capture. */
  add(label: string, format: PayloadFormat, text: string): JoinOutcome {
    const raw = readOutput(format, text, this.options.output);
    if (this.options.problemType === 'multiclass-classification') {
      const predicted = raw ? multiclassPrediction(raw) : undefined;
      if (predicted === undefined) return this.unmatched();
      this.confusion.add(label, predicted);
      return 'joined';
    }
    if (this.options.problemType === 'regression') {
      const y = Number(label);
      if (!Number.isFinite(y)) {
        this.invalidLabels++;
        return 'invalid-label';
      }
      if (raw?.score === undefined) return this.unmatched();
      this.push(y, raw.score);
      return 'joined';
    }
    const score = raw ? binaryScore(raw, this.options.output, this.binary) : undefined;
    if (score === undefined) return this.unmatched();
    if (this.binary.isMismatch(label)) this.labelMismatches++;
    this.push(this.binary.classOf(label), score);
    return 'joined';
  }

  private unmatched(): JoinOutcome {
    this.unmatchedOutputs++;
    return 'unmatched-output';
  }

  private push(y: number, score: number): void {
    if (this.n === this.yTrue.length) {
      this.yTrue = grow(this.yTrue);
      this.yScore = grow(this.yScore);
    }
    this.yTrue[this.n] = y;
    this.yScore[this.n] = score;
    this.n++;
  }

  /** The metrics; null when nothing joined (no data is not zero). */
  metrics(): QualityMetrics | null {
    if (this.joined === 0) return null;
    if (this.options.problemType === 'multiclass-classification') {
      return { problemType: 'multiclass-classification', ...this.confusion.metrics() };
    }
    const yTrue = this.yTrue.subarray(0, this.n);
    const scores = this.yScore.subarray(0, this.n);
    if (this.options.problemType === 'regression') {
      return { problemType: 'regression', ...regressionMetrics(yTrue, scores) };
    }
    const threshold = this.options.threshold ?? 0.5;
    const yPred = scores.map((s) => (s >= threshold ? 1 : 0));
    const auc = rocAuc(yTrue, scores);
    const positives = yTrue.reduce((a, y) => a + y, 0);
    return {
      problemType: 'binary-classification', ...binaryClassificationMetrics(yTrue, yPred),
      auc: Number.isFinite(auc) ? auc : null, positiveShare: positives / this.n,
    };
  }
}

function grow(a: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> {
  const b = new Float64Array(a.length * 2);
  b.set(a);
  return b;
}
