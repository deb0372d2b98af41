//! Which covariance the Wald statistics use: the inverse information, or a
//! sandwich of it around the outer products of the per-row (or per-cluster)
//! scores, as statsmodels' `cov_type="HC0"`, `"HC1"` and `"cluster"`.

use crate::kernels::{sigmoid, softmax_inplace};
use crate::validate::check_length;
use crate::{Error, Float, Result};
use ndarray::{Array2, ArrayView2, s};

/// The covariance of the estimates behind standard errors, z, p-values and
/// intervals of a [`Summary`](crate::Summary).
///
/// - `Nonrobust`: the inverse observed information I⁻¹ (statsmodels'
///   default). Right when the model is correctly specified and rows are
///   independent.
/// - `Hc0`: the sandwich I⁻¹ (Σᵢ sᵢsᵢᵀ) I⁻¹ over the per-row scores sᵢ
///   (White's heteroskedasticity-consistent estimator, statsmodels'
///   `cov_type="HC0"`): valid when the link is misspecified but rows are
///   independent.
/// - `Hc1`: HC0 × n/(n − p) with p the number of parameters (Stata's
///   `robust`, statsmodels' `"HC1"`).
/// - `Cluster(groups)`: a group id per row; the scores are summed within
///   each group before the outer products, with statsmodels' default
///   small-sample factor G/(G − 1) · (n − 1)/(n − p) for G groups. Valid
///   when rows are correlated within groups (students in a school, visits
///   of a patient) and groups are independent; it wants many groups (tens).
///
/// ```
/// use logreg::{Covariance, LogisticRegression, Penalty};
/// use ndarray::array;
/// let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0], [6.0], [7.0]];
/// let y = array![0, 0, 1, 0, 1, 0, 1, 1];
/// let model = LogisticRegression::new().penalty(Penalty::None).fit(&x, &y)?;
/// let classic = model.summary(&x, &y)?;
/// let hc0 = model.summary_with(&x, &y, Covariance::Hc0)?;
/// let hc1 = model.summary_with(&x, &y, Covariance::Hc1)?;
/// // HC1 is HC0 scaled by n / (n − p) = 8 / 6 in the variance.
/// let ratio = hc1.std_errors()[(0, 1)] / hc0.std_errors()[(0, 1)];
/// assert!((ratio - (8.0_f64 / 6.0).sqrt()).abs() < 1e-12);
/// assert_eq!(hc0.params(), classic.params()); // same estimates, other errors
/// let clustered = model.summary_with(&x, &y, Covariance::Cluster(vec![0, 0, 1, 1, 2, 2, 3, 3]))?;
/// assert!(clustered.to_string().contains("cluster"));
/// # Ok::<(), logreg::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Covariance {
    /// The inverse observed information.
    #[default]
    Nonrobust,
    /// White's sandwich over the per-row scores.
    Hc0,
    /// HC0 × n/(n − p).
    Hc1,
    /// Cluster-robust: one group id per row.
    Cluster(Vec<usize>),
}

impl Covariance {
    /// The name printed in the summary table.
    pub(super) fn name(&self) -> String {
        match self {
            Covariance::Nonrobust => "nonrobust".to_string(),
            Covariance::Hc0 => "HC0".to_string(),
            Covariance::Hc1 => "HC1".to_string(),
            Covariance::Cluster(groups) => format!("cluster ({} groups)", count_groups(groups)),
        }
    }

    /// Checks the groups against the rows, before any work.
    pub(super) fn check(&self, n_rows: usize) -> Result<()> {
        if let Covariance::Cluster(groups) = self {
            check_length("groups", n_rows, groups.len())?;
            let count = count_groups(groups);
            if count < 2 {
                return Err(Error::invalid(
                    "groups",
                    format!("{count} distinct group(s)"),
                    "cluster-robust errors need at least 2 groups (and in practice tens of them)",
                ));
            }
        }
        Ok(())
    }
}

fn count_groups(groups: &[usize]) -> usize {
    let mut sorted = groups.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    sorted.len()
}

/// [1, x] (or x without an intercept): the columns of the summary layout.
pub(super) fn augmented<F: Float>(x: ArrayView2<'_, F>, has_intercept: bool) -> Array2<F> {
    let offset = usize::from(has_intercept);
    let mut out = Array2::<F>::ones((x.nrows(), x.ncols() + offset));
    out.slice_mut(s![.., offset..]).assign(&x);
    out
}

/// Probabilities of all classes (n × (rows + 1)) from summary-layout
/// parameters (rows × p): class 0 is the reference with η = 0.
pub(super) fn probabilities<F: Float>(params: &Array2<F>, design: &Array2<F>) -> Array2<F> {
    let eta = design.dot(&params.t());
    let (n, rows) = eta.dim();
    let mut proba = Array2::<F>::zeros((n, rows + 1));
    if rows == 1 {
        for i in 0..n {
            let p = sigmoid(eta[(i, 0)]);
            proba[(i, 0)] = sigmoid(-eta[(i, 0)]);
            proba[(i, 1)] = p;
        }
        return proba;
    }
    proba.slice_mut(s![.., 1..]).assign(&eta);
    for row in proba.rows_mut() {
        softmax_inplace(row);
    }
    proba
}

/// The sandwich bread · meat · bread with its small-sample factor, in
/// summary layout (m = rows · p parameters, row-major). `class` is each
/// row's class (0 the reference), `weight` its sample weight.
pub(super) fn sandwich<F: Float>(
    kind: &Covariance,
    bread: &Array2<F>,
    params: &Array2<F>,
    design: &Array2<F>,
    class: &[usize],
    weight: &[F],
) -> Array2<F> {
    let (rows, p) = params.dim();
    let n = design.nrows();
    let m = rows * p;
    let proba = probabilities(params, design);
    // Per-row scores of the log-likelihood: wᵢ (1{yᵢ = r+1} − p_{i,r+1}) x̃ᵢ.
    let mut scores = Array2::<F>::zeros((n, m));
    for i in 0..n {
        for r in 0..rows {
            let indicator = if class[i] == r + 1 {
                F::one()
            } else {
                F::zero()
            };
            let residual = weight[i] * (indicator - proba[(i, r + 1)]);
            for l in 0..p {
                scores[(i, r * p + l)] = residual * design[(i, l)];
            }
        }
    }
    let (summed, groups) = match kind {
        Covariance::Cluster(ids) => {
            let mut sorted = ids.clone();
            sorted.sort_unstable();
            sorted.dedup();
            let mut summed = Array2::<F>::zeros((sorted.len(), m));
            for (i, id) in ids.iter().enumerate() {
                let g = sorted.binary_search(id).unwrap_or_else(|_| unreachable!());
                let mut target = summed.row_mut(g);
                target += &scores.row(i);
            }
            (summed, sorted.len())
        }
        _ => (scores, n),
    };
    let mut meat = Array2::<F>::zeros((m, m));
    F::gemm_tn_add(meat.view_mut(), summed.view(), summed.view());
    let cast = |v: usize| F::from_usize(v).unwrap_or_else(F::max_value);
    let (nf, mf, gf) = (cast(n), cast(m), cast(groups));
    let factor = match kind {
        Covariance::Nonrobust | Covariance::Hc0 => F::one(),
        Covariance::Hc1 => nf / (nf - mf),
        Covariance::Cluster(_) => gf / (gf - F::one()) * (nf - F::one()) / (nf - mf),
    };
    bread.dot(&meat).dot(bread).mapv(|v| v * factor)
}
