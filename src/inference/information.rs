//! The information matrix: its inverse (or the collinear features that
//! make it singular) and its condition number.

use crate::Error;
use crate::Float;
use crate::Result;
use ndarray::{Array2, ArrayView2, s};

/// The 1-norm condition number of the information scaled to unit diagonal,
/// above which the table warns of a near-singular design: beyond it, half
/// of the digits of the standard errors are lost.
pub(super) const NEAR_SINGULAR: f64 = 1e8;

/// ‖A‖₁·‖A⁻¹‖₁ of the information A scaled to unit diagonal.
pub(super) fn condition_number<F: Float>(information: &Array2<F>) -> f64 {
    let m = information.nrows();
    let scale: Vec<f64> = information
        .diag()
        .iter()
        .map(|v| 1.0 / v.to_f64_lossy().max(f64::MIN_POSITIVE).sqrt())
        .collect();
    let scaled = Array2::from_shape_fn((m, m), |(a, b)| {
        F::from_f64_lossy(information[(a, b)].to_f64_lossy() * scale[a] * scale[b])
    });
    let identity = Array2::<F>::eye(m);
    let Some(inverse) = F::cholesky_solve_many(scaled.view(), identity.view()) else {
        return f64::INFINITY;
    };
    let norm1 = |a: &Array2<F>| {
        a.columns()
            .into_iter()
            .map(|c| c.iter().map(|v| v.to_f64_lossy().abs()).sum::<f64>())
            .fold(0.0, f64::max)
    };
    norm1(&scaled) * norm1(&inverse)
}

/// Inverts the information matrix, or names the collinear features. The
/// design is checked first: a Cholesky of a singular matrix can "succeed"
/// with tiny pivots and return huge, meaningless standard errors.
pub(super) fn invert<F: Float>(
    information: Array2<F>,
    x: ArrayView2<'_, F>,
    fit_intercept: bool,
    penalized: bool,
) -> Result<Array2<F>> {
    // A penalty makes the information positive definite whatever the design.
    let features = if penalized {
        Vec::new()
    } else {
        collinear_features(x, fit_intercept)
    };
    if !features.is_empty() {
        return Err(Error::Collinear {
            features,
            names: Vec::new(),
        });
    }
    let identity = Array2::eye(information.nrows());
    // Not positive definite although the design has full rank: fitted
    // probabilities of exactly 0 or 1 leave no information.
    F::cholesky_solve_many(information.view(), identity.view()).ok_or(Error::SingularInformation)
}

/// Features that are (numerically) linear combinations of the intercept and
/// earlier features: a Cholesky of the correlation-scaled Gram matrix [1, X]ᵀ[1, X]
/// that skips a column whose remaining pivot is below 1e-10 of its norm.
pub(crate) fn collinear_features<F: Float>(
    x: ArrayView2<'_, F>,
    fit_intercept: bool,
) -> Vec<usize> {
    let (n, d) = x.dim();
    let offset = usize::from(fit_intercept);
    let p = d + offset;
    let mut augmented = Array2::<F>::ones((n, p));
    augmented.slice_mut(s![.., offset..]).assign(&x);
    let mut gram = Array2::zeros((p, p));
    F::gemm_tn_add(gram.view_mut(), augmented.view(), augmented.view());
    let mut factor = Array2::<F>::zeros((p, p));
    let mut kept: Vec<usize> = Vec::new();
    let mut dependent = Vec::new();
    let threshold = F::from_f64_lossy(1e-10);
    for j in 0..p {
        let norm = gram[(j, j)];
        let mut pivot = norm;
        for &i in &kept {
            pivot -= factor[(j, i)] * factor[(j, i)];
        }
        if norm <= F::zero() || pivot <= threshold * norm {
            if j >= offset {
                dependent.push(j - offset);
            }
            continue;
        }
        let root = pivot.sqrt();
        factor[(j, j)] = root;
        for l in (j + 1)..p {
            let mut v = gram[(l, j)];
            for &i in &kept {
                v -= factor[(l, i)] * factor[(j, i)];
            }
            factor[(l, j)] = v / root;
        }
        kept.push(j);
    }
    dependent
}
