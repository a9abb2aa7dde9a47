"""The iris data are Fisher's, and the iris demo prints what it promises."""

import csv
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CSV = os.path.join(ROOT, "demos", "data", "iris.csv")


def test_the_csv_holds_fishers_150_flowers():
    with open(CSV, newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 150
    species = ["setosa", "versicolor", "virginica"]
    assert [r["species"] for r in rows] == [s for s in species for _ in range(50)]
    # Published per-species means of Fisher's table (cm), to 3 decimals.
    means = {"setosa": [5.006, 3.428, 1.462, 0.246],
             "versicolor": [5.936, 2.770, 4.260, 1.326],
             "virginica": [6.588, 2.974, 5.552, 2.026]}
    features = ["sepal_length", "sepal_width", "petal_length", "petal_width"]
    for name in species:
        group = [r for r in rows if r["species"] == name]
        got = [round(sum(float(r[f]) for r in group) / 50, 3) for f in features]
        assert got == means[name], name
    assert rows[0] == {"sepal_length": "5.1", "sepal_width": "3.5", "petal_length": "1.4",
                       "petal_width": "0.2", "species": "setosa"}
    assert [rows[34][f] for f in features] == ["4.9", "3.1", "1.5", "0.2"]   # flower 35
    assert [rows[37][f] for f in features] == ["4.9", "3.6", "1.4", "0.1"]   # flower 38


def test_iris_demo_prints_accuracy_and_a_consistent_confusion_matrix():
    result = subprocess.run([sys.executable, os.path.join(ROOT, "demos", "iris.py")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            universal_newlines=True, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    accuracy = float(re.search(r"test accuracy ([0-9.]+)", out).group(1))
    assert accuracy >= 0.95
    rows = re.findall(r"^\s*(setosa|versicolor|virginica)\s+(\d+)\s+(\d+)\s+(\d+)$", out, re.M)
    assert [r[0] for r in rows] == ["setosa", "versicolor", "virginica"]
    matrix = [[int(n) for n in r[1:]] for r in rows]
    assert [sum(r) for r in matrix] == [15, 15, 15]
    assert abs(sum(matrix[k][k] for k in range(3)) / 45 - accuracy) < 1e-4
