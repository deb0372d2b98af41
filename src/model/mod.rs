//! The public model: [`LogisticRegression`] (settings) and
//! [`FittedLogisticRegression`] (a fitted model that predicts).
//!
//! - `settings`: the unchecked parameter set, its setters and its check;
//! - `fit`: data checks, label encoding, weights, warm starts and
//!   standardization around the solver runs;
//! - `fitted`: the fitted model, the record of what its fit used, and the
//!   one constructor every fitted model is built with;
//! - `predict`: scores, probabilities, labels;
//! - `csr`: the same on sparse CSR input.

mod csr;
mod fit;
mod fitted;
mod predict;
mod settings;

pub(crate) use fit::Labelled;
pub(crate) use fitted::FitRecord;
pub use fitted::FittedLogisticRegression;
pub(crate) use predict::{class_indices, no_nan_scores};
pub use settings::LogisticRegression;
#[cfg(feature = "serde")]
pub(crate) use settings::Strength;
