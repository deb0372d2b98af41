//! The public model: [`LogisticRegression`] (settings) and
//! [`FittedLogisticRegression`] (a fitted model that predicts).
//!
//! - `settings`: the unchecked parameter set, its setters and its check;
//! - `fit`: data checks, label encoding, weights, warm starts and
//!   standardization around the solver runs;
//! - `fitted`: the fitted model and the one constructor every fitted model
//!   is built with;
//! - `record`: what a fit used (intercept, class weights, penalty and
//!   strengths, standardization, a minibatch solver), kept with the model;
//! - `labels`: label encoding;
//! - `predict`: scores, probabilities, labels;
//! - `csr`: the same on sparse CSR input;
//! - `chunks`: fits over a [`ChunkSource`](crate::chunked::ChunkSource).

mod chunks;
mod csr;
mod display;
mod firth;
mod fit;
mod fitted;
mod labels;
mod predict;
mod record;
mod settings;

pub(crate) use csr::{csr_rows, standardize_refused};
pub(crate) use fit::Labelled;
pub use fitted::FittedLogisticRegression;
pub use labels::Label;
pub(crate) use predict::{class_indices, no_nan_scores};
#[cfg(feature = "serde")]
pub(crate) use record::FitRecord;
#[cfg(feature = "serde")]
pub(crate) use record::Strength;
pub use settings::LogisticRegression;
