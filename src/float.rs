//! The [`Float`] trait: the element types the crate works with (`f32`, `f64`).

use ndarray::{Array1, Array2, ArrayView1, ArrayView2, ArrayViewMut2, Axis, NdFloat};
use num_traits::{FromPrimitive, ToPrimitive};

mod sealed {
    pub trait Sealed {}
    impl Sealed for f32 {}
    impl Sealed for f64 {}
}

/// A floating-point element type: `f32` or `f64`.
///
/// Sealed: besides arithmetic it carries the numerical cut-offs of the stable
/// kernels and the dense linear algebra (faer by default, LAPACK under the
/// `lapack` feature), which exist for these two types only.
///
/// ```
/// use logreg::{Float, LogisticRegression};
/// use ndarray::{array, Array1, Array2};
/// // Code generic over the precision.
/// fn slope<F: Float>(x: &Array2<F>, y: &Array1<i32>) -> logreg::Result<f64> {
///     let model = LogisticRegression::<F>::new().tol(F::from_f64_lossy(1e-6)).fit(x, y)?;
///     Ok(model.coef()[(0, 0)].to_f64_lossy())
/// }
/// let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0]];
/// let y = array![0, 0, 1, 0, 1, 1];
/// let in_f64 = slope(&x, &y)?;
/// let in_f32 = slope(&x.mapv(|v| v as f32), &y)?;
/// assert!((in_f64 - in_f32).abs() < 1e-4);
/// # Ok::<(), logreg::Error>(())
/// ```
pub trait Float:
    NdFloat + FromPrimitive + ToPrimitive + Default + std::iter::Sum + sealed::Sealed
{
    /// Below this, softplus(x) = eˣ to working precision.
    const SOFTPLUS_EXP_BELOW: Self;
    /// Below this (and above the previous), softplus(x) = ln_1p(eˣ).
    const SOFTPLUS_LOG1P_BELOW: Self;
    /// Below this (and above the previous), softplus(x) = x + e⁻ˣ; above it, x.
    const SOFTPLUS_LINEAR_ABOVE: Self;

    /// Converts from `f64`, rounding to the nearest representable value.
    fn from_f64_lossy(x: f64) -> Self;
    /// Converts to `f64` (exact for both types).
    fn to_f64_lossy(self) -> f64;

    /// `acc += aᵀ·b` with one GEMM.
    #[doc(hidden)]
    fn gemm_tn_add(acc: ArrayViewMut2<'_, Self>, a: ArrayView2<'_, Self>, b: ArrayView2<'_, Self>);
    /// The lower triangle of `acc += aᵀ·a` (the upper one may or may not be
    /// updated).
    #[doc(hidden)]
    fn gram_lower_add(acc: ArrayViewMut2<'_, Self>, a: ArrayView2<'_, Self>);
    /// Solves `h·x = rhs` for symmetric positive definite `h` by Cholesky;
    /// `None` when `h` is not (numerically) positive definite.
    #[doc(hidden)]
    fn cholesky_solve(h: ArrayView2<'_, Self>, rhs: ArrayView1<'_, Self>) -> Option<Array1<Self>> {
        let solved = Self::cholesky_solve_many(h, rhs.insert_axis(Axis(1)))?;
        Some(solved.column(0).to_owned())
    }
    /// Solves `h·X = rhs` for symmetric positive definite `h`, one column at a
    /// time against one factorization; `None` when `h` is not positive
    /// definite or the solution is not finite.
    #[doc(hidden)]
    fn cholesky_solve_many(
        h: ArrayView2<'_, Self>,
        rhs: ArrayView2<'_, Self>,
    ) -> Option<Array2<Self>>;
}

macro_rules! impl_float {
    ($t:ty, $exp_below:expr, $log1p_below:expr, $linear_above:expr) => {
        impl Float for $t {
            const SOFTPLUS_EXP_BELOW: Self = $exp_below;
            const SOFTPLUS_LOG1P_BELOW: Self = $log1p_below;
            const SOFTPLUS_LINEAR_ABOVE: Self = $linear_above;

            #[inline]
            fn from_f64_lossy(x: f64) -> Self {
                x as $t
            }
            #[inline]
            fn to_f64_lossy(self) -> f64 {
                self as f64
            }
            fn gemm_tn_add(
                acc: ArrayViewMut2<'_, Self>,
                a: ArrayView2<'_, Self>,
                b: ArrayView2<'_, Self>,
            ) {
                crate::linalg::gemm_tn_add(acc, a, b)
            }
            fn gram_lower_add(acc: ArrayViewMut2<'_, Self>, a: ArrayView2<'_, Self>) {
                crate::linalg::gram_lower_add(acc, a)
            }
            fn cholesky_solve_many(
                h: ArrayView2<'_, Self>,
                rhs: ArrayView2<'_, Self>,
            ) -> Option<Array2<Self>> {
                // A factorization that "succeeds" with tiny pivots can still
                // give inf or NaN: treat that as not positive definite.
                crate::linalg::cholesky_solve_many(h, rhs)
                    .filter(|x| x.iter().all(|v| v.is_finite()))
            }
        }
    };
}

// f64 cut-offs from Mächler (2012), "Accurately computing log(1 − exp(−|a|))";
// f32 ones are where the neglected term falls below half an f32 ulp.
impl_float!(f64, -37.0, 18.0, 33.3);
impl_float!(f32, -17.0, 9.0, 16.7);
