//! Warm starts: refitting from a converged model costs at most a step or two;
//! a mismatched model is a typed error.

use crate::common;

use approx::assert_abs_diff_eq;
use common::data::iris;
use logreg::solver::{Control, Progress};
use logreg::{Error, LogisticRegression, Multiclass, Termination};
use ndarray::{Axis, s};

#[test]
fn refitting_a_converged_model_takes_at_most_two_iterations() {
    let (x, y) = iris();
    for multiclass in [Multiclass::Multinomial, Multiclass::OneVsRest] {
        let settings = LogisticRegression::new().tol(1e-8).multiclass(multiclass);
        let cold = settings.fit(&x, &y).unwrap();
        assert!(cold.report().iterations > 2);
        let warm = settings.fit_from(&x, &y, &cold).unwrap();
        assert!(warm.report().converged());
        assert!(warm.report().iterations <= 2, "{:?}", warm.report());
        assert_abs_diff_eq!(warm.coef(), cold.coef(), epsilon = 1e-7);
    }
}

#[test]
fn a_warm_start_from_nearby_data_saves_iterations() {
    let (x, y) = iris();
    let settings = LogisticRegression::new().tol(1e-8);
    let first = settings
        .fit(&x.slice(s![..140, ..]), &y.slice(s![..140]))
        .unwrap();
    let cold = settings.fit(&x, &y).unwrap();
    let warm = settings.fit_from(&x, &y, &first).unwrap();
    assert!(warm.report().iterations < cold.report().iterations);
    assert_abs_diff_eq!(warm.coef(), cold.coef(), epsilon = 1e-6);
}

#[test]
fn a_mismatched_warm_start_is_an_error() {
    let (x, y) = iris();
    let multinomial = LogisticRegression::new().fit(&x, &y).unwrap();
    // Other features.
    let fewer = x.slice(s![.., ..3]);
    let error = LogisticRegression::new()
        .fit_from(&fewer, &y, &multinomial)
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::InvalidParameter {
                name: "warm_start",
                ..
            }
        ),
        "{error}"
    );
    // Other classes, same shape.
    let renamed = y.map(|s| format!("{s}!"));
    let error = LogisticRegression::new()
        .fit_from(&x, &renamed, &multinomial)
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::InvalidParameter {
                name: "warm_start",
                ..
            }
        ),
        "{error}"
    );
    // A binary model cannot start a three-class fit.
    let keep: Vec<usize> = (0..100).collect();
    let binary = LogisticRegression::new()
        .fit(&x.select(Axis(0), &keep), &y.select(Axis(0), &keep))
        .unwrap();
    let error = LogisticRegression::new()
        .fit_from(&x, &y, &binary)
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::InvalidParameter {
                name: "warm_start",
                ..
            }
        ),
        "{error}"
    );
}

#[test]
fn an_observer_sees_every_iteration_and_can_stop_the_fit() {
    let (x, y) = iris();
    let mut seen = Vec::new();
    let mut record = |p: &Progress<f64>| {
        seen.push(*p);
        Control::Continue
    };
    let model = LogisticRegression::new()
        .tol(1e-10)
        .fit_observed(&x, &y, None, &mut record)
        .unwrap();
    assert_eq!(seen.len(), model.report().iterations + 1);
    assert!(seen.windows(2).all(|w| w[1].objective <= w[0].objective));
    let mut stop_at_two = |p: &Progress<f64>| {
        if p.iteration == 2 {
            Control::Stop
        } else {
            Control::Continue
        }
    };
    let stopped = LogisticRegression::new()
        .tol(1e-10)
        .fit_observed(&x, &y, None, &mut stop_at_two)
        .unwrap();
    assert_eq!(stopped.report().termination, Termination::StoppedByObserver);
    assert_eq!(stopped.report().iterations, 2);
}
