//! The public model API: labels, shapes, probabilities, f32, views, Send + Sync.

use crate::common;

use approx::assert_abs_diff_eq;
use common::data::iris;
use logreg::solver::{Newton, StopRule};
use logreg::{
    ClassWeight, Error, FitReport, FittedLogisticRegression, LogisticRegression, Multiclass,
    Penalty, Termination,
};
use ndarray::{Array1, Array2, ArrayView2, Axis, ShapeBuilder, s};

fn tight() -> LogisticRegression<f64> {
    LogisticRegression::new().tol(1e-10)
}

/// A binary problem from iris: versicolor (false) vs virginica (true).
fn iris_binary() -> (Array2<f64>, Array1<bool>) {
    let (x, y) = iris();
    let keep: Vec<usize> = (0..y.len()).filter(|&i| y[i] != "setosa").collect();
    let labels = keep.iter().map(|&i| y[i] == "virginica").collect();
    (x.select(Axis(0), &keep), labels)
}

#[test]
fn label_types_give_the_same_model() {
    let (x, y) = iris_binary();
    let as_i32: Array1<i32> = y.mapv(|b| if b { 7 } else { -3 });
    let as_string: Array1<String> = y.mapv(|b| if b { "b".into() } else { "a".into() });
    let as_str: Array1<&str> = y.mapv(|b| if b { "yes" } else { "no" });
    let m_bool = tight().fit(&x, &y).unwrap();
    let m_i32 = tight().fit(&x, &as_i32).unwrap();
    let m_string = tight().fit(&x, &as_string).unwrap();
    let m_str = tight().fit(&x, &as_str).unwrap();
    assert_eq!(m_bool.classes(), &[false, true]);
    assert_eq!(m_i32.classes(), &[-3, 7]);
    assert_eq!(m_str.classes(), &["no", "yes"]);
    for (coef, intercept) in [
        (m_i32.coef(), m_i32.intercept()),
        (m_string.coef(), m_string.intercept()),
        (m_str.coef(), m_str.intercept()),
    ] {
        assert_abs_diff_eq!(coef, m_bool.coef(), epsilon = 1e-12);
        assert_abs_diff_eq!(intercept, m_bool.intercept(), epsilon = 1e-12);
    }
    let predicted_bool = m_bool.predict(&x).unwrap();
    let predicted_i32 = m_i32.predict(&x).unwrap();
    assert_eq!(
        predicted_i32,
        predicted_bool.mapv(|b| if b { 7 } else { -3 })
    );
}

/// Renames the iris species so that their sorted order is reversed.
fn reverse_species(y: &Array1<String>) -> Array1<String> {
    y.map(|s| match s.as_str() {
        "setosa" => "c".to_string(),
        "versicolor" => "b".to_string(),
        _ => "a".to_string(),
    })
}

#[test]
fn permuting_class_labels_permutes_the_output() {
    let (x, y) = iris();
    let renamed = reverse_species(&y);
    let back = |s: &String| match s.as_str() {
        "c" => "setosa".to_string(),
        "b" => "versicolor".to_string(),
        _ => "virginica".to_string(),
    };
    for multiclass in [Multiclass::Multinomial, Multiclass::OneVsRest] {
        let original = tight().multiclass(multiclass).fit(&x, &y).unwrap();
        let permuted = tight().multiclass(multiclass).fit(&x, &renamed).unwrap();
        assert_abs_diff_eq!(
            permuted.coef().slice(s![..;-1, ..]),
            original.coef(),
            epsilon = 1e-8
        );
        assert_abs_diff_eq!(
            permuted.intercept().slice(s![..;-1]),
            original.intercept(),
            epsilon = 1e-8
        );
        let p = original.predict_proba(&x).unwrap();
        let q = permuted.predict_proba(&x).unwrap();
        assert_abs_diff_eq!(q.slice(s![.., ..;-1]), p, epsilon = 1e-9);
        assert_eq!(
            permuted.predict(&x).unwrap().map(back),
            original.predict(&x).unwrap()
        );
    }
}

#[test]
fn f32_fits_agree_with_f64() {
    let (x, y) = iris();
    for multiclass in [Multiclass::Multinomial, Multiclass::OneVsRest] {
        let m64 = tight().multiclass(multiclass).fit(&x, &y).unwrap();
        let x32 = x.mapv(|v| v as f32);
        let m32 = LogisticRegression::<f32>::new()
            .tol(1e-5)
            .multiclass(multiclass)
            .fit(&x32, &y)
            .unwrap();
        assert!(m32.report().converged(), "{:?}", m32.report());
        let scale = m64.coef().iter().fold(0.0_f64, |m, v| m.max(v.abs()));
        for (a, b) in m32.coef().iter().zip(m64.coef()) {
            assert!((f64::from(*a) - b).abs() <= 1e-4 * scale, "{a} vs {b}");
        }
        for (a, b) in m32.intercept().iter().zip(m64.intercept()) {
            assert!(
                (f64::from(*a) - b).abs() <= 1e-4 * b.abs().max(1.0),
                "{a} vs {b}"
            );
        }
    }
}

#[test]
fn shapes_and_probabilities() {
    let (x, y) = iris();
    let (xb, yb) = iris_binary();
    let binary = tight().fit(&xb, &yb).unwrap();
    assert_eq!(binary.coef().dim(), (1, 4));
    assert_eq!(binary.intercept().len(), 1);
    assert_eq!(binary.decision_function(&xb).unwrap().dim(), (100, 1));
    for (multiclass, rows) in [
        (Multiclass::Auto, 3),
        (Multiclass::Multinomial, 3),
        (Multiclass::OneVsRest, 3),
    ] {
        let model = tight().multiclass(multiclass).fit(&x, &y).unwrap();
        assert_eq!(model.coef().dim(), (rows, 4));
        assert_eq!(model.n_features(), 4);
        check_probabilities(&model, x.view());
    }
    check_probabilities(&binary, xb.view());
    // Two classes with an explicit softmax: two rows w₀ = −w₁, and the same
    // model as a binary fit with w = w₁ − w₀, whose penalty (α/2)(‖w₀‖² + ‖w₁‖²)
    // = (α/4)‖w‖² is that of a binary fit with twice the C.
    let softmax2 = tight()
        .multiclass(Multiclass::Multinomial)
        .fit(&xb, &yb)
        .unwrap();
    assert_eq!(softmax2.coef().dim(), (2, 4));
    let binary_2c = tight().c(2.0).fit(&xb, &yb).unwrap();
    let difference = &softmax2.coef().row(1) - &softmax2.coef().row(0);
    assert_abs_diff_eq!(difference, binary_2c.coef().row(0), epsilon = 1e-8);
    assert_abs_diff_eq!(
        softmax2.predict_proba(&xb).unwrap(),
        binary_2c.predict_proba(&xb).unwrap(),
        epsilon = 1e-10
    );
}

fn check_probabilities<L: Clone + Ord>(
    model: &FittedLogisticRegression<f64, L>,
    x: ArrayView2<f64>,
) {
    let p = model.predict_proba(&x).unwrap();
    let log_p = model.predict_log_proba(&x).unwrap();
    assert_eq!(p.ncols(), model.classes().len());
    for row in p.rows() {
        assert!(row.iter().all(|&v| (0.0..=1.0).contains(&v)));
        assert_abs_diff_eq!(row.sum(), 1.0, epsilon = 1e-12);
    }
    assert!(log_p.iter().all(|v| v.is_finite()));
    assert_abs_diff_eq!(log_p.mapv(f64::exp), p, epsilon = 1e-12);
    // predict agrees with the most probable column.
    let predicted = model.predict(&x).unwrap();
    for (row, label) in p.rows().into_iter().zip(&predicted) {
        let best = (0..row.len()).fold(0, |b, j| if row[j] > row[b] { j } else { b });
        assert!(model.classes()[best] == *label);
    }
}

#[test]
fn log_proba_stays_finite_far_from_the_boundary() {
    let (x, y) = iris();
    for multiclass in [Multiclass::Multinomial, Multiclass::OneVsRest] {
        let model = tight().multiclass(multiclass).fit(&x, &y).unwrap();
        let far = x.slice(s![..3, ..]).mapv(|v| v * 1e6);
        let p = model.predict_proba(&far).unwrap();
        let log_p = model.predict_log_proba(&far).unwrap();
        assert!(p.iter().any(|&v| v == 0.0), "some probability underflows");
        assert!(log_p.iter().all(|v| v.is_finite()), "{log_p}");
    }
}

#[test]
fn views_transposes_and_non_contiguous_inputs_work() {
    let (x, y) = iris();
    let reference = tight().fit(&x, &y).unwrap();
    // A Fortran-order copy, a transposed view of a transposed array, and a strided view.
    let fortran = {
        let mut f = Array2::zeros(x.dim().f());
        f.assign(&x);
        f
    };
    let transposed_twice = x.t().to_owned();
    let mut wide = Array2::zeros((150, 8));
    wide.slice_mut(s![.., ..;2]).assign(&x);
    let strided = wide.slice(s![.., ..;2]);
    for model in [
        tight().fit(&fortran, &y).unwrap(),
        tight().fit(&transposed_twice.t(), &y).unwrap(),
        tight().fit(&strided, &y).unwrap(),
    ] {
        assert_abs_diff_eq!(model.coef(), reference.coef(), epsilon = 1e-10);
        assert_abs_diff_eq!(
            model.predict_proba(&strided).unwrap(),
            reference.predict_proba(&x).unwrap(),
            epsilon = 1e-10
        );
    }
}

#[test]
fn score_is_training_accuracy() {
    let (x, y) = iris();
    let model = tight().fit(&x, &y).unwrap();
    let predicted = model.predict(&x).unwrap();
    let correct = predicted.iter().zip(&y).filter(|(p, t)| p == t).count();
    assert_abs_diff_eq!(model.score(&x, &y).unwrap(), correct as f64 / 150.0);
    assert!(model.score(&x, &y).unwrap() > 0.95);
}

#[test]
fn max_iter_is_reported_not_hidden() {
    let (x, y) = iris();
    let model = LogisticRegression::new()
        .tol(1e-14)
        .max_iter(1)
        .fit(&x, &y)
        .unwrap();
    assert_eq!(model.report().termination, Termination::MaxIterations);
    assert!(!model.report().converged());
    assert_eq!(model.report().iterations, 1);
}

#[test]
fn unpenalized_one_vs_rest_reports_each_class() {
    let (x, y) = iris();
    let model = tight()
        .penalty(Penalty::None)
        .multiclass(Multiclass::OneVsRest)
        .fit(&x.slice(s![.., 2..]), &y);
    let model = model.unwrap();
    assert_eq!(model.reports().len(), 3);
    let worst = model.reports().iter().map(|r| r.iterations).max().unwrap();
    assert_eq!(model.report().iterations, worst);
}

#[test]
fn class_weights_balanced_equals_manual() {
    let (x, y) = iris_binary();
    // Make the classes unbalanced: drop 30 virginica rows.
    let keep: Vec<usize> = (0..100).filter(|&i| !(y[i] && i % 5 != 0)).collect();
    let (x, y) = (x.select(Axis(0), &keep), y.select(Axis(0), &keep));
    let n = y.len() as f64;
    let positives = y.iter().filter(|&&b| b).count() as f64;
    let manual = vec![n / (2.0 * (n - positives)), n / (2.0 * positives)];
    let balanced = tight()
        .class_weight(ClassWeight::Balanced)
        .fit(&x, &y)
        .unwrap();
    let by_hand = tight()
        .class_weight(ClassWeight::Manual(manual.clone()))
        .fit(&x, &y)
        .unwrap();
    let weights = y.mapv(|b| manual[usize::from(b)]);
    let by_rows = tight().fit_weighted(&x, &y, &weights).unwrap();
    assert_abs_diff_eq!(balanced.coef(), by_hand.coef(), epsilon = 1e-12);
    assert_abs_diff_eq!(balanced.coef(), by_rows.coef(), epsilon = 1e-10);
    let plain = tight().fit(&x, &y).unwrap();
    assert!((plain.coef()[(0, 0)] - balanced.coef()[(0, 0)]).abs() > 1e-3);
}

#[test]
fn a_custom_solver_box_works() {
    let (x, y) = iris();
    let boxed: Box<dyn logreg::solver::Solver<f64>> = Box::new(Newton::new());
    let model = tight().solver(boxed).fit(&x, &y).unwrap();
    assert!(model.report().converged());
    let stop = StopRule::new(1e-3, 5).unwrap();
    assert_abs_diff_eq!(stop.tol(), 1e-3);
}

#[test]
fn model_solver_and_error_are_send_and_sync() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<LogisticRegression<f64>>();
    send_sync::<LogisticRegression<f32>>();
    send_sync::<FittedLogisticRegression<f64, String>>();
    send_sync::<FittedLogisticRegression<f32, i64>>();
    send_sync::<Newton>();
    send_sync::<Box<dyn logreg::solver::Solver<f64>>>();
    send_sync::<Error>();
    send_sync::<FitReport<f64>>();
}
