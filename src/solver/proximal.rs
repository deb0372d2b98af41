//! The non-smooth L1 term λ₁·‖p[..m]‖₁ that [`CoordinateDescent`](super::CoordinateDescent)
//! and [`Fista`](super::Fista) add to an objective's smooth part.

use super::{FitReport, Observer, Point, StopRule, Termination};
use crate::objective::Objective;
use crate::validate::check_params;
use crate::{Float, Result};
use ndarray::Array1;

/// λ₁ and the number m of leading parameters it applies to.
#[derive(Debug, Clone, Copy)]
pub(crate) struct L1Term<F> {
    pub lambda: F,
    pub n_penalized: usize,
}

impl<F: Float> L1Term<F> {
    pub fn of(objective: &dyn Objective<F>) -> Self {
        Self {
            lambda: objective.l1_penalty(),
            // A user objective could claim more than it has.
            n_penalized: objective.n_penalized().min(objective.n_params()),
        }
    }

    /// The start of a composite fit: checks `start` (the objective's length,
    /// finite), reads the objective's L1 term and evaluates the start point.
    pub fn start(objective: &dyn Objective<F>, start: Array1<F>) -> Result<(Self, Point<F>)> {
        check_params(objective.n_params(), start.view())?;
        Ok((Self::of(objective), Point::evaluate(objective, start)))
    }

    /// Whether parameter `j` carries the L1 term.
    pub fn covers(&self, j: usize) -> bool {
        j < self.n_penalized && self.lambda > F::zero()
    }

    /// λ₁·‖p[..m]‖₁.
    pub fn value(&self, params: &Array1<F>) -> F {
        crate::objective::l1_value(self.lambda, self.n_penalized, params.view())
    }

    /// λ₁·(‖p + δ‖₁ − ‖p‖₁), summed term by term so that a tiny δ is not
    /// lost in the rounding of two large norms; where p and p + δ share a
    /// sign the term is sign(p)·δ exactly (|p + δ| − |p| would carry the
    /// rounding of p, far above δ's own size near an optimum).
    pub fn change(&self, params: &Array1<F>, delta: &Array1<F>) -> F {
        params
            .iter()
            .zip(delta)
            .take(self.n_penalized)
            .fold(F::zero(), |sum, (&p, &d)| {
                let after = p + d;
                let term = if p != F::zero()
                    && (after > F::zero()) == (p > F::zero())
                    && after != F::zero()
                {
                    p.signum() * d
                } else {
                    after.abs() - p.abs()
                };
                sum + term
            })
            * self.lambda
    }

    /// The smooth value plus the L1 term: what these solvers minimize.
    pub fn total(&self, point: &Point<F>) -> F {
        point.value + self.value(&point.params)
    }

    /// The largest entry of the minimum-norm subgradient: |gⱼ + λ₁·sign(pⱼ)|
    /// where pⱼ ≠ 0, max(|gⱼ| − λ₁, 0) where pⱼ = 0, |gⱼ| off the penalty.
    /// Zero exactly at a minimizer; the composite counterpart of max |∇f|.
    pub fn optimality(&self, point: &Point<F>) -> F {
        point
            .params
            .iter()
            .zip(&point.grad)
            .enumerate()
            .map(|(j, (&p, &g))| {
                if !self.covers(j) {
                    g.abs()
                } else if p > F::zero() {
                    (g + self.lambda).abs()
                } else if p < F::zero() {
                    (g - self.lambda).abs()
                } else {
                    (g.abs() - self.lambda).max(F::zero())
                }
            })
            .fold(F::zero(), F::max)
    }

    /// The proximal map of step·λ₁·‖·‖₁: soft-thresholds the penalized entries.
    pub fn prox(&self, params: &mut Array1<F>, step: F) {
        let threshold = step * self.lambda;
        for (j, p) in params.iter_mut().enumerate() {
            if self.covers(j) {
                *p = soft_threshold(*p, threshold);
            }
        }
    }

    /// The start of every iteration of a composite solver: the optimality
    /// at `point` (its minimum-norm subgradient), or why to stop — a
    /// non-finite point, the observer, convergence or `max_iter`.
    pub fn checkpoint(
        &self,
        point: &Point<F>,
        iterations: usize,
        stop: &StopRule<F>,
        observer: &mut dyn Observer<F>,
    ) -> Result<F, Termination> {
        let total = self.total(point);
        if !(total.is_finite() && point.is_finite()) {
            return Err(Termination::NumericalFailure);
        }
        let optimality = self.optimality(point);
        super::checkpoint::observe(observer, iterations, total, optimality)?;
        stop.test(optimality <= stop.tol(), iterations)?;
        Ok(optimality)
    }

    /// The report of a composite fit ending at `point`.
    pub fn report(
        &self,
        point: &Point<F>,
        iterations: usize,
        termination: Termination,
    ) -> FitReport<F> {
        FitReport::new(
            iterations,
            self.total(point),
            self.optimality(point),
            termination,
        )
    }
}

/// sign(z)·max(|z| − t, 0).
pub(crate) fn soft_threshold<F: Float>(z: F, t: F) -> F {
    if z > t {
        z - t
    } else if z < -t {
        z + t
    } else {
        F::zero()
    }
}
