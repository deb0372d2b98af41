//! What a new user meets on the first day: `require_convergence`, feature
//! names kept through fits, paths, cross-validation and summaries, the
//! coefficient table, diagnostics in words, and the `.c()`/`.alpha()` rule.

use logreg::solver::{GradientDescent, LearningRate, Sgd};
use logreg::{
    Alphas, CrossValidation, Diagnostic, Error, LogisticRegression, Penalty, Termination,
};
use ndarray::{Array1, Array2, array};

fn data() -> (Array2<f64>, Array1<i32>) {
    let x = Array2::from_shape_fn((60, 3), |(i, j)| {
        ((i * (j + 2) * 7) % 17) as f64 / 17.0 - 0.5 + 0.1 * j as f64
    });
    // The sign of a linear score, flipped on every seventh row: not separable.
    let y = (0..60)
        .map(|i| i32::from((x[(i, 0)] - 0.5 * x[(i, 1)] > 0.0) != (i % 7 == 0)))
        .collect();
    (x, y)
}

fn not_converged(result: Result<impl std::fmt::Debug, Error>) -> logreg::FitReport<f64> {
    match result {
        Err(Error::NotConverged { report, .. }) => report,
        other => panic!("expected NotConverged, got {other:?}"),
    }
}

#[test]
fn require_convergence_turns_every_unfinished_fit_into_an_error() {
    let (x, y) = data();
    let capped = LogisticRegression::new()
        .solver(GradientDescent::new())
        .tol(1e-12)
        .max_iter(2);
    // Without the setting the fit is returned and says where it stopped.
    let model = capped.fit(&x, &y).unwrap();
    assert_eq!(model.report().termination, Termination::MaxIterations);
    let strict = capped.clone().require_convergence(true);
    let report = not_converged(strict.fit(&x, &y));
    assert_eq!(report, model.report().to_f64());
    let w = Array1::ones(60);
    not_converged(strict.fit_weighted(&x, &y, &w));
    let sparse = sprs::CsMat::csr_from_dense(x.view(), 0.0);
    not_converged(strict.fit_csr(&sparse, &y));
    // The message says what happened and what to do.
    let message = strict.fit(&x, &y).unwrap_err().to_string();
    assert!(
        message.contains("MaxIterations after 2 iterations"),
        "{message}"
    );
    assert!(message.contains("raise max_iter"), "{message}");
    // A converged fit passes.
    let fine = LogisticRegression::new()
        .require_convergence(true)
        .fit(&x, &y)
        .unwrap();
    assert!(fine.report().converged());
    // Separation is not convergence either.
    let separable = array![0, 0, 0, 1, 1, 1];
    let line = array![[0.0], [1.0], [2.0], [3.0], [4.0], [5.0]];
    let mle = LogisticRegression::new()
        .penalty(Penalty::None)
        .require_convergence(true);
    assert_eq!(
        not_converged(mle.fit(&line, &separable)).termination,
        Termination::Separation
    );
}

#[test]
fn require_convergence_covers_paths_cross_validation_and_streaming() {
    let (x, y) = data();
    let lasso = LogisticRegression::new()
        .penalty(Penalty::L1)
        .tol(1e-14)
        .max_iter(1);
    assert!(lasso.path(&x, &y, &Alphas::auto(5)).is_ok());
    let strict = lasso.require_convergence(true);
    not_converged(strict.path(&x, &y, &Alphas::auto(5)));
    not_converged(
        CrossValidation::new(strict)
            .folds(3)
            .alphas(Alphas::auto(5))
            .fit(&x, &y),
    );
    // partial_fit: a pass that diverges (and is undone) is an error.
    let huge = Sgd::new().learning_rate(LearningRate::Constant(1e300));
    let settings = LogisticRegression::new().solver(huge);
    let xs = array![[41.0_f64], [96.0], [-1.0], [3.0]];
    let ys = array![1, 2, 1, 2];
    let model = settings.partial_fit(&xs, &ys, &[1, 2]).unwrap();
    assert_eq!(model.report().termination, Termination::NumericalFailure);
    let report = not_converged(
        settings
            .require_convergence(true)
            .partial_fit(&xs, &ys, &[1, 2]),
    );
    assert_eq!(report.termination, Termination::NumericalFailure);
}

#[test]
fn feature_names_are_kept_through_fits_paths_cross_validation_and_summaries() {
    let (x, y) = data();
    let names = ["dose", "age", "weight"];
    let settings = LogisticRegression::new().feature_names(names);
    let expected: Vec<String> = names.iter().map(|s| s.to_string()).collect();
    let model = settings.fit(&x, &y).unwrap();
    assert_eq!(model.feature_names(), Some(&expected[..]));
    let sparse = sprs::CsMat::csr_from_dense(x.view(), 0.0);
    assert_eq!(
        settings.fit_csr(&sparse, &y).unwrap().feature_names(),
        Some(&expected[..])
    );
    let lasso = settings.clone().penalty(Penalty::L1);
    let path = lasso.path(&x, &y, &Alphas::auto(4)).unwrap();
    assert!(
        path.models()
            .iter()
            .all(|m| m.feature_names() == Some(&expected[..]))
    );
    let cv = CrossValidation::new(lasso)
        .folds(3)
        .alphas(Alphas::auto(4))
        .fit(&x, &y)
        .unwrap();
    assert_eq!(cv.model().feature_names(), Some(&expected[..]));
    let summary = LogisticRegression::new()
        .penalty(Penalty::None)
        .feature_names(names)
        .fit(&x, &y)
        .unwrap()
        .summary(&x, &y)
        .unwrap()
        .to_string();
    for name in names {
        assert!(
            summary.lines().any(|l| l.trim_start().starts_with(name)),
            "{name}: {summary}"
        );
    }
    // One name per column, checked by every entry point.
    let two = LogisticRegression::new().feature_names(["a", "b"]);
    for err in [
        two.fit(&x, &y).map(drop).unwrap_err(),
        two.fit_csr(&sparse, &y).map(drop).unwrap_err(),
        two.clone()
            .penalty(Penalty::L1)
            .path(&x, &y, &Alphas::auto(3))
            .map(drop)
            .unwrap_err(),
    ] {
        assert_eq!(
            err,
            Error::LengthMismatch {
                what: "feature_names",
                expected: 3,
                got: 2
            }
        );
    }
}

#[test]
fn the_coefficient_table_names_features_and_warns() {
    let (x, y) = data();
    let model = LogisticRegression::new()
        .feature_names(["dose", "age", "weight"])
        .fit(&x, &y)
        .unwrap();
    let table = model.to_string();
    let row = |name: &str| -> f64 {
        let line = table
            .lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_else(|| panic!("{table}"));
        line.split_whitespace().last().unwrap().parse().unwrap()
    };
    assert!(
        (row("intercept") - model.intercept()[0]).abs() < 1e-6,
        "{table}"
    );
    assert!((row("age") - model.coef()[(0, 1)]).abs() < 1e-6, "{table}");
    assert!(!table.contains("Warning"), "{table}");
    let capped = LogisticRegression::new()
        .solver(GradientDescent::new())
        .max_iter(2)
        .fit(&x, &y)
        .unwrap();
    let table = capped.to_string();
    assert!(
        table.contains("Warning: the fit did not converge (MaxIterations)"),
        "{table}"
    );
    assert!(table.lines().any(|l| l.starts_with("x2")), "{table}");
    // Tiny values switch to scientific notation rather than printing 0.000000.
    let tiny = LogisticRegression::new().alpha(1e9).fit(&x, &y).unwrap();
    assert!(tiny.coef()[(0, 0)].abs() < 1e-4 && tiny.coef()[(0, 0)] != 0.0);
    assert!(tiny.to_string().contains("e-"), "{}", tiny.to_string());
}

#[test]
fn diagnostics_speak_in_feature_names() {
    let x = array![[0.0_f64, 5.0], [1.0, 3.0], [2.0, 4.0], [3.0, 3.0]];
    let y = array![0, 0, 1, 1];
    let model = LogisticRegression::new()
        .penalty(Penalty::None)
        .feature_names(["dose", "age"])
        .fit(&x, &y)
        .unwrap();
    let Diagnostic::CompleteSeparation { features } = &model.diagnostics()[0] else {
        panic!("{:?}", model.diagnostics());
    };
    let said = model.describe_diagnostics();
    assert!(said[0].contains("dose"), "{said:?}");
    assert_eq!(features.contains(&1), said[0].contains("age"), "{said:?}");
    assert!(model.diagnostics()[0].to_string().contains("x0"));
    assert!(model.to_string().contains("Warning: complete separation"));
}

#[test]
fn c_and_alpha_set_one_strength_and_the_last_call_wins() {
    let (x, y) = data();
    let by_alpha = LogisticRegression::new().alpha(0.05).fit(&x, &y).unwrap();
    let c_then_alpha = LogisticRegression::new()
        .c(100.0)
        .alpha(0.05)
        .fit(&x, &y)
        .unwrap();
    assert_eq!(by_alpha.coef(), c_then_alpha.coef());
    let by_c = LogisticRegression::new().c(100.0).fit(&x, &y).unwrap();
    let alpha_then_c = LogisticRegression::new()
        .alpha(0.05)
        .c(100.0)
        .fit(&x, &y)
        .unwrap();
    assert_eq!(by_c.coef(), alpha_then_c.coef());
}

#[test]
fn weighted_observed_and_scored_csr_fits_equal_the_dense_ones() {
    use logreg::solver::{Control, Progress};
    let (mut x, y) = data();
    x.mapv_inplace(|v| if v.abs() < 0.15 { 0.0 } else { v }); // some zeros
    let sparse = sprs::CsMat::csr_from_dense(x.view(), 0.0);
    assert!(sparse.nnz() < x.len());
    let w = Array1::from_shape_fn(60, |i| 0.5 + (i % 4) as f64);
    let settings = LogisticRegression::new().tol(1e-10);
    let dense = settings.fit_weighted(&x, &y, &w).unwrap();
    let from_sparse = settings.fit_csr_weighted(&sparse, &y, &w).unwrap();
    for (a, b) in dense.coef().iter().zip(from_sparse.coef()) {
        assert!((a - b).abs() < 1e-8, "{a} vs {b}");
    }
    let unweighted = settings.fit_csr(&sparse, &y).unwrap();
    assert!((unweighted.coef()[(0, 0)] - from_sparse.coef()[(0, 0)]).abs() > 1e-6);
    let mut objectives = Vec::new();
    let mut record = |p: &Progress<f64>| {
        objectives.push(p.objective);
        Control::Continue
    };
    let observed = settings
        .fit_csr_observed(&sparse, &y, Some(w.view()), &mut record)
        .unwrap();
    assert!(objectives.len() >= observed.report().iterations);
    assert!(objectives.windows(2).all(|w| w[1] <= w[0]));
    assert!((objectives.last().unwrap() - observed.report().objective).abs() < 1e-12);
    assert_eq!(observed.coef(), from_sparse.coef());
    assert_eq!(
        from_sparse.score_csr(&sparse, &y).unwrap(),
        from_sparse.score(&x, &y).unwrap()
    );
    assert!(matches!(
        from_sparse.score_csr(&sparse, &y.slice(ndarray::s![..5])),
        Err(Error::LengthMismatch { what: "y", .. })
    ));
}

/// `err`'s message names `name` (quoted) as well as the column index.
fn names_column(err: &Error, name: &str, what: &str) {
    let text = err.to_string();
    assert!(text.contains(&format!("\"{name}\"")), "{what}: {text}");
}

#[test]
fn every_entry_point_names_the_column_in_its_errors() {
    use logreg::solver::Adam;
    use sprs::{CsMat, TriMat};
    let (x, y) = data();
    let names = ["dose", "age", "weight"];
    let settings = LogisticRegression::new().feature_names(names);
    let mut nan = x.clone();
    nan[(4, 1)] = f64::NAN;
    // csr_from_dense drops a NaN (it stores |v| > 0): build it by hand.
    let mut triplets = TriMat::new(nan.dim());
    for ((i, j), &v) in nan.indexed_iter() {
        if v != 0.0 {
            triplets.add_triplet(i, j, v);
        }
    }
    let nan_csr: CsMat<f64> = triplets.to_csr();
    let age = Error::NonFiniteEntry {
        what: "x",
        row: 4,
        column: 1,
        feature: Some("age".into()),
    };
    let streaming = settings.clone().solver(Adam::new());
    let lasso = settings.clone().penalty(Penalty::L1);
    let from_settings = [
        ("fit", settings.fit(&nan, &y).map(drop)),
        (
            "fit_weighted",
            settings.fit_weighted(&nan, &y, &Array1::ones(60)).map(drop),
        ),
        ("fit_csr", settings.fit_csr(&nan_csr, &y).map(drop)),
        ("path", lasso.path(&nan, &y, &Alphas::auto(3)).map(drop)),
        (
            "cross-validation",
            CrossValidation::new(lasso.clone())
                .folds(3)
                .fit(&nan, &y)
                .map(drop),
        ),
        (
            "partial_fit",
            streaming.partial_fit(&nan, &y, &[0, 1]).map(drop),
        ),
        (
            "partial_fit_csr",
            streaming.partial_fit_csr(&nan_csr, &y, &[0, 1]).map(drop),
        ),
    ];
    for (what, result) in from_settings {
        let err = result.unwrap_err();
        assert_eq!(err, age, "{what}");
        names_column(&err, "age", what);
    }
    // The fitted model's own entry points, with names from the settings
    // and from `with_feature_names`.
    let from_settings = settings.fit(&x, &y).unwrap();
    let named_later = LogisticRegression::new()
        .fit(&x, &y)
        .unwrap()
        .with_feature_names(names)
        .unwrap();
    let mut stream = streaming.partial_fit(&x, &y, &[0, 1]).unwrap();
    assert_eq!(stream.partial_fit(&nan, &y).unwrap_err(), age);
    assert_eq!(stream.partial_fit_csr(&nan_csr, &y).unwrap_err(), age);
    for model in [&from_settings, &named_later] {
        for (what, result) in [
            ("predict", model.predict(&nan).map(drop)),
            ("predict_proba", model.predict_proba(&nan).map(drop)),
            (
                "decision_function_csr",
                model.decision_function_csr(&nan_csr).map(drop),
            ),
            ("score", model.score(&nan, &y).map(drop)),
            ("summary", model.summary(&nan, &y).map(drop)),
        ] {
            assert_eq!(result.unwrap_err(), age, "{what}");
        }
        // A mismatch lists the features the model was fitted with.
        let narrow = x.slice(ndarray::s![.., ..2]);
        let err = model.predict(&narrow).unwrap_err();
        assert_eq!(
            err,
            Error::FeatureMismatch {
                expected: 3,
                got: 2,
                names: names.map(String::from).to_vec(),
            }
        );
        assert!(
            err.to_string()
                .contains("fitted with 3 (\"dose\", \"age\", \"weight\")"),
            "{err}"
        );
        let err = model
            .decision_function_csr(&CsMat::csr_from_dense(narrow, 0.0))
            .unwrap_err();
        assert!(matches!(err, Error::FeatureMismatch { ref names, .. } if names.len() == 3));
    }
    // Summaries: collinear and separating columns by name.
    let mle = LogisticRegression::new()
        .penalty(Penalty::None)
        .feature_names(["dose", "age", "age again"]);
    let mut duplicated = x.clone();
    duplicated.column_mut(2).assign(&x.column(1));
    let err = mle
        .fit(&duplicated, &y)
        .unwrap()
        .summary(&duplicated, &y)
        .unwrap_err();
    assert_eq!(
        err,
        Error::Collinear {
            features: vec![2],
            names: vec!["age again".into()]
        }
    );
    names_column(&err, "age again", "collinear");
    let separated: Array1<i32> = x.column(0).mapv(|v| i32::from(v > 0.0));
    let err = mle
        .fit(&x, &separated)
        .unwrap()
        .summary(&x, &separated)
        .unwrap_err();
    match &err {
        Error::PerfectSeparation { features, names } => {
            assert!(features.contains(&0), "{err}");
            assert_eq!(names.len(), features.len());
            assert_eq!(names[0], "dose");
        }
        other => panic!("expected PerfectSeparation, got {other}"),
    }
    names_column(&err, "dose", "separation");
    // One-vs-rest summaries name the columns too.
    let three: Array1<i32> = (0..60).map(|i| i % 3).collect();
    let ovr = mle
        .clone()
        .multiclass(logreg::Multiclass::OneVsRest)
        .fit(&duplicated, &three)
        .unwrap();
    let err = ovr.summaries(&duplicated, &three).unwrap_err();
    assert!(
        matches!(err, Error::Collinear { ref names, .. } if names == &["age again"]),
        "{err}"
    );
    // Names that do not fit the data name nothing (the length error comes later).
    let two = LogisticRegression::new().feature_names(["a", "b"]);
    assert!(matches!(
        two.fit(&nan, &y).unwrap_err(),
        Error::NonFiniteEntry { feature: None, .. }
    ));
}
