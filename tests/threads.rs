//! Thread safety: models fitted concurrently from many threads, and
//! predictions from one shared fitted model in parallel, equal serial runs
//! bit for bit (the kernels reduce their chunks in a fixed order, so the
//! answer cannot depend on how threads are scheduled).

use crate::common;

use common::synthetic::correlated_problem;
use logreg::solver::{Adam, Lbfgs, Newton, Sgd};
use logreg::{FittedLogisticRegression, LogisticRegression, Multiclass};
use ndarray::{Array1, Array2, s};

/// Settings that exercise every solver family and both multiclass forms.
fn settings(which: usize) -> LogisticRegression<f64> {
    let base = LogisticRegression::new().c(0.5).tol(1e-8);
    match which % 6 {
        0 => base.solver(Newton::new()),
        1 => base.solver(Lbfgs::new()).multiclass(Multiclass::OneVsRest),
        2 => base.solver(Lbfgs::new()),
        3 => base.solver(Sgd::new().seed(7)).max_iter(20),
        4 => base.solver(Adam::new().seed(3)).max_iter(20),
        _ => base,
    }
}

/// Coefficients, intercepts and objective of a model, for exact comparison.
fn fingerprint(model: &FittedLogisticRegression<f64, usize>) -> (Array2<f64>, Array1<f64>, f64) {
    (
        model.coef().to_owned(),
        model.intercept().to_owned(),
        model.report().objective,
    )
}

#[test]
fn types_can_cross_threads() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<LogisticRegression<f64>>();
    send_sync::<LogisticRegression<f32>>();
    send_sync::<FittedLogisticRegression<f64, String>>();
    send_sync::<logreg::Summary<f64>>();
    send_sync::<logreg::Error>();
}

#[test]
fn concurrent_fits_equal_serial_fits() {
    // 3 classes so one-vs-rest and multinomial both run their parallel paths;
    // 30,000 rows so the kernels split the work across the rayon pool too.
    let (x, y) = correlated_problem(30_000, 8, 3, 41);
    let y = Array1::from(y);
    const FITS: usize = 12;
    let serial: Vec<_> = (0..FITS)
        .map(|i| fingerprint(&settings(i).fit(&x, &y).expect("valid data")))
        .collect();
    let concurrent: Vec<_> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..FITS)
            .map(|i| {
                let (x, y) = (&x, &y);
                scope.spawn(move || fingerprint(&settings(i).fit(x, y).expect("valid data")))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("no fit panics"))
            .collect()
    });
    for (i, (a, b)) in serial.iter().zip(&concurrent).enumerate() {
        assert_eq!(
            a,
            b,
            "fit {i} ({:?}) differs between serial and concurrent runs",
            settings(i)
        );
    }
}

#[test]
fn shared_model_predicts_the_same_from_many_threads() {
    let (x, y) = correlated_problem(20_000, 6, 4, 43);
    let model = LogisticRegression::new()
        .fit(&x, &Array1::from(y))
        .expect("valid data");
    let serial_proba = model.predict_proba(&x).expect("same features");
    let serial_labels = model.predict(&x).expect("same features");
    const THREADS: usize = 8;
    let rows = x.nrows() / THREADS;
    std::thread::scope(|scope| {
        for t in 0..THREADS {
            let (model, x, serial_proba, serial_labels) =
                (&model, &x, &serial_proba, &serial_labels);
            scope.spawn(move || {
                // Every thread predicts all rows, and its own slice separately.
                assert_eq!(
                    &model.predict_proba(x).expect("same features"),
                    serial_proba
                );
                assert_eq!(&model.predict(x).expect("same features"), serial_labels);
                let part = s![t * rows..(t + 1) * rows, ..];
                assert_eq!(
                    model.predict_proba(&x.slice(part)).expect("same features"),
                    serial_proba.slice(part)
                );
            });
        }
    });
}

/// Every prediction of a model as bits: scores, probabilities,
/// log-probabilities and labels.
fn prediction_bits(
    model: &FittedLogisticRegression<f64, usize>,
    x: &Array2<f64>,
) -> (Vec<u64>, Vec<u64>, Vec<u64>, Array1<usize>) {
    let bits = |a: Array2<f64>| a.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
    (
        bits(model.decision_function(x).expect("same features")),
        bits(model.predict_proba(x).expect("same features")),
        bits(model.predict_log_proba(x).expect("same features")),
        model.predict(x).expect("same features"),
    )
}

#[test]
fn predictions_do_not_depend_on_the_thread_count() {
    // 200,000 rows: over a thousand row chunks, so every pool size splits
    // them differently; binary, softmax and one-vs-rest models.
    let (x, y) = correlated_problem(200_000, 12, 3, 47);
    let binary: Array1<usize> = y.iter().map(|&c| usize::from(c == 2)).collect();
    let subset = s![..5_000, ..];
    let fit = |settings: LogisticRegression<f64>, y: &Array1<usize>| {
        settings
            .fit(&x.slice(subset), &y.slice(s![..5_000]))
            .expect("valid data")
    };
    let y = Array1::from(y.clone());
    let models = [
        fit(LogisticRegression::new(), &binary),
        fit(LogisticRegression::new(), &y),
        fit(
            LogisticRegression::new().multiclass(Multiclass::OneVsRest),
            &y,
        ),
    ];
    let in_pool = |threads: usize, model: &FittedLogisticRegression<f64, usize>| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("a thread pool")
            .install(|| prediction_bits(model, &x))
    };
    for (m, model) in models.iter().enumerate() {
        let sequential = in_pool(1, model);
        for threads in [2, 3, 8] {
            assert!(
                in_pool(threads, model) == sequential,
                "model {m}: predictions on {threads} threads differ from one thread's"
            );
        }
    }
}
