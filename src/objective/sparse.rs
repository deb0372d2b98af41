//! The binary and multinomial objectives over sparse (CSR) features: the
//! same functions as [`BinaryLogistic`](super::BinaryLogistic) and
//! [`Multinomial`](super::Multinomial), computed row by row over each row's
//! non-zeros, so a pass costs O(nnz·k) and X is never densified.

use super::Objective;
use super::multinomial::softmax_redundant_params;
use super::penalty::{
    add_l2_hess_vec, add_l2_hessian, batch_scale, penalty_accessors, scaled_with_l2,
};
use super::rows::{
    Row, RowAccess, binary_loss_at_scores, binary_residual, row_scores, softmax_loss_at_scores,
    softmax_residuals,
};
use crate::Float;
use crate::kernels::{binary_terms, multinomial_cross_entropy, softmax_inplace};
use crate::layout::Layout;
use crate::sparse::CsrView;
use ndarray::{Array1, Array2, ArrayView1, ArrayViewMut1, ArrayViewMut2};
use rayon::prelude::*;

/// What each row is labelled with.
#[derive(Debug, Clone)]
pub(crate) enum Target<F> {
    /// Probabilities of class 1 (binary and one-vs-rest).
    Binary(Array1<F>),
    /// Class indices 0..k (multinomial).
    Classes { class: Vec<usize>, k: usize },
}

/// Mean weighted cross-entropy plus the penalties, over CSR rows.
/// Parameters as the dense objectives: `[w, b]` (binary) or `[W (k×d), b (k)]`.
#[derive(Debug, Clone)]
pub(crate) struct SparseLogistic<'a, F> {
    x: CsrView<'a, F>,
    target: Target<F>,
    weight: Array1<F>,
    weight_sum: F,
    alpha: F,
    l1: F,
    fit_intercept: bool,
}

/// The parameters as one slice (copied only if the view is strided).
fn contiguous<'p, F: Float>(params: ArrayView1<'p, F>) -> std::borrow::Cow<'p, [F]> {
    match params.to_slice() {
        Some(slice) => std::borrow::Cow::Borrowed(slice),
        None => std::borrow::Cow::Owned(params.to_vec()),
    }
}

/// Rows per parallel chunk: fixed by n, never by the thread count, so the
/// sums are reduced in the same order on any machine.
pub(crate) fn chunk_rows(n: usize) -> usize {
    n.div_ceil(32).max(2048)
}

impl<'a, F: Float> SparseLogistic<'a, F> {
    pub fn new(
        x: CsrView<'a, F>,
        target: Target<F>,
        weight: Array1<F>,
        alpha: F,
        l1: F,
        fit_intercept: bool,
    ) -> Self {
        let weight_sum = weight.sum();
        Self {
            x,
            target,
            weight,
            weight_sum,
            alpha,
            l1,
            fit_intercept,
        }
    }

    /// Score columns: 1 for binary, k for multinomial.
    fn outputs(&self) -> usize {
        match &self.target {
            Target::Binary(_) => 1,
            Target::Classes { k, .. } => *k,
        }
    }

    /// Where the coefficients (outputs × d, row-major) and intercepts sit
    /// in the flat parameters.
    fn layout(&self) -> Layout {
        Layout::new(self.outputs(), self.x.ncols(), self.fit_intercept)
    }

    fn n_coef(&self) -> usize {
        self.layout().n_coef()
    }

    /// Row i's scores into `eta`, from contiguous parameters.
    #[inline]
    fn row_scores(&self, params: &[F], i: usize, eta: &mut [F]) {
        let layout = self.layout();
        let (indices, values) = self.x.row(i);
        for (c, e) in eta.iter_mut().enumerate() {
            let w = &params[layout.coef_index(c, 0)..layout.coef_index(c + 1, 0)];
            let dot = indices
                .iter()
                .zip(values)
                .fold(F::zero(), |sum, (&j, &v)| sum + v * w[j]);
            let b = layout
                .intercept_index(c)
                .map_or_else(F::zero, |index| params[index]);
            *e = dot + b;
        }
    }

    /// Row i's weighted loss, and its weighted residuals dℓ/dη into `eta`
    /// (which holds the scores on entry).
    fn row_loss_residual(&self, i: usize, eta: &mut [F]) -> F {
        let s = self.weight[i];
        match &self.target {
            Target::Binary(y) => {
                let terms = binary_terms(y[i], eta[0]);
                eta[0] = s * terms.residual;
                s * terms.loss
            }
            Target::Classes { class, .. } => {
                let mut row = ndarray::ArrayViewMut1::from(&mut eta[..]);
                let loss = multinomial_cross_entropy(row.view(), class[i]).unwrap_or_else(F::nan);
                softmax_inplace(row.view_mut());
                row[class[i]] -= F::one();
                row.mapv_inplace(|r| r * s);
                s * loss
            }
        }
    }

    /// Σ sᵢℓᵢ over `rows`, in order, and its gradient (unscaled, no
    /// penalty): one of the parallel chunks of a pass.
    fn loss_grad_sequential(
        &self,
        params: &[F],
        rows: impl Iterator<Item = usize>,
    ) -> (F, Array1<F>) {
        let mut grad = vec![F::zero(); params.len()];
        let mut loss = F::zero();
        let mut eta = vec![F::zero(); self.outputs()];
        for i in rows {
            self.row_scores(params, i, &mut eta);
            loss += self.row_loss_residual(i, &mut eta);
            self.add_row(i, &eta, |index, value| grad[index] += value);
        }
        (loss, Array1::from(grad))
    }

    /// Σ sᵢℓᵢ over all rows, in order, and its gradient (unscaled, no
    /// penalty), not split into parallel chunks: a fit over chunks of rows
    /// sums each chunk so, and chunks that are this objective's parallel
    /// chunks ([`chunk_rows`]) give its sums bit for bit.
    pub fn loss_grad_sums(&self, params: ArrayView1<'_, F>) -> (F, Array1<F>) {
        self.loss_grad_sequential(&contiguous(params), 0..self.x.nrows())
    }

    /// Σ sᵢℓᵢ over `rows` and its gradient (unscaled, no penalty).
    fn loss_grad_over(&self, params: ArrayView1<'_, F>, rows: &[usize]) -> (F, Array1<F>) {
        let n_params = params.len();
        let params = contiguous(params);
        let params = &params[..];
        let chunk = |rows: &[usize]| self.loss_grad_sequential(params, rows.iter().copied());
        let parts: Vec<(F, Array1<F>)> =
            rows.par_chunks(chunk_rows(rows.len())).map(chunk).collect();
        let mut total = (F::zero(), Array1::zeros(n_params));
        for (loss, grad) in parts {
            total.0 += loss;
            total.1 += &grad;
        }
        total
    }

    /// The mean-scaled objective and gradient over `rows`, with `scale` = 1/S.
    fn value_grad_over(
        &self,
        params: ArrayView1<'_, F>,
        rows: &[usize],
        scale: F,
        mut grad: ArrayViewMut1<'_, F>,
    ) -> F {
        let (loss, g) = self.loss_grad_over(params, rows);
        grad.assign(&g);
        scaled_with_l2(loss, scale, self.alpha, self.n_coef(), params, grad)
    }

    fn all_rows(&self) -> Vec<usize> {
        (0..self.x.nrows()).collect()
    }

    /// Each row's probabilities (k columns; one, p(1), for binary).
    fn probabilities(&self, params: ArrayView1<'_, F>) -> Array2<F> {
        let k = self.outputs();
        let params = contiguous(params);
        let mut p = Array2::zeros((self.x.nrows(), k));
        for (i, mut row) in p.rows_mut().into_iter().enumerate() {
            let mut eta = vec![F::zero(); k];
            self.row_scores(&params, i, &mut eta);
            row.assign(&ArrayView1::from(&eta[..]));
            match self.target {
                Target::Binary(_) => row[0] = crate::kernels::sigmoid(row[0]),
                Target::Classes { .. } => softmax_inplace(row),
            }
        }
        p
    }

    /// Adds tᶜ·x̃ᵢ for every output c (the row's features, then 1 for the
    /// intercept) into a flat parameter-shaped vector through `add(index,
    /// value)`: the scatter of a gradient or a Hessian-vector product.
    #[inline]
    fn add_row(&self, i: usize, t: &[F], mut add: impl FnMut(usize, F)) {
        let layout = self.layout();
        let (indices, values) = self.x.row(i);
        for (c, &tc) in t.iter().enumerate() {
            for (&j, &x) in indices.iter().zip(values) {
                add(layout.coef_index(c, j), tc * x);
            }
            if let Some(intercept) = layout.intercept_index(c) {
                add(intercept, tc);
            }
        }
    }

    /// Index of (output c, column j) in the parameters; j = d is the intercept.
    fn index(&self, c: usize, j: usize) -> usize {
        let layout = self.layout();
        match layout.intercept_index(c) {
            Some(intercept) if j == layout.n_features => intercept,
            _ => layout.coef_index(c, j),
        }
    }

    /// Adds Σ sᵢ∇²ℓᵢ over all rows, in order, into `hess` (unscaled, no
    /// penalty): [`hessian`](Objective::hessian) before it divides by S.
    pub fn add_hessian_sums(&self, params: ArrayView1<'_, F>, mut hess: ArrayViewMut2<'_, F>) {
        let (k, d) = (self.outputs(), self.x.ncols());
        let p = self.probabilities(params);
        for i in 0..self.x.nrows() {
            let (indices, values) = self.x.row(i);
            // The row's non-zeros, then the intercept's implicit 1.
            let mut entries: Vec<(usize, F)> = indices
                .iter()
                .copied()
                .zip(values.iter().copied())
                .collect();
            if self.fit_intercept {
                entries.push((d, F::one()));
            }
            let s = self.weight[i];
            for a in 0..k {
                for b in 0..k {
                    // ∂²ℓ/∂η_a∂η_b: p(1 − p) binary, p_a(δ_ab − p_b) softmax.
                    let curvature = match self.target {
                        Target::Binary(_) => p[(i, 0)] * (F::one() - p[(i, 0)]),
                        Target::Classes { .. } => {
                            p[(i, a)] * (if a == b { F::one() } else { F::zero() } - p[(i, b)])
                        }
                    };
                    let h = s * curvature;
                    if h == F::zero() {
                        continue;
                    }
                    for &(j, u) in &entries {
                        let row = self.index(a, j);
                        for &(l, v) in &entries {
                            hess[(row, self.index(b, l))] += h * u * v;
                        }
                    }
                }
            }
        }
    }
}

impl<F: Float> Objective<F> for SparseLogistic<'_, F> {
    penalty_accessors!();

    fn value_grad(&self, params: ArrayView1<'_, F>, grad: ArrayViewMut1<'_, F>) -> F {
        let scale = self.weight_sum.recip();
        self.value_grad_over(params, &self.all_rows(), scale, grad)
    }

    fn hessian(&self, params: ArrayView1<'_, F>) -> Array2<F> {
        let n = self.n_params();
        let mut hess = Array2::zeros((n, n));
        self.add_hessian_sums(params, hess.view_mut());
        hess.mapv_inplace(|h| h / self.weight_sum);
        add_l2_hessian(self.alpha, self.n_coef(), hess.view_mut());
        hess
    }

    fn hess_vec(
        &self,
        params: ArrayView1<'_, F>,
        v: ArrayView1<'_, F>,
        mut out: ArrayViewMut1<'_, F>,
    ) {
        let k = self.outputs();
        let p = self.probabilities(params);
        let v_flat = contiguous(v);
        out.fill(F::zero());
        let mut u = vec![F::zero(); k];
        for i in 0..self.x.nrows() {
            // u = x̃ᵢ·V_c per output, then t = ∂²ℓ/∂η² · u.
            self.row_scores(&v_flat, i, &mut u);
            let s = self.weight[i];
            let t: Vec<F> = match self.target {
                Target::Binary(_) => vec![s * p[(i, 0)] * (F::one() - p[(i, 0)]) * u[0]],
                Target::Classes { .. } => {
                    let pu = (0..k).fold(F::zero(), |acc, c| acc + p[(i, c)] * u[c]);
                    (0..k).map(|c| s * p[(i, c)] * (u[c] - pu)).collect()
                }
            };
            self.add_row(i, &t, |index, value| out[index] += value);
        }
        out.mapv_inplace(|o| o / self.weight_sum);
        add_l2_hess_vec(self.alpha, self.n_coef(), v, out);
    }

    fn value_grad_rows(
        &self,
        params: ArrayView1<'_, F>,
        rows: &[usize],
        grad: ArrayViewMut1<'_, F>,
    ) -> F {
        let weight_sum = rows.iter().fold(F::zero(), |s, &i| s + self.weight[i]);
        self.value_grad_over(params, rows, batch_scale(weight_sum), grad)
    }

    /// As [`Multinomial`](super::Multinomial): the last class's intercept
    /// (penalized), or all its parameters (unpenalized).
    fn redundant_params(&self) -> Vec<usize> {
        let Target::Classes { k, .. } = self.target else {
            return Vec::new();
        };
        let penalized = self.alpha != F::zero() || self.l1 != F::zero();
        softmax_redundant_params(k, self.x.ncols(), penalized, self.fit_intercept)
    }
}

impl<F: Float> RowAccess<F> for SparseLogistic<'_, F> {
    fn outputs(&self) -> usize {
        SparseLogistic::outputs(self)
    }

    fn n_features(&self) -> usize {
        self.x.ncols()
    }

    fn fit_intercept(&self) -> bool {
        self.fit_intercept
    }

    fn row(&self, i: usize) -> Row<'_, F> {
        let (indices, values) = self.x.row(i);
        Row::Sparse { indices, values }
    }

    fn weight_share(&self, i: usize) -> F {
        self.weight[i] / self.weight_sum
    }

    fn curvature_bound(&self) -> F {
        match self.target {
            Target::Binary(_) => F::from_f64_lossy(0.25),
            Target::Classes { .. } => F::from_f64_lossy(0.5),
        }
    }

    fn residuals(&self, params: ArrayView1<'_, F>, i: usize, residual: &mut [F]) {
        row_scores(self.row(i), params, self.layout(), residual);
        let share = self.weight_share(i);
        match &self.target {
            Target::Binary(y) => binary_residual(share, y[i], residual),
            Target::Classes { class, .. } => softmax_residuals(share, class[i], residual),
        }
    }

    fn loss_at_scores(&self, eta: &[F], residual: Option<&mut [F]>) -> Option<F> {
        let (weight, sum) = (self.weight.view(), self.weight_sum);
        Some(match &self.target {
            Target::Binary(y) => binary_loss_at_scores(y.view(), weight, sum, eta, residual),
            Target::Classes { class, k } => {
                softmax_loss_at_scores(class, *k, weight, sum, eta, residual)
            }
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // test code: a failed setup is a failed test
mod tests {
    //! The sparse objective against the dense ones on the same data.
    use super::*;
    use crate::objective::{BinaryLogistic, Multinomial};
    use ndarray::{Array2, array};
    use sprs::CsMat;

    /// 7 × 4 with zeros in every row, and both objectives' inputs.
    fn data() -> (Array2<f64>, CsMat<f64>, Vec<usize>, Array1<f64>) {
        let x = array![
            [0.0, 1.5, 0.0, -2.0],
            [1.0, 0.0, 0.0, 0.5],
            [0.0, 0.0, 3.0, 0.0],
            [2.0, -1.0, 0.0, 0.0],
            [0.0, 0.0, 0.0, 1.0],
            [-1.0, 0.5, 2.0, 0.0],
            [0.0, 2.0, 0.0, 0.0]
        ];
        let sparse = CsMat::csr_from_dense(x.view(), 0.0);
        let class = vec![0, 1, 2, 1, 0, 2, 1];
        let weight = array![1.0, 2.0, 0.5, 1.0, 1.5, 1.0, 0.0];
        (x, sparse, class, weight)
    }

    fn assert_same(sparse: &dyn Objective<f64>, dense: &dyn Objective<f64>) {
        let n = dense.n_params();
        assert_eq!(sparse.n_params(), n);
        let at = Array1::from_shape_fn(n, |i| 0.3 * (i as f64) - 0.7);
        let v = Array1::from_shape_fn(n, |i| 1.0 - 0.2 * (i as f64));
        let (mut gs, mut gd) = (Array1::zeros(n), Array1::zeros(n));
        let (fs, fd) = (
            sparse.value_grad(at.view(), gs.view_mut()),
            dense.value_grad(at.view(), gd.view_mut()),
        );
        assert!((fs - fd).abs() < 1e-13, "{fs} vs {fd}");
        assert!((&gs - &gd).iter().all(|d| d.abs() < 1e-13));
        let gap = &sparse.hessian(at.view()) - &dense.hessian(at.view());
        assert!(gap.iter().all(|d| d.abs() < 1e-13), "{gap}");
        let (mut hs, mut hd) = (Array1::zeros(n), Array1::zeros(n));
        sparse.hess_vec(at.view(), v.view(), hs.view_mut());
        dense.hess_vec(at.view(), v.view(), hd.view_mut());
        assert!((&hs - &hd).iter().all(|d| d.abs() < 1e-13));
        let rows = [4, 0, 5];
        let (fs, fd) = (
            sparse.value_grad_rows(at.view(), &rows, gs.view_mut()),
            dense.value_grad_rows(at.view(), &rows, gd.view_mut()),
        );
        assert!((fs - fd).abs() < 1e-13 && (&gs - &gd).iter().all(|d| d.abs() < 1e-13));
        assert_eq!(sparse.redundant_params(), dense.redundant_params());
        assert_eq!(sparse.n_penalized(), dense.n_penalized());
        assert_loss_at_scores(sparse, &at);
        assert_loss_at_scores(dense, &at);
    }

    /// The loss at the scores of `at` plus the L2 term is the value there,
    /// and its residuals are `RowAccess::residuals`'.
    fn assert_loss_at_scores(objective: &dyn Objective<f64>, at: &Array1<f64>) {
        let rows = objective.as_rows().unwrap();
        let (k, n) = (rows.outputs(), objective.n_samples());
        let layout = Layout::new(k, rows.n_features(), rows.fit_intercept());
        let (mut eta, mut expected) = (vec![0.0; n * k], vec![0.0; n * k]);
        for i in 0..n {
            row_scores(rows.row(i), at.view(), layout, &mut eta[i * k..(i + 1) * k]);
            rows.residuals(at.view(), i, &mut expected[i * k..(i + 1) * k]);
        }
        let mut residual = vec![0.0; n * k];
        let loss = rows.loss_at_scores(&eta, Some(&mut residual)).unwrap();
        let m = objective.n_penalized();
        let l2 = objective.l2_penalty() / 2.0 * at.iter().take(m).map(|w| w * w).sum::<f64>();
        assert!((loss + l2 - objective.value(at.view())).abs() < 1e-13);
        assert!(
            residual
                .iter()
                .zip(&expected)
                .all(|(a, b)| (a - b).abs() < 1e-15)
        );
        let without = rows.loss_at_scores(&eta, None).unwrap();
        assert_eq!(without.to_bits(), loss.to_bits());
    }

    #[test]
    fn binary_equals_dense() {
        let (x, sparse, class, weight) = data();
        let y: Array1<f64> = class.iter().map(|&c| f64::from(u8::from(c == 1))).collect();
        for intercept in [true, false] {
            let csr = CsrView::new(&sparse).unwrap();
            let s = SparseLogistic::new(
                csr,
                Target::Binary(y.clone()),
                weight.clone(),
                0.1,
                0.05,
                intercept,
            );
            let d =
                BinaryLogistic::new_unchecked(x.view(), y.clone(), weight.clone(), 0.1, intercept)
                    .with_l1_unchecked(0.05);
            assert_same(&s, &d);
        }
    }

    #[test]
    fn multinomial_equals_dense() {
        let (x, sparse, class, weight) = data();
        for (alpha, intercept) in [(0.1, true), (0.0, true), (0.1, false)] {
            let csr = CsrView::new(&sparse).unwrap();
            let target = Target::Classes {
                class: class.clone(),
                k: 3,
            };
            let s = SparseLogistic::new(csr, target, weight.clone(), alpha, 0.0, intercept);
            let d = Multinomial::new_unchecked(
                x.view(),
                class.clone(),
                3,
                weight.clone(),
                alpha,
                intercept,
            );
            assert_same(&s, &d);
        }
    }
}
