//! Fits over chunks of rows (`fit_chunks`) against the in-memory fit of the
//! same rows: the reference is the crate's own in-memory fit, whose
//! agreement with scikit-learn and statsmodels tests/reference.rs checks.
//!
//! - chunks whose boundaries are the in-memory passes' give the same bits;
//! - other chunkings (1, 7 and 64 uneven chunks) agree to rounding for
//!   Newton (1e-12 relative at tol 1e-10) and within the bound L-BFGS's
//!   tolerance implies;
//! - partial sums round-trip through bytes and merge in chunk order;
//! - a [`PartialSumsEngine`] whose problem and sums cross bytes gives
//!   `fit_chunks`' bits, and its errors end the fit;
//! - CSR chunks give the in-memory `fit_csr`'s bits (chunks matching its
//!   passes) or agree to rounding, equal dense chunks of the same rows to
//!   rounding, mix with dense chunks, and get typed errors for bad rows.

use crate::common::synthetic::{SplitMix, correlated_problem};
use logreg::chunked::{
    Chunk, ChunkProblem, ChunkSource, CsrFeatures, FirstPass, MemoryChunks, PartialSums,
    PartialSumsEngine, RunKind, in_memory_chunk_rows, in_memory_csr_chunk_rows,
};
use logreg::solver::{Lbfgs, Newton, Solver};
use logreg::sprs::CsMat;
use logreg::{ClassWeight, Error, FittedLogisticRegression, LogisticRegression, Multiclass};
use ndarray::{Array1, Array2, array, s};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Rows of a 3-class problem (labels 0..3), or 2 classes, with uneven
/// sample weights in [0.25, 2.25).
fn data(n: usize, d: usize, classes: usize) -> (Array2<f64>, Array1<usize>, Array1<f64>) {
    let (x, y) = correlated_problem(n, d, classes, 17);
    let mut rng = SplitMix(5);
    let w = (0..n).map(|_| 0.25 + 2.0 * rng.uniform()).collect();
    // Shift and scale the columns so that standardization has work to do.
    let x = &x * &array![3.0, 0.5, 10.0, 1.0, 2.0, 0.1] + &array![1.0, -2.0, 50.0, 0.0, 3.0, 0.5];
    (x, Array1::from(y), w)
}

fn bits(m: &FittedLogisticRegression<f64, usize>) -> Vec<u64> {
    m.coef()
        .iter()
        .chain(m.intercept().iter())
        .map(|v| v.to_bits())
        .collect()
}

/// The settings the exactness tests run: sample weights come with the
/// data, balanced class weights, standardize(true), C = 10.
fn settings(solver: impl Solver<f64> + 'static, multiclass: Multiclass) -> LogisticRegression<f64> {
    LogisticRegression::new()
        .solver(solver)
        .multiclass(multiclass)
        .class_weight(ClassWeight::Balanced)
        .standardize(true)
        .c(10.0)
        .tol(1e-10)
        .max_iter(200)
}

/// The same bits and iterations, and converged.
fn assert_same_fit(
    chunked: &FittedLogisticRegression<f64, usize>,
    in_memory: &FittedLogisticRegression<f64, usize>,
    case: &str,
) {
    assert_eq!(bits(chunked), bits(in_memory), "{case}");
    assert_eq!(
        chunked.report().iterations,
        in_memory.report().iterations,
        "{case}"
    );
    assert!(chunked.report().converged(), "{case}");
}

fn cases() -> Vec<(&'static str, usize, Multiclass)> {
    vec![
        ("binary", 2, Multiclass::Auto),
        ("one-vs-rest", 3, Multiclass::OneVsRest),
        ("multinomial", 3, Multiclass::Multinomial),
    ]
}

/// Rows per chunk of the in-memory passes over `data`'s 6 features.
fn pass_chunk_rows(classes: usize, multiclass: Multiclass) -> usize {
    let outputs = if multiclass == Multiclass::Multinomial {
        classes
    } else {
        1
    };
    in_memory_chunk_rows(6, outputs)
}

#[test]
fn chunks_matching_the_in_memory_passes_give_the_same_bits() {
    for (name, classes, multiclass) in cases() {
        // Several in-memory chunks, and a short last one.
        let rows = pass_chunk_rows(classes, multiclass);
        let (x, y, w) = data(3 * rows + 123, 6, classes);
        let solvers: Vec<(&str, LogisticRegression<f64>)> = vec![
            ("newton", settings(Newton::new(), multiclass)),
            ("lbfgs", settings(Lbfgs::new(), multiclass).tol(1e-8)),
        ];
        for (solver, settings) in solvers {
            let in_memory = settings.fit_weighted(&x, &y, &w).expect("in-memory fit");
            let chunks = MemoryChunks::new(x.view(), y.view(), Some(w.view()), rows).unwrap();
            let chunked = settings.fit_chunks(&chunks).expect("chunked fit");
            assert_same_fit(&chunked, &in_memory, &format!("{name} {solver}"));
        }
    }
}

/// Without standardization or class weights, fits start at zero with the
/// value and gradient there from each class's sums, which the in-memory
/// fit computes in its check of x and the chunked fit in its first pass:
/// the same bits again, and no pass for the start.
#[test]
fn starts_from_class_sums_give_the_same_bits_and_save_a_pass() {
    for (name, classes, multiclass) in cases() {
        let rows = pass_chunk_rows(classes, multiclass);
        // `data`'s rows before their columns are shifted and scaled.
        let (x, y, w) = data(3 * rows + 123, 6, classes);
        let x =
            (&x - &array![1.0, -2.0, 50.0, 0.0, 3.0, 0.5]) / &array![3.0, 0.5, 10.0, 1.0, 2.0, 0.1];
        for (solver, settings) in [
            ("newton", LogisticRegression::new().solver(Newton::new())),
            ("lbfgs", LogisticRegression::new().solver(Lbfgs::new())),
        ] {
            let settings = settings.multiclass(multiclass).c(10.0).tol(1e-8);
            let case = format!("{name} {solver}");
            let in_memory = settings.fit_weighted(&x, &y, &w).expect("in-memory fit");
            let chunks = MemoryChunks::new(x.view(), y.view(), Some(w.view()), rows).unwrap();
            let chunked = settings.fit_chunks(&chunks).expect("chunked fit");
            assert_same_fit(&chunked, &in_memory, &case);
            // Class weights of 1 are the same objective, but a fit with
            // class weights evaluates its start by a pass. Newton takes the
            // same steps, with one more evaluation per run. (L-BFGS can part
            // by an iteration from a start gradient a rounding away.)
            let evaluated = settings
                .clone()
                .class_weight(ClassWeight::Manual(vec![1.0; classes]))
                .fit_weighted(&x, &y, &w)
                .expect("fit with class weights");
            assert_eq!(evaluated.reports().len(), in_memory.reports().len());
            if solver == "newton" {
                for (saved, evaluated) in in_memory.reports().iter().zip(evaluated.reports()) {
                    assert_eq!(saved.iterations, evaluated.iterations, "{case}");
                    assert_eq!(saved.evaluations + 1, evaluated.evaluations, "{case}");
                }
            }
            let gap = (&in_memory.coef() - &evaluated.coef()).mapv(f64::abs);
            assert!(gap.iter().all(|&g| g < 1e-6), "{case}: {gap}");
        }
    }
}

/// Enough rows for the binary Hessian's Gram product to deal its chunks
/// (about 1,000 rows each at 64 features: 2¹⁶ values) to all of its lanes
/// and come round again, so the chunked sums must follow the same lanes.
#[test]
fn newton_over_many_gram_chunks_gives_the_same_bits() {
    let d = 64;
    let (x, y) = correlated_problem(12_037, d, 2, 23);
    let y = Array1::from(y);
    let settings = LogisticRegression::new().solver(Newton::new()).tol(1e-10);
    let in_memory = settings.fit(&x, &y).expect("in-memory fit");
    let rows = in_memory_chunk_rows(d, 1);
    let chunks = MemoryChunks::new(x.view(), y.view(), None, rows).unwrap();
    let chunked = settings.fit_chunks(&chunks).expect("chunked fit");
    assert_same_fit(&chunked, &in_memory, "binary Newton over 12 Gram chunks");
}

/// 1, 7 and 64 chunks of uneven sizes.
fn uneven_chunkings(n: usize) -> Vec<Vec<usize>> {
    let mut rng = SplitMix(99);
    let mut out = vec![vec![0]];
    for count in [7, 64] {
        let mut cuts: Vec<usize> = (1..count)
            .map(|_| 1 + (rng.uniform() * (n - 1) as f64) as usize)
            .collect();
        cuts.push(0);
        cuts.sort();
        cuts.dedup();
        assert_eq!(cuts.len(), count, "distinct cut points");
        out.push(cuts);
    }
    out
}

fn max_relative_gap(
    a: &FittedLogisticRegression<f64, usize>,
    b: &FittedLogisticRegression<f64, usize>,
) -> f64 {
    let scale = a.coef().iter().fold(0.0_f64, |m, v| m.max(v.abs()));
    max_abs_gap(a, b) / scale
}

#[test]
fn newton_over_uneven_chunks_agrees_to_1e_12() {
    for (name, classes, multiclass) in cases() {
        let (x, y, w) = data(2500, 6, classes);
        let settings = settings(Newton::new(), multiclass);
        let in_memory = settings.fit_weighted(&x, &y, &w).expect("in-memory fit");
        for starts in uneven_chunkings(x.nrows()) {
            let count = starts.len();
            let chunks =
                MemoryChunks::with_starts(x.view(), y.view(), Some(w.view()), starts).unwrap();
            let chunked = settings.fit_chunks(&chunks).expect("chunked fit");
            let gap = max_relative_gap(&in_memory, &chunked);
            assert!(gap <= 1e-12, "{name}, {count} chunks: relative gap {gap:e}");
            assert!(chunked.report().converged());
        }
    }
}

/// L-BFGS at `tol`, unit weights, C = 1.
fn lbfgs_settings(multiclass: Multiclass, tol: f64) -> LogisticRegression<f64> {
    LogisticRegression::new()
        .solver(Lbfgs::new())
        .multiclass(multiclass)
        .tol(tol)
        .max_iter(500)
}

/// The largest absolute difference of the coefficients and intercepts.
fn max_abs_gap(
    a: &FittedLogisticRegression<f64, usize>,
    b: &FittedLogisticRegression<f64, usize>,
) -> f64 {
    (&a.coef() - &b.coef())
        .iter()
        .chain((&a.intercept() - &b.intercept()).iter())
        .fold(0.0_f64, |m, v| m.max(v.abs()))
}

/// L-BFGS stops when max |∇f| ≤ tol. With an L2 strength α every
/// eigenvalue of the Hessian is ≥ α, so a point whose gradient has 2-norm
/// ≤ √p·tol lies within √p·tol/α of the optimum (the standardized
/// coefficients, in which the fit runs), and two such fits within
/// 2√p·tol/α of each other. Tested on the standardized scale (no
/// standardize), unit weights, C = 1: α = 1/n.
#[test]
fn lbfgs_over_uneven_chunks_agrees_within_its_tolerance_bound() {
    for (name, classes, multiclass) in cases() {
        let (x, y) = correlated_problem(2500, 6, classes, 23);
        let y = Array1::from(y);
        let tol = 1e-8;
        let settings = lbfgs_settings(multiclass, tol);
        let in_memory = settings.fit(&x, &y).expect("in-memory fit");
        let rows = in_memory.coef().nrows();
        let p = (rows * 7) as f64;
        let alpha = 1.0 / x.nrows() as f64;
        let bound = 2.0 * p.sqrt() * tol / alpha;
        for starts in uneven_chunkings(x.nrows()) {
            let count = starts.len();
            let chunks = MemoryChunks::with_starts(x.view(), y.view(), None, starts).unwrap();
            let chunked = settings.fit_chunks(&chunks).expect("chunked fit");
            let gap = max_abs_gap(&in_memory, &chunked);
            assert!(
                gap <= bound,
                "{name}, {count} chunks: gap {gap:e} > bound {bound:e}"
            );
            assert!(chunked.report().converged());
        }
    }
}

/// A source that loads one chunk at a time, to check that the parallel
/// windows change nothing.
struct OneAtATime<'a>(MemoryChunks<'a, f64, usize>);

impl ChunkSource<f64> for OneAtATime<'_> {
    type Label = usize;
    fn n_chunks(&self) -> usize {
        self.0.n_chunks()
    }
    fn n_features(&self) -> usize {
        self.0.n_features()
    }
    fn chunk(&self, index: usize) -> logreg::Result<Chunk<'_, f64, usize>> {
        self.0.chunk(index)
    }
    fn max_in_flight(&self) -> usize {
        1
    }
}

#[test]
fn the_number_of_chunks_in_flight_does_not_change_the_bits() {
    let (x, y, w) = data(3000, 6, 3);
    let settings = settings(Lbfgs::new(), Multiclass::Multinomial).tol(1e-8);
    let chunks = MemoryChunks::new(x.view(), y.view(), Some(w.view()), 97).unwrap();
    let parallel = settings.fit_chunks(&chunks).unwrap();
    let sequential = settings.fit_chunks(&OneAtATime(chunks)).unwrap();
    assert_eq!(bits(&parallel), bits(&sequential));
}

/// An engine as a remote worker pool would run it: each chunk's problem
/// and partial sums cross a byte encoding, and the partials merge in chunk
/// order.
struct ByteWorkers<'a>(MemoryChunks<'a, f64, usize>);

fn label_bytes(label: &usize) -> Vec<u8> {
    (*label as u64).to_le_bytes().to_vec()
}

fn label_of(bytes: &[u8]) -> logreg::Result<usize> {
    Ok(u64::from_le_bytes(bytes.try_into().expect("8 bytes")) as usize)
}

impl ByteWorkers<'_> {
    fn first_pass(&self) -> FirstPass<usize> {
        let mut first: Option<FirstPass<usize>> = None;
        for i in 0..self.0.n_chunks() {
            let pass = FirstPass::of_chunk(&self.0.chunk(i).unwrap(), i).unwrap();
            let pass = FirstPass::from_bytes(&pass.to_bytes(label_bytes), label_of).unwrap();
            match &mut first {
                Some(f) => f.merge(&pass),
                None => first = Some(pass),
            }
        }
        first.expect("chunks")
    }
}

impl PartialSumsEngine<f64, usize> for ByteWorkers<'_> {
    fn sums(
        &self,
        problem: &ChunkProblem<f64, usize>,
        params: ndarray::ArrayView1<'_, f64>,
        hessian: bool,
    ) -> logreg::Result<PartialSums> {
        let shipped = ChunkProblem::from_bytes(&problem.to_bytes(label_bytes), label_of)?;
        let mut total: Option<PartialSums> = None;
        for i in 0..self.0.n_chunks() {
            let part = shipped.partial(&self.0.chunk(i)?, params, hessian)?;
            let part = PartialSums::from_bytes(&part.to_bytes())?;
            match &mut total {
                Some(t) => t.merge(&part)?,
                None => total = Some(part),
            }
        }
        Ok(total.expect("chunks"))
    }
}

/// Without weights or standardization, L-BFGS over the engine has
/// `fit_chunks`' bits (the same gradients, merged in the same order).
/// Newton agrees to rounding: `fit_chunks` accumulates the Hessian across
/// chunks, the engine merges each chunk's; and with weights and
/// standardization `fit_chunks` sums the weights and moments in extra
/// exact passes, the engine takes them from the mergeable first pass.
#[test]
fn an_engine_whose_problem_and_sums_cross_bytes_gives_the_fit_of_fit_chunks() {
    for (name, classes, multiclass) in cases() {
        let (x, y, w) = data(1800, 6, classes);
        let plain = MemoryChunks::new(x.view(), y.view(), None, 256).unwrap();
        let lbfgs = LogisticRegression::new()
            .solver(Lbfgs::new())
            .multiclass(multiclass)
            .tol(1e-8)
            .max_iter(300);
        let direct = lbfgs.fit_chunks(&plain).expect("a fit over chunks");
        let engine = ByteWorkers(plain.clone());
        let (remote, evaluations) = lbfgs
            .fit_partial_sums(engine.first_pass(), &engine)
            .expect("a fit over the engine");
        assert_eq!(bits(&remote), bits(&direct), "{name} L-BFGS");
        assert!(evaluations >= remote.report().iterations, "{name}");
        let weighted = MemoryChunks::new(x.view(), y.view(), Some(w.view()), 256).unwrap();
        for (case, chunks, settings) in [
            (
                "plain",
                &plain,
                LogisticRegression::new()
                    .solver(Newton::new())
                    .multiclass(multiclass)
                    .tol(1e-10),
            ),
            (
                "weighted and standardized",
                &weighted,
                settings(Newton::new(), multiclass),
            ),
        ] {
            let direct = settings.fit_chunks(chunks).expect("a fit over chunks");
            let engine = ByteWorkers(chunks.clone());
            let (remote, _) = settings
                .fit_partial_sums(engine.first_pass(), &engine)
                .expect("a fit over the engine");
            let gap = max_relative_gap(&remote, &direct);
            assert!(gap <= 1e-12, "{name}, {case}, Newton: relative gap {gap:e}");
            assert!(remote.report().converged(), "{name}, {case}");
        }
    }
}

/// An engine that fails, or answers with sums of the wrong shape.
struct Broken(bool);

impl PartialSumsEngine<f64, usize> for Broken {
    fn sums(
        &self,
        problem: &ChunkProblem<f64, usize>,
        params: ndarray::ArrayView1<'_, f64>,
        hessian: bool,
    ) -> logreg::Result<PartialSums> {
        if self.0 {
            return Err(logreg::Error::ChunkData {
                location: "worker 3".into(),
                column: "-".into(),
                problem: "lost".into(),
            });
        }
        // The sums of a one-feature problem: too few parameters.
        let x = array![[0.0], [1.0]];
        let chunk = Chunk::new(x.view().into(), vec![0, 1].into(), None);
        let small = LogisticRegression::new();
        let first = FirstPass::of_chunk(&chunk, 0)?;
        let other = ChunkProblem::new(&small, first, RunKind::Binary)?;
        let _ = (problem, params);
        other.partial(&chunk, ndarray::Array1::zeros(2).view(), hessian)
    }
}

/// A working engine that fails from its query number `.1` on (a worker
/// lost mid-fit), counting the queries it is asked.
struct FailsFrom<'a>(ByteWorkers<'a>, usize, AtomicUsize);

impl PartialSumsEngine<f64, usize> for FailsFrom<'_> {
    fn sums(
        &self,
        problem: &ChunkProblem<f64, usize>,
        params: ndarray::ArrayView1<'_, f64>,
        hessian: bool,
    ) -> logreg::Result<PartialSums> {
        if self.2.fetch_add(1, Ordering::SeqCst) + 1 >= self.1 {
            return Broken(true).sums(problem, params, hessian);
        }
        self.0.sums(problem, params, hessian)
    }
}

#[test]
fn an_engines_errors_end_the_fit() {
    let (x, y, w) = data(300, 6, 2);
    let chunks = MemoryChunks::new(x.view(), y.view(), Some(w.view()), 100).unwrap();
    let first = ByteWorkers(chunks).first_pass();
    let settings = LogisticRegression::new();
    let err = settings
        .fit_partial_sums(first.clone(), &Broken(true))
        .unwrap_err();
    assert!(
        matches!(&err, logreg::Error::ChunkData { location, .. } if location == "worker 3"),
        "{err:?}"
    );
    let err = settings
        .fit_partial_sums(first.clone(), &Broken(false))
        .unwrap_err();
    assert!(
        matches!(&err, logreg::Error::InvalidParameter { name: "engine", .. }),
        "{err:?}"
    );
    // The first error is the last query, also mid-fit inside a line search:
    // no solver asks a failed engine again (a distributed engine could wait
    // out a query timeout each time).
    for (settings, fail_at) in [
        (LogisticRegression::new().solver(Newton::new()), 3),
        (LogisticRegression::new().solver(Lbfgs::new()), 4),
    ] {
        let chunks = MemoryChunks::new(x.view(), y.view(), Some(w.view()), 100).unwrap();
        let engine = FailsFrom(ByteWorkers(chunks), fail_at, AtomicUsize::new(0));
        let err = settings
            .fit_partial_sums(first.clone(), &engine)
            .unwrap_err();
        assert!(matches!(&err, logreg::Error::ChunkData { .. }), "{err:?}");
        assert_eq!(engine.2.load(Ordering::SeqCst), fail_at);
    }
    let sgd = LogisticRegression::new().solver(logreg::solver::Sgd::new());
    let err = sgd.fit_partial_sums(first, &Broken(true)).unwrap_err();
    assert!(
        matches!(&err, logreg::Error::InvalidParameter { name: "solver", .. }),
        "{err:?}"
    );
}

#[test]
fn passes_count_the_reads() {
    let (x, y, _) = data(500, 6, 2);
    let chunks = MemoryChunks::new(x.view(), y.view(), None, 100).unwrap();
    // No class weights, no standardization: one first pass; then Newton
    // reads the data for each evaluation and each Hessian: at least one
    // Hessian, at most one per iteration and one at the end (chord steps
    // reuse one).
    let settings = LogisticRegression::new().solver(Newton::new()).tol(1e-10);
    let (model, passes) = settings.fit_chunks_counted(&chunks).unwrap();
    let (iterations, evaluations) = (model.report().iterations, model.report().evaluations);
    assert!(
        passes > 1 + evaluations && passes <= 2 + evaluations + iterations,
        "{passes} passes, {evaluations} evaluations, {iterations} iterations"
    );
    // Standardizing adds two first passes (the means, then the second moments).
    let (model, standardized) = settings
        .standardize(true)
        .fit_chunks_counted(&chunks)
        .unwrap();
    let (iterations, evaluations) = (model.report().iterations, model.report().evaluations);
    assert!(
        standardized > 3 + evaluations && standardized <= 4 + evaluations + iterations,
        "{standardized} passes, {evaluations} evaluations, {iterations} iterations"
    );
}

#[test]
fn partial_sums_of_two_chunks_merge_to_those_of_both() {
    let (x, y, w) = data(400, 6, 3);
    let y: Vec<usize> = y.to_vec();
    let all = Chunk::new(x.view().into(), y.clone().into(), Some(w.view().into()));
    let first = FirstPass::of_chunk(&all, 0).unwrap();
    let settings = LogisticRegression::new().class_weight(ClassWeight::Balanced);
    let problem = ChunkProblem::new(&settings, first, RunKind::Multinomial).unwrap();
    let mut rng = SplitMix(3);
    let params: Array1<f64> = (0..problem.n_params())
        .map(|_| rng.normal() * 0.1)
        .collect();
    let part = |rows: std::ops::Range<usize>| {
        let chunk = Chunk::new(
            x.slice(s![rows.clone(), ..]).into(),
            y[rows.clone()].to_vec().into(),
            Some(w.slice(s![rows]).into()),
        );
        problem.partial(&chunk, params.view(), true).unwrap()
    };
    let mut merged = part(0..150);
    merged.merge(&part(150..400)).unwrap();
    let whole = problem.partial(&all, params.view(), true).unwrap();
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-12 * b.abs().max(1.0);
    assert!(close(merged.loss(), whole.loss()));
    assert!(
        merged
            .grad()
            .iter()
            .zip(whole.grad())
            .all(|(&a, &b)| close(a, b))
    );
    let (hm, hw) = (merged.hessian().unwrap(), whole.hessian().unwrap());
    assert!(hm.iter().zip(hw).all(|(&a, &b)| close(a, b)));
    assert_eq!(merged.n_rows(), 400);
    // Bytes round-trip exactly.
    assert_eq!(PartialSums::from_bytes(&merged.to_bytes()).unwrap(), merged);
}

/// The engines' path: S and the standardization from the merged f64
/// moments of a first pass over chunks (Chan's update) give the objective
/// of the in-memory standardized fit to rounding.
#[test]
fn first_pass_moments_give_the_in_memory_objective() {
    let (x, y, w) = data(1000, 6, 2);
    let y: Vec<usize> = y.to_vec();
    let settings = LogisticRegression::new()
        .class_weight(ClassWeight::Balanced)
        .standardize(true)
        .c(10.0)
        .tol(1e-10);
    let chunk = |rows: std::ops::Range<usize>| {
        Chunk::new(
            x.slice(s![rows.clone(), ..]).into(),
            y[rows.clone()].to_vec().into(),
            Some(w.slice(s![rows]).into()),
        )
    };
    let bounds = [0, 130, 555, 1000];
    let mut first = FirstPass::of_chunk(&chunk(0..130), 0).unwrap();
    for (i, pair) in bounds[1..].windows(2).enumerate() {
        first.merge(&FirstPass::of_chunk(&chunk(pair[0]..pair[1]), i + 1).unwrap());
    }
    let problem = ChunkProblem::new(&settings, first, RunKind::Binary).unwrap();
    // The in-memory fit's optimum: the chunked objective's gradient there
    // (through the standardized parameters) must vanish to rounding.
    let memory = MemoryChunks::new(x.view(), y.as_slice().into(), Some(w.view()), 1000).unwrap();
    let exact = settings.fit_chunks(&memory).unwrap();
    let approx_fit = {
        let mut sums: Option<PartialSums> = None;
        let mut params = Array1::zeros(problem.n_params());
        // Newton on the merged partials of the three chunks.
        for _ in 0..30 {
            sums = None;
            for pair in bounds.windows(2) {
                let p = problem
                    .partial(&chunk(pair[0]..pair[1]), params.view(), true)
                    .unwrap();
                match &mut sums {
                    Some(s) => s.merge(&p).unwrap(),
                    None => sums = Some(p),
                }
            }
            let sums = sums.as_ref().unwrap();
            let mut grad = Array1::zeros(params.len());
            problem.value_grad(sums, params.view(), grad.view_mut());
            let hess = problem.hessian(sums).unwrap();
            let step = solve(&hess, &grad);
            params = &params - &step;
        }
        drop(sums);
        params
    };
    // Back on the original scale through the exact fit's intercept and
    // coefficients: compare probabilities instead of parameters.
    let z = approx_fit.slice(s![..6]).to_owned();
    let b = approx_fit[6];
    let std_x = {
        let first = FirstPass::of_chunk(&chunk(0..1000), 0).unwrap();
        let m = first.moments(&ClassWeight::<f64>::Balanced).unwrap();
        let mean = Array1::from(m.mean().to_vec());
        let sd = Array1::from(m.variance()).mapv(f64::sqrt);
        (&x - &mean) / &sd
    };
    let eta_approx = std_x.dot(&z) + b;
    let eta_exact = exact.decision_function(&x).unwrap().column(0).to_owned();
    let gap = (&eta_approx - &eta_exact)
        .iter()
        .fold(0.0_f64, |m, v| m.max(v.abs()));
    assert!(gap < 1e-8, "scores differ by {gap:e}");
}

/// Solves H s = g by Gaussian elimination (small, well-conditioned H).
fn solve(h: &Array2<f64>, g: &Array1<f64>) -> Array1<f64> {
    let n = g.len();
    let mut a = h.clone();
    let mut b = g.clone();
    for i in 0..n {
        let pivot = a[(i, i)];
        for r in i + 1..n {
            let f = a[(r, i)] / pivot;
            for c in i..n {
                a[(r, c)] -= f * a[(i, c)];
            }
            b[r] -= f * b[i];
        }
    }
    let mut s = Array1::zeros(n);
    for i in (0..n).rev() {
        let rest: f64 = (i + 1..n).map(|c| a[(i, c)] * s[c]).sum();
        s[i] = (b[i] - rest) / a[(i, i)];
    }
    s
}

#[test]
fn f32_data_fits_over_chunks() {
    let (x, y, _) = data(3000, 6, 2);
    let x = x.mapv(|v| v as f32);
    let settings = LogisticRegression::<f32>::new()
        .solver(Newton::new())
        .tol(1e-4);
    let rows = in_memory_chunk_rows(6, 1);
    let chunks = MemoryChunks::new(x.view(), y.view(), None, rows).unwrap();
    let chunked = settings.fit_chunks(&chunks).unwrap();
    let in_memory = settings.fit(&x, &y).unwrap();
    let same = chunked
        .coef()
        .iter()
        .zip(in_memory.coef().iter())
        .all(|(a, b)| a.to_bits() == b.to_bits());
    assert!(same, "{} vs {}", chunked.coef(), in_memory.coef());
}

/// A problem with sparse features: the columns of [`data`] with about
/// 60% of the entries zeroed, dense and as CSR, with the same labels and
/// sample weights.
fn sparse_data(n: usize, classes: usize) -> (Array2<f64>, CsMat<f64>, Array1<usize>, Array1<f64>) {
    let (x, y) = correlated_problem(n, 6, classes, 31);
    let mut rng = SplitMix(12);
    let x = x.mapv(|v| if rng.uniform() < 0.6 { 0.0 } else { v });
    let w = (0..n).map(|_| 0.25 + 2.0 * rng.uniform()).collect();
    let sparse = CsMat::csr_from_dense(x.view(), 0.0);
    (x, sparse, Array1::from(y), w)
}

/// The CSR settings: as [`settings`], without `standardize` (which sparse
/// features refuse).
fn csr_settings(
    solver: impl Solver<f64> + 'static,
    multiclass: Multiclass,
) -> LogisticRegression<f64> {
    settings(solver, multiclass).standardize(false)
}

#[test]
fn csr_chunks_matching_the_in_memory_csr_passes_give_the_same_bits() {
    for (name, classes, multiclass) in cases() {
        // Two whole chunks of the sparse passes and a short last one.
        let n = 2 * 2048 + 321;
        let rows = in_memory_csr_chunk_rows(n);
        assert_eq!(rows, 2048);
        let (_, x, y, w) = sparse_data(n, classes);
        let solvers: Vec<(&str, LogisticRegression<f64>)> = vec![
            ("newton", csr_settings(Newton::new(), multiclass)),
            ("lbfgs", csr_settings(Lbfgs::new(), multiclass).tol(1e-8)),
        ];
        for (solver, settings) in solvers {
            let in_memory = settings.fit_csr_weighted(&x, &y, &w).expect("fit_csr");
            let chunks = MemoryChunks::csr(&x, y.view(), Some(w.view()), rows).unwrap();
            assert_eq!(chunks.n_chunks(), 3);
            let chunked = settings.fit_chunks(&chunks).expect("chunked fit");
            assert_same_fit(&chunked, &in_memory, &format!("{name} {solver}"));
        }
    }
}

#[test]
fn newton_over_uneven_csr_chunks_agrees_with_fit_csr_and_dense_chunks() {
    for (name, classes, multiclass) in cases() {
        let (dense, x, y, w) = sparse_data(2500, classes);
        let settings = csr_settings(Newton::new(), multiclass);
        let in_memory = settings.fit_csr_weighted(&x, &y, &w).expect("fit_csr");
        for starts in uneven_chunkings(x.rows()) {
            let count = starts.len();
            let sparse =
                MemoryChunks::csr_with_starts(&x, y.view(), Some(w.view()), starts.clone())
                    .unwrap();
            let from_csr = settings.fit_chunks(&sparse).expect("CSR chunks");
            let gap = max_relative_gap(&in_memory, &from_csr);
            assert!(
                gap <= 1e-12,
                "{name}, {count} CSR chunks vs fit_csr: {gap:e}"
            );
            assert!(from_csr.report().converged());
            let dense =
                MemoryChunks::with_starts(dense.view(), y.view(), Some(w.view()), starts).unwrap();
            let from_dense = settings.fit_chunks(&dense).expect("dense chunks");
            let gap = max_relative_gap(&from_dense, &from_csr);
            assert!(
                gap <= 1e-12,
                "{name}, {count} chunks, CSR vs dense: {gap:e}"
            );
        }
    }
}

/// The bound of `lbfgs_over_uneven_chunks_agrees_within_its_tolerance_bound`
/// (2√p·tol/α, unit weights, C = 1), for CSR chunks against `fit_csr` and
/// against dense chunks of the same rows.
#[test]
fn lbfgs_over_uneven_csr_chunks_agrees_within_its_tolerance_bound() {
    for (name, classes, multiclass) in cases() {
        let (dense, x, y, _) = sparse_data(2500, classes);
        let tol = 1e-8;
        let settings = lbfgs_settings(multiclass, tol);
        let in_memory = settings.fit_csr(&x, &y).expect("fit_csr");
        let p = (in_memory.coef().nrows() * 7) as f64;
        let bound = 2.0 * p.sqrt() * tol * x.rows() as f64;
        for starts in uneven_chunkings(x.rows()) {
            let count = starts.len();
            let sparse = MemoryChunks::csr_with_starts(&x, y.view(), None, starts.clone()).unwrap();
            let from_csr = settings.fit_chunks(&sparse).expect("CSR chunks");
            let gap = max_abs_gap(&in_memory, &from_csr);
            assert!(gap <= bound, "{name}, {count} chunks: {gap:e} > {bound:e}");
            assert!(from_csr.report().converged());
            let dense = MemoryChunks::with_starts(dense.view(), y.view(), None, starts).unwrap();
            let from_dense = settings.fit_chunks(&dense).expect("dense chunks");
            let gap = max_abs_gap(&from_dense, &from_csr);
            assert!(
                gap <= bound,
                "{name}, {count} chunks, CSR vs dense: {gap:e}"
            );
        }
    }
}

/// The same rows in the same chunks, each chunk dense or CSR as `csr(i)`
/// says.
struct Mixed<'a> {
    dense: MemoryChunks<'a, f64, usize>,
    sparse: MemoryChunks<'a, f64, usize>,
    csr: fn(usize) -> bool,
}

impl ChunkSource<f64> for Mixed<'_> {
    type Label = usize;
    fn n_chunks(&self) -> usize {
        self.dense.n_chunks()
    }
    fn n_features(&self) -> usize {
        self.dense.n_features()
    }
    fn chunk(&self, index: usize) -> logreg::Result<Chunk<'_, f64, usize>> {
        if (self.csr)(index) {
            self.sparse.chunk(index)
        } else {
            self.dense.chunk(index)
        }
    }
}

#[test]
fn a_source_may_mix_dense_and_csr_chunks() {
    for (name, classes, multiclass) in cases() {
        let (dense, x, y, w) = sparse_data(2000, classes);
        let starts: Vec<usize> = (0..2000).step_by(300).collect();
        let mixed = Mixed {
            dense: MemoryChunks::with_starts(
                dense.view(),
                y.view(),
                Some(w.view()),
                starts.clone(),
            )
            .unwrap(),
            sparse: MemoryChunks::csr_with_starts(&x, y.view(), Some(w.view()), starts).unwrap(),
            csr: |i| i % 2 == 1,
        };
        assert!(mixed.chunk(0).unwrap().x.dense().is_some());
        assert!(mixed.chunk(1).unwrap().x.csr().is_some());
        let settings = csr_settings(Newton::new(), multiclass);
        let from_mixed = settings.fit_chunks(&mixed).expect("mixed chunks");
        assert!(from_mixed.report().converged(), "{name}");
        let in_memory = settings.fit_weighted(&dense, &y, &w).expect("dense fit");
        let gap = max_relative_gap(&in_memory, &from_mixed);
        assert!(gap <= 1e-12, "{name}, mixed vs dense in memory: {gap:e}");
        let in_memory = settings.fit_csr_weighted(&x, &y, &w).expect("fit_csr");
        let gap = max_relative_gap(&in_memory, &from_mixed);
        assert!(gap <= 1e-12, "{name}, mixed vs fit_csr: {gap:e}");
    }
}

/// A CSR chunk's first pass and partial sums are a dense chunk's of the
/// same rows, to rounding.
#[test]
fn csr_chunks_give_the_first_pass_and_partial_sums_of_dense_ones() {
    let (dense, x, y, w) = sparse_data(700, 3);
    let y = y.to_vec();
    let as_dense = Chunk::new(dense.view().into(), y.clone().into(), Some(w.view().into()));
    let as_csr = Chunk::csr(
        CsrFeatures::of(&x).unwrap(),
        y.into(),
        Some(w.view().into()),
    );
    let (fd, fs) = (
        FirstPass::of_chunk(&as_dense, 0).unwrap(),
        FirstPass::of_chunk(&as_csr, 0).unwrap(),
    );
    assert_eq!(fd.classes(), fs.classes());
    assert_eq!(fd.class_counts(), fs.class_counts());
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-12 * b.abs().max(1.0);
    for weights in [ClassWeight::<f64>::None, ClassWeight::Balanced] {
        let (md, ms) = (fd.moments(&weights).unwrap(), fs.moments(&weights).unwrap());
        assert!(close(md.weight(), ms.weight()));
        assert!(md.mean().iter().zip(ms.mean()).all(|(&a, &b)| close(a, b)));
        let (vd, vs) = (md.variance(), ms.variance());
        assert!(
            vd.iter().zip(&vs).all(|(&a, &b)| close(a, b)),
            "{vd:?} {vs:?}"
        );
        assert!(close(
            fd.weight_sum(&weights).unwrap(),
            fs.weight_sum(&weights).unwrap()
        ));
    }
    let settings = LogisticRegression::new().class_weight(ClassWeight::Balanced);
    for run in [RunKind::Multinomial, RunKind::OneVsRest { positive: 2 }] {
        let problem = ChunkProblem::new(&settings, fd.clone(), run).unwrap();
        let params = Array1::from_shape_fn(problem.n_params(), |i| 0.1 * i as f64 - 0.4);
        let sd = problem.partial(&as_dense, params.view(), true).unwrap();
        let ss = problem.partial(&as_csr, params.view(), true).unwrap();
        assert!(close(sd.loss(), ss.loss()), "{run:?}");
        assert!(sd.grad().iter().zip(ss.grad()).all(|(&a, &b)| close(a, b)));
        let (hd, hs) = (sd.hessian().unwrap(), ss.hessian().unwrap());
        assert!(hd.iter().zip(hs).all(|(&a, &b)| close(a, b)), "{run:?}");
        assert_eq!(
            (sd.n_rows(), sd.weight_sum()),
            (ss.n_rows(), ss.weight_sum())
        );
    }
}

/// f32 CSR chunks: one chunk (the sparse pass's only one) gives
/// `fit_csr`'s bits; uneven chunks agree to f32 rounding.
#[test]
fn f32_csr_chunks_fit_to_fit_csr() {
    let (_, x, y, _) = sparse_data(1500, 2);
    let x: CsMat<f32> = x.map(|&v| v as f32);
    let settings = LogisticRegression::<f32>::new()
        .solver(Newton::new())
        .tol(1e-4);
    let in_memory = settings.fit_csr(&x, &y).unwrap();
    let one = MemoryChunks::csr(&x, y.view(), None, 1500).unwrap();
    let chunked = settings.fit_chunks(&one).unwrap();
    let same = chunked
        .coef()
        .iter()
        .chain(chunked.intercept().iter())
        .zip(in_memory.coef().iter().chain(in_memory.intercept().iter()))
        .all(|(a, b)| a.to_bits() == b.to_bits());
    assert!(same, "{} vs {}", chunked.coef(), in_memory.coef());
    let uneven =
        MemoryChunks::csr_with_starts(&x, y.view(), None, vec![0, 100, 777, 1001]).unwrap();
    let chunked = settings.fit_chunks(&uneven).unwrap();
    let scale = in_memory.coef().iter().fold(0.0_f32, |m, v| m.max(v.abs()));
    let gap = (&chunked.coef() - &in_memory.coef())
        .iter()
        .chain((&chunked.intercept() - &in_memory.intercept()).iter())
        .fold(0.0_f32, |m, v| m.max(v.abs()));
    assert!(gap <= 1e-4 * scale, "relative gap {}", gap / scale);
}

/// A source of given CSR chunks (features and labels).
struct Listed(Vec<(CsrFeatures<'static, f64>, Vec<usize>)>, usize);

impl ChunkSource<f64> for Listed {
    type Label = usize;
    fn n_chunks(&self) -> usize {
        self.0.len()
    }
    fn n_features(&self) -> usize {
        self.1
    }
    fn chunk(&self, index: usize) -> logreg::Result<Chunk<'_, f64, usize>> {
        let (x, y) = &self.0[index];
        Ok(Chunk::csr(x.clone(), y.as_slice().into(), None))
    }
}

/// The location, column and problem of an `Error::ChunkData`.
fn chunk_error(result: logreg::Result<impl Sized>) -> (String, String, String) {
    match result.map(drop) {
        Err(Error::ChunkData {
            location,
            column,
            problem,
        }) => (location, column, problem),
        other => panic!("expected ChunkData, got {other:?}"),
    }
}

#[test]
fn bad_csr_chunks_get_typed_errors_naming_chunk_row_and_column() {
    // [[1, 0, 2], [0, 3, 0], [4, 0, 0]], labels 0 1 0, as the first chunk.
    let good = || {
        (
            CsrFeatures::new(
                vec![0, 2, 3, 4],
                vec![0, 2, 1, 0],
                vec![1.0, 2.0, 3.0, 4.0],
                3,
            ),
            vec![0, 1, 0],
        )
    };
    let fit = |second: (CsrFeatures<'static, f64>, Vec<usize>)| {
        LogisticRegression::new().fit_chunks(&Listed(vec![good(), second], 3))
    };
    // Itself, a good chunk fits.
    assert!(fit(good()).is_ok());
    // Another width.
    let wide = (CsrFeatures::new(vec![0, 1], vec![3], vec![1.0], 4), vec![1]);
    let (loc, col, problem) = chunk_error(fit(wide));
    assert_eq!((loc.as_str(), col.as_str()), ("chunk 1", "features"));
    assert!(problem.contains("4 feature columns"), "{problem}");
    // A stored NaN: row 1, column 2.
    let nan = (
        CsrFeatures::new(vec![0, 1, 3], vec![0, 1, 2], vec![1.0, 2.0, f64::NAN], 3),
        vec![1, 0],
    );
    let (loc, col, problem) = chunk_error(fit(nan));
    assert_eq!((loc.as_str(), col.as_str()), ("chunk 1", "feature 2"));
    assert!(problem.contains("NaN at row 1"), "{problem}");
    // A column index beyond the width.
    let beyond = (
        CsrFeatures::new(vec![0, 1, 2], vec![0, 7], vec![1.0, 2.0], 3),
        vec![1, 0],
    );
    let (loc, col, problem) = chunk_error(fit(beyond));
    assert_eq!((loc.as_str(), col.as_str()), ("chunk 1", "features"));
    assert!(
        problem.contains("row 1") && problem.contains("column index 7"),
        "{problem}"
    );
    // Unsorted or repeated column indices, and arrays indptr does not span.
    let unsorted = (
        CsrFeatures::new(vec![0, 2], vec![2, 0], vec![1.0, 2.0], 3),
        vec![1],
    );
    let (_, _, problem) = chunk_error(fit(unsorted));
    assert!(problem.contains("row 0's column indices"), "{problem}");
    let short = (
        CsrFeatures::new(vec![0, 3], vec![0, 1], vec![1.0, 2.0], 3),
        vec![1],
    );
    let (_, _, problem) = chunk_error(fit(short));
    assert!(problem.contains("spans 3 entries"), "{problem}");
    // standardize(true): the error of fit_csr.
    let (_, x, y, _) = sparse_data(50, 2);
    let standardize = LogisticRegression::new().standardize(true);
    let in_memory = standardize.fit_csr(&x, &y).unwrap_err();
    let chunks = MemoryChunks::csr(&x, y.view(), None, 20).unwrap();
    let chunked = standardize.fit_chunks(&chunks).unwrap_err();
    assert_eq!(chunked, in_memory);
    assert!(matches!(
        chunked,
        Error::InvalidParameter {
            name: "standardize",
            ..
        }
    ));
    // A CSC matrix.
    let csc = x.to_csc();
    let err = MemoryChunks::csr(&csc, y.view(), None, 20).unwrap_err();
    assert!(
        matches!(err, Error::InvalidParameter { name: "x", .. }),
        "{err:?}"
    );
}

/// Parquet files written here (mixed float and integer feature columns,
/// string labels, a weight column, several row groups per file) fit to the
/// in-memory fit of the same rows; bad files get errors that name the
/// file, row group and column.
#[cfg(feature = "parquet")]
mod parquet_files {
    use super::*;
    use crate::common::parquet_files::{scratch, write};
    use arrow_array::{ArrayRef, Float32Array, Float64Array, Int32Array, Int64Array, StringArray};
    use logreg::chunked::{ParquetLabel, ParquetSource};
    use std::path::Path;
    use std::sync::Arc;

    /// Integer-valued columns a and b (stored as i32 and i64), c as f32
    /// (so its f64 value is exactly the f32), d as f64; labels "no"/"yes"/
    /// "maybe"; weights. Returns the in-memory arrays of the same rows.
    fn write_set(
        dir: &Path,
        n: usize,
        files: usize,
        classes: usize,
    ) -> (Array2<f64>, Vec<String>, Array1<f64>) {
        let (x, y) = correlated_problem(n, 4, classes, 41);
        let mut rng = SplitMix(8);
        let names = ["maybe", "no", "yes"];
        let w: Vec<f64> = (0..n).map(|_| 0.5 + rng.uniform()).collect();
        let a: Vec<i32> = x
            .column(0)
            .iter()
            .map(|v| (v * 10.0).round() as i32)
            .collect();
        let b: Vec<i64> = x
            .column(1)
            .iter()
            .map(|v| (v * 5.0).round() as i64)
            .collect();
        let c: Vec<f32> = x.column(2).iter().map(|&v| v as f32).collect();
        let d: Vec<f64> = x.column(3).to_vec();
        let labels: Vec<String> = y.iter().map(|&c| names[c].to_string()).collect();
        let per_file = n.div_ceil(files);
        for f in 0..files {
            let r = f * per_file..((f + 1) * per_file).min(n);
            let cols: Vec<(&str, ArrayRef)> = vec![
                ("a", Arc::new(Int32Array::from(a[r.clone()].to_vec()))),
                (
                    "label",
                    Arc::new(StringArray::from(labels[r.clone()].to_vec())),
                ),
                ("b", Arc::new(Int64Array::from(b[r.clone()].to_vec()))),
                ("c", Arc::new(Float32Array::from(c[r.clone()].to_vec()))),
                ("w", Arc::new(Float64Array::from(w[r.clone()].to_vec()))),
                ("d", Arc::new(Float64Array::from(d[r.clone()].to_vec()))),
            ];
            write(&dir.join(format!("part-{f:02}.parquet")), cols, 700);
        }
        let mut xm = Array2::zeros((n, 4));
        for i in 0..n {
            xm[(i, 0)] = a[i] as f64;
            xm[(i, 1)] = b[i] as f64;
            xm[(i, 2)] = c[i] as f64;
            xm[(i, 3)] = d[i];
        }
        (xm, labels, Array1::from(w))
    }

    #[test]
    fn a_parquet_directory_fits_to_the_in_memory_coefficients() {
        let dir = scratch("parquet_fit");
        let (x, labels, w) = write_set(&dir, 5000, 3, 3);
        let source = ParquetSource::open(&dir, "label")
            .unwrap()
            .weight_column("w")
            .unwrap();
        assert_eq!(source.feature_names(), &["a", "b", "c", "d"]);
        for multiclass in [Multiclass::Multinomial, Multiclass::OneVsRest] {
            let settings = LogisticRegression::new()
                .solver(Newton::new())
                .multiclass(multiclass)
                .standardize(true)
                .tol(1e-10);
            let from_parquet = settings.fit_chunks(&source).unwrap();
            let in_memory = settings
                .fit_weighted(&x, &Array1::from(labels.clone()), &w)
                .unwrap();
            let text: Vec<ParquetLabel> = ["maybe", "no", "yes"]
                .iter()
                .map(|s| ParquetLabel::Text(s.to_string()))
                .collect();
            assert_eq!(from_parquet.classes(), &text[..]);
            let scale = in_memory.coef().iter().fold(0.0_f64, |m, v| m.max(v.abs()));
            let gap = (&from_parquet.coef() - &in_memory.coef())
                .iter()
                .chain((&from_parquet.intercept() - &in_memory.intercept()).iter())
                .fold(0.0_f64, |m, v| m.max(v.abs()));
            assert!(gap <= 1e-10 * scale, "{multiclass:?}: gap {gap:e}");
        }
        // Chosen features, in the order given.
        let two = source.clone().features(&["d", "a"]).unwrap();
        let model = LogisticRegression::<f64>::new().fit_chunks(&two).unwrap();
        assert_eq!(model.coef().ncols(), 2);
    }

    #[test]
    fn recycled_rows_are_reused_and_overwritten() {
        // Row groups of 700 rows, the last of each file shorter: a recycled
        // array holds the next row group's rows (in the same memory when
        // it is large enough), never a stale value of the last one.
        let dir = scratch("parquet_recycle");
        write_set(&dir, 2000, 2, 2);
        let source = ParquetSource::open(&dir, "label").unwrap();
        let other = source.clone();
        let fresh = |i| ChunkSource::<f64>::chunk(&other, i).unwrap();
        let n = ChunkSource::<f64>::n_chunks(&source);
        assert_eq!(n, 4);
        let mut previous = ChunkSource::<f64>::chunk(&source, 0).unwrap();
        for i in 1..n {
            let (rows, address) = (previous.n_rows(), previous.x.view().as_ptr());
            source.recycle(previous);
            let chunk = ChunkSource::<f64>::chunk(&source, i).unwrap();
            assert_eq!(chunk.x.view(), fresh(i).x.view(), "row group {i}");
            assert_eq!(chunk.y, fresh(i).y);
            if chunk.n_rows() <= rows {
                assert_eq!(chunk.x.view().as_ptr(), address, "row group {i}");
            }
            previous = chunk;
        }
    }

    #[test]
    fn bad_parquet_files_get_errors_naming_file_row_group_and_column() {
        let dir = scratch("parquet_errors");
        let good: Vec<(&str, ArrayRef)> = vec![
            ("x", Arc::new(Float64Array::from(vec![0.0, 1.0, 2.0, 3.0]))),
            ("s", Arc::new(StringArray::from(vec!["p", "q", "r", "s"]))),
            ("y", Arc::new(Int64Array::from(vec![0, 1, 0, 1]))),
        ];
        let file = dir.join("good.parquet");
        write(&file, good, 2);
        // A missing column, a non-numeric one.
        let (loc, col, _) = chunk_error(ParquetSource::open(&file, "label"));
        assert!(loc.ends_with("good.parquet") && col == "label");
        let source = ParquetSource::open(&file, "y").unwrap();
        let (_, col, problem) = chunk_error(source.clone().features(&["s"]));
        assert!(col == "s" && problem.contains("Utf8"), "{problem}");
        let (_, col, _) = chunk_error(source.clone().weight_column("nope"));
        assert_eq!(col, "nope");
        // One class in the whole data.
        let one: Vec<(&str, ArrayRef)> = vec![
            ("x", Arc::new(Float64Array::from(vec![0.0, 1.0]))),
            ("y", Arc::new(Int64Array::from(vec![3, 3]))),
        ];
        let one_dir = scratch("parquet_one_class");
        write(&one_dir.join("a.parquet"), one, 1);
        let err = LogisticRegression::<f64>::new()
            .fit_chunks(&ParquetSource::open(&one_dir, "y").unwrap())
            .unwrap_err();
        assert_eq!(err, Error::TooFewClasses { found: 1 });
        // A null in the second row group, a NaN in the first.
        let nulls_dir = scratch("parquet_nulls");
        let with_null: Vec<(&str, ArrayRef)> = vec![
            (
                "x",
                Arc::new(Float64Array::from(vec![
                    Some(0.0),
                    Some(1.0),
                    Some(2.0),
                    None,
                ])),
            ),
            ("y", Arc::new(Int64Array::from(vec![0, 1, 0, 1]))),
        ];
        write(&nulls_dir.join("n.parquet"), with_null, 2);
        let (loc, col, problem) = chunk_error(
            LogisticRegression::<f64>::new()
                .fit_chunks(&ParquetSource::open(&nulls_dir, "y").unwrap()),
        );
        assert!(
            loc.ends_with("n.parquet, row group 1") && col == "x",
            "{loc}"
        );
        assert!(problem.contains("null at row 1"), "{problem}");
        let nan_dir = scratch("parquet_nan");
        let with_nan: Vec<(&str, ArrayRef)> = vec![
            (
                "x",
                Arc::new(Float64Array::from(vec![0.0, f64::NAN, 2.0, 3.0])),
            ),
            ("y", Arc::new(Int64Array::from(vec![0, 1, 0, 1]))),
        ];
        write(&nan_dir.join("n.parquet"), with_nan, 2);
        let (loc, col, problem) = chunk_error(
            LogisticRegression::<f64>::new()
                .fit_chunks(&ParquetSource::open(&nan_dir, "y").unwrap()),
        );
        assert!(
            loc.ends_with("n.parquet, row group 0") && col == "x",
            "{loc}"
        );
        assert!(problem.contains("NaN at row 1"), "{problem}");
        // Files whose schemas differ.
        let mixed = scratch("parquet_schemas");
        write(
            &mixed.join("a.parquet"),
            vec![
                (
                    "x",
                    Arc::new(Float64Array::from(vec![0.0, 1.0])) as ArrayRef,
                ),
                ("y", Arc::new(Int64Array::from(vec![0, 1]))),
            ],
            2,
        );
        write(
            &mixed.join("b.parquet"),
            vec![
                ("x", Arc::new(Int32Array::from(vec![0, 1])) as ArrayRef),
                ("y", Arc::new(Int64Array::from(vec![0, 1]))),
            ],
            2,
        );
        let (loc, _, problem) = chunk_error(ParquetSource::open(&mixed, "y"));
        assert!(
            loc.ends_with("b.parquet") && problem.contains("schema differs"),
            "{problem}"
        );
    }
}
