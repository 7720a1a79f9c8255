#!/usr/bin/env python3
"""The scipy/numpy loop that docs/benchmarks.md sets beside the portal's drift report (issue 8).

Run from the repository root with Debian's Python (python3-scipy 1.10, numpy 1.24):
    /usr/bin/python3 tests/scripts/drift_bench.py [--rows N] [--repeats N]
It builds the same shapes as tests/MlopsPortal.Benchmarks/DriftBench.cs with numpy (N reference and N current rows,
40 float64 columns, every fifth one rounded to integers, a quarter shifted by 0.1; 10 categorical columns with
3..21 categories as integer codes) and times, per column, what contracts §5 asks for: numeric → ks_2samp,
wasserstein_distance / std (ddof 0), Sturges bins over both samples, PSI and Jensen-Shannon (plus chi-square or Z
when there are at most 5 distinct values); categorical → counts per category, PSI, Jensen-Shannon, chi-square.
Generation is not timed. Peak memory is the process's maximum resident set (ru_maxrss).
"""
import argparse
import resource
import time

import numpy as np
from scipy import stats
from scipy.spatial import distance


def shares_fill(p):
    p = p.copy()
    nz = p[p != 0]
    fill = nz.min() / 1e6 if nz.min() <= 0.0001 else 0.0001
    p[p == 0] = fill
    return p


def psi(r, c):
    r, c = shares_fill(r), shares_fill(c)
    return float(np.sum((c - r) * np.log(c / r)))


def numeric(r, c):
    out = {"ks": stats.ks_2samp(r, c), "wn": stats.wasserstein_distance(r, c) / max(np.std(r), 0.001)}
    if len(np.unique(r)) > 20:
        edges = np.histogram_bin_edges(np.concatenate([r, c]), bins="sturges")
        rs = np.histogram(r, edges)[0] / len(r)
        cs = np.histogram(c, edges)[0] / len(c)
    else:
        keys = np.union1d(r, c)
        rs = np.array([np.sum(r == k) for k in keys]) / len(r)
        cs = np.array([np.sum(c == k) for k in keys]) / len(c)
    out["psi"] = psi(rs, cs)
    out["js"] = distance.jensenshannon(rs, cs)
    return out


def categorical(r, c, k):
    rc = np.bincount(r, minlength=k)
    cc = np.bincount(c, minlength=k)
    return {"psi": psi(rc / len(r), cc / len(c)), "js": distance.jensenshannon(rc / len(r), cc / len(c)),
            "chi": stats.chisquare(cc, rc * (len(c) / len(r)))}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=2)
    a = parser.parse_args()
    rng = np.random.default_rng(11)
    num = []
    for col in range(40):
        shift = 0.1 if col % 4 == 0 else 0.0
        r = rng.standard_normal(a.rows)
        c = rng.standard_normal(a.rows) + shift
        if col % 5 == 0:
            r, c = np.round(r * 3), np.round(c * 3)
        num.append((r, c))
    cat = []
    for col in range(10):
        k = 3 + col * 2
        r = rng.integers(0, k, a.rows)
        c = rng.integers(0, k, a.rows)
        if col % 4 == 0:
            c[rng.integers(0, 10, a.rows) == 0] = 0
        cat.append((r, c, k))
    print(f"scipy loop: {a.rows:,} reference and {a.rows:,} current rows x 40 numeric + 10 categorical columns")
    for run in range(1, a.repeats + 1):
        start = time.perf_counter()
        for r, c in num:
            numeric(r, c)
        for r, c, k in cat:
            categorical(r, c, k)
        elapsed = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"  run {run}: {elapsed:.3f} s, peak resident {peak:,.0f} MiB")


if __name__ == "__main__":
    main()
