//! What a binary summary keeps to refit its model with one parameter held
//! fixed: likelihood-ratio tests and profile bounds (maximum likelihood or
//! Firth's penalized likelihood).

use crate::Float;
use crate::objective::firth::FirthData;
use ndarray::Array2;

/// What a summary keeps to refit a binary model: the data (a copy of x), the
/// estimate in the objective layout [w, b] and its (penalized) log-likelihood.
#[derive(Debug, Clone)]
pub(super) struct Refit<F> {
    pub x: Array2<F>,
    pub y: Vec<F>,
    pub weight: Vec<F>,
    pub fit_intercept: bool,
    pub firth: bool,
    pub params: Vec<f64>,
    pub loglik: f64,
}

/// Tolerance (on max |score| / Σs) and iterations of the constrained refits.
const REFIT_TOL: f64 = 1e-10;
const REFIT_MAX_ITER: usize = 1000;
/// Doublings of the bracket and secant steps of a profile bound.
const MAX_BRACKET: usize = 60;
const MAX_SECANT: usize = 200;

impl<F: Float> Refit<F> {
    fn data(&self) -> FirthData<'_, F> {
        FirthData {
            x: self.x.view(),
            y: &self.y,
            weight: &self.weight,
            fit_intercept: self.fit_intercept,
            firth: self.firth,
        }
    }

    /// The (penalized) log-likelihood at the estimate (NaN where the
    /// information is singular).
    pub fn log_likelihood(&self) -> f64 {
        self.data()
            .point(&self.params)
            .map_or(f64::NAN, |p| p.loglik)
    }

    /// The information at the estimate (objective layout, row-major):
    /// for Firth the augmented one whose inverse gives firthmodels' Wald
    /// standard errors.
    pub fn information(&self) -> Option<Vec<f64>> {
        self.data().point(&self.params).map(|p| p.information)
    }

    /// The objective-layout index of summary column `c`.
    pub fn index(&self, c: usize) -> usize {
        let d = self.x.ncols();
        match (self.fit_intercept, c) {
            (true, 0) => d,
            (true, c) => c - 1,
            (false, c) => c,
        }
    }

    /// The maximum of the (penalized) log-likelihood with parameter `j`
    /// held at `value`, warm-started at `start`; `None` when the refit did
    /// not converge.
    pub fn profile(&self, j: usize, value: f64, start: &[f64]) -> Option<(f64, Vec<f64>)> {
        let fit =
            self.data()
                .newton(start.to_vec(), Some((j, value)), REFIT_TOL, REFIT_MAX_ITER)?;
        fit.converged.then_some((fit.point.loglik, fit.params))
    }

    /// One profile bound of parameter `j` (direction −1 or +1): where the
    /// profile falls to `target`, bracketed by doubling steps of `step` and
    /// solved by the Illinois variant of regula falsi.
    pub fn bound(&self, j: usize, direction: f64, step: f64, target: f64) -> f64 {
        let estimate = self.params[j];
        let (mut inner, mut g_inner) = (estimate, self.loglik - target);
        let mut start = self.params.clone();
        let mut width = step;
        let (mut outer, mut g_outer) = (f64::NAN, f64::NAN);
        for _ in 0..MAX_BRACKET {
            let v = estimate + direction * width;
            let Some((value, params)) = self.profile(j, v, &start) else {
                return f64::NAN;
            };
            if value - target < 0.0 {
                (outer, g_outer) = (v, value - target);
                break;
            }
            (inner, g_inner, start) = (v, value - target, params);
            width *= 2.0;
        }
        if outer.is_nan() {
            return direction * f64::INFINITY;
        }
        let (mut a, mut g_a, mut b, mut g_b) = (inner, g_inner, outer, g_outer);
        for _ in 0..MAX_SECANT {
            let c = b - g_b * (b - a) / (g_b - g_a);
            let Some((value, params)) = self.profile(j, c, &start) else {
                return f64::NAN;
            };
            let g_c = value - target;
            if g_c.abs() <= 1e-11 * target.abs().max(1.0)
                || (b - a).abs() <= 1e-12 * c.abs().max(1.0)
            {
                return c;
            }
            if g_c * g_b < 0.0 {
                (a, g_a) = (b, g_b);
            } else {
                g_a *= 0.5;
            }
            (b, g_b, start) = (c, g_c, params);
        }
        b
    }
}
