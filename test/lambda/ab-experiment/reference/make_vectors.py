#!/usr/bin/env python3
"""Reference vectors for the A/B experiment statistics (lambda/ab-experiment/decide.ts).

Run from the repository root:  python3 test/lambda/ab-experiment/reference/make_vectors.py
Writes vectors.json next to this file; the jest tests read the JSON and never run Python.

- normal_cdf: scipy.stats.norm.cdf at fixed points.
- z_tests: the pooled two-proportion z-test, computed in float64 from its definition
  (pooled p = (x1 + x2) / (n1 + n2), SE = sqrt(p (1 - p) (1/n1 + 1/n2)), z = (x2/n2 - x1/n1) / SE), with p-values
  from scipy.stats.norm.sf (two-sided 2 * sf(|z|), greater sf(z), less cdf(z)). The same z and two-sided p as
  statsmodels.stats.proportion.proportions_ztest([x2, x1], [n2, n1]).
"""
import json
import math
import os

import scipy
from scipy import stats

CDF_POINTS = [-6, -4.5, -3.2905, -3, -2.5758, -2.326348, -1.959964, -1.644854, -1, -0.5, -0.1, 0, 0.1, 0.5, 1,
              1.281552, 1.644854, 1.959964, 2.326348, 2.5758, 3, 3.7190, 4.5, 6]

# (x1, n1, x2, n2): champion successes / trials, challenger successes / trials
Z_CASES = [
    (500, 44925, 505, 44910),      # OpenIntro mammogram example
    (100, 1000, 130, 1000),
    (120, 1000, 100, 1000),
    (950, 1000, 975, 1000),
    (9900, 10000, 9890, 10000),
    (30, 200, 45, 210),
    (1, 50, 7, 60),
    (4000, 50000, 4200, 50000),
    (4000, 50000, 4180, 50000),
    (50, 1000, 50, 1000),
    (0, 1000, 3, 1000),
    (999, 1000, 1000, 1000),
    (12345, 100000, 12800, 100000),
    (200, 2000, 150, 1200),
]


def z_test(x1, n1, x2, n2):
    p1, p2 = x1 / n1, x2 / n2
    pooled = (x1 + x2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    z = (p2 - p1) / se
    return {
        'x1': x1, 'n1': n1, 'x2': x2, 'n2': n2,
        'z': z,
        'pTwoSided': float(2 * stats.norm.sf(abs(z))),
        'pGreater': float(stats.norm.sf(z)),
        'pLess': float(stats.norm.cdf(z)),
    }


def main():
    out = {
        'generator': f'scipy {scipy.__version__}',
        'normalCdf': [{'x': x, 'cdf': float(stats.norm.cdf(x))} for x in CDF_POINTS],
        'zTests': [z_test(*c) for c in Z_CASES],
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'vectors.json')
    with open(path, 'w') as f:
        json.dump(out, f, indent=2)
        f.write('\n')
    print(f'wrote {path}')


if __name__ == '__main__':
    main()
