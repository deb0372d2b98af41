//! The [`Summary`] of a fit: estimates, standard errors, tests, likelihood
//! statistics, and its table in the style of statsmodels.

use crate::validate::check_length;
use crate::{Error, Float, Result};
use ndarray::Array2;
use statrs::distribution::{ContinuousCDF, Normal};

/// The statistics of a fitted model on its data: per-coefficient estimates,
/// standard errors, z, p-values, confidence intervals and odds ratios, and the
/// model-level likelihood statistics.
///
/// Per-coefficient arrays have shape (rows, 1 + d): the intercept in column 0
/// (when the model has one), then the features. One row for a binary model;
/// k − 1 rows for a multinomial model, each class against the first (as
/// statsmodels' `MNLogit`).
///
/// ```
/// use logreg::{LogisticRegression, Penalty};
/// use ndarray::array;
/// let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0], [6.0], [7.0]];
/// let y = array![0, 0, 1, 0, 1, 0, 1, 1];
/// let model = LogisticRegression::new().penalty(Penalty::None).fit(&x, &y)?;
/// let summary = model.summary(&x, &y)?.with_feature_names(["dose"])?;
/// // Column 0 is the intercept, column 1 the slope of "dose".
/// assert_eq!(summary.params().dim(), (1, 2));
/// assert!(summary.params()[(0, 1)] > 0.0);
/// let table = summary.to_string();
/// assert!(table.contains("intercept") && table.contains("dose"));
/// # Ok::<(), logreg::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Summary<F> {
    pub(super) params: Array2<F>,
    pub(super) std_errors: Array2<F>,
    /// Covariance of the estimates, m × m with m = rows · (1 + d), row-major
    /// over the per-coefficient arrays.
    pub(super) covariance: Array2<F>,
    pub(super) covariance_name: String,
    pub(super) warnings: Vec<Warning>,
    /// The class labels: the reference, then one per row.
    pub(super) class_names: Vec<String>,
    /// For binary ML and Firth fits: what likelihood-ratio refits need.
    pub(super) refit: Option<std::sync::Arc<super::refit::Refit<F>>>,
    /// For Firth fits: log L + ½ log det I at the estimate.
    pub(super) penalized_log_likelihood: Option<F>,
    pub(super) row_names: Vec<String>,
    pub(super) feature_names: Vec<String>,
    pub(super) has_intercept: bool,
    pub(super) log_likelihood: F,
    pub(super) null_log_likelihood: F,
    pub(super) n_obs: usize,
    pub(super) df_model: usize,
    pub(super) df_resid: isize,
    pub(super) converged: bool,
    pub(super) iterations: usize,
    pub(super) penalized: bool,
}

/// `level` as f64, or an error unless 0 < level < 1.
pub(super) fn checked_level<F: Float>(level: F) -> Result<f64> {
    let level = level.to_f64_lossy();
    if level > 0.0 && level < 1.0 {
        Ok(level)
    } else {
        Err(Error::invalid(
            "level",
            level,
            "must lie strictly between 0 and 1",
        ))
    }
}

/// The two-sided normal quantile Φ⁻¹(½ + level/2), or an error unless
/// 0 < level < 1.
pub(super) fn normal_quantile<F: Float>(level: F) -> Result<F> {
    let level = checked_level(level)?;
    Ok(F::from_f64_lossy(
        Normal::standard().inverse_cdf(0.5 + level / 2.0),
    ))
}

/// Something the table warns about below its coefficients.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Warning {
    /// The fit stopped for this reason, not by its convergence test.
    NotConverged(String),
    /// These features separate the classes except on the overlap rows.
    QuasiSeparation { features: Vec<usize>, rows: usize },
    /// The scaled information has this 1-norm condition number.
    NearSingular(f64),
}

impl<F: Float> Summary<F> {
    /// The covariance of the estimates (m × m, m = rows · (1 + d), in the
    /// row-major order of [`params`](Self::params)), from the chosen
    /// [`Covariance`](crate::Covariance).
    ///
    /// ```
    /// # use logreg::{LogisticRegression, Penalty};
    /// # use ndarray::array;
    /// # let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0], [6.0], [7.0]];
    /// # let y = array![0, 0, 1, 0, 1, 0, 1, 1];
    /// # let model = LogisticRegression::new().penalty(Penalty::None).fit(&x, &y)?;
    /// let summary = model.summary(&x, &y)?;
    /// let cov = summary.covariance();
    /// assert_eq!(cov.dim(), (2, 2));
    /// assert!((cov[(1, 1)].sqrt() - summary.std_errors()[(0, 1)]).abs() < 1e-12);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn covariance(&self) -> &Array2<F> {
        &self.covariance
    }

    /// For a [`Penalty::Firth`](crate::Penalty::Firth) fit, the penalized
    /// log-likelihood log L + ½ log det I at the estimate (firthmodels'
    /// `loglik_`); `None` for other fits.
    ///
    /// ```
    /// use logreg::{LogisticRegression, Penalty};
    /// use ndarray::array;
    /// let x = array![[1.0_f64], [2.0], [3.0], [4.0], [5.0], [6.0]];
    /// let y = array![0, 0, 0, 1, 1, 1];
    /// let firth = LogisticRegression::new().penalty(Penalty::Firth).fit(&x, &y)?;
    /// let summary = firth.summary(&x, &y)?;
    /// assert!(summary.penalized_log_likelihood().unwrap() > summary.log_likelihood() - 10.0);
    /// let overlap = array![0, 1, 0, 1, 1, 0];
    /// let mle = LogisticRegression::new().penalty(Penalty::None).fit(&x, &overlap)?;
    /// assert!(mle.summary(&x, &overlap)?.penalized_log_likelihood().is_none());
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn penalized_log_likelihood(&self) -> Option<F> {
        self.penalized_log_likelihood
    }

    /// The covariance's name as the table prints it: `nonrobust`, `HC0`,
    /// `HC1` or `cluster (G groups)`.
    ///
    /// ```
    /// # use logreg::{Covariance, LogisticRegression, Penalty};
    /// # use ndarray::array;
    /// # let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0], [6.0], [7.0]];
    /// # let y = array![0, 0, 1, 0, 1, 0, 1, 1];
    /// # let model = LogisticRegression::new().penalty(Penalty::None).fit(&x, &y)?;
    /// assert_eq!(model.summary(&x, &y)?.covariance_type(), "nonrobust");
    /// assert_eq!(model.summary_with(&x, &y, Covariance::Hc0)?.covariance_type(), "HC0");
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn covariance_type(&self) -> &str {
        &self.covariance_name
    }

    /// The warnings printed below the table, one line each: a fit that did
    /// not converge, quasi-separation (naming the features), a near-singular
    /// information matrix. Empty when there is nothing to warn about.
    ///
    /// ```
    /// # use logreg::{LogisticRegression, Penalty};
    /// # use ndarray::array;
    /// # let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0], [6.0], [7.0]];
    /// # let y = array![0, 0, 1, 0, 1, 0, 1, 1];
    /// let settings = LogisticRegression::new().penalty(Penalty::None);
    /// assert!(settings.fit(&x, &y)?.summary(&x, &y)?.warnings().is_empty());
    /// let early = settings.max_iter(1).fit(&x, &y)?.summary(&x, &y)?;
    /// assert!(early.warnings()[0].contains("did not converge"));
    /// assert!(early.to_string().contains("did not converge"));
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn warnings(&self) -> Vec<String> {
        self.warnings.iter().map(|w| self.warning_text(w)).collect()
    }

    pub(super) fn warning_text(&self, warning: &Warning) -> String {
        match warning {
            Warning::NotConverged(termination) => format!(
                "The fit did not converge (it stopped with {termination}): the statistics \
                 are at an unconverged point."
            ),
            Warning::QuasiSeparation { features, rows } => {
                let names: Vec<&str> = features
                    .iter()
                    .filter_map(|&j| self.feature_names.get(j).map(String::as_str))
                    .collect();
                format!(
                    "Possibly quasi-separation: {} separate(s) the classes except on {rows} \
                     row(s); their estimates and standard errors are not meaningful.",
                    names.join(", ")
                )
            }
            Warning::NearSingular(condition) => format!(
                "The scaled information matrix is near-singular (condition number {condition:.2e}): \
                 strong multicollinearity, the standard errors are unreliable."
            ),
        }
    }

    /// Names the features (length d) for the [`Display`](std::fmt::Display) table.
    ///
    /// ```
    /// use logreg::{Error, LogisticRegression, Penalty};
    /// use ndarray::array;
    /// let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0], [6.0], [7.0]];
    /// let y = array![0, 0, 1, 0, 1, 0, 1, 1];
    /// let model = LogisticRegression::new().penalty(Penalty::None).fit(&x, &y)?;
    /// assert!(model.summary(&x, &y)?.to_string().contains("x0")); // the default name
    /// let named = model.summary(&x, &y)?.with_feature_names(["age"])?;
    /// assert!(named.to_string().contains("age"));
    /// let err = model.summary(&x, &y)?.with_feature_names(["age", "height"]).unwrap_err();
    /// assert!(matches!(err, Error::LengthMismatch { expected: 1, got: 2, .. }));
    /// # Ok::<(), logreg::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::LengthMismatch`] when there is not one name per feature.
    pub fn with_feature_names<I, N>(mut self, names: I) -> Result<Self>
    where
        I: IntoIterator<Item = N>,
        N: Into<String>,
    {
        let names: Vec<String> = names.into_iter().map(Into::into).collect();
        check_length("feature names", self.feature_names.len(), names.len())?;
        self.feature_names = names;
        Ok(self)
    }

    /// Estimates (rows × (1 + d)): intercept first, then the features.
    ///
    /// ```
    /// # use logreg::{LogisticRegression, Penalty};
    /// # use ndarray::array;
    /// # let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0], [6.0], [7.0]];
    /// # let y = array![0, 0, 1, 0, 1, 0, 1, 1];
    /// # let model = LogisticRegression::new().penalty(Penalty::None).tol(1e-10).fit(&x, &y)?;
    /// let summary = model.summary(&x, &y)?;
    /// // Intercept first, then the slope: the model's own estimates.
    /// assert_eq!(summary.params()[(0, 0)], model.intercept()[0]);
    /// assert_eq!(summary.params()[(0, 1)], model.coef()[(0, 0)]);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn params(&self) -> &Array2<F> {
        &self.params
    }

    /// Standard errors √diag(I⁻¹) from the observed information I.
    ///
    /// ```
    /// # use logreg::{LogisticRegression, Penalty};
    /// # use ndarray::array;
    /// # let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0], [6.0], [7.0]];
    /// # let y = array![0, 0, 1, 0, 1, 0, 1, 1];
    /// # let model = LogisticRegression::new().penalty(Penalty::None).tol(1e-10).fit(&x, &y)?;
    /// let summary = model.summary(&x, &y)?;
    /// let se = summary.std_errors();
    /// assert_eq!(se.dim(), summary.params().dim());
    /// assert!(se.iter().all(|&s| s.is_finite() && s > 0.0));
    /// // Twice the data (each row twice), about 1/√2 the standard error.
    /// let x2 = ndarray::concatenate![ndarray::Axis(0), x, x];
    /// let y2 = ndarray::concatenate![ndarray::Axis(0), y, y];
    /// let model2 = LogisticRegression::new().penalty(Penalty::None).tol(1e-10).fit(&x2, &y2)?;
    /// let se2 = model2.summary(&x2, &y2)?.std_errors()[(0, 1)];
    /// assert!((se2 * 2f64.sqrt() - se[(0, 1)]).abs() < 1e-6);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn std_errors(&self) -> &Array2<F> {
        &self.std_errors
    }

    /// Wald statistics z = estimate / standard error.
    ///
    /// ```
    /// # use logreg::{LogisticRegression, Penalty};
    /// # use ndarray::array;
    /// # let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0], [6.0], [7.0]];
    /// # let y = array![0, 0, 1, 0, 1, 0, 1, 1];
    /// # let model = LogisticRegression::new().penalty(Penalty::None).tol(1e-10).fit(&x, &y)?;
    /// let summary = model.summary(&x, &y)?;
    /// let z = summary.z_values();
    /// let (b, se) = (summary.params()[(0, 1)], summary.std_errors()[(0, 1)]);
    /// assert!((z[(0, 1)] - b / se).abs() < 1e-12);
    /// assert!(z[(0, 1)] > 0.0); // positive slope
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn z_values(&self) -> Array2<F> {
        &self.params / &self.std_errors
    }

    /// Two-sided p-values 2·Φ(−|z|) of the Wald tests.
    ///
    /// ```
    /// # use logreg::{LogisticRegression, Penalty};
    /// # use ndarray::array;
    /// # let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0], [6.0], [7.0]];
    /// # let y = array![0, 0, 1, 0, 1, 0, 1, 1];
    /// # let model = LogisticRegression::new().penalty(Penalty::None).tol(1e-10).fit(&x, &y)?;
    /// let summary = model.summary(&x, &y)?;
    /// let (z, p) = (summary.z_values(), summary.p_values());
    /// assert!(p.iter().all(|&p| 0.0 < p && p < 1.0));
    /// // |z| > 1.96 exactly when p < 0.05.
    /// assert_eq!(z[(0, 1)].abs() > 1.959964, p[(0, 1)] < 0.05);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn p_values(&self) -> Array2<F> {
        self.z_values().mapv(|z| {
            F::from_f64_lossy(statrs::function::erf::erfc(
                z.to_f64_lossy().abs() / std::f64::consts::SQRT_2,
            ))
        })
    }

    /// Wald confidence intervals (lower, upper) at `level` (e.g. 0.95).
    ///
    /// ```
    /// # use logreg::{LogisticRegression, Penalty};
    /// # use ndarray::array;
    /// # let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0], [6.0], [7.0]];
    /// # let y = array![0, 0, 1, 0, 1, 0, 1, 1];
    /// # let model = LogisticRegression::new().penalty(Penalty::None).tol(1e-10).fit(&x, &y)?;
    /// let summary = model.summary(&x, &y)?;
    /// let (low, high) = summary.conf_int(0.95)?;
    /// let (b, se) = (summary.params()[(0, 1)], summary.std_errors()[(0, 1)]);
    /// assert!(low[(0, 1)] < b && b < high[(0, 1)]);
    /// assert!((high[(0, 1)] - (b + 1.959964 * se)).abs() < 1e-6); // estimate ± 1.96 SE
    /// assert!(summary.conf_int(1.5).is_err());
    /// # Ok::<(), logreg::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] unless 0 < level < 1.
    pub fn conf_int(&self, level: F) -> Result<(Array2<F>, Array2<F>)> {
        let q = normal_quantile::<F>(level)?;
        let half = self.std_errors.mapv(|se| se * q);
        Ok((&self.params - &half, &self.params + &half))
    }

    /// Odds ratios exp(β): the factor on the odds for a unit increase of a feature.
    ///
    /// ```
    /// # use logreg::{LogisticRegression, Penalty};
    /// # use ndarray::array;
    /// # let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0], [6.0], [7.0]];
    /// # let y = array![0, 0, 1, 0, 1, 0, 1, 1];
    /// # let model = LogisticRegression::new().penalty(Penalty::None).tol(1e-10).fit(&x, &y)?;
    /// let summary = model.summary(&x, &y)?;
    /// let odds_ratio = summary.odds_ratios()[(0, 1)];
    /// assert!((odds_ratio - summary.params()[(0, 1)].exp()).abs() < 1e-12);
    /// // One unit more of x multiplies the odds p/(1 − p) by the odds ratio.
    /// let p = model.predict_proba(&array![[3.0], [4.0]])?;
    /// let odds = |i: usize| p[(i, 1)] / p[(i, 0)];
    /// assert!((odds(1) / odds(0) - odds_ratio).abs() < 1e-9);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn odds_ratios(&self) -> Array2<F> {
        self.params.mapv(F::exp)
    }

    /// Confidence intervals of the odds ratios: exp of the bounds of [`conf_int`](Self::conf_int).
    ///
    /// ```
    /// # use logreg::{LogisticRegression, Penalty};
    /// # use ndarray::array;
    /// # let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0], [6.0], [7.0]];
    /// # let y = array![0, 0, 1, 0, 1, 0, 1, 1];
    /// # let model = LogisticRegression::new().penalty(Penalty::None).tol(1e-10).fit(&x, &y)?;
    /// let summary = model.summary(&x, &y)?;
    /// let (low, high) = summary.odds_ratio_conf_int(0.95)?;
    /// let (log_low, _) = summary.conf_int(0.95)?;
    /// assert!((low[(0, 1)] - log_low[(0, 1)].exp()).abs() < 1e-12);
    /// let odds_ratio = summary.odds_ratios()[(0, 1)];
    /// assert!(low[(0, 1)] < odds_ratio && odds_ratio < high[(0, 1)]);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`conf_int`](Self::conf_int).
    pub fn odds_ratio_conf_int(&self, level: F) -> Result<(Array2<F>, Array2<F>)> {
        let (low, high) = self.conf_int(level)?;
        Ok((low.mapv(F::exp), high.mapv(F::exp)))
    }
}
