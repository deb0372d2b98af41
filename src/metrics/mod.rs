//! Scores of predictions, equal to `sklearn.metrics` on the same arrays,
//! and a stratified, seeded [`train_test_split`].
//!
//! - from labels: [`accuracy`], [`confusion_matrix`], [`precision_recall_f1`];
//! - from probabilities (or scores): [`log_loss`], [`brier_score`],
//!   [`roc_auc`] (binary, and one-vs-rest macro average for more classes);
//! - [`train_test_split`]: each class split in the same proportion.
//!
//! The functions that read probabilities take the `classes` their columns
//! belong to, as [`FittedLogisticRegression::classes`](crate::FittedLogisticRegression::classes)
//! gives them (scikit-learn's `labels=`).
//!
//! ```
//! use logreg::LogisticRegression;
//! use logreg::metrics::{accuracy, log_loss, train_test_split};
//! use ndarray::{Array1, Array2};
//! let x = Array2::from_shape_fn((40, 1), |(i, _)| i as f64 / 4.0);
//! let y: Array1<&str> = (0..40).map(|i| if (i * 7) % 40 < 20 + i / 2 { "no" } else { "yes" }).collect();
//! let split = train_test_split(&x, &y, 0.25, 7)?;
//! assert_eq!((split.x_train.nrows(), split.x_test.nrows()), (30, 10));
//! let model = LogisticRegression::new().fit(&split.x_train, &split.y_train)?;
//! let predicted = model.predict(&split.x_test)?;
//! let proba = model.predict_proba(&split.x_test)?;
//! assert!((accuracy(&split.y_test, &predicted)? - model.score(&split.x_test, &split.y_test)?).abs() < 1e-15);
//! assert!(log_loss(&split.y_test, &proba, model.classes())? > 0.0);
//! # Ok::<(), logreg::Error>(())
//! ```
//!
//! Data floor: depends only on the error type, [`Float`](crate::Float),
//! the input checks and the stratified row assignment.

mod labels;
mod probability;
mod split;

pub use labels::{Averages, PrecisionRecallF1, accuracy, confusion_matrix, precision_recall_f1};
pub use probability::{brier_score, log_loss, roc_auc};
pub use split::{TrainTestSplit, train_test_split};

use crate::{Error, Result};

/// The position of each label in a caller's list of classes (any order,
/// distinct labels).
struct ClassIndex<'a, L> {
    classes: &'a [L],
    /// Positions into `classes`, sorted by label.
    sorted: Vec<usize>,
}

impl<'a, L: Ord> ClassIndex<'a, L> {
    fn new(classes: &'a [L]) -> Result<Self> {
        if classes.is_empty() {
            return Err(Error::invalid(
                "classes",
                "an empty list",
                "pass the class labels, e.g. model.classes()",
            ));
        }
        let mut sorted: Vec<usize> = (0..classes.len()).collect();
        sorted.sort_by(|&a, &b| classes[a].cmp(&classes[b]));
        if sorted
            .windows(2)
            .any(|pair| classes[pair[0]] == classes[pair[1]])
        {
            return Err(Error::invalid(
                "classes",
                "a list with a repeated label",
                "class labels must be distinct",
            ));
        }
        Ok(Self { classes, sorted })
    }

    fn len(&self) -> usize {
        self.classes.len()
    }

    /// The position of `label` in the classes, if it is one.
    fn get(&self, label: &L) -> Option<usize> {
        self.sorted
            .binary_search_by(|&i| self.classes[i].cmp(label))
            .ok()
            .map(|p| self.sorted[p])
    }

    /// The position of every label; a label that is not a class is
    /// [`Error::UnknownLabel`] at its index.
    fn encode<'b>(&self, labels: impl IntoIterator<Item = &'b L>) -> Result<Vec<usize>>
    where
        L: 'b,
    {
        labels
            .into_iter()
            .enumerate()
            .map(|(index, label)| self.get(label).ok_or(Error::UnknownLabel { index }))
            .collect()
    }
}

/// Metrics need at least one row.
fn check_not_empty(what: &'static str, n: usize) -> Result<()> {
    if n == 0 {
        Err(Error::invalid(
            what,
            "an empty array",
            "a metric needs at least one row",
        ))
    } else {
        Ok(())
    }
}
