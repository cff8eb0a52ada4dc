"""Write cox.json: lifelines' Cox proportional hazards fit (Efron ties, no penalty) of the Rossi
recidivism data bundled with lifelines: weeks to arrest on fin, age, race, wexp, mar, paro,
prio; coefficients, standard errors, Wald p, hazard-ratio 95% CI and log partial likelihood.

Usage (in a venv under /tmp): pip install lifelines==0.30.3; python make_cox_fixture.py
"""
import json

from lifelines import CoxPHFitter
from lifelines.datasets import load_rossi

rossi = load_rossi()
covariates = ["fin", "age", "race", "wexp", "mar", "paro", "prio"]
cph = CoxPHFitter().fit(rossi, duration_col="week", event_col="arrest")
s = cph.summary
out = {
    "durations": [float(v) for v in rossi["week"]],
    "events": [int(v) for v in rossi["arrest"]],
    "covariates": covariates,
    "x": [[float(rossi[c][i]) for c in covariates] for i in range(len(rossi))],
    "coef": [float(s.loc[c, "coef"]) for c in covariates],
    "se": [float(s.loc[c, "se(coef)"]) for c in covariates],
    "p": [float(s.loc[c, "p"]) for c in covariates],
    "hr_lower": [float(s.loc[c, "exp(coef) lower 95%"]) for c in covariates],
    "hr_upper": [float(s.loc[c, "exp(coef) upper 95%"]) for c in covariates],
    "log_likelihood": float(cph.log_likelihood_),
}
with open("cox.json", "w") as f:
    json.dump(out, f)
print(s[["coef", "se(coef)", "p"]])
