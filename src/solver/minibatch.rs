//! What SGD and Adam share: the minibatch settings and their setters, the
//! pass over a chunk of rows in minibatches, and the epochs (seeded
//! shuffling, the epoch stopping rule) of a full fit. Each solver only says how
//! one minibatch gradient updates the parameters ([`MinibatchStep`]).

use super::precondition::{ColumnScaling, Reparametrized};
use super::stochastic::{StreamState, Streaming};
use super::{
    MinibatchSolver, Observer, Point, Solution, Solver, StopRule, Termination, check_smooth_start,
};
use crate::objective::Objective;
use crate::{Error, Float, Result};
use ndarray::Array1;
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

/// The default rows per minibatch of data sets of ≥ 1,024 rows and of streamed passes.
const DEFAULT_BATCH: usize = 64;

/// The fewest minibatch updates an epoch of a full fit makes at the default batch size.
const MIN_UPDATES: usize = 16;

/// Settings shared by the minibatch solvers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub(crate) struct Minibatch {
    /// Rows per minibatch; `None`: [`Minibatch::batch_rows`]'s rule.
    pub batch_size: Option<usize>,
    pub seed: u64,
    pub shuffle: bool,
    pub n_iter_no_change: usize,
    /// Whether a full fit steps in standardized variables (precondition.rs).
    #[cfg_attr(feature = "serde", serde(default = "precondition_default"))]
    pub precondition: bool,
}

/// A solver saved before the `precondition` setting existed loads with
/// today's default.
#[cfg(feature = "serde")]
fn precondition_default() -> bool {
    true
}

impl Default for Minibatch {
    /// Batches of 64 rows, seed 0, shuffled, 10 epochs without improvement
    /// (5 stopped the smallest fits above the optimum's objective by more
    /// than 1e-3 relative).
    fn default() -> Self {
        Self {
            batch_size: None,
            seed: 0,
            shuffle: true,
            n_iter_no_change: 10,
            precondition: true,
        }
    }
}

impl Minibatch {
    /// Rows per minibatch in a pass over `rows` rows: the `batch_size` set,
    /// or by default 64 (large enough that a minibatch gradient is a
    /// vectorized pass, small enough for ~n/64 updates an epoch), but at
    /// most ⌈n/16⌉ in a full fit, so that every epoch of a small data set
    /// still makes at least 16 updates: with 64, the 150 rows of iris made 3
    /// an epoch, and the fit stalled 1e-3 above its optimum. A streamed pass
    /// (`partial_fit`) keeps 64, whatever the size of its chunk. (Seen from
    /// outside in the `batch_size` setters' example.)
    pub fn batch_rows(&self, rows: usize, full_fit: bool) -> usize {
        match self.batch_size {
            Some(set) => set.max(1),
            None if full_fit => rows.div_ceil(MIN_UPDATES).clamp(1, DEFAULT_BATCH),
            None => DEFAULT_BATCH,
        }
    }

    /// Checks the shared settings: `batch_size` and `n_iter_no_change` ≥ 1.
    ///
    /// ```
    /// // Crate-internal; seen from outside when SGD or Adam starts.
    /// use logreg::Error;
    /// use logreg::objective::BinaryLogistic;
    /// use logreg::solver::{Adam, NoObserver, Sgd, Solver, StopRule};
    /// use ndarray::{array, Array1};
    /// let x = array![[0.0_f64], [1.0], [2.0], [3.0]];
    /// let objective = BinaryLogistic::new(x.view(), array![0.0, 1.0, 0.0, 1.0], None, 0.1, true)?;
    /// let stop = StopRule::new(1e-6, 10)?;
    /// let sgd = Sgd::new().batch_size(0);
    /// let err = sgd.minimize(&objective, Array1::zeros(2), &stop, &mut NoObserver).unwrap_err();
    /// assert!(matches!(err, Error::InvalidParameter { name: "batch_size", .. }));
    /// let adam = Adam::new().n_iter_no_change(0);
    /// let err = adam.minimize(&objective, Array1::zeros(2), &stop, &mut NoObserver).unwrap_err();
    /// assert!(matches!(err, Error::InvalidParameter { name: "n_iter_no_change", .. }));
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn check(&self) -> Result<()> {
        if self.batch_size == Some(0) {
            return Err(Error::invalid("batch_size", 0, "must be ≥ 1"));
        }
        if self.n_iter_no_change == 0 {
            return Err(Error::invalid("n_iter_no_change", 0, "must be ≥ 1"));
        }
        Ok(())
    }
}

/// A minibatch solver: its settings and its update from one minibatch
/// gradient. The pass over rows ([`Streaming`]) and the epochs of a full fit
/// (`run_epochs`, its [`Solver::minimize`]) are shared.
pub(crate) trait MinibatchStep<F: Float>: Solver<F> {
    /// The shared minibatch settings.
    fn minibatch(&self) -> &Minibatch;

    /// This solver by value.
    fn by_value(&self) -> MinibatchSolver<F>;

    /// Checks the solver's own settings (the shared ones are checked first).
    fn check(&self, objective: &dyn Objective<F>) -> Result<()>;

    /// Updates `params` from the minibatch gradient `grad` of an objective
    /// with L2 penalty `alpha`, with the step size multiplied by `scale`;
    /// `state.steps` already counts this update.
    fn step(
        &self,
        scale: F,
        alpha: F,
        params: &mut Array1<F>,
        grad: &Array1<F>,
        state: &mut StreamState<F>,
    );

    /// Whether a full fit halves the step size (and undoes the epoch) when
    /// an epoch raises the full objective ([`LearningRate::Adaptive`](super::LearningRate::Adaptive)).
    fn adapts(&self) -> bool {
        false
    }

    /// Whether the solver reports the tail average of its iterates
    /// ([`update_tail_average`]) instead of the last one.
    fn averaged(&self) -> bool;

    /// The parameters to report: see [`Streaming::current`].
    fn reported(&self, params: &Array1<F>, state: &StreamState<F>) -> Array1<F> {
        match (&state.average, self.averaged()) {
            (Some(average), true) if average.len() == params.len() => average.clone(),
            _ => params.clone(),
        }
    }

    /// The shared settings' check, then the solver's own.
    fn check_settings(&self, objective: &dyn Objective<F>) -> Result<()> {
        self.minibatch().check()?;
        self.check(objective)
    }
}

/// [`Streaming::pass`] with the step sizes multiplied by `scale` (a full
/// fit's adaptation; a streamed pass uses 1).
pub(crate) fn scaled_pass<F: Float, S: MinibatchStep<F>>(
    solver: &S,
    objective: &dyn Objective<F>,
    params: &mut Array1<F>,
    state: &mut StreamState<F>,
    rows: &[usize],
    scale: F,
    full_fit: bool,
) -> Result<()> {
    solver.check_settings(objective)?;
    check_smooth_start(solver.name(), objective, params)?;
    let alpha = objective.l2_penalty();
    let mut grad = Array1::zeros(params.len());
    let batch_rows = solver.minibatch().batch_rows(rows.len(), full_fit);
    for batch in rows.chunks(batch_rows) {
        objective.value_grad_rows(params.view(), batch, grad.view_mut());
        state.steps += 1;
        solver.step(scale, alpha, params, &grad, state);
        if solver.averaged() {
            update_tail_average(state, params);
        }
    }
    state.iterate = Some(params.clone());
    Ok(())
}

impl<F: Float, S: MinibatchStep<F>> Streaming<F> for S {
    fn pass(
        &self,
        objective: &dyn Objective<F>,
        params: &mut Array1<F>,
        state: &mut StreamState<F>,
        rows: &[usize],
    ) -> Result<()> {
        scaled_pass(self, objective, params, state, rows, F::one(), false)
    }

    fn current(&self, params: &Array1<F>, state: &StreamState<F>) -> Array1<F> {
        self.reported(params, state)
    }

    fn to_minibatch_solver(&self) -> Option<MinibatchSolver<F>> {
        Some(self.by_value())
    }
}

/// Folds the iterate `params` after update t = `state.steps` into the tail
/// average: the mean of the iterates since update r, where r = 1 while
/// t ≤ 2 and r = 2ᵏ + 1 for 2ᵏ < t ≤ 2ᵏ⁺¹ afterwards. The average thus
/// restarts at updates 3, 5, 9, 17, … and always covers between the last
/// update and the last half of them: it forgets the far-off start, which a
/// mean of all iterates (Polyak–Juditsky) carries along for the whole fit,
/// and keeps the noise reduction of averaging near the optimum (suffix
/// averaging, Rakhlin, Shamir and Sridharan 2012).
pub(crate) fn update_tail_average<F: Float>(state: &mut StreamState<F>, params: &Array1<F>) {
    let t = state.steps.max(1);
    let start = if t <= 2 {
        1
    } else {
        (1_usize << (t - 1).ilog2()) + 1
    };
    let count = t - start + 1;
    match &mut state.average {
        Some(average) if count > 1 && average.len() == params.len() => {
            let weight = F::from_usize(count).unwrap_or_else(F::max_value).recip();
            average.zip_mut_with(params, |a, &p| *a += (p - *a) * weight);
        }
        _ => state.average = Some(params.clone()),
    }
}

/// The minibatch setters, with their docs, of a solver `$solver<F>` with a
/// `minibatch: Minibatch` field: inherent methods, so that users call them
/// without importing a trait.
macro_rules! minibatch_setters {
    ($solver:ident) => {
        impl<F: $crate::Float> $solver<F> {
            /// Rows per minibatch (≥ 1).
            ///
            /// ```
            /// # use logreg::objective::BinaryLogistic;
            /// # use ndarray::{array, Array1};
            /// # let x = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]];
            /// # let y = array![0.0, 0.0, 1.0, 1.0];
            /// # let objective = BinaryLogistic::new(x.view(), y, None, 0.1, true)?;
            #[doc = concat!("use logreg::solver::{", stringify!($solver), ", NoObserver, Solver, StopRule};")]
            /// let one_epoch = StopRule::new(1e-12, 1)?;
            /// let run = |solver: &dyn Solver<f64>| {
            ///     solver.minimize(&objective, Array1::zeros(3), &one_epoch, &mut NoObserver)
            /// };
            #[doc = concat!("let solver = ", stringify!($solver), "::<f64>::new();")]
            /// // 4 rows: one update per epoch in batches of 4, four in batches of 1
            /// // (the default on so few rows: at least 16 updates an epoch, batches of ≥ 1 row).
            /// let full = run(&solver.batch_size(4))?;
            /// let single = run(&solver.batch_size(1))?;
            /// assert_eq!(run(&solver)?, single);
            /// assert_ne!(single.params, full.params);
            /// assert!(run(&solver.batch_size(0)).is_err());
            /// # Ok::<(), logreg::Error>(())
            /// ```
            pub fn batch_size(mut self, batch_size: usize) -> Self {
                self.minibatch.batch_size = Some(batch_size);
                self
            }

            /// Seed of the shuffling.
            ///
            /// ```
            /// # use logreg::objective::BinaryLogistic;
            /// # use ndarray::{array, Array1};
            /// # let x = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]];
            /// # let y = array![0.0, 0.0, 1.0, 1.0];
            /// # let objective = BinaryLogistic::new(x.view(), y, None, 0.1, true)?;
            #[doc = concat!("use logreg::solver::{", stringify!($solver), ", NoObserver, Solver, StopRule};")]
            /// let epochs = StopRule::new(1e-12, 3)?;
            /// let run = |seed: u64| {
            #[doc = concat!("    let solver = ", stringify!($solver), "::new().batch_size(1).seed(seed);")]
            ///     solver.minimize(&objective, Array1::zeros(3), &epochs, &mut NoObserver)
            /// };
            /// assert_eq!(run(7)?, run(7)?); // reproducible
            /// assert_ne!(run(7)?.params, run(8)?.params); // another order of the rows
            /// # Ok::<(), logreg::Error>(())
            /// ```
            pub fn seed(mut self, seed: u64) -> Self {
                self.minibatch.seed = seed;
                self
            }

            /// Whether to shuffle the rows every epoch (default true).
            ///
            /// ```
            /// # use logreg::objective::BinaryLogistic;
            /// # use ndarray::{array, Array1};
            /// # let x = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]];
            /// # let y = array![0.0, 0.0, 1.0, 1.0];
            /// # let objective = BinaryLogistic::new(x.view(), y, None, 0.1, true)?;
            #[doc = concat!("use logreg::solver::{", stringify!($solver), ", NoObserver, Solver, StopRule};")]
            /// let epochs = StopRule::new(1e-12, 3)?;
            /// let run = |solver: &dyn Solver<f64>| {
            ///     solver.minimize(&objective, Array1::zeros(3), &epochs, &mut NoObserver)
            /// };
            #[doc = concat!("let single_rows = ", stringify!($solver), "::<f64>::new().batch_size(1);")]
            /// // Rows in their given order every epoch: the seed no longer matters.
            /// let in_order = single_rows.shuffle(false);
            /// assert_eq!(run(&in_order.seed(7))?, run(&in_order.seed(8))?);
            /// assert_ne!(run(&single_rows.seed(7))?.params, run(&single_rows.seed(8))?.params);
            /// # Ok::<(), logreg::Error>(())
            /// ```
            pub fn shuffle(mut self, shuffle: bool) -> Self {
                self.minibatch.shuffle = shuffle;
                self
            }

            /// Epochs without improvement before stopping (≥ 1), with
            /// [`Termination::NoImprovement`](crate::Termination::NoImprovement).
            ///
            /// ```
            /// # use logreg::objective::BinaryLogistic;
            /// # use ndarray::{array, Array1};
            /// # let x = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]];
            /// # let y = array![0.0, 0.0, 1.0, 1.0];
            /// # let objective = BinaryLogistic::new(x.view(), y, None, 0.1, true)?;
            #[doc = concat!("use logreg::solver::{", stringify!($solver), ", NoObserver, Solver, StopRule};")]
            /// // Stop once the epoch's objective has not improved by 1e-5 (tol/100) for that many epochs.
            /// let stop = StopRule::new(1e-3, 1000)?;
            /// let run = |patience: usize| {
            #[doc = concat!("    let solver = ", stringify!($solver), "::new().n_iter_no_change(patience);")]
            ///     solver.minimize(&objective, Array1::zeros(3), &stop, &mut NoObserver)
            /// };
            /// let impatient = run(1)?;
            /// let patient = run(20)?;
            /// // A stall is reported as such, not as convergence.
            /// assert_eq!(impatient.report.termination, logreg::Termination::NoImprovement);
            /// assert!(!impatient.report.converged());
            /// assert!(impatient.report.iterations < patient.report.iterations);
            /// assert!(run(0).is_err());
            /// # Ok::<(), logreg::Error>(())
            /// ```
            pub fn n_iter_no_change(mut self, epochs: usize) -> Self {
                self.minibatch.n_iter_no_change = epochs;
                self
            }

            /// Whether a full fit steps in standardized variables (default
            /// true): with the weighted column means μ and standard
            /// deviations σ of the data, the solver updates w' = σ·w and
            /// b' = b + μ·w, for which the features look centred and of unit
            /// scale, while every objective, gradient and report is the
            /// original problem's at the original parameters. The model and
            /// its optimum are unchanged (unlike `standardize(true)`, which
            /// penalizes the standardized coefficients); what changes is how
            /// fast a step size shared by all coordinates gets there on
            /// uncentred or unequally scaled features. It needs the rows
            /// ([`Objective::as_rows`](crate::objective::Objective::as_rows),
            /// which the crate's objectives give) and costs one pass over
            /// them; a streamed pass (`partial_fit`) never uses it.
            ///
            /// ```
            /// use logreg::objective::BinaryLogistic;
            #[doc = concat!("use logreg::solver::{", stringify!($solver), ", NoObserver, Solver, StopRule};")]
            /// use ndarray::{array, Array1};
            /// // Uncentred features on scales 100 apart.
            /// let x = array![[150.0_f64, 1.2], [160.0, 1.9], [171.0, 1.1], [180.0, 1.8], [165.0, 1.5], [175.0, 1.3]];
            /// let y = array![0.0, 1.0, 0.0, 1.0, 1.0, 0.0];
            /// let objective = BinaryLogistic::new(x.view(), y, None, 0.01, true)?;
            /// let stop = StopRule::new(1e-6, 300)?;
            /// let run = |solver: &dyn Solver<f64>| {
            ///     solver.minimize(&objective, Array1::zeros(3), &stop, &mut NoObserver)
            /// };
            #[doc = concat!("let standardized = run(&", stringify!($solver), "::new())?;")]
            #[doc = concat!("let as_given = run(&", stringify!($solver), "::new().precondition(false))?;")]
            /// assert!(standardized.report.objective < as_given.report.objective);
            /// # Ok::<(), logreg::Error>(())
            /// ```
            pub fn precondition(mut self, precondition: bool) -> Self {
                self.minibatch.precondition = precondition;
                self
            }
        }

    };
}
pub(crate) use minibatch_setters;

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
    // The steps are taken in standardized variables when the data can be
    // read (see precondition.rs); every reported point is the original
    // objective's at the original parameters.
    let scaling = settings
        .precondition
        .then(|| objective.as_rows())
        .flatten()
        .map(|rows| ColumnScaling::of(rows, objective.n_samples()))
        .filter(|scaling| !scaling.is_identity());
    let wrapped = scaling
        .as_ref()
        .map(|scaling| Reparametrized { objective, scaling });
    let stepped: &dyn Objective<F> = match &wrapped {
        Some(wrapped) => wrapped,
        None => objective,
    };
    let outer = |inner: Array1<F>| match &scaling {
        Some(scaling) => scaling.to_outer(inner.view()),
        None => inner,
    };
    let mut params = match &scaling {
        Some(scaling) => scaling.to_inner(start.view()),
        None => start.clone(),
    };
    let mut state = StreamState::default();
    let mut point = Point::evaluate(objective, start);
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
        scaled_pass(
            solver,
            stepped,
            &mut params,
            &mut state,
            &order,
            scale,
            true,
        )?;
        let next = Point::evaluate(objective, outer(solver.current(&params, &state)));
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
