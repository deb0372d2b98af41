//! Stratified row assignment shared by cross-validation's folds and
//! [`train_test_split`](crate::metrics::train_test_split): each class's rows
//! shuffled with a seeded generator, so that every part keeps the class
//! proportions and the same seed gives the same parts.
//!
//! Data floor: depends only on the error type.

use crate::{Error, Result};
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

/// The rows of each class (`class[i]` < `n_classes`), each class's rows
/// shuffled by one generator seeded with `seed`, classes in order.
pub(crate) fn shuffled_rows_by_class(
    class: &[usize],
    n_classes: usize,
    seed: u64,
) -> Vec<Vec<usize>> {
    let mut rows_of: Vec<Vec<usize>> = vec![Vec::new(); n_classes];
    for (i, &c) in class.iter().enumerate() {
        rows_of[c].push(i);
    }
    let mut rng = StdRng::seed_from_u64(seed);
    for rows in &mut rows_of {
        rows.shuffle(&mut rng);
    }
    rows_of
}

/// The fold (0..k) of each row: each class's shuffled rows dealt out in
/// turn, continuing where the last class stopped, so fold sizes differ by
/// at most one and every fold holds every class.
pub(crate) fn stratified_folds(
    class: &[usize],
    n_classes: usize,
    k: usize,
    seed: u64,
) -> Result<Vec<usize>> {
    if k < 2 {
        return Err(Error::invalid("folds", k, "must be ≥ 2"));
    }
    let rows_of = shuffled_rows_by_class(class, n_classes, seed);
    if let Some(small) = rows_of.iter().map(Vec::len).filter(|&m| m < k).min() {
        return Err(Error::invalid(
            "folds",
            k,
            if small == 0 {
                "every class needs rows"
            } else {
                "every class needs at least as many rows as folds: use fewer folds"
            },
        ));
    }
    let mut fold_of_row = vec![0; class.len()];
    let mut next = 0;
    for rows in &rows_of {
        for &i in rows {
            fold_of_row[i] = next % k;
            next += 1;
        }
    }
    Ok(fold_of_row)
}
