//! Scalar and row kernels: stable sigmoid, softplus, log-sum-exp, softmax
//! and cross-entropy, finite for every finite input.

use crate::Float;
use ndarray::{ArrayView1, ArrayViewMut1};

/// softplus(x) = ln(1 + eˣ), without overflow or loss of precision.
///
/// ```
/// use logreg::kernels::softplus;
/// assert_eq!(softplus(-800.0_f64), 0.0_f64.max((-800.0_f64).exp()));
/// assert!((softplus(0.0_f64) - 2f64.ln()).abs() < 1e-16);
/// assert_eq!(softplus(1e300_f64), 1e300);
/// ```
#[inline]
pub fn softplus<F: Float>(x: F) -> F {
    if x <= F::SOFTPLUS_EXP_BELOW {
        x.exp()
    } else if x <= F::SOFTPLUS_LOG1P_BELOW {
        x.exp().ln_1p()
    } else if x <= F::SOFTPLUS_LINEAR_ABOVE {
        x + (-x).exp()
    } else {
        x
    }
}

/// ln σ(x) = −softplus(−x): finite for every finite x.
///
/// ```
/// use logreg::kernels::log_sigmoid;
/// assert_eq!(log_sigmoid(-1e300_f64), -1e300);
/// assert!(log_sigmoid(40.0_f64) < 0.0);
/// ```
#[inline]
pub fn log_sigmoid<F: Float>(x: F) -> F {
    -softplus(-x)
}

/// The logistic function σ(x) = 1 / (1 + e⁻ˣ), computed from e^(−|x|) only.
///
/// ```
/// use logreg::kernels::sigmoid;
/// assert_eq!(sigmoid(0.0_f64), 0.5);
/// assert_eq!(sigmoid(-800.0_f64), 0.0);
/// assert!(sigmoid(-30.0_f64) > 0.0);
/// ```
#[inline]
pub fn sigmoid<F: Float>(x: F) -> F {
    sigmoid_pair(x).1
}

/// (σ(−x), σ(x)), the probabilities of a binary model's two classes, from
/// one e^(−|x|): the same bits as two calls of [`sigmoid`].
#[inline]
pub(crate) fn sigmoid_pair<F: Float>(x: F) -> (F, F) {
    let e = (-x.abs()).exp();
    let (small, large) = (e / (F::one() + e), F::one() / (F::one() + e));
    if x >= F::zero() {
        (small, large)
    } else {
        (large, small)
    }
}

/// ln Σ exp(xⱼ), with the maximum subtracted first. `-inf` for an empty row.
///
/// ```
/// use logreg::kernels::logsumexp;
/// use ndarray::array;
/// let v = logsumexp(array![1000.0_f64, 1000.0].view());
/// assert!((v - (1000.0 + 2f64.ln())).abs() < 1e-12);
/// ```
pub fn logsumexp<F: Float>(row: ArrayView1<'_, F>) -> F {
    let (max, log_rest) = max_and_log_sum(row);
    max + log_rest
}

/// The row maximum m and ln Σ exp(xⱼ − m), the latter as ln_1p of the sum
/// over all entries but one maximal one: it keeps full relative precision when
/// the maximum dominates (ln(1 + 1e-20) would round to 0). `(m, 0)` when m
/// is not finite (an empty row gives −inf).
fn max_and_log_sum<F: Float>(row: ArrayView1<'_, F>) -> (F, F) {
    let (argmax, max) =
        row.iter()
            .enumerate()
            .fold((usize::MAX, F::neg_infinity()), |(ia, m), (i, &v)| {
                if v > m { (i, v) } else { (ia, m) }
            });
    if !max.is_finite() {
        return (max, F::zero());
    }
    let rest = row
        .iter()
        .enumerate()
        .filter(|&(i, _)| i != argmax)
        .fold(F::zero(), |acc, (_, &v)| acc + (v - max).exp());
    (max, rest.ln_1p())
}

/// Replaces a row of scores by its softmax (probabilities summing to 1).
///
/// ```
/// use logreg::kernels::softmax_inplace;
/// use ndarray::array;
/// let mut row = array![1e300_f64, 0.0, -1e300];
/// softmax_inplace(row.view_mut());
/// assert_eq!(row, array![1.0, 0.0, 0.0]);
/// // Overflowed scores share the probability instead of giving ∞ − ∞ = NaN.
/// let mut row = array![f64::INFINITY, 0.0, f64::INFINITY];
/// softmax_inplace(row.view_mut());
/// assert_eq!(row, array![0.5, 0.0, 0.5]);
/// ```
pub fn softmax_inplace<F: Float>(mut row: ArrayViewMut1<'_, F>) {
    let max = row.fold(F::neg_infinity(), |m, &v| m.max(v));
    if !max.is_finite() {
        let share = F::one() / count_of(row.view(), max);
        row.mapv_inplace(|v| if v == max { share } else { F::zero() });
        return;
    }
    row.mapv_inplace(|v| (v - max).exp());
    let sum = row.sum();
    row.mapv_inplace(|v| v / sum);
}

/// Replaces a row of scores by its log-softmax η − logsumexp(η) (never ln p).
///
/// ```
/// use logreg::kernels::log_softmax_inplace;
/// use ndarray::array;
/// let mut row = array![0.0_f64, -800.0];
/// log_softmax_inplace(row.view_mut());
/// assert_eq!(row[1], -800.0);
/// let mut row = array![f64::INFINITY, 0.0];
/// log_softmax_inplace(row.view_mut());
/// assert_eq!(row, array![0.0, f64::NEG_INFINITY]);
/// ```
pub fn log_softmax_inplace<F: Float>(mut row: ArrayViewMut1<'_, F>) {
    // (η − max) − ln Σ e^(η − max): two terms ≤ 0, so no cancellation (η − (max
    // + ln Σ) would lose ln Σ to the rounding of a large max).
    let (max, log_sum) = max_and_log_sum(row.view());
    if !max.is_finite() {
        let log_share = -count_of(row.view(), max).ln();
        row.mapv_inplace(|v| {
            if v == max {
                log_share
            } else {
                F::neg_infinity()
            }
        });
        return;
    }
    row.mapv_inplace(|v| (v - max) - log_sum);
}

/// How many entries equal a non-finite row maximum, as a float. Scores of
/// +∞ (an overflowing x·w) or a row of −∞ put all probability evenly on the
/// maximal entries, where η − max would be ∞ − ∞.
fn count_of<F: Float>(row: ArrayView1<'_, F>, max: F) -> F {
    let count = row.iter().filter(|&&v| v == max).count();
    F::from_usize(count).unwrap_or_else(F::max_value)
}

/// Binary cross-entropy ℓ(y, η) = softplus(η) − y·η for a label y ∈ [0, 1]
/// and a linear predictor η (the logit), without cancellation.
///
/// ```
/// use logreg::kernels::binary_cross_entropy;
/// assert_eq!(binary_cross_entropy(1.0_f64, 800.0), 0.0);
/// assert_eq!(binary_cross_entropy(0.0_f64, 800.0), 800.0);
/// ```
#[inline]
pub fn binary_cross_entropy<F: Float>(y: F, eta: F) -> F {
    binary_terms(y, eta).loss
}

/// Multinomial cross-entropy logsumexp(η) − η_class for one row of scores.
/// `None` when `class` is out of range.
///
/// ```
/// use logreg::kernels::multinomial_cross_entropy;
/// use ndarray::array;
/// let l = multinomial_cross_entropy(array![0.0_f64, 0.0].view(), 1).unwrap();
/// assert!((l - 2f64.ln()).abs() < 1e-16);
/// ```
pub fn multinomial_cross_entropy<F: Float>(eta: ArrayView1<'_, F>, class: usize) -> Option<F> {
    let target = *eta.get(class)?;
    // (max − η_c) + ln Σ e^(η − max): two terms ≥ 0, so no cancellation.
    let (max, log_sum) = max_and_log_sum(eta);
    Some((max - target) + log_sum)
}

/// Loss, residual p − y and Hessian weight p(1 − p) of one binary row.
#[derive(Clone, Copy, Debug)]
pub(crate) struct BinaryTerms<F> {
    pub loss: F,
    pub residual: F,
    pub hess_weight: F,
}

/// Branches on the sign of η so that only e^(−|η|) is computed: no overflow,
/// no cancellation in the loss or in p − y.
#[inline]
pub(crate) fn binary_terms<F: Float>(y: F, eta: F) -> BinaryTerms<F> {
    let e = (-eta.abs()).exp();
    let log1p_e = e.ln_1p();
    let one = F::one();
    let small = e / (one + e); // σ(−|η|)
    let (loss, residual) = if eta >= F::zero() {
        ((one - y) * eta + log1p_e, (one - y) - small)
    } else {
        (log1p_e - y * eta, small - y)
    };
    BinaryTerms {
        loss,
        residual,
        hess_weight: small * (one - small),
    }
}
