//! The model on sparse CSR input: `fit_csr` and the `*_csr` predictions.

use super::labels::Label;
use super::{FittedLogisticRegression, LogisticRegression, class_indices, no_nan_scores};
use crate::multiclass::Design;
use crate::solver::Observer;
use crate::sparse::{CsrMatrix, CsrView};
use crate::validate::check_length;
use crate::{Error, Float, Result};
use ndarray::{Array1, Array2, ArrayBase, ArrayView1, Data, Ix1};

impl<F: Float> LogisticRegression<F> {
    /// Fits on sparse CSR features (an `sprs` matrix) without densifying
    /// them: every pass costs O(nnz·k). All settings apply except
    /// `standardize` (centring would densify; scale the columns beforehand).
    /// With many features and no L1 term pick a first-order solver, as
    /// [`Auto`](crate::solver::Auto) does (L-BFGS): Newton builds a dense
    /// p × p Hessian. With an L1 term `Auto` picks coordinate descent, which
    /// reads the columns of X and never forms the Hessian. Separation is not
    /// diagnosed on sparse data.
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
        L: Label,
    {
        self.fit_csr_inner(x, y.view(), None, None)
    }

    /// [`fit_weighted`](Self::fit_weighted) on sparse CSR features: one
    /// weight per row (finite, ≥ 0, not all zero).
    ///
    /// ```
    /// use logreg::LogisticRegression;
    /// use ndarray::array;
    /// use sprs::CsMat;
    /// let dense = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 0.0], [0.0, 3.0], [4.0, 0.0], [5.0, 1.0]];
    /// let (y, w) = (array![0, 0, 1, 0, 1, 1], array![1.0, 2.0, 1.0, 0.5, 1.0, 3.0]);
    /// let sparse = CsMat::csr_from_dense(dense.view(), 0.0);
    /// let settings = LogisticRegression::new().tol(1e-10);
    /// let from_sparse = settings.fit_csr_weighted(&sparse, &y, &w)?;
    /// let from_dense = settings.fit_weighted(&dense, &y, &w)?;
    /// assert!((&from_sparse.coef() - &from_dense.coef()).iter().all(|d| d.abs() < 1e-8));
    /// # Ok::<(), logreg::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`fit_csr`](Self::fit_csr) and [`fit_weighted`](Self::fit_weighted).
    pub fn fit_csr_weighted<T, W, L>(
        &self,
        x: &impl CsrMatrix<F>,
        y: &ArrayBase<T, Ix1>,
        sample_weight: &ArrayBase<W, Ix1>,
    ) -> Result<FittedLogisticRegression<F, L>>
    where
        T: Data<Elem = L>,
        W: Data<Elem = F>,
        L: Label,
    {
        self.fit_csr_inner(x, y.view(), Some(sample_weight.view()), None)
    }

    /// [`fit_observed`](Self::fit_observed) on sparse CSR features: calls
    /// `observer` after every solver iteration.
    ///
    /// ```
    /// use logreg::LogisticRegression;
    /// use logreg::solver::{Control, Progress};
    /// use ndarray::array;
    /// use sprs::CsMat;
    /// let dense = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 0.0], [0.0, 3.0], [4.0, 0.0], [5.0, 1.0]];
    /// let sparse = CsMat::csr_from_dense(dense.view(), 0.0);
    /// let mut losses = Vec::new();
    /// let mut record = |p: &Progress<f64>| { losses.push(p.objective); Control::Continue };
    /// let model = LogisticRegression::new().fit_csr_observed(&sparse, &array![0, 0, 1, 0, 1, 1], None, &mut record)?;
    /// assert!(losses.windows(2).all(|w| w[1] <= w[0]));
    /// assert!((losses[losses.len() - 1] - model.report().objective).abs() < 1e-12);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`fit_csr_weighted`](Self::fit_csr_weighted).
    pub fn fit_csr_observed<T, L>(
        &self,
        x: &impl CsrMatrix<F>,
        y: &ArrayBase<T, Ix1>,
        sample_weight: Option<ArrayView1<'_, F>>,
        observer: &mut dyn Observer<F>,
    ) -> Result<FittedLogisticRegression<F, L>>
    where
        T: Data<Elem = L>,
        L: Label,
    {
        self.fit_csr_inner(x, y.view(), sample_weight, Some(observer))
    }

    fn fit_csr_inner<L: Label>(
        &self,
        x: &impl CsrMatrix<F>,
        y: ArrayView1<'_, L>,
        sample_weight: Option<ArrayView1<'_, F>>,
        observer: Option<&mut dyn Observer<F>>,
    ) -> Result<FittedLogisticRegression<F, L>> {
        let stop = self.check_settings()?;
        let view = self.checked_csr(x)?;
        let labelled = self.labelled_rows(view.nrows(), y, sample_weight)?;
        self.fit_labelled(labelled, Design::Sparse(view), None, &stop, observer)
    }

    /// A CSR matrix checked for a sparse fit: CSR, finite, not empty, and
    /// no `standardize`.
    pub(crate) fn checked_csr<'x>(&self, x: &'x impl CsrMatrix<F>) -> Result<CsrView<'x, F>> {
        if self.standardize {
            return Err(standardize_refused());
        }
        csr_rows(x).map_err(|e| self.name_columns(e, x.csr_parts().4))
    }
}

/// The error of `standardize(true)` on sparse features (in memory or in
/// chunks): centring would densify them.
pub(crate) fn standardize_refused() -> Error {
    Error::invalid(
        "standardize",
        true,
        "centring sparse features would densify them: scale the columns beforehand",
    )
}

/// A CSR matrix of labelled rows: CSR, finite, at least one row and one
/// column (what `check_features` checks of a dense one).
pub(crate) fn csr_rows<F: Float>(x: &impl CsrMatrix<F>) -> Result<CsrView<'_, F>> {
    let view = CsrView::new(x)?;
    if view.nrows() == 0 {
        return Err(Error::EmptyData);
    }
    if view.ncols() == 0 {
        return Err(Error::NoFeatures { rows: view.nrows() });
    }
    Ok(view)
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
        let view = CsrView::new(x).map_err(|e| self.name_columns(e))?;
        if view.ncols() != self.n_features() {
            return Err(self.name_columns(Error::FeatureMismatch {
                expected: self.n_features(),
                got: view.ncols(),
                names: Vec::new(),
            }));
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

    /// [`score`](Self::score) (accuracy) for sparse CSR rows.
    ///
    /// ```
    /// use logreg::LogisticRegression;
    /// use ndarray::array;
    /// use sprs::CsMat;
    /// let dense = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 0.0], [0.0, 3.0], [4.0, 0.0], [5.0, 1.0]];
    /// let y = array![0, 0, 1, 0, 1, 1];
    /// let model = LogisticRegression::new().fit(&dense, &y)?;
    /// let sparse = CsMat::csr_from_dense(dense.view(), 0.0);
    /// assert_eq!(model.score_csr(&sparse, &y)?, model.score(&dense, &y)?);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`decision_function_csr`](Self::decision_function_csr), and
    /// [`Error::LengthMismatch`] when `y` does not have one label per row.
    pub fn score_csr<T: Data<Elem = L>>(
        &self,
        x: &impl CsrMatrix<F>,
        y: &ArrayBase<T, Ix1>,
    ) -> Result<F> {
        let predicted = self.predict_csr(x)?;
        check_length("y", predicted.len(), y.len())?;
        let correct = predicted.iter().zip(y).filter(|(p, t)| p == t).count();
        let to_f = |v: usize| F::from_usize(v).unwrap_or_else(F::max_value);
        Ok(to_f(correct) / to_f(y.len().max(1)))
    }
}
