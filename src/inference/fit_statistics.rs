//! The fit statistics of a [`Summary`]: likelihoods, information
//! criteria, pseudo-R², degrees of freedom and how the fit ended.

use super::Summary;
use crate::Float;
use statrs::distribution::{ChiSquared, ContinuousCDF};

impl<F: Float> Summary<F> {
    /// Log-likelihood Σ sᵢ ln p(yᵢ | xᵢ) at the estimate.
    ///
    /// ```
    /// # use logreg::{LogisticRegression, Penalty};
    /// # use ndarray::array;
    /// # let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0], [6.0], [7.0]];
    /// # let y = array![0, 0, 1, 0, 1, 0, 1, 1];
    /// # let model = LogisticRegression::new().penalty(Penalty::None).tol(1e-10).fit(&x, &y)?;
    /// let summary = model.summary(&x, &y)?;
    /// // Σ ln p(yᵢ | xᵢ), by hand from the model's log-probabilities.
    /// let log_p = model.predict_log_proba(&x)?;
    /// let by_hand: f64 = y.iter().enumerate().map(|(i, &c)| log_p[(i, c as usize)]).sum();
    /// assert!((summary.log_likelihood() - by_hand).abs() < 1e-10);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn log_likelihood(&self) -> F {
        self.log_likelihood
    }

    /// Log-likelihood of the intercept-only model.
    ///
    /// ```
    /// # use logreg::{LogisticRegression, Penalty};
    /// # use ndarray::array;
    /// # let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0], [6.0], [7.0]];
    /// # let y = array![0, 0, 1, 0, 1, 0, 1, 1];
    /// # let model = LogisticRegression::new().penalty(Penalty::None).tol(1e-10).fit(&x, &y)?;
    /// let summary = model.summary(&x, &y)?;
    /// // Half the 8 rows are class 1: the intercept-only model says p = ½ for each.
    /// assert!((summary.null_log_likelihood() - 8.0 * 0.5f64.ln()).abs() < 1e-12);
    /// assert!(summary.null_log_likelihood() < summary.log_likelihood());
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn null_log_likelihood(&self) -> F {
        self.null_log_likelihood
    }

    /// Likelihood-ratio statistic 2·(ℓ − ℓ₀).
    ///
    /// ```
    /// # use logreg::{LogisticRegression, Penalty};
    /// # use ndarray::array;
    /// # let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0], [6.0], [7.0]];
    /// # let y = array![0, 0, 1, 0, 1, 0, 1, 1];
    /// # let model = LogisticRegression::new().penalty(Penalty::None).tol(1e-10).fit(&x, &y)?;
    /// let summary = model.summary(&x, &y)?;
    /// let expected = 2.0 * (summary.log_likelihood() - summary.null_log_likelihood());
    /// assert!((summary.llr() - expected).abs() < 1e-12);
    /// assert!(summary.llr() > 0.0); // the slope explains something
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn llr(&self) -> F {
        F::from_f64_lossy(2.0) * (self.log_likelihood - self.null_log_likelihood)
    }

    /// p-value of the likelihood-ratio test against the intercept-only model
    /// (χ² with `df_model` degrees of freedom).
    ///
    /// ```
    /// # use logreg::{LogisticRegression, Penalty};
    /// # use ndarray::array;
    /// # let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0], [6.0], [7.0]];
    /// # let y = array![0, 0, 1, 0, 1, 0, 1, 1];
    /// # let model = LogisticRegression::new().penalty(Penalty::None).tol(1e-10).fit(&x, &y)?;
    /// let summary = model.summary(&x, &y)?;
    /// let p = summary.llr_p_value();
    /// assert!(0.0 < p && p < 1.0);
    /// // χ² with one degree of freedom: 3.841 is its 95 % quantile.
    /// assert_eq!(summary.df_model(), 1);
    /// assert_eq!(summary.llr() > 3.841459, p < 0.05);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn llr_p_value(&self) -> F {
        match ChiSquared::new(self.df_model as f64) {
            Ok(chi2) => F::from_f64_lossy(chi2.sf(self.llr().to_f64_lossy())),
            Err(_) => F::nan(),
        }
    }

    /// Number of estimated parameters (intercepts included).
    ///
    /// ```
    /// # use logreg::{LogisticRegression, Penalty};
    /// # use ndarray::array;
    /// # let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0], [6.0], [7.0]];
    /// # let y = array![0, 0, 1, 0, 1, 0, 1, 1];
    /// # let model = LogisticRegression::new().penalty(Penalty::None).tol(1e-10).fit(&x, &y)?;
    /// let summary = model.summary(&x, &y)?;
    /// assert_eq!(summary.n_params(), 2); // intercept and slope
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn n_params(&self) -> usize {
        self.params.len()
    }

    /// Akaike information criterion −2ℓ + 2·(number of parameters).
    ///
    /// ```
    /// # use logreg::{LogisticRegression, Penalty};
    /// # use ndarray::array;
    /// # let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0], [6.0], [7.0]];
    /// # let y = array![0, 0, 1, 0, 1, 0, 1, 1];
    /// # let model = LogisticRegression::new().penalty(Penalty::None).tol(1e-10).fit(&x, &y)?;
    /// let summary = model.summary(&x, &y)?;
    /// assert!((summary.aic() - (2.0 * 2.0 - 2.0 * summary.log_likelihood())).abs() < 1e-12);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn aic(&self) -> F {
        let k = F::from_usize(self.n_params()).unwrap_or_else(F::max_value);
        F::from_f64_lossy(2.0) * (k - self.log_likelihood)
    }

    /// Bayesian information criterion −2ℓ + ln(n)·(number of parameters).
    ///
    /// ```
    /// # use logreg::{LogisticRegression, Penalty};
    /// # use ndarray::array;
    /// # let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0], [6.0], [7.0]];
    /// # let y = array![0, 0, 1, 0, 1, 0, 1, 1];
    /// # let model = LogisticRegression::new().penalty(Penalty::None).tol(1e-10).fit(&x, &y)?;
    /// let summary = model.summary(&x, &y)?;
    /// let expected = 8f64.ln() * 2.0 - 2.0 * summary.log_likelihood();
    /// assert!((summary.bic() - expected).abs() < 1e-12);
    /// assert!(summary.bic() > summary.aic()); // ln 8 > 2: BIC charges more per parameter
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn bic(&self) -> F {
        let k = F::from_usize(self.n_params()).unwrap_or_else(F::max_value);
        let n = F::from_usize(self.n_obs).unwrap_or_else(F::max_value);
        n.ln() * k - F::from_f64_lossy(2.0) * self.log_likelihood
    }

    /// McFadden's pseudo-R² 1 − ℓ/ℓ₀.
    ///
    /// ```
    /// # use logreg::{LogisticRegression, Penalty};
    /// # use ndarray::array;
    /// # let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0], [6.0], [7.0]];
    /// # let y = array![0, 0, 1, 0, 1, 0, 1, 1];
    /// # let model = LogisticRegression::new().penalty(Penalty::None).tol(1e-10).fit(&x, &y)?;
    /// let summary = model.summary(&x, &y)?;
    /// let r2 = summary.pseudo_r2();
    /// assert!(0.0 < r2 && r2 < 1.0);
    /// let (ll, ll_null) = (summary.log_likelihood(), summary.null_log_likelihood());
    /// assert!((r2 - (1.0 - ll / ll_null)).abs() < 1e-12);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn pseudo_r2(&self) -> F {
        F::one() - self.log_likelihood / self.null_log_likelihood
    }

    /// Number of rows.
    ///
    /// ```
    /// # use logreg::{LogisticRegression, Penalty};
    /// # use ndarray::array;
    /// # let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0], [6.0], [7.0]];
    /// # let y = array![0, 0, 1, 0, 1, 0, 1, 1];
    /// # let model = LogisticRegression::new().penalty(Penalty::None).tol(1e-10).fit(&x, &y)?;
    /// let summary = model.summary(&x, &y)?;
    /// assert_eq!(summary.n_obs(), x.nrows());
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn n_obs(&self) -> usize {
        self.n_obs
    }

    /// Degrees of freedom of the model (slopes, excluding intercepts).
    ///
    /// ```
    /// # use logreg::{LogisticRegression, Penalty};
    /// # use ndarray::array;
    /// # let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0], [6.0], [7.0]];
    /// # let y = array![0, 0, 1, 0, 1, 0, 1, 1];
    /// # let model = LogisticRegression::new().penalty(Penalty::None).tol(1e-10).fit(&x, &y)?;
    /// let summary = model.summary(&x, &y)?;
    /// assert_eq!(summary.df_model(), 1); // one slope; the intercept does not count
    /// // A softmax over 3 classes has k − 1 = 2 slopes per feature.
    /// let y3 = array![0, 1, 0, 2, 1, 0, 2, 2];
    /// let softmax = LogisticRegression::new().fit(&x, &y3)?;
    /// assert_eq!(softmax.summary(&x, &y3)?.df_model(), 2);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn df_model(&self) -> usize {
        self.df_model
    }

    /// Residual degrees of freedom: rows minus parameters.
    ///
    /// ```
    /// # use logreg::{LogisticRegression, Penalty};
    /// # use ndarray::array;
    /// # let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0], [6.0], [7.0]];
    /// # let y = array![0, 0, 1, 0, 1, 0, 1, 1];
    /// # let model = LogisticRegression::new().penalty(Penalty::None).tol(1e-10).fit(&x, &y)?;
    /// let summary = model.summary(&x, &y)?;
    /// assert_eq!(summary.df_resid(), 8 - 2); // rows minus intercept and slope
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn df_resid(&self) -> isize {
        self.df_resid
    }

    /// Whether the fit converged.
    ///
    /// ```
    /// # use logreg::{LogisticRegression, Penalty};
    /// # use ndarray::array;
    /// # let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0], [6.0], [7.0]];
    /// # let y = array![0, 0, 1, 0, 1, 0, 1, 1];
    /// let settings = LogisticRegression::new().penalty(Penalty::None).tol(1e-10);
    /// assert!(settings.fit(&x, &y)?.summary(&x, &y)?.converged());
    /// // Stopped after one Newton step: the statistics are at an unconverged point.
    /// let early = settings.max_iter(1).fit(&x, &y)?;
    /// assert!(!early.summary(&x, &y)?.converged());
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn converged(&self) -> bool {
        self.converged
    }

    /// Solver iterations of the fit.
    ///
    /// ```
    /// # use logreg::{LogisticRegression, Penalty};
    /// # use ndarray::array;
    /// # let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0], [6.0], [7.0]];
    /// # let y = array![0, 0, 1, 0, 1, 0, 1, 1];
    /// # let model = LogisticRegression::new().penalty(Penalty::None).tol(1e-10).fit(&x, &y)?;
    /// let summary = model.summary(&x, &y)?;
    /// assert_eq!(summary.iterations(), model.report().iterations);
    /// assert!(summary.iterations() >= 1);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn iterations(&self) -> usize {
        self.iterations
    }

    /// Whether the fit was penalized: the Wald statistics then come from the
    /// penalized Hessian and are only approximate.
    ///
    /// ```
    /// use logreg::{LogisticRegression, Penalty};
    /// use ndarray::array;
    /// let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0], [6.0], [7.0]];
    /// let y = array![0, 0, 1, 0, 1, 0, 1, 1];
    /// let ridge = LogisticRegression::new().fit(&x, &y)?; // L2, C = 1 by default
    /// assert!(ridge.summary(&x, &y)?.penalized());
    /// let mle = LogisticRegression::new().penalty(Penalty::None).fit(&x, &y)?;
    /// assert!(!mle.summary(&x, &y)?.penalized());
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn penalized(&self) -> bool {
        self.penalized
    }
}
