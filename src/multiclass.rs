//! Binary, one-vs-rest and multinomial fits over the one `Solver` trait.

use crate::diagnostics::{Diagnostic, check_separation};
use crate::layout::Layout;
use crate::objective::sparse::{SparseLogistic, Target};
use crate::objective::{BinaryLogistic, ClassSums, Multinomial, Objective, ZeroRun};
use crate::solver::Termination;
use crate::solver::{
    FitReport, NoObserver, Observer, Solution, Solver, StopRule, minimize_counted,
};
use crate::sparse::CsrView;
use crate::{Float, Result};
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis, s};
use rayon::prelude::*;

/// How to handle more than two classes.
///
/// ```
/// use logreg::{LogisticRegression, Multiclass};
/// use ndarray::array;
/// let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0]];
/// let y = array![0, 0, 1, 1, 2, 2];
/// assert_eq!(Multiclass::default(), Multiclass::Auto);
/// let auto = LogisticRegression::new().fit(&x, &y)?;
/// let softmax = LogisticRegression::new().multiclass(Multiclass::Multinomial).fit(&x, &y)?;
/// // Auto is softmax for 3 or more classes.
/// assert!((&auto.coef() - &softmax.coef()).iter().all(|d| d.abs() < 1e-12));
/// let ovr = LogisticRegression::new().multiclass(Multiclass::OneVsRest).fit(&x, &y)?;
/// assert_eq!(ovr.reports().len(), 3);
/// assert!((ovr.predict_proba(&x)?.row(0).sum() - 1.0).abs() < 1e-12); // normalized
/// # Ok::<(), logreg::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Multiclass {
    /// One binary model for two classes, [`Multinomial`](Multiclass::Multinomial)
    /// for three or more (scikit-learn's default).
    #[default]
    Auto,
    /// One binary model per class against the rest (one model for two
    /// classes); the sub-problems are fitted in parallel.
    OneVsRest,
    /// One softmax model over all classes, even for two (then `coef()` has
    /// two rows).
    Multinomial,
}

/// The model form a fit produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Strategy {
    Binary,
    OneVsRest,
    Multinomial,
}

impl Multiclass {
    pub(crate) fn strategy(self, n_classes: usize) -> Strategy {
        match (self, n_classes) {
            (Multiclass::Multinomial, _) => Strategy::Multinomial,
            (_, 2) => Strategy::Binary,
            (Multiclass::Auto, _) => Strategy::Multinomial,
            (Multiclass::OneVsRest, _) => Strategy::OneVsRest,
        }
    }
}

/// A validated classification problem: encoded classes and final weights.
#[derive(Debug, Clone)]
pub(crate) struct Problem<'a, F> {
    pub x: Design<'a, F>,
    pub class: Vec<usize>,
    pub n_classes: usize,
    pub weight: Array1<F>,
    /// The L2 strength (the smooth term).
    pub alpha: F,
    /// The L1 strength (the non-smooth term).
    pub l1: F,
    pub fit_intercept: bool,
    /// Each class's weight and weighted column sums over x, when the fit's
    /// checks computed them: the runs' value and gradient at zero without a
    /// pass (`None`: the solvers evaluate their start).
    pub class_sums: Option<ClassSums>,
}

/// The features of a problem: a dense array or sparse CSR rows.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Design<'a, F> {
    Dense(ArrayView2<'a, F>),
    Sparse(CsrView<'a, F>),
}

impl<'a, F: Float> Design<'a, F> {
    pub fn nrows(&self) -> usize {
        match self {
            Design::Dense(x) => x.nrows(),
            Design::Sparse(x) => x.nrows(),
        }
    }

    pub fn ncols(&self) -> usize {
        match self {
            Design::Dense(x) => x.ncols(),
            Design::Sparse(x) => x.ncols(),
        }
    }

    /// The dense array, if it is one.
    pub fn dense(&self) -> Option<ArrayView2<'a, F>> {
        match self {
            Design::Dense(x) => Some(*x),
            Design::Sparse(_) => None,
        }
    }

    /// The objective of class `positive` against the rest (targets 0/1),
    /// with L2 strength `alpha` and L1 strength `l1`.
    fn binary_objective(
        &self,
        problem: &Problem<'a, F>,
        y: Array1<F>,
        (alpha, l1): (F, F),
    ) -> Box<dyn Objective<F> + 'a> {
        match *self {
            Design::Dense(x) => Box::new(
                BinaryLogistic::new_unchecked(
                    x,
                    y,
                    problem.weight.clone(),
                    alpha,
                    problem.fit_intercept,
                )
                .with_l1_unchecked(l1),
            ),
            Design::Sparse(x) => Box::new(SparseLogistic::new(
                x,
                Target::Binary(y),
                problem.weight.clone(),
                alpha,
                l1,
                problem.fit_intercept,
            )),
        }
    }

    /// The softmax objective over all classes, with L2 strength `alpha` and
    /// L1 strength `l1`.
    fn multinomial_objective(
        &self,
        problem: &Problem<'a, F>,
        (alpha, l1): (F, F),
    ) -> Box<dyn Objective<F> + 'a> {
        let k = problem.n_classes;
        match *self {
            Design::Dense(x) => Box::new(
                Multinomial::new_unchecked(
                    x,
                    problem.class.clone(),
                    k,
                    problem.weight.clone(),
                    alpha,
                    problem.fit_intercept,
                )
                .with_l1_unchecked(l1),
            ),
            Design::Sparse(x) => Box::new(SparseLogistic::new(
                x,
                Target::Classes {
                    class: problem.class.clone(),
                    k,
                },
                problem.weight.clone(),
                alpha,
                l1,
                problem.fit_intercept,
            )),
        }
    }
}

impl Strategy {
    /// Rows of coefficients a model has: one for binary, one per class otherwise.
    pub fn rows(self, n_classes: usize) -> usize {
        match self {
            Strategy::Binary => 1,
            Strategy::OneVsRest | Strategy::Multinomial => n_classes,
        }
    }
}

/// Where each solver run of a fit sits in the model: how many runs there
/// are (one per class for one-vs-rest, else one), which class a binary run
/// separates from the rest, and the [`Layout`] of its flat parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Runs {
    pub strategy: Strategy,
    pub n_classes: usize,
    /// The layout of one run's parameters: one row, or k for the softmax.
    pub layout: Layout,
}

impl Runs {
    pub fn new(
        strategy: Strategy,
        n_classes: usize,
        n_features: usize,
        fit_intercept: bool,
    ) -> Self {
        let rows = match strategy {
            Strategy::Multinomial => n_classes,
            Strategy::Binary | Strategy::OneVsRest => 1,
        };
        Self {
            strategy,
            n_classes,
            layout: Layout::new(rows, n_features, fit_intercept),
        }
    }

    /// How many solver runs the fit makes.
    pub fn count(&self) -> usize {
        match self.strategy {
            Strategy::OneVsRest => self.n_classes,
            Strategy::Binary | Strategy::Multinomial => 1,
        }
    }

    /// Rows of coefficients of the whole model.
    pub fn model_rows(&self) -> usize {
        self.strategy.rows(self.n_classes)
    }

    /// The class binary run `run` separates from the rest: the second class
    /// of a binary model, class `run` of a one-vs-rest model.
    pub fn positive_class(&self, run: usize) -> usize {
        match self.strategy {
            Strategy::Binary => 1,
            Strategy::OneVsRest | Strategy::Multinomial => run,
        }
    }

    /// The model rows that run `run` fits.
    fn model_rows_of(&self, run: usize) -> std::ops::Range<usize> {
        match self.strategy {
            Strategy::Multinomial => 0..self.n_classes,
            Strategy::Binary | Strategy::OneVsRest => run..run + 1,
        }
    }

    /// Run `run`'s flat parameters, taken from a model's coefficients
    /// (model rows × d) and intercepts.
    pub fn params<F: Float>(
        &self,
        coef: &Array2<F>,
        intercept: &Array1<F>,
        run: usize,
    ) -> Array1<F> {
        let rows = self.model_rows_of(run);
        self.layout
            .flatten(coef.slice(s![rows.clone(), ..]), intercept.slice(s![rows]))
    }

    /// Writes run `run`'s flat parameters into a model's coefficients and
    /// intercepts (left as they are without an intercept).
    pub fn store<F: Float>(
        &self,
        params: ArrayView1<'_, F>,
        coef: &mut Array2<F>,
        intercept: &mut Array1<F>,
        run: usize,
    ) {
        let rows = self.model_rows_of(run);
        coef.slice_mut(s![rows.clone(), ..])
            .assign(&self.layout.coef(params));
        if self.layout.fit_intercept {
            intercept
                .slice_mut(s![rows])
                .assign(&self.layout.intercept(params));
        }
    }

    /// Which objective run `run` minimizes, for its value at zero.
    pub fn zero_run(&self, run: usize) -> ZeroRun {
        match self.strategy {
            Strategy::Multinomial => ZeroRun::Multinomial,
            Strategy::Binary | Strategy::OneVsRest => ZeroRun::Binary {
                positive: self.positive_class(run),
            },
        }
    }

    /// The objective of run `run` on `problem`'s data, with L2 strength
    /// `alpha` and L1 strength `l1`.
    pub fn objective<'a, F: Float>(
        &self,
        problem: &Problem<'a, F>,
        run: usize,
        (alpha, l1): (F, F),
    ) -> Box<dyn Objective<F> + 'a> {
        match self.strategy {
            Strategy::Multinomial => problem.x.multinomial_objective(problem, (alpha, l1)),
            Strategy::Binary | Strategy::OneVsRest => {
                let y = binary_targets(&problem.class, self.positive_class(run));
                problem.x.binary_objective(problem, y, (alpha, l1))
            }
        }
    }
}

impl<F: Float> Problem<'_, F> {
    /// The runs of a fit of this problem with `strategy`.
    pub fn runs(&self, strategy: Strategy) -> Runs {
        Runs::new(strategy, self.n_classes, self.x.ncols(), self.fit_intercept)
    }
}

/// Fitted coefficients (rows × d), intercepts and one report per solver run.
#[derive(Debug, Clone)]
pub(crate) struct Fit<F> {
    pub coef: Array2<F>,
    pub intercept: Array1<F>,
    pub reports: Vec<FitReport<F>>,
    pub diagnostics: Vec<Diagnostic>,
}

/// How a solver run starts and who watches it.
pub(crate) struct Run<'o, F> {
    /// Coefficients and intercepts to start from (zeros when `None`), in the
    /// shape the strategy produces.
    pub start: Option<(Array2<F>, Array1<F>)>,
    /// Called every iteration; one-vs-rest sub-fits then run one after another.
    pub observer: Option<&'o mut dyn Observer<F>>,
}

pub(crate) fn fit<F: Float>(
    problem: &Problem<'_, F>,
    strategy: Strategy,
    solver: &dyn Solver<F>,
    stop: &StopRule<F>,
    run: Run<'_, F>,
) -> Result<Fit<F>> {
    let runs = problem.runs(strategy);
    let start = |index: usize| {
        run.start
            .as_ref()
            .map(|(coef, intercept)| runs.params(coef, intercept, index))
    };
    let fit_run = |index: usize, observer: Option<&mut dyn Observer<F>>| {
        fit_one(problem, &runs, index, solver, stop, start(index), observer)
    };
    let fits = match run.observer {
        // An observer is `&mut`: visit the runs in order.
        Some(observer) => (0..runs.count())
            .map(|index| fit_run(index, Some(&mut *observer)))
            .collect::<Result<Vec<_>>>()?,
        None => (0..runs.count())
            .into_par_iter()
            .map(|index| fit_run(index, None))
            .collect::<Result<Vec<_>>>()?,
    };
    let mut coef = Array2::zeros((runs.model_rows(), problem.x.ncols()));
    let mut intercept = Array1::zeros(runs.model_rows());
    let mut reports = Vec::with_capacity(fits.len());
    let mut diagnostics = Vec::new();
    for (index, solved) in fits.into_iter().enumerate() {
        runs.store(solved.params.view(), &mut coef, &mut intercept, index);
        reports.push(solved.report);
        diagnostics.extend(solved.diagnostics);
    }
    if strategy == Strategy::Multinomial {
        centre(problem.alpha, problem.l1, &mut coef, &mut intercept);
    }
    Ok(Fit {
        coef,
        intercept,
        reports,
        diagnostics,
    })
}

/// Shifting all softmax classes together changes nothing unpenalized:
/// report the centred representative, as scikit-learn does.
pub(crate) fn centre<F: Float>(alpha: F, l1: F, coef: &mut Array2<F>, intercept: &mut Array1<F>) {
    if let Some(mean) = intercept.mean() {
        *intercept -= mean;
    }
    if alpha == F::zero() && l1 == F::zero() {
        if let Some(mean) = coef.mean_axis(Axis(0)) {
            *coef -= &mean;
        }
    }
}

/// One solver run's parameters, report and diagnostics.
struct Solved<F> {
    params: Array1<F>,
    report: FitReport<F>,
    diagnostics: Vec<Diagnostic>,
}

/// Fits run `index` (a binary problem, one class against the rest, or the
/// softmax) and checks an unpenalized dense fit for separation.
fn fit_one<F: Float>(
    problem: &Problem<'_, F>,
    runs: &Runs,
    index: usize,
    solver: &dyn Solver<F>,
    stop: &StopRule<F>,
    start: Option<Array1<F>>,
    observer: Option<&mut dyn Observer<F>>,
) -> Result<Solved<F>> {
    let objective = runs.objective(problem, index, (problem.alpha, problem.l1));
    let at_zero = match (&start, &problem.class_sums) {
        (None, Some(sums)) => sums.start_at_zero(
            runs.zero_run(index),
            problem.fit_intercept,
            (problem.x.ncols(), problem.n_classes),
        ),
        _ => None,
    };
    let start = start.unwrap_or_else(|| Array1::zeros(objective.n_params()));
    let mut no_observer = NoObserver;
    let observer = observer.unwrap_or(&mut no_observer);
    let mut solution = minimize_counted(solver, &*objective, start, at_zero, stop, observer)?;
    let diagnostics = diagnose(problem, runs, index, &*objective, &mut solution);
    Ok(Solved {
        params: solution.params,
        report: solution.report,
        diagnostics,
    })
}

/// Checks an unpenalized solution on dense features for separation and
/// marks its report (sparse fits are not diagnosed).
fn diagnose<F: Float>(
    problem: &Problem<'_, F>,
    runs: &Runs,
    index: usize,
    objective: &dyn Objective<F>,
    solution: &mut Solution<F>,
) -> Vec<Diagnostic> {
    let Some(x) = problem.x.dense() else {
        return Vec::new();
    };
    if problem.alpha > F::zero() || problem.l1 > F::zero() {
        return Vec::new();
    }
    let layout = runs.layout;
    let coef_of = |p: &Array1<F>| layout.coef(p.view()).iter().copied().collect();
    // Each row's margin: how far its own class's score leads (binary: the
    // logit, signed by the target; softmax: over the best other class).
    let positive = runs.positive_class(index);
    let margins = |p: &Array1<F>| -> Array1<F> {
        let (coef, intercept) = (layout.coef(p.view()), layout.intercept(p.view()));
        match runs.strategy {
            Strategy::Multinomial => {
                let eta = x.dot(&coef.t()) + &intercept;
                eta.rows()
                    .into_iter()
                    .zip(&problem.class)
                    .map(|(row, &c)| {
                        let other = (0..row.len())
                            .filter(|&j| j != c)
                            .map(|j| row[j])
                            .fold(F::neg_infinity(), F::max);
                        row[c] - other
                    })
                    .collect()
            }
            Strategy::Binary | Strategy::OneVsRest => {
                let eta = x.dot(&coef.row(0));
                eta.iter()
                    .zip(&problem.class)
                    .map(|(&e, &c)| {
                        if c == positive {
                            e + intercept[0]
                        } else {
                            -(e + intercept[0])
                        }
                    })
                    .collect()
            }
        }
    };
    let found = check_separation(objective, &solution.params, x, coef_of, margins);
    if found.is_some() {
        solution.report.termination = Termination::Separation;
    }
    found.into_iter().collect()
}

/// The weighted mean loss of `problem`'s data (no penalty; summed over the
/// one-vs-rest runs) and the gradient of the smooth objective, loss plus
/// (α/2)‖w‖² with the given `alpha` (the problem's own strengths are not
/// used), with respect to the coefficients (rows × d), at the given
/// coefficients and intercepts: what the regularization path's KKT checks
/// and deviances need.
pub(crate) fn loss_and_coef_gradient<F: Float>(
    problem: &Problem<'_, F>,
    strategy: Strategy,
    coef: &Array2<F>,
    intercept: &Array1<F>,
    alpha: F,
) -> (F, Array2<F>) {
    let runs = problem.runs(strategy);
    let mut grad = Array2::zeros(coef.dim());
    let mut grad_intercept = Array1::zeros(intercept.len());
    let mut loss = F::zero();
    let unpenalized = (F::zero(), F::zero());
    for index in 0..runs.count() {
        let objective = runs.objective(problem, index, unpenalized);
        let params = runs.params(coef, intercept, index);
        let mut g = Array1::zeros(params.len());
        loss += objective.value_grad(params.view(), g.view_mut());
        runs.store(g.view(), &mut grad, &mut grad_intercept, index);
    }
    grad.scaled_add(alpha, coef);
    (loss, grad)
}

/// 1 for rows of class `positive`, 0 for the rest.
pub(crate) fn binary_targets<F: Float>(class: &[usize], positive: usize) -> Array1<F> {
    class
        .iter()
        .map(|&c| if c == positive { F::one() } else { F::zero() })
        .collect()
}
