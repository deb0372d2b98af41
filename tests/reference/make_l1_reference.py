"""Produces the L1 / elastic-net reference values in tests/common/l1_reference_values.rs.

Run from the repository root, in a virtual environment outside the repo with
the packages of tests/reference/requirements.txt:

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install -r tests/reference/requirements.txt
    /tmp/venv/bin/python tests/reference/make_l1_reference.py

It (re)writes tests/data/breast_cancer.csv and tests/data/multiclass40.csv
(both deterministic) and the Rust constants; run
`rustfmt --edition 2024 tests/common/l1_reference_values.rs` afterwards. It
takes about a minute (the breast-cancer L1 fit at C = 1 needs ~2e5 saga epochs).

The crate minimizes, with α = 1/(C n) and ρ = l1_ratio (ρ = 1 for L1),

    mean loss + α (ρ ‖w‖₁ + (1 − ρ)/2 ‖w‖²),    intercepts unpenalized,

which is scikit-learn's saga objective C Σ loss + ρ ‖w‖₁ + (1 − ρ)/2 ‖w‖²
divided by C n. Every optimum is checked before a value is written: the
minimum-norm subgradient of that objective (for w_j ≠ 0: |g_j + αρ sign(w_j)|,
for w_j = 0: max(|g_j| − αρ, 0), for intercepts |g|, with g the gradient of
the smooth part mean loss + α(1 − ρ)/2 ‖w‖²) must be below 1e-8. Coefficients
that saga's proximal step set to zero are written as exactly 0.0, so the tests
can take the zero set from the constants.
"""
import warnings

import numpy as np
import sklearn
from sklearn.datasets import load_breast_cancer, make_classification
from sklearn.linear_model import LogisticRegression

OUT = "tests/common/l1_reference_values.rs"
BOUND = 1e-8


def standardize(x):
    """Mean 0 and population (ddof = 0) standard deviation 1 per column."""
    return (x - x.mean(axis=0)) / x.std(axis=0)


def write_csv(path, x, y):
    with open(path, "w") as f:
        f.write(",".join(f"x{j}" for j in range(x.shape[1])) + ",label\n")
        for row, label in zip(x, y):
            f.write(",".join(repr(float(v)) for v in row) + f",{int(label)}\n")
    # Fit on exactly what the tests will read.
    rows = [l.strip().split(",") for l in open(path).readlines()[1:] if l.strip()]
    data = np.array([[float(v) for v in r] for r in rows])
    back_x, back_y = data[:, :-1], data[:, -1].astype(int)
    assert np.array_equal(back_x, x) and np.array_equal(back_y, y), path
    return back_x, back_y


def breast_cancer():
    d = load_breast_cancer()
    return write_csv("tests/data/breast_cancer.csv", standardize(d.data), d.target)


def multiclass40():
    x, y = make_classification(n_samples=400, n_features=40, n_informative=8, n_redundant=4,
                               n_classes=3, n_clusters_per_class=1, random_state=7)
    return write_csv("tests/data/multiclass40.csv", standardize(x), y)


def saga(x, y, **kw):
    """scikit-learn's saga with the penalty given by l1_ratio alone (`penalty` is
    deprecated since 1.8); any warning (FutureWarning, ConvergenceWarning) is an error."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return LogisticRegression(solver="saga", tol=1e-10, max_iter=1_000_000, random_state=0,
                                  **kw).fit(x, y)


def min_norm_subgradient(g_smooth, w, alpha_l1, g_intercept):
    """Per-coordinate minimum-norm subgradient; returns (max, smallest |w| over
    non-zeros, smallest slack αρ − |g| over zeros)."""
    s = np.where(w != 0, np.abs(g_smooth + alpha_l1 * np.sign(w)),
                 np.maximum(np.abs(g_smooth) - alpha_l1, 0.0))
    worst = max(s.max(), np.abs(g_intercept).max(initial=0.0))
    nz = np.abs(w[w != 0])
    slack = alpha_l1 - np.abs(g_smooth[w == 0])
    return worst, nz.min(initial=np.inf), slack.min(initial=np.inf)


def binary_check(x, y, w, b, alpha, rho, fit_intercept):
    p = 1 / (1 + np.exp(-(x @ w + b)))
    r = (p - y) / len(y)
    g = x.T @ r + alpha * (1 - rho) * w
    return min_norm_subgradient(g, w, alpha * rho, np.array([r.sum()]) if fit_intercept else np.array([]))


def softmax_check(x, y, W, b, alpha, rho):
    eta = x @ W.T + b
    eta -= eta.max(axis=1, keepdims=True)
    p = np.exp(eta)
    p /= p.sum(axis=1, keepdims=True)
    r = (p - np.eye(W.shape[0])[y]) / len(y)
    g = r.T @ x + alpha * (1 - rho) * W
    return min_norm_subgradient(g, W, alpha * rho, r.sum(axis=0))


def report(name, check, w, n_iter):
    worst, small_nz, slack = check
    zeros = int((w == 0).sum())
    print(f"{name}: max min-norm subgradient = {worst:.2e}, zeros = {zeros}/{w.size}, "
          f"min |w| over non-zeros = {small_nz:.2e}, min slack over zeros = {slack:.2e}, "
          f"saga epochs = {n_iter}")
    assert worst < BOUND, name
    zero_text = f"{zeros} of {w.size} coefficients are exactly 0"
    if w.ndim == 2:
        zero_text += f" (per class: {', '.join(str(int(c)) for c in (w == 0).sum(axis=1))})"
    return f"""max minimum-norm subgradient of the crate's objective (α = 1/(C n)) at these
values: {worst:.1e}. {zero_text}; smallest |w| over
the non-zeros {small_nz:.1e}, smallest margin αρ − |∂_j smooth| over the zeros {slack:.1e}.
saga epochs (n_iter_): {n_iter}."""


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


BC_SOURCE = ("tests/data/breast_cancer.csv (scikit-learn's `load_breast_cancer()`, 569 × 30,\n"
             "columns standardized to mean 0 and population std 1; label 1 = benign)")
MC_SOURCE = ("tests/data/multiclass40.csv (`make_classification(n_samples=400, n_features=40,\n"
             "n_informative=8, n_redundant=4, n_classes=3, n_clusters_per_class=1, random_state=7)`,\n"
             "columns standardized to mean 0 and population std 1; labels 0, 1, 2)")

# --- breast cancer, binary -------------------------------------------------
x, y = breast_cancer()
n = len(y)
for prefix, C, rho, fit_intercept in [("BC_L1_C01", 0.1, 1.0, True), ("BC_L1_C1", 1.0, 1.0, True),
                                      ("BC_EN", 0.5, 0.5, True), ("BC_L1_NOINT", 0.1, 1.0, False)]:
    extra = "" if fit_intercept else ", fit_intercept=False"
    m = saga(x, y, C=C, l1_ratio=rho, fit_intercept=fit_intercept)
    w = m.coef_[0]
    b = m.intercept_[0] if fit_intercept else 0.0
    chk = report(prefix, binary_check(x, y, w, b, 1 / (C * n), rho, fit_intercept), w, int(m.n_iter_[0]))
    doc = f"""scikit-learn {sklearn.__version__}: `LogisticRegression(solver="saga", C={C}, l1_ratio={rho},
tol=1e-10, max_iter=1_000_000, random_state=0{extra}).fit(x, y)` on
{BC_SOURCE}.
{chk}"""
    emit(f"{prefix}_COEF", w, doc)
    if fit_intercept:
        emit(f"{prefix}_INTERCEPT", b, doc)

# α_max: at w = 0 the optimal intercept gives p = ȳ, so the mean-loss gradient is
# Σ_i x_ij (ȳ − y_i) / n; w = 0 is optimal iff α ≥ max_j of its absolute value.
ybar = y.mean()
grad0 = x.T @ (ybar - y) / n
alpha_max = float(np.abs(grad0).max())
j_max = int(np.abs(grad0).argmax())
c_max = 1 / (alpha_max * n)
below = saga(x, y, C=0.99 * c_max, l1_ratio=1.0)
above = saga(x, y, C=1.01 * c_max, l1_ratio=1.0)
nz_below = int((below.coef_ != 0).sum())
nz_above = np.flatnonzero(above.coef_[0])
print(f"alpha_max = {alpha_max!r} (feature x{j_max}); C_max = {c_max!r}; "
      f"non-zeros at 0.99 C_max: {nz_below}, at 1.01 C_max: {[int(j) for j in nz_above]}")
assert nz_below == 0 and list(nz_above) == [j_max]
# saga's stopping rule (max change / max |w| over the coefficients only, or both zero)
# ends the all-zero fit after a few epochs with the intercept not yet converged, so
# optimality at 0.99 C_max is checked at the exact optimum (w = 0, b = logit ȳ), where
# saga's zero set must already be optimal.
b_null = float(np.log(ybar / (1 - ybar)))
chk_below = binary_check(x, y, np.zeros(x.shape[1]), b_null, 1 / (0.99 * c_max * n), 1.0, True)[0]
chk_saga_below = binary_check(x, y, below.coef_[0], below.intercept_[0], 1 / (0.99 * c_max * n), 1.0, True)
chk_above = binary_check(x, y, above.coef_[0], above.intercept_[0], 1 / (1.01 * c_max * n), 1.0, True)[0]
print(f"alpha_max check: at 0.99 C_max (w = 0, logit ȳ) {chk_below:.2e}, saga's own point {chk_saga_below[0]:.2e} "
      f"(epochs {below.n_iter_[0]}, zero margin {chk_saga_below[2]:.2e}); at 1.01 C_max {chk_above:.2e}")
assert chk_below < BOUND and chk_above < BOUND and chk_saga_below[2] > 0
emit("ALPHA_MAX_BC", alpha_max, f"""Smallest α (crate convention, ρ = 1) at which the L1 fit with intercept on
{BC_SOURCE}
has all coefficients zero: α_max = max_j |Σ_i x_ij (ȳ − y_i)| / n, ȳ the mean label (numpy),
attained at feature x{j_max}; i.e. C_max = 1/(α_max n) = {c_max!r}.
Check with scikit-learn {sklearn.__version__} `LogisticRegression(solver="saga", l1_ratio=1.0, tol=1e-10,
max_iter=1_000_000, random_state=0)`: at C = 0.99 C_max all 30 coefficients are exactly 0
(saga stops after {below.n_iter_[0]} epochs, since its stopping rule looks at the coefficients only,
with intercept {float(below.intercept_[0])!r} not yet at logit(ȳ) = {b_null!r};
max min-norm subgradient at (w = 0, logit(ȳ)): {chk_below:.1e}); at C = 1.01 C_max only x{j_max}
is non-zero ({float(above.coef_[0][j_max])!r}; max min-norm subgradient {chk_above:.1e}).""")

# --- multiclass40, multinomial ---------------------------------------------
x, y = multiclass40()
n = len(y)
for prefix, C, rho in [("MC_L1", 0.05, 1.0), ("MC_EN", 0.1, 0.3)]:
    m = saga(x, y, C=C, l1_ratio=rho)
    W = m.coef_
    b = m.intercept_ - m.intercept_.mean()
    chk = report(prefix, softmax_check(x, y, W, b, 1 / (C * n), rho), W, int(m.n_iter_[0]))
    doc = f"""scikit-learn {sklearn.__version__}: `LogisticRegression(solver="saga", C={C}, l1_ratio={rho},
tol=1e-10, max_iter=1_000_000, random_state=0).fit(x, y)` (multinomial, K = 3 rows) on
{MC_SOURCE}.
Intercepts centred to sum to zero (sklearn's sum: {m.intercept_.sum():.1e}).
{chk}"""
    emit(f"{prefix}_COEF", W, doc)
    emit(f"{prefix}_INTERCEPT", b, doc)

with open(OUT, "w") as f:
    f.write(f"""//! L1 and elastic-net reference values from scikit-learn {sklearn.__version__}'s saga solver
//! (numpy {np.__version__}), generated by tests/reference/make_l1_reference.py: do not edit by hand.

""")
    f.write("\n\n".join(items) + "\n")
print("wrote", OUT, "(run rustfmt on it)")
