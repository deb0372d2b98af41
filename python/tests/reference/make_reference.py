"""Writes parity.json: scikit-learn 1.9.1's LogisticRegression on the four
data sets that ship with scikit-learn, for L2, L1 and elastic net.

Run with scikit-learn 1.9.1 (e.g. /work/venv/bin/python):
    python python/tests/reference/make_reference.py
L2 on the raw features (solver="newton-cholesky", tol=1e-12); L1 and
elastic net on standardized features (StandardScaler; solver="saga",
tol=1e-10, max_iter=100000: saga needs ~40,000 epochs on digits, ~6 min,
which is why the references are stored instead of recomputed in CI).
"""

import json
import pathlib
import sys
import warnings

import numpy as np
import sklearn
from sklearn import datasets
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

DATASETS = ["iris", "breast_cancer", "wine", "digits"]
# name: (C, l1_ratio, solver, tol, standardized)
PENALTIES = {
    "l2": (1.0, 0.0, "newton-cholesky", 1e-12, False),
    "l1": (0.5, 1.0, "saga", 1e-10, True),
    "elasticnet": (0.5, 0.5, "saga", 1e-10, True),
}


def main():
    out = {"sklearn": sklearn.__version__, "fits": {}}
    for name in DATASETS:
        X, y = getattr(datasets, "load_" + name)(return_X_y=True)
        for penalty, (C, l1_ratio, solver, tol, standardized) in PENALTIES.items():
            Xf = StandardScaler().fit_transform(X) if standardized else X
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                model = LogisticRegression(
                    C=C, l1_ratio=l1_ratio, solver=solver, tol=tol, max_iter=100000
                ).fit(Xf, y)
            out["fits"][f"{name}/{penalty}"] = {
                "C": C,
                "l1_ratio": l1_ratio,
                "standardized": standardized,
                "solver": solver,
                "tol": tol,
                "n_iter": int(model.n_iter_[0]),
                "coef": model.coef_.tolist(),
                "intercept": model.intercept_.tolist(),
            }
            print(name, penalty, model.n_iter_, file=sys.stderr)
    path = pathlib.Path(__file__).with_name("parity.json")
    path.write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()
