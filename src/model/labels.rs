//! Labels of any ordered type ↔ class indices into the sorted classes.

use crate::{Error, Result};
use ndarray::ArrayView1;

/// Sorted distinct labels, and each row's index into them.
pub(crate) fn encode_labels<L: Clone + Ord>(y: ArrayView1<'_, L>) -> (Vec<L>, Vec<usize>) {
    let classes = distinct_sorted(y);
    let class = y
        .iter()
        .map(|label| classes.binary_search(label).unwrap_or_default())
        .collect();
    (classes, class)
}

/// The distinct labels, sorted. Each label is looked up in the sorted list
/// of those met so far and inserted if new: a binary search per label when
/// there are few classes (the usual case), where sorting a copy of all the
/// labels took about 10 ms per million. Past [`FEW_CLASSES`] classes, a
/// stable sort of the copy (both keep the first of equal labels).
fn distinct_sorted<L: Clone + Ord>(y: ArrayView1<'_, L>) -> Vec<L> {
    let mut classes: Vec<L> = Vec::new();
    for label in y {
        if let Err(at) = classes.binary_search(label) {
            if classes.len() == FEW_CLASSES {
                let mut all: Vec<L> = y.iter().cloned().collect();
                all.sort();
                all.dedup();
                return all;
            }
            classes.insert(at, label.clone());
        }
    }
    classes
}

/// Classes beyond which [`distinct_sorted`] sorts instead of inserting.
const FEW_CLASSES: usize = 256;

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

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array1;

    #[test]
    fn labels_are_encoded_against_their_sorted_classes() {
        // Few classes (inserted as met) and many (sorted): the classes
        // equal a sort of the labels without repeats, and each index
        // points back at its label.
        for n_classes in [2_i64, 3, FEW_CLASSES as i64 + 1, 1_000] {
            let y: Array1<i64> = (0..5_000_i64)
                .map(|i| (i * 7_919) % n_classes - 9)
                .collect();
            let (classes, class) = encode_labels(y.view());
            let mut expected = y.to_vec();
            expected.sort_unstable();
            expected.dedup();
            assert_eq!(classes, expected);
            assert!(y.iter().zip(&class).all(|(label, &c)| classes[c] == *label));
        }
    }
}
