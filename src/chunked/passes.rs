//! Reading a source pass by pass: windows of chunks loaded and computed on
//! in parallel, results folded in chunk order; and the exact preparation
//! (S and the standardization summed in the in-memory fit's order).

use super::first_pass::FirstPass;
use super::problem::{ChunkProblem, Prepared, RunKind, check_classes};
use super::source::{Chunk, ChunkSource};
use crate::model::LogisticRegression;
use crate::standardize::ScalingSums;
use crate::{Error, Float, Result};
use ndarray::Array1;
use rayon::prelude::*;
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
pub(crate) fn in_order<F, S, T>(
    source: &S,
    passes: &Passes,
    compute: impl Fn(usize, Chunk<'_, F, S::Label>) -> Result<T> + Sync,
    mut fold: impl FnMut(usize, T) -> Result<()>,
) -> Result<()>
where
    F: Float,
    S: ChunkSource<F> + ?Sized,
    T: Send,
{
    passes.0.fetch_add(1, Ordering::Relaxed);
    let n = source.n_chunks();
    let window = source.max_in_flight().max(1);
    for start in (0..n).step_by(window) {
        let end = (start + window).min(n);
        let results: Vec<Result<T>> = (start..end)
            .into_par_iter()
            .map(|i| source.chunk(i).and_then(|chunk| compute(i, chunk)))
            .collect();
        for (i, result) in (start..end).zip(results) {
            fold(i, result?)?;
        }
    }
    Ok(())
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
            let pass = FirstPass::of_chunk_at(&chunk, &source.location(i), &name)?;
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
                let p = draft.prepare(&chunk, &source.location(i))?;
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
