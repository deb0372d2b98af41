//! The flat parameter vector the objectives and solvers see, and its form on
//! a model: `rows × d` coefficients and one intercept per row.
//!
//! The vector holds the coefficients row by row (class-major: all d of row
//! 0, then row 1, …), then the intercepts, one per row, when the model fits
//! them. A binary objective (and each one-vs-rest sub-problem) has one row,
//! the softmax objective one per class. This is the one place that knows
//! the order: the objectives, the fit, streaming, inference, paths and
//! saving all go through it.
//!
//! Ground floor: depends only on [`Float`].

use crate::Float;
use ndarray::{Array1, ArrayView1, ArrayView2, s};

/// The shape of one flat parameter vector.
///
/// Rows come from the caller: 1 for a binary (or one-vs-rest) run, k for
/// the softmax; [`Strategy`](crate::multiclass::Strategy) knows which.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Layout {
    /// Rows of coefficients (and of intercepts).
    pub rows: usize,
    /// Coefficients per row: the number of features.
    pub n_features: usize,
    /// Whether the intercepts are in the vector.
    pub fit_intercept: bool,
}

impl Layout {
    pub fn new(rows: usize, n_features: usize, fit_intercept: bool) -> Self {
        Self {
            rows,
            n_features,
            fit_intercept,
        }
    }

    /// How many coefficients lead the vector: rows · d.
    pub fn n_coef(&self) -> usize {
        self.rows * self.n_features
    }

    /// The length of the vector.
    pub fn n_params(&self) -> usize {
        self.n_coef() + if self.fit_intercept { self.rows } else { 0 }
    }

    /// Where coefficient `j` of row `row` sits.
    pub fn coef_index(&self, row: usize, j: usize) -> usize {
        row * self.n_features + j
    }

    /// Where the intercept of row `row` sits, if the model fits one.
    pub fn intercept_index(&self, row: usize) -> Option<usize> {
        self.fit_intercept.then(|| self.n_coef() + row)
    }

    /// The flat vector of `coef` (rows × d) and `intercept` (rows; left out
    /// without an intercept).
    pub fn flatten<F: Float>(
        &self,
        coef: ArrayView2<'_, F>,
        intercept: ArrayView1<'_, F>,
    ) -> Array1<F> {
        let mut params = Vec::with_capacity(self.n_params());
        params.extend(coef.iter().copied());
        if self.fit_intercept {
            params.extend(intercept.iter().copied());
        }
        Array1::from(params)
    }

    /// The coefficients of a flat vector, as rows × d.
    pub fn coef<'p, F: Float>(&self, params: ArrayView1<'p, F>) -> ArrayView2<'p, F> {
        params
            .slice_move(s![..self.n_coef()])
            .into_shape_with_order((self.rows, self.n_features))
            .unwrap_or_else(|_| unreachable!("a contiguous slice of rows · d values"))
    }

    /// The intercepts of a flat vector (zeros without an intercept).
    pub fn intercept<F: Float>(&self, params: ArrayView1<'_, F>) -> Array1<F> {
        if self.fit_intercept {
            params.slice(s![self.n_coef()..]).to_owned()
        } else {
            Array1::zeros(self.rows)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn flatten_and_split_are_inverse() {
        let coef = array![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]];
        let intercept = array![7.0, 8.0];
        let with = Layout::new(2, 3, true);
        let flat = with.flatten(coef.view(), intercept.view());
        assert_eq!(flat, array![1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]);
        assert_eq!(with.coef_index(1, 2), 5); // where 6.0 sits in `flat` above
        assert_eq!(with.intercept_index(1).map(|i| flat[i]), Some(8.0));
        assert_eq!(with.coef(flat.view()), coef);
        assert_eq!(with.intercept(flat.view()), intercept);
        let without = Layout::new(2, 3, false);
        let flat = without.flatten(coef.view(), array![9.0, 9.0].view());
        assert_eq!((flat.len(), without.n_params()), (6, 6));
        assert_eq!(without.intercept_index(0), None);
        assert_eq!(without.coef(flat.view()), coef);
        assert_eq!(without.intercept(flat.view()), Array1::<f64>::zeros(2));
    }
}
