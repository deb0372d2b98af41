//! Predictions of a fitted model: scores, probabilities, labels, accuracy.

use super::FittedLogisticRegression;
use crate::kernels::{
    log_sigmoid, log_softmax_inplace, map_row_chunks, map_row_chunks_into, scores, sigmoid_pair,
    sigmoid_pairs, softmax_inplace,
};
use crate::multiclass::Strategy;
use crate::validate::{check_finite_rows, check_length};
use crate::{Error, Float, Result};
use ndarray::{
    Array1, Array2, ArrayBase, ArrayView1, ArrayView2, ArrayViewMut2, Data, Ix1, Ix2, Zip, s,
};

impl<F: Float, L: Clone + Ord> FittedLogisticRegression<F, L> {
    /// Linear predictors x·wᵀ + b: n × 1 for a binary model (the logit of the
    /// second class), n × k otherwise.
    ///
    /// ```
    /// use logreg::LogisticRegression;
    /// use ndarray::array;
    /// let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0]];
    /// let model = LogisticRegression::new().fit(&x, &array![0, 0, 1, 0, 1, 1])?;
    /// let eta = model.decision_function(&array![[0.0], [5.0]])?;
    /// assert_eq!(eta.dim(), (2, 1));
    /// let (w, b) = (model.coef()[(0, 0)], model.intercept()[0]);
    /// assert!((eta[(1, 0)] - (5.0 * w + b)).abs() < 1e-12);
    /// assert!(eta[(0, 0)] < 0.0 && eta[(1, 0)] > 0.0); // class 0 at x = 0, class 1 at x = 5
    /// # Ok::<(), logreg::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::FeatureMismatch`] or [`Error::NonFinite`] for bad `x`;
    /// [`Error::ScoreOverflow`] when a score x·w + b is NaN (overflow both ways).
    /// Scores that overflow one way are ±∞ and give probabilities 0 and 1.
    pub fn decision_function<S: Data<Elem = F>>(&self, x: &ArrayBase<S, Ix2>) -> Result<Array2<F>> {
        self.fill_from_scores(x.view(), self.coef.nrows(), |eta, mut out| out.assign(&eta))
    }

    /// An n × `columns` array whose row chunks `fill` writes from the
    /// chunks' [`chunk_scores`], the chunks in parallel: one read of X, and
    /// bits that do not depend on the thread count (each row's values
    /// depend only on its chunk, and chunks are sized by the width alone).
    fn fill_from_scores<M>(
        &self,
        x: ArrayView2<'_, F>,
        columns: usize,
        fill: M,
    ) -> Result<Array2<F>>
    where
        M: Fn(Array2<F>, ArrayViewMut2<'_, F>) + Sync + Send,
    {
        self.check_width(x)?;
        let (coef, intercept) = (self.coef.view(), self.intercept.view());
        let mut out = Array2::zeros((x.nrows(), columns));
        let chunks = map_row_chunks_into(out.view_mut(), self.score_width(), |rows, out| {
            let first = rows.start;
            fill(
                chunk_scores(x.slice(s![rows, ..]), coef, intercept, first)?,
                out,
            );
            Ok(())
        });
        self.first_error(chunks)?;
        Ok(out)
    }

    /// Values per row of a prediction pass (its rows of X and their scores),
    /// which sizes its chunks: the same for every prediction, so that
    /// `predict` is the argmax of `decision_function` bit for bit.
    fn score_width(&self) -> usize {
        self.n_features() + self.coef.nrows()
    }

    /// Checks that rows to predict have the fitted number of features.
    fn check_width(&self, x: ArrayView2<'_, F>) -> Result<()> {
        if x.ncols() == self.n_features() {
            return Ok(());
        }
        Err(self.name_columns(Error::FeatureMismatch {
            expected: self.n_features(),
            got: x.ncols(),
            names: Vec::new(),
        }))
    }

    /// The chunks' results, or the error of a check over all rows: the
    /// first non-finite entry of X, else the first NaN score (as when X was
    /// checked in full before any score was computed).
    fn first_error<T>(&self, chunks: Vec<Result<T>>) -> Result<Vec<T>> {
        let non_finite = chunks
            .iter()
            .find(|c| matches!(c, Err(Error::NonFiniteEntry { .. })));
        if let Some(Err(error)) = non_finite {
            return Err(self.name_columns(error.clone()));
        }
        chunks.into_iter().collect()
    }

    /// Class probabilities, n × k, columns in `classes()` order, rows summing to 1.
    /// One-vs-rest probabilities are the sub-models' normalized.
    ///
    /// ```
    /// use logreg::LogisticRegression;
    /// use ndarray::array;
    /// let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0]];
    /// let model = LogisticRegression::new().fit(&x, &array![0, 0, 1, 0, 1, 1])?;
    /// let p = model.predict_proba(&x)?;
    /// assert_eq!(p.dim(), (6, 2));
    /// assert!(p.rows().into_iter().all(|row| (row.sum() - 1.0).abs() < 1e-12));
    /// // Column 1 is σ(logit).
    /// let eta = model.decision_function(&x)?;
    /// assert!((p[(0, 1)] - 1.0 / (1.0 + (-eta[(0, 0)]).exp())).abs() < 1e-12);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`decision_function`](Self::decision_function).
    pub fn predict_proba<S: Data<Elem = F>>(&self, x: &ArrayBase<S, Ix2>) -> Result<Array2<F>> {
        let strategy = self.strategy;
        self.fill_from_scores(x.view(), self.classes.len(), |eta, out| {
            proba_rows(strategy, eta, out)
        })
    }

    /// Probabilities from the scores of `decision_function`.
    pub(crate) fn proba_from_scores(&self, eta: Array2<F>) -> Array2<F> {
        let mut p = Array2::zeros((eta.nrows(), self.classes.len()));
        proba_rows(self.strategy, eta, p.view_mut());
        p
    }

    /// Log-probabilities, n × k, computed from the linear predictors
    /// (log-sigmoid or log-softmax), never as ln(p): finite where p underflows.
    ///
    /// ```
    /// use logreg::LogisticRegression;
    /// use ndarray::array;
    /// let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0]];
    /// let model = LogisticRegression::new().fit(&x, &array![0, 0, 1, 0, 1, 1])?;
    /// let far = array![[-1e4]];
    /// assert_eq!(model.predict_proba(&far)?[(0, 1)], 0.0); // underflows
    /// let log_p = model.predict_log_proba(&far)?;
    /// assert!(log_p[(0, 1)].is_finite() && log_p[(0, 1)] < -1000.0);
    /// assert!(log_p[(0, 0)].abs() < 1e-12); // ln 1
    /// # Ok::<(), logreg::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`decision_function`](Self::decision_function).
    pub fn predict_log_proba<S: Data<Elem = F>>(&self, x: &ArrayBase<S, Ix2>) -> Result<Array2<F>> {
        let strategy = self.strategy;
        self.fill_from_scores(x.view(), self.classes.len(), |eta, out| {
            log_proba_rows(strategy, eta, out)
        })
    }

    /// Log-probabilities from the scores of `decision_function`.
    pub(crate) fn log_proba_from_scores(&self, eta: Array2<F>) -> Array2<F> {
        let mut log_p = Array2::zeros((eta.nrows(), self.classes.len()));
        log_proba_rows(self.strategy, eta, log_p.view_mut());
        log_p
    }

    /// The probability of one named class for each row: the column of
    /// [`predict_proba`](Self::predict_proba) that belongs to `class`.
    ///
    /// ```
    /// use logreg::{Error, LogisticRegression};
    /// use ndarray::array;
    /// let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0]];
    /// let y = array!["ham", "ham", "spam", "ham", "spam", "spam"];
    /// let model = LogisticRegression::new().fit(&x, &y)?;
    /// let p_spam = model.predict_proba_of(&x, &"spam")?;
    /// assert_eq!(p_spam, model.predict_proba(&x)?.column(1));
    /// let err = model.predict_proba_of(&x, &"eggs").unwrap_err();
    /// assert!(matches!(err, Error::InvalidParameter { name: "class", .. }));
    /// # Ok::<(), logreg::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`decision_function`](Self::decision_function), and
    /// [`Error::InvalidParameter`] (`class`) for a label that is not one of
    /// the model's classes.
    pub fn predict_proba_of<S: Data<Elem = F>>(
        &self,
        x: &ArrayBase<S, Ix2>,
        class: &L,
    ) -> Result<Array1<F>> {
        let column = self.classes.binary_search(class).map_err(|_| {
            Error::invalid(
                "class",
                "a label that is not one of the model's classes",
                "pass one of model.classes()",
            )
        })?;
        Ok(self.predict_proba(x)?.column(column).to_owned())
    }

    /// Binary models: the positive class (`classes()[1]`) for each row
    /// whose probability of it is at least `threshold`, else the negative
    /// class (scikit-learn's `FixedThresholdClassifier` on
    /// `predict_proba`). [`predict`](Self::predict) is the threshold 0.5.
    /// Lower it to catch more positives at the cost of more false alarms.
    ///
    /// ```
    /// use logreg::LogisticRegression;
    /// use ndarray::array;
    /// let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0]];
    /// let y = array![0, 0, 1, 0, 1, 1];
    /// let model = LogisticRegression::new().fit(&x, &y)?;
    /// assert_eq!(model.predict_with_threshold(&x, 0.5)?, model.predict(&x)?);
    /// let cautious = model.predict_with_threshold(&x, 0.2)?;
    /// assert!(cautious.iter().filter(|&&c| c == 1).count() > 3);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`decision_function`](Self::decision_function), and
    /// [`Error::InvalidParameter`] (`threshold`) for a threshold outside
    /// [0, 1] or a model of more than two classes (use
    /// [`predict_proba_of`](Self::predict_proba_of) there).
    pub fn predict_with_threshold<S: Data<Elem = F>>(
        &self,
        x: &ArrayBase<S, Ix2>,
        threshold: F,
    ) -> Result<Array1<L>> {
        if !(threshold >= F::zero() && threshold <= F::one()) {
            return Err(Error::invalid(
                "threshold",
                threshold,
                "must lie in [0, 1]: it is a probability of the positive class",
            ));
        }
        if self.classes.len() != 2 {
            return Err(Error::invalid(
                "threshold",
                threshold,
                "a threshold applies to two classes: for more, compare predict_proba_of per class",
            ));
        }
        let p = self.predict_proba(x)?;
        Ok(p.column(1)
            .iter()
            .map(|&p| self.classes[usize::from(p >= threshold)].clone())
            .collect())
    }

    /// The most probable class for each row.
    ///
    /// ```
    /// use logreg::LogisticRegression;
    /// use ndarray::array;
    /// let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0]];
    /// let y = array!["no", "no", "yes", "no", "yes", "yes"];
    /// let model = LogisticRegression::new().fit(&x, &y)?;
    /// assert_eq!(model.predict(&array![[-3.0], [8.0]])?, array!["no", "yes"]);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`decision_function`](Self::decision_function).
    pub fn predict<S: Data<Elem = F>>(&self, x: &ArrayBase<S, Ix2>) -> Result<Array1<L>> {
        let x = x.view();
        self.check_width(x)?;
        let (coef, intercept) = (self.coef.view(), self.intercept.view());
        let strategy = self.strategy;
        // Scores chunk by chunk: with many classes all n × k of them at once
        // could take gigabytes, for one index per row.
        let best = map_row_chunks(x.nrows(), self.score_width(), |rows| {
            let first = rows.start;
            let eta = chunk_scores(x.slice(s![rows, ..]), coef, intercept, first)?;
            Ok(class_indices(strategy, &eta))
        });
        let mut labels = Vec::with_capacity(x.nrows());
        for chunk in self.first_error(best)? {
            labels.extend(chunk.into_iter().map(|i| self.classes[i].clone()));
        }
        Ok(Array1::from(labels))
    }

    /// Mean accuracy of `predict(x)` against `y`. As in scikit-learn, a label
    /// the model was not fitted on is never predicted, so it counts as wrong.
    ///
    /// ```
    /// use logreg::{Error, LogisticRegression};
    /// use ndarray::array;
    /// let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0]];
    /// let y = array![0, 0, 1, 0, 1, 1];
    /// let model = LogisticRegression::new().fit(&x, &y)?;
    /// // A threshold between 2 and 3 gets x = 2 and x = 3 wrong: 4 of 6.
    /// assert_eq!(model.predict(&x)?, array![0, 0, 0, 1, 1, 1]);
    /// assert!((model.score(&x, &y)? - 4.0 / 6.0).abs() < 1e-15);
    /// let err = model.score(&x, &array![0, 1]).unwrap_err();
    /// assert!(matches!(err, Error::LengthMismatch { what: "y", .. }));
    /// # Ok::<(), logreg::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`decision_function`](Self::decision_function), and
    /// [`Error::LengthMismatch`] when `y` does not have one label per row.
    pub fn score<S, T>(&self, x: &ArrayBase<S, Ix2>, y: &ArrayBase<T, Ix1>) -> Result<F>
    where
        S: Data<Elem = F>,
        T: Data<Elem = L>,
    {
        check_length("y", x.nrows(), y.len())?;
        let predicted = self.predict(x)?;
        let correct = Zip::from(&predicted)
            .and(y)
            .fold(0usize, |n, p, t| n + usize::from(p == t));
        let to_f = |v: usize| F::from_usize(v).unwrap_or_else(F::max_value);
        Ok(to_f(correct) / to_f(y.len().max(1)))
    }
}

/// Writes the probabilities of rows with scores `eta` into `out`.
fn proba_rows<F: Float>(strategy: Strategy, eta: Array2<F>, mut out: ArrayViewMut2<'_, F>) {
    match strategy {
        Strategy::Binary => match (eta.as_slice(), out.as_slice_mut()) {
            (Some(eta), Some(out)) => sigmoid_pairs(eta, out),
            _ => {
                for (mut row, &e) in out.rows_mut().into_iter().zip(eta.column(0)) {
                    (row[0], row[1]) = sigmoid_pair(e);
                }
            }
        },
        Strategy::Multinomial => {
            out.assign(&eta);
            out.rows_mut().into_iter().for_each(softmax_inplace);
        }
        // Normalized in log space: when every σ(η) underflows to 0 (all
        // η below −745) the plain ratio would be 0/0.
        Strategy::OneVsRest => {
            log_proba_rows(strategy, eta, out.view_mut());
            out.mapv_inplace(F::exp);
        }
    }
}

/// Writes the log-probabilities of rows with scores `eta` into `out`.
fn log_proba_rows<F: Float>(strategy: Strategy, eta: Array2<F>, mut out: ArrayViewMut2<'_, F>) {
    match strategy {
        Strategy::Binary => {
            for (mut row, &e) in out.rows_mut().into_iter().zip(eta.column(0)) {
                row[0] = log_sigmoid(-e);
                row[1] = log_sigmoid(e);
            }
        }
        Strategy::Multinomial => out.assign(&eta),
        Strategy::OneVsRest => Zip::from(&mut out)
            .and(&eta)
            .for_each(|o, &e| *o = log_sigmoid(e)),
    }
    if strategy != Strategy::Binary {
        out.rows_mut().into_iter().for_each(log_softmax_inplace);
    }
}

/// Scores x·wᵀ + b of a chunk of rows whose first is row `first` of the
/// data, with the rows checked for non-finite entries. Such an entry makes
/// every score of its row ±∞ or NaN (∞·0 is NaN, ∞ − ∞ too), so only rows
/// with a non-finite score are read again: X is read once, where a check
/// ahead of the product read it twice.
///
/// Finite x and w can give +∞ and −∞ terms in one product, whose sum is NaN:
/// that is an error, not a silent NaN probability. (With fused multiply-adds,
/// as the GEMM kernels on this crate's test machine use, a product never
/// reaches −∞ after +∞, so this is a guard for other kernels rather than a
/// path the tests can reach.)
fn chunk_scores<F: Float>(
    x: ArrayView2<'_, F>,
    coef: ArrayView2<'_, F>,
    intercept: ArrayView1<'_, F>,
    first: usize,
) -> Result<Array2<F>> {
    let eta = scores(x, coef, intercept);
    for (i, row) in eta.rows().into_iter().enumerate() {
        if row.iter().any(|v| !v.is_finite()) {
            check_finite_rows("x", x.slice(s![i..=i, ..]), first + i)?;
        }
    }
    no_nan_scores(eta, first)
}

/// The scores, or the error for the first row holding a NaN (+∞ and −∞ terms).
pub(crate) fn no_nan_scores<F: Float>(eta: Array2<F>, first: usize) -> Result<Array2<F>> {
    match eta
        .rows()
        .into_iter()
        .position(|row| row.iter().any(|v| v.is_nan()))
    {
        Some(row) => Err(Error::ScoreOverflow { row: first + row }),
        None => Ok(eta),
    }
}

/// The predicted class index of each row of scores.
pub(crate) fn class_indices<F: Float>(strategy: Strategy, eta: &Array2<F>) -> Vec<usize> {
    eta.rows()
        .into_iter()
        .map(|row| match strategy {
            Strategy::Binary => usize::from(row[0] > F::zero()),
            _ => argmax(row),
        })
        .collect()
}

/// Index of the largest entry (the first on ties).
fn argmax<F: Float>(row: ArrayView1<'_, F>) -> usize {
    row.iter()
        .enumerate()
        .fold((0, F::neg_infinity()), |(bi, bv), (i, &v)| {
            if v > bv { (i, v) } else { (bi, bv) }
        })
        .0
}
