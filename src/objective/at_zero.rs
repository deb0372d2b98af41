//! The objective and its gradient at zero, from sums over each class's rows.
//!
//! At w = 0, b = 0 every score is 0, so every row has the same
//! probabilities (½, or 1/k for the softmax) and the same loss (ln 2, or
//! ln k), and the gradient (1/S) Σᵢ sᵢ (pᵢ − yᵢ) xᵢ needs only each class's
//! weight S_c = Σ sᵢ and weighted column sums C_c = Σ sᵢ xᵢ over its rows:
//!
//! - binary, positive class P: ∇w = (½ T − C_P) / S and ∂b = (½ S − S_P) / S,
//!   with T = Σ_c C_c;
//! - softmax: ∇w_c = (T/k − C_c) / S and ∂b_c = (S/k − S_c) / S.
//!
//! A fit's checks read every value of X anyway (finiteness), so computing
//! these sums in that read gives a solver its start without a pass over the
//! data of its own. Fits over chunks compute the same sums in their first
//! pass, in the same row and chunk order, so both kinds of fit start from
//! the same bits.

use crate::Float;
use ndarray::{Array1, ArrayView2};

/// Each class's weight and weighted column sums, in f64, added row by row
/// in row order ([`add_row`](Self::add_row)) and merged in chunk order
/// ([`merge`](Self::merge)).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ClassSums {
    n_features: usize,
    /// S_c, one per class.
    weight: Vec<f64>,
    /// C_c, class-major: class c's sums are `sums[c·d..(c+1)·d]`.
    sums: Vec<f64>,
}

impl ClassSums {
    /// No rows yet: `k` classes, `d` features.
    pub(crate) fn empty(k: usize, d: usize) -> Self {
        Self {
            n_features: d,
            weight: vec![0.0; k],
            sums: vec![0.0; k * d],
        }
    }

    /// The sums of dense rows `x` of classes `class` with sample weights
    /// `weight` (`None`: 1 each), row by row.
    pub(crate) fn of_rows<F: Float>(
        x: ArrayView2<'_, F>,
        class: &[usize],
        weight: Option<&[F]>,
        k: usize,
    ) -> Self {
        let mut sums = Self::empty(k, x.ncols());
        for (i, (row, &c)) in x.rows().into_iter().zip(class).enumerate() {
            let w = weight.map_or(1.0, |w| w[i].to_f64_lossy());
            sums.add_row(c, w, row.iter().copied());
        }
        sums
    }

    /// Adds one row of class `c` with sample weight `w`.
    #[inline]
    pub(crate) fn add_row<F: Float>(&mut self, c: usize, w: f64, row: impl Iterator<Item = F>) {
        let d = self.n_features;
        self.weight[c] += w;
        for (total, v) in self.sums[c * d..(c + 1) * d].iter_mut().zip(row) {
            *total += w * v.to_f64_lossy();
        }
    }

    /// Adds class `from` of `other` to class `to` of these sums.
    pub(crate) fn add_class(&mut self, to: usize, other: &ClassSums, from: usize) {
        let d = self.n_features;
        self.weight[to] += other.weight[from];
        let source = &other.sums[from * d..(from + 1) * d];
        for (total, &v) in self.sums[to * d..(to + 1) * d].iter_mut().zip(source) {
            *total += v;
        }
    }

    /// Adds the next chunk's sums (the same classes).
    pub(crate) fn merge(&mut self, other: &ClassSums) {
        for c in 0..self.weight.len() {
            self.add_class(c, other, c);
        }
    }

    /// Whether every sum is finite.
    pub(crate) fn is_finite(&self) -> bool {
        self.sums.iter().chain(&self.weight).all(|v| v.is_finite())
    }

    pub(crate) fn n_classes(&self) -> usize {
        self.weight.len()
    }

    /// S_c, one per class.
    pub(crate) fn weights(&self) -> &[f64] {
        &self.weight
    }

    /// C_c, class-major.
    pub(crate) fn sums(&self) -> &[f64] {
        &self.sums
    }

    /// Rebuilds sums from their parts (as [`weights`](Self::weights) and
    /// [`sums`](Self::sums) give them); `None` when the lengths disagree.
    pub(crate) fn from_parts(n_features: usize, weight: Vec<f64>, sums: Vec<f64>) -> Option<Self> {
        (sums.len() == weight.len() * n_features).then_some(Self {
            n_features,
            weight,
            sums,
        })
    }

    /// [`value_grad_at_zero`](Self::value_grad_at_zero) when these are the
    /// sums of `k` classes over `d` features and finite (sums that
    /// overflowed give no start: the solver evaluates it).
    pub(crate) fn start_at_zero<F: Float>(
        &self,
        run: ZeroRun,
        fit_intercept: bool,
        (d, k): (usize, usize),
    ) -> Option<(F, Array1<F>)> {
        (self.n_features == d && self.n_classes() == k && self.is_finite())
            .then(|| self.value_grad_at_zero(run, fit_intercept))
    }

    /// The objective (1/S) Σ sᵢ ℓᵢ + (α/2)‖w‖² and its gradient at zero,
    /// in the flat layout of the objectives (coefficients, class-major for
    /// the softmax, then the intercepts when `fit_intercept`): `run` says
    /// which.
    fn value_grad_at_zero<F: Float>(&self, run: ZeroRun, fit_intercept: bool) -> (F, Array1<F>) {
        let d = self.n_features;
        let total: f64 = self.weight.iter().sum();
        let mut t = vec![0.0; d];
        for class in self.sums.chunks_exact(d.max(1)) {
            for (t, &v) in t.iter_mut().zip(class) {
                *t += v;
            }
        }
        let scale = total.recip();
        match run {
            ZeroRun::Binary { positive } => {
                let c_pos = &self.sums[positive * d..(positive + 1) * d];
                let mut grad: Vec<F> = t
                    .iter()
                    .zip(c_pos)
                    .map(|(&t, &c)| F::from_f64_lossy((0.5 * t - c) * scale))
                    .collect();
                if fit_intercept {
                    let s_pos = self.weight[positive];
                    grad.push(F::from_f64_lossy((0.5 * total - s_pos) * scale));
                }
                (
                    F::from_f64_lossy(std::f64::consts::LN_2),
                    Array1::from(grad),
                )
            }
            ZeroRun::Multinomial => {
                let k = self.weight.len();
                let share = (k as f64).recip();
                let mut grad: Vec<F> = self
                    .sums
                    .chunks_exact(d.max(1))
                    .flat_map(|class| {
                        t.iter()
                            .zip(class)
                            .map(move |(&t, &c)| F::from_f64_lossy((share * t - c) * scale))
                    })
                    .collect();
                if fit_intercept {
                    grad.extend(
                        self.weight
                            .iter()
                            .map(|&s| F::from_f64_lossy((share * total - s) * scale)),
                    );
                }
                (F::from_f64_lossy((k as f64).ln()), Array1::from(grad))
            }
        }
    }
}

/// Which objective [`ClassSums::value_grad_at_zero`] evaluates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ZeroRun {
    /// Class `positive` against the rest (binary targets).
    Binary { positive: usize },
    /// The softmax over all classes.
    Multinomial,
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // test code: a failed setup is a failed test
mod tests {
    use super::*;
    use crate::objective::{BinaryLogistic, Multinomial, Objective};
    use ndarray::{Array2, array};

    /// Rows of 3 features, classes 0, 1, 2 in turn, uneven weights.
    fn data() -> (Array2<f64>, Vec<usize>, Array1<f64>) {
        let x = Array2::from_shape_fn((11, 3), |(i, j)| {
            ((i * 7 + j * 3) % 5) as f64 - 1.5 + 0.25 * j as f64
        });
        let class = (0..11).map(|i| i % 3).collect();
        let weight = Array1::from_shape_fn(11, |i| 0.5 + (i % 4) as f64);
        (x, class, weight)
    }

    fn assert_close(a: &Array1<f64>, b: &Array1<f64>) {
        assert_eq!(a.len(), b.len());
        for (u, v) in a.iter().zip(b) {
            assert!((u - v).abs() <= 1e-14 * (1.0 + v.abs()), "{a} against {b}");
        }
    }

    #[test]
    fn the_binary_value_and_gradient_at_zero_match_a_pass() {
        let (x, class, weight) = data();
        let sums = ClassSums::of_rows(x.view(), &class, weight.as_slice(), 3);
        for positive in 0..3 {
            for fit_intercept in [true, false] {
                let y = class
                    .iter()
                    .map(|&c| f64::from(u8::from(c == positive)))
                    .collect();
                let objective =
                    BinaryLogistic::new(x.view(), y, Some(weight.clone()), 0.3, fit_intercept)
                        .unwrap();
                let mut grad = Array1::zeros(objective.n_params());
                let zero = Array1::zeros(objective.n_params());
                let value = objective.value_grad(zero.view(), grad.view_mut());
                let (closed, closed_grad) =
                    sums.value_grad_at_zero::<f64>(ZeroRun::Binary { positive }, fit_intercept);
                assert!((closed - value).abs() < 1e-15);
                assert_close(&closed_grad, &grad);
            }
        }
    }

    #[test]
    fn the_softmax_value_and_gradient_at_zero_match_a_pass() {
        let (x, class, weight) = data();
        let sums = ClassSums::of_rows(x.view(), &class, weight.as_slice(), 3);
        for fit_intercept in [true, false] {
            let objective = Multinomial::new(
                x.view(),
                class.clone(),
                3,
                Some(weight.clone()),
                0.3,
                fit_intercept,
            )
            .unwrap();
            let mut grad = Array1::zeros(objective.n_params());
            let zero = Array1::zeros(objective.n_params());
            let value = objective.value_grad(zero.view(), grad.view_mut());
            let (closed, closed_grad) =
                sums.value_grad_at_zero::<f64>(ZeroRun::Multinomial, fit_intercept);
            assert!((closed - value).abs() < 1e-15);
            assert_close(&closed_grad, &grad);
        }
    }

    #[test]
    fn merged_chunks_sum_as_the_rows_do() {
        let (x, class, weight) = data();
        let w = weight.as_slice().unwrap();
        let mut merged =
            ClassSums::of_rows(x.slice(ndarray::s![..4, ..]), &class[..4], Some(&w[..4]), 3);
        merged.merge(&ClassSums::of_rows(
            x.slice(ndarray::s![4.., ..]),
            &class[4..],
            Some(&w[4..]),
            3,
        ));
        let whole = ClassSums::of_rows(x.view(), &class, Some(w), 3);
        assert_eq!(merged.weights(), whole.weights());
        for (a, b) in merged.sums().iter().zip(whole.sums()) {
            assert!((a - b).abs() < 1e-13);
        }
        let unit = ClassSums::of_rows(array![[2.0_f64]].view(), &[1], None, 2);
        assert_eq!(
            (unit.weights(), unit.sums()),
            (&[0.0, 1.0][..], &[0.0, 2.0][..])
        );
    }
}
