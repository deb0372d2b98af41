//! Sparse (CSR) fits equal dense fits on the same data, for every model form,
//! penalty and solver; bad sparse input is a typed error; a 20,000 × 20,000
//! fit at 0.1% density runs without densifying (dense it would need 3.2 GB).

use logreg::solver::{CoordinateDescent, Fista, Lbfgs, Newton, Solver};
use logreg::sprs::{CsMat, TriMat};
use logreg::{Error, LogisticRegression, Multiclass, Penalty};
use ndarray::{Array1, Array2};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

/// n × d with about `density` of the entries non-zero, and labels in
/// 0..classes from a noisy linear model on the first columns.
fn sparse_problem(
    n: usize,
    d: usize,
    density: f64,
    classes: usize,
    seed: u64,
) -> (CsMat<f64>, Array1<i64>) {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut triplets = TriMat::new((n, d));
    let mut scores = Array2::<f64>::zeros((n, classes));
    let per_row = ((d as f64 * density).ceil() as usize).max(1);
    for i in 0..n {
        // Every row has one entry in the signal columns 0..10, which drive
        // the labels, and `per_row` more anywhere.
        let signal = rng.random_range(0..10.min(d));
        let v: f64 = rng.random_range(-2.0..2.0);
        triplets.add_triplet(i, signal, v);
        scores[(i, signal % classes)] += v;
        for _ in 0..per_row {
            let j = rng.random_range(0..d);
            let v: f64 = rng.random_range(-2.0..2.0);
            triplets.add_triplet(i, j, v);
            if j < 10 {
                scores[(i, j % classes)] += v;
            }
        }
    }
    let y = scores
        .rows()
        .into_iter()
        .map(|row| {
            let noisy: Vec<f64> = row
                .iter()
                .map(|&s| s + rng.random_range(-1.0..1.0))
                .collect();
            (0..classes).fold(0, |b, c| if noisy[c] > noisy[b] { c } else { b }) as i64
        })
        .collect();
    // Duplicate (i, j) triplets are summed by to_csr.
    (triplets.to_csr(), y)
}

fn assert_same_fit(settings: LogisticRegression<f64>, x: &CsMat<f64>, y: &Array1<i64>, what: &str) {
    let dense = x.to_dense();
    let from_sparse = settings.fit_csr(x, y).unwrap();
    let from_dense = settings.fit(&dense, y).unwrap();
    assert_eq!(
        from_sparse.report().termination,
        from_dense.report().termination,
        "{what}"
    );
    let gap = (&from_sparse.coef() - &from_dense.coef())
        .iter()
        .chain((&from_sparse.intercept() - &from_dense.intercept()).iter())
        .fold(0.0_f64, |m, d| m.max(d.abs()));
    // Both stop at a (sub)gradient of 1e-10; rounding differs between the
    // sparse and dense sums, so the iterates do too, by up to ~1e-8 here.
    assert!(gap < 1e-6, "{what}: coefficients differ by {gap:.1e}");
    if settings_has_l1(what) {
        let zeros = |m: &logreg::FittedLogisticRegression<f64, i64>| {
            m.coef().iter().map(|&w| w == 0.0).collect::<Vec<_>>()
        };
        assert_eq!(zeros(&from_sparse), zeros(&from_dense), "{what}: zero sets");
    }
    let p_gap =
        &from_sparse.predict_proba_csr(x).unwrap() - &from_dense.predict_proba(&dense).unwrap();
    assert!(
        p_gap.iter().all(|d| d.abs() < 1e-8),
        "{what}: probabilities"
    );
    assert_eq!(
        from_sparse.predict_csr(x).unwrap(),
        from_dense.predict(&dense).unwrap()
    );
}

fn settings_has_l1(what: &str) -> bool {
    what.contains("L1") || what.contains("ElasticNet")
}

#[test]
fn sparse_fits_equal_dense_fits() {
    let penalties = [
        Penalty::L2,
        Penalty::L1,
        Penalty::ElasticNet { l1_ratio: 0.5 },
    ];
    for (classes, multiclass) in [
        (2, Multiclass::Auto),
        (3, Multiclass::Multinomial),
        (3, Multiclass::OneVsRest),
    ] {
        let (x, y) = sparse_problem(600, 40, 0.1, classes, classes as u64);
        for penalty in penalties {
            let solvers: Vec<Box<dyn Solver<f64>>> = if penalty == Penalty::L2 {
                vec![Box::new(Newton::new()), Box::new(Lbfgs::new())]
            } else {
                vec![Box::new(CoordinateDescent::new()), Box::new(Fista::new())]
            };
            for solver in solvers {
                let what = format!("{multiclass:?} {penalty:?} {}", solver.name());
                let settings = LogisticRegression::new()
                    .penalty(penalty)
                    .multiclass(multiclass)
                    .c(0.5)
                    .solver(solver)
                    .tol(1e-10)
                    .max_iter(100_000);
                assert_same_fit(settings, &x, &y, &what);
            }
        }
    }
}

#[test]
fn sparse_fits_without_intercept_or_penalty_equal_dense_fits() {
    let (x, y) = sparse_problem(800, 15, 0.3, 2, 11);
    let base = LogisticRegression::new().tol(1e-10).max_iter(1000);
    assert_same_fit(base.clone().fit_intercept(false), &x, &y, "no intercept");
    assert_same_fit(base.penalty(Penalty::None), &x, &y, "no penalty");
}

#[test]
fn wide_sparse_fit_does_not_densify() {
    // 20,000 × 20,000 at 0.1% density: 400,000 non-zeros (6.4 MB as CSR);
    // dense it would be 3.2 GB. L-BFGS with L2, and FISTA with L1.
    let (x, y) = sparse_problem(20_000, 20_000, 0.001, 2, 5);
    assert!(x.nnz() <= 420_000);
    let ridge = LogisticRegression::new()
        .tol(1e-6)
        .max_iter(1000)
        .fit_csr(&x, &y)
        .unwrap();
    assert!(ridge.report().converged(), "{:?}", ridge.report());
    assert!(
        ridge
            .score(&Array2::zeros((0, 20_000)), &Array1::zeros(0))
            .is_ok()
    );
    let lasso = LogisticRegression::new()
        .penalty(Penalty::L1)
        .c(0.1)
        .tol(1e-6)
        .max_iter(10_000)
        .fit_csr(&x, &y)
        .unwrap();
    assert!(lasso.report().converged(), "{:?}", lasso.report());
    let nonzero = lasso.coef().iter().filter(|&&w| w != 0.0).count();
    assert!(
        nonzero > 0 && nonzero < 2_000,
        "{nonzero} non-zero coefficients"
    );
    let accuracy = {
        let predicted = lasso.predict_csr(&x).unwrap();
        predicted.iter().zip(&y).filter(|(p, t)| p == t).count() as f64 / y.len() as f64
    };
    assert!(accuracy > 0.7, "{accuracy}");
}

#[test]
fn bad_sparse_input_is_a_typed_error() {
    let (x, y) = sparse_problem(50, 5, 0.5, 2, 3);
    let settings = LogisticRegression::new();
    let err = settings.fit_csr(&x.to_csc(), &y).unwrap_err();
    assert!(
        matches!(err, Error::InvalidParameter { name: "x", .. }),
        "{err}"
    );
    let mut with_nan = x.clone();
    with_nan.data_mut()[3] = f64::NAN;
    // Reported where it sits in the matrix, not in the stored values.
    let row = x
        .indptr()
        .as_slice()
        .expect("plain indptr")
        .partition_point(|&s| s <= 3)
        - 1;
    let column = x.indices()[3];
    assert_eq!(
        settings.fit_csr(&with_nan, &y).unwrap_err(),
        Error::NonFiniteEntry {
            what: "x",
            row,
            column,
            feature: None,
        }
    );
    assert!(with_nan.to_dense()[(row, column)].is_nan());
    let err = settings
        .fit_csr(&x, &y.slice(ndarray::s![..10]))
        .unwrap_err();
    assert!(matches!(err, Error::LengthMismatch { what: "y", .. }));
    let err = settings
        .clone()
        .standardize(true)
        .fit_csr(&x, &y)
        .unwrap_err();
    assert!(matches!(
        err,
        Error::InvalidParameter {
            name: "standardize",
            ..
        }
    ));
    let empty: CsMat<f64> = CsMat::zero((0, 5));
    assert_eq!(
        settings
            .fit_csr(&empty, &Array1::<i64>::zeros(0))
            .unwrap_err(),
        Error::EmptyData
    );
    let model = settings.fit_csr(&x, &y).unwrap();
    let narrow: CsMat<f64> = CsMat::zero((3, 4));
    assert_eq!(
        model.predict_csr(&narrow).unwrap_err(),
        Error::FeatureMismatch {
            expected: 5,
            got: 4,
            names: vec![],
        }
    );
}
