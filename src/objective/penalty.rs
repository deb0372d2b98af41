//! The penalty on the coefficients (never on the intercepts).

use crate::Float;
use ndarray::{ArrayView1, ArrayViewMut1, ArrayViewMut2};

/// Which penalty the fit uses. Its strength is set separately with
/// [`LogisticRegression::c`](crate::LogisticRegression::c) or
/// [`LogisticRegression::alpha`](crate::LogisticRegression::alpha).
///
/// ```
/// use logreg::{LogisticRegression, Penalty};
/// use ndarray::array;
/// let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0], [6.0], [7.0]];
/// let y = array![0, 0, 1, 0, 1, 0, 1, 1];
/// assert_eq!(Penalty::default(), Penalty::L2);
/// let mle = LogisticRegression::new().penalty(Penalty::None).fit(&x, &y)?;
/// let ridge = LogisticRegression::new().penalty(Penalty::L2).alpha(1.0).fit(&x, &y)?;
/// assert!(ridge.coef()[(0, 0)].abs() < mle.coef()[(0, 0)].abs());
/// // Only the unpenalized fit is a maximum-likelihood estimate.
/// assert!(!mle.summary(&x, &y)?.penalized());
/// assert!(ridge.summary(&x, &y)?.penalized());
/// # Ok::<(), logreg::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Penalty {
    /// No penalty: the maximum-likelihood fit (statsmodels' `Logit`).
    None,
    /// Ridge: (α/2)·‖w‖² (scikit-learn's default `penalty="l2"`).
    #[default]
    L2,
}

/// (α/2)·‖w‖² on the first `n_coef` parameters: adds the value to `value`,
/// the gradient into `grad`.
pub(crate) fn add_l2<F: Float>(
    alpha: F,
    n_coef: usize,
    params: ArrayView1<'_, F>,
    grad: Option<ArrayViewMut1<'_, F>>,
    value: &mut F,
) {
    if alpha == F::zero() {
        return;
    }
    let coef = params.slice(ndarray::s![..n_coef]);
    *value += alpha * F::from_f64_lossy(0.5) * coef.dot(&coef);
    if let Some(mut grad) = grad {
        grad.slice_mut(ndarray::s![..n_coef])
            .scaled_add(alpha, &coef);
    }
}

/// Adds α to the first `n_coef` diagonal entries of a Hessian.
pub(crate) fn add_l2_hessian<F: Float>(alpha: F, n_coef: usize, mut hess: ArrayViewMut2<'_, F>) {
    for i in 0..n_coef {
        hess[(i, i)] += alpha;
    }
}

/// Adds α·v on the first `n_coef` entries of a Hessian-vector product.
pub(crate) fn add_l2_hess_vec<F: Float>(
    alpha: F,
    n_coef: usize,
    v: ArrayView1<'_, F>,
    mut out: ArrayViewMut1<'_, F>,
) {
    out.slice_mut(ndarray::s![..n_coef])
        .scaled_add(alpha, &v.slice(ndarray::s![..n_coef]));
}
