//! A stratified, seeded split of the rows into a training and a test part.

use crate::folds::shuffled_rows_by_class;
use crate::validate::check_length;
use crate::{Error, Float, Result};
use ndarray::{Array1, Array2, ArrayBase, Axis, Data, Ix1, Ix2};

/// The two parts of [`train_test_split`], and which rows went where.
///
/// ```
/// use logreg::metrics::train_test_split;
/// use ndarray::{array, Array2};
/// let x = Array2::from_shape_fn((8, 2), |(i, j)| (i * 2 + j) as f64);
/// let y = array![0, 0, 0, 0, 1, 1, 1, 1];
/// let split = train_test_split(&x, &y, 0.25, 0)?;
/// assert_eq!(split.test_rows.len(), 2);
/// // Row i of the test part is row test_rows[i] of x.
/// assert_eq!(split.x_test.row(0), x.row(split.test_rows[0]));
/// # Ok::<(), logreg::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct TrainTestSplit<F, L> {
    /// Features of the training rows.
    pub x_train: Array2<F>,
    /// Features of the test rows.
    pub x_test: Array2<F>,
    /// Labels of the training rows.
    pub y_train: Array1<L>,
    /// Labels of the test rows.
    pub y_test: Array1<L>,
    /// Indices into the input of the training rows, ascending.
    pub train_rows: Vec<usize>,
    /// Indices into the input of the test rows, ascending.
    pub test_rows: Vec<usize>,
}

/// Splits the rows into a training and a test part, each class in the same
/// proportion (scikit-learn's `train_test_split(..., stratify=y)`), with
/// rows drawn by a generator seeded with `seed`: the same seed gives the
/// same split. The test part has ⌈`test_size` · n⌉ rows, shared among the
/// classes by their counts (largest remainders first), and every class
/// keeps at least one row on each side. Rows keep their input order.
///
/// The draw uses the same per-class shuffle as
/// [`CrossValidation`](crate::CrossValidation)'s stratified folds, but not
/// scikit-learn's generator: the rows chosen differ from scikit-learn's.
///
/// ```
/// use logreg::metrics::train_test_split;
/// use ndarray::{Array1, Array2};
/// let x = Array2::from_shape_fn((100, 1), |(i, _)| i as f64);
/// let y: Array1<&str> = (0..100).map(|i| if i < 80 { "common" } else { "rare" }).collect();
/// let split = train_test_split(&x, &y, 0.2, 42)?;
/// assert_eq!(split.y_test.len(), 20);
/// assert_eq!(split.y_test.iter().filter(|&&l| l == "rare").count(), 4); // 20% of 20
/// assert_eq!(train_test_split(&x, &y, 0.2, 42)?.test_rows, split.test_rows);
/// # Ok::<(), logreg::Error>(())
/// ```
///
/// # Errors
/// [`Error::LengthMismatch`] when `y` does not label every row;
/// [`Error::InvalidParameter`] for `test_size` outside (0, 1), a class with
/// a single row, or a test or training part with fewer rows than classes.
pub fn train_test_split<F, L, S, T>(
    x: &ArrayBase<S, Ix2>,
    y: &ArrayBase<T, Ix1>,
    test_size: f64,
    seed: u64,
) -> Result<TrainTestSplit<F, L>>
where
    F: Float,
    L: Clone + Ord,
    S: Data<Elem = F>,
    T: Data<Elem = L>,
{
    check_length("y", x.nrows(), y.len())?;
    if !(test_size > 0.0 && test_size < 1.0) {
        return Err(Error::invalid(
            "test_size",
            test_size,
            "must lie strictly between 0 and 1 (the share of rows to test on)",
        ));
    }
    let mut classes: Vec<L> = y.iter().cloned().collect();
    classes.sort();
    classes.dedup();
    let class: Vec<usize> = y
        .iter()
        .map(|label| classes.binary_search(label).unwrap_or_default())
        .collect();
    let rows_of = shuffled_rows_by_class(&class, classes.len(), seed);
    let n = y.len();
    let n_test = (test_size * n as f64).ceil() as usize;
    let k = classes.len();
    if rows_of.iter().any(|rows| rows.len() < 2) {
        return Err(Error::invalid(
            "y",
            "a class with a single row",
            "a stratified split needs at least two rows of every class",
        ));
    }
    if n_test < k || n - n_test < k {
        return Err(Error::invalid(
            "test_size",
            test_size,
            "leaves fewer rows than classes in the test or training part",
        ));
    }
    let counts: Vec<usize> = rows_of.iter().map(Vec::len).collect();
    let test_counts = allocate(n_test, &counts);
    let mut train_rows = Vec::with_capacity(n - n_test);
    let mut test_rows = Vec::with_capacity(n_test);
    for (rows, &t) in rows_of.iter().zip(&test_counts) {
        test_rows.extend_from_slice(&rows[..t]);
        train_rows.extend_from_slice(&rows[t..]);
    }
    train_rows.sort_unstable();
    test_rows.sort_unstable();
    Ok(TrainTestSplit {
        x_train: x.select(Axis(0), &train_rows),
        x_test: x.select(Axis(0), &test_rows),
        y_train: y.select(Axis(0), &train_rows),
        y_test: y.select(Axis(0), &test_rows),
        train_rows,
        test_rows,
    })
}

/// Shares `total` among classes of the given `counts` in proportion
/// (floors, then the largest remainders, earlier classes first on ties),
/// keeping each share within 1..count − 1.
fn allocate(total: usize, counts: &[usize]) -> Vec<usize> {
    let n: usize = counts.iter().sum();
    let exact: Vec<f64> = counts
        .iter()
        .map(|&c| total as f64 * c as f64 / n as f64)
        .collect();
    let mut share: Vec<usize> = exact.iter().map(|e| e.floor() as usize).collect();
    let mut by_remainder: Vec<usize> = (0..counts.len()).collect();
    by_remainder.sort_by(|&a, &b| {
        let (ra, rb) = (exact[a] - exact[a].floor(), exact[b] - exact[b].floor());
        rb.partial_cmp(&ra).unwrap_or(std::cmp::Ordering::Equal)
    });
    let given: usize = share.iter().sum();
    for &c in by_remainder.iter().take(total.saturating_sub(given)) {
        share[c] += 1;
    }
    for (s, &c) in share.iter_mut().zip(counts) {
        *s = (*s).clamp(1, c - 1);
    }
    share
}
