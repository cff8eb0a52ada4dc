"""Reference values for metrics::stats::wilcoxon_signed_rank (tests/metrics.rs): scipy's
`wilcoxon(d)` with its defaults, on samples that take each of its paths (exact; ties or zeros
with n <= 13, by sign flips; ties or zeros above, normal approximation).

Run with: /tmp/venv/bin/python tests/reference/make_wilcoxon.py > tests/reference/wilcoxon.json
"""
import json

import numpy as np
import scipy
import scipy.stats as ss

rng = np.random.default_rng(3)
cases = {
    "exact_small": np.round(rng.normal(0.4, 1.0, 9), 6),
    "exact_60": np.round(rng.normal(0.2, 1.0, 60), 6),
    "ties_10": np.array([1.0, -1.0, 2.0, 2.0, 3.0, -0.5, 0.5, 1.0, 4.0, 2.0]),
    "zeros_12": np.array([0.0, 1.5, -2.0, 3.0, 0.0, 4.5, 2.5, -1.0, 1.5, 6.0, 2.0, 0.5]),
    "ties_40": np.round(rng.normal(0.3, 1.0, 40), 1),
    "zeros_30": np.concatenate([np.zeros(4), np.round(rng.normal(-0.5, 1.0, 26), 2)]),
}
out = {"scipy": scipy.__version__}
for name, d in cases.items():
    r = ss.wilcoxon(d)
    out[name] = {"d": d.tolist(), "statistic": float(r.statistic), "p": float(r.pvalue)}
print(json.dumps(out, indent=1))
