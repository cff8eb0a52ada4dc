"""D50 fits by scipy (curve_fit, Levenberg-Marquardt) for tests/metrics.rs.

The model: ALSFRS-R(t) = 48 / (1 + exp((t - D50) / dx)), t in months since onset, fitted by least
squares to a subject's visits plus the onset anchor (0, 48), as in Steinbach et al. 2020.
Subjects: the ALSFRS-R totals of tests/fixtures/survival/tidy (months since onset = days / 30.44)
and of the PRO-ACT fixture there (delta - Onset_Delta), every subject with at least two visits
below 48.

    /tmp/skb/bin/python tests/reference/progression/make_d50_fixture.py
"""
import json
import os

import numpy as np
import pandas as pd
from scipy.optimize import curve_fit

HERE = os.path.dirname(os.path.abspath(__file__))
FIX = os.path.join(HERE, "..", "..", "fixtures", "survival")


def model(t, d50, dx):
    return 48.0 / (1.0 + np.exp((t - d50) / dx))


def fit(t, y):
    t = np.append(np.asarray(t, float), 0.0)
    y = np.append(np.asarray(y, float), 48.0)
    # Start from the least-squares line through the logits, as the app does; then polish with
    # several starts and keep the best, so the reference is the global least-squares fit.
    best = None
    for d0 in [5, 10, 20, 30, 45, 60, 90]:
        for dx0 in [2, 5, 10, 20]:
            try:
                p, _ = curve_fit(model, t, y, p0=[d0, dx0], method="lm", maxfev=20000, xtol=1e-14, ftol=1e-14)
            except RuntimeError:
                continue
            if p[1] <= 0 or p[0] <= 0:
                continue
            sse = float(np.sum((y - model(t, *p)) ** 2))
            if best is None or sse < best[2] - 1e-12:
                best = (float(p[0]), float(p[1]), sse)
    return best


def main():
    cases = []
    s = pd.read_csv(os.path.join(FIX, "tidy", "subjects.csv"), parse_dates=["onset_date"])
    v = pd.read_csv(os.path.join(FIX, "tidy", "visits.csv"), parse_dates=["date"])
    for _, r in s.iterrows():
        mine = v[v.subject_id == r.subject_id]
        t = ((mine.date - r.onset_date).dt.days / 30.44).tolist()
        y = mine.alsfrs_r_total.astype(float).tolist()
        if sum(1 for x in y if x < 48) >= 2:
            cases.append({"cohort": "tidy", "subject": r.subject_id, "t": t, "y": y})
    a = pd.read_csv(os.path.join(FIX, "proact", "ALSFRS.csv"), dtype={"subject_id": str})
    h = pd.read_csv(os.path.join(FIX, "proact", "AlsHistory.csv"), dtype={"subject_id": str})
    for sid, mine in a.groupby("subject_id"):
        onset = h[h.subject_id == sid].Onset_Delta.iloc[0]
        t = ((mine.ALSFRS_Delta - onset) / 30.44).tolist()
        y = mine.ALSFRS_R_Total.astype(float).tolist()
        if sum(1 for x in y if x < 48) >= 2:
            cases.append({"cohort": "proact", "subject": sid, "t": t, "y": y})
    for c in cases:
        best = fit(c["t"], c["y"])
        c["d50"], c["dx"], c["sse"] = best if best else (None, None, None)
    with open(os.path.join(HERE, "d50.json"), "w") as f:
        json.dump(cases, f, indent=0)


if __name__ == "__main__":
    main()
