//! The objective over a chunk source that the crate's solvers minimize.

use super::features::Features;
use super::partial::PartialSums;
use super::passes::{Passes, in_order};
use super::problem::{ChunkProblem, Prepared};
use super::source::ChunkSource;
use crate::objective::{Objective, add_l2_hessian};
use crate::{Error, Float, Result};
use ndarray::{Array2, ArrayView1, ArrayView2, ArrayViewMut1, s};
use std::sync::Mutex;

/// The objective of a [`ChunkProblem`] over every chunk of a source: each
/// evaluation is one pass, the chunks' [`PartialSums`] merged in chunk
/// order. Newton, L-BFGS and gradient descent minimize it unchanged, and so
/// do the composite L1 solvers (coordinate descent needs only the Hessian
/// and gradient, FISTA only the gradient). Chunks may be dense or CSR. Minibatch and per-row solvers
/// (SGD, Adam, SAGA) do not apply: a minibatch would read every chunk.
///
/// An error while reading a chunk (I/O, bad data) cannot be returned by the
/// [`Objective`] methods: they return NaN and the error is kept for
/// [`take_error`](Self::take_error).
///
/// ```
/// use logreg::chunked::{ChunkedObjective, MemoryChunks, RunKind};
/// use logreg::solver::{Newton, NoObserver, Solver, StopRule};
/// use logreg::LogisticRegression;
/// use ndarray::{array, Array1};
/// let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0]];
/// let y = array![0, 0, 1, 0, 1, 1];
/// let chunks = MemoryChunks::new(x.view(), y.view(), None, 4)?;
/// let objective = ChunkedObjective::new(&LogisticRegression::new(), &chunks, RunKind::Binary)?;
/// let stop = StopRule::new(1e-10, 50)?;
/// let solution = Newton::new().minimize(&objective, Array1::zeros(2), &stop, &mut NoObserver)?;
/// assert!(solution.report.converged());
/// # Ok::<(), logreg::Error>(())
/// ```
pub struct ChunkedObjective<'s, F: Float, S: ChunkSource<F> + ?Sized> {
    source: &'s S,
    problem: ChunkProblem<F, S::Label>,
    passes: Passes,
    error: Mutex<Option<Error>>,
}

impl<'s, F: Float, S: ChunkSource<F> + ?Sized> ChunkedObjective<'s, F, S> {
    /// The objective of `settings` over `source` for `run`, after the first
    /// pass (S and the standardization summed as the in-memory fit sums them).
    ///
    /// # Errors
    /// Invalid settings or data: see [`ChunkProblem::new`] and [`Error::ChunkData`].
    pub fn new(
        settings: &crate::LogisticRegression<F>,
        source: &'s S,
        run: super::RunKind,
    ) -> Result<Self> {
        settings.check_settings()?;
        let passes = Passes::default();
        let (_, problem) = super::exact_preparation(settings, source, &passes)?;
        Ok(Self::from_problem(source, problem.with_run(run), passes))
    }

    pub(crate) fn from_problem(
        source: &'s S,
        problem: ChunkProblem<F, S::Label>,
        passes: Passes,
    ) -> Self {
        Self {
            source,
            problem,
            passes,
            error: Mutex::new(None),
        }
    }

    /// How many times the data has been read (the first pass included).
    pub fn passes(&self) -> usize {
        self.passes.count()
    }

    /// The first error a pass met, if any (and forgets it).
    pub fn take_error(&self) -> Option<Error> {
        self.error.lock().ok().and_then(|mut e| e.take())
    }

    fn keep(&self, error: Error) {
        if let Ok(mut slot) = self.error.lock() {
            slot.get_or_insert(error);
        }
    }

    /// The kept error's stand-in once a pass has failed: the solver may
    /// still probe (a line search steps back from NaN), and rereading the
    /// data would only meet the error again.
    fn failed(&self) -> Result<()> {
        match self.error.lock().map(|e| e.is_some()) {
            Ok(false) => Ok(()),
            _ => Err(Error::EmptyData),
        }
    }

    /// All chunks' partial sums at `params`, merged in chunk order.
    fn merged(&self, params: ArrayView1<'_, F>) -> Result<PartialSums> {
        self.failed()?;
        let mut total: Option<PartialSums> = None;
        in_order(
            self.source,
            &self.passes,
            |i, chunk| {
                let prepared = self.problem.prepare(chunk, &self.source.location(i))?;
                Ok(self.problem.partial_prepared(&prepared, params, false))
            },
            |_, part| match &mut total {
                Some(t) => t.merge(&part),
                None => {
                    total = Some(part);
                    Ok(())
                }
            },
        )?;
        total.ok_or(Error::EmptyData)
    }

    /// The Hessian's sums over rows regrouped into the in-memory blocks
    /// (global row blocks of the kernels' length, whatever the chunks), so
    /// that Newton's steps equal the in-memory fit's bit for bit. CSR
    /// chunks' rows are added one after another into one sum of their own,
    /// divided by S as the in-memory sparse objective divides it.
    fn hessian_sums(&self, params: ArrayView1<'_, F>) -> Result<Array2<F>> {
        self.failed()?;
        let mut sums = self.problem.hessian_blocks();
        let step = sums.rows_per_block();
        let d = self.problem.n_features;
        let mut buffer = Block::new(step, d);
        let mut sparse: Option<Array2<F>> = None;
        let mut dense_rows = false;
        in_order(
            self.source,
            &self.passes,
            |i, chunk| {
                let p = self.problem.prepare(chunk, &self.source.location(i))?;
                Ok(Prepared {
                    x: p.x.0.into_owned().into(),
                    class: p.class,
                    weight: p.weight,
                })
            },
            |_, prepared| {
                match &prepared.x.0 {
                    Features::Dense(x) => {
                        dense_rows = true;
                        buffer.feed(
                            x.view(),
                            &prepared.class,
                            prepared.weight.view(),
                            |x, c, w| sums.add_block(x, c, w, params),
                        );
                    }
                    Features::Csr(x) => {
                        let p = self.problem.n_params();
                        let total = sparse.get_or_insert_with(|| Array2::zeros((p, p)));
                        self.problem.add_sparse_hessian(
                            x,
                            &prepared.class,
                            &prepared.weight,
                            params,
                            total.view_mut(),
                        );
                    }
                }
                Ok(())
            },
        )?;
        buffer.flush(|x, c, w| sums.add_block(x, c, w, params));
        let s = self.problem.weight_sum;
        Ok(match sparse {
            Some(mut total) => {
                total.mapv_inplace(|h| h / s);
                if dense_rows {
                    total += &sums.finish(s.recip());
                }
                total
            }
            None => sums.finish(s.recip()),
        })
    }
}

/// Rows carried between chunks until a block of `step` rows is complete.
struct Block<F> {
    step: usize,
    d: usize,
    x: Vec<F>,
    class: Vec<usize>,
    weight: Vec<F>,
}

impl<F: Float> Block<F> {
    fn new(step: usize, d: usize) -> Self {
        Self {
            step,
            d,
            x: Vec::new(),
            class: Vec::new(),
            weight: Vec::new(),
        }
    }

    /// Emits every complete block of `step` global rows that `chunk` ends.
    fn feed(
        &mut self,
        x: ArrayView2<'_, F>,
        class: &[usize],
        weight: ArrayView1<'_, F>,
        mut emit: impl FnMut(ArrayView2<'_, F>, &[usize], ArrayView1<'_, F>),
    ) {
        let n = x.nrows();
        let mut at = 0;
        while at < n {
            let held = self.class.len();
            if held == 0 && n - at >= self.step {
                let rows = at..at + self.step;
                emit(
                    x.slice(s![rows.clone(), ..]),
                    &class[rows.clone()],
                    weight.slice(s![rows]),
                );
                at += self.step;
                continue;
            }
            let take = (self.step - held).min(n - at);
            let rows = at..at + take;
            self.x.extend(x.slice(s![rows.clone(), ..]).iter().copied());
            self.class.extend_from_slice(&class[rows.clone()]);
            self.weight.extend(weight.slice(s![rows]).iter().copied());
            at += take;
            if self.class.len() == self.step {
                self.flush(&mut emit);
            }
        }
    }

    /// Emits the rows held (the last, short block).
    fn flush(&mut self, mut emit: impl FnMut(ArrayView2<'_, F>, &[usize], ArrayView1<'_, F>)) {
        let rows = self.class.len();
        if rows == 0 {
            return;
        }
        if let Ok(x) = ArrayView2::from_shape((rows, self.d), &self.x) {
            emit(x, &self.class, ArrayView1::from(&self.weight));
        }
        self.x.clear();
        self.class.clear();
        self.weight.clear();
    }
}

impl<F: Float, S: ChunkSource<F> + ?Sized> Objective<F> for ChunkedObjective<'_, F, S> {
    fn n_params(&self) -> usize {
        self.problem.n_params()
    }

    fn n_samples(&self) -> usize {
        usize::try_from(self.problem.n_rows).unwrap_or(usize::MAX)
    }

    fn value_grad(&self, params: ArrayView1<'_, F>, mut grad: ArrayViewMut1<'_, F>) -> F {
        match self.merged(params) {
            Ok(sums) => self.problem.value_grad(&sums, params, grad),
            Err(e) => {
                self.keep(e);
                grad.fill(F::nan());
                F::nan()
            }
        }
    }

    fn hessian(&self, params: ArrayView1<'_, F>) -> Array2<F> {
        match self.hessian_sums(params) {
            Ok(mut hess) => {
                add_l2_hessian(
                    self.problem.alpha,
                    self.problem.layout().n_coef(),
                    hess.view_mut(),
                );
                hess
            }
            Err(e) => {
                self.keep(e);
                let p = self.n_params();
                Array2::from_elem((p, p), F::nan())
            }
        }
    }

    fn value_grad_rows(
        &self,
        _params: ArrayView1<'_, F>,
        _rows: &[usize],
        mut grad: ArrayViewMut1<'_, F>,
    ) -> F {
        self.keep(minibatch_refused("a minibatch solver"));
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

/// The error of a minibatch or per-row solver on an objective over chunks:
/// a minibatch would read every chunk.
pub(crate) fn minibatch_refused(solver: &str) -> Error {
    Error::invalid(
        "solver",
        solver,
        "fits over chunks take Newton, L-BFGS, gradient descent, coordinate descent or FISTA",
    )
}
