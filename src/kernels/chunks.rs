//! How the passes split the rows: chunk sizes that depend only on the width
//! (so the summation order never depends on the thread count), the chunk
//! maps, and the run-time AVX2 dispatch.

use ndarray::{ArrayViewMut2, Axis};
use rayon::prelude::*;

/// Rows per chunk for the Gram products XᵀDX: about 512 KiB of f64 rows,
/// tall enough that each rank-k update (or GEMM) runs near full speed
/// (655 rows at 100 features). Chunks of 2 MiB ran no faster, and their
/// scratch buffers' fresh pages made a process's first Newton fit of
/// 1e5 × 100 take 124 ms against 103–104 ms (later fits: 88–94 against
/// 84–86 ms; BENCHMARKS.md, issue 21's sixth round).
pub(crate) fn gram_chunk_rows(width: usize) -> usize {
    ((1 << 16) / width.max(1)).clamp(64, 16_384)
}

/// Rows per chunk: about 512 KiB of f64 X (at most 16,384 rows, so that
/// narrow data still split between threads). Depends only on d, so the
/// summation order never depends on the thread count. A pass walks each
/// chunk in blocks of 8 rows that stay in L1 between the dot products and
/// the gradient updates, so the chunk's size sets only the per-chunk costs
/// (a task, a gradient buffer, one more term in the sums) and the shape of
/// the softmax's GEMMs. 1e6 × 100, criterion `large/`, alternated twice
/// against 128 KiB chunks: binary pass 52.6–53.6 against 55.3–55.4 ms in
/// f64 and 34.0–34.1 against 34.7–34.9 ms in f32; softmax pass 113–118
/// against 129–131 ms in f64 and 69–71 against 79–80 ms in f32. Chunks of
/// 2 MiB made the softmax pass slower (151 ms).
pub(crate) fn chunk_rows(n_features: usize) -> usize {
    (65_536 / n_features.max(1)).clamp(64, 16_384)
}

/// Maps `f` over the row chunks of X (in parallel when the work is large
/// enough to pay for it) and returns the results in chunk order.
pub(crate) fn map_row_chunks<T, M>(n_rows: usize, n_features: usize, f: M) -> Vec<T>
where
    T: Send,
    M: Fn(std::ops::Range<usize>) -> T + Sync + Send,
{
    let parallel = n_rows * n_features.max(1) >= PARALLEL_WORK;
    map_chunks(n_rows, chunk_rows(n_features), parallel, f)
}

/// Maps `f` over the row chunks of a computation whose rows `rows` write
/// the same rows of `out`: `f(rows, out_rows)`, chunked as
/// [`map_row_chunks`] with `width` values per row, in parallel when large
/// enough, results in chunk order. Each row's output depends only on its
/// chunk's inputs, so it does not depend on the thread count.
pub(crate) fn map_row_chunks_into<A, T, M>(
    mut out: ArrayViewMut2<'_, A>,
    width: usize,
    f: M,
) -> Vec<T>
where
    A: Send,
    T: Send,
    M: Fn(std::ops::Range<usize>, ArrayViewMut2<'_, A>) -> T + Sync + Send,
{
    let n_rows = out.nrows();
    if n_rows == 0 {
        return Vec::new();
    }
    let step = chunk_rows(width);
    let chunks: Vec<_> = out
        .axis_chunks_iter_mut(Axis(0), step)
        .enumerate()
        .map(|(i, rows)| {
            let start = i * step;
            (start..start + rows.nrows(), rows)
        })
        .collect();
    if chunks.len() > 1 && n_rows * width.max(1) >= PARALLEL_WORK {
        chunks.into_par_iter().map(|(r, o)| f(r, o)).collect()
    } else {
        chunks.into_iter().map(|(r, o)| f(r, o)).collect()
    }
}

/// Values (rows × width) below which a pass runs on one thread.
const PARALLEL_WORK: usize = 1 << 16;

/// Maps `f` over the ranges `step` rows long that cover `0..n_rows`, in
/// parallel if asked (and there is more than one), and returns the results
/// in range order.
pub(crate) fn map_chunks<T, M>(n_rows: usize, step: usize, parallel: bool, f: M) -> Vec<T>
where
    T: Send,
    M: Fn(std::ops::Range<usize>) -> T + Sync + Send,
{
    map_chunks_init(n_rows, step, parallel, || (), |_, rows| f(rows))
}

/// [`map_chunks`] with scratch space: `f(scratch, rows)` gets a value made
/// by `init` and shared by the ranges one task runs in turn, so buffers are
/// allocated (and their pages touched) a few times per call, not once per
/// range. Results must not depend on the scratch's earlier contents.
pub(crate) fn map_chunks_init<S, T, I, M>(
    n_rows: usize,
    step: usize,
    parallel: bool,
    init: I,
    f: M,
) -> Vec<T>
where
    T: Send,
    I: Fn() -> S + Sync + Send,
    M: Fn(&mut S, std::ops::Range<usize>) -> T + Sync + Send,
{
    let step = step.max(1);
    let ranges: Vec<_> = (0..n_rows)
        .step_by(step)
        .map(|start| start..(start + step).min(n_rows))
        .collect();
    if ranges.len() > 1 && parallel {
        ranges.into_par_iter().map_init(init, f).collect()
    } else {
        let mut scratch = init();
        ranges
            .into_iter()
            .map(|rows| f(&mut scratch, rows))
            .collect()
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
pub(crate) use with_avx2;
