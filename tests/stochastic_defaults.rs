//! Issue 16: `Sgd::default()` and `Adam::default()` reach the optimum on
//! small data sets with max_iter = 1000 epochs, and their reports are
//! honest: `Converged` only when max |∇f| ≤ tol at the returned parameters,
//! a run cut short or stalled says so, and `grad_max` and `objective` are the
//! full objective's at the returned parameters.
//!
//! Data: `common::synthetic` (SplitMix64 + Box–Muller), standardized here;
//! iris from examples/data, standardized by the model. The optimum is the
//! crate's Newton at tol 1e-12 (which matches scikit-learn and statsmodels:
//! tests/reference.rs).

use crate::common;

use common::data::iris;
use common::synthetic::{SplitMix, correlated_problem, solve};
use logreg::objective::{BinaryLogistic, Multinomial, Objective};
use logreg::solver::{Adam, Newton, Sgd, Solution, Solver};
use logreg::{LogisticRegression, Termination};
use ndarray::{Array1, Array2, Axis};

/// The accuracy issue 16 asks of the defaults: objective within 1e-3
/// relative of the optimum.
const GAP: f64 = 1e-3;

fn defaults() -> [Box<dyn Solver<f64>>; 2] {
    [Box::new(Sgd::new()), Box::new(Adam::new())]
}

/// Columns to zero mean and unit variance.
fn standardized(mut x: Array2<f64>) -> Array2<f64> {
    for mut column in x.axis_iter_mut(Axis(1)) {
        let mean = column.mean().unwrap();
        let sd = column.mapv(|v| (v - mean).powi(2)).mean().unwrap().sqrt();
        column.mapv_inplace(|v| (v - mean) / sd);
    }
    x
}

/// n × d standardized correlated features and labels of `classes` classes;
/// `imbalanced` relabels about half of the rows of the other classes as
/// class 0, which then holds well over half of the data.
fn generated(
    n: usize,
    d: usize,
    classes: usize,
    imbalanced: bool,
    seed: u64,
) -> (Array2<f64>, Vec<usize>) {
    let (x, mut y) = correlated_problem(n, d, classes, seed);
    if imbalanced {
        let mut rng = SplitMix(seed ^ 0x5EED);
        for label in &mut y {
            if rng.uniform() < 0.5 {
                *label = 0;
            }
        }
    }
    (standardized(x), y)
}

/// The generated sets: 150–2,000 rows; 2, 3 and 10 classes; with and
/// without class imbalance.
fn generated_sets() -> Vec<(String, Array2<f64>, Vec<usize>)> {
    let shapes = [
        (150, 4, 2, false),
        (150, 4, 3, true),
        (300, 5, 3, true),
        (500, 8, 2, true),
        (1000, 10, 3, false),
        (2000, 10, 10, false),
        (2000, 6, 10, true),
    ];
    shapes
        .iter()
        .enumerate()
        .map(|(i, &(n, d, k, imbalanced))| {
            let (x, y) = generated(n, d, k, imbalanced, 16 + i as u64);
            let name = format!("{n}×{d}, {k} classes, imbalanced: {imbalanced}");
            (name, x, y)
        })
        .collect()
}

fn relative_gap(value: f64, optimum: f64) -> f64 {
    (value - optimum) / optimum
}

/// Fits through the model with the default C = 1 and tol, 1000 epochs, and
/// returns the relative objective gap to Newton's fit at tol 1e-12.
fn model_gap<L: Clone + Ord>(
    solver: Box<dyn Solver<f64>>,
    x: &Array2<f64>,
    y: &Array1<L>,
    standardize: bool,
) -> (f64, Termination) {
    let settings = LogisticRegression::new().standardize(standardize);
    let optimum = settings
        .clone()
        .solver(Newton::new())
        .tol(1e-12)
        .fit(x, y)
        .unwrap();
    assert!(optimum.report().converged());
    let fitted = settings.solver(solver).max_iter(1000).fit(x, y).unwrap();
    let report = fitted.report();
    (
        relative_gap(report.objective, optimum.report().objective),
        report.termination,
    )
}

/// Asserts that both defaults end within [`GAP`] of the optimum on `data`.
fn assert_defaults_reach_the_optimum<L: Clone + Ord>(
    data: &str,
    x: &Array2<f64>,
    y: &Array1<L>,
    standardize: bool,
) {
    for solver in defaults() {
        let solver_name = solver.name();
        let (gap, termination) = model_gap(solver, x, y, standardize);
        assert!(
            (0.0..=GAP).contains(&gap) || gap.abs() < 1e-12,
            "{solver_name} on {data} (standardize {standardize}): gap {gap:.2e} ({termination:?})"
        );
    }
}

#[test]
fn defaults_reach_the_optimum_on_generated_sets() {
    for (name, x, y) in generated_sets() {
        assert_defaults_reach_the_optimum(&name, &x, &Array1::from(y), false);
    }
}

/// Iris as shipped (centimetres, uncentred) and standardized by the model.
/// As shipped it is ill-conditioned for a step size shared by all
/// coordinates: before the solvers stepped in standardized variables
/// (solver/precondition.rs) SGD ended 22% above the optimum and Adam 3%;
/// with batches of 64 rows (3 updates an epoch), SGD stalled at 1.07e-3 on
/// standardized iris.
#[test]
fn defaults_reach_the_optimum_on_iris() {
    let (x, y) = iris();
    for standardize in [false, true] {
        assert_defaults_reach_the_optimum("iris", &x, &y, standardize);
    }
}

/// Stepping in standardized variables changes the path, not the problem:
/// on iris as shipped the reported objective and gradient are the original
/// objective's at the returned (original) parameters, and switching it off
/// leaves the defaults far from the optimum, which is why it is on.
#[test]
fn preconditioning_reports_the_original_objective() {
    let (x, y) = iris();
    let mut names = y.to_vec();
    names.sort();
    names.dedup();
    let labels: Vec<usize> = y.iter().map(|s| names.binary_search(s).unwrap()).collect();
    let objective = Multinomial::new(x.view(), labels, 3, None, 1.0 / 150.0, true).unwrap();
    let optimum = solve(&Newton::new(), &objective, 1e-12, 100)
        .report
        .objective;
    type OnAndOff = (Box<dyn Solver<f64>>, Box<dyn Solver<f64>>);
    let solvers: [OnAndOff; 2] = [
        (
            Box::new(Sgd::new()),
            Box::new(Sgd::new().precondition(false)),
        ),
        (
            Box::new(Adam::new()),
            Box::new(Adam::new().precondition(false)),
        ),
    ];
    for (on, off) in solvers {
        let with = solve(&*on, &objective, 1e-4, 1000);
        assert_report_is_the_full_objectives(&with, &objective, 1e-4);
        let without = solve(&*off, &objective, 1e-4, 1000);
        assert_report_is_the_full_objectives(&without, &objective, 1e-4);
        let (gap_with, gap_without) = (
            relative_gap(with.report.objective, optimum),
            relative_gap(without.report.objective, optimum),
        );
        assert!(gap_with <= GAP, "{}: {gap_with:.2e}", on.name());
        assert!(
            gap_without > 10.0 * gap_with,
            "{}: {gap_without:.2e} vs {gap_with:.2e}",
            on.name()
        );
    }
}

/// A binary and a softmax objective over a generated set.
fn objectives<'a>(
    x: &'a Array2<f64>,
    y: &[usize],
    classes: usize,
) -> Vec<Box<dyn Objective<f64> + 'a>> {
    let binary: Array1<f64> = y.iter().map(|&c| f64::from(c == 0)).collect();
    let multinomial = Multinomial::new(x.view(), y.to_vec(), classes, None, 1e-3, true).unwrap();
    vec![
        Box::new(BinaryLogistic::new(x.view(), binary, None, 1e-3, true).unwrap()),
        Box::new(multinomial),
    ]
}

/// The report's objective and max |∇f| equal a full evaluation at the
/// returned parameters, bit for bit.
fn assert_report_is_the_full_objectives(
    solution: &Solution<f64>,
    objective: &dyn Objective<f64>,
    tol: f64,
) {
    let mut grad = Array1::zeros(objective.n_params());
    let value = objective.value_grad(solution.params.view(), grad.view_mut());
    let grad_max = grad.fold(0.0_f64, |m, g| m.max(g.abs()));
    let report = &solution.report;
    assert_eq!(report.objective.to_bits(), value.to_bits(), "{report:?}");
    assert_eq!(report.grad_max.to_bits(), grad_max.to_bits(), "{report:?}");
    assert_eq!(report.converged(), grad_max <= tol, "{report:?}");
}

#[test]
fn a_run_cut_short_reports_max_iterations_and_the_full_gradient() {
    let (x, y) = generated(1000, 8, 3, false, 7);
    for objective in objectives(&x, &y, 3) {
        for solver in defaults() {
            let solution = solve(&*solver, &*objective, 1e-4, 2);
            let report = solution.report;
            assert_eq!(report.iterations, 2, "{}", solver.name());
            assert_eq!(report.termination, Termination::MaxIterations);
            assert!(!report.converged());
            assert_report_is_the_full_objectives(&solution, &*objective, 1e-4);
        }
    }
}

#[test]
fn a_stalled_run_reports_no_improvement_not_convergence() {
    let (x, y) = generated(1000, 8, 3, false, 8);
    for objective in objectives(&x, &y, 3) {
        // Steps far too small to lower the objective by tol/100 in an epoch:
        // the stall rule ends the fit, long before the gradient test passes.
        let solvers: [Box<dyn Solver<f64>>; 2] = [
            Box::new(Sgd::new().learning_rate(logreg::solver::LearningRate::Constant(1e-9))),
            Box::new(Adam::new().learning_rate(1e-9)),
        ];
        for solver in solvers {
            let solution = solve(&*solver, &*objective, 1e-4, 1000);
            let report = solution.report;
            assert_eq!(
                report.termination,
                Termination::NoImprovement,
                "{}",
                solver.name()
            );
            assert!(!report.converged());
            assert!(report.grad_max > 1e-4);
            assert_eq!(report.iterations, 10); // the default n_iter_no_change
            assert_report_is_the_full_objectives(&solution, &*objective, 1e-4);
        }
    }
}

#[test]
fn a_converged_run_passed_the_gradient_test_at_the_returned_parameters() {
    // A tol the defaults reach (they stop near max |∇f| ≈ 1e-3 on such
    // sets, where further epochs no longer lower the objective).
    let tol = 1e-2;
    let (x, y) = generated(2000, 5, 3, false, 9);
    for objective in objectives(&x, &y, 3) {
        for solver in defaults() {
            let solution = solve(&*solver, &*objective, tol, 1000);
            assert!(
                solution.report.converged(),
                "{}: {:?}",
                solver.name(),
                solution.report
            );
            assert_report_is_the_full_objectives(&solution, &*objective, tol);
        }
    }
}

#[test]
fn partial_fit_reports_the_chunks_full_objective() {
    let (x, y) = generated(600, 5, 2, false, 10);
    let y = Array1::from(y);
    for solver in defaults() {
        let settings = LogisticRegression::new().solver(solver).alpha(1e-3);
        let mut model = settings.partial_fit(&x, &y, &[0, 1]).unwrap();
        model.partial_fit(&x, &y).unwrap();
        let report = *model.report();
        assert_eq!(report.termination, Termination::MaxIterations);
        assert!(!report.converged());
        // The binary objective at the model's coefficients, evaluated anew.
        let targets: Array1<f64> = y.mapv(|c| f64::from(c == 1));
        let objective = BinaryLogistic::new(x.view(), targets, None, 1e-3, true).unwrap();
        let mut params: Vec<f64> = model.coef().iter().copied().collect();
        params.extend(model.intercept().iter());
        let params = Array1::from(params);
        let mut grad = Array1::zeros(params.len());
        let value = objective.value_grad(params.view(), grad.view_mut());
        let grad_max = grad.fold(0.0_f64, |m, g| m.max(g.abs()));
        assert!(
            (report.objective - value).abs() <= 1e-14 * value,
            "{report:?} vs {value}"
        );
        assert!(
            (report.grad_max - grad_max).abs() <= 1e-12,
            "{report:?} vs {grad_max}"
        );
    }
}
