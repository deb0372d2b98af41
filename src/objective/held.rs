//! Log-likelihoods maximized by Newton's method in f64 with one parameter
//! held at a value: the refits behind likelihood-ratio tests and profile
//! intervals. One loop ([`maximize`]) for every likelihood that gives its
//! value, score and information at a point: the binary one of `firth.rs`
//! (maximum likelihood or Firth's) and the multinomial one here.
//!
//! Reference: Venzon & Moolgavkar (1988), "A method for computing
//! profile-likelihood-based confidence intervals", Appl. Stat. 37(1), for
//! the profiles these refits trace.

use crate::Float;
use crate::kernels::{logsumexp, softmax_inplace};
use ndarray::{ArrayView1, ArrayView2, ArrayViewMut1};

/// A log-likelihood (penalized, for Firth), its score and the information
/// (row-major p × p, positive definite) at a point.
pub(crate) struct LikelihoodPoint {
    pub loglik: f64,
    pub score: Vec<f64>,
    pub information: Vec<f64>,
}

/// How a Newton run ended.
pub(crate) struct NewtonFit {
    pub params: Vec<f64>,
    pub point: LikelihoodPoint,
    pub iterations: usize,
    pub converged: bool,
    /// max |score| over the free parameters at the end.
    pub score_max: f64,
}

/// The largest Newton step per parameter (firthmodels' and logistf's `maxstep`).
const MAX_STEP: f64 = 5.0;
/// Step halvings per iteration.
const MAX_HALVINGS: usize = 25;

/// Maximizes the log-likelihood that `point` evaluates (`None` where the
/// information is not positive definite) by Newton from `params`, holding
/// parameter `fixed.0` at `fixed.1` when given, with step halving on the
/// log-likelihood, as R's logistf and firthmodels do. Converged when
/// max |score| over the free parameters ≤ `tol` · `total` (the weight sum:
/// the crate's scaled gradient test) and the last step was below `tol` too.
pub(crate) fn maximize(
    point: impl Fn(&[f64]) -> Option<LikelihoodPoint>,
    total: f64,
    mut params: Vec<f64>,
    fixed: Option<(usize, f64)>,
    tol: f64,
    max_iter: usize,
) -> Option<NewtonFit> {
    let p = params.len();
    if let Some((j, v)) = fixed {
        params[j] = v;
    }
    let free: Vec<usize> = (0..p).filter(|&j| Some(j) != fixed.map(|f| f.0)).collect();
    let m = free.len();
    let mut current = point(&params)?;
    let score_max =
        |at: &LikelihoodPoint| free.iter().map(|&j| at.score[j].abs()).fold(0.0, f64::max);
    let mut iterations = 0;
    let mut last_step = f64::INFINITY;
    while iterations < max_iter {
        if score_max(&current) <= tol * total && last_step <= tol.max(1e-12) {
            break;
        }
        iterations += 1;
        let sub: Vec<f64> = free
            .iter()
            .flat_map(|&a| free.iter().map(move |&b| (a, b)))
            .map(|(a, b)| current.information[a * p + b])
            .collect();
        let rhs: Vec<f64> = free.iter().map(|&j| current.score[j]).collect();
        let factor = cholesky(&sub, m)?;
        let mut step = solve(&factor, m, &rhs);
        let largest = step.iter().fold(0.0_f64, |a, v| a.max(v.abs()));
        if largest > MAX_STEP {
            step.iter_mut().for_each(|v| *v *= MAX_STEP / largest);
        }
        let mut scale = 1.0;
        let mut accepted = None;
        for _ in 0..=MAX_HALVINGS {
            let mut trial = params.clone();
            for (k, &j) in free.iter().enumerate() {
                trial[j] += scale * step[k];
            }
            if let Some(next) = point(&trial)
                && next.loglik >= current.loglik - 1e-12 * current.loglik.abs().max(1.0)
            {
                accepted = Some((trial, next));
                break;
            }
            scale *= 0.5;
        }
        let Some((trial, next)) = accepted else {
            break;
        };
        last_step = step.iter().fold(0.0_f64, |a, v| a.max((scale * v).abs()));
        params = trial;
        current = next;
    }
    let score_max = score_max(&current);
    Some(NewtonFit {
        converged: score_max <= tol * total,
        params,
        point: current,
        iterations,
        score_max,
    })
}

/// The data of a multinomial maximum-likelihood fit, borrowed, in the
/// reference parameterization of statsmodels' `MNLogit`: class 0 pinned at
/// zero, parameters θ[(c − 1)·p + j] for classes c = 1..k with column j = 0
/// the intercept (when fitted), then the features (p columns in all).
pub(crate) struct SoftmaxData<'a, F> {
    pub x: ArrayView2<'a, F>,
    /// The class of each row, 0..k.
    pub class: &'a [usize],
    pub k: usize,
    pub weight: &'a [F],
    pub fit_intercept: bool,
}

impl<F: Float> SoftmaxData<'_, F> {
    /// Columns per class: the intercept (when fitted) and the features.
    pub fn n_columns(&self) -> usize {
        self.x.ncols() + usize::from(self.fit_intercept)
    }

    /// ℓ, its score and the information at θ, or `None` where the
    /// information is not positive definite (or ℓ is not finite).
    pub fn point(&self, theta: &[f64]) -> Option<LikelihoodPoint> {
        let p = self.n_columns();
        let m = (self.k - 1) * p;
        let mut row = vec![0.0; p];
        let mut eta = vec![0.0; self.k];
        let mut proba = vec![0.0; self.k];
        let mut loglik = 0.0;
        let mut score = vec![0.0; m];
        let mut information = vec![0.0; m * m];
        for (i, x) in self.x.rows().into_iter().enumerate() {
            let offset = usize::from(self.fit_intercept);
            row[0] = 1.0;
            for (j, v) in x.iter().enumerate() {
                row[j + offset] = v.to_f64_lossy();
            }
            for c in 1..self.k {
                let coef = &theta[(c - 1) * p..c * p];
                eta[c] = row.iter().zip(coef).map(|(a, b)| a * b).sum();
            }
            proba.copy_from_slice(&eta);
            softmax_inplace(ArrayViewMut1::from(&mut proba[..]));
            let (w, y) = (self.weight[i].to_f64_lossy(), self.class[i]);
            loglik += w * (eta[y] - logsumexp(ArrayView1::from(&eta[..])));
            for c in 1..self.k {
                let residual = w * (f64::from(u8::from(c == y)) - proba[c]);
                for (s, v) in score[(c - 1) * p..c * p].iter_mut().zip(&row) {
                    *s += residual * v;
                }
                // Block (c, c') of Σ sᵢ (diag(p) − p pᵀ) ⊗ x̃x̃ᵀ, lower half.
                for c2 in 1..=c {
                    let h = w * proba[c] * (f64::from(u8::from(c == c2)) - proba[c2]);
                    for (a, &xa) in row.iter().enumerate() {
                        let start = ((c - 1) * p + a) * m + (c2 - 1) * p;
                        let width = if c == c2 { a + 1 } else { p };
                        let scaled = h * xa;
                        for (entry, &xb) in information[start..start + width].iter_mut().zip(&row) {
                            *entry += scaled * xb;
                        }
                    }
                }
            }
        }
        for a in 0..m {
            for b in 0..a {
                information[b * m + a] = information[a * m + b];
            }
        }
        if !loglik.is_finite() {
            return None;
        }
        cholesky(&information, m)?;
        Some(LikelihoodPoint {
            loglik,
            score,
            information,
        })
    }
}

/// Lower Cholesky factor (row-major) of a symmetric p × p matrix, or `None`
/// when it is not positive definite.
pub(crate) fn cholesky(a: &[f64], p: usize) -> Option<Vec<f64>> {
    let mut l = vec![0.0; p * p];
    for j in 0..p {
        let mut diag = a[j * p + j];
        for k in 0..j {
            diag -= l[j * p + k] * l[j * p + k];
        }
        if diag.is_nan() || diag <= 0.0 {
            return None;
        }
        let root = diag.sqrt();
        l[j * p + j] = root;
        for i in (j + 1)..p {
            let mut v = a[i * p + j];
            for k in 0..j {
                v -= l[i * p + k] * l[j * p + k];
            }
            l[i * p + j] = v / root;
        }
    }
    Some(l)
}

/// z = L⁻¹ b.
pub(crate) fn forward(l: &[f64], p: usize, b: &[f64], z: &mut [f64]) {
    for i in 0..p {
        let mut v = b[i];
        for k in 0..i {
            v -= l[i * p + k] * z[k];
        }
        z[i] = v / l[i * p + i];
    }
}

/// x = (L Lᵀ)⁻¹ b.
pub(crate) fn solve(l: &[f64], p: usize, b: &[f64]) -> Vec<f64> {
    let mut z = vec![0.0; p];
    forward(l, p, b, &mut z);
    let mut x = vec![0.0; p];
    for i in (0..p).rev() {
        let mut v = z[i];
        for k in (i + 1)..p {
            v -= l[k * p + i] * x[k];
        }
        x[i] = v / l[i * p + i];
    }
    x
}
