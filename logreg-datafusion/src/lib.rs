//! Exact logistic-regression fits of [DataFusion] tables, in process or on
//! an [Apache Ballista] cluster, with the [`logreg`] crate's solvers.
//!
//! The objective, gradient and Hessian of a logistic regression are sums
//! over rows. A fit here runs one aggregate query for the first pass
//! (classes, weights, standardization moments) and one per evaluation of
//! the objective: the aggregate function `logreg_partial_sums` computes a
//! partition's partial sums at the parameters passed in the query as a
//! literal, the partials are merged in a fixed order, and the crate's own
//! solver (Newton, L-BFGS, …) takes its next step on the driver. So the
//! coefficients are the in-memory fit's to rounding, and repeated fits
//! give the same bits.
//!
//! - [`TableFitter`] / [`fit_table`]: fit a registered table (Parquet,
//!   CSV, memory) against a local `SessionContext` or Ballista's
//!   (`SessionContext::remote("df://host:50050")`);
//! - [`register_functions`], [`functions`]: the two aggregate functions,
//!   which a Ballista scheduler and its executors must know by name: the
//!   `logreg-scheduler` and `logreg-executor` binaries of this crate are
//!   Ballista's own with them registered.
//!
//! [DataFusion]: https://datafusion.apache.org
//! [Apache Ballista]: https://datafusion.apache.org/ballista/
//!
//! Modules: `fit` (the driver), `udaf` (the functions the workers run),
//! `wire` (the bytes of requests, states and results), `error`.

mod error;
mod fit;
mod udaf;
mod wire;

pub use error::{Error, Result};
pub use fit::{TableFit, TableFitter, fit_table, register_functions};
pub use udaf::{FIRST_PASS, LogregAggregate, PARTIAL_SUMS, functions};
pub use wire::WireError;
