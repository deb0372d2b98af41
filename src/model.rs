//! The public model: [`LogisticRegression`] (settings) and
//! [`FittedLogisticRegression`] (a fitted model that predicts).

use crate::diagnostics::Diagnostic;
use crate::kernels::{
    log_sigmoid, log_softmax_inplace, map_row_chunks, scores, sigmoid, softmax_inplace,
};
use crate::multiclass::{self, Design, Multiclass, Problem, Run, Strategy};
use crate::objective::{Penalty, check_features, check_finite, check_finite_matrix};
use crate::solver::{Auto, FitReport, Observer, Solver, StopRule, StreamState, Termination};
use crate::standardize::Scaling;
use crate::weights::{ClassWeight, check_every_class_weighs, effective_weights};
use crate::{Error, Float, Result};
use ndarray::{Array1, Array2, ArrayBase, ArrayView1, ArrayView2, Data, Ix1, Ix2, Zip, s};
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
    pub(crate) standardize: bool,
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
    /// [`Error::InvalidParameter`] for `warm_start`.
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

    /// Fits the model to features `x` (n × d) and labels `y` (n) of any
    /// ordered type: integers, `bool`, `String`, `&str`, …
    ///
    /// ```
    /// use logreg::{Error, LogisticRegression};
    /// use ndarray::array;
    /// let x = array![[0.0_f64], [1.0], [2.0], [3.0]];
    /// let y = array![false, false, true, true];
    /// let model = LogisticRegression::new().fit(&x, &y)?;
    /// assert_eq!(model.classes(), &[false, true]);
    /// assert_eq!(model.predict(&x)?, y);
    /// // A single class cannot be fitted.
    /// let err = LogisticRegression::new().fit(&x, &array![true, true, true, true]).unwrap_err();
    /// assert_eq!(err, Error::TooFewClasses { found: 1 });
    /// # Ok::<(), logreg::Error>(())
    /// ```
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
    /// ```
    /// use logreg::LogisticRegression;
    /// use ndarray::array;
    /// let settings = LogisticRegression::new().tol(1e-10);
    /// let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0]];
    /// let y = array![0, 1, 0, 1, 1];
    /// let weighted = settings.fit_weighted(&x, &y, &array![2.0, 1.0, 1.0, 1.0, 1.0])?;
    /// // Weight 2 on the first row is the same fit as that row twice.
    /// let x6 = array![[0.0_f64], [0.0], [1.0], [2.0], [3.0], [4.0]];
    /// let repeated = settings.fit(&x6, &array![0, 0, 1, 0, 1, 1])?;
    /// assert!((weighted.coef()[(0, 0)] - repeated.coef()[(0, 0)]).abs() < 1e-8);
    /// assert!((weighted.intercept()[0] - repeated.intercept()[0]).abs() < 1e-8);
    /// # Ok::<(), logreg::Error>(())
    /// ```
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

    /// The penalty strength α for data whose weights sum to `weight_sum`.
    pub(crate) fn alpha_for(&self, weight_sum: F) -> F {
        match (self.penalty, self.strength) {
            (Penalty::None, _) => F::zero(),
            (_, Strength::Alpha(alpha)) => alpha,
            (_, Strength::C(c)) => (c * weight_sum).recip(),
        }
    }

    /// The strengths (L2, L1) of the two penalty terms for data whose
    /// weights sum to `weight_sum`.
    pub(crate) fn strengths_for(&self, weight_sum: F) -> (F, F) {
        self.penalty.split(self.alpha_for(weight_sum))
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
        self.penalty.check()?;
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
        let labelled = self.labelled(x, y, sample_weight)?;
        let (alpha, l1) = self.strengths_for(labelled.weight.sum());
        let strategy = self.multiclass.strategy(labelled.classes.len());
        let scaled = self.scaled(x, &labelled.weight);
        let x_fit = scaled.as_ref().map_or(x, |(_, x)| x.view());
        let problem = labelled.problem(Design::Dense(x_fit), alpha, l1, self.fit_intercept);
        let mut start = self.warm_start_for(strategy, problem.n_classes, x.ncols())?;
        if let (Some((scaling, _)), Some((coef, intercept))) = (&scaled, &mut start) {
            scaling.to_standardized(coef, intercept);
        }
        let run = Run { start, observer };
        let mut fit = multiclass::fit(&problem, strategy, self.solver.as_ref(), &stop, run)?;
        if let Some((scaling, _)) = &scaled {
            scaling.to_original(&mut fit.coef, &mut fit.intercept)?;
        }
        Ok(self.fitted(labelled.classes, fit, strategy, alpha, l1))
    }

    /// With `standardize`, the scaling and the standardized copy of x.
    pub(crate) fn scaled(
        &self,
        x: ArrayView2<'_, F>,
        weight: &Array1<F>,
    ) -> Option<(Scaling<F>, Array2<F>)> {
        self.standardize.then(|| {
            let scaling = Scaling::fit(x, weight, self.fit_intercept);
            let scaled = scaling.apply(x);
            (scaling, scaled)
        })
    }

    /// Checks x, y and the weights, and encodes the labels.
    pub(crate) fn labelled<L: Clone + Ord>(
        &self,
        x: ArrayView2<'_, F>,
        y: ArrayView1<'_, L>,
        sample_weight: Option<ArrayView1<'_, F>>,
    ) -> Result<Labelled<F, L>> {
        check_features(x)?;
        self.labelled_rows(x.nrows(), y, sample_weight)
    }

    /// Checks y and the weights against `n_rows` checked rows, and encodes
    /// the labels.
    pub(crate) fn labelled_rows<L: Clone + Ord>(
        &self,
        n_rows: usize,
        y: ArrayView1<'_, L>,
        sample_weight: Option<ArrayView1<'_, F>>,
    ) -> Result<Labelled<F, L>> {
        if y.len() != n_rows {
            return Err(Error::LengthMismatch {
                what: "y",
                expected: n_rows,
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
        check_every_class_weighs(&class, classes.len(), &weight)?;
        Ok(Labelled {
            classes,
            class,
            weight,
        })
    }

    /// The fitted model of one solver run with these settings.
    pub(crate) fn fitted<L>(
        &self,
        classes: Vec<L>,
        fit: multiclass::Fit<F>,
        strategy: Strategy,
        alpha: F,
        l1: F,
    ) -> FittedLogisticRegression<F, L> {
        FittedLogisticRegression {
            classes,
            coef: fit.coef,
            intercept: fit.intercept,
            strategy,
            report: combine_reports(&fit.reports),
            stream_states: vec![StreamState::default(); fit.reports.len()],
            reports: fit.reports,
            diagnostics: fit.diagnostics,
            alpha,
            l1,
            standardized: self.standardize,
            settings: self.without_warm_start(),
        }
    }
}

/// Checked, encoded labels and the final per-row weights.
pub(crate) struct Labelled<F, L> {
    pub classes: Vec<L>,
    pub class: Vec<usize>,
    pub weight: Array1<F>,
}

impl<F: Float, L> Labelled<F, L> {
    /// The problem on `x` (these rows, any columns) with the given strengths.
    pub(crate) fn problem<'a>(
        &self,
        x: Design<'a, F>,
        alpha: F,
        l1: F,
        fit_intercept: bool,
    ) -> Problem<'a, F> {
        Problem {
            x,
            class: self.class.clone(),
            n_classes: self.classes.len(),
            weight: self.weight.clone(),
            alpha,
            l1,
            fit_intercept,
        }
    }
}

impl<F: Float> LogisticRegression<F> {
    /// The warm start, checked against the shape this fit will produce.
    pub(crate) fn warm_start_for(
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
///
/// ```
/// use logreg::{FittedLogisticRegression, LogisticRegression};
/// use ndarray::array;
/// let x = array![[0.0_f64, 1.0], [1.0, 0.5], [2.0, 2.5], [3.0, 1.0], [4.0, 3.5], [5.0, 2.0]];
/// let y = array!["cat", "cat", "dog", "cat", "dog", "dog"];
/// let model: FittedLogisticRegression<f64, &str> = LogisticRegression::new().fit(&x, &y)?;
/// // Binary: one row of coefficients, for the second class ("dog").
/// assert_eq!(model.coef().dim(), (1, 2));
/// let logit = model.decision_function(&x)?;
/// let p = model.predict_proba(&x)?;
/// assert!(logit[(5, 0)] > 0.0 && p[(5, 1)] > 0.5);
/// assert_eq!(model.predict(&x)?[5], "dog");
/// # Ok::<(), logreg::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct FittedLogisticRegression<F: Float, L> {
    pub(crate) classes: Vec<L>,
    pub(crate) coef: Array2<F>,
    pub(crate) intercept: Array1<F>,
    pub(crate) strategy: Strategy,
    pub(crate) report: FitReport<F>,
    pub(crate) reports: Vec<FitReport<F>>,
    pub(crate) diagnostics: Vec<Diagnostic>,
    /// The L2 and L1 strengths the fit used, and its settings: inference
    /// rebuilds the same objective from them, and `partial_fit` continues
    /// with them.
    pub(crate) alpha: F,
    pub(crate) l1: F,
    /// Whether the penalty applied to standardized features.
    pub(crate) standardized: bool,
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
    ///
    /// ```
    /// use logreg::LogisticRegression;
    /// use ndarray::array;
    /// let x = array![[1.0_f64], [2.0], [0.0], [1.2], [2.2], [0.1]];
    /// let y = array!["b", "c", "a", "b", "c", "a"];
    /// let model = LogisticRegression::new().fit(&x, &y)?;
    /// assert_eq!(model.classes(), &["a", "b", "c"]);
    /// assert_eq!(model.predict_proba(&x)?.ncols(), model.classes().len());
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn classes(&self) -> &[L] {
        &self.classes
    }

    /// Coefficients: 1 × d for a binary model, k × d otherwise.
    ///
    /// ```
    /// use logreg::LogisticRegression;
    /// use ndarray::array;
    /// let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0]];
    /// let binary = LogisticRegression::new().fit(&x, &array![0, 0, 1, 0, 1, 1])?;
    /// assert_eq!(binary.coef().dim(), (1, 1));
    /// assert!(binary.coef()[(0, 0)] > 0.0); // class 1 grows more likely with x
    /// let three = LogisticRegression::new().fit(&x, &array![0, 0, 1, 1, 2, 2])?;
    /// assert_eq!(three.coef().dim(), (3, 1));
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn coef(&self) -> ArrayView2<'_, F> {
        self.coef.view()
    }

    /// Intercepts, one per row of `coef()` (zeros without an intercept).
    /// Multinomial intercepts are centred to sum to zero.
    ///
    /// ```
    /// use logreg::LogisticRegression;
    /// use ndarray::array;
    /// let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0]];
    /// let y = array![0, 0, 1, 1, 2, 2];
    /// let softmax = LogisticRegression::new().fit(&x, &y)?;
    /// assert_eq!(softmax.intercept().len(), 3);
    /// assert!(softmax.intercept().sum().abs() < 1e-12); // centred
    /// let through_origin = LogisticRegression::new().fit_intercept(false).fit(&x, &y)?;
    /// assert!(through_origin.intercept().iter().all(|&b| b == 0.0));
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn intercept(&self) -> ArrayView1<'_, F> {
        self.intercept.view()
    }

    /// Number of features the model was fitted with.
    ///
    /// ```
    /// use logreg::{Error, LogisticRegression};
    /// use ndarray::array;
    /// let x = array![[0.0_f64, 1.0], [1.0, 0.5], [2.0, 2.5], [3.0, 1.0]];
    /// let model = LogisticRegression::new().fit(&x, &array![0, 0, 1, 1])?;
    /// assert_eq!(model.n_features(), 2);
    /// let err = model.predict(&array![[1.0, 2.0, 3.0]]).unwrap_err();
    /// assert_eq!(err, Error::FeatureMismatch { expected: 2, got: 3 });
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn n_features(&self) -> usize {
        self.coef.ncols()
    }

    /// The fit's report; for one-vs-rest, the most iterations and the worst
    /// outcome over the sub-fits (see [`reports`](Self::reports)).
    ///
    /// ```
    /// use logreg::LogisticRegression;
    /// use ndarray::array;
    /// let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0]];
    /// let y = array![0, 0, 1, 0, 1, 1];
    /// let model = LogisticRegression::new().tol(1e-8).fit(&x, &y)?;
    /// let report = model.report();
    /// assert!(report.converged() && report.iterations >= 1);
    /// assert!(report.grad_max <= 1e-8);
    /// // Better than the start, all-zero parameters, where the loss is ln 2.
    /// assert!(report.objective < 2f64.ln());
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn report(&self) -> &FitReport<F> {
        &self.report
    }

    /// One report per solver run: one, or one per class for one-vs-rest.
    ///
    /// ```
    /// use logreg::{LogisticRegression, Multiclass};
    /// use ndarray::array;
    /// let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0]];
    /// let y = array![0, 0, 1, 1, 2, 2];
    /// let ovr = LogisticRegression::new().multiclass(Multiclass::OneVsRest).fit(&x, &y)?;
    /// assert_eq!(ovr.reports().len(), 3);
    /// assert!(ovr.reports().iter().all(|r| r.converged()));
    /// let softmax = LogisticRegression::new().fit(&x, &y)?;
    /// assert_eq!(softmax.reports(), &[*softmax.report()]);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn reports(&self) -> &[FitReport<F>] {
        &self.reports
    }

    /// Problems found in the fit: separation (for unpenalized fits, where the
    /// maximum-likelihood estimate may not exist). Empty when all is well.
    ///
    /// ```
    /// use logreg::{Diagnostic, LogisticRegression, Penalty};
    /// use ndarray::array;
    /// let x = array![[0.0_f64], [1.0], [2.0], [3.0]];
    /// let y = array![0, 0, 1, 1]; // x > 1.5 separates the classes
    /// let penalized = LogisticRegression::new().fit(&x, &y)?;
    /// assert!(penalized.diagnostics().is_empty());
    /// let mle = LogisticRegression::new().penalty(Penalty::None).fit(&x, &y)?;
    /// assert_eq!(mle.diagnostics(), &[Diagnostic::CompleteSeparation { features: vec![0] }]);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// Linear predictors x·wᵀ + b: n × 1 for a binary model (the logit of the
    /// second class), n × k otherwise.
    ///
    /// ```
    /// use logreg::LogisticRegression;
    /// use ndarray::array;
    /// let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0]];
    /// let model = LogisticRegression::new().fit(&x, &array![0, 0, 1, 0, 1, 1])?;
    /// let eta = model.decision_function(&array![[0.0], [5.0]])?;
    /// assert_eq!(eta.dim(), (2, 1));
    /// let (w, b) = (model.coef()[(0, 0)], model.intercept()[0]);
    /// assert!((eta[(1, 0)] - (5.0 * w + b)).abs() < 1e-12);
    /// assert!(eta[(0, 0)] < 0.0 && eta[(1, 0)] > 0.0); // class 0 at x = 0, class 1 at x = 5
    /// # Ok::<(), logreg::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::FeatureMismatch`] or [`Error::NonFinite`] for bad `x`;
    /// [`Error::ScoreOverflow`] when a score x·w + b is NaN (overflow both ways).
    /// Scores that overflow one way are ±∞ and give probabilities 0 and 1.
    pub fn decision_function<S: Data<Elem = F>>(&self, x: &ArrayBase<S, Ix2>) -> Result<Array2<F>> {
        self.check_rows(x)?;
        checked_scores(x.view(), self.coef.view(), self.intercept.view(), 0)
    }

    /// Checks rows to predict: the fitted number of features, finite values.
    fn check_rows<S: Data<Elem = F>>(&self, x: &ArrayBase<S, Ix2>) -> Result<()> {
        if x.ncols() != self.n_features() {
            return Err(Error::FeatureMismatch {
                expected: self.n_features(),
                got: x.ncols(),
            });
        }
        check_finite_matrix("x", x.view())
    }

    /// Class probabilities, n × k, columns in `classes()` order, rows summing to 1.
    /// One-vs-rest probabilities are the sub-models' normalized.
    ///
    /// ```
    /// use logreg::LogisticRegression;
    /// use ndarray::array;
    /// let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0]];
    /// let model = LogisticRegression::new().fit(&x, &array![0, 0, 1, 0, 1, 1])?;
    /// let p = model.predict_proba(&x)?;
    /// assert_eq!(p.dim(), (6, 2));
    /// assert!(p.rows().into_iter().all(|row| (row.sum() - 1.0).abs() < 1e-12));
    /// // Column 1 is σ(logit).
    /// let eta = model.decision_function(&x)?;
    /// assert!((p[(0, 1)] - 1.0 / (1.0 + (-eta[(0, 0)]).exp())).abs() < 1e-12);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`decision_function`](Self::decision_function).
    pub fn predict_proba<S: Data<Elem = F>>(&self, x: &ArrayBase<S, Ix2>) -> Result<Array2<F>> {
        Ok(self.proba_from_scores(self.decision_function(x)?))
    }

    /// Probabilities from the scores of `decision_function`.
    pub(crate) fn proba_from_scores(&self, eta: Array2<F>) -> Array2<F> {
        match self.strategy {
            Strategy::Binary => binary_columns(&eta, |e| sigmoid(-e), sigmoid),
            Strategy::Multinomial => {
                let mut p = eta;
                p.rows_mut().into_iter().for_each(softmax_inplace);
                p
            }
            // Normalized in log space: when every σ(η) underflows to 0 (all
            // η below −745) the plain ratio would be 0/0.
            Strategy::OneVsRest => log_normalize(eta.mapv(log_sigmoid)).mapv(F::exp),
        }
    }

    /// Log-probabilities, n × k, computed from the linear predictors
    /// (log-sigmoid or log-softmax), never as ln(p): finite where p underflows.
    ///
    /// ```
    /// use logreg::LogisticRegression;
    /// use ndarray::array;
    /// let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0]];
    /// let model = LogisticRegression::new().fit(&x, &array![0, 0, 1, 0, 1, 1])?;
    /// let far = array![[-1e4]];
    /// assert_eq!(model.predict_proba(&far)?[(0, 1)], 0.0); // underflows
    /// let log_p = model.predict_log_proba(&far)?;
    /// assert!(log_p[(0, 1)].is_finite() && log_p[(0, 1)] < -1000.0);
    /// assert!(log_p[(0, 0)].abs() < 1e-12); // ln 1
    /// # Ok::<(), logreg::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`decision_function`](Self::decision_function).
    pub fn predict_log_proba<S: Data<Elem = F>>(&self, x: &ArrayBase<S, Ix2>) -> Result<Array2<F>> {
        Ok(self.log_proba_from_scores(self.decision_function(x)?))
    }

    /// Log-probabilities from the scores of `decision_function`.
    pub(crate) fn log_proba_from_scores(&self, eta: Array2<F>) -> Array2<F> {
        match self.strategy {
            Strategy::Binary => binary_columns(&eta, |e| log_sigmoid(-e), log_sigmoid),
            Strategy::Multinomial => log_normalize(eta),
            Strategy::OneVsRest => log_normalize(eta.mapv(log_sigmoid)),
        }
    }

    /// The most probable class for each row.
    ///
    /// ```
    /// use logreg::LogisticRegression;
    /// use ndarray::array;
    /// let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0]];
    /// let y = array!["no", "no", "yes", "no", "yes", "yes"];
    /// let model = LogisticRegression::new().fit(&x, &y)?;
    /// assert_eq!(model.predict(&array![[-3.0], [8.0]])?, array!["no", "yes"]);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`decision_function`](Self::decision_function).
    pub fn predict<S: Data<Elem = F>>(&self, x: &ArrayBase<S, Ix2>) -> Result<Array1<L>> {
        self.check_rows(x)?;
        let (x, coef, intercept) = (x.view(), self.coef.view(), self.intercept.view());
        let strategy = self.strategy;
        // Scores chunk by chunk: with many classes all n × k of them at once
        // could take gigabytes, for one index per row.
        let best = map_row_chunks(x.nrows(), x.ncols() + coef.nrows(), |rows| {
            let first = rows.start;
            let eta = checked_scores(x.slice(s![rows, ..]), coef, intercept, first)?;
            Ok(class_indices(strategy, &eta))
        });
        let mut labels = Vec::with_capacity(x.nrows());
        for chunk in best {
            labels.extend(chunk?.into_iter().map(|i| self.classes[i].clone()));
        }
        Ok(Array1::from(labels))
    }

    /// Mean accuracy of `predict(x)` against `y`. As in scikit-learn, a label
    /// the model was not fitted on is never predicted, so it counts as wrong.
    ///
    /// ```
    /// use logreg::{Error, LogisticRegression};
    /// use ndarray::array;
    /// let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0]];
    /// let y = array![0, 0, 1, 0, 1, 1];
    /// let model = LogisticRegression::new().fit(&x, &y)?;
    /// // A threshold between 2 and 3 gets x = 2 and x = 3 wrong: 4 of 6.
    /// assert_eq!(model.predict(&x)?, array![0, 0, 0, 1, 1, 1]);
    /// assert!((model.score(&x, &y)? - 4.0 / 6.0).abs() < 1e-15);
    /// let err = model.score(&x, &array![0, 1]).unwrap_err();
    /// assert!(matches!(err, Error::LengthMismatch { what: "y", .. }));
    /// # Ok::<(), logreg::Error>(())
    /// ```
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
    scores.rows_mut().into_iter().for_each(log_softmax_inplace);
    scores
}

/// Scores x·wᵀ + b of rows `first..` of the data. Finite x and w can give
/// +∞ and −∞ terms in one product, whose sum is NaN: that is an error, not a
/// silent NaN probability. (With fused multiply-adds, as the GEMM kernels on
/// this crate's test machine use, a product never reaches −∞ after +∞, so
/// this is a guard for other kernels rather than a path the tests can reach.)
fn checked_scores<F: Float>(
    x: ArrayView2<'_, F>,
    coef: ArrayView2<'_, F>,
    intercept: ArrayView1<'_, F>,
    first: usize,
) -> Result<Array2<F>> {
    no_nan_scores(scores(x, coef, intercept), first)
}

/// The scores, or the error for the first row holding a NaN (+∞ and −∞ terms).
pub(crate) fn no_nan_scores<F: Float>(eta: Array2<F>, first: usize) -> Result<Array2<F>> {
    match eta
        .rows()
        .into_iter()
        .position(|row| row.iter().any(|v| v.is_nan()))
    {
        Some(row) => Err(Error::ScoreOverflow { row: first + row }),
        None => Ok(eta),
    }
}

/// The predicted class index of each row of scores.
pub(crate) fn class_indices<F: Float>(strategy: Strategy, eta: &Array2<F>) -> Vec<usize> {
    eta.rows()
        .into_iter()
        .map(|row| match strategy {
            Strategy::Binary => usize::from(row[0] > F::zero()),
            _ => argmax(row),
        })
        .collect()
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
