//! [`FittedLogisticRegression`]: the fitted parameters, its one
//! constructor, and the accessors.

use super::labels::encode_known;
use super::record::FitRecord;
use crate::diagnostics::Diagnostic;
use crate::multiclass::{Fit, Runs, Strategy};
use crate::solver::{FitReport, StreamState, Termination};
use crate::validate::{check_features, check_length};
use crate::weights::effective_weights;
use crate::{Error, Float, Result};
use ndarray::{Array1, Array2, ArrayView1, ArrayView2};

/// A fitted logistic regression model.
///
/// `coef()` has one row for a binary model (the second class in `classes()`
/// is the positive one) and one row per class otherwise.
///
/// ```
/// use logreg::{FittedLogisticRegression, LogisticRegression};
/// use ndarray::array;
/// let x = array![[0.0_f64, 1.0], [1.0, 0.5], [2.0, 2.5], [3.0, 1.0], [4.0, 3.5], [5.0, 2.0]];
/// let y = array!["cat", "cat", "dog", "cat", "dog", "dog"];
/// let model: FittedLogisticRegression<f64, &str> = LogisticRegression::new().fit(&x, &y)?;
/// // Binary: one row of coefficients, for the second class ("dog").
/// assert_eq!(model.coef().dim(), (1, 2));
/// let logit = model.decision_function(&x)?;
/// let p = model.predict_proba(&x)?;
/// assert!(logit[(5, 0)] > 0.0 && p[(5, 1)] > 0.5);
/// assert_eq!(model.predict(&x)?[5], "dog");
/// # Ok::<(), logreg::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct FittedLogisticRegression<F: Float, L> {
    pub(crate) classes: Vec<L>,
    pub(crate) coef: Array2<F>,
    pub(crate) intercept: Array1<F>,
    pub(crate) strategy: Strategy,
    pub(crate) report: FitReport<F>,
    pub(crate) reports: Vec<FitReport<F>>,
    pub(crate) diagnostics: Vec<Diagnostic>,
    pub(crate) record: FitRecord<F>,
    /// Optimizer state per solver run, for `partial_fit`.
    pub(crate) stream_states: Vec<StreamState<F>>,
}

impl<F: Float, L> FittedLogisticRegression<F, L> {
    /// The one constructor: the model of a fit (or of a start with no fit
    /// yet: no reports) with what it used. Fit, path, streaming and loading
    /// all build models here.
    pub(crate) fn new(
        classes: Vec<L>,
        strategy: Strategy,
        fit: Fit<F>,
        record: FitRecord<F>,
    ) -> Self {
        Self {
            classes,
            coef: fit.coef,
            intercept: fit.intercept,
            strategy,
            report: combine_reports(&fit.reports),
            stream_states: vec![StreamState::default(); fit.reports.len()],
            reports: fit.reports,
            diagnostics: fit.diagnostics,
            record,
        }
    }

    /// The solver runs of this model (one per class for one-vs-rest).
    pub(crate) fn runs(&self) -> Runs {
        self.record
            .runs(self.strategy, self.classes.len(), self.coef.ncols())
    }
}

/// One report for several sub-fits: the most iterations, the summed
/// objective, the largest gradient, the first non-converged termination and
/// the summed evaluations.
/// With no sub-fit yet (a streamed fit before its first chunk) nothing was
/// evaluated: NaN values, not converged.
fn combine_reports<F: Float>(reports: &[FitReport<F>]) -> FitReport<F> {
    if reports.is_empty() {
        return FitReport::new(0, F::nan(), F::nan(), Termination::MaxIterations);
    }
    FitReport {
        iterations: reports.iter().map(|r| r.iterations).max().unwrap_or(0),
        objective: reports.iter().map(|r| r.objective).sum(),
        grad_max: reports.iter().fold(F::zero(), |m, r| m.max(r.grad_max)),
        termination: reports
            .iter()
            .map(|r| r.termination)
            .find(|t| *t != Termination::Converged)
            .unwrap_or(Termination::Converged),
        evaluations: reports.iter().map(|r| r.evaluations).sum(),
    }
}

impl<F: Float, L: Clone + Ord> FittedLogisticRegression<F, L> {
    /// Checks labelled data against the model (finite x with the fitted
    /// features, one known label per row) and returns the class indices and
    /// the effective weights, as the fit computed them.
    pub(crate) fn encoded_data(
        &self,
        x: ArrayView2<'_, F>,
        y: ArrayView1<'_, L>,
        sample_weight: Option<ArrayView1<'_, F>>,
    ) -> Result<(Vec<usize>, Array1<F>)> {
        check_features(x)?;
        self.encoded_rows(x.dim(), y, sample_weight)
    }

    /// [`encoded_data`](Self::encoded_data) for rows already checked
    /// (finite, not empty) of shape `(rows, columns)`, dense or CSR.
    pub(crate) fn encoded_rows(
        &self,
        (rows, columns): (usize, usize),
        y: ArrayView1<'_, L>,
        sample_weight: Option<ArrayView1<'_, F>>,
    ) -> Result<(Vec<usize>, Array1<F>)> {
        if columns != self.n_features() {
            return Err(Error::FeatureMismatch {
                expected: self.n_features(),
                got: columns,
                names: Vec::new(),
            });
        }
        check_length("y", rows, y.len())?;
        let class = encode_known(&self.classes, y)?;
        let weight = effective_weights(
            &class,
            self.classes.len(),
            sample_weight,
            &self.record.class_weight,
        )?;
        Ok((class, weight))
    }

    /// The class labels, sorted by `Ord`; columns of `predict_proba` follow this order.
    ///
    /// ```
    /// use logreg::LogisticRegression;
    /// use ndarray::array;
    /// let x = array![[1.0_f64], [2.0], [0.0], [1.2], [2.2], [0.1]];
    /// let y = array!["b", "c", "a", "b", "c", "a"];
    /// let model = LogisticRegression::new().fit(&x, &y)?;
    /// assert_eq!(model.classes(), &["a", "b", "c"]);
    /// assert_eq!(model.predict_proba(&x)?.ncols(), model.classes().len());
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn classes(&self) -> &[L] {
        &self.classes
    }

    /// Coefficients: 1 × d for a binary model, k × d otherwise.
    ///
    /// ```
    /// use logreg::LogisticRegression;
    /// use ndarray::array;
    /// let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0]];
    /// let binary = LogisticRegression::new().fit(&x, &array![0, 0, 1, 0, 1, 1])?;
    /// assert_eq!(binary.coef().dim(), (1, 1));
    /// assert!(binary.coef()[(0, 0)] > 0.0); // class 1 grows more likely with x
    /// let three = LogisticRegression::new().fit(&x, &array![0, 0, 1, 1, 2, 2])?;
    /// assert_eq!(three.coef().dim(), (3, 1));
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn coef(&self) -> ArrayView2<'_, F> {
        self.coef.view()
    }

    /// Intercepts, one per row of `coef()` (zeros without an intercept).
    /// Multinomial intercepts are centred to sum to zero.
    ///
    /// ```
    /// use logreg::LogisticRegression;
    /// use ndarray::array;
    /// let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0]];
    /// let y = array![0, 0, 1, 1, 2, 2];
    /// let softmax = LogisticRegression::new().fit(&x, &y)?;
    /// assert_eq!(softmax.intercept().len(), 3);
    /// assert!(softmax.intercept().sum().abs() < 1e-12); // centred
    /// let through_origin = LogisticRegression::new().fit_intercept(false).fit(&x, &y)?;
    /// assert!(through_origin.intercept().iter().all(|&b| b == 0.0));
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn intercept(&self) -> ArrayView1<'_, F> {
        self.intercept.view()
    }

    /// Number of features the model was fitted with.
    ///
    /// ```
    /// use logreg::{Error, LogisticRegression};
    /// use ndarray::array;
    /// let x = array![[0.0_f64, 1.0], [1.0, 0.5], [2.0, 2.5], [3.0, 1.0]];
    /// let model = LogisticRegression::new().fit(&x, &array![0, 0, 1, 1])?;
    /// assert_eq!(model.n_features(), 2);
    /// let err = model.predict(&array![[1.0, 2.0, 3.0]]).unwrap_err();
    /// assert_eq!(err, Error::FeatureMismatch { expected: 2, got: 3, names: vec![] });
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn n_features(&self) -> usize {
        self.coef.ncols()
    }

    /// The fit's report; for one-vs-rest, the most iterations and the worst
    /// outcome over the sub-fits (see [`reports`](Self::reports)).
    ///
    /// ```
    /// use logreg::LogisticRegression;
    /// use ndarray::array;
    /// let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0]];
    /// let y = array![0, 0, 1, 0, 1, 1];
    /// let model = LogisticRegression::new().tol(1e-8).fit(&x, &y)?;
    /// let report = model.report();
    /// assert!(report.converged() && report.iterations >= 1);
    /// assert!(report.grad_max <= 1e-8);
    /// // Better than the start, all-zero parameters, where the loss is ln 2.
    /// assert!(report.objective < 2f64.ln());
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn report(&self) -> &FitReport<F> {
        &self.report
    }

    /// One report per solver run: one, or one per class for one-vs-rest.
    ///
    /// ```
    /// use logreg::{LogisticRegression, Multiclass};
    /// use ndarray::array;
    /// let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0]];
    /// let y = array![0, 0, 1, 1, 2, 2];
    /// let ovr = LogisticRegression::new().multiclass(Multiclass::OneVsRest).fit(&x, &y)?;
    /// assert_eq!(ovr.reports().len(), 3);
    /// assert!(ovr.reports().iter().all(|r| r.converged()));
    /// let softmax = LogisticRegression::new().fit(&x, &y)?;
    /// assert_eq!(softmax.reports(), &[*softmax.report()]);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn reports(&self) -> &[FitReport<F>] {
        &self.reports
    }

    /// Problems found in the fit: separation (for unpenalized fits, where the
    /// maximum-likelihood estimate may not exist). Empty when all is well.
    ///
    /// ```
    /// use logreg::{Diagnostic, LogisticRegression, Penalty};
    /// use ndarray::array;
    /// let x = array![[0.0_f64], [1.0], [2.0], [3.0]];
    /// let y = array![0, 0, 1, 1]; // x > 1.5 separates the classes
    /// let penalized = LogisticRegression::new().fit(&x, &y)?;
    /// assert!(penalized.diagnostics().is_empty());
    /// let mle = LogisticRegression::new().penalty(Penalty::None).fit(&x, &y)?;
    /// assert_eq!(mle.diagnostics(), &[Diagnostic::CompleteSeparation { features: vec![0] }]);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }
}

impl<F: Float, L> FittedLogisticRegression<F, L> {
    /// The names of the feature columns, when given (through
    /// [`LogisticRegression::feature_names`](crate::LogisticRegression::feature_names)
    /// or [`with_feature_names`](Self::with_feature_names)).
    ///
    /// ```
    /// use logreg::LogisticRegression;
    /// use ndarray::array;
    /// let x = array![[0.0_f64, 1.0], [1.0, 0.5], [2.0, 2.5], [3.0, 1.0]];
    /// let model = LogisticRegression::new().fit(&x, &array![0, 0, 1, 1])?;
    /// assert_eq!(model.feature_names(), None);
    /// let named = model.with_feature_names(["dose", "age"])?;
    /// assert_eq!(named.feature_names().map(|n| n[1].as_str()), Some("age"));
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn feature_names(&self) -> Option<&[String]> {
        self.record.feature_names.as_deref()
    }

    /// The model with these names for its feature columns, one per column.
    ///
    /// ```
    /// use logreg::{Error, LogisticRegression};
    /// use ndarray::array;
    /// let x = array![[0.0_f64, 1.0], [1.0, 0.5], [2.0, 2.5], [3.0, 1.0]];
    /// let model = LogisticRegression::new().fit(&x, &array![0, 0, 1, 1])?;
    /// let err = model.with_feature_names(["dose"]).unwrap_err();
    /// assert_eq!(err, Error::LengthMismatch { what: "feature_names", expected: 2, got: 1 });
    /// # Ok::<(), logreg::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::LengthMismatch`] when there is not one name per feature.
    pub fn with_feature_names<I, N>(mut self, names: I) -> Result<Self>
    where
        I: IntoIterator<Item = N>,
        N: Into<String>,
    {
        let names: Vec<String> = names.into_iter().map(Into::into).collect();
        check_length("feature_names", self.coef.ncols(), names.len())?;
        self.record.feature_names = Some(names);
        Ok(self)
    }

    /// `error` naming the columns it is about, when the model has feature
    /// names (the step its predictions, summaries and `partial_fit` go
    /// through).
    pub(crate) fn name_columns(&self, error: Error) -> Error {
        match self.feature_names() {
            Some(names) => error.with_feature_names(names),
            None => error,
        }
    }

    /// The feature names, or `x0`, `x1`, … when none were given.
    pub(crate) fn feature_names_or_default(&self) -> Vec<String> {
        match self.feature_names() {
            Some(names) => names.to_vec(),
            None => (0..self.coef.ncols()).map(|j| format!("x{j}")).collect(),
        }
    }

    /// The [`diagnostics`](Self::diagnostics) as sentences naming the
    /// features by their names (or `x0`, `x1`, … without names).
    ///
    /// ```
    /// use logreg::{LogisticRegression, Penalty};
    /// use ndarray::array;
    /// let x = array![[0.0_f64, 5.0], [1.0, 3.0], [2.0, 4.0], [3.0, 3.0]];
    /// let y = array![0, 0, 1, 1];
    /// let model = LogisticRegression::new()
    ///     .penalty(Penalty::None)
    ///     .feature_names(["dose", "age"])
    ///     .fit(&x, &y)?;
    /// let said = model.describe_diagnostics();
    /// assert!(said[0].contains("complete separation") && said[0].contains("dose"), "{said:?}");
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn describe_diagnostics(&self) -> Vec<String> {
        let names = self.feature_names_or_default();
        self.diagnostics
            .iter()
            .map(|d| d.describe(&names))
            .collect()
    }
}
