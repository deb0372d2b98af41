"""Times logreg's lasso path and cross-validation against scikit-learn on the
same seeded data and grid, and writes the table to BENCHMARKS.md.

    cargo build --release --example fit
    /tmp/venv/bin/python bench/compare_l1.py        # section "l1" of BENCHMARKS.md

Data: bench/compare.py's `make_data` (correlated Gaussian features, labels
from a noisy linear model), binary. The grid: `--n-alphas` values from
alpha_max (every coefficient zero) down to alpha_max * `--min-ratio`, log-spaced,
computed here and given to both sides. The crate's alpha is scikit-learn's
1/(C n_train), so with equal fold sizes both cross-validations fit exactly the
same objectives.

- path: logreg's `path` (warm starts, strong rules, coordinate descent)
  against scikit-learn's documented way to trace an L1 path, a loop over C
  with `warm_start=True`, here with saga (liblinear would penalize the
  intercept, a different objective). The objective gap is the largest over the grid of
  (sklearn's objective - logreg's) / logreg's, both evaluated here.
- cv: `fit --cv K` (folds in parallel) against `LogisticRegressionCV(Cs=...,
  cv=StratifiedKFold(K), solver="saga", l1_ratios=(1.0,), n_jobs=2)`.
"""
import argparse
import json
import subprocess
import sys
import tempfile
import time
import os

sys.path.insert(0, os.path.dirname(__file__))
from compare import FIT, FIT_ENV, make_data, write_section  # noqa: E402

import numpy as np  # noqa: E402
import platform  # noqa: E402
import sklearn  # noqa: E402
import warnings  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.linear_model import LogisticRegression, LogisticRegressionCV  # noqa: E402
from sklearn.model_selection import StratifiedKFold  # noqa: E402


def lasso_objective(x, y, coef, intercept, alpha):
    eta = x @ np.ravel(coef) + float(np.ravel(intercept)[0])
    return np.mean(np.logaddexp(0, eta) - y * eta) + alpha * np.abs(coef).sum()


def alpha_grid(x, y, n_alphas, min_ratio):
    top = np.max(np.abs(x.T @ (y.mean() - y))) / len(y)
    return top * np.geomspace(1.0, min_ratio, n_alphas)


def sklearn_path(x, y, alphas, tol):
    n = len(y)
    model = LogisticRegression(solver="saga", l1_ratio=1.0, tol=tol, max_iter=100_000, warm_start=True)
    objectives = []
    start = time.perf_counter()
    for alpha in alphas:
        model.set_params(C=1.0 / (alpha * n))
        model.fit(x, y)
        objectives.append(lasso_objective(x, y, model.coef_, model.intercept_, alpha))
    return time.perf_counter() - start, np.array(objectives)


def sklearn_cv(x, y, alphas, folds, tol):
    n_train = len(y) * (folds - 1) // folds
    model = LogisticRegressionCV(
        Cs=list(1.0 / (alphas * n_train)), cv=StratifiedKFold(folds), solver="saga", l1_ratios=(1.0,),
        tol=tol, max_iter=100_000, scoring="neg_log_loss", n_jobs=2)
    start = time.perf_counter()
    model.fit(x, y)
    elapsed = time.perf_counter() - start
    best_alpha = 1.0 / (float(np.ravel(model.C_)[0]) * n_train)
    return elapsed, best_alpha


def run_fit(args):
    out = subprocess.run([FIT] + args + ["--json"], check=True, capture_output=True, text=True, env=FIT_ENV)
    return json.loads(out.stdout)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--d", type=int, default=100)
    parser.add_argument("--n-alphas", type=int, default=100)
    parser.add_argument("--min-ratio", type=float, default=1e-2)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--tol", type=float, default=1e-4, help="scikit-learn's tol")
    parser.add_argument("--logreg-tol", type=float, default=1e-6, help="logreg's tol (max subgradient)")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--output", default="BENCHMARKS.md")
    args = parser.parse_args()
    assert args.n % args.folds == 0, "equal folds keep alpha = 1/(C n_train) the same on every fold"
    warnings.simplefilter("ignore", ConvergenceWarning)
    warnings.simplefilter("ignore", FutureWarning)  # LogisticRegressionCV attribute layout in 1.10

    x, y = make_data(args.n, args.d, 2, seed=0)
    alphas = alpha_grid(x, y, args.n_alphas, args.min_ratio)
    with tempfile.TemporaryDirectory() as tmp:
        xpath, ypath = os.path.join(tmp, "x.npy"), os.path.join(tmp, "y.npy")
        np.save(xpath, x)
        np.save(ypath, y)
        common = ["--data", xpath, "--target", ypath, "--penalty", "l1", "--tol", repr(args.logreg_tol),
                  "--max-iter", "100000", "--alphas", ",".join(repr(float(a)) for a in alphas)]
        ours_path = min((run_fit(common) for _ in range(args.repeats)), key=lambda o: o["fit_seconds"])
        ours_cv = min((run_fit(common + ["--cv", str(args.folds), "--scoring", "neg_log_loss"])
                       for _ in range(args.repeats)), key=lambda o: o["fit_seconds"])
    their_path = min((sklearn_path(x, y, alphas, args.tol) for _ in range(args.repeats)), key=lambda r: r[0])
    their_cv = min((sklearn_cv(x, y, alphas, args.folds, args.tol) for _ in range(args.repeats)),
                   key=lambda r: r[0])

    ours_objective = np.array(ours_path["objective"])
    gap = np.max((their_path[1] - ours_objective) / ours_objective)
    cpu = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    command = ("python bench/compare_l1.py " + " ".join(sys.argv[1:])).strip()
    lines = [
        f"- Machine: {platform.machine()}, {cpu} cores; Python {platform.python_version()}, "
        f"scikit-learn {sklearn.__version__}, numpy {np.__version__}.",
        f"- Data: `make_data({args.n}, {args.d}, 2, seed=0)` (bench/compare.py); L1 penalty; "
        f"{args.n_alphas} alphas from alpha_max = {alphas[0]:.4g} down to {alphas[-1]:.4g}, log-spaced; "
        f"logreg tol {args.logreg_tol} (max subgradient), scikit-learn saga tol {args.tol}; "
        f"time = minimum of {args.repeats} runs.",
        f"- Reproduce: `cargo build --release --example fit && {command}` "
        "(in a venv with `pip install -r bench/requirements.txt`).",
        f"- Largest objective gap over the path, (scikit-learn − logreg) / logreg: {gap:.1e} "
        "(positive: logreg's solutions are lower).",
        "",
        "| task | scikit-learn (s) | logreg (s) | speed-up |",
        "|---|---:|---:|---:|",
        f"| path, {args.n_alphas} alphas (sklearn: warm-started saga loop) | {their_path[0]:.3f} | "
        f"{ours_path['fit_seconds']:.3f} | {their_path[0] / ours_path['fit_seconds']:.1f}× |",
        f"| {args.folds}-fold CV + refit (sklearn: LogisticRegressionCV saga, n_jobs=2) | {their_cv[0]:.3f} | "
        f"{ours_cv['fit_seconds']:.3f} | {their_cv[0] / ours_cv['fit_seconds']:.1f}× |",
        "",
        f"Best alpha by neg log loss: scikit-learn {their_cv[1]:.4g}, logreg {ours_cv['best_alpha']:.4g} "
        "(different fold assignments, same grid).",
    ]
    body = "\n".join(lines) + "\n"
    print(body)
    write_section(args.output, "l1", body)


if __name__ == "__main__":
    main()
