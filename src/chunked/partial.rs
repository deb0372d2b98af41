//! Partial sums of a chunk of rows and their merge.

use crate::error::PartialSumsError;
use crate::{Error, Result};

/// The unscaled sums of one chunk of rows (or of several, merged) at given
/// parameters: Σ sᵢℓᵢ, its gradient Σ sᵢ∇ℓᵢ in the flat parameter layout
/// (coefficients class-major, then the intercepts), on request the Hessian
/// Σ sᵢ∇²ℓᵢ (binary XᵀDX, the softmax's blocks; `n_params²`, row-major),
/// the rows and their weight sum. All in f64, whatever the data's float.
///
/// Merge in a fixed order (the chunk index) for results that never depend
/// on which worker computed which chunk. [`to_bytes`](Self::to_bytes) and
/// [`from_bytes`](Self::from_bytes) carry them between processes.
///
/// ```
/// use logreg::chunked::{Chunk, ChunkProblem, FirstPass, RunKind};
/// use logreg::LogisticRegression;
/// use ndarray::array;
/// let x = array![[0.0_f64], [1.0], [2.0], [3.0]];
/// let y = vec![0, 1, 0, 1];
/// let first = FirstPass::of_chunk(&Chunk::new(x.view().into(), y.clone().into(), None), 0)?;
/// let problem = ChunkProblem::new(&LogisticRegression::new(), first, RunKind::Binary)?;
/// let params = array![0.5, -0.25];
/// let (a, b) = (x.slice(ndarray::s![..2, ..]), x.slice(ndarray::s![2.., ..]));
/// let mut merged = problem.partial(&Chunk::new(a.into(), y[..2].into(), None), params.view(), false)?;
/// merged.merge(&problem.partial(&Chunk::new(b.into(), y[2..].into(), None), params.view(), false)?)?;
/// let all = problem.partial(&Chunk::new(x.view().into(), y.into(), None), params.view(), false)?;
/// assert!((merged.loss() - all.loss()).abs() < 1e-15);
/// assert_eq!(merged.n_rows(), 4);
/// # Ok::<(), logreg::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct PartialSums {
    pub(crate) shape: Shape,
    pub(crate) n_rows: u64,
    pub(crate) weight_sum: f64,
    pub(crate) loss: f64,
    pub(crate) grad: Vec<f64>,
    pub(crate) hessian: Option<Vec<f64>>,
}

/// What partial sums are sums of: the float width of the data (4 or 8
/// bytes), rows of coefficients (1, or k for the softmax), features, and
/// whether intercepts are in the parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Shape {
    pub float_bytes: u8,
    pub outputs: u32,
    pub n_features: u32,
    pub fit_intercept: bool,
}

impl Shape {
    pub fn n_params(&self) -> usize {
        let rows = self.outputs as usize;
        rows * self.n_features as usize + if self.fit_intercept { rows } else { 0 }
    }
}

impl PartialSums {
    /// Zero sums of the given shape (the start of a merge).
    pub(crate) fn zero(shape: Shape, hessian: bool) -> Self {
        let p = shape.n_params();
        Self {
            shape,
            n_rows: 0,
            weight_sum: 0.0,
            loss: 0.0,
            grad: vec![0.0; p],
            hessian: hessian.then(|| vec![0.0; p * p]),
        }
    }

    /// Adds `other` (the next chunk in order) into these sums.
    ///
    /// ```
    /// # use logreg::chunked::{Chunk, ChunkProblem, FirstPass, RunKind};
    /// # use logreg::LogisticRegression;
    /// # use ndarray::array;
    /// # let x = array![[0.0_f64], [1.0], [2.0], [3.0]];
    /// # let chunk = Chunk::new(x.view().into(), vec![0, 1, 0, 1].into(), None);
    /// # let problem = ChunkProblem::new(&LogisticRegression::new(), FirstPass::of_chunk(&chunk, 0)?, RunKind::Binary)?;
    /// let with_hessian = problem.partial(&chunk, array![0.0, 0.0].view(), true)?;
    /// let mut without = problem.partial(&chunk, array![0.0, 0.0].view(), false)?;
    /// assert!(without.merge(&with_hessian).is_err()); // one has a Hessian, the other not
    /// # Ok::<(), logreg::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::PartialSums`] ([`PartialSumsError::ShapeMismatch`]) when the
    /// shapes differ.
    pub fn merge(&mut self, other: &PartialSums) -> Result<()> {
        self.check_same_shape(other)?;
        self.n_rows += other.n_rows;
        self.weight_sum += other.weight_sum;
        self.loss += other.loss;
        for (a, &b) in self.grad.iter_mut().zip(&other.grad) {
            *a += b;
        }
        if let (Some(h), Some(o)) = (&mut self.hessian, &other.hessian) {
            for (a, &b) in h.iter_mut().zip(o) {
                *a += b;
            }
        }
        Ok(())
    }

    fn check_same_shape(&self, other: &PartialSums) -> Result<()> {
        let (a, b) = (self.shape, other.shape);
        let checks = [
            ("float bytes", a.float_bytes as u64, b.float_bytes as u64),
            ("outputs", a.outputs as u64, b.outputs as u64),
            ("features", a.n_features as u64, b.n_features as u64),
            ("intercept", a.fit_intercept as u64, b.fit_intercept as u64),
            (
                "hessian",
                self.hessian.is_some() as u64,
                other.hessian.is_some() as u64,
            ),
        ];
        match checks.into_iter().find(|(_, x, y)| x != y) {
            Some((what, expected, got)) => {
                Err(Error::PartialSums(PartialSumsError::ShapeMismatch {
                    what,
                    expected,
                    got,
                }))
            }
            None => Ok(()),
        }
    }

    /// Σ sᵢ ℓᵢ over the rows.
    ///
    /// ```
    /// # use logreg::chunked::{Chunk, ChunkProblem, FirstPass, RunKind};
    /// # use logreg::LogisticRegression;
    /// # use ndarray::array;
    /// # let x = array![[0.0_f64], [1.0], [2.0], [3.0]];
    /// # let chunk = Chunk::new(x.view().into(), vec![0, 1, 0, 1].into(), None);
    /// # let problem = ChunkProblem::new(&LogisticRegression::new(), FirstPass::of_chunk(&chunk, 0)?, RunKind::Binary)?;
    /// let sums = problem.partial(&chunk, array![0.0, 0.0].view(), false)?;
    /// assert!((sums.loss() - 4.0 * 2f64.ln()).abs() < 1e-14); // p = ½ on every row
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn loss(&self) -> f64 {
        self.loss
    }

    /// Σ sᵢ ∇ℓᵢ, in the flat parameter layout.
    ///
    /// ```
    /// # use logreg::chunked::{Chunk, ChunkProblem, FirstPass, RunKind};
    /// # use logreg::LogisticRegression;
    /// # use ndarray::array;
    /// # let x = array![[0.0_f64], [1.0], [2.0], [3.0]];
    /// # let chunk = Chunk::new(x.view().into(), vec![0, 1, 0, 1].into(), None);
    /// # let problem = ChunkProblem::new(&LogisticRegression::new(), FirstPass::of_chunk(&chunk, 0)?, RunKind::Binary)?;
    /// let sums = problem.partial(&chunk, array![0.0, 0.0].view(), false)?;
    /// // Σ (½ − yᵢ) xᵢ = ½·6 − 4 and Σ (½ − yᵢ) = 0.
    /// assert_eq!(sums.grad(), &[-1.0, 0.0]);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn grad(&self) -> &[f64] {
        &self.grad
    }

    /// The Hessian's sums (`n_params²`, row-major), if they were asked for.
    ///
    /// ```
    /// # use logreg::chunked::{Chunk, ChunkProblem, FirstPass, RunKind};
    /// # use logreg::LogisticRegression;
    /// # use ndarray::array;
    /// # let x = array![[0.0_f64], [1.0], [2.0], [3.0]];
    /// # let chunk = Chunk::new(x.view().into(), vec![0, 1, 0, 1].into(), None);
    /// # let problem = ChunkProblem::new(&LogisticRegression::new(), FirstPass::of_chunk(&chunk, 0)?, RunKind::Binary)?;
    /// let sums = problem.partial(&chunk, array![0.0, 0.0].view(), true)?;
    /// // Σ ¼·[xᵢ², xᵢ; xᵢ, 1]
    /// assert_eq!(sums.hessian(), Some(&[3.5, 1.5, 1.5, 1.0][..]));
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn hessian(&self) -> Option<&[f64]> {
        self.hessian.as_deref()
    }

    /// Rows summed.
    ///
    /// ```
    /// # use logreg::chunked::{Chunk, ChunkProblem, FirstPass, RunKind};
    /// # use logreg::LogisticRegression;
    /// # use ndarray::array;
    /// # let x = array![[0.0_f64], [1.0], [2.0], [3.0]];
    /// # let chunk = Chunk::new(x.view().into(), vec![0, 1, 0, 1].into(), None);
    /// # let problem = ChunkProblem::new(&LogisticRegression::new(), FirstPass::of_chunk(&chunk, 0)?, RunKind::Binary)?;
    /// assert_eq!(problem.partial(&chunk, array![0.0, 0.0].view(), false)?.n_rows(), 4);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn n_rows(&self) -> u64 {
        self.n_rows
    }

    /// Σ sᵢ over the rows (sample times class weights).
    ///
    /// ```
    /// # use logreg::chunked::{Chunk, ChunkProblem, FirstPass, RunKind};
    /// # use logreg::LogisticRegression;
    /// # use ndarray::array;
    /// # let x = array![[0.0_f64], [1.0], [2.0], [3.0]];
    /// # let chunk = Chunk::new(x.view().into(), vec![0, 1, 0, 1].into(), None);
    /// # let problem = ChunkProblem::new(&LogisticRegression::new(), FirstPass::of_chunk(&chunk, 0)?, RunKind::Binary)?;
    /// assert_eq!(problem.partial(&chunk, array![0.0, 0.0].view(), false)?.weight_sum(), 4.0);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn weight_sum(&self) -> f64 {
        self.weight_sum
    }
}
