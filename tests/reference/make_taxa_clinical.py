"""Reference values for the Taxa view's taxa × clinical heatmap (cohort::clinical_correlations,
tests/longitudinal.rs) on the embedded demo cohort: each subject's first sample's genus relative
abundance against its clinical course, Spearman's rho (scipy) with Benjamini-Hochberg q per
clinical column (statsmodels), over the genera present at baseline in >= 10% of the subjects.

The per-subject clinical metrics are taken from `export --table subjects` (they are tested on
their own); everything else is computed here from assets/demo.

Run with: cargo build && /tmp/venv/bin/python tests/reference/make_taxa_clinical.py > tests/reference/taxa_clinical.json
"""
import json
import os
import subprocess
import tempfile

import numpy as np
import pandas as pd
import scipy
import scipy.stats as ss
from statsmodels.stats.multitest import multipletests

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.join(here, "..", "..")
demo = os.path.join(root, "assets", "demo")

table = pd.read_csv(os.path.join(demo, "feature-table.tsv"), sep="\t", skiprows=1, index_col=0)
table = table.drop(columns=["taxonomy"], errors="ignore").T.astype(float)
taxonomy = pd.read_csv(os.path.join(demo, "taxonomy.tsv"), sep="\t", index_col=0)["Taxon"]
genus = taxonomy.loc[table.columns].str.split("g__").str[-1].str.strip()
by_genus = table.T.groupby(genus.values).sum().T
rel = by_genus.div(by_genus.sum(axis=1), axis=0)

meta = pd.read_csv(os.path.join(demo, "sample-metadata.tsv"), sep="\t", comment=None, dtype=str)
meta = meta[~meta["sample-id"].str.startswith("#")].set_index("sample-id")
meta = meta.loc[[s for s in rel.index if s in meta.index]]
meta["date"] = pd.to_datetime(meta["collection_date"])
first = meta.sort_values("date").groupby("subject_id").head(1)
baseline = rel.loc[first.index]
baseline.index = first["subject_id"].values

with tempfile.TemporaryDirectory() as d:
    out = os.path.join(d, "subjects.csv")
    subprocess.run(
        [os.path.join(root, "target", "debug", "cohort-explorer"), "export", "--demo", "--table", "subjects", "--out", out],
        check=True,
        capture_output=True,
    )
    subjects = pd.read_csv(out, dtype={"subject_id": str}).set_index("subject_id")
clinical = {
    "alsfrs_r_slope_per_month": subjects["alsfrs_r_slope_per_month"],
    "delta_fs": subjects["delta_fs"],
    "bmi_change_pct": (subjects["last_bmi"] - subjects["baseline_bmi"]) / subjects["baseline_bmi"] * 100,
    "baseline_ree_ratio": subjects["baseline_ree_ratio"],
}
prevalence = (baseline > 0).mean(axis=0)
taxa = [t for t in baseline.columns if prevalence[t] >= 0.10]
result = {"scipy": scipy.__version__, "taxa": taxa, "cells": {}}
for name, metric in clinical.items():
    rows = []
    for t in taxa:
        pair = pd.DataFrame({"x": baseline[t], "y": metric.reindex(baseline.index)}).dropna()
        if len(pair) < 4:
            continue
        r = ss.spearmanr(pair["x"], pair["y"])
        if np.isfinite(r.pvalue):
            rows.append((t, float(r.statistic), float(r.pvalue), len(pair)))
    q = multipletests([p for _, _, p, _ in rows], method="fdr_bh")[1] if rows else []
    result["cells"][name] = {t: {"rho": rho, "p": p, "q": float(qq), "n": n} for (t, rho, p, n), qq in zip(rows, q)}
print(json.dumps(result, indent=1))
