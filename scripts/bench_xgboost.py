#!/usr/bin/env python3
"""Python's side of the XGBoost benchmark (docs/benchmarks.md): the same model and matrices as the engine.

First run `bash scripts/bench.sh xgboost FOLDER` (it writes the files and times the engine), then
`/usr/bin/python3 scripts/bench_xgboost.py FOLDER [REPEATS]` (Debian's python3-xgboost).
"""
import os
import statistics
import sys
import time

import numpy as np
import xgboost

folder = sys.argv[1]
repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 5
cores = os.cpu_count()
print(f"xgboost {xgboost.__version__}; {cores} cores; median of {repeats}")


def timed(action):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


values = np.fromfile(os.path.join(folder, "score-values.f32"), dtype=np.float32).reshape(-1, 20)
for threads in (1, cores):
    booster = xgboost.Booster(model_file=os.path.join(folder, "score-model.json"))
    booster.set_param({"nthread": threads})
    booster.inplace_predict(values[:1000], missing=np.nan)
    seconds = timed(lambda: booster.inplace_predict(values, missing=np.nan))
    print(f"score {len(values):,} x 20, {threads} thread(s): median {seconds:.3f} s = {len(values) / seconds:,.0f} rows/s")

rows, columns = (int(v) for v in open(os.path.join(folder, "adult-shape.txt")).read().split())
adult = np.fromfile(os.path.join(folder, "adult-values.f32"), dtype=np.float32).reshape(rows, columns)
labels = np.fromfile(os.path.join(folder, "adult-labels.f32"), dtype=np.float32)
for threads in (1, cores):
    params = {"objective": "binary:logistic", "max_depth": 6, "eta": 0.1, "tree_method": "hist", "seed": 1, "nthread": threads}

    def train():
        matrix = xgboost.DMatrix(adult, label=labels, missing=np.nan, nthread=threads)
        xgboost.train(params, matrix, num_boost_round=100)

    seconds = timed(train)
    print(f"train 100 rounds on Adult ({rows:,} x {columns}), {threads} thread(s): median {seconds:.3f} s")
