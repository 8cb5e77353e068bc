#!/usr/bin/env python3
"""Reference vectors for the drift statistics (lambda/drift/stats.ts, profile.ts, window.ts).

Run from the repository root:  python3 test/lambda/drift/reference/make_vectors.py
Writes test/lambda/drift/reference/vectors.json next to this file. Deterministic: fixed seeds, values rounded
to 6 decimals *before* any statistic is computed, so the JSON holds exactly the inputs scipy/numpy saw.
The jest tests read the JSON; they never run Python.

Needs numpy and scipy (no sklearn: AUC comes from the Mann-Whitney U statistic, U / (n1 * n0)).
"""
import json
import os

import numpy as np
import scipy
from scipy import stats
from scipy.spatial.distance import jensenshannon

EPS = 1e-4  # PSI_EPSILON in stats.ts: proportions are floored at EPS, not renormalized


def r6(a):
    return np.round(np.asarray(a, dtype=float), 6)


def psi(expected_counts, actual_counts, eps=EPS):
    e = np.asarray(expected_counts, float)
    a = np.asarray(actual_counts, float)
    e = np.maximum(e / e.sum(), eps)
    a = np.maximum(a / a.sum(), eps)
    return float(np.sum((a - e) * np.log(a / e)))


def decile_edges(values, bins=10):
    return np.unique(np.quantile(values, np.arange(1, bins) / bins))


def bin_counts(values, edges):
    # bin i holds edges[i-1] < x <= edges[i]; outer bins open-ended
    idx = np.searchsorted(edges, values, side="left")
    return np.bincount(idx, minlength=len(edges) + 1)


def main():
    out = {
        "generator": "test/lambda/drift/reference/make_vectors.py",
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "psiEpsilon": EPS,
    }

    # --- quantiles: numpy linear (default) and inverted_cdf --------------------------------------------------
    rng = np.random.default_rng(101)
    qcases = []
    for n in (1, 2, 7, 100, 1001):
        x = r6(rng.normal(10, 3, n))
        ps = [0, 0.1, 0.25, 0.5, 0.75, 0.9, 1, 0.333, 0.999]
        qcases.append({
            "values": x.tolist(),
            "p": ps,
            "linear": [float(np.quantile(x, p)) for p in ps],
            "invertedCdf": [float(np.quantile(x, p, method="inverted_cdf")) for p in ps],
        })
    out["quantiles"] = qcases

    # --- PSI on decile bins of a baseline ----------------------------------------------------------------------
    rng = np.random.default_rng(202)
    base = r6(rng.normal(0, 1, 4000))
    psi_cases = []
    for name, window in [
        ("same distribution", r6(rng.normal(0, 1, 3000))),
        ("mean shift 0.5 sd", r6(rng.normal(0.5, 1, 3000))),
        ("scale x2", r6(rng.normal(0, 2, 3000))),
        ("all mass in the top bin (empty bins)", r6(rng.uniform(5, 6, 500))),
    ]:
        edges = decile_edges(base)
        bc = bin_counts(base, edges)
        wc = bin_counts(window, edges)
        psi_cases.append({
            "name": name,
            "window": window.tolist(),
            "edges": edges.tolist(),
            "baselineCounts": bc.tolist(),
            "windowCounts": wc.tolist(),
            "psi": psi(bc, wc),
        })
    out["psi"] = {"baseline": base.tolist(), "cases": psi_cases}
    out["psiCounts"] = [
        {"expected": [10, 20, 30, 40], "actual": [40, 30, 20, 10], "psi": psi([10, 20, 30, 40], [40, 30, 20, 10])},
        {"expected": [5, 0, 5], "actual": [0, 10, 0], "psi": psi([5, 0, 5], [0, 10, 0])},
        {"expected": [1, 1, 1, 1], "actual": [1, 1, 1, 1], "psi": psi([1, 1, 1, 1], [1, 1, 1, 1])},
    ]

    # --- two-sample KS (scipy.stats.ks_2samp, exact on the full samples) ----------------------------------------
    rng = np.random.default_rng(303)
    ks_cases = []
    for name, a, b in [
        ("normal vs shifted normal", r6(rng.normal(0, 1, 800)), r6(rng.normal(0.3, 1, 600))),
        ("integers with ties", rng.integers(0, 10, 700).astype(float), rng.integers(2, 12, 500).astype(float)),
        ("identical samples", r6(np.arange(50) / 7), r6(np.arange(50) / 7)),
        ("tiny samples", r6([1.0, 2.0, 3.0]), r6([2.5])),
        ("disjoint", r6(rng.uniform(0, 1, 40)), r6(rng.uniform(2, 3, 30))),
    ]:
        ks_cases.append({"name": name, "a": a.tolist(), "b": b.tolist(), "statistic": float(stats.ks_2samp(a, b).statistic)})
    out["ks"] = ks_cases

    # KS from the profile's CDF sketch (window.ts): exact for discrete data, within 1/Q for continuous data.
    rng = np.random.default_rng(404)
    sketch = []
    for name, base_s, win_s in [
        ("continuous, shifted", r6(rng.normal(0, 1, 5000)), r6(rng.normal(0.2, 1.1, 3000))),
        ("continuous, same", r6(rng.gamma(2, 2, 5000)), r6(rng.gamma(2, 2, 2000))),
        ("discrete, shifted", rng.poisson(4, 3000).astype(float), rng.poisson(5, 2000).astype(float)),
    ]:
        sketch.append({"name": name, "baseline": base_s.tolist(), "window": win_s.tolist(),
                       "statistic": float(stats.ks_2samp(base_s, win_s).statistic)})
    out["ksSketch"] = sketch

    # --- chi-square (chi2_contingency without Yates' correction) and its survival function ------------------------
    rng = np.random.default_rng(505)
    chi_cases = []
    for name, a, b in [
        ("similar", [120, 80, 50, 30, 20], [118, 85, 45, 33, 19]),
        ("shifted", [500, 300, 200], [200, 300, 500]),
        ("two categories (dof 1)", [40, 60], [55, 45]),
        ("random large", rng.integers(50, 500, 12).tolist(), rng.integers(50, 500, 12).tolist()),
        ("a category empty on both sides", [10, 0, 20, 5], [12, 0, 18, 9]),
    ]:
        table = np.array([a, b])
        table = table[:, table.sum(axis=0) > 0]
        res = stats.chi2_contingency(table, correction=False)
        chi_cases.append({"name": name, "a": list(map(int, a)), "b": list(map(int, b)),
                          "statistic": float(res.statistic), "dof": int(res.dof), "pValue": float(res.pvalue)})
    out["chiSquare"] = chi_cases
    out["chi2sf"] = [{"x": x, "dof": k, "sf": float(stats.chi2.sf(x, k))}
                     for x, k in [(0.5, 1), (3.84, 1), (10, 3), (2.0, 5), (50, 10), (200, 30), (1e-3, 2), (30, 60), (400, 300), (7.5, 7)]]
    out["gammaln"] = [{"x": x, "value": float(scipy.special.gammaln(x))} for x in (0.1, 0.5, 1, 1.5, 2.5, 10, 55.5, 170.3, 1000)]

    # --- KS p-values: the Kolmogorov limit (scipy.special.kolmogorov) with Stephens' correction ---------------------
    out["kolmogorov"] = [{"x": x, "sf": float(scipy.special.kolmogorov(x))}
                         for x in (0.05, 0.2, 0.5, 0.8, 1.0, 1.17, 1.19, 1.36, 1.63, 2.0, 2.5, 3.0, 4.0)]
    rng = np.random.default_rng(909)
    ksp = []
    for name, n, m, shift in [
        ("n 100, m 100000, same", 100, 100000, 0.0),
        ("n 1000, m 100000, shift 0.1", 1000, 100000, 0.1),
        ("n 500, m 2000, shift 0.2", 500, 2000, 0.2),
        ("n 5000, m 20000, same", 5000, 20000, 0.0),
        ("n 50, m 60, shift 0.5", 50, 60, 0.5),
    ]:
        a = r6(rng.normal(shift, 1, n))
        b = r6(rng.normal(0, 1, m))
        d = float(stats.ks_2samp(a, b).statistic)
        en = np.sqrt(n * m / (n + m))
        ksp.append({"name": name, "n": n, "m": m, "statistic": d,
                    # the formula of ksPValue, evaluated with scipy's Kolmogorov survival function
                    "stephens": float(scipy.special.kolmogorov((en + 0.12 + 0.11 / en) * d)),
                    # scipy's own asymptotic p-value of the same samples, for the comparison documented in stats.ts
                    "scipyAsymp": float(stats.ks_2samp(a, b, method="asymp").pvalue)})
    out["ksPValue"] = ksp

    # --- family-wise control: Benjamini-Hochberg (scipy.stats.false_discovery_control) ------------------------------
    rng = np.random.default_rng(1010)
    bh = []
    for name, ps in [
        ("mixed", [0.0001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216]),
        ("none small", [0.2, 0.5, 0.9]),
        ("random 20 with ties", np.round(rng.random(20) ** 3, 3).tolist()),
    ]:
        adj = stats.false_discovery_control(np.asarray(ps, float))
        bh.append({"name": name, "p": [float(x) for x in ps], "adjusted": adj.tolist(), "q": 0.05,
                   "rejected": [bool(x <= 0.05) for x in adj]})
    out["benjaminiHochberg"] = bh

    # --- chi-square over pooled sparse categories (poolSparseCells in stats.ts, Cochran's rule: expected >= 5) -------
    def pool(base, win, min_expected=5.0):
        base = np.asarray(base, float)
        win = np.asarray(win, float)
        tw, total = win.sum(), base.sum() + win.sum()
        order = sorted(range(len(base)), key=lambda i: (-(base[i] + win[i]), i))
        kb, kw, pb, pw = [], [], 0.0, 0.0
        for i in order:
            c = base[i] + win[i]
            if c <= 0:
                continue
            if tw * c / total >= min_expected:
                kb.append(base[i]); kw.append(win[i])
            else:
                pb += base[i]; pw += win[i]
        while pb + pw > 0 and tw * (pb + pw) / total < min_expected and kb:
            pb += kb.pop(); pw += kw.pop()
        if pb + pw > 0:
            kb.append(pb); kw.append(pw)
        return kb, kw

    shares = 1 / np.arange(1, 51)
    shares /= shares.sum()
    pooled = []
    for name, base, win in [
        ("50 Zipf categories, 100 records", rng.multinomial(100000, shares), rng.multinomial(100, shares)),
        ("50 Zipf categories, 1000 records", rng.multinomial(100000, shares), rng.multinomial(1000, shares)),
        ("sparse everywhere", [3, 2, 1, 1], [1, 0, 1, 0]),
    ]:
        kb, kw = pool(base, win)
        if len(kb) >= 2:
            res = stats.chi2_contingency(np.array([kb, kw]), correction=False)
            pv, dof = float(res.pvalue), int(res.dof)
        else:
            pv, dof = 1.0, 0
        pooled.append({"name": name, "baseline": [int(x) for x in base], "window": [int(x) for x in win],
                       "pooledBaseline": [float(x) for x in kb], "pooledWindow": [float(x) for x in kw], "dof": dof, "pValue": pv})
    out["pooledChiSquare"] = pooled

    # --- Jensen-Shannon distance, base 2 -------------------------------------------------------------------------
    rng = np.random.default_rng(606)
    js_cases = []
    for name, p, q in [
        ("similar", [0.5, 0.3, 0.2], [0.45, 0.35, 0.2]),
        ("disjoint", [1, 0, 0], [0, 0, 1]),
        ("counts, with zeros", [10, 0, 5, 5], [3, 7, 0, 10]),
        ("random 20", rng.integers(0, 100, 20).tolist(), rng.integers(0, 100, 20).tolist()),
        ("identical", [2, 2, 2], [1, 1, 1]),
    ]:
        js_cases.append({"name": name, "p": list(map(float, p)), "q": list(map(float, q)),
                         "distance": float(jensenshannon(np.asarray(p, float), np.asarray(q, float), base=2))})
    out["jensenShannon"] = js_cases

    # --- model quality -------------------------------------------------------------------------------------------
    rng = np.random.default_rng(707)
    cls_cases = []
    for name, n, decimals in [("continuous scores", 500, 6), ("tied scores", 400, 1), ("small", 12, 2)]:
        y = rng.integers(0, 2, n)
        s = np.round(np.clip(rng.normal(0.35 + 0.3 * y, 0.2), 0, 1), decimals)
        pred = (s >= 0.5).astype(int)
        tp = int(np.sum((pred == 1) & (y == 1)))
        fp = int(np.sum((pred == 1) & (y == 0)))
        fn = int(np.sum((pred == 0) & (y == 1)))
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * tp / (2 * tp + fp + fn) if (2 * tp + fp + fn) else 0.0
        u = stats.mannwhitneyu(s[y == 1], s[y == 0], alternative="two-sided").statistic
        cls_cases.append({
            "name": name, "yTrue": y.tolist(), "scores": s.tolist(), "threshold": 0.5,
            "accuracy": float(np.mean(pred == y)), "precision": precision, "recall": recall, "f1": f1,
            "auc": float(u / (np.sum(y == 1) * np.sum(y == 0))),
        })
    out["classification"] = cls_cases

    reg_cases = []
    for name, n in [("regression 300", 300), ("regression 5", 5)]:
        t = r6(rng.normal(50, 10, n))
        p = r6(t + rng.normal(0, 3, n))
        reg_cases.append({"name": name, "yTrue": t.tolist(), "yPred": p.tolist(),
                          "mae": float(np.mean(np.abs(p - t))), "rmse": float(np.sqrt(np.mean((p - t) ** 2)))})
    out["regression"] = reg_cases

    # --- profile of a small table: numeric (with missing) and categorical (top K) ------------------------------------
    rng = np.random.default_rng(808)
    n = 1000
    age = r6(rng.normal(40, 12, n))
    missing = rng.random(n) < 0.05
    colours = rng.choice(["red", "green", "blue", "black", "white", "pink"], n, p=[0.3, 0.25, 0.2, 0.15, 0.07, 0.03])
    present = age[~missing]
    edges = decile_edges(present)
    values, counts = np.unique(colours, return_counts=True)
    order = sorted(range(len(values)), key=lambda i: (-counts[i], values[i]))
    top_k = 4
    out["profile"] = {
        "rows": [[None if m else float(a), str(c)] for a, m, c in zip(age, missing, colours)],
        "bins": 10,
        "topK": top_k,
        "numeric": {
            "missing": int(missing.sum()), "missingRate": float(missing.mean()),
            "min": float(present.min()), "max": float(present.max()), "mean": float(present.mean()),
            "edges": edges.tolist(), "counts": bin_counts(present, edges).tolist(),
        },
        "categorical": {
            "categories": [{"value": str(values[i]), "count": int(counts[i])} for i in order[:top_k]],
            "otherCount": int(sum(counts[i] for i in order[top_k:])),
        },
    }

    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "vectors.json")
    with open(path, "w") as f:
        json.dump(out, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {path} ({os.path.getsize(path)} bytes)")


if __name__ == "__main__":
    main()
