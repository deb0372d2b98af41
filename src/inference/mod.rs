//! Statistical inference for maximum-likelihood fits, in the style of
//! statsmodels' `Logit(...).fit().summary()` and `MNLogit`.
//!
//! Standard errors come from the inverse of the observed information: the
//! Hessian Σᵢ sᵢ x̃ᵢ x̃ᵢᵀ ⊗ (diag(pᵢ) − pᵢpᵢᵀ) of the *summed* weighted
//! log-likelihood (not divided by S). For a penalized fit the penalty's
//! Hessian α·S·I is included, as statsmodels does for regularized GLMs; the
//! Wald statistics then assume what only holds for an unpenalized MLE, and
//! [`Summary::penalized`] says so.
//!
//! This file estimates; `summary.rs` holds the [`Summary`], its derived
//! statistics and its table.

mod summary;

pub use summary::Summary;

use crate::model::FittedLogisticRegression;
use crate::multiclass::{Strategy, binary_targets};
use crate::objective::{BinaryLogistic, Multinomial, Objective};
use crate::{Diagnostic, Error, Float, Result};
use ndarray::{Array1, Array2, ArrayBase, ArrayView1, ArrayView2, Data, Ix1, Ix2, Zip, s};
use std::fmt;

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
        if self.record.standardized && self.record.alpha > F::zero() {
            return Err(Error::invalid(
                "standardize",
                true,
                "a penalty on standardized features is not the one this summary's \
                 information matrix assumes: summarize an unstandardized or unpenalized fit",
            ));
        }
        if self.record.l1 > F::zero() {
            return Err(Error::invalid(
                "penalty",
                "L1 or elastic net",
                "has no standard errors (its zeros are selected, not estimated): \
                 refit the selected features with Penalty::None or L2 for a summary",
            ));
        }
        Ok(())
    }

    /// The flat parameters `[w, b]` of binary run `row`.
    fn binary_params(&self, row: usize) -> Array1<F> {
        self.runs().params(&self.coef, &self.intercept, row)
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
        let likelihood =
            BinaryLogistic::new_unchecked(x, target, weight, F::zero(), self.record.fit_intercept);
        let log_likelihood = -likelihood.value(params.view()) * total;
        let mut information = likelihood.hessian(params.view()).mapv(|h| h * total);
        for i in 0..d {
            information[(i, i)] += self.record.alpha * total;
        }
        let covariance = invert(
            information,
            x,
            self.record.fit_intercept,
            self.record.alpha > F::zero(),
        )?;
        let std_errors = covariance.diag().mapv(F::sqrt);
        // Objective layout [w, b] → summary layout [b, w].
        let reorder = |v: ArrayView1<'_, F>| -> Array2<F> {
            let mut out: Vec<F> = Vec::with_capacity(v.len());
            if self.record.fit_intercept {
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
            feature_names: self.feature_names_or_default(),
            has_intercept: self.record.fit_intercept,
            log_likelihood,
            null_log_likelihood: null,
            n_obs: x.nrows(),
            df_model: d,
            df_resid: x.nrows() as isize - (d + usize::from(self.record.fit_intercept)) as isize,
            converged: report.converged(),
            iterations: report.iterations,
            penalized: self.record.alpha > F::zero(),
        })
    }

    fn multinomial_summary(
        &self,
        x: ArrayView2<'_, F>,
        class: Vec<usize>,
        weight: Array1<F>,
    ) -> Result<Summary<F>> {
        let (k, d) = (self.classes.len(), x.ncols());
        let p = d + usize::from(self.record.fit_intercept);
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
        let layout = self.runs().layout;
        let full = layout.flatten(coef.view(), intercept.view());
        let likelihood =
            Multinomial::new_unchecked(x, class, k, weight, F::zero(), self.record.fit_intercept);
        let log_likelihood = -likelihood.value(full.view()) * total;
        let hessian = likelihood.hessian(full.view());
        // Keep classes 1..k, in summary layout: row r = class r + 1, column 0
        // the intercept, then the features.
        let index = |r: usize, j: usize| -> usize {
            let class = r + 1;
            match layout.intercept_index(class) {
                Some(intercept) if j == 0 => intercept,
                Some(_) => layout.coef_index(class, j - 1),
                None => layout.coef_index(class, j),
            }
        };
        let m = (k - 1) * p;
        let mut information = Array2::zeros((m, m));
        for a in 0..m {
            for b in 0..m {
                information[(a, b)] = hessian[(index(a / p, a % p), index(b / p, b % p))] * total;
            }
            let is_coef = !(self.record.fit_intercept && a % p == 0);
            if is_coef {
                information[(a, a)] += self.record.alpha * total;
            }
        }
        let covariance = invert(
            information,
            x,
            self.record.fit_intercept,
            self.record.alpha > F::zero(),
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
            feature_names: self.feature_names_or_default(),
            has_intercept: self.record.fit_intercept,
            log_likelihood,
            null_log_likelihood: null,
            n_obs: x.nrows(),
            df_model: d * (k - 1),
            df_resid: x.nrows() as isize - ((k - 1) * p) as isize,
            converged: self.report.converged(),
            iterations: self.report.iterations,
            penalized: self.record.alpha > F::zero(),
        })
    }
}

/// t·ln(q), with 0·ln(0) = 0.
fn xlogy<F: Float>(t: F, q: F) -> F {
    if t > F::zero() { t * q.ln() } else { F::zero() }
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
