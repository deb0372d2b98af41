//! The head of every solver iteration: show the observer where the fit is,
//! then decide whether to stop. One place for the order of these events.

use super::{Control, Observer, Point, Progress, StopRule, Termination};
use crate::Float;

/// Shows `observer` the progress at `iteration`, or why to stop instead: it
/// asked to.
pub(crate) fn observe<F: Float>(
    observer: &mut dyn Observer<F>,
    iteration: usize,
    objective: F,
    grad_max: F,
) -> Result<(), Termination> {
    let progress = Progress {
        iteration,
        objective,
        grad_max,
    };
    match observer.observe(&progress) {
        Control::Stop => Err(Termination::StoppedByObserver),
        Control::Continue => Ok(()),
    }
}

impl<F: Float> StopRule<F> {
    /// The stop tests after the observer has seen an iteration: the
    /// solver's convergence test `converged`, then `max_iter`.
    pub(crate) fn test(&self, converged: bool, iterations: usize) -> Result<(), Termination> {
        if converged {
            Err(Termination::Converged)
        } else if iterations >= self.max_iter() {
            Err(Termination::MaxIterations)
        } else {
            Ok(())
        }
    }

    /// The first half of a smooth solver's iteration head: a non-finite
    /// point stops the fit, otherwise the observer sees it (observed before
    /// the stop tests, so that it also sees the iteration the fit ends on).
    /// Returns max |∇f| at `point`.
    pub(crate) fn observe_point(
        &self,
        point: &Point<F>,
        iterations: usize,
        observer: &mut dyn Observer<F>,
    ) -> Result<F, Termination> {
        if !point.is_finite() {
            return Err(Termination::NumericalFailure);
        }
        let grad_max = super::max_abs(&point.grad);
        observe(observer, iterations, point.value, grad_max)?;
        Ok(grad_max)
    }

    /// The whole head of a smooth solver's iteration: [`observe_point`](Self::observe_point),
    /// then converged when max |∇f| ≤ tol, then `max_iter`. Returns max |∇f|
    /// when the fit goes on.
    pub(crate) fn checkpoint(
        &self,
        point: &Point<F>,
        iterations: usize,
        observer: &mut dyn Observer<F>,
    ) -> Result<F, Termination> {
        let grad_max = self.observe_point(point, iterations, observer)?;
        self.test(grad_max <= self.tol(), iterations)?;
        Ok(grad_max)
    }
}
