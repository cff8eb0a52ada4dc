"""The same work as `cohort-explorer export --table visits --table subjects --table samples
--table ordination`, in Python with pandas + scikit-bio, for the side-by-side run of
`benches/scale.sh` (issue 14): read the cohort; per-visit BMI and months since baseline;
per-subject ALSFRS-R OLS slope; alpha diversity; Bray-Curtis and PCoA of all samples; the four
tables written as CSV. Each stage is timed.

  /tmp/venv/bin/python benches/python_baseline.py COHORT_FOLDER OUT_FOLDER [OURS_FOLDER]

With OURS_FOLDER (where cohort-explorer wrote its four tables) it also checks agreement: row
counts of every table, BMI, slopes and alpha diversity (largest relative difference), and the
correlation of our PCoA axes 1-3 (and scikit-bio's `fsvd` ones) with the exact solution
(LAPACK's eigh of the Gower-centred matrix).
"""
import time

started = time.perf_counter()
import os  # noqa: E402
import sys  # noqa: E402

import numpy as np
import pandas as pd
from skbio.diversity import alpha_diversity, beta_diversity
from skbio.stats.ordination import pcoa

folder, out = sys.argv[1], sys.argv[2]
ours = sys.argv[3] if len(sys.argv) > 3 else None
os.makedirs(out, exist_ok=True)
stages = {"import": time.perf_counter() - started}
clock = time.perf_counter()


def stage(name):
    global clock
    now = time.perf_counter()
    stages[name] = stages.get(name, 0.0) + now - clock
    clock = now


subjects = pd.read_csv(f"{folder}/subjects.csv")
visits = pd.read_csv(f"{folder}/visits.csv", parse_dates=["visit_date"])
meta = pd.read_csv(f"{folder}/sample-metadata.tsv", sep="\t", comment="#", skiprows=[1])
table = pd.read_csv(f"{folder}/feature-table.tsv", sep="\t", skiprows=1, index_col=0)
taxonomy = pd.read_csv(f"{folder}/taxonomy.tsv", sep="\t", index_col=0)
stage("read")

visits = visits.merge(subjects[["subject_id", "height_cm"]], on="subject_id", how="left")
visits["bmi"] = visits["weight_kg"] / (visits["height_cm"] / 100) ** 2
first = visits.groupby("subject_id")["visit_date"].transform("min")
visits["months_since_baseline"] = (visits["visit_date"] - first).dt.days / 30.44
scored = visits.dropna(subset=["alsfrs_r_total", "months_since_baseline"])
slopes = scored.groupby("subject_id")[["months_since_baseline", "alsfrs_r_total"]].apply(
    lambda g: np.polyfit(g["months_since_baseline"], g["alsfrs_r_total"], 1)[0]
    if g["months_since_baseline"].nunique() > 1
    else np.nan
)
subjects = subjects.merge(slopes.rename("alsfrs_r_slope_per_month"), left_on="subject_id", right_index=True, how="left")
stage("derive")

counts = table.T.values.astype(np.int64)
ids = list(table.columns)
alpha = pd.DataFrame(
    {m: alpha_diversity(m, counts, ids).values for m in ["observed_features", "shannon", "simpson", "pielou_e", "chao1"]},
    index=ids,
)
samples = meta.merge(alpha, left_on="sample-id", right_index=True, how="left")
stage("alpha")

rel = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
bc = beta_diversity("braycurtis", rel, ids)
stage("distances")

ordination = pcoa(bc, method="fsvd", number_of_dimensions=5)
stage("PCoA")

visits.to_csv(f"{out}/visits.csv", index=False)
subjects.to_csv(f"{out}/subjects.csv", index=False)
samples.to_csv(f"{out}/samples.csv", index=False)
ordination.samples.to_csv(f"{out}/ordination.csv")
stage("write")

total = sum(stages.values())
print(", ".join(f"{k} {v:.2f} s" for k, v in stages.items()) + f"; total {total:.2f} s")

if ours:
    mine = {t: pd.read_csv(f"{ours}/{t}.csv") for t in ["visits", "subjects", "samples", "ordination"]}
    theirs = {"visits": visits, "subjects": subjects, "samples": samples, "ordination": ordination.samples}
    worst = {}

    def agree(label, a, b):
        a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
        both = ~(np.isnan(a) | np.isnan(b))
        worst[label] = float(np.max(np.abs(a[both] - b[both]) / np.maximum(1.0, np.abs(b[both])))) if both.any() else 0.0
        worst[label + " missing in one"] = int(np.sum(np.isnan(a) != np.isnan(b)))

    rows = {t: (len(mine[t]), len(theirs[t])) for t in mine}
    v = mine["visits"].merge(visits, left_on=["subject_id", "date"], right_on=["subject_id", visits["visit_date"].dt.strftime("%Y-%m-%d")], suffixes=("", "_py"))
    agree("bmi", v["bmi"], v["bmi_py"])
    s = mine["subjects"].merge(subjects[["subject_id", "alsfrs_r_slope_per_month"]], on="subject_id", suffixes=("", "_py"))
    agree("slope", s["alsfrs_r_slope_per_month"], s["alsfrs_r_slope_per_month_py"])
    a = mine["samples"].merge(alpha, left_on="sample_id", right_index=True, suffixes=("", "_py"))
    for ours_name, py_name in [("observed_features", "observed_features_py"), ("shannon", "shannon_py"), ("simpson", "simpson_py"), ("pielou_evenness", "pielou_e"), ("chao1", "chao1_py")]:
        agree(ours_name, a[ours_name], a[py_name])
    o = mine["ordination"].set_index("sample_id").loc[ordination.samples.index]
    fast = [abs(np.corrcoef(o[f"pc{k + 1}"], ordination.samples.iloc[:, k])[0, 1]) for k in range(3)]
    # The exact solution: the leading eigenvectors of the Gower-centred matrix (LAPACK).
    import scipy.linalg

    d2 = bc.data ** 2
    b = -0.5 * (d2 - d2.mean(axis=0) - d2.mean(axis=1)[:, None] + d2.mean())
    n = b.shape[0]
    values, vectors = scipy.linalg.eigh(b, subset_by_index=[n - 3, n - 1])
    exact = vectors[:, ::-1]
    corr = [abs(np.corrcoef(o[f"pc{k + 1}"], exact[:, k])[0, 1]) for k in range(3)]
    ref = [abs(np.corrcoef(ordination.samples.iloc[:, k], exact[:, k])[0, 1]) for k in range(3)]
    print("rows (ours, python): " + ", ".join(f"{t} {r[0]} vs {r[1]}" for t, r in rows.items()))
    print("largest relative difference: " + ", ".join(f"{k} {v:.2g}" for k, v in worst.items()))
    print("PCoA axes 1-3, |correlation| with the exact solution (LAPACK eigh): ours "
          + ", ".join(f"{c:.7f}" for c in corr) + "; scikit-bio fsvd " + ", ".join(f"{c:.7f}" for c in ref))
