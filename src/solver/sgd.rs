//! Minibatch stochastic gradient descent.

use super::MinibatchSolver;
use super::minibatch::{Minibatch, MinibatchStep, minibatch_setters, run_epochs};
use super::stochastic::{StreamState, Streaming};
use super::{Observer, Solution, Solver, StopRule};
use crate::objective::Objective;
use crate::{Error, Float, Result};
use ndarray::Array1;

/// The step size of [`Sgd`] at update t = 1, 2, …, where t counts minibatch
/// updates over the whole fit (scikit-learn counts samples: the same with
/// `batch_size(1)`).
///
/// ```
/// use logreg::Error;
/// use logreg::objective::BinaryLogistic;
/// use logreg::solver::{LearningRate, NoObserver, Sgd, Solver, StopRule};
/// use ndarray::{array, Array1};
/// let x = array![[0.0_f64], [1.0], [2.0], [3.0]];
/// let objective = BinaryLogistic::new(x.view(), array![0.0, 0.0, 1.0, 1.0], None, 0.0, true)?;
/// // All 4 rows in one minibatch, in the original variables: one epoch is
/// // one step, −η∇f, with ∇f = [−0.5, 0] at zero.
/// let one_epoch = StopRule::new(1e-12, 1)?;
/// let run = |rate: LearningRate<f64>| {
///     let sgd = Sgd::new().learning_rate(rate).batch_size(4).precondition(false);
///     sgd.minimize(&objective, Array1::zeros(2), &one_epoch, &mut NoObserver)
/// };
/// let constant = run(LearningRate::Constant(2.0))?;
/// assert!((constant.params[0] - 1.0).abs() < 1e-15);
/// // At t = 1, η = eta0 / 1^power_t = eta0.
/// let scaling = run(LearningRate::InverseScaling { eta0: 2.0, power_t: 0.5 })?;
/// assert_eq!(scaling.params, constant.params);
/// // Optimal needs an L2 penalty.
/// let err = run(LearningRate::Optimal).unwrap_err();
/// assert!(matches!(err, Error::InvalidParameter { name: "learning_rate", .. }));
/// # Ok::<(), logreg::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum LearningRate<F> {
    /// η = eta.
    Constant(F),
    /// η = eta0 / t^power_t (scikit-learn's `invscaling`).
    InverseScaling {
        /// Initial step.
        eta0: F,
        /// Decay exponent (≥ 0).
        power_t: F,
    },
    /// η = 1 / (α·(t₀ + t − 1)), scikit-learn's `optimal` schedule for an L2
    /// penalty α, with Bottou's heuristic t₀ = 1/(α·η₀), η₀ = √(1/√α)
    /// (scikit-learn's `typw / max(1, dloss(−typw, 1))`, which is `typw`
    /// for the log loss since |dloss| < 1).
    /// α is the objective's [`Objective::l2_penalty`]: for
    /// [`LogisticRegression`](crate::LogisticRegression) the model's `alpha`,
    /// or 1/(C·S) when set through `c`. An unpenalized objective has no α, so
    /// this schedule is then an [`Error::InvalidParameter`].
    Optimal,
    /// η = eta0, halved whenever an epoch of a full fit gives back more than
    /// half of the decrease of the objective made since the start, or ends
    /// at a non-finite objective (that epoch is then undone and counts as
    /// one without improvement): a guard against steps too long for the
    /// data's scale, which smaller rises (minibatch noise) do not trigger. A streamed pass (`partial_fit`) has no
    /// full objective to compare and keeps η = eta0. The default, with
    /// eta0 = 0.25.
    Adaptive {
        /// Initial step.
        eta0: F,
    },
}

/// Minibatch stochastic gradient descent: each epoch shuffles the rows (with
/// a seeded generator) and takes one step −η·∇f_B per minibatch B, where ∇f_B
/// is the gradient of the objective restricted to B (its data term
/// normalized by B's weight, the penalty in full).
///
/// Settings (defaults): `batch_size` (64: large enough that the per-batch
/// gradient is a vectorized pass over X, small enough for ~n/64 updates per
/// epoch; at most ⌈n/16⌉ in a full fit, so that small data sets still get
/// 16 updates an epoch), `learning_rate` ([`LearningRate::Adaptive`] with eta0 = 0.25: a
/// constant step, which with averaging reaches the optimum where a decaying
/// one stops short; halved, and the epoch undone, when an epoch of a full fit
/// gives back more than half the progress made so far, which keeps
/// badly scaled features from diverging; the mean logistic loss has a
/// gradient Lipschitz constant of at most ¼·λmax(XᵀX/S) + α, so steps of
/// order one are stable on standardized, moderately correlated features),
/// `average` (true: the reported parameters are the tail average of the
/// iterates, see [`average`](Sgd::average)), `seed` (0), `shuffle` (true),
/// `n_iter_no_change` (10), `precondition` (true: a full fit steps in
/// standardized variables, see [`precondition`](Sgd::precondition), so
/// that uncentred features or features on different scales do not slow it
/// down; the problem and its reports stay the original ones). The [`StopRule`]'s `max_iter` counts epochs. The
/// fit converges ([`Termination::Converged`](crate::Termination::Converged))
/// when max |∇f| ≤ tol for the full objective at the reported parameters;
/// it stops with [`Termination::NoImprovement`](crate::Termination::NoImprovement)
/// when the end-of-epoch objective has not fallen below its best by more
/// than tol/100 for `n_iter_no_change` epochs in a row, and with
/// `MaxIterations` after `max_iter` epochs. The same seed gives
/// bit-identical results on the same machine.
///
/// Accuracy of the defaults (measured with the `fit` example, max_iter 1000,
/// tol 1e-4, seed 0; see BENCHMARKS.md for the bench problems): see the
/// crate guide's solver table.
///
/// # Requirements on the problem
/// [`Objective::value_grad_rows`] (minibatches) and `value_grad` (once per epoch).
///
/// # References
/// - H. Robbins and S. Monro, "A stochastic approximation method", 1951.
/// - L. Bottou, "Large-scale machine learning with stochastic gradient
///   descent", COMPSTAT 2010 (SGD and averaged SGD for large-scale learning).
/// - L. Bottou, "Stochastic gradient descent tricks", in *Neural Networks:
///   Tricks of the Trade*, 2012 (the `Optimal` schedule).
/// - B. T. Polyak and A. B. Juditsky, "Acceleration of stochastic
///   approximation by averaging", *SIAM J. Control Optim.* 30, 1992.
/// - A. Rakhlin, O. Shamir and K. Sridharan, "Making gradient descent
///   optimal for strongly convex stochastic optimization", ICML 2012
///   (averaging the last half of the iterates).
/// - R. Battiti, "Accelerated backpropagation learning: two optimization
///   methods", *Complex Systems* 3, 1989 (the "bold driver" step halving).
///
/// ```
/// use logreg::objective::BinaryLogistic;
/// use logreg::solver::{NoObserver, Sgd, Solver, StopRule};
/// use ndarray::{array, Array1};
/// let x = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]];
/// let y = array![0.0, 0.0, 1.0, 1.0];
/// let objective = BinaryLogistic::new(x.view(), y, None, 0.1, true)?;
/// let stop = StopRule::new(1e-6, 500)?;
/// let solution = Sgd::new().seed(7).minimize(&objective, Array1::zeros(3), &stop, &mut NoObserver)?;
/// assert!(solution.report.objective < 2f64.ln());
/// # Ok::<(), logreg::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Sgd<F> {
    learning_rate: LearningRate<F>,
    average: bool,
    minibatch: Minibatch,
}

impl<F: Float> Default for Sgd<F> {
    fn default() -> Self {
        Self {
            learning_rate: LearningRate::Adaptive {
                eta0: F::from_f64_lossy(0.25),
            },
            average: true,
            minibatch: Minibatch::default(),
        }
    }
}

impl<F: Float> Sgd<F> {
    /// SGD with the defaults above.
    ///
    /// ```
    /// use logreg::objective::BinaryLogistic;
    /// use logreg::solver::{NoObserver, Sgd, Solver, StopRule};
    /// use ndarray::{array, Array1};
    /// let x = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]];
    /// let y = array![0.0, 0.0, 1.0, 1.0];
    /// let objective = BinaryLogistic::new(x.view(), y, None, 0.1, true)?;
    /// let sgd = Sgd::<f64>::new();
    /// assert_eq!(sgd.name(), "sgd");
    /// assert!(sgd.as_streaming().is_some()); // it can also continue a fit chunk by chunk
    /// let stop = StopRule::new(1e-6, 300)?;
    /// let solution = sgd.minimize(&objective, Array1::zeros(3), &stop, &mut NoObserver)?;
    /// assert!(solution.report.objective < 0.9 * 2f64.ln());
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// The step-size schedule.
    ///
    /// ```
    /// # use logreg::objective::BinaryLogistic;
    /// # use ndarray::{array, Array1};
    /// # let x = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]];
    /// # let y = array![0.0, 0.0, 1.0, 1.0];
    /// # let objective = BinaryLogistic::new(x.view(), y, None, 0.1, true)?;
    /// use logreg::solver::{LearningRate, NoObserver, Sgd, Solver, StopRule};
    /// let epochs = StopRule::new(1e-12, 3)?;
    /// let run = |rate: LearningRate<f64>| {
    ///     let sgd = Sgd::new().learning_rate(rate);
    ///     sgd.minimize(&objective, Array1::zeros(3), &epochs, &mut NoObserver)
    /// };
    /// let tiny = run(LearningRate::Constant(1e-3))?;
    /// let larger = run(LearningRate::Constant(0.5))?;
    /// assert!(larger.report.objective < tiny.report.objective);
    /// assert!(run(LearningRate::Constant(0.0)).is_err());
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn learning_rate(mut self, learning_rate: LearningRate<F>) -> Self {
        self.learning_rate = learning_rate;
        self
    }

    /// Whether to return the tail average of the iterates (averaged SGD;
    /// default true) instead of the last one. The average after update t is
    /// the mean of the iterates since the last restart, at updates
    /// 3, 5, 9, 17, …, 2ᵏ + 1: it covers between the last update and the last
    /// half of them, so it forgets the far-off start that a mean of all
    /// iterates (Polyak–Juditsky) drags along, and keeps the noise
    /// reduction of averaging near the optimum (suffix averaging: Rakhlin,
    /// Shamir and Sridharan, ICML 2012).
    ///
    /// ```
    /// # use logreg::objective::BinaryLogistic;
    /// # use ndarray::{array, Array1};
    /// # let x = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]];
    /// # let y = array![0.0, 0.0, 1.0, 1.0];
    /// # let objective = BinaryLogistic::new(x.view(), y, None, 0.1, true)?;
    /// use logreg::solver::{LearningRate, NoObserver, Sgd, Solver, StopRule};
    /// // A constant step with single-row batches keeps bouncing around the optimum;
    /// // the average of the iterates sits closer to it.
    /// let epochs = StopRule::new(1e-12, 200)?;
    /// let noisy = Sgd::new().learning_rate(LearningRate::Constant(1.0)).batch_size(1).average(false);
    /// let last = noisy.minimize(&objective, Array1::zeros(3), &epochs, &mut NoObserver)?;
    /// let averaged = noisy.average(true);
    /// let mean = averaged.minimize(&objective, Array1::zeros(3), &epochs, &mut NoObserver)?;
    /// assert!(mean.report.grad_max < last.report.grad_max);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn average(mut self, average: bool) -> Self {
        self.average = average;
        self
    }

    fn step_size(&self, t: usize, alpha: F) -> F {
        let t = F::from_usize(t).unwrap_or_else(F::max_value);
        match self.learning_rate {
            LearningRate::Constant(eta) | LearningRate::Adaptive { eta0: eta } => eta,
            LearningRate::InverseScaling { eta0, power_t } => eta0 / t.powf(power_t),
            LearningRate::Optimal => {
                let typical = alpha.sqrt().recip().sqrt();
                let t0 = (typical * alpha).recip();
                (alpha * (t0 + t - F::one())).recip()
            }
        }
    }
}

minibatch_setters!(Sgd);

impl<F: Float> MinibatchStep<F> for Sgd<F> {
    fn minibatch(&self) -> &Minibatch {
        &self.minibatch
    }

    fn by_value(&self) -> MinibatchSolver<F> {
        MinibatchSolver::Sgd(*self)
    }

    fn check(&self, objective: &dyn Objective<F>) -> Result<()> {
        let alpha = objective.l2_penalty();
        let positive = |v: F| v.is_finite() && v > F::zero();
        match self.learning_rate {
            LearningRate::Constant(eta) if !positive(eta) => Err(Error::invalid(
                "learning_rate",
                eta,
                "must be finite and > 0",
            )),
            LearningRate::InverseScaling { eta0, .. } | LearningRate::Adaptive { eta0 }
                if !positive(eta0) =>
            {
                Err(Error::invalid("eta0", eta0, "must be finite and > 0"))
            }
            LearningRate::InverseScaling { power_t, .. }
                if !(power_t.is_finite() && power_t >= F::zero()) =>
            {
                Err(Error::invalid("power_t", power_t, "must be finite and ≥ 0"))
            }
            LearningRate::Optimal if alpha <= F::zero() => Err(Error::invalid(
                "learning_rate",
                "Optimal",
                "the Optimal schedule needs an L2 penalty α > 0",
            )),
            _ => Ok(()),
        }
    }

    fn step(
        &self,
        scale: F,
        alpha: F,
        params: &mut Array1<F>,
        grad: &Array1<F>,
        state: &mut StreamState<F>,
    ) {
        params.scaled_add(-scale * self.step_size(state.steps, alpha), grad);
    }

    fn adapts(&self) -> bool {
        matches!(self.learning_rate, LearningRate::Adaptive { .. })
    }

    fn averaged(&self) -> bool {
        self.average
    }
}

impl<F: Float> Solver<F> for Sgd<F> {
    fn name(&self) -> &'static str {
        "sgd"
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
