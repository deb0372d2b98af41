//! Solvers: minimize an [`Objective`] through one object-safe trait.
//!
//! Every fit (binary, each one-vs-rest sub-problem, multinomial) calls
//! [`Solver::minimize`]. A user crate adds a solver by implementing the trait;
//! `Box<dyn Solver<F>>` and `Arc<dyn Solver<F>>` work.

mod adam;
mod cd;
mod checkpoint;
mod fista;
mod gd;
mod lbfgs;
mod line_search;
mod minibatch;
mod newton;
mod precondition;
mod proximal;
mod saga;
mod select;
mod sgd;
mod stochastic;
mod wolfe;

pub use adam::Adam;
pub use cd::CoordinateDescent;
pub use fista::Fista;
pub use gd::GradientDescent;
pub use lbfgs::Lbfgs;
pub use newton::Newton;
pub use saga::Saga;
pub use select::{Auto, by_name};
pub use sgd::{LearningRate, Sgd};
pub use stochastic::{StreamState, Streaming};
// Plain data, defined on the ground floor so that `Error::NotConverged` can carry a report.
pub use crate::report::{FitReport, Termination};

pub(crate) use line_search::{Armijo, Point, Ray};

use crate::objective::Objective;
use crate::validate::check_params;
use crate::{Error, Float, Result};
use ndarray::Array1;
use std::fmt::Debug;
use std::sync::Arc;

/// A numerical optimizer for smooth [`Objective`]s.
///
/// ```
/// use logreg::objective::BinaryLogistic;
/// use logreg::solver::{Newton, NoObserver, Solver, StopRule};
/// use ndarray::{array, Array1};
/// let x = array![[0.0_f64], [1.0], [2.0], [3.0]];
/// let y = array![0.0, 0.0, 1.0, 1.0];
/// let objective = BinaryLogistic::new(x.view(), y, None, 0.1, true)?;
/// let solver: Box<dyn Solver<f64>> = Box::new(Newton::new());
/// let stop = StopRule::new(1e-10, 50)?;
/// let solution = solver.minimize(&objective, Array1::zeros(2), &stop, &mut NoObserver)?;
/// assert!(solution.report.converged());
/// # Ok::<(), logreg::Error>(())
/// ```
pub trait Solver<F: Float>: Send + Sync + Debug {
    /// A short name, e.g. `"newton"`.
    ///
    /// ```
    /// # #![allow(unused_imports, unused_variables)]
    /// # use logreg::objective::BinaryLogistic;
    /// # use logreg::solver::{Lbfgs, Newton, NoObserver, Sgd, Solver, StopRule};
    /// # use ndarray::{array, Array1};
    /// # let x = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]];
    /// # let y = array![0.0, 0.0, 1.0, 1.0];
    /// assert_eq!(Solver::<f64>::name(&Newton::new()), "newton");
    /// let chosen: Box<dyn Solver<f64>> = logreg::solver::by_name("lbfgs")?;
    /// assert_eq!(chosen.name(), "lbfgs");
    /// # Ok::<(), logreg::Error>(())
    /// ```
    fn name(&self) -> &'static str;

    /// Minimizes `objective` from `start` until `stop` says so or `observer`
    /// asks to stop. Not converging is reported in the [`FitReport`], not an
    /// error; errors are for inputs the solver cannot start from.
    ///
    /// ```
    /// # #![allow(unused_imports, unused_variables)]
    /// # use logreg::objective::BinaryLogistic;
    /// # use logreg::solver::{Lbfgs, Newton, NoObserver, Sgd, Solver, StopRule};
    /// # use ndarray::{array, Array1};
    /// # let x = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]];
    /// # let y = array![0.0, 0.0, 1.0, 1.0];
    /// let objective = BinaryLogistic::new(x.view(), y, None, 0.1, true)?;
    /// let stop = StopRule::new(1e-10, 100)?;
    /// let solution = Lbfgs::new().minimize(&objective, Array1::zeros(3), &stop, &mut NoObserver)?;
    /// assert!(solution.report.converged() && solution.report.grad_max <= 1e-10);
    /// // A start point of the wrong length is an error, not a panic.
    /// let wrong = Lbfgs::new().minimize(&objective, Array1::zeros(2), &stop, &mut NoObserver);
    /// assert!(matches!(wrong, Err(logreg::Error::ParameterCount { expected: 3, got: 2 })));
    /// # Ok::<(), logreg::Error>(())
    /// ```
    fn minimize(
        &self,
        objective: &dyn Objective<F>,
        start: Array1<F>,
        stop: &StopRule<F>,
        observer: &mut dyn Observer<F>,
    ) -> Result<Solution<F>>;

    /// The minibatch interface, for solvers that can continue a fit chunk by
    /// chunk (`partial_fit`); `None` (the default) for full-batch solvers.
    ///
    /// ```
    /// # #![allow(unused_imports, unused_variables)]
    /// # use logreg::objective::BinaryLogistic;
    /// # use logreg::solver::{Lbfgs, Newton, NoObserver, Sgd, Solver, StopRule};
    /// # use ndarray::{array, Array1};
    /// # let x = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]];
    /// # let y = array![0.0, 0.0, 1.0, 1.0];
    /// assert!(Solver::<f64>::as_streaming(&Sgd::new()).is_some());
    /// assert!(Solver::<f64>::as_streaming(&Newton::new()).is_none());
    /// # Ok::<(), logreg::Error>(())
    /// ```
    fn as_streaming(&self) -> Option<&dyn Streaming<F>> {
        None
    }
}

/// A boxed solver is a solver, so one chosen at run time plugs in anywhere.
impl<F: Float, S: Solver<F> + ?Sized> Solver<F> for Box<S> {
    fn name(&self) -> &'static str {
        (**self).name()
    }

    fn minimize(
        &self,
        objective: &dyn Objective<F>,
        start: Array1<F>,
        stop: &StopRule<F>,
        observer: &mut dyn Observer<F>,
    ) -> Result<Solution<F>> {
        (**self).minimize(objective, start, stop, observer)
    }

    fn as_streaming(&self) -> Option<&dyn Streaming<F>> {
        (**self).as_streaming()
    }
}

/// One of this crate's minibatch solvers, by value: what a fitted model
/// keeps (and saves, with the `serde` feature) to continue `partial_fit`.
///
/// ```
/// use logreg::solver::{Adam, MinibatchSolver};
/// let kept = MinibatchSolver::Adam(Adam::<f64>::new().learning_rate(0.05));
/// let solver = kept.into_solver();
/// assert_eq!(solver.name(), "adam");
/// assert!(solver.as_streaming().is_some());
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
pub enum MinibatchSolver<F> {
    /// Stochastic gradient descent.
    Sgd(Sgd<F>),
    /// Adam.
    Adam(Adam<F>),
}

impl<F: Float> MinibatchSolver<F> {
    /// The solver, shared, as a fit holds it.
    pub fn into_solver(self) -> Arc<dyn Solver<F>> {
        match self {
            MinibatchSolver::Sgd(sgd) => Arc::new(sgd),
            MinibatchSolver::Adam(adam) => Arc::new(adam),
        }
    }
}

/// When to stop: max |gradient| ≤ `tol`, or after `max_iter` iterations.
///
/// ```
/// use logreg::objective::BinaryLogistic;
/// use logreg::solver::{Newton, NoObserver, Solver, StopRule};
/// use ndarray::{array, Array1};
/// let x = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]];
/// let y = array![0.0, 0.0, 1.0, 1.0];
/// let objective = BinaryLogistic::new(x.view(), y, None, 0.1, true)?;
/// let loose = StopRule::new(1e-2, 100)?;
/// let tight = StopRule::new(1e-12, 100)?;
/// let a = Newton::new().minimize(&objective, Array1::zeros(3), &loose, &mut NoObserver)?;
/// let b = Newton::new().minimize(&objective, Array1::zeros(3), &tight, &mut NoObserver)?;
/// assert!(a.report.grad_max <= 1e-2 && b.report.grad_max <= 1e-12);
/// assert!(a.report.iterations < b.report.iterations);
/// # Ok::<(), logreg::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StopRule<F> {
    tol: F,
    max_iter: usize,
}

impl<F: Float> StopRule<F> {
    /// A stop rule; `tol` must be finite and > 0, `max_iter` ≥ 1.
    ///
    /// ```
    /// use logreg::Error;
    /// use logreg::solver::StopRule;
    /// let stop = StopRule::new(1e-6, 100)?;
    /// assert_eq!((stop.tol(), stop.max_iter()), (1e-6, 100));
    /// let err = StopRule::new(0.0, 100).unwrap_err();
    /// assert!(matches!(err, Error::InvalidParameter { name: "tol", .. }));
    /// let err = StopRule::new(1e-6, 0).unwrap_err();
    /// assert!(matches!(err, Error::InvalidParameter { name: "max_iter", .. }));
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn new(tol: F, max_iter: usize) -> Result<Self> {
        if !(tol.is_finite() && tol > F::zero()) {
            return Err(Error::invalid("tol", tol, "must be finite and > 0"));
        }
        if max_iter == 0 {
            return Err(Error::invalid("max_iter", max_iter, "must be ≥ 1"));
        }
        Ok(Self { tol, max_iter })
    }

    /// Tolerance on max |gradient| of the (mean-scaled) objective.
    ///
    /// ```
    /// # use logreg::objective::BinaryLogistic;
    /// # use ndarray::{array, Array1};
    /// # let x = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]];
    /// # let y = array![0.0, 0.0, 1.0, 1.0];
    /// # let objective = BinaryLogistic::new(x.view(), y, None, 0.1, true)?;
    /// use logreg::solver::{Lbfgs, NoObserver, Solver, StopRule};
    /// let stop = StopRule::new(1e-9, 100)?;
    /// assert_eq!(stop.tol(), 1e-9);
    /// let solution = Lbfgs::new().minimize(&objective, Array1::zeros(3), &stop, &mut NoObserver)?;
    /// assert!(solution.report.converged() && solution.report.grad_max <= stop.tol());
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn tol(&self) -> F {
        self.tol
    }

    /// Largest number of iterations (Newton steps, or epochs for stochastic solvers).
    ///
    /// ```
    /// # use logreg::objective::BinaryLogistic;
    /// # use ndarray::{array, Array1};
    /// # let x = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]];
    /// # let y = array![0.0, 0.0, 1.0, 1.0];
    /// # let objective = BinaryLogistic::new(x.view(), y, None, 0.1, true)?;
    /// use logreg::Termination;
    /// use logreg::solver::{GradientDescent, NoObserver, Solver, StopRule};
    /// let stop = StopRule::new(1e-12, 2)?;
    /// assert_eq!(stop.max_iter(), 2);
    /// let gd = GradientDescent::new();
    /// let solution = gd.minimize(&objective, Array1::zeros(3), &stop, &mut NoObserver)?;
    /// assert_eq!(solution.report.iterations, stop.max_iter());
    /// assert_eq!(solution.report.termination, Termination::MaxIterations);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn max_iter(&self) -> usize {
        self.max_iter
    }
}

/// A solver's answer: the parameters and the report.
///
/// ```
/// use logreg::objective::{BinaryLogistic, Objective};
/// use logreg::solver::{Newton, NoObserver, Solution, Solver, StopRule};
/// use ndarray::{array, Array1};
/// let x = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]];
/// let y = array![0.0, 0.0, 1.0, 1.0];
/// let objective = BinaryLogistic::new(x.view(), y, None, 0.1, true)?;
/// let stop = StopRule::new(1e-10, 50)?;
/// let solution: Solution<f64> =
///     Newton::new().minimize(&objective, Array1::zeros(3), &stop, &mut NoObserver)?;
/// assert_eq!(solution.params.len(), objective.n_params()); // [w₁, w₂, b]
/// assert!((solution.report.objective - objective.value(solution.params.view())).abs() < 1e-15);
/// # Ok::<(), logreg::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Solution<F> {
    /// The parameters, in the objective's layout.
    pub params: Array1<F>,
    /// How the solver got there.
    pub report: FitReport<F>,
}

/// `solver` minimizing `objective` from `start`, with the report's
/// `evaluations` set to the full evaluations it asked for. `at_start`, the
/// objective's value and gradient at `start` when a fit's checks already
/// computed them (at zero, from each class's sums), spares the solver
/// that pass: it is not counted.
pub(crate) fn minimize_counted<F: Float>(
    solver: &dyn Solver<F>,
    objective: &dyn Objective<F>,
    start: Array1<F>,
    at_start: Option<(F, Array1<F>)>,
    stop: &StopRule<F>,
    observer: &mut dyn Observer<F>,
) -> Result<Solution<F>> {
    let known = at_start.map(|(value, grad)| crate::objective::Known {
        point: start.clone(),
        value,
        grad,
    });
    let counted = crate::objective::Counted::new(objective).known(known);
    let mut solution = solver.minimize(&counted, start, stop, observer)?;
    solution.report.evaluations = counted.evaluations();
    Ok(solution)
}

impl<F: Float> Solution<F> {
    /// The solution at `point`, reached after `iterations` iterations.
    pub(crate) fn at(point: Point<F>, iterations: usize, termination: Termination) -> Self {
        let report = FitReport::new(iterations, point.value, max_abs(&point.grad), termination);
        Self {
            params: point.params,
            report,
        }
    }
}

/// The state a solver shows its [`Observer`] after each iteration.
///
/// ```
/// # use logreg::objective::BinaryLogistic;
/// # use ndarray::{array, Array1};
/// # let x = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]];
/// # let y = array![0.0, 0.0, 1.0, 1.0];
/// # let objective = BinaryLogistic::new(x.view(), y, None, 0.1, true)?;
/// use logreg::solver::{Control, Newton, Progress, Solver, StopRule};
/// let stop = StopRule::new(1e-10, 50)?;
/// let mut seen = Vec::new();
/// let mut record = |p: &Progress<f64>| {
///     seen.push(*p);
///     Control::Continue
/// };
/// let solution = Newton::new().minimize(&objective, Array1::zeros(3), &stop, &mut record)?;
/// assert_eq!(seen[0].iteration, 0); // the start point, where the loss is ln 2
/// assert!((seen[0].objective - 2f64.ln()).abs() < 1e-12);
/// assert_eq!(seen.last().map(|p| p.iteration), Some(solution.report.iterations));
/// # Ok::<(), logreg::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Progress<F> {
    /// Iterations completed so far (0 = the start point).
    pub iteration: usize,
    /// Objective value at the current point.
    pub objective: F,
    /// max |gradient| at the current point.
    pub grad_max: F,
}

/// What an [`Observer`] tells the solver to do next.
///
/// ```
/// # use logreg::objective::BinaryLogistic;
/// # use ndarray::{array, Array1};
/// # let x = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]];
/// # let y = array![0.0, 0.0, 1.0, 1.0];
/// # let objective = BinaryLogistic::new(x.view(), y, None, 0.1, true)?;
/// use logreg::Termination;
/// use logreg::solver::{Control, GradientDescent, Progress, Solver, StopRule};
/// let stop = StopRule::new(1e-10, 1000)?;
/// let mut two_steps = |p: &Progress<f64>| match p.iteration {
///     2 => Control::Stop,
///     _ => Control::Continue,
/// };
/// let gd = GradientDescent::new();
/// let solution = gd.minimize(&objective, Array1::zeros(3), &stop, &mut two_steps)?;
/// assert_eq!(solution.report.iterations, 2);
/// assert_eq!(solution.report.termination, Termination::StoppedByObserver);
/// # Ok::<(), logreg::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    /// Keep going.
    Continue,
    /// Stop now and return the current point ([`Termination::StoppedByObserver`]).
    Stop,
}

/// A callback the solver calls once per iteration: for progress bars, loss
/// curves and early stopping. Closures `FnMut(&Progress<F>) -> Control` are
/// observers.
///
/// ```
/// use logreg::solver::{Control, Observer, Progress};
/// let mut trace = Vec::new();
/// let mut record = |p: &Progress<f64>| { trace.push(p.objective); Control::Continue };
/// let observer: &mut dyn Observer<f64> = &mut record;
/// # let _ = observer;
/// ```
pub trait Observer<F> {
    /// Called with the state after each iteration (and once at the start).
    ///
    /// ```
    /// use logreg::solver::{Control, Observer, Progress};
    /// // Stop as soon as the objective is below 0.5.
    /// let mut stop_early = |p: &Progress<f64>| {
    ///     if p.objective < 0.5 { Control::Stop } else { Control::Continue }
    /// };
    /// let at = |objective| Progress { iteration: 3, objective, grad_max: 0.1 };
    /// assert_eq!(stop_early.observe(&at(0.7)), Control::Continue);
    /// assert_eq!(stop_early.observe(&at(0.4)), Control::Stop);
    /// ```
    fn observe(&mut self, progress: &Progress<F>) -> Control;
}

impl<F, T: FnMut(&Progress<F>) -> Control> Observer<F> for T {
    fn observe(&mut self, progress: &Progress<F>) -> Control {
        self(progress)
    }
}

/// An observer that never stops the solver.
///
/// ```
/// # use logreg::objective::BinaryLogistic;
/// # use ndarray::{array, Array1};
/// # let x = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]];
/// # let y = array![0.0, 0.0, 1.0, 1.0];
/// # let objective = BinaryLogistic::new(x.view(), y, None, 0.1, true)?;
/// use logreg::solver::{Control, Newton, NoObserver, Progress, Solver, StopRule};
/// let stop = StopRule::new(1e-10, 50)?;
/// let quiet = Newton::new().minimize(&objective, Array1::zeros(3), &stop, &mut NoObserver)?;
/// let mut calls = 0;
/// let mut count = |_: &Progress<f64>| {
///     calls += 1;
///     Control::Continue
/// };
/// let watched = Newton::new().minimize(&objective, Array1::zeros(3), &stop, &mut count)?;
/// assert_eq!(quiet, watched); // watching changes nothing
/// assert_eq!(calls, watched.report.iterations + 1); // the start and every iteration
/// # Ok::<(), logreg::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct NoObserver;

impl<F> Observer<F> for NoObserver {
    fn observe(&mut self, _: &Progress<F>) -> Control {
        Control::Continue
    }
}

/// The start checks of the solvers for smooth objectives: no L1 term, and a
/// finite start point of the objective's length.
pub(crate) fn check_smooth_start<F: Float>(
    solver: &'static str,
    objective: &dyn Objective<F>,
    start: &Array1<F>,
) -> Result<()> {
    if objective.l1_penalty() != F::zero() {
        return Err(Error::UnsupportedPenalty { solver });
    }
    check_params(objective.n_params(), start.view())
}

/// max |v|, the convergence measure of every solver.
pub(crate) fn max_abs<F: Float>(v: &Array1<F>) -> F {
    v.fold(F::zero(), |m, &x| m.max(x.abs()))
}
