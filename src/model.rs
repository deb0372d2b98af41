//! The public model: [`LogisticRegression`] (settings) and
//! [`FittedLogisticRegression`] (a fitted model that predicts).

use crate::diagnostics::Diagnostic;
use crate::kernels::{log_sigmoid, logsumexp, sigmoid, softmax_inplace};
use crate::multiclass::{self, Multiclass, Problem, Run, Strategy};
use crate::objective::{Penalty, check_features, check_finite};
use crate::solver::{Auto, FitReport, Observer, Solver, StopRule, StreamState, Termination};
use crate::weights::{ClassWeight, effective_weights};
use crate::{Error, Float, Result};
use ndarray::{Array1, Array2, ArrayBase, ArrayView1, ArrayView2, Data, Ix1, Ix2, Zip};
use std::sync::Arc;

/// How strong the L2 penalty is.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Strength<F> {
    /// scikit-learn's inverse strength C: α = 1 / (C · S).
    C(F),
    /// α directly.
    Alpha(F),
}

/// Logistic regression settings: an unchecked parameter set with consuming,
/// infallible setters. [`fit`](Self::fit) checks everything and returns a
/// [`FittedLogisticRegression`].
///
/// The objective (the contract; the defaults match scikit-learn's
/// `LogisticRegression()`):
///
/// minimize over w, b:   (1/S) · Σᵢ sᵢ · ℓ(yᵢ, xᵢ·w + b)  +  (α/2) · ‖w‖²
///
/// with sample weights sᵢ (times class weights), S = Σ sᵢ, the cross-entropy
/// ℓ, and α = 1/(C·S) when the strength is given as scikit-learn's `C`
/// (default C = 1). The intercept is never penalized.
///
/// ```
/// use logreg::LogisticRegression;
/// use ndarray::array;
/// let x = array![[1.0_f64, 0.5], [2.0, 1.0], [3.0, 0.0], [4.0, 2.0], [5.0, 1.5], [6.0, 3.0]];
/// let y = array!["no", "no", "yes", "no", "yes", "yes"];
/// let model = LogisticRegression::new().c(10.0).fit(&x, &y)?;
/// assert_eq!(model.classes(), &["no", "yes"]);
/// assert_eq!(model.coef().dim(), (1, 2));
/// let proba = model.predict_proba(&x)?;
/// assert!((proba.row(0).sum() - 1.0).abs() < 1e-12);
/// # Ok::<(), logreg::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct LogisticRegression<F: Float = f64> {
    pub(crate) penalty: Penalty,
    strength: Strength<F>,
    pub(crate) fit_intercept: bool,
    pub(crate) multiclass: Multiclass,
    pub(crate) solver: Arc<dyn Solver<F>>,
    pub(crate) tol: F,
    pub(crate) max_iter: usize,
    pub(crate) class_weight: ClassWeight<F>,
    pub(crate) warm_start: Option<(Array2<F>, Array1<F>)>,
}

impl<F: Float> Default for LogisticRegression<F> {
    fn default() -> Self {
        Self {
            penalty: Penalty::L2,
            strength: Strength::C(F::one()),
            fit_intercept: true,
            multiclass: Multiclass::Auto,
            solver: Arc::new(Auto::new()),
            tol: F::from_f64_lossy(1e-4),
            max_iter: 100,
            class_weight: ClassWeight::None,
            warm_start: None,
        }
    }
}

impl<F: Float> LogisticRegression<F> {
    /// The defaults of scikit-learn's `LogisticRegression()`: L2 penalty with
    /// C = 1, an intercept, `Multiclass::Auto`, tol = 1e-4, max_iter = 100; the
    /// solver is [`Auto`] (Newton for small problems, L-BFGS for large ones).
    pub fn new() -> Self {
        Self::default()
    }

    /// The penalty ([`Penalty::L2`] by default; [`Penalty::None`] for the
    /// maximum-likelihood fit, which ignores `c` and `alpha`).
    pub fn penalty(mut self, penalty: Penalty) -> Self {
        self.penalty = penalty;
        self
    }

    /// Penalty strength as scikit-learn's C (> 0; smaller is stronger):
    /// α = 1 / (C · S), with S the sum of the weights (n without weights).
    pub fn c(mut self, c: F) -> Self {
        self.strength = Strength::C(c);
        self
    }

    /// Penalty strength α (≥ 0) directly, independent of n and of the scale of
    /// the weights.
    pub fn alpha(mut self, alpha: F) -> Self {
        self.strength = Strength::Alpha(alpha);
        self
    }

    /// Whether to fit intercepts (default true).
    pub fn fit_intercept(mut self, fit_intercept: bool) -> Self {
        self.fit_intercept = fit_intercept;
        self
    }

    /// How to handle more than two classes (default [`Multiclass::Auto`]).
    pub fn multiclass(mut self, multiclass: Multiclass) -> Self {
        self.multiclass = multiclass;
        self
    }

    /// The solver (default [`Auto`]); any [`Solver`], including one written
    /// outside this crate or a `Box<dyn Solver<F>>` chosen at run time.
    pub fn solver(mut self, solver: impl Solver<F> + 'static) -> Self {
        self.solver = Arc::new(solver);
        self
    }

    /// Tolerance on max |gradient| of the objective (default 1e-4, > 0).
    pub fn tol(mut self, tol: F) -> Self {
        self.tol = tol;
        self
    }

    /// Largest number of solver iterations (default 100, ≥ 1).
    pub fn max_iter(mut self, max_iter: usize) -> Self {
        self.max_iter = max_iter;
        self
    }

    /// Class weights (default [`ClassWeight::None`]).
    pub fn class_weight(mut self, class_weight: ClassWeight<F>) -> Self {
        self.class_weight = class_weight;
        self
    }

    /// Starts the next fits from `previous`'s coefficients and intercepts
    /// instead of zeros. Refitting a converged model on the same data then
    /// takes no more than a step or two. The previous model must have the
    /// same features, classes and model form, else `fit` returns
    /// [`Error::InvalidParameter`] for `warm_start`.
    pub fn warm_start<L>(mut self, previous: &FittedLogisticRegression<F, L>) -> Self {
        self.warm_start = Some((previous.coef.clone(), previous.intercept.clone()));
        self
    }

    /// Fits the model to features `x` (n × d) and labels `y` (n) of any
    /// ordered type: integers, `bool`, `String`, `&str`, …
    ///
    /// Float labels do not compile (`f64` is not `Ord`, so `0.1` and `0.1 +
    /// 1e-17` could silently become two classes): map them to integers first.
    ///
    /// ```compile_fail
    /// use logreg::LogisticRegression;
    /// use ndarray::array;
    /// let x = array![[0.0_f64], [1.0]];
    /// let y = array![0.0_f64, 1.0];
    /// let _ = LogisticRegression::new().fit(&x, &y);
    /// ```
    ///
    /// # Errors
    /// Every invalid setting or input: see [`Error`].
    pub fn fit<S, T, L>(
        &self,
        x: &ArrayBase<S, Ix2>,
        y: &ArrayBase<T, Ix1>,
    ) -> Result<FittedLogisticRegression<F, L>>
    where
        S: Data<Elem = F>,
        T: Data<Elem = L>,
        L: Clone + Ord,
    {
        self.fit_inner(x.view(), y.view(), None, None)
    }

    /// Like [`fit`](Self::fit), starting from `previous` (see
    /// [`warm_start`](Self::warm_start)); its classes must equal those of `y`.
    ///
    /// ```
    /// use logreg::LogisticRegression;
    /// use ndarray::array;
    /// let x = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]];
    /// let y = array![0, 0, 1, 1];
    /// let settings = LogisticRegression::new().tol(1e-8);
    /// let first = settings.fit(&x, &y)?;
    /// let again = settings.fit_from(&x, &y, &first)?;
    /// assert!(again.report().iterations <= 1);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`fit`](Self::fit), and [`Error::InvalidParameter`] when `previous`
    /// does not match the data.
    pub fn fit_from<S, T, L>(
        &self,
        x: &ArrayBase<S, Ix2>,
        y: &ArrayBase<T, Ix1>,
        previous: &FittedLogisticRegression<F, L>,
    ) -> Result<FittedLogisticRegression<F, L>>
    where
        S: Data<Elem = F>,
        T: Data<Elem = L>,
        L: Clone + Ord,
    {
        let fitted = self.clone().warm_start(previous).fit(x, y)?;
        if fitted.classes != previous.classes {
            return Err(Error::invalid(
                "warm_start",
                "a model with other classes",
                "the previous model must have been fitted on the same classes",
            ));
        }
        Ok(fitted)
    }

    /// Like [`fit`](Self::fit), calling `observer` after every solver
    /// iteration: for progress bars, loss curves and early stopping (an
    /// observer that returns [`Control::Stop`](crate::solver::Control::Stop)
    /// ends the fit with [`Termination::StoppedByObserver`]). One-vs-rest
    /// sub-fits run one after another so that they can share the observer.
    ///
    /// ```
    /// use logreg::LogisticRegression;
    /// use logreg::solver::{Control, Progress};
    /// use ndarray::array;
    /// let x = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]];
    /// let y = array![0, 0, 1, 1];
    /// let mut losses = Vec::new();
    /// let mut record = |p: &Progress<f64>| { losses.push(p.objective); Control::Continue };
    /// LogisticRegression::new().fit_observed(&x, &y, None, &mut record)?;
    /// assert!(losses.windows(2).all(|w| w[1] <= w[0]));
    /// # Ok::<(), logreg::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`fit_weighted`](Self::fit_weighted).
    pub fn fit_observed<S, T, L>(
        &self,
        x: &ArrayBase<S, Ix2>,
        y: &ArrayBase<T, Ix1>,
        sample_weight: Option<ArrayView1<'_, F>>,
        observer: &mut dyn Observer<F>,
    ) -> Result<FittedLogisticRegression<F, L>>
    where
        S: Data<Elem = F>,
        T: Data<Elem = L>,
        L: Clone + Ord,
    {
        self.fit_inner(x.view(), y.view(), sample_weight, Some(observer))
    }

    /// Like [`fit`](Self::fit), with one weight per row (finite, ≥ 0, not all
    /// zero). Integer weights act like repeated rows.
    ///
    /// # Errors
    /// Every invalid setting or input: see [`Error`].
    pub fn fit_weighted<S, T, W, L>(
        &self,
        x: &ArrayBase<S, Ix2>,
        y: &ArrayBase<T, Ix1>,
        sample_weight: &ArrayBase<W, Ix1>,
    ) -> Result<FittedLogisticRegression<F, L>>
    where
        S: Data<Elem = F>,
        T: Data<Elem = L>,
        W: Data<Elem = F>,
        L: Clone + Ord,
    {
        self.fit_inner(x.view(), y.view(), Some(sample_weight.view()), None)
    }

    /// These settings without the warm start (which a fitted model need not keep).
    pub(crate) fn without_warm_start(&self) -> Self {
        Self {
            warm_start: None,
            ..self.clone()
        }
    }

    /// The L2 strength α for data whose weights sum to `weight_sum`.
    pub(crate) fn alpha_for(&self, weight_sum: F) -> F {
        match (self.penalty, self.strength) {
            (Penalty::None, _) => F::zero(),
            (_, Strength::Alpha(alpha)) => alpha,
            (_, Strength::C(c)) => (c * weight_sum).recip(),
        }
    }

    pub(crate) fn check_settings(&self) -> Result<StopRule<F>> {
        match self.strength {
            Strength::C(c) if !(c.is_finite() && c > F::zero()) => {
                return Err(Error::invalid("C", c, "must be finite and > 0"));
            }
            Strength::Alpha(a) if !(a.is_finite() && a >= F::zero()) => {
                return Err(Error::invalid("alpha", a, "must be finite and ≥ 0"));
            }
            _ => {}
        }
        StopRule::new(self.tol, self.max_iter)
    }

    fn fit_inner<L: Clone + Ord>(
        &self,
        x: ArrayView2<'_, F>,
        y: ArrayView1<'_, L>,
        sample_weight: Option<ArrayView1<'_, F>>,
        observer: Option<&mut dyn Observer<F>>,
    ) -> Result<FittedLogisticRegression<F, L>> {
        let stop = self.check_settings()?;
        check_features(x)?;
        if y.len() != x.nrows() {
            return Err(Error::LengthMismatch {
                what: "y",
                expected: x.nrows(),
                got: y.len(),
            });
        }
        let (classes, class) = encode_labels(y.view());
        if classes.len() < 2 {
            return Err(Error::TooFewClasses {
                found: classes.len(),
            });
        }
        let weight = effective_weights(&class, classes.len(), sample_weight, &self.class_weight)?;
        let alpha = self.alpha_for(weight.sum());
        let strategy = self.multiclass.strategy(classes.len());
        let problem = Problem {
            x,
            class,
            n_classes: classes.len(),
            weight,
            alpha,
            fit_intercept: self.fit_intercept,
        };
        let start = self.warm_start_for(strategy, problem.n_classes, x.ncols())?;
        let run = Run { start, observer };
        let fit = multiclass::fit(&problem, strategy, self.solver.as_ref(), &stop, run)?;
        Ok(FittedLogisticRegression {
            classes,
            coef: fit.coef,
            intercept: fit.intercept,
            strategy,
            report: combine_reports(&fit.reports),
            stream_states: vec![StreamState::default(); fit.reports.len()],
            reports: fit.reports,
            diagnostics: fit.diagnostics,
            alpha,
            settings: self.without_warm_start(),
        })
    }
}

impl<F: Float> LogisticRegression<F> {
    /// The warm start, checked against the shape this fit will produce.
    fn warm_start_for(
        &self,
        strategy: Strategy,
        n_classes: usize,
        n_features: usize,
    ) -> Result<Option<(Array2<F>, Array1<F>)>> {
        let Some((coef, intercept)) = &self.warm_start else {
            return Ok(None);
        };
        let rows = if strategy == Strategy::Binary {
            1
        } else {
            n_classes
        };
        if coef.dim() != (rows, n_features) || intercept.len() != rows {
            return Err(Error::invalid(
                "warm_start",
                format!("a model with coef of shape {:?}", coef.dim()),
                "the previous model must have the same features, classes and multiclass form",
            ));
        }
        check_finite("warm-start coefficients", coef.iter().chain(intercept))?;
        Ok(Some((coef.clone(), intercept.clone())))
    }
}

/// Sorted distinct labels, and each row's index into them.
pub(crate) fn encode_labels<L: Clone + Ord>(y: ArrayView1<'_, L>) -> (Vec<L>, Vec<usize>) {
    let mut classes: Vec<L> = y.iter().cloned().collect();
    classes.sort();
    classes.dedup();
    let class = y
        .iter()
        .map(|label| classes.binary_search(label).unwrap_or_default())
        .collect();
    (classes, class)
}

/// Each label's index in the sorted `classes`; an unknown label is an error.
fn encode_known<L: Ord>(classes: &[L], y: ArrayView1<'_, L>) -> Result<Vec<usize>> {
    y.iter()
        .enumerate()
        .map(|(index, label)| {
            classes
                .binary_search(label)
                .map_err(|_| Error::UnknownLabel { index })
        })
        .collect()
}

/// One report for several sub-fits: the most iterations, the summed
/// objective, the largest gradient and the first non-converged termination.
fn combine_reports<F: Float>(reports: &[FitReport<F>]) -> FitReport<F> {
    FitReport {
        iterations: reports.iter().map(|r| r.iterations).max().unwrap_or(0),
        objective: reports.iter().map(|r| r.objective).sum(),
        grad_max: reports.iter().fold(F::zero(), |m, r| m.max(r.grad_max)),
        termination: reports
            .iter()
            .map(|r| r.termination)
            .find(|t| *t != Termination::Converged)
            .unwrap_or(Termination::Converged),
    }
}

/// A fitted logistic regression model.
///
/// `coef()` has one row for a binary model (the second class in `classes()`
/// is the positive one) and one row per class otherwise.
#[derive(Debug, Clone)]
pub struct FittedLogisticRegression<F: Float, L> {
    pub(crate) classes: Vec<L>,
    pub(crate) coef: Array2<F>,
    pub(crate) intercept: Array1<F>,
    pub(crate) strategy: Strategy,
    pub(crate) report: FitReport<F>,
    pub(crate) reports: Vec<FitReport<F>>,
    pub(crate) diagnostics: Vec<Diagnostic>,
    /// The α the fit used, and its settings: inference rebuilds the same
    /// objective from them, and `partial_fit` continues with them.
    pub(crate) alpha: F,
    pub(crate) settings: LogisticRegression<F>,
    /// Optimizer state per solver run, for `partial_fit`.
    pub(crate) stream_states: Vec<StreamState<F>>,
}

impl<F: Float, L: Clone + Ord> FittedLogisticRegression<F, L> {
    /// Checks labelled data against the model (finite x with the fitted
    /// features, one known label per row) and returns the class indices and
    /// the effective weights, as the fit computed them.
    pub(crate) fn encoded_data(
        &self,
        x: ArrayView2<'_, F>,
        y: ArrayView1<'_, L>,
        sample_weight: Option<ArrayView1<'_, F>>,
    ) -> Result<(Vec<usize>, Array1<F>)> {
        check_features(x)?;
        if x.ncols() != self.n_features() {
            return Err(Error::FeatureMismatch {
                expected: self.n_features(),
                got: x.ncols(),
            });
        }
        if y.len() != x.nrows() {
            return Err(Error::LengthMismatch {
                what: "y",
                expected: x.nrows(),
                got: y.len(),
            });
        }
        let class = encode_known(&self.classes, y)?;
        let weight = effective_weights(
            &class,
            self.classes.len(),
            sample_weight,
            &self.settings.class_weight,
        )?;
        Ok((class, weight))
    }

    /// The class labels, sorted by `Ord`; columns of `predict_proba` follow this order.
    pub fn classes(&self) -> &[L] {
        &self.classes
    }

    /// Coefficients: 1 × d for a binary model, k × d otherwise.
    pub fn coef(&self) -> ArrayView2<'_, F> {
        self.coef.view()
    }

    /// Intercepts, one per row of `coef()` (zeros without an intercept).
    /// Multinomial intercepts are centred to sum to zero.
    pub fn intercept(&self) -> ArrayView1<'_, F> {
        self.intercept.view()
    }

    /// Number of features the model was fitted with.
    pub fn n_features(&self) -> usize {
        self.coef.ncols()
    }

    /// The fit's report; for one-vs-rest, the most iterations and the worst
    /// outcome over the sub-fits (see [`reports`](Self::reports)).
    pub fn report(&self) -> &FitReport<F> {
        &self.report
    }

    /// One report per solver run: one, or one per class for one-vs-rest.
    pub fn reports(&self) -> &[FitReport<F>] {
        &self.reports
    }

    /// Problems found in the fit: separation (for unpenalized fits, where the
    /// maximum-likelihood estimate may not exist). Empty when all is well.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// Linear predictors x·wᵀ + b: n × 1 for a binary model (the logit of the
    /// second class), n × k otherwise.
    ///
    /// # Errors
    /// [`Error::FeatureMismatch`] or [`Error::NonFinite`] for bad `x`.
    pub fn decision_function<S: Data<Elem = F>>(&self, x: &ArrayBase<S, Ix2>) -> Result<Array2<F>> {
        if x.ncols() != self.n_features() {
            return Err(Error::FeatureMismatch {
                expected: self.n_features(),
                got: x.ncols(),
            });
        }
        check_finite("x", x.iter())?;
        let mut eta = x.dot(&self.coef.t());
        eta += &self.intercept;
        Ok(eta)
    }

    /// Class probabilities, n × k, columns in `classes()` order, rows summing to 1.
    /// One-vs-rest probabilities are the sub-models' normalized.
    ///
    /// # Errors
    /// As [`decision_function`](Self::decision_function).
    pub fn predict_proba<S: Data<Elem = F>>(&self, x: &ArrayBase<S, Ix2>) -> Result<Array2<F>> {
        let eta = self.decision_function(x)?;
        Ok(match self.strategy {
            Strategy::Binary => binary_columns(&eta, |e| sigmoid(-e), sigmoid),
            Strategy::Multinomial => {
                let mut p = eta;
                p.rows_mut().into_iter().for_each(softmax_inplace);
                p
            }
            Strategy::OneVsRest => {
                let mut p = eta.mapv(sigmoid);
                for mut row in p.rows_mut() {
                    let sum = row.sum();
                    row.mapv_inplace(|v| v / sum);
                }
                p
            }
        })
    }

    /// Log-probabilities, n × k, computed from the linear predictors
    /// (log-sigmoid or log-softmax), never as ln(p): finite where p underflows.
    ///
    /// # Errors
    /// As [`decision_function`](Self::decision_function).
    pub fn predict_log_proba<S: Data<Elem = F>>(&self, x: &ArrayBase<S, Ix2>) -> Result<Array2<F>> {
        let eta = self.decision_function(x)?;
        Ok(match self.strategy {
            Strategy::Binary => binary_columns(&eta, |e| log_sigmoid(-e), log_sigmoid),
            Strategy::Multinomial => log_normalize(eta),
            Strategy::OneVsRest => log_normalize(eta.mapv(log_sigmoid)),
        })
    }

    /// The most probable class for each row.
    ///
    /// # Errors
    /// As [`decision_function`](Self::decision_function).
    pub fn predict<S: Data<Elem = F>>(&self, x: &ArrayBase<S, Ix2>) -> Result<Array1<L>> {
        let eta = self.decision_function(x)?;
        Ok(eta
            .rows()
            .into_iter()
            .map(|row| {
                let best = match self.strategy {
                    Strategy::Binary => usize::from(row[0] > F::zero()),
                    _ => argmax(row),
                };
                self.classes[best].clone()
            })
            .collect())
    }

    /// Mean accuracy of `predict(x)` against `y`. As in scikit-learn, a label
    /// the model was not fitted on is never predicted, so it counts as wrong.
    ///
    /// # Errors
    /// As [`decision_function`](Self::decision_function), and
    /// [`Error::LengthMismatch`] when `y` does not have one label per row.
    pub fn score<S, T>(&self, x: &ArrayBase<S, Ix2>, y: &ArrayBase<T, Ix1>) -> Result<F>
    where
        S: Data<Elem = F>,
        T: Data<Elem = L>,
    {
        if y.len() != x.nrows() {
            return Err(Error::LengthMismatch {
                what: "y",
                expected: x.nrows(),
                got: y.len(),
            });
        }
        let predicted = self.predict(x)?;
        let correct = Zip::from(&predicted)
            .and(y)
            .fold(0usize, |n, p, t| n + usize::from(p == t));
        let to_f = |v: usize| F::from_usize(v).unwrap_or_else(F::max_value);
        Ok(to_f(correct) / to_f(y.len().max(1)))
    }
}

/// [f(η), g(η)] as two columns from a binary model's n × 1 predictors.
fn binary_columns<F: Float>(
    eta: &Array2<F>,
    first: impl Fn(F) -> F,
    second: impl Fn(F) -> F,
) -> Array2<F> {
    let mut out = Array2::zeros((eta.nrows(), 2));
    for (mut row, &e) in out.rows_mut().into_iter().zip(eta.column(0)) {
        row[0] = first(e);
        row[1] = second(e);
    }
    out
}

/// Row-wise v − logsumexp(v).
fn log_normalize<F: Float>(mut scores: Array2<F>) -> Array2<F> {
    for mut row in scores.rows_mut() {
        let lse = logsumexp(row.view());
        row.mapv_inplace(|v| v - lse);
    }
    scores
}

/// Index of the largest entry (the first on ties).
fn argmax<F: Float>(row: ArrayView1<'_, F>) -> usize {
    row.iter()
        .enumerate()
        .fold((0, F::neg_infinity()), |(bi, bv), (i, &v)| {
            if v > bv { (i, v) } else { (bi, bv) }
        })
        .0
}
