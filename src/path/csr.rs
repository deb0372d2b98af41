//! Regularization paths on sparse CSR features.

use super::{Alphas, RegularizationPath, Walk};
use crate::model::{Labelled, LogisticRegression};
use crate::multiclass::Design;
use crate::sparse::{CsrMatrix, CsrView, mostly_zero};
use crate::{Error, Float, Result};
use ndarray::{ArrayBase, ArrayView2, Data, Ix1};

impl<F: Float> LogisticRegression<F> {
    /// [`path`](Self::path) on sparse CSR features (an `sprs` matrix),
    /// without densifying them: the strong rules keep a CSR copy of the
    /// surviving columns. All settings apply except `standardize`, as for
    /// [`fit_csr`](Self::fit_csr).
    ///
    /// ```
    /// use logreg::{Alphas, LogisticRegression, Penalty};
    /// use ndarray::array;
    /// use sprs::CsMat;
    /// let x = array![[0.0_f64, 0.3], [1.0, 0.0], [2.0, 0.1], [3.0, 0.4], [4.0, 0.0], [5.0, 0.0]];
    /// let y = array![0, 0, 1, 0, 1, 1];
    /// let lasso = LogisticRegression::new().penalty(Penalty::L1).tol(1e-10);
    /// let sparse = lasso.path_csr(&CsMat::csr_from_dense(x.view(), 0.0), &y, &Alphas::auto(5))?;
    /// let dense = lasso.path(&x, &y, &Alphas::auto(5))?;
    /// assert_eq!(sparse.n_nonzero(), dense.n_nonzero());
    /// let gap = &sparse.models()[4].coef() - &dense.models()[4].coef();
    /// assert!(gap.iter().all(|d| d.abs() < 1e-8));
    /// # Ok::<(), logreg::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`path`](Self::path), and [`Error::InvalidParameter`] for a CSC
    /// matrix or `standardize(true)`.
    pub fn path_csr<T, L>(
        &self,
        x: &impl CsrMatrix<F>,
        y: &ArrayBase<T, Ix1>,
        alphas: &Alphas<F>,
    ) -> Result<RegularizationPath<F, L>>
    where
        T: Data<Elem = L>,
        L: Clone + Ord,
    {
        let stop = self.check_path_settings()?;
        let view = self.checked_csr(x)?;
        let labelled = self.labelled_rows(view.nrows(), y.view(), None)?;
        Walk::new(self, Design::Sparse(view), &labelled, &stop)?.run(alphas)
    }

    /// The decreasing α values `alphas` stands for on this sparse data.
    pub(crate) fn grid_for_csr<L: Clone + Ord>(
        &self,
        x: CsrView<'_, F>,
        labelled: &Labelled<F, L>,
        alphas: &Alphas<F>,
    ) -> Result<Vec<F>> {
        let stop = self.check_path_settings()?;
        Walk::new(self, Design::Sparse(x), labelled, &stop)?.grid(alphas)
    }
}

/// The columns `columns` (increasing) of a CSR matrix, renumbered 0.., as
/// an owned CSR matrix.
pub(super) fn csr_columns<F: Float>(
    x: CsrView<'_, F>,
    columns: &[usize],
) -> Result<sprs::CsMat<F>> {
    let mut new_index = vec![usize::MAX; x.ncols()];
    for (k, &j) in columns.iter().enumerate() {
        new_index[j] = k;
    }
    let mut indptr = Vec::with_capacity(x.nrows() + 1);
    let (mut indices, mut data) = (Vec::new(), Vec::new());
    indptr.push(0);
    for i in 0..x.nrows() {
        let (row_indices, values) = x.row(i);
        for (&j, &v) in row_indices.iter().zip(values) {
            if new_index[j] != usize::MAX {
                indices.push(new_index[j]);
                data.push(v);
            }
        }
        indptr.push(indices.len());
    }
    sprs::CsMat::try_new((x.nrows(), columns.len()), indptr, indices, data).map_err(|_| {
        Error::invalid(
            "x",
            "a CSR matrix",
            "rows must hold sorted, distinct column indices",
        )
    })
}

/// A CSR copy of `x` when at most half its entries are non-zero.
pub(super) fn mostly_zero_as_csr<F: Float>(x: ArrayView2<'_, F>) -> Option<sprs::CsMat<F>> {
    let nonzero = x.iter().filter(|&&v| v != F::zero()).count();
    if !mostly_zero(nonzero, x.len()) {
        return None;
    }
    let mut indptr = Vec::with_capacity(x.nrows() + 1);
    let (mut indices, mut data) = (Vec::with_capacity(nonzero), Vec::with_capacity(nonzero));
    indptr.push(0);
    for row in x.rows() {
        for (j, &v) in row.iter().enumerate() {
            if v != F::zero() {
                indices.push(j);
                data.push(v);
            }
        }
        indptr.push(indices.len());
    }
    // Sorted, distinct column indices per row: a valid CSR matrix.
    Some(sprs::CsMat::new(x.dim(), indptr, indices, data))
}
