//! The quadratic model of a logistic objective, minimized coordinate by
//! coordinate from the columns of X and a maintained X·δ: never XᵀWX.
//!
//! For scores ηᵢ (k per row; k = 1 is the binary sigmoid, k > 1 the
//! softmax) with probabilities pᵢ and weight shares sᵢ/S, the data part of
//! the Hessian is Σᵢ (sᵢ/S)·x̃ᵢx̃ᵢᵀ ⊗ (diag(pᵢ) − pᵢpᵢᵀ), plus α on the
//! penalized coefficients. Its product with δ along coordinate (c, j) is
//! Σᵢ xᵢⱼ·qᵢ꜀·((Xδ)ᵢ꜀ − uᵢ) + α·δ꜀ⱼ with qᵢ꜀ = (sᵢ/S)·pᵢ꜀ and
//! uᵢ = Σ꜀ pᵢ꜀·(Xδ)ᵢ꜀, so keeping Xδ (n × k) and u (n) up to date costs one
//! pass over a column per update: O(nnz) per sweep on sparse columns.

use super::columns::{Column, Columns};
use super::crossing::{Crossing, PIN_REACH, Run, first_crossing};
use super::rows::ActiveRows;
use super::{CoordinateModel, soft_threshold};
use crate::Float;
use crate::kernels::{sigmoid, softmax_inplace};
use crate::objective::RowAccess;
use ndarray::{Array1, ArrayView1, ArrayViewMut1};

/// The fixed shape of the problem: what the columns and layout are.
pub(super) struct Shape<F> {
    /// Scores per row (1: sigmoid; k: softmax).
    pub k: usize,
    /// Features.
    pub d: usize,
    /// sᵢ/S per row.
    pub share: Vec<F>,
    /// α on the first `n_penalized` parameters (their Hessian diagonal).
    pub l2: F,
    pub n_penalized: usize,
    /// Which parameters carry λ₁.
    pub l1: F,
}

impl<F: Float> Shape<F> {
    pub fn of(rows: &dyn RowAccess<F>, n_rows: usize, l2: F, l1: F, n_penalized: usize) -> Self {
        Self {
            k: rows.outputs(),
            d: rows.n_features(),
            share: (0..n_rows).map(|i| rows.weight_share(i)).collect(),
            l2,
            n_penalized,
            l1,
        }
    }
}

/// Output (class) and column of parameter `index`: coefficient (c, j) at
/// c·d + j, then the intercepts.
#[inline]
pub(super) fn locate<'c, F: Float>(
    columns: &'c Columns<F>,
    shape: &Shape<F>,
    index: usize,
) -> (usize, Column<'c, F>) {
    let d = shape.d;
    if index < shape.k * d {
        (index / d, columns.column(index % d))
    } else {
        (index - shape.k * d, columns.ones())
    }
}

/// The model at one point, and the state of its coordinate descent.
pub(super) struct ColumnModel<'a, F> {
    columns: &'a Columns<F>,
    shape: &'a Shape<F>,
    grad: ArrayView1<'a, F>,
    params: ArrayView1<'a, F>,
    /// pᵢ꜀ (n × k, row-major).
    prob: Vec<F>,
    /// Binary: (sᵢ/S)·pᵢ(1 − pᵢ); softmax: (sᵢ/S)·pᵢ꜀.
    weight: Vec<F>,
    /// X·δ (n × k, row-major).
    x_delta: Vec<F>,
    /// Σ꜀ pᵢ꜀·(Xδ)ᵢ꜀ (softmax only).
    u: Vec<F>,
    /// The Hessian's diagonal, for the coordinates of the working set.
    curvature: Vec<F>,
    curvature_floor: F,
    delta: Array1<F>,
}

impl<'a, F: Float> ColumnModel<'a, F> {
    /// The model at `params` (scores `eta`, gradient `grad`), with
    /// curvatures for the coordinates `working`.
    pub fn at(
        columns: &'a Columns<F>,
        shape: &'a Shape<F>,
        params: ArrayView1<'a, F>,
        eta: &[F],
        grad: ArrayView1<'a, F>,
        working: &[usize],
    ) -> Self {
        let n = columns.n_rows();
        let k = shape.k;
        let mut prob = eta.to_vec();
        let mut weight = vec![F::zero(); n * k];
        if k == 1 {
            for ((p, w), &s) in prob.iter_mut().zip(&mut weight).zip(&shape.share) {
                *p = sigmoid(*p);
                *w = s * *p * (F::one() - *p);
            }
        } else {
            for (i, (row, w)) in prob
                .chunks_exact_mut(k)
                .zip(weight.chunks_exact_mut(k))
                .enumerate()
            {
                softmax_inplace(ArrayViewMut1::from(&mut row[..]));
                for (w, &p) in w.iter_mut().zip(row.iter()) {
                    *w = shape.share[i] * p;
                }
            }
        }
        let mut model = Self {
            columns,
            shape,
            grad,
            params,
            prob,
            weight,
            x_delta: vec![F::zero(); n * k],
            u: if k == 1 {
                Vec::new()
            } else {
                vec![F::zero(); n]
            },
            curvature: vec![F::zero(); params.len()],
            curvature_floor: F::zero(),
            delta: Array1::zeros(params.len()),
        };
        let mut largest = F::zero();
        for &index in working {
            let h = model.diagonal(index);
            model.curvature[index] = h;
            largest = largest.max(h);
        }
        // A coordinate with no curvature (a feature that is zero on every
        // row, no L2) gets a tiny one, so its step stays finite.
        model.curvature_floor = largest * F::epsilon() + F::min_positive_value();
        model
    }

    /// Whether every curvature of the working set is finite (features near
    /// the largest floats can overflow x²).
    pub fn is_finite(&self) -> bool {
        self.curvature.iter().all(|h| h.is_finite()) && self.curvature_floor.is_finite()
    }

    /// Output (class) and column of parameter `index`.
    #[inline]
    fn locate(&self, index: usize) -> (usize, Column<'a, F>) {
        locate(self.columns, self.shape, index)
    }

    /// The Hessian's diagonal entry of parameter `index`.
    fn diagonal(&self, index: usize) -> F {
        let (c, column) = self.locate(index);
        let k = self.shape.k;
        let data = if k == 1 {
            column.fold(F::zero(), |sum, i, v| sum + v * v * self.weight[i])
        } else {
            column.fold(F::zero(), |sum, i, v| {
                let t = i * k + c;
                sum + v * v * self.weight[t] * (F::one() - self.prob[t])
            })
        };
        if index < self.shape.n_penalized {
            data + self.shape.l2
        } else {
            data
        }
    }

    /// The step found, and X̃ times it (n × k, row-major).
    pub fn into_step(self) -> (Array1<F>, Vec<F>) {
        (self.delta, self.x_delta)
    }

    /// (H·v) along parameter `index`, from X·v (`xv`, n × k) and, for the
    /// softmax, `uv`ᵢ = Σ꜀ pᵢ꜀·(Xv)ᵢ꜀, without the L2 term.
    #[inline]
    fn data_curvature(&self, index: usize, xv: &[F], uv: &[F]) -> F {
        let (c, column) = self.locate(index);
        let k = self.shape.k;
        let w = &self.weight;
        if k == 1 {
            column.dot2(w, xv)
        } else {
            column.fold(F::zero(), |sum, i, v| {
                let t = i * k + c;
                sum + v * w[t] * (xv[t] - uv[i])
            })
        }
    }

    /// Whether parameter `index` carries the L2 and L1 terms.
    #[inline]
    fn penalized(&self, index: usize) -> bool {
        index < self.shape.n_penalized
    }

    /// The model's gradient along `index` at the current δ, without the L1
    /// term: gⱼ + (Hδ)ⱼ.
    #[inline]
    fn slope(&self, index: usize) -> F {
        let data = self.data_curvature(index, &self.x_delta, &self.u);
        let l2_term = if self.penalized(index) {
            self.shape.l2 * self.delta[index]
        } else {
            F::zero()
        };
        self.grad[index] + data + l2_term
    }

    /// The exact minimization along one coordinate; returns the change.
    #[inline]
    fn update(&mut self, index: usize) -> F {
        let (c, column) = self.locate(index);
        let k = self.shape.k;
        let curvature = self.curvature[index].max(self.curvature_floor);
        let penalized = self.penalized(index);
        let slope = self.slope(index);
        let old = self.params[index] + self.delta[index];
        let newton = old - slope / curvature;
        let new = if penalized && self.shape.l1 > F::zero() {
            soft_threshold(newton, self.shape.l1 / curvature)
        } else {
            newton
        };
        let change = new - old;
        if change != F::zero() {
            self.delta[index] += change;
            if k == 1 {
                column.axpy(change, &mut self.x_delta);
            } else {
                let (xd, u, p) = (&mut self.x_delta, &mut self.u, &self.prob);
                column.for_each(|i, v| {
                    let t = i * k + c;
                    let step = change * v;
                    xd[t] += step;
                    u[i] += p[t] * step;
                });
            }
        }
        change
    }
}

impl<F: Float> CoordinateModel<F> for ColumnModel<'_, F> {
    fn sweep(&mut self, coords: &[usize]) -> F {
        let mut largest = F::zero();
        for &index in coords {
            let change = self.update(index);
            largest = largest.max(change.abs() * self.curvature[index].max(self.curvature_floor));
        }
        largest
    }

    fn at_zero_penalized(&self, j: usize) -> bool {
        j < self.shape.n_penalized
            && self.shape.l1 > F::zero()
            && self.params[j] + self.delta[j] == F::zero()
    }

    fn violation(&self, coords: &[usize]) -> F {
        let l1 = self.shape.l1;
        coords.iter().fold(F::zero(), |largest, &j| {
            let slope = self.slope(j);
            let value = self.params[j] + self.delta[j];
            let v = if !(self.penalized(j) && l1 > F::zero()) {
                slope.abs()
            } else if value == F::zero() {
                (slope.abs() - l1).max(F::zero())
            } else {
                (slope + l1 * value.signum()).abs()
            };
            largest.max(v)
        })
    }

    fn subspace(&mut self, coords: &[usize], tol: F, max_iter: usize) -> Option<(usize, bool)> {
        let mut free: Vec<usize> = coords
            .iter()
            .copied()
            .filter(|&j| !self.at_zero_penalized(j))
            .collect();
        let rows = self.active_rows(&free);
        // Each free coordinate's position among the rows' columns.
        let mut position: Vec<usize> = (0..free.len()).collect();
        let mut iterations = 0;
        let outcome = loop {
            // (Re)start from the residual of the current signs.
            let sign: Vec<F> = free.iter().map(|&j| self.sign(j)).collect();
            let mut residual = self.slopes(rows.as_ref(), &free, &position);
            for (r, &s) in residual.iter_mut().zip(&sign) {
                *r = -(*r + self.shape.l1 * s);
            }
            if largest(&residual) <= tol {
                break (iterations, true);
            }
            let scale: Vec<F> = free
                .iter()
                .map(|&j| F::one() / self.curvature[j].max(self.curvature_floor))
                .collect();
            let mut direction: Vec<F> = residual.iter().zip(&scale).map(|(&r, &h)| r * h).collect();
            let mut rz = dot(&residual, &direction);
            let run = loop {
                if iterations >= max_iter {
                    break Run::Stalled;
                }
                iterations += 1;
                let (x_dir, u_dir, mut h_dir) =
                    self.h_times(rows.as_ref(), &free, &position, &direction);
                for ((h, &j), &d) in h_dir.iter_mut().zip(&free).zip(&direction) {
                    if self.penalized(j) {
                        *h += self.shape.l2 * d;
                    }
                }
                let curvature = dot(&direction, &h_dir);
                if curvature.is_nan() || curvature <= F::zero() {
                    break Run::Stalled;
                }
                let step = rz / curvature;
                let to_first =
                    first_crossing(self.params, self.delta.view(), &free, &direction, &sign);
                if to_first < step {
                    break Run::Crossing(Crossing {
                        step,
                        to_first,
                        direction,
                        x_dir,
                        u_dir,
                        rd: rz,
                        curvature,
                    });
                }
                self.advance(&free, &direction, step, &x_dir, &u_dir);
                for (r, &h) in residual.iter_mut().zip(&h_dir) {
                    *r -= step * h;
                }
                if largest(&residual) <= tol {
                    break Run::Converged;
                }
                let rz_next = residual
                    .iter()
                    .zip(&scale)
                    .fold(F::zero(), |sum, (&r, &h)| sum + r * r * h);
                let beta = rz_next / rz;
                rz = rz_next;
                for ((d, &r), &h) in direction.iter_mut().zip(&residual).zip(&scale) {
                    *d = r * h + beta * *d;
                }
            };
            let Crossing {
                step,
                to_first,
                direction,
                x_dir,
                u_dir,
                rd,
                curvature,
            } = match run {
                Run::Stalled => break (iterations, false),
                Run::Converged => break (iterations, true),
                Run::Crossing(crossing) => crossing,
            };
            // Coordinates cross zero: the better of the step cut at the
            // first crossing and the full step with every crossing (or
            // nearly crossing, PIN_REACH) coordinate pinned at zero (a
            // projected search), by the model's own value; then restart on
            // the coordinates left.
            let cut_change = to_first * (to_first * curvature / (F::one() + F::one()) - rd);
            let (projected, x_step, u_step, pins) =
                self.projected_step(rows.as_ref(), &free, &position, &sign, &direction, step);
            let projected_change = self.change_of(&free, &residual, &projected, &x_step, &u_step);
            if projected_change < cut_change && projected_change.is_finite() {
                for (&j, &s) in free.iter().zip(&projected) {
                    self.delta[j] += s;
                }
                for &j in &pins {
                    self.delta[j] = -self.params[j];
                }
                for (x, &v) in self.x_delta.iter_mut().zip(&x_step) {
                    *x += v;
                }
                for (u, &v) in self.u.iter_mut().zip(&u_step) {
                    *u += v;
                }
            } else {
                self.advance(&free, &direction, to_first, &x_dir, &u_dir);
                for (&j, &s) in free.iter().zip(&sign) {
                    if s != F::zero() && (self.params[j] + self.delta[j]) * s <= F::zero() {
                        self.delta[j] = -self.params[j];
                    }
                }
            }
            let kept: Vec<bool> = free.iter().map(|&j| !self.at_zero_penalized(j)).collect();
            let mut flags = kept.iter();
            position.retain(|_| flags.next() == Some(&true));
            let mut flags = kept.iter();
            free.retain(|_| flags.next() == Some(&true));
            if free.is_empty() {
                break (iterations, true);
            }
            if iterations >= max_iter {
                break (iterations, false);
            }
        };
        Some(outcome)
    }
}

impl<F: Float> ColumnModel<'_, F> {
    /// The L1 term's sign on coordinate j (0 off the penalty).
    fn sign(&self, j: usize) -> F {
        if self.penalized(j) && self.shape.l1 > F::zero() {
            let value = self.params[j] + self.delta[j];
            if value == F::zero() {
                F::zero()
            } else {
                value.signum()
            }
        } else {
            F::zero()
        }
    }

    /// The rows of the columns of `free`, where a product with H by rows
    /// (one pass) beats one by columns (two): binary model, compressed
    /// columns.
    fn active_rows(&self, free: &[usize]) -> Option<ActiveRows<F>> {
        if self.shape.k != 1 || self.columns.is_dense() {
            return None;
        }
        let columns: Vec<Column<'_, F>> = free.iter().map(|&j| self.locate(j).1).collect();
        ActiveRows::of(self.columns.n_rows(), &columns)
    }

    /// X·v for v on `free`, its softmax mix, and (H·v) on `free` without
    /// the L2 term; by `rows` (`position`: each coordinate's there) when
    /// given.
    fn h_times(
        &self,
        rows: Option<&ActiveRows<F>>,
        free: &[usize],
        position: &[usize],
        v: &[F],
    ) -> (Vec<F>, Vec<F>, Vec<F>) {
        match rows {
            Some(rows) => {
                let (xv, hv) = rows.gram(&spread(rows.width(), position, v), &self.weight);
                let h = position.iter().map(|&a| hv[a]).collect();
                (xv, Vec::new(), h)
            }
            None => {
                let (xv, uv) = self.times_x(free, v);
                let h = free
                    .iter()
                    .map(|&j| self.data_curvature(j, &xv, &uv))
                    .collect();
                (xv, uv, h)
            }
        }
    }

    /// The model's gradient gⱼ + (Hδ)ⱼ on `free`, without the L1 term.
    fn slopes(&self, rows: Option<&ActiveRows<F>>, free: &[usize], position: &[usize]) -> Vec<F> {
        let Some(rows) = rows else {
            return free.iter().map(|&j| self.slope(j)).collect();
        };
        let (weight, x_delta) = (&self.weight, &self.x_delta);
        let h_delta = rows.transpose_times(|i| weight[i] * x_delta[i]);
        free.iter()
            .zip(position)
            .map(|(&j, &a)| {
                let l2_term = if self.penalized(j) {
                    self.shape.l2 * self.delta[j]
                } else {
                    F::zero()
                };
                self.grad[j] + h_delta[a] + l2_term
            })
            .collect()
    }

    /// X·v for v on the coordinates `free` (n × k), and for the softmax
    /// Σ꜀ pᵢ꜀·(Xv)ᵢ꜀ (n).
    fn times_x(&self, free: &[usize], v: &[F]) -> (Vec<F>, Vec<F>) {
        let k = self.shape.k;
        let n = self.columns.n_rows();
        let mut xv = vec![F::zero(); n * k];
        for (&j, &d) in free.iter().zip(v) {
            if d != F::zero() {
                let (c, column) = self.locate(j);
                column.for_each(|i, x| xv[i * k + c] += d * x);
            }
        }
        let uv = self.mix(&xv);
        (xv, uv)
    }

    /// Σ꜀ pᵢ꜀·vᵢ꜀ per row (softmax; empty for the sigmoid).
    fn mix(&self, v: &[F]) -> Vec<F> {
        let k = self.shape.k;
        if k == 1 {
            return Vec::new();
        }
        self.prob
            .chunks_exact(k)
            .zip(v.chunks_exact(k))
            .map(|(p, v)| p.iter().zip(v).fold(F::zero(), |sum, (&p, &x)| sum + p * x))
            .collect()
    }

    /// δ += step·v on `free`, with X·δ and u kept up to date.
    fn advance(&mut self, free: &[usize], v: &[F], step: F, xv: &[F], uv: &[F]) {
        for (&j, &d) in free.iter().zip(v) {
            self.delta[j] += step * d;
        }
        for (x, &d) in self.x_delta.iter_mut().zip(xv) {
            *x += step * d;
        }
        for (u, &d) in self.u.iter_mut().zip(uv) {
            *u += step * d;
        }
    }

    /// The change `step`·v on `free` with every coordinate it carries
    /// across zero, or would within [`PIN_REACH`] times the step, stopped
    /// at zero: the change, its X·change and mix
    /// (computed afresh: `step` can be huge along a nearly flat direction,
    /// where step·X·v less the corrections would lose every digit), and
    /// the coordinates stopped.
    fn projected_step(
        &self,
        rows: Option<&ActiveRows<F>>,
        free: &[usize],
        position: &[usize],
        sign: &[F],
        v: &[F],
        step: F,
    ) -> (Vec<F>, Vec<F>, Vec<F>, Vec<usize>) {
        let mut change: Vec<F> = v.iter().map(|&d| step * d).collect();
        let mut pins = Vec::new();
        let reach = F::from_f64_lossy(PIN_REACH);
        for (a, &j) in free.iter().enumerate() {
            let value = self.params[j] + self.delta[j];
            if sign[a] != F::zero() && (value + reach * change[a]) * sign[a] <= F::zero() {
                change[a] = -value;
                pins.push(j);
            }
        }
        let (x_step, u_step) = match rows {
            Some(rows) => (
                rows.times(&spread(rows.width(), position, &change)),
                Vec::new(),
            ),
            None => self.times_x(free, &change),
        };
        (change, x_step, u_step, pins)
    }

    /// The model's change for the step `change` on `free` (signs held or
    /// stopped at zero), −rᵀΔ + ½ΔᵀHΔ, from its X·Δ and mix.
    fn change_of(
        &self,
        free: &[usize],
        residual: &[F],
        change: &[F],
        x_step: &[F],
        u_step: &[F],
    ) -> F {
        let k = self.shape.k;
        let mut quadratic = F::zero();
        if k == 1 {
            for (&w, &x) in self.weight.iter().zip(x_step) {
                quadratic += w * x * x;
            }
        } else {
            for (i, ((w, x), &u)) in self
                .weight
                .chunks_exact(k)
                .zip(x_step.chunks_exact(k))
                .zip(u_step)
                .enumerate()
            {
                let spread = w
                    .iter()
                    .zip(x)
                    .fold(F::zero(), |sum, (&w, &x)| sum + w * x * x);
                quadratic += spread - self.shape.share[i] * u * u;
            }
        }
        for (&j, &c) in free.iter().zip(change) {
            if self.penalized(j) {
                quadratic += self.shape.l2 * c * c;
            }
        }
        quadratic / (F::one() + F::one()) - dot(residual, change)
    }
}

/// v (one per free coordinate) at their positions among `width`.
fn spread<F: Float>(width: usize, position: &[usize], v: &[F]) -> Vec<F> {
    let mut out = vec![F::zero(); width];
    for (&a, &x) in position.iter().zip(v) {
        out[a] = x;
    }
    out
}

fn dot<F: Float>(a: &[F], b: &[F]) -> F {
    a.iter().zip(b).fold(F::zero(), |sum, (&x, &y)| sum + x * y)
}

fn largest<F: Float>(r: &[F]) -> F {
    r.iter().fold(F::zero(), |m, v| m.max(v.abs()))
}
