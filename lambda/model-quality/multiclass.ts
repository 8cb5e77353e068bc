/**
 * Multiclass metrics from a confusion matrix: accuracy, per-class precision, recall and F1, macro and
 * support-weighted F1. The classes are the union of true and predicted labels in sorted order (numeric labels by
 * value), as scikit-learn's classification_report does; a metric whose denominator is 0 is 0 (zero_division=0). Pure.
 */

export interface ClassReport {
  readonly label: string;
  /** Joined records whose true label is this class. */
  readonly support: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

export interface MulticlassMetrics {
  readonly count: number;
  readonly accuracy: number;
  readonly macroF1: number;
  readonly weightedF1: number;
  readonly classes: readonly ClassReport[];
  /** confusionMatrix[i][j]: records of true class classes[i] predicted as classes[j]. */
  readonly confusionMatrix: readonly (readonly number[])[];
}

/** Numeric labels by value, then other labels in code-point order. */
export function compareLabels(a: string, b: string): number {
  const x = Number(a);
  const y = Number(b);
  const nx = a.trim() !== '' && Number.isFinite(x);
  const ny = b.trim() !== '' && Number.isFinite(y);
  if (nx && ny) return x - y;
  if (nx !== ny) return nx ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Counts (true, predicted) pairs of class labels; memory grows with the number of classes, not of pairs. */
export class ConfusionCounter {
  private readonly counts = new Map<string, Map<string, number>>();
  private n = 0;

  add(truth: string, predicted: string): void {
    let row = this.counts.get(truth);
    if (!row) {
      row = new Map();
      this.counts.set(truth, row);
    }
    row.set(predicted, (row.get(predicted) ?? 0) + 1);
    this.n++;
  }

  get count(): number {
    return this.n;
  }

  metrics(): MulticlassMetrics {
    const set = new Set<string>();
    for (const [t, row] of this.counts) {
      set.add(t);
      for (const p of row.keys()) set.add(p);
    }
    const labels = [...set].sort(compareLabels);
    const matrix = labels.map((t) => labels.map((p) => this.counts.get(t)?.get(p) ?? 0));
    return multiclassFromMatrix(labels, matrix);
  }
}

/** The metrics of a square confusion matrix over `labels`. */
export function multiclassFromMatrix(labels: readonly string[], matrix: readonly (readonly number[])[]): MulticlassMetrics {
  const k = labels.length;
  let count = 0;
  let correct = 0;
  const predicted = new Array<number>(k).fill(0);
  const support = new Array<number>(k).fill(0);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const c = matrix[i][j];
      count += c;
      support[i] += c;
      predicted[j] += c;
      if (i === j) correct += c;
    }
  }
  const classes: ClassReport[] = labels.map((label, i) => {
    const tp = matrix[i][i];
    const precision = predicted[i] > 0 ? tp / predicted[i] : 0;
    const recall = support[i] > 0 ? tp / support[i] : 0;
    const f1 = support[i] + predicted[i] > 0 ? (2 * tp) / (support[i] + predicted[i]) : 0;
    return { label, support: support[i], precision, recall, f1 };
  });
  const macroF1 = k > 0 ? classes.reduce((s, c) => s + c.f1, 0) / k : NaN;
  const weightedF1 = count > 0 ? classes.reduce((s, c) => s + c.f1 * c.support, 0) / count : NaN;
  return { count, accuracy: count > 0 ? correct / count : NaN, macroF1, weightedF1, classes, confusionMatrix: matrix.map((r) => [...r]) };
}
