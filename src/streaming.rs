//! Streaming fits: `partial_fit` (dense chunks) and `partial_fit_csr`
//! (sparse CSR chunks) continue a fit chunk by chunk with a minibatch
//! solver, for data larger than memory. Both check their chunk and hand it
//! to one pass over a `Design`.

use crate::model::{FittedLogisticRegression, LogisticRegression, csr_rows};
use crate::multiclass::{Design, Fit, Problem};
use crate::objective::Objective;
use crate::solver::{FitReport, StreamState, Termination, max_abs};
use crate::sparse::CsrMatrix;
use crate::validate::check_features;
use crate::{Error, Float, Result};
use ndarray::{Array1, Array2, ArrayBase, ArrayView1, Data, Ix1, Ix2};

/// Why `partial_fit` refuses a solver that cannot stream.
const NOT_STREAMING: &str = "partial_fit needs a minibatch solver (Sgd or Adam); full-batch \
     solvers need all rows at once, and Saga keeps one gradient per row of the whole data, \
     which a stream of chunks never has: fit Saga on the data in memory, or stream with Sgd \
     or Adam";

impl<F: Float> LogisticRegression<F> {
    /// Starts a streaming fit: one pass of the solver over this first chunk,
    /// from zero coefficients, for the full list of `classes` given up front
    /// (a chunk need not contain every class). Continue with
    /// [`FittedLogisticRegression::partial_fit`].
    ///
    /// Needs a minibatch solver ([`Sgd`](crate::solver::Sgd) or
    /// [`Adam`](crate::solver::Adam)). One pass of `partial_fit` over all
    /// chunks equals one epoch of `fit` over the rows in the same order
    /// (`shuffle(false)`), provided the chunk sizes are multiples of the batch
    /// size and the strength is set with [`alpha`](Self::alpha): with
    /// [`c`](Self::c), α = 1/(C·S) uses each chunk's own weight sum S.
    /// A streamed fit is never marked converged: its report counts the passes.
    ///
    /// ```
    /// use logreg::LogisticRegression;
    /// use logreg::solver::Sgd;
    /// use ndarray::{array, s};
    /// let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0]];
    /// let y = array![0, 0, 1, 0, 1, 1];
    /// let settings = LogisticRegression::new().solver(Sgd::new()).alpha(1e-3);
    /// let mut model = settings.partial_fit(&x.slice(s![..3, ..]), &y.slice(s![..3]), &[0, 1])?;
    /// model.partial_fit(&x.slice(s![3.., ..]), &y.slice(s![3..]))?;
    /// assert_eq!(model.report().iterations, 2);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    ///
    /// # Errors
    /// As `fit`; [`Error::InvalidParameter`] for a full-batch solver, or
    /// (named `classes`) fewer than two distinct labels in `classes`; [`Error::UnknownLabel`] for a label not in `classes`.
    pub fn partial_fit<S, T, L>(
        &self,
        x: &ArrayBase<S, Ix2>,
        y: &ArrayBase<T, Ix1>,
        classes: &[L],
    ) -> Result<FittedLogisticRegression<F, L>>
    where
        S: Data<Elem = F>,
        T: Data<Elem = L>,
        L: Clone + Ord,
    {
        let mut model = self.stream_start(x.ncols(), classes)?;
        model.partial_fit(x, y)?;
        Ok(model)
    }

    /// [`partial_fit`](Self::partial_fit) on a sparse CSR chunk (an `sprs`
    /// matrix), without densifying it: starts a streaming fit that
    /// [`FittedLogisticRegression::partial_fit_csr`] (or the dense
    /// `partial_fit`) continues. A pass over CSR rows is the pass over the
    /// same rows dense, up to rounding.
    ///
    /// Streams with [`Sgd`](crate::solver::Sgd) and
    /// [`Adam`](crate::solver::Adam). [`Saga`](crate::solver::Saga) is
    /// refused with [`Error::InvalidParameter`] (`solver`): its variance
    /// reduction keeps one gradient per row of the whole data set, which a
    /// stream of chunks does not have; fit it with
    /// [`fit_csr`](Self::fit_csr) on the data in memory instead.
    ///
    /// ```
    /// use logreg::{Error, LogisticRegression};
    /// use logreg::solver::{Saga, Sgd};
    /// use ndarray::{array, s};
    /// use sprs::CsMat;
    /// let dense = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 0.0], [0.0, 3.0], [4.0, 0.0], [5.0, 1.0]];
    /// let y = array![0, 0, 1, 0, 1, 1];
    /// let settings = LogisticRegression::new().solver(Sgd::new()).alpha(1e-3);
    /// let first = CsMat::csr_from_dense(dense.slice(s![..3, ..]), 0.0);
    /// let second = CsMat::csr_from_dense(dense.slice(s![3.., ..]), 0.0);
    /// let mut model = settings.partial_fit_csr(&first, &y.slice(s![..3]), &[0, 1])?;
    /// model.partial_fit_csr(&second, &y.slice(s![3..]))?;
    /// assert_eq!(model.report().iterations, 2);
    /// let saga = LogisticRegression::new().solver(Saga::new());
    /// let err = saga.partial_fit_csr(&first, &y.slice(s![..3]), &[0, 1]).unwrap_err();
    /// assert!(matches!(err, Error::InvalidParameter { name: "solver", .. }));
    /// # Ok::<(), logreg::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`partial_fit`](Self::partial_fit) and
    /// [`fit_csr`](Self::fit_csr) (a CSC matrix, non-finite values,
    /// `standardize(true)`).
    pub fn partial_fit_csr<T, L>(
        &self,
        x: &impl CsrMatrix<F>,
        y: &ArrayBase<T, Ix1>,
        classes: &[L],
    ) -> Result<FittedLogisticRegression<F, L>>
    where
        T: Data<Elem = L>,
        L: Clone + Ord,
    {
        let n_features = self.checked_csr(x)?.ncols();
        let mut model = self.stream_start(n_features, classes)?;
        model.partial_fit_csr(x, y)?;
        Ok(model)
    }

    /// The model a streaming fit starts from: checked settings and a
    /// streaming solver, zero coefficients for `n_features` columns and the
    /// full list of `classes`, no pass yet.
    fn stream_start<L: Clone + Ord>(
        &self,
        n_features: usize,
        classes: &[L],
    ) -> Result<FittedLogisticRegression<F, L>> {
        self.check_settings()?;
        if self.solver.as_streaming().is_none() {
            return Err(Error::invalid("solver", self.solver.name(), NOT_STREAMING));
        }
        self.check_feature_names(n_features)?;
        let mut classes = classes.to_vec();
        classes.sort();
        classes.dedup();
        if classes.len() < 2 {
            return Err(Error::invalid(
                "classes",
                format!("a list of {} distinct label(s)", classes.len()),
                "partial_fit's `classes` argument must list every class the stream will hold \
                 (at least two), not only those of the first chunk",
            ));
        }
        let strategy = self.multiclass.strategy(classes.len());
        let rows = strategy.rows(classes.len());
        // No run yet: zero coefficients, no report, and no strengths until
        // the first chunk's weights give them.
        let start = Fit {
            coef: Array2::zeros((rows, n_features)),
            intercept: Array1::zeros(rows),
            reports: Vec::new(),
            diagnostics: Vec::new(),
        };
        let record = self.record(F::zero(), F::zero());
        Ok(FittedLogisticRegression::new(
            classes, strategy, start, record,
        ))
    }
}

impl<F: Float, L: Clone + Ord> FittedLogisticRegression<F, L> {
    /// Continues the fit with one pass of its (minibatch) solver over this
    /// chunk, keeping the optimizer state (step count, moments, average)
    /// from earlier chunks. See [`LogisticRegression::partial_fit`].
    ///
    /// ```
    /// use logreg::{Error, LogisticRegression};
    /// use logreg::solver::{Newton, Sgd};
    /// use ndarray::array;
    /// let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0]];
    /// let y = array![0, 0, 1, 0, 1, 1];
    /// let settings = LogisticRegression::new().solver(Sgd::new()).alpha(1e-3);
    /// let mut model = settings.partial_fit(&x, &y, &[0, 1])?;
    /// let before = model.report().objective;
    /// model.partial_fit(&x, &y)?; // a second pass over the same rows
    /// assert_eq!(model.report().iterations, 2);
    /// assert!(model.report().objective < before);
    /// // A full-batch solver cannot continue chunk by chunk.
    /// let mut full = LogisticRegression::new().solver(Newton::new()).fit(&x, &y)?;
    /// let err = full.partial_fit(&x, &y).unwrap_err();
    /// assert!(matches!(err, Error::InvalidParameter { name: "solver", .. }));
    /// # Ok::<(), logreg::Error>(())
    /// ```
    ///
    /// A pass that diverges (a step size far too large for the data) is
    /// undone: the model keeps its coefficients and its report says
    /// [`Termination::NumericalFailure`](crate::Termination::NumericalFailure).
    ///
    /// # Errors
    /// As [`LogisticRegression::partial_fit`], and
    /// [`Error::FeatureMismatch`] for a chunk with other features.
    pub fn partial_fit<S, T>(&mut self, x: &ArrayBase<S, Ix2>, y: &ArrayBase<T, Ix1>) -> Result<()>
    where
        S: Data<Elem = F>,
        T: Data<Elem = L>,
    {
        // The model's own checks come first, then the chunk's.
        let x = x.view();
        let passed = self
            .check_streaming()
            .and_then(|()| check_features(x))
            .and_then(|()| self.pass_over(Design::Dense(x), y.view()));
        passed.map_err(|e| self.name_columns(e))
    }

    /// [`partial_fit`](Self::partial_fit) on a sparse CSR chunk; see
    /// [`LogisticRegression::partial_fit_csr`]. Dense and CSR chunks can be
    /// mixed in one stream.
    ///
    /// ```
    /// use logreg::{Error, LogisticRegression};
    /// use logreg::solver::Adam;
    /// use ndarray::array;
    /// use sprs::CsMat;
    /// let dense = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 0.0], [0.0, 3.0], [4.0, 0.0], [5.0, 1.0]];
    /// let y = array![0, 0, 1, 0, 1, 1];
    /// let settings = LogisticRegression::new().solver(Adam::new()).alpha(1e-3);
    /// let mut model = settings.partial_fit(&dense, &y, &[0, 1])?;
    /// model.partial_fit_csr(&CsMat::csr_from_dense(dense.view(), 0.0), &y)?;
    /// assert_eq!(model.report().iterations, 2);
    /// // A chunk with another number of columns is refused.
    /// let narrow = CsMat::csr_from_dense(array![[1.0_f64], [0.0]].view(), 0.0);
    /// let err = model.partial_fit_csr(&narrow, &array![0, 1]).unwrap_err();
    /// assert_eq!(err, Error::FeatureMismatch { expected: 2, got: 1, names: vec![] });
    /// # Ok::<(), logreg::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`partial_fit`](Self::partial_fit), and a CSC matrix
    /// ([`Error::InvalidParameter`]).
    pub fn partial_fit_csr<T>(&mut self, x: &impl CsrMatrix<F>, y: &ArrayBase<T, Ix1>) -> Result<()>
    where
        T: Data<Elem = L>,
    {
        let passed = self
            .check_streaming()
            .and_then(|()| csr_rows(x))
            .and_then(|view| self.pass_over(Design::Sparse(view), y.view()));
        passed.map_err(|e| self.name_columns(e))
    }

    /// Checks that the model can continue chunk by chunk: a streaming
    /// solver, no standardization, no L1 term.
    fn check_streaming(&self) -> Result<()> {
        let record = &self.record;
        // The record keeps the solver only when it is a minibatch one.
        let Some(solver) = record.solver.as_deref() else {
            return Err(Error::invalid(
                "solver",
                "a full-batch solver",
                NOT_STREAMING,
            ));
        };
        if record.standardized {
            return Err(Error::invalid(
                "standardize",
                true,
                "partial_fit sees one chunk at a time: standardize the features beforehand",
            ));
        }
        if record.penalty.l1_ratio() > 0.0 {
            return Err(Error::UnsupportedPenalty {
                solver: solver.name(),
            });
        }
        Ok(())
    }

    /// One pass of the streaming solver over checked rows (finite, not
    /// empty), dense or CSR, of a model that passed `check_streaming`.
    fn pass_over(&mut self, x: Design<'_, F>, y: ArrayView1<'_, L>) -> Result<()> {
        // A handle of its own, so that the pass can update the model.
        let solver = self.record.solver.clone();
        let Some(streamer) = solver.as_deref().and_then(|s| s.as_streaming()) else {
            return Err(Error::invalid(
                "solver",
                "a full-batch solver",
                NOT_STREAMING,
            ));
        };
        let (class, weight) = self.encoded_rows((x.nrows(), x.ncols()), y, None)?;
        // Kept to undo a pass that diverges (a step size far too large).
        let before = (
            self.coef.clone(),
            self.intercept.clone(),
            self.stream_states.clone(),
        );
        let (alpha, _) = self.record.strengths_for(weight.sum());
        let problem = Problem {
            x,
            class,
            n_classes: self.classes.len(),
            weight,
            alpha,
            l1: F::zero(),
            fit_intercept: self.record.fit_intercept,
            class_sums: None,
        };
        let runs = problem.runs(self.strategy);
        let rows: Vec<usize> = (0..x.nrows()).collect();
        // One optimizer state per solver run (one per class for one-vs-rest).
        self.stream_states
            .resize(runs.count(), StreamState::default());
        let mut reports = Vec::with_capacity(runs.count());
        for run in 0..runs.count() {
            let objective = runs.objective(&problem, run, (alpha, F::zero()));
            let state = &mut self.stream_states[run];
            let reported = runs.params(&self.coef, &self.intercept, run);
            let mut params = resume(state, reported);
            streamer.pass(&*objective, &mut params, state, &rows)?;
            let current = streamer.current(&params, state);
            runs.store(current.view(), &mut self.coef, &mut self.intercept, run);
            reports.push(chunk_report(&*objective, &current));
        }
        let finite = self
            .coef
            .iter()
            .chain(&self.intercept)
            .all(|v| v.is_finite())
            && reports.iter().all(|r| r.objective.is_finite());
        if !finite {
            (self.coef, self.intercept, self.stream_states) = before;
            self.report.termination = Termination::NumericalFailure;
            return match self.record.required_tol {
                Some(tol) => Err(Error::NotConverged {
                    report: self.report.to_f64(),
                    tol: tol.to_f64_lossy(),
                }),
                None => Ok(()),
            };
        }
        self.record.alpha = alpha;
        let iterations = self.report.iterations + 1;
        self.report = FitReport::new(
            iterations,
            reports.iter().map(|r| r.objective).sum(),
            reports.iter().fold(F::zero(), |m, r| m.max(r.grad_max)),
            Termination::MaxIterations,
        );
        for report in &mut reports {
            report.iterations = iterations;
        }
        self.reports = reports;
        Ok(())
    }
}

/// Where a pass starts: the raw iterate kept in the state (averaged SGD
/// reports the average instead), else the model's parameters.
fn resume<F: Float>(state: &StreamState<F>, reported: Array1<F>) -> Array1<F> {
    match &state.iterate {
        Some(iterate) if iterate.len() == reported.len() => iterate.clone(),
        _ => reported,
    }
}

/// The chunk's objective and gradient at the new parameters.
fn chunk_report<F: Float>(objective: &dyn Objective<F>, params: &Array1<F>) -> FitReport<F> {
    let mut grad = Array1::zeros(params.len());
    let value = objective.value_grad(params.view(), grad.view_mut());
    FitReport::new(0, value, max_abs(&grad), Termination::MaxIterations)
}
