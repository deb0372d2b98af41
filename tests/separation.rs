//! Separation and collinearity diagnostics: typed values, bounded work,
//! finite coefficients once penalized.

use logreg::{Diagnostic, LogisticRegression, Penalty, Termination};
use ndarray::{Array2, array};

fn unpenalized() -> LogisticRegression<f64> {
    LogisticRegression::new().penalty(Penalty::None).tol(1e-8)
}

#[test]
fn complete_separation_is_diagnosed() {
    let x = array![[0.0], [1.0], [2.0], [3.0], [4.0], [5.0]];
    let y = array![0, 0, 0, 1, 1, 1];
    let model = unpenalized().fit(&x, &y).unwrap();
    assert_eq!(model.report().termination, Termination::Separation);
    assert!(model.report().iterations <= 100);
    assert_eq!(
        model.diagnostics(),
        &[Diagnostic::CompleteSeparation { features: vec![0] }]
    );
    // The same data with a penalty: finite coefficients, no diagnosis.
    let penalized = LogisticRegression::new().tol(1e-8).fit(&x, &y).unwrap();
    assert!(penalized.report().converged());
    assert!(penalized.diagnostics().is_empty());
    assert!(
        penalized
            .coef()
            .iter()
            .all(|c| c.is_finite() && c.abs() < 10.0)
    );
}

#[test]
fn quasi_complete_separation_is_diagnosed() {
    // Rows at x₀ = 3 carry both classes; all others are separated by x₀ = 3.
    // The second feature is noise, equal on the two rows at x₀ = 3 so that it
    // cannot split them.
    let x = array![
        [0.0, 0.3],
        [1.0, -1.2],
        [2.0, 0.8],
        [3.0, 0.1],
        [3.0, 0.1],
        [4.0, 1.1],
        [5.0, -0.7],
        [6.0, 0.2]
    ];
    let y = array![0, 0, 0, 0, 1, 1, 1, 1];
    let model = unpenalized().fit(&x, &y).unwrap();
    assert_eq!(model.report().termination, Termination::Separation);
    match model.diagnostics() {
        [Diagnostic::QuasiSeparation { features, rows }] => {
            assert!(features.contains(&0), "{features:?}");
            assert_eq!(*rows, 6, "all rows but the two at x₀ = 3");
        }
        other => panic!("expected quasi-separation, got {other:?}"),
    }
}

#[test]
fn overlapping_classes_are_not_diagnosed() {
    let x = array![[0.0], [1.0], [2.0], [3.0], [4.0], [5.0]];
    let y = array![0, 1, 0, 1, 0, 1];
    let model = unpenalized().fit(&x, &y).unwrap();
    assert!(model.report().converged(), "{:?}", model.report());
    assert!(model.diagnostics().is_empty());
    let x = Array2::from_shape_fn((40, 2), |(i, j)| ((i * 7 + j * 3) % 11) as f64);
    let y = ndarray::Array1::from_shape_fn(40, |i| (i * 5 % 3 == 0) as i32);
    let model = unpenalized().fit(&x, &y).unwrap();
    assert!(model.diagnostics().is_empty(), "{:?}", model.diagnostics());
}

#[test]
fn multinomial_quasi_separation_is_diagnosed_at_any_tolerance() {
    // Iris by sepal length and width: setosa is separable from the others,
    // versicolor and virginica overlap, so the softmax MLE does not exist.
    let text = include_str!("../examples/data/iris.csv");
    let mut values = Vec::new();
    let mut labels = Vec::new();
    for line in text.lines().skip(1) {
        let fields: Vec<&str> = line.split(',').collect();
        values.push(fields[0].parse::<f64>().unwrap());
        values.push(fields[1].parse::<f64>().unwrap());
        labels.push(fields[4].to_string());
    }
    let x = Array2::from_shape_vec((labels.len(), 2), values).unwrap();
    let y = ndarray::Array1::from(labels);
    for tol in [1e-4, 1e-8, 1e-12] {
        let model = LogisticRegression::new()
            .penalty(Penalty::None)
            .tol(tol)
            .fit(&x, &y)
            .unwrap();
        assert_eq!(
            model.report().termination,
            Termination::Separation,
            "tol {tol}"
        );
        assert!(model.report().iterations <= 100);
        assert!(matches!(
            model.diagnostics(),
            [Diagnostic::QuasiSeparation { rows: 50, .. }]
        ));
    }
}
