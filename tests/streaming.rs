//! Streaming: partial_fit over chunks equals an epoch of fit in the same
//! order, keeps its optimizer state, and rejects what it cannot use.

use crate::common;

use common::synthetic::correlated_problem;
use logreg::solver::{Adam, LearningRate, Saga, Sgd, Solver};
use logreg::sprs::{CsMat, TriMat};
use logreg::{Error, LogisticRegression, Multiclass};
use ndarray::{Array1, Array2, s};

fn bits(values: ndarray::ArrayView2<f64>) -> Vec<u64> {
    values.iter().map(|v| v.to_bits()).collect()
}

#[test]
fn one_pass_over_chunks_equals_one_epoch_of_fit() {
    let (x, y) = correlated_problem(1024, 6, 3, 21);
    let labels = Array1::from(y);
    // A streamed pass steps in the original variables; so must the epoch of
    // the full fit it is compared with.
    let sgd = Sgd::new()
        .shuffle(false)
        .batch_size(32)
        .precondition(false)
        .learning_rate(LearningRate::Constant(0.05));
    let adam = Adam::new()
        .shuffle(false)
        .batch_size(32)
        .precondition(false);
    for multiclass in [Multiclass::OneVsRest, Multiclass::Multinomial] {
        let solvers: [Box<dyn logreg::solver::Solver<f64>>; 2] = [Box::new(sgd), Box::new(adam)];
        for solver in solvers {
            let name = solver.name();
            let settings = LogisticRegression::new()
                .solver(solver)
                .alpha(1e-3)
                .multiclass(multiclass)
                .max_iter(1)
                .tol(1e-12);
            let epoch = settings.fit(&x, &labels).unwrap();
            assert_eq!(epoch.report().iterations, 1);
            let mut streamed = settings
                .partial_fit(
                    &x.slice(s![..256, ..]),
                    &labels.slice(s![..256]),
                    &[0, 1, 2],
                )
                .unwrap();
            for start in (256..1024).step_by(256) {
                let rows = start..start + 256;
                streamed
                    .partial_fit(&x.slice(s![rows.clone(), ..]), &labels.slice(s![rows]))
                    .unwrap();
            }
            assert_eq!(streamed.report().iterations, 4);
            // fit centres multinomial intercepts; centring is a no-op for the model.
            let centred = |b: ndarray::ArrayView1<f64>| {
                if multiclass == Multiclass::Multinomial {
                    &b - b.mean().unwrap()
                } else {
                    b.to_owned()
                }
            };
            assert_eq!(
                bits(streamed.coef()),
                bits(epoch.coef()),
                "{name} {multiclass:?}"
            );
            let (a, b) = (centred(streamed.intercept()), centred(epoch.intercept()));
            assert!(
                (&a - &b).iter().all(|d| d.abs() < 1e-12),
                "{name}: {a} vs {b}"
            );
        }
    }
}

#[test]
fn many_passes_approach_the_optimum() {
    let (x, y) = correlated_problem(2000, 5, 2, 22);
    let labels = Array1::from(y);
    let settings = LogisticRegression::new()
        .solver(
            Sgd::new()
                .learning_rate(LearningRate::Constant(0.05))
                .average(true),
        )
        .alpha(1e-3);
    let optimum = LogisticRegression::new()
        .alpha(1e-3)
        .tol(1e-10)
        .fit(&x, &labels)
        .unwrap();
    let mut model = settings
        .partial_fit(&x.slice(s![..500, ..]), &labels.slice(s![..500]), &[0, 1])
        .unwrap();
    for pass in 0..30 {
        for start in (0..2000).step_by(500) {
            if pass == 0 && start == 0 {
                continue;
            }
            let rows = start..start + 500;
            model
                .partial_fit(&x.slice(s![rows.clone(), ..]), &labels.slice(s![rows]))
                .unwrap();
        }
    }
    // Mean log-loss of the streamed model against the optimum's.
    let log_loss = |log_p: ndarray::Array2<f64>| -> f64 {
        labels
            .iter()
            .zip(log_p.rows())
            .map(|(&c, row)| -row[c])
            .sum::<f64>()
            / 2000.0
    };
    let streamed = log_loss(model.predict_log_proba(&x).unwrap());
    let best = log_loss(optimum.predict_log_proba(&x).unwrap());
    assert!(
        (streamed - best) / best < 1e-2,
        "log-loss {streamed} vs {best}"
    );
    assert!(!model.report().converged());
}

#[test]
fn a_fitted_sgd_model_continues_and_chunks_may_miss_classes() {
    let (x, y) = correlated_problem(600, 4, 3, 23);
    let labels = Array1::from(y);
    let settings = LogisticRegression::new()
        .solver(Adam::new())
        .alpha(1e-3)
        .max_iter(5);
    let mut model = settings.fit(&x, &labels).unwrap();
    let before = model.coef().to_owned();
    let only_zeros: Vec<usize> = (0..600).filter(|&i| labels[i] == 0).collect();
    let x0 = x.select(ndarray::Axis(0), &only_zeros);
    let y0 = labels.select(ndarray::Axis(0), &only_zeros);
    model.partial_fit(&x0, &y0).unwrap();
    assert_ne!(bits(model.coef()), bits(before.view()));
}

#[test]
fn streaming_errors_are_typed() {
    let (x, y) = correlated_problem(100, 3, 2, 24);
    let labels = Array1::from(y);
    let newton = LogisticRegression::new();
    let error = newton.partial_fit(&x, &labels, &[0, 1]).unwrap_err();
    assert!(
        matches!(error, Error::InvalidParameter { name: "solver", .. }),
        "{error}"
    );
    let mut fitted = newton.fit(&x, &labels).unwrap();
    assert!(matches!(
        fitted.partial_fit(&x, &labels),
        Err(Error::InvalidParameter { name: "solver", .. })
    ));
    let sgd = LogisticRegression::new().solver(Sgd::new());
    // The error names the `classes` argument, not y.
    let error = sgd.partial_fit(&x, &labels, &[0]).unwrap_err();
    assert!(
        matches!(
            error,
            Error::InvalidParameter {
                name: "classes",
                ..
            }
        ),
        "{error}"
    );
    assert!(error.to_string().contains("`classes` argument"), "{error}");
    let mut model = sgd.partial_fit(&x, &labels, &[0, 1]).unwrap();
    let mut unknown = labels.clone();
    unknown[7] = 5;
    assert_eq!(
        model.partial_fit(&x, &unknown).unwrap_err(),
        Error::UnknownLabel { index: 7 }
    );
    let wide = ndarray::Array2::<f64>::zeros((100, 4));
    assert_eq!(
        model.partial_fit(&wide, &labels).unwrap_err(),
        Error::FeatureMismatch {
            expected: 3,
            got: 4,
            names: vec![],
        }
    );
    let mut nan = x.clone();
    nan[(3, 1)] = f64::NAN;
    assert!(matches!(
        model.partial_fit(&nan, &labels),
        Err(Error::NonFiniteEntry {
            row: 3,
            column: 1,
            ..
        })
    ));
}

/// The correlated problem with its small entries zeroed: about half the
/// entries are stored in CSR.
fn sparse_problem(n: usize, d: usize, k: usize, seed: u64) -> (Array2<f64>, Array1<usize>) {
    let (x, y) = correlated_problem(n, d, k, seed);
    (
        x.mapv(|v| if v.abs() < 0.7 { 0.0 } else { v }),
        Array1::from(y),
    )
}

#[test]
fn csr_chunks_stream_to_the_dense_model() {
    let (x, labels) = sparse_problem(800, 6, 3, 25);
    let csr = CsMat::csr_from_dense(x.view(), 0.0);
    assert!(csr.nnz() < x.len() * 2 / 3, "{} of {}", csr.nnz(), x.len());
    let chunks: Vec<_> = (0..800)
        .step_by(200)
        .map(|start| start..start + 200)
        .collect();
    let mut worst = 0.0_f64;
    for multiclass in [Multiclass::Auto, Multiclass::OneVsRest] {
        let solvers: [Box<dyn Solver<f64>>; 2] = [
            Box::new(Sgd::new().batch_size(16).average(true)),
            Box::new(Adam::new().batch_size(16)),
        ];
        for solver in solvers {
            let name = solver.name();
            let settings = LogisticRegression::new()
                .solver(solver)
                .alpha(1e-3)
                .multiclass(multiclass);
            let first = &chunks[0];
            // Views of the rows: their indptr does not start at 0.
            let csr_chunk = |rows: &std::ops::Range<usize>| csr.slice_outer(rows.clone());
            let mut dense = settings
                .partial_fit(
                    &x.slice(s![first.clone(), ..]),
                    &labels.slice(s![first.clone()]),
                    &[0, 1, 2],
                )
                .unwrap();
            let mut sparse = settings
                .partial_fit_csr(
                    &csr_chunk(first),
                    &labels.slice(s![first.clone()]),
                    &[0, 1, 2],
                )
                .unwrap();
            for _pass in 0..3 {
                for rows in &chunks[1..] {
                    dense
                        .partial_fit(
                            &x.slice(s![rows.clone(), ..]),
                            &labels.slice(s![rows.clone()]),
                        )
                        .unwrap();
                    sparse
                        .partial_fit_csr(&csr_chunk(rows), &labels.slice(s![rows.clone()]))
                        .unwrap();
                }
            }
            assert_eq!(sparse.report().iterations, dense.report().iterations);
            // The rows' sums run in another order (stored entries only), so
            // the models agree up to rounding, not bit for bit.
            let gap = (&sparse.coef() - &dense.coef())
                .iter()
                .chain((&sparse.intercept() - &dense.intercept()).iter())
                .fold(0.0_f64, |m, d| m.max(d.abs()));
            let scale = dense.coef().iter().fold(0.0_f64, |m, v| m.max(v.abs()));
            assert!(
                gap <= 1e-12 * scale.max(1.0),
                "{name} {multiclass:?}: gap {gap}"
            );
            assert!(scale > 0.1, "{name}: the stream moved the coefficients");
            worst = worst.max(gap / scale);
            assert_eq!(
                sparse.predict_csr(&csr).unwrap(),
                dense.predict(&x).unwrap()
            );
        }
    }
    eprintln!("partial_fit_csr vs partial_fit: max relative coefficient gap {worst:.2e}");
}

#[test]
fn dense_and_csr_chunks_mix_in_one_stream() {
    let (x, labels) = sparse_problem(300, 4, 2, 26);
    let csr = CsMat::csr_from_dense(x.view(), 0.0);
    let settings = LogisticRegression::new().solver(Sgd::new()).alpha(1e-3);
    let mut all_dense = settings.partial_fit(&x, &labels, &[0, 1]).unwrap();
    all_dense.partial_fit(&x, &labels).unwrap();
    let mut mixed = settings.partial_fit_csr(&csr, &labels, &[0, 1]).unwrap();
    mixed.partial_fit(&x, &labels).unwrap();
    let gap = (&mixed.coef() - &all_dense.coef())
        .iter()
        .fold(0.0_f64, |m, d| m.max(d.abs()));
    assert!(gap < 1e-12, "{gap}");
}

#[test]
fn csr_streaming_errors_are_typed() {
    let (x, labels) = sparse_problem(100, 3, 2, 27);
    let csr = CsMat::csr_from_dense(x.view(), 0.0);
    let sgd = LogisticRegression::new().solver(Sgd::new());
    // SAGA is not a streaming solver: refused up front, with the reason.
    for model in [
        LogisticRegression::new().solver(Saga::new()),
        LogisticRegression::new(),
    ] {
        let error = model.partial_fit_csr(&csr, &labels, &[0, 1]).unwrap_err();
        assert!(
            matches!(error, Error::InvalidParameter { name: "solver", .. }),
            "{error}"
        );
        assert!(
            error
                .to_string()
                .contains("Saga keeps one gradient per row"),
            "{error}"
        );
    }
    let error = sgd.partial_fit_csr(&csr, &labels, &[1]).unwrap_err();
    assert!(
        matches!(
            error,
            Error::InvalidParameter {
                name: "classes",
                ..
            }
        ),
        "{error}"
    );
    assert!(error.to_string().contains("`classes` argument"), "{error}");
    let error = sgd
        .clone()
        .standardize(true)
        .partial_fit_csr(&csr, &labels, &[0, 1])
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::InvalidParameter {
                name: "standardize",
                ..
            }
        ),
        "{error}"
    );
    let mut model = sgd.partial_fit_csr(&csr, &labels, &[0, 1]).unwrap();
    let wide: CsMat<f64> = CsMat::zero((100, 4));
    assert_eq!(
        model.partial_fit_csr(&wide, &labels).unwrap_err(),
        Error::FeatureMismatch {
            expected: 3,
            got: 4,
            names: vec![]
        }
    );
    // csr_from_dense would drop a NaN (it stores |v| > 0): build it by hand.
    let mut nan = TriMat::new((100, 3));
    for ((i, j), &v) in x.indexed_iter() {
        if v != 0.0 {
            nan.add_triplet(i, j, v);
        }
    }
    nan.add_triplet(3, 1, f64::NAN);
    let nan: CsMat<f64> = nan.to_csr();
    assert_eq!(
        model.partial_fit_csr(&nan, &labels).unwrap_err(),
        Error::NonFiniteEntry {
            what: "x",
            row: 3,
            column: 1,
            feature: None
        }
    );
    let mut unknown = labels.clone();
    unknown[7] = 5;
    assert_eq!(
        model.partial_fit_csr(&csr, &unknown).unwrap_err(),
        Error::UnknownLabel { index: 7 }
    );
    assert_eq!(
        model
            .partial_fit_csr(&csr, &labels.slice(s![..50]))
            .unwrap_err(),
        Error::LengthMismatch {
            what: "y",
            expected: 100,
            got: 50
        }
    );
    let csc = csr.to_csc();
    assert!(matches!(
        model.partial_fit_csr(&csc, &labels),
        Err(Error::InvalidParameter { name: "x", .. })
    ));
    let empty: CsMat<f64> = CsMat::zero((0, 3));
    assert_eq!(
        model
            .partial_fit_csr(&empty, &labels.slice(s![..0]))
            .unwrap_err(),
        Error::EmptyData
    );
    // A refused chunk leaves the model as it was.
    assert_eq!(model.report().iterations, 1);
}
