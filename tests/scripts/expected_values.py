#!/usr/bin/env python3
"""Writes the expected values the Engine tests compare with (run once; the outputs are committed).

Run from the repository root with Debian's Python (python3-sklearn, python3-xgboost, python3-numpy):
    /usr/bin/python3 tests/scripts/expected_values.py
It writes tests/data/expected/:
  classification.csv  label,score  (float32 scores, with ties and scores on calibration-bin edges)
  regression.csv      target,prediction
  metrics.json        scikit-learn's metrics on those files
  xgb-data.csv        six features (NaN for missing) and a label
  xgb-model.json      a model trained by Python's xgboost on xgb-data.csv
  xgb-predictions.csv Python's xgboost predictions (inplace_predict) of that model on that data
  xgb-importance.json mean |pred_contribs| per feature of that model on that data (global SHAP importance)
"""
import json
import os

import numpy as np
import sklearn
import xgboost
from sklearn import metrics
from sklearn.calibration import calibration_curve

out = "tests/data/expected"
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(20261123)

# Classification: a noisy signal through a logistic link, as float32 like XGBoost's output.
n = 2000
signal = rng.normal(size=n)
labels = (signal + rng.normal(scale=1.2, size=n) > 0.3).astype(np.int64)
scores = (1 / (1 + np.exp(-1.5 * signal))).astype(np.float32)
scores[:100] = np.round(scores[:100], 2)                      # ties
scores[100:110] = np.float32([0.0, 0.1, 0.2, 0.25, 0.5, 0.5, 0.75, 0.9, 1.0, 0.3])  # edges and extremes
scores = scores.astype(np.float32)
with open(f"{out}/classification.csv", "w") as f:
    f.write("label,score\n")
    for y, s in zip(labels, scores):
        f.write(f"{y},{s:.9g}\n")

p = scores.astype(np.float64)
predicted = (p >= 0.5).astype(np.int64)
tn, fp, fn, tp = metrics.confusion_matrix(labels, predicted, labels=[0, 1]).ravel()
prob_true, prob_pred = calibration_curve(labels, p, n_bins=10, strategy="uniform")

# Regression.
targets = rng.normal(loc=50, scale=10, size=n).astype(np.float32)
predictions = (targets + rng.normal(scale=4, size=n)).astype(np.float32)
with open(f"{out}/regression.csv", "w") as f:
    f.write("target,prediction\n")
    for t, q in zip(targets, predictions):
        f.write(f"{t:.9g},{q:.9g}\n")
t64, q64 = targets.astype(np.float64), predictions.astype(np.float64)

expected = {
    "versions": {"sklearn": sklearn.__version__, "xgboost": xgboost.__version__, "numpy": np.__version__},
    "classification": {
        "threshold": 0.5,
        "auc": metrics.roc_auc_score(labels, p),
        "accuracy": metrics.accuracy_score(labels, predicted),
        "precision": metrics.precision_score(labels, predicted),
        "recall": metrics.recall_score(labels, predicted),
        "f1": metrics.f1_score(labels, predicted),
        "logLoss": metrics.log_loss(labels, p),
        "brierScore": metrics.brier_score_loss(labels, p),
        "confusion": {"tp": int(tp), "fp": int(fp), "tn": int(tn), "fn": int(fn)},
        "calibration": {"positiveRate": prob_true.tolist(), "meanScore": prob_pred.tolist()},
    },
    "regression": {
        "rmse": float(np.sqrt(metrics.mean_squared_error(t64, q64))),
        "mae": metrics.mean_absolute_error(t64, q64),
        "r2": metrics.r2_score(t64, q64),
    },
}
with open(f"{out}/metrics.json", "w") as f:
    json.dump(expected, f, indent=2)

# XGBoost: a model trained in Python, predicted in Python; the C# engine must agree on the same file.
rows = 3000
features = rng.normal(size=(rows, 6)).astype(np.float32)
features[rng.random(size=(rows, 6)) < 0.05] = np.nan
label = ((np.nan_to_num(features[:, 0]) + 0.5 * np.nan_to_num(features[:, 1]) - np.nan_to_num(features[:, 2]) ** 2
          + rng.normal(scale=0.5, size=rows)) > 0).astype(np.float32)
with open(f"{out}/xgb-data.csv", "w") as f:
    f.write("f0,f1,f2,f3,f4,f5,label\n")
    for row, y in zip(features, label):
        f.write(",".join("NaN" if np.isnan(v) else f"{v:.9g}" for v in row) + f",{int(y)}\n")
booster = xgboost.train({"objective": "binary:logistic", "max_depth": 4, "eta": 0.2, "seed": 1, "nthread": 1},
                        xgboost.DMatrix(features, label=label, missing=np.nan), num_boost_round=30)
booster.save_model(f"{out}/xgb-model.json")
reloaded = xgboost.Booster(model_file=f"{out}/xgb-model.json")
predicted = reloaded.inplace_predict(features, missing=np.nan)
with open(f"{out}/xgb-predictions.csv", "w") as f:
    f.write("score\n")
    for s in predicted:
        f.write(f"{s:.9g}\n")
contributions = reloaded.predict(xgboost.DMatrix(features, missing=np.nan), pred_contribs=True)
with open(f"{out}/xgb-importance.json", "w") as f:
    json.dump({f"f{i}": float(np.abs(contributions[:, i].astype(np.float64)).mean()) for i in range(6)}, f, indent=2)
print(f"wrote {out}: sklearn {sklearn.__version__}, xgboost {xgboost.__version__}")
