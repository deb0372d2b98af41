//! The native half of the Python package `logreg`: a thin layer over the
//! crate's `LogisticRegression`, called by `logreg.LogisticRegression`
//! (pysrc/logreg/_estimator.py), which does the scikit-learn side (input
//! validation, label encoding, class weights, warnings).
//!
//! Labels arrive encoded as 0..k (int64), features as f64 or f32 arrays in
//! any memory order (read in place, no copy) or as the three arrays of a
//! CSR matrix. The GIL is released during fits and predictions; every crate
//! error becomes a `ValueError` carrying the crate's message.

use logreg::solver::{Adam, Saga, Sgd, Solver, by_name};
use logreg::sprs::CsMatBase;
use logreg::{ClassWeight, Float, LogisticRegression, Penalty};
use ndarray::{Array2, ArrayView1, ArrayView2};
use numpy::{IntoPyArray, PyArray1, PyArray2, PyReadonlyArray1, PyReadonlyArray2};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;

mod summary;

use summary::PySummary;

/// A crate error as a Python `ValueError` with the crate's message.
fn value_error(err: logreg::Error) -> PyErr {
    PyValueError::new_err(err.to_string())
}

/// The settings of one fit, read from a dict with scikit-learn's names.
#[derive(FromPyObject)]
#[pyo3(from_item_all)]
struct Settings {
    /// scikit-learn's C; infinity means no penalty.
    c: f64,
    /// 0 is L2, 1 is L1, between is elastic net.
    l1_ratio: f64,
    fit_intercept: bool,
    tol: f64,
    max_iter: usize,
    solver: String,
    /// One weight per encoded class, or None.
    class_weight: Option<Vec<f64>>,
    /// The seed of the stochastic solvers (sgd, adam, saga).
    seed: Option<u64>,
    standardize: bool,
}

impl Settings {
    fn penalty(&self) -> Penalty {
        if self.c.is_infinite() && self.c > 0.0 {
            Penalty::None
        } else if self.l1_ratio == 0.0 {
            Penalty::L2
        } else if self.l1_ratio == 1.0 {
            Penalty::L1
        } else {
            Penalty::ElasticNet {
                l1_ratio: self.l1_ratio,
            }
        }
    }

    fn solver<F: Float>(&self) -> logreg::Result<Box<dyn Solver<F>>> {
        Ok(match (self.solver.as_str(), self.seed) {
            ("sgd", Some(seed)) => Box::new(Sgd::<F>::new().seed(seed)),
            ("adam", Some(seed)) => Box::new(Adam::<F>::new().seed(seed)),
            ("saga", Some(seed)) => Box::new(Saga::new().seed(seed)),
            (name, _) => by_name(name)?,
        })
    }

    /// The crate's settings, with the previous model's parameters as the
    /// start when warm-starting.
    fn model<F: Float>(&self, warm: Option<&Fitted<F>>) -> logreg::Result<LogisticRegression<F>> {
        let penalty = self.penalty();
        let mut model = LogisticRegression::<F>::new()
            .penalty(penalty)
            .fit_intercept(self.fit_intercept)
            .tol(F::from_f64_lossy(self.tol))
            .max_iter(self.max_iter)
            .standardize(self.standardize)
            .solver(self.solver::<F>()?);
        if penalty != Penalty::None {
            model = model.c(F::from_f64_lossy(self.c));
        }
        if let Some(weights) = &self.class_weight {
            let weights = weights.iter().map(|&w| F::from_f64_lossy(w)).collect();
            model = model.class_weight(ClassWeight::Manual(weights));
        }
        if let Some(previous) = warm {
            model = model.warm_start(previous);
        }
        Ok(model)
    }
}

type Fitted<F> = logreg::FittedLogisticRegression<F, i64>;

/// A fitted model in the precision it was fitted in.
#[derive(Clone)]
enum Inner {
    F64(Fitted<f64>),
    F32(Fitted<f32>),
}

/// Runs `$body` with `$m` bound to the fitted model, whatever its precision.
macro_rules! dispatch {
    ($inner:expr, $m:ident => $body:expr) => {
        match $inner {
            Inner::F64($m) => $body,
            Inner::F32($m) => $body,
        }
    };
}

/// A fitted model (the crate's `FittedLogisticRegression` over labels
/// 0..k): the estimator's `_model`.
#[pyclass(module = "logreg._logreg", name = "FittedModel", frozen)]
struct FittedModel {
    inner: Inner,
}

/// The three arrays of a CSR matrix (indices and indptr as usize) and its shape.
type CsrParts<'py, F> = (
    PyReadonlyArray1<'py, F>,
    PyReadonlyArray1<'py, usize>,
    PyReadonlyArray1<'py, usize>,
    (usize, usize),
);

/// Runs `f` on the CSR matrix of `parts`, checked by sprs (sorted indices,
/// consistent lengths), without the GIL.
fn with_csr<F, R>(
    py: Python<'_>,
    parts: &CsrParts<'_, F>,
    f: impl FnOnce(&CsMatBase<F, usize, &[usize], &[usize], &[F]>) -> logreg::Result<R> + Send,
) -> PyResult<R>
where
    F: Float + numpy::Element,
    R: Send,
{
    let (data, indices, indptr, shape) = parts;
    let (data, indices, indptr) = (data.as_slice()?, indices.as_slice()?, indptr.as_slice()?);
    let shape = *shape;
    let matrix = CsMatBase::try_new(shape, indptr, indices, data)
        .map_err(|(_, _, _, e)| PyValueError::new_err(format!("invalid CSR matrix: {e}")))?;
    py.detach(|| f(&matrix)).map_err(value_error)
}

fn fit_dense<F: Float>(
    py: Python<'_>,
    x: ArrayView2<'_, F>,
    y: ArrayView1<'_, i64>,
    sample_weight: Option<ArrayView1<'_, F>>,
    settings: &Settings,
    warm: Option<&Fitted<F>>,
) -> PyResult<Fitted<F>> {
    let model = settings.model(warm).map_err(value_error)?;
    py.detach(|| match sample_weight {
        Some(w) => model.fit_weighted(&x, &y, &w),
        None => model.fit(&x, &y),
    })
    .map_err(value_error)
}

fn fit_sparse<F: Float + numpy::Element>(
    py: Python<'_>,
    x: &CsrParts<'_, F>,
    y: ArrayView1<'_, i64>,
    sample_weight: Option<ArrayView1<'_, F>>,
    settings: &Settings,
    warm: Option<&Fitted<F>>,
) -> PyResult<Fitted<F>> {
    let model = settings.model(warm).map_err(value_error)?;
    with_csr(py, x, |m| match sample_weight {
        Some(w) => model.fit_csr_weighted(m, &y, &w),
        None => model.fit_csr(m, &y),
    })
}

/// The previous model for a warm start, when its precision matches.
fn warm_f64(warm: &Option<Bound<'_, FittedModel>>) -> Option<Fitted<f64>> {
    warm.as_ref().and_then(|w| match &w.get().inner {
        Inner::F64(m) => Some(m.clone()),
        Inner::F32(_) => None,
    })
}

fn warm_f32(warm: &Option<Bound<'_, FittedModel>>) -> Option<Fitted<f32>> {
    warm.as_ref().and_then(|w| match &w.get().inner {
        Inner::F32(m) => Some(m.clone()),
        Inner::F64(_) => None,
    })
}

/// Fits on dense `x` (float64 or float32, any memory order, read in place)
/// and labels `y` encoded as 0..k; `sample_weight` has `x`'s dtype.
#[pyfunction]
#[pyo3(signature = (x, y, sample_weight, settings, warm=None))]
fn fit<'py>(
    py: Python<'py>,
    x: &Bound<'py, PyAny>,
    y: PyReadonlyArray1<'py, i64>,
    sample_weight: Option<&Bound<'py, PyAny>>,
    settings: Settings,
    warm: Option<Bound<'py, FittedModel>>,
) -> PyResult<FittedModel> {
    let y = y.as_array();
    if let Ok(x) = x.extract::<PyReadonlyArray2<'py, f64>>() {
        let w = sample_weight
            .map(|w| w.extract::<PyReadonlyArray1<'py, f64>>())
            .transpose()?;
        let w = w.as_ref().map(|w| w.as_array());
        let warm = warm_f64(&warm);
        let m = fit_dense(py, x.as_array(), y, w, &settings, warm.as_ref())?;
        return Ok(FittedModel {
            inner: Inner::F64(m),
        });
    }
    if let Ok(x) = x.extract::<PyReadonlyArray2<'py, f32>>() {
        let w = sample_weight
            .map(|w| w.extract::<PyReadonlyArray1<'py, f32>>())
            .transpose()?;
        let w = w.as_ref().map(|w| w.as_array());
        let warm = warm_f32(&warm);
        let m = fit_dense(py, x.as_array(), y, w, &settings, warm.as_ref())?;
        return Ok(FittedModel {
            inner: Inner::F32(m),
        });
    }
    Err(PyTypeError::new_err(
        "x must be a 2-D float64 or float32 numpy array",
    ))
}

/// Fits on a CSR matrix given as (data, indices, indptr, shape), data
/// float64 or float32, indices and indptr as uintp, indices sorted.
#[pyfunction]
#[pyo3(signature = (data, indices, indptr, shape, y, sample_weight, settings, warm=None))]
#[allow(clippy::too_many_arguments)]
fn fit_csr<'py>(
    py: Python<'py>,
    data: &Bound<'py, PyAny>,
    indices: PyReadonlyArray1<'py, usize>,
    indptr: PyReadonlyArray1<'py, usize>,
    shape: (usize, usize),
    y: PyReadonlyArray1<'py, i64>,
    sample_weight: Option<&Bound<'py, PyAny>>,
    settings: Settings,
    warm: Option<Bound<'py, FittedModel>>,
) -> PyResult<FittedModel> {
    let y = y.as_array();
    if let Ok(data) = data.extract::<PyReadonlyArray1<'py, f64>>() {
        let w = sample_weight
            .map(|w| w.extract::<PyReadonlyArray1<'py, f64>>())
            .transpose()?;
        let w = w.as_ref().map(|w| w.as_array());
        let parts = (data, indices, indptr, shape);
        let warm = warm_f64(&warm);
        let m = fit_sparse(py, &parts, y, w, &settings, warm.as_ref())?;
        return Ok(FittedModel {
            inner: Inner::F64(m),
        });
    }
    if let Ok(data) = data.extract::<PyReadonlyArray1<'py, f32>>() {
        let w = sample_weight
            .map(|w| w.extract::<PyReadonlyArray1<'py, f32>>())
            .transpose()?;
        let w = w.as_ref().map(|w| w.as_array());
        let parts = (data, indices, indptr, shape);
        let warm = warm_f32(&warm);
        let m = fit_sparse(py, &parts, y, w, &settings, warm.as_ref())?;
        return Ok(FittedModel {
            inner: Inner::F32(m),
        });
    }
    Err(PyTypeError::new_err(
        "CSR data must be a float64 or float32 numpy array",
    ))
}

/// What a prediction returns: scores, probabilities or log-probabilities.
#[derive(Clone, Copy)]
enum Output {
    Scores,
    Proba,
    LogProba,
}

impl Output {
    fn from_name(name: &str) -> PyResult<Self> {
        match name {
            "decision_function" => Ok(Self::Scores),
            "predict_proba" => Ok(Self::Proba),
            "predict_log_proba" => Ok(Self::LogProba),
            other => Err(PyValueError::new_err(format!("unknown output {other:?}"))),
        }
    }

    fn dense<F: Float>(self, m: &Fitted<F>, x: ArrayView2<'_, F>) -> logreg::Result<Array2<F>> {
        match self {
            Self::Scores => m.decision_function(&x),
            Self::Proba => m.predict_proba(&x),
            Self::LogProba => m.predict_log_proba(&x),
        }
    }

    fn sparse<F: Float>(
        self,
        m: &Fitted<F>,
        x: &CsMatBase<F, usize, &[usize], &[usize], &[F]>,
    ) -> logreg::Result<Array2<F>> {
        match self {
            Self::Scores => m.decision_function_csr(x),
            Self::Proba => m.predict_proba_csr(x),
            Self::LogProba => m.predict_log_proba_csr(x),
        }
    }
}

/// Reads `x` as a 2-D array of the model's dtype.
fn dense_as<'py, F: Float + numpy::Element>(
    x: &Bound<'py, PyAny>,
) -> PyResult<PyReadonlyArray2<'py, F>> {
    x.extract::<PyReadonlyArray2<'py, F>>().map_err(|_| {
        let dtype = if std::mem::size_of::<F>() == 8 {
            "float64"
        } else {
            "float32"
        };
        PyTypeError::new_err(format!("x must be a 2-D {dtype} numpy array, as the model"))
    })
}

fn csr_data_as<'py, F: Float + numpy::Element>(
    x: &Bound<'py, PyAny>,
) -> PyResult<PyReadonlyArray1<'py, F>> {
    x.extract::<PyReadonlyArray1<'py, F>>().map_err(|_| {
        let dtype = if std::mem::size_of::<F>() == 8 {
            "float64"
        } else {
            "float32"
        };
        PyTypeError::new_err(format!(
            "CSR data must be a {dtype} numpy array, as the model"
        ))
    })
}

#[pymethods]
impl FittedModel {
    /// "float64" or "float32": the precision of the fit.
    #[getter]
    fn dtype(&self) -> &'static str {
        match self.inner {
            Inner::F64(_) => "float64",
            Inner::F32(_) => "float32",
        }
    }

    /// Coefficients, k × d (1 × d for a binary model), float64.
    #[getter]
    fn coef<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray2<f64>> {
        dispatch!(&self.inner, m => m.coef().mapv(|v| v.to_f64_lossy()).into_pyarray(py))
    }

    /// Intercepts, k (1 for a binary model), float64.
    #[getter]
    fn intercept<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f64>> {
        dispatch!(&self.inner, m => m.intercept().mapv(|v| v.to_f64_lossy()).into_pyarray(py))
    }

    /// One (iterations, converged, termination) per solver run.
    #[getter]
    fn reports(&self) -> Vec<(usize, bool, String)> {
        dispatch!(&self.inner, m => m
            .reports()
            .iter()
            .map(|r| (r.iterations, r.converged(), format!("{:?}", r.termination)))
            .collect())
    }

    /// The crate's diagnostics of the fit (separation, …), as messages.
    #[getter]
    fn diagnostics(&self) -> Vec<String> {
        dispatch!(&self.inner, m => m.diagnostics().iter().map(|d| format!("{d:?}")).collect())
    }

    /// Scores, probabilities or log-probabilities (`output`) of dense rows.
    fn predict_dense<'py>(
        &self,
        py: Python<'py>,
        x: &Bound<'py, PyAny>,
        output: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let output = Output::from_name(output)?;
        Ok(match &self.inner {
            Inner::F64(m) => {
                let x = dense_as::<f64>(x)?;
                let x = x.as_array();
                let r = py.detach(|| output.dense(m, x)).map_err(value_error)?;
                r.into_pyarray(py).into_any()
            }
            Inner::F32(m) => {
                let x = dense_as::<f32>(x)?;
                let x = x.as_array();
                let r = py.detach(|| output.dense(m, x)).map_err(value_error)?;
                r.into_pyarray(py).into_any()
            }
        })
    }

    /// As `predict_dense`, for a CSR matrix (data, indices, indptr, shape).
    fn predict_csr<'py>(
        &self,
        py: Python<'py>,
        data: &Bound<'py, PyAny>,
        indices: PyReadonlyArray1<'py, usize>,
        indptr: PyReadonlyArray1<'py, usize>,
        shape: (usize, usize),
        output: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let output = Output::from_name(output)?;
        Ok(match &self.inner {
            Inner::F64(m) => {
                let parts = (csr_data_as::<f64>(data)?, indices, indptr, shape);
                let r = with_csr(py, &parts, |x| output.sparse(m, x))?;
                r.into_pyarray(py).into_any()
            }
            Inner::F32(m) => {
                let parts = (csr_data_as::<f32>(data)?, indices, indptr, shape);
                let r = with_csr(py, &parts, |x| output.sparse(m, x))?;
                r.into_pyarray(py).into_any()
            }
        })
    }

    /// Labels 0..k predicted for dense rows.
    fn predict_labels<'py>(
        &self,
        py: Python<'py>,
        x: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyArray1<i64>>> {
        let labels = match &self.inner {
            Inner::F64(m) => {
                let x = dense_as::<f64>(x)?;
                let x = x.as_array();
                py.detach(|| m.predict(&x))
            }
            Inner::F32(m) => {
                let x = dense_as::<f32>(x)?;
                let x = x.as_array();
                py.detach(|| m.predict(&x))
            }
        };
        Ok(labels.map_err(value_error)?.into_pyarray(py))
    }

    /// The statsmodels-style summary on dense `x` and encoded `y`, with
    /// the feature names (without the intercept's) when given.
    #[pyo3(signature = (x, y, sample_weight=None, feature_names=None))]
    fn summary<'py>(
        &self,
        py: Python<'py>,
        x: &Bound<'py, PyAny>,
        y: PyReadonlyArray1<'py, i64>,
        sample_weight: Option<PyReadonlyArray1<'py, f64>>,
        feature_names: Option<Vec<String>>,
    ) -> PyResult<PySummary> {
        let y = y.as_array();
        match &self.inner {
            Inner::F64(m) => {
                let x = dense_as::<f64>(x)?;
                let x = x.as_array();
                let w = sample_weight.as_ref().map(|w| w.as_array());
                let s = py
                    .detach(|| match w {
                        Some(w) => m.summary_weighted(&x, &y, &w),
                        None => m.summary(&x, &y),
                    })
                    .map_err(value_error)?;
                PySummary::new(s, feature_names)
            }
            Inner::F32(m) => {
                let x = dense_as::<f32>(x)?;
                let x = x.as_array();
                let w = sample_weight.map(|w| w.as_array().mapv(|v| v as f32));
                let s = py
                    .detach(|| match &w {
                        Some(w) => m.summary_weighted(&x, &y, w),
                        None => m.summary(&x, &y),
                    })
                    .map_err(value_error)?;
                PySummary::new(s, feature_names)
            }
        }
    }

    /// The crate's serde encoding of the model (JSON), for pickling.
    fn to_json(&self) -> PyResult<String> {
        dispatch!(&self.inner, m => serde_json::to_string(m))
            .map_err(|e| PyValueError::new_err(e.to_string()))
    }

    /// The model back from `to_json`'s text and its dtype.
    #[staticmethod]
    fn from_json(text: &str, dtype: &str) -> PyResult<Self> {
        let err = |e: serde_json::Error| PyValueError::new_err(e.to_string());
        let inner = match dtype {
            "float64" => Inner::F64(serde_json::from_str(text).map_err(err)?),
            "float32" => Inner::F32(serde_json::from_str(text).map_err(err)?),
            other => return Err(PyValueError::new_err(format!("unknown dtype {other:?}"))),
        };
        Ok(Self { inner })
    }

    /// Pickling: (dtype, JSON), rebuilt by `from_json`.
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        let from_json = py.get_type::<Self>().getattr("from_json")?;
        let this = slf.get();
        let args = (this.to_json()?, this.dtype());
        Ok((from_json, args).into_pyobject(py)?.into_any())
    }
}

/// The crate's version and the solver names it accepts.
fn add_constants(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    let solvers = [
        "auto", "newton", "lbfgs", "gd", "sgd", "adam", "cd", "fista", "saga",
    ];
    m.add("SOLVERS", solvers.to_vec())?;
    Ok(())
}

#[pymodule]
fn _logreg(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<FittedModel>()?;
    m.add_class::<PySummary>()?;
    m.add_function(wrap_pyfunction!(fit, m)?)?;
    m.add_function(wrap_pyfunction!(fit_csr, m)?)?;
    add_constants(m)
}
