//! Labels of any ordered type ↔ class indices into the sorted classes.

use crate::{Error, Result};
use ndarray::ArrayView1;

/// Sorted distinct labels, and each row's index into them.
pub(crate) fn encode_labels<L: Clone + Ord>(y: ArrayView1<'_, L>) -> (Vec<L>, Vec<usize>) {
    let mut classes: Vec<L> = y.iter().cloned().collect();
    classes.sort();
    classes.dedup();
    let class = y
        .iter()
        .map(|label| classes.binary_search(label).unwrap_or_default())
        .collect();
    (classes, class)
}

/// Each label's index in the sorted `classes`; an unknown label is an error.
pub(crate) fn encode_known<L: Ord>(classes: &[L], y: ArrayView1<'_, L>) -> Result<Vec<usize>> {
    y.iter()
        .enumerate()
        .map(|(index, label)| {
            classes
                .binary_search(label)
                .map_err(|_| Error::UnknownLabel { index })
        })
        .collect()
}

/// What a class label must be: any type that can be cloned and totally
/// ordered (integers, `bool`, `char`, `String`, `&str`, your own enums
/// deriving `Ord`, …). Implemented for all of them; the classes of a model
/// are sorted by this order.
///
/// Floats are not labels: `f64` is not `Ord` (NaN), and 0.1 and
/// 0.1 + 1e-17 would silently become two classes. Map them first, e.g.
/// `y.mapv(|v| v as i64)`:
///
/// ```
/// use logreg::LogisticRegression;
/// use ndarray::array;
/// let x = array![[0.0_f64], [1.0], [2.0], [3.0]];
/// let y = array![0.0_f64, 0.0, 1.0, 1.0];
/// let model = LogisticRegression::new().fit(&x, &y.mapv(|v| v as i64))?;
/// assert_eq!(model.classes(), &[0, 1]);
/// # Ok::<(), logreg::Error>(())
/// ```
///
/// Fitting with float labels does not compile, and the compiler's message
/// says so ("`f64` cannot be a class label: map float labels to integers or
/// strings first"):
///
/// ```compile_fail,E0277
/// use logreg::LogisticRegression;
/// use ndarray::array;
/// let x = array![[0.0_f64], [1.0]];
/// let _ = LogisticRegression::new().fit(&x, &array![0.0_f64, 1.0]);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a class label: map float labels to integers or strings first",
    label = "labels of type `{Self}` here",
    note = "class labels must be `Clone + Ord`; floats are not `Ord`, and 0.1 and 0.1 + 1e-17 \
            would become two classes: map them first, e.g. `y.mapv(|v| v as i64)` or \
            `y.mapv(|v| v.to_string())`"
)]
pub trait Label: Clone + Ord {}

impl<T: Clone + Ord> Label for T {}
