//! Statistical inference for maximum-likelihood fits, in the style of
//! statsmodels' `Logit(...).fit().summary()` and `MNLogit`.
//!
//! Standard errors come from the inverse of the observed information: the
//! Hessian Σᵢ sᵢ x̃ᵢ x̃ᵢᵀ ⊗ (diag(pᵢ) − pᵢpᵢᵀ) of the *summed* weighted
//! log-likelihood (not divided by S). For a penalized fit the penalty's
//! Hessian α·S·I is included, as statsmodels does for regularized GLMs; the
//! Wald statistics then assume what only holds for an unpenalized MLE, and
//! [`Summary::penalized`] says so.

use crate::model::FittedLogisticRegression;
use crate::multiclass::{Strategy, binary_targets};
use crate::objective::{BinaryLogistic, Multinomial, Objective};
use crate::{Diagnostic, Error, Float, Result};
use ndarray::{Array1, Array2, ArrayBase, ArrayView1, ArrayView2, Data, Ix1, Ix2, Zip, s};
use statrs::distribution::{ChiSquared, ContinuousCDF, Normal};
use std::fmt;

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
    params: Array2<F>,
    std_errors: Array2<F>,
    row_names: Vec<String>,
    feature_names: Vec<String>,
    has_intercept: bool,
    log_likelihood: F,
    null_log_likelihood: F,
    n_obs: usize,
    df_model: usize,
    df_resid: isize,
    converged: bool,
    iterations: usize,
    penalized: bool,
}

impl<F: Float, L: Clone + Ord + fmt::Display> FittedLogisticRegression<F, L> {
    /// The statistics of this fit on `x`, `y` (the data it was fitted on).
    ///
    /// ```
    /// use logreg::{LogisticRegression, Penalty};
    /// use ndarray::array;
    /// let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0], [6.0], [7.0]];
    /// let y = array![0, 0, 1, 0, 1, 0, 1, 1];
    /// let model = LogisticRegression::new().penalty(Penalty::None).fit(&x, &y)?;
    /// let summary = model.summary(&x, &y)?;
    /// assert_eq!(summary.params().dim(), (1, 2));
    /// assert!(summary.p_values()[(0, 1)] > 0.0);
    /// println!("{summary}");
    /// # Ok::<(), logreg::Error>(())
    /// ```
    ///
    /// # Errors
    /// Bad `x`/`y` as in `fit`; [`Error::UnknownLabel`]; for one-vs-rest
    /// models use [`summaries`](Self::summaries); [`Error::PerfectSeparation`]
    /// when the classes are completely separated; [`Error::SingularInformation`]
    /// when fitted probabilities of 0 or 1 leave no information; [`Error::Collinear`] when
    /// features are linearly dependent.
    pub fn summary<S, T>(&self, x: &ArrayBase<S, Ix2>, y: &ArrayBase<T, Ix1>) -> Result<Summary<F>>
    where
        S: Data<Elem = F>,
        T: Data<Elem = L>,
    {
        self.summary_inner(x.view(), y.view(), None)
    }

    /// Like [`summary`](Self::summary), with the sample weights of the fit.
    ///
    /// The likelihood, standard errors, tests and AIC treat integer weights
    /// as repeated rows; [`n_obs`](Summary::n_obs), `df_resid` and BIC still
    /// count rows (weights need not be integers). For frequency weights, the
    /// repeated-rows BIC is `bic() + n_params · (ln Σw − ln n_obs)`.
    ///
    /// ```
    /// use logreg::{LogisticRegression, Penalty};
    /// use ndarray::array;
    /// let settings = LogisticRegression::new().penalty(Penalty::None).tol(1e-10);
    /// let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0]];
    /// let y = array![0, 1, 0, 1, 0, 1];
    /// let w = array![1.0, 1.0, 2.0, 1.0, 1.0, 1.0];
    /// let weighted = settings.fit_weighted(&x, &y, &w)?.summary_weighted(&x, &y, &w)?;
    /// // Weight 2 on row 2 gives the likelihood and standard errors of that row twice.
    /// let x7 = array![[0.0_f64], [1.0], [2.0], [2.0], [3.0], [4.0], [5.0]];
    /// let y7 = array![0, 1, 0, 0, 1, 0, 1];
    /// let repeated = settings.fit(&x7, &y7)?.summary(&x7, &y7)?;
    /// assert!((weighted.log_likelihood() - repeated.log_likelihood()).abs() < 1e-9);
    /// assert!((weighted.std_errors()[(0, 1)] - repeated.std_errors()[(0, 1)]).abs() < 1e-6);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`summary`](Self::summary), and bad weights as in `fit_weighted`.
    pub fn summary_weighted<S, T, W>(
        &self,
        x: &ArrayBase<S, Ix2>,
        y: &ArrayBase<T, Ix1>,
        sample_weight: &ArrayBase<W, Ix1>,
    ) -> Result<Summary<F>>
    where
        S: Data<Elem = F>,
        T: Data<Elem = L>,
        W: Data<Elem = F>,
    {
        self.summary_inner(x.view(), y.view(), Some(sample_weight.view()))
    }

    /// One summary per fitted sub-model: one for binary and multinomial
    /// models, one per class (against the rest) for one-vs-rest models.
    ///
    /// ```
    /// use logreg::{LogisticRegression, Multiclass};
    /// use ndarray::array;
    /// let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0], [6.0], [7.0], [8.0]];
    /// let y = array![0, 1, 0, 1, 2, 1, 2, 0, 2];
    /// let ovr = LogisticRegression::new().multiclass(Multiclass::OneVsRest).fit(&x, &y)?;
    /// let per_class = ovr.summaries(&x, &y)?;
    /// assert_eq!(per_class.len(), 3); // "0 vs rest", "1 vs rest", "2 vs rest"
    /// assert!(per_class.iter().all(|s| s.params().dim() == (1, 2)));
    /// assert!(ovr.summary(&x, &y).is_err()); // no single likelihood
    /// let softmax = LogisticRegression::new().fit(&x, &y)?;
    /// assert_eq!(softmax.summaries(&x, &y)?.len(), 1);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`summary`](Self::summary).
    pub fn summaries<S, T>(
        &self,
        x: &ArrayBase<S, Ix2>,
        y: &ArrayBase<T, Ix1>,
    ) -> Result<Vec<Summary<F>>>
    where
        S: Data<Elem = F>,
        T: Data<Elem = L>,
    {
        let (x, y) = (x.view(), y.view());
        if self.strategy != Strategy::OneVsRest {
            return Ok(vec![self.summary_inner(x, y, None)?]);
        }
        self.check_no_l1()?;
        let (class, weight) = self.encoded_data(x, y, None)?;
        (0..self.classes.len())
            .map(|c| {
                let target = binary_targets(&class, c);
                let params = self.binary_params(c);
                let name = format!("{} vs rest", self.classes[c]);
                self.binary_summary(x, target, weight.clone(), params, name, c)
            })
            .collect()
    }

    /// Wald statistics of an L1 fit would treat the zeros it selected as
    /// estimates, and a penalty on standardized features is not the α·I
    /// the information matrix adds: refuse both.
    fn check_no_l1(&self) -> Result<()> {
        if self.standardized && self.alpha > F::zero() {
            return Err(Error::invalid(
                "standardize",
                true,
                "a penalty on standardized features is not the one this summary's \
                 information matrix assumes: summarize an unstandardized or unpenalized fit",
            ));
        }
        if self.l1 > F::zero() {
            return Err(Error::invalid(
                "penalty",
                "L1 or elastic net",
                "has no standard errors (its zeros are selected, not estimated): \
                 refit the selected features with Penalty::None or L2 for a summary",
            ));
        }
        Ok(())
    }

    fn binary_params(&self, row: usize) -> Array1<F> {
        let mut params = self.coef.row(row).to_vec();
        if self.settings.fit_intercept {
            params.push(self.intercept[row]);
        }
        Array1::from(params)
    }

    fn summary_inner(
        &self,
        x: ArrayView2<'_, F>,
        y: ArrayView1<'_, L>,
        sample_weight: Option<ArrayView1<'_, F>>,
    ) -> Result<Summary<F>> {
        if self.strategy == Strategy::OneVsRest {
            return Err(Error::invalid(
                "multiclass",
                "OneVsRest",
                "a one-vs-rest model has one likelihood per class: use summaries()",
            ));
        }
        self.check_no_l1()?;
        let (class, weight) = self.encoded_data(x, y, sample_weight)?;
        for diagnostic in &self.diagnostics {
            if let Diagnostic::CompleteSeparation { features } = diagnostic {
                return Err(Error::PerfectSeparation {
                    features: features.clone(),
                });
            }
        }
        if self.strategy == Strategy::Binary {
            let target = binary_targets(&class, 1);
            let name = format!("{} vs {}", self.classes[1], self.classes[0]);
            return self.binary_summary(x, target, weight, self.binary_params(0), name, 0);
        }
        self.multinomial_summary(x, class, weight)
    }

    fn binary_summary(
        &self,
        x: ArrayView2<'_, F>,
        target: Array1<F>,
        weight: Array1<F>,
        params: Array1<F>,
        row_name: String,
        report_index: usize,
    ) -> Result<Summary<F>> {
        let d = x.ncols();
        let total = weight.sum();
        let positive = Zip::from(&target)
            .and(&weight)
            .fold(F::zero(), |acc, &t, &w| acc + t * w);
        let null =
            xlogy(positive, positive / total) + xlogy(total - positive, (total - positive) / total);
        let likelihood = BinaryLogistic::new_unchecked(
            x,
            target,
            weight,
            F::zero(),
            self.settings.fit_intercept,
        );
        let log_likelihood = -likelihood.value(params.view()) * total;
        let mut information = likelihood.hessian(params.view()).mapv(|h| h * total);
        for i in 0..d {
            information[(i, i)] += self.alpha * total;
        }
        let covariance = invert(
            information,
            x,
            self.settings.fit_intercept,
            self.alpha > F::zero(),
        )?;
        let std_errors = covariance.diag().mapv(F::sqrt);
        // Objective layout [w, b] → summary layout [b, w].
        let reorder = |v: ArrayView1<'_, F>| -> Array2<F> {
            let mut out: Vec<F> = Vec::with_capacity(v.len());
            if self.settings.fit_intercept {
                out.push(v[d]);
            }
            out.extend(v.slice(s![..d]).iter().copied());
            Array2::from_shape_vec((1, out.len()), out).unwrap_or_else(|_| unreachable!())
        };
        let report = self.reports.get(report_index).unwrap_or(&self.report);
        Ok(Summary {
            params: reorder(params.view()),
            std_errors: reorder(std_errors.view()),
            row_names: vec![row_name],
            feature_names: default_names(d),
            has_intercept: self.settings.fit_intercept,
            log_likelihood,
            null_log_likelihood: null,
            n_obs: x.nrows(),
            df_model: d,
            df_resid: x.nrows() as isize - (d + usize::from(self.settings.fit_intercept)) as isize,
            converged: report.converged(),
            iterations: report.iterations,
            penalized: self.alpha > F::zero(),
        })
    }

    fn multinomial_summary(
        &self,
        x: ArrayView2<'_, F>,
        class: Vec<usize>,
        weight: Array1<F>,
    ) -> Result<Summary<F>> {
        let (k, d) = (self.classes.len(), x.ncols());
        let p = d + usize::from(self.settings.fit_intercept);
        let total = weight.sum();
        let mut class_total = vec![F::zero(); k];
        for (&c, &w) in class.iter().zip(&weight) {
            class_total[c] += w;
        }
        let null = class_total
            .iter()
            .fold(F::zero(), |acc, &t| acc + xlogy(t, t / total));
        // Reference parameterization: class 0 pinned at zero, the others
        // relative to it; the likelihood is the same function.
        let coef = &self.coef - &self.coef.row(0);
        let intercept = &self.intercept - self.intercept[0];
        let mut full: Vec<F> = coef.iter().copied().collect();
        if self.settings.fit_intercept {
            full.extend(intercept.iter().copied());
        }
        let full = Array1::from(full);
        let likelihood =
            Multinomial::new_unchecked(x, class, k, weight, F::zero(), self.settings.fit_intercept);
        let log_likelihood = -likelihood.value(full.view()) * total;
        let hessian = likelihood.hessian(full.view());
        // Keep classes 1..k, in summary layout: row r = class r + 1, column 0
        // the intercept, then the features.
        let index = |r: usize, j: usize| -> usize {
            let class = r + 1;
            match (self.settings.fit_intercept, j) {
                (true, 0) => k * d + class,
                (true, j) => class * d + j - 1,
                (false, j) => class * d + j,
            }
        };
        let m = (k - 1) * p;
        let mut information = Array2::zeros((m, m));
        for a in 0..m {
            for b in 0..m {
                information[(a, b)] = hessian[(index(a / p, a % p), index(b / p, b % p))] * total;
            }
            let is_coef = !(self.settings.fit_intercept && a % p == 0);
            if is_coef {
                information[(a, a)] += self.alpha * total;
            }
        }
        let covariance = invert(
            information,
            x,
            self.settings.fit_intercept,
            self.alpha > F::zero(),
        )?;
        let params = Array2::from_shape_fn((k - 1, p), |(r, j)| full[index(r, j)]);
        let std_errors = Array2::from_shape_fn((k - 1, p), |(r, j)| {
            covariance[(r * p + j, r * p + j)].sqrt()
        });
        let row_names = (1..k)
            .map(|c| format!("{} vs {}", self.classes[c], self.classes[0]))
            .collect();
        Ok(Summary {
            params,
            std_errors,
            row_names,
            feature_names: default_names(d),
            has_intercept: self.settings.fit_intercept,
            log_likelihood,
            null_log_likelihood: null,
            n_obs: x.nrows(),
            df_model: d * (k - 1),
            df_resid: x.nrows() as isize - ((k - 1) * p) as isize,
            converged: self.report.converged(),
            iterations: self.report.iterations,
            penalized: self.alpha > F::zero(),
        })
    }
}

/// t·ln(q), with 0·ln(0) = 0.
fn xlogy<F: Float>(t: F, q: F) -> F {
    if t > F::zero() { t * q.ln() } else { F::zero() }
}

fn default_names(d: usize) -> Vec<String> {
    (0..d).map(|j| format!("x{j}")).collect()
}

/// Inverts the information matrix, or names the collinear features. The
/// design is checked first: a Cholesky of a singular matrix can "succeed"
/// with tiny pivots and return huge, meaningless standard errors.
fn invert<F: Float>(
    information: Array2<F>,
    x: ArrayView2<'_, F>,
    fit_intercept: bool,
    penalized: bool,
) -> Result<Array2<F>> {
    // A penalty makes the information positive definite whatever the design.
    let features = if penalized {
        Vec::new()
    } else {
        collinear_features(x, fit_intercept)
    };
    if !features.is_empty() {
        return Err(Error::Collinear { features });
    }
    let identity = Array2::eye(information.nrows());
    // Not positive definite although the design has full rank: fitted
    // probabilities of exactly 0 or 1 leave no information.
    F::cholesky_solve_many(information.view(), identity.view()).ok_or(Error::SingularInformation)
}

/// Features that are (numerically) linear combinations of the intercept and
/// earlier features: a Cholesky of the correlation-scaled Gram matrix [1, X]ᵀ[1, X]
/// that skips a column whose remaining pivot is below 1e-10 of its norm.
pub(crate) fn collinear_features<F: Float>(
    x: ArrayView2<'_, F>,
    fit_intercept: bool,
) -> Vec<usize> {
    let (n, d) = x.dim();
    let offset = usize::from(fit_intercept);
    let p = d + offset;
    let mut augmented = Array2::<F>::ones((n, p));
    augmented.slice_mut(s![.., offset..]).assign(&x);
    let mut gram = Array2::zeros((p, p));
    F::gemm_tn_add(gram.view_mut(), augmented.view(), augmented.view());
    let mut factor = Array2::<F>::zeros((p, p));
    let mut kept: Vec<usize> = Vec::new();
    let mut dependent = Vec::new();
    let threshold = F::from_f64_lossy(1e-10);
    for j in 0..p {
        let norm = gram[(j, j)];
        let mut pivot = norm;
        for &i in &kept {
            pivot -= factor[(j, i)] * factor[(j, i)];
        }
        if norm <= F::zero() || pivot <= threshold * norm {
            if j >= offset {
                dependent.push(j - offset);
            }
            continue;
        }
        let root = pivot.sqrt();
        factor[(j, j)] = root;
        for l in (j + 1)..p {
            let mut v = gram[(l, j)];
            for &i in &kept {
                v -= factor[(l, i)] * factor[(j, i)];
            }
            factor[(l, j)] = v / root;
        }
        kept.push(j);
    }
    dependent
}

impl<F: Float> Summary<F> {
    /// Names the features (length d) for the [`Display`](fmt::Display) table.
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
        if names.len() != self.feature_names.len() {
            return Err(Error::LengthMismatch {
                what: "feature names",
                expected: self.feature_names.len(),
                got: names.len(),
            });
        }
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
        let level = level.to_f64_lossy();
        if !(level > 0.0 && level < 1.0) {
            return Err(Error::invalid(
                "level",
                level,
                "must lie strictly between 0 and 1",
            ));
        }
        let normal = Normal::standard();
        let q = F::from_f64_lossy(normal.inverse_cdf(0.5 + level / 2.0));
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

impl<F: Float> fmt::Display for Summary<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rule = "=".repeat(78);
        let thin = "-".repeat(78);
        writeln!(f, "{rule}")?;
        writeln!(f, "{:^78}", "Logistic regression results")?;
        writeln!(f, "{rule}")?;
        let pair = |f: &mut fmt::Formatter<'_>, a: &str, av: String, b: &str, bv: String| {
            writeln!(f, "{a:<18}{av:>20}   {b:<18}{bv:>19}")
        };
        pair(
            f,
            "No. observations:",
            self.n_obs.to_string(),
            "Log-likelihood:",
            format!("{:.4}", self.log_likelihood),
        )?;
        pair(
            f,
            "Df model:",
            self.df_model.to_string(),
            "LL-null:",
            format!("{:.4}", self.null_log_likelihood),
        )?;
        pair(
            f,
            "Df residuals:",
            self.df_resid.to_string(),
            "LLR p-value:",
            format!("{:.4e}", self.llr_p_value()),
        )?;
        pair(
            f,
            "Converged:",
            self.converged.to_string(),
            "Pseudo R-squ.:",
            format!("{:.4}", self.pseudo_r2()),
        )?;
        pair(
            f,
            "Iterations:",
            self.iterations.to_string(),
            "AIC / BIC:",
            format!("{:.2} / {:.2}", self.aic(), self.bic()),
        )?;
        if self.penalized {
            writeln!(
                f,
                "Penalized fit: standard errors from the penalized Hessian are approximate."
            )?;
        }
        let z = self.z_values();
        let p = self.p_values();
        let (low, high) = self
            .conf_int(F::from_f64_lossy(0.95))
            .map_err(|_| fmt::Error)?;
        let mut names = Vec::new();
        if self.has_intercept {
            names.push("intercept".to_string());
        }
        names.extend(self.feature_names.iter().cloned());
        for (r, row_name) in self.row_names.iter().enumerate() {
            writeln!(f, "{rule}")?;
            writeln!(
                f,
                "{:<16}{:>10}{:>10}{:>9}{:>10}{:>11}{:>11}",
                truncate(row_name, 16),
                "coef",
                "std err",
                "z",
                "P>|z|",
                "[0.025",
                "0.975]"
            )?;
            writeln!(f, "{thin}")?;
            for (j, name) in names.iter().enumerate() {
                writeln!(
                    f,
                    "{:<16}{:>10.4}{:>10.3}{:>9.3}{:>10.3}{:>11.3}{:>11.3}",
                    truncate(name, 16),
                    self.params[(r, j)],
                    self.std_errors[(r, j)],
                    z[(r, j)],
                    p[(r, j)],
                    low[(r, j)],
                    high[(r, j)]
                )?;
            }
        }
        writeln!(f, "{rule}")
    }
}

fn truncate(s: &str, width: usize) -> String {
    s.chars().take(width).collect()
}
