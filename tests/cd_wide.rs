//! Coordinate descent on wide data (more parameters than the 256 up to which
//! it used to form the Hessian): equal to scikit-learn's `saga` at tol 1e-10
//! with the same zeros, dense and CSR, binary, elastic net with sample
//! weights and softmax; `Auto` picks it; `path_csr` equals `path`.
//! References: tests/common/cd_wide_reference_values.rs, made by
//! tests/reference/make_cd_wide_reference.py, and (10 classes)
//! tests/common/cd_wide10_reference_values.rs, made by
//! tests/reference/make_cd_wide_multinomial_reference.py.

use crate::common;

use common::assert_close;
use common::cd_wide_reference_values::*;
use common::cd_wide10_reference_values::*;
use logreg::solver::{Auto, CoordinateDescent, NoObserver, Solver, StopRule};
use logreg::{Alphas, CrossValidation, Error, LogisticRegression, Multiclass, Penalty, Scoring};
use ndarray::{Array1, Array2, ArrayView2};
use sprs::CsMat;

/// Relative tolerance against saga's values, as in tests/penalties.rs.
const RELATIVE: f64 = 1e-5;
const D: usize = 300;

/// The numbers of a CSV file's rows, after its header line.
fn csv_rows(text: &str) -> Vec<Vec<f64>> {
    text.lines()
        .skip(1)
        .filter(|l| !l.is_empty())
        .map(|l| l.split(',').map(|v| v.parse().unwrap()).collect())
        .collect()
}

/// tests/data/bow_wide.csv: 60 × 300 features, binary and 3-class labels,
/// sample weights.
fn bow_wide() -> (Array2<f64>, Array1<i64>, Array1<i64>, Array1<f64>) {
    let rows = csv_rows(include_str!("data/bow_wide.csv"));
    let n = rows.len();
    let x = Array2::from_shape_fn((n, D), |(i, j)| rows[i][j]);
    let column = |k: usize| rows.iter().map(|r| r[D + k]).collect::<Array1<f64>>();
    let binary = column(0).mapv(|v| v as i64);
    let multi = column(1).mapv(|v| v as i64);
    (x, binary, multi, column(2))
}

fn lasso(penalty: Penalty, c: f64) -> LogisticRegression<f64> {
    LogisticRegression::new()
        .penalty(penalty)
        .c(c)
        .tol(1e-10)
        .max_iter(10_000)
}

/// The same coefficients to `RELATIVE` of the largest |w|, and exactly the
/// same zeros.
fn assert_same_solution(coef: ArrayView2<f64>, reference: &[f64], what: &str) {
    let reference = Array2::from_shape_vec(coef.dim(), reference.to_vec()).unwrap();
    let scale = reference.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
    assert_close(&coef, &reference, RELATIVE, scale, what);
    for (i, (w, r)) in coef.iter().zip(&reference).enumerate() {
        assert_eq!(*w == 0.0, *r == 0.0, "{what}[{i}]: {w} vs reference {r}");
    }
}

#[test]
fn wide_lasso_equals_saga_dense_and_csr() {
    let (x, y, _, _) = bow_wide();
    let csr = CsMat::csr_from_dense(x.view(), 0.0);
    let settings = lasso(Penalty::L1, 3.0).solver(CoordinateDescent::new());
    let dense = settings.fit(&x, &y).unwrap();
    let sparse = settings.fit_csr(&csr, &y).unwrap();
    for (model, what) in [(&dense, "dense"), (&sparse, "csr")] {
        assert!(model.report().converged(), "{what}: {:?}", model.report());
        assert_same_solution(model.coef(), &BINARY_L1_COEF, what);
        assert_close(
            &model.intercept(),
            &Array1::from(BINARY_L1_INTERCEPT.to_vec()),
            RELATIVE,
            1.0,
            what,
        );
    }
}

#[test]
fn weighted_elastic_net_equals_saga() {
    let (x, y, _, weight) = bow_wide();
    let model = lasso(Penalty::ElasticNet { l1_ratio: 0.6 }, 2.0)
        .solver(CoordinateDescent::new())
        .fit_weighted(&x, &y, &weight)
        .unwrap();
    assert!(model.report().converged(), "{:?}", model.report());
    assert_same_solution(model.coef(), &BINARY_NET_WEIGHTED_COEF, "coef");
}

#[test]
fn wide_multinomial_lasso_equals_saga() {
    let (x, _, y, _) = bow_wide();
    assert_multinomial_lasso(&x, &y, 1.0, &MULTI_L1_COEF, &MULTI_L1_INTERCEPT);
}

/// The softmax lasso at strength C with coordinate descent, dense and
/// CSR, converged to saga's coefficients (same zeros) and intercepts.
fn assert_multinomial_lasso(
    x: &Array2<f64>,
    y: &Array1<i64>,
    c: f64,
    coef: &[f64],
    intercept: &[f64],
) {
    let csr = CsMat::csr_from_dense(x.view(), 0.0);
    let settings = lasso(Penalty::L1, c)
        .multiclass(Multiclass::Multinomial)
        .solver(CoordinateDescent::new());
    let dense = settings.fit(x, y).unwrap();
    let sparse = settings.fit_csr(&csr, y).unwrap();
    for (model, what) in [(&dense, "dense"), (&sparse, "csr")] {
        assert!(model.report().converged(), "{what}: {:?}", model.report());
        assert_same_solution(model.coef(), coef, what);
        assert_close(
            &model.intercept(),
            &Array1::from(intercept.to_vec()),
            RELATIVE,
            1.0,
            what,
        );
    }
}

#[test]
fn auto_picks_coordinate_descent_on_wide_lasso() {
    let (x, y, _, _) = bow_wide();
    let y = y.mapv(|v| v as f64);
    let objective = logreg::objective::BinaryLogistic::new(x.view(), y, None, 0.0, true)
        .unwrap()
        .with_l1(1.0 / (3.0 * 60.0))
        .unwrap();
    let stop = StopRule::new(1e-10, 10_000).unwrap();
    let start = Array1::zeros(D + 1);
    let auto = Auto::new()
        .minimize(&objective, start.clone(), &stop, &mut NoObserver)
        .unwrap();
    let cd = CoordinateDescent::new()
        .minimize(&objective, start, &stop, &mut NoObserver)
        .unwrap();
    assert_eq!(auto, cd);
    assert!(auto.report.converged());
    // The default fit (Auto) also lands on saga's solution.
    let (x, y, _, _) = bow_wide();
    let model = lasso(Penalty::L1, 3.0).fit(&x, &y).unwrap();
    assert_same_solution(model.coef(), &BINARY_L1_COEF, "auto");
}

#[test]
fn coordinate_descent_is_deterministic() {
    let (x, _, y, _) = bow_wide();
    let settings = lasso(Penalty::L1, 1.0).solver(CoordinateDescent::new());
    let first = settings.fit(&x, &y).unwrap();
    let second = settings.fit(&x, &y).unwrap();
    assert_eq!(first.coef(), second.coef());
    assert_eq!(first.intercept(), second.intercept());
    assert_eq!(first.report(), second.report());
}

#[test]
fn csr_path_equals_dense_path() {
    let (x, y, multi, _) = bow_wide();
    let csr = CsMat::csr_from_dense(x.view(), 0.0);
    let settings = LogisticRegression::new()
        .penalty(Penalty::L1)
        .tol(1e-9)
        .max_iter(10_000);
    for labels in [&y, &multi] {
        let grid = Alphas::Auto {
            n: 8,
            min_ratio: 1e-2,
        };
        let dense = settings.path(&x, labels, &grid).unwrap();
        let sparse = settings.path_csr(&csr, labels, &grid).unwrap();
        assert_eq!(dense.alphas(), sparse.alphas());
        assert!(dense.n_nonzero().last() > Some(&5));
        // Equal fits. (Not coefficient by coefficient: words that occur only
        // together give identical columns, between which the lasso's optimum
        // may split the weight in any proportion, so the zeros may differ.)
        for (a, b) in dense.models().iter().zip(sparse.models()) {
            assert!(b.report().converged());
            let (fa, fb) = (a.report().objective, b.report().objective);
            assert!((fa - fb).abs() < 1e-9 * fa, "objectives {fa} and {fb}");
            let scores = &a.decision_function(&x).unwrap() - &b.decision_function(&x).unwrap();
            assert!(
                scores.iter().all(|s| s.abs() < 1e-5),
                "scores differ by {scores}"
            );
        }
        // And the last α's fit is as good as a fit from scratch.
        let last = sparse.models().last().unwrap();
        let alpha = *sparse.alphas().last().unwrap();
        let single = settings.clone().alpha(alpha).fit_csr(&csr, labels).unwrap();
        let (a, b) = (single.report().objective, last.report().objective);
        assert!((a - b).abs() < 1e-9 * a, "objectives {a} and {b}");
        let scores = &single.decision_function(&x).unwrap() - &last.decision_function(&x).unwrap();
        assert!(
            scores.iter().all(|s| s.abs() < 1e-5),
            "scores differ by {scores}"
        );
    }
}

#[test]
fn csr_cross_validation_equals_dense() {
    let (x, y, multi, _) = bow_wide();
    let csr = CsMat::csr_from_dense(x.view(), 0.0);
    for (labels, scoring) in [(&y, Scoring::NegLogLoss), (&multi, Scoring::Accuracy)] {
        let cv = CrossValidation::new(
            LogisticRegression::new()
                .penalty(Penalty::L1)
                .tol(1e-9)
                .max_iter(10_000),
        )
        .alphas(Alphas::Auto {
            n: 6,
            min_ratio: 1e-2,
        })
        .folds(3)
        .scoring(scoring);
        let dense = cv.fit(&x, labels).unwrap();
        let sparse = cv.fit_csr(&csr, labels).unwrap();
        assert_eq!(dense.alphas(), sparse.alphas());
        let gap = (&dense.scores() - &sparse.scores()).mapv(f64::abs);
        assert!(gap.iter().all(|&g| g < 1e-8), "scores differ by {gap}");
        assert_eq!(dense.best_alpha(), sparse.best_alpha());
        let (a, b) = (
            dense.model().report().objective,
            sparse.model().report().objective,
        );
        assert!((a - b).abs() < 1e-9 * a, "refits {a} and {b}");
    }
}

#[test]
fn csr_path_refuses_what_it_cannot_do() {
    let (x, y, _, _) = bow_wide();
    let csr = CsMat::csr_from_dense(x.view(), 0.0);
    let grid = Alphas::auto(4);
    let err = LogisticRegression::new()
        .penalty(Penalty::L1)
        .standardize(true)
        .path_csr(&csr, &y, &grid)
        .unwrap_err();
    assert!(matches!(
        err,
        Error::InvalidParameter {
            name: "standardize",
            ..
        }
    ));
    let err = LogisticRegression::new()
        .penalty(Penalty::L1)
        .path_csr(&csr.to_csc(), &y, &grid)
        .unwrap_err();
    assert!(matches!(err, Error::InvalidParameter { name: "x", .. }));
    let err = LogisticRegression::new()
        .penalty(Penalty::L1)
        .path_csr(&csr, &y.slice(ndarray::s![..10]), &grid)
        .unwrap_err();
    assert!(matches!(err, Error::LengthMismatch { .. }), "{err:?}");
}

#[test]
fn dense_columns_agree_with_fista() {
    // Every entry non-zero: coordinate descent keeps X column-major (the
    // compressed copy is for data at most half full); FISTA is the check.
    let (n, d) = (80, 300);
    let mut state = 12345_u64;
    let x = Array2::from_shape_fn((n, d), |_| {
        // A fixed linear congruential sequence, uniform in [-1, 1) (never 0).
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((state >> 11) as f64 / (1u64 << 53) as f64) * 2.0 - 1.0 + 1e-9
    });
    let y: Array1<i64> = (0..n)
        .map(|i| i64::from(x[(i, 0)] - 0.5 * x[(i, 3)] + 0.3 * x[(i, 7)] > 0.0))
        .collect();
    let settings = lasso(Penalty::L1, 0.5);
    let cd = settings
        .clone()
        .solver(CoordinateDescent::new())
        .fit(&x, &y)
        .unwrap();
    let fista = settings
        .clone()
        .tol(1e-9)
        .max_iter(1_000_000)
        .solver(logreg::solver::Fista::new())
        .fit(&x, &y)
        .unwrap();
    assert!(cd.report().converged() && fista.report().converged());
    assert!(cd.coef().iter().filter(|w| w.abs() > 0.0).count() > 2);
    let scale = fista.coef().iter().fold(1.0_f64, |m, w| m.max(w.abs()));
    assert_close(&cd.coef(), &fista.coef(), 1e-5, scale, "coef");
}

/// tests/data/bow_wide10.csv: 200 × 400 features, 10 classes.
fn bow_wide10() -> (Array2<f64>, Array1<i64>) {
    let rows = csv_rows(include_str!("data/bow_wide10.csv"));
    let x = Array2::from_shape_fn((rows.len(), 400), |(i, j)| rows[i][j]);
    let y = rows.iter().map(|r| r[400] as i64).collect();
    (x, y)
}

/// Softmax L1 on 4,010 parameters (10 classes × 400 features + intercepts),
/// where conjugate gradients join the sweeps: scikit-learn saga's solution
/// at tol 1e-10 to 1e-5 with the same zeros, dense and CSR.
#[test]
fn ten_class_wide_lasso_equals_saga() {
    let (x, y) = bow_wide10();
    assert_multinomial_lasso(&x, &y, 2.0, &MULTI10_L1_COEF, &MULTI10_L1_INTERCEPT);
}
