//! The objective at the solver's own scores η = X̃·θ: a trial step's value
//! from η + t·X̃δ (X̃δ kept by the model) at O(n·k), the gradient from the
//! columns at O(nnz), so that no line-search trial reads X. The loss over
//! the scores is the objective's ([`RowAccess::loss_at_scores`]), the L2
//! term the objective's `add_l2`.

use super::columns::Columns;
use super::model::{Shape, locate};
use crate::Float;
use crate::objective::{RowAccess, add_l2};
use crate::solver::Point;
use ndarray::{Array1, ArrayView1};
use rayon::prelude::*;

/// Gradient entries per parallel task. Each entry is its own sum over its
/// column, so the split changes no result, only the speed.
const GRADIENT_CHUNK: usize = 64;

/// The objective's rows (for the loss at given scores) and their columns.
pub(super) struct Scored<'a, F> {
    rows: &'a dyn RowAccess<F>,
    columns: &'a Columns<F>,
    shape: &'a Shape<F>,
}

impl<'a, F: Float> Scored<'a, F> {
    pub fn new(rows: &'a dyn RowAccess<F>, columns: &'a Columns<F>, shape: &'a Shape<F>) -> Self {
        Self {
            rows,
            columns,
            shape,
        }
    }

    /// The objective's value at `params`, given their scores `eta`; `None`
    /// when the objective has no loss at given scores.
    pub fn value(&self, params: &Array1<F>, eta: &[F]) -> Option<F> {
        let mut value = self.rows.loss_at_scores(eta, None)?;
        add_l2(
            self.shape.l2,
            self.shape.n_penalized,
            params.view(),
            None,
            &mut value,
        );
        Some(value)
    }

    /// `params` with the objective's value and gradient there, and their
    /// scores (computed afresh from the columns); `None` as for
    /// [`value`](Self::value).
    pub fn point(&self, params: Array1<F>) -> Option<(Point<F>, Vec<F>)> {
        let eta = scores(self.columns, self.shape, params.view());
        let mut residual = vec![F::zero(); eta.len()];
        let mut value = self.rows.loss_at_scores(&eta, Some(&mut residual))?;
        let k = self.shape.k;
        let mut grad = vec![F::zero(); params.len()];
        grad.par_chunks_mut(GRADIENT_CHUNK)
            .enumerate()
            .for_each(|(chunk, out)| {
                for (a, g) in out.iter_mut().enumerate() {
                    let (c, column) = locate(self.columns, self.shape, chunk * GRADIENT_CHUNK + a);
                    *g = if k == 1 {
                        column.dot(&residual)
                    } else {
                        column.fold(F::zero(), |sum, i, x| sum + x * residual[i * k + c])
                    };
                }
            });
        let mut grad = Array1::from(grad);
        add_l2(
            self.shape.l2,
            self.shape.n_penalized,
            params.view(),
            Some(grad.view_mut()),
            &mut value,
        );
        Some((
            Point {
                params,
                value,
                grad,
            },
            eta,
        ))
    }
}

/// The scores η = X·Wᵀ + b (n × k, row-major), reading only the non-zero
/// coefficients' columns.
pub(super) fn scores<F: Float>(
    columns: &Columns<F>,
    shape: &Shape<F>,
    params: ArrayView1<'_, F>,
) -> Vec<F> {
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
