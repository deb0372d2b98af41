"""Produces tests/inference_values.rs: robust and cluster-robust standard
errors, average marginal effects and prediction intervals from statsmodels
0.15 (Logit and MNLogit), for tests/inference_robust.rs.

Run from the repository root with the venv of tests/reference/requirements.txt:

    /work/venv/bin/python tests/reference/make_inference_reference.py
    rustfmt --edition 2024 tests/inference_values.rs

It (re)writes tests/data/clustered.csv (seeded: 1,200 rows, 4 features, 30
clusters with a random effect per cluster, a binary label `y` and a 3-class
label `y3`). Every fit is checked to have converged with a gradient below
1e-8 before values are written. Layouts are the crate's: one row per
modelled class (statsmodels' columns), intercept first.
"""
import numpy as np
import statsmodels
import statsmodels.api as sm
from scipy.stats import norm
from statsmodels.tools.numdiff import approx_fprime_cs

OUT = "tests/inference_values.rs"
assert statsmodels.__version__.startswith("0.15"), statsmodels.__version__


def spector():
    d = np.loadtxt("examples/data/spector.csv", delimiter=",", skiprows=1)
    return d[:, :3], d[:, 3].astype(int), np.arange(32) % 8


def anes96():
    d = np.loadtxt("tests/data/anes96.csv", delimiter=",", skiprows=1)
    return d[:, :5], d[:, 5].astype(int), np.arange(d.shape[0]) % 25


def make_clustered():
    rng = np.random.default_rng(20261201)
    n, g, d = 1200, 30, 4
    group = rng.integers(0, g, size=n)
    effect = rng.normal(0.0, 0.8, size=g)
    x = rng.normal(size=(n, d)) * np.array([1.0, 0.5, 2.0, 1.0])
    x[:, 3] += 0.5 * effect[group]  # a feature correlated within clusters
    eta = -0.4 + x @ np.array([0.8, -1.0, 0.3, 0.5]) + effect[group]
    y = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(int)
    eta3 = np.stack([np.zeros(n), 0.2 + x @ np.array([0.6, -0.4, 0.2, 0.3]) + effect[group],
                     -0.3 + x @ np.array([-0.5, 0.7, 0.1, 0.6]) - effect[group]], axis=1)
    p3 = np.exp(eta3 - eta3.max(axis=1, keepdims=True))
    p3 /= p3.sum(axis=1, keepdims=True)
    u = rng.random(n)
    y3 = (u[:, None] > np.cumsum(p3, axis=1)).sum(axis=1)
    with open("tests/data/clustered.csv", "w") as f:
        f.write("x0,x1,x2,x3,group,y,y3\n")
        for row, gi, yi, y3i in zip(x, group, y, y3):
            f.write(",".join(repr(float(v)) for v in row) + f",{gi},{yi},{y3i}\n")
    data = np.loadtxt("tests/data/clustered.csv", delimiter=",", skiprows=1)
    return data[:, :4], data[:, 5].astype(int), data[:, 6].astype(int), data[:, 4].astype(int)


lines = [
    "//! Reference values from statsmodels "
    + statsmodels.__version__
    + ", written by tests/reference/make_inference_reference.py (do not edit).",
    "#![allow(clippy::excessive_precision, clippy::unreadable_literal, dead_code)]",
    "",
]


def emit(name, values):
    flat = np.asarray(values, dtype=float).ravel()
    lines.append(f"pub const {name}: &[f64] = &[" + ", ".join(repr(float(v)) for v in flat) + "];")


def fit(model_cls, y, X, **kw):
    model = model_cls(y, X)
    r = model.fit(method="newton", maxiter=200, tol=1e-14, disp=0, **kw)
    grad = model.score(r.params.ravel(order="F") if r.params.ndim > 1 else r.params)
    assert np.max(np.abs(grad)) < 1e-8, np.max(np.abs(grad))
    return r


def logit_case(tag, x, y, groups):
    # No HC1 here: statsmodels 0.15's discrete models return HC0 for
    # cov_type="HC1" (no n/(n - p) factor; checked: the ratio is exactly 1),
    # so the crate's HC1 is tested by its formula against its HC0.
    X = sm.add_constant(x)
    covs = {
        "NONROBUST": {},
        "HC0": {"cov_type": "HC0"},
        "CLUSTER": {"cov_type": "cluster", "cov_kwds": {"groups": groups}},
    }
    for cname, kw in covs.items():
        r = fit(sm.Logit, y, X, **kw)
        emit(f"{tag}_{cname}_BSE", r.bse)
        emit(f"{tag}_{cname}_P", r.pvalues)
        m = r.get_margeff(at="overall", method="dydx")
        emit(f"{tag}_{cname}_MARGEFF", m.margeff)
        emit(f"{tag}_{cname}_MARGEFF_SE", m.margeff_se)
        frame = r.get_prediction(X[:6]).summary_frame(alpha=0.05)
        for col in ["predicted", "se", "ci_lower", "ci_upper"]:
            emit(f"{tag}_{cname}_PRED_{col.upper()}", frame[col].to_numpy())
    emit(f"{tag}_PARAMS", r.params)
    emit(f"{tag}_GROUPS", groups)


def mnlogit_case(tag, x, y, groups):
    X = sm.add_constant(x)
    covs = {
        "NONROBUST": {},
        "HC0": {"cov_type": "HC0"},
        "CLUSTER": {"cov_type": "cluster", "cov_kwds": {"groups": groups}},
    }
    for cname, kw in covs.items():
        r = fit(sm.MNLogit, y, X, **kw)
        # statsmodels: (p, K-1); the crate: (K-1, p).
        emit(f"{tag}_{cname}_BSE", np.asarray(r.bse).T)
        m = r.get_margeff(at="overall", method="dydx")
        # statsmodels: (d, K); the crate: (K, d).
        emit(f"{tag}_{cname}_MARGEFF", np.asarray(m.margeff).T)
        emit(f"{tag}_{cname}_MARGEFF_SE", np.asarray(m.margeff_se).T)
        # Prediction: statsmodels 0.15 has no get_prediction for MNLogit, so
        # the reference is the delta method on the softmax built from
        # statsmodels' pieces: the complex-step Jacobian (numdiff) of
        # model.predict with respect to the parameters and r.cov_params();
        # interval p ± z·se.
        params = np.asarray(r.params)
        shape = params.shape

        def proba(flat):
            return r.model.predict(flat.reshape(shape, order="F"), exog=X[:6]).ravel()

        jac = approx_fprime_cs(params.ravel(order="F"), proba)
        cov = np.asarray(r.cov_params())
        se = np.sqrt(np.einsum("ij,jk,ik->i", jac, cov, jac)).reshape(6, -1)
        predicted = proba(params.ravel(order="F")).reshape(6, -1)
        z = norm.ppf(0.975)
        emit(f"{tag}_{cname}_PRED_PREDICTED", predicted)
        emit(f"{tag}_{cname}_PRED_SE", se)
        emit(f"{tag}_{cname}_PRED_CI_LOWER", predicted - z * se)
        emit(f"{tag}_{cname}_PRED_CI_UPPER", predicted + z * se)
    emit(f"{tag}_GROUPS", groups)


x, y, g = spector()
logit_case("SPECTOR", x, y, g)
xc, yc, y3c, gc = make_clustered()
logit_case("CLUSTERED", xc, yc, gc)
mnlogit_case("CLUSTERED3", xc, y3c, gc)
xa, ya, ga = anes96()
mnlogit_case("ANES", xa, ya, ga)

with open(OUT, "w") as f:
    f.write("\n".join(lines) + "\n")
print("wrote", OUT)
