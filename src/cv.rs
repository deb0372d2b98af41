//! Choosing the penalty strength by k-fold cross-validation (scikit-learn's
//! `LogisticRegressionCV`, glmnet's `cv.glmnet`).

use crate::folds::stratified_folds;
use crate::model::{FittedLogisticRegression, LogisticRegression};
use crate::path::Alphas;
use crate::sparse::{CsrMatrix, CsrView};
use crate::validate::check_length;
use crate::{Error, Float, Result};
use ndarray::{Array1, Array2, ArrayBase, ArrayView1, ArrayView2, Axis, Data, Ix1, Ix2};
use rayon::prelude::*;
use sprs::CsMat;

/// How a held-out fold scores a model; higher is better.
///
/// ```
/// use logreg::Scoring;
/// assert_eq!(Scoring::default(), Scoring::Accuracy);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Scoring {
    /// The share of rows predicted right (scikit-learn's default `"accuracy"`).
    #[default]
    Accuracy,
    /// Minus the mean log loss, −(1/n)·Σ ln p(yᵢ | xᵢ) (scikit-learn's
    /// `"neg_log_loss"`; the deviance criterion of glmnet).
    NegLogLoss,
}

/// Which rows form each fold.
#[derive(Debug, Clone, PartialEq)]
enum Folds {
    /// `k` folds, each class's rows shuffled (seeded) and dealt out in turn.
    Stratified { k: usize, seed: u64 },
    /// The fold of each row, 0..k.
    Given(Vec<usize>),
}

/// Settings for a cross-validated choice of α: the model settings (penalty
/// form, solver, tolerance, multiclass, class weights), the α grid, the
/// folds and the score.
///
/// Every fold fits the whole grid as a [`RegularizationPath`](crate::RegularizationPath)
/// (warm starts, strong rules); the folds run in parallel. The grid is
/// fixed on all the data first (for [`Alphas::Auto`], from its α_max), so
/// every fold scores the same values. Then the model is refitted on all the
/// data at the best α.
///
/// ```
/// use logreg::{Alphas, CrossValidation, LogisticRegression, Penalty, Scoring};
/// use ndarray::{Array1, Array2};
/// // 120 rows: the label follows feature 0; feature 1 is noise.
/// let x = Array2::from_shape_fn((120, 2), |(i, j)| {
///     if j == 0 { (i % 12) as f64 - 5.5 } else { ((i * 7) % 11) as f64 }
/// });
/// let y: Array1<i32> = (0..120).map(|i| i32::from((i % 12) as f64 - 5.5 + ((i * 5) % 7) as f64 - 3.0 > 0.0)).collect();
/// let cv = CrossValidation::new(LogisticRegression::new().penalty(Penalty::L1))
///     .alphas(Alphas::auto(20))
///     .folds(4)
///     .scoring(Scoring::NegLogLoss)
///     .fit(&x, &y)?;
/// assert_eq!(cv.scores().dim(), (4, 20));
/// assert!(cv.alpha_1se() >= cv.best_alpha()); // the simpler model
/// let model = cv.model(); // refitted on all rows at the best α
/// assert_eq!(model.predict(&x)?.len(), 120);
/// # Ok::<(), logreg::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct CrossValidation<F: Float> {
    settings: LogisticRegression<F>,
    alphas: Alphas<F>,
    folds: Folds,
    scoring: Scoring,
}

impl<F: Float> CrossValidation<F> {
    /// Cross-validates `settings` over [`Alphas::auto(100)`](Alphas::auto)
    /// with 5 stratified folds (seed 0), scored by accuracy.
    ///
    /// ```
    /// use logreg::{CrossValidation, LogisticRegression, Penalty};
    /// let cv = CrossValidation::new(LogisticRegression::<f64>::new().penalty(Penalty::L1));
    /// # let _ = cv;
    /// ```
    pub fn new(settings: LogisticRegression<F>) -> Self {
        Self {
            settings,
            alphas: Alphas::auto(100),
            folds: Folds::Stratified { k: 5, seed: 0 },
            scoring: Scoring::Accuracy,
        }
    }

    /// The α grid (an automatic grid needs an L1 term; give values for L2).
    ///
    /// ```
    /// use logreg::{Alphas, CrossValidation, LogisticRegression};
    /// let cv = CrossValidation::new(LogisticRegression::<f64>::new())
    ///     .alphas(Alphas::Given(vec![1.0, 0.1, 0.01]));
    /// # let _ = cv;
    /// ```
    pub fn alphas(mut self, alphas: Alphas<F>) -> Self {
        self.alphas = alphas;
        self
    }

    /// `k` stratified folds (≥ 2; every class needs at least `k` rows),
    /// keeping the seed.
    ///
    /// ```
    /// use logreg::{CrossValidation, LogisticRegression};
    /// let cv = CrossValidation::new(LogisticRegression::<f64>::new()).folds(10);
    /// # let _ = cv;
    /// ```
    pub fn folds(mut self, k: usize) -> Self {
        let seed = match self.folds {
            Folds::Stratified { seed, .. } => seed,
            Folds::Given(_) => 0,
        };
        self.folds = Folds::Stratified { k, seed };
        self
    }

    /// The seed of the stratified folds' shuffles (the same seed, the same folds).
    ///
    /// ```
    /// use logreg::{CrossValidation, LogisticRegression};
    /// let cv = CrossValidation::new(LogisticRegression::<f64>::new()).folds(3).seed(42);
    /// # let _ = cv;
    /// ```
    pub fn seed(mut self, seed: u64) -> Self {
        let k = match self.folds {
            Folds::Stratified { k, .. } => k,
            Folds::Given(_) => 5,
        };
        self.folds = Folds::Stratified { k, seed };
        self
    }

    /// Folds given row by row (scikit-learn's `PredefinedSplit`): row `i`
    /// is held out in fold `fold_of_row[i]`, numbered 0..k (k ≥ 2, none
    /// empty); every training part must hold every class.
    ///
    /// ```
    /// use logreg::{Alphas, CrossValidation, LogisticRegression};
    /// use ndarray::array;
    /// let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0], [6.0], [7.0]];
    /// let y = array![0, 0, 1, 0, 1, 0, 1, 1];
    /// let cv = CrossValidation::new(LogisticRegression::new())
    ///     .alphas(Alphas::Given(vec![1.0, 0.1]))
    ///     .fold_ids(vec![0, 1, 0, 1, 0, 1, 0, 1])
    ///     .fit(&x, &y)?;
    /// assert_eq!(cv.scores().nrows(), 2);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn fold_ids(mut self, fold_of_row: Vec<usize>) -> Self {
        self.folds = Folds::Given(fold_of_row);
        self
    }

    /// The score the folds are compared by.
    ///
    /// ```
    /// use logreg::{CrossValidation, LogisticRegression, Scoring};
    /// let cv = CrossValidation::new(LogisticRegression::<f64>::new()).scoring(Scoring::NegLogLoss);
    /// # let _ = cv;
    /// ```
    pub fn scoring(mut self, scoring: Scoring) -> Self {
        self.scoring = scoring;
        self
    }

    /// Scores every α on every fold, picks the best, and refits on all rows.
    ///
    /// # Errors
    /// As [`LogisticRegression::path`], and [`Error::InvalidParameter`]
    /// (`folds`) for fewer than 2 folds, a class with fewer rows than folds,
    /// given folds of the wrong length, with an empty fold, or whose
    /// training part misses a class.
    pub fn fit<S, T, L>(
        &self,
        x: &ArrayBase<S, Ix2>,
        y: &ArrayBase<T, Ix1>,
    ) -> Result<CrossValidated<F, L>>
    where
        S: Data<Elem = F>,
        T: Data<Elem = L>,
        L: Clone + Ord + Send + Sync,
    {
        let (x, y) = (x.view(), y.view());
        self.settings.check_path_settings()?;
        let labelled = self.settings.labelled(x, y, None)?;
        let fold_of_row = self.assign_folds(&labelled.class, labelled.classes.len())?;
        let k = fold_of_row.iter().max().map_or(0, |m| m + 1);
        let grid = self.settings.grid_for(x, &labelled, &self.alphas)?;
        let fold_scores = (0..k)
            .into_par_iter()
            .map(|fold| self.score_fold(x, y, &fold_of_row, fold, &grid))
            .collect::<Result<Vec<_>>>()?;
        self.choose(grid, &fold_scores, |alpha| {
            self.settings.clone().alpha(alpha).fit(&x, &y)
        })
    }

    /// The mean scores and their standard errors, the best α and the
    /// one-standard-error α, and the refit at the best.
    fn choose<L>(
        &self,
        grid: Vec<F>,
        fold_scores: &[Array1<F>],
        refit: impl FnOnce(F) -> Result<FittedLogisticRegression<F, L>>,
    ) -> Result<CrossValidated<F, L>> {
        let k = fold_scores.len();
        let mut scores = Array2::zeros((k, grid.len()));
        for (mut row, fold) in scores.rows_mut().into_iter().zip(fold_scores) {
            row.assign(fold);
        }
        let n_folds = F::from_f64_lossy(k as f64);
        let mean = scores
            .mean_axis(Axis(0))
            .unwrap_or_else(|| Array1::zeros(grid.len()));
        let std_error = scores.std_axis(Axis(0), F::one()) / n_folds.sqrt();
        // The first maximum: the largest α among equals, the simplest model.
        let best = (0..grid.len()).fold(0, |b, i| if mean[i] > mean[b] { i } else { b });
        let floor = mean[best] - std_error[best];
        let one_se = (0..grid.len()).find(|&i| mean[i] >= floor).unwrap_or(best);
        let model = refit(grid[best])?;
        Ok(CrossValidated {
            alphas: Array1::from(grid),
            scores,
            mean,
            std_error,
            best,
            one_se,
            model,
        })
    }

    /// [`fit`](Self::fit) on sparse CSR features (an `sprs` matrix): each
    /// fold's path runs on a CSR copy of its training rows
    /// ([`LogisticRegression::path_csr`]), folds in parallel, and the refit
    /// uses [`LogisticRegression::fit_csr`].
    ///
    /// ```
    /// use logreg::{Alphas, CrossValidation, LogisticRegression, Penalty};
    /// use ndarray::array;
    /// use sprs::CsMat;
    /// let x = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 1.0], [3.0, 0.0], [4.0, 1.0], [5.0, 0.0], [6.0, 1.0], [7.0, 0.0]];
    /// let y = array![0, 0, 1, 0, 1, 0, 1, 1];
    /// let cv = CrossValidation::new(LogisticRegression::new().penalty(Penalty::L1))
    ///     .alphas(Alphas::Given(vec![1.0, 0.1, 0.01]))
    ///     .fold_ids(vec![0, 1, 0, 1, 0, 1, 0, 1]);
    /// let sparse = cv.fit_csr(&CsMat::csr_from_dense(x.view(), 0.0), &y)?;
    /// let dense = cv.fit(&x, &y)?;
    /// assert_eq!(sparse.best_alpha(), dense.best_alpha());
    /// assert!((&sparse.scores() - &dense.scores()).iter().all(|d| d.abs() < 1e-8));
    /// # Ok::<(), logreg::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`fit`](Self::fit) and [`LogisticRegression::path_csr`].
    pub fn fit_csr<T, L>(
        &self,
        x: &impl CsrMatrix<F>,
        y: &ArrayBase<T, Ix1>,
    ) -> Result<CrossValidated<F, L>>
    where
        T: Data<Elem = L>,
        L: Clone + Ord + Send + Sync,
    {
        let y = y.view();
        self.settings.check_path_settings()?;
        let view = self.settings.checked_csr(x)?;
        let labelled = self.settings.labelled_rows(view.nrows(), y, None)?;
        let fold_of_row = self.assign_folds(&labelled.class, labelled.classes.len())?;
        let k = fold_of_row.iter().max().map_or(0, |m| m + 1);
        let grid = self.settings.grid_for_csr(view, &labelled, &self.alphas)?;
        let fold_scores = (0..k)
            .into_par_iter()
            .map(|fold| {
                let (test, train): (Vec<usize>, Vec<usize>) =
                    (0..fold_of_row.len()).partition(|&i| fold_of_row[i] == fold);
                let (x_train, y_train) = (csr_rows(view, &train), y.select(Axis(0), &train));
                let (x_test, y_test) = (csr_rows(view, &test), y.select(Axis(0), &test));
                let path =
                    self.settings
                        .path_csr(&x_train, &y_train, &Alphas::Given(grid.clone()))?;
                path.models()
                    .iter()
                    .map(|model| score(model, self.scoring, Held::Sparse(&x_test), y_test.view()))
                    .collect::<Result<Array1<F>>>()
            })
            .collect::<Result<Vec<_>>>()?;
        self.choose(grid, &fold_scores, |alpha| {
            self.settings.clone().alpha(alpha).fit_csr(x, &y)
        })
    }

    /// Each row's fold, checked.
    fn assign_folds(&self, class: &[usize], n_classes: usize) -> Result<Vec<usize>> {
        match &self.folds {
            Folds::Stratified { k, seed } => stratified_folds(class, n_classes, *k, *seed),
            Folds::Given(fold_of_row) => {
                check_length("fold_ids", class.len(), fold_of_row.len())?;
                let k = fold_of_row.iter().max().map_or(0, |m| m + 1);
                if k < 2 {
                    return Err(Error::invalid("folds", k, "fold_ids must name ≥ 2 folds"));
                }
                for fold in 0..k {
                    if !fold_of_row.contains(&fold) {
                        return Err(Error::invalid(
                            "folds",
                            fold,
                            "fold_ids leave this fold empty",
                        ));
                    }
                    let mut seen = vec![false; n_classes];
                    for (&f, &c) in fold_of_row.iter().zip(class) {
                        seen[c] |= f != fold;
                    }
                    if seen.contains(&false) {
                        return Err(Error::invalid(
                            "folds",
                            fold,
                            "fold_ids leave a class out of this fold's training rows",
                        ));
                    }
                }
                Ok(fold_of_row.clone())
            }
        }
    }

    /// The scores of every α on fold `fold`, trained on the other folds.
    fn score_fold<L: Clone + Ord>(
        &self,
        x: ArrayView2<'_, F>,
        y: ArrayView1<'_, L>,
        fold_of_row: &[usize],
        fold: usize,
        grid: &[F],
    ) -> Result<Array1<F>> {
        let (test, train): (Vec<usize>, Vec<usize>) =
            (0..fold_of_row.len()).partition(|&i| fold_of_row[i] == fold);
        let (x_train, y_train) = (x.select(Axis(0), &train), y.select(Axis(0), &train));
        let (x_test, y_test) = (x.select(Axis(0), &test), y.select(Axis(0), &test));
        let path = self
            .settings
            .path(&x_train, &y_train, &Alphas::Given(grid.to_vec()))?;
        path.models()
            .iter()
            .map(|model| {
                score(
                    model,
                    self.scoring,
                    Held::Dense(x_test.view()),
                    y_test.view(),
                )
            })
            .collect()
    }
}

/// Held-out rows, dense or CSR.
#[derive(Clone, Copy)]
enum Held<'a, F> {
    Dense(ArrayView2<'a, F>),
    Sparse(&'a CsMat<F>),
}

/// A model's score on held-out rows.
fn score<F: Float, L: Clone + Ord>(
    model: &FittedLogisticRegression<F, L>,
    scoring: Scoring,
    x: Held<'_, F>,
    y: ArrayView1<'_, L>,
) -> Result<F> {
    let n = F::from_f64_lossy(y.len().max(1) as f64);
    match scoring {
        Scoring::Accuracy => match x {
            Held::Dense(x) => model.score(&x, &y),
            Held::Sparse(x) => {
                let predicted = model.predict_csr(x)?;
                let hits = predicted.iter().zip(y).filter(|(p, l)| p == l).count();
                Ok(F::from_f64_lossy(hits as f64) / n)
            }
        },
        Scoring::NegLogLoss => {
            let log_proba = match x {
                Held::Dense(x) => model.predict_log_proba(&x)?,
                Held::Sparse(x) => model.predict_log_proba_csr(x)?,
            };
            let mut total = F::zero();
            for (index, (row, label)) in log_proba.rows().into_iter().zip(y).enumerate() {
                let class = model
                    .classes()
                    .binary_search(label)
                    .map_err(|_| Error::UnknownLabel { index })?;
                total += row[class];
            }
            Ok(total / n)
        }
    }
}

/// Rows `rows` of a CSR matrix, as an owned CSR matrix.
fn csr_rows<F: Float>(x: CsrView<'_, F>, rows: &[usize]) -> CsMat<F> {
    let mut indptr = Vec::with_capacity(rows.len() + 1);
    let (mut indices, mut data) = (Vec::new(), Vec::new());
    indptr.push(0);
    for &i in rows {
        let (row_indices, values) = x.row(i);
        indices.extend_from_slice(row_indices);
        data.extend_from_slice(values);
        indptr.push(indices.len());
    }
    // The rows of a checked CSR matrix, so still a valid one.
    CsMat::new((rows.len(), x.ncols()), indptr, indices, data)
}

/// The outcome of a [`CrossValidation`]: the scores per fold and α, the
/// chosen α values, and the model refitted at the best one.
#[derive(Debug, Clone)]
pub struct CrossValidated<F: Float, L> {
    alphas: Array1<F>,
    scores: Array2<F>,
    mean: Array1<F>,
    std_error: Array1<F>,
    best: usize,
    one_se: usize,
    model: FittedLogisticRegression<F, L>,
}

impl<F: Float, L> CrossValidated<F, L> {
    /// The α grid, decreasing.
    ///
    /// ```
    /// # use logreg::{Alphas, CrossValidation, LogisticRegression, Penalty, Scoring};
    /// # use ndarray::array;
    /// # let x = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 1.0], [3.0, 0.0], [4.0, 1.0], [5.0, 0.0], [6.0, 1.0], [7.0, 0.0]];
    /// # let y = array![0, 0, 1, 0, 1, 0, 1, 1];
    /// let cv = CrossValidation::new(LogisticRegression::new().penalty(Penalty::L1))
    ///     .alphas(Alphas::Given(vec![1.0, 0.1, 0.01]))
    ///     .fold_ids(vec![0, 1, 0, 1, 0, 1, 0, 1])
    ///     .scoring(Scoring::NegLogLoss)
    ///     .fit(&x, &y)?;
    /// assert_eq!(cv.alphas().to_vec(), vec![1.0, 0.1, 0.01]);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn alphas(&self) -> ArrayView1<'_, F> {
        self.alphas.view()
    }

    /// The held-out score of every α (columns) on every fold (rows).
    ///
    /// ```
    /// # use logreg::{Alphas, CrossValidation, LogisticRegression, Penalty, Scoring};
    /// # use ndarray::array;
    /// # let x = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 1.0], [3.0, 0.0], [4.0, 1.0], [5.0, 0.0], [6.0, 1.0], [7.0, 0.0]];
    /// # let y = array![0, 0, 1, 0, 1, 0, 1, 1];
    /// let cv = CrossValidation::new(LogisticRegression::new().penalty(Penalty::L1))
    ///     .alphas(Alphas::Given(vec![1.0, 0.1, 0.01]))
    ///     .fold_ids(vec![0, 1, 0, 1, 0, 1, 0, 1])
    ///     .scoring(Scoring::NegLogLoss)
    ///     .fit(&x, &y)?;
    /// assert_eq!(cv.scores().dim(), (2, 3));
    /// assert!(cv.scores().iter().all(|&s| s < 0.0)); // minus a log loss
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn scores(&self) -> ArrayView2<'_, F> {
        self.scores.view()
    }

    /// The mean score over the folds, per α.
    ///
    /// ```
    /// # use logreg::{Alphas, CrossValidation, LogisticRegression, Penalty, Scoring};
    /// # use ndarray::array;
    /// # let x = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 1.0], [3.0, 0.0], [4.0, 1.0], [5.0, 0.0], [6.0, 1.0], [7.0, 0.0]];
    /// # let y = array![0, 0, 1, 0, 1, 0, 1, 1];
    /// let cv = CrossValidation::new(LogisticRegression::new().penalty(Penalty::L1))
    ///     .alphas(Alphas::Given(vec![1.0, 0.1, 0.01]))
    ///     .fold_ids(vec![0, 1, 0, 1, 0, 1, 0, 1])
    ///     .scoring(Scoring::NegLogLoss)
    ///     .fit(&x, &y)?;
    /// let by_hand = (cv.scores()[(0, 2)] + cv.scores()[(1, 2)]) / 2.0;
    /// assert!((cv.mean_scores()[2] - by_hand).abs() < 1e-15);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn mean_scores(&self) -> ArrayView1<'_, F> {
        self.mean.view()
    }

    /// The standard error of the mean score, per α: the folds' sample
    /// standard deviation over √k.
    ///
    /// ```
    /// # use logreg::{Alphas, CrossValidation, LogisticRegression, Penalty, Scoring};
    /// # use ndarray::array;
    /// # let x = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 1.0], [3.0, 0.0], [4.0, 1.0], [5.0, 0.0], [6.0, 1.0], [7.0, 0.0]];
    /// # let y = array![0, 0, 1, 0, 1, 0, 1, 1];
    /// let cv = CrossValidation::new(LogisticRegression::new().penalty(Penalty::L1))
    ///     .alphas(Alphas::Given(vec![1.0, 0.1, 0.01]))
    ///     .fold_ids(vec![0, 1, 0, 1, 0, 1, 0, 1])
    ///     .scoring(Scoring::NegLogLoss)
    ///     .fit(&x, &y)?;
    /// let (a, b) = (cv.scores()[(0, 1)], cv.scores()[(1, 1)]);
    /// assert!((cv.std_errors()[1] - (a - b).abs() / 2.0).abs() < 1e-15);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn std_errors(&self) -> ArrayView1<'_, F> {
        self.std_error.view()
    }

    /// The α with the best mean score (the largest α among ties).
    ///
    /// ```
    /// # use logreg::{Alphas, CrossValidation, LogisticRegression, Penalty, Scoring};
    /// # use ndarray::array;
    /// # let x = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 1.0], [3.0, 0.0], [4.0, 1.0], [5.0, 0.0], [6.0, 1.0], [7.0, 0.0]];
    /// # let y = array![0, 0, 1, 0, 1, 0, 1, 1];
    /// let cv = CrossValidation::new(LogisticRegression::new().penalty(Penalty::L1))
    ///     .alphas(Alphas::Given(vec![1.0, 0.1, 0.01]))
    ///     .fold_ids(vec![0, 1, 0, 1, 0, 1, 0, 1])
    ///     .scoring(Scoring::NegLogLoss)
    ///     .fit(&x, &y)?;
    /// let best = cv.mean_scores().iter().cloned().fold(f64::MIN, f64::max);
    /// let at = cv.alphas().iter().position(|&a| a == cv.best_alpha()).unwrap();
    /// assert_eq!(cv.mean_scores()[at], best);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn best_alpha(&self) -> F {
        self.alphas[self.best]
    }

    /// The largest α whose mean score is within one standard error of the
    /// best (Breiman's one-standard-error rule): a sparser, more penalized
    /// model that scores about as well.
    ///
    /// ```
    /// # use logreg::{Alphas, CrossValidation, LogisticRegression, Penalty, Scoring};
    /// # use ndarray::array;
    /// # let x = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 1.0], [3.0, 0.0], [4.0, 1.0], [5.0, 0.0], [6.0, 1.0], [7.0, 0.0]];
    /// # let y = array![0, 0, 1, 0, 1, 0, 1, 1];
    /// let cv = CrossValidation::new(LogisticRegression::new().penalty(Penalty::L1))
    ///     .alphas(Alphas::Given(vec![1.0, 0.1, 0.01]))
    ///     .fold_ids(vec![0, 1, 0, 1, 0, 1, 0, 1])
    ///     .scoring(Scoring::NegLogLoss)
    ///     .fit(&x, &y)?;
    /// assert!(cv.alpha_1se() >= cv.best_alpha());
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn alpha_1se(&self) -> F {
        self.alphas[self.one_se]
    }

    /// The model refitted on all rows at [`best_alpha`](Self::best_alpha).
    ///
    /// ```
    /// # use logreg::{Alphas, CrossValidation, LogisticRegression, Penalty, Scoring};
    /// # use ndarray::array;
    /// # let x = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 1.0], [3.0, 0.0], [4.0, 1.0], [5.0, 0.0], [6.0, 1.0], [7.0, 0.0]];
    /// # let y = array![0, 0, 1, 0, 1, 0, 1, 1];
    /// let cv = CrossValidation::new(LogisticRegression::new().penalty(Penalty::L1))
    ///     .alphas(Alphas::Given(vec![1.0, 0.1, 0.01]))
    ///     .fold_ids(vec![0, 1, 0, 1, 0, 1, 0, 1])
    ///     .scoring(Scoring::NegLogLoss)
    ///     .fit(&x, &y)?;
    /// let again = LogisticRegression::new().penalty(Penalty::L1).alpha(cv.best_alpha()).fit(&x, &y)?;
    /// assert_eq!(cv.model().coef(), again.coef());
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn model(&self) -> &FittedLogisticRegression<F, L> {
        &self.model
    }

    /// The refitted model, by value.
    ///
    /// ```
    /// # use logreg::{Alphas, CrossValidation, LogisticRegression, Penalty, Scoring};
    /// # use ndarray::array;
    /// # let x = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 1.0], [3.0, 0.0], [4.0, 1.0], [5.0, 0.0], [6.0, 1.0], [7.0, 0.0]];
    /// # let y = array![0, 0, 1, 0, 1, 0, 1, 1];
    /// let cv = CrossValidation::new(LogisticRegression::new().penalty(Penalty::L1))
    ///     .alphas(Alphas::Given(vec![1.0, 0.1, 0.01]))
    ///     .fold_ids(vec![0, 1, 0, 1, 0, 1, 0, 1])
    ///     .scoring(Scoring::NegLogLoss)
    ///     .fit(&x, &y)?;
    /// let model = cv.into_model();
    /// assert_eq!(model.predict(&x)?.len(), 8);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn into_model(self) -> FittedLogisticRegression<F, L> {
        self.model
    }
}
