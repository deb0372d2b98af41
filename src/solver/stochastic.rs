//! Fits that continue chunk by chunk: the [`Streaming`] interface, its
//! state, and the epochs (seeded shuffling, the epoch stopping rule) that a
//! full fit with SGD or Adam runs.

use super::minibatch::{MinibatchStep, scaled_pass};
use super::{
    Adam, Observer, Point, Sgd, Solution, Solver, StopRule, Termination, check_smooth_start,
};
use crate::objective::Objective;
use crate::{Float, Result};
use ndarray::Array1;
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use std::sync::Arc;

/// A first-order solver that updates parameters from minibatches and can
/// therefore continue a fit over data that arrive in chunks
/// ([`FittedLogisticRegression::partial_fit`](crate::FittedLogisticRegression::partial_fit)).
///
/// ```
/// use logreg::objective::{BinaryLogistic, Objective};
/// use logreg::solver::{Newton, Sgd, Solver, StreamState};
/// use ndarray::{array, Array1};
/// let x = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]];
/// let y = array![0.0, 0.0, 1.0, 1.0];
/// let objective = BinaryLogistic::new(x.view(), y, None, 0.1, true)?;
/// let sgd = Sgd::<f64>::new().batch_size(2);
/// let streamer = sgd.as_streaming().expect("SGD streams");
/// let (mut params, mut state) = (Array1::zeros(3), StreamState::default());
/// // Two chunks of rows, one pass each, carrying the state across.
/// streamer.pass(&objective, &mut params, &mut state, &[0, 1])?;
/// streamer.pass(&objective, &mut params, &mut state, &[2, 3])?;
/// assert!(objective.value(streamer.current(&params, &state).view()) < 2f64.ln());
/// assert!(Solver::<f64>::as_streaming(&Newton::new()).is_none()); // full-batch only
/// # Ok::<(), logreg::Error>(())
/// ```
pub trait Streaming<F: Float>: Send + Sync {
    /// One pass over `rows` in the given order, in minibatches, updating
    /// `params` and the optimizer `state` (step count, moments, average, and
    /// the raw iterate `params` after the pass, where a later pass resumes).
    ///
    /// # Errors
    /// Invalid settings, or a parameter vector of the wrong length.
    fn pass(
        &self,
        objective: &dyn Objective<F>,
        params: &mut Array1<F>,
        state: &mut StreamState<F>,
        rows: &[usize],
    ) -> Result<()>;

    /// The parameters to report: the running average for averaged SGD,
    /// otherwise the current ones.
    fn current(&self, params: &Array1<F>, state: &StreamState<F>) -> Array1<F> {
        let _ = state;
        params.clone()
    }

    /// This solver by value, when it is one of the crate's own ([`Sgd`],
    /// [`Adam`]): a fitted model saved with the `serde` feature keeps it, so
    /// that `partial_fit` continues after loading exactly as before. `None`
    /// (the default) for solvers written elsewhere: a loaded model of theirs
    /// has no solver to continue with.
    ///
    /// ```
    /// use logreg::solver::{MinibatchSolver, Sgd, Solver};
    /// let sgd = Sgd::<f64>::new().batch_size(8);
    /// let streamer = sgd.as_streaming().expect("SGD streams");
    /// assert_eq!(streamer.to_minibatch_solver(), Some(MinibatchSolver::Sgd(sgd)));
    /// ```
    fn to_minibatch_solver(&self) -> Option<MinibatchSolver<F>> {
        None
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

/// Optimizer state carried from one minibatch (and one chunk) to the next.
///
/// ```
/// use logreg::objective::BinaryLogistic;
/// use logreg::solver::{Adam, Solver, StreamState};
/// use ndarray::{array, Array1};
/// let x = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]];
/// let y = array![0.0, 0.0, 1.0, 1.0];
/// let objective = BinaryLogistic::new(x.view(), y, None, 0.1, true)?;
/// let adam = Adam::<f64>::new();
/// let streamer = adam.as_streaming().expect("Adam streams");
/// let mut params = Array1::zeros(3);
/// let mut state = StreamState::default();
/// streamer.pass(&objective, &mut params, &mut state, &[0, 1, 2, 3])?;
/// assert_ne!(state, StreamState::default()); // it now holds the step count and moments
/// // The same pass from a fresh state repeats the first step; from the kept one it goes on.
/// let (mut again, mut fresh) = (Array1::zeros(3), StreamState::default());
/// streamer.pass(&objective, &mut again, &mut fresh, &[0, 1, 2, 3])?;
/// assert_eq!(again, params);
/// streamer.pass(&objective, &mut params, &mut state, &[0, 1, 2, 3])?;
/// assert_ne!(again, params);
/// # Ok::<(), logreg::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StreamState<F> {
    /// Minibatch updates taken so far.
    pub(crate) steps: usize,
    /// Adam's first and second moment estimates.
    pub(crate) moments: Option<(Array1<F>, Array1<F>)>,
    /// Averaged SGD's running mean of the iterates.
    pub(crate) average: Option<Array1<F>>,
    /// The raw iterate after the last pass (set by [`Streaming::pass`]),
    /// which differs from the reported parameters when they are an average:
    /// a streamed fit continues from it.
    pub(crate) iterate: Option<Array1<F>>,
}

/// Runs epochs of `solver.pass` over shuffled rows (seeded: the same seed
/// gives the same shuffles), stopping when max |∇f| ≤ tol
/// ([`Termination::Converged`]), after `max_iter` epochs
/// ([`Termination::MaxIterations`]), or when the full objective at the end
/// of an epoch has not fallen below the best so far by more than tol/100 for
/// `n_iter_no_change` epochs in a row (scikit-learn's `SGDClassifier` rule
/// with a smaller threshold; [`Termination::NoImprovement`], which is not
/// convergence). The observer sees the start (epoch 0) and the end of every
/// epoch, with the full objective and max |∇f| at the reported parameters
/// from the one `value_grad` pass each epoch costs: the report's `objective`
/// and `grad_max` are those of the returned parameters. With
/// [`LearningRate::Adaptive`](super::LearningRate::Adaptive), an epoch that
/// gives back more than half of the progress since the start is undone and
/// the step halved.
pub(crate) fn run_epochs<F: Float, S: MinibatchStep<F>>(
    solver: &S,
    objective: &dyn Objective<F>,
    start: Array1<F>,
    stop: &StopRule<F>,
    observer: &mut dyn Observer<F>,
) -> Result<Solution<F>> {
    solver.check_settings(objective)?;
    check_smooth_start(solver.name(), objective, &start)?;
    let settings = solver.minibatch();
    let mut rng = StdRng::seed_from_u64(settings.seed);
    let mut order: Vec<usize> = (0..objective.n_samples()).collect();
    let mut params = start;
    let mut state = StreamState::default();
    let mut point = Point::evaluate(objective, params.clone());
    let (initial, mut best) = (point.value, point.value);
    let mut stale_epochs = 0;
    let mut epochs = 0;
    let mut scale = F::one();
    let termination = loop {
        let grad_max = match stop.observe_point(&point, epochs, observer) {
            Ok(grad_max) => grad_max,
            Err(termination) => break termination,
        };
        // The stale-epoch count is only kept while the gradient test fails.
        let converged = grad_max <= stop.tol();
        if !converged && epochs > 0 {
            if point.value > best - stall_threshold(stop.tol()) {
                stale_epochs += 1;
            } else {
                stale_epochs = 0;
            }
            best = best.min(point.value);
        }
        if let Err(termination) = stop.test(converged, epochs) {
            break termination;
        }
        if stale_epochs >= settings.n_iter_no_change {
            break Termination::NoImprovement;
        }
        if settings.shuffle {
            shuffle(&mut order, &mut rng);
        }
        let undo = solver.adapts().then(|| (params.clone(), state.clone()));
        scaled_pass(solver, objective, &mut params, &mut state, &order, scale)?;
        let next = Point::evaluate(objective, solver.current(&params, &state));
        epochs += 1;
        if let Some((before, state_before)) = undo {
            // An epoch that gives back more than half of the progress made
            // since the start (or is not finite) took steps too long for
            // this data: undo it and halve the step. Smaller rises are the
            // noise of the minibatches and of the average's restarts.
            let half = F::from_f64_lossy(0.5);
            let limit = point.value + half * (initial - point.value);
            if !(next.value <= limit && next.is_finite()) {
                (params, state) = (before, state_before);
                scale *= F::from_f64_lossy(0.5);
                continue;
            }
        }
        if !next.is_finite() {
            // Diverged (a step size far too large): report the last finite
            // epoch rather than return infinite coefficients.
            break Termination::NumericalFailure;
        }
        point = next;
    };
    Ok(Solution::at(point, epochs, termination))
}

/// How much an epoch must lower the best objective so far not to count as
/// an epoch without improvement: tol/100. (scikit-learn's `SGDClassifier`
/// uses its tol, a tolerance on the loss; here tol bounds max |∇f|, and a
/// threshold of tol stopped small fits 0.1–1% above the optimum.)
fn stall_threshold<F: Float>(tol: F) -> F {
    tol * F::from_f64_lossy(STALL_SHARE)
}

/// The share of `tol` in [`stall_threshold`].
const STALL_SHARE: f64 = 0.01;

/// Fisher–Yates.
fn shuffle(order: &mut [usize], rng: &mut StdRng) {
    for i in (1..order.len()).rev() {
        let j = rng.random_range(0..=i);
        order.swap(i, j);
    }
}
