"""The embedded demo's story, in numbers (README, "The demo cohort"), from scipy and pandas.

Run with: cargo build && target/debug/cohort-explorer export --demo --table all --out /tmp/demo-out
          /tmp/venv/bin/python tests/reference/demo_story.py /tmp/demo-out
(tests/demo.rs checks the same findings in Rust on every run.)
"""
import os
import sys

import pandas as pd
import scipy.stats as ss

OUT = sys.argv[1]
DEMO = os.path.join(os.path.dirname(__file__), "..", "..", "assets", "demo")
s = pd.read_csv(OUT + "/subjects.csv"); sm = pd.read_csv(OUT + "/samples.csv")
sm = sm.merge(s[["subject_id","group"]], on="subject_id")
als, ctl = s[s.group=="ALS"], s[s.group=="control"]
for col in ["baseline_shannon","baseline_fb_ratio"]:
    print(col, round(als[col].median(),2), round(ctl[col].median(),2), "MWU p=%.1e" % ss.mannwhitneyu(als[col].dropna(), ctl[col].dropna()).pvalue)
print("hyper", als.hypermetabolic.sum(), "of", als.hypermetabolic.notna().sum())
h, n = als[als.hypermetabolic==True], als[als.hypermetabolic==False]
print("slope hyper/normo", round(h.alsfrs_r_slope_per_month.median(),2), round(n.alsfrs_r_slope_per_month.median(),2), "p=%.1e" % ss.mannwhitneyu(h.alsfrs_r_slope_per_month.dropna(), n.alsfrs_r_slope_per_month.dropna()).pvalue)
print("BMI change hyper/normo", round(h.last_bmi_change_pct_from_baseline.median(),1), round(n.last_bmi_change_pct_from_baseline.median(),1))
print("rho BMI change vs slope", ss.spearmanr(als.last_bmi_change_pct_from_baseline, als.alsfrs_r_slope_per_month, nan_policy="omit"))
print("rho FB vs slope", ss.spearmanr(als.baseline_fb_ratio, als.alsfrs_r_slope_per_month, nan_policy="omit"))
for early in [True, False]:
    g = als[(als.baseline_alsfrs_r_total >= 40) == early]
    med = g.groupby("arm").alsfrs_r_slope_per_month.median().round(2).to_dict()
    print("early" if early else "later", med, g.groupby("arm").size().to_dict(), "KW p=%.3f" % ss.kruskal(*[x.alsfrs_r_slope_per_month.dropna() for _,x in g.groupby("arm")]).pvalue)
ft = pd.read_csv(DEMO + "/feature-table.tsv", sep="\t", skiprows=1, index_col=0)
tax = pd.read_csv(DEMO + "/taxonomy.tsv", sep="\t", index_col=0)["Taxon"]
genus = tax.reindex(ft.index).str.extract(r"g__([^;]+)")[0]
gen = (ft / ft.sum()).groupby(genus.values).sum()
grp = sm.set_index("sample_id")["group"]
for g in ["Faecalibacterium","Methanobrevibacter"]:
    v = gen.loc[g]; print(g, {k: round(100*x,2) for k,x in v.groupby(grp.reindex(v.index).values).mean().items()}, "%")
# controls stable: shannon slope over months
c = sm[sm.group=="control"]
print("control shannon vs day spearman", ss.spearmanr(c.day, c.shannon))
