//! Kernels against high-precision references, property tests, the
//! first-order and stochastic solvers, streaming, thread safety and the
//! examples. One test binary (see tests/fits.rs for why); none of these reach
//! the LAPACK path. Each module is one file of this directory.

#[path = "common/mod.rs"]
mod common;

mod examples;
mod kernels;
mod properties;
mod solvers_first_order;
mod solvers_stochastic;
mod stochastic;
mod stochastic_defaults;
mod streaming;
mod threads;
