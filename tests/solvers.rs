//! Newton, L-BFGS and gradient descent reach the same optimum on binary and
//! multinomial problems with correlated features; each handles its edge cases
//! without panicking.

use crate::common;

use common::synthetic::{correlated_problem, solve};
use logreg::objective::{BinaryLogistic, Multinomial};
use logreg::solver::{
    Control, GradientDescent, Lbfgs, Newton, NoObserver, Progress, Solver, StopRule,
};
use logreg::{Error, LogisticRegression, Multiclass, Termination};
use ndarray::Array1;

fn assert_same_optimum(a: &Array1<f64>, b: &Array1<f64>, tol: f64, what: &str) {
    let scale = b.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        assert!((x - y).abs() <= tol * scale, "{what}[{i}]: {x} vs {y}");
    }
}

#[test]
fn newton_lbfgs_and_gd_agree_on_a_binary_problem() {
    let (x, y) = correlated_problem(1500, 12, 2, 1);
    let target = y.iter().map(|&c| c as f64).collect();
    let objective = BinaryLogistic::new(x.view(), target, None, 1e-2, true).unwrap();
    let newton = solve(&Newton::new(), &objective, 1e-8, 100);
    let lbfgs = solve(&Lbfgs::new(), &objective, 1e-8, 1000);
    let gd = solve(&GradientDescent::new(), &objective, 1e-8, 20_000);
    for (name, s) in [("newton", &newton), ("lbfgs", &lbfgs), ("gd", &gd)] {
        assert!(s.report.converged(), "{name}: {:?}", s.report);
    }
    assert_same_optimum(&lbfgs.params, &newton.params, 1e-6, "lbfgs");
    assert_same_optimum(&gd.params, &newton.params, 1e-6, "gd");
    assert!(newton.report.iterations < lbfgs.report.iterations);
    assert!(lbfgs.report.iterations < gd.report.iterations);
}

#[test]
fn newton_lbfgs_and_gd_agree_on_a_multinomial_problem() {
    let (x, y) = correlated_problem(1200, 10, 4, 2);
    let objective = Multinomial::new(x.view(), y, 4, None, 1e-2, true).unwrap();
    let newton = solve(&Newton::new(), &objective, 1e-8, 100);
    let lbfgs = solve(&Lbfgs::new(), &objective, 1e-8, 1000);
    let gd = solve(&GradientDescent::new(), &objective, 1e-8, 20_000);
    for (name, s) in [("newton", &newton), ("lbfgs", &lbfgs), ("gd", &gd)] {
        assert!(s.report.converged(), "{name}: {:?}", s.report);
    }
    // The intercepts are defined up to a common shift: compare centred.
    let centred = |p: &Array1<f64>| {
        let mut p = p.clone();
        let mean = p.slice(ndarray::s![40..]).mean().unwrap();
        p.slice_mut(ndarray::s![40..]).mapv_inplace(|v| v - mean);
        p
    };
    assert_same_optimum(
        &centred(&lbfgs.params),
        &centred(&newton.params),
        1e-6,
        "lbfgs",
    );
    assert_same_optimum(&centred(&gd.params), &centred(&newton.params), 1e-6, "gd");
}

#[test]
fn lbfgs_converges_on_unscaled_features() {
    let (mut x, y) = correlated_problem(1000, 6, 2, 3);
    for (j, scale) in [1e-3, 1e-1, 1.0, 1e2, 1e3, 1e4].iter().enumerate() {
        x.column_mut(j).mapv_inplace(|v| v * scale);
    }
    let labels = Array1::from(y);
    let newton = LogisticRegression::new()
        .tol(1e-10)
        .fit(&x, &labels)
        .unwrap();
    // With features up to 1e4 the gradient's rounding floor is near 1e-8:
    // ask for 1e-6.
    let lbfgs = LogisticRegression::new()
        .solver(Lbfgs::new())
        .tol(1e-6)
        .max_iter(10_000)
        .fit(&x, &labels)
        .unwrap();
    assert!(
        lbfgs.report().converged(),
        "no line-search failure on badly scaled data: {:?}",
        lbfgs.report()
    );
    let p_newton = newton.predict_proba(&x).unwrap();
    let p_lbfgs = lbfgs.predict_proba(&x).unwrap();
    let gap = (&p_newton - &p_lbfgs).fold(0.0_f64, |m, v| m.max(v.abs()));
    assert!(gap < 1e-5, "probabilities differ by {gap}");
}

#[test]
fn every_solver_fits_through_the_model() {
    let (x, y) = correlated_problem(600, 5, 3, 4);
    let labels = Array1::from(y);
    let reference = LogisticRegression::new()
        .tol(1e-10)
        .fit(&x, &labels)
        .unwrap();
    let solvers: Vec<Box<dyn Solver<f64>>> = vec![
        Box::new(Newton::new()),
        Box::new(Lbfgs::new()),
        Box::new(GradientDescent::new()),
    ];
    for solver in solvers {
        let name = solver.name();
        for multiclass in [Multiclass::Multinomial, Multiclass::OneVsRest] {
            let model = LogisticRegression::new()
                .solver(Box::new(solver_by_name(name)) as Box<dyn Solver<f64>>)
                .tol(1e-9)
                .max_iter(50_000)
                .multiclass(multiclass)
                .fit(&x, &labels)
                .unwrap();
            assert!(model.report().converged(), "{name}: {:?}", model.report());
            if multiclass == Multiclass::Multinomial {
                let diff = (&model.coef() - &reference.coef()).fold(0.0_f64, |m, v| m.max(v.abs()));
                assert!(diff < 1e-6, "{name}: {diff}");
            }
        }
    }
}

fn solver_by_name(name: &str) -> Box<dyn Solver<f64>> {
    match name {
        "newton" => Box::new(Newton::new()),
        "lbfgs" => Box::new(Lbfgs::new()),
        _ => Box::new(GradientDescent::new()),
    }
}

#[test]
fn an_observer_can_stop_lbfgs_and_gd() {
    let (x, y) = correlated_problem(300, 4, 2, 5);
    let target = y.iter().map(|&c| c as f64).collect();
    let objective = BinaryLogistic::new(x.view(), target, None, 0.0, true).unwrap();
    let solvers: [&dyn Solver<f64>; 3] = [&Lbfgs::new(), &GradientDescent::new(), &Newton::new()];
    for solver in solvers {
        let mut calls = 0;
        let mut stop_after_one = |_: &Progress<f64>| {
            calls += 1;
            if calls > 1 {
                Control::Stop
            } else {
                Control::Continue
            }
        };
        let stop = StopRule::new(1e-12, 1000).unwrap();
        let solution = solver
            .minimize(&objective, Array1::zeros(5), &stop, &mut stop_after_one)
            .unwrap();
        assert_eq!(
            solution.report.termination,
            Termination::StoppedByObserver,
            "{}",
            solver.name()
        );
        assert_eq!(solution.report.iterations, 1);
    }
}

#[test]
fn a_too_large_fixed_learning_rate_does_not_panic() {
    let (x, y) = correlated_problem(300, 4, 2, 6);
    let mut x = x;
    x.mapv_inplace(|v| v * 100.0);
    let target = y.iter().map(|&c| c as f64).collect();
    let objective = BinaryLogistic::new(x.view(), target, None, 0.0, true).unwrap();
    let solution = solve(
        &GradientDescent::new().learning_rate(1e6),
        &objective,
        1e-8,
        200,
    );
    assert!(matches!(
        solution.report.termination,
        Termination::MaxIterations | Termination::NumericalFailure
    ));
}

#[test]
fn invalid_solver_settings_are_errors() {
    let (x, y) = correlated_problem(50, 2, 2, 7);
    let labels = Array1::from(y);
    for rate in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        let error = LogisticRegression::new()
            .solver(GradientDescent::new().learning_rate(rate))
            .fit(&x, &labels)
            .unwrap_err();
        assert!(matches!(
            error,
            Error::InvalidParameter {
                name: "learning_rate",
                ..
            }
        ));
    }
    let error = LogisticRegression::new()
        .solver(Lbfgs::new().memory(0))
        .fit(&x, &labels)
        .unwrap_err();
    assert!(matches!(
        error,
        Error::InvalidParameter { name: "memory", .. }
    ));
    let objective = BinaryLogistic::new(x.view(), Array1::zeros(50), None, 0.0, true).unwrap();
    let stop = StopRule::new(1e-6, 10).unwrap();
    let error = Newton::new()
        .minimize(&objective, Array1::zeros(7), &stop, &mut NoObserver)
        .unwrap_err();
    assert_eq!(
        error,
        Error::ParameterCount {
            expected: 3,
            got: 7
        }
    );
}

#[test]
fn solvers_are_send_and_sync() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Newton>();
    send_sync::<Lbfgs>();
    send_sync::<GradientDescent<f64>>();
    send_sync::<GradientDescent<f32>>();
    send_sync::<logreg::solver::Sgd<f64>>();
    send_sync::<logreg::solver::Adam<f32>>();
    send_sync::<logreg::solver::Auto>();
}

#[test]
fn solvers_are_chosen_by_name() {
    let (x, y) = correlated_problem(400, 4, 2, 8);
    let labels = Array1::from(y);
    for name in ["auto", "newton", "lbfgs", "gd", "sgd", "adam"] {
        let solver = logreg::solver::by_name::<f64>(name).unwrap();
        assert_eq!(solver.name(), name);
        let model = LogisticRegression::new()
            .solver(solver)
            .max_iter(1000)
            .fit(&x, &labels)
            .unwrap();
        assert!(model.score(&x, &labels).unwrap() > 0.6, "{name}");
    }
    let error = logreg::solver::by_name::<f64>("simplex").unwrap_err();
    assert!(matches!(
        error,
        Error::InvalidParameter { name: "solver", .. }
    ));
    assert!(error.to_string().contains("lbfgs"));
}

#[test]
fn auto_picks_newton_for_small_and_lbfgs_for_large_problems() {
    use logreg::solver::Auto;
    let (x, y) = correlated_problem(500, 8, 2, 9);
    let target: Array1<f64> = y.iter().map(|&c| c as f64).collect();
    let objective = BinaryLogistic::new(x.view(), target, None, 1e-3, true).unwrap();
    let small = solve(&Auto::new(), &objective, 1e-10, 1000);
    let newton = solve(&Newton::new(), &objective, 1e-10, 1000);
    let large = solve(&Auto::new().newton_max_params(5), &objective, 1e-10, 1000);
    let lbfgs = solve(&Lbfgs::new(), &objective, 1e-10, 1000);
    assert_eq!(small.report.iterations, newton.report.iterations);
    assert_eq!(large.report.iterations, lbfgs.report.iterations);
    assert_ne!(newton.report.iterations, lbfgs.report.iterations);
}
