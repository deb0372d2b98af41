//! Binary, one-vs-rest and multinomial fits over the one `Solver` trait.

use crate::diagnostics::{Diagnostic, check_separation};
use crate::objective::sparse::{SparseLogistic, Target};
use crate::objective::{BinaryLogistic, Multinomial, Objective};
use crate::solver::Termination;
use crate::solver::{FitReport, NoObserver, Observer, Solver, StopRule};
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
}

/// The features of a problem: a dense array or sparse CSR rows.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Design<'a, F> {
    Dense(ArrayView2<'a, F>),
    Sparse(CsrView<'a, F>),
}

impl<'a, F: Float> Design<'a, F> {
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

/// Fitted coefficients (rows × d), intercepts and one report per solver run.
#[derive(Debug, Clone)]
pub(crate) struct Fit<F> {
    pub coef: Array2<F>,
    pub intercept: Array1<F>,
    pub reports: Vec<FitReport<F>>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Checks an unpenalized solution on dense features for separation and
/// marks its report (sparse fits are not diagnosed).
fn diagnose<F: Float>(
    problem: &Problem<'_, F>,
    objective: &dyn Objective<F>,
    params: &Array1<F>,
    report: &mut FitReport<F>,
    coef_of: impl Fn(&Array1<F>) -> Array1<F>,
    margins: impl Fn(ArrayView2<'_, F>, &Array1<F>) -> Array1<F>,
) -> Vec<Diagnostic> {
    let Some(x) = problem.x.dense() else {
        return Vec::new();
    };
    if problem.alpha > F::zero() || problem.l1 > F::zero() {
        return Vec::new();
    }
    let found = check_separation(objective, params, x, coef_of, |p| margins(x, p));
    if found.is_some() {
        report.termination = Termination::Separation;
    }
    found.into_iter().collect()
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
    let start = |row: usize| {
        run.start
            .as_ref()
            .map(|(coef, intercept)| binary_start(problem, coef, intercept, row))
    };
    match strategy {
        Strategy::Binary => fit_binary(problem, 1, solver, stop, start(0), run.observer),
        Strategy::OneVsRest => {
            let fits = match run.observer {
                // An observer is `&mut`: visit the classes in order.
                Some(observer) => (0..problem.n_classes)
                    .map(|positive| {
                        fit_binary(
                            problem,
                            positive,
                            solver,
                            stop,
                            start(positive),
                            Some(&mut *observer),
                        )
                    })
                    .collect::<Result<Vec<_>>>()?,
                None => (0..problem.n_classes)
                    .into_par_iter()
                    .map(|positive| {
                        fit_binary(problem, positive, solver, stop, start(positive), None)
                    })
                    .collect::<Result<Vec<_>>>()?,
            };
            let rows: Vec<_> = fits.iter().map(|f| f.coef.row(0)).collect();
            Ok(Fit {
                coef: ndarray::stack(Axis(0), &rows)
                    .unwrap_or_else(|_| unreachable!("every one-vs-rest row has d coefficients")),
                intercept: fits.iter().map(|f| f.intercept[0]).collect(),
                reports: fits.iter().flat_map(|f| f.reports.clone()).collect(),
                diagnostics: fits.iter().flat_map(|f| f.diagnostics.clone()).collect(),
            })
        }
        Strategy::Multinomial => {
            let start = run.start.map(|(coef, intercept)| {
                let mut params = coef.into_iter().collect::<Vec<_>>();
                if problem.fit_intercept {
                    params.extend(intercept);
                }
                Array1::from(params)
            });
            fit_multinomial(problem, solver, stop, start, run.observer)
        }
    }
}

/// Parameters `[w, b]` of one binary sub-problem from row `row` of a fit.
fn binary_start<F: Float>(
    problem: &Problem<'_, F>,
    coef: &Array2<F>,
    intercept: &Array1<F>,
    row: usize,
) -> Array1<F> {
    let mut params = coef.row(row).to_vec();
    if problem.fit_intercept {
        params.push(intercept[row]);
    }
    Array1::from(params)
}

/// Fits class `positive` against all others.
fn fit_binary<F: Float>(
    problem: &Problem<'_, F>,
    positive: usize,
    solver: &dyn Solver<F>,
    stop: &StopRule<F>,
    start: Option<Array1<F>>,
    observer: Option<&mut dyn Observer<F>>,
) -> Result<Fit<F>> {
    let y: Array1<F> = binary_targets(&problem.class, positive);
    let objective = problem
        .x
        .binary_objective(problem, y.clone(), (problem.alpha, problem.l1));
    let start = start.unwrap_or_else(|| Array1::zeros(objective.n_params()));
    let solution = solver.minimize(
        &*objective,
        start,
        stop,
        observer.unwrap_or(&mut NoObserver),
    )?;
    let d = problem.x.ncols();
    let params = solution.params;
    let mut report = solution.report;
    let coef_of = |p: &Array1<F>| p.slice(s![..d]).to_owned();
    let intercept_of = |p: &Array1<F>| {
        if problem.fit_intercept {
            p[d]
        } else {
            F::zero()
        }
    };
    let margins = |x: ArrayView2<'_, F>, p: &Array1<F>| {
        let mut eta = x.dot(&p.slice(s![..d]));
        let b = intercept_of(p);
        ndarray::Zip::from(&mut eta).and(&y).for_each(|e, &t| {
            *e = if t > F::zero() { *e + b } else { -(*e + b) };
        });
        eta
    };
    let diagnostics = diagnose(problem, &*objective, &params, &mut report, coef_of, margins);
    Ok(Fit {
        coef: params.slice(s![..d]).insert_axis(Axis(0)).to_owned(),
        intercept: Array1::from_elem(1, intercept_of(&params)),
        reports: vec![report],
        diagnostics,
    })
}

fn fit_multinomial<F: Float>(
    problem: &Problem<'_, F>,
    solver: &dyn Solver<F>,
    stop: &StopRule<F>,
    start: Option<Array1<F>>,
    observer: Option<&mut dyn Observer<F>>,
) -> Result<Fit<F>> {
    let (k, d) = (problem.n_classes, problem.x.ncols());
    let objective = problem
        .x
        .multinomial_objective(problem, (problem.alpha, problem.l1));
    let start = start.unwrap_or_else(|| Array1::zeros(objective.n_params()));
    let solution = solver.minimize(
        &*objective,
        start,
        stop,
        observer.unwrap_or(&mut NoObserver),
    )?;
    let params = solution.params;
    let mut report = solution.report;
    let coef_of = |p: &Array1<F>| p.slice(s![..k * d]).to_owned();
    let margins = |x: ArrayView2<'_, F>, p: &Array1<F>| {
        let coef = coef_of(p)
            .into_shape_with_order((k, d))
            .unwrap_or_else(|_| unreachable!());
        let mut eta = x.dot(&coef.t());
        if problem.fit_intercept {
            eta += &p.slice(s![k * d..]);
        }
        eta.rows()
            .into_iter()
            .zip(&problem.class)
            .map(|(row, &c)| {
                let other = (0..k)
                    .filter(|&j| j != c)
                    .map(|j| row[j])
                    .fold(F::neg_infinity(), F::max);
                row[c] - other
            })
            .collect::<Array1<F>>()
    };
    let diagnostics = diagnose(problem, &*objective, &params, &mut report, coef_of, margins);
    let mut coef = params
        .slice(s![..k * d])
        .to_owned()
        .into_shape_with_order((k, d))
        .unwrap_or_else(|_| unreachable!("the multinomial has k·d coefficients"));
    let mut intercept = if problem.fit_intercept {
        params.slice(s![k * d..]).to_owned()
    } else {
        Array1::zeros(k)
    };
    // Shifting all classes together changes nothing unpenalized: report the
    // centred representative, as scikit-learn does.
    if let Some(mean) = intercept.mean() {
        intercept -= mean;
    }
    if problem.alpha == F::zero() && problem.l1 == F::zero() {
        if let Some(mean) = coef.mean_axis(Axis(0)) {
            coef -= &mean;
        }
    }
    Ok(Fit {
        coef,
        intercept,
        reports: vec![report],
        diagnostics,
    })
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
    let d = problem.x.ncols();
    let with_intercept = |row: ArrayView1<'_, F>, b: &[F]| {
        let mut params = row.to_vec();
        if problem.fit_intercept {
            params.extend_from_slice(b);
        }
        Array1::from(params)
    };
    let mut grad = Array2::zeros(coef.dim());
    let mut loss = F::zero();
    let unpenalized = (F::zero(), F::zero());
    match strategy {
        Strategy::Binary | Strategy::OneVsRest => {
            for (row, mut grad_row) in grad.rows_mut().into_iter().enumerate() {
                let positive = if strategy == Strategy::Binary { 1 } else { row };
                let objective = problem.x.binary_objective(
                    problem,
                    binary_targets(&problem.class, positive),
                    unpenalized,
                );
                let params = with_intercept(coef.row(row), &[intercept[row]]);
                let mut g = Array1::zeros(params.len());
                loss += objective.value_grad(params.view(), g.view_mut());
                grad_row.assign(&g.slice(s![..d]));
            }
        }
        Strategy::Multinomial => {
            let objective = problem.x.multinomial_objective(problem, unpenalized);
            let flat = Array1::from_iter(coef.iter().copied());
            let params = with_intercept(flat.view(), intercept.as_slice().unwrap_or(&[]));
            let mut g = Array1::zeros(params.len());
            loss += objective.value_grad(params.view(), g.view_mut());
            for (a, mut grad_row) in grad.rows_mut().into_iter().enumerate() {
                grad_row.assign(&g.slice(s![a * d..(a + 1) * d]));
            }
        }
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
