//! # logreg
//!
//! Logistic regression for Rust: binary, one-vs-rest and softmax
//! (multinomial) classification over pluggable solvers, with numerically
//! stable kernels, the objective written down exactly, and the statistics of
//! a maximum-likelihood fit.
//!
//! ```
//! use logreg::LogisticRegression;
//! use ndarray::array;
//!
//! let x = array![[0.0, 1.0], [1.0, 0.5], [2.0, 2.5], [3.0, 1.0], [4.0, 3.5], [5.0, 2.0]];
//! let y = array![0, 0, 1, 0, 1, 1];
//! let model = LogisticRegression::new().fit(&x, &y)?;
//! let p = model.predict_proba(&x)?;
//! assert!(model.report().converged());
//! assert_eq!(p.dim(), (6, 2));
//! # Ok::<(), logreg::Error>(())
//! ```
//!
//! ## The model
//!
//! For features x ∈ ℝᵈ, the *odds* of class 1 are p/(1 − p), and logistic
//! regression models the *logit* (log-odds) as linear: ln(p/(1 − p)) = η =
//! x·w + b. Inverting the logit gives the *sigmoid* p = σ(η) = 1/(1 + e^(−η)).
//! A unit increase of feature j multiplies the odds by exp(wⱼ), the *odds
//! ratio*.
//!
//! With k classes, softmax (multinomial) regression gives each class a score
//! η_c = x·w_c + b_c and p_c = exp(η_c)/Σⱼ exp(ηⱼ); the targets are one-hot
//! vectors. One-vs-rest instead fits k independent binary models.
//!
//! ## Maximum likelihood and cross-entropy
//!
//! The likelihood of the labels is Πᵢ p(yᵢ | xᵢ); its negative logarithm is
//! the *cross-entropy*. Per row, ℓ = softplus(η) − y·η (binary) or
//! logsumexp(η) − η_y (softmax), computed stably in [`kernels`]. The crate
//! minimizes the weighted mean cross-entropy plus an optional L2 penalty:
//!
//! ```text
//! f(w, b) = (1/S) · Σᵢ sᵢ · ℓ(yᵢ, xᵢ·w + b)  +  (α/2) · ‖w‖²,     S = Σᵢ sᵢ
//! ```
//!
//! Its gradient is Xᵀ(p − y)/S + αw (with the sample weights in the
//! residuals), and its Hessian XᵀRX/S + αI with R = diag(sᵢ pᵢ(1 − pᵢ)) (the
//! intercept is never penalized). Newton's method solves H·Δ = −∇f each
//! iteration; for logistic regression this is *iteratively reweighted least
//! squares* (IRLS): a weighted least-squares fit with weights R and working
//! response η + R⁻¹(y − p).
//!
//! ## Choosing a solver
//!
//! | solver | best for | cost per iteration | accuracy at its defaults (measured) |
//! |---|---|---|---|
//! | [`solver::Newton`] (IRLS) | up to a few hundred parameters | O(n·p² + p³) | to machine precision in a few steps: the lowest objective of all solvers on the bench problems (gap 0 in BENCHMARKS.md) |
//! | [`solver::Lbfgs`] | many parameters, many classes | O(n·p) per trial | max \|∇f\| ≤ tol: gaps ≤ 7.3e-11 at tol 1e-6 on the bench problems |
//! | [`solver::Auto`] (default) | anything | Newton ≤ 64 parameters (≤ 201 on dense binary data of ≥ 1e7 values), else L-BFGS; with L1: CD (FISTA above 256 parameters for objectives without row access) | as the solver it picks |
//! | [`solver::GradientDescent`] | teaching, baselines | O(n·p) | max \|∇f\| ≤ tol when it converges; slow on ill-conditioned data |
//! | [`solver::Sgd`], [`solver::Adam`] | data larger than memory, streaming (`partial_fit`) | O(batch·p) per step | defaults, max_iter 1000: SGD within 3.3e-4 and Adam within 2.2e-4 of the optimal objective on 150–2,000 standardized rows, iris as shipped 2.4e-5 and 9.2e-5, standardized iris 1.4e-4 and 6.4e-5 (tol 1e-4); within 2.8e-4 (SGD) and 4.8e-4 (Adam) on the bench problems (tol 1e-6); usually stopped by `NoImprovement` at max \|∇f\| ≈ 1e-3 |
//! | [`solver::CoordinateDescent`] | L1 / elastic net, up to a few hundred parameters | O(n·p²) + sweeps | exact zeros; max subgradient ≤ tol |
//! | [`solver::Fista`] | L1 / elastic net, many parameters | O(n·p), 2 passes | exact zeros; max subgradient ≤ tol |
//! | [`solver::Saga`] | many rows, dense or CSR; L2, L1, elastic net (scikit-learn's `saga`) | O(nnz·k) per epoch + one full pass | at its defaults (tol 1e-4, max_iter 100) within 2e-7 of the optimum, 10–12 epochs (BENCHMARKS.md problems); exact zeros; linear convergence to any tol |
//!
//! Gaps are (objective − optimum)/optimum against Newton at tol 1e-12;
//! `bench/stochastic_defaults.py` and `bench/compare.py` (BENCHMARKS.md)
//! reproduce them.
//!
//! Pick by name at run time with [`solver::by_name`], or implement
//! [`solver::Solver`] for your own.
//!
//! ## From scikit-learn and statsmodels
//!
//! | scikit-learn / statsmodels | logreg |
//! |---|---|
//! | `LogisticRegression(C=1.0)` | `LogisticRegression::new()` (C = 1 default) |
//! | `C=c` | `.c(c)` (α = 1/(C·S)) |
//! | `penalty=None` / `sm.Logit(y, X).fit()` | `.penalty(Penalty::None)` |
//! | `fit_intercept`, `tol`, `max_iter`, `class_weight` | the same names |
//! | `solver="newton-cholesky"` / `"lbfgs"` / `"sag"`, `"saga"` | `Newton` / `Lbfgs` / `Saga` |
//! | `OneVsRestClassifier(...)` | `.multiclass(Multiclass::OneVsRest)` |
//! | `l1_ratio=1` (before 1.8: `penalty="l1"`) / `0 < l1_ratio < 1` (before: `penalty="elasticnet"`) | `.penalty(Penalty::L1)` / `.penalty(Penalty::ElasticNet { l1_ratio: ρ })` |
//! | `C=np.inf` (before 1.8: `penalty=None`) | `.penalty(Penalty::None)` |
//! | `LogisticRegressionCV(Cs, cv, scoring)` | [`CrossValidation`] (`.alphas`, `.folds`, `.scoring`), α = 1/(C·n_train) |
//! | `l1_min_c`, warm-started loop over C | [`LogisticRegression::path`] with [`Alphas::Auto`] (starts at α_max) |
//! | `coef_`, `intercept_`, `classes_`, `n_iter_` | `coef()`, `intercept()`, `classes()`, `report().iterations` |
//! | `predict`, `predict_proba`, `predict_log_proba`, `decision_function`, `score` | the same names |
//! | `warm_start=True`, `partial_fit` | `.warm_start(&fitted)` / `fit_from`, `partial_fit` |
//! | `result.summary()`, `bse`, `pvalues`, `conf_int()`, `llr_pvalue`, `aic`, `prsquared` | [`FittedLogisticRegression::summary`] → [`Summary`] |
//! | `sklearn.metrics`: `accuracy_score`, `log_loss`, `brier_score_loss`, `roc_auc_score`, `confusion_matrix`, `precision_recall_fscore_support` | [`metrics`]: `accuracy`, `log_loss`, `brier_score`, `roc_auc`, `confusion_matrix`, `precision_recall_f1` |
//! | `train_test_split(X, y, test_size, stratify=y, random_state)` | [`metrics::train_test_split`] |
//! | `feature_names_in_` (from a DataFrame) | `.feature_names([...])`, [`FittedLogisticRegression::feature_names`] |
//! | `predict_proba(X)[:, list(classes_).index(c)]`, `FixedThresholdClassifier` | `predict_proba_of(&x, &c)`, `predict_with_threshold(&x, t)` |
//! | `ConvergenceWarning` | [`FitReport::converged`], or `.require_convergence(true)` → [`Error::NotConverged`] |
//! | `fit(cov_type="HC0"/"HC1"/"cluster", cov_kwds={"groups": g})` | [`FittedLogisticRegression::summary_with`] with [`Covariance`] |
//! | `get_margeff(at="overall", method="dydx")` | [`Summary::marginal_effects`] → [`MarginalEffects`] |
//! | `get_prediction(X).summary_frame()` | [`Summary::predict_interval`] → [`PredictionInterval`] |
//! | firthmodels `FirthLogisticRegression`, R `logistf` | `.penalty(Penalty::Firth)`, [`Summary::lr_p_values`], [`Summary::profile_conf_int`] |
//!
//! ## Which standard error to report when
//!
//! - **Non-robust** ([`Covariance::Nonrobust`], the default of
//!   [`summary`](FittedLogisticRegression::summary)): the inverse
//!   information. Right when the model is correctly specified and the rows
//!   are independent; the smallest and the most fragile.
//! - **HC0 / HC1** ([`Covariance::Hc0`], [`Covariance::Hc1`]): the sandwich
//!   over per-row scores, valid when the logistic link is only an
//!   approximation but rows are independent. HC1 (× n/(n − p), Stata's
//!   `robust`) is the one most applied papers print; the two differ little
//!   unless p is a sizeable share of n. (statsmodels' discrete models return
//!   HC0 for `cov_type="HC1"`.)
//! - **Cluster** ([`Covariance::Cluster`]): rows are correlated within
//!   groups (pupils of a school, visits of a patient, days of a firm) and
//!   groups are independent. Use it whenever the design has such groups: the
//!   non-robust errors can be several times too small. It needs many groups
//!   (a few dozen); with fewer than about 20 the errors themselves are
//!   noisy.
//! - **Likelihood ratio and profile intervals** ([`Summary::lr_p_values`],
//!   [`Summary::profile_conf_int`]): in small samples, with rare events or
//!   large effects the likelihood is far from quadratic and Wald intervals
//!   mislead; these do not assume it is (maximum-likelihood fits, binary
//!   and multinomial, and Firth fits).
//! - **Firth** ([`Penalty::Firth`]): for separation (the maximum-likelihood
//!   estimate does not exist) and rare events. Report its profile
//!   penalized-likelihood intervals and LR p-values rather than Wald ones,
//!   as logistf does.
//! - Penalized (L2) fits have no valid standard errors at all; robust
//!   covariances of them are refused (the penalized estimate does not zero
//!   the score sum that the sandwich is built on).
//!
//! `examples/inference.rs` prints each of them for one data set.
//!
//! Labels may be any ordered type (integers, `bool`, `String`, `&str`: see
//! [`Label`]); floats are not `Ord`, which rules out float labels at
//! compile time with a message that says to map them to integers or strings.
#![warn(missing_docs)]
#![deny(clippy::float_cmp)]
// The library never unwraps, expects or panics: bad input is an `Error`.
// (The few `unreachable!` calls guard shapes the crate itself built.)
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![doc(test(attr(deny(warnings))))]

pub mod chunked;
mod cv;
mod diagnostics;
mod error;
mod fastmath;
mod float;
mod folds;
mod inference;
pub mod kernels;
mod layout;
mod linalg;
pub mod metrics;
mod model;
mod multiclass;
pub mod objective;
mod path;
mod report;
#[cfg(feature = "serde")]
mod serde_impl;
pub mod solver;
mod sparse;
mod standardize;
mod streaming;
mod validate;
mod weights;

pub use cv::{CrossValidated, CrossValidation, Scoring};
pub use diagnostics::Diagnostic;
pub use error::{Error, PartialSumsError, Result};
pub use float::Float;
pub use inference::{Covariance, MarginalEffects, PredictionInterval, Summary};
pub use model::{FittedLogisticRegression, Label, LogisticRegression};
pub use multiclass::Multiclass;
pub use objective::Penalty;
pub use path::{Alphas, RegularizationPath};
pub use solver::{FitReport, Termination};
pub use sparse::CsrMatrix;
/// The sparse-matrix crate whose CSR matrices `fit_csr` and `predict_csr` take.
pub use sprs;
pub use weights::ClassWeight;

/// Compiles and runs the README's code blocks as doc tests.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
