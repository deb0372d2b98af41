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

use super::held::{LikelihoodPoint, NewtonFit, cholesky, forward, maximize};
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

    /// ℓ*, U* and I at `params`, or `None` where I is not positive definite:
    /// for Firth the augmented information X̃ᵀ diag((sᵢ + hᵢ) pᵢ(1 − pᵢ)) X̃
    /// of firthmodels (the information of the pseudo-data that the modified
    /// score is the plain score of), which is both the Newton matrix and the
    /// Wald covariance's inverse; for ML X̃ᵀWX̃.
    pub fn point(&self, params: &[f64]) -> Option<LikelihoodPoint> {
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
        Some(LikelihoodPoint {
            loglik,
            score,
            information: if self.firth { augmented } else { information },
        })
    }

    /// Maximizes ℓ* by Newton from `start`, holding parameter `fixed.0` at
    /// `fixed.1` when given (see [`maximize`]).
    pub fn newton(
        &self,
        params: Vec<f64>,
        fixed: Option<(usize, f64)>,
        tol: f64,
        max_iter: usize,
    ) -> Option<NewtonFit> {
        let total: f64 = self.weight.iter().map(|w| w.to_f64_lossy()).sum();
        maximize(|at| self.point(at), total, params, fixed, tol, max_iter)
    }
}
