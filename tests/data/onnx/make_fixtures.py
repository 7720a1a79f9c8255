#!/usr/bin/python3
"""Makes the ONNX test fixtures of tests/data/onnx from COMPAS: three small models fitted by the original libraries
(scikit-learn's LogisticRegression and GradientBoostingClassifier, XGBoost's binary:logistic booster), written as ONNX
graphs from their fitted parameters, with 200 rows to score and the probabilities the original library computed for them.

skl2onnx and onnxmltools are not packaged for Debian 12 and the Python registry is not reachable here, so this script
writes what those converters write for these models, with python3-onnx (1.12) from Debian:
- logistic regression: one float matrix input [rows, 5]; Gemm + Sigmoid;
- gradient boosting: one [rows, 1] input per feature (skl2onnx's per-column layout); Concat + TreeEnsembleRegressor
  (ai.onnx.ml, BRANCH_LEQ as scikit-learn splits) + Sigmoid;
- XGBoost: one float matrix input; TreeEnsembleRegressor (BRANCH_LT as XGBoost splits, missing values following
  XGBoost's default direction) with the base score's log-odds as base value, + Sigmoid.
Every model outputs "probabilities" [rows, 2] (zipmap off) and "label" [rows].

Run from the repository root: /usr/bin/python3 tests/data/onnx/make_fixtures.py ../shared/datasets/compas/compas-two-years.csv
(apt install python3-onnx python3-sklearn python3-xgboost). Fixed seeds: the same input gives the same files.
"""
import csv
import json
import math
import sys
from pathlib import Path

import numpy as np
import onnx
import xgboost
from onnx import TensorProto, helper
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.linear_model import LogisticRegression

FEATURES = ["age", "priors_count", "juv_fel_count", "juv_misd_count", "juv_other_count"]
LABEL = "two_year_recid"
OUT = Path(__file__).resolve().parent


def read(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    x = np.array([[float(r[c]) for c in FEATURES] for r in rows], dtype=np.float32)
    y = np.array([int(r[LABEL]) for r in rows])
    ids = [r["id"] for r in rows]
    return ids, x, y


def probabilities_tail(nodes, margin_name):
    """Sigmoid of the margin, then [1 - p, p] as "probabilities" and p >= 0.5 as "label"."""
    nodes += [
        helper.make_node("Sigmoid", [margin_name], ["p"]),
        helper.make_node("Sub", ["one", "p"], ["q"]),
        helper.make_node("Concat", ["q", "p"], ["probabilities"], axis=1),
        helper.make_node("ArgMax", ["probabilities"], ["label"], axis=1, keepdims=0),
    ]
    return [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, [None, 2]),
            helper.make_tensor_value_info("label", TensorProto.INT64, [None])]


def save(name, nodes, inputs, outputs, initializers, producer, ml=False):
    graph = helper.make_graph(nodes, name, inputs, outputs, initializers)
    opsets = [helper.make_opsetid("", 13)] + ([helper.make_opsetid("ai.onnx.ml", 3)] if ml else [])
    model = helper.make_model(graph, opset_imports=opsets, producer_name=producer, producer_version="fixture", model_version=1)
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, str(OUT / f"{name}.onnx"))


def one():
    return helper.make_tensor("one", TensorProto.FLOAT, [1], [1.0])


def logistic(x, y):
    lr = LogisticRegression(C=1.0, max_iter=1000).fit(x, y)
    w = helper.make_tensor("w", TensorProto.FLOAT, [len(FEATURES), 1], lr.coef_[0].astype(np.float32).tolist())
    b = helper.make_tensor("b", TensorProto.FLOAT, [1], [float(lr.intercept_[0])])
    nodes = [helper.make_node("Gemm", ["float_input", "w", "b"], ["margin"])]
    outputs = probabilities_tail(nodes, "margin")
    save("sklearn-logistic", nodes, [helper.make_tensor_value_info("float_input", TensorProto.FLOAT, [None, len(FEATURES)])],
         outputs, [w, b, one()], "skl2onnx-equivalent (scikit-learn LogisticRegression)")
    return lr


def tree_ensemble(trees, base, mode):
    """trees: list of node lists (node id, feature, threshold, true id, false id, missing→true, leaf value or None)."""
    a = {k: [] for k in ["nodes_treeids", "nodes_nodeids", "nodes_featureids", "nodes_values", "nodes_modes",
                         "nodes_truenodeids", "nodes_falsenodeids", "nodes_missing_value_tracks_true",
                         "target_treeids", "target_nodeids", "target_ids", "target_weights"]}
    for t, nodes in enumerate(trees):
        for (nid, feature, threshold, true_id, false_id, missing_true, leaf) in nodes:
            a["nodes_treeids"].append(t)
            a["nodes_nodeids"].append(nid)
            a["nodes_featureids"].append(feature if leaf is None else 0)
            a["nodes_values"].append(float(np.float32(threshold)) if leaf is None else 0.0)
            a["nodes_modes"].append(mode if leaf is None else "LEAF")
            a["nodes_truenodeids"].append(true_id if leaf is None else 0)
            a["nodes_falsenodeids"].append(false_id if leaf is None else 0)
            a["nodes_missing_value_tracks_true"].append(missing_true if leaf is None else 0)
            if leaf is not None:
                a["target_treeids"].append(t)
                a["target_nodeids"].append(nid)
                a["target_ids"].append(0)
                a["target_weights"].append(float(leaf))
    return helper.make_node("TreeEnsembleRegressor", ["x"], ["margin"], domain="ai.onnx.ml", n_targets=1,
                            aggregate_function="SUM", post_transform="NONE", base_values=[float(base)], **a)


def gradient_boosting(x, y):
    gbm = GradientBoostingClassifier(n_estimators=30, max_depth=3, learning_rate=0.1, random_state=7).fit(x, y)
    trees = []
    for estimator in gbm.estimators_[:, 0]:
        t = estimator.tree_
        nodes = []
        for i in range(t.node_count):
            if t.children_left[i] == -1:
                nodes.append((i, 0, 0.0, 0, 0, 0, t.value[i][0][0] * gbm.learning_rate))
            else:
                nodes.append((i, int(t.feature[i]), t.threshold[i], int(t.children_left[i]), int(t.children_right[i]), 0, None))
        trees.append(nodes)
    base = gbm._raw_predict_init(x[:1])[0][0]
    nodes = [helper.make_node("Concat", FEATURES, ["x"], axis=1), tree_ensemble(trees, base, "BRANCH_LEQ")]
    outputs = probabilities_tail(nodes, "margin")
    save("sklearn-gradient-boosting", nodes, [helper.make_tensor_value_info(f, TensorProto.FLOAT, [None, 1]) for f in FEATURES],
         outputs, [one()], "skl2onnx-equivalent (scikit-learn GradientBoostingClassifier)", ml=True)
    return gbm


def xgboost_model(x, y):
    booster = xgboost.train({"objective": "binary:logistic", "max_depth": 3, "eta": 0.3, "seed": 7, "nthread": 1, "base_score": 0.45},
                            xgboost.DMatrix(x, label=y), num_boost_round=20)
    trees = []
    for dump in booster.get_dump(dump_format="json"):
        nodes = []

        def walk(n):
            if "leaf" in n:
                nodes.append((n["nodeid"], 0, 0.0, 0, 0, 0, n["leaf"]))
                return
            nodes.append((n["nodeid"], int(n["split"][1:]), n["split_condition"], n["yes"], n["no"], int(n["missing"] == n["yes"]), None))
            for child in n["children"]:
                walk(child)

        walk(json.loads(dump))
        trees.append(sorted(nodes))
    base = json.loads(booster.save_config())["learner"]["learner_model_param"]["base_score"]
    p = float(base)
    nodes = [helper.make_node("Identity", ["float_input"], ["x"]), tree_ensemble(trees, math.log(p / (1 - p)), "BRANCH_LT")]
    outputs = probabilities_tail(nodes, "margin")
    save("xgboost-binary", nodes, [helper.make_tensor_value_info("float_input", TensorProto.FLOAT, [None, len(FEATURES)])],
         outputs, [one()], "onnxmltools-equivalent (XGBoost binary:logistic)", ml=True)
    return booster


def main(path):
    ids, x, y = read(path)
    fit, score = slice(0, len(ids) - 200), slice(len(ids) - 200, len(ids))
    lr = logistic(x[fit], y[fit])
    gbm = gradient_boosting(x[fit], y[fit])
    booster = xgboost_model(x[fit], y[fit])
    expected = {
        "sklearn-logistic": lr.predict_proba(x[score])[:, 1],
        "sklearn-gradient-boosting": gbm.predict_proba(x[score])[:, 1],
        "xgboost-binary": booster.predict(xgboost.DMatrix(x[score])),
    }
    with open(OUT / "rows.csv", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id"] + FEATURES)
        for i, row in zip(ids[score], x[score]):
            w.writerow([i] + [str(int(v)) for v in row])
    with open(OUT / "expected.csv", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id"] + list(expected))
        for k, i in enumerate(ids[score]):
            w.writerow([i] + [repr(float(expected[m][k])) for m in expected])


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared/datasets/compas/compas-two-years.csv")
