//! Sample and class weights → the per-row weights the objectives use.

use crate::validate::{check_finite, check_length, sample_weights};
use crate::{Error, Float, Result};
use ndarray::{Array1, ArrayView1};

/// Per-class weights that multiply the sample weights (scikit-learn's
/// `class_weight`).
///
/// ```
/// use logreg::{ClassWeight, Error, LogisticRegression};
/// use ndarray::array;
/// let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0]];
/// let y = array![0, 0, 1, 0, 1, 1];
/// let settings = LogisticRegression::new();
/// let manual = settings.clone().class_weight(ClassWeight::Manual(vec![1.0, 3.0])).fit(&x, &y)?;
/// // The same as weighting every row of class 1 by 3.
/// let rows = y.mapv(|c| if c == 1 { 3.0 } else { 1.0 });
/// let by_rows = settings.clone().fit_weighted(&x, &y, &rows)?;
/// assert!((manual.coef()[(0, 0)] - by_rows.coef()[(0, 0)]).abs() < 1e-12);
/// let one_weight = settings.class_weight(ClassWeight::Manual(vec![1.0]));
/// let err = one_weight.fit(&x, &y).unwrap_err();
/// assert!(matches!(err, Error::LengthMismatch { expected: 2, got: 1, .. }));
/// # Ok::<(), logreg::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub enum ClassWeight<F> {
    /// Every class weighs 1.
    #[default]
    None,
    /// Class c weighs n / (k · count(c)), from the unweighted class counts,
    /// as in scikit-learn's `class_weight="balanced"`.
    Balanced,
    /// One weight per class, in the order of
    /// [`FittedLogisticRegression::classes`](crate::FittedLogisticRegression::classes)
    /// (labels sorted by `Ord`); each finite and ≥ 0.
    Manual(Vec<F>),
}

/// sᵢ = sample_weightᵢ · class_weight[yᵢ], checked: finite, ≥ 0, positive sum.
pub(crate) fn effective_weights<F: Float>(
    class: &[usize],
    n_classes: usize,
    sample_weight: Option<ArrayView1<'_, F>>,
    class_weight: &ClassWeight<F>,
) -> Result<Array1<F>> {
    let mut weight = sample_weights(class.len(), sample_weight)?;
    let mut count = vec![0usize; n_classes];
    for &c in class {
        count[c] += 1;
    }
    let Some(per_class) = class_multipliers(&count, class_weight)? else {
        return Ok(weight);
    };
    for (s, &c) in weight.iter_mut().zip(class) {
        *s *= per_class[c];
    }
    if weight.sum() <= F::zero() {
        return Err(Error::ZeroTotalWeight);
    }
    Ok(weight)
}

/// The weight of each class (`None` for [`ClassWeight::None`]), from the
/// unweighted row count of each class: what multiplies each row's sample
/// weight.
pub(crate) fn class_multipliers<F: Float>(
    count: &[usize],
    class_weight: &ClassWeight<F>,
) -> Result<Option<Vec<F>>> {
    let n_classes = count.len();
    Ok(Some(match class_weight {
        ClassWeight::None => return Ok(None),
        ClassWeight::Balanced => {
            let n = F::from_usize(count.iter().sum()).unwrap_or_else(F::max_value);
            let k = F::from_usize(n_classes).unwrap_or_else(F::max_value);
            count
                .iter()
                .map(|&c| n / (k * F::from_usize(c).unwrap_or_else(F::max_value)))
                .collect()
        }
        ClassWeight::Manual(w) => {
            check_length("class weights (one per class)", n_classes, w.len())?;
            check_finite("class weights", w.iter())?;
            if let Some(index) = w.iter().position(|&v| v < F::zero()) {
                return Err(Error::NegativeWeight {
                    what: "class weights",
                    index,
                    value: w[index].to_f64_lossy(),
                });
            }
            w.clone()
        }
    }))
}

/// Checks that every class keeps a positive total weight for a full fit: a
/// class whose rows all weigh zero is absent from the data, and its
/// unpenalized intercept would run off to −∞ until the tolerance stops it.
pub(crate) fn check_every_class_weighs<F: Float>(
    class: &[usize],
    n_classes: usize,
    weight: &Array1<F>,
) -> Result<()> {
    let mut total = vec![F::zero(); n_classes];
    for (&c, &w) in class.iter().zip(weight) {
        total[c] += w;
    }
    let weighed = total.iter().filter(|&&t| t > F::zero()).count();
    if weighed < 2 {
        return Err(Error::TooFewClasses { found: weighed });
    }
    match total.iter().position(|&t| t <= F::zero()) {
        Some(index) => Err(Error::invalid(
            "sample_weight",
            format!("0 in total for class {index} (in classes() order)"),
            "every class needs a positive total weight: drop its rows or give them weight",
        )),
        None => Ok(()),
    }
}
