//! Average marginal effects and intervals for predicted probabilities, both
//! by the delta method with the summary's covariance (so robust and
//! clustered errors carry over).

use super::Summary;
use super::covariance::{augmented, probabilities};
use super::summary::normal_quantile;
use super::table::Block;
use crate::kernels::sigmoid;
use crate::validate::check_features;
use crate::{Error, Float, Result};
use ndarray::{Array2, ArrayBase, ArrayView2, Data, Ix2, s};
use std::fmt;

/// Rows per block of the Jacobian accumulation.
const BLOCK: usize = 256;

/// Average marginal effects dP/dx (statsmodels'
/// `get_margeff(at="overall", method="dydx")`): the change of each modelled
/// probability per unit of each feature, averaged over the rows of x, with
/// delta-method standard errors from the summary's covariance.
///
/// Arrays have one row per modelled probability (binary: one row, the
/// second class; multinomial: one row per class) and one column per feature.
///
/// ```
/// use logreg::{LogisticRegression, Penalty};
/// use ndarray::array;
/// let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0], [6.0], [7.0]];
/// let y = array![0, 0, 1, 0, 1, 0, 1, 1];
/// let model = LogisticRegression::new().penalty(Penalty::None).fit(&x, &y)?;
/// let margins = model.summary(&x, &y)?.marginal_effects(&x)?;
/// // The average of p(1 − p)·β over the rows.
/// let p = model.predict_proba(&x)?;
/// let by_hand = p.column(1).mapv(|q| q * (1.0 - q)).mean().unwrap() * model.coef()[(0, 0)];
/// assert!((margins.effects()[(0, 0)] - by_hand).abs() < 1e-12);
/// assert!(margins.std_errors()[(0, 0)] > 0.0);
/// println!("{margins}");
/// # Ok::<(), logreg::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct MarginalEffects<F> {
    effects: Array2<F>,
    std_errors: Array2<F>,
    row_names: Vec<String>,
    feature_names: Vec<String>,
    covariance_name: String,
}

impl<F: Float> MarginalEffects<F> {
    /// The average marginal effects (rows × d).
    ///
    /// ```
    /// # use logreg::LogisticRegression;
    /// # use ndarray::array;
    /// let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0], [6.0], [7.0], [8.0]];
    /// let y = array![0, 1, 0, 2, 1, 0, 2, 2, 1];
    /// let model = LogisticRegression::new().fit(&x, &y)?;
    /// let margins = model.summary(&x, &y)?.marginal_effects(&x)?;
    /// // One row per class; the probabilities sum to one, so the effects sum to zero.
    /// assert_eq!(margins.effects().dim(), (3, 1));
    /// assert!(margins.effects().sum().abs() < 1e-12);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn effects(&self) -> &Array2<F> {
        &self.effects
    }

    /// Delta-method standard errors of the effects.
    ///
    /// ```
    /// # use logreg::{LogisticRegression, Penalty};
    /// # use ndarray::array;
    /// # let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0], [6.0], [7.0]];
    /// # let y = array![0, 0, 1, 0, 1, 0, 1, 1];
    /// # let model = LogisticRegression::new().penalty(Penalty::None).fit(&x, &y)?;
    /// let margins = model.summary(&x, &y)?.marginal_effects(&x)?;
    /// assert!(margins.std_errors().iter().all(|&s| s > 0.0 && s.is_finite()));
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn std_errors(&self) -> &Array2<F> {
        &self.std_errors
    }

    /// Two-sided p-values 2·Φ(−|effect / std error|).
    ///
    /// ```
    /// # use logreg::{LogisticRegression, Penalty};
    /// # use ndarray::array;
    /// # let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0], [6.0], [7.0]];
    /// # let y = array![0, 0, 1, 0, 1, 0, 1, 1];
    /// # let model = LogisticRegression::new().penalty(Penalty::None).fit(&x, &y)?;
    /// let margins = model.summary(&x, &y)?.marginal_effects(&x)?;
    /// assert!(margins.p_values().iter().all(|&p| 0.0 < p && p <= 1.0));
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn p_values(&self) -> Array2<F> {
        two_sided(&self.effects, &self.std_errors)
    }

    /// Wald intervals (lower, upper) of the effects at `level`.
    ///
    /// ```
    /// # use logreg::{LogisticRegression, Penalty};
    /// # use ndarray::array;
    /// # let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0], [6.0], [7.0]];
    /// # let y = array![0, 0, 1, 0, 1, 0, 1, 1];
    /// # let model = LogisticRegression::new().penalty(Penalty::None).fit(&x, &y)?;
    /// let margins = model.summary(&x, &y)?.marginal_effects(&x)?;
    /// let (low, high) = margins.conf_int(0.95)?;
    /// assert!(low[(0, 0)] < margins.effects()[(0, 0)] && margins.effects()[(0, 0)] < high[(0, 0)]);
    /// assert!(margins.conf_int(0.0).is_err());
    /// # Ok::<(), logreg::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] unless 0 < level < 1.
    pub fn conf_int(&self, level: F) -> Result<(Array2<F>, Array2<F>)> {
        let q = normal_quantile::<F>(level)?;
        let half = self.std_errors.mapv(|se| se * q);
        Ok((&self.effects - &half, &self.effects + &half))
    }
}

/// 2·Φ(−|a/b|) elementwise.
pub(super) fn two_sided<F: Float>(a: &Array2<F>, b: &Array2<F>) -> Array2<F> {
    let mut out = a / b;
    out.mapv_inplace(|z| {
        F::from_f64_lossy(statrs::function::erf::erfc(
            z.to_f64_lossy().abs() / std::f64::consts::SQRT_2,
        ))
    });
    out
}

impl<F: Float> fmt::Display for MarginalEffects<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rule = "=".repeat(78);
        writeln!(f, "{rule}")?;
        writeln!(f, "{:^78}", "Average marginal effects (dy/dx, at overall)")?;
        writeln!(f, "{:<18}{:>20}", "Covariance type:", self.covariance_name)?;
        let p = self.p_values();
        let (low, high) = self
            .conf_int(F::from_f64_lossy(0.95))
            .map_err(|_| fmt::Error)?;
        let thin = "-".repeat(78);
        for (r, row_name) in self.row_names.iter().enumerate() {
            let block = Block {
                row_name,
                estimate: "dy/dx",
                names: &self.feature_names,
                estimates: self.effects.row(r),
                std_errors: self.std_errors.row(r),
                p_values: p.row(r),
                low: low.row(r),
                high: high.row(r),
            };
            block.write(f, &rule, &thin)?;
        }
        writeln!(f, "{rule}")
    }
}

/// Predicted probabilities with standard errors and intervals (statsmodels'
/// `get_prediction(x).summary_frame()` for `Logit`).
///
/// Binary: one column, the second class's probability; its interval is the
/// linear predictor's Wald interval mapped through the sigmoid (so it stays
/// inside (0, 1)), its standard error p(1 − p)·se(η). Multinomial: one
/// column per class, by the delta method on the softmax: se from the
/// gradient of each probability, interval p ± z·se.
///
/// ```
/// use logreg::{LogisticRegression, Penalty};
/// use ndarray::array;
/// let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0], [6.0], [7.0]];
/// let y = array![0, 0, 1, 0, 1, 0, 1, 1];
/// let model = LogisticRegression::new().penalty(Penalty::None).fit(&x, &y)?;
/// let interval = model.summary(&x, &y)?.predict_interval(&array![[3.5]], 0.95)?;
/// let p = model.predict_proba(&array![[3.5]])?[(0, 1)];
/// assert!((interval.proba()[(0, 0)] - p).abs() < 1e-12);
/// assert!(interval.lower()[(0, 0)] < p && p < interval.upper()[(0, 0)]);
/// assert!(interval.std_errors()[(0, 0)] > 0.0);
/// # Ok::<(), logreg::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct PredictionInterval<F> {
    proba: Array2<F>,
    std_errors: Array2<F>,
    lower: Array2<F>,
    upper: Array2<F>,
}

impl<F: Float> PredictionInterval<F> {
    /// Predicted probabilities (n × 1 for binary, n × k for multinomial).
    pub fn proba(&self) -> &Array2<F> {
        &self.proba
    }
    /// Delta-method standard errors of the probabilities.
    pub fn std_errors(&self) -> &Array2<F> {
        &self.std_errors
    }
    /// Lower bounds of the intervals.
    pub fn lower(&self) -> &Array2<F> {
        &self.lower
    }
    /// Upper bounds of the intervals.
    pub fn upper(&self) -> &Array2<F> {
        &self.upper
    }
}

impl<F: Float> Summary<F> {
    fn check_x(&self, x: ArrayView2<'_, F>) -> Result<()> {
        check_features(x)?;
        if x.ncols() != self.feature_names.len() {
            return Err(Error::FeatureMismatch {
                expected: self.feature_names.len(),
                got: x.ncols(),
                names: Vec::new(),
            });
        }
        Ok(())
    }

    /// β of class `c` (0 the reference) for feature `j`.
    fn slope(&self, c: usize, j: usize) -> F {
        let offset = usize::from(self.has_intercept);
        if c == 0 {
            F::zero()
        } else {
            self.params[(c - 1, j + offset)]
        }
    }

    /// Average marginal effects over the rows of `x`, with delta-method
    /// standard errors from this summary's covariance. See
    /// [`MarginalEffects`].
    ///
    /// ```
    /// use logreg::{Covariance, LogisticRegression, Penalty};
    /// use ndarray::array;
    /// let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0], [6.0], [7.0]];
    /// let y = array![0, 0, 1, 0, 1, 0, 1, 1];
    /// let model = LogisticRegression::new().penalty(Penalty::None).fit(&x, &y)?;
    /// let classic = model.summary(&x, &y)?.marginal_effects(&x)?;
    /// let robust = model.summary_with(&x, &y, Covariance::Hc0)?.marginal_effects(&x)?;
    /// assert_eq!(classic.effects(), robust.effects()); // same effects, other errors
    /// assert!((classic.std_errors()[(0, 0)] - robust.std_errors()[(0, 0)]).abs() > 1e-6);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    ///
    /// # Errors
    /// Bad `x` as in `predict`: [`Error::FeatureMismatch`], [`Error::NonFinite`],
    /// [`Error::EmptyData`].
    pub fn marginal_effects<S: Data<Elem = F>>(
        &self,
        x: &ArrayBase<S, Ix2>,
    ) -> Result<MarginalEffects<F>> {
        let x = x.view();
        self.check_x(x)?;
        let (rows, p) = self.params.dim();
        let (n, d) = x.dim();
        let k = rows + 1;
        let offset = usize::from(self.has_intercept);
        let design = augmented(x, self.has_intercept);
        let proba = probabilities(&self.params, &design);
        // effect[c·d + j]; the Jacobian J[(c·d + j), (m·p + l)] with m the
        // modelled row (class m + 1); `a` holds the per-row factors of x̃ᵢₗ.
        let mut effects = vec![0.0_f64; k * d];
        let mut jacobian = Array2::<F>::zeros((k * d, rows * p));
        let mut direct = Array2::<f64>::zeros((k * d, rows));
        let mut start = 0;
        while start < n {
            let end = (start + BLOCK).min(n);
            let mut a = Array2::<F>::zeros((end - start, k * d * rows));
            for i in start..end {
                let pi = proba.row(i);
                let mean_slope: Vec<F> = (0..d)
                    .map(|j| (0..k).fold(F::zero(), |acc, c| acc + pi[c] * self.slope(c, j)))
                    .collect();
                for c in 0..k {
                    for (j, &bar) in mean_slope.iter().enumerate() {
                        let gap = self.slope(c, j) - bar;
                        effects[c * d + j] += (pi[c] * gap).to_f64_lossy();
                        for m in 0..rows {
                            let delta = if c == m + 1 { F::one() } else { F::zero() };
                            let pm = pi[m + 1];
                            let value = pi[c] * (delta - pm) * gap
                                - pi[c] * pm * (self.slope(m + 1, j) - bar);
                            a[(i - start, (c * d + j) * rows + m)] = value;
                            direct[(c * d + j, m)] += (pi[c] * (delta - pm)).to_f64_lossy();
                        }
                    }
                }
            }
            // Σᵢ a[i, (c, j, m)] · x̃ᵢₗ for every l: one product per block.
            let mut products = Array2::<F>::zeros((k * d * rows, p));
            F::gemm_tn_add(
                products.view_mut(),
                a.view(),
                design.slice(s![start..end, ..]),
            );
            for cj in 0..k * d {
                for m in 0..rows {
                    for l in 0..p {
                        jacobian[(cj, m * p + l)] += products[(cj * rows + m, l)];
                    }
                }
            }
            start = end;
        }
        let nf = n as f64;
        for cj in 0..k * d {
            let j = cj % d;
            for m in 0..rows {
                jacobian[(cj, m * p + j + offset)] += F::from_f64_lossy(direct[(cj, m)]);
            }
        }
        jacobian.mapv_inplace(|v| v / F::from_f64_lossy(nf));
        let variance = jacobian.dot(&self.covariance).dot(&jacobian.t());
        let first = if rows == 1 { 1 } else { 0 };
        let out_rows = k - first;
        let effects = Array2::from_shape_fn((out_rows, d), |(r, j)| {
            F::from_f64_lossy(effects[(r + first) * d + j] / nf)
        });
        let std_errors = Array2::from_shape_fn((out_rows, d), |(r, j)| {
            let cj = (r + first) * d + j;
            variance[(cj, cj)].max(F::zero()).sqrt()
        });
        Ok(MarginalEffects {
            effects,
            std_errors,
            row_names: self.class_names[first..].to_vec(),
            feature_names: self.feature_names.clone(),
            covariance_name: self.covariance_name.clone(),
        })
    }

    /// Predicted probabilities of the rows of `x` with delta-method standard
    /// errors and intervals at `level`. See [`PredictionInterval`].
    ///
    /// ```
    /// use logreg::{LogisticRegression, Penalty};
    /// use ndarray::array;
    /// let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0], [6.0], [7.0]];
    /// let y = array![0, 0, 1, 0, 1, 0, 1, 1];
    /// let model = LogisticRegression::new().penalty(Penalty::None).fit(&x, &y)?;
    /// let summary = model.summary(&x, &y)?;
    /// let narrow = summary.predict_interval(&x, 0.5)?;
    /// let wide = summary.predict_interval(&x, 0.99)?;
    /// assert!(wide.upper()[(0, 0)] > narrow.upper()[(0, 0)]);
    /// assert!(summary.predict_interval(&x, 1.0).is_err());
    /// # Ok::<(), logreg::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] unless 0 < level < 1; bad `x` as in
    /// [`marginal_effects`](Self::marginal_effects).
    pub fn predict_interval<S: Data<Elem = F>>(
        &self,
        x: &ArrayBase<S, Ix2>,
        level: F,
    ) -> Result<PredictionInterval<F>> {
        let q = normal_quantile::<F>(level)?;
        let x = x.view();
        self.check_x(x)?;
        let (rows, p) = self.params.dim();
        let n = x.nrows();
        let design = augmented(x, self.has_intercept);
        let proba = probabilities(&self.params, &design);
        // Q[i][m][m'] = x̃ᵢᵀ V_{m m'} x̃ᵢ, one product per block pair.
        let mut quad = vec![Array2::<F>::zeros((n, rows)); rows];
        for (m, quad_m) in quad.iter_mut().enumerate() {
            for m2 in 0..rows {
                let block = self
                    .covariance
                    .slice(s![m * p..(m + 1) * p, m2 * p..(m2 + 1) * p]);
                let product = design.dot(&block);
                for i in 0..n {
                    quad_m[(i, m2)] = product
                        .row(i)
                        .iter()
                        .zip(design.row(i))
                        .fold(F::zero(), |acc, (&u, &v)| acc + u * v);
                }
            }
        }
        if rows == 1 {
            let eta = design.dot(&self.params.row(0));
            let mut out = [(); 4].map(|_| Array2::<F>::zeros((n, 1)));
            for i in 0..n {
                let sd = quad[0][(i, 0)].max(F::zero()).sqrt();
                let pi = proba[(i, 1)];
                out[0][(i, 0)] = pi;
                out[1][(i, 0)] = pi * (F::one() - pi) * sd;
                out[2][(i, 0)] = sigmoid(eta[i] - q * sd);
                out[3][(i, 0)] = sigmoid(eta[i] + q * sd);
            }
            let [proba, std_errors, lower, upper] = out;
            return Ok(PredictionInterval {
                proba,
                std_errors,
                lower,
                upper,
            });
        }
        let k = rows + 1;
        let mut std_errors = Array2::<F>::zeros((n, k));
        for i in 0..n {
            for c in 0..k {
                let grad: Vec<F> = (0..rows)
                    .map(|m| {
                        let delta = if c == m + 1 { F::one() } else { F::zero() };
                        proba[(i, c)] * (delta - proba[(i, m + 1)])
                    })
                    .collect();
                let mut variance = F::zero();
                for m in 0..rows {
                    for m2 in 0..rows {
                        variance += grad[m] * grad[m2] * quad[m][(i, m2)];
                    }
                }
                std_errors[(i, c)] = variance.max(F::zero()).sqrt();
            }
        }
        let half = std_errors.mapv(|se| se * q);
        Ok(PredictionInterval {
            lower: &proba - &half,
            upper: &proba + &half,
            proba,
            std_errors,
        })
    }
}
