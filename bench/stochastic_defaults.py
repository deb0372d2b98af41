"""Objective gaps of the stochastic solvers at their defaults on small data
sets (issue 16): iris as shipped (raw and standardized) and seeded,
standardized sets of 150-2,000 rows with 2, 3 and 10 classes, with and
without class imbalance. The optimum is the crate's Newton at tol 1e-12.

    cargo build --release --example fit
    python bench/stochastic_defaults.py [--solvers sgd adam] [--tol 1e-4]

Prints one line per (set, solver): objective gap (objective / optimum - 1),
epochs, termination. Needs numpy only.
"""
import argparse
import csv
import json
import os
import subprocess
import tempfile

import numpy as np

FIT = os.path.join("target", "release", "examples", "fit")
IRIS = os.path.join("examples", "data", "iris.csv")


def make_set(n, d, k, imbalanced, seed):
    """Correlated Gaussian features (as bench/compare.py), labels from a
    noisy linear model; imbalanced: one class gets ~70% of the rows. The
    features are standardized."""
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((n, d))
    x = z.copy()
    for j in range(1, d):
        x[:, j] = 0.5 * x[:, j - 1] + np.sqrt(0.75) * z[:, j]
    w = 1.5 * rng.standard_normal((k, d)) / np.sqrt(d)
    shift = np.zeros(k)
    if imbalanced:
        shift[0] = 2.0
    y = (x @ w.T + shift + rng.gumbel(size=(n, k))).argmax(axis=1)
    x = (x - x.mean(axis=0)) / x.std(axis=0)
    return np.ascontiguousarray(x), y.astype(np.int64)


SETS = [(150, 4, 2, False), (150, 4, 3, True), (300, 5, 3, True), (500, 8, 2, True),
        (800, 3, 2, False), (1000, 10, 3, False), (2000, 10, 10, False), (2000, 6, 10, True)]


def fit(args):
    out = subprocess.run([FIT] + args + ["--json"], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--solvers", nargs="*", default=["sgd", "adam"])
    parser.add_argument("--tol", type=float, default=1e-4)
    parser.add_argument("--max-iter", type=int, default=1000)
    args = parser.parse_args()
    common = ["--tol", repr(args.tol), "--max-iter", str(args.max_iter)]
    with tempfile.TemporaryDirectory() as tmp:
        problems = [("iris", ["--csv", IRIS, "--target-column", "species"]),
                    ("iris --standardize", ["--csv", IRIS, "--target-column", "species", "--standardize"])]
        for n, d, k, imbalanced in SETS:
            x, y = make_set(n, d, k, imbalanced, seed=n + d + k)
            name = f"{n}x{d}, {k} classes{', imbalanced' if imbalanced else ''}"
            xp, yp = os.path.join(tmp, f"x{len(problems)}.npy"), os.path.join(tmp, f"y{len(problems)}.npy")
            np.save(xp, x)
            np.save(yp, y)
            problems.append((name, ["--data", xp, "--target", yp]))
        worst = {}
        for name, data in problems:
            optimum = fit(data + ["--solver", "newton", "--tol", "1e-12", "--max-iter", "100"])["objective"]
            for solver in args.solvers:
                out = fit(data + ["--solver", solver] + common)
                gap = out["objective"] / optimum - 1
                worst[solver] = max(worst.get(solver, 0.0), gap) if "iris" not in name or "standardize" in name else worst.get(solver, 0.0)
                print(f"{name:32s} {solver:5s} gap {gap:9.2e}  epochs {out['n_iter']:4d}  {out['termination']}"
                      f"  grad_max {out['grad_max']:.1e}", flush=True)
        for solver, gap in worst.items():
            print(f"worst gap of {solver} (all but raw iris): {gap:.2e}")


if __name__ == "__main__":
    main()
