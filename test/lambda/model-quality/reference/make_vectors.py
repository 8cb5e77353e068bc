#!/usr/bin/env python3
"""Reference vectors for model quality (lambda/model-quality/): binary metrics, ROC AUC with ties, multiclass
metrics, and the 2,000-label datasets of the end-to-end test (test/integ/model-quality.integ.test.ts).

Run from the repository root:  python3 test/lambda/model-quality/reference/make_vectors.py
Writes vectors.json next to this file. Deterministic (fixed seeds; scores rounded to 4 decimals *before* any
metric is computed, so ties exist and the JSON holds exactly the inputs numpy saw). The tests read the JSON and
never run Python.

numpy only (no scipy, no sklearn): AUC is the Mann-Whitney U statistic over average ranks, U / (n1 * n0), and is
checked here against a brute-force count over every positive/negative pair (a tie counts 1/2). Multiclass
metrics come from a numpy confusion matrix; a metric whose denominator is 0 is 0 (sklearn's zero_division=0).
"""
import json
import os

import numpy as np


def average_ranks(x):
    x = np.asarray(x, float)
    _, inverse, counts = np.unique(x, return_inverse=True, return_counts=True)
    last = np.cumsum(counts)
    first = last - counts + 1
    return ((first + last) / 2.0)[inverse]


def auc_mann_whitney(y, s):
    y = np.asarray(y, int)
    n1 = int(y.sum())
    n0 = len(y) - n1
    if n1 == 0 or n0 == 0:
        return None
    r = average_ranks(s)
    u = r[y == 1].sum() - n1 * (n1 + 1) / 2.0
    return float(u / (n1 * n0))


def auc_pairs(y, s):
    y = np.asarray(y, int)
    s = np.asarray(s, float)
    pos = s[y == 1][:, None]
    neg = s[y == 0][None, :]
    return float(((pos > neg).sum() + 0.5 * (pos == neg).sum()) / (pos.size * neg.size))


def safe(num, den):
    return float(num / den) if den > 0 else 0.0


def binary(name, y, s, threshold=0.5):
    y = np.asarray(y, int)
    s = np.round(np.asarray(s, float), 4)
    p = (s >= threshold).astype(int)
    tp = int(((y == 1) & (p == 1)).sum())
    fp = int(((y == 0) & (p == 1)).sum())
    fn = int(((y == 1) & (p == 0)).sum())
    tn = int(((y == 0) & (p == 0)).sum())
    auc = auc_mann_whitney(y, s)
    if auc is not None:
        assert abs(auc - auc_pairs(y, s)) < 1e-12, name
    return {
        "name": name, "yTrue": y.tolist(), "scores": s.tolist(), "threshold": threshold,
        "accuracy": (tp + tn) / len(y), "precision": safe(tp, tp + fp), "recall": safe(tp, tp + fn),
        "f1": safe(2 * tp, 2 * tp + fp + fn), "auc": auc, "positiveShare": float(y.mean()),
    }


def sort_labels(labels):
    def key(l):
        try:
            return (0, float(l), "")
        except ValueError:
            return (1, 0.0, l)
    return sorted(set(labels), key=key)


def multiclass(name, y_true, y_pred):
    labels = sort_labels(list(y_true) + list(y_pred))
    index = {l: i for i, l in enumerate(labels)}
    k = len(labels)
    cm = np.zeros((k, k), int)
    np.add.at(cm, (np.array([index[t] for t in y_true]), np.array([index[p] for p in y_pred])), 1)
    tp = np.diag(cm).astype(float)
    support = cm.sum(axis=1).astype(float)
    predicted = cm.sum(axis=0).astype(float)
    precision = np.divide(tp, predicted, out=np.zeros(k), where=predicted > 0)
    recall = np.divide(tp, support, out=np.zeros(k), where=support > 0)
    f1 = np.divide(2 * tp, support + predicted, out=np.zeros(k), where=(support + predicted) > 0)
    n = cm.sum()
    return {
        "name": name, "yTrue": list(y_true), "yPred": list(y_pred), "labels": labels,
        "confusionMatrix": cm.tolist(), "accuracy": float(tp.sum() / n),
        "macroF1": float(f1.mean()), "weightedF1": float((f1 * support).sum() / n),
        "precision": precision.tolist(), "recall": recall.tolist(), "f1": f1.tolist(), "support": support.astype(int).tolist(),
    }


def main():
    out = {"generator": "test/lambda/model-quality/reference/make_vectors.py", "numpy": np.__version__}
    rng = np.random.default_rng(15)

    cases = [
        binary("perfect ranking", [0, 0, 1, 1], [0.1, 0.4, 0.6, 0.9]),
        binary("reversed ranking", [1, 1, 0, 0], [0.1, 0.4, 0.6, 0.9]),
        binary("every score tied", [0, 1, 0, 1, 1], [0.5] * 5),
        binary("ties across classes", [0, 1, 1, 0, 1, 0, 1], [0.2, 0.2, 0.7, 0.7, 0.7, 0.9, 0.1]),
        binary("scores at the threshold", [1, 0, 1, 0], [0.5, 0.5, 0.4999, 0.5001]),
        binary("threshold 0.3", [1, 0, 1, 0, 0], [0.35, 0.3, 0.29, 0.1, 0.31], threshold=0.3),
        binary("one class only", [1, 1, 1], [0.2, 0.6, 0.9]),
    ]
    for n in (50, 1000):
        y = rng.integers(0, 2, n)
        s = 1 / (1 + np.exp(-(1.2 * y - 0.6 + rng.normal(0, 1, n))))
        cases.append(binary(f"logistic n={n}", y, s))
    out["binary"] = cases

    mc = [
        multiclass("three classes", ["0", "1", "2", "2", "1", "0", "2", "1"], ["0", "2", "2", "2", "1", "1", "0", "1"]),
        multiclass("a class never predicted", ["a", "b", "c", "c"], ["a", "a", "b", "c"]),
        multiclass("a class only predicted", ["1", "1", "2"], ["1", "3", "2"]),
        multiclass("numeric order", ["10", "9", "10", "2"], ["10", "9", "2", "2"]),
    ]
    y = rng.integers(0, 4, 500)
    p = np.where(rng.random(500) < 0.7, y, rng.integers(0, 4, 500))
    mc.append(multiclass("four classes n=500", [str(v) for v in y], [str(v) for v in p]))
    out["multiclass"] = mc

    # End to end: 2,000 labelled inferences. The score is P(positive), rounded to 4 decimals (ties included).
    n = 2000
    x = rng.normal(0, 1, n)
    y = (rng.random(n) < 1 / (1 + np.exp(-(1.6 * x - 0.4)))).astype(int)
    s = np.round(1 / (1 + np.exp(-(1.1 * x - 0.3 + rng.normal(0, 0.8, n)))), 4)
    e2e = binary("end to end", y, s)
    out["endToEnd"] = {
        "ids": [f"inf-{i:05d}" for i in range(n)], "yTrue": e2e["yTrue"], "scores": e2e["scores"],
        "auc": e2e["auc"], "accuracy": e2e["accuracy"], "precision": e2e["precision"], "recall": e2e["recall"], "f1": e2e["f1"],
    }
    # Three classes: a probability vector per record, the predicted class its argmax (no ties: 4-decimal values, resampled).
    logits = rng.normal(0, 1, (n, 3))
    truth = np.array([rng.choice(3, p=np.exp(l * 1.5) / np.exp(l * 1.5).sum()) for l in logits])
    probs = np.round(np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True), 4)
    for i in range(n):
        while (probs[i] == probs[i].max()).sum() > 1:
            probs[i] = np.round(probs[i] + rng.normal(0, 1e-3, 3), 4)
    pred = probs.argmax(axis=1)
    m = multiclass("end to end multiclass", [str(v) for v in truth], [str(v) for v in pred])
    out["endToEndMulticlass"] = {
        "ids": [f"mc-{i:05d}" for i in range(n)], "yTrue": truth.tolist(), "probabilities": probs.tolist(),
        "accuracy": m["accuracy"], "macroF1": m["macroF1"], "weightedF1": m["weightedF1"], "recall": m["recall"],
        "confusionMatrix": m["confusionMatrix"],
    }

    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "vectors.json")
    with open(path, "w") as f:
        json.dump(out, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {path}: AUC {e2e['auc']:.4f}, accuracy {e2e['accuracy']:.4f}; multiclass accuracy {m['accuracy']:.4f}")


if __name__ == "__main__":
    main()
