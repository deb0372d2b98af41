//! Numerically stable kernels: the only place where sigmoid, softplus,
//! log-sum-exp, softmax and cross-entropy are computed.
//!
//! Scalar kernels are finite and accurate for every finite input (including
//! ±`f64::MAX`). The fused passes sweep the rows of X once, in cache-sized
//! chunks that run in parallel, and sum the chunk results in a fixed order so
//! that the answer does not depend on the number of threads.

use crate::Float;
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, ArrayViewMut1, Axis, Zip, s};
use rayon::prelude::*;

/// softplus(x) = ln(1 + eˣ), without overflow or loss of precision.
///
/// ```
/// use logreg::kernels::softplus;
/// assert_eq!(softplus(-800.0_f64), 0.0_f64.max((-800.0_f64).exp()));
/// assert!((softplus(0.0_f64) - 2f64.ln()).abs() < 1e-16);
/// assert_eq!(softplus(1e300_f64), 1e300);
/// ```
#[inline]
pub fn softplus<F: Float>(x: F) -> F {
    if x <= F::SOFTPLUS_EXP_BELOW {
        x.exp()
    } else if x <= F::SOFTPLUS_LOG1P_BELOW {
        x.exp().ln_1p()
    } else if x <= F::SOFTPLUS_LINEAR_ABOVE {
        x + (-x).exp()
    } else {
        x
    }
}

/// ln σ(x) = −softplus(−x): finite for every finite x.
///
/// ```
/// use logreg::kernels::log_sigmoid;
/// assert_eq!(log_sigmoid(-1e300_f64), -1e300);
/// assert!(log_sigmoid(40.0_f64) < 0.0);
/// ```
#[inline]
pub fn log_sigmoid<F: Float>(x: F) -> F {
    -softplus(-x)
}

/// The logistic function σ(x) = 1 / (1 + e⁻ˣ), computed from e^(−|x|) only.
///
/// ```
/// use logreg::kernels::sigmoid;
/// assert_eq!(sigmoid(0.0_f64), 0.5);
/// assert_eq!(sigmoid(-800.0_f64), 0.0);
/// assert!(sigmoid(-30.0_f64) > 0.0);
/// ```
#[inline]
pub fn sigmoid<F: Float>(x: F) -> F {
    let e = (-x.abs()).exp();
    if x >= F::zero() {
        F::one() / (F::one() + e)
    } else {
        e / (F::one() + e)
    }
}

/// ln Σ exp(xⱼ), with the maximum subtracted first. `-inf` for an empty row.
///
/// ```
/// use logreg::kernels::logsumexp;
/// use ndarray::array;
/// let v = logsumexp(array![1000.0_f64, 1000.0].view());
/// assert!((v - (1000.0 + 2f64.ln())).abs() < 1e-12);
/// ```
pub fn logsumexp<F: Float>(row: ArrayView1<'_, F>) -> F {
    let (max, log_rest) = max_and_log_sum(row);
    max + log_rest
}

/// The row maximum m and ln Σ exp(xⱼ − m), the latter as ln_1p of the sum
/// over all entries but one maximal one: it keeps full relative precision when
/// the maximum dominates (ln(1 + 1e-20) would round to 0). `(m, 0)` when m
/// is not finite (an empty row gives −inf).
fn max_and_log_sum<F: Float>(row: ArrayView1<'_, F>) -> (F, F) {
    let (argmax, max) =
        row.iter()
            .enumerate()
            .fold((usize::MAX, F::neg_infinity()), |(ia, m), (i, &v)| {
                if v > m { (i, v) } else { (ia, m) }
            });
    if !max.is_finite() {
        return (max, F::zero());
    }
    let rest = row
        .iter()
        .enumerate()
        .filter(|&(i, _)| i != argmax)
        .fold(F::zero(), |acc, (_, &v)| acc + (v - max).exp());
    (max, rest.ln_1p())
}

/// Replaces a row of scores by its softmax (probabilities summing to 1).
///
/// ```
/// use logreg::kernels::softmax_inplace;
/// use ndarray::array;
/// let mut row = array![1e300_f64, 0.0, -1e300];
/// softmax_inplace(row.view_mut());
/// assert_eq!(row, array![1.0, 0.0, 0.0]);
/// // Overflowed scores share the probability instead of giving ∞ − ∞ = NaN.
/// let mut row = array![f64::INFINITY, 0.0, f64::INFINITY];
/// softmax_inplace(row.view_mut());
/// assert_eq!(row, array![0.5, 0.0, 0.5]);
/// ```
pub fn softmax_inplace<F: Float>(mut row: ArrayViewMut1<'_, F>) {
    let max = row.fold(F::neg_infinity(), |m, &v| m.max(v));
    if !max.is_finite() {
        let share = F::one() / count_of(row.view(), max);
        row.mapv_inplace(|v| if v == max { share } else { F::zero() });
        return;
    }
    row.mapv_inplace(|v| (v - max).exp());
    let sum = row.sum();
    row.mapv_inplace(|v| v / sum);
}

/// Replaces a row of scores by its log-softmax η − logsumexp(η) (never ln p).
///
/// ```
/// use logreg::kernels::log_softmax_inplace;
/// use ndarray::array;
/// let mut row = array![0.0_f64, -800.0];
/// log_softmax_inplace(row.view_mut());
/// assert_eq!(row[1], -800.0);
/// let mut row = array![f64::INFINITY, 0.0];
/// log_softmax_inplace(row.view_mut());
/// assert_eq!(row, array![0.0, f64::NEG_INFINITY]);
/// ```
pub fn log_softmax_inplace<F: Float>(mut row: ArrayViewMut1<'_, F>) {
    // (η − max) − ln Σ e^(η − max): two terms ≤ 0, so no cancellation (η − (max
    // + ln Σ) would lose ln Σ to the rounding of a large max).
    let (max, log_sum) = max_and_log_sum(row.view());
    if !max.is_finite() {
        let log_share = -count_of(row.view(), max).ln();
        row.mapv_inplace(|v| {
            if v == max {
                log_share
            } else {
                F::neg_infinity()
            }
        });
        return;
    }
    row.mapv_inplace(|v| (v - max) - log_sum);
}

/// How many entries equal a non-finite row maximum, as a float. Scores of
/// +∞ (an overflowing x·w) or a row of −∞ put all probability evenly on the
/// maximal entries, where η − max would be ∞ − ∞.
fn count_of<F: Float>(row: ArrayView1<'_, F>, max: F) -> F {
    let count = row.iter().filter(|&&v| v == max).count();
    F::from_usize(count).unwrap_or_else(F::max_value)
}

/// Binary cross-entropy ℓ(y, η) = softplus(η) − y·η for a label y ∈ [0, 1]
/// and a linear predictor η (the logit), without cancellation.
///
/// ```
/// use logreg::kernels::binary_cross_entropy;
/// assert_eq!(binary_cross_entropy(1.0_f64, 800.0), 0.0);
/// assert_eq!(binary_cross_entropy(0.0_f64, 800.0), 800.0);
/// ```
#[inline]
pub fn binary_cross_entropy<F: Float>(y: F, eta: F) -> F {
    binary_terms(y, eta).loss
}

/// Multinomial cross-entropy logsumexp(η) − η_class for one row of scores.
/// `None` when `class` is out of range.
///
/// ```
/// use logreg::kernels::multinomial_cross_entropy;
/// use ndarray::array;
/// let l = multinomial_cross_entropy(array![0.0_f64, 0.0].view(), 1).unwrap();
/// assert!((l - 2f64.ln()).abs() < 1e-16);
/// ```
pub fn multinomial_cross_entropy<F: Float>(eta: ArrayView1<'_, F>, class: usize) -> Option<F> {
    let target = *eta.get(class)?;
    // (max − η_c) + ln Σ e^(η − max): two terms ≥ 0, so no cancellation.
    let (max, log_sum) = max_and_log_sum(eta);
    Some((max - target) + log_sum)
}

/// Loss, residual p − y and Hessian weight p(1 − p) of one binary row.
#[derive(Clone, Copy, Debug)]
pub(crate) struct BinaryTerms<F> {
    pub loss: F,
    pub residual: F,
    pub hess_weight: F,
}

/// Branches on the sign of η so that only e^(−|η|) is computed: no overflow,
/// no cancellation in the loss or in p − y.
#[inline]
pub(crate) fn binary_terms<F: Float>(y: F, eta: F) -> BinaryTerms<F> {
    let e = (-eta.abs()).exp();
    let log1p_e = e.ln_1p();
    let one = F::one();
    let small = e / (one + e); // σ(−|η|)
    let (loss, residual) = if eta >= F::zero() {
        ((one - y) * eta + log1p_e, (one - y) - small)
    } else {
        (log1p_e - y * eta, small - y)
    };
    BinaryTerms {
        loss,
        residual,
        hess_weight: small * (one - small),
    }
}

/// Rows per chunk for the Gram products XᵀDX: about 2 MB of f64 rows, tall
/// enough that each GEMM runs near full speed (a 128 KiB chunk of 100
/// features is only 162 rows).
pub(crate) fn gram_chunk_rows(width: usize) -> usize {
    ((1 << 18) / width.max(1)).clamp(64, 16_384)
}

/// Rows per chunk: about 128 KiB of X, so a chunk stays in L2 between the
/// forward (η = Xw) and backward (Xᵀr) halves of a pass. Depends only on d, so
/// the summation order never depends on the thread count.
pub(crate) fn chunk_rows(n_features: usize) -> usize {
    (16_384 / n_features.max(1)).clamp(64, 16_384)
}

/// Maps `f` over the row chunks of X (in parallel when the work is large
/// enough to pay for it) and returns the results in chunk order.
pub(crate) fn map_row_chunks<T, M>(n_rows: usize, n_features: usize, f: M) -> Vec<T>
where
    T: Send,
    M: Fn(std::ops::Range<usize>) -> T + Sync + Send,
{
    let step = chunk_rows(n_features);
    let ranges: Vec<_> = (0..n_rows)
        .step_by(step)
        .map(|start| start..(start + step).min(n_rows))
        .collect();
    if ranges.len() > 1 && n_rows * n_features.max(1) >= 1 << 16 {
        ranges.into_par_iter().map(f).collect()
    } else {
        ranges.into_iter().map(f).collect()
    }
}

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
pub(crate) fn binary_loss_grad<F: Float>(
    data: BinaryData<'_, F>,
    coef: ArrayView1<'_, F>,
    intercept: F,
    mut grad_coef: ArrayViewMut1<'_, F>,
) -> (F, F) {
    let (n, d) = data.x.dim();
    let parts = map_row_chunks(n, d, |rows| {
        let x = data.x.slice(s![rows.clone(), ..]);
        if let (Some(rows_flat), Some(coef), true) = (x.as_slice(), coef.as_slice(), d > 0) {
            let y = data.y.slice(s![rows.clone()]);
            return binary_rows(
                rows_flat,
                d,
                coef,
                intercept,
                y,
                data.weight.slice(s![rows]),
            );
        }
        let mut eta = x.dot(&coef);
        let mut loss = F::zero();
        let mut grad_b = F::zero();
        Zip::from(&mut eta)
            .and(data.y.slice(s![rows.clone()]))
            .and(data.weight.slice(s![rows]))
            .for_each(|e, &y, &w| {
                let t = binary_terms(y, *e + intercept);
                loss += w * t.loss;
                *e = w * t.residual;
                grad_b += *e;
            });
        (loss, x.t().dot(&eta), grad_b)
    });
    grad_coef.fill(F::zero());
    let mut loss = F::zero();
    let mut grad_b = F::zero();
    for (l, g, gb) in parts {
        loss += l;
        grad_coef += &g;
        grad_b += gb;
    }
    (loss, grad_b)
}

/// The binary pass over contiguous rows (`flat` holds them back to back, `d`
/// values each): each row is read once, from L1, for both xᵢ·w and the
/// gradient update sᵢ(pᵢ − yᵢ)xᵢ. ndarray's Xᵀr on a chunk would walk X by
/// columns (a strided dot per feature), which cost more than the rest.
fn binary_rows<F: Float>(
    flat: &[F],
    d: usize,
    coef: &[F],
    intercept: F,
    y: ArrayView1<'_, F>,
    weight: ArrayView1<'_, F>,
) -> (F, Array1<F>, F) {
    let mut grad = vec![F::zero(); d];
    let mut loss = F::zero();
    let mut grad_b = F::zero();
    for ((row, &yi), &wi) in flat.chunks_exact(d).zip(&y).zip(&weight) {
        let t = binary_terms(yi, dot(row, coef) + intercept);
        loss += wi * t.loss;
        let r = wi * t.residual;
        grad_b += r;
        for (a, &v) in grad.iter_mut().zip(row) {
            *a += r * v;
        }
    }
    (loss, Array1::from(grad), grad_b)
}

/// a·b with eight independent partial sums, which the compiler keeps in SIMD
/// lanes (one running sum is a dependency chain it may not reorder).
#[inline]
fn dot<F: Float>(a: &[F], b: &[F]) -> F {
    let (a8, b8) = (a.chunks_exact(8), b.chunks_exact(8));
    let mut tail = F::zero();
    for (&u, &v) in a8.remainder().iter().zip(b8.remainder()) {
        tail += u * v;
    }
    let mut acc = [F::zero(); 8];
    for (u, v) in a8.zip(b8) {
        for ((s, &p), &q) in acc.iter_mut().zip(u).zip(v) {
            *s += p * q;
        }
    }
    let [s0, s1, s2, s3, s4, s5, s6, s7] = acc;
    ((s0 + s4) + (s1 + s5)) + ((s2 + s6) + (s3 + s7)) + tail
}

/// Hessian weights sᵢ pᵢ (1 − pᵢ) of the binary loss, one per row.
pub(crate) fn binary_hessian_weights<F: Float>(
    data: BinaryData<'_, F>,
    coef: ArrayView1<'_, F>,
    intercept: F,
) -> Array1<F> {
    let mut h = data.x.dot(&coef);
    Zip::from(&mut h)
        .and(data.y)
        .and(data.weight)
        .for_each(|e, &y, &w| *e = w * binary_terms(y, *e + intercept).hess_weight);
    h
}

/// X̃ᵀ diag(h) X̃ for X̃ = [X, 1] (or X without intercept), built chunk by
/// chunk with one GEMM per chunk on √h·X̃. Needs h ≥ 0.
pub(crate) fn weighted_gram<F: Float>(
    x: ArrayView2<'_, F>,
    h: ArrayView1<'_, F>,
    fit_intercept: bool,
) -> Array2<F> {
    let (n, d) = x.dim();
    let p = d + usize::from(fit_intercept);
    let mut gram = Array2::zeros((p, p));
    let step = gram_chunk_rows(p);
    let mut scaled = Array2::zeros((step.min(n), p));
    for start in (0..n).step_by(step) {
        let rows = start..(start + step).min(n);
        let len = rows.len();
        let mut block = scaled.slice_mut(s![..len, ..]);
        Zip::from(block.rows_mut())
            .and(x.slice(s![rows.clone(), ..]).rows())
            .and(h.slice(s![rows]))
            .for_each(|mut out, xi, &hi| {
                let r = hi.sqrt();
                out.slice_mut(s![..d]).zip_mut_with(&xi, |o, &v| *o = r * v);
                if fit_intercept {
                    out[d] = r;
                }
            });
        let block = scaled.slice(s![..len, ..]);
        F::gemm_tn_add(gram.view_mut(), block, block);
    }
    gram
}

/// Data of a multinomial pass: rows of X, class indices and sample weights.
#[derive(Clone, Copy)]
pub(crate) struct MultinomialData<'a, F> {
    pub x: ArrayView2<'a, F>,
    pub class: &'a [usize],
    pub weight: ArrayView1<'a, F>,
}

/// Scores η = X Wᵀ + b for a block of rows.
pub(crate) fn scores<F: Float>(
    x: ArrayView2<'_, F>,
    coef: ArrayView2<'_, F>,
    intercept: ArrayView1<'_, F>,
) -> Array2<F> {
    let mut eta = x.dot(&coef.t());
    eta += &intercept;
    eta
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
    let (n, d) = data.x.dim();
    // A chunk holds its rows of X and their k scores: size it by both, so
    // that thousands of classes do not make a chunk hundreds of megabytes.
    let parts = map_row_chunks(n, d + coef.nrows(), |rows| {
        let x = data.x.slice(s![rows.clone(), ..]);
        let mut eta = scores(x, coef, intercept);
        let mut loss = F::zero();
        for ((mut row, &c), &w) in eta
            .rows_mut()
            .into_iter()
            .zip(&data.class[rows.clone()])
            .zip(data.weight.slice(s![rows]))
        {
            let lse = logsumexp(row.view());
            loss += w * (lse - row[c]);
            row.mapv_inplace(|v| w * (v - lse).exp());
            row[c] -= w;
        }
        (loss, eta.t().dot(&x), eta.sum_axis(Axis(0)))
    });
    grad_coef.fill(F::zero());
    grad_intercept.fill(F::zero());
    let mut loss = F::zero();
    for (l, g, gb) in parts {
        loss += l;
        grad_coef += &g;
        grad_intercept += &gb;
    }
    loss
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
