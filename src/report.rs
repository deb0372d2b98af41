//! [`FitReport`] and [`Termination`]: what a fit did and why it stopped,
//! as plain values (re-exported by [`crate::solver`] and the crate root).
//!
//! Ground floor: depends only on [`Float`](crate::Float), so that the error
//! type can carry a report ([`Error::NotConverged`](crate::Error::NotConverged)).

/// Why a solver stopped.
///
/// ```
/// use logreg::{LogisticRegression, Penalty, Termination};
/// use logreg::solver::GradientDescent;
/// use ndarray::array;
/// let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0]];
/// let y = array![0, 0, 1, 0, 1, 1];
/// let model = LogisticRegression::new().fit(&x, &y)?;
/// assert_eq!(model.report().termination, Termination::Converged);
/// let capped = LogisticRegression::new().solver(GradientDescent::new()).max_iter(2).fit(&x, &y)?;
/// assert_eq!(capped.report().termination, Termination::MaxIterations);
/// let separated = array![0, 0, 0, 1, 1, 1];
/// let mle = LogisticRegression::new().penalty(Penalty::None).fit(&x, &separated)?;
/// assert_eq!(mle.report().termination, Termination::Separation);
/// # Ok::<(), logreg::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Termination {
    /// The convergence test passed: max |∇f| ≤ tol for the full objective at
    /// the returned parameters (for [`Newton`](crate::solver::Newton) also half
    /// a Newton decrement ≤ tol, that of the step that led there or of the
    /// returned parameters, unless no representable step is left).
    Converged,
    /// `max_iter` iterations ran without passing the convergence test.
    MaxIterations,
    /// A stochastic solver ([`Sgd`](crate::solver::Sgd), [`Adam`](crate::solver::Adam)) stopped because the full
    /// objective at the end of an epoch had not improved by more than `tol`
    /// for `n_iter_no_change` epochs in a row (scikit-learn's stopping rule
    /// for `SGDClassifier`). The gradient test had not passed: the returned
    /// parameters may be some way from the optimum, and the report's
    /// `grad_max` says how far.
    NoImprovement,
    /// No step along the search direction decreased the objective: usually the
    /// optimum was reached to machine precision before `tol`, or `tol` is
    /// tighter than the data's conditioning allows.
    LineSearchFailed,
    /// The [`Observer`](crate::solver::Observer) asked to stop.
    StoppedByObserver,
    /// The objective or gradient became NaN or infinite.
    NumericalFailure,
    /// An unpenalized fit found the classes (quasi-)separated: the
    /// maximum-likelihood estimate does not exist. The model's
    /// [`diagnostics`](crate::FittedLogisticRegression::diagnostics) name the
    /// features; fit with a penalty instead.
    Separation,
}

/// What a fit did: the iterations, where it ended and why.
///
/// ```
/// use logreg::{FitReport, LogisticRegression};
/// use ndarray::array;
/// let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0]];
/// let y = array![0, 0, 1, 0, 1, 1];
/// let model = LogisticRegression::new().fit(&x, &y)?;
/// let report: &FitReport<f64> = model.report();
/// assert!(report.converged() && report.iterations >= 1);
/// assert!(report.grad_max <= 1e-4); // the default tol
/// assert!(report.objective < 2f64.ln()); // ln 2 at the all-zero start
/// # Ok::<(), logreg::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct FitReport<F> {
    /// Iterations run (Newton steps, L-BFGS updates, epochs, …).
    pub iterations: usize,
    /// Objective value at the returned parameters.
    pub objective: F,
    /// max |gradient| at the returned parameters.
    pub grad_max: F,
    /// Why the solver stopped.
    pub termination: Termination,
    /// How many times the fit evaluated the objective over all its rows
    /// (its value, or value and gradient: one pass over the data each),
    /// counted by `LogisticRegression` around whatever solver it runs; the
    /// line searches' trial points included, Hessians not. A start at zero
    /// is not one when the fit's checks computed its value and gradient from
    /// each class's sums over the data (no standardization, class weights,
    /// warm start or Firth penalty): the read that checks x serves it. Solvers that work
    /// row by row or column by column (SAGA, SGD, Adam; coordinate descent,
    /// which on the crate's objectives computes values and gradients from
    /// its own scores and columns and so counts none) do most or all of
    /// their work outside this count. 0 in a report built by
    /// [`FitReport::new`] and in models saved before the count existed.
    pub evaluations: usize,
}

impl<F> FitReport<F> {
    /// A report of `iterations` iterations ending at `objective` with
    /// max |∇f| = `grad_max`, for `termination`; no evaluations counted
    /// (a model's fit fills [`evaluations`](Self::evaluations) in). For
    /// solvers written outside the crate: the struct is `#[non_exhaustive]`.
    ///
    /// ```
    /// use logreg::{FitReport, Termination};
    /// let report = FitReport::new(3, 0.25_f64, 1e-9, Termination::Converged);
    /// assert!(report.converged() && report.evaluations == 0);
    /// ```
    pub fn new(iterations: usize, objective: F, grad_max: F, termination: Termination) -> Self {
        Self {
            iterations,
            objective,
            grad_max,
            termination,
            evaluations: 0,
        }
    }
}

impl<F: crate::Float> FitReport<F> {
    /// The same report with its numbers in f64 (as [`Error::NotConverged`](crate::Error::NotConverged) carries it).
    ///
    /// ```
    /// use logreg::LogisticRegression;
    /// use ndarray::array;
    /// let x = array![[0.0_f32], [1.0], [2.0], [3.0]];
    /// let model = LogisticRegression::<f32>::new().fit(&x, &array![0, 1, 0, 1])?;
    /// let report = model.report().to_f64();
    /// assert_eq!(report.iterations, model.report().iterations);
    /// assert_eq!(report.objective, f64::from(model.report().objective));
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn to_f64(&self) -> FitReport<f64> {
        FitReport {
            iterations: self.iterations,
            objective: self.objective.to_f64_lossy(),
            grad_max: self.grad_max.to_f64_lossy(),
            termination: self.termination,
            evaluations: self.evaluations,
        }
    }
}

impl<F> FitReport<F> {
    /// Whether the convergence test (max |∇f| ≤ tol on the full objective,
    /// and for Newton its decrement) passed at the returned parameters: true
    /// only for [`Termination::Converged`].
    ///
    /// ```
    /// use logreg::{LogisticRegression, Termination};
    /// use ndarray::array;
    /// let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0]];
    /// let y = array![0, 0, 1, 0, 1, 1];
    /// assert!(LogisticRegression::new().fit(&x, &y)?.report().converged());
    /// let capped = LogisticRegression::new().tol(1e-12).max_iter(1).fit(&x, &y)?;
    /// assert!(!capped.report().converged());
    /// assert_eq!(capped.report().termination, Termination::MaxIterations);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn converged(&self) -> bool {
        self.termination == Termination::Converged
    }
}
