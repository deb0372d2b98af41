"""Produces the L1 / elastic-net reference values in tests/common/l1_reference_values.rs.

Run from the repository root, in a virtual environment outside the repo with
the packages of tests/reference/requirements.txt:

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install -r tests/reference/requirements.txt
    /tmp/venv/bin/python tests/reference/make_l1_reference.py

It (re)writes tests/data/breast_cancer.csv and tests/data/multiclass40.csv
(both deterministic) and the Rust constants; run
`rustfmt --edition 2024 tests/common/l1_reference_values.rs` afterwards. The
single fits take about a minute (the breast-cancer L1 fit at C = 1 needs ~2e5
saga epochs); the cross-validation reference at the end runs
LogisticRegressionCV twice (neg log loss, accuracy) over 5 folds × 10 α, 7–8
minutes each on 2 cores (saga needs up to ~3.4e5 epochs per fold fit at the
smallest α), so the whole script takes about 17 minutes.

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
import time
import warnings

import numpy as np
import sklearn
from scipy.optimize import minimize
from scipy.special import expit
from sklearn.datasets import load_breast_cancer, make_classification
from sklearn.linear_model import LogisticRegression, LogisticRegressionCV
from sklearn.metrics import get_scorer
from sklearn.model_selection import PredefinedSplit

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
    with open(path) as f:
        rows = [l.strip().split(",") for l in f.readlines()[1:] if l.strip()]
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
x_bc, y_bc = x, y
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

# --- breast cancer, 5-fold cross-validation over an L1 α grid ----------------
# The first 560 rows, row i in test fold i % 5 (112 test rows, 448 training rows
# per fold). α = 1/(C · 448). Grid: 0.2 is below α_max of every training set (a
# few non-zeros); at 1e-3 every fold fit still converges under saga's tol = 1e-10
# within max_iter = 1e6, and the mean held-out log loss is past its maximum (which
# is near 2e-3). A first candidate grid down to 2e-4 left 4 fold fits (folds 1 and
# 4 at α ≤ 4.3e-4) unconverged after 1e6 epochs (min-norm subgradient up to
# 3.9e-8; ~23 minutes per LogisticRegressionCV run).
CV_ROWS, CV_K = 560, 5
CV_ALPHAS = np.geomspace(0.2, 1e-3, 10)
x_cv, y_cv = x_bc[:CV_ROWS], y_bc[:CV_ROWS]
cv_fold = np.arange(CV_ROWS) % CV_K
cv_ntrain = CV_ROWS - CV_ROWS // CV_K
assert all((cv_fold != k).sum() == cv_ntrain == 448 for k in range(CV_K))
cv_cs = [1 / (a * cv_ntrain) for a in CV_ALPHAS]
CV_CALL = """`LogisticRegressionCV(Cs=[1/(α·448) for α in CV_ALPHAS],
cv=PredefinedSplit(np.arange(560) % 5), l1_ratios=[1.0], solver="saga", tol=1e-10,
max_iter=1_000_000, scoring="{}", random_state=0, use_legacy_attributes=False,
n_jobs=-1).fit(x[:560], y[:560])`"""


def cv_run(scoring):
    """Any warning is an error (FutureWarning: l1_ratios and use_legacy_attributes
    are given explicitly, penalty is left at its default; ConvergenceWarning)."""
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        m = LogisticRegressionCV(Cs=cv_cs, cv=PredefinedSplit(cv_fold), l1_ratios=[1.0], solver="saga",
                                 tol=1e-10, max_iter=1_000_000, scoring=scoring, random_state=0,
                                 use_legacy_attributes=False, n_jobs=-1).fit(x_cv, y_cv)
    print(f"LogisticRegressionCV scoring={scoring}: {time.perf_counter() - t0:.0f} s")
    # use_legacy_attributes=False: scores_ is (folds, l1_ratios, Cs), C_ a float.
    assert np.array_equal(m.Cs_, cv_cs), "Cs_ order"
    assert m.scores_.shape == (CV_K, 1, len(CV_ALPHAS)) and m.l1_ratio_ == 1.0
    return m


def cv_heldout(wb, k):
    te = cv_fold == k
    eta = x_cv[te] @ wb[:-1] + wb[-1]
    yk = y_cv[te]
    return -np.mean(np.logaddexp(0, eta) - yk * eta), np.mean((eta > 0) == yk), np.abs(eta).min()


def exact_l1(xt, yt, alpha, z0):
    """Independent L1 solve, returning (w, b, z) with z the warm start for the next α:
    w = u − v, u, v ≥ 0, smooth objective mean loss + α Σ(u + v), scipy L-BFGS-B
    (zeros exact: both bounds active), restarted until its min-norm subgradient is
    below 1e-9 (it stalls at ~1e-10 on objective round-off); then Newton on
    (w_S, b), S its non-zeros with their signs fixed, to machine precision; the
    caller checks the result (signs kept, zeros' margins) with binary_check."""
    m_, p_ = xt.shape

    def f(z):
        eta = xt @ (z[:p_] - z[p_:2 * p_]) + z[-1]
        r = (expit(eta) - yt) / m_
        g = xt.T @ r
        return (np.mean(np.logaddexp(0, eta) - yt * eta) + alpha * z[:2 * p_].sum(),
                np.concatenate([g + alpha, alpha - g, [r.sum()]]))

    z = z0
    for _ in range(50):
        z = minimize(f, z, jac=True, method="L-BFGS-B", bounds=[(0, None)] * (2 * p_) + [(None, None)],
                     options=dict(maxiter=100_000, maxfun=200_000, ftol=0, gtol=1e-14, maxcor=30)).x
        if binary_check(xt, yt, z[:p_] - z[p_:2 * p_], z[-1], alpha, 1.0, True)[0] < 1e-9:
            break
    w, b = z[:p_] - z[p_:2 * p_], z[-1]
    support = np.flatnonzero(w)
    sign = np.sign(w[support])
    xs = np.column_stack([xt[:, support], np.ones(m_)])
    for _ in range(20):
        pr = expit(xt @ w + b)
        g = xs.T @ ((pr - yt) / m_) + np.append(alpha * sign, 0.0)
        if np.abs(g).max() < 1e-15:
            break
        step = np.linalg.solve(xs.T @ (xs * (pr * (1 - pr) / m_)[:, None]), g)
        w[support] -= step[:-1]
        b -= step[-1]
    assert np.array_equal(np.sign(w[support]), sign)
    return w, b, z


cv_ll = cv_run("neg_log_loss")
cv_acc = cv_run("accuracy")
# Same data, Cs, seeds: the two runs fit identical paths (the scorer only differs).
assert np.array_equal(cv_ll.coefs_paths_, cv_acc.coefs_paths_) and np.array_equal(cv_ll.n_iter_, cv_acc.n_iter_)
S_ll, S_acc = cv_ll.scores_[:, 0, :], cv_acc.scores_[:, 0, :]
paths = cv_ll.coefs_paths_[:, 0, :, 0, :]          # (folds, Cs, 30 coefficients + intercept)
epochs = cv_ll.n_iter_[:, 0, :]

# Every fold fit: optimality for the crate's objective on its training rows, and
# the held-out scores recomputed in numpy; an independent exact solve of the same
# problems shows how far saga's stopping point moves the scores.
cv_worst, ll_dev, acc_dev, min_eta, lb_worst, dw_ex = 0.0, 0.0, 0.0, np.inf, 0.0, 0.0
S_ll_lb, S_acc_lb = np.empty_like(S_ll), np.empty_like(S_acc)
for k in range(CV_K):
    tr = cv_fold != k
    z = np.zeros(2 * x_cv.shape[1] + 1)
    for i, a in enumerate(CV_ALPHAS):
        w, b = paths[k, i, :-1], paths[k, i, -1]
        cv_worst = max(cv_worst, binary_check(x_cv[tr], y_cv[tr], w, b, a, 1.0, True)[0])
        ll, acc, me = cv_heldout(paths[k, i], k)
        ll_dev, acc_dev, min_eta = max(ll_dev, abs(ll - S_ll[k, i])), max(acc_dev, abs(acc - S_acc[k, i])), min(min_eta, me)
        w_ex, b_ex, z = exact_l1(x_cv[tr], y_cv[tr], a, z)
        assert np.array_equal(w_ex == 0, w == 0), (k, i)
        dw_ex = max(dw_ex, np.abs(w_ex - w).max())
        lb_worst = max(lb_worst, binary_check(x_cv[tr], y_cv[tr], w_ex, b_ex, a, 1.0, True)[0])
        S_ll_lb[k, i], S_acc_lb[k, i], _ = cv_heldout(np.append(w_ex, b_ex), k)
lb_dev = np.abs(S_ll_lb - S_ll)
lb_at = np.unravel_index(lb_dev.argmax(), lb_dev.shape)
print(f"CV fold fits: max min-norm subgradient {cv_worst:.2e}, epochs {epochs.min()}-{epochs.max()}; "
      f"numpy rescoring: log loss {ll_dev:.1e}, accuracy {acc_dev:.1e}; min held-out |η| {min_eta:.1e}; "
      f"exact solve: subgradient {lb_worst:.1e}, max |Δw| {dw_ex:.1e}, |Δ neg log loss| max {lb_dev.max():.1e} at (fold, α index) "
      f"{tuple(int(v) for v in lb_at)}, accuracy equal: {np.array_equal(S_acc_lb, S_acc)}")
assert cv_worst < BOUND and lb_worst < 1e-12 and ll_dev < 1e-12 and acc_dev == 0
assert np.array_equal(S_acc_lb, S_acc)

# Selections (first maximum = largest α, as sklearn's argmax over its Cs order).
ll_mean = S_ll.mean(axis=0)
best_ll = int(np.argmax(ll_mean))
ll_gap = ll_mean[best_ll] - np.delete(ll_mean, best_ll).max()
assert ll_gap > 0
correct = np.rint(S_acc * (CV_ROWS // CV_K)).astype(int)   # held-out rows classified correctly
assert np.array_equal(correct / (CV_ROWS // CV_K), S_acc)
totals = correct.sum(axis=0)
ties_acc = np.flatnonzero(totals == totals.max())
best_acc = int(ties_acc[0])
for mdl, best in [(cv_ll, best_ll), (cv_acc, best_acc)]:
    print(f"sklearn C_ = {mdl.C_!r} -> α = {1 / (mdl.C_ * cv_ntrain)!r}; numpy: {float(CV_ALPHAS[best])!r}")
    assert mdl.C_ == cv_cs[best]
se = S_ll[:, best_ll].std(ddof=1) / np.sqrt(CV_K)
thr = ll_mean[best_ll] - se
within = np.flatnonzero(ll_mean >= thr)
one_se = int(within[0])
thr_margin = np.abs(ll_mean - thr).min()
print(f"CV neg log loss means {ll_mean}; best α index {best_ll} (gap {ll_gap:.1e}), SE {se:.3e}, "
      f"1-SE indices {within}, margin {thr_margin:.1e}; accuracy totals {totals}, best index {best_acc}, "
      f"ties {ties_acc}")

# Two refits with LogisticRegression: the first α of the path (saga starts from zero
# in both) and the best α on fold 1 (the CV path is warm-started from the previous α).
refit_text = []
for k, i, bound in [(2, 0, 1e-12), (1, best_ll, 1e-7)]:
    tr = cv_fold != k
    r = saga(x_cv[tr], y_cv[tr], C=cv_cs[i], l1_ratio=1.0)
    chk = binary_check(x_cv[tr], y_cv[tr], r.coef_[0], r.intercept_[0], CV_ALPHAS[i], 1.0, True)[0]
    diff = abs(get_scorer("neg_log_loss")(r, x_cv[~tr], y_cv[~tr]) - S_ll[k, i])
    dw = np.abs(r.coef_[0] - paths[k, i, :-1]).max()
    print(f"refit fold {k}, α index {i}: subgradient {chk:.1e}, |Δ score| {diff:.1e}, max |Δw| {dw:.1e}, "
          f"epochs {r.n_iter_[0]} (CV path {epochs[k, i]})")
    assert chk < BOUND and diff < bound
    refit_text.append(f"subgradient {chk:.1e}, |Δ held-out neg log loss| {diff:.1e}, max |Δw| {dw:.1e}")

CV_DATA = f"""Data: the first 560 rows of
{BC_SOURCE};
row i (0-based) is in test fold i % 5: 112 test rows and 448 training rows per fold."""
CV_CHECK = f"""Checks: the two runs (neg log loss, accuracy) fit identical `coefs_paths_`; all 50 fold
fits satisfy the crate's objective on their 448 training rows (α from CV_ALPHAS) to a max
minimum-norm subgradient of {cv_worst:.1e} (saga epochs per fit {epochs.min()}–{epochs.max()}); the scores
recomputed in numpy from `coefs_paths_` on the held-out rows agree to {ll_dev:.1e} (neg log loss,
−mean(log(1 + e^η) − yη)) and exactly (accuracy, η > 0 ⇒ label 1). Refits with
`LogisticRegression(solver="saga", C=1/(α·448), l1_ratio=1.0, tol=1e-10, max_iter=1_000_000,
random_state=0)` on a fold's training rows:
- fold 2 at CV_ALPHAS[0] (first α of the path: saga starts from zero in both):
  {refit_text[0]};
- fold 1 at CV_ALPHAS[{best_ll}] (CV_BEST_ALPHA_LOG_LOSS; the CV path warm-starts from the previous α
  and saga stops where its relative-change rule is met, so the stopping point depends on the start):
  {refit_text[1]}.

Precision: at the exact optima (scipy L-BFGS-B on w = u − v, then Newton on its non-zeros,
same zero sets as saga, max min-norm subgradient {lb_worst:.1e}) the neg log loss scores differ
from these by at most {lb_dev.max():.1e} (fold {lb_at[0]}, CV_ALPHAS[{lb_at[1]}]; the small-α problems are
flat, so saga's 1e-10 subgradients still leave |Δw| up to {dw_ex:.0e}), the accuracies not at all;
the smallest |η| of any held-out row over the 50 fits is {min_eta:.1e}."""

emit("CV_ALPHAS", CV_ALPHAS, f"""α grid (crate convention, ρ = 1: mean loss + α‖w‖₁, intercept unpenalized) of the
cross-validation references CV_*: `np.geomspace(0.2, 1e-3, 10)`, decreasing. scikit-learn
gets C = 1/(α · 448), 448 = rows of each training set, in this order; its `Cs_` keeps the
given order and its saga path runs down the grid with warm starts. {CV_DATA}""")
emit("CV_NEG_LOG_LOSS", S_ll, f"""Held-out neg log loss (−mean log loss on the 112 test rows), fold × α in CV_ALPHAS
order: scikit-learn {sklearn.__version__}
{CV_CALL.format("neg_log_loss")},
`scores_[:, 0, :]` (shape folds × l1_ratios × Cs; the single l1_ratio axis dropped).
{CV_DATA}
{CV_CHECK}""")
emit("CV_ACCURACY", S_acc, f"""Held-out accuracy (correct / 112), fold × α in CV_ALPHAS order: scikit-learn {sklearn.__version__}
{CV_CALL.format("accuracy")},
`scores_[:, 0, :]`; the same fold fits as CV_NEG_LOG_LOSS (see there for data and checks).
Correct counts per α summed over folds: {', '.join(str(int(t)) for t in totals)} (of 560).""")
emit("CV_BEST_ALPHA_LOG_LOSS", CV_ALPHAS[best_ll], f"""The α of CV_ALPHAS (index {best_ll}) with the highest mean of CV_NEG_LOG_LOSS over the
5 folds ({float(ll_mean[best_ll])!r}; runner-up lower by {ll_gap:.1e}), computed in numpy; equals
scikit-learn's choice, `C_` = {cv_ll.C_!r} = 1/(α · 448) (its argmax of the fold sum,
first maximum in its Cs order, i.e. the largest α on ties; there is no tie).""")
emit("CV_BEST_ALPHA_ACCURACY", CV_ALPHAS[best_acc], f"""The α of CV_ALPHAS (index {best_acc}) with the highest mean of CV_ACCURACY over the
5 folds ({totals[best_acc]} of 560 correct), computed in numpy on the integer counts; ties go to
the first maximum in CV_ALPHAS order, i.e. the largest α, as scikit-learn's argmax of the fold
sum in its Cs order ({'no tie' if len(ties_acc) == 1 else 'tied indices ' + ', '.join(str(int(t)) for t in ties_acc)}). Equals scikit-learn's `C_` = {cv_acc.C_!r} = 1/(α · 448).""")
emit("CV_ALPHA_1SE_LOG_LOSS", CV_ALPHAS[one_se], f"""One-standard-error rule on CV_NEG_LOG_LOSS, computed in numpy (scikit-learn has no such
option): the largest α of CV_ALPHAS (index {one_se}) whose mean over folds is ≥ best mean − SE,
with best = CV_BEST_ALPHA_LOG_LOSS (index {best_ll}) and SE = np.std(its 5 fold scores, ddof=1)/√5
= {float(se)!r}, i.e. threshold {float(thr)!r}. Indices meeting it: {', '.join(str(int(t)) for t in within)};
the closest mean to the threshold is {thr_margin:.1e} away.""")

with open(OUT, "w") as f:
    f.write(f"""//! L1 and elastic-net reference values from scikit-learn {sklearn.__version__}'s saga solver
//! (numpy {np.__version__}), generated by tests/reference/make_l1_reference.py: do not edit by hand.

""")
    f.write("\n\n".join(items) + "\n")
print("wrote", OUT, "(run rustfmt on it)")
