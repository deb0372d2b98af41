//! A chunk's features: a dense array, or sparse CSR rows ([`CsrFeatures`])
//! that fits read through the sparse objective, never densified.

use crate::sparse::{CsrMatrix, CsrView, csc_refused};
use crate::{Error, Float, Result};
use ndarray::{Array2, ArrayView2, CowArray, Ix2};
use std::borrow::Cow;
use std::sync::OnceLock;

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
