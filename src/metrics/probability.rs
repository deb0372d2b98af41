//! Metrics from probabilities or scores: log loss, Brier score, ROC AUC.

use super::{ClassIndex, check_not_empty};
use crate::validate::{check_finite_matrix, check_length};
use crate::{Error, Float, Result};
use ndarray::{Array2, ArrayBase, ArrayView2, Data, Ix1, Ix2};

/// Checks labels against probabilities: one row per label, one column per
/// class (or one column, of the second class, for two classes), values in
/// [0, 1]. Returns each label's class and the probabilities as k columns.
fn checked_proba<L, S, P, F>(
    y_true: &ArrayBase<S, Ix1>,
    proba: &ArrayBase<P, Ix2>,
    classes: &[L],
) -> Result<(Vec<usize>, Array2<f64>)>
where
    L: Ord,
    S: Data<Elem = L>,
    P: Data<Elem = F>,
    F: Float,
{
    let (class, scores) = checked_scores(y_true, proba, classes)?;
    if let Some(&bad) = scores.iter().find(|&&p| !(0.0..=1.0).contains(&p)) {
        return Err(Error::invalid(
            "proba",
            bad,
            "probabilities must lie in [0, 1]: pass predict_proba's output",
        ));
    }
    Ok((class, scores))
}

/// Checks labels against a score matrix (n × k, or n × 1 for two classes)
/// and returns each label's class and the scores as k columns of f64 (a
/// single column c becomes [1 − c, c]).
fn checked_scores<L, S, P, F>(
    y_true: &ArrayBase<S, Ix1>,
    scores: &ArrayBase<P, Ix2>,
    classes: &[L],
) -> Result<(Vec<usize>, Array2<f64>)>
where
    L: Ord,
    S: Data<Elem = L>,
    P: Data<Elem = F>,
    F: Float,
{
    check_not_empty("y_true", y_true.len())?;
    check_length("proba", y_true.len(), scores.nrows())?;
    let index = ClassIndex::new(classes)?;
    if index.len() < 2 {
        return Err(Error::TooFewClasses { found: index.len() });
    }
    let single = index.len() == 2 && scores.ncols() == 1;
    if !single && scores.ncols() != index.len() {
        return Err(Error::FeatureMismatch {
            expected: index.len(),
            got: scores.ncols(),
            names: Vec::new(),
        });
    }
    check_finite_matrix("proba", scores.view())?;
    let class = index.encode(y_true)?;
    Ok((class, as_columns(scores.view(), single)))
}

fn as_columns<F: Float>(scores: ArrayView2<'_, F>, single: bool) -> Array2<f64> {
    if single {
        Array2::from_shape_fn((scores.nrows(), 2), |(i, j)| {
            let p = scores[(i, 0)].to_f64_lossy();
            if j == 0 { 1.0 - p } else { p }
        })
    } else {
        scores.mapv(F::to_f64_lossy)
    }
}

/// The mean negative log-likelihood of the true labels,
/// −(1/n)·Σᵢ ln pᵢ(yᵢ), with each probability clipped to [ε, 1 − ε] for the
/// machine ε of `F` (`sklearn.metrics.log_loss` with `labels=classes`).
///
/// `proba` is n × k with columns in `classes` order (as `predict_proba`
/// gives), or n × 1 holding the probability of `classes[1]` for two
/// classes.
///
/// ```
/// use logreg::metrics::log_loss;
/// use ndarray::array;
/// let truth = array!["spam", "ham", "ham", "spam"];
/// let proba = array![[0.1, 0.9], [0.9, 0.1], [0.8, 0.2], [0.35, 0.65]];
/// let loss = log_loss(&truth, &proba, &["ham", "spam"])?;
/// assert!((loss - 0.21616187468057912).abs() < 1e-15); // scikit-learn's docs example
/// # Ok::<(), logreg::Error>(())
/// ```
///
/// # Errors
/// [`Error::LengthMismatch`] (rows), [`Error::FeatureMismatch`] (columns
/// against classes), [`Error::UnknownLabel`], [`Error::NonFinite`], and
/// [`Error::InvalidParameter`] for a probability outside [0, 1], empty input,
/// or classes that are empty or repeated.
pub fn log_loss<L, S, P, F>(
    y_true: &ArrayBase<S, Ix1>,
    proba: &ArrayBase<P, Ix2>,
    classes: &[L],
) -> Result<f64>
where
    L: Ord,
    S: Data<Elem = L>,
    P: Data<Elem = F>,
    F: Float,
{
    let (class, p) = checked_proba(y_true, proba, classes)?;
    let eps = F::epsilon().to_f64_lossy();
    let total: f64 = class
        .iter()
        .enumerate()
        .map(|(i, &c)| -p[(i, c)].clamp(eps, 1.0 - eps).ln())
        .sum();
    Ok(total / class.len() as f64)
}

/// The Brier score: for two classes the mean squared difference between
/// the probability of `classes[1]` and the indicator of it; for more, the
/// mean over rows of Σ_c (p_c − 1[y = c])² (`sklearn.metrics.brier_score_loss`
/// with its default `scale_by_half="auto"`). Lower is better.
///
/// ```
/// use logreg::metrics::brier_score;
/// use ndarray::array;
/// let truth = array![0, 1, 1, 0];
/// let proba = array![[0.9, 0.1], [0.2, 0.8], [0.3, 0.7], [0.6, 0.4]];
/// let expected = (0.01 + 0.04 + 0.09 + 0.16) / 4.0;
/// assert!((brier_score(&truth, &proba, &[0, 1])? - expected).abs() < 1e-15);
/// # Ok::<(), logreg::Error>(())
/// ```
///
/// # Errors
/// As [`log_loss`].
pub fn brier_score<L, S, P, F>(
    y_true: &ArrayBase<S, Ix1>,
    proba: &ArrayBase<P, Ix2>,
    classes: &[L],
) -> Result<f64>
where
    L: Ord,
    S: Data<Elem = L>,
    P: Data<Elem = F>,
    F: Float,
{
    let (class, p) = checked_proba(y_true, proba, classes)?;
    let k = p.ncols();
    let total: f64 = class
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            (0..k)
                .map(|j| {
                    let target = if j == c { 1.0 } else { 0.0 };
                    (p[(i, j)] - target).powi(2)
                })
                .sum::<f64>()
        })
        .sum();
    // Two classes: both columns carry the same error; scikit-learn halves it.
    let scale = if k == 2 { 0.5 } else { 1.0 };
    Ok(scale * total / class.len() as f64)
}

/// The area under the ROC curve (`sklearn.metrics.roc_auc_score`): the
/// probability that a random row of the positive class scores above a
/// random row of the others, ties counting one half.
///
/// - two classes: `scores` is n × 2 (`predict_proba`, the column of
///   `classes[1]` is used) or n × 1 (`decision_function`, the logit of
///   `classes[1]`);
/// - k ≥ 3 classes: `scores` is n × k (`predict_proba`), and the result is
///   the unweighted mean of each class's AUC against the rest
///   (`multi_class="ovr"`, `average="macro"`).
///
/// ```
/// use logreg::metrics::roc_auc;
/// use ndarray::array;
/// let truth = array![0, 0, 1, 1];
/// let logit = array![[-1.0], [0.5], [0.2], [2.0]];
/// // Of the 4 (positive, negative) pairs, 3 are ordered right.
/// assert_eq!(roc_auc(&truth, &logit, &[0, 1])?, 0.75);
/// # Ok::<(), logreg::Error>(())
/// ```
///
/// # Errors
/// As [`log_loss`] (except the [0, 1] check), and
/// [`Error::InvalidParameter`] (`y_true`) when a class has no rows or all
/// rows are of one class: the curve is then undefined.
pub fn roc_auc<L, S, P, F>(
    y_true: &ArrayBase<S, Ix1>,
    scores: &ArrayBase<P, Ix2>,
    classes: &[L],
) -> Result<f64>
where
    L: Ord,
    S: Data<Elem = L>,
    P: Data<Elem = F>,
    F: Float,
{
    let (class, s) = checked_scores(y_true, scores, classes)?;
    let k = s.ncols();
    if k == 2 {
        return binary_auc(&class, 1, &s);
    }
    let mut total = 0.0;
    for c in 0..k {
        total += binary_auc(&class, c, &s)?;
    }
    Ok(total / k as f64)
}

/// The AUC of column `positive` of `s` for the rows of class `positive`
/// against all others, by the Mann–Whitney rank sum with mid-ranks for ties.
fn binary_auc(class: &[usize], positive: usize, s: &Array2<f64>) -> Result<f64> {
    let score = s.column(positive);
    let mut order: Vec<usize> = (0..class.len()).collect();
    // Finite scores (checked): partial_cmp is total here, and −0 equals 0.
    let cmp = |a: f64, b: f64| a.partial_cmp(&b).unwrap_or(std::cmp::Ordering::Equal);
    order.sort_by(|&a, &b| cmp(score[a], score[b]));
    let (mut rank_sum, mut n_pos) = (0.0, 0usize);
    let mut start = 0;
    while start < order.len() {
        let mut end = start + 1;
        while end < order.len() && cmp(score[order[end]], score[order[start]]).is_eq() {
            end += 1;
        }
        // Ranks start..end (1-based start + 1 ..= end) share their mean.
        let mid_rank = (start + 1 + end) as f64 / 2.0;
        for &i in &order[start..end] {
            if class[i] == positive {
                rank_sum += mid_rank;
                n_pos += 1;
            }
        }
        start = end;
    }
    let n_neg = class.len() - n_pos;
    if n_pos == 0 || n_neg == 0 {
        return Err(Error::invalid(
            "y_true",
            format!("{n_pos} rows of one class and {n_neg} of the others"),
            "ROC AUC needs rows of every class and of the rest",
        ));
    }
    let (p, q) = (n_pos as f64, n_neg as f64);
    Ok((rank_sum - p * (p + 1.0) / 2.0) / (p * q))
}
