"""Agreement of our 5,000 x 5,000 distance matrices with scipy on random pairs (issue 14).

    cohort-explorer export DEMO --table distances --out WORK/distances.tsv
    cohort-explorer export DEMO --table distances --metric aitchison --out WORK/aitchison.tsv
    python benches/check_distances.py [WORK]   (default /tmp/cohort-bench; a venv with scipy, pandas)

Prints, per metric, the largest relative difference over 3,000 random pairs (target <= 1e-9).
"""
import sys

import numpy as np
import pandas as pd
from scipy.spatial.distance import braycurtis, euclidean

work = sys.argv[1] if len(sys.argv) > 1 else "/tmp/cohort-bench"
# BIOM classic TSV: a comment line, then `#OTU ID` and the samples.
X = pd.read_csv(f"{work}/demo/feature-table.tsv", sep="\t", index_col=0, skiprows=1).T


def rclr(v):
    """DEICODE's robust CLR: log minus the mean log over non-zero values; zeros stay 0."""
    out = np.zeros_like(v, dtype=float)
    nz = v > 0
    if nz.any():
        logs = np.log(v[nz])
        out[nz] = logs - logs.mean()
    return out


rng = np.random.default_rng(1)
for name, metric in [("distances.tsv", "bray-curtis"), ("aitchison.tsv", "aitchison")]:
    D = pd.read_csv(f"{work}/{name}", sep="\t", index_col=0)
    ids = list(D.index)
    worst = 0.0
    for _ in range(3000):
        i, j = rng.integers(0, len(ids), 2)
        if i == j:
            continue
        a, b = X.loc[ids[i]].to_numpy(float), X.loc[ids[j]].to_numpy(float)
        want = braycurtis(a / a.sum(), b / b.sum()) if metric == "bray-curtis" else euclidean(rclr(a), rclr(b))
        worst = max(worst, abs(D.iat[i, j] - want) / abs(want))
    print(f"{metric}: largest relative difference from scipy over 3,000 random pairs: {worst:.1e}")
