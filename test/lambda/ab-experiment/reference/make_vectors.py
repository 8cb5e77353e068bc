#!/usr/bin/env python3
"""Reference vectors for the A/B experiment statistics (lambda/ab-experiment/stats.ts).

Run from the repository root:  python3 test/lambda/ab-experiment/reference/make_vectors.py
Writes vectors.json next to this file; the jest tests read the JSON and never run Python.

- mixture: the mSPRT statistic of Johari et al. (normal estimate d with variance V, H0 theta = 0, mixture
  theta ~ N(0, tau2)), computed here by numerical integration, not from the closed form the TypeScript uses:
  log( integral norm.pdf(d; theta, sqrt V) norm.pdf(theta; 0, tau) dtheta / norm.pdf(d; 0, sqrt V) ).
- proportions: the mSPRT of p2 - p1 on pooled counts (variance p (1 - p) (1/n1 + 1/n2), tau = effect * p), from the
  integral above.
- batch: the binomial log likelihood ratio of x of k events from the challenger, for ratio rho against rho0:
  scipy.stats.binom.logpmf(x, k, pi(rho)) - binom.logpmf(x, k, pi(rho0)), pi(rho) = n2 rho / (n1 + n2 rho).
- guardrails: sequences of batches and the always-valid p-value after each, from the mixture over the grid
  rho_j = (1 + margin) exp(0.1 j), j = 1..24, of products of scipy binomial pmf ratios (scipy.special.logsumexp).
"""
import json
import math
import os

import numpy as np
import scipy
from scipy import integrate, special, stats

# (d, V, tau2)
MIXTURE_CASES = [
    (0.0, 1e-4, 1e-4), (0.01, 1e-4, 1e-4), (-0.02, 1e-4, 1e-4), (0.01, 2.25e-6, 1e-4), (0.005, 5.4e-5, 1e-4),
    (0.03, 1e-3, 4e-4), (-0.001, 1e-6, 1e-6), (0.002, 1e-6, 2.5e-5),
]

# (n1, x1, n2, x2, effect)
PROPORTION_CASES = [
    (18000, 1800, 2000, 220, 0.1), (18000, 1800, 2000, 200, 0.1), (18000, 1800, 2000, 170, 0.1),
    (100000, 10000, 100000, 10500, 0.1), (5000, 250, 5000, 300, 0.2), (3000, 2900, 3100, 3020, 0.1),
    (432000, 43200, 48000, 5280, 0.1),
]

# (n1, n2, k, x, rho, rho0)
BATCH_CASES = [
    (18000, 2000, 40, 4, 2.0, 1.25), (18000, 2000, 40, 10, 2.0, 1.25), (18000, 2000, 40, 0, 3.0, 1.25),
    (1000, 1000, 5, 5, 1.5, 1.1), (9000, 1000, 1, 1, 10.0, 1.5), (500, 4500, 12, 11, 1.3, 1.25),
]

GRID_SIZE = 24
GRID_STEP = 0.1

# (margin, [(n1, n2, e1, e2), ...])
GUARDRAIL_CASES = [
    (0.25, [(18000, 2000, 36, 4), (18000, 2000, 30, 8), (18000, 2000, 40, 9), (18000, 2000, 35, 10)]),
    (0.25, [(18000, 2000, 36, 4), (18000, 2000, 38, 3), (18000, 2000, 33, 5)]),
    (0.5, [(900, 100, 9, 3), (900, 100, 8, 4), (900, 100, 10, 2), (900, 100, 0, 0), (900, 0, 5, 0)]),
    (0.1, [(5000, 5000, 10, 30), (5000, 5000, 12, 25)]),
    (1.0, [(100, 100, 0, 2), (100, 100, 1, 3), (100, 100, 0, 1)]),
]


def mixture_log_lr(d, v, tau2):
    sd = math.sqrt(v)
    tau = math.sqrt(tau2)
    num, _ = integrate.quad(lambda t: stats.norm.pdf(d, t, sd) * stats.norm.pdf(t, 0, tau), -60 * tau, 60 * tau,
                            points=[d], limit=500, epsabs=0, epsrel=1e-12)
    return math.log(num) - stats.norm.logpdf(d, 0, sd)


def pi(n1, n2, rho):
    return n2 * rho / (n1 + n2 * rho)


def batch_log_lr(n1, n2, k, x, rho, rho0):
    return float(stats.binom.logpmf(x, k, pi(n1, n2, rho)) - stats.binom.logpmf(x, k, pi(n1, n2, rho0)))


def guardrail_sequence(margin, batches):
    rho0 = 1 + margin
    grid = [rho0 * math.exp((j + 1) * GRID_STEP) for j in range(GRID_SIZE)]
    logs = np.zeros(GRID_SIZE)
    p = 1.0
    out = []
    for (n1, n2, e1, e2) in batches:
        k = e1 + e2
        if n1 > 0 and n2 > 0 and k > 0:
            logs = logs + np.array([batch_log_lr(n1, n2, k, e2, r, rho0) for r in grid])
        mix = float(special.logsumexp(logs) - math.log(GRID_SIZE))
        p = min(p, min(1.0, math.exp(-mix)))
        out.append({'logMixture': mix, 'pValue': p})
    return out


def main():
    vectors = {
        'generator': f'make_vectors.py with scipy {scipy.__version__}, numpy {np.__version__}',
        'mixture': [{'estimate': d, 'variance': v, 'tau2': t, 'logLikelihoodRatio': mixture_log_lr(d, v, t)}
                    for (d, v, t) in MIXTURE_CASES],
        'proportions': [],
        'batch': [{'n1': n1, 'n2': n2, 'k': k, 'x': x, 'rho': r, 'rho0': r0, 'logLikelihoodRatio': batch_log_lr(n1, n2, k, x, r, r0)}
                  for (n1, n2, k, x, r, r0) in BATCH_CASES],
        'guardrails': [{'margin': m, 'batches': [list(b) for b in bs], 'after': guardrail_sequence(m, bs)}
                       for (m, bs) in GUARDRAIL_CASES],
    }
    for (n1, x1, n2, x2, effect) in PROPORTION_CASES:
        pooled = (x1 + x2) / (n1 + n2)
        v = pooled * (1 - pooled) * (1 / n1 + 1 / n2)
        tau2 = (effect * pooled) ** 2
        d = x2 / n2 - x1 / n1
        llr = mixture_log_lr(d, v, tau2)
        vectors['proportions'].append({'n1': n1, 'x1': x1, 'n2': n2, 'x2': x2, 'effect': effect, 'difference': d,
                                       'variance': v, 'tau2': tau2, 'logLikelihoodRatio': llr,
                                       'pValueAtLook': min(1.0, math.exp(-llr))})
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'vectors.json')
    with open(path, 'w') as f:
        json.dump(vectors, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()
