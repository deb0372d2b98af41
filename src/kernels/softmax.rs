//! The fused softmax (multinomial) pass and the softmax probabilities.

use super::chunks::{map_row_chunks, with_avx2};
use super::products::scores;
use super::scalar::{logsumexp, softmax_inplace};
use crate::Float;
use crate::fastmath::exp_nonpositive;
use ndarray::{Array2, ArrayView1, ArrayView2, ArrayViewMut1, Axis, s};

/// Data of a multinomial pass: rows of X, class indices and sample weights.
#[derive(Clone, Copy)]
pub(crate) struct MultinomialData<'a, F> {
    pub x: ArrayView2<'a, F>,
    pub class: &'a [usize],
    pub weight: ArrayView1<'a, F>,
}

/// One fused sweep for the multinomial loss: returns Σ sᵢ ℓᵢ, writes
/// Σ sᵢ (pᵢ − onehotᵢ) xᵢᵀ into `grad_coef` (k×d) and the intercept
/// gradient Σ sᵢ (pᵢ − onehotᵢ) into `grad_intercept` (k).
pub(crate) fn multinomial_loss_grad<F: Float>(
    data: MultinomialData<'_, F>,
    coef: ArrayView2<'_, F>,
    intercept: ArrayView1<'_, F>,
    mut grad_coef: ndarray::ArrayViewMut2<'_, F>,
    mut grad_intercept: ArrayViewMut1<'_, F>,
) -> F {
    let (loss, grad, grad_b) = multinomial_loss_grad_sums(data, coef, intercept);
    for (out, &total) in grad_coef.iter_mut().zip(&grad) {
        *out = F::from_f64_lossy(total);
    }
    for (out, &total) in grad_intercept.iter_mut().zip(&grad_b) {
        *out = F::from_f64_lossy(total);
    }
    F::from_f64_lossy(loss)
}

/// [`multinomial_loss_grad`]'s sums with the chunk parts added in f64 (in
/// chunk order): Σ sᵢ ℓᵢ, the k × d gradient (class-major) and the k
/// intercept gradients. For callers that merge them with other rows' sums;
/// over one chunk of rows they are the in-memory pass's part exactly.
pub(crate) fn multinomial_loss_grad_sums<F: Float>(
    data: MultinomialData<'_, F>,
    coef: ArrayView2<'_, F>,
    intercept: ArrayView1<'_, F>,
) -> (f64, Vec<f64>, Vec<f64>) {
    let (k, d) = (coef.nrows(), data.x.ncols());
    let mut loss = 0.0;
    let mut grad = vec![0.0; k * d];
    let mut grad_intercept = vec![0.0; k];
    for (l, g, gb) in multinomial_parts(data, coef, intercept) {
        loss += l;
        for (total, &v) in grad.iter_mut().zip(g.iter()) {
            *total += v.to_f64_lossy();
        }
        for (total, &v) in grad_intercept.iter_mut().zip(gb.iter()) {
            *total += v.to_f64_lossy();
        }
    }
    (loss, grad, grad_intercept)
}

/// Each row chunk's weighted loss (f64), k × d gradient and k intercept
/// gradients, in chunk order.
fn multinomial_parts<F: Float>(
    data: MultinomialData<'_, F>,
    coef: ArrayView2<'_, F>,
    intercept: ArrayView1<'_, F>,
) -> Vec<(f64, Array2<F>, ndarray::Array1<F>)> {
    let (n, d) = data.x.dim();
    // A chunk holds its rows of X and their k scores: size it by both, so
    // that thousands of classes do not make a chunk hundreds of megabytes.
    map_row_chunks(n, d + coef.nrows(), |rows| {
        let x = data.x.slice(s![rows.clone(), ..]);
        let mut eta = scores(x, coef, intercept);
        let class = &data.class[rows.clone()];
        let weight = data.weight.slice(s![rows]);
        let loss = match (eta.as_slice_mut(), weight.as_slice()) {
            (Some(eta), Some(weight)) => softmax_rows(eta, class, weight),
            _ => eta
                .rows_mut()
                .into_iter()
                .zip(class)
                .zip(weight)
                .map(|((row, &c), &w)| softmax_residual_general(row, c, w))
                .sum(),
        };
        let mut grad = Array2::zeros((coef.nrows(), x.ncols()));
        F::gemm_tn_add(grad.view_mut(), eta.view(), x);
        (loss, grad, eta.sum_axis(Axis(0)))
    })
}

with_avx2! {
    /// [`softmax_residual_row`] over the rows of a block of scores (k per
    /// row, back to back).
    fn softmax_rows<F: Float>(eta: &mut [F], class: &[usize], weight: &[F]) -> f64
        = softmax_rows_portable;
}

#[inline(always)]
fn softmax_rows_portable<F: Float>(eta: &mut [F], class: &[usize], weight: &[F]) -> f64 {
    let k = eta.len() / class.len().max(1);
    let mut wide = vec![0.0; k];
    let mut loss = 0.0;
    for ((row, &c), &w) in eta.chunks_exact_mut(k.max(1)).zip(class).zip(weight) {
        loss += softmax_residual_row(row, &mut wide, c, w);
    }
    loss
}

/// Replaces a row of scores η by its weighted residuals s·(softmax(η) −
/// onehot(c)) and returns its weighted loss s·(logsumexp(η) − η_c), in f64.
/// One branch-free e^x per class (vectorized across classes, see
/// [`crate::fastmath`]) serves both the log-sum-exp and the probabilities,
/// where calling `exp` twice per class took a quarter of a softmax fit.
/// The exponentials stay in f64 in `wide` (k long) until the residuals are
/// written: for f32 scores, rounding each to f32 and widening it again for
/// the sum made this the slowest part of an f32 softmax pass (24% slower
/// than the f64 one).
#[inline(always)]
fn softmax_residual_row<F: Float>(row: &mut [F], wide: &mut [f64], class: usize, weight: F) -> f64 {
    let (argmax, max) =
        row.iter()
            .enumerate()
            .fold((usize::MAX, F::neg_infinity()), |(ia, m), (i, &v)| {
                if v > m { (i, v) } else { (ia, m) }
            });
    let Some(&target) = row.get(class) else {
        return f64::NAN;
    };
    if !max.is_finite() {
        return softmax_residual_general(ArrayViewMut1::from(row), class, weight);
    }
    let max64 = max.to_f64_lossy();
    for (e, v) in wide.iter_mut().zip(row.iter()) {
        *e = exp_nonpositive(v.to_f64_lossy() - max64);
    }
    // ln Σ e^(η − max) as ln_1p of the sum without the maximal term (which is
    // exactly 1), as in `logsumexp`.
    let rest: f64 = wide
        .iter()
        .enumerate()
        .filter(|&(i, _)| i != argmax)
        .map(|(_, &e)| e)
        .sum();
    let weight64 = weight.to_f64_lossy();
    let loss = (max64 - target.to_f64_lossy()) + rest.ln_1p();
    let scale = weight64 / (1.0 + rest);
    for (v, &e) in row.iter_mut().zip(wide.iter()) {
        *v = F::from_f64_lossy(e * scale);
    }
    row[class] -= weight;
    weight64 * loss
}

/// [`softmax_residual_row`] for any row (strided, or with overflowed scores)
/// through the general kernels.
fn softmax_residual_general<F: Float>(
    mut row: ArrayViewMut1<'_, F>,
    class: usize,
    weight: F,
) -> f64 {
    let lse = logsumexp(row.view());
    let Some(&target) = row.get(class) else {
        return f64::NAN;
    };
    row.mapv_inplace(|v| weight * (v - lse).exp());
    row[class] -= weight;
    (weight * (lse - target)).to_f64_lossy()
}

/// Softmax probabilities (n×k) for the rows of X.
pub(crate) fn multinomial_probabilities<F: Float>(
    x: ArrayView2<'_, F>,
    coef: ArrayView2<'_, F>,
    intercept: ArrayView1<'_, F>,
) -> Array2<F> {
    let mut eta = scores(x, coef, intercept);
    eta.rows_mut().into_iter().for_each(softmax_inplace);
    eta
}
