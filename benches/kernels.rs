//! Kernel throughput: the fused loss + gradient pass and the Newton Hessian
//! build, binary and 10-class, f32 and f64. Data are generated with a fixed
//! seed outside the timed part.
//!
//! `cargo bench --bench kernels`

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use logreg::chunked::in_memory_chunk_rows;
use logreg::objective::{BinaryLogistic, Multinomial, Objective};
use logreg::{Float, LogisticRegression};
use ndarray::parallel::prelude::*;
use ndarray::{Array1, Array2, ArrayView2, Axis, s};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use std::hint::black_box;

/// Gaussian-ish features (sum of uniforms) and labels from a noisy linear model.
fn data<F: Float>(n: usize, d: usize, classes: usize) -> (Array2<F>, Vec<usize>) {
    let mut rng = StdRng::seed_from_u64(42);
    let x = Array2::from_shape_fn((n, d), |_| {
        F::from_f64_lossy((0..4).map(|_| rng.random_range(-1.0..1.0)).sum::<f64>())
    });
    let w: Vec<Vec<f64>> = (0..classes)
        .map(|_| (0..d).map(|_| rng.random_range(-1.0..1.0)).collect())
        .collect();
    let mut y = Vec::with_capacity(n);
    for row in x.rows() {
        let mut best = (0, f64::NEG_INFINITY);
        for (c, wc) in w.iter().enumerate() {
            let linear: f64 = row.iter().zip(wc).map(|(a, b)| a.to_f64_lossy() * b).sum();
            let score = linear + rng.random_range(-2.0..2.0);
            if score > best.1 {
                best = (c, score);
            }
        }
        y.push(best.0);
    }
    (x, y)
}

/// The softmax objective over `x` with an intercept and L2 strength `alpha`.
fn softmax<F: Float>(
    x: ArrayView2<'_, F>,
    labels: Vec<usize>,
    classes: usize,
    alpha: f64,
) -> Multinomial<'_, F> {
    Multinomial::new(x, labels, classes, None, F::from_f64_lossy(alpha), true).expect("valid data")
}

fn bench_type<F: Float>(c: &mut Criterion, type_name: &str) {
    let mut group = c.benchmark_group(format!("kernels/{type_name}"));
    group.sample_size(10);
    for &(n, d) in &[(10_000, 10), (10_000, 100), (100_000, 10), (100_000, 100)] {
        for &classes in &[2, 10] {
            let (x, y) = data::<F>(n, d, classes);
            group.throughput(Throughput::Elements((n * d) as u64));
            let id =
                |what: &str| BenchmarkId::new(format!("{what}/k{classes}"), format!("{n}x{d}"));
            if classes == 2 {
                let target: Array1<F> = y.iter().map(|&c| F::from_f64_lossy(c as f64)).collect();
                let objective =
                    BinaryLogistic::new(x.view(), target, None, F::from_f64_lossy(1e-3), true)
                        .expect("valid data");
                let params = Array1::from_elem(objective.n_params(), F::from_f64_lossy(0.01));
                let mut grad = Array1::zeros(objective.n_params());
                group.bench_function(id("value_grad"), |b| {
                    b.iter(|| black_box(objective.value_grad(params.view(), grad.view_mut())))
                });
                group.bench_function(id("hessian"), |b| {
                    b.iter(|| black_box(objective.hessian(params.view())))
                });
            } else {
                let objective = softmax(x.view(), y.clone(), classes, 1e-3);
                let params = Array1::from_elem(objective.n_params(), F::from_f64_lossy(0.01));
                let mut grad = Array1::zeros(objective.n_params());
                group.bench_function(id("value_grad"), |b| {
                    b.iter(|| black_box(objective.value_grad(params.view(), grad.view_mut())))
                });
                if d <= 10 {
                    group.bench_function(id("hessian"), |b| {
                        b.iter(|| black_box(objective.hessian(params.view())))
                    });
                }
            }
        }
    }
    group.finish();
}

fn kernels(c: &mut Criterion) {
    bench_type::<f64>(c, "f64");
    bench_type::<f32>(c, "f32");
}

/// The fused pass and the predictions at n = 1e6, d = 100 (800 MB of f64)
/// next to the cheapest possible read of the same X: a sum of every element,
/// over the same row chunks and threads. Their ratio is how far each is from
/// memory speed. The model predicting is fitted on the first 10,000 rows.
/// `cargo bench --bench kernels -- large`
fn large_binary<F: Float>(c: &mut Criterion, type_name: &str) {
    let (n, d) = (1_000_000, 100);
    let (x, y) = data::<F>(n, d, 2);
    let target: Array1<F> = y.iter().map(|&c| F::from_f64_lossy(c as f64)).collect();
    let (objective, params, mut grad) = binary_at_fixed_params(x.view(), target);
    let mut group = c.benchmark_group(format!("large/{type_name}/{n}x{d}"));
    group.sample_size(10);
    group.throughput(Throughput::Elements((n * d) as u64));
    group.bench_function("value_grad", |b| {
        b.iter(|| black_box(objective.value_grad(params.view(), grad.view_mut())))
    });
    // The softmax pass over the same X, 10 classes: two GEMMs of n·d·k
    // multiply–adds each, so compute-bound where the binary pass is not.
    let classes = 10;
    let labels: Vec<usize> = (0..n).map(|i| y[i] * 5 + i % 5).collect();
    let softmax_pass = softmax(x.view(), labels, classes, 1e-6);
    let softmax_params = Array1::from_elem(softmax_pass.n_params(), F::from_f64_lossy(0.01));
    let mut softmax_grad = Array1::zeros(softmax_pass.n_params());
    group.bench_function("softmax_value_grad_k10", |b| {
        b.iter(|| {
            black_box(softmax_pass.value_grad(softmax_params.view(), softmax_grad.view_mut()))
        })
    });
    let model = LogisticRegression::new()
        .fit(
            &x.slice(s![..10_000, ..]),
            &Array1::from(y[..10_000].to_vec()),
        )
        .expect("valid data");
    group.bench_function("decision_function", |b| {
        b.iter(|| black_box(model.decision_function(&x).expect("valid rows")))
    });
    group.bench_function("predict_proba", |b| {
        b.iter(|| black_box(model.predict_proba(&x).expect("valid rows")))
    });
    group.bench_function("predict", |b| {
        b.iter(|| black_box(model.predict(&x).expect("valid rows")))
    });
    group.bench_function("sum_of_x", |b| {
        b.iter(|| {
            let rows = x.axis_chunks_iter(Axis(0), 1 << 12).into_par_iter();
            black_box(rows.map(|chunk| chunk.sum()).sum::<F>())
        })
    });
    group.finish();
}

/// The binary pass and the sum on rows that stay in cache: four pass
/// chunks (2,620 rows of 100, 2.1 MB in f64), two per core, read again at
/// every call. Per row, this is what the pass costs when memory is not
/// waited on; `large`'s numbers per row are what it costs when streamed.
/// `cargo bench --bench kernels -- cached`
fn cached_binary<F: Float>(c: &mut Criterion, type_name: &str) {
    let (n, d) = (4 * in_memory_chunk_rows(100, 1), 100);
    let (x, y) = data::<F>(n, d, 2);
    let target: Array1<F> = y.iter().map(|&c| F::from_f64_lossy(c as f64)).collect();
    let (objective, params, mut grad) = binary_at_fixed_params(x.view(), target);
    let mut group = c.benchmark_group(format!("cached/{type_name}/{n}x{d}"));
    group.throughput(Throughput::Elements((n * d) as u64));
    group.bench_function("value_grad", |b| {
        b.iter(|| black_box(objective.value_grad(params.view(), grad.view_mut())))
    });
    group.bench_function("sum_of_x", |b| {
        b.iter(|| {
            let rows = x
                .axis_chunks_iter(Axis(0), in_memory_chunk_rows(100, 1))
                .into_par_iter();
            black_box(rows.map(|chunk| chunk.sum()).sum::<F>())
        })
    });
    group.finish();
}

/// The binary objective on `x` (α = 1e-6, with intercept), parameters
/// of 0.01 to evaluate it at, and room for its gradient.
fn binary_at_fixed_params<F: Float>(
    x: ArrayView2<'_, F>,
    target: Array1<F>,
) -> (BinaryLogistic<'_, F>, Array1<F>, Array1<F>) {
    let objective =
        BinaryLogistic::new(x, target, None, F::from_f64_lossy(1e-6), true).expect("valid data");
    let params = Array1::from_elem(objective.n_params(), F::from_f64_lossy(0.01));
    let grad = Array1::zeros(objective.n_params());
    (objective, params, grad)
}

fn large(c: &mut Criterion) {
    large_binary::<f64>(c, "f64");
    large_binary::<f32>(c, "f32");
    cached_binary::<f64>(c, "f64");
    cached_binary::<f32>(c, "f32");
}

criterion_group!(benches, kernels, large);
criterion_main!(benches);
