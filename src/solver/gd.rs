//! Full-batch gradient descent.

use super::{
    Armijo, Observer, Point, Ray, Solution, Solver, StopRule, Termination, check_smooth_start,
};
use crate::objective::Objective;
use crate::{Error, Float, Result};
use ndarray::Array1;

/// Batch gradient descent: x ← x − η·∇f(x) over the whole data set.
///
/// Settings: `learning_rate(η)` for a fixed step (finite and > 0, checked by
/// [`minimize`](Solver::minimize)), or (the default) a backtracking Armijo
/// line search (the crate's shared one: σ = 2⁻¹¹, halving, here up to 60
/// times for badly scaled features) whose first trial is 1 and then twice
/// the previous accepted step, so the step adapts to the curvature without
/// tuning. Stops when max |∇f| ≤ tol; the observer sees the start and every
/// iteration. A fixed step that is too large diverges: the fit then ends
/// with [`Termination::MaxIterations`], or with
/// [`Termination::NumericalFailure`] at the last finite point, never a
/// panic. The line search ends the
/// fit with [`Termination::LineSearchFailed`] only when no step decreases the
/// objective (in practice: the optimum is reached to rounding before `tol`).
///
/// Slow on ill-conditioned problems (iterations grow with the condition
/// number): a teaching and baseline solver; prefer [`Newton`](super::Newton)
/// or [`Lbfgs`](super::Lbfgs) for real work.
///
/// # Requirements on the problem
/// [`Objective::value_grad`] only.
///
/// # References
/// - A. Cauchy, "Méthode générale pour la résolution des systèmes
///   d'équations simultanées", 1847.
/// - L. Armijo, "Minimization of functions having Lipschitz continuous first
///   partial derivatives", *Pacific J. Math.* 16, 1966.
/// - J. Nocedal and S. J. Wright, *Numerical Optimization*, 2nd ed., 2006, §3.1.
///
/// ```
/// use logreg::objective::BinaryLogistic;
/// use logreg::solver::{GradientDescent, NoObserver, Solver, StopRule};
/// use ndarray::{array, Array1};
/// let x = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]];
/// let y = array![0.0, 0.0, 1.0, 1.0];
/// let objective = BinaryLogistic::new(x.view(), y, None, 0.1, true)?;
/// let stop = StopRule::new(1e-8, 10_000)?;
/// let solver: Box<dyn Solver<f64>> = Box::new(GradientDescent::new());
/// let solution = solver.minimize(&objective, Array1::zeros(3), &stop, &mut NoObserver)?;
/// assert!(solution.report.converged());
/// let fixed = GradientDescent::new().learning_rate(1.0);
/// let solution = fixed.minimize(&objective, Array1::zeros(3), &stop, &mut NoObserver)?;
/// assert!(solution.report.converged());
/// # Ok::<(), logreg::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct GradientDescent<F> {
    learning_rate: Option<F>,
}

impl<F: Float> GradientDescent<F> {
    /// Gradient descent with a backtracking line search.
    ///
    /// ```
    /// use logreg::objective::BinaryLogistic;
    /// use logreg::solver::{GradientDescent, NoObserver, Solver, StopRule};
    /// use ndarray::{array, Array1};
    /// let x = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]];
    /// let y = array![0.0, 0.0, 1.0, 1.0];
    /// let objective = BinaryLogistic::new(x.view(), y, None, 0.1, true)?;
    /// let stop = StopRule::new(1e-6, 1000)?;
    /// // The line search finds steps that work; a fixed step of 50 is far too long here.
    /// let gd = GradientDescent::new();
    /// let searched = gd.minimize(&objective, Array1::zeros(3), &stop, &mut NoObserver)?;
    /// assert!(searched.report.converged());
    /// let fixed = GradientDescent::new().learning_rate(50.0);
    /// let diverged = fixed.minimize(&objective, Array1::zeros(3), &stop, &mut NoObserver)?;
    /// assert!(!diverged.report.converged());
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn new() -> Self {
        Self {
            learning_rate: None,
        }
    }

    /// A fixed step η (> 0) instead of the line search.
    ///
    /// ```
    /// use logreg::objective::BinaryLogistic;
    /// use logreg::solver::{GradientDescent, NoObserver, Solver, StopRule};
    /// use ndarray::{array, Array1};
    /// let x = array![[0.0_f64], [1.0], [2.0], [3.0]];
    /// let objective = BinaryLogistic::new(x.view(), array![0.0, 0.0, 1.0, 1.0], None, 0.0, true)?;
    /// // At zero, ∇f = Xᵀ(½ − y)/n = [−0.5, 0]: one step of η = 2 lands on [1, 0].
    /// let one_step = StopRule::new(1e-12, 1)?;
    /// let gd = GradientDescent::new().learning_rate(2.0);
    /// let solution = gd.minimize(&objective, Array1::zeros(2), &one_step, &mut NoObserver)?;
    /// assert!((&solution.params - &array![1.0, 0.0]).iter().all(|d| d.abs() < 1e-15));
    /// let zero = GradientDescent::new().learning_rate(0.0);
    /// assert!(zero.minimize(&objective, Array1::zeros(2), &one_step, &mut NoObserver).is_err());
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn learning_rate(mut self, learning_rate: F) -> Self {
        self.learning_rate = Some(learning_rate);
        self
    }
}

impl<F: Float> Solver<F> for GradientDescent<F> {
    fn name(&self) -> &'static str {
        "gd"
    }

    fn minimize(
        &self,
        objective: &dyn Objective<F>,
        start: Array1<F>,
        stop: &StopRule<F>,
        observer: &mut dyn Observer<F>,
    ) -> Result<Solution<F>> {
        if let Some(rate) = self.learning_rate {
            if !(rate.is_finite() && rate > F::zero()) {
                return Err(Error::invalid(
                    "learning_rate",
                    rate,
                    "must be finite and > 0",
                ));
            }
        }
        check_smooth_start("gd", objective, &start)?;
        // Patient: the first search may start many orders of magnitude too
        // long on badly scaled features; later ones start near the last step.
        let armijo = Armijo::<F> {
            max_halvings: 60,
            ..Armijo::default()
        };
        let mut step = F::one();
        let mut point = Point::evaluate(objective, start);
        let mut direction = Array1::zeros(point.grad.len());
        let mut trial = point.clone();
        let mut iterations = 0;
        let termination = loop {
            if let Err(termination) = stop.checkpoint(&point, iterations, observer) {
                break termination;
            }
            match self.learning_rate {
                Some(rate) => {
                    trial.params.assign(&point.params);
                    trial.params.scaled_add(-rate, &point.grad);
                    trial.value = objective.value_grad(trial.params.view(), trial.grad.view_mut());
                    if !trial.is_finite() {
                        break Termination::NumericalFailure;
                    }
                    std::mem::swap(&mut point, &mut trial);
                }
                None => {
                    direction.zip_mut_with(&point.grad, |d, &g| *d = -g);
                    let ray = Ray::new(objective, &point, &direction);
                    match ray.and_then(|ray| armijo.search(ray, step)) {
                        Some((next, accepted)) => {
                            step = accepted * F::from_f64_lossy(2.0);
                            point = next;
                        }
                        None => break Termination::LineSearchFailed,
                    }
                }
            }
            iterations += 1;
        };
        Ok(Solution::at(point, iterations, termination))
    }
}
