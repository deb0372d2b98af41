//! The binary logistic objective.

use super::Objective;
use super::penalty::{
    add_l2_hess_vec, add_l2_hessian, batch_scale, l1_setters, penalty_accessors, scaled_with_l2,
};
use super::rows::{
    Row, RowAccess, binary_loss_at_scores, binary_residual, dense_row_access, row_scores,
};
use crate::kernels::{BinaryData, binary_hessian_gram, binary_hessian_weights, binary_loss_grad};
use crate::layout::Layout;
use crate::validate::{check_features_and_targets, check_finite, check_l1, objective_weights};
use crate::{Error, Float, Result};
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, ArrayViewMut1, Axis, Zip, s};

/// Binary cross-entropy with sample weights and an L2 penalty:
/// (1/S)·Σ sᵢ·(softplus(ηᵢ) − yᵢηᵢ) + (α/2)‖w‖², ηᵢ = xᵢ·w + b.
///
/// Parameters: `[w (d), b]` with an intercept, `[w (d)]` without.
/// Borrows X; holds the targets and weights.
///
/// ```
/// use logreg::objective::{BinaryLogistic, Objective};
/// use ndarray::array;
/// let x = array![[0.0_f64], [1.0], [2.0], [3.0]];
/// let y = array![0.0, 1.0, 0.0, 1.0];
/// let objective = BinaryLogistic::new(x.view(), y, None, 0.1, true)?;
/// let at_zero = objective.value(array![0.0, 0.0].view());
/// assert!((at_zero - 2f64.ln()).abs() < 1e-15);
/// # Ok::<(), logreg::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct BinaryLogistic<'a, F> {
    x: ArrayView2<'a, F>,
    y: Array1<F>,
    weight: Array1<F>,
    weight_sum: F,
    alpha: F,
    l1: F,
    fit_intercept: bool,
}

impl<'a, F: Float> BinaryLogistic<'a, F> {
    /// Builds the objective after checking every input: x non-empty and
    /// finite, targets in [0, 1], weights finite and ≥ 0 with a positive sum,
    /// α finite and ≥ 0.
    ///
    /// ```
    /// use logreg::Error;
    /// use logreg::objective::{BinaryLogistic, Objective};
    /// use ndarray::array;
    /// let x = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 2.0]];
    /// let objective = BinaryLogistic::new(x.view(), array![0.0, 1.0, 1.0], None, 0.0, true)?;
    /// assert_eq!(objective.n_params(), 3); // two coefficients, then the intercept
    /// // Targets are probabilities of class 1.
    /// let counts = array![0.0, 1.0, 2.0];
    /// let err = BinaryLogistic::new(x.view(), counts, None, 0.0, true).unwrap_err();
    /// assert!(matches!(err, Error::InvalidParameter { name: "y", .. }));
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn new(
        x: ArrayView2<'a, F>,
        y: Array1<F>,
        sample_weight: Option<Array1<F>>,
        alpha: F,
        fit_intercept: bool,
    ) -> Result<Self> {
        check_features_and_targets(x, y.len())?;
        check_finite("y", y.iter())?;
        if let Some(index) = y.iter().position(|&v| v < F::zero() || v > F::one()) {
            return Err(Error::invalid(
                "y",
                format!("{} at index {index}", y[index]),
                "binary targets must lie in [0, 1]",
            ));
        }
        let weight = objective_weights(x.nrows(), sample_weight.as_ref(), alpha)?;
        Ok(Self::new_unchecked(x, y, weight, alpha, fit_intercept))
    }

    /// For callers that have validated everything already.
    pub(crate) fn new_unchecked(
        x: ArrayView2<'a, F>,
        y: Array1<F>,
        weight: Array1<F>,
        alpha: F,
        fit_intercept: bool,
    ) -> Self {
        let weight_sum = weight.sum();
        Self {
            x,
            y,
            weight,
            weight_sum,
            alpha,
            l1: F::zero(),
            fit_intercept,
        }
    }

    /// Coefficients: one per feature.
    fn n_coef(&self) -> usize {
        self.x.ncols()
    }

    /// One row of d coefficients, then the intercept.
    fn layout(&self) -> Layout {
        Layout::new(1, self.x.ncols(), self.fit_intercept)
    }

    fn split<'p>(&self, params: ArrayView1<'p, F>) -> (ArrayView1<'p, F>, F) {
        let d = self.n_coef();
        let intercept = if self.fit_intercept {
            params[d]
        } else {
            F::zero()
        };
        (params.slice_move(s![..d]), intercept)
    }

    fn data(&self) -> BinaryData<'_, F> {
        BinaryData {
            x: self.x,
            y: self.y.view(),
            weight: self.weight.view(),
        }
    }

    /// Value and gradient over `data`, whose weights sum to 1/`scale`.
    fn value_grad_on(
        &self,
        data: BinaryData<'_, F>,
        scale: F,
        params: ArrayView1<'_, F>,
        mut grad: ArrayViewMut1<'_, F>,
    ) -> F {
        let d = self.n_coef();
        let (coef, intercept) = self.split(params);
        let (loss, grad_b) = binary_loss_grad(data, coef, intercept, grad.slice_mut(s![..d]));
        if self.fit_intercept {
            grad[d] = grad_b;
        }
        scaled_with_l2(loss, scale, self.alpha, d, params, grad)
    }
}

l1_setters!(
    BinaryLogistic,
    "BinaryLogistic::new(x.view(), array![0.0, 0.0, 1.0, 1.0], None, 0.0, true)"
);

impl<F: Float> Objective<F> for BinaryLogistic<'_, F> {
    penalty_accessors!();

    fn value_grad(&self, params: ArrayView1<'_, F>, grad: ArrayViewMut1<'_, F>) -> F {
        self.value_grad_on(self.data(), self.weight_sum.recip(), params, grad)
    }

    fn hessian(&self, params: ArrayView1<'_, F>) -> Array2<F> {
        let (coef, intercept) = self.split(params);
        let mut hess = binary_hessian_gram(self.data(), coef, intercept, self.fit_intercept);
        let scale = self.weight_sum.recip();
        hess.mapv_inplace(|v| v * scale);
        add_l2_hessian(self.alpha, self.n_coef(), hess.view_mut());
        hess
    }

    fn hess_vec(
        &self,
        params: ArrayView1<'_, F>,
        v: ArrayView1<'_, F>,
        mut out: ArrayViewMut1<'_, F>,
    ) {
        let d = self.n_coef();
        let (coef, intercept) = self.split(params);
        let (v_coef, v_intercept) = self.split(v);
        let mut r = binary_hessian_weights(self.data(), coef, intercept);
        let u = self.x.dot(&v_coef);
        Zip::from(&mut r)
            .and(&u)
            .for_each(|r, &u| *r *= u + v_intercept);
        let scale = self.weight_sum.recip();
        out.slice_mut(s![..d]).assign(&self.x.t().dot(&r));
        if self.fit_intercept {
            out[d] = r.sum();
        }
        out.mapv_inplace(|o| o * scale);
        add_l2_hess_vec(self.alpha, d, v, out);
    }

    fn value_grad_rows(
        &self,
        params: ArrayView1<'_, F>,
        rows: &[usize],
        grad: ArrayViewMut1<'_, F>,
    ) -> F {
        let x = self.x.select(Axis(0), rows);
        let y = self.y.select(Axis(0), rows);
        let weight = self.weight.select(Axis(0), rows);
        let scale = batch_scale(weight.sum());
        let data = BinaryData {
            x: x.view(),
            y: y.view(),
            weight: weight.view(),
        };
        self.value_grad_on(data, scale, params, grad)
    }
}

impl<F: Float> RowAccess<F> for BinaryLogistic<'_, F> {
    fn outputs(&self) -> usize {
        1
    }

    dense_row_access!();

    fn curvature_bound(&self) -> F {
        F::from_f64_lossy(0.25)
    }

    fn residuals(&self, params: ArrayView1<'_, F>, i: usize, residual: &mut [F]) {
        row_scores(self.row(i), params, self.layout(), residual);
        binary_residual(self.weight_share(i), self.y[i], residual);
    }

    fn loss_at_scores(&self, eta: &[F], residual: Option<&mut [F]>) -> Option<F> {
        Some(binary_loss_at_scores(
            self.y.view(),
            self.weight.view(),
            self.weight_sum,
            eta,
            residual,
        ))
    }
}
