//! Where chunks come from: the [`ChunkSource`] trait and in-memory chunks;
//! a chunk's [`Features`], dense or [`CsrFeatures`].

use crate::kernels::chunk_rows;
use crate::sparse::{CsrMatrix, CsrView, csc_refused};
use crate::{Error, Float, Result};
use ndarray::{Array2, ArrayView1, ArrayView2, CowArray, Ix1, Ix2, s};
use std::borrow::Cow;
use std::sync::OnceLock;

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

/// A chunk's features: a dense array, or sparse CSR rows.
///
/// ```
/// use logreg::chunked::{CsrFeatures, Features};
/// use ndarray::array;
/// let dense: Features<'_, f64> = Features::Dense(array![[1.0, 0.0], [0.0, 2.0]].into());
/// let sparse = Features::Csr(CsrFeatures::new(vec![0, 1, 2], vec![0, 1], vec![1.0, 2.0], 2));
/// assert_eq!((sparse.nrows(), sparse.ncols()), (dense.nrows(), dense.ncols()));
/// assert!(dense.csr().is_none() && sparse.dense().is_none());
/// assert_eq!(sparse[[1, 1]], 2.0);
/// ```
#[derive(Debug, Clone)]
pub enum Features<'a, F: Clone> {
    /// A dense array, rows × features.
    Dense(CowArray<'a, F, Ix2>),
    /// Sparse rows, never densified by a fit.
    Csr(CsrFeatures<'a, F>),
}

impl<'a, F: Float> Features<'a, F> {
    /// Rows.
    pub fn nrows(&self) -> usize {
        match self {
            Features::Dense(x) => x.nrows(),
            Features::Csr(x) => x.nrows(),
        }
    }

    /// Feature columns.
    pub fn ncols(&self) -> usize {
        match self {
            Features::Dense(x) => x.ncols(),
            Features::Csr(x) => x.ncols(),
        }
    }

    /// The dense array, if the features are dense.
    pub fn dense(&self) -> Option<ArrayView2<'_, F>> {
        match self {
            Features::Dense(x) => Some(x.view()),
            Features::Csr(_) => None,
        }
    }

    /// The CSR rows, if the features are sparse.
    pub fn csr(&self) -> Option<&CsrFeatures<'a, F>> {
        match self {
            Features::Dense(_) => None,
            Features::Csr(x) => Some(x),
        }
    }

    /// The features as a dense array: the array itself, or for CSR rows a
    /// dense copy made on the first call and kept (rows × features: the
    /// memory a fit over CSR chunks avoids; fits never call this on them).
    pub fn view(&self) -> ArrayView2<'_, F> {
        match self {
            Features::Dense(x) => x.view(),
            Features::Csr(x) => x.dense_copy().view(),
        }
    }

    /// The features with their data owned (copied if borrowed).
    pub fn to_owned(&self) -> Features<'static, F> {
        self.clone().into_owned()
    }

    /// The features with their data owned (copied if borrowed).
    pub fn into_owned(self) -> Features<'static, F> {
        match self {
            Features::Dense(x) => Features::Dense(x.into_owned().into()),
            Features::Csr(x) => Features::Csr(x.into_owned()),
        }
    }

    /// The same features, borrowed.
    pub(crate) fn borrowed(&self) -> Features<'_, F> {
        match self {
            Features::Dense(x) => Features::Dense(x.view().into()),
            Features::Csr(x) => Features::Csr(x.borrowed()),
        }
    }
}

impl<'a, F: Float> From<CowArray<'a, F, Ix2>> for Features<'a, F> {
    fn from(x: CowArray<'a, F, Ix2>) -> Self {
        Features::Dense(x)
    }
}

impl<'a, F: Float> From<CsrFeatures<'a, F>> for Features<'a, F> {
    fn from(x: CsrFeatures<'a, F>) -> Self {
        Features::Csr(x)
    }
}

/// `x[[i, j]]`: the value at row i, column j (0 where CSR rows store
/// none; CSR rows are densified once, as [`view`](Features::view)).
///
/// # Panics
/// When (i, j) is outside the features, as ndarray's indexing.
impl<F: Float> std::ops::Index<[usize; 2]> for Features<'_, F> {
    type Output = F;

    fn index(&self, index: [usize; 2]) -> &F {
        match self {
            Features::Dense(x) => &x[index],
            Features::Csr(x) => &x.dense_copy()[index],
        }
    }
}

/// Sparse rows in CSR form, borrowed or owned: row i holds the columns
/// `indices[indptr[i] - indptr[0]..indptr[i + 1] - indptr[0]]` and the
/// values at the same positions of `data` (so a row range of a bigger
/// matrix keeps its `indptr` slice as it is).
///
/// Checked when a fit uses it: `indptr` non-decreasing, `indices` and
/// `data` as long as `indptr` spans, each row's column indices increasing
/// and below `n_cols`, values finite; errors name the chunk, row and
/// column ([`Error::ChunkData`]).
///
/// ```
/// use logreg::chunked::CsrFeatures;
/// use sprs::CsMat;
/// // [[0, 1.5], [2, 0], [0, 0]]
/// let x = CsrFeatures::new(vec![0, 1, 2, 2], vec![1, 0], vec![1.5, 2.0], 2);
/// assert_eq!((x.nrows(), x.ncols(), x.nnz()), (3, 2, 2));
/// let eye = CsMat::<f64>::eye(3);
/// let borrowed = CsrFeatures::of(&eye)?;
/// assert_eq!(borrowed.nnz(), 3);
/// # Ok::<(), logreg::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct CsrFeatures<'a, F: Clone> {
    indptr: Cow<'a, [usize]>,
    indices: Cow<'a, [usize]>,
    data: Cow<'a, [F]>,
    n_cols: usize,
    dense: OnceLock<Array2<F>>,
}

impl<'a, F: Float> CsrFeatures<'a, F> {
    /// CSR rows from their three arrays (borrowed slices or owned vectors)
    /// and the number of columns, unchecked until used.
    pub fn new(
        indptr: impl Into<Cow<'a, [usize]>>,
        indices: impl Into<Cow<'a, [usize]>>,
        data: impl Into<Cow<'a, [F]>>,
        n_cols: usize,
    ) -> Self {
        Self {
            indptr: indptr.into(),
            indices: indices.into(),
            data: data.into(),
            n_cols,
            dense: OnceLock::new(),
        }
    }

    /// The rows of an `sprs` CSR matrix, borrowed.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a matrix stored CSC.
    pub fn of(x: &'a impl CsrMatrix<F>) -> Result<Self> {
        let (is_csr, indptr, indices, data, n_cols) = x.csr_parts();
        if !is_csr {
            return Err(csc_refused());
        }
        Ok(Self::new(indptr, indices, data, n_cols))
    }

    /// Rows.
    pub fn nrows(&self) -> usize {
        self.indptr.len().saturating_sub(1)
    }

    /// Columns.
    pub fn ncols(&self) -> usize {
        self.n_cols
    }

    /// Stored entries.
    pub fn nnz(&self) -> usize {
        self.data.len()
    }

    /// Where each row's entries start (and the last one ends).
    pub fn indptr(&self) -> &[usize] {
        &self.indptr
    }

    /// The column of each stored entry.
    pub fn indices(&self) -> &[usize] {
        &self.indices
    }

    /// The value of each stored entry.
    pub fn data(&self) -> &[F] {
        &self.data
    }

    fn into_owned(self) -> CsrFeatures<'static, F> {
        CsrFeatures {
            indptr: Cow::Owned(self.indptr.into_owned()),
            indices: Cow::Owned(self.indices.into_owned()),
            data: Cow::Owned(self.data.into_owned()),
            n_cols: self.n_cols,
            dense: self.dense,
        }
    }

    fn borrowed(&self) -> CsrFeatures<'_, F> {
        CsrFeatures::new(
            &self.indptr[..],
            &self.indices[..],
            &self.data[..],
            self.n_cols,
        )
    }

    /// A dense copy, made once.
    fn dense_copy(&self) -> &Array2<F> {
        self.dense.get_or_init(|| {
            let mut x = Array2::zeros((self.nrows(), self.n_cols));
            for i in 0..self.nrows() {
                let (Some(&a), Some(&b)) = (self.indptr.get(i), self.indptr.get(i + 1)) else {
                    continue;
                };
                let base = self.indptr[0];
                let range = a.saturating_sub(base)..b.saturating_sub(base);
                let entries = self.indices.get(range.clone()).zip(self.data.get(range));
                for (&j, &v) in entries.into_iter().flat_map(|(c, d)| c.iter().zip(d)) {
                    if let Some(cell) = x.get_mut((i, j)) {
                        *cell = v;
                    }
                }
            }
            x
        })
    }

    /// Checks the arrays' shapes and column indices (and with `values`,
    /// that every value is finite), naming `location`, the row and the
    /// column.
    pub(crate) fn check(
        &self,
        location: &str,
        feature_name: &dyn Fn(usize) -> String,
        values: bool,
    ) -> Result<()> {
        let fail = |column: String, problem: String| Error::ChunkData {
            location: location.to_string(),
            column,
            problem,
        };
        let features = || "features".to_string();
        if let Some(i) = self.indptr.windows(2).position(|w| w[0] > w[1]) {
            return Err(fail(
                features(),
                format!("CSR indptr decreases after row {i}: it must not decrease"),
            ));
        }
        let span = match (self.indptr.first(), self.indptr.last()) {
            (Some(&a), Some(&b)) => b - a,
            _ => 0,
        };
        if self.indices.len() != span || self.data.len() != span {
            return Err(fail(
                features(),
                format!(
                    "CSR indptr spans {span} entries, indices holds {} and data {}",
                    self.indices.len(),
                    self.data.len()
                ),
            ));
        }
        let view = self.view();
        for i in 0..view.nrows() {
            let (columns, data) = view.row(i);
            if let Some(&j) = columns.iter().find(|&&j| j >= self.n_cols) {
                return Err(fail(
                    features(),
                    format!(
                        "row {i} stores column index {j}, beyond the {} columns",
                        self.n_cols
                    ),
                ));
            }
            if columns.windows(2).any(|w| w[0] >= w[1]) {
                return Err(fail(
                    features(),
                    format!(
                        "row {i}'s column indices do not increase: sort them and sum duplicates"
                    ),
                ));
            }
            if values {
                if let Some(at) = data.iter().position(|v| !v.is_finite()) {
                    return Err(fail(
                        feature_name(columns[at]),
                        format!(
                            "non-finite value {} at row {i}: remove or impute it",
                            data[at]
                        ),
                    ));
                }
            }
        }
        Ok(())
    }

    /// The rows for the sparse kernels (after [`check`](Self::check)).
    pub(crate) fn view(&self) -> CsrView<'_, F> {
        CsrView::from_parts(&self.indptr, &self.indices, &self.data, self.n_cols)
    }
}

/// Chunks of rows in a fixed order: what a fit over chunks reads, once per
/// pass. Users and engines implement it (Parquet row groups, partitions of
/// a table, files); [`MemoryChunks`] splits arrays.
///
/// `chunk(i)` must return the same rows every time it is called with `i`:
/// the fit reads every chunk once per pass, in windows of
/// [`max_in_flight`](Self::max_in_flight) chunks that load in parallel,
/// and merges their partial sums in index order.
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

    /// How many chunks may be loaded and computed on at once (bounds the
    /// memory a pass holds): the number of rayon threads by default.
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
/// assert_eq!(in_memory_chunk_rows(8, 1), 2048);
/// assert_eq!(in_memory_chunk_rows(5, 3), 2048);
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
