"""Objective evaluations per iteration of scikit-learn's lbfgs solver
(scipy's L-BFGS-B) on compare.py's problems: the reference for issue 21's
"evaluations per iteration" count, which the `fit` example reports for
logreg as "iterations (evaluations)" in compare.py's tables.

    /tmp/venv/bin/python bench/lbfgs_evaluations.py

Same data (compare.py's generator and seeds) and settings (C = 1,
tol = 1e-6, max_iter = 1000). scikit-learn keeps scipy's result to itself,
so scipy.optimize.minimize is wrapped to record its nit and nfev; nfev
counts the start point's evaluation, as logreg's count does.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import compare  # noqa: E402
import sklearn.linear_model._logistic as logistic  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402

PROBLEMS = ["1000000x100x2", "100000x100x2", "100000x50x10", "10000x10x2", "100000x20x2", "50000x20x10"]


def main():
    runs = []
    minimize = logistic.optimize.minimize

    def recording(*args, **kwargs):
        result = minimize(*args, **kwargs)
        runs.append((result.nit, result.nfev))
        return result

    logistic.optimize.minimize = recording
    total_iterations = total_evaluations = 0
    print("| problem | iterations | evaluations | per iteration |")
    print("|---|---:|---:|---:|")
    for spec in sys.argv[1:] or PROBLEMS:
        n, d, k = map(int, spec.split("x"))
        x, y = compare.make_data(n, d, k, seed=n + d + k)
        runs.clear()
        LogisticRegression(C=1.0, tol=1e-6, max_iter=1000, solver="lbfgs").fit(x, y)
        (iterations, evaluations), = runs
        total_iterations += iterations
        total_evaluations += evaluations
        print(f"| {n:,} × {d}, {k} classes | {iterations} | {evaluations} | {evaluations / iterations:.3f} |")
    print(f"| all | {total_iterations} | {total_evaluations} | {total_evaluations / total_iterations:.3f} |")


if __name__ == "__main__":
    main()
