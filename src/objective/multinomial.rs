//! The multinomial (softmax) objective.

use super::Objective;
use super::penalty::{
    add_l2_hess_vec, add_l2_hessian, batch_scale, l1_setters, penalty_accessors, scaled_with_l2,
};
use super::rows::{
    Row, RowAccess, dense_row_access, row_scores, softmax_loss_at_scores, softmax_residuals,
};
use crate::kernels::{
    MultinomialData, gram_chunk_rows, multinomial_loss_grad, multinomial_probabilities,
    weighted_gram,
};
use crate::layout::Layout;
use crate::validate::{check_features_and_targets, check_l1, objective_weights};
use crate::{Error, Float, Result};
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, ArrayViewMut1, Axis, Zip, s};

/// Softmax cross-entropy with one-hot targets, sample weights and an L2
/// penalty: (1/S)·Σ sᵢ·(logsumexp(ηᵢ) − ηᵢ,yᵢ) + (α/2)‖W‖², ηᵢ = W xᵢ + b.
///
/// Parameters: `[W (k×d, row-major by class), b (k)]`, or `[W]` without
/// intercepts. The intercepts (and, without a penalty, the coefficients) are
/// defined only up to a common shift across classes; see
/// [`Objective::redundant_params`].
///
/// ```
/// use logreg::objective::{Multinomial, Objective};
/// use ndarray::{array, Array1};
/// let x = array![[0.0_f64], [1.0], [2.0]];
/// let objective = Multinomial::new(x.view(), vec![0, 1, 2], 3, None, 0.0, true)?;
/// let at_zero = objective.value(Array1::zeros(6).view());
/// assert!((at_zero - 3f64.ln()).abs() < 1e-15);
/// # Ok::<(), logreg::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Multinomial<'a, F> {
    x: ArrayView2<'a, F>,
    class: Vec<usize>,
    n_classes: usize,
    weight: Array1<F>,
    weight_sum: F,
    alpha: F,
    l1: F,
    fit_intercept: bool,
}

impl<'a, F: Float> Multinomial<'a, F> {
    /// Builds the objective after checking every input: x non-empty and
    /// finite, `class[i] < n_classes` for every row, n_classes ≥ 2, weights
    /// finite and ≥ 0 with a positive sum, α finite and ≥ 0.
    ///
    /// ```
    /// use logreg::Error;
    /// use logreg::objective::{Multinomial, Objective};
    /// use ndarray::array;
    /// let x = array![[0.0_f64], [1.0], [2.0], [3.0]];
    /// let objective = Multinomial::new(x.view(), vec![0, 1, 2, 1], 3, None, 0.1, true)?;
    /// assert_eq!(objective.n_params(), 3 * 1 + 3); // k·d coefficients, then k intercepts
    /// // Class indices must be below n_classes, and weights one per row.
    /// assert!(Multinomial::new(x.view(), vec![0, 1, 3, 1], 3, None, 0.1, true).is_err());
    /// let short = Some(array![1.0, 1.0]);
    /// let err = Multinomial::new(x.view(), vec![0, 1, 2, 1], 3, short, 0.1, true).unwrap_err();
    /// assert!(matches!(err, Error::LengthMismatch { what: "sample_weight", .. }));
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn new(
        x: ArrayView2<'a, F>,
        class: Vec<usize>,
        n_classes: usize,
        sample_weight: Option<Array1<F>>,
        alpha: F,
        fit_intercept: bool,
    ) -> Result<Self> {
        check_features_and_targets(x, class.len())?;
        if n_classes < 2 {
            return Err(Error::TooFewClasses { found: n_classes });
        }
        if let Some(index) = class.iter().position(|&c| c >= n_classes) {
            return Err(Error::invalid(
                "y",
                format!("class {} at index {index}", class[index]),
                "class indices must be < n_classes",
            ));
        }
        let weight = objective_weights(x.nrows(), sample_weight.as_ref(), alpha)?;
        Ok(Self::new_unchecked(
            x,
            class,
            n_classes,
            weight,
            alpha,
            fit_intercept,
        ))
    }

    /// For callers that have validated everything already.
    pub(crate) fn new_unchecked(
        x: ArrayView2<'a, F>,
        class: Vec<usize>,
        n_classes: usize,
        weight: Array1<F>,
        alpha: F,
        fit_intercept: bool,
    ) -> Self {
        let weight_sum = weight.sum();
        Self {
            x,
            class,
            n_classes,
            weight,
            weight_sum,
            alpha,
            l1: F::zero(),
            fit_intercept,
        }
    }

    /// Where W (k × d, class-major) and b sit in the flat parameters.
    fn layout(&self) -> Layout {
        Layout::new(self.n_classes, self.x.ncols(), self.fit_intercept)
    }

    fn n_coef(&self) -> usize {
        self.layout().n_coef()
    }

    /// Splits the flat parameters into W (k×d) and b (k; zeros without intercepts).
    fn split<'p>(&self, params: ArrayView1<'p, F>) -> (ArrayView2<'p, F>, Array1<F>) {
        let layout = self.layout();
        (layout.coef(params), layout.intercept(params))
    }

    fn value_grad_on(
        &self,
        data: MultinomialData<'_, F>,
        scale: F,
        params: ArrayView1<'_, F>,
        mut grad: ArrayViewMut1<'_, F>,
    ) -> F {
        let (k, d) = (self.n_classes, self.x.ncols());
        let (coef, intercept) = self.split(params);
        let mut grad_intercept = Array1::zeros(k);
        let (grad_coef, mut grad_rest) = grad.view_mut().split_at(Axis(0), k * d);
        let grad_coef = grad_coef
            .into_shape_with_order((k, d))
            .unwrap_or_else(|_| unreachable!("grad holds k·d coefficients"));
        let loss = multinomial_loss_grad(
            data,
            coef,
            intercept.view(),
            grad_coef,
            grad_intercept.view_mut(),
        );
        if self.fit_intercept {
            grad_rest.assign(&grad_intercept);
        }
        scaled_with_l2(loss, scale, self.alpha, self.n_coef(), params, grad)
    }
}

l1_setters!(
    Multinomial,
    "Multinomial::new(x.view(), vec![0, 1, 2, 1], 3, None, 0.0, true)"
);

impl<F: Float> Objective<F> for Multinomial<'_, F> {
    penalty_accessors!();

    fn value_grad(&self, params: ArrayView1<'_, F>, grad: ArrayViewMut1<'_, F>) -> F {
        let data = MultinomialData {
            x: self.x,
            class: &self.class,
            weight: self.weight.view(),
        };
        self.value_grad_on(data, self.weight_sum.recip(), params, grad)
    }

    /// Block (a, b) is Σ sᵢ pᵢₐ(δₐᵦ − pᵢᵦ) x̃ᵢx̃ᵢᵀ with x̃ = [x, 1], i.e.
    /// H = Σ sᵢ diag(pᵢ) ⊗ x̃ᵢx̃ᵢᵀ − Σ sᵢ (pᵢ ⊗ x̃ᵢ)(pᵢ ⊗ x̃ᵢ)ᵀ. Built chunk by
    /// chunk of rows without copying X: k weighted Gram matrices (the binary
    /// Hessian's `weighted_gram`, weights sᵢpᵢₐ) for the diagonal part and
    /// a GEMM per chunk of the rows √sᵢ·(pᵢ ⊗ x̃ᵢ) for the rest.
    fn hessian(&self, params: ArrayView1<'_, F>) -> Array2<F> {
        let n = self.x.nrows();
        let (coef, intercept) = self.split(params);
        let mut sums = SoftmaxHessianSums::new(self.layout());
        let step = sums.rows_per_block();
        for start in (0..n).step_by(step) {
            let rows = start..(start + step).min(n);
            let x = self.x.slice(s![rows.clone(), ..]);
            let weight = self.weight.slice(s![rows]);
            sums.add_block(x, weight, coef, intercept.view());
        }
        let mut hess = sums.finish(self.weight_sum.recip());
        add_l2_hessian(self.alpha, self.n_coef(), hess.view_mut());
        hess
    }

    fn hess_vec(
        &self,
        params: ArrayView1<'_, F>,
        v: ArrayView1<'_, F>,
        mut out: ArrayViewMut1<'_, F>,
    ) {
        let (k, d) = (self.n_classes, self.x.ncols());
        let (coef, intercept) = self.split(params);
        let (v_coef, v_intercept) = self.split(v);
        let mut r = multinomial_probabilities(self.x, coef, intercept.view());
        let mut u = self.x.dot(&v_coef.t());
        u += &v_intercept;
        // rᵢₐ = sᵢ pᵢₐ (uᵢₐ − Σᵦ pᵢᵦ uᵢᵦ)
        Zip::from(r.rows_mut())
            .and(u.rows())
            .and(&self.weight)
            .for_each(|mut pi, ui, &w| {
                let mean = pi.dot(&ui);
                pi.zip_mut_with(&ui, |p, &u| *p = w * *p * (u - mean));
            });
        let scale = self.weight_sum.recip();
        let out_coef = r.t().dot(&self.x);
        for a in 0..k {
            for j in 0..d {
                out[a * d + j] = out_coef[(a, j)] * scale;
            }
            if self.fit_intercept {
                out[k * d + a] = r.column(a).sum() * scale;
            }
        }
        add_l2_hess_vec(self.alpha, self.n_coef(), v, out);
    }

    fn value_grad_rows(
        &self,
        params: ArrayView1<'_, F>,
        rows: &[usize],
        grad: ArrayViewMut1<'_, F>,
    ) -> F {
        let x = self.x.select(Axis(0), rows);
        let class: Vec<usize> = rows.iter().map(|&i| self.class[i]).collect();
        let weight = self.weight.select(Axis(0), rows);
        let scale = batch_scale(weight.sum());
        let data = MultinomialData {
            x: x.view(),
            class: &class,
            weight: weight.view(),
        };
        self.value_grad_on(data, scale, params, grad)
    }

    /// The last class's intercept (with a penalty), or all its parameters
    /// (without one): shifting every class by the same amount changes nothing.
    fn redundant_params(&self) -> Vec<usize> {
        let penalized = self.alpha != F::zero() || self.l1 != F::zero();
        softmax_redundant_params(
            self.n_classes,
            self.x.ncols(),
            penalized,
            self.fit_intercept,
        )
    }
}

impl<F: Float> RowAccess<F> for Multinomial<'_, F> {
    fn outputs(&self) -> usize {
        self.n_classes
    }

    dense_row_access!();

    fn curvature_bound(&self) -> F {
        F::from_f64_lossy(0.5)
    }

    fn residuals(&self, params: ArrayView1<'_, F>, i: usize, residual: &mut [F]) {
        row_scores(self.row(i), params, self.layout(), residual);
        softmax_residuals(self.weight_share(i), self.class[i], residual);
    }

    fn loss_at_scores(&self, eta: &[F], residual: Option<&mut [F]>) -> Option<F> {
        Some(softmax_loss_at_scores(
            &self.class,
            self.n_classes,
            self.weight.view(),
            self.weight_sum,
            eta,
            residual,
        ))
    }
}

/// The parameters a softmax fit holds fixed, in the layout `[W (k×d), b (k)]`:
/// the last class's intercept, and without a penalty all its coefficients.
pub(crate) fn softmax_redundant_params(
    k: usize,
    d: usize,
    penalized: bool,
    fit_intercept: bool,
) -> Vec<usize> {
    let last = k - 1;
    let mut redundant = Vec::new();
    if !penalized {
        redundant.extend((0..d).map(|j| last * d + j));
    }
    if fit_intercept {
        redundant.push(k * d + last);
    }
    redundant
}

/// The softmax Hessian's unscaled sums, block of rows by block of rows (the
/// blocks are [`rows_per_block`](Self::rows_per_block) long, and the sums
/// depend on where they start): block (a, b) is Σ sᵢ pᵢₐ(δₐᵦ − pᵢᵦ) x̃ᵢx̃ᵢᵀ
/// with x̃ = [x, 1], i.e. H = Σ sᵢ diag(pᵢ) ⊗ x̃ᵢx̃ᵢᵀ − Σ sᵢ (pᵢ ⊗ x̃ᵢ)(pᵢ ⊗ x̃ᵢ)ᵀ.
/// Built without copying X: k weighted Gram matrices (the binary Hessian's
/// `weighted_gram`, weights sᵢpᵢₐ) for the diagonal part and a GEMM per
/// block of the rows √sᵢ·(pᵢ ⊗ x̃ᵢ) for the rest. The in-memory objective
/// and the chunked one both build their Hessians with it.
pub(crate) struct SoftmaxHessianSums<F> {
    layout: Layout,
    diagonal: Array2<F>,
    cross: Array2<F>,
    outer: Array2<F>,
}

impl<F: Float> SoftmaxHessianSums<F> {
    pub fn new(layout: Layout) -> Self {
        let (k, d) = (layout.rows, layout.n_features);
        let p = d + usize::from(layout.fit_intercept);
        let step = gram_chunk_rows(k * p);
        Self {
            layout,
            diagonal: Array2::zeros((k * p, k * p)),
            cross: Array2::zeros((k * p, k * p)),
            outer: Array2::zeros((step, k * p)),
        }
    }

    /// The layout of the parameters.
    pub fn layout(&self) -> Layout {
        self.layout
    }

    /// Rows per block: the in-memory pass adds rows in blocks this long.
    pub fn rows_per_block(&self) -> usize {
        self.outer.nrows()
    }

    /// Adds one block of at most [`rows_per_block`](Self::rows_per_block) rows.
    pub fn add_block(
        &mut self,
        x: ArrayView2<'_, F>,
        weight: ArrayView1<'_, F>,
        coef: ArrayView2<'_, F>,
        intercept: ArrayView1<'_, F>,
    ) {
        let (k, d) = (self.layout.rows, self.layout.n_features);
        let fit_intercept = self.layout.fit_intercept;
        let p = d + usize::from(fit_intercept);
        let len = x.nrows();
        let prob = multinomial_probabilities(x, coef, intercept);
        Zip::from(self.outer.slice_mut(s![..len, ..]).rows_mut())
            .and(x.rows())
            .and(prob.rows())
            .and(&weight)
            .for_each(|mut out, xi, pi, &w| {
                let root = w.sqrt();
                for (mut segment, &pa) in out.exact_chunks_mut(p).into_iter().zip(pi) {
                    let c = root * pa;
                    segment
                        .slice_mut(s![..d])
                        .zip_mut_with(&xi, |o, &v| *o = c * v);
                    if fit_intercept {
                        segment[d] = c;
                    }
                }
            });
        let block = self.outer.slice(s![..len, ..]);
        F::gemm_tn_add(self.cross.view_mut(), block, block);
        for a in 0..k {
            let h = &weight * &prob.column(a);
            let diag = s![a * p..(a + 1) * p, a * p..(a + 1) * p];
            let mut block = self.diagonal.slice_mut(diag);
            block += &weighted_gram(x, h.view(), fit_intercept);
        }
    }

    /// The Hessian of the data term times `scale` (1/S), in the flat
    /// parameter layout, without the penalty.
    pub fn finish(self, scale: F) -> Array2<F> {
        let layout = self.layout;
        let (k, d) = (layout.rows, layout.n_features);
        let p = d + usize::from(layout.fit_intercept);
        let flat_index = |a: usize, j: usize| match layout.intercept_index(a) {
            Some(intercept) if j == d => intercept,
            _ => layout.coef_index(a, j),
        };
        let blocks = self.diagonal - self.cross;
        let n_params = layout.n_params();
        let mut hess = Array2::zeros((n_params, n_params));
        for a in 0..k {
            for b in a..k {
                for i in 0..p {
                    for j in 0..p {
                        let v = blocks[(a * p + i, b * p + j)] * scale;
                        let (r, c) = (flat_index(a, i), flat_index(b, j));
                        hess[(r, c)] = v;
                        hess[(c, r)] = v;
                    }
                }
            }
        }
        hess
    }
}
