//! Model fits: reference values (scikit-learn, statsmodels), statistics,
//! penalties and paths, sparse input, errors, extreme data, saving. One test
//! binary for all of them (each integration-test binary compiles the crate's
//! generic code anew, which dominated CI time); CI also runs this one
//! against the `lapack` feature. Each module is one file of this directory.

#[path = "common/mod.rs"]
mod common;

mod custom_solver;
mod errors;
mod extreme;
mod inference;
mod model;
mod objective;
mod penalties;
mod reference;
mod saga;
mod separation;
#[path = "serde.rs"]
mod serde_round_trip;
mod solvers;
mod sparse;
mod warm_start;
