//! Saving and loading fitted models with the `serde` feature (JSON via
//! serde_json): coefficients bit-identical, predictions identical, and bad
//! saved forms rejected with the message of a `logreg::Error`.
#![cfg(feature = "serde")]

use logreg::solver::{Adam, Newton, Sgd, Solver};
use logreg::{
    ClassWeight, Error, FittedLogisticRegression, LogisticRegression, Multiclass, Penalty,
    Termination,
};
use ndarray::{Array1, Array2, array};
use proptest::prelude::*;
use serde_json::{Value, json};

type Model<L> = FittedLogisticRegression<f64, L>;

fn iris_like() -> (Array2<f64>, Array1<String>) {
    let x = array![
        [5.1, 3.5, 1.4],
        [4.9, 3.0, 1.4],
        [4.7, 3.2, 1.3],
        [7.0, 3.2, 4.7],
        [6.4, 3.2, 4.5],
        [6.9, 3.1, 4.9],
        [6.3, 3.3, 6.0],
        [5.8, 2.7, 5.1],
        [7.1, 3.0, 5.9],
        [5.0, 3.4, 4.6],
        [6.0, 2.9, 1.5],
        [5.5, 2.5, 4.0],
    ];
    let y = [
        "setosa",
        "setosa",
        "setosa",
        "versicolor",
        "versicolor",
        "versicolor",
        "virginica",
        "virginica",
        "virginica",
        "virginica",
        "setosa",
        "versicolor",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    (x, y)
}

fn binary() -> (Array2<f64>, Array1<i32>) {
    (
        array![
            [0.0, 1.2],
            [1.0, 0.3],
            [2.0, 2.0],
            [3.0, 0.1],
            [4.0, 1.4],
            [5.0, 0.2],
            [6.0, 1.1],
            [7.0, 0.9]
        ],
        array![0, 1, 1, 0, 1, 0, 0, 1],
    )
}

fn bits<'a>(values: impl IntoIterator<Item = &'a f64>) -> Vec<u64> {
    values.into_iter().map(|v| v.to_bits()).collect()
}

/// Saves and loads `model` through JSON and checks that the loaded model is
/// the same model: classes, coefficients and intercepts bit for bit,
/// reports, diagnostics, and identical predictions on `x`.
fn round_trip<L>(model: &Model<L>, x: &Array2<f64>) -> Model<L>
where
    L: Clone + Ord + std::fmt::Debug + serde::Serialize + serde::de::DeserializeOwned,
{
    let text = serde_json::to_string(model).expect("serializable");
    let loaded: Model<L> = serde_json::from_str(&text).expect("a valid saved model");
    assert_eq!(loaded.classes(), model.classes());
    assert_eq!(bits(loaded.coef()), bits(model.coef()));
    assert_eq!(loaded.coef().dim(), model.coef().dim());
    assert_eq!(bits(loaded.intercept()), bits(model.intercept()));
    assert_eq!(loaded.report(), model.report());
    assert_eq!(loaded.reports(), model.reports());
    assert_eq!(loaded.diagnostics(), model.diagnostics());
    let (p, q) = (
        model.predict_proba(x).unwrap(),
        loaded.predict_proba(x).unwrap(),
    );
    assert_eq!(bits(&p), bits(&q));
    let (p, q) = (
        model.predict_log_proba(x).unwrap(),
        loaded.predict_log_proba(x).unwrap(),
    );
    assert_eq!(bits(&p), bits(&q));
    let (p, q) = (
        model.decision_function(x).unwrap(),
        loaded.decision_function(x).unwrap(),
    );
    assert_eq!(bits(&p), bits(&q));
    assert_eq!(model.predict(x).unwrap(), loaded.predict(x).unwrap());
    // Saving the loaded model gives the same text.
    assert_eq!(serde_json::to_string(&loaded).unwrap(), text);
    loaded
}

#[test]
fn binary_model_round_trips() {
    let (x, y) = binary();
    let model = LogisticRegression::new().c(10.0).fit(&x, &y).unwrap();
    round_trip(&model, &x);
}

#[test]
fn multinomial_and_one_vs_rest_round_trip() {
    let (x, y) = iris_like();
    for form in [Multiclass::Multinomial, Multiclass::OneVsRest] {
        let model = LogisticRegression::new()
            .multiclass(form)
            .fit(&x, &y)
            .unwrap();
        round_trip(&model, &x);
    }
}

#[test]
fn model_without_intercept_round_trips_and_keeps_fit_intercept() {
    let (x, y) = binary();
    let model = LogisticRegression::new()
        .fit_intercept(false)
        .penalty(Penalty::None)
        .fit(&x, &y)
        .unwrap();
    let loaded = round_trip(&model, &x);
    // Inference uses fit_intercept and alpha: the summaries agree.
    let before = model.summary(&x, &y).unwrap().to_string();
    let after = loaded.summary(&x, &y).unwrap().to_string();
    assert_eq!(before, after);
}

#[test]
fn unpenalized_summary_is_the_same_after_loading() {
    let (x, y) = binary();
    let model = LogisticRegression::new()
        .penalty(Penalty::None)
        .fit(&x, &y)
        .unwrap();
    let loaded = round_trip(&model, &x);
    assert_eq!(
        model.summary(&x, &y).unwrap().to_string(),
        loaded.summary(&x, &y).unwrap().to_string()
    );
}

#[test]
fn separation_diagnosis_round_trips() {
    let x = array![[0.0], [1.0], [2.0], [3.0], [4.0], [5.0]];
    let y = array![0, 0, 0, 1, 1, 1];
    let model = LogisticRegression::new()
        .penalty(Penalty::None)
        .fit(&x, &y)
        .unwrap();
    assert_eq!(model.report().termination, Termination::Separation);
    let loaded = round_trip(&model, &x);
    assert!(!loaded.diagnostics().is_empty());
}

#[test]
fn f32_model_round_trips_bit_for_bit() {
    let (x, y) = iris_like();
    let x = x.mapv(|v| v as f32);
    let model = LogisticRegression::<f32>::new().fit(&x, &y).unwrap();
    let text = serde_json::to_string(&model).unwrap();
    let loaded: FittedLogisticRegression<f32, String> = serde_json::from_str(&text).unwrap();
    let bits32 =
        |a: ndarray::ArrayView2<'_, f32>| a.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
    assert_eq!(bits32(loaded.coef()), bits32(model.coef()));
    assert_eq!(
        loaded
            .intercept()
            .iter()
            .map(|v| v.to_bits())
            .collect::<Vec<_>>(),
        model
            .intercept()
            .iter()
            .map(|v| v.to_bits())
            .collect::<Vec<_>>()
    );
    assert_eq!(
        bits32(loaded.predict_proba(&x).unwrap().view()),
        bits32(model.predict_proba(&x).unwrap().view())
    );
}

#[test]
fn the_saved_form_is_plain_and_versioned() {
    let (x, y) = iris_like();
    let model = LogisticRegression::new()
        .multiclass(Multiclass::OneVsRest)
        .fit(&x, &y)
        .unwrap();
    let value = serde_json::to_value(&model).unwrap();
    assert_eq!(value["format_version"], json!(3));
    assert_eq!(value["strategy"], json!("one_vs_rest"));
    assert_eq!(
        value["classes"],
        json!(["setosa", "versicolor", "virginica"])
    );
    assert_eq!(value["fit_intercept"], json!(true));
    assert_eq!(value["report"]["termination"], json!("converged"));
    assert_eq!(value["reports"].as_array().unwrap().len(), 3);
    assert_eq!(value["coef"]["dim"], json!([3, 3]));
    // The record of what the fit used is saved; a full-batch solver is not
    // (only `partial_fit` needs a solver again), nor is any settings object.
    assert_eq!(value["class_weight"], json!({"kind": "none"}));
    assert_eq!(value["penalty"], json!({"kind": "l2"}));
    assert_eq!(value["strength"], json!({"c": 1.0}));
    assert!(value.get("settings").is_none() && value.get("solver").is_none());
}

#[test]
fn a_loaded_model_has_default_settings_and_can_warm_start() {
    let (x, y) = binary();
    let settings = LogisticRegression::new().solver(Newton::new()).tol(1e-10);
    let model = settings.fit(&x, &y).unwrap();
    let loaded: Model<i32> = serde_json::from_str(&serde_json::to_string(&model).unwrap()).unwrap();
    let again = settings.fit_from(&x, &y, &loaded).unwrap();
    assert!(again.report().iterations <= 1, "{:?}", again.report());
    // The loaded model's solver is Auto, which cannot stream.
    let mut loaded = loaded;
    assert!(matches!(
        loaded.partial_fit(&x, &y),
        Err(Error::InvalidParameter { name: "solver", .. })
    ));
}

/// Loads `value` as a binary model and returns the error message.
fn load_error<L: serde::de::DeserializeOwned + Clone + Ord>(value: Value) -> String {
    match serde_json::from_value::<Model<L>>(value) {
        Ok(_) => panic!("the saved form must be rejected"),
        Err(error) => {
            assert!(error.is_data(), "{error}");
            error.to_string()
        }
    }
}

fn saved_binary() -> Value {
    let (x, y) = binary();
    let model = LogisticRegression::new().fit(&x, &y).unwrap();
    serde_json::to_value(&model).unwrap()
}

#[test]
fn a_future_format_version_is_rejected() {
    let mut value = saved_binary();
    value["format_version"] = json!(4);
    let message = load_error::<i32>(value.clone());
    assert!(
        message.contains("invalid setting format_version = 4"),
        "{message}"
    );
    // A newer format that also renamed fields still says it is newer.
    value.as_object_mut().unwrap().remove("coef");
    let message = load_error::<i32>(value);
    assert!(message.contains("format_version = 4"), "{message}");
}

#[test]
fn shape_mismatches_are_rejected() {
    let mut value = saved_binary();
    value["intercept"] = json!({"v": 1, "dim": [2], "data": [0.5, -0.5]});
    let expected = Error::LengthMismatch {
        what: "intercept",
        expected: 1,
        got: 2,
    };
    assert!(load_error::<i32>(value).contains(&expected.to_string()));

    let mut value = saved_binary();
    value["coef"] = json!({"v": 1, "dim": [2, 2], "data": [1.0, 2.0, 3.0, 4.0]});
    let message = load_error::<i32>(value);
    assert!(
        message.contains("invalid setting coef = shape (2, 2) for 2 classes"),
        "{message}"
    );

    let mut value = saved_binary();
    value["classes"] = json!([0, 1, 2]);
    let message = load_error::<i32>(value);
    assert!(message.contains("binary with 3 classes"), "{message}");

    let mut value = saved_binary();
    value["classes"] = json!([1, 0]);
    let message = load_error::<i32>(value);
    assert!(message.contains("invalid setting classes"), "{message}");

    let mut value = saved_binary();
    value["classes"] = json!([1]);
    let expected = Error::TooFewClasses { found: 1 };
    assert!(load_error::<i32>(value).contains(&expected.to_string()));

    // ndarray itself checks that the data fill the shape.
    let mut value = saved_binary();
    value["coef"] = json!({"v": 1, "dim": [1, 2], "data": [1.0]});
    load_error::<i32>(value);

    let mut value = saved_binary();
    value["strategy"] = json!("ovo");
    let message = load_error::<i32>(value);
    assert!(
        message.contains("invalid setting strategy = ovo"),
        "{message}"
    );
}

#[test]
fn non_finite_and_invalid_values_are_rejected() {
    // JSON has no NaN or infinity, but 1e39 overflows f32.
    let (x, y) = iris_like();
    let x = x.mapv(|v| v as f32);
    let model = LogisticRegression::<f32>::new().fit(&x, &y).unwrap();
    let mut value = serde_json::to_value(&model).unwrap();
    value["coef"]["data"][1] = json!(1e39);
    let expected = Error::NonFinite {
        what: "coef",
        index: 1,
    };
    match serde_json::from_value::<FittedLogisticRegression<f32, String>>(value) {
        Ok(_) => panic!("an infinite coefficient must be rejected"),
        Err(error) => assert!(error.to_string().contains(&expected.to_string()), "{error}"),
    }
    let mut value = serde_json::to_value(&model).unwrap();
    value["intercept"]["data"][0] = json!(-1e39);
    let expected = Error::NonFinite {
        what: "intercept",
        index: 0,
    };
    match serde_json::from_value::<FittedLogisticRegression<f32, String>>(value) {
        Ok(_) => panic!("an infinite intercept must be rejected"),
        Err(error) => assert!(error.to_string().contains(&expected.to_string()), "{error}"),
    }

    let mut value = saved_binary();
    value["alpha"] = json!(-1.0);
    let message = load_error::<i32>(value);
    assert!(message.contains("invalid setting alpha = -1"), "{message}");

    let mut value = saved_binary();
    value["report"]["termination"] = json!("bored");
    let message = load_error::<i32>(value);
    assert!(message.contains("report.termination = bored"), "{message}");

    let mut value = saved_binary();
    value["fit_intercept"] = json!(false);
    let message = load_error::<i32>(value);
    assert!(message.contains("invalid setting intercept"), "{message}");
}

#[test]
fn missing_report_values_load_as_nan() {
    let mut value = saved_binary();
    value["report"]["objective"] = Value::Null;
    let loaded: Model<i32> = serde_json::from_value(value).unwrap();
    assert!(loaded.report().objective.is_nan());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Any finite coefficients and intercepts, subnormals and extremes
    /// included, survive JSON bit for bit.
    #[test]
    fn any_finite_coefficients_survive_json(
        coef in prop::collection::vec(prop::num::f64::NORMAL | prop::num::f64::SUBNORMAL | prop::num::f64::ZERO, 2),
        intercept in prop::num::f64::NORMAL | prop::num::f64::SUBNORMAL | prop::num::f64::ZERO,
    ) {
        let mut value = saved_binary();
        value["coef"]["data"] = json!(coef);
        value["intercept"]["data"] = json!([intercept]);
        let loaded: Model<i32> = serde_json::from_value(value).expect("a valid saved model");
        prop_assert_eq!(bits(loaded.coef()), bits(&coef));
        prop_assert_eq!(loaded.intercept()[0].to_bits(), intercept.to_bits());
        let text = serde_json::to_string(&loaded).expect("serializable");
        let again: Model<i32> = serde_json::from_str(&text).expect("a valid saved model");
        prop_assert_eq!(bits(again.coef()), bits(&coef));
        prop_assert_eq!(again.intercept()[0].to_bits(), intercept.to_bits());
    }
}

#[test]
fn l1_and_standardized_fits_keep_their_penalty_through_a_round_trip() {
    let (x, y) = iris_like();
    for settings in [
        LogisticRegression::new().penalty(Penalty::L1).c(5.0),
        LogisticRegression::new().standardize(true),
    ] {
        let model = settings.fit(&x, &y).unwrap();
        let text = serde_json::to_string(&model).unwrap();
        let loaded: Model<String> = serde_json::from_str(&text).unwrap();
        assert_eq!(loaded.coef(), model.coef());
        assert_eq!(
            loaded.predict_proba(&x).unwrap(),
            model.predict_proba(&x).unwrap()
        );
        // Neither has a Wald summary, before or after saving.
        let before = model.summary(&x, &y).unwrap_err();
        assert_eq!(loaded.summary(&x, &y).unwrap_err(), before);
    }
    // A model saved before `l1` and `standardized` existed loads as L2.
    let model = LogisticRegression::new().fit(&x, &y).unwrap();
    let mut saved: Value = serde_json::to_value(&model).unwrap();
    let fields = saved.as_object_mut().unwrap();
    assert!(fields.remove("l1").is_some() && fields.remove("standardized").is_some());
    let loaded: Model<String> = serde_json::from_value(saved).unwrap();
    let (a, b) = (
        loaded.summary(&x, &y).unwrap(),
        model.summary(&x, &y).unwrap(),
    );
    assert_eq!(a.std_errors(), b.std_errors());
}

/// Rows with a minority class (4 of 16) and two features.
fn imbalanced() -> (Array2<f64>, Array1<i32>) {
    let x = Array2::from_shape_fn((16, 2), |(i, j)| {
        let t = i as f64;
        if j == 0 {
            t * 0.37 - 2.0
        } else {
            (t * 1.7).sin()
        }
    });
    let y = Array1::from_shape_fn(16, |i| i32::from(i % 4 == 3));
    (x, y)
}

/// Every promise of a loaded model against the saved one's: predictions,
/// score, summary (or its error), warm start, and a `partial_fit`
/// continuation (or its error), with bits compared.
fn assert_loaded_behaves_the_same(model: &Model<i32>, x: &Array2<f64>, y: &Array1<i32>) {
    let mut loaded = round_trip(model, x);
    assert_eq!(loaded.score(x, y).unwrap(), model.score(x, y).unwrap());
    match (model.summary(x, y), loaded.summary(x, y)) {
        (Ok(a), Ok(b)) => {
            assert_eq!(bits(a.std_errors()), bits(b.std_errors()));
            assert_eq!(a.log_likelihood().to_bits(), b.log_likelihood().to_bits());
            assert_eq!(a.to_string(), b.to_string());
        }
        (Err(a), Err(b)) => assert_eq!(a, b),
        (a, b) => panic!("summary before {a:?}, after {b:?}"),
    }
    let refit = LogisticRegression::new().tol(1e-10);
    let (warm, warm_loaded) = (
        refit.fit_from(x, y, model).unwrap(),
        refit.fit_from(x, y, &loaded).unwrap(),
    );
    assert_eq!(bits(warm.coef()), bits(warm_loaded.coef()));
    let mut original = model.clone();
    let chunk = (x.slice(ndarray::s![..8, ..]), y.slice(ndarray::s![..8]));
    match (
        original.partial_fit(&chunk.0, &chunk.1),
        loaded.partial_fit(&chunk.0, &chunk.1),
    ) {
        (Ok(()), Ok(())) => {
            assert_eq!(bits(original.coef()), bits(loaded.coef()));
            assert_eq!(bits(original.intercept()), bits(loaded.intercept()));
            assert_eq!(original.report(), loaded.report());
        }
        (Err(a), Err(b)) => assert_eq!(a, b),
        (a, b) => panic!("partial_fit before {a:?}, after {b:?}"),
    }
}

#[test]
fn a_class_weighted_standardized_l1_model_behaves_the_same_after_loading() {
    let (x, y) = imbalanced();
    let model = LogisticRegression::new()
        .penalty(Penalty::L1)
        .c(2.0)
        .class_weight(ClassWeight::Balanced)
        .standardize(true)
        .fit(&x, &y)
        .unwrap();
    assert!(model.coef().iter().any(|&w| w != 0.0));
    assert_loaded_behaves_the_same(&model, &x, &y);
}

#[test]
fn a_class_weighted_l2_model_behaves_the_same_after_loading() {
    let (x, y) = imbalanced();
    // Full batch: the summary depends on the class weights.
    let newton = LogisticRegression::new()
        .class_weight(ClassWeight::Manual(vec![1.0, 3.0]))
        .solver(Newton::new())
        .fit(&x, &y)
        .unwrap();
    assert_loaded_behaves_the_same(&newton, &x, &y);
    // Minibatch: partial_fit continues with the saved solver and its state.
    for solver in [
        Box::new(Sgd::new().average(true)) as Box<dyn Solver<f64>>,
        Box::new(Adam::new().batch_size(4)),
    ] {
        let streamed = LogisticRegression::new()
            .class_weight(ClassWeight::Balanced)
            .alpha(1e-2)
            .solver(solver)
            .fit(&x, &y)
            .unwrap();
        assert_loaded_behaves_the_same(&streamed, &x, &y);
    }
    // One-vs-rest keeps one optimizer state per class.
    let three = Array1::from_shape_fn(x.nrows(), |i| (i % 3) as i32);
    let ovr = LogisticRegression::new()
        .multiclass(Multiclass::OneVsRest)
        .solver(Sgd::new())
        .partial_fit(&x, &three, &[0, 1, 2])
        .unwrap();
    assert_loaded_behaves_the_same(&ovr, &x, &three);
}

#[test]
fn an_unpenalized_balanced_summary_is_the_same_after_loading() {
    // The case: before the fit record, a loaded model forgot its
    // class weights, so its summary changed (standard errors and
    // log-likelihood) although its coefficients did not.
    let (x, y) = imbalanced();
    let model = LogisticRegression::new()
        .penalty(Penalty::None)
        .class_weight(ClassWeight::Balanced)
        .fit(&x, &y)
        .unwrap();
    let loaded: Model<i32> = serde_json::from_str(&serde_json::to_string(&model).unwrap()).unwrap();
    let (a, b) = (
        model.summary(&x, &y).unwrap(),
        loaded.summary(&x, &y).unwrap(),
    );
    assert_eq!(bits(a.std_errors()), bits(b.std_errors()));
    assert_eq!(a.log_likelihood().to_bits(), b.log_likelihood().to_bits());
}

#[test]
fn a_version_1_file_still_loads() {
    // tests/data/model_v1.json was written by logreg at commit 222da8b
    // (format version 1) with serde_json::to_string_pretty: this fit on
    // these rows, class weights Balanced, standardize(true), tol 1e-10.
    let x = array![
        [0.0, 1.2],
        [1.0, 0.3],
        [2.0, 2.0],
        [3.0, 0.1],
        [4.0, 1.4],
        [5.0, 0.2],
        [6.0, 1.1],
        [7.0, 0.9],
        [1.5, 0.4],
        [2.5, 1.9],
        [3.5, 0.8],
        [4.5, 1.7]
    ];
    let y = array![0, 0, 0, 1, 0, 1, 1, 1, 0, 1, 0, 1];
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/model_v1.json"
    ))
    .unwrap();
    let saved: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(saved["format_version"], json!(1));
    let loaded: Model<i32> = serde_json::from_str(&text).unwrap();
    let today = LogisticRegression::new()
        .class_weight(ClassWeight::Balanced)
        .standardize(true)
        .tol(1e-10)
        .fit(&x, &y)
        .unwrap();
    // The same fit today gives the same bits: the saved model is that fit.
    // The file was written with the default (faer) linear algebra; LAPACK's
    // Cholesky rounds differently, so under `lapack` the fits agree to
    // rounding instead.
    if cfg!(feature = "lapack") {
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * (1.0 + b.abs());
        let (saved_coef, today_coef) = (loaded.coef(), today.coef());
        let (saved_b, today_b) = (loaded.intercept(), today.intercept());
        let pairs = saved_coef
            .iter()
            .zip(today_coef)
            .chain(saved_b.iter().zip(today_b));
        for (a, b) in pairs {
            assert!(close(*a, *b), "{a} vs {b}");
        }
        assert!(close(loaded.report().objective, today.report().objective));
    } else {
        assert_eq!(bits(loaded.coef()), bits(today.coef()));
        assert_eq!(bits(loaded.intercept()), bits(today.intercept()));
        // Version 1 files predate the evaluation count: it loads as 0.
        let mut expected = *today.report();
        assert!(expected.evaluations > expected.iterations);
        expected.evaluations = 0;
        assert_eq!(*loaded.report(), expected);
    }
    assert_eq!(loaded.predict(&x).unwrap(), today.predict(&x).unwrap());
    // Version 1 kept no class weights: the loaded model has none, so its
    // score and predictions agree but it is re-saved as version 3 without them.
    let again: Value = serde_json::to_value(&loaded).unwrap();
    assert_eq!(again["format_version"], json!(3));
    assert_eq!(again["class_weight"], json!({"kind": "none"}));
    assert_eq!(
        again["strength"],
        json!({"alpha": saved["alpha"].as_f64().unwrap()})
    );
}

#[test]
fn a_version_2_file_still_loads() {
    // tests/data/model_v2.json was written by logreg at commit be32a4a
    // (format version 2) with serde_json::to_string_pretty: this fit on
    // these rows (one-vs-rest, C = 0.5, tol 1e-10).
    let x = array![
        [0.0, 1.2],
        [1.0, 0.3],
        [2.0, 2.0],
        [3.0, 0.1],
        [4.0, 1.4],
        [5.0, 0.2],
        [6.0, 1.1],
        [7.0, 0.9],
        [1.5, 0.4],
        [2.5, 1.9],
        [3.5, 0.8],
        [4.5, 1.7]
    ];
    let y = array!["a", "b", "c", "a", "b", "c", "a", "b", "c", "c", "a", "b"].mapv(String::from);
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/model_v2.json"
    ))
    .unwrap();
    let saved: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(saved["format_version"], json!(2));
    let loaded: Model<String> = serde_json::from_str(&text).unwrap();
    let today = LogisticRegression::new()
        .multiclass(Multiclass::OneVsRest)
        .c(0.5)
        .tol(1e-10)
        .fit(&x, &y)
        .unwrap();
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * (1.0 + b.abs());
    for (a, b) in loaded.coef().iter().zip(today.coef()) {
        assert!(close(*a, *b), "{a} vs {b}");
    }
    assert_eq!(loaded.predict(&x).unwrap(), today.predict(&x).unwrap());
    assert_eq!(loaded.feature_names(), None);
    let again: Value = serde_json::to_value(&loaded).unwrap();
    assert_eq!(again["format_version"], json!(3));
    assert!(again.get("feature_names").is_none() && again.get("required_tol").is_none());
}

#[test]
fn feature_names_and_required_convergence_are_saved() {
    let (x, y) = binary();
    let model = LogisticRegression::new()
        .feature_names(["a", "b"])
        .require_convergence(true)
        .tol(1e-8)
        .fit(&x, &y)
        .unwrap();
    let value = serde_json::to_value(&model).unwrap();
    assert_eq!(value["feature_names"], json!(["a", "b"]));
    assert_eq!(value["required_tol"], json!(1e-8));
    let loaded: Model<i32> = serde_json::from_value(value.clone()).unwrap();
    assert_eq!(loaded.feature_names(), model.feature_names());
    assert_eq!(loaded.to_string(), model.to_string());
    let mut wrong = value;
    wrong["feature_names"] = json!(["only one"]);
    let message = load_error::<i32>(wrong);
    assert!(message.contains("feature_names"), "{message}");
}

/// Firth's fit on the separated data of tests/inference_firth.rs.
fn firth_separated() -> (Array2<f64>, Array1<i64>) {
    let (x, y) =
        crate::common::data::read_csv(include_str!("data/firth_separated.csv"), &["x0", "x1"], "y");
    (x, y.iter().map(|v| v.parse().expect("0 or 1")).collect())
}

#[test]
fn a_firth_fit_and_its_penalized_inference_round_trip() {
    use crate::firth_values::{SEPARATED_PARAMS, SEPARATED_WEIGHTED_WEIGHTS};
    let (x, y) = firth_separated();
    let settings = LogisticRegression::new()
        .penalty(Penalty::Firth)
        .tol(1e-11)
        .max_iter(2000)
        .feature_names(["x0", "x1"]);
    let w = Array1::from(SEPARATED_WEIGHTED_WEIGHTS.to_vec());
    for weighted in [false, true] {
        let (model, weights) = if weighted {
            (settings.fit_weighted(&x, &y, &w).unwrap(), w.clone())
        } else {
            (settings.fit(&x, &y).unwrap(), Array1::ones(y.len()))
        };
        let loaded = round_trip(&model, &x);
        let value = serde_json::to_value(&loaded).unwrap();
        assert_eq!(value["penalty"], json!({"kind": "firth"}));
        let (before, after) = (
            model.summary_weighted(&x, &y, &weights).unwrap(),
            loaded.summary_weighted(&x, &y, &weights).unwrap(),
        );
        // The loaded model's inference is the penalized one, bit for bit.
        assert_eq!(after.to_string(), before.to_string());
        assert!(after.to_string().contains("Firth"));
        assert_eq!(bits(after.params()), bits(before.params()));
        assert_eq!(bits(after.std_errors()), bits(before.std_errors()));
        assert_eq!(bits(&after.p_values()), bits(&before.p_values()));
        let penalized = |s: &logreg::Summary<f64>| s.penalized_log_likelihood().unwrap().to_bits();
        assert_eq!(penalized(&after), penalized(&before));
        assert_eq!(
            bits(&after.lr_p_values().unwrap()),
            bits(&before.lr_p_values().unwrap())
        );
        let ((low_a, high_a), (low_b, high_b)) = (
            after.profile_conf_int(0.95).unwrap(),
            before.profile_conf_int(0.95).unwrap(),
        );
        assert_eq!(bits(&low_a), bits(&low_b));
        assert_eq!(bits(&high_a), bits(&high_b));
        if !weighted {
            // Still firthmodels' estimate (tests/firth_values.rs).
            let gap = after
                .params()
                .iter()
                .zip(SEPARATED_PARAMS)
                .fold(0.0_f64, |m, (a, b)| m.max((a - b).abs() / b.abs()));
            assert!(gap < 1e-6, "{gap}");
        }
        // The saved penalty is what makes the inference penalized: saved
        // as unpenalized, the same coefficients get maximum-likelihood
        // standard errors and no penalized log-likelihood.
        let mut edited = value.clone();
        edited["penalty"] = json!({"kind": "none"});
        let unpenalized: Model<i64> = serde_json::from_value(edited).unwrap();
        let plain = unpenalized.summary_weighted(&x, &y, &weights).unwrap();
        assert!(plain.penalized_log_likelihood().is_none());
        assert_ne!(bits(plain.std_errors()), bits(before.std_errors()));
    }
}
