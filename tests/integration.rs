//! The integration tests, one module per topic, each one file of this
//! directory: model fits against reference values (scikit-learn,
//! statsmodels), statistics, penalties and paths, sparse input, errors,
//! extreme data, saving; the kernels against high-precision references,
//! property tests, the deterministic and stochastic solvers, streaming and
//! thread safety. One test binary for all of them: each integration-test
//! binary compiles the crate's generic fit code anew, which dominated the
//! time of `cargo test`.

#[path = "common/mod.rs"]
mod common;

mod cd_wide;
mod chunked;
mod custom_solver;
mod errors;
mod extreme;
mod first_day;
mod firth_values;
mod inference;
mod inference_firth;
mod inference_robust;
mod inference_values;
mod kernels;
mod metrics;
mod mnlogit_lr_values;
mod model;
mod objective;
#[cfg(feature = "parquet")]
mod parquet_lists;
mod penalties;
mod properties;
mod reference;
mod saga;
mod separation;
#[path = "serde.rs"]
mod serde_round_trip;
mod solvers_deterministic;
mod solvers_stochastic;
mod sparse;
mod stochastic_defaults;
mod streaming;
mod threads;
mod warm_start;
