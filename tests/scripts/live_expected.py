#!/usr/bin/env python3
"""Writes the live-performance fixture and scikit-learn's metrics on it (run once; the outputs are committed).

Run from the repository root with Debian's Python (python3-sklearn, python3-numpy):
    /usr/bin/python3 tests/scripts/live_expected.py
It writes tests/data/expected/live/:
  scores.csv    key,score,prediction  two scoring batches' output as the portal writes it (float32 scores)
  outcomes.csv  key,label             outcomes for part of the rows, with keys nobody scored and repeated keys
  metrics.json  scikit-learn's metrics on the labelled rows (the first label of a key stands)
"""
import json
import os

import numpy as np
from sklearn import metrics

out = "tests/data/expected/live"
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(20261124)
n = 3000
signal = rng.normal(size=n)
labels = (signal + rng.normal(scale=1.5, size=n) > 0.4).astype(np.int64)
scores = (1 / (1 + np.exp(-1.2 * signal))).astype(np.float32)
keys = [f"K{i:05d}" for i in range(n)]
with open(f"{out}/scores.csv", "w") as f:
    f.write("key,score,prediction\n")
    for k, s in zip(keys, scores):
        f.write(f"{k},{s:.9g},{1 if s >= 0.5 else 0}\n")

labelled = sorted(rng.choice(n, size=1800, replace=False))
rows = [(keys[i], int(labels[i])) for i in labelled]
rows += [("X99991", 1), ("X99992", 0)]                         # keys no scoring output holds
rows += [(keys[labelled[0]], 1 - int(labels[labelled[0]]))]    # a repeated key with another label: the first stands
with open(f"{out}/outcomes.csv", "w") as f:
    f.write("key,label\n")
    for k, y in rows:
        f.write(f"{k},{y}\n")

y = labels[labelled]
p = scores[labelled].astype(np.float64)
pred = (p >= 0.5).astype(np.int64)
expected = {
    "rows": len(labelled),
    "auc": metrics.roc_auc_score(y, p),
    "accuracy": metrics.accuracy_score(y, pred),
    "precision": metrics.precision_score(y, pred),
    "recall": metrics.recall_score(y, pred),
    "f1": metrics.f1_score(y, pred),
    "logLoss": metrics.log_loss(y, p),
    "brierScore": metrics.brier_score_loss(y, p),
}
with open(f"{out}/metrics.json", "w") as f:
    json.dump(expected, f, indent=2)
print(json.dumps(expected))
