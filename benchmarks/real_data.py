"""neuronsim's defaults against scikit-learn's MLP on scikit-learn's bundled data sets.

    pip install scikit-learn            # optional: only this script needs it
    python3 benchmarks/real_data.py     # all five sets, 5 seeds (a few minutes)
    python3 benchmarks/real_data.py --sets iris,wine --seeds 3

For iris, wine, breast cancer and digits (classification: test accuracy) and
diabetes (regression: test R²), each seed makes a stratified 70/30 split
(``train_test_split(..., stratify=y, random_state=seed)``; diabetes is not
stratified).  Both sides get the same single hidden layer, the width
neuronsim's defaults choose (``neuronsim.defaults.hidden_width``):

* **neuronsim**: ``neuronsim.defaults.train`` on the *raw* training rows,
  nothing else given (the library call behind ``neuronsim train DATA.csv
  --layers N,H,M``, which computes the same weights): it standardizes the
  inputs (and a numeric target), holds out 10% for early stopping and keeps
  the best epoch.  ``--cli`` runs the command line itself on CSV files
  (``--classes`` declares the integer labels);
* **scikit-learn**: ``MLPClassifier``/``MLPRegressor(hidden_layer_sizes=(H,),
  random_state=seed)`` with every other option at its default, on inputs
  standardized with ``StandardScaler`` fitted on the training rows (the
  scaler's time counted in the fit).

Printed per set: the median and worst test score over the seeds, the median
wall time of the fit, and the median number of epochs, for both; how many
neuronsim runs diverged or predicted one constant; and, for reference, the
median score of scikit-learn with its own default hidden layer, (100,).  ``--markdown`` prints
the table as Markdown (as in docs/real-data.md).
"""

import argparse
import datetime
import os
import platform
import statistics
import sys
import time
import warnings

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from neuronsim import TrainingDiverged  # noqa: E402
from neuronsim import defaults  # noqa: E402
from neuronsim.scaling import one_hot  # noqa: E402

SETS = ("iris", "wine", "breast_cancer", "digits", "diabetes")


def load(name):
    import sklearn.datasets as datasets

    X, y = getattr(datasets, "load_" + name)(return_X_y=True)
    return [[float(v) for v in row] for row in X], list(y), name != "diabetes"


def split(X, y, classification, seed):
    from sklearn.model_selection import train_test_split

    return train_test_split(X, y, test_size=0.3, random_state=seed,
                            stratify=y if classification else None)


def r2(truth, predicted):
    mean = sum(truth) / len(truth)
    total = sum((t - mean) ** 2 for t in truth)
    residual = sum((t - p) ** 2 for t, p in zip(truth, predicted))
    return 1.0 - residual / total


def run_neuronsim(X_train, y_train, X_test, y_test, classification, hidden, seed):
    if classification:
        labels = [int(v) for v in y_train]
        classes, targets = one_hot(labels)
    else:
        classes, targets = None, [[float(v)] for v in y_train]
    samples = list(zip(X_train, targets))
    start = time.perf_counter()
    diverged = False
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            net, history = defaults.train(samples, hidden=[hidden], seed=seed, classes=classes)
    except TrainingDiverged:
        return {"score": float("nan"), "seconds": time.perf_counter() - start, "epochs": 0,
                "diverged": True, "constant": False, "warnings": 0}
    seconds = time.perf_counter() - start
    if classification:
        predicted = [net.classify(row) for row in X_test]
        score = sum(1 for p, t in zip(predicted, y_test) if p == int(t)) / len(y_test)
    else:
        predicted = [net.predict(row)[0] for row in X_test]
        score = r2([float(v) for v in y_test], predicted)
    return {"score": score, "seconds": seconds, "epochs": history.epochs, "diverged": diverged,
            "constant": len(set(predicted)) == 1, "warnings": len(caught),
            "best_epoch": history.best_epoch}


def run_cli(X_train, y_train, X_test, y_test, classification, hidden, seed):
    """The same through ``python -m neuronsim train``/``predict`` on CSV files (--cli);
    the time is the train command's, interpreter start and CSV reading included."""
    import subprocess
    import tempfile

    folder = tempfile.mkdtemp(prefix="neuronsim-real-data-")
    names = ["x%d" % (k + 1) for k in range(len(X_train[0]))]

    def write(path, X, y):
        with open(path, "w") as handle:
            handle.write(",".join(names + ["target"]) + "\n")
            for row, target in zip(X, y):
                label = str(int(target)) if classification else repr(float(target))
                handle.write(",".join(repr(v) for v in row) + "," + label + "\n")
    write(os.path.join(folder, "train.csv"), X_train, y_train)
    write(os.path.join(folder, "test.csv"), X_test, y_test)
    outputs = len(set(y_train)) if classification else 1
    command = [sys.executable, "-m", "neuronsim", "train", "train.csv", "--layers",
               "%d,%d,%d" % (len(names), hidden, outputs), "--seed", str(seed), "--quiet",
               "--out", "model.json"] + (["--classes"] if classification else [])
    env = dict(os.environ, PYTHONPATH=ROOT)
    start = time.perf_counter()
    trained = subprocess.run(command, cwd=folder, env=env)
    seconds = time.perf_counter() - start
    if trained.returncode != 0:
        return {"score": float("nan"), "seconds": seconds, "epochs": 0, "diverged": True,
                "constant": False}
    result = subprocess.run([sys.executable, "-m", "neuronsim", "predict", "model.json",
                             "test.csv"], cwd=folder, env=env, stdout=subprocess.PIPE,
                            universal_newlines=True, check=True)
    rows = [line.split(",") for line in result.stdout.splitlines()[1:]]
    import json
    with open(os.path.join(folder, "model.json")) as handle:
        epochs = json.load(handle)["metadata"]["training"]["epochs"]
    if classification:
        predicted = [row[-1] for row in rows]
        score = sum(1 for p, t in zip(predicted, y_test) if p == str(int(t))) / len(y_test)
    else:
        predicted = [float(row[0]) for row in rows]
        score = r2([float(v) for v in y_test], predicted)
    return {"score": score, "seconds": seconds, "epochs": epochs, "diverged": False,
            "constant": len(set(predicted)) == 1}


def run_sklearn(X_train, y_train, X_test, y_test, classification, hidden, seed):
    """scikit-learn with the same hidden width, and (score only) with its own default (100,)."""
    result = fit_sklearn(X_train, y_train, X_test, y_test, classification, (hidden,), seed)
    result["score_100"] = fit_sklearn(X_train, y_train, X_test, y_test, classification, (100,),
                                      seed)["score"]
    return result


def fit_sklearn(X_train, y_train, X_test, y_test, classification, hidden, seed):
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier, MLPRegressor
    from sklearn.preprocessing import StandardScaler

    model = (MLPClassifier if classification else MLPRegressor)(
        hidden_layer_sizes=hidden, random_state=seed)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        scaler = StandardScaler().fit(X_train)
        model.fit(scaler.transform(X_train), y_train)
    seconds = time.perf_counter() - start
    return {"score": model.score(scaler.transform(X_test), y_test), "seconds": seconds,
            "epochs": model.n_iter_}


def summary(runs, key):
    values = [run[key] for run in runs]
    return statistics.median(values), min(values)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default=",".join(SETS),
                        help="comma-separated, from %s" % ", ".join(SETS))
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--cli", action="store_true", help="run neuronsim through its command "
                        "line on CSV files (times then include starting Python and reading "
                        "the file)")
    args = parser.parse_args(argv)
    import sklearn

    rows = []
    for name in args.sets.split(","):
        X, y, classification = load(name)
        num_outputs = len(set(y)) if classification else 1
        hidden = defaults.hidden_width(len(X[0]), num_outputs)
        ours, theirs = [], []
        for seed in range(args.seeds):
            X_train, X_test, y_train, y_test = split(X, y, classification, seed)
            ours.append((run_cli if args.cli else run_neuronsim)(
                X_train, y_train, X_test, y_test, classification, hidden, seed))
            theirs.append(run_sklearn(X_train, y_train, X_test, y_test, classification, hidden,
                                      seed))
            print("%s seed %d: neuronsim %.4f in %.2fs (%d epochs), scikit-learn %.4f in %.2fs "
                  "(%d epochs)" % (name, seed, ours[-1]["score"], ours[-1]["seconds"],
                                   ours[-1]["epochs"], theirs[-1]["score"],
                                   theirs[-1]["seconds"], theirs[-1]["epochs"]),
                  file=sys.stderr)
        rows.append((name, len(X[0]), hidden, num_outputs, classification, ours, theirs))

    when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")
    print("neuronsim defaults vs scikit-learn %s, %d seeds, %s, %s %s, %s"
          % (sklearn.__version__, args.seeds, when, platform.python_implementation(),
             platform.python_version(), platform.machine()))
    given = sys.argv[1:] if argv is None else argv
    print("command: python3 benchmarks/real_data.py%s" % ("".join(" " + a for a in given)))
    head = ("set", "layers", "metric", "neuronsim median", "worst", "sklearn median", "worst",
            "neuronsim s", "sklearn s", "time ratio", "neuronsim epochs", "sklearn epochs",
            "diverged/constant", "sklearn (100,) median")
    lines = []
    for name, inputs, hidden, outputs, classification, ours, theirs in rows:
        our_median, our_worst = summary(ours, "score")
        their_median, their_worst = summary(theirs, "score")
        our_time = statistics.median(run["seconds"] for run in ours)
        their_time = statistics.median(run["seconds"] for run in theirs)
        fmt = (lambda v: "%.1f%%" % (100 * v)) if classification else (lambda v: "%.3f" % v)
        bad = sum(1 for run in ours if run["diverged"] or run["constant"])
        lines.append((name, "%d-%d-%d" % (inputs, hidden, outputs),
                      "accuracy" if classification else "R²", fmt(our_median), fmt(our_worst),
                      fmt(their_median), fmt(their_worst), "%.2f" % our_time,
                      "%.2f" % their_time, "%.1f×" % (our_time / their_time),
                      "%d" % statistics.median(run["epochs"] for run in ours),
                      "%d" % statistics.median(run["epochs"] for run in theirs), str(bad),
                      fmt(statistics.median(run["score_100"] for run in theirs))))
    if args.markdown:
        print("| " + " | ".join(head) + " |")
        print("|" + "|".join("---" for _ in head) + "|")
        for line in lines:
            print("| " + " | ".join(line) + " |")
    else:
        widths = [max(len(str(row[i])) for row in [head] + lines) for i in range(len(head))]
        for row in [head] + lines:
            print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths)))


if __name__ == "__main__":
    main()
