//! Limited-memory BFGS.

use super::wolfe::StrongWolfe;
use super::{
    Armijo, Control, Observer, Point, Progress, Solution, Solver, StopRule, Termination, max_abs,
};
use crate::objective::{Objective, check_params};
use crate::{Error, Float, Result};
use ndarray::Array1;
use std::collections::VecDeque;

/// Limited-memory BFGS: a quasi-Newton method that builds an approximation
/// of the inverse Hessian from the last `memory` steps and gradient changes
/// (two-loop recursion, initial scaling γ = sᵀy/yᵀy), with a line search
/// that satisfies the strong Wolfe conditions (bracketing and zoom with cubic
/// interpolation, Nocedal & Wright Algorithms 3.5–3.6, c₁ = 1e-4, c₂ = 0.9).
///
/// Memory cost O(memory · p) and one gradient per line-search trial, so it
/// suits many parameters (wide or many-class problems) where Newton's
/// O(p³) factorization is too expensive.
///
/// Robustness: when the two-loop direction is not a descent direction, or
/// the line search along it fails, the memory is reset and a steepest-descent
/// step is tried instead of failing (the failure linfa issue #334 reports);
/// pairs with too little curvature (sᵀy ≤ ε‖s‖‖y‖) are skipped. Only when the
/// steepest-descent search fails too (Wolfe, then Armijo backtracking) does
/// the fit report
/// [`Termination::LineSearchFailed`].
///
/// Settings: `memory` (default 10, ≥ 1). Stops when max |∇f| ≤ tol.
///
/// # Requirements on the problem
/// [`Objective::value_grad`] only.
///
/// # References
/// - J. Nocedal and S. J. Wright, *Numerical Optimization*, 2nd ed., 2006,
///   Algorithm 7.4 (two-loop recursion), Algorithm 7.5 (L-BFGS), §3.5 (line search).
/// - D. C. Liu and J. Nocedal, "On the limited memory BFGS method for large
///   scale optimization", *Mathematical Programming* 45, 1989.
///
/// ```
/// use logreg::objective::BinaryLogistic;
/// use logreg::solver::{Lbfgs, NoObserver, Solver, StopRule};
/// use ndarray::{array, Array1};
/// let x = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]];
/// let y = array![0.0, 0.0, 1.0, 1.0];
/// let objective = BinaryLogistic::new(x.view(), y, None, 0.1, true)?;
/// let stop = StopRule::new(1e-10, 200)?;
/// let solution = Lbfgs::new().minimize(&objective, Array1::zeros(3), &stop, &mut NoObserver)?;
/// assert!(solution.report.converged());
/// # Ok::<(), logreg::Error>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Lbfgs {
    memory: usize,
}

impl Default for Lbfgs {
    fn default() -> Self {
        Self { memory: 10 }
    }
}

impl Lbfgs {
    /// L-BFGS with memory 10.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of (s, y) pairs kept (≥ 1; default 10).
    pub fn memory(mut self, memory: usize) -> Self {
        self.memory = memory;
        self
    }
}

/// The (s, y) pairs and the two-loop recursion.
struct Memory<F> {
    pairs: VecDeque<(Array1<F>, Array1<F>, F)>,
    capacity: usize,
    /// The latest curvature scale sᵀy/yᵀy; it survives a reset and sizes the
    /// first steepest-descent step, where 1/max|g| can be many orders of
    /// magnitude too long on badly scaled features.
    step_scale: Option<F>,
}

impl<F: Float> Memory<F> {
    fn push(&mut self, s: Array1<F>, y: Array1<F>) {
        let sy = s.dot(&y);
        let scale = s.dot(&s).sqrt() * y.dot(&y).sqrt();
        // Too little curvature to keep H positive definite: skip the pair.
        if sy.is_nan() || sy <= F::epsilon() * scale {
            return;
        }
        self.step_scale = Some(sy / y.dot(&y));
        if self.pairs.len() == self.capacity {
            self.pairs.pop_front();
        }
        self.pairs.push_back((s, y, sy.recip()));
    }

    /// −H·g by the two-loop recursion.
    fn direction(&self, grad: &Array1<F>) -> Array1<F> {
        let mut q = grad.clone();
        let mut alphas = Vec::with_capacity(self.pairs.len());
        for (s, y, rho) in self.pairs.iter().rev() {
            let a = *rho * s.dot(&q);
            q.scaled_add(-a, y);
            alphas.push(a);
        }
        if let Some((s, y, _)) = self.pairs.back() {
            let gamma = s.dot(y) / y.dot(y);
            q.mapv_inplace(|v| v * gamma);
        }
        for ((s, y, rho), a) in self.pairs.iter().zip(alphas.into_iter().rev()) {
            let b = *rho * y.dot(&q);
            q.scaled_add(a - b, s);
        }
        q.mapv_inplace(|v| -v);
        q
    }
}

impl<F: Float> Solver<F> for Lbfgs {
    fn name(&self) -> &'static str {
        "lbfgs"
    }

    fn minimize(
        &self,
        objective: &dyn Objective<F>,
        start: Array1<F>,
        stop: &StopRule<F>,
        observer: &mut dyn Observer<F>,
    ) -> Result<Solution<F>> {
        if self.memory == 0 {
            return Err(Error::invalid("memory", self.memory, "must be ≥ 1"));
        }
        check_params(objective.n_params(), start.view())?;
        let wolfe = StrongWolfe::<F>::default();
        let mut memory = Memory {
            pairs: VecDeque::with_capacity(self.memory),
            capacity: self.memory,
            step_scale: None,
        };
        let mut point = Point::evaluate(objective, start);
        let mut iterations = 0;
        let termination = loop {
            if !point.is_finite() {
                break Termination::NumericalFailure;
            }
            let grad_max = max_abs(&point.grad);
            let progress = Progress {
                iteration: iterations,
                objective: point.value,
                grad_max,
            };
            if grad_max <= stop.tol() {
                break Termination::Converged;
            }
            if observer.observe(&progress) == Control::Stop {
                break Termination::StoppedByObserver;
            }
            if iterations == stop.max_iter() {
                break Termination::MaxIterations;
            }
            let next = self.step(objective, &wolfe, &mut memory, &point, grad_max);
            let Some(next) = next else {
                break Termination::LineSearchFailed;
            };
            memory.push(&next.params - &point.params, &next.grad - &point.grad);
            point = next;
            iterations += 1;
        };
        Ok(Solution::at(point, iterations, termination))
    }
}

impl Lbfgs {
    /// One line search along the quasi-Newton direction, falling back to
    /// steepest descent from a reset memory.
    fn step<F: Float>(
        &self,
        objective: &dyn Objective<F>,
        wolfe: &StrongWolfe<F>,
        memory: &mut Memory<F>,
        point: &Point<F>,
        grad_max: F,
    ) -> Option<Point<F>> {
        if !memory.pairs.is_empty() {
            let direction = memory.direction(&point.grad);
            if direction.dot(&point.grad) < F::zero() {
                if let Some(next) = wolfe.search(objective, point, &direction, F::one()) {
                    return Some(next);
                }
            }
            memory.pairs.clear();
        }
        // Steepest descent, first step from the last curvature scale, or of
        // unit length in the largest coordinate.
        let direction = point.grad.mapv(|g| -g);
        let step = memory
            .step_scale
            .unwrap_or_else(|| grad_max.recip().min(F::one()));
        wolfe
            .search(objective, point, &direction, step)
            .or_else(|| {
                // Near the optimum of a badly scaled problem the Wolfe conditions
                // can drown in rounding; Armijo's rounding-aware test (value within
                // rounding, gradient smaller) still makes progress.
                let patient = Armijo {
                    max_halvings: 60,
                    ..Armijo::default()
                };
                patient
                    .search(objective, point, &direction, step)
                    .map(|(next, _)| next)
            })
    }
}
