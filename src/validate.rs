//! Input checks, one place for all callers: the model, the objectives, the
//! solvers' start points, sparse views and loading saved models. Each check
//! returns the typed [`Error`] that names what is wrong and where.
//!
//! Ground floor: depends only on the error type and [`Float`].

use crate::{Error, Float, Result};
use ndarray::{Array1, ArrayView1, ArrayView2};
use rayon::prelude::*;

/// Checks that x is non-empty and finite.
pub(crate) fn check_features<F: Float>(x: ArrayView2<'_, F>) -> Result<()> {
    check_shape(x)?;
    check_finite_matrix("x", x)
}

/// Checks that x has rows and columns.
pub(crate) fn check_shape<F>(x: ArrayView2<'_, F>) -> Result<()> {
    let (n, d) = x.dim();
    if n == 0 {
        return Err(Error::EmptyData);
    }
    if d == 0 {
        return Err(Error::NoFeatures { rows: n });
    }
    Ok(())
}

/// Checks that there is one `what` per row: `got` == `expected`.
pub(crate) fn check_length(what: &'static str, expected: usize, got: usize) -> Result<()> {
    if got == expected {
        Ok(())
    } else {
        Err(Error::LengthMismatch {
            what,
            expected,
            got,
        })
    }
}

/// Checks features x (non-empty, finite) and that `n_targets` targets
/// label its rows.
pub(crate) fn check_features_and_targets<F: Float>(
    x: ArrayView2<'_, F>,
    n_targets: usize,
) -> Result<()> {
    check_features(x)?;
    check_length("y", x.nrows(), n_targets)
}

/// The checked sample weights of `n` rows (unit weights when none are
/// given) after checking the L2 strength α, as an objective's constructor
/// needs them.
pub(crate) fn objective_weights<F: Float>(
    n: usize,
    sample_weight: Option<&Array1<F>>,
    alpha: F,
) -> Result<Array1<F>> {
    let weight = sample_weights(n, sample_weight.map(|w| w.view()))?;
    check_alpha(alpha)?;
    Ok(weight)
}

/// Checks that every entry of a matrix is finite, naming the (row, column)
/// of the first bad one in row-major order. Standard-layout matrices (the
/// usual case, and the one that is large) are scanned as one slice.
pub(crate) fn check_finite_matrix<F: Float>(
    what: &'static str,
    x: ArrayView2<'_, F>,
) -> Result<()> {
    check_finite_rows(what, x, 0)
}

/// [`check_finite_matrix`] for a block of rows of a larger matrix whose
/// first row is row `first_row` there: the error names the row in the
/// larger matrix.
pub(crate) fn check_finite_rows<F: Float>(
    what: &'static str,
    x: ArrayView2<'_, F>,
    first_row: usize,
) -> Result<()> {
    let index = match x.as_slice() {
        Some(values) => first_non_finite(values),
        None => x.iter().position(|v| !v.is_finite()),
    };
    match index {
        Some(index) => {
            let columns = x.ncols().max(1);
            Err(Error::NonFiniteEntry {
                what,
                row: first_row + index / columns,
                column: index % columns,
                feature: None,
            })
        }
        None => Ok(()),
    }
}

/// Checks that every stored value of a CSR matrix is finite, naming the
/// (row, column) of the first bad one.
pub(crate) fn check_finite_csr<F: Float>(
    what: &'static str,
    indptr: &[usize],
    indices: &[usize],
    data: &[F],
) -> Result<()> {
    let Some(position) = first_non_finite(data) else {
        return Ok(());
    };
    // The row whose stored range holds `position`.
    let row = indptr.partition_point(|&start| start <= position).max(1) - 1;
    Err(Error::NonFiniteEntry {
        what,
        row,
        column: indices.get(position).copied().unwrap_or_default(),
        feature: None,
    })
}

/// Index of the first non-finite value. Blocks are tested without early
/// exit, which the compiler vectorizes, and in parallel when there are many:
/// an element-by-element scan of a 1e6 × 100 matrix took 0.2 s, an eighth
/// of a whole L-BFGS fit of it.
fn first_non_finite<F: Float>(values: &[F]) -> Option<usize> {
    const BLOCK: usize = 1 << 14;
    let bad_block = if values.len() > 4 * BLOCK {
        values
            .par_chunks(BLOCK)
            .position_first(|block| !block_is_finite(block))
    } else {
        values
            .chunks(BLOCK)
            .position(|block| !block_is_finite(block))
    }?;
    let start = bad_block * BLOCK;
    let offset = values[start..].iter().position(|v| !v.is_finite())?;
    Some(start + offset)
}

/// Whether every value is finite: v·0 is 0 for finite v and NaN for ±∞ and
/// NaN, and eight running sums of it vectorize, where a fold over
/// `is_finite` ran at a third of memory speed (it took half of a 1e6 × 100
/// prediction). Not folded away: without fast-math, v·0 is not 0.
fn block_is_finite<F: Float>(block: &[F]) -> bool {
    let mut sums = [F::zero(); 8];
    let mut lanes = block.chunks_exact(8);
    for lane in &mut lanes {
        for (sum, &v) in sums.iter_mut().zip(lane) {
            *sum += v * F::zero();
        }
    }
    let tail = lanes
        .remainder()
        .iter()
        .fold(F::zero(), |sum, &v| sum + v * F::zero());
    sums.iter()
        .fold(tail, |total, &sum| total + sum)
        .is_finite()
}

/// Checks that every value is finite.
pub(crate) fn check_finite<'a, F: Float>(
    what: &'static str,
    values: impl IntoIterator<Item = &'a F>,
) -> Result<()> {
    match values.into_iter().position(|v| !v.is_finite()) {
        Some(index) => Err(Error::NonFinite { what, index }),
        None => Ok(()),
    }
}

/// Checks sample weights (length, finite, ≥ 0, positive sum) and returns
/// them, or unit weights when none are given.
pub(crate) fn sample_weights<F: Float>(
    n: usize,
    weight: Option<ArrayView1<'_, F>>,
) -> Result<Array1<F>> {
    let Some(weight) = weight else {
        return Ok(Array1::ones(n));
    };
    check_length("sample_weight", n, weight.len())?;
    check_finite("sample_weight", weight.iter())?;
    if let Some(index) = weight.iter().position(|&v| v < F::zero()) {
        return Err(Error::NegativeWeight {
            what: "sample_weight",
            index,
            value: weight[index].to_f64_lossy(),
        });
    }
    if weight.sum() <= F::zero() {
        return Err(Error::ZeroTotalWeight);
    }
    Ok(weight.to_owned())
}

/// Checks a setting that must be finite and ≥ 0 (an L2 or L1 strength, a
/// decay rate, …), naming it in the error.
pub(crate) fn check_non_negative<F: Float>(name: &'static str, value: F) -> Result<()> {
    if value.is_finite() && value >= F::zero() {
        Ok(())
    } else {
        Err(Error::invalid(name, value, "must be finite and ≥ 0"))
    }
}

/// Checks a setting that must be finite and > 0 (C, tol, a step size, …),
/// naming it in the error.
pub(crate) fn check_positive<F: Float>(name: &'static str, value: F) -> Result<()> {
    if value.is_finite() && value > F::zero() {
        Ok(())
    } else {
        Err(Error::invalid(name, value, "must be finite and > 0"))
    }
}

/// Checks an L2 strength α: finite and ≥ 0.
pub(crate) fn check_alpha<F: Float>(alpha: F) -> Result<()> {
    check_non_negative("alpha", alpha)
}

/// Checks an L1 strength λ₁: finite and ≥ 0.
pub(crate) fn check_l1<F: Float>(l1: F) -> Result<()> {
    check_non_negative("l1", l1)
}

/// Checks a parameter vector against the objective.
pub(crate) fn check_params<F: Float>(n_params: usize, params: ArrayView1<'_, F>) -> Result<()> {
    if params.len() != n_params {
        return Err(Error::ParameterCount {
            expected: n_params,
            got: params.len(),
        });
    }
    check_finite("start parameters", params.iter())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

    #[test]
    fn the_parallel_finite_check_reports_the_first_bad_value() {
        // Large enough for the parallel scan (more than four blocks), with
        // bad values in two different blocks: the earlier one is reported.
        let mut x = Array2::<f64>::ones((1_000, 100));
        x[(900, 0)] = f64::INFINITY;
        x[(700, 1)] = f64::NAN;
        // A strided view goes through the element-by-element scan, with the
        // same row-major index.
        let transposed = x.t().to_owned();
        for view in [x.view(), transposed.t()] {
            let found = check_features(view);
            assert!(
                matches!(
                    found,
                    Err(Error::NonFiniteEntry {
                        what: "x",
                        row: 700,
                        column: 1,
                        feature: None,
                    })
                ),
                "{found:?}"
            );
        }
        x[(700, 1)] = 0.0;
        x[(900, 0)] = 0.0;
        assert!(check_features(x.view()).is_ok());
    }
}
