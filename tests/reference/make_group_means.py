"""Reference values for the binned group means with their 95% CI (metrics::longitudinal).

Each bin's mean ± norm.ppf(0.975) × SEM (scipy.stats.sem, n − 1), as scipy's
norm.interval(0.95, loc=mean, scale=sem) gives it; bins are x / width rounded to the nearest
integer, and a bin needs at least 3 values.

Run with: python3 -m venv /tmp/venv && /tmp/venv/bin/pip install scipy numpy
          /tmp/venv/bin/python tests/reference/make_group_means.py > tests/reference/group_means.json
"""
import json

import numpy as np
import scipy
import scipy.stats as ss

rng = np.random.default_rng(7)
# 40 subjects' visits every ~3 months with jitter, and a declining score with noise.
xs, ys = [], []
for subject in range(40):
    for visit in range(6):
        if rng.random() < 0.15:
            continue
        x = visit * 3.0 + rng.normal(0, 0.6)
        xs.append(float(x))
        ys.append(float(44.0 - 0.8 * x + rng.normal(0, 3.0)))
width = 3.0
bins = {}
for x, y in zip(xs, ys):
    bins.setdefault(int(np.round(x / width)), []).append(y)
means = []
for b in sorted(bins):
    v = np.array(bins[b])
    if len(v) < 3:
        continue
    lo, hi = ss.norm.interval(0.95, loc=v.mean(), scale=ss.sem(v))
    means.append([b * width, float(v.mean()), float(lo), float(hi)])
single = np.array([3.0, 4.5, 7.25, 1.0])
lo, hi = ss.norm.interval(0.95, loc=single.mean(), scale=ss.sem(single))
print(json.dumps({
    "scipy": scipy.__version__,
    "points": [xs, ys],
    "width": width,
    "means": means,
    "single": {"values": single.tolist(), "mean": float(single.mean()), "lower": float(lo), "upper": float(hi)},
}, indent=1))
