//! What a summary keeps to refit its model with one parameter held fixed:
//! likelihood-ratio tests and profile bounds, for binary fits (maximum
//! likelihood or Firth's penalized likelihood) and multinomial
//! maximum-likelihood fits.

use crate::Float;
use crate::objective::firth::FirthData;
use crate::objective::held::{LikelihoodPoint, SoftmaxData, maximize};
use ndarray::Array2;

/// What a summary keeps to refit its model: the data (a copy of x), the
/// estimate and its (penalized) log-likelihood. Binary parameters are in
/// the objective layout [w, b]; multinomial ones in the summary layout
/// (classes 1..k relative to class 0, each [b, w]).
#[derive(Debug, Clone)]
pub(super) struct Refit<F> {
    pub x: Array2<F>,
    pub weight: Vec<F>,
    pub fit_intercept: bool,
    pub target: Target<F>,
    pub params: Vec<f64>,
    pub loglik: f64,
}

/// The labels of a refit.
#[derive(Debug, Clone)]
pub(super) enum Target<F> {
    /// 0/1 targets; Firth's penalized likelihood or plain maximum likelihood.
    Binary { y: Vec<F>, firth: bool },
    /// The class of each row, 0..k (maximum likelihood).
    Classes { class: Vec<usize>, k: usize },
}

/// Tolerance (on max |score| / Σs) and iterations of the constrained refits.
const REFIT_TOL: f64 = 1e-10;
const REFIT_MAX_ITER: usize = 1000;
/// Doublings of the bracket and secant steps of a profile bound.
const MAX_BRACKET: usize = 60;
const MAX_SECANT: usize = 200;

impl<F: Float> Refit<F> {
    /// Whether the likelihood is Firth's penalized one.
    pub fn firth(&self) -> bool {
        matches!(self.target, Target::Binary { firth: true, .. })
    }

    /// The (penalized) log-likelihood, score and information at `params`.
    fn point(&self, params: &[f64]) -> Option<LikelihoodPoint> {
        match &self.target {
            Target::Binary { y, firth } => FirthData {
                x: self.x.view(),
                y,
                weight: &self.weight,
                fit_intercept: self.fit_intercept,
                firth: *firth,
            }
            .point(params),
            Target::Classes { class, k } => SoftmaxData {
                x: self.x.view(),
                class,
                k: *k,
                weight: &self.weight,
                fit_intercept: self.fit_intercept,
            }
            .point(params),
        }
    }

    /// The (penalized) log-likelihood at the estimate (NaN where the
    /// information is singular).
    pub fn log_likelihood(&self) -> f64 {
        self.point(&self.params).map_or(f64::NAN, |p| p.loglik)
    }

    /// The information at the estimate (in the layout of `params`,
    /// row-major): for Firth the augmented one whose inverse gives
    /// firthmodels' Wald standard errors.
    pub fn information(&self) -> Option<Vec<f64>> {
        self.point(&self.params).map(|p| p.information)
    }

    /// The index in `params` of summary entry (row `r`, column `c`).
    pub fn index(&self, r: usize, c: usize) -> usize {
        let d = self.x.ncols();
        match (&self.target, self.fit_intercept, c) {
            (Target::Classes { .. }, intercept, c) => r * (d + usize::from(intercept)) + c,
            (Target::Binary { .. }, true, 0) => d,
            (Target::Binary { .. }, true, c) => c - 1,
            (Target::Binary { .. }, false, c) => c,
        }
    }

    /// The maximum of the (penalized) log-likelihood with parameter `j`
    /// held at `value`, warm-started at `start`; `None` when the refit did
    /// not converge.
    pub fn profile(&self, j: usize, value: f64, start: &[f64]) -> Option<(f64, Vec<f64>)> {
        let total = self.weight.iter().map(|w| w.to_f64_lossy()).sum();
        let fit = maximize(
            |at| self.point(at),
            total,
            start.to_vec(),
            Some((j, value)),
            REFIT_TOL,
            REFIT_MAX_ITER,
        )?;
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
