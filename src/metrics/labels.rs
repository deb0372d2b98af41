//! Metrics from predicted labels: accuracy, the confusion matrix,
//! precision, recall and F1.

use super::{ClassIndex, check_not_empty};
use crate::Result;
use crate::validate::check_length;
use ndarray::{Array1, Array2, ArrayBase, Data, Ix1, Zip};

/// The share of rows whose predicted label equals the true one
/// (`sklearn.metrics.accuracy_score`).
///
/// ```
/// use logreg::metrics::accuracy;
/// use ndarray::array;
/// let truth = array!["a", "b", "b", "c"];
/// let predicted = array!["a", "b", "c", "c"];
/// assert_eq!(accuracy(&truth, &predicted)?, 0.75);
/// # Ok::<(), logreg::Error>(())
/// ```
///
/// # Errors
/// [`Error::LengthMismatch`](crate::Error::LengthMismatch) when the two
/// differ in length, [`Error::InvalidParameter`](crate::Error::InvalidParameter)
/// when they are empty.
pub fn accuracy<L, S, T>(y_true: &ArrayBase<S, Ix1>, y_pred: &ArrayBase<T, Ix1>) -> Result<f64>
where
    L: PartialEq,
    S: Data<Elem = L>,
    T: Data<Elem = L>,
{
    check_not_empty("y_true", y_true.len())?;
    check_length("y_pred", y_true.len(), y_pred.len())?;
    let correct = Zip::from(y_true)
        .and(y_pred)
        .fold(0usize, |n, t, p| n + usize::from(t == p));
    Ok(correct as f64 / y_true.len() as f64)
}

/// The confusion matrix: entry (i, j) counts the rows of true class
/// `labels[i]` predicted as `labels[j]` (`sklearn.metrics.confusion_matrix`
/// with `labels=`). Rows whose true or predicted label is not in `labels`
/// are left out, as in scikit-learn.
///
/// ```
/// use logreg::metrics::confusion_matrix;
/// use ndarray::array;
/// let truth = array![0, 1, 1, 2, 2, 2];
/// let predicted = array![0, 1, 2, 2, 2, 1];
/// let m = confusion_matrix(&truth, &predicted, &[0, 1, 2])?;
/// assert_eq!(m, array![[1, 0, 0], [0, 1, 1], [0, 1, 2]]);
/// # Ok::<(), logreg::Error>(())
/// ```
///
/// # Errors
/// [`Error::LengthMismatch`](crate::Error::LengthMismatch),
/// [`Error::InvalidParameter`](crate::Error::InvalidParameter) for empty
/// input or `labels` that are empty or repeat a label.
pub fn confusion_matrix<L, S, T>(
    y_true: &ArrayBase<S, Ix1>,
    y_pred: &ArrayBase<T, Ix1>,
    labels: &[L],
) -> Result<Array2<usize>>
where
    L: Ord,
    S: Data<Elem = L>,
    T: Data<Elem = L>,
{
    check_not_empty("y_true", y_true.len())?;
    check_length("y_pred", y_true.len(), y_pred.len())?;
    let index = ClassIndex::new(labels)?;
    let mut counts = Array2::zeros((index.len(), index.len()));
    for (t, p) in y_true.iter().zip(y_pred) {
        if let (Some(i), Some(j)) = (index.get(t), index.get(p)) {
            counts[(i, j)] += 1;
        }
    }
    Ok(counts)
}

/// Precision, recall, F1 and support of each class, in the order of the
/// `labels` given (`sklearn.metrics.precision_recall_fscore_support` with
/// `average=None`), with the macro, weighted and micro averages. A ratio
/// with a zero denominator is 0 (scikit-learn's default `zero_division`).
///
/// ```
/// use logreg::metrics::precision_recall_f1;
/// use ndarray::array;
/// let truth = array!["spam", "ham", "spam", "spam", "ham"];
/// let predicted = array!["spam", "spam", "spam", "ham", "ham"];
/// let scores = precision_recall_f1(&truth, &predicted, &["ham", "spam"])?;
/// // "spam": 2 of 3 predicted are right, 2 of 3 true are found.
/// assert!((scores.precision[1] - 2.0 / 3.0).abs() < 1e-15);
/// assert!((scores.recall[1] - 2.0 / 3.0).abs() < 1e-15);
/// assert_eq!(scores.support, array![2, 3]);
/// let macro_avg = scores.macro_average();
/// assert!((macro_avg.f1 - (0.5 + 2.0 / 3.0) / 2.0).abs() < 1e-15);
/// # Ok::<(), logreg::Error>(())
/// ```
///
/// # Errors
/// As [`confusion_matrix`].
pub fn precision_recall_f1<L, S, T>(
    y_true: &ArrayBase<S, Ix1>,
    y_pred: &ArrayBase<T, Ix1>,
    labels: &[L],
) -> Result<PrecisionRecallF1>
where
    L: Ord,
    S: Data<Elem = L>,
    T: Data<Elem = L>,
{
    check_not_empty("y_true", y_true.len())?;
    check_length("y_pred", y_true.len(), y_pred.len())?;
    let index = ClassIndex::new(labels)?;
    let k = index.len();
    let (mut tp, mut true_sum, mut pred_sum) = (vec![0; k], vec![0; k], vec![0; k]);
    for (t, p) in y_true.iter().zip(y_pred) {
        let (i, j) = (index.get(t), index.get(p));
        if let Some(i) = i {
            true_sum[i] += 1;
        }
        if let Some(j) = j {
            pred_sum[j] += 1;
        }
        if let (Some(i), Some(j)) = (i, j)
            && i == j
        {
            tp[i] += 1;
        }
    }
    let per_class = |f: fn(usize, usize, usize) -> f64| -> Array1<f64> {
        (0..k).map(|c| f(tp[c], true_sum[c], pred_sum[c])).collect()
    };
    Ok(PrecisionRecallF1 {
        precision: per_class(|tp, _, pred| ratio(tp, pred)),
        recall: per_class(|tp, truth, _| ratio(tp, truth)),
        f1: per_class(|tp, truth, pred| ratio(2 * tp, truth + pred)),
        support: Array1::from(true_sum.clone()),
        totals: (
            tp.iter().sum(),
            true_sum.iter().sum(),
            pred_sum.iter().sum(),
        ),
    })
}

/// `numerator / denominator`, 0 when the denominator is 0.
fn ratio(numerator: usize, denominator: usize) -> f64 {
    if denominator == 0 {
        0.0
    } else {
        numerator as f64 / denominator as f64
    }
}

/// Per-class precision, recall, F1 and support from
/// [`precision_recall_f1`], with their averages.
///
/// ```
/// use logreg::metrics::precision_recall_f1;
/// use ndarray::array;
/// let scores = precision_recall_f1(&array![0, 0, 1, 2], &array![0, 1, 1, 2], &[0, 1, 2])?;
/// assert_eq!(scores.recall, array![0.5, 1.0, 1.0]);
/// assert_eq!(scores.micro_average().f1, 0.75); // accuracy, for single-label data
/// # Ok::<(), logreg::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct PrecisionRecallF1 {
    /// Of the rows predicted as each class, the share that are.
    pub precision: Array1<f64>,
    /// Of the rows of each class, the share predicted as it.
    pub recall: Array1<f64>,
    /// 2·TP / (2·TP + FP + FN), the harmonic mean of precision and recall.
    pub f1: Array1<f64>,
    /// Rows of each class in `y_true`.
    pub support: Array1<usize>,
    /// Summed true positives, true and predicted counts, for the micro average.
    totals: (usize, usize, usize),
}

/// Precision, recall and F1 averaged over classes.
///
/// ```
/// use logreg::metrics::{Averages, precision_recall_f1};
/// use ndarray::array;
/// let scores = precision_recall_f1(&array![0, 1, 1], &array![0, 1, 0], &[0, 1])?;
/// let Averages { precision, recall, f1 } = scores.macro_average();
/// assert!((precision - 0.75).abs() < 1e-15 && (recall - 0.75).abs() < 1e-15);
/// assert!((f1 - (2.0 / 3.0 + 2.0 / 3.0) / 2.0).abs() < 1e-15);
/// # Ok::<(), logreg::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Averages {
    /// Averaged precision.
    pub precision: f64,
    /// Averaged recall.
    pub recall: f64,
    /// Averaged F1.
    pub f1: f64,
}

impl PrecisionRecallF1 {
    /// The unweighted mean over classes (scikit-learn's `average="macro"`).
    ///
    /// ```
    /// use logreg::metrics::precision_recall_f1;
    /// use ndarray::array;
    /// let scores = precision_recall_f1(&array![0, 0, 1, 1], &array![0, 1, 1, 1], &[0, 1])?;
    /// assert_eq!(scores.macro_average().recall, (0.5 + 1.0) / 2.0);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn macro_average(&self) -> Averages {
        let k = self.f1.len().max(1) as f64;
        Averages {
            precision: self.precision.sum() / k,
            recall: self.recall.sum() / k,
            f1: self.f1.sum() / k,
        }
    }

    /// The mean over classes weighted by their support (scikit-learn's
    /// `average="weighted"`); zeros when no row belongs to the classes.
    ///
    /// ```
    /// use logreg::metrics::precision_recall_f1;
    /// use ndarray::array;
    /// let scores = precision_recall_f1(&array![0, 0, 0, 1], &array![0, 0, 1, 1], &[0, 1])?;
    /// // Recall weighted by support is the accuracy: 3 of 4.
    /// assert!((scores.weighted_average().recall - 0.75).abs() < 1e-15);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn weighted_average(&self) -> Averages {
        let total: usize = self.support.sum();
        if total == 0 {
            return Averages {
                precision: 0.0,
                recall: 0.0,
                f1: 0.0,
            };
        }
        let weighted = |values: &Array1<f64>| {
            values
                .iter()
                .zip(&self.support)
                .map(|(v, &s)| v * s as f64)
                .sum::<f64>()
                / total as f64
        };
        Averages {
            precision: weighted(&self.precision),
            recall: weighted(&self.recall),
            f1: weighted(&self.f1),
        }
    }

    /// Precision, recall and F1 of the summed counts (scikit-learn's
    /// `average="micro"`).
    ///
    /// ```
    /// use logreg::metrics::precision_recall_f1;
    /// use ndarray::array;
    /// let scores = precision_recall_f1(&array!["a", "b", "b"], &array!["a", "a", "b"], &["a", "b"])?;
    /// assert!((scores.micro_average().precision - 2.0 / 3.0).abs() < 1e-15);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn micro_average(&self) -> Averages {
        let (tp, truth, pred) = self.totals;
        Averages {
            precision: ratio(tp, pred),
            recall: ratio(tp, truth),
            f1: ratio(2 * tp, truth + pred),
        }
    }
}
