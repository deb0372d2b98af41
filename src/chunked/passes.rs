//! Reading a source pass by pass: a pipeline of workers loading and
//! computing on chunks in parallel, results folded in chunk order; and the exact preparation
//! (S and the standardization summed in the in-memory fit's order).

use super::first_pass::FirstPass;
use super::problem::{ChunkProblem, Prepared, RunKind, check_classes};
use super::source::{Chunk, ChunkSource};
use crate::model::LogisticRegression;
use crate::standardize::ScalingSums;
use crate::{Error, Float, Result};
use ndarray::Array1;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Counts how many times the data was read.
#[derive(Debug, Default)]
pub(crate) struct Passes(AtomicUsize);

impl Passes {
    pub fn count(&self) -> usize {
        self.0.load(Ordering::Relaxed)
    }
}

/// One pass over `source`: `compute` runs on up to `max_in_flight` chunks
/// at once (in parallel), and `fold` receives the results in chunk order.
/// The first error (in chunk order) ends the pass.
///
/// A pipeline, not windows: each of `max_in_flight` workers takes the next
/// chunk as soon as it is done with its last, so a slow chunk holds back
/// no other worker, and `fold` runs on the calling thread while the
/// workers read on. A worker waits only when its chunk would be
/// 2 · `max_in_flight` or more past the first chunk not yet folded, which
/// bounds the results held at once. The results are folded in chunk order whoever computed them, so
/// the pass's outcome never depends on the timing.
pub(crate) fn in_order<F, S, T>(
    source: &S,
    passes: &Passes,
    compute: impl Fn(usize, &Chunk<'_, F, S::Label>) -> Result<T> + Sync,
    mut fold: impl FnMut(usize, T) -> Result<()>,
) -> Result<()>
where
    F: Float,
    S: ChunkSource<F> + ?Sized,
    T: Send,
{
    passes.0.fetch_add(1, Ordering::Relaxed);
    let n = source.n_chunks();
    let workers = source.max_in_flight().max(1).min(n);
    if workers <= 1 {
        for i in 0..n {
            fold(i, read_and_compute(source, i, &compute)?)?;
        }
        return Ok(());
    }
    let schedule = Schedule::new(workers);
    let (send, receive) = std::sync::mpsc::channel();
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let send = send.clone();
            let (schedule, compute) = (&schedule, &compute);
            scope.spawn(move || {
                while let Some(i) = schedule.claim(n) {
                    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        read_and_compute(source, i, compute)
                    }));
                    if send.send((i, result)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(send);
        // Stops the workers however the fold ends (an error, a panic).
        let _stop = StopOnDrop(&schedule);
        let mut waiting = std::collections::BTreeMap::new();
        for next in 0..n {
            let result = loop {
                if let Some(result) = waiting.remove(&next) {
                    break result;
                }
                // Every worker sends each claimed chunk's result, so
                // chunk `next` arrives unless all workers are gone.
                let Ok((i, result)) = receive.recv() else {
                    return Err(Error::ChunkData {
                        location: source.location(next),
                        column: "-".into(),
                        problem: "the pass ended before this chunk was read".into(),
                    });
                };
                waiting.insert(i, result);
            };
            match result {
                Ok(result) => fold(next, result?)?,
                Err(panic) => std::panic::resume_unwind(panic),
            }
            schedule.folded(next + 1);
        }
        Ok(())
    })
}

/// Reads chunk `i`, computes on it, and hands it back to the source
/// (which may reuse its buffers for a later chunk).
fn read_and_compute<F, S, T>(
    source: &S,
    i: usize,
    compute: &impl Fn(usize, &Chunk<'_, F, S::Label>) -> Result<T>,
) -> Result<T>
where
    F: Float,
    S: ChunkSource<F> + ?Sized,
{
    let chunk = source.chunk(i)?;
    let result = compute(i, &chunk);
    source.recycle(chunk);
    result
}

struct StopOnDrop<'a>(&'a Schedule);

impl Drop for StopOnDrop<'_> {
    fn drop(&mut self) {
        self.0.stop();
    }
}

/// Which chunk the pipeline's workers take next, and how far ahead of the
/// fold they may run.
struct Schedule {
    state: std::sync::Mutex<ScheduleState>,
    advanced: std::sync::Condvar,
    ahead: usize,
}

struct ScheduleState {
    next: usize,
    folded: usize,
    stopped: bool,
}

impl Schedule {
    fn new(ahead: usize) -> Self {
        Self {
            state: std::sync::Mutex::new(ScheduleState {
                next: 0,
                folded: 0,
                stopped: false,
            }),
            advanced: std::sync::Condvar::new(),
            ahead,
        }
    }

    /// The next chunk to read, once it is less than 2 · `ahead` chunks past
    /// the first one not yet folded; `None` when every chunk is taken or
    /// the pass stopped.
    fn claim(&self, n: usize) -> Option<usize> {
        let mut state = self.state.lock().ok()?;
        loop {
            if state.stopped || state.next >= n {
                return None;
            }
            if state.next < state.folded + 2 * self.ahead {
                state.next += 1;
                return Some(state.next - 1);
            }
            state = self.advanced.wait(state).ok()?;
        }
    }

    fn folded(&self, count: usize) {
        if let Ok(mut state) = self.state.lock() {
            state.folded = count;
        }
        self.advanced.notify_all();
    }

    /// Ends the pass: workers take no more chunks.
    fn stop(&self) {
        if let Ok(mut state) = self.state.lock() {
            state.stopped = true;
        }
        self.advanced.notify_all();
    }
}

/// ndarray's sum of a contiguous array (eight running sums, combined, then
/// the tail), fed a few values at a time: S summed in the in-memory fit's
/// order, so that α = 1/(C·S) and 1/S carry the same bits.
struct LaneSum<F> {
    lanes: [F; 8],
    pending: Vec<F>,
}

impl<F: Float> LaneSum<F> {
    fn new() -> Self {
        Self {
            lanes: [F::zero(); 8],
            pending: Vec::with_capacity(8),
        }
    }

    fn extend(&mut self, values: impl Iterator<Item = F>) {
        for v in values {
            self.pending.push(v);
            if self.pending.len() == 8 {
                for (lane, &p) in self.lanes.iter_mut().zip(&self.pending) {
                    *lane += p;
                }
                self.pending.clear();
            }
        }
    }

    fn total(&self) -> F {
        let l = &self.lanes;
        let mut acc = F::zero();
        acc += l[0] + l[4];
        acc += l[1] + l[5];
        acc += l[2] + l[6];
        acc += l[3] + l[7];
        for &v in &self.pending {
            acc += v;
        }
        acc
    }
}

/// The first pass and the problem it gives.
pub(crate) type Preparation<F, L> = (FirstPass<L>, ChunkProblem<F, L>);

/// The first pass, then S and (with `standardize`) the means and second
/// moments summed row by row in chunk order, as the in-memory fit sums
/// them: a problem whose sums equal the in-memory fit's bit for bit when
/// the chunks are the in-memory passes'. Reads the data 1 to 4 times.
pub(crate) fn exact_preparation<F, S>(
    settings: &LogisticRegression<F>,
    source: &S,
    passes: &Passes,
) -> Result<Preparation<F, S::Label>>
where
    F: Float,
    S: ChunkSource<F> + ?Sized,
{
    if source.n_chunks() == 0 {
        return Err(Error::EmptyData);
    }
    let d = source.n_features();
    let name = |j: usize| source.feature_name(j);
    let mut first = FirstPass::empty(Vec::new(), 0);
    // Without class weights S is the sum of the sample weights: summed here.
    let mut lanes = LaneSum::new();
    let plain = matches!(settings.class_weight, crate::ClassWeight::None);
    in_order(
        source,
        passes,
        |i, chunk| {
            if chunk.x.ncols() != d {
                return Err(Error::ChunkData {
                    location: source.location(i),
                    column: "features".into(),
                    problem: format!("{} feature columns, expected {d}", chunk.x.ncols()),
                });
            }
            let pass = FirstPass::of_chunk_at(chunk, &source.location(i), &name)?;
            let weight = plain.then(|| match &chunk.sample_weight {
                Some(w) => w.to_vec(),
                None => vec![F::one(); chunk.x.nrows()],
            });
            Ok((pass, weight))
        },
        |_, (pass, weight)| {
            first.merge(&pass);
            if let Some(w) = weight {
                lanes.extend(w.into_iter());
            }
            Ok(())
        },
    )?;
    if first.n_rows() == 0 {
        return Err(Error::EmptyData);
    }
    if d == 0 {
        return Err(Error::NoFeatures {
            rows: first.n_rows() as usize,
        });
    }
    let multipliers = check_classes(settings, &first)?;
    let draft = ChunkProblem::assemble(
        settings,
        first.clone(),
        multipliers.clone(),
        F::one(),
        None,
        RunKind::Multinomial,
    )?;
    let each_prepared = |fold: &mut dyn FnMut(Prepared<'_, F>)| -> Result<()> {
        in_order(
            source,
            passes,
            |i, chunk| {
                let p = draft.prepare(chunk, &source.location(i))?;
                Ok((p.x.to_owned(), p.weight))
            },
            |_, (x, weight)| {
                fold(Prepared {
                    x: x.into(),
                    class: Vec::new(),
                    weight,
                });
                Ok(())
            },
        )
    };
    if !plain {
        each_prepared(&mut |p| lanes.extend(p.weight.iter().copied()))?;
    }
    let weight_sum = lanes.total();
    if weight_sum <= F::zero() {
        return Err(Error::ZeroTotalWeight);
    }
    let scaling = if settings.standardize {
        let unit: Array1<F> = first
            .max_abs()
            .iter()
            .map(|&m| F::from_f64_lossy(m))
            .collect();
        let mut sums = ScalingSums::new(unit, weight_sum);
        if settings.fit_intercept {
            each_prepared(&mut |p| sums.add_mean_rows(p.x.view(), p.weight.view()))?;
        }
        each_prepared(&mut |p| sums.add_second_rows(p.x.view(), p.weight.view()))?;
        Some(sums.finish())
    } else {
        None
    };
    let problem = ChunkProblem::assemble(
        settings,
        first.clone(),
        multipliers,
        weight_sum,
        scaling,
        RunKind::Multinomial,
    )?;
    Ok((first, problem))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use ndarray::Array2;
    use std::sync::atomic::AtomicUsize;
    use std::time::Duration;

    /// `n` one-row chunks; chunk `slow` takes a while to read, and the
    /// chunks in `failing` fail; counts how many are read at once.
    struct Chunks {
        n: usize,
        in_flight: usize,
        slow: usize,
        failing: Vec<usize>,
        reading: AtomicUsize,
        most: AtomicUsize,
    }

    impl Chunks {
        fn new(n: usize, in_flight: usize, slow: usize, failing: Vec<usize>) -> Self {
            Self {
                n,
                in_flight,
                slow,
                failing,
                reading: AtomicUsize::new(0),
                most: AtomicUsize::new(0),
            }
        }
    }

    impl ChunkSource<f64> for Chunks {
        type Label = usize;
        fn n_chunks(&self) -> usize {
            self.n
        }
        fn n_features(&self) -> usize {
            1
        }
        fn max_in_flight(&self) -> usize {
            self.in_flight
        }
        fn chunk(&self, i: usize) -> Result<Chunk<'_, f64, usize>> {
            let now = self.reading.fetch_add(1, Ordering::SeqCst) + 1;
            self.most.fetch_max(now, Ordering::SeqCst);
            if i == self.slow {
                std::thread::sleep(Duration::from_millis(100));
            }
            self.reading.fetch_sub(1, Ordering::SeqCst);
            if self.failing.contains(&i) {
                return Err(Error::ChunkData {
                    location: format!("chunk {i}"),
                    column: "-".into(),
                    problem: "unreadable".into(),
                });
            }
            Ok(Chunk::new(
                Array2::from_elem((1, 1), i as f64).into(),
                vec![i].into(),
                None,
            ))
        }
    }

    fn fold_order(source: &Chunks) -> Result<Vec<usize>> {
        let mut order = Vec::new();
        in_order(
            source,
            &Passes::default(),
            |i, chunk| Ok((i, chunk.y[0])),
            |i, (computed, label)| {
                assert_eq!((i, i), (computed, label));
                order.push(i);
                Ok(())
            },
        )?;
        Ok(order)
    }

    #[test]
    fn folds_in_chunk_order_with_a_bounded_number_in_flight() {
        // Chunk 0 is slow: the others finish first, and still fold after it.
        for in_flight in [1, 2, 3, 8] {
            let source = Chunks::new(20, in_flight, 0, Vec::new());
            assert_eq!(fold_order(&source).unwrap(), (0..20).collect::<Vec<_>>());
            let most = source.most.load(Ordering::SeqCst);
            assert!(
                most <= in_flight,
                "{most} chunks read at once, limit {in_flight}"
            );
        }
    }

    #[test]
    fn the_first_error_in_chunk_order_ends_the_pass() {
        // Chunk 7 fails first in time; chunk 2 (slow) fails first in order.
        let source = Chunks::new(12, 3, 2, vec![2, 7]);
        match fold_order(&source) {
            Err(Error::ChunkData { location, .. }) => assert_eq!(location, "chunk 2"),
            other => panic!("expected chunk 2's error, got {other:?}"),
        }
    }

    #[test]
    fn a_panicking_chunk_panics_the_pass_instead_of_hanging() {
        let source = Chunks::new(10, 2, usize::MAX, Vec::new());
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            in_order(
                &source,
                &Passes::default(),
                |i, _| {
                    assert!(i != 4, "chunk 4 cannot be computed");
                    Ok(i)
                },
                |_, _| Ok(()),
            )
        }));
        assert!(result.is_err());
    }
}
