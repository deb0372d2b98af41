//! Fits that continue chunk by chunk: the [`Streaming`] interface and its
//! state. The minibatch solvers implement it in `minibatch.rs`.

use super::MinibatchSolver;
use crate::objective::Objective;
use crate::{Float, Result};
use ndarray::Array1;

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

    /// This solver by value, when it is one of the crate's own ([`Sgd`](super::Sgd),
    /// [`Adam`](super::Adam)): a fitted model saved with the `serde` feature keeps it, so
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
