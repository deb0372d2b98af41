//! [`LogisticRegression`]: the unchecked settings, their setters and their
//! one check.

use super::FittedLogisticRegression;
use super::record::{FitRecord, Strength};
use crate::multiclass::Multiclass;
use crate::objective::Penalty;
use crate::solver::{Auto, Solver, StopRule};
use crate::validate::check_length;
use crate::weights::ClassWeight;
use crate::{Error, Float, Result};
use ndarray::{Array1, Array2};
use std::sync::Arc;

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
    pub(crate) strength: Strength<F>,
    pub(crate) fit_intercept: bool,
    pub(crate) multiclass: Multiclass,
    pub(crate) solver: Arc<dyn Solver<F>>,
    pub(crate) tol: F,
    pub(crate) max_iter: usize,
    pub(crate) class_weight: ClassWeight<F>,
    pub(crate) warm_start: Option<(Array2<F>, Array1<F>)>,
    pub(crate) standardize: bool,
    pub(crate) feature_names: Option<Vec<String>>,
    pub(crate) require_convergence: bool,
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
            standardize: false,
            feature_names: None,
            require_convergence: false,
        }
    }
}

impl<F: Float> LogisticRegression<F> {
    /// The defaults of scikit-learn's `LogisticRegression()`: L2 penalty with
    /// C = 1, an intercept, `Multiclass::Auto`, tol = 1e-4, max_iter = 100; the
    /// solver is [`Auto`] (Newton for small problems, L-BFGS for large ones).
    ///
    /// ```
    /// use logreg::LogisticRegression;
    /// use ndarray::array;
    /// let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0]];
    /// let y = array![0, 0, 1, 0, 1, 1];
    /// let model = LogisticRegression::new().fit(&x, &y)?;
    /// assert!(model.report().converged());
    /// // The default strength is C = 1.
    /// let explicit = LogisticRegression::new().c(1.0).fit(&x, &y)?;
    /// assert!((model.coef()[(0, 0)] - explicit.coef()[(0, 0)]).abs() < 1e-12);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// The penalty ([`Penalty::L2`] by default; [`Penalty::None`] for the
    /// maximum-likelihood fit, which ignores `c` and `alpha`).
    ///
    /// ```
    /// use logreg::{LogisticRegression, Penalty};
    /// use ndarray::array;
    /// let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0]];
    /// let y = array![0, 0, 1, 0, 1, 1];
    /// let ridge = LogisticRegression::new().fit(&x, &y)?;
    /// let mle = LogisticRegression::new().penalty(Penalty::None).fit(&x, &y)?;
    /// // The L2 penalty shrinks the slope towards zero.
    /// assert!(0.0 < ridge.coef()[(0, 0)] && ridge.coef()[(0, 0)] < mle.coef()[(0, 0)]);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn penalty(mut self, penalty: Penalty) -> Self {
        self.penalty = penalty;
        self
    }

    /// Penalty strength as scikit-learn's C (> 0; smaller is stronger):
    /// α = 1 / (C · S), with S the sum of the weights (n without weights).
    ///
    /// **`c` and [`alpha`](Self::alpha) set the same strength: the last
    /// call wins.** `.c(10.0).alpha(0.1)` fits with α = 0.1 and forgets C.
    ///
    /// ```
    /// use logreg::{Error, LogisticRegression};
    /// use ndarray::array;
    /// let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0]];
    /// let y = array![0, 0, 1, 0, 1, 1];
    /// let weak = LogisticRegression::new().c(100.0).fit(&x, &y)?;
    /// let strong = LogisticRegression::new().c(0.01).fit(&x, &y)?;
    /// assert!(strong.coef()[(0, 0)].abs() < weak.coef()[(0, 0)].abs());
    /// let err = LogisticRegression::new().c(0.0).fit(&x, &y).unwrap_err();
    /// assert!(matches!(err, Error::InvalidParameter { name: "C", .. }));
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn c(mut self, c: F) -> Self {
        self.strength = Strength::C(c);
        self
    }

    /// Penalty strength α (≥ 0) directly, independent of n and of the scale of
    /// the weights.
    ///
    /// **[`c`](Self::c) and `alpha` set the same strength: the last call
    /// wins.** `.alpha(0.1).c(10.0)` fits with C = 10.
    ///
    /// ```
    /// use logreg::{Error, LogisticRegression};
    /// use ndarray::array;
    /// let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0]];
    /// let y = array![0, 0, 1, 0, 1, 1];
    /// // With 6 unweighted rows, α = 1/3 is C = 1/(α·6) = 0.5.
    /// let by_alpha = LogisticRegression::new().alpha(1.0 / 3.0).fit(&x, &y)?;
    /// let by_c = LogisticRegression::new().c(0.5).fit(&x, &y)?;
    /// assert!((by_alpha.coef()[(0, 0)] - by_c.coef()[(0, 0)]).abs() < 1e-12);
    /// let err = LogisticRegression::new().alpha(-1.0).fit(&x, &y).unwrap_err();
    /// assert!(matches!(err, Error::InvalidParameter { name: "alpha", .. }));
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn alpha(mut self, alpha: F) -> Self {
        self.strength = Strength::Alpha(alpha);
        self
    }

    /// Whether to standardize the features inside the fit (default false):
    /// the solver sees each column centred by its weighted mean and divided
    /// by its weighted standard deviation, so the penalty treats features
    /// of any unit alike, and the coefficients are returned on the original
    /// scale (as glmnet's `standardize = TRUE`). Constant columns get a zero
    /// coefficient. Without an intercept the columns are only scaled (by
    /// their root mean square). Costs one copy of X.
    ///
    /// ```
    /// use logreg::{LogisticRegression, Penalty};
    /// use ndarray::array;
    /// let x = array![[0.0_f64, 100.0], [1.0, 300.0], [2.0, 200.0], [3.0, 500.0],
    ///                [4.0, 400.0], [5.0, 600.0], [6.0, 200.0], [7.0, 100.0]];
    /// let y = array![0, 1, 0, 0, 1, 0, 1, 1];
    /// // Without a penalty the fit does not depend on the scale.
    /// let mle = LogisticRegression::new().penalty(Penalty::None).tol(1e-12);
    /// let plain = mle.clone().fit(&x, &y)?;
    /// let scaled = mle.standardize(true).fit(&x, &y)?;
    /// assert!((&plain.coef() - &scaled.coef()).iter().all(|d| d.abs() < 1e-10));
    /// // With a penalty it does: the penalty now weighs both features alike.
    /// let ridge = LogisticRegression::new().c(0.1);
    /// let (plain, scaled) = (ridge.clone().fit(&x, &y)?, ridge.standardize(true).fit(&x, &y)?);
    /// assert!((plain.coef()[(0, 1)] - scaled.coef()[(0, 1)]).abs() > 1e-4);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn standardize(mut self, standardize: bool) -> Self {
        self.standardize = standardize;
        self
    }

    /// Whether to fit intercepts (default true).
    ///
    /// ```
    /// use logreg::LogisticRegression;
    /// use ndarray::array;
    /// let x = array![[-2.0_f64], [-1.0], [1.0], [-0.5], [2.0], [3.0]];
    /// let y = array![0, 0, 0, 1, 1, 1];
    /// let model = LogisticRegression::new().fit_intercept(false).fit(&x, &y)?;
    /// assert_eq!(model.intercept()[0], 0.0);
    /// // Through the origin: at x = 0 the logit is 0 and both classes are equally likely.
    /// let p = model.predict_proba(&array![[0.0]])?;
    /// assert!((p[(0, 1)] - 0.5).abs() < 1e-15);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn fit_intercept(mut self, fit_intercept: bool) -> Self {
        self.fit_intercept = fit_intercept;
        self
    }

    /// How to handle more than two classes (default [`Multiclass::Auto`]).
    ///
    /// ```
    /// use logreg::{LogisticRegression, Multiclass};
    /// use ndarray::{array, s};
    /// let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0]];
    /// let y = array!["a", "a", "b", "b", "c", "c"];
    /// let ovr = LogisticRegression::new().multiclass(Multiclass::OneVsRest).fit(&x, &y)?;
    /// assert_eq!(ovr.reports().len(), 3); // one binary fit per class
    /// // Softmax even for two classes: one row of coefficients per class.
    /// let (x2, y2) = (x.slice(s![..4, ..]), y.slice(s![..4]));
    /// let two = LogisticRegression::new().multiclass(Multiclass::Multinomial).fit(&x2, &y2)?;
    /// assert_eq!(two.coef().dim(), (2, 1));
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn multiclass(mut self, multiclass: Multiclass) -> Self {
        self.multiclass = multiclass;
        self
    }

    /// The solver (default [`Auto`]); any [`Solver`], including one written
    /// outside this crate or a `Box<dyn Solver<F>>` chosen at run time.
    ///
    /// ```
    /// use logreg::LogisticRegression;
    /// use logreg::solver::{Lbfgs, Newton};
    /// use ndarray::array;
    /// let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0]];
    /// let y = array![0, 0, 1, 0, 1, 1];
    /// let settings = LogisticRegression::new().tol(1e-10);
    /// let newton = settings.clone().solver(Newton::new()).fit(&x, &y)?;
    /// let lbfgs = settings.solver(Lbfgs::new()).fit(&x, &y)?;
    /// // The same minimum; Newton needs fewer iterations to get there.
    /// assert!((newton.coef()[(0, 0)] - lbfgs.coef()[(0, 0)]).abs() < 1e-6);
    /// assert!(newton.report().iterations < lbfgs.report().iterations);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn solver(mut self, solver: impl Solver<F> + 'static) -> Self {
        self.solver = Arc::new(solver);
        self
    }

    /// Tolerance on max |gradient| of the objective (default 1e-4, > 0).
    ///
    /// ```
    /// use logreg::LogisticRegression;
    /// use ndarray::array;
    /// let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0]];
    /// let y = array![0, 0, 1, 0, 1, 1];
    /// let model = LogisticRegression::new().tol(1e-10).fit(&x, &y)?;
    /// assert!(model.report().converged());
    /// assert!(model.report().grad_max <= 1e-10);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn tol(mut self, tol: F) -> Self {
        self.tol = tol;
        self
    }

    /// Largest number of solver iterations (default 100, ≥ 1).
    ///
    /// ```
    /// use logreg::{LogisticRegression, Termination};
    /// use logreg::solver::GradientDescent;
    /// use ndarray::array;
    /// let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0]];
    /// let y = array![0, 0, 1, 0, 1, 1];
    /// let settings = LogisticRegression::new().solver(GradientDescent::new()).tol(1e-12);
    /// let model = settings.max_iter(3).fit(&x, &y)?;
    /// assert_eq!(model.report().iterations, 3);
    /// assert_eq!(model.report().termination, Termination::MaxIterations);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn max_iter(mut self, max_iter: usize) -> Self {
        self.max_iter = max_iter;
        self
    }

    /// Class weights (default [`ClassWeight::None`]).
    ///
    /// ```
    /// use logreg::{ClassWeight, LogisticRegression};
    /// use ndarray::array;
    /// let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0], [6.0], [7.0]];
    /// let y = array![0, 0, 0, 0, 1, 0, 1, 1]; // 5 rows of class 0, 3 of class 1
    /// let mean_p1 = |weights: ClassWeight<f64>| -> logreg::Result<f64> {
    ///     let model = LogisticRegression::new().class_weight(weights).tol(1e-8).fit(&x, &y)?;
    ///     Ok(model.predict_proba(&x)?.column(1).sum() / 8.0)
    /// };
    /// // Unweighted, the mean probability of class 1 is its share, 3/8 ...
    /// assert!((mean_p1(ClassWeight::None)? - 3.0 / 8.0).abs() < 1e-6);
    /// // ... and balancing the classes raises it (to about 0.44 here).
    /// assert!(mean_p1(ClassWeight::Balanced)? > 0.4);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn class_weight(mut self, class_weight: ClassWeight<F>) -> Self {
        self.class_weight = class_weight;
        self
    }

    /// Starts the next fits from `previous`'s coefficients and intercepts
    /// instead of zeros. Refitting a converged model on the same data then
    /// takes no more than a step or two. The previous model must have the
    /// same features, classes and model form, else `fit` returns
    /// [`Error::InvalidParameter`](crate::Error::InvalidParameter) for `warm_start`.
    ///
    /// ```
    /// use logreg::{Error, LogisticRegression};
    /// use ndarray::array;
    /// let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0]];
    /// let y = array![0, 0, 1, 0, 1, 1];
    /// let settings = LogisticRegression::new().tol(1e-8);
    /// let first = settings.fit(&x, &y)?;
    /// let refit = settings.clone().warm_start(&first).fit(&x, &y)?;
    /// assert!(refit.report().iterations <= 1);
    /// // A previous model with other features does not fit this data.
    /// let wide = settings.fit(&array![[0.0, 1.0], [1.0, 0.0]], &array![0, 1])?;
    /// let err = settings.warm_start(&wide).fit(&x, &y).unwrap_err();
    /// assert!(matches!(err, Error::InvalidParameter { name: "warm_start", .. }));
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn warm_start<L>(mut self, previous: &FittedLogisticRegression<F, L>) -> Self {
        self.warm_start = Some((previous.coef.clone(), previous.intercept.clone()));
        self
    }
}

impl<F: Float> LogisticRegression<F> {
    /// Names for the feature columns, kept by the fitted model (and by
    /// paths, cross-validation and saved models) and used by its
    /// coefficient table, [`Summary`](crate::Summary) and
    /// [`describe_diagnostics`](FittedLogisticRegression::describe_diagnostics).
    /// `fit` checks that there is one name per column.
    ///
    /// ```
    /// use logreg::{Error, LogisticRegression};
    /// use ndarray::array;
    /// let x = array![[0.0_f64, 1.0], [1.0, 0.5], [2.0, 2.5], [3.0, 1.0]];
    /// let y = array![0, 0, 1, 1];
    /// let model = LogisticRegression::new().feature_names(["dose", "age"]).fit(&x, &y)?;
    /// assert_eq!(model.feature_names(), Some(&["dose".to_string(), "age".to_string()][..]));
    /// let err = LogisticRegression::new().feature_names(["dose"]).fit(&x, &y).unwrap_err();
    /// assert!(matches!(err, Error::LengthMismatch { what: "feature_names", expected: 2, got: 1 }));
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn feature_names<I, N>(mut self, names: I) -> Self
    where
        I: IntoIterator<Item = N>,
        N: Into<String>,
    {
        self.feature_names = Some(names.into_iter().map(Into::into).collect());
        self
    }

    /// Whether a fit that does not pass its convergence test is an error
    /// (default false: the fit is returned and its
    /// [`report`](FittedLogisticRegression::report) says why it stopped).
    /// With `true`, `fit` (and its weighted, observed and CSR forms), every
    /// fit of a [`path`](Self::path) and of a
    /// [`CrossValidation`](crate::CrossValidation) return
    /// [`Error::NotConverged`](crate::Error::NotConverged) carrying the
    /// report, whenever the termination is anything but
    /// [`Converged`](crate::Termination::Converged) (including
    /// `MaxIterations`, `NoImprovement` and `Separation`).
    ///
    /// `partial_fit` has no convergence test (each pass is one epoch over a
    /// chunk, reported as `MaxIterations`): with `true` it returns
    /// `NotConverged` only when a pass fails numerically
    /// ([`NumericalFailure`](crate::Termination::NumericalFailure); the pass
    /// is undone).
    ///
    /// ```
    /// use logreg::{Error, LogisticRegression, Termination};
    /// use logreg::solver::GradientDescent;
    /// use ndarray::array;
    /// let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0]];
    /// let y = array![0, 0, 1, 0, 1, 1];
    /// let capped = LogisticRegression::new().solver(GradientDescent::new()).max_iter(3);
    /// assert!(capped.fit(&x, &y).is_ok()); // returned, its report says MaxIterations
    /// let err = capped.require_convergence(true).fit(&x, &y).unwrap_err();
    /// match err {
    ///     Error::NotConverged { report, .. } => {
    ///         assert_eq!(report.termination, Termination::MaxIterations);
    ///         assert_eq!(report.iterations, 3);
    ///     }
    ///     other => panic!("{other}"),
    /// }
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn require_convergence(mut self, require: bool) -> Self {
        self.require_convergence = require;
        self
    }

    /// Checks the feature names (if any) against `n_features` columns.
    pub(crate) fn check_feature_names(&self, n_features: usize) -> Result<()> {
        match &self.feature_names {
            Some(names) => check_length("feature_names", n_features, names.len()),
            None => Ok(()),
        }
    }

    /// `error` naming the columns it is about, when feature names are set,
    /// one per column of the `n_features` the data have (the step the data
    /// checks of fits, paths and CV go through).
    pub(crate) fn name_columns(&self, error: Error, n_features: usize) -> Error {
        match &self.feature_names {
            Some(names) if names.len() == n_features => error.with_feature_names(names),
            _ => error,
        }
    }

    /// With `require_convergence`, the error for a model whose fit did not
    /// converge.
    pub(crate) fn check_converged<L>(&self, model: &FittedLogisticRegression<F, L>) -> Result<()> {
        if self.require_convergence && !model.report.converged() {
            return Err(Error::NotConverged {
                report: model.report.to_f64(),
                tol: self.tol.to_f64_lossy(),
            });
        }
        Ok(())
    }
}

impl<F: Float> LogisticRegression<F> {
    /// The strengths (L2, L1) of the two penalty terms for data whose
    /// weights sum to `weight_sum`.
    /// Whether a fit with these settings starts its solvers at zero with
    /// the value and gradient there computed from each class's sums over
    /// the data (by the checks' read of x, or a chunked fit's first pass)
    /// instead of a pass. Those sums are of x as given and of the sample
    /// weights, so standardized fits, class weights, warm starts and
    /// Firth's penalty evaluate their start as before.
    pub(crate) fn starts_from_class_sums(&self) -> bool {
        !self.standardize
            && matches!(self.class_weight, ClassWeight::None)
            && self.warm_start.is_none()
            && self.penalty != Penalty::Firth
    }

    pub(crate) fn strengths_for(&self, weight_sum: F) -> (F, F) {
        self.strength.split(self.penalty, weight_sum)
    }

    /// Checks every setting; the stop rule they give.
    pub(crate) fn check_settings(&self) -> Result<StopRule<F>> {
        self.strength.check()?;
        self.penalty.check()?;
        StopRule::new(self.tol, self.max_iter)
    }

    /// What a fit with these settings used, with the strengths it found.
    pub(crate) fn record(&self, alpha: F, l1: F) -> FitRecord<F> {
        FitRecord {
            fit_intercept: self.fit_intercept,
            class_weight: self.class_weight.clone(),
            penalty: self.penalty,
            strength: self.strength,
            alpha,
            l1,
            standardized: self.standardize,
            feature_names: self.feature_names.clone(),
            required_tol: self.require_convergence.then_some(self.tol),
            // Only `partial_fit` needs the solver again, and only a
            // minibatch solver can continue.
            solver: self
                .solver
                .as_streaming()
                .is_some()
                .then(|| Arc::clone(&self.solver)),
        }
    }
}
