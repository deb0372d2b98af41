//! Where a conjugate-gradient step on the model's face meets zero: the
//! first crossing along a direction, how a run ends, and how far a
//! projected search reaches.

use crate::Float;
use ndarray::ArrayView1;
use std::borrow::Cow;

/// A projected search stops at zero the coordinates the step would carry
/// across zero within this many times its length, not only within it.
/// After a new α's first sweeps thousands of coordinates head back to
/// zero, and a conjugate-gradient run stopped by each one or two crossing
/// in turn (a restart each) spent most of the 20,000 × 50,000 path; with
/// the longer reach each restart stops more of them. The model's value
/// still decides between this step and the one cut at the first crossing.
/// (One run each at tol 1e-8: reach 1 36 s, 2 20 s with a gap of 1.7e-8,
/// 3 21 s, 4 23–26 s, 8 34 s with a gap of 1.4e-8, 16 56 s; BENCHMARKS.md.)
pub(super) const PIN_REACH: f64 = 4.0;

/// How one run of conjugate gradients ended.
pub(super) enum Run<F> {
    /// Out of steps, or no positive curvature along its direction.
    Stalled,
    /// The model's gradient over the free coordinates is within the tolerance.
    Converged,
    /// The next step would carry coordinates across zero.
    Crossing(Crossing<F>),
}

/// A conjugate-gradient step that would carry coordinates across zero.
pub(super) struct Crossing<F> {
    /// The full step along `direction`.
    pub(super) step: F,
    /// The step at which the first coordinate reaches zero.
    pub(super) to_first: F,
    pub(super) direction: Vec<F>,
    /// X·direction and its softmax mix.
    pub(super) x_dir: Vec<F>,
    pub(super) u_dir: Vec<F>,
    /// −(model gradient)·direction.
    pub(super) rd: F,
    /// directionᵀ·H·direction.
    pub(super) curvature: F,
}

/// The step along `v` (on `free`, signs `sign`) from `params` + `delta`
/// at which the first coordinate heading for zero reaches it; infinity if
/// none does. Ratios compared by cross-multiplication and the heading
/// tested without a branch: a division and a mispredicted branch per
/// coordinate had made this scan most of a step's work outside the
/// product with H (1,500 × 3,000 path: 0.41 → 0.39 s, same results).
pub(super) fn first_crossing<F: Float>(
    params: ArrayView1<'_, F>,
    delta: ArrayView1<'_, F>,
    free: &[usize],
    v: &[F],
    sign: &[F],
) -> F {
    let (p, dl) = (contiguous(params), contiguous(delta));
    // The smallest |value| / |d| so far, as a fraction.
    let (mut distance, mut speed) = (F::infinity(), F::one());
    for ((&j, &d), &s) in free.iter().zip(v).zip(sign) {
        let value = (p[j] + dl[j]).abs();
        let heading = d * s < F::zero();
        if heading & (value * speed < distance * d.abs()) {
            (distance, speed) = (value, d.abs());
        }
    }
    distance / speed
}

/// `a` as a slice: borrowed when contiguous (as the solver's own arrays
/// are), else copied once, so that [`first_crossing`] has one loop.
fn contiguous<F: Float>(a: ArrayView1<'_, F>) -> Cow<'_, [F]> {
    match a.to_slice() {
        Some(slice) => Cow::Borrowed(slice),
        None => Cow::Owned(a.to_vec()),
    }
}
