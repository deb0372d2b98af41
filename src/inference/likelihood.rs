//! Likelihood-ratio tests and profile-likelihood intervals per parameter of
//! a binary or multinomial maximum-likelihood fit or a Firth fit: each
//! refits the model with one parameter held fixed (for Firth, the Jeffreys
//! term keeps the full information matrix, as logistf and firthmodels do),
//! in parallel over the parameters.

use super::Summary;
use super::refit::Refit;
use super::summary::checked_level;
use crate::{Error, Float, Result};
use ndarray::Array2;
use rayon::prelude::*;
use statrs::distribution::{ChiSquared, ContinuousCDF};

impl<F: Float> Summary<F> {
    fn refit(&self) -> Result<&Refit<F>> {
        self.refit.as_deref().ok_or(Error::invalid(
            "summary",
            "penalized (L2)",
            "likelihood-ratio tests and profile intervals are implemented for \
             maximum-likelihood fits (binary and multinomial) and Firth fits",
        ))
    }

    /// Likelihood-ratio p-values, one per parameter (shape of
    /// [`params`](Self::params)): the model refitted with that parameter
    /// held at 0 against the full fit, χ² with one degree of freedom. For a
    /// multinomial fit each parameter of a class against the first (the
    /// parameterization of statsmodels' `MNLogit`) is held in turn. For a
    /// Firth fit the penalized likelihood (logistf's and firthmodels'
    /// penalized LR test). The refits run in parallel; a refit that does not
    /// converge gives NaN.
    ///
    /// ```
    /// use logreg::{LogisticRegression, Penalty};
    /// use ndarray::array;
    /// let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0], [6.0], [7.0]];
    /// let y = array![0, 0, 1, 0, 1, 0, 1, 1];
    /// let model = LogisticRegression::new().penalty(Penalty::None).fit(&x, &y)?;
    /// let summary = model.summary(&x, &y)?;
    /// let lr = summary.lr_p_values()?;
    /// // One regressor: its LR test is the model's LR test against the null.
    /// assert!((lr[(0, 1)] - summary.llr_p_value()).abs() < 1e-6);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for L2-penalized fits.
    pub fn lr_p_values(&self) -> Result<Array2<F>> {
        let refit = self.refit()?;
        let chi2 = ChiSquared::new(1.0).map_err(|_| Error::SingularInformation)?;
        let (rows, p) = self.params.dim();
        let values: Vec<F> = (0..rows * p)
            .into_par_iter()
            .map(|k| {
                let j = refit.index(k / p, k % p);
                let p_value = refit
                    .profile(j, 0.0, &refit.params)
                    .map_or(f64::NAN, |(value, _)| {
                        chi2.sf((2.0 * (refit.loglik - value)).max(0.0))
                    });
                F::from_f64_lossy(p_value)
            })
            .collect();
        Array2::from_shape_vec((rows, p), values).map_err(|_| Error::SingularInformation)
    }

    /// Profile-likelihood intervals (lower, upper) at `level`: for each
    /// parameter, the values where the profile (penalized, for Firth)
    /// log-likelihood falls χ²₁(level)/2 below its maximum. Unlike Wald
    /// intervals they need not be symmetric, and they stay honest for
    /// separated data under Firth. Bounds the profile never reaches are
    /// ±∞; a refit that does not converge gives NaN. In parallel over
    /// the parameters and both sides.
    ///
    /// ```
    /// use logreg::{LogisticRegression, Penalty};
    /// use ndarray::array;
    /// let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0], [6.0], [7.0]];
    /// let y = array![0, 0, 1, 0, 1, 0, 1, 1];
    /// let model = LogisticRegression::new().penalty(Penalty::None).fit(&x, &y)?;
    /// let summary = model.summary(&x, &y)?;
    /// let (low, high) = summary.profile_conf_int(0.95)?;
    /// let slope = summary.params()[(0, 1)];
    /// assert!(low[(0, 1)] < slope && slope < high[(0, 1)]);
    /// assert!(summary.profile_conf_int(1.0).is_err());
    /// # Ok::<(), logreg::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] unless 0 < level < 1, and for
    /// L2-penalized fits.
    pub fn profile_conf_int(&self, level: F) -> Result<(Array2<F>, Array2<F>)> {
        let level = checked_level(level)?;
        let refit = self.refit()?;
        let chi2 = ChiSquared::new(1.0).map_err(|_| Error::SingularInformation)?;
        let target = refit.loglik - chi2.inverse_cdf(level) / 2.0;
        let (rows, p) = self.params.dim();
        let bounds: Vec<F> = (0..2 * rows * p)
            .into_par_iter()
            .map(|k| {
                let (entry, direction) = (k / 2, if k % 2 == 0 { -1.0 } else { 1.0 });
                let (r, c) = (entry / p, entry % p);
                let se = self.std_errors[(r, c)].to_f64_lossy();
                let step = if se.is_finite() && se > 0.0 { se } else { 1.0 };
                F::from_f64_lossy(refit.bound(refit.index(r, c), direction, step, target))
            })
            .collect();
        let low = Array2::from_shape_fn((rows, p), |(r, c)| bounds[2 * (r * p + c)]);
        let high = Array2::from_shape_fn((rows, p), |(r, c)| bounds[2 * (r * p + c) + 1]);
        Ok((low, high))
    }
}
