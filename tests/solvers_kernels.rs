//! Kernels against high-precision references, property tests, the
//! deterministic and stochastic solvers, streaming and thread safety. One test
//! binary (see tests/fits.rs for why). Each module is one file of this
//! directory.

#[path = "common/mod.rs"]
mod common;

mod kernels;
mod properties;
mod solvers_deterministic;
mod solvers_stochastic;
mod streaming;
mod threads;
