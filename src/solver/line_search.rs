//! The points and rays the line searches share, and the backtracking
//! (Armijo) line search of the solvers that need one.

use crate::Float;
use crate::objective::Objective;
use ndarray::Array1;

/// A point with its objective value and gradient.
#[derive(Debug, Clone)]
pub(crate) struct Point<F> {
    pub params: Array1<F>,
    pub value: F,
    pub grad: Array1<F>,
}

impl<F: Float> Point<F> {
    /// `params` with the objective's value and gradient there, from one `value_grad` pass.
    ///
    /// ```
    /// // Crate-internal; seen from outside in every solver's report, which holds the
    /// // value and max |gradient| of one evaluation at the returned parameters.
    /// use logreg::objective::{BinaryLogistic, Objective};
    /// use logreg::solver::{Lbfgs, NoObserver, Solver, StopRule};
    /// use ndarray::{array, Array1};
    /// let x = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]];
    /// let y = array![0.0, 0.0, 1.0, 1.0];
    /// let objective = BinaryLogistic::new(x.view(), y, None, 0.1, true)?;
    /// let stop = StopRule::new(1e-8, 100)?;
    /// let solution = Lbfgs::new().minimize(&objective, Array1::zeros(3), &stop, &mut NoObserver)?;
    /// let mut grad = Array1::zeros(3);
    /// let value = objective.value_grad(solution.params.view(), grad.view_mut());
    /// assert_eq!(solution.report.objective, value);
    /// assert_eq!(solution.report.grad_max, grad.fold(0.0_f64, |m, g| m.max(g.abs())));
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn evaluate(objective: &dyn Objective<F>, params: Array1<F>) -> Self {
        let mut grad = Array1::zeros(params.len());
        let value = objective.value_grad(params.view(), grad.view_mut());
        Self {
            params,
            value,
            grad,
        }
    }

    /// Whether the value and every entry of the gradient are finite.
    ///
    /// ```
    /// // Crate-internal; seen from outside when a fixed step far too long makes the
    /// // iterates overflow: the solver stops at the last point where this held.
    /// use logreg::Termination;
    /// use logreg::objective::BinaryLogistic;
    /// use logreg::solver::{GradientDescent, NoObserver, Solver, StopRule};
    /// use ndarray::{array, Array1};
    /// let x = array![[0.0_f64], [1.0], [2.0], [3.0]];
    /// let objective = BinaryLogistic::new(x.view(), array![0.0, 1.0, 0.0, 1.0], None, 0.0, true)?;
    /// let stop = StopRule::new(1e-8, 100)?;
    /// let huge = GradientDescent::new().learning_rate(1e308);
    /// let solution = huge.minimize(&objective, Array1::zeros(2), &stop, &mut NoObserver)?;
    /// assert_eq!(solution.report.termination, Termination::NumericalFailure);
    /// assert!(solution.params.iter().all(|p| p.is_finite()));
    /// assert!(solution.report.objective.is_finite());
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn is_finite(&self) -> bool {
        self.value.is_finite() && self.grad.iter().all(|g| g.is_finite())
    }
}

/// A search line: `start` and a descent `direction` from it, with what both
/// line searches need to know about the start.
#[derive(Clone, Copy)]
pub(crate) struct Ray<'a, F> {
    objective: &'a dyn Objective<F>,
    pub start: &'a Point<F>,
    pub direction: &'a Array1<F>,
    /// The directional derivative ∇fᵀp at the start (< 0).
    pub slope: F,
    /// How far f may rise by rounding alone near the start: 16ε·|f|.
    pub rounding: F,
}

impl<'a, F: Float> Ray<'a, F> {
    /// The ray from `start` along `direction`; `None` when `direction` is
    /// not a descent direction there (a NaN slope included).
    pub fn new(
        objective: &'a dyn Objective<F>,
        start: &'a Point<F>,
        direction: &'a Array1<F>,
    ) -> Option<Self> {
        let slope = start.grad.dot(direction);
        if slope.is_nan() || slope >= F::zero() {
            return None;
        }
        Some(Self {
            objective,
            start,
            direction,
            slope,
            rounding: F::from_f64_lossy(16.0) * F::epsilon() * start.value.abs(),
        })
    }

    /// The point start + step·direction, evaluated.
    pub fn at(&self, step: F) -> Point<F> {
        let mut params = self.start.params.clone();
        params.scaled_add(step, self.direction);
        Point::evaluate(self.objective, params)
    }
}

/// Armijo backtracking: accept step t when f(x + t·p) ≤ f(x) + σ·t·∇fᵀp,
/// halving t otherwise (Nocedal & Wright, *Numerical Optimization*, 2nd ed.,
/// Algorithm 3.1).
///
/// Near the optimum, f(x + t·p) − f(x) drowns in rounding before the gradient
/// is small; a step is then also accepted when the objective did not rise
/// beyond rounding and ‖∇f‖₁ decreased (as scikit-learn's newton-cholesky does).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Armijo<F> {
    /// Sufficient-decrease constant σ.
    pub sigma: F,
    /// Halvings tried before giving up.
    pub max_halvings: usize,
}

impl<F: Float> Default for Armijo<F> {
    fn default() -> Self {
        Self {
            sigma: F::from_f64_lossy(1.0 / 2048.0),
            max_halvings: 21,
        }
    }
}

impl<F: Float> Armijo<F> {
    /// Searches along `ray` with first trial step `step`. Returns the
    /// accepted point and its step, or `None` when no tried step was
    /// acceptable.
    ///
    /// ```
    /// // Crate-internal; seen from outside in gradient descent and Newton, whose
    /// // objective never rises from one iteration to the next.
    /// use logreg::objective::BinaryLogistic;
    /// use logreg::solver::{Control, GradientDescent, Progress, Solver, StopRule};
    /// use ndarray::{array, Array1};
    /// let x = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]];
    /// let y = array![0.0, 0.0, 1.0, 1.0];
    /// let objective = BinaryLogistic::new(x.view(), y, None, 0.1, true)?;
    /// let stop = StopRule::new(1e-8, 1000)?;
    /// let mut values = Vec::new();
    /// let mut record = |p: &Progress<f64>| {
    ///     values.push(p.objective);
    ///     Control::Continue
    /// };
    /// let gd = GradientDescent::new();
    /// let solution = gd.minimize(&objective, Array1::zeros(3), &stop, &mut record)?;
    /// assert!(solution.report.converged());
    /// assert!(values.windows(2).all(|w| w[1] <= w[0] + 1e-15));
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn search(&self, ray: Ray<'_, F>, step: F) -> Option<(Point<F>, F)> {
        let start = ray.start;
        let grad_l1 = start.grad.fold(F::zero(), |s, g| s + g.abs());
        let mut step = step;
        for _ in 0..=self.max_halvings {
            let trial = ray.at(step);
            if trial.is_finite() {
                let decrease = trial.value - start.value;
                if decrease <= self.sigma * step * ray.slope {
                    return Some((trial, step));
                }
                let trial_l1 = trial.grad.fold(F::zero(), |s, g| s + g.abs());
                if decrease <= ray.rounding && trial_l1 < grad_l1 {
                    return Some((trial, step));
                }
            }
            step *= F::from_f64_lossy(0.5);
        }
        None
    }
}
