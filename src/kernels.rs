//! Numerically stable kernels: the only place where sigmoid, softplus,
//! log-sum-exp, softmax and cross-entropy are computed.
//!
//! Scalar kernels are finite and accurate for every finite input (including
//! ±`f64::MAX`). The fused passes sweep the rows of X once, in cache-sized
//! chunks that run in parallel, and sum the chunk results in a fixed order so
//! that the answer does not depend on the number of threads.

use crate::Float;
use crate::fastmath::{exp_nonpositive, log1p_unit};
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
    let parallel = n_rows * n_features.max(1) >= 1 << 16;
    map_chunks(n_rows, chunk_rows(n_features), parallel, f)
}

/// Maps `f` over the ranges `step` rows long that cover `0..n_rows`, in
/// parallel if asked (and there is more than one), and returns the results
/// in range order.
pub(crate) fn map_chunks<T, M>(n_rows: usize, step: usize, parallel: bool, f: M) -> Vec<T>
where
    T: Send,
    M: Fn(std::ops::Range<usize>) -> T + Sync + Send,
{
    let step = step.max(1);
    let ranges: Vec<_> = (0..n_rows)
        .step_by(step)
        .map(|start| start..(start + step).min(n_rows))
        .collect();
    if ranges.len() > 1 && parallel {
        ranges.into_par_iter().map(f).collect()
    } else {
        ranges.into_iter().map(f).collect()
    }
}

/// Defines `$name`, which runs `$portable` compiled for AVX2 when the CPU
/// has it, and as the target allows otherwise (baseline x86-64 is SSE2, half
/// the vector width). `$portable` must be `#[inline(always)]`, so that its
/// body is compiled into the AVX2 copy. The copies run the same operations in
/// the same order (no FMA contraction), so results do not depend on the CPU.
macro_rules! with_avx2 {
    (
        $(#[$doc:meta])*
        fn $name:ident<F: Float>($($arg:ident: $ty:ty),* $(,)?) -> $ret:ty = $portable:ident;
    ) => {
        $(#[$doc])*
        #[doc = "Compiled for AVX2 when the CPU has it."]
        fn $name<F: Float>($($arg: $ty),*) -> $ret {
            #[cfg(target_arch = "x86_64")]
            if std::arch::is_x86_feature_detected!("avx2") {
                #[target_feature(enable = "avx2")]
                unsafe fn avx2<F: Float>($($arg: $ty),*) -> $ret {
                    $portable($($arg),*)
                }
                // SAFETY: the CPU supports AVX2, the only feature `avx2` enables.
                return unsafe { avx2($($arg),*) };
            }
            $portable($($arg),*)
        }
    };
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
///
/// Chunk results are summed in f64 whatever F is: in f32, thousands of chunk
/// gradients summed in f32 would lose digits the line searches need.
pub(crate) fn binary_loss_grad<F: Float>(
    data: BinaryData<'_, F>,
    coef: ArrayView1<'_, F>,
    intercept: F,
    mut grad_coef: ArrayViewMut1<'_, F>,
) -> (F, F) {
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
    for (out, total) in grad_coef.iter_mut().zip(grad) {
        *out = F::from_f64_lossy(total);
    }
    (F::from_f64_lossy(loss), F::from_f64_lossy(grad_b))
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
        for (i, row) in x.chunks_exact(d).enumerate() {
            loss += row_loss[i];
            grad_intercept += residual[i];
            let r = F::from_f64_lossy(residual[i]);
            for (a, &v) in grad.iter_mut().zip(row) {
                *a += r * v;
            }
        }
    }
    BinaryPart {
        loss,
        grad,
        grad_intercept,
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

/// a·b with sixteen independent partial sums, which the compiler keeps in
/// SIMD registers (one running sum is a dependency chain it may not reorder):
/// four AVX2 registers of f64, two of f32. Written as sixteen explicit
/// statements because LLVM vectorizes an inner loop over the lanes, or an
/// iterator over chunks, with shuffles across iterations instead.
#[inline(always)]
fn dot<F: Float>(a: &[F], b: &[F]) -> F {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let body = n - n % 16;
    let mut acc = [F::zero(); 16];
    let mut i = 0;
    while i < body {
        let (u, v) = (&a[i..i + 16], &b[i..i + 16]);
        acc[0] += u[0] * v[0];
        acc[1] += u[1] * v[1];
        acc[2] += u[2] * v[2];
        acc[3] += u[3] * v[3];
        acc[4] += u[4] * v[4];
        acc[5] += u[5] * v[5];
        acc[6] += u[6] * v[6];
        acc[7] += u[7] * v[7];
        acc[8] += u[8] * v[8];
        acc[9] += u[9] * v[9];
        acc[10] += u[10] * v[10];
        acc[11] += u[11] * v[11];
        acc[12] += u[12] * v[12];
        acc[13] += u[13] * v[13];
        acc[14] += u[14] * v[14];
        acc[15] += u[15] * v[15];
        i += 16;
    }
    let mut tail = F::zero();
    for (&u, &v) in a[body..].iter().zip(&b[body..]) {
        tail += u * v;
    }
    acc.iter().fold(F::zero(), |s, &v| s + v) + tail
}

/// Hessian weights sᵢ pᵢ (1 − pᵢ) of the binary loss, one per row.
pub(crate) fn binary_hessian_weights<F: Float>(
    data: BinaryData<'_, F>,
    coef: ArrayView1<'_, F>,
    intercept: F,
) -> Array1<F> {
    let mut h = linear_predictor(data.x, coef, intercept);
    Zip::from(&mut h)
        .and(data.y)
        .and(data.weight)
        .for_each(|e, &y, &w| *e = w * binary_terms(y, *e).hess_weight);
    h
}

/// η = Xw + b, in parallel row chunks, with the pass's row dot products
/// (ndarray's matrix–vector product is SSE2 only and single-threaded).
pub(crate) fn linear_predictor<F: Float>(
    x: ArrayView2<'_, F>,
    coef: ArrayView1<'_, F>,
    intercept: F,
) -> Array1<F> {
    let (n, d) = x.dim();
    let parts = map_row_chunks(n, d, |rows| {
        let x = x.slice(s![rows, ..]);
        match (x.as_slice(), coef.as_slice()) {
            (Some(x), Some(coef)) if d > 0 => row_dots(x, d, coef, intercept),
            _ => (x.dot(&coef) + intercept).to_vec(),
        }
    });
    parts.into_iter().flatten().collect()
}

with_avx2! {
    /// xᵢ·w + b for contiguous rows.
    fn row_dots<F: Float>(x: &[F], d: usize, coef: &[F], intercept: F) -> Vec<F>
        = row_dots_portable;
}

#[inline(always)]
fn row_dots_portable<F: Float>(x: &[F], d: usize, coef: &[F], intercept: F) -> Vec<F> {
    x.chunks_exact(d)
        .map(|row| dot(row, coef) + intercept)
        .collect()
}

/// X̃ᵀ diag(h) X̃ for X̃ = [X, 1] (or X without intercept), built chunk by
/// chunk with one symmetric rank-k update per chunk on √h·X̃ (the lower
/// triangle, then mirrored). Needs h ≥ 0.
pub(crate) fn weighted_gram<F: Float>(
    x: ArrayView2<'_, F>,
    h: ArrayView1<'_, F>,
    fit_intercept: bool,
) -> Array2<F> {
    let (n, d) = x.dim();
    let p = d + usize::from(fit_intercept);
    // Chunks run in parallel, each with a sequential update into its own
    // Gram, summed in chunk order: faer parallelizing one skinny update
    // (p × p output, thousands of rows) spent its time in barriers.
    let parts = map_chunks(n, gram_chunk_rows(p), n * p * p >= 1 << 20, |rows| {
        let mut scaled = Array2::zeros((rows.len(), p));
        let x = x.slice(s![rows.clone(), ..]);
        let h = h.slice(s![rows]);
        match (scaled.as_slice_mut(), x.as_slice(), h.as_slice()) {
            (Some(out), Some(x), Some(h)) if d > 0 => {
                for ((out, xi), &hi) in out.chunks_exact_mut(p).zip(x.chunks_exact(d)).zip(h) {
                    let r = hi.sqrt();
                    for (o, &v) in out.iter_mut().zip(xi) {
                        *o = r * v;
                    }
                    if fit_intercept {
                        out[d] = r;
                    }
                }
            }
            _ => Zip::from(scaled.rows_mut())
                .and(x.rows())
                .and(h)
                .for_each(|mut out, xi, &hi| {
                    let r = hi.sqrt();
                    out.slice_mut(s![..d]).zip_mut_with(&xi, |o, &v| *o = r * v);
                    if fit_intercept {
                        out[d] = r;
                    }
                }),
        }
        let mut gram = Array2::zeros((p, p));
        F::gram_lower_add(gram.view_mut(), scaled.view());
        gram
    });
    let mut gram = Array2::zeros((p, p));
    for part in parts {
        gram += &part;
    }
    // Only the lower triangle was accumulated: mirror it.
    for i in 0..p {
        for j in 0..i {
            gram[(j, i)] = gram[(i, j)];
        }
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
    // faer's GEMM: in the softmax pass, matrixmultiply (ndarray's `dot`)
    // repacked each chunk of X.
    let mut eta = Array2::zeros((x.nrows(), coef.nrows()));
    F::gemm_tn_add(eta.view_mut(), x.t(), coef.t());
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
    });
    grad_coef.fill(F::zero());
    grad_intercept.fill(F::zero());
    let mut loss = 0.0;
    for (l, g, gb) in parts {
        loss += l;
        grad_coef += &g;
        grad_intercept += &gb;
    }
    F::from_f64_lossy(loss)
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
    let mut loss = 0.0;
    for ((row, &c), &w) in eta.chunks_exact_mut(k.max(1)).zip(class).zip(weight) {
        loss += softmax_residual_row(row, c, w);
    }
    loss
}

/// Replaces a row of scores η by its weighted residuals s·(softmax(η) −
/// onehot(c)) and returns its weighted loss s·(logsumexp(η) − η_c), in f64.
/// One branch-free e^x per class (vectorized across classes, see
/// [`crate::fastmath`]) serves both the log-sum-exp and the probabilities,
/// where calling `exp` twice per class took a quarter of a softmax fit.
#[inline(always)]
fn softmax_residual_row<F: Float>(row: &mut [F], class: usize, weight: F) -> f64 {
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
    for v in row.iter_mut() {
        *v = F::from_f64_lossy(exp_nonpositive(v.to_f64_lossy() - max64));
    }
    // ln Σ e^(η − max) as ln_1p of the sum without the maximal term (which is
    // exactly 1), as in `logsumexp`.
    let rest: f64 = row
        .iter()
        .enumerate()
        .filter(|&(i, _)| i != argmax)
        .map(|(_, v)| v.to_f64_lossy())
        .sum();
    let weight64 = weight.to_f64_lossy();
    let loss = (max64 - target.to_f64_lossy()) + rest.ln_1p();
    let scale = F::from_f64_lossy(weight64 / (1.0 + rest));
    for v in row.iter_mut() {
        *v *= scale;
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
}
