//! Regularization paths: one fit per penalty strength, down a decreasing
//! grid, each warm-started from the last (glmnet's pathwise scheme).

mod csr;

use csr::{csr_columns, mostly_zero_as_csr};

use crate::model::{FittedLogisticRegression, Labelled, LogisticRegression};
use crate::multiclass::{self, Design, Problem, Run, Strategy, loss_and_coef_gradient};
use crate::objective::Penalty;
use crate::solver::{FitReport, StopRule, Termination};
use crate::sparse::CsrView;
use crate::{Error, Float, Result};
use ndarray::{Array1, Array2, ArrayBase, ArrayView1, ArrayView2, Axis, Data, Ix1, Ix2};

/// The penalty strengths α of a [`RegularizationPath`].
///
/// ```
/// use logreg::Alphas;
/// let grid: Alphas<f64> = Alphas::auto(100);
/// assert_eq!(grid, Alphas::Auto { n: 100, min_ratio: 1e-4 });
/// let given = Alphas::Given(vec![1.0, 0.1, 0.01]);
/// # let _ = given;
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Alphas<F> {
    /// `n` values spaced evenly on a log scale from α_max, the smallest α at
    /// which every coefficient is zero (computed exactly from the
    /// intercept-only fit), down to `min_ratio`·α_max. Needs an L1 term
    /// ([`Penalty::L1`] or [`Penalty::ElasticNet`] with `l1_ratio` > 0).
    /// The path stops early, as glmnet's does, once the deviance ratio
    /// improves by less than 10⁻⁵ (relative) or exceeds 0.999.
    Auto {
        /// How many values (≥ 1).
        n: usize,
        /// The smallest α as a share of α_max, in (0, 1).
        min_ratio: F,
    },
    /// These values (finite, > 0), fitted from the largest to the smallest
    /// and all of them (no early stop).
    Given(Vec<F>),
}

impl<F: Float> Alphas<F> {
    /// `n` values from α_max down to 10⁻⁴·α_max, glmnet's default range.
    ///
    /// ```
    /// use logreg::Alphas;
    /// assert!(matches!(Alphas::<f32>::auto(20), Alphas::Auto { n: 20, .. }));
    /// ```
    pub fn auto(n: usize) -> Self {
        Alphas::Auto {
            n,
            min_ratio: F::from_f64_lossy(1e-4),
        }
    }
}

/// The fits along a regularization path, largest α first.
///
/// ```
/// use logreg::{Alphas, LogisticRegression, Penalty};
/// use ndarray::array;
/// let x = array![[0.0_f64, 0.3], [1.0, -0.2], [2.0, 0.1], [3.0, 0.4], [4.0, -0.3], [5.0, 0.0]];
/// let y = array![0, 0, 1, 0, 1, 1];
/// let path = LogisticRegression::new()
///     .penalty(Penalty::L1)
///     .path(&x, &y, &Alphas::auto(30))?;
/// assert_eq!(path.n_nonzero()[0], 0); // α_max: every coefficient is zero
/// assert!(path.n_nonzero().last() > Some(&0));
/// // Each fit is a model.
/// let last = path.models().last().unwrap();
/// assert_eq!(last.predict(&x)?.len(), 6);
/// # Ok::<(), logreg::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct RegularizationPath<F: Float, L> {
    alphas: Array1<F>,
    models: Vec<FittedLogisticRegression<F, L>>,
    n_nonzero: Vec<usize>,
    deviance_ratio: Array1<F>,
}

impl<F: Float, L> RegularizationPath<F, L> {
    /// The strengths α fitted, decreasing.
    ///
    /// ```
    /// # use logreg::{Alphas, LogisticRegression, Penalty};
    /// # use ndarray::array;
    /// # let x = array![[0.0_f64, 0.3], [1.0, -0.2], [2.0, 0.1], [3.0, 0.4], [4.0, -0.3], [5.0, 0.0]];
    /// # let y = array![0, 0, 1, 0, 1, 1];
    /// let path = LogisticRegression::new()
    ///     .penalty(Penalty::L2)
    ///     .path(&x, &y, &Alphas::Given(vec![0.01, 1.0, 0.1]))?;
    /// assert_eq!(path.alphas().to_vec(), vec![1.0, 0.1, 0.01]);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn alphas(&self) -> ArrayView1<'_, F> {
        self.alphas.view()
    }

    /// One fitted model per α.
    ///
    /// ```
    /// # use logreg::{Alphas, LogisticRegression, Penalty};
    /// # use ndarray::array;
    /// # let x = array![[0.0_f64, 0.3], [1.0, -0.2], [2.0, 0.1], [3.0, 0.4], [4.0, -0.3], [5.0, 0.0]];
    /// # let y = array![0, 0, 1, 0, 1, 1];
    /// let path = LogisticRegression::new()
    ///     .penalty(Penalty::L2)
    ///     .path(&x, &y, &Alphas::Given(vec![1.0, 0.1]))?;
    /// // Less penalty, larger slope.
    /// assert!(path.models()[1].coef()[(0, 0)] > path.models()[0].coef()[(0, 0)]);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn models(&self) -> &[FittedLogisticRegression<F, L>] {
        &self.models
    }

    /// The fitted models, by value.
    ///
    /// ```
    /// # use logreg::{Alphas, LogisticRegression};
    /// # use ndarray::array;
    /// # let x = array![[0.0_f64, 0.3], [1.0, -0.2], [2.0, 0.1], [3.0, 0.4], [4.0, -0.3], [5.0, 0.0]];
    /// # let y = array![0, 0, 1, 0, 1, 1];
    /// let path = LogisticRegression::new().path(&x, &y, &Alphas::Given(vec![1.0, 0.1]))?;
    /// let models = path.into_models();
    /// assert_eq!(models.len(), 2);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn into_models(self) -> Vec<FittedLogisticRegression<F, L>> {
        self.models
    }

    /// The number of non-zero coefficients (entries of `coef()`) per α.
    ///
    /// ```
    /// # use logreg::{Alphas, LogisticRegression, Penalty};
    /// # use ndarray::array;
    /// # let x = array![[0.0_f64, 0.3], [1.0, -0.2], [2.0, 0.1], [3.0, 0.4], [4.0, -0.3], [5.0, 0.0]];
    /// # let y = array![0, 0, 1, 0, 1, 1];
    /// let path = LogisticRegression::new()
    ///     .penalty(Penalty::L1)
    ///     .path(&x, &y, &Alphas::Given(vec![10.0, 1e-3]))?;
    /// assert_eq!(path.n_nonzero(), &[0, 2]);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn n_nonzero(&self) -> &[usize] {
        &self.n_nonzero
    }

    /// The share of the null deviance each fit explains, 1 − D/D₀, where D
    /// is the fit's deviance (2·Σ sᵢ·loss) and D₀ the intercept-only
    /// model's (summed over the one-vs-rest runs for that strategy).
    ///
    /// ```
    /// # use logreg::{Alphas, LogisticRegression, Penalty};
    /// # use ndarray::array;
    /// # let x = array![[0.0_f64, 0.3], [1.0, -0.2], [2.0, 0.1], [3.0, 0.4], [4.0, -0.3], [5.0, 0.0]];
    /// # let y = array![0, 0, 1, 0, 1, 1];
    /// let path = LogisticRegression::new()
    ///     .penalty(Penalty::L1)
    ///     .path(&x, &y, &Alphas::Given(vec![10.0, 1e-3]))?;
    /// let ratio = path.deviance_ratio();
    /// assert!(ratio[0].abs() < 1e-12 && ratio[1] > 0.1);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn deviance_ratio(&self) -> ArrayView1<'_, F> {
        self.deviance_ratio.view()
    }
}

/// Early stop: the deviance ratio improved by less than this (relative)…
const MIN_DEVIANCE_GAIN: f64 = 1e-5;
/// …or explains nearly everything (the data are close to separable).
const MAX_DEVIANCE_RATIO: f64 = 0.999;

impl<F: Float> LogisticRegression<F> {
    /// Fits these settings at every α of `alphas`, largest first, each fit
    /// warm-started from the previous one. The penalty's form (`L1`,
    /// `ElasticNet`, `L2`) comes from the settings; their strength (`c`,
    /// `alpha`) is replaced by each α of the grid.
    ///
    /// With an L1 term, each fit runs only on the features the sequential
    /// strong rule keeps (|∂ⱼf| ≥ ρ(2α − α_prev) at the previous solution,
    /// or already non-zero), on a copy of those columns (taken from a CSR
    /// copy of X, made once, when at most half its entries are non-zero);
    /// then the KKT conditions are checked over every feature and the
    /// violators added back until none are left, so the result is the
    /// solution on all of X (Tibshirani et al. 2012).
    ///
    /// ```
    /// use logreg::{Alphas, LogisticRegression, Penalty};
    /// use ndarray::array;
    /// let x = array![[0.0_f64, 0.3], [1.0, -0.2], [2.0, 0.1], [3.0, 0.4], [4.0, -0.3], [5.0, 0.0]];
    /// let y = array![0, 0, 1, 0, 1, 1];
    /// let path = LogisticRegression::new()
    ///     .penalty(Penalty::ElasticNet { l1_ratio: 0.5 })
    ///     .tol(1e-10)
    ///     .path(&x, &y, &Alphas::Auto { n: 10, min_ratio: 1e-2 })?;
    /// // The same solution as a fit from scratch at that α.
    /// let alpha = path.alphas()[5];
    /// let single = LogisticRegression::new()
    ///     .penalty(Penalty::ElasticNet { l1_ratio: 0.5 })
    ///     .alpha(alpha)
    ///     .tol(1e-10)
    ///     .fit(&x, &y)?;
    /// let on_path = &path.models()[5];
    /// assert!((&single.coef() - &on_path.coef()).iter().all(|d| d.abs() < 1e-8));
    /// # Ok::<(), logreg::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`fit`](Self::fit), and [`Error::InvalidParameter`] for
    /// [`Penalty::None`], an automatic grid without an L1 term, `n` = 0, a
    /// `min_ratio` outside (0, 1), or an empty or non-positive given grid.
    ///
    /// # References
    /// R. Tibshirani, J. Bien, J. Friedman, T. Hastie, N. Simon, J. Taylor
    /// and R. J. Tibshirani, "Strong rules for discarding predictors in
    /// lasso-type problems", *J. R. Stat. Soc. B* 74, 2012.
    pub fn path<S, T, L>(
        &self,
        x: &ArrayBase<S, Ix2>,
        y: &ArrayBase<T, Ix1>,
        alphas: &Alphas<F>,
    ) -> Result<RegularizationPath<F, L>>
    where
        S: Data<Elem = F>,
        T: Data<Elem = L>,
        L: Clone + Ord,
    {
        let stop = self.check_path_settings()?;
        let x = x.view();
        self.check_feature_names(x.ncols())?;
        let labelled = self.labelled(x, y.view(), None)?;
        let scaled = self.scaled(x, &labelled.weight);
        let x_fit = scaled.as_ref().map_or(x, |(_, x)| x.view());
        // With an L1 term every α fits on a copy of the strong rule's
        // columns and checks the KKT conditions over all of X: on mostly
        // zero data a CSR copy, made once, makes both O(nnz) instead of
        // O(n·d) (the solver compresses the columns at the same share).
        let compressed = (self.penalty.l1_ratio() > 0.0)
            .then(|| mostly_zero_as_csr(x_fit))
            .flatten();
        let design = match &compressed {
            Some(csr) => Design::Sparse(CsrView::new(csr)?),
            None => Design::Dense(x_fit),
        };
        let mut path = Walk::new(self, design, &labelled, &stop)?.run(alphas)?;
        if let Some((scaling, _)) = &scaled {
            for model in &mut path.models {
                scaling.to_original(&mut model.coef, &mut model.intercept)?;
            }
        }
        for model in &path.models {
            self.check_converged(model)?;
        }
        Ok(path)
    }

    /// The settings' checks, and a penalty to vary.
    pub(crate) fn check_path_settings(&self) -> Result<StopRule<F>> {
        let stop = self.check_settings()?;
        if self.penalty == Penalty::None {
            return Err(Error::invalid(
                "penalty",
                "None",
                "a regularization path needs a penalty (L1, ElasticNet or L2)",
            ));
        }
        Ok(stop)
    }

    /// The decreasing α values `alphas` stands for on this data.
    pub(crate) fn grid_for<L: Clone + Ord>(
        &self,
        x: ArrayView2<'_, F>,
        labelled: &Labelled<F, L>,
        alphas: &Alphas<F>,
    ) -> Result<Vec<F>> {
        let stop = self.check_path_settings()?;
        let scaled = self.scaled(x, &labelled.weight);
        let x_fit = scaled.as_ref().map_or(x, |(_, x)| x.view());
        Walk::new(self, Design::Dense(x_fit), labelled, &stop)?.grid(alphas)
    }
}

/// The state shared by the fits along one path.
struct Walk<'a, F: Float, L> {
    settings: &'a LogisticRegression<F>,
    labelled: &'a Labelled<F, L>,
    stop: &'a StopRule<F>,
    /// The whole problem, unpenalized (its strengths are set per α).
    full: Problem<'a, F>,
    /// Its features, from which the strong rules select columns.
    x: Design<'a, F>,
    strategy: Strategy,
    l1_ratio: F,
    null: NullFit<F>,
}

/// The intercept-only model: where every path starts.
struct NullFit<F> {
    intercept: Array1<F>,
    loss: F,
    /// ∂f/∂w at w = 0 (rows × d).
    grad: Array2<F>,
}

impl<'a, F: Float, L: Clone + Ord> Walk<'a, F, L> {
    fn new(
        settings: &'a LogisticRegression<F>,
        x: Design<'a, F>,
        labelled: &'a Labelled<F, L>,
        stop: &'a StopRule<F>,
    ) -> Result<Self> {
        let full = labelled.problem(x, F::zero(), F::zero(), settings.fit_intercept);
        let strategy = settings.multiclass.strategy(full.n_classes);
        let intercept = null_intercepts(&full, strategy);
        let rows = intercept.len();
        let (loss, grad) = loss_and_coef_gradient(
            &full,
            strategy,
            &Array2::zeros((rows, x.ncols())),
            &intercept,
            F::zero(),
        );
        Ok(Self {
            settings,
            labelled,
            stop,
            full,
            x,
            strategy,
            l1_ratio: F::from_f64_lossy(settings.penalty.l1_ratio()),
            null: NullFit {
                intercept,
                loss,
                grad,
            },
        })
    }

    /// The smallest α with every coefficient zero: max |∂ⱼf(0)| / ρ.
    fn alpha_max(&self) -> F {
        self.null.grad.fold(F::zero(), |m, g| m.max(g.abs())) / self.l1_ratio
    }

    fn grid(&self, alphas: &Alphas<F>) -> Result<Vec<F>> {
        match alphas {
            Alphas::Auto { n, min_ratio } => {
                if *n == 0 {
                    return Err(Error::invalid("n_alphas", 0, "must be ≥ 1"));
                }
                if !(*min_ratio > F::zero() && *min_ratio < F::one()) {
                    return Err(Error::invalid("min_ratio", min_ratio, "must lie in (0, 1)"));
                }
                if self.l1_ratio == F::zero() {
                    return Err(Error::invalid(
                        "penalty",
                        format!("{:?}", self.settings.penalty),
                        "an automatic grid starts where the L1 term zeroes every coefficient: \
                         use L1 or ElasticNet, or give the alphas",
                    ));
                }
                // A feature-free fit (every gradient zero) still gets a grid.
                let top = self.alpha_max().max(F::min_positive_value());
                let last = F::from_f64_lossy((n - 1).max(1) as f64);
                Ok((0..*n)
                    .map(|i| top * min_ratio.powf(F::from_f64_lossy(i as f64) / last))
                    .collect())
            }
            Alphas::Given(values) => {
                if values.is_empty() {
                    return Err(Error::invalid(
                        "alphas",
                        "[]",
                        "must hold at least one value",
                    ));
                }
                if let Some(bad) = values.iter().find(|a| !(a.is_finite() && **a > F::zero())) {
                    return Err(Error::invalid("alphas", bad, "must be finite and > 0"));
                }
                let mut sorted = values.clone();
                sorted.sort_by(|a, b| b.partial_cmp(a).unwrap_or(std::cmp::Ordering::Equal));
                Ok(sorted)
            }
        }
    }

    fn run(&self, alphas: &Alphas<F>) -> Result<RegularizationPath<F, L>> {
        let grid = self.grid(alphas)?;
        let early_stop = matches!(alphas, Alphas::Auto { .. });
        let d = self.full.x.ncols();
        let mut coef = Array2::zeros((self.null.intercept.len(), d));
        let mut intercept = self.null.intercept.clone();
        let mut grad = self.null.grad.clone();
        // Before the first α the previous solution is the null fit, at α_max.
        let mut previous_alpha = if self.l1_ratio > F::zero() {
            self.alpha_max()
        } else {
            F::infinity()
        };
        let mut path = RegularizationPath {
            alphas: Array1::zeros(0),
            models: Vec::new(),
            n_nonzero: Vec::new(),
            deviance_ratio: Array1::zeros(0),
        };
        let mut fitted_alphas = Vec::new();
        let mut ratios = Vec::new();
        for &alpha in &grid {
            let step = self.fit_at(alpha, previous_alpha, &coef, &intercept, &grad)?;
            let ratio = F::one() - step.loss / self.null.loss;
            coef = step.coef;
            intercept = step.intercept;
            grad = step.grad;
            previous_alpha = alpha;
            let (l2, l1) = self.settings.penalty.split(alpha);
            let fit = multiclass::Fit {
                coef: coef.clone(),
                intercept: intercept.clone(),
                reports: step.reports,
                diagnostics: Vec::new(),
            };
            let record = self.settings.clone().alpha(alpha).record(l2, l1);
            let classes = self.labelled.classes.clone();
            let model = FittedLogisticRegression::new(classes, self.strategy, fit, record);
            path.n_nonzero
                .push(coef.iter().filter(|&&w| w != F::zero()).count());
            path.models.push(model);
            fitted_alphas.push(alpha);
            let gain = ratios.last().map(|&last: &F| ratio - last);
            ratios.push(ratio);
            let settled =
                gain.is_some_and(|g| g < F::from_f64_lossy(MIN_DEVIANCE_GAIN) * ratio.abs());
            if early_stop && (settled || ratio > F::from_f64_lossy(MAX_DEVIANCE_RATIO)) {
                break;
            }
        }
        path.alphas = Array1::from(fitted_alphas);
        path.deviance_ratio = Array1::from(ratios);
        Ok(path)
    }

    /// The fit at `alpha` from the solution at `previous_alpha`, on the
    /// strong-rule survivors, widened until the KKT conditions hold.
    fn fit_at(
        &self,
        alpha: F,
        previous_alpha: F,
        coef: &Array2<F>,
        intercept: &Array1<F>,
        grad: &Array2<F>,
    ) -> Result<Step<F>> {
        let (l2, l1) = self.settings.penalty.split(alpha);
        let two = F::one() + F::one();
        let threshold = self.l1_ratio * (two * alpha - previous_alpha);
        let d = self.full.x.ncols();
        let mut keep: Vec<bool> = (0..d)
            .map(|j| {
                l1 == F::zero()
                    || grad.column(j).iter().any(|g| g.abs() >= threshold)
                    || coef.column(j).iter().any(|&w| w != F::zero())
            })
            .collect();
        loop {
            let columns: Vec<usize> = (0..d).filter(|&j| keep[j]).collect();
            let fit = self.fit_columns(&columns, l2, l1, coef, intercept)?;
            let (loss, new_grad) =
                loss_and_coef_gradient(&self.full, self.strategy, &fit.coef, &fit.intercept, l2);
            // A left-out feature violates the KKT conditions when its
            // gradient exceeds the L1 strength by more than the tolerance.
            let limit = l1 + self.stop.tol();
            let violators: Vec<usize> = (0..d)
                .filter(|&j| !keep[j] && new_grad.column(j).iter().any(|g| g.abs() > limit))
                .collect();
            if violators.is_empty() {
                return Ok(Step {
                    coef: fit.coef,
                    intercept: fit.intercept,
                    grad: new_grad,
                    loss,
                    reports: fit.reports,
                });
            }
            for j in violators {
                keep[j] = true;
            }
        }
    }

    /// The fit on the given columns, warm-started from `coef` and
    /// `intercept`, embedded back into all d columns.
    fn fit_columns(
        &self,
        columns: &[usize],
        l2: F,
        l1: F,
        coef: &Array2<F>,
        intercept: &Array1<F>,
    ) -> Result<multiclass::Fit<F>> {
        let rows = intercept.len();
        let mut full_coef = Array2::zeros((rows, self.full.x.ncols()));
        if columns.is_empty() {
            // No feature may enter: the intercept-only model, whatever α.
            let report = FitReport::new(0, self.null.loss, F::zero(), Termination::Converged);
            let runs = self.full.runs(self.strategy).count();
            return Ok(multiclass::Fit {
                coef: full_coef,
                intercept: self.null.intercept.clone(),
                reports: vec![report; runs],
                diagnostics: Vec::new(),
            });
        }
        let run = Run {
            start: Some((coef.select(Axis(1), columns), intercept.clone())),
            observer: None,
        };
        let fit_on = |x: Design<'_, F>| {
            let problem = Problem {
                x,
                alpha: l2,
                l1,
                ..self.full.clone()
            };
            multiclass::fit(
                &problem,
                self.strategy,
                self.settings.solver.as_ref(),
                self.stop,
                run,
            )
        };
        let fit = match self.x {
            Design::Dense(x) if columns.len() == x.ncols() => fit_on(Design::Dense(x))?,
            Design::Dense(x) => fit_on(Design::Dense(x.select(Axis(1), columns).view()))?,
            Design::Sparse(x) if columns.len() == x.ncols() => fit_on(Design::Sparse(x))?,
            Design::Sparse(x) => {
                let subset = csr_columns(x, columns)?;
                fit_on(Design::Sparse(CsrView::new(&subset)?))?
            }
        };
        for (i, &j) in columns.iter().enumerate() {
            full_coef.column_mut(j).assign(&fit.coef.column(i));
        }
        Ok(multiclass::Fit {
            coef: full_coef,
            ..fit
        })
    }
}

/// One α's solution and what the next α needs from it.
struct Step<F> {
    coef: Array2<F>,
    intercept: Array1<F>,
    grad: Array2<F>,
    loss: F,
    reports: Vec<FitReport<F>>,
}

/// The intercepts of the intercept-only fit: the logit of each class's
/// weighted share (binary, one-vs-rest), or the centred log shares
/// (multinomial); zeros without an intercept.
fn null_intercepts<F: Float>(problem: &Problem<'_, F>, strategy: Strategy) -> Array1<F> {
    let k = problem.n_classes;
    if !problem.fit_intercept {
        return Array1::zeros(strategy.rows(k));
    }
    let mut share = vec![F::zero(); k];
    for (&c, &w) in problem.class.iter().zip(&problem.weight) {
        share[c] += w;
    }
    let total: F = share.iter().copied().sum();
    let logit = |p: F| (p / (total - p)).ln();
    match strategy {
        Strategy::Binary => Array1::from_elem(1, logit(share[1])),
        Strategy::OneVsRest => share.iter().map(|&p| logit(p)).collect(),
        Strategy::Multinomial => {
            let logs: Array1<F> = share.iter().map(|&p| (p / total).ln()).collect();
            let mean = logs.mean().unwrap_or_else(F::zero);
            logs - mean
        }
    }
}
