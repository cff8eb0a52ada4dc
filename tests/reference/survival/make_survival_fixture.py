"""Write survival.json: lifelines' own reference values for the Kaplan–Meier estimator (with
its exponential Greenwood, log(-log), 95% band), the median survival and its CI, the restricted
mean survival time, and the multivariate log-rank test, on two real datasets bundled with
lifelines: Walton's Drosophila lifespans (2 groups) and Kardaun's larynx cancer (4 stages).

Usage (in a venv under /tmp): pip install lifelines==0.30.3; python make_survival_fixture.py
"""
import json
import math

import numpy as np
from lifelines import KaplanMeierFitter
from lifelines.datasets import load_larynx, load_waltons
from lifelines.statistics import multivariate_logrank_test
from lifelines.utils import median_survival_times, restricted_mean_survival_time


def finite(x):
    x = float(x)
    return x if math.isfinite(x) else None


def km(durations, events, horizon):
    kmf = KaplanMeierFitter().fit(durations, events)
    sf = kmf.survival_function_.iloc[:, 0]
    ci = kmf.confidence_interval_
    med_ci = median_survival_times(ci)
    table = kmf.event_table
    return {
        "timeline": [float(t) for t in sf.index],
        "survival": [float(v) for v in sf.values],
        "lower": [finite(v) for v in ci.iloc[:, 0].values],
        "upper": [finite(v) for v in ci.iloc[:, 1].values],
        "at_risk": [int(v) for v in table["at_risk"].values],
        "median": finite(kmf.median_survival_time_),
        "median_lower": finite(med_ci.iloc[0, 0]),
        "median_upper": finite(med_ci.iloc[0, 1]),
        "horizon": horizon,
        "rmst": float(restricted_mean_survival_time(kmf, t=horizon)),
    }


out = {}
w = load_waltons()
groups = sorted(w["group"].unique())
out["waltons"] = {
    "durations": [float(v) for v in w["T"]],
    "events": [int(v) for v in w["E"]],
    "groups": [groups.index(g) for g in w["group"]],
    "group_names": groups,
    "km": [km(w["T"][w["group"] == g], w["E"][w["group"] == g], 50.0) for g in groups],
}
r = multivariate_logrank_test(w["T"], w["group"], w["E"])
out["waltons"]["logrank"] = {"statistic": float(r.test_statistic), "df": int(r.degrees_of_freedom), "p": float(r.p_value)}

l = load_larynx()
# The dataset is one-hot: stage I is none of Stage_II/III/IV.
l["Stage"] = np.select([l["Stage_II"] == 1, l["Stage_III"] == 1, l["Stage_IV"] == 1], ["II", "III", "IV"], "I")
stages = sorted(l["Stage"].unique())
out["larynx"] = {
    "durations": [float(v) for v in l["time"]],
    "events": [int(v) for v in l["death"]],
    "groups": [stages.index(s) for s in l["Stage"]],
    "group_names": [str(s) for s in stages],
    "km": [km(l["time"][l["Stage"] == s], l["death"][l["Stage"] == s], 5.0) for s in stages],
}
r = multivariate_logrank_test(l["time"], l["Stage"], l["death"])
out["larynx"]["logrank"] = {"statistic": float(r.test_statistic), "df": int(r.degrees_of_freedom), "p": float(r.p_value)}

with open("survival.json", "w") as f:
    json.dump(out, f, indent=1)
print({k: v["logrank"] for k, v in out.items()})
