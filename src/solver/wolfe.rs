//! A line search that satisfies the strong Wolfe conditions, for L-BFGS.

use super::{Point, Ray};
use crate::Float;

/// Bracketing and zoom with safeguarded cubic interpolation: Nocedal &
/// Wright, *Numerical Optimization*, 2nd ed., Algorithms 3.5 and 3.6, with
/// c₁ = 1e-4 and c₂ = 0.9. Accepts α when
/// f(x + αp) ≤ f(x) + c₁α∇fᵀp and |∇f(x + αp)ᵀp| ≤ c₂|∇fᵀp|.
///
/// Near the optimum the sufficient-decrease test drowns in rounding; a step
/// whose value rose by no more than rounding and whose directional derivative
/// shrank as the curvature condition asks is accepted too. For the same
/// reason two trials whose values differ by no more than rounding count as
/// level, not as a rise, and their slopes decide: in f32 an objective near 1
/// has 7 digits, and the last iterations of a tol = 1e-6 fit change it by
/// less than its last one, so every trial ties with the start. Counting a
/// tie as a rise sent each such search into a zoom that collapsed after 15
/// evaluations without a step (issue 21: 77 evaluations in f32 against 23
/// in f64 on the 10-class 50,000 × 20 problem).
#[derive(Debug, Clone, Copy)]
pub(crate) struct StrongWolfe<F> {
    c1: F,
    c2: F,
    max_evaluations: usize,
}

impl<F: Float> Default for StrongWolfe<F> {
    fn default() -> Self {
        Self {
            c1: F::from_f64_lossy(1e-4),
            c2: F::from_f64_lossy(0.9),
            max_evaluations: 30,
        }
    }
}

/// A trial step with its point and directional derivative.
#[derive(Clone)]
struct Trial<F> {
    step: F,
    point: Point<F>,
    slope: F,
}

impl<F: Float> StrongWolfe<F> {
    /// Searches along `ray`, first trying `step`. `None` when no acceptable
    /// step was found.
    ///
    /// ```
    /// // Crate-internal; seen from outside in L-BFGS, whose objective never rises
    /// // from one iteration to the next.
    /// use logreg::objective::BinaryLogistic;
    /// use logreg::solver::{Control, Lbfgs, Progress, Solver, StopRule};
    /// use ndarray::{array, Array1};
    /// let x = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]];
    /// let y = array![0.0, 0.0, 1.0, 1.0];
    /// let objective = BinaryLogistic::new(x.view(), y, None, 0.1, true)?;
    /// let stop = StopRule::new(1e-10, 100)?;
    /// let mut values = Vec::new();
    /// let mut record = |p: &Progress<f64>| {
    ///     values.push(p.objective);
    ///     Control::Continue
    /// };
    /// let solution = Lbfgs::new().minimize(&objective, Array1::zeros(3), &stop, &mut record)?;
    /// assert!(solution.report.converged());
    /// assert!(values.windows(2).all(|w| w[1] <= w[0] + 1e-15));
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn search(&self, ray: Ray<'_, F>, step: F) -> Option<Point<F>> {
        let (start, slope0, rounding) = (ray.start, ray.slope, ray.rounding);
        let evaluate = |step: F| -> Trial<F> {
            let point = ray.at(step);
            let slope = point.grad.dot(ray.direction);
            Trial { step, point, slope }
        };
        let curvature_ok = |t: &Trial<F>| t.slope.abs() <= -self.c2 * slope0;
        let decrease_ok = |t: &Trial<F>| {
            t.point.is_finite()
                && (t.point.value <= start.value + self.c1 * t.step * slope0
                    || (t.point.value - start.value <= rounding && t.slope.abs() < slope0.abs()))
        };
        let mut previous = Trial {
            step: F::zero(),
            point: start.clone(),
            slope: slope0,
        };
        let mut step = step;
        for evaluation in 0..self.max_evaluations {
            let trial = evaluate(step);
            if !decrease_ok(&trial) || (evaluation > 0 && rose(&trial, &previous, rounding)) {
                return self.zoom(
                    previous,
                    trial,
                    &ray,
                    &evaluate,
                    &decrease_ok,
                    &curvature_ok,
                );
            }
            if curvature_ok(&trial) {
                return Some(trial.point);
            }
            if trial.slope >= F::zero() {
                return self.zoom(
                    trial,
                    previous,
                    &ray,
                    &evaluate,
                    &decrease_ok,
                    &curvature_ok,
                );
            }
            previous = trial;
            step *= F::from_f64_lossy(2.0);
        }
        None
    }

    /// Shrinks the bracket [lo, hi] (lo satisfies sufficient decrease) until
    /// a point satisfies both conditions.
    fn zoom(
        &self,
        mut lo: Trial<F>,
        mut hi: Trial<F>,
        ray: &Ray<'_, F>,
        evaluate: &dyn Fn(F) -> Trial<F>,
        decrease_ok: &dyn Fn(&Trial<F>) -> bool,
        curvature_ok: &dyn Fn(&Trial<F>) -> bool,
    ) -> Option<Point<F>> {
        for _ in 0..self.max_evaluations {
            let width = (hi.step - lo.step).abs();
            if width <= F::epsilon() * lo.step.abs().max(hi.step.abs()) {
                break;
            }
            let step = cubic_minimizer(&lo, &hi);
            let trial = evaluate(step);
            if !decrease_ok(&trial) || rose(&trial, &lo, ray.rounding) {
                hi = trial;
            } else {
                if curvature_ok(&trial) {
                    return Some(trial.point);
                }
                if trial.slope * (hi.step - lo.step) >= F::zero() {
                    hi = lo;
                }
                lo = trial;
            }
        }
        // The bracket collapsed: take its best end if it made progress.
        (lo.step > F::zero() && lo.point.value < ray.start.value).then_some(lo.point)
    }
}

/// Whether `trial`'s value is above `than`'s by more than `rounding`.
fn rose<F: Float>(trial: &Trial<F>, than: &Trial<F>, rounding: F) -> bool {
    trial.point.value - than.point.value > rounding
}

/// The minimizer of the cubic through two trials' values and slopes, kept at
/// least 10% of the interval away from either end (bisection when the cubic
/// has no minimizer there).
fn cubic_minimizer<F: Float>(a: &Trial<F>, b: &Trial<F>) -> F {
    let (lo, hi) = if a.step < b.step { (a, b) } else { (b, a) };
    let width = hi.step - lo.step;
    let d1 = lo.slope + hi.slope
        - F::from_f64_lossy(3.0) * (lo.point.value - hi.point.value) / (lo.step - hi.step);
    let radicand = d1 * d1 - lo.slope * hi.slope;
    let midpoint = lo.step + width * F::from_f64_lossy(0.5);
    if radicand.is_nan() || radicand < F::zero() {
        return midpoint;
    }
    let d2 = radicand.sqrt();
    let step = hi.step
        - width * (hi.slope + d2 - d1) / (hi.slope - lo.slope + F::from_f64_lossy(2.0) * d2);
    let margin = width * F::from_f64_lossy(0.1);
    if step.is_finite() {
        step.max(lo.step + margin).min(hi.step - margin)
    } else {
        midpoint
    }
}
