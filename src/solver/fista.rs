//! Accelerated proximal gradient (FISTA) with backtracking and restarts.

use super::proximal::L1Term;
use super::{Observer, Point, Solution, Solver, StopRule, Termination};
use crate::objective::Objective;
use crate::{Float, Result};
use ndarray::Array1;

/// FISTA: accelerated proximal gradient for L1 and elastic-net penalties
/// (also plain L2 or none), with gradients only.
///
/// Each iteration takes a gradient step of length 1/L from an extrapolated
/// point y and soft-thresholds the penalized coordinates, with L found by
/// backtracking on the smooth part's quadratic upper bound (L doubles until
/// the bound holds, then shrinks by 10% per iteration so it can follow the
/// local curvature). The momentum restarts (O'Donoghue and Candès's gradient
/// scheme) whenever it points against the step just taken, which keeps the
/// method fast on strongly convex problems without comparing objective
/// values, whose rounding hides the last digits of progress.
///
/// Needs only [`Objective::value_grad`], so it scales to many parameters
/// (wide or multinomial problems) where [`CoordinateDescent`](super::CoordinateDescent)'s
/// Hessian would not fit; it converges linearly, so high accuracy costs more
/// iterations. Stops on the same minimum-norm subgradient as
/// `CoordinateDescent`.
///
/// ```
/// use logreg::{LogisticRegression, Multiclass, Penalty};
/// use logreg::solver::Fista;
/// use ndarray::array;
/// let x = array![[0.0_f64, 0.3], [1.0, -0.2], [2.0, 0.1], [3.0, 0.4], [4.0, -0.3], [5.0, 0.0]];
/// let y = array![0, 0, 1, 0, 2, 2];
/// let model = LogisticRegression::new()
///     .solver(Fista::new())
///     .penalty(Penalty::L1)
///     .multiclass(Multiclass::Multinomial)
///     .c(0.5)
///     .tol(1e-8)
///     .max_iter(10_000)
///     .fit(&x, &y)?;
/// assert!(model.report().converged());
/// assert_eq!(model.coef().column(1).iter().filter(|&&w| w == 0.0).count(), 3);
/// # Ok::<(), logreg::Error>(())
/// ```
///
/// # Requirements on the problem
/// [`Objective::value_grad`]; [`Objective::l1_penalty`] and
/// [`Objective::n_penalized`] for the L1 term.
///
/// # References
/// - A. Beck and M. Teboulle, "A fast iterative shrinkage-thresholding
///   algorithm for linear inverse problems", *SIAM J. Imaging Sci.* 2, 2009.
/// - B. O'Donoghue and E. Candès, "Adaptive restart for accelerated gradient
///   schemes", *Found. Comput. Math.* 15, 2015.
#[derive(Debug, Clone, Copy, Default)]
#[non_exhaustive]
pub struct Fista {}

/// Doublings of L before the backtracking gives up.
const MAX_DOUBLINGS: usize = 200;

impl Fista {
    /// FISTA from L = 1, with backtracking and adaptive restarts.
    ///
    /// ```
    /// use logreg::solver::{Fista, Solver};
    /// assert_eq!(Solver::<f64>::name(&Fista::new()), "fista");
    /// ```
    pub fn new() -> Self {
        Self {}
    }
}

impl<F: Float> Solver<F> for Fista {
    fn name(&self) -> &'static str {
        "fista"
    }

    fn minimize(
        &self,
        objective: &dyn Objective<F>,
        start: Array1<F>,
        stop: &StopRule<F>,
        observer: &mut dyn Observer<F>,
    ) -> Result<Solution<F>> {
        let (l1, mut x) = L1Term::start(objective, start)?;
        let half = F::from_f64_lossy(0.5);
        let mut y = x.clone();
        let mut lipschitz = F::one();
        let mut momentum = F::one();
        let mut iterations = 0;
        let termination = 'outer: loop {
            if let Err(termination) = l1.checkpoint(&x, iterations, stop, observer) {
                break termination;
            }
            iterations += 1;
            // Backtracking: the smallest tried L whose quadratic bound holds at the prox point.
            let mut doublings = 0;
            let next = loop {
                let step = lipschitz.recip();
                let mut trial = y.params.clone();
                trial.scaled_add(-step, &y.grad);
                l1.prox(&mut trial, step);
                let candidate = Point::evaluate(objective, trial);
                let moved = &candidate.params - &y.params;
                let bound = y.value + y.grad.dot(&moved) + half * lipschitz * moved.dot(&moved);
                // Rounding in the value can exceed a bound this tight near the optimum.
                let slack = F::epsilon() * F::from_f64_lossy(16.0) * y.value.abs();
                if candidate.value <= bound + slack {
                    break candidate;
                }
                lipschitz = lipschitz + lipschitz;
                doublings += 1;
                if doublings > MAX_DOUBLINGS || !lipschitz.is_finite() {
                    break 'outer Termination::LineSearchFailed;
                }
            };
            // Restart when the momentum points against the step just taken.
            let uphill = (&y.params - &next.params).dot(&(&next.params - &x.params)) > F::zero();
            let (beta, following) = if uphill {
                (F::zero(), F::one())
            } else {
                let following = half
                    * (F::one() + (F::one() + F::from_f64_lossy(4.0) * momentum * momentum).sqrt());
                ((momentum - F::one()) / following, following)
            };
            let extrapolated = &next.params + &((&next.params - &x.params) * beta);
            x = next;
            momentum = following;
            y = if beta == F::zero() {
                x.clone()
            } else {
                Point::evaluate(objective, extrapolated)
            };
            lipschitz *= F::from_f64_lossy(0.9);
        };
        let report = l1.report(&x, iterations, termination);
        Ok(Solution {
            params: x.params,
            report,
        })
    }
}
