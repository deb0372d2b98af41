//! A change of variables that makes a logistic objective look standardized
//! to a first-order stochastic solver, without touching the data or the
//! objective's value.
//!
//! With column means μ and scales σ of the data, the scores
//! x·w + b = ((x − μ)/σ)·w' + b' for w = w'/σ and b = b' − μ·w. The solver
//! steps in (w', b'); every value, the penalty included, is computed by the
//! original objective at the mapped-back (w, b), so the minimum and its
//! objective are the original problem's. What changes is the conditioning
//! the steps see: uncentred features (iris in centimetres, means near 5)
//! couple each coefficient with the intercept, and features on different
//! scales spread the curvature, which a step size shared by all
//! coordinates cannot follow. This is the reparametrization behind
//! scikit-learn's advice to standardize before `SGDClassifier`, done
//! inside the solver so that the model the user asked for is unchanged.

use crate::Float;
use crate::layout::Layout;
use crate::objective::{Objective, RowAccess};
use ndarray::{Array1, Array2, ArrayView1, ArrayViewMut1};

/// Column means and scales of the data behind an objective, and the maps
/// between the original parameters (w, b) and the solver's (w', b').
#[derive(Debug, Clone)]
pub(crate) struct ColumnScaling<F> {
    layout: Layout,
    mean: Array1<F>,
    scale: Array1<F>,
}

impl<F: Float> ColumnScaling<F> {
    /// The weighted column means (zero without an intercept, which could not
    /// absorb the shift) and standard deviations (1 for a constant column)
    /// of the rows behind `rows`, in one pass.
    pub fn of(rows: &dyn RowAccess<F>, n_samples: usize) -> Self {
        let layout = Layout::new(rows.outputs(), rows.n_features(), rows.fit_intercept());
        let d = rows.n_features();
        let (mut first, mut second) = (Array1::<F>::zeros(d), Array1::<F>::zeros(d));
        for i in 0..n_samples {
            let share = rows.weight_share(i);
            rows.row(i).for_each(|j, v| {
                first[j] += share * v;
                second[j] += share * v * v;
            });
        }
        let total: F = (0..n_samples).map(|i| rows.weight_share(i)).sum();
        let total = if total > F::zero() { total } else { F::one() };
        let mean = first.mapv(|m| m / total);
        let scale = ndarray::Zip::from(&second)
            .and(&mean)
            .map_collect(|&s, &m| {
                let variance = s / total - m * m;
                let floor = F::epsilon() * (s / total).max(F::min_positive_value());
                if variance.is_finite() && variance > floor {
                    variance.sqrt()
                } else {
                    F::one()
                }
            });
        let mean = if rows.fit_intercept() {
            mean
        } else {
            Array1::zeros(d)
        };
        Self {
            layout,
            mean,
            scale,
        }
    }

    /// The solver's parameters (w', b') of the original (w, b):
    /// w' = σ·w, b' = b + μ·w.
    pub fn to_inner(&self, params: ArrayView1<'_, F>) -> Array1<F> {
        self.map(params, true)
    }

    /// The original parameters (w, b) of the solver's (w', b'):
    /// w = w'/σ, b = b' − μ·w.
    pub fn to_outer(&self, inner: ArrayView1<'_, F>) -> Array1<F> {
        self.map(inner, false)
    }

    /// Both maps: each needs the original coefficients w, which are
    /// `from`'s own (to the inner variables) or w'/σ (to the outer ones).
    fn map(&self, from: ArrayView1<'_, F>, to_inner: bool) -> Array1<F> {
        let mut to = from.to_owned();
        for c in 0..self.layout.rows {
            let mut shift = F::zero();
            for j in 0..self.layout.n_features {
                let k = self.layout.coef_index(c, j);
                let w = if to_inner {
                    to[k] = from[k] * self.scale[j];
                    from[k]
                } else {
                    to[k] = from[k] / self.scale[j];
                    to[k]
                };
                shift += self.mean[j] * w;
            }
            if let Some(k) = self.layout.intercept_index(c) {
                to[k] = if to_inner {
                    from[k] + shift
                } else {
                    from[k] - shift
                };
            }
        }
        to
    }

    /// The gradient with respect to (w', b') from the one with respect to
    /// (w, b), in place: ∂f/∂w' = (∂f/∂w − μ·∂f/∂b)/σ, ∂f/∂b' = ∂f/∂b.
    fn gradient_to_inner(&self, mut grad: ArrayViewMut1<'_, F>) {
        for c in 0..self.layout.rows {
            let g_b = self
                .layout
                .intercept_index(c)
                .map_or(F::zero(), |k| grad[k]);
            for j in 0..self.layout.n_features {
                let k = self.layout.coef_index(c, j);
                grad[k] = (grad[k] - self.mean[j] * g_b) / self.scale[j];
            }
        }
    }

    /// The Jacobian ∂(w, b)/∂(w', b') as a dense matrix.
    fn jacobian(&self) -> Array2<F> {
        let p = self.layout.n_params();
        let mut jacobian = Array2::zeros((p, p));
        for c in 0..self.layout.rows {
            for j in 0..self.layout.n_features {
                let k = self.layout.coef_index(c, j);
                jacobian[[k, k]] = self.scale[j].recip();
                if let Some(b) = self.layout.intercept_index(c) {
                    jacobian[[b, k]] = -self.mean[j] / self.scale[j];
                }
            }
            if let Some(b) = self.layout.intercept_index(c) {
                jacobian[[b, b]] = F::one();
            }
        }
        jacobian
    }

    /// Whether the map is the identity (already standardized data, or a
    /// shape it does not know), so that the solver can skip it.
    pub fn is_identity(&self) -> bool {
        self.mean.iter().all(|&m| m == F::zero()) && self.scale.iter().all(|&s| s == F::one())
    }
}

/// `objective` seen in the solver's variables (w', b'): the same values at
/// corresponding points, gradients by the chain rule.
pub(crate) struct Reparametrized<'a, F> {
    pub objective: &'a dyn Objective<F>,
    pub scaling: &'a ColumnScaling<F>,
}

impl<F: Float> Objective<F> for Reparametrized<'_, F> {
    fn n_params(&self) -> usize {
        self.objective.n_params()
    }

    fn n_samples(&self) -> usize {
        self.objective.n_samples()
    }

    fn value_grad(&self, params: ArrayView1<'_, F>, mut grad: ArrayViewMut1<'_, F>) -> F {
        let outer = self.scaling.to_outer(params);
        let value = self.objective.value_grad(outer.view(), grad.view_mut());
        self.scaling.gradient_to_inner(grad);
        value
    }

    fn hessian(&self, params: ArrayView1<'_, F>) -> Array2<F> {
        let jacobian = self.scaling.jacobian();
        let hessian = self.objective.hessian(self.scaling.to_outer(params).view());
        jacobian.t().dot(&hessian).dot(&jacobian)
    }

    fn value_grad_rows(
        &self,
        params: ArrayView1<'_, F>,
        rows: &[usize],
        mut grad: ArrayViewMut1<'_, F>,
    ) -> F {
        let outer = self.scaling.to_outer(params);
        let value = self
            .objective
            .value_grad_rows(outer.view(), rows, grad.view_mut());
        self.scaling.gradient_to_inner(grad);
        value
    }

    /// The original α: what the `Optimal` schedule reads. (The penalty in
    /// the solver's variables is α/2·Σ (w'ⱼ/σⱼ)², no longer one α.)
    fn l2_penalty(&self) -> F {
        self.objective.l2_penalty()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::float_cmp)] // a failed unwrap fails the test; equal values are the claim
mod tests {
    use super::*;
    use crate::objective::{BinaryLogistic, Multinomial};
    use ndarray::array;

    /// Uncentred, unequally scaled columns, a sample weight per row.
    fn data() -> Array2<f64> {
        array![
            [5.1, 0.35, 140.0],
            [4.9, 0.30, 120.0],
            [6.7, 0.31, 160.0],
            [6.3, 0.25, 150.0],
            [5.8, 0.27, 110.0],
            [7.1, 0.30, 170.0]
        ]
    }

    fn finite_difference_check(objective: &dyn Objective<f64>) {
        let rows = objective.as_rows().unwrap();
        let scaling = ColumnScaling::of(rows, objective.n_samples());
        assert!(!scaling.is_identity());
        let wrapped = Reparametrized {
            objective,
            scaling: &scaling,
        };
        let p = objective.n_params();
        let outer = Array1::from_shape_fn(p, |k| 0.1 * (k as f64 + 1.0).sin());
        // The maps are inverse, and values agree at corresponding points.
        let inner = scaling.to_inner(outer.view());
        let back = scaling.to_outer(inner.view());
        assert!(back.iter().zip(&outer).all(|(a, b)| (a - b).abs() < 1e-12));
        assert_eq!(wrapped.value(inner.view()), objective.value(back.view()));
        // The chain-rule gradient against central differences.
        let mut grad = Array1::zeros(p);
        wrapped.value_grad(inner.view(), grad.view_mut());
        for k in 0..p {
            let h = 1e-6;
            let (mut up, mut down) = (inner.clone(), inner.clone());
            up[k] += h;
            down[k] -= h;
            let numeric = (wrapped.value(up.view()) - wrapped.value(down.view())) / (2.0 * h);
            assert!(
                (numeric - grad[k]).abs() < 1e-7,
                "{k}: {numeric} vs {}",
                grad[k]
            );
        }
        // The Hessian against differences of the gradient.
        let hessian = wrapped.hessian(inner.view());
        for k in 0..p {
            let h = 1e-6;
            let (mut up, mut down) = (inner.clone(), inner.clone());
            up[k] += h;
            down[k] -= h;
            let (mut g_up, mut g_down) = (Array1::zeros(p), Array1::zeros(p));
            wrapped.value_grad(up.view(), g_up.view_mut());
            wrapped.value_grad(down.view(), g_down.view_mut());
            for l in 0..p {
                let numeric = (g_up[l] - g_down[l]) / (2.0 * h);
                assert!((numeric - hessian[[l, k]]).abs() < 1e-6);
            }
        }
    }

    #[test]
    fn binary_values_gradients_and_hessians_follow_the_chain_rule() {
        let x = data();
        let y = array![0.0, 0.0, 1.0, 1.0, 0.0, 1.0];
        let weights = array![1.0, 2.0, 1.0, 0.5, 1.0, 3.0];
        let objective = BinaryLogistic::new(x.view(), y, Some(weights), 0.1, true).unwrap();
        finite_difference_check(&objective);
    }

    #[test]
    fn softmax_values_gradients_and_hessians_follow_the_chain_rule() {
        let x = data();
        let objective =
            Multinomial::new(x.view(), vec![0, 1, 2, 2, 0, 1], 3, None, 0.1, true).unwrap();
        finite_difference_check(&objective);
    }

    #[test]
    fn without_an_intercept_only_the_scales_change() {
        let x = data();
        let y = array![0.0, 0.0, 1.0, 1.0, 0.0, 1.0];
        let objective = BinaryLogistic::new(x.view(), y, None, 0.1, false).unwrap();
        let scaling = ColumnScaling::of(objective.as_rows().unwrap(), 6);
        let w = array![1.0, 2.0, 3.0];
        let inner = scaling.to_inner(w.view());
        // w' = σ·w: the mean plays no part without an intercept to absorb it.
        assert!((inner[0] / w[0] - inner[1] / w[1]).abs() > 1e-3);
        assert!(
            (scaling.to_outer(inner.view()) - &w)
                .iter()
                .all(|d| d.abs() < 1e-12)
        );
    }
}
