//! Per-row access for incremental-gradient solvers such as
//! [`Saga`](crate::solver::Saga): each row's features x̃ᵢ = [xᵢ, 1] and the
//! derivative of its loss with respect to its scores ηᵢ.
//!
//! The data part of a logistic objective's gradient is Σᵢ x̃ᵢ ⊗ rᵢ with
//! rᵢ = (sᵢ/S)·∂ℓ(yᵢ, ηᵢ)/∂ηᵢ: one scalar per row for a binary objective, k
//! for the softmax. A solver that stores rᵢ per row can rebuild any row's
//! gradient from it and the row, which is what SAGA does.

use crate::Float;
use crate::kernels::{binary_terms, multinomial_cross_entropy, softmax_inplace};
use crate::layout::Layout;
use ndarray::{ArrayView1, ArrayViewMut1};

/// One row of the features: all d values (dense), or the non-zeros of a CSR
/// row (column indices and values).
///
/// ```
/// use logreg::objective::{BinaryLogistic, Objective, Row};
/// use ndarray::array;
/// let x = array![[0.0_f64, 2.0], [1.0, 0.0]];
/// let objective = BinaryLogistic::new(x.view(), array![0.0, 1.0], None, 0.1, true)?;
/// let rows = objective.as_rows().expect("the crate's objectives give row access");
/// let Row::Dense(first) = rows.row(0) else { unreachable!("dense features") };
/// assert_eq!(first, array![0.0, 2.0]);
/// assert_eq!(rows.row(0).squared_norm(), 4.0);
/// # Ok::<(), logreg::Error>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub enum Row<'a, F> {
    /// Every feature of the row, in column order.
    Dense(ArrayView1<'a, F>),
    /// The row's stored entries: `values[t]` sits in column `indices[t]`.
    Sparse {
        /// Column indices of the stored entries.
        indices: &'a [usize],
        /// Their values.
        values: &'a [F],
    },
}

impl<F: Float> Row<'_, F> {
    /// ‖xᵢ‖² (without the intercept's 1).
    ///
    /// ```
    /// use logreg::objective::Row;
    /// let row = Row::Sparse { indices: &[1, 4], values: &[3.0_f64, -4.0] };
    /// assert_eq!(row.squared_norm(), 25.0);
    /// ```
    pub fn squared_norm(&self) -> F {
        let square = |sum: F, &v: &F| sum + v * v;
        match self {
            Row::Dense(x) => x.iter().fold(F::zero(), square),
            Row::Sparse { values, .. } => values.iter().fold(F::zero(), square),
        }
    }

    /// Calls `visit(j, xᵢⱼ)` for every entry of the row (every column of a
    /// dense row, the stored entries of a sparse one).
    ///
    /// ```
    /// use logreg::objective::Row;
    /// let row = Row::Sparse { indices: &[1, 4], values: &[3.0_f64, -4.0] };
    /// let mut seen = Vec::new();
    /// row.for_each(|j, v| seen.push((j, v)));
    /// assert_eq!(seen, vec![(1, 3.0), (4, -4.0)]);
    /// ```
    #[inline]
    pub fn for_each(&self, mut visit: impl FnMut(usize, F)) {
        match self {
            Row::Dense(x) => x.iter().enumerate().for_each(|(j, &v)| visit(j, v)),
            Row::Sparse { indices, values } => indices
                .iter()
                .zip(values.iter())
                .for_each(|(&j, &v)| visit(j, v)),
        }
    }
}

/// Row-by-row access to a logistic objective, for solvers that keep one
/// gradient per row ([`Saga`](crate::solver::Saga)). Object safe; an
/// objective gives it through [`Objective::as_rows`](super::Objective::as_rows).
///
/// The parameters are laid out as for every objective of the crate:
/// coefficient j of output c at `c·d + j` (d = [`n_features`](Self::n_features)),
/// then, with [`fit_intercept`](Self::fit_intercept), the intercept of output
/// c at `outputs·d + c`. The penalties cover the `outputs·d` coefficients.
///
/// ```
/// use logreg::objective::{Multinomial, Objective};
/// use ndarray::{array, Array1};
/// let x = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]];
/// let objective = Multinomial::new(x.view(), vec![0, 1, 2, 1], 3, None, 0.1, true)?;
/// let rows = objective.as_rows().expect("row access");
/// assert_eq!((rows.outputs(), rows.n_features(), rows.fit_intercept()), (3, 2, true));
/// // The data gradient is Σᵢ x̃ᵢ ⊗ rᵢ: rebuild it row by row.
/// let at = Array1::from_shape_fn(9, |i| 0.1 * i as f64 - 0.3);
/// let mut grad = Array1::<f64>::zeros(9);
/// let mut r = [0.0; 3];
/// for i in 0..4 {
///     rows.residuals(at.view(), i, &mut r);
///     for c in 0..3 {
///         rows.row(i).for_each(|j, v| grad[c * 2 + j] += r[c] * v);
///         grad[6 + c] += r[c];
///     }
/// }
/// // Plus the L2 term α·w on the coefficients.
/// for j in 0..6 {
///     grad[j] += 0.1 * at[j];
/// }
/// let mut full = Array1::zeros(9);
/// objective.value_grad(at.view(), full.view_mut());
/// assert!((&grad - &full).iter().all(|d| d.abs() < 1e-15));
/// # Ok::<(), logreg::Error>(())
/// ```
pub trait RowAccess<F: Float>: Send + Sync {
    /// Scores per row: 1 for a binary objective, k for the softmax.
    fn outputs(&self) -> usize;

    /// Features per row, d.
    fn n_features(&self) -> usize;

    /// Whether the parameters hold an intercept per output.
    fn fit_intercept(&self) -> bool;

    /// Row i's features xᵢ (without the intercept's 1).
    fn row(&self, i: usize) -> Row<'_, F>;

    /// Row i's share sᵢ/S of the total sample weight.
    fn weight_share(&self, i: usize) -> F;

    /// An upper bound on the largest eigenvalue of the loss's Hessian in the
    /// scores, ∂²ℓ/∂η²: ¼ for the binary loss (σ(1 − σ) ≤ ¼), ½ for the
    /// softmax (diag(p) − ppᵀ ⪯ ½·I, Böhning 1992). Row i's gradient is then
    /// Lipschitz with constant n·(sᵢ/S)·bound·‖x̃ᵢ‖², plus α for the L2 term.
    fn curvature_bound(&self) -> F;

    /// Writes rᵢ = (sᵢ/S)·∂ℓ(yᵢ, ηᵢ)/∂ηᵢ at `params` into `residual`
    /// ([`outputs`](Self::outputs) entries). Reads only the parameters of
    /// the row's entries and the intercepts.
    fn residuals(&self, params: ArrayView1<'_, F>, i: usize, residual: &mut [F]);

    /// The data term Σᵢ (sᵢ/S)·ℓ(yᵢ, ηᵢ) at given scores, for solvers that
    /// keep the scores ηᵢ = x̃ᵢ·θ themselves (`eta`: n ×
    /// [`outputs`](Self::outputs), row-major) and move them along a step at
    /// O(n) a trial instead of a pass over X. With `residual` (as long as
    /// `eta`), each row's rᵢ = (sᵢ/S)·∂ℓ/∂ηᵢ is written there too. The
    /// objective's value is this plus its L2 term (α/2)·‖θ[..m]‖² (α the
    /// [`l2_penalty`](super::Objective::l2_penalty), m the
    /// [`n_penalized`](super::Objective::n_penalized)). `None` (the default)
    /// when the objective does not offer it; the crate's objectives do.
    ///
    /// ```
    /// use logreg::objective::{BinaryLogistic, Objective};
    /// use ndarray::array;
    /// let x = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]];
    /// let objective = BinaryLogistic::new(x.view(), array![0.0, 0.0, 1.0, 1.0], None, 0.1, true)?;
    /// let at = array![0.5, -0.25, 0.1];
    /// let eta = x.dot(&at.slice(ndarray::s![..2])) + at[2];
    /// let rows = objective.as_rows().expect("row access");
    /// let mut residual = vec![0.0; 4];
    /// let loss = rows.loss_at_scores(eta.as_slice().unwrap(), Some(&mut residual)).unwrap();
    /// let l2 = 0.1 / 2.0 * (0.5_f64 * 0.5 + 0.25 * 0.25);
    /// assert!((loss + l2 - objective.value(at.view())).abs() < 1e-15);
    /// let mut r = [0.0];
    /// rows.residuals(at.view(), 2, &mut r);
    /// assert!((residual[2] - r[0]).abs() < 1e-15);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    fn loss_at_scores(&self, _eta: &[F], _residual: Option<&mut [F]>) -> Option<F> {
        None
    }
}

/// [`RowAccess::loss_at_scores`] for binary targets `y` in [0, 1] with
/// weights summing to `weight_sum`.
pub(super) fn binary_loss_at_scores<F: Float>(
    y: ArrayView1<'_, F>,
    weight: ArrayView1<'_, F>,
    weight_sum: F,
    eta: &[F],
    residual: Option<&mut [F]>,
) -> F {
    weighted_loss_by_rows(1, weight, weight_sum, eta, residual, |i, e, share, out| {
        let terms = binary_terms(y[i], e[0]);
        if let Some(out) = out {
            out[0] = share * terms.residual;
        }
        terms.loss
    })
}

/// [`RowAccess::loss_at_scores`] for the softmax over `k` classes with
/// targets `class` and weights summing to `weight_sum`.
pub(super) fn softmax_loss_at_scores<F: Float>(
    class: &[usize],
    k: usize,
    weight: ArrayView1<'_, F>,
    weight_sum: F,
    eta: &[F],
    residual: Option<&mut [F]>,
) -> F {
    weighted_loss_by_rows(
        k,
        weight,
        weight_sum,
        eta,
        residual,
        |i, row, share, out| {
            if let Some(out) = out {
                out.copy_from_slice(row);
                softmax_residuals(share, class[i], out);
            }
            multinomial_cross_entropy(ArrayView1::from(row), class[i]).unwrap_or_else(F::nan)
        },
    )
}

/// Σᵢ sᵢ·ℓᵢ / Σᵢ sᵢ over rows of `width` scores each (summed in f64, row by
/// row), where `row(i, scores, sᵢ / Σ sᵢ, residuals)` gives row i's loss ℓᵢ
/// and writes its weighted residuals when they are asked for.
fn weighted_loss_by_rows<F: Float>(
    width: usize,
    weight: ArrayView1<'_, F>,
    weight_sum: F,
    eta: &[F],
    mut residual: Option<&mut [F]>,
    row: impl Fn(usize, &[F], F, Option<&mut [F]>) -> F,
) -> F {
    let mut loss = 0.0_f64;
    for (i, scores) in eta.chunks_exact(width).enumerate() {
        let out = residual
            .as_deref_mut()
            .map(|r| &mut r[i * width..(i + 1) * width]);
        loss += (weight[i] * row(i, scores, weight[i] / weight_sum, out)).to_f64_lossy();
    }
    F::from_f64_lossy(loss) / weight_sum
}

/// The [`RowAccess`] methods every dense objective answers alike from its
/// fields `x`, `fit_intercept`, `weight` and `weight_sum`.
macro_rules! dense_row_access {
    () => {
        fn n_features(&self) -> usize {
            self.x.ncols()
        }

        fn fit_intercept(&self) -> bool {
            self.fit_intercept
        }

        fn row(&self, i: usize) -> Row<'_, F> {
            Row::Dense(self.x.row(i))
        }

        fn weight_share(&self, i: usize) -> F {
            self.weight[i] / self.weight_sum
        }
    };
}
pub(super) use dense_row_access;

/// The scores η_c = x̃ᵢ·θ_c of a row, one per row of `layout`.
#[inline]
pub(super) fn row_scores<F: Float>(
    row: Row<'_, F>,
    params: ArrayView1<'_, F>,
    layout: Layout,
    eta: &mut [F],
) {
    eta.fill(F::zero());
    row.for_each(|j, v| {
        for (c, e) in eta.iter_mut().enumerate() {
            *e += v * params[layout.coef_index(c, j)];
        }
    });
    for (c, e) in eta.iter_mut().enumerate() {
        if let Some(index) = layout.intercept_index(c) {
            *e += params[index];
        }
    }
}

/// Turns a binary row's score into its weighted residual share·(σ(η) − y).
#[inline]
pub(super) fn binary_residual<F: Float>(share: F, y: F, eta: &mut [F]) {
    eta[0] = share * binary_terms(y, eta[0]).residual;
}

/// Turns a softmax row's scores into its weighted residuals share·(p − e_y).
#[inline]
pub(super) fn softmax_residuals<F: Float>(share: F, class: usize, eta: &mut [F]) {
    let mut row = ArrayViewMut1::from(eta);
    softmax_inplace(row.view_mut());
    row[class] -= F::one();
    row.mapv_inplace(|r| r * share);
}
