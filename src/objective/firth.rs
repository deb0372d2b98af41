//! Firth's penalized likelihood for binary logistic regression:
//! ℓ*(β) = ℓ(β) + ½ log det I(β), I = X̃ᵀ W X̃ with W = diag(sᵢ pᵢ(1 − pᵢ)),
//! maximized by Newton's method with the modified score
//! U*(β) = X̃ᵀ [s ⊙ (y − p) + h ⊙ (½ − p)] (hᵢ the diagonal of the hat
//! matrix W^½ X̃ I⁻¹ X̃ᵀ W^½) and the Fisher information as the Newton
//! matrix, step halving on ℓ*, as R's logistf and firthmodels do.
//!
//! Also the unpenalized likelihood (for likelihood-ratio tests and profile
//! intervals of maximum-likelihood fits), and fits with one parameter held
//! at a value. All arithmetic is in f64; parameters are in the objective
//! layout [w, b].
//!
//! References: Firth (1993), "Bias reduction of maximum likelihood
//! estimates", Biometrika 80(1); Heinze & Schemper (2002), "A solution to
//! the problem of separation in logistic regression", Stat. Med. 21.

use crate::Float;
use crate::kernels::{sigmoid, softplus};
use ndarray::ArrayView2;

/// The data of a binary fit, borrowed.
pub(crate) struct FirthData<'a, F> {
    pub x: ArrayView2<'a, F>,
    /// 0/1 targets.
    pub y: &'a [F],
    pub weight: &'a [F],
    pub fit_intercept: bool,
    /// Whether the Jeffreys term ½ log det I is added (false: plain ML).
    pub firth: bool,
}

/// The penalized log-likelihood, its modified score and the information
/// (row-major p × p) at a point: for Firth the augmented information
/// X̃ᵀ diag((sᵢ + hᵢ) pᵢ(1 − pᵢ)) X̃ of firthmodels (the information of the
/// pseudo-data that the modified score is the plain score of), which is both
/// the Newton matrix and the Wald covariance's inverse; for ML X̃ᵀWX̃.
pub(crate) struct FirthPoint {
    pub loglik: f64,
    pub score: Vec<f64>,
    pub information: Vec<f64>,
}

/// How a Newton run ended.
pub(crate) struct FirthFit {
    pub params: Vec<f64>,
    pub point: FirthPoint,
    pub iterations: usize,
    pub converged: bool,
    /// max |U*| over the free parameters at the end.
    pub score_max: f64,
}

/// The largest Newton step per parameter (firthmodels' and logistf's `maxstep`).
const MAX_STEP: f64 = 5.0;
/// Step halvings per iteration.
const MAX_HALVINGS: usize = 25;

impl<F: Float> FirthData<'_, F> {
    pub fn n_params(&self) -> usize {
        self.x.ncols() + usize::from(self.fit_intercept)
    }

    /// x̃ᵢ in the layout [features, 1].
    fn row(&self, i: usize, out: &mut [f64]) {
        let d = self.x.ncols();
        for (j, v) in self.x.row(i).iter().enumerate() {
            out[j] = v.to_f64_lossy();
        }
        if self.fit_intercept {
            out[d] = 1.0;
        }
    }

    /// ℓ*, U* and I at `params`, or `None` where I is not positive definite.
    pub fn point(&self, params: &[f64]) -> Option<FirthPoint> {
        let p = self.n_params();
        let n = self.x.nrows();
        let mut rows = vec![0.0; n * p];
        let mut proba = vec![0.0; n];
        let mut hess_weight = vec![0.0; n];
        let mut loglik = 0.0;
        let mut information = vec![0.0; p * p];
        for i in 0..n {
            let row = &mut rows[i * p..(i + 1) * p];
            self.row(i, row);
            let eta: f64 = row.iter().zip(params).map(|(a, b)| a * b).sum();
            let (w, y) = (self.weight[i].to_f64_lossy(), self.y[i].to_f64_lossy());
            loglik += w * (y * eta - softplus(eta));
            let pi = sigmoid(eta);
            proba[i] = pi;
            hess_weight[i] = w * pi * (1.0 - pi);
            for a in 0..p {
                for b in 0..=a {
                    information[a * p + b] += hess_weight[i] * row[a] * row[b];
                }
            }
        }
        for a in 0..p {
            for b in 0..a {
                information[b * p + a] = information[a * p + b];
            }
        }
        let factor = cholesky(&information, p)?;
        let mut score = vec![0.0; p];
        let mut z = vec![0.0; p];
        let mut augmented = vec![0.0; if self.firth { p * p } else { 0 }];
        for i in 0..n {
            let row = &rows[i * p..(i + 1) * p];
            let (w, y) = (self.weight[i].to_f64_lossy(), self.y[i].to_f64_lossy());
            let mut residual = w * (y - proba[i]);
            if self.firth {
                forward(&factor, p, row, &mut z);
                let leverage = hess_weight[i] * z.iter().map(|v| v * v).sum::<f64>();
                residual += leverage * (0.5 - proba[i]);
                let weight = hess_weight[i] + leverage * proba[i] * (1.0 - proba[i]);
                for a in 0..p {
                    for b in 0..p {
                        augmented[a * p + b] += weight * row[a] * row[b];
                    }
                }
            }
            for (s, v) in score.iter_mut().zip(row) {
                *s += residual * v;
            }
        }
        if self.firth {
            let log_det: f64 = (0..p).map(|k| factor[k * p + k].ln()).sum::<f64>() * 2.0;
            loglik += 0.5 * log_det;
        }
        Some(FirthPoint {
            loglik,
            score,
            information: if self.firth { augmented } else { information },
        })
    }

    /// Maximizes ℓ* by Newton from `start`, holding parameter `fixed.0` at
    /// `fixed.1` when given. Converged when max |U*| over the free
    /// parameters ≤ `tol` · Σs (the crate's scaled gradient test) and the
    /// last step was below `tol` too.
    pub fn newton(
        &self,
        mut params: Vec<f64>,
        fixed: Option<(usize, f64)>,
        tol: f64,
        max_iter: usize,
    ) -> Option<FirthFit> {
        let p = self.n_params();
        if let Some((j, v)) = fixed {
            params[j] = v;
        }
        let free: Vec<usize> = (0..p).filter(|&j| Some(j) != fixed.map(|f| f.0)).collect();
        let m = free.len();
        let total: f64 = self.weight.iter().map(|w| w.to_f64_lossy()).sum();
        let mut point = self.point(&params)?;
        let score_max = |point: &FirthPoint| {
            free.iter()
                .map(|&j| point.score[j].abs())
                .fold(0.0, f64::max)
        };
        let mut iterations = 0;
        let mut last_step = f64::INFINITY;
        while iterations < max_iter {
            if score_max(&point) <= tol * total && last_step <= tol.max(1e-12) {
                break;
            }
            iterations += 1;
            let sub: Vec<f64> = free
                .iter()
                .flat_map(|&a| free.iter().map(move |&b| (a, b)))
                .map(|(a, b)| point.information[a * p + b])
                .collect();
            let rhs: Vec<f64> = free.iter().map(|&j| point.score[j]).collect();
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
                if let Some(next) = self.point(&trial)
                    && next.loglik >= point.loglik - 1e-12 * point.loglik.abs().max(1.0)
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
            point = next;
        }
        let score_max = score_max(&point);
        Some(FirthFit {
            converged: score_max <= tol * total,
            params,
            point,
            iterations,
            score_max,
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
fn forward(l: &[f64], p: usize, b: &[f64], z: &mut [f64]) {
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
