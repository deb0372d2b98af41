"""Produces tests/mnlogit_lr_values.rs: likelihood-ratio p-values and 95%
profile-likelihood intervals per parameter of statsmodels 0.15 MNLogit fits,
for tests/inference_firth.rs.

Run from the repository root:

    /work/venv/bin/python tests/reference/make_mnlogit_lr_reference.py
    rustfmt --edition 2024 tests/mnlogit_lr_values.rs

statsmodels has no per-parameter LR test or profile interval for MNLogit, so
this script refits it: each parameter (class c against the first class,
column j; MNLogit's own parameterization) is held at a value and the others
maximized by Newton's method on MNLogit's own `loglike`, `score` and
`hessian` (step halving, until max |score| < 1e-9). The LR p-value holds it
at 0; a profile bound is where the profile log-likelihood falls by
chi2(1).ppf(0.95) / 2, bracketed by doubling steps of the Wald standard
error and solved by scipy's brentq (xtol 1e-12). Values are in the crate's
summary layout: one row per class 1..k (against class 0), the intercept
first, then the features; flattened row by row.

Data: tests/data/anes96.csv (944 rows, 5 features, 7 classes; statsmodels'
anes96) and tests/data/clustered.csv (1200 rows, 4 features, its 3-class
label y3).
"""
import numpy as np
import scipy
import statsmodels
import statsmodels.api as sm
from scipy.optimize import brentq
from scipy.stats import chi2

OUT = "tests/mnlogit_lr_values.rs"
GTOL = 1e-9


def load(path, features, label):
    with open(path) as f:
        header = f.readline().strip().split(",")
    d = np.loadtxt(path, delimiter=",", skiprows=1)
    x = d[:, [header.index(c) for c in features]]
    y = d[:, header.index(label)].astype(int)
    return sm.add_constant(x, prepend=True), y


def newton(model, theta, fixed=None):
    """Maximizes model.loglike over the parameters not in `fixed` (index)."""
    theta = theta.copy()
    free = np.array([j for j in range(theta.size) if j != fixed])
    ll = model.loglike(theta)
    for _ in range(200):
        g = model.score(theta)[free]
        if np.max(np.abs(g)) < GTOL:
            return theta, ll
        h = model.hessian(theta)[np.ix_(free, free)]
        step = np.linalg.solve(-h, g)
        scale = 1.0
        for _ in range(40):
            trial = theta.copy()
            trial[free] += scale * step
            ll_trial = model.loglike(trial)
            if ll_trial >= ll - 1e-12 * abs(ll):
                break
            scale /= 2
        theta, ll = trial, ll_trial
    raise RuntimeError(f"no convergence holding {fixed}")


def held(model, theta, j, value):
    start = theta.copy()
    start[j] = value
    return newton(model, start, fixed=j)


def reference(x, y):
    model = sm.MNLogit(y, x)
    fit = model.fit(method="newton", maxiter=100, disp=0)
    theta, ll = newton(model, fit.params.ravel(order="F"))
    se = np.sqrt(np.diag(np.linalg.inv(-model.hessian(theta))))
    lr = []
    for j in range(theta.size):
        _, ll0 = held(model, theta, j, 0.0)
        lr.append(chi2.sf(2 * (ll - ll0), 1))
    target = ll - chi2.ppf(0.95, 1) / 2
    lower, upper = [], []
    for j in range(theta.size):
        profile = lambda v: held(model, theta, j, v)[1] - target
        for direction, out in [(-1, lower), (1, upper)]:
            width = se[j]
            inner = theta[j]
            while profile(theta[j] + direction * width) > 0:
                inner = theta[j] + direction * width
                width *= 2
            outer = theta[j] + direction * width
            out.append(brentq(profile, min(inner, outer), max(inner, outer), xtol=1e-12, rtol=1e-15))
    return theta, se, np.array(lr), np.array(lower), np.array(upper), ll


lines = [
    f"//! Reference values from statsmodels {statsmodels.__version__} MNLogit refits "
    f"(scipy {scipy.__version__}), written by tests/reference/make_mnlogit_lr_reference.py "
    "(do not edit).",
    "#![allow(clippy::excessive_precision, clippy::unreadable_literal, dead_code)]",
    "",
]


def emit(name, values):
    flat = np.asarray(values, dtype=float).ravel()
    lines.append(f"pub const {name}: &[f64] = &[" + ", ".join(repr(float(v)) for v in flat) + "];")


for tag, (x, y) in [
    ("ANES", load("tests/data/anes96.csv", ["logpopul", "selfLR", "age", "educ", "income"], "PID")),
    ("CLUSTERED", load("tests/data/clustered.csv", ["x0", "x1", "x2", "x3"], "y3")),
]:
    theta, se, lr, lower, upper, ll = reference(x, y)
    emit(f"{tag}_PARAMS", theta)
    emit(f"{tag}_BSE", se)
    emit(f"{tag}_LR_P", lr)
    emit(f"{tag}_PL_LOWER", lower)
    emit(f"{tag}_PL_UPPER", upper)
    emit(f"{tag}_LOGLIK", [ll])
    print(tag, "classes", len(np.unique(y)), "params", theta.size, "loglik", ll)

with open(OUT, "w") as f:
    f.write("\n".join(lines) + "\n")
print("wrote", OUT)
