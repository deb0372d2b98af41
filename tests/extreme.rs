//! Extreme but valid data: every fit ends (within a time limit) with finite
//! coefficients and probabilities, and unpenalized fits of separable data
//! are diagnosed instead of running off.

use crate::common::assert_finite_parameters;
use logreg::solver::{Lbfgs, Newton, Solver};
use logreg::{
    Diagnostic, FittedLogisticRegression, LogisticRegression, Multiclass, Penalty, Termination,
};
use ndarray::{Array1, Array2, Axis, array, concatenate};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Runs `work` on another thread and fails the test if it takes longer than
/// `limit` (a hang fails the test instead of stalling the run).
fn within<T: Send + 'static>(limit: Duration, work: impl FnOnce() -> T + Send + 'static) -> T {
    let (send, receive) = mpsc::channel();
    let start = Instant::now();
    std::thread::spawn(move || {
        let _ = send.send(work());
    });
    match receive.recv_timeout(limit) {
        Ok(value) => {
            println!("took {:.2?}", start.elapsed());
            value
        }
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("did not finish within {limit:?}"),
        Err(mpsc::RecvTimeoutError::Disconnected) => panic!("the fit panicked"),
    }
}

const LIMIT: Duration = Duration::from_secs(120);

/// Deterministic pseudo-random numbers in [0, 1) (SplitMix64).
struct Rng(u64);

impl Rng {
    fn uniform(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }

    fn normal(&mut self) -> f64 {
        let (u, v) = (self.uniform().max(1e-300), self.uniform());
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
}

/// n rows of d standard-normal features, labels 0/1 from a noisy linear
/// model (overlapping classes).
fn overlapping(n: usize, d: usize, seed: u64) -> (Array2<f64>, Array1<usize>) {
    let mut rng = Rng(seed);
    let x = Array2::from_shape_fn((n, d), |_| rng.normal());
    let y = x
        .rows()
        .into_iter()
        .map(|row| usize::from(row.sum() + 2.0 * rng.normal() > 0.0))
        .collect();
    (x, y)
}

/// Every coefficient and intercept finite, and `predict_proba(x)` finite,
/// in [0, 1], rows summing to 1.
fn assert_sane<L: Clone + Ord>(model: &FittedLogisticRegression<f64, L>, x: &Array2<f64>) {
    assert_finite_parameters(model);
    let report = model.report();
    assert_ne!(
        report.termination,
        Termination::NumericalFailure,
        "{report:?}"
    );
    let proba = model.predict_proba(x).expect("same features");
    for row in proba.rows() {
        assert!(row.iter().all(|p| (0.0..=1.0).contains(p)), "{row}");
        assert!(
            (row.sum() - 1.0).abs() < 1e-9,
            "{row} sums to {}",
            row.sum()
        );
    }
    let log_proba = model.predict_log_proba(x).expect("same features");
    assert!(log_proba.iter().all(|v| !v.is_nan() && *v <= 0.0));
    model.predict(x).expect("same features");
}

fn solvers() -> Vec<(&'static str, Box<dyn Solver<f64>>)> {
    vec![
        ("auto", Box::new(logreg::solver::Auto::new())),
        ("newton", Box::new(Newton::new())),
        ("lbfgs", Box::new(Lbfgs::new())),
    ]
}

/// Features scaled by 1e150, by 1e-150, and one column each of 1e150, 1
/// and 1e-150, with the default penalty (C = 1); and the objective each fit
/// must reach.
fn scaled_problems() -> Vec<(&'static str, Array2<f64>, Array1<usize>, f64)> {
    let (base, y) = overlapping(200, 3, 1);
    let fit_objective = |x: &Array2<f64>, penalty: Penalty| {
        LogisticRegression::new()
            .penalty(penalty)
            .tol(1e-12)
            .fit(x, &y)
            .expect("valid data")
            .report()
            .objective
    };
    // × 1e150: the penalty on coefficients of size 1e-150 vanishes, so the
    // optimum is the unpenalized one.
    let huge = fit_objective(&base, Penalty::None);
    // × 1e-150: any effect needs coefficients of size 1e150, which the
    // penalty forbids, so the optimum is the intercept-only model.
    let p = y.iter().filter(|&&c| c == 1).count() as f64 / y.len() as f64;
    let tiny = -(p * p.ln() + (1.0 - p) * (1.0 - p).ln());
    // Mixed: the first column unpenalized (emulated by a column × 1e6), the
    // second as is, the third without effect.
    let mut emulated = base.slice(ndarray::s![.., ..2]).to_owned();
    emulated.column_mut(0).mapv_inplace(|v| v * 1e6);
    let mixed = fit_objective(&emulated, Penalty::L2);
    let mut problems = Vec::new();
    for (name, scales, objective) in [
        ("1e150", [1e150, 1e150, 1e150], huge),
        ("1e-150", [1e-150, 1e-150, 1e-150], tiny),
        ("mixed", [1e150, 1.0, 1e-150], mixed),
    ] {
        let mut x = base.clone();
        for (mut column, scale) in x.columns_mut().into_iter().zip(scales) {
            column *= scale;
        }
        problems.push((name, x, y.clone(), objective));
    }
    problems
}

/// Fits a scaled problem with `solver` and checks it reached the optimum.
fn fit_scaled(solver_name: &'static str) {
    for (name, x, y, optimum) in scaled_problems() {
        let solver = logreg::solver::by_name::<f64>(solver_name).expect("a solver");
        let (model, x) = within(LIMIT, move || {
            let model = LogisticRegression::new()
                .solver(solver)
                .fit(&x, &y)
                .expect("valid data");
            (model, x)
        });
        println!("{name}, {solver_name}: {:?}", model.report());
        assert_sane(&model, &x);
        // The gradient is in units of 1/feature scale, so with features of
        // size 1e150 a tolerance of 1e-4 is below rounding: the fit ends with
        // LineSearchFailed at the optimum, which the objective shows.
        let objective = model.report().objective;
        assert!(
            (objective - optimum).abs() < 1e-8,
            "{name}, {solver_name}: objective {objective} but the optimum is {optimum} ({:?})",
            model.report()
        );
    }
}

#[test]
fn huge_and_tiny_features_newton() {
    fit_scaled("auto");
    fit_scaled("newton");
}

#[test]
#[ignore = "L-BFGS takes no step on features of magnitude 1e150: its first steepest-descent \
            step has unit length in the largest coordinate, 1e150 logits, and neither the \
            Wolfe search nor 60 Armijo halvings shrink it enough (LineSearchFailed after 0 \
            iterations, coefficients stay 0)"]
fn huge_and_tiny_features_lbfgs() {
    fit_scaled("lbfgs");
}

#[test]
fn huge_features_unpenalized() {
    // The unpenalized optimum is scale-equivariant: w·s is the same for any s.
    let (base, y) = overlapping(200, 2, 2);
    let reference = LogisticRegression::new()
        .penalty(Penalty::None)
        .tol(1e-10)
        .fit(&base, &y)
        .expect("valid data");
    for scale in [1e150, 1e-150] {
        let (x, y) = (&base * scale, y.clone());
        let (model, x) = within(LIMIT, move || {
            let model = LogisticRegression::new()
                .penalty(Penalty::None)
                .solver(Newton::new())
                .fit(&x, &y)
                .expect("valid data");
            (model, x)
        });
        println!("scale {scale}: {:?} coef {}", model.report(), model.coef());
        assert_sane(&model, &x);
        let rescaled = &model.coef() * scale;
        for (a, b) in rescaled.iter().zip(reference.coef()) {
            assert!(
                (a - b).abs() < 1e-3 * (1.0 + b.abs()),
                "{rescaled} vs {}",
                reference.coef()
            );
        }
    }
}

#[test]
fn constant_column() {
    let (base, y) = overlapping(100, 2, 3);
    let x = concatenate![Axis(1), base, Array2::from_elem((100, 1), 5.0)];
    let reference = LogisticRegression::new()
        .penalty(Penalty::None)
        .tol(1e-10)
        .fit(&base, &y)
        .expect("valid data");
    for penalty in [Penalty::L2, Penalty::None] {
        for (name, solver) in solvers() {
            let (model, x) = {
                let (x, y) = (x.clone(), y.clone());
                within(LIMIT, move || {
                    let model = LogisticRegression::new()
                        .penalty(penalty)
                        .solver(solver)
                        .tol(1e-8)
                        .fit(&x, &y)
                        .expect("valid data");
                    (model, x)
                })
            };
            println!(
                "{penalty:?} {name}: {:?} coef {}",
                model.report(),
                model.coef()
            );
            assert_sane(&model, &x);
            // The intercept and the constant column are not identifiable
            // without a penalty, but the predictions are.
            let p = model.predict_proba(&x).expect("same features");
            let q = reference.predict_proba(&base).expect("same features");
            let gap = (&p - &q).mapv(f64::abs).fold(0.0_f64, |m, &v| m.max(v));
            if penalty == Penalty::None {
                assert!(gap < 1e-6, "{name}: probabilities differ by {gap}");
            }
        }
    }
    // Without an intercept the constant column takes its place.
    let model = LogisticRegression::new()
        .fit_intercept(false)
        .fit(&x, &y)
        .expect("valid data");
    assert_sane(&model, &x);
    assert!(model.coef()[(0, 2)].abs() > 0.0);
}

#[test]
fn duplicated_columns() {
    let (base, y) = overlapping(100, 2, 4);
    let x = concatenate![Axis(1), base, base.column(0).insert_axis(Axis(1))];
    // Penalized: the two copies share the weight equally.
    let model = LogisticRegression::new()
        .tol(1e-10)
        .fit(&x, &y)
        .expect("valid data");
    assert!(model.report().converged(), "{:?}", model.report());
    assert_sane(&model, &x);
    let (a, b) = (model.coef()[(0, 0)], model.coef()[(0, 2)]);
    assert!((a - b).abs() < 1e-8, "copies got {a} and {b}");
    // Unpenalized: not identifiable, but the predictions are those of the
    // model without the copy.
    let single = LogisticRegression::new()
        .penalty(Penalty::None)
        .tol(1e-10)
        .fit(&base, &y)
        .expect("valid data");
    for (name, solver) in solvers() {
        let (model, x) = {
            let (x, y) = (x.clone(), y.clone());
            within(LIMIT, move || {
                let model = LogisticRegression::new()
                    .penalty(Penalty::None)
                    .solver(solver)
                    .tol(1e-8)
                    .fit(&x, &y)
                    .expect("valid data");
                (model, x)
            })
        };
        println!("{name}: {:?} coef {}", model.report(), model.coef());
        assert_sane(&model, &x);
        let p = model.predict_proba(&x).expect("same features");
        let q = single.predict_proba(&base).expect("same features");
        let gap = (&p - &q).mapv(f64::abs).fold(0.0_f64, |m, &v| m.max(v));
        assert!(gap < 1e-5, "{name}: probabilities differ by {gap}");
    }
}

#[test]
fn one_row_per_class() {
    let binary_x = array![[0.5, -1.0], [1.5, 2.0]];
    let binary_y = array!["no", "yes"];
    let model = LogisticRegression::new()
        .fit(&binary_x, &binary_y)
        .expect("valid data");
    assert!(model.report().converged(), "{:?}", model.report());
    assert_sane(&model, &binary_x);
    assert_eq!(model.predict(&binary_x).expect("same features"), binary_y);

    let x = array![[0.0, 1.0], [1.0, 0.0], [1.0, 1.0]];
    let y = array![0, 1, 2];
    for form in [Multiclass::Multinomial, Multiclass::OneVsRest] {
        let model = LogisticRegression::new()
            .multiclass(form)
            .fit(&x, &y)
            .expect("valid data");
        assert!(model.report().converged(), "{form:?}: {:?}", model.report());
        assert_sane(&model, &x);
        assert_eq!(model.predict(&x).expect("same features"), y);
    }

    // Unpenalized, one row per class is always separable: diagnosed, finite.
    let (model, x) = within(LIMIT, move || {
        let model = LogisticRegression::new()
            .penalty(Penalty::None)
            .fit(&binary_x, &binary_y)
            .expect("valid data");
        (model, binary_x)
    });
    assert_eq!(model.report().termination, Termination::Separation);
    assert!(!model.diagnostics().is_empty());
    assert_sane(&model, &x);
}

/// `classes` classes with `per_class` rows each and 3 features: a
/// multinomial fit with L-BFGS (4 parameters per class) or a one-vs-rest fit
/// (one binary L-BFGS fit per class), stopped after `max_iter` iterations.
fn many_classes(classes: usize, per_class: usize, form: Multiclass, max_iter: usize) {
    let mut rng = Rng(5);
    let centres = Array2::from_shape_fn((classes, 3), |_| 3.0 * rng.normal());
    let n = classes * per_class;
    let y: Array1<usize> = (0..n).map(|i| i % classes).collect();
    let x = Array2::from_shape_fn((n, 3), |(i, j)| centres[(y[i], j)] + rng.normal());
    let (model, x, y) = within(LIMIT, move || {
        let model = LogisticRegression::new()
            .multiclass(form)
            .solver(Lbfgs::new())
            .max_iter(max_iter)
            .fit(&x, &y)
            .expect("valid data");
        (model, x, y)
    });
    println!("{classes} classes, {form:?}: {:?}", model.report());
    // With a row or two per class the iterations may not reach tol = 1e-4; that
    // is reported, and everything stays finite.
    assert!(
        matches!(
            model.report().termination,
            Termination::Converged | Termination::MaxIterations
        ),
        "{:?}",
        model.report()
    );
    assert_eq!(model.classes().len(), classes);
    assert_eq!(model.coef().dim(), (classes, 3));
    // Probabilities of the first 500 rows: all of them would be n × classes.
    let head = x.slice(ndarray::s![..500.min(n), ..]).to_owned();
    assert_sane(&model, &head);
    let accuracy = model.score(&x, &y).expect("same features");
    println!("{classes} classes, {form:?}: training accuracy {accuracy}");
    // A fit cut to one or two iterations has barely moved from equal
    // probabilities; only a real fit must beat guessing.
    if max_iter >= 100 {
        assert!(accuracy > 1.0 / classes as f64);
    }
}

#[test]
fn a_thousand_classes_multinomial() {
    many_classes(1_000, 2, Multiclass::Multinomial, 100);
}

#[test]
fn a_thousand_classes_one_vs_rest() {
    many_classes(1_000, 2, Multiclass::OneVsRest, 100);
}

/// 40,000 parameters, one row per class: each objective evaluation is 10⁸
/// softmax terms (about 1.4 s in a test build), so the fit is cut to one
/// iteration (9 evaluations); what matters here is that nothing overflows,
/// allocates n × k at once or turns NaN.
#[test]
fn ten_thousand_classes_multinomial() {
    many_classes(10_000, 1, Multiclass::Multinomial, 1);
}

/// 10,000 binary fits on 10,000 rows each, cut to two iterations each.
#[test]
fn ten_thousand_classes_one_vs_rest() {
    many_classes(10_000, 1, Multiclass::OneVsRest, 2);
}

#[test]
fn extreme_class_imbalance() {
    // 1,000,000 rows of class 0 and 10 of class 1.
    let mut rng = Rng(6);
    let n = 1_000_010;
    let y: Array1<u8> = (0..n).map(|i| u8::from(i % 100_001 == 0)).collect();
    assert_eq!(y.iter().filter(|&&c| c == 1).count(), 10);
    let x = Array2::from_shape_fn((n, 3), |(i, j)| {
        rng.normal() + if y[i] == 1 && j == 0 { 1.0 } else { 0.0 }
    });
    for (name, solver) in solvers() {
        let (model, x2, y2) = {
            let (x, y) = (x.clone(), y.clone());
            within(LIMIT, move || {
                let model = LogisticRegression::new()
                    .solver(solver)
                    .tol(1e-8)
                    .fit(&x, &y)
                    .expect("valid data");
                (model, x, y)
            })
        };
        println!(
            "{name}: {:?} coef {} intercept {}",
            model.report(),
            model.coef(),
            model.intercept()
        );
        assert!(model.report().converged(), "{name}: {:?}", model.report());
        assert_sane(&model, &x2);
        // The intercept is near ln(10 / 1,000,000) ≈ −11.5.
        let b = model.intercept()[0];
        assert!((-14.0..-9.0).contains(&b), "{name}: intercept {b}");
        let predicted = model.predict(&x2).expect("same features");
        assert!(predicted.iter().filter(|&&c| c == 0).count() >= 1_000_000 - 10);
        let _ = y2;
    }
    // Balanced class weights: the minority class gets predicted.
    let model = LogisticRegression::new()
        .class_weight(logreg::ClassWeight::Balanced)
        .fit(&x, &y)
        .expect("valid data");
    assert_sane(&model, &x);
    assert!(
        model
            .predict(&x)
            .expect("same features")
            .iter()
            .any(|&c| c == 1)
    );
}

/// Two separated clouds (binary) and three separated clouds (multiclass).
fn separable() -> (Array2<f64>, Array1<usize>, Array2<f64>, Array1<usize>) {
    let mut rng = Rng(7);
    let x2 = Array2::from_shape_fn((40, 2), |(i, _)| {
        rng.normal() * 0.5 + if i < 20 { -3.0 } else { 3.0 }
    });
    let y2 = (0..40).map(|i| usize::from(i >= 20)).collect();
    let centres = [[-4.0, 0.0], [4.0, 0.0], [0.0, 6.0]];
    let x3 = Array2::from_shape_fn((60, 2), |(i, j)| centres[i % 3][j] + 0.5 * rng.normal());
    let y3 = (0..60).map(|i| i % 3).collect();
    (x2, y2, x3, y3)
}

#[test]
fn separable_with_penalty_has_finite_coefficients() {
    let (x2, y2, x3, y3) = separable();
    for (name, solver) in solvers() {
        let model = LogisticRegression::new()
            .solver(solver)
            .tol(1e-8)
            .fit(&x2, &y2)
            .expect("valid data");
        assert!(model.report().converged(), "{name}: {:?}", model.report());
        assert!(model.diagnostics().is_empty());
        assert_sane(&model, &x2);
        assert!(
            model.coef().iter().all(|c| c.abs() < 100.0),
            "{}",
            model.coef()
        );
        assert_eq!(model.score(&x2, &y2).expect("same features"), 1.0);
    }
    for form in [Multiclass::Multinomial, Multiclass::OneVsRest] {
        for (name, solver) in solvers() {
            let model = LogisticRegression::new()
                .solver(solver)
                .multiclass(form)
                .tol(1e-8)
                .fit(&x3, &y3)
                .expect("valid data");
            assert!(
                model.report().converged(),
                "{form:?} {name}: {:?}",
                model.report()
            );
            assert_sane(&model, &x3);
            assert!(
                model.coef().iter().all(|c| c.abs() < 100.0),
                "{}",
                model.coef()
            );
        }
    }
}

#[test]
fn separable_without_penalty_is_diagnosed_not_a_hang() {
    let (x2, y2, x3, y3) = separable();
    let cases = [
        ("binary", x2, y2, Multiclass::Auto),
        (
            "multinomial",
            x3.clone(),
            y3.clone(),
            Multiclass::Multinomial,
        ),
        ("one-vs-rest", x3, y3, Multiclass::OneVsRest),
    ];
    for (form_name, x, y, form) in cases {
        for (name, _) in solvers() {
            for tol in [1e-4, 1e-10] {
                let solver = logreg::solver::by_name::<f64>(name).expect("a solver");
                let (model, x) = {
                    let (x, y) = (x.clone(), y.clone());
                    within(LIMIT, move || {
                        let model = LogisticRegression::new()
                            .penalty(Penalty::None)
                            .solver(solver)
                            .multiclass(form)
                            .tol(tol)
                            .max_iter(1000)
                            .fit(&x, &y)
                            .expect("valid data");
                        (model, x)
                    })
                };
                println!(
                    "{form_name} {name} tol {tol}: {:?} {:?}",
                    model.report(),
                    model.diagnostics()
                );
                assert_eq!(
                    model.report().termination,
                    Termination::Separation,
                    "{form_name} {name} tol {tol}"
                );
                assert!(
                    model
                        .diagnostics()
                        .iter()
                        .all(|d| matches!(d, Diagnostic::CompleteSeparation { .. })),
                    "{form_name} {name}: {:?}",
                    model.diagnostics()
                );
                assert!(!model.diagnostics().is_empty());
                assert_sane(&model, &x);
            }
        }
    }
}

// Inputs found by the fuzz target (fuzz/fuzz_targets/fit.rs), kept as
// regression tests: each must end quickly, without a panic.

/// A feature near the largest float overflows the Hessian to infinity; the
/// Levenberg–Marquardt shift then grew an infinite τ forever (a hang).
#[test]
fn fuzz_overflowing_hessian_does_not_hang() {
    let fitted = within(Duration::from_secs(10), || {
        LogisticRegression::new()
            .penalty(Penalty::None)
            .multiclass(Multiclass::OneVsRest)
            .solver(Newton::new())
            .max_iter(6)
            .class_weight(logreg::ClassWeight::Balanced)
            .fit(
                &array![[6.875_f64], [0.0], [-1.793_406_078_896_392_6e306]],
                &array![0, 1, 0],
            )
    });
    if let Ok(model) = fitted {
        assert_finite_parameters(&model);
    }
}

/// Unpenalized Newton on a feature of −6.4e307 (a fuzz input): whatever path
/// the solver takes, the fit is `Ok` with finite coefficients and its
/// probabilities are distributions. They were NaN: the scores of the first
/// row overflowed to +∞ and −∞, and the softmax computed ∞ − ∞.
#[test]
fn fuzz_overflowing_scores_give_probabilities_not_nan() {
    let x: Array2<f64> = array![
        [-6.415_297_035_974_239e307, -2.625],
        [0.0, -2.625],
        [-0.0625, -0.0625]
    ];
    let y = array![0, 1, 2];
    let data = x.clone();
    let model = within(Duration::from_secs(10), move || {
        LogisticRegression::new()
            .penalty(Penalty::None)
            .solver(Newton::new())
            .tol(1e-8)
            .max_iter(11)
            .fit(&data, &y)
    })
    .expect("finite data fits");
    println!("{:?} coef {}", model.report(), model.coef());
    assert_finite_parameters(&model);
    assert_distributions(&model, &x);
}

/// Scores that overflow to ±∞ (rows at ±f64::MAX) put the probability on the
/// infinite maxima, for softmax and one-vs-rest models, in both
/// `predict_proba` and `predict_log_proba`.
#[test]
fn infinite_scores_give_probabilities_not_nan() {
    let (x, _) = overlapping(300, 2, 3);
    // Three classes by quadrant (penalized, so the coefficients stay finite).
    let y: Array1<usize> = x
        .rows()
        .into_iter()
        .map(|r| usize::from(r[0] > 0.0) + usize::from(r[1] > 0.5))
        .collect();
    let far = array![
        [f64::MAX, f64::MAX],
        [-f64::MAX, -f64::MAX],
        [f64::MAX, -f64::MAX]
    ];
    for form in [Multiclass::Multinomial, Multiclass::OneVsRest] {
        let model = LogisticRegression::new()
            .multiclass(form)
            .fit(&x, &y)
            .expect("valid data");
        let eta = model.decision_function(&far).expect("no NaN score");
        println!("{form:?}: coef {} scores {eta}", model.coef());
        assert!(
            eta.iter().any(|v| v.is_infinite()),
            "{form:?}: no score overflowed: {eta}"
        );
        assert_distributions(&model, &far);
    }
}

/// `predict_proba` and exp(`predict_log_proba`) give rows of [0, 1] summing to 1.
fn assert_distributions<L: Clone + Ord>(model: &FittedLogisticRegression<f64, L>, x: &Array2<f64>) {
    let log = model
        .predict_log_proba(x)
        .expect("no NaN score")
        .mapv(f64::exp);
    for p in [model.predict_proba(x).expect("no NaN score"), log] {
        assert!(p.iter().all(|v| (0.0..=1.0).contains(v)), "{p}");
        assert!(
            p.rows().into_iter().all(|r| (r.sum() - 1.0).abs() < 1e-12),
            "{p}"
        );
    }
}

/// Adam with a learning rate of 2.4e197 sent the softmax coefficients to
/// infinity, and `fit` returned them. Now the fit stops at the last finite
/// epoch and says `NumericalFailure`.
#[test]
fn fuzz_diverging_minibatch_fit_keeps_finite_coefficients() {
    let x = array![[41.0_f64], [96.0], [-1.0]];
    let y = array![1, 2, 1];
    let adam = logreg::solver::Adam::new()
        .learning_rate(2.358_295_614_228_794_3e197)
        .beta1(0.0625)
        .batch_size(1)
        .seed(72_784_371_811_275_777);
    let model = LogisticRegression::new()
        .alpha(1.0)
        .fit_intercept(false)
        .multiclass(Multiclass::Multinomial)
        .solver(adam)
        .tol(1e-8)
        .max_iter(11)
        .fit(&x, &y)
        .expect("valid settings");
    assert_eq!(model.report().termination, Termination::NumericalFailure);
    assert!(
        model.coef().iter().all(|v: &f64| v.is_finite()),
        "{}",
        model.coef()
    );
    let proba = model.predict_proba(&x).expect("same features");
    assert!(proba.iter().all(|p| (0.0..=1.0).contains(p)), "{proba}");
}

/// The same for `partial_fit`: a diverging pass is undone, and the model
/// keeps its coefficients.
#[test]
fn diverging_partial_fit_pass_is_undone() {
    use logreg::solver::{LearningRate, Sgd};
    let x = array![[41.0_f64], [96.0], [-1.0], [3.0]];
    let y = array![1, 2, 1, 2];
    let step = |eta| {
        LogisticRegression::new().solver(Sgd::new().learning_rate(LearningRate::Constant(eta)))
    };
    let mut model = step(1e300)
        .partial_fit(&x, &y, &[1, 2])
        .expect("valid data");
    assert_eq!(model.report().termination, Termination::NumericalFailure);
    assert!(
        model
            .coef()
            .iter()
            .chain(model.intercept())
            .all(|v: &f64| *v == 0.0)
    );
    model.partial_fit(&x, &y).expect("valid data");
    assert_eq!(model.report().termination, Termination::NumericalFailure);
    assert!(
        model
            .coef()
            .iter()
            .chain(model.intercept())
            .all(|v: &f64| *v == 0.0)
    );
    // A sane step moves the coefficients.
    let gentle = step(1e-3).partial_fit(&x, &y, &[1, 2]).expect("valid data");
    assert_eq!(gentle.report().termination, Termination::MaxIterations);
    assert!(gentle.coef()[(0, 0)] != 0.0);
}

/// Standardizing inside the fit summed 38 × (−6.4e307) for the column
/// mean, which overflowed to −∞, and the fit returned an infinite
/// intercept. Now the moments are computed in units of each column's
/// largest |x|, and coefficients that would not fit in a float on the
/// original scale are an error, never an `Ok`.
#[test]
fn fuzz_standardizing_huge_features_keeps_coefficients_finite() {
    let x = array![[-6.415_294_259_566_615e307_f64], [-0.0625], [-1.0]];
    let y = array![4, 0, 4];
    let weights = array![38.0, 7.291_122_019_556_398e-304, 2.249_408_335_110_656_7e77];
    let settings = LogisticRegression::new()
        .penalty(Penalty::None)
        .multiclass(Multiclass::Multinomial)
        .solver(logreg::solver::Lbfgs::new().diagonal_scaling(true))
        .tol(1e-8)
        .max_iter(31)
        .standardize(true);
    if let Ok(model) = settings.fit_weighted(&x, &y, &weights) {
        assert_finite_parameters(&model);
    }
    // A column of size 1e300 standardizes as well as one of size 1: the
    // coefficients scale by exactly 1e−300 (up to rounding).
    let small = array![[1.0_f64], [2.0], [3.0], [4.0], [5.0], [6.0]];
    let labels = array![0, 0, 1, 0, 1, 1];
    let ridge = LogisticRegression::new().standardize(true).tol(1e-12);
    let a = ridge.clone().fit(&small, &labels).unwrap();
    let b = ridge.fit(&small.mapv(|v| v * 1e300), &labels).unwrap();
    let ratio = b.coef()[(0, 0)] * 1e300 / a.coef()[(0, 0)];
    assert!((ratio - 1.0).abs() < 1e-10, "{ratio}");
    assert!((a.intercept()[0] - b.intercept()[0]).abs() < 1e-10);
}

/// A feature of 2.7e154 makes the Hessian's diagonal about 1e300 (finite);
/// the Levenberg–Marquardt shift looped while τ ≤ 1e10·scale, a bound that
/// overflowed to +∞, so τ grew to +∞ and the loop never ended. The
/// separation check's Newton steps hit it after a 5-iteration
/// gradient-descent fit (a fuzz input).
#[test]
fn fuzz_shift_bound_overflow_does_not_hang() {
    let x = array![
        [-62.0, -62.0],
        [-62.0, 66.0],
        [91.0, 66.0],
        [66.0, 4.125],
        [66.0, 50.0],
        [50.0, 50.0],
        [50.0, 50.0],
        [50.0, 50.0],
        [50.0, 50.0],
        [50.0, 50.0],
        [50.0, 50.0],
        [66.0, 4.125],
        [66.0, 66.0],
        [66.0, 2.3125],
        [0.0, 16.962],
        [66.0, 66.0],
        [66.0, 66.0],
        [63.0, 66.0],
        [-62.0, -62.0],
        [2.3125, 0.027],
        [2.3125, 0.0],
        [2.6875, -5.875],
        [0.625, 7.0],
        [0.0, 0.0],
        [0.0, 2.681_561_586_003_307_4e154],
        [0.0, 0.0],
        [2.681_561_586_003_307_4e154, -1.260_833_746_798_387e-209],
        [-6.75, -6.75],
        [-6.75, -0.468],
        [-23.645, -15.717_f64]
    ];
    let y = array![
        4, 0, 4, 0, 4, 4, 4, 4, 4, 0, 2, 1, 1, 1, 1, 1, 1, 3, 4, 4, 4, 4, 4, 4, 4, 1, 1, 1, 1, 1
    ];
    let fitted = within(Duration::from_secs(10), move || {
        LogisticRegression::new()
            .penalty(Penalty::None)
            .fit_intercept(false)
            .solver(logreg::solver::GradientDescent::new())
            .max_iter(5)
            .fit(&x, &y)
    });
    if let Ok(model) = fitted {
        assert!(model.coef().iter().all(|v| v.is_finite()));
    }
}
