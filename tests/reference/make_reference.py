"""Reference values for tests/metrics.rs, from scikit-bio, scipy and statsmodels.

Run with: python3 -m venv /tmp/venv && /tmp/venv/bin/pip install scikit-bio scipy statsmodels
          /tmp/venv/bin/python tests/reference/make_reference.py > tests/reference/reference.json
"""
import json

import numpy as np
import scipy
import scipy.stats as ss
import skbio
import pandas as pd
import statsmodels
import statsmodels.formula.api as smf
from scipy.spatial.distance import euclidean
from skbio.diversity import alpha_diversity, beta_diversity
from skbio.stats.composition import rclr
from skbio.stats.ordination import pcoa
from statsmodels.stats.multitest import multipletests

rng = np.random.default_rng(42)
# Eight samples over 30 features: sparse counts with singletons and doubletons.
counts = rng.negative_binomial(0.6, 0.08, size=(8, 30))
counts[3, :] = np.where(rng.random(30) < 0.7, 0, counts[3, :])
counts[5, 0] = 1
counts[5, 1] = 2
ids = [f"s{i}" for i in range(8)]

alpha = {
    "observed_features": alpha_diversity("observed_features", counts, ids).tolist(),
    "shannon": alpha_diversity("shannon", counts, ids).tolist(),
    "shannon_log2": [float(skbio.diversity.alpha.shannon(c, base=2)) for c in counts],
    "simpson": alpha_diversity("simpson", counts, ids).tolist(),
    "pielou_evenness": alpha_diversity("pielou_e", counts, ids).tolist(),
    "chao1": alpha_diversity("chao1", counts, ids).tolist(),
}

rel = counts / counts.sum(axis=1, keepdims=True)
bc = beta_diversity("braycurtis", rel, ids)
jac = beta_diversity("jaccard", counts > 0, ids)
clr_rows = rclr(counts.astype(float))
clr_rows = np.nan_to_num(clr_rows, nan=0.0)
ait = [[float(euclidean(a, b)) for b in clr_rows] for a in clr_rows]
ord_ = pcoa(bc)

x = [1.2, 3.4, 2.2, 5.1, 0.3, 4.4]
y = [2.5, 6.1, 7.3, 8.8, 9.9, 3.3, 7.7]
xt = [1, 2, 2, 3, 4, 4, 4, 5, 6, 7, 8, 9]
yt = [3, 4, 4, 5, 6, 6, 7, 8, 9, 10, 10, 11, 12]
g3 = [[2.9, 3.0, 2.5, 2.6, 3.2], [3.8, 2.7, 4.0, 2.4], [2.8, 3.4, 3.7, 2.2, 2.0]]
sx = [0.1, 0.4, 0.35, 0.8, 0.6, 0.9, 0.2, 0.55]
sy = [30.0, 28.0, 29.0, 20.0, 25.0, 18.0, 31.0, 25.0]
pvals = [0.01, 0.04, 0.03, 0.2, 0.5, 0.001, 0.04]
months = [0.0, 3.1, 6.0, 9.2, 12.1]
scores = [41.0, 40.0, 37.0, 36.0, 33.0]

mw_exact = ss.mannwhitneyu(x, y)
mw_ties = ss.mannwhitneyu(xt, yt)
kw = ss.kruskal(*g3)
sp = ss.spearmanr(sx, sy)
pr = ss.pearsonr(sx, sy)
slope, intercept = np.polyfit(months, scores, 1)

# Mixed model: 24 subjects in two groups, 3–6 visits, random intercept and slope.
mrng = np.random.default_rng(7)
rows = []
for subj in range(24):
    group = subj % 2
    b0, b1 = mrng.normal(0, 3.0), mrng.normal(0, 0.35)
    for k in range(int(mrng.integers(3, 7))):
        t = 3.0 * k + mrng.normal(0, 0.4)
        value = 40 + b0 - (0.8 + 0.4 * group + b1) * t - 1.5 * group + mrng.normal(0, 1.0)
        rows.append({"subject": subj, "months": t, "group": group, "y": value})
mdf = pd.DataFrame(rows)
slope_fit = smf.mixedlm("y ~ months * C(group)", mdf, groups="subject", re_formula="~months").fit(reml=True)
icpt_fit = smf.mixedlm("y ~ months * C(group)", mdf, groups="subject").fit(reml=True)

out = {
    "versions": {"scikit-bio": skbio.__version__, "scipy": scipy.__version__, "statsmodels": statsmodels.__version__},
    "counts": counts.tolist(),
    "ids": ids,
    "alpha": alpha,
    "bray_curtis": bc.data.tolist(),
    "jaccard": jac.data.tolist(),
    "aitchison": ait,
    "pcoa": {
        "eigenvalues": ord_.eigvals.values[:3].tolist(),
        "proportion_explained": ord_.proportion_explained.values[:3].tolist(),
        "coordinates": ord_.samples.values[:, :3].tolist(),
    },
    "mann_whitney_exact": {"x": x, "y": y, "u": float(mw_exact.statistic), "p": float(mw_exact.pvalue)},
    "mann_whitney_ties": {"x": xt, "y": yt, "u": float(mw_ties.statistic), "p": float(mw_ties.pvalue)},
    "kruskal": {"groups": g3, "h": float(kw.statistic), "p": float(kw.pvalue)},
    "spearman": {"x": sx, "y": sy, "r": float(sp.statistic), "p": float(sp.pvalue)},
    "pearson": {"x": sx, "y": sy, "r": float(pr.statistic), "p": float(pr.pvalue)},
    "bh": {"p": pvals, "q": multipletests(pvals, method="fdr_bh")[1].tolist()},
    "mixed": {
        "data": mdf.to_dict(orient="list"),
        "slope": {"fe": slope_fit.fe_params.tolist(), "se": slope_fit.bse_fe.tolist(),
                  "cov_re": np.asarray(slope_fit.cov_re).ravel().tolist(), "scale": float(slope_fit.scale)},
        "intercept": {"fe": icpt_fit.fe_params.tolist(), "se": icpt_fit.bse_fe.tolist(),
                      "cov_re": np.asarray(icpt_fit.cov_re).ravel().tolist(), "scale": float(icpt_fit.scale)},
        "fe_names": list(slope_fit.fe_params.index),
    },
    "ols": {"x": months, "y": scores, "slope": float(slope), "intercept": float(intercept)},
}
print(json.dumps(out))
