//! Fits whose partial sums an engine computes: the [`PartialSumsEngine`]
//! trait and the objective over one.

use super::partial::PartialSums;
use super::problem::ChunkProblem;
use crate::objective::Objective;
use crate::{Error, Float, Result};
use ndarray::{Array2, ArrayView1, ArrayViewMut1};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Something that computes the merged [`PartialSums`] of all the data at
/// given parameters: a query engine (the `logreg-datafusion` crate runs one
/// aggregate query per evaluation, in process or on a Ballista cluster), a
/// pool of workers of one's own, or a remote service.
///
/// Each worker decodes the problem (see [`ChunkProblem::to_bytes`]) and
/// computes [`ChunkProblem::partial`] over its rows; the engine merges the
/// workers' sums in an order that does not depend on which worker finished
/// first, so that repeated fits give identical coefficients.
///
/// ```
/// use logreg::chunked::{Chunk, ChunkProblem, FirstPass, PartialSums, PartialSumsEngine};
/// use logreg::{LogisticRegression, Result};
/// use ndarray::{array, Array2, ArrayView1};
///
/// /// Two "workers", each holding half the rows.
/// struct Halves(Array2<f64>, Vec<i32>);
/// impl PartialSumsEngine<f64, i32> for Halves {
///     fn sums(&self, problem: &ChunkProblem<f64, i32>, params: ArrayView1<'_, f64>, hessian: bool) -> Result<PartialSums> {
///         let half = |r: std::ops::Range<usize>| {
///             let chunk = Chunk::new(self.0.slice(ndarray::s![r.clone(), ..]).into(), self.1[r].into(), None);
///             problem.partial(&chunk, params, hessian)
///         };
///         let mut total = half(0..3)?;
///         total.merge(&half(3..6)?)?;
///         Ok(total)
///     }
/// }
/// let x = array![[0.0], [1.0], [2.0], [3.0], [4.0], [5.0]];
/// let y = vec![0, 0, 1, 0, 1, 1];
/// let first = FirstPass::of_chunk(&Chunk::new(x.view().into(), y.clone().into(), None), 0)?;
/// let settings = LogisticRegression::new().tol(1e-10);
/// let (model, evaluations) = settings.fit_partial_sums(first, &Halves(x.clone(), y.clone()))?;
/// let in_memory = settings.fit(&x, &ndarray::Array1::from(y))?;
/// assert!((model.coef()[[0, 0]] - in_memory.coef()[[0, 0]]).abs() < 1e-9);
/// assert!(evaluations >= model.report().iterations);
/// # Ok::<(), logreg::Error>(())
/// ```
pub trait PartialSumsEngine<F: Float, L>: Sync {
    /// The sums of every row at `params` for `problem` (with the Hessian's
    /// if `hessian`), merged in a fixed order.
    ///
    /// # Errors
    /// Whatever the engine meets: bad data, a lost worker, a timeout.
    fn sums(
        &self,
        problem: &ChunkProblem<F, L>,
        params: ArrayView1<'_, F>,
        hessian: bool,
    ) -> Result<PartialSums>;
}

/// The objective of a [`ChunkProblem`] whose sums an engine computes. An
/// engine's error cannot be returned by the [`Objective`] methods: they
/// return NaN (which stops the solvers) and the error is kept.
pub(crate) struct EngineObjective<'e, F: Float, L, E: ?Sized> {
    engine: &'e E,
    problem: ChunkProblem<F, L>,
    evaluations: AtomicUsize,
    error: Mutex<Option<Error>>,
}

impl<'e, F: Float, L: Clone + Ord, E: PartialSumsEngine<F, L> + ?Sized>
    EngineObjective<'e, F, L, E>
{
    pub fn new(engine: &'e E, problem: ChunkProblem<F, L>) -> Self {
        Self {
            engine,
            problem,
            evaluations: AtomicUsize::new(0),
            error: Mutex::new(None),
        }
    }

    /// How many times the engine was asked for sums.
    pub fn evaluations(&self) -> usize {
        self.evaluations.load(Ordering::Relaxed)
    }

    /// The first error the engine returned, if any (and forgets it).
    pub fn take_error(&self) -> Option<Error> {
        self.error.lock().ok().and_then(|mut e| e.take())
    }

    fn sums(&self, params: ArrayView1<'_, F>, hessian: bool) -> Option<PartialSums> {
        // After the engine's first error the solver may still probe (a line
        // search steps back from NaN): answer NaN without asking the engine
        // again, which could wait out a query timeout each time.
        if self.error.lock().map_or(true, |e| e.is_some()) {
            return None;
        }
        self.evaluations.fetch_add(1, Ordering::Relaxed);
        let sums = self
            .engine
            .sums(&self.problem, params, hessian)
            .and_then(|sums| {
                let expected = self.problem.n_params();
                if sums.grad.len() != expected || (hessian && sums.hessian.is_none()) {
                    return Err(Error::invalid(
                        "engine",
                        format!(
                            "sums of {} parameters (Hessian: {})",
                            sums.grad.len(),
                            sums.hessian.is_some()
                        ),
                        "sums of the problem's parameters, with the Hessian's when asked",
                    ));
                }
                Ok(sums)
            });
        match sums {
            Ok(sums) => Some(sums),
            Err(e) => {
                if let Ok(mut slot) = self.error.lock() {
                    slot.get_or_insert(e);
                }
                None
            }
        }
    }
}

impl<F: Float, L: Clone + Ord + Send + Sync, E: PartialSumsEngine<F, L> + ?Sized> Objective<F>
    for EngineObjective<'_, F, L, E>
{
    fn n_params(&self) -> usize {
        self.problem.n_params()
    }

    fn n_samples(&self) -> usize {
        usize::try_from(self.problem.n_rows).unwrap_or(usize::MAX)
    }

    fn value_grad(&self, params: ArrayView1<'_, F>, mut grad: ArrayViewMut1<'_, F>) -> F {
        match self.sums(params, false) {
            Some(sums) => self.problem.value_grad(&sums, params, grad),
            None => {
                grad.fill(F::nan());
                F::nan()
            }
        }
    }

    fn hessian(&self, params: ArrayView1<'_, F>) -> Array2<F> {
        self.sums(params, true)
            .and_then(|sums| self.problem.hessian(&sums))
            .unwrap_or_else(|| {
                let p = self.n_params();
                Array2::from_elem((p, p), F::nan())
            })
    }

    fn value_grad_rows(
        &self,
        _params: ArrayView1<'_, F>,
        _rows: &[usize],
        mut grad: ArrayViewMut1<'_, F>,
    ) -> F {
        if let Ok(mut slot) = self.error.lock() {
            slot.get_or_insert(super::objective::minibatch_refused("a minibatch solver"));
        }
        grad.fill(F::nan());
        F::nan()
    }

    fn l2_penalty(&self) -> F {
        self.problem.alpha
    }

    fn l1_penalty(&self) -> F {
        self.problem.l1
    }

    fn n_penalized(&self) -> usize {
        self.problem.layout().n_coef()
    }

    fn redundant_params(&self) -> Vec<usize> {
        self.problem.redundant_params()
    }
}
