#!/usr/bin/env python3
"""Writes the data-drift values the Engine tests compare with (run once; the outputs are committed).

Run from the repository root with Debian's Python (python3-scipy 1.10, python3-numpy 1.24, python3-pandas):
    /usr/bin/python3 tests/scripts/drift_expected.py
It reads tests/data/adult/adult.data (reference) and tests/data/adult/adult.test (current), and writes seeded
synthetic reference/current pairs to tests/data/drift/ (numpy default_rng(20240611)):
  shift-small-{reference,current}.csv  600 / 400 rows: x_normal, x_int5, color (violet only in current),
                                       flag (yes/no), constant (7), all_missing (empty), x_float_missing (~10% empty)
  equal-n-{reference,current}.csv      300 / 300 rows: a, b (equal sizes: scipy's exact KS "square" path)
  shift-large-{reference,current}.csv  5000 / 3000 rows: u, k (0..9), cat (6 categories)
  big-ks-{reference,current}.csv       12000 / 11000 rows: g, h (max size > 10000: asymptotic kstwo path)
  one-row-{reference,current}.csv      50 / 1 rows: z, c
and tests/data/expected/drift-expected.json with, per case and column, the statistics below.

Every CSV is read with pandas (skipinitialspace=True; only "" and "?" are missing). Per column, missing values
and +-inf are dropped separately in reference and current. int/float columns are "numeric", all others
"categorical". A column with no values left in reference or in current gets "empty": true and no statistics.
  ks                 scipy.stats.ks_2samp(ref, cur) (method='auto', two-sided); "ksMethod" says whether scipy used
                     the exact distribution or the asymptotic one (exact when max(n1, n2) <= 10000, unless the
                     exact computation fails: scipy then warns and falls back to asymp; detected from that warning
                     and checked against method='asymp').
  wassersteinNormed  scipy.stats.wasserstein_distance(ref, cur) / max(np.std(ref), 0.001)        (numeric only)
  psi, jensenShannon on Evidently's get_binned_data(n=20): numeric with > 20 distinct reference values ->
                     np.histogram_bin_edges(ref+cur, "sturges") and np.histogram shares; otherwise one bin per
                     distinct value of ref+cur (sorted), share = count / len. PSI replaces zero shares by
                     min(non-zero share)/1e6 if that min <= 1e-4 else by 1e-4, psi = sum((c - r) ln(c / r));
                     jensenShannon = scipy.spatial.distance.jensenshannon(ref_share, cur_share) (natural log,
                     shares without the zero replacement).
  chiSquare          (categorical, or numeric with <= 5 distinct values in ref+cur, values as floats) when > 2
                     distinct values: observed = current counts, expected = reference counts * len(cur)/len(ref)
                     over the sorted union of values, scipy.stats.chisquare. A value seen only in current has an
                     expected count of 0: then {"statistic": "inf", "pValue": 0.0} and a note on the case. If
                     scipy refused the sums (relative difference > 1e-8) the statistic would be sum((o-e)^2/e)
                     with p = chi2.sf(statistic, k-1), and "fallback": true (no case here needs it).
  zTest              (same columns) when <= 2 distinct values: two-proportion pooled z test, success = value !=
                     the first value in sorted order, z = (p1 - p2) / sqrt(P(1-P)(1/n1 + 1/n2)), pValue =
                     2(1 - norm.cdf(|z|)); both samples constant at the same value -> z = 0, pValue = 1.
Infinity is written as the string "inf"; statistics that do not apply are null.
"""
import json
import os
import warnings

import numpy as np
import pandas as pd
import scipy
from scipy import stats
from scipy.spatial import distance

DRIFT = "tests/data/drift"
OUT = "tests/data/expected/drift-expected.json"
SEED = 20240611


def write_synthetic():
    rng = np.random.default_rng(SEED)
    os.makedirs(DRIFT, exist_ok=True)
    cases = {}

    def save(name, ref, cur):
        paths = []
        for part, df in (("reference", ref), ("current", cur)):
            path = f"{DRIFT}/{name}-{part}.csv"
            df.to_csv(path, index=False, lineterminator="\n")
            paths.append(path)
        cases[name] = tuple(paths)

    def missing(values, share):
        values = values.astype(object)
        values[rng.random(len(values)) < share] = ""
        return values

    # shift-small: reference <= 1000 rows
    nr, nc = 600, 400
    ref = pd.DataFrame({
        "x_normal": np.round(rng.normal(0, 1, nr), 4),
        "x_int5": rng.integers(1, 5, nr),
        "color": rng.choice(["red", "green", "blue"], nr, p=[0.5, 0.3, 0.2]),
        "flag": rng.choice(["yes", "no"], nr, p=[0.7, 0.3]),
        "constant": np.full(nr, 7),
        "all_missing": np.full(nr, ""),
        "x_float_missing": missing(np.round(rng.normal(10, 2, nr), 4), 0.1),
    })
    cur = pd.DataFrame({
        "x_normal": np.round(rng.normal(0.3, 1, nc), 4),
        "x_int5": rng.choice([1, 2, 3, 4], nc, p=[0.1, 0.2, 0.3, 0.4]),
        "color": rng.choice(["red", "green", "blue", "violet"], nc, p=[0.4, 0.3, 0.2, 0.1]),
        "flag": rng.choice(["yes", "no"], nc, p=[0.6, 0.4]),
        "constant": np.full(nc, 7),
        "all_missing": np.full(nc, ""),
        "x_float_missing": missing(np.round(rng.normal(10.5, 2, nc), 4), 0.1),
    })
    save("shift-small", ref, cur)

    # equal-n: n1 == n2, exact KS "square" path
    ref = pd.DataFrame({"a": np.round(rng.normal(0, 1, 300), 4), "b": np.round(rng.normal(0, 1, 300), 4)})
    cur = pd.DataFrame({"a": np.round(rng.normal(0, 1, 300), 4), "b": np.round(rng.normal(0.5, 1.2, 300), 4)})
    save("equal-n", ref, cur)

    # shift-large: reference > 1000 rows, exact KS with n1 != n2
    cats = ["A", "B", "C", "D", "E", "F"]
    ref = pd.DataFrame({
        "u": np.round(rng.uniform(0, 1, 5000), 3),
        "k": rng.integers(0, 10, 5000),
        "cat": rng.choice(cats, 5000, p=[0.3, 0.25, 0.2, 0.1, 0.1, 0.05]),
    })
    cur = pd.DataFrame({
        "u": np.round(rng.uniform(0.05, 1.05, 3000), 3),
        "k": rng.choice(np.arange(10), 3000, p=np.arange(1, 11) / 55),
        "cat": rng.choice(cats, 3000, p=[0.25, 0.25, 0.2, 0.15, 0.1, 0.05]),
    })
    save("shift-large", ref, cur)

    # big-ks: max(n1, n2) > 10000, asymptotic kstwo with en = 12000*11000/23000 ~ 5739
    ref = pd.DataFrame({"g": np.round(rng.normal(0, 1, 12000), 3), "h": np.round(rng.normal(0, 1, 12000), 3)})
    cur = pd.DataFrame({"g": np.round(rng.normal(0.02, 1, 11000), 3), "h": np.round(rng.normal(0, 1, 11000), 3)})
    save("big-ks", ref, cur)

    # one-row: current has a single row
    ref = pd.DataFrame({"z": np.round(rng.normal(0, 1, 50), 4), "c": rng.choice(["p", "q", "r"], 50)})
    cur = pd.DataFrame({"z": [0.5], "c": ["q"]})
    save("one-row", ref, cur)
    return cases


def read(path):
    return pd.read_csv(path, skipinitialspace=True, keep_default_na=False, na_values=["", "?"])


def clean(series, numeric):
    if numeric:
        values = series.to_numpy(dtype=float)
        return values[np.isfinite(values)]
    return series.dropna().to_numpy()


def binned(ref, cur, numeric, n=20):
    if numeric and len(np.unique(ref)) > n:
        edges = np.histogram_bin_edges(np.concatenate([ref, cur]), bins="sturges")
        return np.histogram(ref, edges)[0] / len(ref), np.histogram(cur, edges)[0] / len(cur), len(edges) - 1
    keys = sorted(set(ref) | set(cur))
    rc, cc = pd.Series(ref).value_counts(), pd.Series(cur).value_counts()
    return (np.array([rc.get(k, 0) for k in keys]) / len(ref), np.array([cc.get(k, 0) for k in keys]) / len(cur),
            len(keys))


def fill_zeroes(share):
    share = share.copy()
    low = share[share != 0].min()
    np.place(share, share == 0, low / 10**6 if low <= 0.0001 else 0.0001)
    return share


def chi_square(ref, cur, notes, column):
    keys = sorted(set(ref) | set(cur))
    rc, cc = pd.Series(ref).value_counts(), pd.Series(cur).value_counts()
    observed = np.array([cc.get(k, 0) for k in keys], dtype=float)
    expected = np.array([rc.get(k, 0) for k in keys], dtype=float) * (len(cur) / len(ref))
    if (expected == 0).any():
        only = [str(k) for k, e in zip(keys, expected) if e == 0]
        notes.append(f"{column}: value(s) {only} only in current, expected count 0, chiSquare statistic inf")
        return {"statistic": float("inf"), "pValue": 0.0, "fallback": False}
    try:
        result = stats.chisquare(observed, expected)
        return {"statistic": float(result.statistic), "pValue": float(result.pvalue), "fallback": False}
    except ValueError as e:
        notes.append(f"{column}: scipy.stats.chisquare refused the sums ({str(e).splitlines()[0]}), computed by hand")
        statistic = float(np.sum((observed - expected) ** 2 / expected))
        return {"statistic": statistic, "pValue": float(stats.chi2.sf(statistic, len(keys) - 1)), "fallback": True}


def z_test(ref, cur):
    ur, uc = set(ref), set(cur)
    if len(ur) == 1 and len(uc) == 1 and ur == uc:
        return {"z": 0.0, "pValue": 1.0}
    first = sorted(ur | uc)[0]
    n1, n2 = len(ref), len(cur)
    p1, p2 = np.sum(ref != first) / n1, np.sum(cur != first) / n2
    pooled = (p1 * n1 + p2 * n2) / (n1 + n2)
    if pooled in (0, 1):
        return None
    z = (p1 - p2) / np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    return {"z": float(z), "pValue": float(2 * (1 - stats.norm.cdf(abs(z))))}


def ks(ref, cur, notes, column):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = stats.ks_2samp(ref, cur)
    fell_back = any(issubclass(w.category, RuntimeWarning) and "Exact calculation unsuccessful" in str(w.message)
                    for w in caught)
    method = "asymp" if max(len(ref), len(cur)) > 10000 or fell_back else "exact"
    if fell_back:
        notes.append(f"{column}: ks_2samp exact computation failed, scipy fell back to asymp")
    asymp = stats.ks_2samp(ref, cur, method="asymp")
    if method == "asymp":
        assert asymp.pvalue == result.pvalue, column
    return {"statistic": float(result.statistic), "pValue": float(result.pvalue), "ksMethod": method,
            "pValueAsymp": float(asymp.pvalue)}


def column_stats(name, rs, cs, notes):
    numeric = pd.api.types.is_numeric_dtype(rs.dtype) and not pd.api.types.is_bool_dtype(rs.dtype) \
        and pd.api.types.is_numeric_dtype(cs.dtype) and not pd.api.types.is_bool_dtype(cs.dtype)
    ref, cur = clean(rs, numeric), clean(cs, numeric)
    row = {"column": name, "type": "numeric" if numeric else "categorical", "empty": False,
           "rowsReference": len(ref), "rowsCurrent": len(cur), "distinctReference": len(set(ref)),
           "distinctAll": len(set(ref) | set(cur)), "ks": None, "wassersteinNormed": None, "psi": None,
           "jensenShannon": None, "bins": None, "chiSquare": None, "zTest": None}
    if len(ref) == 0 or len(cur) == 0:
        row["empty"] = True
        notes.append(f"{name}: no values in {'reference' if len(ref) == 0 else 'current'}, empty")
        return row
    if numeric:
        row["ks"] = ks(ref, cur, notes, name)
        row["wassersteinNormed"] = float(stats.wasserstein_distance(ref, cur) / max(np.std(ref), 0.001))
    rshare, cshare, bins = binned(ref, cur, numeric)
    row["bins"] = bins
    rf, cf = fill_zeroes(rshare), fill_zeroes(cshare)
    row["psi"] = float(np.sum((cf - rf) * np.log(cf / rf)))
    row["jensenShannon"] = float(distance.jensenshannon(rshare, cshare))
    if not numeric or row["distinctAll"] <= 5:
        if row["distinctAll"] > 2:
            row["chiSquare"] = chi_square(ref, cur, notes, name)
        else:
            row["zTest"] = z_test(ref, cur)
    return row


def jsonable(value):
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    if isinstance(value, (float, np.floating)):
        value = float(value)
        if np.isnan(value):
            raise ValueError("NaN in output")
        return "inf" if value == np.inf else "-inf" if value == -np.inf else value
    if isinstance(value, np.integer):
        return int(value)
    return value


def main():
    pairs = {"adult": ("tests/data/adult/adult.data", "tests/data/adult/adult.test")}
    pairs.update(write_synthetic())
    cases = []
    for name, (rpath, cpath) in pairs.items():
        rdf, cdf = read(rpath), read(cpath)
        assert list(rdf.columns) == list(cdf.columns), name
        notes = []
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            columns = [column_stats(c, rdf[c], cdf[c], notes) for c in rdf.columns]
        notes += [f"warning: {w.category.__name__}: {w.message}" for w in caught]
        cases.append({"name": name, "reference": rpath, "current": cpath, "rowsReference": len(rdf),
                      "rowsCurrent": len(cdf), "notes": notes, "columns": columns})
        print(f"{name}: {len(columns)} columns, notes: {notes}")
    with open(OUT, "w") as f:
        json.dump(jsonable({"generatedBy": "tests/scripts/drift_expected.py", "scipy": scipy.__version__,
                            "numpy": np.__version__, "pandas": pd.__version__, "seed": SEED, "cases": cases}),
                  f, indent=2, allow_nan=False)
        f.write("\n")
    print(f"wrote {OUT} and {DRIFT}/, scipy {scipy.__version__}, numpy {np.__version__}")


if __name__ == "__main__":
    main()
