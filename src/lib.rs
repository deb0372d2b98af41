//! # logreg
//!
//! Logistic regression for Rust: binary, one-vs-rest and softmax
//! (multinomial) classification over pluggable solvers, with numerically
//! stable kernels.
//!
//! ```
//! use logreg::LogisticRegression;
//! use ndarray::array;
//!
//! let x = array![[0.0, 1.0], [1.0, 0.5], [2.0, 2.5], [3.0, 1.0], [4.0, 3.5], [5.0, 2.0]];
//! let y = array![0, 0, 1, 0, 1, 1];
//! let model = LogisticRegression::new().fit(&x, &y)?;
//! let p = model.predict_proba(&x)?;
//! assert!(model.report().converged());
//! assert_eq!(p.dim(), (6, 2));
//! # Ok::<(), logreg::Error>(())
//! ```
#![warn(missing_docs)]
#![deny(clippy::float_cmp)]
#![doc(test(attr(deny(warnings))))]

mod diagnostics;
mod error;
mod float;
mod inference;
pub mod kernels;
mod linalg;
mod model;
mod multiclass;
pub mod objective;
pub mod solver;
mod streaming;
mod weights;

pub use diagnostics::Diagnostic;
pub use error::{Error, Result};
pub use float::Float;
pub use inference::Summary;
pub use model::{FittedLogisticRegression, LogisticRegression};
pub use multiclass::Multiclass;
pub use objective::Penalty;
pub use solver::{FitReport, Termination};
pub use weights::ClassWeight;

/// Compiles and runs the README's code blocks as doc tests.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
