//! Seeded synthetic data, generated in the tests so they need no crate.

use logreg::objective::Objective;
use logreg::solver::{NoObserver, Solution, Solver, StopRule};
use ndarray::{Array1, Array2};

/// A small deterministic generator (SplitMix64) so the data need no crate.
pub struct SplitMix(pub u64);

impl SplitMix {
    pub fn uniform(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn normal(&mut self) -> f64 {
        let (u, v) = (self.uniform().max(1e-300), self.uniform());
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
}

/// n × d features with neighbouring columns correlated (ρ ≈ 0.7), and labels
/// from a noisy linear model with `classes` classes.
pub fn correlated_problem(
    n: usize,
    d: usize,
    classes: usize,
    seed: u64,
) -> (Array2<f64>, Vec<usize>) {
    let mut rng = SplitMix(seed);
    let mut x = Array2::zeros((n, d));
    for i in 0..n {
        let mut previous = rng.normal();
        for j in 0..d {
            previous = 0.7 * previous + 0.71 * rng.normal();
            x[(i, j)] = previous;
        }
    }
    let w = Array2::from_shape_fn((classes, d), |_| rng.normal() * 0.5);
    let y = (0..n)
        .map(|i| {
            let scores: Vec<f64> = (0..classes)
                .map(|c| x.row(i).dot(&w.row(c)) + 1.5 * rng.normal())
                .collect();
            (0..classes).fold(0, |b, c| if scores[c] > scores[b] { c } else { b })
        })
        .collect();
    (x, y)
}

/// Minimizes `objective` from zero with `solver`, stopping at `tol` or after
/// `max_iter` iterations (epochs for stochastic solvers).
pub fn solve(
    solver: &dyn Solver<f64>,
    objective: &dyn Objective<f64>,
    tol: f64,
    max_iter: usize,
) -> Solution<f64> {
    let stop = StopRule::new(tol, max_iter).unwrap();
    solver
        .minimize(
            objective,
            Array1::zeros(objective.n_params()),
            &stop,
            &mut NoObserver,
        )
        .unwrap()
}
