//! The quadratic model of a logistic objective, minimized coordinate by
//! coordinate from the columns of X and a maintained X·δ: never XᵀWX.
//!
//! For scores ηᵢ (k per row; k = 1 is the binary sigmoid, k > 1 the
//! softmax) with probabilities pᵢ and weight shares sᵢ/S, the data part of
//! the Hessian is Σᵢ (sᵢ/S)·x̃ᵢx̃ᵢᵀ ⊗ (diag(pᵢ) − pᵢpᵢᵀ), plus α on the
//! penalized coefficients. Its product with δ along coordinate (c, j) is
//! Σᵢ xᵢⱼ·qᵢ꜀·((Xδ)ᵢ꜀ − uᵢ) + α·δ꜀ⱼ with qᵢ꜀ = (sᵢ/S)·pᵢ꜀ and
//! uᵢ = Σ꜀ pᵢ꜀·(Xδ)ᵢ꜀, so keeping Xδ (n × k) and u (n) up to date costs one
//! pass over a column per update: O(nnz) per sweep on sparse columns.

use super::columns::{Column, Columns};
use super::{CoordinateModel, soft_threshold};
use crate::Float;
use crate::kernels::{sigmoid, softmax_inplace};
use crate::objective::RowAccess;
use ndarray::{Array1, ArrayView1, ArrayViewMut1};

/// The fixed shape of the problem: what the columns and layout are.
pub(super) struct Shape<F> {
    /// Scores per row (1: sigmoid; k: softmax).
    pub k: usize,
    /// Features.
    pub d: usize,
    /// sᵢ/S per row.
    pub share: Vec<F>,
    /// α on the first `n_penalized` parameters (their Hessian diagonal).
    pub l2: F,
    pub n_penalized: usize,
    /// Which parameters carry λ₁.
    pub l1: F,
}

impl<F: Float> Shape<F> {
    pub fn of(rows: &dyn RowAccess<F>, n_rows: usize, l2: F, l1: F, n_penalized: usize) -> Self {
        Self {
            k: rows.outputs(),
            d: rows.n_features(),
            share: (0..n_rows).map(|i| rows.weight_share(i)).collect(),
            l2,
            n_penalized,
            l1,
        }
    }
}

/// The model at one point, and the state of its coordinate descent.
pub(super) struct ColumnModel<'a, F> {
    columns: &'a Columns<F>,
    shape: &'a Shape<F>,
    grad: ArrayView1<'a, F>,
    params: ArrayView1<'a, F>,
    /// pᵢ꜀ (n × k, row-major).
    prob: Vec<F>,
    /// Binary: (sᵢ/S)·pᵢ(1 − pᵢ); softmax: (sᵢ/S)·pᵢ꜀.
    weight: Vec<F>,
    /// X·δ (n × k, row-major).
    x_delta: Vec<F>,
    /// Σ꜀ pᵢ꜀·(Xδ)ᵢ꜀ (softmax only).
    u: Vec<F>,
    /// The Hessian's diagonal, for the coordinates of the working set.
    curvature: Vec<F>,
    curvature_floor: F,
    delta: Array1<F>,
}

impl<'a, F: Float> ColumnModel<'a, F> {
    /// The model at `params` (gradient `grad`), with curvatures for the
    /// coordinates `working`.
    pub fn at(
        columns: &'a Columns<F>,
        shape: &'a Shape<F>,
        params: ArrayView1<'a, F>,
        grad: ArrayView1<'a, F>,
        working: &[usize],
    ) -> Self {
        let n = columns.n_rows();
        let k = shape.k;
        let mut prob = scores(columns, shape, params);
        let mut weight = vec![F::zero(); n * k];
        if k == 1 {
            for ((p, w), &s) in prob.iter_mut().zip(&mut weight).zip(&shape.share) {
                *p = sigmoid(*p);
                *w = s * *p * (F::one() - *p);
            }
        } else {
            for (i, (row, w)) in prob
                .chunks_exact_mut(k)
                .zip(weight.chunks_exact_mut(k))
                .enumerate()
            {
                softmax_inplace(ArrayViewMut1::from(&mut row[..]));
                for (w, &p) in w.iter_mut().zip(row.iter()) {
                    *w = shape.share[i] * p;
                }
            }
        }
        let mut model = Self {
            columns,
            shape,
            grad,
            params,
            prob,
            weight,
            x_delta: vec![F::zero(); n * k],
            u: if k == 1 {
                Vec::new()
            } else {
                vec![F::zero(); n]
            },
            curvature: vec![F::zero(); params.len()],
            curvature_floor: F::zero(),
            delta: Array1::zeros(params.len()),
        };
        let mut largest = F::zero();
        for &index in working {
            let h = model.diagonal(index);
            model.curvature[index] = h;
            largest = largest.max(h);
        }
        // A coordinate with no curvature (a feature that is zero on every
        // row, no L2) gets a tiny one, so its step stays finite.
        model.curvature_floor = largest * F::epsilon() + F::min_positive_value();
        model
    }

    /// Whether every curvature of the working set is finite (features near
    /// the largest floats can overflow x²).
    pub fn is_finite(&self) -> bool {
        self.curvature.iter().all(|h| h.is_finite()) && self.curvature_floor.is_finite()
    }

    /// Output (class) and column of parameter `index`.
    #[inline]
    fn locate(&self, index: usize) -> (usize, Column<'a, F>) {
        let d = self.shape.d;
        if index < self.shape.k * d {
            (index / d, self.columns.column(index % d))
        } else {
            (index - self.shape.k * d, self.columns.ones())
        }
    }

    /// The Hessian's diagonal entry of parameter `index`.
    fn diagonal(&self, index: usize) -> F {
        let (c, column) = self.locate(index);
        let k = self.shape.k;
        let data = if k == 1 {
            column.fold(F::zero(), |sum, i, v| sum + v * v * self.weight[i])
        } else {
            column.fold(F::zero(), |sum, i, v| {
                let t = i * k + c;
                sum + v * v * self.weight[t] * (F::one() - self.prob[t])
            })
        };
        if index < self.shape.n_penalized {
            data + self.shape.l2
        } else {
            data
        }
    }

    /// The step found.
    pub fn into_delta(self) -> Array1<F> {
        self.delta
    }

    /// The exact minimization along one coordinate; returns the change.
    #[inline]
    fn update(&mut self, index: usize) -> F {
        let (c, column) = self.locate(index);
        let k = self.shape.k;
        let curvature = self.curvature[index].max(self.curvature_floor);
        let data = if k == 1 {
            let (w, xd) = (&self.weight, &self.x_delta);
            column.fold(F::zero(), |sum, i, v| sum + v * w[i] * xd[i])
        } else {
            let (w, xd, u) = (&self.weight, &self.x_delta, &self.u);
            column.fold(F::zero(), |sum, i, v| {
                let t = i * k + c;
                sum + v * w[t] * (xd[t] - u[i])
            })
        };
        let penalized = index < self.shape.n_penalized;
        let l2_term = if penalized {
            self.shape.l2 * self.delta[index]
        } else {
            F::zero()
        };
        let slope = self.grad[index] + data + l2_term;
        let old = self.params[index] + self.delta[index];
        let newton = old - slope / curvature;
        let new = if penalized && self.shape.l1 > F::zero() {
            soft_threshold(newton, self.shape.l1 / curvature)
        } else {
            newton
        };
        let change = new - old;
        if change != F::zero() {
            self.delta[index] += change;
            if k == 1 {
                let xd = &mut self.x_delta;
                column.for_each(|i, v| xd[i] += change * v);
            } else {
                let (xd, u, p) = (&mut self.x_delta, &mut self.u, &self.prob);
                column.for_each(|i, v| {
                    let t = i * k + c;
                    let step = change * v;
                    xd[t] += step;
                    u[i] += p[t] * step;
                });
            }
        }
        change
    }
}

impl<F: Float> CoordinateModel<F> for ColumnModel<'_, F> {
    fn sweep(&mut self, coords: &[usize]) -> F {
        let mut largest = F::zero();
        for &index in coords {
            let change = self.update(index);
            largest = largest.max(change.abs() * self.curvature[index].max(self.curvature_floor));
        }
        largest
    }

    fn at_zero_penalized(&self, j: usize) -> bool {
        j < self.shape.n_penalized
            && self.shape.l1 > F::zero()
            && self.params[j] + self.delta[j] == F::zero()
    }
}

/// The scores η = X·Wᵀ + b (n × k, row-major), reading only the non-zero
/// coefficients' columns.
fn scores<F: Float>(columns: &Columns<F>, shape: &Shape<F>, params: ArrayView1<'_, F>) -> Vec<F> {
    let (k, d) = (shape.k, shape.d);
    let n = columns.n_rows();
    let mut eta = vec![F::zero(); n * k];
    if params.len() > k * d {
        for i in 0..n {
            for c in 0..k {
                eta[i * k + c] = params[k * d + c];
            }
        }
    }
    for c in 0..k {
        for j in 0..d {
            let w = params[c * d + j];
            if w != F::zero() {
                columns.column(j).for_each(|i, v| eta[i * k + c] += w * v);
            }
        }
    }
    eta
}
