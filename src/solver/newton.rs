//! Newton's method (IRLS) with a Cholesky solve and Armijo backtracking.

use super::{
    Armijo, Observer, Point, Ray, Solution, Solver, StopRule, Termination, check_smooth_start,
};
use crate::objective::Objective;
use crate::{Float, Result};
use ndarray::{Array1, Array2};

/// Newton's method, which for logistic regression is iteratively reweighted
/// least squares (IRLS): solve H·p = −∇f by Cholesky, then backtrack along p.
///
/// A Newton step builds the dense Hessian XᵀRX/S + αI (a symmetric rank-k
/// update per chunk of rows, or a GEMM under the `lapack` feature), so the
/// cost is O(n·p²) per iteration plus O(p³) for the factorization: the right
/// choice for up to a few hundred parameters, where it converges in a handful
/// of iterations to full precision.
///
/// Stops when max |∇f| ≤ tol *and* half the Newton decrement ½·∇fᵀH⁻¹∇f ≤ tol,
/// the decrement being that of the step that led to the current point (as
/// scikit-learn's `newton-cholesky` tests it) or, when that one is still
/// larger, the current point's own. Testing the last step's decrement spares
/// the Hessian of the final point (a whole O(n·p²) pass): after a step whose
/// half decrement was at most tol, the step's start was within about tol of
/// the optimum and the new point is closer still.
///
/// On problems where a Hessian costs milliseconds (n·p² ≥ 1e8), while the
/// gradient falls fast (max |∇f| to at most a fifth of its value at the
/// last step's start on the crate's in-memory binary objectives, a
/// twentieth on others), the next step reuses the last step's matrix
/// instead of building a new Hessian: a chord (simplified Newton) step,
/// which near the optimum gains nearly as much as a Newton step for a
/// fraction of its cost. A step that gains less brings a new Hessian. The
/// gradient is always exact, so the fit converges to the same optimum.
///
/// When the Hessian is not numerically positive definite (collinear features
/// without a penalty), the step falls back to a Levenberg–Marquardt
/// regularization H + τI with τ growing from √ε·max(1, max Hᵢᵢ) by factors of
/// ten; in the limit this is a scaled gradient step. The fit therefore never
/// fails on a singular Hessian; its report tells whether it converged.
///
/// ```
/// use logreg::LogisticRegression;
/// use logreg::solver::Newton;
/// use ndarray::array;
/// let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0]];
/// let y = array![0, 0, 1, 0, 1, 1];
/// let model = LogisticRegression::new().solver(Newton::new()).tol(1e-12).fit(&x, &y)?;
/// // A handful of iterations to a gradient at rounding level.
/// assert!(model.report().converged() && model.report().iterations <= 10);
/// # Ok::<(), logreg::Error>(())
/// ```
///
/// # Requirements on the problem
/// [`Objective::value_grad`] and [`Objective::hessian`]. Parameters listed by
/// [`Objective::redundant_params`] are held fixed (the softmax's spare class).
///
/// # References
/// - C. M. Bishop, *Pattern Recognition and Machine Learning*, 2006, §4.3.3 (IRLS).
/// - J. Nocedal and S. J. Wright, *Numerical Optimization*, 2nd ed., 2006,
///   §3.1 (Armijo backtracking) and §3.4 (Newton with Hessian modification).
/// - C. T. Kelley, *Iterative Methods for Linear and Nonlinear Equations*,
///   SIAM, 1995, §5.4 (the chord method and Shamanskii's method).
#[derive(Debug, Clone, Copy, Default)]
#[non_exhaustive]
pub struct Newton {}

impl Newton {
    /// Newton with the crate's line search (σ = 2⁻¹¹, halving, ≤ 21 tries).
    ///
    /// ```
    /// use logreg::objective::BinaryLogistic;
    /// use logreg::solver::{Newton, NoObserver, Solver, StopRule};
    /// use ndarray::{array, Array1};
    /// let x = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]];
    /// let y = array![0.0, 0.0, 1.0, 1.0];
    /// let objective = BinaryLogistic::new(x.view(), y, None, 0.1, true)?;
    /// let newton = Newton::new();
    /// assert_eq!(Solver::<f64>::name(&newton), "newton");
    /// let stop = StopRule::new(1e-12, 50)?;
    /// let solution = newton.minimize(&objective, Array1::zeros(3), &stop, &mut NoObserver)?;
    /// assert!(solution.report.converged() && solution.report.iterations <= 10);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn new() -> Self {
        Self {}
    }
}

impl<F: Float> Solver<F> for Newton {
    fn name(&self) -> &'static str {
        "newton"
    }

    fn minimize(
        &self,
        objective: &dyn Objective<F>,
        start: Array1<F>,
        stop: &StopRule<F>,
        observer: &mut dyn Observer<F>,
    ) -> Result<Solution<F>> {
        check_smooth_start("newton", objective, &start)?;
        let armijo = Armijo::<F>::default();
        let redundant = objective.redundant_params();
        let mut point = Point::evaluate(objective, start);
        let mut iterations = 0;
        // Half the decrement of the last step taken (none before the first).
        let mut last_half_decrement = None;
        // With chord steps: the matrix of the last step's solve and max |∇f|
        // where it was taken.
        let mut last_solve: Option<(Array2<F>, F)> = None;
        let reuse_ratio = reuse_ratio(objective);
        let termination = loop {
            let grad_max = match stop.observe_point(&point, iterations, observer) {
                Ok(grad_max) => grad_max,
                Err(termination) => break termination,
            };
            if let Some(last) = last_half_decrement {
                let converged = grad_max <= stop.tol() && last <= stop.tol();
                if let Err(termination) = stop.test(converged, iterations) {
                    break termination;
                }
            }
            let chord = last_solve
                .take()
                .filter(|(_, before)| reuse_ratio.is_some_and(|r| grad_max <= *before * r))
                .and_then(|(matrix, _)| {
                    let direction = chord_direction(&matrix, &point, &redundant)?;
                    Some((direction, Some(matrix)))
                });
            // The decrement needs the direction: computed between the observer
            // and the stop tests.
            let (direction, matrix) =
                chord.unwrap_or_else(|| newton_direction(objective, &point, &redundant));
            last_solve = matrix
                .filter(|_| reuse_ratio.is_some())
                .map(|matrix| (matrix, grad_max));
            let half_decrement = -point.grad.dot(&direction) * F::from_f64_lossy(0.5);
            let converged = grad_max <= stop.tol() && half_decrement <= stop.tol();
            if let Err(termination) = stop.test(converged, iterations) {
                break termination;
            }
            let ray = Ray::new(objective, &point, &direction);
            match ray.and_then(|ray| armijo.search(ray, F::one())) {
                Some((next, _)) => {
                    point = next;
                    last_half_decrement = Some(half_decrement);
                }
                // No representable progress is left: the gradient test decides.
                // The decrement test fails here in practice only when tol lies
                // below what rounding lets the decrement reach (the search
                // fails when the decrease it predicts, about the decrement,
                // is below the objective's last bits), while
                // max |∇f| ≤ tol holds at the returned point: converged, in the
                // sense every solver's report uses.
                None if grad_max <= stop.tol() => break Termination::Converged,
                None => break Termination::LineSearchFailed,
            }
            iterations += 1;
        };
        Ok(Solution::at(point, iterations, termination))
    }
}

/// Levenberg–Marquardt shifts tried before the scaled gradient step.
const SHIFTS: usize = 19;

/// The largest ratio of max |∇f| after a step to that before it for which
/// the step's matrix is used again (a chord step) instead of a new Hessian;
/// `None` for no chord steps.
///
/// Near the optimum a Newton step from x₀ shrinks the gradient by a factor
/// r ≈ ½L‖Δx‖ (L the Hessian's Lipschitz constant in the Newton metric), and
/// a chord step with H(x₀) from x₁ by about ‖H(x₀)⁻¹(H(x₁) − H(x₀))‖ ≈ 2r,
/// for one evaluation (O(n·p)) where a Newton step would add an O(n·p²)
/// Hessian. But a chord step converges linearly: it ends a fit just inside
/// tol, where a Newton step overshoots far inside it.
///
/// - Only where a Hessian costs enough (n·p² ≥ 1e8, a few milliseconds) for
///   an evaluation saved to matter. When small fits took them, fits at tol
///   1e-10 ran chains of chord steps whose objective changes were at
///   rounding level, and fits compared at 1e-12 in tests/chunked.rs parted.
/// - r ≤ 1/5 on in-memory binary objectives. Binary 1e5 × 100 at tol 1e-6:
///   2 Hessians and 6 evaluations (67–75 ms) against 3 and 5 at r ≤ 1/20
///   (82–94 ms) and 4 and 5 without chord steps; 1e6 × 100: 2 Hessians
///   against 3 (716–747 against 740–765 ms).
/// - r ≤ 1/20 on the others (softmax, chunked, user-defined). At 1/5 the
///   unstandardized 10-class digits fit at tol 1e-10 ended 2.0e-6 from the
///   tol-1e-13 optimum in one intercept, against 4.7e-8 at 1/20
///   (python/tests/test_parity.py, issue 21's sixth round).
fn reuse_ratio<F: Float>(objective: &dyn Objective<F>) -> Option<F> {
    let p = objective.n_params() as f64;
    if (objective.n_samples() as f64) * p * p < 1e8 {
        return None;
    }
    let binary = objective.as_rows().is_some_and(|rows| rows.outputs() == 1);
    Some(F::from_f64_lossy(if binary { 0.2 } else { 0.05 }))
}

/// The Newton direction from a new Hessian, and the matrix it was solved
/// with (none when it fell back to a scaled gradient step).
fn newton_direction<F: Float>(
    objective: &dyn Objective<F>,
    point: &Point<F>,
    redundant: &[usize],
) -> (Array1<F>, Option<Array2<F>>) {
    let mut hess = objective.hessian(point.params.view());
    for &r in redundant {
        hess.row_mut(r).fill(F::zero());
        hess.column_mut(r).fill(F::zero());
        hess[(r, r)] = F::one();
    }
    solve_regularized(hess, newton_rhs(point, redundant))
}

/// A chord step: the direction from the matrix of an earlier step (none if
/// it no longer factors).
fn chord_direction<F: Float>(
    matrix: &Array2<F>,
    point: &Point<F>,
    redundant: &[usize],
) -> Option<Array1<F>> {
    F::cholesky_solve(matrix.view(), newton_rhs(point, redundant).view())
}

/// −∇f with the redundant parameters' entries zero.
fn newton_rhs<F: Float>(point: &Point<F>, redundant: &[usize]) -> Array1<F> {
    let mut rhs = point.grad.mapv(|g| -g);
    for &r in redundant {
        rhs[r] = F::zero();
    }
    rhs
}

/// Solves H·p = rhs, regularizing H when it is not positive definite (see
/// [`Newton`]); returns the matrix that was factored, if any.
fn solve_regularized<F: Float>(hess: Array2<F>, rhs: Array1<F>) -> (Array1<F>, Option<Array2<F>>) {
    if let Some(direction) = F::cholesky_solve(hess.view(), rhs.view()) {
        return (direction, Some(hess));
    }
    let scale = hess.diag().fold(F::one(), |m, &v| m.max(v.abs()));
    if !scale.is_finite() {
        // The curvature overflowed (features near the largest float): no
        // shift can help. A unit steepest-descent step lets the line search
        // decide whether any progress is representable.
        let size = rhs.fold(F::one(), |m, &g| m.max(g.abs()));
        return (rhs.mapv(|g| g / size), None);
    }
    // τ from √ε·scale up to about 1e10·scale in factors of ten: a bounded
    // count, since 1e10·scale itself can overflow (scale near the largest
    // float), and a loop on `τ ≤ limit` then never ended.
    let mut tau = F::epsilon().sqrt() * scale;
    for _ in 0..SHIFTS {
        if !tau.is_finite() {
            break;
        }
        let shifted: Array2<F> = &hess + &(Array2::eye(hess.nrows()) * tau);
        if let Some(direction) = F::cholesky_solve(shifted.view(), rhs.view()) {
            return (direction, Some(shifted));
        }
        tau *= F::from_f64_lossy(10.0);
    }
    (rhs.mapv(|g| g / scale), None)
}
