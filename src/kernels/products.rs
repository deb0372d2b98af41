//! Products over row chunks: dot products, η = Xw + b, the scores X Wᵀ + b
//! and the weighted Gram matrices of the Hessians.

use super::chunks::{gram_chunk_rows, map_chunks_init, map_row_chunks, with_avx2};
use crate::Float;
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, ArrayViewMut2, Axis, Zip, s};

/// a·b with sixteen independent partial sums, which the compiler keeps in
/// SIMD registers (one running sum is a dependency chain it may not reorder):
/// four AVX2 registers of f64, two of f32. Written as sixteen explicit
/// statements because LLVM vectorizes an inner loop over the lanes, or an
/// iterator over chunks, with shuffles across iterations instead.
#[inline(always)]
pub(super) fn dot<F: Float>(a: &[F], b: &[F]) -> F {
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

/// η = Xw + b, in parallel row chunks, with the pass's row dot products
/// (ndarray's matrix–vector product is SSE2 only and single-threaded).
pub(crate) fn linear_predictor<F: Float>(
    x: ArrayView2<'_, F>,
    coef: ArrayView1<'_, F>,
    intercept: F,
) -> Array1<F> {
    let (n, d) = x.dim();
    let parts = map_row_chunks(n, d, |rows| {
        linear_predictor_rows(x.slice(s![rows, ..]), coef, intercept)
    });
    parts.into_iter().flatten().collect()
}

/// η = Xw + b on one thread, row by row as [`linear_predictor`] computes
/// each (the same bits).
pub(super) fn linear_predictor_rows<F: Float>(
    x: ArrayView2<'_, F>,
    coef: ArrayView1<'_, F>,
    intercept: F,
) -> Vec<F> {
    let mut eta = vec![F::zero(); x.nrows()];
    linear_predictor_into(x, coef, intercept, &mut eta);
    eta
}

/// [`linear_predictor_rows`] into `out` (one per row of `x`).
pub(super) fn linear_predictor_into<F: Float>(
    x: ArrayView2<'_, F>,
    coef: ArrayView1<'_, F>,
    intercept: F,
    out: &mut [F],
) {
    let d = x.ncols();
    match (x.as_slice(), coef.as_slice()) {
        (Some(x), Some(coef)) if d > 0 => row_dots(x, d, coef, intercept, out),
        _ => {
            for (o, row) in out.iter_mut().zip(x.rows()) {
                *o = row.dot(&coef) + intercept;
            }
        }
    }
}

with_avx2! {
    /// xᵢ·w + b for contiguous rows, into `out` (one per row).
    fn row_dots<F: Float>(x: &[F], d: usize, coef: &[F], intercept: F, out: &mut [F]) -> ()
        = row_dots_portable;
}

#[inline(always)]
fn row_dots_portable<F: Float>(x: &[F], d: usize, coef: &[F], intercept: F, out: &mut [F]) {
    for (o, row) in out.iter_mut().zip(x.chunks_exact(d)) {
        *o = dot(row, coef) + intercept;
    }
}

/// X̃ᵀ diag(h) X̃ for X̃ = [X, 1] (or X without intercept), built chunk by
/// chunk with one symmetric rank-k update per chunk on √h·X̃ (a GEMM under
/// the `lapack` feature; the lower triangle is read, then mirrored). Needs
/// h ≥ 0.
pub(crate) fn weighted_gram<F: Float>(
    x: ArrayView2<'_, F>,
    h: ArrayView1<'_, F>,
    fit_intercept: bool,
) -> Array2<F> {
    weighted_gram_with(x, fit_intercept, |rows, out| {
        for (o, &v) in out.iter_mut().zip(h.slice(s![rows])) {
            *o = v;
        }
    })
}

/// [`weighted_gram`] with the weights of rows `rows` computed by
/// `weights(rows, out)` into `out` just before those rows are scaled, in
/// blocks of [`WEIGHT_BLOCK_ROWS`] rows, so that a block read for its
/// weights is still in cache when it is scaled (the binary Hessian's
/// weights need xᵢ·w: computed up front, they cost a pass over X of their
/// own). The result is the same bits as [`weighted_gram`]'s whenever the
/// weights are.
pub(crate) fn weighted_gram_with<F: Float>(
    x: ArrayView2<'_, F>,
    fit_intercept: bool,
    weights: impl Fn(std::ops::Range<usize>, &mut [F]) + Sync,
) -> Array2<F> {
    let (n, d) = x.dim();
    let p = d + usize::from(fit_intercept);
    let step = gram_chunk_rows(p);
    let chunks = n.div_ceil(step);
    let lanes = GRAM_LANES.min(chunks);
    // Each task keeps one buffer of √h·X̃ rows and one chunk's Gram for
    // the lanes it runs. Chunks run in parallel (lane by lane), each one
    // sequential update: faer parallelizing one skinny update (p × p
    // output, thousands of rows) spent its time in barriers.
    let scratch = || {
        (
            Array2::zeros((step.min(n), p)),
            Array2::zeros((p, p)),
            vec![F::zero(); WEIGHT_BLOCK_ROWS],
        )
    };
    let parallel = n * p * p >= 1 << 20;
    // One task per lane: ranges of length 1 over 0..lanes.
    let lane_sums = map_chunks_init(lanes, 1, parallel, scratch, |buffers, lane| {
        let (scaled, part, h) = buffers;
        let mut sum = Array2::zeros((p, p));
        for chunk in (lane.start..chunks).step_by(lanes) {
            let rows = chunk * step..((chunk + 1) * step).min(n);
            let mut scaled = scaled.slice_mut(s![..rows.len(), ..]);
            for (block, mut out) in scaled
                .axis_chunks_iter_mut(Axis(0), WEIGHT_BLOCK_ROWS)
                .enumerate()
            {
                let first = rows.start + block * WEIGHT_BLOCK_ROWS;
                let block = first..first + out.nrows();
                let h = &mut h[..block.len()];
                weights(block.clone(), h);
                scale_rows(x.slice(s![block, ..]), h, fit_intercept, out.view_mut());
            }
            part.fill(F::zero());
            F::gram_lower_add(part.view_mut(), scaled.view());
            sum += &*part;
        }
        sum
    });
    let mut gram = Array2::zeros((p, p));
    for sum in lane_sums {
        gram += &sum;
    }
    // Only the lower triangle was accumulated: mirror it.
    for i in 0..p {
        for j in 0..i {
            gram[(j, i)] = gram[(i, j)];
        }
    }
    gram
}

/// Running sums the Gram products deal their chunks to: chunk c is added
/// to sum c mod `GRAM_LANES` in chunk order, and the sums are added in
/// order. The bits depend only on the chunks (never on the thread count),
/// at most this many tasks run at once, and memory is this many p × p
/// sums. One sum per chunk, kept until all were added in chunk order, took
/// 3 MB of fresh pages per Hessian of 1e5 × 100: a process's first Newton
/// fit there took about 5,100 page faults, against 2,400 with the lanes,
/// the weight blocks and 512 KiB chunks (BENCHMARKS.md, issue 21's sixth
/// round).
pub(crate) const GRAM_LANES: usize = 8;

/// Rows whose weights are computed at once before they are scaled: 256
/// rows of 100 f64 features are 200 KB, which stay in L2.
const WEIGHT_BLOCK_ROWS: usize = 256;

/// `out` = √h·X̃ row by row for X̃ = [X, 1] (or X without intercept).
fn scale_rows<F: Float>(
    x: ArrayView2<'_, F>,
    h: &[F],
    fit_intercept: bool,
    mut out: ArrayViewMut2<'_, F>,
) {
    let (d, p) = (x.ncols(), out.ncols());
    match (out.as_slice_mut(), x.as_slice()) {
        (Some(out), Some(x)) if d > 0 => {
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
        _ => Zip::from(out.rows_mut())
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
}

/// Scores η = X Wᵀ + b for a block of rows.
pub(crate) fn scores<F: Float>(
    x: ArrayView2<'_, F>,
    coef: ArrayView2<'_, F>,
    intercept: ArrayView1<'_, F>,
) -> Array2<F> {
    let mut eta = Array2::zeros((x.nrows(), coef.nrows()));
    scores_into(x, coef, intercept, eta.view_mut());
    eta
}

/// Scores class by class, k × rows: `out[(c, i)]` = xᵢ·w_c + b_c, as the
/// softmax pass walks them. One GEMM with the rows as its long dimension:
/// on the Intel Xeon of BENCHMARKS.md's fifth round the 10-class 1e5 × 50
/// fit took 177–192 ms this way against 207–222 ms for row-major scores
/// (a GEMM whose 10 output columns filled 16-wide kernels) copied into
/// this layout; on the AMD EPYC of the third round it made no difference.
pub(crate) fn scores_by_class<F: Float>(
    x: ArrayView2<'_, F>,
    coef: ArrayView2<'_, F>,
    intercept: ArrayView1<'_, F>,
) -> Array2<F> {
    let mut out = Array2::zeros((coef.nrows(), x.nrows()));
    F::gemm_tn_add(out.view_mut(), coef.t(), x.t());
    for (mut row, &b) in out.rows_mut().into_iter().zip(intercept) {
        row.mapv_inplace(|v| v + b);
    }
    out
}

/// [`scores`] written into `out` (rows × k). One class (a binary model):
/// the pass's row dot products, at memory speed; more: faer's GEMM (in the
/// softmax pass, matrixmultiply, ndarray's `dot`, repacked each chunk of X).
fn scores_into<F: Float>(
    x: ArrayView2<'_, F>,
    coef: ArrayView2<'_, F>,
    intercept: ArrayView1<'_, F>,
    mut out: ArrayViewMut2<'_, F>,
) {
    let d = x.ncols();
    if coef.nrows() == 1 && d > 0 {
        let w = coef.row(0);
        if let (Some(x), Some(w), Some(eta)) = (x.as_slice(), w.as_slice(), out.as_slice_mut()) {
            row_dots(x, d, w, intercept[0], eta);
            return;
        }
    }
    out.fill(F::zero());
    F::gemm_tn_add(out.view_mut(), x.t(), coef.t());
    out += &intercept;
}
