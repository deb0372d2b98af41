//! `Summary`: the crate's statsmodels-style summary, seen from Python.

use logreg::{Float, Summary};
use ndarray::Array2;
use numpy::{IntoPyArray, PyArray2};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

/// The summary in the precision of its fit.
pub(crate) enum Inner {
    F64(Summary<f64>),
    F32(Summary<f32>),
}

macro_rules! dispatch {
    ($inner:expr, $s:ident => $body:expr) => {
        match $inner {
            Inner::F64($s) => $body,
            Inner::F32($s) => $body,
        }
    };
}

/// The statistics of a fit (statsmodels' `Logit(...).fit().summary()`):
/// `str()` prints the table; the numbers are arrays with one row per
/// coefficient row of the model and the intercept in column 0.
#[pyclass(module = "logreg._logreg", name = "Summary", frozen)]
pub struct PySummary {
    inner: Inner,
}

/// Trait to build a `PySummary` from either precision.
pub(crate) trait IntoInner {
    fn into_inner(self) -> Inner;
}

impl IntoInner for Summary<f64> {
    fn into_inner(self) -> Inner {
        Inner::F64(self)
    }
}

impl IntoInner for Summary<f32> {
    fn into_inner(self) -> Inner {
        Inner::F32(self)
    }
}

fn to_f64<F: Float>(a: &Array2<F>) -> Array2<f64> {
    a.mapv(|v| v.to_f64_lossy())
}

impl PySummary {
    pub(crate) fn new<F: Float>(summary: Summary<F>, names: Option<Vec<String>>) -> PyResult<Self>
    where
        Summary<F>: IntoInner,
    {
        let summary = match names {
            Some(names) => summary
                .with_feature_names(names)
                .map_err(|e| PyValueError::new_err(e.to_string()))?,
            None => summary,
        };
        Ok(Self {
            inner: summary.into_inner(),
        })
    }
}

#[pymethods]
impl PySummary {
    fn __str__(&self) -> String {
        dispatch!(&self.inner, s => s.to_string())
    }

    fn __repr__(&self) -> String {
        self.__str__()
    }

    /// Estimates: intercept first, then the features.
    #[getter]
    fn params<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray2<f64>> {
        dispatch!(&self.inner, s => to_f64(s.params()).into_pyarray(py))
    }

    /// Standard errors.
    #[getter]
    fn bse<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray2<f64>> {
        dispatch!(&self.inner, s => to_f64(s.std_errors()).into_pyarray(py))
    }

    /// z statistics.
    #[getter]
    fn tvalues<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray2<f64>> {
        dispatch!(&self.inner, s => to_f64(&s.z_values()).into_pyarray(py))
    }

    /// Two-sided p-values.
    #[getter]
    fn pvalues<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray2<f64>> {
        dispatch!(&self.inner, s => to_f64(&s.p_values()).into_pyarray(py))
    }

    /// Odds ratios exp(β).
    #[getter]
    fn odds_ratios<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray2<f64>> {
        dispatch!(&self.inner, s => to_f64(&s.odds_ratios()).into_pyarray(py))
    }

    /// Confidence intervals (lower, upper) at level 1 − alpha (statsmodels' spelling).
    #[pyo3(signature = (alpha=0.05))]
    #[allow(clippy::type_complexity)]
    fn conf_int<'py>(
        &self,
        py: Python<'py>,
        alpha: f64,
    ) -> PyResult<(Bound<'py, PyArray2<f64>>, Bound<'py, PyArray2<f64>>)> {
        let (lo, hi) = dispatch!(&self.inner, s => s
            .conf_int(Float::from_f64_lossy(1.0 - alpha))
            .map(|(lo, hi)| (to_f64(&lo), to_f64(&hi))))
        .map_err(|e| PyValueError::new_err(e.to_string()))?;
        Ok((lo.into_pyarray(py), hi.into_pyarray(py)))
    }

    /// Log-likelihood.
    #[getter]
    fn llf(&self) -> f64 {
        dispatch!(&self.inner, s => s.log_likelihood().to_f64_lossy())
    }

    /// Log-likelihood of the intercept-only model.
    #[getter]
    fn llnull(&self) -> f64 {
        dispatch!(&self.inner, s => s.null_log_likelihood().to_f64_lossy())
    }

    /// Likelihood-ratio statistic against the intercept-only model.
    #[getter]
    fn llr(&self) -> f64 {
        dispatch!(&self.inner, s => s.llr().to_f64_lossy())
    }

    /// p-value of the likelihood-ratio test.
    #[getter]
    fn llr_pvalue(&self) -> f64 {
        dispatch!(&self.inner, s => s.llr_p_value().to_f64_lossy())
    }

    #[getter]
    fn aic(&self) -> f64 {
        dispatch!(&self.inner, s => s.aic().to_f64_lossy())
    }

    #[getter]
    fn bic(&self) -> f64 {
        dispatch!(&self.inner, s => s.bic().to_f64_lossy())
    }

    /// McFadden's pseudo-R².
    #[getter]
    fn prsquared(&self) -> f64 {
        dispatch!(&self.inner, s => s.pseudo_r2().to_f64_lossy())
    }

    #[getter]
    fn nobs(&self) -> usize {
        dispatch!(&self.inner, s => s.n_obs())
    }

    #[getter]
    fn df_model(&self) -> usize {
        dispatch!(&self.inner, s => s.df_model())
    }

    #[getter]
    fn df_resid(&self) -> isize {
        dispatch!(&self.inner, s => s.df_resid())
    }

    #[getter]
    fn converged(&self) -> bool {
        dispatch!(&self.inner, s => s.converged())
    }

    #[getter]
    fn penalized(&self) -> bool {
        dispatch!(&self.inner, s => s.penalized())
    }
}
