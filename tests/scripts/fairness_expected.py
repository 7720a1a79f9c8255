#!/usr/bin/env python3
"""Writes the COMPAS fairness audit the Engine tests compare with (run once; the outputs are committed).

Run from the repository root with Debian's Python (python3-pandas):
    /usr/bin/python3 tests/scripts/fairness_expected.py
It reads tests/data/compas/compas-two-years.csv, applies ProPublica's filters ("Machine Bias", 2016:
days_b_screening_arrest in [-30, 30], is_recid != -1, c_charge_degree != "O", score_text != "N/A") and
treats score_text Medium or High as predicted to reoffend. It writes tests/data/expected/:
  compas-propublica.csv  id, race, sex, age_cat, two_year_recid, high_risk (the audited rows)
  fairness-compas.json   per group of race, sex and race&sex: confusion counts and the six rates; and per
                         attribute Fairlearn's disparities (difference = max - min, ratio = min / max,
                         equalized odds = the worse of the TPR and FPR terms), computed here with pandas only.
"""
import json

import pandas as pd

out = "tests/data/expected"
df = pd.read_csv("tests/data/compas/compas-two-years.csv")
df = df[(df.days_b_screening_arrest <= 30) & (df.days_b_screening_arrest >= -30) & (df.is_recid != -1)
        & (df.c_charge_degree != "O") & (df.score_text != "N/A")].copy()
df["high_risk"] = df.score_text.isin(["Medium", "High"]).astype(int)
df[["id", "race", "sex", "age_cat", "two_year_recid", "high_risk"]].to_csv(f"{out}/compas-propublica.csv", index=False)
df["race&sex"] = df.race + "&" + df.sex


def rate(num, den):
    return None if den == 0 else num / den


groups = []
disparities = {}
for attribute in ["race", "sex", "race&sex"]:
    rows = []
    for group, g in sorted(df.groupby(attribute), key=lambda p: p[0]):
        y, p = g.two_year_recid == 1, g.high_risk == 1
        tp, fp, fn, tn = int((y & p).sum()), int((~y & p).sum()), int((y & ~p).sum()), int((~y & ~p).sum())
        n = len(g)
        row = {"attribute": attribute, "group": group, "count": n, "tp": tp, "fp": fp, "fn": fn, "tn": tn,
               "baseRate": rate(tp + fn, n), "selectionRate": rate(tp + fp, n), "tpr": rate(tp, tp + fn),
               "fpr": rate(fp, fp + tn), "fnr": rate(fn, tp + fn), "precision": rate(tp, tp + fp), "smallGroup": n < 30}
        rows.append(row)
    groups += rows

    def values(key):
        return [r[key] for r in rows if r[key] is not None]

    def diff(key):
        v = values(key)
        return max(v) - min(v)

    def ratio(key):
        v = values(key)
        return min(v) / max(v)

    disparities[attribute] = {
        "demographicParityDifference": diff("selectionRate"), "demographicParityRatio": ratio("selectionRate"),
        "equalizedOddsDifference": max(diff("tpr"), diff("fpr")), "equalizedOddsRatio": min(ratio("tpr"), ratio("fpr")),
        "equalOpportunityDifference": diff("tpr"), "disparateImpactRatio": ratio("selectionRate"),
    }
with open(f"{out}/fairness-compas.json", "w") as f:
    json.dump({"rows": len(df), "groups": groups, "disparities": disparities}, f, indent=2)
print(f"wrote {out}: {len(df)} rows, pandas {pd.__version__}")
