//! The model over chunks of rows: `fit_chunks`.

use super::{FittedLogisticRegression, LogisticRegression};
use crate::chunked::{
    ChunkProblem, ChunkSource, ChunkedObjective, EngineObjective, FirstPass, PartialSumsEngine,
    Passes, RunKind, exact_preparation, minibatch_refused,
};
use crate::multiclass::{Fit, Runs, Strategy, centre};
use crate::objective::{ClassSums, Objective};
use crate::solver::{NoObserver, Solution, StopRule, minimize_counted};
use crate::{Error, Float, Result};
use ndarray::{Array1, Array2};

impl<F: Float> LogisticRegression<F> {
    /// Fits from chunks of rows read one after another (and a bounded
    /// number at once): an exact fit of data that need not fit in memory.
    /// Returns the ordinary fitted model, with the coefficients of the
    /// in-memory fit of the same rows: bit for bit when the chunks are the
    /// in-memory passes' ([`in_memory_chunk_rows`](crate::chunked::in_memory_chunk_rows)),
    /// to rounding otherwise.
    ///
    /// Chunks may be dense or sparse CSR ([`Chunk::csr`](crate::chunked::Chunk::csr)),
    /// mixed in one source; CSR chunks are never densified, and give the
    /// in-memory [`fit_csr`](Self::fit_csr)'s coefficients (bit for bit
    /// with its chunks, [`in_memory_csr_chunk_rows`](crate::chunked::in_memory_csr_chunk_rows)).
    ///
    /// Every setting applies (penalties, class and sample weights,
    /// standardization — refused for CSR chunks, as by `fit_csr` —,
    /// multiclass form, warm starts). Solvers: Newton,
    /// L-BFGS, gradient descent, coordinate descent and FISTA (each
    /// iteration reads the data once or twice: see the `passes` of
    /// [`fit_chunks_counted`](Self::fit_chunks_counted)); minibatch and
    /// per-row solvers (SGD, Adam, SAGA) are refused. Separation is not
    /// diagnosed.
    ///
    /// ```
    /// use logreg::chunked::MemoryChunks;
    /// use logreg::{LogisticRegression, Multiclass};
    /// use ndarray::array;
    /// let x = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 1.5], [3.0, 0.5], [4.0, 2.0], [5.0, 1.0]];
    /// let y = array!["a", "b", "a", "c", "b", "c"];
    /// let settings = LogisticRegression::new().multiclass(Multiclass::Multinomial).tol(1e-10);
    /// let chunked = settings.fit_chunks(&MemoryChunks::new(x.view(), y.view(), None, 4)?)?;
    /// let in_memory = settings.fit(&x, &y)?;
    /// assert_eq!(chunked.classes(), in_memory.classes());
    /// assert!((&chunked.coef() - &in_memory.coef()).iter().all(|d| d.abs() < 1e-9));
    /// # Ok::<(), logreg::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`fit`](Self::fit), errors of the source (naming the chunk or
    /// file, row group and column: [`Error::ChunkData`]), and
    /// [`Error::InvalidParameter`] for a minibatch or per-row solver, or
    /// for `standardize(true)` with CSR chunks.
    pub fn fit_chunks<S>(&self, source: &S) -> Result<FittedLogisticRegression<F, S::Label>>
    where
        S: ChunkSource<F> + ?Sized,
    {
        self.fit_chunks_counted(source).map(|(model, _)| model)
    }

    /// [`fit_chunks`](Self::fit_chunks), also returning how many times the
    /// data was read (the first passes included).
    ///
    /// ```
    /// use logreg::chunked::MemoryChunks;
    /// use logreg::LogisticRegression;
    /// use ndarray::array;
    /// let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0]];
    /// let y = array![0, 0, 1, 0, 1, 1];
    /// let chunks = MemoryChunks::new(x.view(), y.view(), None, 2)?;
    /// let (model, passes) = LogisticRegression::new().fit_chunks_counted(&chunks)?;
    /// assert!(passes > model.report().iterations);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`fit_chunks`](Self::fit_chunks).
    pub fn fit_chunks_counted<S>(
        &self,
        source: &S,
    ) -> Result<(FittedLogisticRegression<F, S::Label>, usize)>
    where
        S: ChunkSource<F> + ?Sized,
    {
        let stop = self.check_settings()?;
        self.refuse_minibatch_solvers()?;
        let preparation = Passes::default();
        let (first, problem) = exact_preparation(self, source, &preparation)?;
        let mut passes = preparation.count();
        let sums = first.class_sums();
        let model = self.fit_runs(
            first.classes().to_vec(),
            &problem,
            sums,
            |run_problem, start| {
                let objective =
                    ChunkedObjective::from_problem(source, run_problem, Passes::default());
                let solved = self.minimize(&objective, start, &stop);
                passes += objective.passes();
                match objective.take_error() {
                    Some(error) => Err(error),
                    None => solved,
                }
            },
        )?;
        Ok((model, passes))
    }

    /// Fits from the first pass `first` over data whose partial sums
    /// `engine` computes (see [`PartialSumsEngine`]), and returns the
    /// fitted model and how many times the engine was asked for sums.
    /// Every setting and solver of [`fit_chunks`](Self::fit_chunks)
    /// applies; Newton asks for the Hessian's sums.
    ///
    /// # Errors
    /// As [`fit_chunks`](Self::fit_chunks), and the engine's errors.
    pub fn fit_partial_sums<L, E>(
        &self,
        first: FirstPass<L>,
        engine: &E,
    ) -> Result<(FittedLogisticRegression<F, L>, usize)>
    where
        L: Clone + Ord + Send + Sync,
        E: PartialSumsEngine<F, L> + ?Sized,
    {
        let stop = self.check_settings()?;
        self.refuse_minibatch_solvers()?;
        if first.n_rows() == 0 {
            return Err(Error::EmptyData);
        }
        if first.n_features() == 0 {
            return Err(Error::NoFeatures {
                rows: usize::try_from(first.n_rows()).unwrap_or(usize::MAX),
            });
        }
        let classes = first.classes().to_vec();
        let sums = first.class_sums().cloned();
        let problem = ChunkProblem::new(self, first, RunKind::Multinomial)?;
        let mut evaluations = 0;
        let model = self.fit_runs(classes, &problem, sums.as_ref(), |run_problem, start| {
            let objective = EngineObjective::new(engine, run_problem);
            let solved = self.minimize(&objective, start, &stop);
            evaluations += objective.evaluations();
            match objective.take_error() {
                Some(error) => Err(error),
                None => solved,
            }
        })?;
        Ok((model, evaluations))
    }

    /// The solver's run on one objective from `start` (and the objective's
    /// value and gradient there, when known), its evaluations counted.
    fn minimize(
        &self,
        objective: &dyn Objective<F>,
        start: RunStart<F>,
        stop: &StopRule<F>,
    ) -> Result<Solution<F>> {
        minimize_counted(
            self.solver.as_ref(),
            objective,
            start.params,
            start.at_start,
            stop,
            &mut NoObserver,
        )
    }

    fn refuse_minibatch_solvers(&self) -> Result<()> {
        if matches!(self.solver.name(), "sgd" | "adam" | "saga") {
            return Err(minibatch_refused(self.solver.name()));
        }
        Ok(())
    }

    /// The runs of a fit over chunks or an engine (one, or one per class),
    /// each solved by `solve` from its start, assembled into a model: the
    /// softmax centred and the coefficients mapped back from the
    /// standardized scale.
    fn fit_runs<L: Clone + Ord>(
        &self,
        classes: Vec<L>,
        problem: &ChunkProblem<F, L>,
        class_sums: Option<&ClassSums>,
        mut solve: impl FnMut(ChunkProblem<F, L>, RunStart<F>) -> Result<Solution<F>>,
    ) -> Result<FittedLogisticRegression<F, L>> {
        let k = classes.len();
        let d = problem.n_features;
        let strategy = self.multiclass.strategy(k);
        let runs = Runs::new(strategy, k, d, self.fit_intercept);
        let mut start = self.warm_start_for(strategy, k, d)?;
        if let (Some(scaling), Some((coef, intercept))) = (&problem.scaling, &mut start) {
            scaling.to_standardized(coef, intercept);
        }
        let mut coef = Array2::zeros((runs.model_rows(), d));
        let mut intercept = Array1::zeros(runs.model_rows());
        let mut reports = Vec::with_capacity(runs.count());
        for index in 0..runs.count() {
            let run = match strategy {
                Strategy::Binary => RunKind::Binary,
                Strategy::OneVsRest => RunKind::OneVsRest { positive: index },
                Strategy::Multinomial => RunKind::Multinomial,
            };
            let run_problem = problem.with_run(run);
            let start = match &start {
                Some((c, b)) => RunStart {
                    params: runs.params(c, b, index),
                    at_start: None,
                },
                None => RunStart {
                    params: Array1::zeros(run_problem.n_params()),
                    at_start: self.value_grad_at_zero(class_sums, &runs, index, d, k),
                },
            };
            let solution = solve(run_problem, start)?;
            runs.store(solution.params.view(), &mut coef, &mut intercept, index);
            reports.push(solution.report);
        }
        if strategy == Strategy::Multinomial {
            centre(problem.alpha, problem.l1, &mut coef, &mut intercept);
        }
        if let Some(scaling) = &problem.scaling {
            scaling.to_original(&mut coef, &mut intercept)?;
        }
        let fit = Fit {
            coef,
            intercept,
            reports,
            diagnostics: Vec::new(),
        };
        let record = self.record(problem.alpha, problem.l1);
        Ok(FittedLogisticRegression::new(
            classes, strategy, fit, record,
        ))
    }

    /// Run `index`'s value and gradient at zero from the first pass's
    /// class sums, when the settings start there ([`starts_from_class_sums`](Self::starts_from_class_sums))
    /// and the sums are of this data.
    fn value_grad_at_zero(
        &self,
        class_sums: Option<&ClassSums>,
        runs: &Runs,
        index: usize,
        d: usize,
        k: usize,
    ) -> Option<(F, Array1<F>)> {
        if !self.starts_from_class_sums() {
            return None;
        }
        class_sums?.start_at_zero(runs.zero_run(index), self.fit_intercept, (d, k))
    }
}

/// Where a solver run starts: its parameters, and the objective's value
/// and gradient there when already known.
struct RunStart<F> {
    params: Array1<F>,
    at_start: Option<(F, Array1<F>)>,
}
