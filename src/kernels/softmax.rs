//! The fused softmax (multinomial) pass and the softmax probabilities.

use super::chunks::{map_row_chunks, with_avx2};
use super::products::{scores, scores_by_class};
use super::scalar::{logsumexp, softmax_inplace};
use crate::Float;
use crate::fastmath::{exp_nonpositive, log1p_nonneg};
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
    let k = coef.nrows();
    map_row_chunks(n, d + k, |rows| {
        let x = data.x.slice(s![rows.clone(), ..]);
        let class = &data.class[rows.clone()];
        let weight = data.weight.slice(s![rows]);
        // The scores class by class (k × rows): the softmax then runs down
        // SIMD lanes of rows, where row by row it ran across a handful of
        // classes (ten, split into two registers and a scalar tail).
        let mut eta = scores_by_class(x, coef, intercept);
        let loss = match (eta.as_slice_mut(), weight.as_slice()) {
            (Some(eta), Some(weight)) => softmax_columns(eta, class, weight),
            _ => eta
                .columns_mut()
                .into_iter()
                .zip(class)
                .zip(weight)
                .map(|((row, &c), &w)| softmax_residual_general(row, c, w))
                .sum(),
        };
        let mut grad = Array2::zeros((k, x.ncols()));
        F::gemm_tn_add(grad.view_mut(), eta.t(), x);
        (loss, grad, eta.sum_axis(Axis(1)))
    })
}

with_avx2! {
    /// The weighted losses and residuals of the rows of a block of scores
    /// stored class by class (`eta[c · m + i]` is row i's score of class c,
    /// m = `class.len()`): each row's scores become its weighted residuals
    /// s·(softmax(η) − onehot(c)), as [`softmax_residual_row`] computes
    /// them, and the weighted losses are summed in f64.
    fn softmax_columns<F: Float>(eta: &mut [F], class: &[usize], weight: &[F]) -> f64
        = softmax_columns_portable;
}

/// Loops over the rows of one class at a time (contiguous, so each is a
/// SIMD loop): the maxima, the exponentials, their sums, the losses and
/// the residuals. Rows whose largest score is not finite (overflow, NaN)
/// or whose class is out of range are redone by [`softmax_residual_row`]
/// from their original scores.
#[inline(always)]
fn softmax_columns_portable<F: Float>(eta: &mut [F], class: &[usize], weight: &[F]) -> f64 {
    let m = class.len();
    if m == 0 {
        return 0.0;
    }
    let k = eta.len() / m;
    let mut max = vec![f64::NEG_INFINITY; m];
    let mut argmax = vec![0_usize; m];
    for c in 0..k {
        for ((v, mx), arg) in eta[c * m..(c + 1) * m]
            .iter()
            .zip(&mut max)
            .zip(&mut argmax)
        {
            // Selects and plain stores: a conditional store here became a
            // masked store, microcoded and slow on AMD Zen.
            let v = v.to_f64_lossy();
            let better = v > *mx;
            *arg = if better { c } else { *arg };
            *mx = if better { v } else { *mx };
        }
    }
    let special: Vec<(usize, Vec<F>)> = (0..m)
        .filter(|&i| !max[i].is_finite() || class[i] >= k)
        .map(|i| (i, (0..k).map(|c| eta[c * m + i]).collect()))
        .collect();
    let mut wide = vec![0.0; k * m];
    let mut rest = vec![0.0; m];
    for c in 0..k {
        let scores = eta[c * m..(c + 1) * m].iter().zip(&max);
        let sums = rest.iter_mut().zip(&argmax);
        for ((e, (v, mx)), (r, arg)) in wide[c * m..(c + 1) * m].iter_mut().zip(scores).zip(sums) {
            *e = exp_nonpositive(v.to_f64_lossy() - mx);
            // The maximal term is exactly 1: ln(1 + rest) keeps the digits
            // of a small rest that 1 + rest would round away.
            *r += if *arg == c { 0.0 } else { *e };
        }
    }
    let mut loss = vec![0.0; m];
    let mut scale = vec![0.0; m];
    for i in 0..m {
        let w = weight[i].to_f64_lossy();
        let target = eta
            .get(class[i] * m + i)
            .map_or(f64::NAN, |t| t.to_f64_lossy());
        loss[i] = w * ((max[i] - target) + log1p_nonneg(rest[i]));
        scale[i] = w / (1.0 + rest[i]);
    }
    for c in 0..k {
        let out = eta[c * m..(c + 1) * m]
            .iter_mut()
            .zip(&wide[c * m..(c + 1) * m]);
        for ((v, e), s) in out.zip(&scale) {
            *v = F::from_f64_lossy(e * s);
        }
    }
    for (i, (&c, &w)) in class.iter().zip(weight).enumerate() {
        if let Some(v) = eta.get_mut(c * m + i) {
            *v -= w;
        }
    }
    let mut exps = vec![0.0; k];
    for (i, mut row) in special {
        loss[i] = softmax_residual_row(&mut row, &mut exps, class[i], weight[i]);
        for (c, v) in row.into_iter().enumerate() {
            eta[c * m + i] = v;
        }
    }
    loss.iter().sum()
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
    let loss = (max64 - target.to_f64_lossy()) + log1p_nonneg(rest);
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The class-major pass against the row kernel the pass used before
    /// (itself the general kernel on non-finite rows), row by row:
    /// ordinary rows, rows whose scores overflow or are NaN (redone one by
    /// one), a class out of range (NaN loss), and a row count that is no
    /// multiple of anything.
    #[test]
    fn class_major_rows_match_the_row_kernel() {
        let (m, k) = (37, 5);
        let mut rows: Vec<Vec<f64>> = (0..m)
            .map(|i| {
                (0..k)
                    .map(|c| ((i * 7 + c * 3) % 11) as f64 - 5.0 + 0.1 * c as f64)
                    .collect()
            })
            .collect();
        rows[3] = vec![f64::INFINITY, 1.0, 2.0, 3.0, 4.0];
        rows[4] = vec![1.0, f64::NAN, 2.0, 3.0, 4.0];
        rows[9] = vec![f64::NEG_INFINITY; k];
        rows[20] = vec![1e300, -1e300, 0.0, 5.0, 1e300];
        let class: Vec<usize> = (0..m).map(|i| (i * 3) % k).collect();
        let weight: Vec<f64> = (0..m).map(|i| 0.5 + (i % 4) as f64).collect();
        let mut eta: Vec<f64> = (0..k)
            .flat_map(|c| rows.iter().map(move |r| r[c]))
            .collect();
        let loss = softmax_columns(&mut eta, &class, &weight);
        let mut want_loss = 0.0;
        for (i, row) in rows.iter().enumerate() {
            let mut want = row.clone();
            want_loss += softmax_residual_row(&mut want, &mut vec![0.0; k], class[i], weight[i]);
            for c in 0..k {
                let got = eta[c * m + i];
                let close = (got.is_nan() && want[c].is_nan())
                    || (got - want[c]).abs() <= 1e-15 * (1.0 + want[c].abs());
                assert!(close, "row {i} class {c}: {got} vs {}", want[c]);
            }
        }
        let close = (loss.is_nan() && want_loss.is_nan())
            || (loss - want_loss).abs() <= 1e-13 * want_loss.abs();
        assert!(close, "{loss} vs {want_loss}");
        // Without the infinite and NaN rows the loss is finite and agrees.
        let finite: Vec<usize> = (0..m).filter(|&i| ![3, 4, 9].contains(&i)).collect();
        let (mut eta, class, weight): (Vec<f64>, Vec<usize>, Vec<f64>) = (
            (0..k)
                .flat_map(|c| finite.iter().map(move |&i| (c, i)))
                .map(|(c, i)| rows[i][c])
                .collect(),
            finite.iter().map(|&i| class[i]).collect(),
            finite.iter().map(|&i| weight[i]).collect(),
        );
        let loss = softmax_columns(&mut eta, &class, &weight);
        let want: f64 = finite
            .iter()
            .map(|&i| {
                softmax_residual_row(
                    &mut rows[i].clone(),
                    &mut vec![0.0; k],
                    (i * 3) % k,
                    0.5 + (i % 4) as f64,
                )
            })
            .sum();
        assert!(
            loss.is_finite() && (loss - want).abs() <= 1e-13 * want.abs(),
            "{loss} vs {want}"
        );
        // A class out of range: NaN, as the row kernel reports it.
        let mut eta = vec![0.0; 2 * k];
        assert!(softmax_columns(&mut eta, &[0, k], &[1.0, 1.0]).is_nan());
    }
}
