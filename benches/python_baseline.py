"""The same work as `benches/scale.sh`'s exports, in Python with pandas + scikit-bio, for the
comparison in DESIGN.md §6: read the demo cohort, per-visit BMI, per-subject OLS slope,
alpha diversity, Bray-Curtis and PCoA of all samples.

  /tmp/venv/bin/python benches/python_baseline.py /tmp/cohort-bench/demo
"""
import sys
import time

import numpy as np
import pandas as pd
from skbio.diversity import alpha_diversity, beta_diversity
from skbio.stats.ordination import pcoa

folder = sys.argv[1]
t0 = time.perf_counter()
subjects = pd.read_csv(f"{folder}/subjects.csv")
visits = pd.read_csv(f"{folder}/visits.csv", parse_dates=["visit_date"])
meta = pd.read_csv(f"{folder}/sample-metadata.tsv", sep="\t", comment="#", skiprows=[1])
table = pd.read_csv(f"{folder}/feature-table.tsv", sep="\t", skiprows=1, index_col=0)
taxonomy = pd.read_csv(f"{folder}/taxonomy.tsv", sep="\t", index_col=0)
t_load = time.perf_counter()

visits = visits.merge(subjects[["subject_id", "height_cm"]], on="subject_id")
visits["bmi"] = visits["weight_kg"] / (visits["height_cm"] / 100) ** 2
first = visits.groupby("subject_id")["visit_date"].transform("min")
visits["months"] = (visits["visit_date"] - first).dt.days / 30.44
slopes = visits.dropna(subset=["alsfrs_r_total"]).groupby("subject_id").apply(
    lambda g: np.polyfit(g["months"], g["alsfrs_r_total"], 1)[0] if len(g) > 1 else np.nan
)
t_clinical = time.perf_counter()

counts = table.T.values.astype(np.int64)
ids = list(table.columns)
alpha = {m: alpha_diversity(m, counts, ids) for m in ["observed_features", "shannon", "simpson", "pielou_e", "chao1"]}
rel = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
bc = beta_diversity("braycurtis", rel, ids)
t_beta = time.perf_counter()
ordination = pcoa(bc, method="fsvd", number_of_dimensions=5)
t_end = time.perf_counter()
print(f"load {t_load - t0:.2f} s, clinical {t_clinical - t_load:.2f} s, alpha+Bray-Curtis {t_beta - t_clinical:.2f} s, "
      f"PCoA {t_end - t_beta:.2f} s, total {t_end - t0:.2f} s")
