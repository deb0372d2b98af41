//! Lasso paths on wide bag-of-words data (issue 22): `path_csr` over eight
//! α against the same eight α fitted from scratch, at three sizes, one of
//! them with more than 10,000 features: `wide_path/{path,separate}/n×d`.
//!
//! `cargo bench --bench paths`. Data are generated with a fixed seed
//! outside the timed part (bench/compare_l1.py's `make_bow` in Rust:
//! Zipf word frequencies, log(1 + count), labels from 50 words).

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use logreg::{Alphas, LogisticRegression, Penalty};
use ndarray::Array1;
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use sprs::{CsMat, TriMat};
use std::hint::black_box;
use std::time::Duration;

/// n documents of about `words` Zipf-distributed words over d, as CSR.
fn bag_of_words(n: usize, d: usize, words: usize) -> (CsMat<f64>, Array1<i64>) {
    let mut rng = StdRng::seed_from_u64(22);
    let mut cumulative = Vec::with_capacity(d);
    let mut total = 0.0;
    for j in 0..d {
        total += 1.0 / ((j + 1) as f64).powf(1.1);
        cumulative.push(total);
    }
    let weights: Vec<(usize, f64)> = (0..50)
        .map(|_| {
            let j = rng.random_range(0..d);
            (
                j,
                1.5 * (rng.random_range(-1.0..1.0) + rng.random_range(-1.0..1.0)),
            )
        })
        .collect();
    let mut triplets = TriMat::new((n, d));
    let mut scores = Vec::with_capacity(n);
    for i in 0..n {
        let mut counts = std::collections::BTreeMap::new();
        for _ in 0..rng.random_range(words / 2..words * 3 / 2 + 1) {
            let u = rng.random_range(0.0..total);
            let j = cumulative.partition_point(|&c| c < u).min(d - 1);
            *counts.entry(j).or_insert(0.0) += 1.0;
        }
        let mut score = 0.0;
        for (&j, &count) in &counts {
            let v = f64::ln_1p(count);
            triplets.add_triplet(i, j, v);
            score += weights
                .iter()
                .filter(|w| w.0 == j)
                .map(|w| w.1 * v)
                .sum::<f64>();
        }
        scores.push(score);
    }
    let mut sorted = scores.clone();
    sorted.sort_by(f64::total_cmp);
    let median = sorted[n / 2];
    let y = scores
        .iter()
        .map(|&s| {
            let u: f64 = rng.random_range(1e-12..1.0);
            i64::from(s - median + (u / (1.0 - u)).ln() > 0.0)
        })
        .collect();
    (triplets.to_csr(), y)
}

fn wide_path(c: &mut Criterion) {
    let mut group = c.benchmark_group("wide_path");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(5));
    for &(n, d) in &[(500, 1_000), (1_500, 3_000), (2_000, 12_000)] {
        let (x, y) = bag_of_words(n, d, 60);
        let lasso = LogisticRegression::new()
            .penalty(Penalty::L1)
            .tol(1e-6)
            .max_iter(10_000);
        // The grid of an automatic path, given so that both fit all of it.
        let grid = lasso
            .path_csr(
                &x,
                &y,
                &Alphas::Auto {
                    n: 8,
                    min_ratio: 1e-3,
                },
            )
            .map(|p| p.alphas().to_vec())
            .unwrap_or_default();
        let given = Alphas::Given(grid.clone());
        let size = format!("{n}x{d}");
        group.bench_function(BenchmarkId::new("path", &size), |b| {
            b.iter(|| black_box(lasso.path_csr(&x, &y, &given)))
        });
        group.bench_function(BenchmarkId::new("separate", &size), |b| {
            b.iter(|| {
                for &alpha in &grid {
                    black_box(lasso.clone().alpha(alpha).fit_csr(&x, &y)).ok();
                }
            })
        });
    }
    group.finish();
}

criterion_group!(benches, wide_path);
criterion_main!(benches);
