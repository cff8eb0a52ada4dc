"""Reference values for the longitudinal exports (tests/longitudinal.rs): changes with pandas,
`mixedlm` REML fits with statsmodels, on the ECAM-shaped fixture (tests/fixtures/longitudinal)
and on the real QIIME 2 moving-pictures study (../shared/fixtures/moving-pictures).

Shannon is the natural-log Shannon of the counts (as scikit-bio); CLR is ln(p + eps) minus its
mean over the taxa of the sample, eps half the smallest non-zero relative abundance in the table.

Run with: python3 -m venv /tmp/venv && /tmp/venv/bin/pip install numpy pandas statsmodels
          /tmp/venv/bin/python tests/reference/make_longitudinal.py > tests/reference/longitudinal.json
"""
import json
import os
import warnings

import numpy as np
import pandas as pd
import statsmodels
import statsmodels.formula.api as smf

warnings.simplefilter("ignore")
here = os.path.dirname(os.path.abspath(__file__))


def read_table(path):
    """A BIOM classic TSV: features as rows; returns (features, taxonomy or None, samples × features counts)."""
    df = pd.read_csv(path, sep="\t", skiprows=1, index_col=0)
    taxonomy = df.pop("taxonomy") if "taxonomy" in df.columns else None
    return df.index.astype(str).tolist(), taxonomy, df.T.astype(float)


def read_metadata(path):
    md = pd.read_csv(path, sep="\t", dtype=str, comment=None)
    md = md[~md.iloc[:, 0].str.startswith("#")]
    return md.set_index(md.columns[0])


def shannon(counts):
    p = counts.div(counts.sum(axis=1), axis=0)
    return -(p * np.log(p.where(p > 0, 1))).sum(axis=1)


def clr(rel):
    eps = rel.values[rel.values > 0].min() / 2
    logs = np.log(rel + eps)
    return logs.sub(logs.mean(axis=1), axis=0), eps


def best_fit(model):
    """The REML fit with the highest likelihood among statsmodels' optimisers: its default
    (BFGS) can stop on the boundary of zero subject variance where Nelder-Mead and Powell find
    the interior maximum (seen on a taxon here), and the maximum is what the export reports."""
    fits = []
    for method in [None, "nm", "powell"]:
        try:
            f = model.fit(reml=True) if method is None else model.fit(reml=True, method=method, maxiter=5000)
        except Exception:  # a singular start for one optimiser; the others still run
            continue
        if np.isfinite(f.llf):
            fits.append(f)
    return max(fits, key=lambda f: f.llf)


def fit(formula, data, groups):
    f = best_fit(smf.mixedlm(formula, data, groups=data[groups]))
    return {
        "names": list(f.fe_params.index),
        "fe": f.fe_params.tolist(),
        "se": f.bse_fe.tolist(),
        "group_var": float(np.asarray(f.cov_re)[0, 0]),
        "scale": float(f.scale),
    }


def trends(rel, clr_values, meta, time, subject):
    out = {}
    prevalence = (rel > 0).mean(axis=0)
    for taxon in rel.columns:
        entry = {"prevalence": float(prevalence[taxon]), "mean": float(rel[taxon].mean())}
        if prevalence[taxon] >= 0.10:
            d = pd.DataFrame({"y": clr_values[taxon], "t": meta[time], "s": meta[subject]})
            f = best_fit(smf.mixedlm("y ~ t", d, groups=d["s"]))
            entry.update(slope=float(f.fe_params["t"]), se=float(f.bse_fe["t"]), p=float(f.pvalues["t"]))
        out[str(taxon)] = entry
    return out


def trends_by_group(rel, clr_values, meta, time, subject, group):
    """clr ~ time * group per taxon: the reference group's slope and the p of time × group."""
    out = {}
    prevalence = (rel > 0).mean(axis=0)
    for taxon in rel.columns:
        if prevalence[taxon] < 0.10:
            continue
        d = pd.DataFrame({"y": clr_values[taxon], "t": meta[time], "s": meta[subject], "g": meta[group]})
        f = best_fit(smf.mixedlm("y ~ t * g", d, groups=d["s"]))
        term = [n for n in f.fe_params.index if n.startswith("t:g")][0]
        out[str(taxon)] = {"slope": float(f.fe_params["t"]), "p": float(f.pvalues[term])}
    return out


result = {"statsmodels": statsmodels.__version__, "pandas": pd.__version__}

# The ECAM-shaped fixture: month as time, delivery as group; genus = one ASV each.
base = os.path.join(here, "..", "fixtures", "longitudinal")
features, taxonomy, counts = read_table(os.path.join(base, "feature-table.tsv"))
meta = read_metadata(os.path.join(base, "metadata.tsv")).loc[counts.index]
meta["month"] = meta["month"].astype(float)
meta["shannon"] = shannon(counts)
ordered = meta.assign(order=[int(s) for s in meta["host_subject_id"]]).sort_values(["order", "month"])
ordered["change"] = ordered.groupby("host_subject_id")["shannon"].diff()
ordered["change_first"] = ordered["shannon"] - ordered.groupby("host_subject_id")["shannon"].transform("first")
# A subject's first observation has no change, from the previous or from the first.
ordered.loc[ordered["change"].isna(), "change_first"] = np.nan
genus = [t.split("g__")[-1] for t in taxonomy]
rel = counts.div(counts.sum(axis=1), axis=0)
rel.columns = genus
clr_values, eps = clr(rel)
result["fixture"] = {
    "changes": {
        "sample": ordered.index.tolist(),
        "value": ordered["shannon"].tolist(),
        "change": [None if np.isnan(v) else v for v in ordered["change"]],
        "change_first": [None if np.isnan(v) else v for v in ordered["change_first"]],
    },
    "shannon_by_delivery": fit("shannon ~ month * delivery", meta.assign(delivery=meta["delivery"]), "host_subject_id"),
    "shannon": fit("shannon ~ month", meta, "host_subject_id"),
    "clr_eps": float(eps),
    "trends": trends(rel, clr_values, meta, "month", "host_subject_id"),
    "trends_by_delivery": trends_by_group(rel, clr_values, meta, "month", "host_subject_id", "delivery"),
}

# Moving pictures (real): days since experiment start as time, subject as the subject.
mp = os.path.join(here, "..", "..", "..", "shared", "fixtures", "moving-pictures")
if os.path.isdir(mp):
    features, _, counts = read_table(os.path.join(mp, "feature-table.tsv"))
    meta = read_metadata(os.path.join(mp, "sample-metadata.tsv"))
    meta = meta.loc[[s for s in counts.index if s in meta.index]]
    counts = counts.loc[meta.index]
    meta["t"] = meta["days-since-experiment-start"].astype(float)
    meta["shannon"] = shannon(counts)
    rel = counts.div(counts.sum(axis=1), axis=0)
    clr_values, eps = clr(rel)
    result["moving_pictures"] = {
        "shannon": fit("shannon ~ t", meta, "subject"),
        "clr_eps": float(eps),
        "trends": trends(rel, clr_values, meta, "t", "subject"),
    }

print(json.dumps(result, indent=1))
