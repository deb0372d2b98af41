//! Sparse (CSR) features: a checked, borrowed view of an `sprs` matrix.
//!
//! sprs is the sparse-matrix crate of the ndarray ecosystem (it shares
//! ndarray 0.17 with this crate), and its `CsMat` is what a user with sparse
//! data in Rust most likely holds; the crate only needs its three CSR
//! arrays, read row by row.
//!
//! Data types only, beside the ground floor: the model's `*_csr` methods
//! live in `model/csr.rs`.

use crate::validate::check_finite_csr;
use crate::{Error, Float, Result};
use ndarray::{Array2, ArrayView1, ArrayView2};
use sprs::CsMatBase;
use std::ops::Deref;

/// Whether `nnz` non-zero entries out of `len` are few enough to store
/// compressed: at most half. The coordinate-descent columns and the dense
/// `path`'s CSR copy decide by this one rule, so that a path copies X to
/// CSR exactly when the solver would compress its columns anyway.
pub(crate) fn mostly_zero(nnz: usize, len: usize) -> bool {
    nnz.saturating_mul(2) <= len
}

/// The rows of a CSR matrix: row i holds `indices[indptr[i]..indptr[i+1]]`
/// and the matching `data` (offsets relative to `indptr[0]`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct CsrView<'a, F> {
    indptr: &'a [usize],
    indices: &'a [usize],
    data: &'a [F],
    n_cols: usize,
}

impl<'a, F: Float> CsrView<'a, F> {
    /// Checks the matrix: CSR (not CSC), finite values. Empty shapes are
    /// left to the callers' checks.
    pub fn new(x: &'a (impl CsrMatrix<F> + ?Sized)) -> Result<Self> {
        let (is_csr, indptr, indices, data, n_cols) = x.csr_parts();
        if !is_csr {
            return Err(csc_refused());
        }
        check_finite_csr("x", indptr, indices, data)?;
        Ok(Self {
            indptr,
            indices,
            data,
            n_cols,
        })
    }

    /// A view of CSR arrays the caller has checked: `indptr`
    /// non-decreasing, `indices` and `data` holding its range (relative to
    /// `indptr[0]`), every column index below `n_cols`, values finite.
    pub fn from_parts(
        indptr: &'a [usize],
        indices: &'a [usize],
        data: &'a [F],
        n_cols: usize,
    ) -> Self {
        Self {
            indptr,
            indices,
            data,
            n_cols,
        }
    }

    pub fn nrows(&self) -> usize {
        self.indptr.len().saturating_sub(1)
    }

    pub fn ncols(&self) -> usize {
        self.n_cols
    }

    /// The column indices and values of row `i`.
    #[inline]
    pub fn row(&self, i: usize) -> (&'a [usize], &'a [F]) {
        let base = self.indptr[0];
        let range = self.indptr[i] - base..self.indptr[i + 1] - base;
        (&self.indices[range.clone()], &self.data[range])
    }

    /// xᵢ · w.
    #[inline]
    pub fn row_dot(&self, i: usize, w: ArrayView1<'_, F>) -> F {
        let (indices, values) = self.row(i);
        indices
            .iter()
            .zip(values)
            .fold(F::zero(), |sum, (&j, &v)| sum + v * w[j])
    }

    /// Scores x·coefᵀ + intercept (n × k), without densifying x.
    pub fn scores(&self, coef: ArrayView2<'_, F>, intercept: ArrayView1<'_, F>) -> Array2<F> {
        let mut eta = Array2::zeros((self.nrows(), coef.nrows()));
        for (i, mut row) in eta.rows_mut().into_iter().enumerate() {
            for (c, value) in row.iter_mut().enumerate() {
                *value = self.row_dot(i, coef.row(c)) + intercept[c];
            }
        }
        eta
    }
}

/// The error for sparse features stored CSC.
pub(crate) fn csc_refused() -> Error {
    Error::invalid(
        "x",
        "a CSC matrix",
        "sparse features must be CSR (row-major): convert with to_csr()",
    )
}

mod sealed {
    pub trait Sealed {}
}

/// A sparse matrix the `_csr` methods take: any `sprs` matrix with `usize`
/// indices (`CsMat<F>`, `CsMatView<'_, F>`, …), stored CSR. Sealed: the
/// crate reads its three arrays directly.
///
/// ```
/// use logreg::CsrMatrix;
/// use logreg::sprs::CsMat;
/// fn takes(_: &impl CsrMatrix<f64>) {}
/// let x: CsMat<f64> = CsMat::eye(3);
/// takes(&x);
/// takes(&x.view());
/// ```
pub trait CsrMatrix<F>: sealed::Sealed {
    /// (stored CSR, indptr, indices, data, columns).
    #[doc(hidden)]
    #[allow(clippy::type_complexity)]
    fn csr_parts(&self) -> (bool, &[usize], &[usize], &[F], usize);
}

impl<F, IptrStorage, IndStorage, DataStorage> sealed::Sealed
    for CsMatBase<F, usize, IptrStorage, IndStorage, DataStorage, usize>
where
    IptrStorage: Deref<Target = [usize]>,
    IndStorage: Deref<Target = [usize]>,
    DataStorage: Deref<Target = [F]>,
{
}

impl<F, IptrStorage, IndStorage, DataStorage> CsrMatrix<F>
    for CsMatBase<F, usize, IptrStorage, IndStorage, DataStorage, usize>
where
    IptrStorage: Deref<Target = [usize]>,
    IndStorage: Deref<Target = [usize]>,
    DataStorage: Deref<Target = [F]>,
{
    fn csr_parts(&self) -> (bool, &[usize], &[usize], &[F], usize) {
        (
            self.is_csr(),
            self.indptr().into_raw_storage(),
            self.indices(),
            self.data(),
            self.cols(),
        )
    }
}
