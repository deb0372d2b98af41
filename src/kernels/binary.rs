//! The fused binary pass: loss and gradient in one sweep over the rows, and
//! the Hessian weights.

use super::chunks::{map_row_chunks, with_avx2};
use super::products::{dot, linear_predictor, linear_predictor_into, weighted_gram_with};
use super::scalar::binary_terms;
use crate::Float;
use crate::fastmath::{exp_nonpositive, log1p_unit};
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, ArrayViewMut1, Zip, s};

/// Data of a binary pass: rows of X, targets in [0, 1] and sample weights.
#[derive(Clone, Copy)]
pub(crate) struct BinaryData<'a, F> {
    pub x: ArrayView2<'a, F>,
    pub y: ArrayView1<'a, F>,
    pub weight: ArrayView1<'a, F>,
}

/// One fused sweep for the binary loss: returns Σ sᵢ ℓᵢ and writes
/// Σ sᵢ (pᵢ − yᵢ) xᵢ into `grad_coef` and Σ sᵢ (pᵢ − yᵢ) into the returned pair's
/// second element. `coef` has length d.
///
/// Chunk results are summed in f64 whatever F is: in f32, thousands of chunk
/// gradients summed in f32 would lose digits the line searches need.
pub(crate) fn binary_loss_grad<F: Float>(
    data: BinaryData<'_, F>,
    coef: ArrayView1<'_, F>,
    intercept: F,
    mut grad_coef: ArrayViewMut1<'_, F>,
) -> (F, F) {
    let sums = binary_loss_grad_sums(data, coef, intercept);
    for (out, &total) in grad_coef.iter_mut().zip(&sums.grad) {
        *out = F::from_f64_lossy(total);
    }
    (
        F::from_f64_lossy(sums.loss),
        F::from_f64_lossy(sums.grad_intercept),
    )
}

/// [`binary_loss_grad`]'s sums in f64 (the chunk parts added in chunk
/// order), for callers that merge them with other rows' sums.
pub(crate) fn binary_loss_grad_sums<F: Float>(
    data: BinaryData<'_, F>,
    coef: ArrayView1<'_, F>,
    intercept: F,
) -> BinarySums {
    let (n, d) = data.x.dim();
    let parts = map_row_chunks(n, d, |rows| {
        let x = data.x.slice(s![rows.clone(), ..]);
        let y = data.y.slice(s![rows.clone()]);
        let weight = data.weight.slice(s![rows]);
        match (
            x.as_slice(),
            coef.as_slice(),
            y.as_slice(),
            weight.as_slice(),
        ) {
            (Some(x), Some(coef), Some(y), Some(weight)) if d > 0 => {
                binary_rows(RowsData { x, d, y, weight }, coef, intercept)
            }
            _ => binary_rows_strided(x, y, weight, coef, intercept),
        }
    });
    let mut grad = vec![0.0_f64; d];
    let mut loss = 0.0;
    let mut grad_b = 0.0;
    for part in parts {
        loss += part.loss;
        grad_b += part.grad_intercept;
        for (total, &g) in grad.iter_mut().zip(&part.grad) {
            *total += g.to_f64_lossy();
        }
    }
    BinarySums {
        loss,
        grad,
        grad_intercept: grad_b,
    }
}

/// A binary pass's sums in f64.
pub(crate) struct BinarySums {
    pub loss: f64,
    pub grad: Vec<f64>,
    pub grad_intercept: f64,
}

/// One chunk's share of a binary pass: its loss and intercept gradient in
/// f64, its coefficient gradient in F.
struct BinaryPart<F> {
    loss: f64,
    grad: Vec<F>,
    grad_intercept: f64,
}

/// Contiguous rows of a binary pass: `x` holds them back to back, `d` values
/// each, with their targets and weights.
#[derive(Clone, Copy)]
struct RowsData<'a, F> {
    x: &'a [F],
    d: usize,
    y: &'a [F],
    weight: &'a [F],
}

with_avx2! {
    /// The binary pass over contiguous rows.
    fn binary_rows<F: Float>(rows: RowsData<'_, F>, coef: &[F], intercept: F) -> BinaryPart<F>
        = binary_rows_portable;
}

/// Each row is read once for both xᵢ·w and the gradient update
/// sᵢ(pᵢ − yᵢ)xᵢ (ndarray's Xᵀr on a chunk would walk X by columns, a strided
/// dot per feature). Rows go in blocks of [`ROW_BLOCK`]: the block's dot
/// products, then its loss terms in SIMD lanes (in f64, for f32 data too),
/// then its gradient updates from L1.
#[inline(always)]
fn binary_rows_portable<F: Float>(
    rows: RowsData<'_, F>,
    coef: &[F],
    intercept: F,
) -> BinaryPart<F> {
    let d = rows.d;
    let mut grad = vec![F::zero(); d];
    let mut loss = 0.0;
    let mut grad_intercept = 0.0;
    let blocks = rows
        .x
        .chunks(ROW_BLOCK * d)
        .zip(rows.y.chunks(ROW_BLOCK))
        .zip(rows.weight.chunks(ROW_BLOCK));
    for ((x, y), weight) in blocks {
        // Padding rows (past the end of the last block) have weight 0 and
        // η = 0: finite terms that add nothing.
        let mut eta = [0.0; ROW_BLOCK];
        let mut target = [0.0; ROW_BLOCK];
        let mut scale = [0.0; ROW_BLOCK];
        for (i, row) in x.chunks_exact(d).enumerate() {
            eta[i] = (dot(row, coef) + intercept).to_f64_lossy();
            target[i] = y[i].to_f64_lossy();
            scale[i] = weight[i].to_f64_lossy();
        }
        let mut row_loss = [0.0; ROW_BLOCK];
        let mut residual = [0.0; ROW_BLOCK];
        for i in 0..ROW_BLOCK {
            let (l, r) = binary_loss_residual(target[i], eta[i]);
            row_loss[i] = scale[i] * l;
            residual[i] = scale[i] * r;
        }
        let mut r = [F::zero(); ROW_BLOCK];
        for (i, _) in x.chunks_exact(d).enumerate() {
            loss += row_loss[i];
            grad_intercept += residual[i];
            r[i] = F::from_f64_lossy(residual[i]);
        }
        add_block_gradient(&mut grad, x, &r);
    }
    BinaryPart {
        loss,
        grad,
        grad_intercept,
    }
}

/// grad += Σᵢ rᵢ xᵢ over a block of rows (`x` holds them back to back),
/// each gradient entry updated by the rows in order, as a row-by-row loop
/// would (the same bits), but loaded and stored once per block instead of
/// once per row: the row loop's loads and stores of the gradient were most
/// of the pass's arithmetic.
#[inline(always)]
fn add_block_gradient<F: Float>(grad: &mut [F], x: &[F], r: &[F; ROW_BLOCK]) {
    let d = grad.len();
    if x.len() == ROW_BLOCK * d {
        let rows: [&[F]; ROW_BLOCK] = std::array::from_fn(|i| &x[i * d..(i + 1) * d]);
        for (j, a) in grad.iter_mut().enumerate() {
            let mut total = *a;
            for (row, &ri) in rows.iter().zip(r) {
                total += ri * row[j];
            }
            *a = total;
        }
    } else {
        for (row, &ri) in x.chunks_exact(d).zip(r) {
            for (a, &v) in grad.iter_mut().zip(row) {
                *a += ri * v;
            }
        }
    }
}

/// Rows per block of the fused binary pass: two AVX2 registers of f64 loss
/// terms, and few enough rows (8 · d values) to stay in L1 between the dot
/// products and the gradient updates.
const ROW_BLOCK: usize = 8;

/// [`binary_terms`]' loss and residual with the branch-free e^x and
/// ln(1 + x) of [`crate::fastmath`] (within an ulp of the standard library's),
/// so that a block of rows is computed in SIMD lanes.
#[inline(always)]
fn binary_loss_residual(y: f64, eta: f64) -> (f64, f64) {
    let e = exp_nonpositive(-eta.abs());
    let log1p_e = log1p_unit(e);
    let small = e / (1.0 + e); // σ(−|η|)
    if eta >= 0.0 {
        ((1.0 - y) * eta + log1p_e, (1.0 - y) - small)
    } else {
        (log1p_e - y * eta, small - y)
    }
}

/// (σ(−ηᵢ), σ(ηᵢ)) for each score, interleaved into `out` (a binary
/// model's two class probabilities per row, row-major), with
/// [`crate::fastmath`]'s e^x in SIMD lanes: each within an ulp or two of
/// [`sigmoid_pair`](super::scalar::sigmoid_pair)'s, and the same bits on
/// every CPU. Scores below −708 give 0 where libm's e^x is subnormal.
pub(crate) fn sigmoid_pairs<F: Float>(eta: &[F], out: &mut [F]) {
    sigmoid_pairs_dispatch(eta, out);
}

with_avx2! {
    /// [`sigmoid_pairs`].
    fn sigmoid_pairs_dispatch<F: Float>(eta: &[F], out: &mut [F]) -> () = sigmoid_pairs_portable;
}

#[inline(always)]
fn sigmoid_pairs_portable<F: Float>(eta: &[F], out: &mut [F]) {
    for (pair, &eta) in out.chunks_exact_mut(2).zip(eta) {
        let eta = eta.to_f64_lossy();
        let e = exp_nonpositive(-eta.abs());
        let large = 1.0 / (1.0 + e); // σ(|η|)
        let small = e * large; // σ(−|η|)
        let (negative, positive) = if eta >= 0.0 {
            (small, large)
        } else {
            (large, small)
        };
        pair[0] = F::from_f64_lossy(negative);
        pair[1] = F::from_f64_lossy(positive);
    }
}

/// The binary pass over rows that are not contiguous (a strided view of X):
/// ndarray's matrix–vector products.
fn binary_rows_strided<F: Float>(
    x: ArrayView2<'_, F>,
    y: ArrayView1<'_, F>,
    weight: ArrayView1<'_, F>,
    coef: ArrayView1<'_, F>,
    intercept: F,
) -> BinaryPart<F> {
    let mut eta = x.dot(&coef);
    let mut loss = 0.0;
    let mut grad_intercept = 0.0;
    Zip::from(&mut eta)
        .and(y)
        .and(weight)
        .for_each(|e, &y, &w| {
            let t = binary_terms(y.to_f64_lossy(), (*e + intercept).to_f64_lossy());
            let w = w.to_f64_lossy();
            loss += w * t.loss;
            let r = w * t.residual;
            grad_intercept += r;
            *e = F::from_f64_lossy(r);
        });
    BinaryPart {
        loss,
        grad: x.t().dot(&eta).to_vec(),
        grad_intercept,
    }
}

/// Hessian weights sᵢ pᵢ (1 − pᵢ) of the binary loss, one per row.
pub(crate) fn binary_hessian_weights<F: Float>(
    data: BinaryData<'_, F>,
    coef: ArrayView1<'_, F>,
    intercept: F,
) -> Array1<F> {
    hessian_weights_from(linear_predictor(data.x, coef, intercept), data)
}

/// The weighted Gram matrix X̃ᵀ diag(h) X̃ of the binary Hessian, h the
/// weights of [`binary_hessian_weights`], each chunk's weights computed as
/// the chunk is used: one read of X instead of two, the same bits.
pub(crate) fn binary_hessian_gram<F: Float>(
    data: BinaryData<'_, F>,
    coef: ArrayView1<'_, F>,
    intercept: F,
    fit_intercept: bool,
) -> Array2<F> {
    weighted_gram_with(data.x, fit_intercept, |rows, h| {
        let x = data.x.slice(s![rows.clone(), ..]);
        linear_predictor_into(x, coef, intercept, h);
        let (y, weight) = (data.y.slice(s![rows.clone()]), data.weight.slice(s![rows]));
        for ((h, &y), &w) in h.iter_mut().zip(y).zip(weight) {
            *h = w * binary_terms(y, *h).hess_weight;
        }
    })
}

/// Turns the linear predictors `eta` of `data`'s rows into their Hessian
/// weights sᵢ pᵢ (1 − pᵢ).
fn hessian_weights_from<F: Float>(mut eta: Array1<F>, data: BinaryData<'_, F>) -> Array1<F> {
    Zip::from(&mut eta)
        .and(data.y)
        .and(data.weight)
        .for_each(|e, &y, &w| *e = w * binary_terms(y, *e).hess_weight);
    eta
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rows with scores from −800 to 800 (every branch of the loss terms),
    /// uneven weights, and a row count that leaves a partial block.
    fn rows_and_coef(n: usize, d: usize) -> (Vec<f64>, Vec<f64>, Vec<f64>, Vec<f64>) {
        let x: Vec<f64> = (0..n * d)
            .map(|i| ((i * 7919 % 1000) as f64 - 500.0) / 50.0)
            .collect();
        let y = (0..n).map(|i| (i % 3 == 0) as u8 as f64).collect();
        let weight = (0..n).map(|i| 0.5 + (i % 5) as f64).collect();
        let coef = (0..d).map(|j| (j as f64 - 3.0) * 1.7).collect();
        (x, y, weight, coef)
    }

    #[test]
    fn the_blocked_pass_matches_the_row_by_row_kernels() {
        let (n, d) = (203, 9);
        let (x, y, weight, coef) = rows_and_coef(n, d);
        let rows = RowsData {
            x: &x,
            d,
            y: &y,
            weight: &weight,
        };
        let part = binary_rows_portable(rows, &coef, 0.3);
        let (mut loss, mut grad_b, mut grad) = (0.0, 0.0, vec![0.0; d]);
        for i in 0..n {
            let row = &x[i * d..(i + 1) * d];
            let eta = row.iter().zip(&coef).map(|(a, b)| a * b).sum::<f64>() + 0.3;
            let t = binary_terms(y[i], eta);
            loss += weight[i] * t.loss;
            grad_b += weight[i] * t.residual;
            for (g, v) in grad.iter_mut().zip(row) {
                *g += weight[i] * t.residual * v;
            }
        }
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-12 * b.abs().max(1.0);
        assert!(close(part.loss, loss), "{} vs {loss}", part.loss);
        assert!(close(part.grad_intercept, grad_b));
        assert!(part.grad.iter().zip(&grad).all(|(&a, &b)| close(a, b)));
    }

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn the_avx2_pass_gives_the_same_bits_as_the_portable_one() {
        if !std::arch::is_x86_feature_detected!("avx2") {
            return;
        }
        let (n, d) = (203, 37);
        let (x, y, weight, coef) = rows_and_coef(n, d);
        let rows = RowsData {
            x: &x,
            d,
            y: &y,
            weight: &weight,
        };
        // Called here, the portable body is compiled for the baseline target;
        // `binary_rows` runs its AVX2 copy on this CPU.
        let portable = binary_rows_portable(rows, &coef, -0.2);
        let avx2 = binary_rows(rows, &coef, -0.2);
        assert_eq!(portable.loss.to_bits(), avx2.loss.to_bits());
        assert_eq!(
            portable.grad_intercept.to_bits(),
            avx2.grad_intercept.to_bits()
        );
        let bits = |g: &[f64]| g.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&portable.grad), bits(&avx2.grad));
    }

    #[test]
    fn sigmoid_pairs_match_the_scalar_pair_within_two_ulps() {
        use crate::kernels::sigmoid_pair;
        // Scores across the range, both signs, the tails where one
        // probability underflows, and ±∞.
        let mut eta: Vec<f64> = (-8000..=8000).map(|i| f64::from(i) * 0.09).collect();
        eta.extend([
            0.0,
            -0.0,
            1e-300,
            -1e-300,
            707.0,
            -707.0,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ]);
        let mut out = vec![0.0; 2 * eta.len()];
        sigmoid_pairs(&eta, &mut out);
        // The AVX2 copy (on a CPU with AVX2) and the baseline one agree.
        let mut portable = vec![0.0; out.len()];
        sigmoid_pairs_portable(&eta, &mut portable);
        let bits = |v: &[f64]| v.iter().map(|p| p.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&out), bits(&portable));
        let ulps = |a: f64, b: f64| a.to_bits().abs_diff(b.to_bits());
        for (pair, &e) in out.chunks_exact(2).zip(&eta) {
            let (negative, positive) = sigmoid_pair(e);
            if e.abs() > 708.0 {
                // Flushed to 0 where libm's e^x is subnormal (below 3.3e-308).
                let (flushed, tiny) = if e > 0.0 {
                    (pair[0], negative)
                } else {
                    (pair[1], positive)
                };
                assert!(
                    flushed.to_bits() == 0 && tiny < 3.3e-308,
                    "{e}: {flushed} vs {tiny}"
                );
                assert_eq!((pair[0] + pair[1]).to_bits(), 1.0_f64.to_bits());
                continue;
            }
            assert!(
                ulps(pair[0], negative) <= 2,
                "σ(−{e}): {} vs {negative}",
                pair[0]
            );
            assert!(
                ulps(pair[1], positive) <= 2,
                "σ({e}): {} vs {positive}",
                pair[1]
            );
            assert!((pair[0] + pair[1] - 1.0).abs() <= 2.0 * f64::EPSILON);
        }
        // f32 scores: computed in f64, then rounded once (to a subnormal or 0
        // in the tails).
        let tolerance = |p: f64| f64::from(f32::EPSILON) * p + f64::from(f32::MIN_POSITIVE);
        let eta32: Vec<f32> = eta.iter().map(|&e| e as f32).collect();
        let mut out32 = vec![0.0_f32; 2 * eta32.len()];
        sigmoid_pairs(&eta32, &mut out32);
        for (pair, &e) in out32.chunks_exact(2).zip(&eta32) {
            let (negative, positive) = sigmoid_pair(f64::from(e));
            assert!((f64::from(pair[0]) - negative).abs() <= tolerance(negative));
            assert!((f64::from(pair[1]) - positive).abs() <= tolerance(positive));
        }
    }
}
