//! Feature standardization inside a fit, with coefficients mapped back to
//! the original scale (glmnet's `standardize = TRUE`).
//!
//! Everything is computed in units of each column's largest |x| (m), so no
//! intermediate overflows however large the features are: the fit sees
//! (x/m − μ′)/σ′ with μ′ and σ′ the weighted mean and standard deviation of
//! x/m, which is (x − μ)/σ with μ = mμ′, σ = mσ′.

use crate::{Error, Float, Result};
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Zip};

/// Per column: the unit m and the centre μ′ and scale σ′ in that unit.
#[derive(Debug, Clone)]
pub(crate) struct Scaling<F> {
    unit: Array1<F>,
    mean: Array1<F>,
    scale: Array1<F>,
}

impl<F: Float> Scaling<F> {
    /// Weighted column means and population standard deviations. Without an
    /// intercept the columns are not centred (that would change the model)
    /// and σ is the weighted root mean square. A column whose σ′ is too small
    /// to divide by (numerically constant) is treated as constant.
    pub fn fit(x: ArrayView2<'_, F>, weight: &Array1<F>, center: bool) -> Self {
        let unit = x.fold_axis(ndarray::Axis(0), F::zero(), |m, v| m.max(v.abs()));
        let mut sums = ScalingSums::new(unit, weight.sum());
        if center {
            sums.add_mean_rows(x, weight.view());
        }
        sums.add_second_rows(x, weight.view());
        sums.finish()
    }

    /// The scaling from f64 moments (each column's largest |x|, weighted
    /// mean and population variance) merged over chunks: equal to
    /// [`fit`](Self::fit)'s to rounding.
    pub fn from_moments(max_abs: &[f64], mean: &[f64], variance: &[f64], center: bool) -> Self {
        let in_units = |v: f64, u: f64| if u > 0.0 { v / u } else { 0.0 };
        let unit: Array1<F> = max_abs.iter().map(|&u| F::from_f64_lossy(u)).collect();
        let mean_in_units: Array1<F> = mean
            .iter()
            .zip(max_abs)
            .map(|(&m, &u)| F::from_f64_lossy(if center { in_units(m, u) } else { 0.0 }))
            .collect();
        let second: Array1<F> = variance
            .iter()
            .zip(mean)
            .zip(max_abs)
            .map(|((&v, &m), &u)| {
                // Without centring σ² is the mean square: variance + mean².
                let q = if center { v } else { v + m * m };
                F::from_f64_lossy(in_units(in_units(q, u), u))
            })
            .collect();
        let mut sums = ScalingSums::new(unit, F::one());
        sums.mean = mean_in_units;
        sums.second = second;
        sums.finish()
    }

    /// The unit, centre and scale per column (for byte encodings).
    pub fn parts(&self) -> [&Array1<F>; 3] {
        [&self.unit, &self.mean, &self.scale]
    }

    /// The scaling [`parts`](Self::parts) returned.
    pub fn from_parts(unit: Array1<F>, mean: Array1<F>, scale: Array1<F>) -> Self {
        Self { unit, mean, scale }
    }

    /// (x − μ)/σ; a constant column (σ = 0) becomes zeros, so its
    /// coefficient stays 0.
    pub fn apply(&self, x: ArrayView2<'_, F>) -> Array2<F> {
        let mut scaled = x.to_owned();
        for mut row in scaled.rows_mut() {
            Zip::from(&mut row)
                .and(&self.unit)
                .and(&self.mean)
                .and(&self.scale)
                .for_each(|v, &u, &m, &s| {
                    *v = if s > F::zero() {
                        (in_unit(*v, u) - m) / s
                    } else {
                        F::zero()
                    };
                });
        }
        scaled
    }

    /// Coefficients and intercepts of the standardized fit on the original
    /// scale: w = w′/σ, b = b′ − Σⱼ wⱼμⱼ (= b′ − Σⱼ w′ⱼμ′ⱼ/σ′ⱼ, free of m).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] (`standardize`) when a coefficient does
    /// not fit in a float on the original scale (columns of tiny values).
    pub fn to_original(&self, coef: &mut Array2<F>, intercept: &mut Array1<F>) -> Result<()> {
        self.each_coefficient(coef, intercept, |w, b, u, m, s| {
            if s > F::zero() {
                *b -= *w * m / s;
                *w = *w / s / u;
            } else {
                *w = F::zero();
            }
        });
        if coef.iter().chain(intercept.iter()).all(|v| v.is_finite()) {
            Ok(())
        } else {
            Err(Error::invalid(
                "standardize",
                true,
                "the coefficients overflow on the original scale (features of extreme scale): \
                 rescale x, or fit without standardize",
            ))
        }
    }

    /// The inverse of [`to_original`](Self::to_original), for warm starts:
    /// w′ = w·mσ′, b′ = b + Σⱼ (wⱼmⱼ)μ′ⱼ.
    pub fn to_standardized(&self, coef: &mut Array2<F>, intercept: &mut Array1<F>) {
        self.each_coefficient(coef, intercept, |w, b, u, m, s| {
            let in_units = *w * u;
            *b += in_units * m;
            *w = in_units * s;
        });
    }

    /// Calls `update(w, b, unit, mean, scale)` for every coefficient w of
    /// every row, with that row's intercept b and the column's moments.
    fn each_coefficient(
        &self,
        coef: &mut Array2<F>,
        intercept: &mut Array1<F>,
        mut update: impl FnMut(&mut F, &mut F, F, F, F),
    ) {
        for (mut row, b) in coef.rows_mut().into_iter().zip(intercept.iter_mut()) {
            Zip::from(&mut row)
                .and(&self.unit)
                .and(&self.mean)
                .and(&self.scale)
                .for_each(|w, &u, &m, &s| update(w, b, u, m, s));
        }
    }
}

/// [`Scaling::fit`] fed rows block by block, in row order: the same sums
/// in the same order, so a fit over chunks of rows standardizes with the
/// same bits as a fit over all rows in memory. Three sweeps: the unit m
/// (each column's largest |x|, any order) and S = Σ sᵢ before `new`, then
/// the means (with centring), then the second moments.
#[derive(Debug, Clone)]
pub(crate) struct ScalingSums<F> {
    unit: Array1<F>,
    weight_sum: F,
    mean: Array1<F>,
    second: Array1<F>,
}

impl<F: Float> ScalingSums<F> {
    pub fn new(unit: Array1<F>, weight_sum: F) -> Self {
        let d = unit.len();
        Self {
            unit,
            weight_sum,
            mean: Array1::zeros(d),
            second: Array1::zeros(d),
        }
    }

    /// Adds the next rows' share of the weighted means.
    pub fn add_mean_rows(&mut self, x: ArrayView2<'_, F>, weight: ArrayView1<'_, F>) {
        for (row, &w) in x.rows().into_iter().zip(weight) {
            let s = w / self.weight_sum;
            Zip::from(&mut self.mean)
                .and(&row)
                .and(&self.unit)
                .for_each(|m, &v, &u| *m += s * in_unit(v, u));
        }
    }

    /// Adds the next rows' share of the weighted second moments about the means.
    pub fn add_second_rows(&mut self, x: ArrayView2<'_, F>, weight: ArrayView1<'_, F>) {
        for (row, &w) in x.rows().into_iter().zip(weight) {
            let s = w / self.weight_sum;
            Zip::from(&mut self.second)
                .and(&row)
                .and(&self.unit)
                .and(&self.mean)
                .for_each(|q, &v, &u, &m| {
                    let centred = in_unit(v, u) - m;
                    *q += s * centred * centred;
                });
        }
    }

    /// The scaling (a column whose σ′ is too small to divide by is constant).
    pub fn finish(self) -> Scaling<F> {
        // (x/m − μ′)/σ′ is at most 2/σ′: keep it finite.
        let smallest = F::min_positive_value() * F::from_f64_lossy(4.0);
        let scale = self.second.mapv(|q: F| {
            let sigma = q.sqrt();
            if sigma > smallest { sigma } else { F::zero() }
        });
        Scaling {
            unit: self.unit,
            mean: self.mean,
            scale,
        }
    }
}

/// v/u for a column whose largest |value| is u (0 for an all-zero column).
fn in_unit<F: Float>(v: F, unit: F) -> F {
    if unit > F::zero() {
        v / unit
    } else {
        F::zero()
    }
}
