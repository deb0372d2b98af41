//! Feature standardization inside a fit, with coefficients mapped back to
//! the original scale (glmnet's `standardize = TRUE`).

use crate::Float;
use ndarray::{Array1, Array2, ArrayView2, Zip};

/// Column centres μ and scales σ: the fit sees (x − μ)/σ.
#[derive(Debug, Clone)]
pub(crate) struct Scaling<F> {
    mean: Array1<F>,
    scale: Array1<F>,
}

impl<F: Float> Scaling<F> {
    /// Weighted column means and population standard deviations. Without an
    /// intercept the columns are not centred (that would change the model)
    /// and σ is the weighted root mean square.
    pub fn fit(x: ArrayView2<'_, F>, weight: &Array1<F>, center: bool) -> Self {
        let total = weight.sum();
        let mean = if center {
            x.t().dot(weight) / total
        } else {
            Array1::zeros(x.ncols())
        };
        let mut second = Array1::zeros(x.ncols());
        for (row, &w) in x.rows().into_iter().zip(weight) {
            Zip::from(&mut second)
                .and(&row)
                .and(&mean)
                .for_each(|s, &v, &m| *s += w * (v - m) * (v - m));
        }
        let scale = second.mapv(|s: F| (s / total).sqrt());
        Self { mean, scale }
    }

    /// (x − μ)/σ; a constant column (σ = 0) becomes zeros, so its
    /// coefficient stays 0.
    pub fn apply(&self, x: ArrayView2<'_, F>) -> Array2<F> {
        let mut scaled = x.to_owned();
        for mut row in scaled.rows_mut() {
            Zip::from(&mut row)
                .and(&self.mean)
                .and(&self.scale)
                .for_each(|v, &m, &s| {
                    *v = if s > F::zero() {
                        (*v - m) / s
                    } else {
                        F::zero()
                    }
                });
        }
        scaled
    }

    /// Coefficients and intercepts of the standardized fit on the original
    /// scale: w = w′/σ, b = b′ − Σⱼ wⱼμⱼ.
    pub fn to_original(&self, coef: &mut Array2<F>, intercept: &mut Array1<F>) {
        for (mut row, b) in coef.rows_mut().into_iter().zip(intercept.iter_mut()) {
            Zip::from(&mut row)
                .and(&self.scale)
                .for_each(|w, &s| *w = if s > F::zero() { *w / s } else { F::zero() });
            *b -= row.dot(&self.mean);
        }
    }

    /// The inverse of [`to_original`](Self::to_original), for warm starts:
    /// w′ = w·σ, b′ = b + Σⱼ wⱼμⱼ.
    pub fn to_standardized(&self, coef: &mut Array2<F>, intercept: &mut Array1<F>) {
        for (mut row, b) in coef.rows_mut().into_iter().zip(intercept.iter_mut()) {
            *b += row.dot(&self.mean);
            row *= &self.scale;
        }
    }
}
