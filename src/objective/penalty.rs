//! The penalty on the coefficients (never on the intercepts).

use crate::Float;
use ndarray::{ArrayView1, ArrayViewMut1, ArrayViewMut2};

/// Which penalty the fit uses. Its strength is set separately with
/// [`LogisticRegression::c`](crate::LogisticRegression::c) or
/// [`LogisticRegression::alpha`](crate::LogisticRegression::alpha).
///
/// ```
/// use logreg::{LogisticRegression, Penalty};
/// use ndarray::array;
/// let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0], [6.0], [7.0]];
/// let y = array![0, 0, 1, 0, 1, 0, 1, 1];
/// assert_eq!(Penalty::default(), Penalty::L2);
/// let mle = LogisticRegression::new().penalty(Penalty::None).fit(&x, &y)?;
/// let ridge = LogisticRegression::new().penalty(Penalty::L2).alpha(1.0).fit(&x, &y)?;
/// assert!(ridge.coef()[(0, 0)].abs() < mle.coef()[(0, 0)].abs());
/// // Only the unpenalized fit is a maximum-likelihood estimate.
/// assert!(!mle.summary(&x, &y)?.penalized());
/// assert!(ridge.summary(&x, &y)?.penalized());
/// # Ok::<(), logreg::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[non_exhaustive]
pub enum Penalty {
    /// No penalty: the maximum-likelihood fit (statsmodels' `Logit`).
    None,
    /// Ridge: (α/2)·‖w‖² (scikit-learn's default `penalty="l2"`).
    #[default]
    L2,
    /// Lasso: α·‖w‖₁, which sets coefficients exactly to zero (feature
    /// selection). Not smooth: fitted by the solvers that handle it
    /// ([`CoordinateDescent`](crate::solver::CoordinateDescent),
    /// [`Fista`](crate::solver::Fista), or [`Auto`](crate::solver::Auto)).
    ///
    /// ```
    /// use logreg::{LogisticRegression, Penalty};
    /// use ndarray::array;
    /// // The second feature is noise: a strong L1 penalty drops it.
    /// let x = array![[0.0_f64, 0.3], [1.0, -0.2], [2.0, 0.1], [3.0, 0.4], [4.0, -0.3], [5.0, 0.0]];
    /// let y = array![0, 0, 1, 0, 1, 1];
    /// let lasso = LogisticRegression::new().penalty(Penalty::L1).c(0.5).fit(&x, &y)?;
    /// assert!(lasso.coef()[(0, 0)] > 0.0);
    /// assert_eq!(lasso.coef()[(0, 1)], 0.0);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    L1,
    /// Elastic net: α·(ρ‖w‖₁ + (1 − ρ)/2·‖w‖²) with ρ = `l1_ratio` in [0, 1]
    /// (scikit-learn's `penalty="elasticnet"`; ρ = 1 is [`L1`](Self::L1),
    /// ρ = 0 is [`L2`](Self::L2)).
    ///
    /// ```
    /// use logreg::{Error, LogisticRegression, Penalty};
    /// use ndarray::array;
    /// let x = array![[0.0_f64, 0.3], [1.0, -0.2], [2.0, 0.1], [3.0, 0.4], [4.0, -0.3], [5.0, 0.0]];
    /// let y = array![0, 0, 1, 0, 1, 1];
    /// let net = LogisticRegression::new()
    ///     .penalty(Penalty::ElasticNet { l1_ratio: 0.5 })
    ///     .fit(&x, &y)?;
    /// assert!(net.coef()[(0, 0)] > 0.0);
    /// let err = LogisticRegression::new()
    ///     .penalty(Penalty::ElasticNet { l1_ratio: 1.5 })
    ///     .fit(&x, &y)
    ///     .unwrap_err();
    /// assert!(matches!(err, Error::InvalidParameter { name: "l1_ratio", .. }));
    /// # Ok::<(), logreg::Error>(())
    /// ```
    ElasticNet {
        /// ρ: the share of the strength on the L1 term, in [0, 1].
        l1_ratio: f64,
    },
    /// Firth's bias-reduced penalized likelihood log L(β) + ½ log det I(β)
    /// (R's `logistf`, Python's `firthmodels`): finite estimates even on
    /// separated data, and less small-sample bias with rare events. Binary
    /// models only ([`Error::InvalidParameter`](crate::Error::InvalidParameter)
    /// for more classes) on dense features; fitted by its own Newton method
    /// with the modified score (the `solver` setting is not used; `tol` and
    /// `max_iter` are); no strength to set. Its summary has Wald standard
    /// errors from the Fisher information at the estimate, and penalized
    /// likelihood-ratio tests and profile intervals
    /// ([`Summary::lr_p_values`](crate::Summary::lr_p_values),
    /// [`Summary::profile_conf_int`](crate::Summary::profile_conf_int)).
    ///
    /// ```
    /// use logreg::{LogisticRegression, Penalty};
    /// use ndarray::array;
    /// // Completely separated: no maximum-likelihood estimate exists.
    /// let x = array![[1.0_f64], [2.0], [3.0], [4.0], [5.0], [6.0]];
    /// let y = array![0, 0, 0, 1, 1, 1];
    /// let firth = LogisticRegression::new().penalty(Penalty::Firth).fit(&x, &y)?;
    /// assert!(firth.report().converged());
    /// assert!(firth.coef()[(0, 0)].is_finite() && firth.coef()[(0, 0)] > 0.0);
    /// let three = array![0, 1, 2, 0, 1, 2];
    /// assert!(LogisticRegression::new().penalty(Penalty::Firth).fit(&x, &three).is_err());
    /// # Ok::<(), logreg::Error>(())
    /// ```
    Firth,
}

impl Penalty {
    /// The share ρ of the strength α on the L1 term (0 for `None` and `L2`).
    pub(crate) fn l1_ratio(self) -> f64 {
        match self {
            Penalty::None | Penalty::L2 | Penalty::Firth => 0.0,
            Penalty::L1 => 1.0,
            Penalty::ElasticNet { l1_ratio } => l1_ratio,
        }
    }

    /// Checks the elastic-net ratio.
    pub(crate) fn check(self) -> crate::Result<()> {
        match self {
            Penalty::ElasticNet { l1_ratio } if !(0.0..=1.0).contains(&l1_ratio) => Err(
                crate::Error::invalid("l1_ratio", l1_ratio, "must lie in [0, 1]"),
            ),
            _ => Ok(()),
        }
    }

    /// The strengths (L2, L1) of the smooth and the non-smooth term for a
    /// total strength α: (α(1 − ρ), αρ).
    pub(crate) fn split<F: Float>(self, alpha: F) -> (F, F) {
        if self == Penalty::None || self == Penalty::Firth {
            return (F::zero(), F::zero());
        }
        let rho = F::from_f64_lossy(self.l1_ratio());
        (alpha * (F::one() - rho), alpha * rho)
    }
}

/// λ·‖w‖₁ over the first `n_coef` parameters.
pub(crate) fn l1_value<F: Float>(lambda: F, n_coef: usize, params: ArrayView1<'_, F>) -> F {
    if lambda == F::zero() {
        return F::zero();
    }
    lambda
        * params
            .iter()
            .take(n_coef)
            .fold(F::zero(), |s, v| s + v.abs())
}

/// (α/2)·‖w‖² on the first `n_coef` parameters: adds the value to `value`,
/// the gradient into `grad`.
pub(crate) fn add_l2<F: Float>(
    alpha: F,
    n_coef: usize,
    params: ArrayView1<'_, F>,
    grad: Option<ArrayViewMut1<'_, F>>,
    value: &mut F,
) {
    if alpha == F::zero() {
        return;
    }
    let coef = params.slice(ndarray::s![..n_coef]);
    *value += alpha * F::from_f64_lossy(0.5) * coef.dot(&coef);
    if let Some(mut grad) = grad {
        grad.slice_mut(ndarray::s![..n_coef])
            .scaled_add(alpha, &coef);
    }
}

/// Adds α to the first `n_coef` diagonal entries of a Hessian.
pub(crate) fn add_l2_hessian<F: Float>(alpha: F, n_coef: usize, mut hess: ArrayViewMut2<'_, F>) {
    for i in 0..n_coef {
        hess[(i, i)] += alpha;
    }
}

/// Adds α·v on the first `n_coef` entries of a Hessian-vector product.
pub(crate) fn add_l2_hess_vec<F: Float>(
    alpha: F,
    n_coef: usize,
    v: ArrayView1<'_, F>,
    mut out: ArrayViewMut1<'_, F>,
) {
    out.slice_mut(ndarray::s![..n_coef])
        .scaled_add(alpha, &v.slice(ndarray::s![..n_coef]));
}

/// The mean-scaled objective from a pass's weighted sums: returns
/// loss·scale + (α/2)‖w‖² and turns the summed gradient `grad` into
/// grad·scale + α·w, with `scale` = 1/S and w the first `n_coef` parameters.
pub(crate) fn scaled_with_l2<F: Float>(
    loss: F,
    scale: F,
    alpha: F,
    n_coef: usize,
    params: ArrayView1<'_, F>,
    mut grad: ArrayViewMut1<'_, F>,
) -> F {
    grad.mapv_inplace(|g| g * scale);
    let mut value = loss * scale;
    add_l2(alpha, n_coef, params, Some(grad), &mut value);
    value
}

/// The scale 1/S of a minibatch whose weights sum to S. A batch whose rows
/// all weigh zero carries no information: only the penalty (scale 1).
pub(crate) fn batch_scale<F: Float>(weight_sum: F) -> F {
    if weight_sum > F::zero() {
        weight_sum.recip()
    } else {
        F::one()
    }
}

/// The [`Objective`](super::Objective) methods that only read what every
/// logistic objective holds (`x` with one row per sample, `alpha`, `l1`,
/// its `layout()` and `n_coef()`, the number of coefficients the penalties
/// cover) or that every one answers alike (its rows, as a `RowAccess`).
macro_rules! penalty_accessors {
    () => {
        fn n_params(&self) -> usize {
            self.layout().n_params()
        }

        fn as_rows(&self) -> Option<&dyn RowAccess<F>> {
            Some(self)
        }

        fn n_samples(&self) -> usize {
            self.x.nrows()
        }

        fn l2_penalty(&self) -> F {
            self.alpha
        }

        fn l1_penalty(&self) -> F {
            self.l1
        }

        fn n_penalized(&self) -> usize {
            self.n_coef()
        }
    };
}
pub(crate) use penalty_accessors;

/// The L1 setters of a logistic objective `$objective<'a, F>` with an `l1`
/// field; `$new` builds one over `x`, a 4 × 2 array, in the doc example.
/// `check_l1` is the caller's (the input checks live with the callers).
macro_rules! l1_setters {
    ($objective:ident, $new:literal) => {
        impl<F: $crate::Float> $objective<'_, F> {
            /// Adds an L1 term λ₁·‖w‖₁ on the coefficients (see
            /// [`Objective::l1_penalty`]); λ₁ must be finite and ≥ 0. With the L2
            /// strength α of [`new`](Self::new) this is the elastic net.
            ///
            /// ```
            /// use logreg::Error;
            #[doc = concat!("use logreg::objective::{", stringify!($objective), ", Objective};")]
            /// use ndarray::array;
            /// let x = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]];
            #[doc = concat!("let lasso = ", $new, "?.with_l1(0.1)?;")]
            /// assert_eq!(lasso.l1_penalty(), 0.1);
            /// let err = lasso.with_l1(f64::NAN).unwrap_err();
            /// assert!(matches!(err, Error::InvalidParameter { name: "l1", .. }));
            /// # Ok::<(), logreg::Error>(())
            /// ```
            pub fn with_l1(self, l1: F) -> $crate::Result<Self> {
                check_l1(l1)?;
                Ok(self.with_l1_unchecked(l1))
            }

            /// Sets λ₁ for callers that have validated it.
            pub(crate) fn with_l1_unchecked(mut self, l1: F) -> Self {
                self.l1 = l1;
                self
            }
        }
    };
}
pub(crate) use l1_setters;
