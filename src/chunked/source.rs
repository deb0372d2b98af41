//! Where chunks come from: the [`ChunkSource`] trait and in-memory chunks.

use super::features::{CsrFeatures, Features};
use crate::kernels::chunk_rows;
use crate::sparse::{CsrMatrix, csc_refused};
use crate::{Error, Float, Result};
use ndarray::{ArrayView1, ArrayView2, CowArray, Ix1, Ix2, s};
use std::borrow::Cow;

/// One chunk of rows: features (rows × d, dense or CSR), labels and
/// optional sample weights.
///
/// ```
/// use logreg::chunked::Chunk;
/// use ndarray::array;
/// let x = array![[0.0_f64, 1.0], [2.0, 3.0]];
/// let chunk = Chunk::new(x.view().into(), vec![0, 1].into(), None);
/// assert_eq!(chunk.n_rows(), 2);
/// ```
#[derive(Debug, Clone)]
pub struct Chunk<'a, F: Clone, L: Clone> {
    /// The features, one row per sample: a dense array or CSR rows.
    pub x: Features<'a, F>,
    /// One label per row.
    pub y: Cow<'a, [L]>,
    /// One weight per row (finite, ≥ 0), or `None` for unit weights.
    pub sample_weight: Option<CowArray<'a, F, Ix1>>,
}

impl<'a, F: Float, L: Clone> Chunk<'a, F, L> {
    /// A chunk of dense features from its parts (checked when it is used).
    ///
    /// ```
    /// use logreg::chunked::Chunk;
    /// use ndarray::array;
    /// let chunk = Chunk::new(array![[1.0_f64]].into(), vec!["a"].into(), Some(array![2.0].into()));
    /// assert_eq!(chunk.y[0], "a");
    /// ```
    pub fn new(
        x: CowArray<'a, F, Ix2>,
        y: Cow<'a, [L]>,
        sample_weight: Option<CowArray<'a, F, Ix1>>,
    ) -> Self {
        Self {
            x: Features::Dense(x),
            y,
            sample_weight,
        }
    }

    /// A chunk of sparse CSR features from its parts (checked when it is
    /// used: the shapes, the column indices, finite values). Fits never
    /// densify it: its partial sums cost O(nnz·k).
    ///
    /// ```
    /// use logreg::chunked::{Chunk, CsrFeatures, MemoryChunks};
    /// use logreg::LogisticRegression;
    /// use ndarray::array;
    /// use sprs::CsMat;
    /// let dense = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 0.0], [0.0, 3.0], [4.0, 0.0], [5.0, 1.0]];
    /// let sparse = CsMat::csr_from_dense(dense.view(), 0.0);
    /// // Rows 0..2 as raw CSR arrays (row i's entries at indptr[i]..indptr[i+1]).
    /// let x = CsrFeatures::new(vec![0, 1, 2], vec![1, 0], vec![1.0, 1.0], 2);
    /// let chunk = Chunk::csr(x, vec![0, 0].into(), None);
    /// assert_eq!((chunk.n_rows(), chunk.x.ncols()), (2, 2));
    /// // A whole sprs matrix, borrowed, in chunks of 4 rows:
    /// let y = array![0, 0, 1, 0, 1, 1];
    /// let chunks = MemoryChunks::csr(&sparse, y.view(), None, 4)?;
    /// let settings = LogisticRegression::new().tol(1e-10);
    /// let chunked = settings.fit_chunks(&chunks)?;
    /// let in_memory = settings.fit_csr(&sparse, &y)?;
    /// assert!((&chunked.coef() - &in_memory.coef()).iter().all(|d| d.abs() < 1e-12));
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn csr(
        x: CsrFeatures<'a, F>,
        y: Cow<'a, [L]>,
        sample_weight: Option<CowArray<'a, F, Ix1>>,
    ) -> Self {
        Self {
            x: Features::Csr(x),
            y,
            sample_weight,
        }
    }

    /// Rows in the chunk.
    ///
    /// ```
    /// use logreg::chunked::Chunk;
    /// use ndarray::array;
    /// assert_eq!(Chunk::new(array![[1.0_f64], [2.0]].into(), vec![0, 1].into(), None).n_rows(), 2);
    /// ```
    pub fn n_rows(&self) -> usize {
        self.x.nrows()
    }
}

/// Chunks of rows in a fixed order: what a fit over chunks reads, once per
/// pass. Users and engines implement it (Parquet row groups, partitions of
/// a table, files); [`MemoryChunks`] splits arrays.
///
/// `chunk(i)` must return the same rows every time it is called with `i`:
/// the fit reads every chunk once per pass, with
/// [`max_in_flight`](Self::max_in_flight) workers that each load the next
/// chunk as soon as they are done with their last (from several threads
/// at once: the trait needs `Sync`), and merges their partial sums in
/// index order.
///
/// ```
/// use logreg::chunked::{Chunk, ChunkSource};
/// use logreg::LogisticRegression;
/// use ndarray::Array2;
/// // Rows generated on demand: chunk i holds rows 10i..10i+10.
/// struct Generated;
/// impl ChunkSource<f64> for Generated {
///     type Label = bool;
///     fn n_chunks(&self) -> usize { 4 }
///     fn n_features(&self) -> usize { 1 }
///     fn chunk(&self, i: usize) -> logreg::Result<Chunk<'_, f64, bool>> {
///         let rows: Vec<usize> = (10 * i..10 * i + 10).collect();
///         let x = Array2::from_shape_fn((10, 1), |(r, _)| rows[r] as f64);
///         let y: Vec<bool> = rows.iter().map(|&r| (r * 7) % 10 < (r / 4)).collect();
///         Ok(Chunk::new(x.into(), y.into(), None))
///     }
/// }
/// let model = LogisticRegression::new().fit_chunks(&Generated)?;
/// assert_eq!(model.classes(), &[false, true]);
/// # Ok::<(), logreg::Error>(())
/// ```
pub trait ChunkSource<F: Float>: Sync {
    /// The label type (integers, strings, `bool`, …).
    type Label: Clone + Ord + Send + Sync;

    /// How many chunks there are.
    fn n_chunks(&self) -> usize;

    /// Features per row (every chunk has this many columns).
    fn n_features(&self) -> usize;

    /// Chunk `index` (< [`n_chunks`](Self::n_chunks)).
    ///
    /// # Errors
    /// Whatever reading the chunk can meet (I/O, a missing column, …),
    /// naming where.
    fn chunk(&self, index: usize) -> Result<Chunk<'_, F, Self::Label>>;

    /// Where chunk `index` comes from, for error messages ("chunk 3", or a
    /// file and row group).
    fn location(&self, index: usize) -> String {
        format!("chunk {index}")
    }

    /// The name of feature column `j`, for error messages.
    fn feature_name(&self, j: usize) -> String {
        format!("feature {j}")
    }

    /// Takes back a chunk that a pass is done with, so that a later
    /// [`chunk`](Self::chunk) can reuse its buffers; the default drops it.
    /// `ParquetSource` (feature `parquet`) keeps its feature arrays:
    /// otherwise every row group's rows land in freshly mapped memory, and
    /// the kernel's zeroing of those pages is paid on every pass.
    fn recycle(&self, chunk: Chunk<'_, F, Self::Label>) {
        drop(chunk);
    }

    /// How many chunks may be loaded and computed on at once, each by its
    /// own worker thread (this bounds the memory a pass holds, with at most
    /// twice as many results waiting to be merged): the number of
    /// rayon threads by default.
    fn max_in_flight(&self) -> usize {
        rayon::current_num_threads()
    }
}

/// Rows per chunk that make a fit over [`MemoryChunks`] give the in-memory
/// fit's bits: the row chunks of the in-memory passes, which depend on the
/// number of features and (for the softmax) of classes. `outputs` is 1 for
/// binary and one-vs-rest fits, the number of classes for multinomial ones.
///
/// ```
/// use logreg::chunked::in_memory_chunk_rows;
/// assert_eq!(in_memory_chunk_rows(8, 1), 8192);
/// assert_eq!(in_memory_chunk_rows(5, 3), 8192);
/// ```
pub fn in_memory_chunk_rows(n_features: usize, outputs: usize) -> usize {
    if outputs <= 1 {
        chunk_rows(n_features)
    } else {
        chunk_rows(n_features + outputs)
    }
}

/// Rows per chunk that make a fit over CSR chunks give the bits of the
/// in-memory [`fit_csr`](crate::LogisticRegression::fit_csr) of all `n_rows`
/// rows: the sparse passes' row chunks, ⌈n/32⌉ rows but at least 2048.
///
/// ```
/// use logreg::chunked::in_memory_csr_chunk_rows;
/// assert_eq!(in_memory_csr_chunk_rows(5000), 2048);
/// assert_eq!(in_memory_csr_chunk_rows(100_000), 3125);
/// ```
pub fn in_memory_csr_chunk_rows(n_rows: usize) -> usize {
    crate::objective::sparse::chunk_rows(n_rows)
}

/// Chunks of in-memory arrays, dense or CSR, split at given row boundaries
/// (for tests, and for data that fits in memory but should be fitted chunk
/// by chunk).
///
/// ```
/// use logreg::chunked::MemoryChunks;
/// use logreg::LogisticRegression;
/// use ndarray::array;
/// let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0]];
/// let y = array![0, 0, 1, 0, 1, 1];
/// let chunks = MemoryChunks::new(x.view(), y.view(), None, 4)?; // rows 0..4, 4..6
/// let settings = LogisticRegression::new().tol(1e-10);
/// let chunked = settings.fit_chunks(&chunks)?;
/// let in_memory = settings.fit(&x, &y)?;
/// assert!((chunked.coef()[(0, 0)] - in_memory.coef()[(0, 0)]).abs() < 1e-12);
/// # Ok::<(), logreg::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct MemoryChunks<'a, F, L> {
    x: Rows<'a, F>,
    y: ArrayView1<'a, L>,
    sample_weight: Option<ArrayView1<'a, F>>,
    starts: Vec<usize>,
}

/// The rows [`MemoryChunks`] splits.
#[derive(Debug, Clone, Copy)]
enum Rows<'a, F> {
    Dense(ArrayView2<'a, F>),
    Csr {
        indptr: &'a [usize],
        indices: &'a [usize],
        data: &'a [F],
        n_cols: usize,
    },
}

impl<F> Rows<'_, F> {
    fn nrows(&self) -> usize {
        match self {
            Rows::Dense(x) => x.nrows(),
            Rows::Csr { indptr, .. } => indptr.len().saturating_sub(1),
        }
    }

    fn ncols(&self) -> usize {
        match self {
            Rows::Dense(x) => x.ncols(),
            Rows::Csr { n_cols, .. } => *n_cols,
        }
    }
}

impl<'a, F: Float, L: Clone + Ord> MemoryChunks<'a, F, L> {
    /// Chunks of `rows_per_chunk` rows (the last one shorter).
    ///
    /// ```
    /// use logreg::chunked::{ChunkSource, MemoryChunks};
    /// use ndarray::array;
    /// let x = array![[0.0_f64], [1.0], [2.0]];
    /// let y = array![0, 1, 0];
    /// assert_eq!(MemoryChunks::new(x.view(), y.view(), None, 2)?.n_chunks(), 2);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::LengthMismatch`] for y or weights of another length,
    /// [`Error::InvalidParameter`] for 0 rows per chunk.
    pub fn new(
        x: ArrayView2<'a, F>,
        y: ArrayView1<'a, L>,
        sample_weight: Option<ArrayView1<'a, F>>,
        rows_per_chunk: usize,
    ) -> Result<Self> {
        Self::split(Rows::Dense(x), y, sample_weight, rows_per_chunk)
    }

    /// Chunks starting at the given rows (increasing, the first 0).
    ///
    /// ```
    /// use logreg::chunked::{ChunkSource, MemoryChunks};
    /// use ndarray::array;
    /// let x = array![[0.0_f64], [1.0], [2.0], [3.0]];
    /// let y = array![0, 1, 0, 1];
    /// let chunks = MemoryChunks::with_starts(x.view(), y.view(), None, vec![0, 1, 3])?;
    /// assert_eq!(chunks.chunk(1)?.n_rows(), 2);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`new`](Self::new), and [`Error::InvalidParameter`] for starts
    /// that do not increase from 0 within the rows.
    pub fn with_starts(
        x: ArrayView2<'a, F>,
        y: ArrayView1<'a, L>,
        sample_weight: Option<ArrayView1<'a, F>>,
        starts: Vec<usize>,
    ) -> Result<Self> {
        Self::at_starts(Rows::Dense(x), y, sample_weight, starts)
    }

    /// Chunks of `rows_per_chunk` rows of an `sprs` CSR matrix, each a
    /// [`Chunk::csr`] borrowing its rows (never densified). Values are
    /// checked when the chunks are used.
    ///
    /// ```
    /// use logreg::chunked::{ChunkSource, MemoryChunks};
    /// use ndarray::array;
    /// use sprs::CsMat;
    /// let x = CsMat::csr_from_dense(array![[0.0_f64, 1.0], [2.0, 0.0], [0.0, 0.0]].view(), 0.0);
    /// let y = array![0, 1, 0];
    /// let chunks = MemoryChunks::csr(&x, y.view(), None, 2)?;
    /// assert_eq!(chunks.chunk(0)?.x.csr().map(|c| c.nnz()), Some(2));
    /// # Ok::<(), logreg::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`new`](Self::new), and [`Error::InvalidParameter`] for a matrix
    /// stored CSC.
    pub fn csr(
        x: &'a impl CsrMatrix<F>,
        y: ArrayView1<'a, L>,
        sample_weight: Option<ArrayView1<'a, F>>,
        rows_per_chunk: usize,
    ) -> Result<Self> {
        Self::split(csr_rows(x)?, y, sample_weight, rows_per_chunk)
    }

    /// [`csr`](Self::csr) chunks starting at the given rows (increasing,
    /// the first 0).
    ///
    /// ```
    /// use logreg::chunked::{ChunkSource, MemoryChunks};
    /// use ndarray::array;
    /// use sprs::CsMat;
    /// let x = CsMat::csr_from_dense(array![[0.0_f64, 1.0], [2.0, 0.0], [0.0, 3.0]].view(), 0.0);
    /// let y = array![0, 1, 0];
    /// let chunks = MemoryChunks::csr_with_starts(&x, y.view(), None, vec![0, 1])?;
    /// assert_eq!(chunks.chunk(1)?.n_rows(), 2);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`with_starts`](Self::with_starts) and [`csr`](Self::csr).
    pub fn csr_with_starts(
        x: &'a impl CsrMatrix<F>,
        y: ArrayView1<'a, L>,
        sample_weight: Option<ArrayView1<'a, F>>,
        starts: Vec<usize>,
    ) -> Result<Self> {
        Self::at_starts(csr_rows(x)?, y, sample_weight, starts)
    }

    fn split(
        x: Rows<'a, F>,
        y: ArrayView1<'a, L>,
        sample_weight: Option<ArrayView1<'a, F>>,
        rows_per_chunk: usize,
    ) -> Result<Self> {
        if rows_per_chunk == 0 {
            return Err(Error::invalid("rows_per_chunk", 0, "must be ≥ 1"));
        }
        let starts = (0..x.nrows()).step_by(rows_per_chunk).collect();
        Self::at_starts(x, y, sample_weight, starts)
    }

    fn at_starts(
        x: Rows<'a, F>,
        y: ArrayView1<'a, L>,
        sample_weight: Option<ArrayView1<'a, F>>,
        starts: Vec<usize>,
    ) -> Result<Self> {
        crate::validate::check_length("y", x.nrows(), y.len())?;
        if let Some(w) = &sample_weight {
            crate::validate::check_length("sample_weight", x.nrows(), w.len())?;
        }
        let increasing = starts.windows(2).all(|w| w[0] < w[1]);
        let valid = starts.first().is_none_or(|&s| s == 0)
            && starts.last().is_none_or(|&s| s < x.nrows())
            && increasing;
        if !valid {
            return Err(Error::invalid(
                "starts",
                format!("{starts:?}"),
                "chunk starts must increase from 0 and lie within the rows",
            ));
        }
        Ok(Self {
            x,
            y,
            sample_weight,
            starts,
        })
    }

    fn rows(&self, index: usize) -> std::ops::Range<usize> {
        let end = self
            .starts
            .get(index + 1)
            .copied()
            .unwrap_or(self.x.nrows());
        self.starts[index]..end
    }
}

/// The three arrays of an `sprs` CSR matrix.
fn csr_rows<F: Float>(x: &impl CsrMatrix<F>) -> Result<Rows<'_, F>> {
    let (is_csr, indptr, indices, data, n_cols) = x.csr_parts();
    if !is_csr {
        return Err(csc_refused());
    }
    Ok(Rows::Csr {
        indptr,
        indices,
        data,
        n_cols,
    })
}

impl<F: Float, L: Clone + Ord + Send + Sync> ChunkSource<F> for MemoryChunks<'_, F, L> {
    type Label = L;

    fn n_chunks(&self) -> usize {
        self.starts.len()
    }

    fn n_features(&self) -> usize {
        self.x.ncols()
    }

    fn chunk(&self, index: usize) -> Result<Chunk<'_, F, L>> {
        if index >= self.starts.len() {
            return Err(Error::invalid(
                "chunk index",
                index,
                "must be below n_chunks()",
            ));
        }
        let rows = self.rows(index);
        let y = self.y.slice(s![rows.clone()]);
        let y = match y.to_slice() {
            Some(y) => Cow::Borrowed(y),
            None => Cow::Owned(y.to_vec()),
        };
        let x = match self.x {
            Rows::Dense(x) => Features::Dense(x.slice_move(s![rows.clone(), ..]).into()),
            Rows::Csr {
                indptr,
                indices,
                data,
                n_cols,
            } => {
                // Entries of rows a..b, relative to indptr[a].
                let (base, a, b) = (indptr[0], indptr[rows.start], indptr[rows.end]);
                let span = a.checked_sub(base).zip(b.checked_sub(base));
                let entries =
                    span.and_then(|(lo, hi)| Some((indices.get(lo..hi)?, data.get(lo..hi)?)));
                let Some((indices, data)) = entries else {
                    return Err(Error::ChunkData {
                        location: format!("chunk {index}"),
                        column: "features".into(),
                        problem: "the CSR matrix's indptr points outside its arrays".into(),
                    });
                };
                Features::Csr(CsrFeatures::new(
                    &indptr[rows.start..=rows.end],
                    indices,
                    data,
                    n_cols,
                ))
            }
        };
        Ok(Chunk {
            x,
            y,
            sample_weight: self.sample_weight.map(|w| w.slice_move(s![rows]).into()),
        })
    }
}
