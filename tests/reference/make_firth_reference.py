"""Produces tests/firth_values.rs: Firth's penalized logistic regression from
firthmodels (PyPI, https://github.com/jzluo/firthmodels), for tests/inference_firth.rs.

Run from the repository root:

    /work/venv/bin/pip install firthmodels==0.8.2 numba==0.68.1
    /work/venv/bin/python tests/reference/make_firth_reference.py
    rustfmt --edition 2024 tests/firth_values.rs

It (re)writes two seeded data sets: tests/data/firth_separated.csv (40 rows,
2 features, completely separated by x0) and tests/data/firth_rare.csv (600
rows, 3 features, under 10% positives), and fits both with seeded
non-integer sample weights. firthmodels is run with tight
tolerances (gtol = xtol = 1e-8; Fisher scoring converges linearly and stalls near 1e-9, profile tol 1e-10) so that its own stopping
error is far below the test tolerances. Values are in the crate's summary
layout: intercept first, then the features.
"""
import numpy as np
import firthmodels
from firthmodels import FirthLogisticRegression

OUT = "tests/firth_values.rs"


def write(path, x, y):
    with open(path, "w") as f:
        f.write(",".join(f"x{j}" for j in range(x.shape[1])) + ",y\n")
        for row, label in zip(x, y):
            f.write(",".join(repr(float(v)) for v in row) + f",{label}\n")
    d = np.loadtxt(path, delimiter=",", skiprows=1)
    return d[:, :-1], d[:, -1].astype(int)


def separated():
    rng = np.random.default_rng(7)
    x = rng.normal(size=(40, 2))
    y = (x[:, 0] > 0.1).astype(int)
    return write("tests/data/firth_separated.csv", x, y)


def rare():
    rng = np.random.default_rng(11)
    x = rng.normal(size=(600, 3))
    eta = -3.4 + x @ np.array([0.9, -0.5, 0.0])
    y = (rng.random(600) < 1 / (1 + np.exp(-eta))).astype(int)
    assert y.mean() < 0.1, y.mean()
    return write("tests/data/firth_rare.csv", x, y)


lines = [
    "//! Reference values from firthmodels "
    + getattr(firthmodels, "__version__", "0.8.2")
    + ", written by tests/reference/make_firth_reference.py (do not edit).",
    "#![allow(clippy::excessive_precision, clippy::unreadable_literal, dead_code)]",
    "",
]


def emit(name, values):
    flat = np.asarray(values, dtype=float).ravel()
    lines.append(f"pub const {name}: &[f64] = &[" + ", ".join(repr(float(v)) for v in flat) + "];")


def reorder(v):
    v = np.asarray(v)
    return np.concatenate([v[-1:], v[:-1]])


for tag, (x, y) in [("SEPARATED", separated()), ("RARE", rare())]:
    m = FirthLogisticRegression(max_iter=500, gtol=1e-8, xtol=1e-8).fit(x, y)
    # firthmodels picks its numba backend when numba is installed (the
    # recorded values); its numpy backend agrees to 2e-9. With numpy 2.4 /
    # numba 0.68, the separated fit ends in "step-halving
    # failed" at 1e-8 (no step improves the penalized log-likelihood in
    # floating point): accepted as converged when it stopped before max_iter.
    assert m.converged_ or m.n_iter_ < 500, (tag, m.n_iter_)
    # The constrained fits of lrt() use the model's tolerances; at 1e-8 some
    # stall short of them (NaN; 1e-7 too); at 1e-6 all are finite and agree with 1e-4 and 1e-5 to every printed digit.
    lrt = FirthLogisticRegression(max_iter=500, gtol=1e-6, xtol=1e-6).fit(x, y).lrt()
    assert np.all(np.isfinite(lrt.lrt_pvalues_)), lrt.lrt_pvalues_
    ci = m.conf_int(alpha=0.05, method="pl", tol=1e-10, max_iter=200)
    emit(f"{tag}_PARAMS", np.concatenate([[m.intercept_], m.coef_]))
    emit(f"{tag}_BSE", reorder(m.bse_))
    emit(f"{tag}_WALD_P", reorder(m.pvalues_))
    emit(f"{tag}_LRT_P", reorder(lrt.lrt_pvalues_))
    emit(f"{tag}_PL_LOWER", reorder(ci[:, 0]))
    emit(f"{tag}_PL_UPPER", reorder(ci[:, 1]))
    emit(f"{tag}_PENALIZED_LOGLIK", [m.loglik_])
    print(tag, "positives", y.mean(), "params", m.intercept_, m.coef_)

# Weighted fits (firthmodels' sample_weight: each weight multiplies the row's
# log-likelihood term and its Fisher-information weight, so the hat values
# and the Jeffreys term see the weights as repeated rows would). Seeded
# non-integer weights in [0.2, 3); the test reads them from *_WEIGHTS.
for tag, (x, y), seed in [
    ("SEPARATED_WEIGHTED", separated(), 23),
    ("RARE_WEIGHTED", rare(), 29),
]:
    w = np.random.default_rng(seed).uniform(0.2, 3.0, size=len(y))
    m = FirthLogisticRegression(max_iter=500, gtol=1e-8, xtol=1e-8).fit(x, y, sample_weight=w)
    assert m.converged_ or m.n_iter_ < 500, (tag, m.n_iter_)
    emit(f"{tag}_WEIGHTS", w)
    emit(f"{tag}_PARAMS", np.concatenate([[m.intercept_], m.coef_]))
    emit(f"{tag}_BSE", reorder(m.bse_))
    emit(f"{tag}_PENALIZED_LOGLIK", [m.loglik_])
    print(tag, "params", m.intercept_, m.coef_)

with open(OUT, "w") as f:
    f.write("\n".join(lines) + "\n")
print("wrote", OUT)
