//! The first pass over the chunks: what an in-memory fit learns from all
//! the data, mergeable chunk by chunk.

use super::features::Features;
use super::source::Chunk;
use crate::objective::ClassSums;
use crate::sparse::CsrView;
use crate::weights::ClassWeight;
use crate::{Error, Float, Result};

/// Weighted column moments, mergeable: the weight, the means and the sums
/// of squared deviations M₂ (variance = M₂ / weight), in f64.
///
/// Merged with Chan, Golub and LeVeque's pairwise update (Chan et al.,
/// "Algorithms for computing the sample variance", 1983; weighted form):
/// δ = μ_b − μ_a, μ = μ_a + δ·w_b/w, M₂ = M₂a + M₂b + δ²·w_a·w_b/w.
///
/// ```
/// use logreg::chunked::Moments;
/// let mut a = Moments::of_rows(&[[1.0], [2.0]], &[1.0, 1.0]);
/// a.merge(&Moments::of_rows(&[[4.0]], &[2.0]));
/// // Values 1, 2, 4, 4: mean 2.75, population variance 1.6875.
/// assert!((a.mean()[0] - 2.75).abs() < 1e-15);
/// assert!((a.variance()[0] - 1.6875).abs() < 1e-15);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Moments {
    pub(super) weight: f64,
    pub(super) mean: Vec<f64>,
    pub(super) m2: Vec<f64>,
}

impl Moments {
    /// No rows yet, `d` columns.
    pub(crate) fn empty(d: usize) -> Self {
        Self {
            weight: 0.0,
            mean: vec![0.0; d],
            m2: vec![0.0; d],
        }
    }

    /// The moments of the given rows (West's weighted update, row by row).
    ///
    /// ```
    /// use logreg::chunked::Moments;
    /// let m = Moments::of_rows(&[[1.0, 0.0], [3.0, 0.0]], &[1.0, 3.0]);
    /// assert_eq!((m.weight(), m.mean()[0]), (4.0, 2.5));
    /// ```
    pub fn of_rows<R: AsRef<[f64]>>(rows: &[R], weight: &[f64]) -> Self {
        let d = rows.first().map_or(0, |r| r.as_ref().len());
        let mut m = Self::empty(d);
        for (row, &w) in rows.iter().zip(weight) {
            m.add_row(row.as_ref().iter().copied(), w);
        }
        m
    }

    pub(crate) fn add_row(&mut self, row: impl Iterator<Item = f64>, w: f64) {
        if w <= 0.0 {
            return;
        }
        self.weight += w;
        let share = w / self.weight;
        for ((mean, m2), v) in self.mean.iter_mut().zip(&mut self.m2).zip(row) {
            let delta = v - *mean;
            *mean += delta * share;
            *m2 += w * delta * (v - *mean);
        }
    }

    /// Adds another set of rows' moments (Chan's pairwise update).
    ///
    /// ```
    /// use logreg::chunked::Moments;
    /// let mut m = Moments::of_rows(&[[1.0]], &[1.0]);
    /// m.merge(&Moments::of_rows(&[[3.0]], &[1.0]));
    /// assert_eq!((m.mean()[0], m.variance()[0]), (2.0, 1.0));
    /// ```
    pub fn merge(&mut self, other: &Moments) {
        self.merge_scaled(other, 1.0);
    }

    /// Adds `other` with every weight multiplied by `factor` (a class weight).
    pub(crate) fn merge_scaled(&mut self, other: &Moments, factor: f64) {
        let wb = other.weight * factor;
        if wb <= 0.0 {
            return;
        }
        let wa = self.weight;
        let total = wa + wb;
        for (((mean, m2), &mb), &m2b) in self
            .mean
            .iter_mut()
            .zip(&mut self.m2)
            .zip(&other.mean)
            .zip(&other.m2)
        {
            let delta = mb - *mean;
            *mean += delta * (wb / total);
            *m2 += m2b * factor + delta * delta * (wa * wb / total);
        }
        self.weight = total;
    }

    /// The total weight.
    ///
    /// ```
    /// use logreg::chunked::Moments;
    /// assert_eq!(Moments::of_rows(&[[1.0]], &[2.5]).weight(), 2.5);
    /// ```
    pub fn weight(&self) -> f64 {
        self.weight
    }

    /// The weighted column means.
    ///
    /// ```
    /// use logreg::chunked::Moments;
    /// assert_eq!(Moments::of_rows(&[[1.0], [2.0]], &[1.0, 1.0]).mean(), &[1.5]);
    /// ```
    pub fn mean(&self) -> &[f64] {
        &self.mean
    }

    /// The weighted population variances M₂ / weight.
    ///
    /// ```
    /// use logreg::chunked::Moments;
    /// assert_eq!(Moments::of_rows(&[[1.0], [2.0]], &[1.0, 1.0]).variance(), vec![0.25]);
    /// ```
    pub fn variance(&self) -> Vec<f64> {
        self.m2
            .iter()
            .map(|&m2| {
                if self.weight > 0.0 {
                    m2 / self.weight
                } else {
                    0.0
                }
            })
            .collect()
    }
}

/// What a fit learns from all the rows before the solver runs, merged chunk
/// by chunk in chunk order: the sorted classes, their row counts and
/// sample-weight sums, per-class weighted column moments (so that class
/// weights, even balanced ones, apply after the pass), each column's
/// largest |x| and the row count.
///
/// ```
/// use logreg::chunked::{Chunk, FirstPass};
/// use logreg::ClassWeight;
/// use ndarray::array;
/// let a = array![[1.0_f64], [2.0]];
/// let b = array![[4.0_f64], [5.0]];
/// let mut first = FirstPass::of_chunk(&Chunk::new(a.view().into(), vec!["y", "n"].into(), None), 0)?;
/// first.merge(&FirstPass::of_chunk(&Chunk::new(b.view().into(), vec!["n", "n"].into(), None), 1)?);
/// assert_eq!(first.classes(), &["n", "y"]);
/// assert_eq!(first.class_counts(), &[3, 1]);
/// // Balanced: n/(k·count) = 4/6 and 4/2; S = 3·(2/3) + 1·2 = 4.
/// assert!((first.weight_sum(&ClassWeight::<f64>::Balanced)? - 4.0).abs() < 1e-15);
/// assert_eq!(first.moments(&ClassWeight::<f64>::None)?.mean(), &[3.0]);
/// # Ok::<(), logreg::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct FirstPass<L> {
    pub(super) classes: Vec<L>,
    pub(super) class_rows: Vec<u64>,
    pub(super) class_weight: Vec<f64>,
    pub(super) moments: Vec<Moments>,
    pub(super) max_abs: Vec<f64>,
    pub(super) n_features: usize,
    /// Each class's weight and weighted column sums, for the runs' start
    /// at zero ([`ClassSums`]); `None` once a CSR chunk is seen (sparse
    /// fits evaluate their start).
    pub(super) class_sums: Option<ClassSums>,
}

impl<L: Clone + Ord> FirstPass<L> {
    /// The first pass over one chunk, after checking it: x finite, one
    /// label per row, weights finite and ≥ 0. `index` names the chunk in
    /// errors.
    ///
    /// ```
    /// use logreg::chunked::{Chunk, FirstPass};
    /// use logreg::Error;
    /// use ndarray::array;
    /// let x = array![[1.0_f64], [f64::NAN]];
    /// let err = FirstPass::of_chunk(&Chunk::new(x.view().into(), vec![0, 1].into(), None), 3).unwrap_err();
    /// assert!(matches!(err, Error::ChunkData { ref location, .. } if location.starts_with("chunk 3")));
    /// ```
    ///
    /// # Errors
    /// [`Error::ChunkData`] naming the chunk, row and column.
    pub fn of_chunk<F: Float>(chunk: &Chunk<'_, F, L>, index: usize) -> Result<Self> {
        Self::of_chunk_at(chunk, &format!("chunk {index}"), &|j| {
            format!("feature {j}")
        })
    }

    pub(crate) fn of_chunk_at<F: Float>(
        chunk: &Chunk<'_, F, L>,
        location: &str,
        feature_name: &dyn Fn(usize) -> String,
    ) -> Result<Self> {
        check_chunk(chunk, location, feature_name)?;
        let mut classes: Vec<L> = chunk.y.to_vec();
        classes.sort();
        classes.dedup();
        let mut pass = Self::empty(classes, chunk.x.ncols());
        let class: Vec<usize> = chunk
            .y
            .iter()
            .map(|label| pass.classes.binary_search(label).unwrap_or_default())
            .collect();
        let weight: Vec<f64> = match &chunk.sample_weight {
            Some(w) => w.iter().map(|v| v.to_f64_lossy()).collect(),
            None => vec![1.0; class.len()],
        };
        for (&c, &w) in class.iter().zip(&weight) {
            pass.class_rows[c] += 1;
            pass.class_weight[c] += w;
        }
        match &chunk.x {
            Features::Dense(x) => {
                let mut sums = ClassSums::empty(pass.classes.len(), x.ncols());
                for ((row, &c), &w) in x.rows().into_iter().zip(&class).zip(&weight) {
                    sums.add_row(c, w, row.iter().copied());
                    pass.moments[c].add_row(row.iter().map(|v| v.to_f64_lossy()), w);
                    for (m, v) in pass.max_abs.iter_mut().zip(&row) {
                        *m = m.max(v.abs().to_f64_lossy());
                    }
                }
                pass.class_sums = Some(sums);
            }
            Features::Csr(x) => {
                pass.class_sums = None;
                pass.add_csr(x.view(), &class, &weight);
            }
        }
        Ok(pass)
    }

    /// The moments and largest |x| of CSR rows, from their stored entries
    /// only: per class and column, the mean from the weighted sum, then M₂
    /// as the stored entries' Σ w(x − μ)² plus μ² times the weight of the
    /// rows that store none (two passes over the entries, no densifying).
    fn add_csr<F: Float>(&mut self, x: CsrView<'_, F>, class: &[usize], weight: &[f64]) {
        let (k, d) = (self.classes.len(), self.n_features);
        let mut total = vec![0.0; k];
        let mut sum = vec![vec![0.0; d]; k];
        let mut stored = vec![vec![0.0; d]; k];
        let rows = || (0..x.nrows()).filter(|&i| weight[i] > 0.0);
        for i in rows() {
            let (c, w) = (class[i], weight[i]);
            total[c] += w;
            let (columns, values) = x.row(i);
            for (&j, v) in columns.iter().zip(values) {
                sum[c][j] += w * v.to_f64_lossy();
                stored[c][j] += w;
            }
        }
        for i in 0..x.nrows() {
            let (columns, values) = x.row(i);
            for (&j, v) in columns.iter().zip(values) {
                self.max_abs[j] = self.max_abs[j].max(v.abs().to_f64_lossy());
            }
        }
        let mean: Vec<Vec<f64>> = (0..k)
            .map(|c| {
                let t = total[c];
                sum[c]
                    .iter()
                    .map(|&s| if t > 0.0 { s / t } else { 0.0 })
                    .collect()
            })
            .collect();
        let mut m2: Vec<Vec<f64>> = (0..k)
            .map(|c| {
                mean[c]
                    .iter()
                    .zip(&stored[c])
                    .map(|(&mu, &s)| (total[c] - s) * mu * mu)
                    .collect()
            })
            .collect();
        for i in rows() {
            let (c, w) = (class[i], weight[i]);
            let (columns, values) = x.row(i);
            for (&j, v) in columns.iter().zip(values) {
                let delta = v.to_f64_lossy() - mean[c][j];
                m2[c][j] += w * delta * delta;
            }
        }
        for (c, (mean, m2)) in mean.into_iter().zip(m2).enumerate() {
            if total[c] > 0.0 {
                self.moments[c] = Moments {
                    weight: total[c],
                    mean,
                    m2,
                };
            }
        }
    }

    /// Adds the next chunk's first pass (classes are united, kept sorted).
    ///
    /// ```
    /// use logreg::chunked::{Chunk, FirstPass};
    /// use ndarray::array;
    /// let x = array![[1.0_f64]];
    /// let mut first = FirstPass::of_chunk(&Chunk::new(x.view().into(), vec![2].into(), None), 0)?;
    /// first.merge(&FirstPass::of_chunk(&Chunk::new(x.view().into(), vec![1].into(), None), 1)?);
    /// assert_eq!(first.classes(), &[1, 2]);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn merge(&mut self, other: &FirstPass<L>) {
        if self.classes.is_empty() && self.class_rows.is_empty() && self.n_features == 0 {
            *self = other.clone();
            return;
        }
        let mut classes: Vec<L> = self.classes.iter().chain(&other.classes).cloned().collect();
        classes.sort();
        classes.dedup();
        let mut merged = Self::empty(classes, self.n_features.max(other.n_features));
        // Sums of CSR chunks, or of chunks of other widths (an error later),
        // are not kept.
        if self.class_sums.is_none()
            || other.class_sums.is_none()
            || self.n_features != other.n_features
        {
            merged.class_sums = None;
        }
        for part in [&*self, other] {
            for (c, label) in part.classes.iter().enumerate() {
                let to = merged.classes.binary_search(label).unwrap_or_default();
                merged.class_rows[to] += part.class_rows[c];
                merged.class_weight[to] += part.class_weight[c];
                merged.moments[to].merge(&part.moments[c]);
                if let (Some(sums), Some(from)) = (&mut merged.class_sums, &part.class_sums) {
                    sums.add_class(to, from, c);
                }
            }
            for (m, &v) in merged.max_abs.iter_mut().zip(&part.max_abs) {
                *m = m.max(v);
            }
        }
        *self = merged;
    }

    /// A pass over no rows yet, with these classes and `d` features
    /// (`empty(Vec::new(), 0)` starts a merge).
    pub(crate) fn empty(classes: Vec<L>, d: usize) -> Self {
        let k = classes.len();
        Self {
            class_rows: vec![0; k],
            class_weight: vec![0.0; k],
            moments: vec![Moments::empty(d); k],
            max_abs: vec![0.0; d],
            classes,
            n_features: d,
            class_sums: Some(ClassSums::empty(k, d)),
        }
    }

    /// The distinct labels, sorted.
    ///
    /// ```
    /// # use logreg::chunked::{Chunk, FirstPass};
    /// # use ndarray::array;
    /// let x = array![[1.0_f64], [2.0]];
    /// let first = FirstPass::of_chunk(&Chunk::new(x.view().into(), vec![5, 3].into(), None), 0)?;
    /// assert_eq!(first.classes(), &[3, 5]);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn classes(&self) -> &[L] {
        &self.classes
    }

    /// Rows of each class (in [`classes`](Self::classes) order).
    ///
    /// ```
    /// # use logreg::chunked::{Chunk, FirstPass};
    /// # use ndarray::array;
    /// let x = array![[1.0_f64], [2.0], [3.0]];
    /// let first = FirstPass::of_chunk(&Chunk::new(x.view().into(), vec![5, 3, 5].into(), None), 0)?;
    /// assert_eq!(first.class_counts(), &[1, 2]);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn class_counts(&self) -> &[u64] {
        &self.class_rows
    }

    /// Rows in all.
    ///
    /// ```
    /// # use logreg::chunked::{Chunk, FirstPass};
    /// # use ndarray::array;
    /// let x = array![[1.0_f64], [2.0], [3.0]];
    /// let first = FirstPass::of_chunk(&Chunk::new(x.view().into(), vec![5, 3, 5].into(), None), 0)?;
    /// assert_eq!(first.n_rows(), 3);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn n_rows(&self) -> u64 {
        self.class_rows.iter().sum()
    }

    /// Features per row.
    pub fn n_features(&self) -> usize {
        self.n_features
    }

    /// Each class's sum of sample weights (before class weights).
    pub(crate) fn class_weights(&self) -> &[f64] {
        &self.class_weight
    }

    /// Each class's weight and weighted column sums (dense chunks only).
    pub(crate) fn class_sums(&self) -> Option<&ClassSums> {
        self.class_sums.as_ref()
    }

    /// Each column's largest |x|.
    pub(crate) fn max_abs(&self) -> &[f64] {
        &self.max_abs
    }

    /// Each class's weight (`class_weight` from these counts), as f64.
    pub(crate) fn multipliers<F: Float>(&self, class_weight: &ClassWeight<F>) -> Result<Vec<f64>> {
        let counts: Vec<usize> = self.class_rows.iter().map(|&c| c as usize).collect();
        let per_class = crate::weights::class_multipliers(&counts, class_weight)?;
        Ok(match per_class {
            Some(w) => w.iter().map(|v| v.to_f64_lossy()).collect(),
            None => vec![1.0; self.classes.len()],
        })
    }

    /// S = Σ sᵢ with the class weights applied (f64, merged by class).
    ///
    /// # Errors
    /// Invalid manual class weights.
    pub fn weight_sum<F: Float>(&self, class_weight: &ClassWeight<F>) -> Result<f64> {
        let per_class = self.multipliers(class_weight)?;
        Ok(per_class
            .iter()
            .zip(&self.class_weight)
            .map(|(m, w)| m * w)
            .sum())
    }

    /// The column moments with the class weights applied.
    ///
    /// # Errors
    /// Invalid manual class weights.
    pub fn moments<F: Float>(&self, class_weight: &ClassWeight<F>) -> Result<Moments> {
        let per_class = self.multipliers(class_weight)?;
        let mut all = Moments::empty(self.n_features);
        for (m, &factor) in self.moments.iter().zip(&per_class) {
            all.merge_scaled(m, factor);
        }
        Ok(all)
    }
}

/// Checks a chunk's shapes and values: x finite (CSR rows well formed),
/// one label per row, weights one per row, finite and ≥ 0.
pub(crate) fn check_chunk<F: Float, L: Clone>(
    chunk: &Chunk<'_, F, L>,
    location: &str,
    feature_name: &dyn Fn(usize) -> String,
) -> Result<()> {
    let n = chunk.x.nrows();
    let data_error = |column: String, problem: String| Error::ChunkData {
        location: location.to_string(),
        column,
        problem,
    };
    if chunk.y.len() != n {
        return Err(data_error(
            "label".into(),
            format!("{} labels for {n} rows", chunk.y.len()),
        ));
    }
    match &chunk.x {
        Features::Dense(x) => {
            for (i, row) in x.rows().into_iter().enumerate() {
                if let Some(j) = row.iter().position(|v| !v.is_finite()) {
                    return Err(data_error(
                        feature_name(j),
                        format!(
                            "non-finite value {} at row {i}: remove or impute it",
                            row[j]
                        ),
                    ));
                }
            }
        }
        Features::Csr(x) => x.check(location, feature_name, true)?,
    }
    if let Some(w) = &chunk.sample_weight {
        if w.len() != n {
            return Err(data_error(
                "weight".into(),
                format!("{} weights for {n} rows", w.len()),
            ));
        }
        if let Some(i) = w.iter().position(|v| !v.is_finite() || *v < F::zero()) {
            return Err(data_error(
                "weight".into(),
                format!("weight {} at row {i}: weights must be finite and ≥ 0", w[i]),
            ));
        }
    }
    Ok(())
}
