//! Sparse (CSR) features: a checked, borrowed view of an `sprs` matrix.
//!
//! sprs is the sparse-matrix crate of the ndarray ecosystem (it shares
//! ndarray 0.17 with this crate), and its `CsMat` is what a user with sparse
//! data in Rust most likely holds; the crate only needs its three CSR
//! arrays, read row by row.

use crate::model::{FittedLogisticRegression, LogisticRegression, class_indices, no_nan_scores};
use crate::multiclass::{self, Design, Run};
use crate::objective::check_finite;
use crate::{Error, Float, Result};
use ndarray::{Array1, Array2, ArrayBase, ArrayView1, ArrayView2, Data, Ix1};
use sprs::CsMatBase;
use std::ops::Deref;

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
            return Err(Error::invalid(
                "x",
                "a CSC matrix",
                "sparse features must be CSR (row-major): convert with to_csr()",
            ));
        }
        check_finite("x", data.iter())?;
        Ok(Self {
            indptr,
            indices,
            data,
            n_cols,
        })
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

impl<F: Float> LogisticRegression<F> {
    /// Fits on sparse CSR features (an `sprs` matrix) without densifying
    /// them: every pass costs O(nnz·k). All settings apply except
    /// `standardize` (centring would densify; scale the columns beforehand).
    /// With many features pick a first-order solver, as [`Auto`](crate::solver::Auto)
    /// does (L-BFGS, or FISTA with an L1 term): Newton and coordinate
    /// descent build a dense p × p Hessian. Separation is not diagnosed on
    /// sparse data.
    ///
    /// ```
    /// use logreg::LogisticRegression;
    /// use ndarray::array;
    /// use sprs::CsMat;
    /// let dense = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 0.0], [0.0, 3.0], [4.0, 0.0], [5.0, 1.0]];
    /// let y = array![0, 0, 1, 0, 1, 1];
    /// let sparse = CsMat::csr_from_dense(dense.view(), 0.0);
    /// let settings = LogisticRegression::new().tol(1e-10);
    /// let from_sparse = settings.fit_csr(&sparse, &y)?;
    /// let from_dense = settings.fit(&dense, &y)?;
    /// assert!((&from_sparse.coef() - &from_dense.coef()).iter().all(|d| d.abs() < 1e-8));
    /// assert_eq!(from_sparse.predict_csr(&sparse)?, from_dense.predict(&dense)?);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`fit`](Self::fit) (empty data, non-finite values, labels,
    /// weights, settings), and [`Error::InvalidParameter`] for a CSC matrix
    /// or `standardize(true)`.
    pub fn fit_csr<T, L>(
        &self,
        x: &impl CsrMatrix<F>,
        y: &ArrayBase<T, Ix1>,
    ) -> Result<FittedLogisticRegression<F, L>>
    where
        T: Data<Elem = L>,
        L: Clone + Ord,
    {
        let stop = self.check_settings()?;
        if self.standardize {
            return Err(Error::invalid(
                "standardize",
                true,
                "centring sparse features would densify them: scale the columns beforehand",
            ));
        }
        let view = CsrView::new(x)?;
        if view.nrows() == 0 {
            return Err(Error::EmptyData);
        }
        if view.ncols() == 0 {
            return Err(Error::NoFeatures { rows: view.nrows() });
        }
        let labelled = self.labelled_rows(view.nrows(), y.view(), None)?;
        let (alpha, l1) = self.strengths_for(labelled.weight.sum());
        let strategy = self.multiclass.strategy(labelled.classes.len());
        let problem = labelled.problem(Design::Sparse(view), alpha, l1, self.fit_intercept);
        let start = self.warm_start_for(strategy, problem.n_classes, view.ncols())?;
        let run = Run {
            start,
            observer: None,
        };
        let fit = multiclass::fit(&problem, strategy, self.solver.as_ref(), &stop, run)?;
        Ok(self.fitted(labelled.classes, fit, strategy, alpha, l1))
    }
}

impl<F: Float, L: Clone + Ord> FittedLogisticRegression<F, L> {
    /// [`decision_function`](Self::decision_function) for sparse CSR rows.
    ///
    /// ```
    /// use logreg::LogisticRegression;
    /// use ndarray::array;
    /// use sprs::CsMat;
    /// let dense = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 0.0], [0.0, 3.0], [4.0, 0.0], [5.0, 1.0]];
    /// let model = LogisticRegression::new().fit(&dense, &array![0, 0, 1, 0, 1, 1])?;
    /// let sparse = CsMat::csr_from_dense(dense.view(), 0.0);
    /// let gap = &model.decision_function_csr(&sparse)? - &model.decision_function(&dense)?;
    /// assert!(gap.iter().all(|d| d.abs() < 1e-12));
    /// # Ok::<(), logreg::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::FeatureMismatch`], [`Error::NonFinite`], a CSC matrix
    /// ([`Error::InvalidParameter`]), [`Error::ScoreOverflow`].
    pub fn decision_function_csr(&self, x: &impl CsrMatrix<F>) -> Result<Array2<F>> {
        let view = CsrView::new(x)?;
        if view.ncols() != self.n_features() {
            return Err(Error::FeatureMismatch {
                expected: self.n_features(),
                got: view.ncols(),
            });
        }
        no_nan_scores(view.scores(self.coef(), self.intercept()), 0)
    }

    /// [`predict_proba`](Self::predict_proba) for sparse CSR rows.
    ///
    /// ```
    /// use logreg::LogisticRegression;
    /// use ndarray::array;
    /// use sprs::CsMat;
    /// let dense = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 0.0], [0.0, 3.0], [4.0, 0.0], [5.0, 1.0]];
    /// let model = LogisticRegression::new().fit(&dense, &array![0, 0, 1, 0, 2, 2])?;
    /// let sparse = CsMat::csr_from_dense(dense.view(), 0.0);
    /// let p = model.predict_proba_csr(&sparse)?;
    /// assert!(p.rows().into_iter().all(|r| (r.sum() - 1.0).abs() < 1e-12));
    /// # Ok::<(), logreg::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`decision_function_csr`](Self::decision_function_csr).
    pub fn predict_proba_csr(&self, x: &impl CsrMatrix<F>) -> Result<Array2<F>> {
        Ok(self.proba_from_scores(self.decision_function_csr(x)?))
    }

    /// [`predict_log_proba`](Self::predict_log_proba) for sparse CSR rows.
    ///
    /// ```
    /// use logreg::LogisticRegression;
    /// use ndarray::array;
    /// use sprs::CsMat;
    /// let dense = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 0.0], [0.0, 3.0], [4.0, 0.0], [5.0, 1.0]];
    /// let model = LogisticRegression::new().fit(&dense, &array![0, 0, 1, 0, 1, 1])?;
    /// let sparse = CsMat::csr_from_dense(dense.view(), 0.0);
    /// let gap = &model.predict_log_proba_csr(&sparse)? - &model.predict_log_proba(&dense)?;
    /// assert!(gap.iter().all(|d| d.abs() < 1e-12));
    /// # Ok::<(), logreg::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`decision_function_csr`](Self::decision_function_csr).
    pub fn predict_log_proba_csr(&self, x: &impl CsrMatrix<F>) -> Result<Array2<F>> {
        Ok(self.log_proba_from_scores(self.decision_function_csr(x)?))
    }

    /// [`predict`](Self::predict) for sparse CSR rows.
    ///
    /// ```
    /// use logreg::LogisticRegression;
    /// use ndarray::array;
    /// use sprs::CsMat;
    /// let dense = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 0.0], [0.0, 3.0], [4.0, 0.0], [5.0, 1.0]];
    /// let model = LogisticRegression::new().fit(&dense, &array!["a", "a", "b", "a", "b", "b"])?;
    /// let sparse = CsMat::csr_from_dense(dense.view(), 0.0);
    /// assert_eq!(model.predict_csr(&sparse)?, model.predict(&dense)?);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`decision_function_csr`](Self::decision_function_csr).
    pub fn predict_csr(&self, x: &impl CsrMatrix<F>) -> Result<Array1<L>> {
        let eta = self.decision_function_csr(x)?;
        Ok(class_indices(self.strategy, &eta)
            .into_iter()
            .map(|i| self.classes[i].clone())
            .collect())
    }
}
