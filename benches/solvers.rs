//! Every solver on the same problems: `solver/problem/n/d`, binary and
//! 10-class, n = 10k and 100k, d = 20 and 100 (tol 1e-6, α = 1e-3, f64), and
//! the Newton/L-BFGS crossover that sets `Auto`'s threshold.
//!
//! With an L1 penalty: a 100-α regularization path against fitting each α
//! from scratch (`path`), and coordinate descent against FISTA by size
//! (`l1_crossover`, which sets `Auto`'s `cd_max_params`).
//!
//! `cargo bench --bench solvers` (all), `cargo bench --bench solvers -- crossover`.
//! Data are generated with a fixed seed outside the timed part.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use logreg::solver::{
    Adam, CoordinateDescent, Fista, GradientDescent, Lbfgs, LearningRate, Newton, Sgd, Solver,
};
use logreg::{Alphas, LogisticRegression, Penalty};
use ndarray::{Array1, Array2};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use std::hint::black_box;

/// Standard-normal-ish features (sum of uniforms), correlated neighbours, and
/// labels from a noisy linear model.
fn problem(n: usize, d: usize, classes: usize) -> (Array2<f64>, Array1<usize>) {
    let mut rng = StdRng::seed_from_u64(7);
    let mut x = Array2::zeros((n, d));
    for mut row in x.rows_mut() {
        let mut previous = 0.0;
        for v in row.iter_mut() {
            let fresh: f64 = (0..3).map(|_| rng.random_range(-1.0..1.0)).sum();
            previous = 0.6 * previous + fresh;
            *v = previous;
        }
    }
    let w = Array2::from_shape_fn((classes, d), |_| rng.random_range(-0.3..0.3));
    let mut y = Array1::zeros(n);
    for (i, row) in x.rows().into_iter().enumerate() {
        let mut best = (0, f64::NEG_INFINITY);
        for c in 0..classes {
            let score = row.dot(&w.row(c)) + rng.random_range(-2.0..2.0);
            if score > best.1 {
                best = (c, score);
            }
        }
        y[i] = best.0;
    }
    (x, y)
}

fn solvers() -> Vec<Box<dyn Solver<f64>>> {
    vec![
        Box::new(Newton::new()),
        Box::new(Lbfgs::new()),
        Box::new(GradientDescent::new()),
        Box::new(
            Sgd::new()
                .learning_rate(LearningRate::Constant(0.05))
                .average(true),
        ),
        Box::new(Adam::new().learning_rate(0.005)),
    ]
}

fn all_solvers(c: &mut Criterion) {
    let mut group = c.benchmark_group("solver");
    group.sample_size(10);
    for &(n, d) in &[(10_000, 20), (10_000, 100), (100_000, 20), (100_000, 100)] {
        for &(classes, problem_name) in &[(2, "binary"), (10, "10-class")] {
            let (x, y) = problem(n, d, classes);
            for solver in solvers() {
                let name = solver.name();
                let settings = LogisticRegression::new()
                    .solver(solver)
                    .alpha(1e-3)
                    .tol(1e-6)
                    .max_iter(300);
                let id = BenchmarkId::new(format!("{name}/{problem_name}/{n}"), d);
                group.bench_function(id, |b| b.iter(|| black_box(settings.fit(&x, &y))));
            }
        }
    }
    group.finish();
}

fn crossover(c: &mut Criterion) {
    let mut group = c.benchmark_group("crossover");
    group.sample_size(10);
    for &d in &[10, 25, 50, 100, 200, 400, 800] {
        let (x, y) = problem(20_000, d, 2);
        let pair: [(&str, Box<dyn Solver<f64>>); 2] = [
            ("newton", Box::new(Newton::new())),
            ("lbfgs", Box::new(Lbfgs::new())),
        ];
        for (name, solver) in pair {
            let settings = LogisticRegression::new()
                .solver(solver)
                .alpha(1e-3)
                .tol(1e-6)
                .max_iter(1000);
            group.bench_function(BenchmarkId::new(name, d + 1), |b| {
                b.iter(|| black_box(settings.fit(&x, &y)))
            });
        }
    }
    group.finish();
}

/// A 100-α lasso path (warm starts, strong rules) against 100 fits from
/// zero, on the same grid: binary, n = 5,000, d = 50 and 200, tol 1e-6.
fn path(c: &mut Criterion) {
    let mut group = c.benchmark_group("path");
    group.sample_size(10);
    for &d in &[50, 200] {
        let (x, y) = problem(5_000, d, 2);
        let lasso = LogisticRegression::new()
            .penalty(Penalty::L1)
            .tol(1e-6)
            .max_iter(10_000);
        // The grid of an automatic path, given explicitly so both fit all of it.
        let grid = lasso
            .path(
                &x,
                &y,
                &Alphas::Auto {
                    n: 100,
                    min_ratio: 1e-3,
                },
            )
            .map(|p| p.alphas().to_vec())
            .unwrap_or_default();
        let given = Alphas::Given(grid.clone());
        group.bench_function(BenchmarkId::new("path", d), |b| {
            b.iter(|| black_box(lasso.path(&x, &y, &given)))
        });
        group.bench_function(BenchmarkId::new("from_scratch", d), |b| {
            b.iter(|| {
                for &alpha in &grid {
                    black_box(lasso.clone().alpha(alpha).fit(&x, &y)).ok();
                }
            })
        });
    }
    group.finish();
}

/// Coordinate descent against FISTA on a lasso fit by number of
/// parameters: binary, n = 20,000, α = α_max/20, tol 1e-6.
fn l1_crossover(c: &mut Criterion) {
    let mut group = c.benchmark_group("l1_crossover");
    group.sample_size(10);
    for &d in &[25, 50, 100, 200, 400] {
        let (x, y) = problem(20_000, d, 2);
        let lasso = LogisticRegression::new()
            .penalty(Penalty::L1)
            .tol(1e-6)
            .max_iter(100_000);
        let alpha_max = lasso
            .path(
                &x,
                &y,
                &Alphas::Auto {
                    n: 1,
                    min_ratio: 0.5,
                },
            )
            .map(|p| p.alphas()[0])
            .unwrap_or(1.0);
        let pair: [(&str, Box<dyn Solver<f64>>); 2] = [
            ("cd", Box::new(CoordinateDescent::new())),
            ("fista", Box::new(Fista::new())),
        ];
        for (name, solver) in pair {
            let settings = lasso.clone().solver(solver).alpha(alpha_max / 20.0);
            group.bench_function(BenchmarkId::new(name, d + 1), |b| {
                b.iter(|| black_box(settings.fit(&x, &y)))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, all_solvers, crossover, path, l1_crossover);
criterion_main!(benches);
