//! SGD and Adam: reach the optimum's objective with documented settings,
//! are reproducible by seed, and validate their settings.

use crate::common;

use common::synthetic::{correlated_problem, solve};
use logreg::objective::{BinaryLogistic, Multinomial, Objective};
use logreg::solver::{
    Adam, Control, LearningRate, Newton, NoObserver, Progress, Sgd, Solution, Solver, StopRule,
};
use logreg::{Error, LogisticRegression, Termination};
use ndarray::{Array1, Array2};

fn problems() -> (Array2<f64>, Vec<usize>, Array2<f64>, Vec<usize>) {
    let (xb, yb) = correlated_problem(2000, 10, 2, 11);
    let (xm, ym) = correlated_problem(2000, 10, 3, 12);
    (xb, yb, xm, ym)
}

/// The settings documented in the rustdoc of `Sgd` and `Adam`.
fn documented() -> Vec<Box<dyn Solver<f64>>> {
    vec![
        Box::new(
            Sgd::new()
                .learning_rate(LearningRate::Constant(0.1))
                .average(true)
                .seed(1),
        ),
        Box::new(Adam::new().learning_rate(0.005).batch_size(64).seed(1)),
    ]
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
        for solver in documented() {
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
    for solver in documented() {
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
    for solver in documented() {
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
