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

mod covariance;
mod fit_statistics;
mod information;
mod likelihood;
mod margins;
mod refit;
mod summary;
mod table;

pub use covariance::Covariance;
pub use margins::{MarginalEffects, PredictionInterval};
pub use summary::Summary;

use covariance::{augmented, sandwich};
use information::{NEAR_SINGULAR, condition_number, invert};
use refit::{Refit, Target};
use std::sync::Arc;
use summary::Warning;

use crate::model::FittedLogisticRegression;
use crate::multiclass::{Strategy, binary_targets};
use crate::objective::{BinaryLogistic, Multinomial, Objective};
use crate::{Diagnostic, Error, Float, Result};
use ndarray::{Array1, Array2, ArrayBase, ArrayView1, ArrayView2, Data, Ix1, Ix2, Zip};
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
        self.summary_inner(x.view(), y.view(), None, &Covariance::Nonrobust)
    }

    /// Like [`summary`](Self::summary), with standard errors, z, p-values
    /// and intervals from the chosen [`Covariance`]: robust (HC0, HC1) or
    /// cluster-robust (statsmodels' `fit(cov_type=...)`). Binary and
    /// multinomial models.
    ///
    /// ```
    /// use logreg::{Covariance, LogisticRegression, Penalty};
    /// use ndarray::array;
    /// let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0], [6.0], [7.0]];
    /// let y = array![0, 0, 1, 0, 1, 0, 1, 1];
    /// let model = LogisticRegression::new().penalty(Penalty::None).fit(&x, &y)?;
    /// let robust = model.summary_with(&x, &y, Covariance::Hc1)?;
    /// assert!(robust.to_string().contains("HC1"));
    /// let groups = vec![0, 0, 0, 0, 1, 1, 1, 1, 2]; // one id too many
    /// assert!(model.summary_with(&x, &y, Covariance::Cluster(groups)).is_err());
    /// # Ok::<(), logreg::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`summary`](Self::summary); [`Error::LengthMismatch`] when the
    /// cluster ids are not one per row; [`Error::InvalidParameter`] for fewer
    /// than two clusters, and for a robust covariance of a penalized (L2)
    /// fit: the sandwich assumes the estimate zeroes the sum of the scores,
    /// which a penalized estimate does not (refit with `Penalty::None`).
    pub fn summary_with<S, T>(
        &self,
        x: &ArrayBase<S, Ix2>,
        y: &ArrayBase<T, Ix1>,
        covariance: Covariance,
    ) -> Result<Summary<F>>
    where
        S: Data<Elem = F>,
        T: Data<Elem = L>,
    {
        self.summary_inner(x.view(), y.view(), None, &covariance)
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
        self.summary_inner(
            x.view(),
            y.view(),
            Some(sample_weight.view()),
            &Covariance::Nonrobust,
        )
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
            return Ok(vec![self.summary_inner(
                x,
                y,
                None,
                &Covariance::Nonrobust,
            )?]);
        }
        self.ovr_summaries(x, y).map_err(|e| self.name_columns(e))
    }

    /// One summary per class of a one-vs-rest model.
    fn ovr_summaries(&self, x: ArrayView2<'_, F>, y: ArrayView1<'_, L>) -> Result<Vec<Summary<F>>> {
        self.check_no_l1()?;
        let (class, weight) = self.encoded_data(x, y, None)?;
        (0..self.classes.len())
            .map(|c| {
                let target = binary_targets(&class, c);
                let params = self.binary_params(c);
                let name = format!("{} vs rest", self.classes[c]);
                self.binary_summary(
                    x,
                    target,
                    weight.clone(),
                    params,
                    name,
                    c,
                    &Covariance::Nonrobust,
                )
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

    /// The summary, its errors naming the model's features.
    fn summary_inner(
        &self,
        x: ArrayView2<'_, F>,
        y: ArrayView1<'_, L>,
        sample_weight: Option<ArrayView1<'_, F>>,
        covariance: &Covariance,
    ) -> Result<Summary<F>> {
        self.summary_checked(x, y, sample_weight, covariance)
            .map_err(|e| self.name_columns(e))
    }

    fn summary_checked(
        &self,
        x: ArrayView2<'_, F>,
        y: ArrayView1<'_, L>,
        sample_weight: Option<ArrayView1<'_, F>>,
        covariance: &Covariance,
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
        covariance.check(x.nrows())?;
        let firth = self.record.penalty == crate::Penalty::Firth;
        if *covariance != Covariance::Nonrobust && (self.record.alpha > F::zero() || firth) {
            return Err(Error::invalid(
                "covariance",
                covariance.name(),
                "a robust covariance needs an unpenalized fit: at a penalized estimate the \
                 scores do not sum to zero, so the sandwich is not centred (refit with Penalty::None)",
            ));
        }
        for diagnostic in &self.diagnostics {
            if let Diagnostic::CompleteSeparation { features } = diagnostic {
                return Err(Error::PerfectSeparation {
                    features: features.clone(),
                    names: Vec::new(),
                });
            }
        }
        if self.strategy == Strategy::Binary {
            let target = binary_targets(&class, 1);
            let name = format!("{} vs {}", self.classes[1], self.classes[0]);
            let params = self.binary_params(0);
            return self.binary_summary(x, target, weight, params, name, 0, covariance);
        }
        self.multinomial_summary(x, class, weight, covariance)
    }

    #[allow(clippy::too_many_arguments)]
    fn binary_summary(
        &self,
        x: ArrayView2<'_, F>,
        target: Array1<F>,
        weight: Array1<F>,
        params: Array1<F>,
        row_name: String,
        report_index: usize,
        covariance: &Covariance,
    ) -> Result<Summary<F>> {
        let d = x.ncols();
        let offset = usize::from(self.record.fit_intercept);
        let total = weight.sum();
        let positive = Zip::from(&target)
            .and(&weight)
            .fold(F::zero(), |acc, &t, &w| acc + t * w);
        let null =
            xlogy(positive, positive / total) + xlogy(total - positive, (total - positive) / total);
        let class: Vec<usize> = target.iter().map(|&t| usize::from(t > F::zero())).collect();
        let refit =
            (self.record.alpha == F::zero()).then(|| self.refit(x, &target, &weight, &params));
        let class_names = if self.strategy == Strategy::OneVsRest {
            vec!["rest".to_string(), self.classes[report_index].to_string()]
        } else {
            vec![self.classes[0].to_string(), self.classes[1].to_string()]
        };
        let likelihood = BinaryLogistic::new_unchecked(
            x,
            target,
            weight.clone(),
            F::zero(),
            self.record.fit_intercept,
        );
        let log_likelihood = -likelihood.value(params.view()) * total;
        let hessian = likelihood.hessian(params.view());
        // Objective layout [w, b] → summary layout [b, w].
        let source = |j: usize| if offset == 1 && j == 0 { d } else { j - offset };
        let p = d + offset;
        let mut information =
            Array2::from_shape_fn((p, p), |(a, b)| hessian[(source(a), source(b))] * total);
        for j in offset..p {
            information[(j, j)] += self.record.alpha * total;
        }
        if let Some(firth) = refit.as_ref().filter(|r| r.firth()) {
            let augmented = firth.information().ok_or(Error::SingularInformation)?;
            information = Array2::from_shape_fn((p, p), |(a, b)| {
                F::from_f64_lossy(augmented[source(a) * p + source(b)])
            });
        }
        let params = Array2::from_shape_fn((1, p), |(_, j)| params[source(j)]);
        let report = self.reports.get(report_index).unwrap_or(&self.report);
        let pieces = Pieces {
            params,
            information,
            class,
            weight,
            log_likelihood,
            null_log_likelihood: null,
            row_names: vec![row_name],
            class_names,
            refit,
            df_model: d,
            converged: report.converged(),
            termination: format!("{:?}", report.termination),
            iterations: report.iterations,
        };
        self.finish(x, pieces, covariance)
    }

    fn multinomial_summary(
        &self,
        x: ArrayView2<'_, F>,
        class: Vec<usize>,
        weight: Array1<F>,
        covariance: &Covariance,
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
        let likelihood = Multinomial::new_unchecked(
            x,
            class.clone(),
            k,
            weight.clone(),
            F::zero(),
            self.record.fit_intercept,
        );
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
        let params = Array2::from_shape_fn((k - 1, p), |(r, j)| full[index(r, j)]);
        // Unpenalized: the likelihood-ratio refits of MNLogit's parameters.
        let refit = (self.record.alpha == F::zero()).then(|| {
            let labels = Target::Classes {
                class: class.clone(),
                k,
            };
            self.refit_of(x, labels, &weight, params.iter())
        });
        let row_names = (1..k)
            .map(|c| format!("{} vs {}", self.classes[c], self.classes[0]))
            .collect();
        let pieces = Pieces {
            params,
            information,
            class,
            weight,
            log_likelihood,
            null_log_likelihood: null,
            row_names,
            class_names: self.classes.iter().map(ToString::to_string).collect(),
            refit,
            df_model: d * (k - 1),
            converged: self.report.converged(),
            termination: format!("{:?}", self.report.termination),
            iterations: self.report.iterations,
        };
        self.finish(x, pieces, covariance)
    }

    /// What a binary summary keeps for likelihood-ratio refits.
    fn refit(
        &self,
        x: ArrayView2<'_, F>,
        target: &Array1<F>,
        weight: &Array1<F>,
        params: &Array1<F>,
    ) -> Refit<F> {
        let labels = Target::Binary {
            y: target.to_vec(),
            firth: self.record.penalty == crate::Penalty::Firth,
        };
        self.refit_of(x, labels, weight, params.iter())
    }

    /// What a summary keeps for likelihood-ratio refits of `labels`, at
    /// `params` (in the refit's layout).
    fn refit_of<'p>(
        &self,
        x: ArrayView2<'_, F>,
        labels: Target<F>,
        weight: &Array1<F>,
        params: impl Iterator<Item = &'p F>,
    ) -> Refit<F> {
        let mut refit = Refit {
            x: x.to_owned(),
            weight: weight.to_vec(),
            fit_intercept: self.record.fit_intercept,
            target: labels,
            params: params.map(|v| v.to_f64_lossy()).collect(),
            loglik: f64::NAN,
        };
        refit.loglik = refit.log_likelihood();
        refit
    }

    /// Inverts the information, applies the chosen covariance and collects
    /// the warnings of the table.
    fn finish(
        &self,
        x: ArrayView2<'_, F>,
        pieces: Pieces<F>,
        covariance: &Covariance,
    ) -> Result<Summary<F>> {
        let has_intercept = self.record.fit_intercept;
        let penalized = self.record.alpha > F::zero();
        let (rows, p) = pieces.params.dim();
        let bread = invert(pieces.information.clone(), x, has_intercept, penalized)?;
        let design = augmented(x, has_intercept);
        let cov = match covariance {
            Covariance::Nonrobust => bread,
            robust => sandwich(
                robust,
                &bread,
                &pieces.params,
                &design,
                &pieces.class,
                pieces.weight.as_slice().unwrap_or(&pieces.weight.to_vec()),
            ),
        };
        let std_errors =
            Array2::from_shape_fn((rows, p), |(r, j)| cov[(r * p + j, r * p + j)].sqrt());
        let mut warnings = Vec::new();
        if !pieces.converged {
            warnings.push(Warning::NotConverged(pieces.termination));
        }
        for diagnostic in &self.diagnostics {
            if let Diagnostic::QuasiSeparation { features, rows } = diagnostic {
                warnings.push(Warning::QuasiSeparation {
                    features: features.clone(),
                    rows: *rows,
                });
            }
        }
        let condition = condition_number(&pieces.information);
        if condition > NEAR_SINGULAR {
            warnings.push(Warning::NearSingular(condition));
        }
        let n_params = rows * p;
        Ok(Summary {
            params: pieces.params,
            std_errors,
            covariance: cov,
            covariance_name: covariance.name(),
            row_names: pieces.row_names,
            class_names: pieces.class_names,
            penalized_log_likelihood: pieces
                .refit
                .as_ref()
                .filter(|refit| refit.firth())
                .map(|refit| F::from_f64_lossy(refit.loglik)),
            refit: pieces.refit.map(Arc::new),
            feature_names: self.feature_names_or_default(),
            has_intercept,
            log_likelihood: pieces.log_likelihood,
            null_log_likelihood: pieces.null_log_likelihood,
            n_obs: x.nrows(),
            df_model: pieces.df_model,
            df_resid: x.nrows() as isize - n_params as isize,
            converged: pieces.converged,
            iterations: pieces.iterations,
            penalized,
            warnings,
        })
    }
}

/// What the binary and multinomial summaries hand to `finish`, in summary
/// layout (rows × p; the information m × m with m = rows · p, row-major).
struct Pieces<F> {
    params: Array2<F>,
    information: Array2<F>,
    class: Vec<usize>,
    weight: Array1<F>,
    log_likelihood: F,
    null_log_likelihood: F,
    row_names: Vec<String>,
    class_names: Vec<String>,
    refit: Option<Refit<F>>,
    df_model: usize,
    converged: bool,
    termination: String,
    iterations: usize,
}

/// t·ln(q), with 0·ln(0) = 0.
fn xlogy<F: Float>(t: F, q: F) -> F {
    if t > F::zero() { t * q.ln() } else { F::zero() }
}
