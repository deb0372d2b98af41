"""Produces the reference values in tests/common/reference_values.rs.

Run from the repository root, in a virtual environment outside the repo with
the packages of tests/reference/requirements.txt:

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install -r tests/reference/requirements.txt
    /tmp/venv/bin/python tests/reference/make_reference.py

It (re)writes tests/data/correlated.csv (seeded) and the Rust constants; run
`rustfmt --edition 2024 tests/common/reference_values.rs` afterwards. Every
optimum is checked: the gradient of the objective the crate minimizes must be
below 1e-10 before a value is written.
"""
import numpy as np
import scipy
from scipy.stats import chi2
import sklearn
import statsmodels
import statsmodels.api as sm
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier

OUT = "tests/common/reference_values.rs"


def read_csv(path):
    header = open(path).readline().strip().split(",")
    rows = [l.strip().split(",") for l in open(path).readlines()[1:] if l.strip()]
    return header, rows


def iris():
    header, rows = read_csv("examples/data/iris.csv")
    x = np.array([[float(v) for v in r[:4]] for r in rows])
    y = np.array([r[4] for r in rows])
    return x, y


def spector():
    header, rows = read_csv("examples/data/spector.csv")
    data = np.array([[float(v) for v in r] for r in rows])
    return data[:, :3], data[:, 3].astype(int)


def make_correlated():
    """n = 600, 5 features with covariance 0.8^|i-j| (scaled), noisy linear labels."""
    rng = np.random.default_rng(20261124)
    d = 5
    cov = np.array([[0.8 ** abs(i - j) for j in range(d)] for i in range(d)])
    x = rng.multivariate_normal(np.zeros(d), cov, size=600) * np.array([1.0, 2.0, 0.5, 3.0, 1.0])
    eta = 0.3 + x @ np.array([1.0, -0.5, 0.8, 0.0, -1.2])
    y = (rng.random(600) < 1 / (1 + np.exp(-eta))).astype(int)
    with open("tests/data/correlated.csv", "w") as f:
        f.write("x0,x1,x2,x3,x4,y\n")
        for row, label in zip(x, y):
            f.write(",".join(repr(float(v)) for v in row) + f",{label}\n")
    header, rows = read_csv("tests/data/correlated.csv")
    data = np.array([[float(v) for v in r] for r in rows])
    return data[:, :5], data[:, 5].astype(int)


def binary_grad(x, y, w, b, alpha, s):
    p = 1 / (1 + np.exp(-(x @ w + b)))
    r = s * (p - y) / s.sum()
    return np.concatenate([x.T @ r + alpha * w, [r.sum()]])


def softmax_grad(x, y, W, b, alpha):
    eta = x @ W.T + b
    eta -= eta.max(axis=1, keepdims=True)
    p = np.exp(eta)
    p /= p.sum(axis=1, keepdims=True)
    onehot = np.eye(W.shape[0])[y]
    r = (p - onehot) / len(y)
    return np.concatenate([(r.T @ x + alpha * W).ravel(), r.sum(axis=0)])


def check(name, grad):
    g = np.abs(grad).max()
    print(f"{name}: max |gradient| = {g:.2e}")
    assert g < 1e-10, name
    return g


items = []


def emit(name, value, doc):
    value = np.asarray(value, dtype=float)
    if value.ndim == 0:
        text = f"pub const {name}: f64 = {float(value)!r};"
    elif value.ndim == 1:
        text = f"pub const {name}: [f64; {len(value)}] = [{', '.join(repr(float(v)) for v in value)}];"
    else:
        rows = ", ".join("[" + ", ".join(repr(float(v)) for v in r) + "]" for r in value)
        text = f"pub const {name}: [[f64; {value.shape[1]}]; {value.shape[0]}] = [{rows}];"
    items.append("\n".join(f"/// {line}" for line in doc.strip().splitlines()) + "\n" + text)


# --- iris, scikit-learn, C = 1 ---------------------------------------------
x, y = iris()
classes, codes = np.unique(y, return_inverse=True)
n = len(y)
alpha = 1 / (1.0 * n)
m = LogisticRegression(C=1.0, tol=1e-12, solver="newton-cholesky", max_iter=1000).fit(x, y)
W, b = m.coef_, m.intercept_ - m.intercept_.mean()
g = check("iris multinomial", softmax_grad(x, codes, W, b, alpha))
doc = f"""scikit-learn {sklearn.__version__}: `LogisticRegression(C=1.0, tol=1e-12, solver="newton-cholesky",
max_iter=1000).fit(x, species)` on examples/data/iris.csv (classes setosa, versicolor,
virginica); intercepts centred to sum to zero. max |gradient| of the crate's objective
(alpha = 1/(C n)) at these values: {g:.1e}."""
emit("IRIS_MULTINOMIAL_COEF", W, doc)
emit("IRIS_MULTINOMIAL_INTERCEPT", b, doc)

ovr = OneVsRestClassifier(LogisticRegression(C=1.0, tol=1e-12, solver="newton-cholesky", max_iter=1000)).fit(x, y)
W = np.vstack([e.coef_[0] for e in ovr.estimators_])
b = np.array([e.intercept_[0] for e in ovr.estimators_])
g = max(check(f"iris ovr {c}", binary_grad(x, (codes == k).astype(float), W[k], b[k], alpha, np.ones(n)))
        for k, c in enumerate(classes))
doc = f"""scikit-learn {sklearn.__version__}: `OneVsRestClassifier(LogisticRegression(C=1.0, tol=1e-12,
solver="newton-cholesky", max_iter=1000)).fit(x, species)` on examples/data/iris.csv;
rows from `estimators_` in class order. Largest max |gradient| over the classes: {g:.1e}."""
emit("IRIS_OVR_COEF", W, doc)
emit("IRIS_OVR_INTERCEPT", b, doc)

# --- statsmodels Logit (unpenalized MLE) -------------------------------------
def logit_reference(prefix, x, y, source):
    r = sm.Logit(y, sm.add_constant(x)).fit(method="newton", tol=1e-14, maxiter=100, disp=0)
    g = check(f"{prefix} logit score", r.model.score(r.params) / len(y))
    low, high = np.asarray(r.conf_int(alpha=0.05)).T
    doc = f"""statsmodels {statsmodels.__version__}: `Logit(y, add_constant(x)).fit(method="newton", tol=1e-14,
maxiter=100)` on {source}; layout [const, features...]. max |score/n| at the
estimate: {g:.1e}."""
    for name, value in [("PARAMS", r.params), ("BSE", r.bse), ("Z", r.tvalues), ("P", r.pvalues),
                        ("CI_LOW", low), ("CI_HIGH", high), ("LLF", r.llf), ("LLNULL", r.llnull),
                        ("LLR", r.llr), ("LLR_PVALUE", r.llr_pvalue), ("AIC", r.aic), ("BIC", r.bic),
                        ("PRSQUARED", r.prsquared)]:
        emit(f"{prefix}_{name}", np.asarray(value), doc)
    # statsmodels fits its null model iteratively, which leaves llnull ~1e-10
    # relative off the closed form n·(p̄ ln p̄ + (1 − p̄) ln(1 − p̄)); far in the
    # tail that moves the LR p-value by ~1e-8. This is the p-value of
    # statsmodels' llf against the exact null, by scipy's chi2.sf.
    p = y.mean()
    exact_null = len(y) * (p * np.log(p) + (1 - p) * np.log(1 - p))
    exact = chi2.sf(2 * (r.llf - exact_null), r.df_model)
    emit(f"{prefix}_LLR_PVALUE_EXACT_NULL", exact, f"""scipy {scipy.__version__}: `chi2.sf(2 (llf − ll0), df_model)` with statsmodels' llf
(above) and the closed-form null log-likelihood ll0 = n (p̄ ln p̄ + (1 − p̄) ln(1 − p̄))
= {exact_null!r} (statsmodels' iterative llnull: {r.llnull!r}).""")


x, y = spector()
logit_reference("SPECTOR", x, y, "examples/data/spector.csv (Spector & Mazzeo 1980)")
xc, yc = make_correlated()
logit_reference("CORRELATED", xc, yc, "tests/data/correlated.csv")

# --- correlated data, weighted and balanced, scikit-learn -------------------
sw = 1.0 + (np.arange(len(yc)) % 3)
m = LogisticRegression(C=0.5, tol=1e-12, solver="newton-cholesky").fit(xc, yc, sample_weight=sw)
g = check("correlated weighted", binary_grad(xc, yc, m.coef_[0], m.intercept_[0], 1 / (0.5 * sw.sum()), sw))
doc = f"""scikit-learn {sklearn.__version__}: `LogisticRegression(C=0.5, tol=1e-12, solver="newton-cholesky")
.fit(x, y, sample_weight=1 + (i mod 3))` on tests/data/correlated.csv. max |gradient|: {g:.1e}."""
emit("CORRELATED_WEIGHTED_COEF", m.coef_[0], doc)
emit("CORRELATED_WEIGHTED_INTERCEPT", m.intercept_[0], doc)
m = LogisticRegression(C=1.0, tol=1e-12, solver="newton-cholesky", class_weight="balanced").fit(xc, yc)
counts = np.bincount(yc)
cw = len(yc) / (2 * counts)
s = cw[yc]
g = check("correlated balanced", binary_grad(xc, yc, m.coef_[0], m.intercept_[0], 1 / (1.0 * s.sum()), s))
doc = f"""scikit-learn {sklearn.__version__}: `LogisticRegression(C=1.0, tol=1e-12, solver="newton-cholesky",
class_weight="balanced").fit(x, y)` on tests/data/correlated.csv. max |gradient|: {g:.1e}."""
emit("CORRELATED_BALANCED_COEF", m.coef_[0], doc)
emit("CORRELATED_BALANCED_INTERCEPT", m.intercept_[0], doc)

# --- MNLogit on the ANES 1996 party-identification data -------------------
header, rows = read_csv("tests/data/anes96.csv")
data = np.array([[float(v) for v in r] for r in rows])
xa, pid = data[:, :5], data[:, 5].astype(int)
r = sm.MNLogit(pid, sm.add_constant(xa)).fit(method="newton", tol=1e-14, maxiter=200, disp=0)
assert r.mle_retvals["converged"]
g = check("mnlogit score", r.model.score(r.params.ravel(order="F")) / len(pid))
doc = f"""statsmodels {statsmodels.__version__}: `MNLogit(PID, add_constant(x)).fit(method="newton", tol=1e-14,
maxiter=200)` on tests/data/anes96.csv (statsmodels' `anes96` data set: American
National Election Studies 1996; x = logpopul, selfLR, age, educ, income; PID has 7
classes 0..6). Rows: classes 1..6 against class 0; columns [const, x...].
max |score/n|: {g:.1e}."""
for name, value in [("PARAMS", r.params), ("BSE", r.bse), ("Z", r.tvalues), ("P", r.pvalues)]:
    emit(f"MNLOGIT_{name}", np.asarray(value).T, doc)
for name, value in [("LLF", r.llf), ("LLNULL", r.llnull), ("LLR_PVALUE", r.llr_pvalue), ("AIC", r.aic),
                    ("BIC", r.bic), ("PRSQUARED", r.prsquared)]:
    emit(f"MNLOGIT_{name}", value, doc)
counts = np.bincount(pid)
exact_null = float(np.sum(counts * np.log(counts / len(pid))))
exact = chi2.sf(2 * (r.llf - exact_null), r.df_model)
emit("MNLOGIT_LLR_PVALUE_EXACT_NULL", exact, f"""scipy {scipy.__version__}: `chi2.sf(2 (llf − ll0), df_model)` with statsmodels' llf and
the closed-form null ll0 = Σ n_c ln(n_c / n) = {exact_null!r} (statsmodels' iterative
llnull: {r.llnull!r}).""")

with open(OUT, "w") as f:
    f.write(f"""//! Reference values from scikit-learn {sklearn.__version__} and statsmodels {statsmodels.__version__}
//! (numpy {np.__version__}), generated by tests/reference/make_reference.py: do not edit by hand.

""")
    f.write("\n\n".join(items) + "\n")
print("wrote", OUT, "(run rustfmt on it)")
