//! The rows of X restricted to the coordinates of one conjugate-gradient
//! run (binary model on compressed columns): a product with the Hessian
//! then reads each entry once, row by row (X·v and Xᵀ(w ⊙ X·v) in the same
//! pass), where the columns need two passes, and blocks of rows run in
//! parallel.

use super::columns::{Column, clamp};
use crate::Float;
use rayon::prelude::*;
use std::ops::Range;

/// Entries per block of rows. Each block sums its own Xᵀ(…) over the run's
/// coordinates, so a block must hold far more entries than there are
/// coordinates for the extra sums to be cheap.
const BLOCK_ENTRIES: usize = 1 << 18;

/// The entries of X in the columns of a run's coordinates, by row.
pub(super) struct ActiveRows<F> {
    /// Row i holds entries `start[i]..start[i + 1]`.
    start: Vec<usize>,
    /// Each entry's coordinate, as a position in the run's list.
    position: Vec<u32>,
    values: Vec<F>,
    /// How many coordinates (positions).
    width: usize,
    /// Row ranges cut by the entry count alone, and summed in this order:
    /// the results do not depend on the thread count.
    blocks: Vec<Range<usize>>,
}

impl<F: Float> ActiveRows<F> {
    /// The rows of `columns` (one per position); `None` when the positions
    /// do not fit the compressed indices.
    pub fn of(n_rows: usize, columns: &[Column<'_, F>]) -> Option<Self> {
        Self::in_blocks(n_rows, columns, BLOCK_ENTRIES)
    }

    /// [`of`](Self::of) with blocks of at least `block_entries` entries.
    fn in_blocks(n_rows: usize, columns: &[Column<'_, F>], block_entries: usize) -> Option<Self> {
        u32::try_from(columns.len()).ok()?;
        let mut count = vec![0_usize; n_rows];
        for column in columns {
            column.for_each(|i, x| {
                if x != F::zero() {
                    count[i] += 1;
                }
            });
        }
        let mut start = Vec::with_capacity(n_rows + 1);
        start.push(0);
        for &c in &count {
            start.push(start.last().copied().unwrap_or(0) + c);
        }
        let nnz = start.last().copied().unwrap_or(0);
        let mut next = start[..n_rows].to_vec();
        let mut position = vec![0_u32; nnz];
        let mut values = vec![F::zero(); nnz];
        for (a, column) in columns.iter().enumerate() {
            column.for_each(|i, x| {
                if x != F::zero() {
                    // a < 2³² was checked above.
                    position[next[i]] = a as u32;
                    values[next[i]] = x;
                    next[i] += 1;
                }
            });
        }
        let mut blocks = Vec::new();
        let mut from = 0;
        for i in 0..n_rows {
            if start[i + 1] - start[from] >= block_entries {
                blocks.push(from..i + 1);
                from = i + 1;
            }
        }
        if from < n_rows || blocks.is_empty() {
            blocks.push(from..n_rows);
        }
        Some(Self {
            start,
            position,
            values,
            width: columns.len(),
            blocks,
        })
    }

    /// How many coordinates (positions).
    pub fn width(&self) -> usize {
        self.width
    }

    /// Row i's positions and values.
    #[inline]
    fn row(&self, i: usize) -> (&[u32], &[F]) {
        let range = self.start[i]..self.start[i + 1];
        (&self.position[range.clone()], &self.values[range])
    }

    /// X·v (one per row) for v given per position.
    pub fn times(&self, v: &[F]) -> Vec<F> {
        self.pass(|_, t| t, Some(v), false).0
    }

    /// Xᵀ(s) per position, for sᵢ = `s(i)`.
    pub fn transpose_times(&self, s: impl Fn(usize) -> F + Sync) -> Vec<F> {
        self.pass(|i, _| s(i), None, true).1
    }

    /// X·v and Xᵀ(w ⊙ X·v) per position, in one pass.
    pub fn gram(&self, v: &[F], w: &[F]) -> (Vec<F>, Vec<F>) {
        self.pass(|i, t| w[i] * t, Some(v), true)
    }

    /// One pass by blocks of rows: tᵢ = (X·v)ᵢ (zero without v), then, if
    /// `scatter`, Xᵀ(s) with sᵢ = `s(i, tᵢ)`; the t per row, and the sums.
    fn pass(
        &self,
        s: impl Fn(usize, F) -> F + Sync,
        v: Option<&[F]>,
        scatter: bool,
    ) -> (Vec<F>, Vec<F>) {
        let parts: Vec<(Vec<F>, Vec<F>)> = self
            .blocks
            .par_iter()
            .map(|rows| {
                let mut t_rows = Vec::with_capacity(rows.len());
                let mut sums = vec![F::zero(); if scatter { self.width } else { 0 }];
                for i in rows.clone() {
                    let (position, values) = self.row(i);
                    let t = v.map_or(F::zero(), |v| row_dot(position, values, v));
                    t_rows.push(t);
                    if scatter {
                        row_scatter(position, values, s(i, t), &mut sums);
                    }
                }
                (t_rows, sums)
            })
            .collect();
        let mut t_all = Vec::with_capacity(self.start.len().saturating_sub(1));
        let mut total: Option<Vec<F>> = None;
        for (t_rows, sums) in parts {
            t_all.extend(t_rows);
            match &mut total {
                None => total = Some(sums),
                Some(total) => {
                    for (a, b) in total.iter_mut().zip(sums) {
                        *a += b;
                    }
                }
            }
        }
        (t_all, total.unwrap_or_default())
    }
}

/// sums[positionₑ] += xₑ·s over one row's entries (a function of its own,
/// not inlined, so that s and the sums' address stay in registers).
#[inline(never)]
fn row_scatter<F: Float>(position: &[u32], values: &[F], s: F, sums: &mut [F]) {
    let Some(last) = sums.len().checked_sub(1) else {
        return;
    };
    for (&a, &x) in position.iter().zip(values) {
        sums[clamp(a, last)] += x * s;
    }
}

/// Σ xₑ·v[positionₑ] over one row's entries, in four interleaved sums: one
/// running sum waits on every addition in turn, and the gather is most of
/// a product's time.
#[inline]
fn row_dot<F: Float>(position: &[u32], values: &[F], v: &[F]) -> F {
    let Some(last) = v.len().checked_sub(1) else {
        return F::zero();
    };
    let mut sums = [F::zero(); 4];
    let (p4, x4) = (position.chunks_exact(4), values.chunks_exact(4));
    let (p_rest, x_rest) = (p4.remainder(), x4.remainder());
    for (p, x) in p4.zip(x4) {
        for lane in 0..4 {
            sums[lane] += x[lane] * v[clamp(p[lane], last)];
        }
    }
    let mut rest = F::zero();
    for (&a, &x) in p_rest.iter().zip(x_rest) {
        rest += x * v[clamp(a, last)];
    }
    (sums[0] + sums[1]) + (sums[2] + sums[3]) + rest
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // test code: a failed setup is a failed test
mod tests {
    use super::*;

    /// Row indices, values and the dense columns.
    type Data = (Vec<Vec<u32>>, Vec<Vec<f64>>, Vec<Vec<f64>>);

    /// 60 rows, 9 columns (the last the intercept's ones) of seeded
    /// pseudo-random entries, about a third non-zero, stored by column.
    fn columns() -> Data {
        let mut state = 12345_u64;
        let mut next = move || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 11) as f64 / (1_u64 << 53) as f64
        };
        let (mut index, mut values, mut dense) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..8 {
            let (mut rows, mut vals, mut column) = (Vec::new(), Vec::new(), vec![0.0; 60]);
            for (i, entry) in column.iter_mut().enumerate() {
                if next() < 0.35 {
                    *entry = next() * 4.0 - 2.0;
                    rows.push(i as u32);
                    vals.push(*entry);
                }
            }
            index.push(rows);
            values.push(vals);
            dense.push(column);
        }
        dense.push(vec![1.0; 60]);
        (index, values, dense)
    }

    fn view<'a>(index: &'a [Vec<u32>], values: &'a [Vec<f64>]) -> Vec<Column<'a, f64>> {
        let mut out: Vec<Column<'a, f64>> = index
            .iter()
            .zip(values)
            .map(|(r, v)| Column::Sparse(r, v))
            .collect();
        out.push(Column::Ones(60));
        out
    }

    #[test]
    fn products_by_rows_equal_the_dense_products() {
        let (index, values, dense) = columns();
        let v: Vec<f64> = (0..9).map(|a| (a as f64 - 3.5) / 2.0).collect();
        let w: Vec<f64> = (0..60).map(|i| 0.01 + (i % 7) as f64 / 10.0).collect();
        let xv: Vec<f64> = (0..60)
            .map(|i| (0..9).map(|a| dense[a][i] * v[a]).sum())
            .collect();
        let hv: Vec<f64> = (0..9)
            .map(|a| (0..60).map(|i| dense[a][i] * w[i] * xv[i]).sum())
            .collect();
        // One block, and blocks of a few rows each.
        for block in [usize::MAX, 10] {
            let rows = ActiveRows::in_blocks(60, &view(&index, &values), block).unwrap();
            assert_eq!(rows.blocks.len() > 5, block == 10);
            let (got_xv, got_hv) = rows.gram(&v, &w);
            let close = |a: &[f64], b: &[f64]| a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-12);
            assert!(close(&got_xv, &xv) && close(&rows.times(&v), &xv));
            assert!(close(&got_hv, &hv));
            let by_transpose = rows.transpose_times(|i| w[i] * xv[i]);
            assert!(close(&by_transpose, &hv));
        }
    }

    #[test]
    fn products_do_not_depend_on_the_thread_count() {
        let (index, values, _) = columns();
        let rows = ActiveRows::in_blocks(60, &view(&index, &values), 10).unwrap();
        let v: Vec<f64> = (0..9).map(|a| 1.0 / (a as f64 + 0.7)).collect();
        let w: Vec<f64> = (0..60).map(|i| 1.0 / (i as f64 + 1.3)).collect();
        let run = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            pool.install(|| rows.gram(&v, &w))
        };
        let one = run(1);
        for threads in [2, 3, 8] {
            let many = run(threads);
            assert_eq!(
                one.0.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
                many.0.iter().map(|x| x.to_bits()).collect::<Vec<_>>()
            );
            assert_eq!(
                one.1.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
                many.1.iter().map(|x| x.to_bits()).collect::<Vec<_>>()
            );
        }
    }
}
