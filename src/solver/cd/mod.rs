//! Proximal Newton with coordinate descent on each quadratic model (newGLMNET).

mod columns;
mod crossing;
mod hessian;
mod model;
mod rows;
mod scored;

use super::proximal::{L1Term, soft_threshold};
use super::{Observer, Point, Solution, Solver, StopRule, Termination};
use crate::objective::Objective;
use crate::validate::check_params;
use crate::{Float, Result};
use columns::Columns;
use hessian::hessian_direction;
use model::{ColumnModel, Shape};
use ndarray::Array1;
use scored::{Scored, scores};

/// Coordinate descent for L1 and elastic-net penalties (also plain L2 or
/// none): the proximal Newton method of glmnet and newGLMNET.
///
/// Each outer iteration takes the gradient g at the current point p and
/// minimizes the quadratic model of the objective plus the L1 term,
///
///   gᵀδ + ½δᵀHδ + λ₁‖p + δ‖₁,
///
/// by cyclic coordinate descent (one soft-threshold per coordinate): a
/// sweep over the working set, then sweeps over the active coordinates
/// (non-zero or unpenalized) until they settle, then a full sweep again to
/// let new coordinates in. On large active sets (≥ 100 coordinates) whose
/// sweeps settle slowly, as on the nearly separable problems of small
/// penalties, conjugate gradients with the signs held (Jacobi
/// preconditioned, stopped or cut where a coordinate reaches zero)
/// alternate with the sweeps, which move coordinates onto and off zero.
/// The inner tolerance is a tenth of the outer optimality (newGLMNET ties
/// its inner tolerance to the outer progress likewise), 0.9 of it on a
/// fit's first model and a tenth of tol on the last; with the dense
/// Hessian, where an outer iteration costs far more than a sweep, it
/// tightens quadratically near the end. A backtracking line search
/// (σ = 0.01, halving) on the full objective makes every step a descent
/// step. On the crate's objectives
/// ([`RowAccess::loss_at_scores`](crate::objective::RowAccess::loss_at_scores)) the
/// solver keeps the scores η = X̃·p: a trial step's value comes from
/// η + t·X̃δ (X̃δ kept by the model) at O(n·k), and the gradient at an
/// accepted point from the columns at O(nnz), so no evaluation reads X
/// by rows.
///
/// On the crate's objectives (any that give [`Objective::as_rows`]) H is
/// never formed: the solver copies X once per fit into columns (compressed
/// when at most half the entries are non-zero, column-major otherwise) and
/// keeps X·δ up to date, so a coordinate update reads one column, using the
/// per-row curvatures (sᵢ/S)·σ(1 − σ) (binary) or the softmax's per-class
/// blocks (multinomial, exact cross-class terms). A sweep costs O(nnz·k) on
/// sparse data and O(n·p·k) on dense, whatever the width. Penalized
/// coordinates at zero whose gradient lies well inside (−λ₁, λ₁) are left
/// out of the model (shrinking) until the optimality test, over all
/// coordinates, says otherwise. Other objectives, and dense data with at
/// most 256 parameters (where it is faster), use the dense Hessian
/// (O(n·p²) per iteration). On binary models with compressed columns the
/// conjugate-gradient steps read a row-wise copy of the active columns
/// instead, made once per run: X·v and Xᵀ(w ⊙ X·v) in one pass over it.
///
/// Stops when the largest entry of the minimum-norm subgradient is ≤ tol:
/// |∂ⱼf + λ₁·sign(pⱼ)| for non-zero penalized pⱼ, max(|∂ⱼf| − λ₁, 0) for
/// zero ones, |∂ⱼf| for the intercepts. Coefficients the L1 term removes are
/// exactly zero. Deterministic, whatever the thread count: the sweeps are
/// sequential, and the row-wise products split the rows into blocks fixed
/// by the data (about 2¹⁸ entries each, so only large problems have more
/// than one), run them on the rayon pool and add their sums in block order.
///
/// ```
/// use logreg::{LogisticRegression, Penalty};
/// use logreg::solver::CoordinateDescent;
/// use ndarray::array;
/// let x = array![[0.0_f64, 0.3], [1.0, -0.2], [2.0, 0.1], [3.0, 0.4], [4.0, -0.3], [5.0, 0.0]];
/// let y = array![0, 0, 1, 0, 1, 1];
/// let model = LogisticRegression::new()
///     .solver(CoordinateDescent::new())
///     .penalty(Penalty::L1)
///     .c(0.5)
///     .tol(1e-10)
///     .fit(&x, &y)?;
/// assert!(model.report().converged() && model.report().iterations <= 20);
/// assert_eq!(model.coef()[(0, 1)], 0.0); // the noise feature is out
/// # Ok::<(), logreg::Error>(())
/// ```
///
/// # Requirements on the problem
/// [`Objective::value_grad`]; [`Objective::as_rows`] (binary or softmax
/// rows in the crate's layout) for the column updates, else
/// [`Objective::hessian`];
/// [`Objective::l1_penalty`] and [`Objective::n_penalized`] for the L1 term.
///
/// # References
/// - J. Friedman, T. Hastie and R. Tibshirani, "Regularization paths for
///   generalized linear models via coordinate descent", *J. Stat. Softw.* 33, 2010.
/// - G.-X. Yuan, C.-H. Ho and C.-J. Lin, "An improved GLMNET for
///   L1-regularized logistic regression", *JMLR* 13, 2012.
/// - P. Tseng and S. Yun, "A coordinate gradient descent method for
///   nonsmooth separable minimization", *Math. Program.* 117, 2009 (the
///   line-search condition).
/// - J. J. Moré and G. Toraldo, "On the solution of large quadratic
///   programming problems with bound constraints", *SIAM J. Optim.* 1, 1991
///   (conjugate gradients on a face, with a projected search where it
///   leaves it).
#[derive(Debug, Clone, Copy)]
pub struct CoordinateDescent {
    max_sweeps: usize,
}

impl Default for CoordinateDescent {
    fn default() -> Self {
        Self { max_sweeps: 1000 }
    }
}

/// Armijo constant of the line search on the composite objective.
const SUFFICIENT_DECREASE: f64 = 0.01;
/// Up to this many parameters, dense data get the Hessian model.
const DENSE_HESSIAN_MAX_PARAMS: usize = 256;
/// Sweeps over the active coordinates before conjugate gradients join in:
/// well-conditioned models settle within them by sweeps alone. (10 before
/// the last model got its tighter tolerance, [`inner_tolerance`]; with it,
/// 5 took the 1,500 × 3,000 path from 0.43 to 0.39 s, and the 20,000 ×
/// 50,000 one stayed at 18–19 s.)
const PLAIN_SWEEPS: usize = 5;
/// Active coordinates from which conjugate gradients join in. Below, a
/// sweep costs little and sweeps alone keep to one path whatever the
/// layout: where the optimum is not unique (duplicated columns), the
/// conjugate gradients' choice among optima follows the rounding of the
/// gradient, which differs between dense and CSR rows.
const SUBSPACE_MIN_ACTIVE: usize = 100;
/// The inner tolerance as a share of the outer optimality.
const INNER_SHARE: f64 = 0.1;
/// The same on a fit's first model (see [`inner_tolerance`]).
const FIRST_SHARE: f64 = 0.9;
/// The inner tolerance of the last model, as a share of the outer tol.
const LAST_SHARE: f64 = 0.1;
/// Halvings before the line search gives up.
const MAX_HALVINGS: usize = 40;

impl CoordinateDescent {
    /// At most 1,000 passes over the data (sweeps or conjugate-gradient
    /// steps) per quadratic model.
    ///
    /// ```
    /// use logreg::solver::{CoordinateDescent, Solver};
    /// assert_eq!(Solver::<f64>::name(&CoordinateDescent::new()), "cd");
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// The most passes over the data (coordinate sweeps or
    /// conjugate-gradient steps) spent on one quadratic model (≥ 1; a
    /// setting of 0 is treated as 1).
    ///
    /// ```
    /// use logreg::{LogisticRegression, Penalty};
    /// use logreg::solver::CoordinateDescent;
    /// use ndarray::array;
    /// let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0]];
    /// let y = array![0, 0, 1, 0, 1, 1];
    /// // One sweep per model still converges, in more outer iterations.
    /// let model = LogisticRegression::new()
    ///     .solver(CoordinateDescent::new().max_sweeps(1))
    ///     .penalty(Penalty::L1)
    ///     .max_iter(1000)
    ///     .fit(&x, &y)?;
    /// assert!(model.report().converged());
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn max_sweeps(mut self, max_sweeps: usize) -> Self {
        self.max_sweeps = max_sweeps.max(1);
        self
    }
}

impl<F: Float> Solver<F> for CoordinateDescent {
    fn name(&self) -> &'static str {
        "cd"
    }

    fn minimize(
        &self,
        objective: &dyn Objective<F>,
        start: Array1<F>,
        stop: &StopRule<F>,
        observer: &mut dyn Observer<F>,
    ) -> Result<Solution<F>> {
        check_params(objective.n_params(), start.view())?;
        let l1 = L1Term::of(objective);
        let sigma = F::from_f64_lossy(SUFFICIENT_DECREASE);
        let half = F::from_f64_lossy(0.5);
        let rounding = F::epsilon() * F::from_f64_lossy(16.0);
        let coords = free_coordinates(objective);
        let data = column_data(objective, &l1);
        // With the columns and an objective that gives its loss at given
        // scores, the solver keeps the scores η of the current point: a
        // trial step's value then costs O(n·k), and no evaluation reads X.
        let mut scored = data.as_ref().and_then(|(columns, shape)| {
            let rows = objective.as_rows()?;
            Some(Scored::new(rows, columns, shape))
        });
        let first = scored.as_ref().and_then(|s| s.point(start.clone()));
        if first.is_none() {
            scored = None;
        }
        let (mut point, mut eta) =
            first.unwrap_or_else(|| (Point::evaluate(objective, start), Vec::new()));
        let evaluate = |params: Array1<F>| match scored.as_ref() {
            Some(s) => s
                .point(params.clone())
                .unwrap_or_else(|| (Point::evaluate(objective, params), Vec::new())),
            None => (Point::evaluate(objective, params), Vec::new()),
        };
        let mut total = l1.total(&point);
        let mut iterations = 0;
        let termination = loop {
            let optimality = match l1.checkpoint(&point, iterations, stop, observer) {
                Ok(optimality) => optimality,
                Err(termination) => break termination,
            };
            iterations += 1;
            let share = F::from_f64_lossy(INNER_SHARE);
            let floor = stop.tol() * share;
            let working = working_set(&point, &l1, &coords, optimality, objective.n_samples());
            let from_columns = data.as_ref().and_then(|(columns, shape)| {
                let fresh;
                let current: &[F] = if eta.len() == columns.n_rows() * shape.k {
                    &eta
                } else {
                    fresh = scores(columns, shape, point.params.view());
                    &fresh
                };
                let model = ColumnModel::at(
                    columns,
                    shape,
                    point.params.view(),
                    current,
                    point.grad.view(),
                    &working,
                );
                model.is_finite().then_some(model)
            });
            let (delta, x_delta) = match from_columns {
                Some(mut model) => {
                    let inner_tol = inner_tolerance(optimality, stop.tol(), iterations == 1);
                    cycle(&mut model, &working, inner_tol, self.max_sweeps);
                    let (delta, x_delta) = model.into_step();
                    (delta, Some(x_delta))
                }
                // With a Hessian each outer iteration costs O(n·p²) and a
                // sweep only O(p²): solve more accurately, quadratically
                // tighter near the end, to save outer iterations.
                None => {
                    let inner_tol = (optimality * share).min(optimality * optimality).max(floor);
                    let delta = hessian_direction(
                        objective,
                        &point,
                        &l1,
                        &coords,
                        inner_tol,
                        self.max_sweeps,
                    );
                    (delta, None)
                }
            };
            // Predicted decrease gᵀδ + λ₁(‖p + δ‖₁ − ‖p‖₁): negative unless p is optimal.
            let predicted = point.grad.dot(&delta) + l1.change(&point.params, &delta);
            if predicted.is_nan() || predicted >= F::zero() {
                break Termination::LineSearchFailed;
            }
            let mut step = F::one();
            let mut accepted = None;
            for _ in 0..MAX_HALVINGS {
                let mut trial = point.params.clone();
                trial.scaled_add(step, &delta);
                let required = sigma * step * predicted;
                // Near the optimum the decrease falls below the rounding of
                // the objective, which cannot tell better from worse: there
                // the step must bring the subgradient down instead.
                let measurable = -required > rounding * total.abs();
                // A step the scores moved along it (η + t·X̃δ) show to fall
                // short is halved without computing its gradient; one that
                // passes is decided at its own scores, computed afresh.
                if let (true, Some(s), Some(x_delta)) = (measurable, &scored, &x_delta) {
                    let moved: Vec<F> = eta
                        .iter()
                        .zip(x_delta)
                        .map(|(&e, &d)| e + step * d)
                        .collect();
                    if let Some(value) = s.value(&trial, &moved)
                        && value + l1.value(&trial) > total + required
                    {
                        step *= half;
                        continue;
                    }
                }
                let (candidate, candidate_eta) = evaluate(trial);
                let candidate_total = l1.total(&candidate);
                let sufficient = if measurable {
                    candidate_total <= total + required
                } else {
                    l1.optimality(&candidate) < optimality
                };
                if sufficient {
                    accepted = Some((candidate, candidate_eta, candidate_total));
                    break;
                }
                step *= half;
            }
            let Some((next, next_eta, next_total)) = accepted else {
                break Termination::LineSearchFailed;
            };
            point = next;
            eta = next_eta;
            total = next_total;
        };
        let report = l1.report(&point, iterations, termination);
        Ok(Solution {
            params: point.params,
            report,
        })
    }
}

/// The tolerance on the subgradient of one outer iteration's column model
/// (`first`: the fit's first), given the outer optimality and tol.
///
/// Mostly a fixed share of the outer optimality (newGLMNET ties its inner
/// tolerance to the outer progress the same way): each outer iteration
/// gains about a factor 1/INNER_SHARE, and no pass is spent on accuracy
/// the next linearization throws away. Two exceptions:
/// - The first model, from a warm start at a new α (or from scratch),
///   moves hundreds of coordinates at once and is far from the objective
///   there: the next iteration's optimality comes out larger than this
///   one's whatever the accuracy, so it is solved only to 0.9 of the outer
///   optimality (1,500 × 3,000 path: 4,950 → 4,350 passes over the data,
///   the same outer iterations).
/// - The last model (one whose share would already be within tol) is
///   solved to a tenth of tol, not to a tenth of the optimality: the
///   point it gives then lies well within tol, and on nearly separable
///   data, where the objective still falls along directions whose
///   gradient is below tol, well within the objective's 1e-8 (20,000 ×
///   50,000 path at tol 1e-8: largest gap 4e-10, against 6e-9 before and
///   1.4e-8 with the loose first model alone).
fn inner_tolerance<F: Float>(optimality: F, tol: F, first: bool) -> F {
    let share = |s: f64| F::from_f64_lossy(s);
    if optimality * share(INNER_SHARE) < tol {
        tol * share(LAST_SHARE)
    } else if first {
        optimality * share(FIRST_SHARE)
    } else {
        optimality * share(INNER_SHARE)
    }
}

/// The coordinates to move: all but the ones the objective calls redundant
/// (the softmax's spare intercept, a direction of zero curvature in which
/// coordinate descent would crawl).
fn free_coordinates<F: Float>(objective: &dyn Objective<F>) -> Vec<usize> {
    let redundant = objective.redundant_params();
    (0..objective.n_params())
        .filter(|j| !redundant.contains(j))
        .collect()
}

/// The features by column and the problem's shape, when the objective
/// hands out its rows in the crate's parameter layout.
fn column_data<F: Float>(
    objective: &dyn Objective<F>,
    l1: &L1Term<F>,
) -> Option<(Columns<F>, Shape<F>)> {
    let rows = objective.as_rows()?;
    let k = rows.outputs();
    let intercepts = if rows.fit_intercept() { k } else { 0 };
    if k == 0 || k * rows.n_features() + intercepts != objective.n_params() {
        return None;
    }
    let n = objective.n_samples();
    let columns = Columns::from_rows(rows, n)?;
    // Narrow dense data: one O(n·p²) Hessian per iteration and O(p²)
    // sweeps beat O(n·p) sweeps (`cargo bench --bench solvers --
    // l1_crossover`: n = 20,000 dense, 101 parameters: 463 ms by columns,
    // 198 ms with the Hessian).
    if columns.is_dense() && objective.n_params() <= DENSE_HESSIAN_MAX_PARAMS {
        return None;
    }
    let n_penalized = objective.n_penalized().min(objective.n_params());
    let shape = Shape::of(rows, n, objective.l2_penalty(), l1.lambda, n_penalized);
    Some((columns, shape))
}

/// The coordinates of one outer iteration's model. A penalized coordinate
/// at zero whose gradient lies inside (−λ₁, λ₁) by more than M/n (M the
/// current largest violation, n the rows) is shrunk: it would most likely
/// stay at zero, and the optimality test of the next iteration, over every
/// coordinate, brings it back if it should move (newGLMNET's shrinking rule,
/// |gⱼ| < λ₁ − M/n, in this crate's scaling).
fn working_set<F: Float>(
    point: &Point<F>,
    l1: &L1Term<F>,
    coords: &[usize],
    optimality: F,
    n_rows: usize,
) -> Vec<usize> {
    let inside = l1.lambda - optimality / F::from_f64_lossy(n_rows.max(1) as f64);
    coords
        .iter()
        .copied()
        .filter(|&j| !l1.covers(j) || point.params[j] != F::zero() || point.grad[j].abs() >= inside)
        .collect()
}

/// A quadratic model minimized one coordinate at a time.
pub(super) trait CoordinateModel<F> {
    /// One pass over `coords`; the largest change times its curvature.
    fn sweep(&mut self, coords: &[usize]) -> F;
    /// Whether coordinate j is at zero and carries the L1 term.
    fn at_zero_penalized(&self, j: usize) -> bool;
    /// Conjugate gradients over the non-zero coordinates of `coords` with
    /// their signs held, until the model's gradient there is ≤ `tol`, a
    /// coordinate reaches zero, or `max_iter` steps. Returns the steps and
    /// whether the gradient reached `tol`; `None` for a model without it.
    fn subspace(&mut self, _coords: &[usize], _tol: F, _max_iter: usize) -> Option<(usize, bool)> {
        None
    }
    /// The largest entry of the model's minimum-norm subgradient over
    /// `coords` (needed with [`subspace`](Self::subspace)).
    fn violation(&self, _coords: &[usize]) -> F;
}

/// Coordinate descent from δ = 0 over `all`: a sweep over every
/// coordinate, then, on the active ones (non-zero or unpenalized), sweeps
/// until they settle or, where the model has them, alternating sweeps
/// (which move coordinates onto and off zero) and conjugate-gradient runs
/// with the signs held (which converge in far fewer passes on the badly
/// conditioned models of small penalties); then a full sweep again to let
/// new coordinates in, or, with conjugate gradients, a check of the whole
/// model's optimality first. At most `max_sweeps` passes over the data
/// (a sweep, a conjugate-gradient step or a check each count as one).
pub(super) fn cycle<F: Float>(
    model: &mut impl CoordinateModel<F>,
    all: &[usize],
    tol: F,
    max_sweeps: usize,
) {
    let mut sweeps = 0;
    while sweeps < max_sweeps {
        sweeps += 1;
        if model.sweep(all) <= tol {
            break;
        }
        let active: Vec<usize> = all
            .iter()
            .copied()
            .filter(|&j| !model.at_zero_penalized(j))
            .collect();
        let mut accelerated = false;
        let mut plain = 0;
        while sweeps < max_sweeps {
            sweeps += 1;
            plain += 1;
            let change = model.sweep(&active);
            if change <= tol && !accelerated {
                break;
            }
            if plain < PLAIN_SWEEPS || active.len() < SUBSPACE_MIN_ACTIVE {
                continue;
            }
            match model.subspace(&active, tol, max_sweeps - sweeps) {
                None => {}
                Some((steps, converged)) => {
                    accelerated = true;
                    sweeps += steps;
                    if converged {
                        break;
                    }
                }
            }
        }
        if accelerated {
            sweeps += 1;
            if model.violation(all) <= tol {
                break;
            }
        }
    }
}
