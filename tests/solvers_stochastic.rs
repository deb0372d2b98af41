//! SGD and Adam: with the settings their rustdoc documents they reach the
//! optimum's objective, directly and through the model (binary and softmax,
//! ≥ 10 correlated features); the same seed gives identical models and
//! different seeds both reach the optimum; the update rules against steps
//! worked by hand, the `Optimal` schedule, the epoch stopping rule against
//! its definition; the observer sees every epoch and can stop; numerical
//! failure, parameter checks, f32, Send + Sync.
//!
//! Data: `common::synthetic` (SplitMix64 + Box–Muller), standardized-scale
//! features with neighbouring columns correlated at ρ ≈ 0.7. The optimum is
//! Newton's at tol 1e-10.

use crate::common;

use common::synthetic::{correlated_problem, solve};
use logreg::objective::{BinaryLogistic, Multinomial, Objective};
use logreg::solver::{
    Adam, Control, LearningRate, Newton, NoObserver, Progress, Sgd, Solution, Solver, StopRule,
};
use logreg::{Error, LogisticRegression, Termination};
use ndarray::{Array1, Array2, array};

/// The "settings that work" of the rustdoc of `Sgd` and `Adam`, with tol 1e-6
/// and at most 200 epochs.
fn documented(seed: u64) -> [Box<dyn Solver<f64>>; 2] {
    [
        Box::new(
            Sgd::new()
                .learning_rate(LearningRate::Constant(0.1))
                .average(true)
                .seed(seed),
        ),
        Box::new(Adam::new().learning_rate(0.005).batch_size(64).seed(seed)),
    ]
}

const TOL: f64 = 1e-6;
const EPOCHS: usize = 200;

fn relative_gap(value: f64, optimum: f64) -> f64 {
    (value - optimum) / optimum
}

fn bits<'a>(values: impl IntoIterator<Item = &'a f64>) -> Vec<u64> {
    values.into_iter().map(|v| v.to_bits()).collect()
}

fn binary_targets(y: &[usize]) -> Array1<f64> {
    y.iter().map(|&c| c as f64).collect()
}

#[test]
fn model_fits_binary_and_softmax_near_the_optimum() {
    // 1500 rows × 12 features; the model's default penalty C = 1.
    for (classes, seed) in [(2, 21), (3, 22)] {
        let (x, y) = correlated_problem(1500, 12, classes, seed);
        let labels = Array1::from(y);
        let optimum = LogisticRegression::new()
            .solver(Newton::new())
            .tol(1e-10)
            .fit(&x, &labels)
            .unwrap()
            .report()
            .objective;
        for solver in documented(5) {
            let name = solver.name();
            let model = LogisticRegression::new()
                .solver(solver)
                .tol(TOL)
                .max_iter(EPOCHS)
                .fit(&x, &labels)
                .unwrap();
            let report = model.report();
            let gap = relative_gap(report.objective, optimum);
            assert!(
                (0.0..1e-3).contains(&gap),
                "{name}, {classes} classes: gap {gap:.2e} ({report:?})"
            );
            assert_eq!(model.coef().nrows(), if classes == 2 { 1 } else { 3 });
        }
    }
}

#[test]
fn the_same_seed_gives_identical_models() {
    let (x, y) = correlated_problem(1000, 10, 3, 23);
    let labels = Array1::from(y);
    for seed in [0, 9] {
        let fit = |solver: Box<dyn Solver<f64>>| {
            LogisticRegression::new()
                .solver(solver)
                .max_iter(10)
                .fit(&x, &labels)
                .unwrap()
        };
        let [sgd, adam] = documented(seed);
        let [sgd_again, adam_again] = documented(seed);
        for (a, b) in [(fit(sgd), fit(sgd_again)), (fit(adam), fit(adam_again))] {
            assert_eq!(bits(a.coef()), bits(b.coef()));
            assert_eq!(bits(a.intercept()), bits(b.intercept()));
        }
    }
}

#[test]
fn different_seeds_differ_but_both_reach_the_optimum() {
    let (x, y) = correlated_problem(2000, 10, 2, 24);
    let objective = BinaryLogistic::new(x.view(), binary_targets(&y), None, 1e-3, true).unwrap();
    let optimum = solve(&Newton::new(), &objective, 1e-10, 100)
        .report
        .objective;
    for (first, second) in documented(1).into_iter().zip(documented(2)) {
        let a = solve(first.as_ref(), &objective, TOL, EPOCHS);
        let b = solve(second.as_ref(), &objective, TOL, EPOCHS);
        assert_ne!(bits(&a.params), bits(&b.params), "{}", first.name());
        for solution in [a, b] {
            let gap = relative_gap(solution.report.objective, optimum);
            assert!(
                (0.0..1e-3).contains(&gap),
                "{}: gap {gap:.2e} ({:?})",
                first.name(),
                solution.report
            );
        }
    }
}

/// Two rows, one feature, no intercept, batches of one row in order: one
/// epoch is two updates that can be worked by hand.
fn two_step_problem(alpha: f64) -> (Array2<f64>, Array1<f64>, impl Fn(f64, usize) -> f64) {
    let x = array![[1.0], [-2.0]];
    let y = array![1.0, 0.0];
    let (xs, ys) = (x.clone(), y.clone());
    // The gradient of row `i`'s loss plus the penalty: (σ(x·w) − y)·x + α·w.
    let grad = move |w: f64, i: usize| {
        let sigma = 1.0 / (1.0 + (-xs[(i, 0)] * w).exp());
        (sigma - ys[i]) * xs[(i, 0)] + alpha * w
    };
    (x, y, grad)
}

fn one_epoch_in_order(solver: &dyn Solver<f64>, alpha: f64) -> f64 {
    let (x, y, _) = two_step_problem(alpha);
    let objective = BinaryLogistic::new(x.view(), y, None, alpha, false).unwrap();
    let solution = solve(solver, &objective, 1e-12, 1);
    assert_eq!(solution.report.iterations, 1);
    solution.params[0]
}

#[test]
fn sgd_steps_follow_the_schedules() {
    let alpha = 0.1;
    let (_, _, grad) = two_step_problem(alpha);
    // The raw iterate (averaging is on by default since issue 16).
    let in_order = |schedule| {
        Sgd::new()
            .learning_rate(schedule)
            .average(false)
            .batch_size(1)
            .shuffle(false)
            .precondition(false) // steps in the original variables, as by hand
    };
    let sgd_by_hand = |eta: [f64; 2]| {
        let w1 = -eta[0] * grad(0.0, 0);
        let w2 = w1 - eta[1] * grad(w1, 1);
        (w1, w2)
    };
    // scikit-learn's `optimal`: typw = √(1/√α), t₀ = 1/(typw·α),
    // η = 1/(α·(t₀ + t − 1)).
    let t0 = 1.0 / ((1.0 / alpha.sqrt()).sqrt() * alpha);
    let optimal = |t: f64| 1.0 / (alpha * (t0 + t - 1.0));
    // The steps η₁, η₂ of each schedule.
    let cases = [
        (LearningRate::Constant(0.3), [0.3, 0.3]),
        (
            LearningRate::InverseScaling {
                eta0: 0.8,
                power_t: 0.25,
            },
            [0.8, 0.8 / 2f64.powf(0.25)],
        ),
        (LearningRate::Optimal, [optimal(1.0), optimal(2.0)]),
    ];
    for (schedule, eta) in cases {
        let (w1, w2) = sgd_by_hand(eta);
        let plain = one_epoch_in_order(&in_order(schedule), alpha);
        let averaged = one_epoch_in_order(&in_order(schedule).average(true), alpha);
        assert!((plain - w2).abs() <= 1e-14 * w2.abs(), "{schedule:?}");
        let mean = 0.5 * (w1 + w2);
        assert!(
            (averaged - mean).abs() <= 1e-14 * mean.abs(),
            "{schedule:?}"
        );
    }
}

#[test]
fn adam_steps_are_bias_corrected() {
    let alpha = 0.1;
    let (_, _, grad) = two_step_problem(alpha);
    let (eta, beta1, beta2, epsilon) = (0.05, 0.8, 0.99, 1e-8);
    // Kingma & Ba, Algorithm 1, from m = v = 0.
    let (mut w, mut m, mut v) = (0.0, 0.0, 0.0);
    for (t, row) in [(1, 0), (2, 1)] {
        let g = grad(w, row);
        m = beta1 * m + (1.0 - beta1) * g;
        v = beta2 * v + (1.0 - beta2) * g * g;
        let m_hat = m / (1.0 - beta1.powi(t));
        let v_hat = v / (1.0 - beta2.powi(t));
        w -= eta * m_hat / (v_hat.sqrt() + epsilon);
        if t == 1 {
            // Bias correction makes the first step η·sign(g), not (1−β₁)·η·…
            assert!((w.abs() - eta).abs() < 1e-9);
        }
    }
    let adam = Adam::new()
        .learning_rate(eta)
        .beta1(beta1)
        .beta2(beta2)
        .epsilon(epsilon)
        .average(false) // the raw iterate (averaging is on by default since issue 16)
        .batch_size(1)
        .shuffle(false)
        .precondition(false); // steps in the original variables, as by hand
    let got = one_epoch_in_order(&adam, alpha);
    assert!((got - w).abs() <= 1e-14 * w.abs(), "{got} vs {w}");
}

#[test]
fn the_observer_sees_every_epoch_and_the_plateau_rule_stops_as_defined() {
    let (x, y) = correlated_problem(1000, 10, 2, 25);
    let objective = BinaryLogistic::new(x.view(), binary_targets(&y), None, 1e-3, true).unwrap();
    // tol 1e-4 on the objective ends the fit on a plateau long before
    // max |∇f| ≤ 1e-4 could.
    let tol = 1e-4;
    for patience in [1, 3, 5] {
        let solvers: [Box<dyn Solver<f64>>; 2] = [
            Box::new(Sgd::new().n_iter_no_change(patience)),
            Box::new(Adam::new().n_iter_no_change(patience)),
        ];
        for solver in solvers {
            let mut trace: Vec<Progress<f64>> = Vec::new();
            let mut record = |p: &Progress<f64>| {
                trace.push(*p);
                logreg::solver::Control::Continue
            };
            let stop = StopRule::new(tol, EPOCHS).unwrap();
            let solution = solver
                .minimize(&objective, Array1::zeros(11), &stop, &mut record)
                .unwrap();
            let report = solution.report;
            // A stall is not convergence: it has its own termination.
            assert_eq!(report.termination, Termination::NoImprovement);
            assert!(!report.converged());
            assert!(report.grad_max > tol, "{report:?}");
            // Epochs 0..=iterations, each once, the last one being the result.
            let epochs: Vec<usize> = trace.iter().map(|p| p.iteration).collect();
            assert_eq!(epochs, (0..=report.iterations).collect::<Vec<_>>());
            let last = trace.last().unwrap();
            assert_eq!(last.objective.to_bits(), report.objective.to_bits());
            assert_eq!(last.grad_max.to_bits(), report.grad_max.to_bits());
            // scikit-learn's rule with the threshold tol/100 (issue 16),
            // recomputed from the trace: stop at the first epoch that ends
            // `patience` epochs in a row, each not better than the best
            // before it by more than tol/100.
            let (mut best, mut stale, mut stopped_at) = (trace[0].objective, 0, None);
            for p in &trace[1..] {
                stale = if p.objective > best - tol / 100.0 {
                    stale + 1
                } else {
                    0
                };
                best = best.min(p.objective);
                if stale >= patience {
                    stopped_at = Some(p.iteration);
                    break;
                }
            }
            assert_eq!(stopped_at, Some(report.iterations), "{}", solver.name());
        }
    }
}

#[test]
fn divergence_is_a_numerical_failure() {
    let (x, y) = correlated_problem(200, 10, 2, 26);
    let objective = BinaryLogistic::new(x.view(), binary_targets(&y), None, 1e-3, true).unwrap();
    let reckless = Sgd::new().learning_rate(LearningRate::Constant(1e300));
    let solution = solve(&reckless, &objective, TOL, 20);
    assert_eq!(solution.report.termination, Termination::NumericalFailure);
    // The solution is the last finite epoch (here the start), not infinities.
    assert!(solution.report.objective.is_finite());
    assert!(solution.params.iter().all(|p| p.is_finite()));
}

#[test]
fn invalid_settings_are_errors_from_minimize() {
    let (x, y) = correlated_problem(50, 10, 2, 27);
    let objective = BinaryLogistic::new(x.view(), binary_targets(&y), None, 1e-3, true).unwrap();
    let inverse = |eta0, power_t| LearningRate::InverseScaling { eta0, power_t };
    let cases: Vec<(Box<dyn Solver<f64>>, &str)> = vec![
        (Box::new(Sgd::new().batch_size(0)), "batch_size"),
        (Box::new(Sgd::new().n_iter_no_change(0)), "n_iter_no_change"),
        (
            Box::new(Sgd::new().learning_rate(LearningRate::Constant(-1.0))),
            "learning_rate",
        ),
        (
            Box::new(Sgd::new().learning_rate(LearningRate::Constant(f64::INFINITY))),
            "learning_rate",
        ),
        (
            Box::new(Sgd::new().learning_rate(inverse(0.0, 0.5))),
            "eta0",
        ),
        (
            Box::new(Sgd::new().learning_rate(inverse(f64::NAN, 0.5))),
            "eta0",
        ),
        (
            Box::new(Sgd::new().learning_rate(inverse(1.0, f64::NAN))),
            "power_t",
        ),
        (Box::new(Adam::new().learning_rate(0.0)), "learning_rate"),
        (
            Box::new(Adam::new().learning_rate(f64::NAN)),
            "learning_rate",
        ),
        (
            Box::new(Adam::new().learning_rate(f64::INFINITY)),
            "learning_rate",
        ),
        (Box::new(Adam::new().beta1(-0.1)), "beta1"),
        (Box::new(Adam::new().beta1(f64::NAN)), "beta1"),
        (Box::new(Adam::new().beta2(1.0)), "beta2"),
        (Box::new(Adam::new().epsilon(-1e-8)), "epsilon"),
        (Box::new(Adam::new().epsilon(f64::INFINITY)), "epsilon"),
        (
            Box::new(Adam::new().n_iter_no_change(0)),
            "n_iter_no_change",
        ),
    ];
    let stop = StopRule::new(TOL, 5).unwrap();
    for (solver, expected) in cases {
        let error = solver
            .minimize(&objective, Array1::zeros(11), &stop, &mut NoObserver)
            .unwrap_err();
        assert!(
            matches!(error, Error::InvalidParameter { name, .. } if name == expected),
            "{expected}: {error}"
        );
    }
    // β = 0 is allowed (no momentum / no second-moment memory).
    let edge = Adam::new().beta1(0.0).beta2(0.0);
    assert!(
        edge.minimize(&objective, Array1::zeros(11), &stop, &mut NoObserver)
            .is_ok()
    );
}

#[test]
fn a_wrong_parameter_count_is_an_error() {
    let (x, y) = correlated_problem(50, 10, 2, 28);
    let objective = BinaryLogistic::new(x.view(), binary_targets(&y), None, 1e-3, true).unwrap();
    let stop = StopRule::new(TOL, 5).unwrap();
    for solver in documented(0) {
        let error = solver
            .minimize(&objective, Array1::zeros(4), &stop, &mut NoObserver)
            .unwrap_err();
        assert_eq!(
            error,
            Error::ParameterCount {
                expected: 11,
                got: 4
            }
        );
    }
}

#[test]
fn works_with_f32() {
    let (x, y) = correlated_problem(1000, 10, 3, 29);
    let labels = Array1::from(y);
    let optimum = LogisticRegression::new()
        .tol(1e-10)
        .fit(&x, &labels)
        .unwrap()
        .report()
        .objective;
    let x32 = x.mapv(|v| v as f32);
    let solvers: [Box<dyn Solver<f32>>; 2] = [
        Box::new(
            Sgd::new()
                .learning_rate(LearningRate::Constant(0.1))
                .average(true),
        ),
        Box::new(Adam::new().learning_rate(0.005)),
    ];
    for solver in solvers {
        let model = LogisticRegression::<f32>::new()
            .solver(solver)
            .tol(1e-6)
            .max_iter(EPOCHS)
            .fit(&x32, &labels)
            .unwrap();
        let gap = relative_gap(f64::from(model.report().objective), optimum);
        assert!(gap.abs() < 1e-3, "gap {gap:.2e}");
    }
}

#[test]
fn names_and_send_sync() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Sgd<f64>>();
    send_sync::<Sgd<f32>>();
    send_sync::<Adam<f64>>();
    send_sync::<Adam<f32>>();
    send_sync::<LearningRate<f64>>();
    let names: Vec<&str> = documented(0).iter().map(|s| s.name()).collect();
    assert_eq!(names, ["sgd", "adam"]);
}

fn problems() -> (Array2<f64>, Vec<usize>, Array2<f64>, Vec<usize>) {
    let (xb, yb) = correlated_problem(2000, 10, 2, 11);
    let (xm, ym) = correlated_problem(2000, 10, 3, 12);
    (xb, yb, xm, ym)
}

#[test]
fn sgd_and_adam_reach_the_optimum_with_documented_settings() {
    let (xb, yb, xm, ym) = problems();
    let target = yb.iter().map(|&c| c as f64).collect();
    let binary = BinaryLogistic::new(xb.view(), target, None, 1e-3, true).unwrap();
    let multinomial = Multinomial::new(xm.view(), ym, 3, None, 1e-3, true).unwrap();
    let objectives: [&dyn Objective<f64>; 2] = [&binary, &multinomial];
    for objective in objectives {
        let optimum = solve(&Newton::new(), objective, 1e-10, 100)
            .report
            .objective;
        for solver in documented(1) {
            let solution = solve(solver.as_ref(), objective, 1e-6, 200);
            let gap = (solution.report.objective - optimum) / optimum;
            assert!(
                (0.0..1e-3).contains(&gap),
                "{}: relative gap {gap:.2e} ({:?})",
                solver.name(),
                solution.report
            );
        }
    }
}

#[test]
fn the_same_seed_gives_identical_coefficients() {
    let (xb, yb, _, _) = problems();
    let target: Array1<f64> = yb.iter().map(|&c| c as f64).collect();
    let objective = BinaryLogistic::new(xb.view(), target, None, 1e-3, true).unwrap();
    let bits = |s: &Solution<f64>| s.params.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
    for (a, b, c) in [
        (Sgd::new().seed(3), Sgd::new().seed(3), Sgd::new().seed(4)),
        (
            Sgd::new().seed(3).average(true),
            Sgd::new().seed(3).average(true),
            Sgd::new().seed(4).average(true),
        ),
    ] {
        let (first, again, other) = (
            solve(&a, &objective, 1e-6, 20),
            solve(&b, &objective, 1e-6, 20),
            solve(&c, &objective, 1e-6, 20),
        );
        assert_eq!(bits(&first), bits(&again));
        assert_ne!(bits(&first), bits(&other));
        assert!(
            (first.report.objective - other.report.objective).abs() < 1e-2 * first.report.objective
        );
    }
    let (first, again, other) = (
        solve(&Adam::new().seed(3), &objective, 1e-6, 20),
        solve(&Adam::new().seed(3), &objective, 1e-6, 20),
        solve(&Adam::new().seed(4), &objective, 1e-6, 20),
    );
    assert_eq!(bits(&first), bits(&again));
    assert_ne!(bits(&first), bits(&other));
    assert!(
        (first.report.objective - other.report.objective).abs() < 1e-2 * first.report.objective
    );
}

#[test]
fn stochastic_solvers_fit_through_the_model() {
    let (x, y) = correlated_problem(1000, 5, 3, 13);
    let labels = Array1::from(y);
    let reference = LogisticRegression::new()
        .tol(1e-10)
        .fit(&x, &labels)
        .unwrap();
    let reference_accuracy = reference.score(&x, &labels).unwrap();
    for solver in documented(1) {
        let model = LogisticRegression::new()
            .solver(solver)
            .tol(1e-6)
            .max_iter(200)
            .fit(&x, &labels)
            .unwrap();
        let accuracy = model.score(&x, &labels).unwrap();
        assert!(
            (accuracy - reference_accuracy).abs() < 0.02,
            "{accuracy} vs {reference_accuracy}"
        );
        let gap = (model.report().objective - reference.report().objective)
            / reference.report().objective;
        assert!(gap < 1e-3, "gap {gap:.2e}");
    }
}

#[test]
fn the_optimal_schedule_needs_a_penalty_and_works_with_one() {
    let (x, y) = correlated_problem(500, 4, 2, 14);
    let target: Array1<f64> = y.iter().map(|&c| c as f64).collect();
    let unpenalized = BinaryLogistic::new(x.view(), target.clone(), None, 0.0, true).unwrap();
    let stop = StopRule::new(1e-6, 10).unwrap();
    let optimal = Sgd::new().learning_rate(LearningRate::Optimal);
    let error = optimal
        .minimize(&unpenalized, Array1::zeros(5), &stop, &mut NoObserver)
        .unwrap_err();
    assert!(matches!(
        error,
        Error::InvalidParameter {
            name: "learning_rate",
            ..
        }
    ));
    let penalized = BinaryLogistic::new(x.view(), target, None, 1e-2, true).unwrap();
    let optimum = solve(&Newton::new(), &penalized, 1e-10, 100)
        .report
        .objective;
    let solution = solve(&optimal.average(true), &penalized, 1e-6, 100);
    assert!(
        (solution.report.objective - optimum) / optimum < 1e-2,
        "{:?}",
        solution.report
    );
}

#[test]
fn invalid_settings_are_errors() {
    let (x, y) = correlated_problem(100, 3, 2, 15);
    let labels = Array1::from(y);
    let cases: Vec<(Box<dyn Solver<f64>>, &str)> = vec![
        (Box::new(Sgd::new().batch_size(0)), "batch_size"),
        (Box::new(Sgd::new().n_iter_no_change(0)), "n_iter_no_change"),
        (
            Box::new(Sgd::new().learning_rate(LearningRate::Constant(0.0))),
            "learning_rate",
        ),
        (
            Box::new(Sgd::new().learning_rate(LearningRate::Constant(f64::NAN))),
            "learning_rate",
        ),
        (
            Box::new(Sgd::new().learning_rate(LearningRate::InverseScaling {
                eta0: -1.0,
                power_t: 0.5,
            })),
            "eta0",
        ),
        (
            Box::new(Sgd::new().learning_rate(LearningRate::InverseScaling {
                eta0: 1.0,
                power_t: -0.5,
            })),
            "power_t",
        ),
        (Box::new(Adam::new().learning_rate(-0.1)), "learning_rate"),
        (Box::new(Adam::new().beta1(1.0)), "beta1"),
        (Box::new(Adam::new().beta2(-0.1)), "beta2"),
        (Box::new(Adam::new().epsilon(0.0)), "epsilon"),
        (Box::new(Adam::new().batch_size(0)), "batch_size"),
    ];
    for (solver, expected) in cases {
        let error = LogisticRegression::new()
            .solver(solver)
            .fit(&x, &labels)
            .unwrap_err();
        assert!(
            matches!(error, Error::InvalidParameter { name, .. } if name == expected),
            "{expected}: {error}"
        );
    }
}

#[test]
fn an_observer_sees_epochs_and_can_stop() {
    let (x, y) = correlated_problem(300, 3, 2, 16);
    let target: Array1<f64> = y.iter().map(|&c| c as f64).collect();
    let objective = BinaryLogistic::new(x.view(), target, None, 1e-3, true).unwrap();
    for solver in documented(1) {
        let mut seen = Vec::new();
        let mut stop_at_three = |p: &Progress<f64>| {
            seen.push(p.iteration);
            if p.iteration == 3 {
                Control::Stop
            } else {
                Control::Continue
            }
        };
        let stop = StopRule::new(1e-12, 100).unwrap();
        let solution = solver
            .minimize(&objective, Array1::zeros(4), &stop, &mut stop_at_three)
            .unwrap();
        assert_eq!(solution.report.termination, Termination::StoppedByObserver);
        assert_eq!(seen, vec![0, 1, 2, 3]);
    }
}
