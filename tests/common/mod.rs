//! Shared test helpers and data.
#![allow(dead_code)]

pub mod cd_wide10_reference_values;
pub mod cd_wide_reference_values;
pub mod data;
pub mod kernel_tables;
pub mod l1_reference_values;
pub mod metrics_reference_values;
#[cfg(feature = "parquet")]
pub mod parquet_files;
pub mod reference_values;
pub mod synthetic;

use logreg::FittedLogisticRegression;
use ndarray::{ArrayBase, Data, Dimension};

/// Asserts that every coefficient and intercept of a fitted model is finite.
pub fn assert_finite_parameters<L: Clone + Ord>(model: &FittedLogisticRegression<f64, L>) {
    assert!(
        model
            .coef()
            .iter()
            .chain(model.intercept())
            .all(|v| v.is_finite()),
        "non-finite parameters: coef {} intercept {}",
        model.coef(),
        model.intercept()
    );
}

/// Asserts |a − b| ≤ tol·max(|b|, floor) elementwise, naming the first offender.
pub fn assert_close<S, T, D>(
    a: &ArrayBase<S, D>,
    b: &ArrayBase<T, D>,
    tol: f64,
    floor: f64,
    what: &str,
) where
    S: Data<Elem = f64>,
    T: Data<Elem = f64>,
    D: Dimension,
{
    assert_eq!(a.shape(), b.shape(), "{what}: shapes differ");
    for (i, (x, y)) in a.iter().zip(b.iter()).enumerate() {
        let err = (x - y).abs() / y.abs().max(floor);
        assert!(
            err <= tol,
            "{what}[{i}]: {x} vs reference {y} (relative error {err:.2e} > {tol:.0e})"
        );
    }
}

/// Relative closeness of two scalars.
pub fn assert_close_scalar(a: f64, b: f64, tol: f64, what: &str) {
    let err = (a - b).abs() / b.abs().max(f64::MIN_POSITIVE);
    assert!(
        err <= tol,
        "{what}: {a} vs reference {b} (relative error {err:.2e} > {tol:.0e})"
    );
}
