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
