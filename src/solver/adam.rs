//! Adam: adaptive moment estimation.

use super::MinibatchSolver;
use super::minibatch::{Minibatch, MinibatchStep, minibatch_setters, run_epochs};
use super::stochastic::{StreamState, Streaming};
use super::{Observer, Solution, Solver, StopRule};
use crate::objective::Objective;
use crate::{Error, Float, Result};
use ndarray::{Array1, Zip};

/// Adam (Kingma & Ba 2015): minibatch steps scaled per parameter by running
/// estimates of the gradient's first and second moments, with bias
/// correction: m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², x ← x − η·m̂/(√v̂ + ε).
///
/// Settings (defaults): `learning_rate` η (0.02: logistic regression on
/// standardized features tolerates a far larger step than the 0.001 of the
/// paper, which is tuned for neural networks), `beta1` (0.9), `beta2`
/// (0.999), `epsilon` (1e-8), `average` (true: report the tail average of
/// the iterates, as [`Sgd::average`](super::Sgd::average); with a constant
/// η the last iterate stays at the noise level of the minibatches),
/// `batch_size` (64, at most ⌈n/16⌉ in a full fit), `seed` (0), `shuffle`
/// (true), `n_iter_no_change` (10), `precondition` (true: a full fit steps
/// in standardized variables, see [`Sgd`](super::Sgd)).
/// `max_iter` counts epochs; the stopping rule and its terminations are
/// [`Sgd`](super::Sgd)'s. Accuracy of the defaults: see the crate guide's
/// solver table.
///
/// # Requirements on the problem
/// [`Objective::value_grad_rows`] (minibatches) and `value_grad` (once per epoch).
///
/// # References
/// - D. P. Kingma and J. Ba, "Adam: A method for stochastic optimization",
///   ICLR 2015.
///
/// ```
/// use logreg::objective::BinaryLogistic;
/// use logreg::solver::{Adam, NoObserver, Solver, StopRule};
/// use ndarray::{array, Array1};
/// let x = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]];
/// let y = array![0.0, 0.0, 1.0, 1.0];
/// let objective = BinaryLogistic::new(x.view(), y, None, 0.1, true)?;
/// let stop = StopRule::new(1e-6, 500)?;
/// let solution = Adam::new().minimize(&objective, Array1::zeros(3), &stop, &mut NoObserver)?;
/// assert!(solution.report.objective < 2f64.ln());
/// # Ok::<(), logreg::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Adam<F> {
    learning_rate: F,
    beta1: F,
    beta2: F,
    epsilon: F,
    /// Saved models from before this setting existed load with `false`,
    /// their behaviour then.
    #[cfg_attr(feature = "serde", serde(default))]
    average: bool,
    minibatch: Minibatch,
}

impl<F: Float> Default for Adam<F> {
    fn default() -> Self {
        Self {
            learning_rate: F::from_f64_lossy(0.02),
            beta1: F::from_f64_lossy(0.9),
            beta2: F::from_f64_lossy(0.999),
            epsilon: F::from_f64_lossy(1e-8),
            average: true,
            minibatch: Minibatch::default(),
        }
    }
}

impl<F: Float> Adam<F> {
    /// Adam with the defaults above.
    ///
    /// ```
    /// use logreg::objective::BinaryLogistic;
    /// use logreg::solver::{Adam, NoObserver, Solver, StopRule};
    /// use ndarray::{array, Array1};
    /// let x = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]];
    /// let y = array![0.0, 0.0, 1.0, 1.0];
    /// let objective = BinaryLogistic::new(x.view(), y, None, 0.1, true)?;
    /// let adam = Adam::<f64>::new();
    /// assert_eq!(adam.name(), "adam");
    /// assert!(adam.as_streaming().is_some()); // it can also continue a fit chunk by chunk
    /// let stop = StopRule::new(1e-6, 300)?;
    /// let solution = adam.minimize(&objective, Array1::zeros(3), &stop, &mut NoObserver)?;
    /// assert!(solution.report.objective < 0.9 * 2f64.ln());
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Step size η (> 0).
    ///
    /// ```
    /// # use logreg::objective::BinaryLogistic;
    /// # use ndarray::{array, Array1};
    /// # let x = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]];
    /// # let y = array![0.0, 0.0, 1.0, 1.0];
    /// # let objective = BinaryLogistic::new(x.view(), y, None, 0.1, true)?;
    /// use logreg::solver::{Adam, NoObserver, Solver, StopRule};
    /// let epochs = StopRule::new(1e-12, 5)?;
    /// let run = |adam: Adam<f64>| {
    ///     adam.minimize(&objective, Array1::zeros(3), &epochs, &mut NoObserver)
    /// };
    /// // Adam's steps are about η per parameter: a larger η gets further in 5 epochs.
    /// let large = run(Adam::new().learning_rate(0.1))?;
    /// let small = run(Adam::new().learning_rate(1e-3))?;
    /// assert!(large.report.objective < small.report.objective);
    /// assert!(run(Adam::new().learning_rate(-1.0)).is_err());
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn learning_rate(mut self, learning_rate: F) -> Self {
        self.learning_rate = learning_rate;
        self
    }

    /// Decay of the first-moment estimate, in [0, 1).
    ///
    /// ```
    /// # use logreg::objective::BinaryLogistic;
    /// # use ndarray::{array, Array1};
    /// # let x = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]];
    /// # let y = array![0.0, 0.0, 1.0, 1.0];
    /// # let objective = BinaryLogistic::new(x.view(), y, None, 0.1, true)?;
    /// use logreg::Error;
    /// use logreg::solver::{Adam, NoObserver, Solver, StopRule};
    /// let epochs = StopRule::new(1e-12, 20)?;
    /// let run = |adam: Adam<f64>| {
    ///     adam.minimize(&objective, Array1::zeros(3), &epochs, &mut NoObserver)
    /// };
    /// let momentum = run(Adam::new())?; // β₁ = 0.9
    /// let none = run(Adam::new().beta1(0.0))?; // no averaging of the gradients
    /// assert_ne!(momentum.params, none.params);
    /// let err = run(Adam::new().beta1(1.0)).unwrap_err();
    /// assert!(matches!(err, Error::InvalidParameter { name: "beta1", .. }));
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn beta1(mut self, beta1: F) -> Self {
        self.beta1 = beta1;
        self
    }

    /// Decay of the second-moment estimate, in [0, 1).
    ///
    /// ```
    /// # use logreg::objective::BinaryLogistic;
    /// # use ndarray::{array, Array1};
    /// # let x = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]];
    /// # let y = array![0.0, 0.0, 1.0, 1.0];
    /// # let objective = BinaryLogistic::new(x.view(), y, None, 0.1, true)?;
    /// use logreg::Error;
    /// use logreg::solver::{Adam, NoObserver, Solver, StopRule};
    /// let epochs = StopRule::new(1e-12, 20)?;
    /// let run = |adam: Adam<f64>| {
    ///     adam.minimize(&objective, Array1::zeros(3), &epochs, &mut NoObserver)
    /// };
    /// let long_memory = run(Adam::new())?; // β₂ = 0.999
    /// let short_memory = run(Adam::new().beta2(0.5))?;
    /// assert_ne!(long_memory.params, short_memory.params);
    /// let err = run(Adam::new().beta2(1.0)).unwrap_err();
    /// assert!(matches!(err, Error::InvalidParameter { name: "beta2", .. }));
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn beta2(mut self, beta2: F) -> Self {
        self.beta2 = beta2;
        self
    }

    /// The ε that keeps the step finite (> 0).
    ///
    /// ```
    /// # use logreg::objective::BinaryLogistic;
    /// # use ndarray::{array, Array1};
    /// # let x = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]];
    /// # let y = array![0.0, 0.0, 1.0, 1.0];
    /// # let objective = BinaryLogistic::new(x.view(), y, None, 0.1, true)?;
    /// use logreg::solver::{Adam, NoObserver, Solver, StopRule};
    /// let epochs = StopRule::new(1e-12, 5)?;
    /// let run = |adam: Adam<f64>| {
    ///     let one_batch = adam.batch_size(4); // one step an epoch
    ///     one_batch.minimize(&objective, Array1::zeros(3), &epochs, &mut NoObserver)
    /// };
    /// // An ε far above √v̂ turns the step into η·m̂/ε: almost no progress.
    /// let damped = run(Adam::new().epsilon(100.0))?;
    /// assert!((damped.report.objective - 2f64.ln()).abs() < 1e-3);
    /// assert!(run(Adam::new())?.report.objective < damped.report.objective);
    /// assert!(run(Adam::new().epsilon(0.0)).is_err());
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn epsilon(mut self, epsilon: F) -> Self {
        self.epsilon = epsilon;
        self
    }
}

impl<F: Float> Adam<F> {
    /// Whether to report the tail average of the iterates (the mean since
    /// the last restart at update 2ᵏ + 1, see [`Sgd::average`](super::Sgd::average))
    /// instead of the last iterate (default true: a constant η leaves the
    /// iterates bouncing around the optimum; their average sits closer).
    ///
    /// ```
    /// # use logreg::objective::BinaryLogistic;
    /// # use ndarray::{array, Array1};
    /// # let x = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]];
    /// # let y = array![0.0, 0.0, 1.0, 1.0];
    /// # let objective = BinaryLogistic::new(x.view(), y, None, 0.1, true)?;
    /// use logreg::solver::{Adam, NoObserver, Solver, StopRule};
    /// let epochs = StopRule::new(1e-12, 200)?;
    /// let noisy = Adam::new().learning_rate(0.1).batch_size(1);
    /// let last = noisy.average(false).minimize(&objective, Array1::zeros(3), &epochs, &mut NoObserver)?;
    /// let mean = noisy.minimize(&objective, Array1::zeros(3), &epochs, &mut NoObserver)?;
    /// assert!(mean.report.grad_max < last.report.grad_max);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn average(mut self, average: bool) -> Self {
        self.average = average;
        self
    }
}

minibatch_setters!(Adam);

impl<F: Float> MinibatchStep<F> for Adam<F> {
    fn minibatch(&self) -> &Minibatch {
        &self.minibatch
    }

    fn by_value(&self) -> MinibatchSolver<F> {
        MinibatchSolver::Adam(*self)
    }

    fn averaged(&self) -> bool {
        self.average
    }

    fn check(&self, _: &dyn Objective<F>) -> Result<()> {
        let positive = |v: F| v.is_finite() && v > F::zero();
        let unit = |v: F| v >= F::zero() && v < F::one();
        if !positive(self.learning_rate) {
            return Err(Error::invalid(
                "learning_rate",
                self.learning_rate,
                "must be finite and > 0",
            ));
        }
        if !unit(self.beta1) {
            return Err(Error::invalid("beta1", self.beta1, "must lie in [0, 1)"));
        }
        if !unit(self.beta2) {
            return Err(Error::invalid("beta2", self.beta2, "must lie in [0, 1)"));
        }
        if !positive(self.epsilon) {
            return Err(Error::invalid(
                "epsilon",
                self.epsilon,
                "must be finite and > 0",
            ));
        }
        Ok(())
    }

    fn step(
        &self,
        scale: F,
        _: F,
        params: &mut Array1<F>,
        grad: &Array1<F>,
        state: &mut StreamState<F>,
    ) {
        let learning_rate = scale * self.learning_rate;
        let n = params.len();
        let fresh = || (Array1::zeros(n), Array1::zeros(n));
        let (m, v) = state.moments.get_or_insert_with(fresh);
        if m.len() != n {
            (*m, *v) = fresh();
        }
        let one = F::one();
        let t = i32::try_from(state.steps).unwrap_or(i32::MAX);
        let correction1 = one - self.beta1.powi(t);
        let correction2 = one - self.beta2.powi(t);
        Zip::from(params)
            .and(m)
            .and(v)
            .and(grad)
            .for_each(|p, m, v, &g| {
                *m = self.beta1 * *m + (one - self.beta1) * g;
                *v = self.beta2 * *v + (one - self.beta2) * g * g;
                let m_hat = *m / correction1;
                let v_hat = *v / correction2;
                *p -= learning_rate * m_hat / (v_hat.sqrt() + self.epsilon);
            });
    }
}

impl<F: Float> Solver<F> for Adam<F> {
    fn name(&self) -> &'static str {
        "adam"
    }

    fn minimize(
        &self,
        objective: &dyn Objective<F>,
        start: Array1<F>,
        stop: &StopRule<F>,
        observer: &mut dyn Observer<F>,
    ) -> Result<Solution<F>> {
        run_epochs(self, objective, start, stop, observer)
    }

    fn as_streaming(&self) -> Option<&dyn Streaming<F>> {
        Some(self)
    }
}
