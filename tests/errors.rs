//! Every bad input gets a specific typed error with a message that says what
//! to fix, and never a panic.

use logreg::{ClassWeight, Error, LogisticRegression};
use ndarray::{Array1, Array2, array};

fn data() -> (Array2<f64>, Array1<i32>) {
    (
        array![[0.0, 1.0], [1.0, 0.0], [2.0, 1.5], [3.0, 0.5]],
        array![0, 1, 0, 1],
    )
}

/// Fits with the given settings on `data()` and returns the error.
fn fit_error(model: LogisticRegression<f64>) -> Error {
    let (x, y) = data();
    model.fit(&x, &y).expect_err("the fit must be rejected")
}

fn invalid_parameter(error: &Error) -> &'static str {
    match error {
        Error::InvalidParameter { name, .. } => name,
        other => panic!("expected InvalidParameter, got {other:?}"),
    }
}

#[test]
fn rejects_empty_data() {
    let x = Array2::<f64>::zeros((0, 2));
    let y = Array1::<i32>::zeros(0);
    let error = LogisticRegression::new().fit(&x, &y).unwrap_err();
    assert_eq!(error, Error::EmptyData);
    assert!(error.to_string().contains("no rows"));
}

#[test]
fn rejects_zero_features() {
    let x = Array2::<f64>::zeros((4, 0));
    let y = array![0, 1, 0, 1];
    let error = LogisticRegression::new().fit(&x, &y).unwrap_err();
    assert_eq!(error, Error::NoFeatures { rows: 4 });
}

#[test]
fn rejects_one_class() {
    let (x, _) = data();
    let y = array!["a", "a", "a", "a"];
    let error = LogisticRegression::new().fit(&x, &y).unwrap_err();
    assert_eq!(error, Error::TooFewClasses { found: 1 });
    assert!(error.to_string().contains("at least two classes"));
}

#[test]
fn rejects_mismatched_lengths() {
    let (x, _) = data();
    let y = array![0, 1, 0];
    let error = LogisticRegression::new().fit(&x, &y).unwrap_err();
    assert_eq!(
        error,
        Error::LengthMismatch {
            what: "y",
            expected: 4,
            got: 3
        }
    );
    let (x, y) = data();
    let w = array![1.0, 1.0];
    let error = LogisticRegression::new()
        .fit_weighted(&x, &y, &w)
        .unwrap_err();
    assert!(matches!(
        error,
        Error::LengthMismatch {
            what: "sample_weight",
            expected: 4,
            got: 2
        }
    ));
}

#[test]
fn rejects_nan_and_inf_in_x() {
    let (_, y) = data();
    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let (mut x, _) = data();
        x[(2, 1)] = bad;
        let error = LogisticRegression::new().fit(&x, &y).unwrap_err();
        assert_eq!(
            error,
            Error::NonFinite {
                what: "x",
                index: 5
            }
        );
        assert!(error.to_string().contains("non-finite"));
    }
}

#[test]
fn rejects_bad_sample_weights() {
    let (x, y) = data();
    let nan = array![1.0, f64::NAN, 1.0, 1.0];
    let error = LogisticRegression::new()
        .fit_weighted(&x, &y, &nan)
        .unwrap_err();
    assert_eq!(
        error,
        Error::NonFinite {
            what: "sample_weight",
            index: 1
        }
    );
    let inf = array![1.0, 1.0, f64::INFINITY, 1.0];
    assert!(matches!(
        LogisticRegression::new().fit_weighted(&x, &y, &inf),
        Err(Error::NonFinite { .. })
    ));
    let negative = array![1.0, 1.0, -0.5, 1.0];
    let error = LogisticRegression::new()
        .fit_weighted(&x, &y, &negative)
        .unwrap_err();
    assert!(matches!(error, Error::NegativeWeight { index: 2, .. }));
    assert!(error.to_string().contains("≥ 0"));
    let zeros = Array1::<f64>::zeros(4);
    let error = LogisticRegression::new()
        .fit_weighted(&x, &y, &zeros)
        .unwrap_err();
    assert_eq!(error, Error::ZeroTotalWeight);
}

#[test]
fn rejects_bad_class_weights() {
    let error = fit_error(LogisticRegression::new().class_weight(ClassWeight::Manual(vec![1.0])));
    assert!(matches!(
        error,
        Error::LengthMismatch {
            expected: 2,
            got: 1,
            ..
        }
    ));
    let error =
        fit_error(LogisticRegression::new().class_weight(ClassWeight::Manual(vec![1.0, -1.0])));
    assert!(matches!(error, Error::NegativeWeight { index: 1, .. }));
    let error =
        fit_error(LogisticRegression::new().class_weight(ClassWeight::Manual(vec![f64::NAN, 1.0])));
    assert!(matches!(error, Error::NonFinite { index: 0, .. }));
    let error =
        fit_error(LogisticRegression::new().class_weight(ClassWeight::Manual(vec![0.0, 0.0])));
    assert_eq!(error, Error::ZeroTotalWeight);
}

#[test]
fn rejects_bad_c() {
    for c in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        let error = fit_error(LogisticRegression::new().c(c));
        assert_eq!(invalid_parameter(&error), "C");
        assert!(error.to_string().contains("> 0"), "{error}");
    }
}

#[test]
fn rejects_bad_alpha() {
    for alpha in [-1e-3, f64::NAN, f64::INFINITY] {
        assert_eq!(
            invalid_parameter(&fit_error(LogisticRegression::new().alpha(alpha))),
            "alpha"
        );
    }
    let (x, y) = data();
    assert!(LogisticRegression::new().alpha(0.0).fit(&x, &y).is_ok());
}

#[test]
fn rejects_bad_tol_and_max_iter() {
    for tol in [0.0, -1e-4, f64::NAN] {
        assert_eq!(
            invalid_parameter(&fit_error(LogisticRegression::new().tol(tol))),
            "tol"
        );
    }
    assert_eq!(
        invalid_parameter(&fit_error(LogisticRegression::new().max_iter(0))),
        "max_iter"
    );
}

#[test]
fn predicting_checks_the_features() {
    let (x, y) = data();
    let model = LogisticRegression::new().fit(&x, &y).unwrap();
    let wrong = Array2::<f64>::zeros((3, 5));
    let expected = Error::FeatureMismatch {
        expected: 2,
        got: 5,
    };
    assert_eq!(model.decision_function(&wrong).unwrap_err(), expected);
    assert_eq!(model.predict_proba(&wrong).unwrap_err(), expected);
    assert_eq!(model.predict_log_proba(&wrong).unwrap_err(), expected);
    assert_eq!(model.predict(&wrong).unwrap_err(), expected);
    assert_eq!(model.score(&wrong, &array![0, 1, 0]).unwrap_err(), expected);
    assert!(expected.to_string().contains("fitted with 2"));
    let nan = array![[f64::NAN, 0.0]];
    assert!(matches!(
        model.predict(&nan),
        Err(Error::NonFinite { what: "x", .. })
    ));
    assert!(matches!(
        model.score(&x, &array![0, 1]),
        Err(Error::LengthMismatch { what: "y", .. })
    ));
}

#[test]
fn errors_are_std_errors() {
    fn is_error<E: std::error::Error + Send + Sync + 'static>(_: &E) {}
    is_error(&Error::EmptyData);
}
