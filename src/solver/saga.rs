//! SAGA: incremental gradients with one stored gradient per row.

use super::proximal::{L1Term, soft_threshold};
use super::{Observer, Point, Solution, Solver, StopRule};
use crate::layout::Layout;
use crate::objective::{Objective, RowAccess};
use crate::{Error, Float, Result};
use ndarray::{Array1, ArrayView1};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

/// SAGA (Defazio, Bach and Lacoste-Julien 2014), scikit-learn's `saga`:
/// a stochastic proximal gradient method with variance reduction that
/// converges linearly on the penalized logistic losses, for L2, L1 and
/// elastic-net penalties, over dense or CSR features.
///
/// It stores each row's gradient of the data term as the row's residuals rᵢ
/// = (sᵢ/S)·∂ℓ/∂η (one number per row for a binary objective, k for the
/// softmax; the row's gradient is x̃ᵢ ⊗ rᵢ with x̃ᵢ = [xᵢ, 1]) and keeps their
/// sum ḡ = Σⱼ x̃ⱼ ⊗ rⱼ. Each step draws a row i uniformly (a seeded
/// generator), recomputes its residuals rᵢ′ at the current parameters θ and
/// takes
///
///   θ ← prox_γ(θ − γ·(n·x̃ᵢ ⊗ (rᵢ′ − rᵢ) + ḡ)),
///
/// then stores rᵢ′ and updates ḡ. The L2 term α and the L1 term λ₁ are in
/// the proximal map, prox_γ(z) = soft(z, γλ₁)/(1 + γα) on the
/// coefficients (the intercepts are never penalized). On a sparse row only
/// the row's columns (and the intercepts) change in a step; the other
/// coefficients are brought up to date just in time, when a row next
/// touches them or at the end of the epoch (in closed form with L2 only,
/// step by step with an L1 term, stopping early at a coefficient the
/// penalty holds at zero).
///
/// The step is scikit-learn's for `saga`, γ = 1/(2L + min(2nα, L)), with L
/// the largest Lipschitz constant of a row's gradient,
/// L = maxᵢ n·(sᵢ/S)·b·‖x̃ᵢ‖² + α, where b bounds the curvature of the loss
/// in the scores: ¼ for the binary loss, ½ for the softmax (diag(p) − ppᵀ ⪯
/// ½I, Böhning 1992). The stored residuals start from one pass at the start
/// point.
///
/// An iteration is one epoch (n steps). After each, one full
/// [`value_grad`](Objective::value_grad) pass tests convergence honestly:
/// max |∇f| ≤ tol, or with an L1 term the largest entry of the
/// minimum-norm subgradient (as [`CoordinateDescent`](super::CoordinateDescent)
/// and [`Fista`](super::Fista)). The report's objective and `grad_max` are
/// those of that pass. The same seed gives the same fit.
///
/// ```
/// use logreg::{LogisticRegression, Penalty};
/// use logreg::solver::{CoordinateDescent, Saga};
/// use ndarray::array;
/// let x = array![[0.0_f64, 0.3], [1.0, -0.2], [2.0, 0.1], [3.0, 0.4], [4.0, -0.3], [5.0, 0.0]];
/// let y = array![0, 0, 1, 0, 1, 1];
/// let lasso = LogisticRegression::new().penalty(Penalty::L1).c(0.5).tol(1e-10);
/// let saga = lasso.clone().solver(Saga::new().seed(3)).max_iter(100_000).fit(&x, &y)?;
/// let cd = lasso.solver(CoordinateDescent::new()).fit(&x, &y)?;
/// assert!(saga.report().converged());
/// assert!((saga.report().objective - cd.report().objective).abs() < 1e-9);
/// assert_eq!(saga.coef()[(0, 1)], 0.0); // the same zero as coordinate descent
/// # Ok::<(), logreg::Error>(())
/// ```
///
/// # Requirements on the problem
/// [`Objective::as_rows`] (the crate's dense, softmax and sparse objectives
/// give it; otherwise [`Error::NoRowAccess`]) and
/// [`Objective::value_grad`] for the convergence test;
/// [`Objective::l2_penalty`], [`Objective::l1_penalty`] and
/// [`Objective::n_penalized`] for the penalties.
///
/// # References
/// - A. Defazio, F. Bach and S. Lacoste-Julien, "SAGA: A fast incremental
///   gradient method with support for non-strongly convex composite
///   objectives", *NeurIPS* 2014.
/// - M. Schmidt, N. Le Roux and F. Bach, "Minimizing finite sums with the
///   stochastic average gradient", *Math. Program.* 162, 2017 (the step
///   from the Lipschitz bound, just-in-time sparse updates).
/// - D. Böhning, "Multinomial logistic regression algorithm", *Ann. Inst.
///   Statist. Math.* 44, 1992 (the softmax curvature bound ½).
#[derive(Debug, Clone, Copy, Default)]
pub struct Saga {
    seed: u64,
}

impl Saga {
    /// SAGA with seed 0.
    ///
    /// ```
    /// use logreg::solver::{Saga, Solver};
    /// assert_eq!(Solver::<f64>::name(&Saga::new()), "saga");
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// The seed of the row sampling: the same seed, the same fit.
    ///
    /// ```
    /// use logreg::LogisticRegression;
    /// use logreg::solver::Saga;
    /// use ndarray::array;
    /// let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0], [5.0]];
    /// let y = array![0, 0, 1, 0, 1, 1];
    /// let fit = |seed| LogisticRegression::new().solver(Saga::new().seed(seed)).tol(1e-3).fit(&x, &y);
    /// assert_eq!(fit(7)?.coef(), fit(7)?.coef());
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }
}

impl<F: Float> Solver<F> for Saga {
    fn name(&self) -> &'static str {
        "saga"
    }

    fn minimize(
        &self,
        objective: &dyn Objective<F>,
        start: Array1<F>,
        stop: &StopRule<F>,
        observer: &mut dyn Observer<F>,
    ) -> Result<Solution<F>> {
        let rows = objective
            .as_rows()
            .ok_or(Error::NoRowAccess { solver: "saga" })?;
        let (l1, mut point) = L1Term::start(objective, start)?;
        let layout = Layout::new(rows.outputs(), rows.n_features(), rows.fit_intercept());
        if layout.n_params() != objective.n_params() {
            return Err(Error::ParameterCount {
                expected: layout.n_params(),
                got: objective.n_params(),
            });
        }
        let mut state = State::new(rows, layout, objective, &l1, &point.params);
        let mut rng = StdRng::seed_from_u64(self.seed);
        let mut iterations = 0;
        let termination = loop {
            if let Err(termination) = l1.checkpoint(&point, iterations, stop, observer) {
                break termination;
            }
            iterations += 1;
            let next = state.epoch(&mut rng);
            point = Point::evaluate(objective, next);
        };
        let report = l1.report(&point, iterations, termination);
        Ok(Solution {
            params: point.params,
            report,
        })
    }
}

/// Everything SAGA carries from step to step.
struct State<'o, F> {
    rows: &'o dyn RowAccess<F>,
    layout: Layout,
    /// The parameters θ.
    params: Vec<F>,
    /// Each row's stored residuals, `outputs` per row.
    memory: Vec<F>,
    /// ḡ = Σⱼ x̃ⱼ ⊗ rⱼ over the stored residuals, in the parameters' layout.
    sum: Vec<F>,
    /// The step at which each feature's coefficients were last brought up to date.
    updated: Vec<usize>,
    /// Steps taken.
    step: usize,
    prox: Prox<F>,
}

/// The proximal map of γ·(α/2·w² + λ₁|w|) on one penalized coefficient.
#[derive(Debug, Clone, Copy)]
struct Prox<F> {
    gamma: F,
    alpha: F,
    lambda: F,
    /// How many leading parameters carry the penalties.
    n_penalized: usize,
}

impl<F: Float> Prox<F> {
    /// prox(z − γa) for parameter `index`.
    #[inline]
    fn step(&self, index: usize, z: F, a: F) -> F {
        let u = z - self.gamma * a;
        if index >= self.n_penalized {
            return u;
        }
        soft_threshold(u, self.gamma * self.lambda) / (F::one() + self.gamma * self.alpha)
    }

    /// `m` steps z ← prox(z − γa) with the same a: what a coefficient that no
    /// row touched missed.
    fn repeat(&self, index: usize, mut z: F, a: F, m: usize) -> F {
        if m == 0 {
            return z;
        }
        let steps = F::from_f64_lossy(m as f64);
        if index >= self.n_penalized || (self.alpha == F::zero() && self.lambda == F::zero()) {
            return z - steps * self.gamma * a;
        }
        if self.lambda == F::zero() {
            // Affine: z ↦ c(z − γa) with c = 1/(1 + γα) and fixed point −a/α.
            let c = (F::one() + self.gamma * self.alpha).recip();
            let fixed = -a / self.alpha;
            return fixed + c.powf(steps) * (z - fixed);
        }
        for _ in 0..m {
            if z == F::zero() && a.abs() <= self.lambda {
                break; // the L1 term holds it at zero from here on
            }
            z = self.step(index, z, a);
        }
        z
    }
}

impl<'o, F: Float> State<'o, F> {
    /// The state at `start`, with every row's residuals computed there.
    fn new(
        rows: &'o dyn RowAccess<F>,
        layout: Layout,
        objective: &dyn Objective<F>,
        l1: &L1Term<F>,
        start: &Array1<F>,
    ) -> Self {
        let n = objective.n_samples();
        let k = layout.rows;
        let alpha = objective.l2_penalty();
        let params = start.to_vec();
        let mut memory = vec![F::zero(); n * k];
        let mut sum = vec![F::zero(); layout.n_params()];
        let mut lipschitz = F::zero();
        let count = F::from_f64_lossy(n as f64);
        let intercept = if layout.fit_intercept {
            F::one()
        } else {
            F::zero()
        };
        for i in 0..n {
            let residual = &mut memory[i * k..(i + 1) * k];
            rows.residuals(ArrayView1::from(&params[..]), i, residual);
            scatter(&mut sum, layout, rows, i, residual);
            let norm = rows.row(i).squared_norm() + intercept;
            lipschitz = lipschitz.max(count * rows.weight_share(i) * norm);
        }
        let lipschitz = lipschitz * rows.curvature_bound() + alpha;
        let two = F::from_f64_lossy(2.0);
        let gamma = (two * lipschitz + (two * count * alpha).min(lipschitz)).recip();
        Self {
            rows,
            layout,
            params,
            memory,
            sum,
            updated: vec![0; layout.n_features],
            step: 0,
            prox: Prox {
                gamma,
                alpha,
                lambda: l1.lambda,
                n_penalized: l1.n_penalized,
            },
        }
    }

    /// One epoch of n steps; returns the parameters, all up to date.
    fn epoch(&mut self, rng: &mut StdRng) -> Array1<F> {
        let n = self.memory.len() / self.layout.rows.max(1);
        for _ in 0..n {
            self.take_step(rng.random_range(0..n));
        }
        for j in 0..self.layout.n_features {
            self.catch_up(j);
        }
        Array1::from(self.params.clone())
    }

    /// Brings feature j's coefficients through the steps they missed.
    #[inline]
    fn catch_up(&mut self, j: usize) {
        let missed = self.step - self.updated[j];
        if missed > 0 {
            for c in 0..self.layout.rows {
                let index = self.layout.coef_index(c, j);
                self.params[index] =
                    self.prox
                        .repeat(index, self.params[index], self.sum[index], missed);
            }
        }
        self.updated[j] = self.step;
    }

    /// One SAGA step on row i.
    fn take_step(&mut self, i: usize) {
        let (layout, rows) = (self.layout, self.rows);
        let k = layout.rows;
        let row = rows.row(i);
        row.for_each(|j, _| self.catch_up(j));
        let mut change = [F::zero(); 8];
        let mut heap;
        let change: &mut [F] = if k <= change.len() {
            &mut change[..k]
        } else {
            heap = vec![F::zero(); k];
            &mut heap
        };
        rows.residuals(ArrayView1::from(&self.params[..]), i, change);
        let stored = &mut self.memory[i * k..(i + 1) * k];
        for (new, old) in change.iter_mut().zip(stored.iter_mut()) {
            let fresh = *new;
            *new = fresh - *old;
            *old = fresh;
        }
        let scale = F::from_f64_lossy((self.memory.len() / k) as f64);
        let (params, sum, prox) = (&mut self.params, &self.sum, self.prox);
        row.for_each(|j, v| {
            for (c, &d) in change.iter().enumerate() {
                let index = layout.coef_index(c, j);
                params[index] = prox.step(index, params[index], scale * d * v + sum[index]);
            }
        });
        for (c, &d) in change.iter().enumerate() {
            if let Some(index) = layout.intercept_index(c) {
                params[index] = prox.step(index, params[index], scale * d + sum[index]);
            }
        }
        scatter(&mut self.sum, layout, rows, i, change);
        self.step += 1;
        row.for_each(|j, _| self.updated[j] = self.step);
    }
}

/// sum += x̃ᵢ ⊗ t.
fn scatter<F: Float>(sum: &mut [F], layout: Layout, rows: &dyn RowAccess<F>, i: usize, t: &[F]) {
    rows.row(i).for_each(|j, v| {
        for (c, &tc) in t.iter().enumerate() {
            sum[layout.coef_index(c, j)] += tc * v;
        }
    });
    for (c, &tc) in t.iter().enumerate() {
        if let Some(index) = layout.intercept_index(c) {
            sum[index] += tc;
        }
    }
}
