//! The quadratic model from the objective's dense Hessian: for objectives
//! without row access, whose data the solver cannot read column by column.

use super::{CoordinateModel, L1Term, Point, cycle, soft_threshold};
use crate::Float;
use crate::objective::Objective;
use ndarray::{Array1, Array2};

/// The step δ that minimizes the model gᵀδ + ½δᵀHδ + λ₁‖p + δ‖₁ built from
/// the objective's dense Hessian, by coordinate descent over `coords`.
pub(super) fn hessian_direction<F: Float>(
    objective: &dyn Objective<F>,
    point: &Point<F>,
    l1: &L1Term<F>,
    coords: &[usize],
    tol: F,
    max_sweeps: usize,
) -> Array1<F> {
    let hessian = usable_hessian(objective.hessian(point.params.view()));
    minimize_model(&hessian, point, l1, coords, tol, max_sweeps)
}

/// The Hessian, or the identity when it overflowed (features near the
/// largest floats): a unit proximal-gradient model the line search scales.
fn usable_hessian<F: Float>(hessian: Array2<F>) -> Array2<F> {
    if hessian.iter().all(|h| h.is_finite()) {
        hessian
    } else {
        Array2::eye(hessian.nrows())
    }
}

/// Cyclic coordinate descent on gᵀδ + ½δᵀHδ + λ₁‖p + δ‖₁ from δ = 0 over
/// the coordinates `all`.
fn minimize_model<F: Float>(
    hessian: &Array2<F>,
    at: &Point<F>,
    l1: &L1Term<F>,
    all: &[usize],
    tol: F,
    max_sweeps: usize,
) -> Array1<F> {
    let n = at.params.len();
    let mut model = Model {
        hessian,
        at,
        l1,
        delta: Array1::zeros(n),
        h_delta: Array1::zeros(n),
        // A coordinate with no curvature (a feature that is zero on every
        // row, no L2) gets a tiny one, so its step stays finite.
        curvature_floor: hessian.diag().fold(F::zero(), |m, &h| m.max(h)) * F::epsilon()
            + F::min_positive_value(),
    };
    cycle(&mut model, all, tol, max_sweeps);
    model.delta
}

/// The state of one quadratic model's coordinate descent.
struct Model<'a, F> {
    hessian: &'a Array2<F>,
    at: &'a Point<F>,
    l1: &'a L1Term<F>,
    delta: Array1<F>,
    /// H·δ, updated one column at a time.
    h_delta: Array1<F>,
    curvature_floor: F,
}

impl<F: Float> CoordinateModel<F> for Model<'_, F> {
    fn at_zero_penalized(&self, j: usize) -> bool {
        self.l1.covers(j) && self.at.params[j] + self.delta[j] == F::zero()
    }

    fn sweep(&mut self, coords: &[usize]) -> F {
        let mut largest = F::zero();
        for &j in coords {
            let curvature = self.hessian[(j, j)].max(self.curvature_floor);
            let slope = self.at.grad[j] + self.h_delta[j];
            let old = self.at.params[j] + self.delta[j];
            let newton = old - slope / curvature;
            let new = if self.l1.covers(j) {
                soft_threshold(newton, self.l1.lambda / curvature)
            } else {
                newton
            };
            let change = new - old;
            if change != F::zero() {
                self.delta[j] += change;
                // H is symmetric: its row j is column j, and contiguous.
                self.h_delta.scaled_add(change, &self.hessian.row(j));
                largest = largest.max(change.abs() * curvature);
            }
        }
        largest
    }

    fn violation(&self, coords: &[usize]) -> F {
        coords.iter().fold(F::zero(), |largest, &j| {
            let slope = self.at.grad[j] + self.h_delta[j];
            let value = self.at.params[j] + self.delta[j];
            let v = if !self.l1.covers(j) {
                slope.abs()
            } else if value == F::zero() {
                (slope.abs() - self.l1.lambda).max(F::zero())
            } else {
                (slope + self.l1.lambda * value.signum()).abs()
            };
            largest.max(v)
        })
    }
}
