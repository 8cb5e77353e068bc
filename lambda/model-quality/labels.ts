/**
 * Labels as teams write them: 1, 1.0, "1", "1.0", true, "True" are one class; so are 0, "0.0", false, "false".
 * Pure.
 */
import { normaliseLabel } from '../shared/ground-truth';
import { OutputMapping, RawPrediction } from './output';

export { normaliseLabel };

/** How binary labels are read: the positive class, and the negative one when it is implied (1 and 0). */
export class BinaryLabels {
  readonly positive: string;
  /** The implied negative class: '0' for a positive '1' and '1' for a positive '0'; undefined for other labels. */
  readonly negative: string | undefined;

  constructor(positiveLabel: string | number | boolean = '1') {
    const p = normaliseLabel(positiveLabel);
    if (p === undefined) throw new Error(`positiveLabel must be a non-empty label, got '${String(positiveLabel)}'`);
    this.positive = p;
    this.negative = p === '1' ? '0' : p === '0' ? '1' : undefined;
  }

  /** 1 for the positive class, 0 for any other. */
  classOf(label: string): 0 | 1 {
    return label === this.positive ? 1 : 0;
  }

  /** A label that is neither the positive class nor the implied negative one (e.g. "yes" against 1/0). */
  isMismatch(label: string): boolean {
    return this.negative !== undefined && label !== this.positive && label !== this.negative;
  }
}

/**
 * The positive-class score of a binary prediction: the score itself; with a predicted label and the probability of
 * that label, p for a positive label and 1 - p otherwise; a hard label alone as 1 or 0. Undefined when the output
 * holds neither.
 */
export function binaryScore(raw: RawPrediction, mapping: OutputMapping, labels: BinaryLabels): number | undefined {
  if (raw.label !== undefined) {
    const label = normaliseLabel(raw.label);
    if (label === undefined) return undefined;
    const positive = labels.classOf(label) === 1;
    if (raw.score === undefined) return positive ? 1 : 0;
    if (mapping.probabilityOfPredictedLabel === false) return raw.score;
    return positive ? raw.score : 1 - raw.score;
  }
  return raw.score;
}

/** The predicted class of a multiclass prediction: the label, else the index of the largest probability. */
export function multiclassPrediction(raw: RawPrediction): string | undefined {
  if (raw.label !== undefined) return normaliseLabel(raw.label);
  const v = raw.vector;
  if (!v || v.length === 0) return undefined;
  let best = 0;
  for (let i = 1; i < v.length; i++) {
    if (v[i] > v[best]) best = i;
  }
  return String(best);
}
