//! The deterministic solvers: Newton, L-BFGS (with its strong-Wolfe line
//! search) and gradient descent reach the same optimum on binary and
//! multinomial problems with correlated features, directly and through the
//! model; robustness on unscaled data and awkward objectives, observers,
//! invalid settings, f32 and trait objects; `Auto` picks Newton or L-BFGS by
//! size; every solver (SGD and Adam too) is chosen by name and is
//! Send + Sync. SGD and Adam themselves: tests/solvers_stochastic.rs.
//!
//! Iteration counts are printed; see them with `-- --nocapture`.

use crate::common;

use common::synthetic::{correlated_problem, solve};
use logreg::objective::{BinaryLogistic, Multinomial, Objective, Penalty};
use logreg::solver::{
    Control, GradientDescent, Lbfgs, Newton, NoObserver, Progress, Solver, StopRule,
};
use logreg::{Error, LogisticRegression, Multiclass, Termination};
use ndarray::{Array1, Array2, ArrayView1, ArrayViewMut1, s};

/// Knuth's MMIX linear congruential generator with Box–Muller normals: the
/// data are the same on every machine and need no crate.
struct Lcg(u64);

impl Lcg {
    fn uniform(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        // The high bits of an LCG are the good ones.
        ((self.0 >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    fn normal(&mut self) -> f64 {
        let (u, v) = (self.uniform(), self.uniform());
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
}

/// n × d features: independent normals mixed by a fixed lower-triangular
/// matrix so that the columns are correlated (neighbours at 0.6 to 0.9), and
/// labels drawn from a softmax model with `classes` classes.
fn correlated(n: usize, d: usize, classes: usize, seed: u64) -> (Array2<f64>, Vec<usize>) {
    let mut rng = Lcg(seed);
    let mix = Array2::from_shape_fn((d, d), |(i, j)| match i.cmp(&j) {
        std::cmp::Ordering::Less => 0.0,
        std::cmp::Ordering::Equal => 1.0,
        std::cmp::Ordering::Greater => 0.9_f64.powi((i - j) as i32) + 0.1 * rng.normal(),
    });
    let z = Array2::from_shape_fn((n, d), |_| rng.normal());
    let x = z.dot(&mix.t());
    let w = Array2::from_shape_fn((classes, d), |_| 0.4 * rng.normal());
    let b = Array1::from_shape_fn(classes, |_| 0.5 * rng.normal());
    let y = (0..n)
        .map(|i| {
            let eta = w.dot(&x.row(i)) + &b;
            let top = eta.fold(f64::NEG_INFINITY, |m, &v| m.max(v));
            let p = eta.mapv(|v| (v - top).exp());
            let mut u = rng.uniform() * p.sum();
            p.iter()
                .position(|&pk| {
                    u -= pk;
                    u <= 0.0
                })
                .unwrap_or(classes - 1)
        })
        .collect();
    (x, y)
}

/// max |a − b| ≤ rel · max |b|.
fn assert_close(a: ArrayView1<'_, f64>, b: ArrayView1<'_, f64>, rel: f64, what: &str) {
    let scale = b.fold(0.0_f64, |m, v| m.max(v.abs()));
    let gap = (&a - &b).fold(0.0_f64, |m, v| m.max(v.abs()));
    assert!(gap <= rel * scale, "{what}: max gap {gap} vs scale {scale}");
}

/// Multinomial intercepts are defined only up to a common shift.
fn centre_intercepts(params: &Array1<f64>, n_coef: usize) -> Array1<f64> {
    let mut params = params.clone();
    let mean = params.slice(s![n_coef..]).mean().unwrap();
    params.slice_mut(s![n_coef..]).mapv_inplace(|v| v - mean);
    params
}

const ALPHA: f64 = 1e-2;
const TOL: f64 = 1e-8;

#[test]
fn binary_newton_lbfgs_and_gd_reach_the_same_optimum() {
    let (x, y) = correlated(2000, 12, 2, 11);
    let target = y.iter().map(|&c| c as f64).collect();
    let objective = BinaryLogistic::new(x.view(), target, None, ALPHA, true).unwrap();
    let newton = solve(&Newton::new(), &objective, TOL, 100);
    let lbfgs = solve(&Lbfgs::new(), &objective, TOL, 1000);
    let gd = solve(&GradientDescent::new(), &objective, TOL, 20_000);
    eprintln!(
        "binary iterations: newton {}, lbfgs {}, gd {}",
        newton.report.iterations, lbfgs.report.iterations, gd.report.iterations
    );
    for (name, solution) in [("newton", &newton), ("lbfgs", &lbfgs), ("gd", &gd)] {
        assert!(solution.report.converged(), "{name}: {:?}", solution.report);
        assert!(solution.report.grad_max <= TOL, "{name}");
    }
    assert_close(lbfgs.params.view(), newton.params.view(), 1e-6, "lbfgs");
    assert_close(gd.params.view(), newton.params.view(), 1e-6, "gd");
    assert!(newton.report.iterations < lbfgs.report.iterations);
    assert!(lbfgs.report.iterations < gd.report.iterations);
}

#[test]
fn multinomial_newton_lbfgs_and_gd_reach_the_same_optimum() {
    let (k, d) = (4, 10);
    let (x, y) = correlated(1500, d, k, 12);
    let objective = Multinomial::new(x.view(), y, k, None, ALPHA, true).unwrap();
    let newton = solve(&Newton::new(), &objective, TOL, 100);
    let lbfgs = solve(&Lbfgs::new(), &objective, TOL, 1000);
    let gd = solve(&GradientDescent::new(), &objective, TOL, 20_000);
    eprintln!(
        "multinomial iterations: newton {}, lbfgs {}, gd {}",
        newton.report.iterations, lbfgs.report.iterations, gd.report.iterations
    );
    for (name, solution) in [("newton", &newton), ("lbfgs", &lbfgs), ("gd", &gd)] {
        assert!(solution.report.converged(), "{name}: {:?}", solution.report);
    }
    let reference = centre_intercepts(&newton.params, k * d);
    for (name, solution) in [("lbfgs", &lbfgs), ("gd", &gd)] {
        let params = centre_intercepts(&solution.params, k * d);
        assert_close(params.view(), reference.view(), 1e-6, name);
    }
}

#[test]
fn the_solvers_agree_through_the_model() {
    for (k, seed) in [(2, 21), (4, 22)] {
        let (x, y) = correlated(1200, 10, k, seed);
        let labels = Array1::from(y);
        let solvers: [(Box<dyn Solver<f64>>, usize); 3] = [
            (Box::new(Newton::new()), 100),
            (Box::new(Lbfgs::new()), 1000),
            (Box::new(GradientDescent::new()), 20_000),
        ];
        let fits: Vec<_> = solvers
            .into_iter()
            .map(|(solver, max_iter)| {
                let name = solver.name();
                let model = LogisticRegression::new()
                    .solver(solver)
                    .alpha(ALPHA)
                    .tol(TOL)
                    .max_iter(max_iter)
                    .fit(&x, &labels)
                    .unwrap();
                assert!(model.report().converged(), "{name}: {:?}", model.report());
                eprintln!("model, {k} classes: {name} {}", model.report().iterations);
                (name, model)
            })
            .collect();
        let (_, newton) = &fits[0];
        for (name, model) in &fits[1..] {
            let coef = model.coef().iter().copied().collect::<Array1<f64>>();
            let reference = newton.coef().iter().copied().collect::<Array1<f64>>();
            assert_close(coef.view(), reference.view(), 1e-6, name);
            assert_close(model.intercept(), newton.intercept(), 1e-6, name);
        }
    }
}

/// Features scaled by 1e-3 … 1e4, interleaved so that correlated
/// neighbours differ by orders of magnitude, and binary labels.
fn unscaled(d: usize, seed: u64) -> (Array2<f64>, Array1<usize>, Vec<f64>) {
    let all = [1e-3, 1e4, 1e-2, 1e3, 1e-1, 1e2, 1.0, 10.0, 3e3, 3e-3];
    let (mut x, y) = correlated(1000, d, 2, seed);
    let scales = all[..d].to_vec();
    for (j, scale) in scales.iter().enumerate() {
        x.column_mut(j).mapv_inplace(|v| v * scale);
    }
    (x, Array1::from(y), scales)
}

/// Coefficients in the units of standardized features, where they are all
/// of order one (the intercept, if any, is left as it is).
fn standardized(params: ArrayView1<'_, f64>, scales: &[f64]) -> Array1<f64> {
    let mut params = params.to_owned();
    for (p, scale) in params.iter_mut().zip(scales) {
        *p *= scale;
    }
    params
}

#[test]
fn lbfgs_reaches_the_newton_optimum_on_unscaled_features() {
    let (x, labels, scales) = unscaled(10, 31);
    let newton = LogisticRegression::new()
        .solver(Newton::new())
        .penalty(Penalty::None)
        .tol(1e-10)
        .fit(&x, &labels)
        .unwrap();
    assert!(newton.report().converged(), "{:?}", newton.report());
    // With curvatures spanning 14 orders of magnitude and more parameters
    // (11) than pairs in memory (10), γI cannot scale every direction; the
    // diagonal initial matrix can. tol 1e-10 on the raw gradient is 1e-7 on
    // the standardized one for the feature of scale 1e-3.
    let lbfgs = LogisticRegression::new()
        .solver(Lbfgs::new().diagonal_scaling(true))
        .penalty(Penalty::None)
        .tol(1e-10)
        .max_iter(5000)
        .fit(&x, &labels)
        .unwrap();
    assert_eq!(lbfgs.report().termination, Termination::Converged);
    assert_close(
        standardized(lbfgs.coef().row(0), &scales).view(),
        standardized(newton.coef().row(0), &scales).view(),
        1e-6,
        "standardized coefficients",
    );
    assert_close(lbfgs.intercept(), newton.intercept(), 1e-6, "intercept");

    // With γI, progress is slow but every step is accepted: no line-search
    // failure, no numerical failure, and the objective never rises (beyond
    // rounding).
    let target = labels.mapv(|c| c as f64);
    let objective = BinaryLogistic::new(x.view(), target, None, 0.0, true).unwrap();
    let mut trace = Vec::new();
    let mut record = |p: &Progress<f64>| {
        trace.push(p.objective);
        Control::Continue
    };
    let stop = StopRule::new(1e-10, 1000).unwrap();
    let plain = Lbfgs::new()
        .minimize(&objective, Array1::zeros(11), &stop, &mut record)
        .unwrap();
    eprintln!(
        "unscaled: newton {}, lbfgs with diagonal scaling {}, lbfgs with γI {:?} after {}",
        newton.report().iterations,
        lbfgs.report().iterations,
        plain.report.termination,
        plain.report.iterations
    );
    assert!(
        matches!(
            plain.report.termination,
            Termination::Converged | Termination::MaxIterations
        ),
        "{:?}",
        plain.report
    );
    assert_eq!(trace.len(), plain.report.iterations + 1);
    assert!(trace.windows(2).all(|w| w[1] <= w[0] + 1e-14 * w[0].abs()));
    assert!(plain.report.objective < trace[0]);

    // Gradient descent's line search copes with the scales too (slowly).
    let gd = solve(&GradientDescent::new(), &objective, 1e-10, 300);
    assert_eq!(gd.report.termination, Termination::MaxIterations);
    assert!(gd.report.objective < trace[0]);
}

#[test]
fn diagonal_scaling_reaches_the_same_optimum_on_scaled_features() {
    let (k, d) = (4, 10);
    let (x, y) = correlated(1000, d, k, 33);
    let objective = Multinomial::new(x.view(), y, k, None, ALPHA, true).unwrap();
    let newton = solve(&Newton::new(), &objective, TOL, 100);
    let lbfgs = solve(&Lbfgs::new().diagonal_scaling(true), &objective, TOL, 2000);
    assert!(lbfgs.report.converged(), "{:?}", lbfgs.report);
    assert_close(
        centre_intercepts(&lbfgs.params, k * d).view(),
        centre_intercepts(&newton.params, k * d).view(),
        1e-6,
        "diagonal scaling",
    );
}

#[test]
fn lbfgs_handles_an_unpenalized_softmax_with_redundant_parameters() {
    // Without a penalty one class's coefficients are redundant: Newton pins
    // them, L-BFGS needs nothing special because the gradient never moves
    // the parameters along the redundant directions.
    let (k, d) = (4, 10);
    let (x, y) = correlated(1000, d, k, 41);
    let objective = Multinomial::new(x.view(), y, k, None, 0.0, true).unwrap();
    assert!(!objective.redundant_params().is_empty());
    let newton = solve(&Newton::new(), &objective, 1e-9, 100);
    let lbfgs = solve(&Lbfgs::new(), &objective, 1e-9, 2000);
    assert!(newton.report.converged(), "{:?}", newton.report);
    assert!(lbfgs.report.converged(), "{:?}", lbfgs.report);
    let value = |p: &Array1<f64>| objective.value(p.view());
    assert!((value(&lbfgs.params) - value(&newton.params)).abs() <= 1e-12);
    // Class-wise differences of the coefficients are identifiable.
    let contrast = |p: &Array1<f64>| {
        let w = p.slice(s![..k * d]).into_shape_with_order((k, d)).unwrap();
        (&w.slice(s![1.., ..]) - &w.slice(s![..1, ..]))
            .iter()
            .copied()
            .collect::<Array1<f64>>()
    };
    assert_close(
        contrast(&lbfgs.params).view(),
        contrast(&newton.params).view(),
        1e-6,
        "contrasts",
    );
}

#[test]
fn lbfgs_with_the_smallest_memory_converges() {
    let (x, y) = correlated(1000, 10, 2, 51);
    let target = y.iter().map(|&c| c as f64).collect();
    let objective = BinaryLogistic::new(x.view(), target, None, ALPHA, true).unwrap();
    let newton = solve(&Newton::new(), &objective, TOL, 100);
    let lbfgs = solve(&Lbfgs::new().memory(1), &objective, TOL, 5000);
    assert!(lbfgs.report.converged(), "{:?}", lbfgs.report);
    assert_close(lbfgs.params.view(), newton.params.view(), 1e-6, "memory 1");
}

#[test]
fn the_observer_sees_every_iteration_and_can_stop_lbfgs_early() {
    let (x, y) = correlated(1000, 10, 2, 61);
    let target = y.iter().map(|&c| c as f64).collect();
    let objective = BinaryLogistic::new(x.view(), target, None, ALPHA, true).unwrap();
    let stop = StopRule::new(TOL, 1000).unwrap();
    for solver in [&Lbfgs::new() as &dyn Solver<f64>, &GradientDescent::new()] {
        let name = solver.name();
        // To the end: once per iteration and once at the start, the last
        // call showing the returned point.
        let mut seen = Vec::new();
        let mut record = |p: &Progress<f64>| {
            seen.push(*p);
            Control::Continue
        };
        let start = Array1::zeros(objective.n_params());
        let full = solver
            .minimize(&objective, start.clone(), &stop, &mut record)
            .unwrap();
        assert!(full.report.converged(), "{name}: {:?}", full.report);
        assert_eq!(seen.len(), full.report.iterations + 1, "{name}");
        assert!(seen.iter().enumerate().all(|(i, p)| p.iteration == i));
        let last = seen.last().unwrap();
        assert_eq!(last.grad_max.to_bits(), full.report.grad_max.to_bits());
        // Monotone up to rounding (the line searches accept a step whose value
        // rose by rounding when the gradient fell).
        assert!(
            seen.windows(2)
                .all(|w| w[1].objective <= w[0].objective + 1e-14 * w[0].objective.abs())
        );

        // Stopped after three calls: two iterations, reported as such.
        let mut calls = 0;
        let mut stop_at_three = |_: &Progress<f64>| {
            calls += 1;
            if calls == 3 {
                Control::Stop
            } else {
                Control::Continue
            }
        };
        let early = solver
            .minimize(&objective, start, &stop, &mut stop_at_three)
            .unwrap();
        assert_eq!(early.report.termination, Termination::StoppedByObserver);
        assert_eq!(early.report.iterations, 2, "{name}");
        assert!(early.report.grad_max > TOL);
        let value = objective.value(early.params.view());
        assert!((value - early.report.objective).abs() <= 1e-15 * value.abs());
    }
}

#[test]
fn gd_with_a_too_large_fixed_learning_rate_does_not_panic() {
    let (x, y) = correlated(1000, 10, 2, 71);
    let target: Array1<f64> = y.iter().map(|&c| c as f64).collect();
    let unscaled = &x * 1e3;
    for features in [&x, &unscaled] {
        let objective =
            BinaryLogistic::new(features.view(), target.clone(), None, ALPHA, true).unwrap();
        for rate in [50.0, 1e6, 1e300, f64::MAX] {
            let solution = solve(
                &GradientDescent::new().learning_rate(rate),
                &objective,
                TOL,
                300,
            );
            assert!(
                matches!(
                    solution.report.termination,
                    Termination::NumericalFailure | Termination::MaxIterations
                ),
                "rate {rate}: {:?}",
                solution.report
            );
            // A numerical failure returns the last finite point.
            assert!(solution.params.iter().all(|p| p.is_finite()));
            assert!(solution.report.objective.is_finite());
        }
    }
}

#[test]
fn gd_with_a_suitable_fixed_learning_rate_converges() {
    let (x, y) = correlated(1000, 10, 2, 72);
    let target = y.iter().map(|&c| c as f64).collect();
    let objective = BinaryLogistic::new(x.view(), target, None, ALPHA, true).unwrap();
    let newton = solve(&Newton::new(), &objective, TOL, 100);
    let gd = solve(
        &GradientDescent::new().learning_rate(0.5),
        &objective,
        TOL,
        50_000,
    );
    assert!(gd.report.converged(), "{:?}", gd.report);
    assert_close(gd.params.view(), newton.params.view(), 1e-6, "fixed step");
}

#[test]
fn invalid_settings_are_invalid_parameter_errors() {
    let (x, y) = correlated(100, 3, 2, 81);
    let labels = Array1::from(y);
    let target = labels.mapv(|c| c as f64);
    let objective = BinaryLogistic::new(x.view(), target, None, ALPHA, true).unwrap();
    let stop = StopRule::new(TOL, 10).unwrap();
    let start = Array1::zeros(4);
    let is_invalid = |result: logreg::Result<_>, what: &str| match result {
        Err(Error::InvalidParameter { name, .. }) => assert_eq!(name, what),
        other => panic!("{what}: expected InvalidParameter, got {other:?}"),
    };
    is_invalid(
        Lbfgs::new()
            .memory(0)
            .minimize(&objective, start.clone(), &stop, &mut NoObserver)
            .map(|_| ()),
        "memory",
    );
    is_invalid(
        LogisticRegression::new()
            .solver(Lbfgs::new().memory(0))
            .fit(&x, &labels)
            .map(|_| ()),
        "memory",
    );
    for rate in [0.0, -0.0, -1e-3, f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        is_invalid(
            GradientDescent::new()
                .learning_rate(rate)
                .minimize(&objective, start.clone(), &stop, &mut NoObserver)
                .map(|_| ()),
            "learning_rate",
        );
        is_invalid(
            LogisticRegression::new()
                .solver(GradientDescent::new().learning_rate(rate))
                .fit(&x, &labels)
                .map(|_| ()),
            "learning_rate",
        );
    }
    // Checked before anything else: even a valid-looking start is not used.
    let error = Lbfgs::new()
        .minimize(&objective, Array1::zeros(7), &stop, &mut NoObserver)
        .unwrap_err();
    assert_eq!(
        error,
        Error::ParameterCount {
            expected: 4,
            got: 7
        }
    );
}

#[test]
fn boxed_solvers_work_as_trait_objects() {
    let (x, y) = correlated(1000, 10, 2, 91);
    let labels = Array1::from(y);
    let target = labels.mapv(|c| c as f64);
    let objective = BinaryLogistic::new(x.view(), target, None, ALPHA, true).unwrap();
    let boxed = || -> Vec<Box<dyn Solver<f64>>> {
        vec![
            Box::new(Newton::new()),
            Box::new(Lbfgs::new().memory(5)),
            Box::new(GradientDescent::new()),
        ]
    };
    let names: Vec<_> = boxed().iter().map(|s| s.name()).collect();
    assert_eq!(names, ["newton", "lbfgs", "gd"]);
    let reference = solve(&Newton::new(), &objective, TOL, 100);
    for solver in boxed() {
        let name = solver.name();
        let solution = solve(&solver, &objective, TOL, 20_000);
        assert!(solution.report.converged(), "{name}");
        assert_close(solution.params.view(), reference.params.view(), 1e-6, name);
        // A box of a box is a solver too, and plugs into the model.
        let model = LogisticRegression::new()
            .solver(Box::new(solver) as Box<dyn Solver<f64>>)
            .alpha(ALPHA)
            .tol(TOL)
            .max_iter(20_000)
            .fit(&x, &labels)
            .unwrap();
        assert!(model.report().converged(), "{name}");
    }
}

#[test]
fn solvers_are_send_sync_clone_and_debug() {
    fn traits<T: Send + Sync + Clone + std::fmt::Debug + 'static>(_: &T) {}
    traits(&Lbfgs::new());
    traits(&GradientDescent::<f64>::new());
    traits(&GradientDescent::<f32>::new().learning_rate(0.1));
    assert!(format!("{:?}", Lbfgs::new().memory(7)).contains('7'));
}

#[test]
fn lbfgs_and_gd_work_in_f32() {
    let (x, y) = correlated(1000, 10, 2, 101);
    let x32 = x.mapv(|v| v as f32);
    let target = y.iter().map(|&c| c as f32).collect();
    let objective = BinaryLogistic::new(x32.view(), target, None, 1e-2_f32, true).unwrap();
    let start = Array1::<f32>::zeros(11);
    let solve = |solver: &dyn Solver<f32>, tol: f32| {
        let stop = StopRule::new(tol, 5000).unwrap();
        let solution = solver
            .minimize(&objective, start.clone(), &stop, &mut NoObserver)
            .unwrap();
        assert!(
            solution.report.converged(),
            "{}: {:?}",
            solver.name(),
            solution.report
        );
        solution
    };
    let newton = solve(&Newton::new(), 1e-5);
    // Near the optimum, f32 objective values change by less than their
    // rounding; the backtracking search then cannot tell a good step from a
    // too long one, and gradient descent with it stalls near max |∇f| ≈ 2e-4
    // on this problem. A fixed step, or L-BFGS, gets to 1e-5.
    let solutions = [
        solve(&Lbfgs::new(), 1e-5),
        solve(&GradientDescent::new().learning_rate(0.5), 1e-5),
        solve(&GradientDescent::new(), 1e-3),
    ];
    for (solution, bound) in solutions.iter().zip([5e-3, 5e-3, 1e-1]) {
        // |Δw| ≤ |∇f| / α for an α-strongly convex objective.
        let gap = (&solution.params - &newton.params).fold(0.0_f32, |m, v| m.max(v.abs()));
        assert!(gap < bound, "{gap}");
        assert!(solution.report.objective - newton.report.objective < 1e-5);
    }
}

/// The Rosenbrock function: non-convex, with a curved valley that defeats a
/// poor line search.
struct Rosenbrock;

impl Objective<f64> for Rosenbrock {
    fn n_params(&self) -> usize {
        2
    }

    fn n_samples(&self) -> usize {
        1
    }

    fn value_grad(&self, p: ArrayView1<'_, f64>, mut grad: ArrayViewMut1<'_, f64>) -> f64 {
        let (a, b) = (p[0], p[1]);
        grad[0] = -2.0 * (1.0 - a) - 400.0 * a * (b - a * a);
        grad[1] = 200.0 * (b - a * a);
        (1.0 - a).powi(2) + 100.0 * (b - a * a).powi(2)
    }

    fn hessian(&self, p: ArrayView1<'_, f64>) -> Array2<f64> {
        let (a, b) = (p[0], p[1]);
        ndarray::array![
            [2.0 - 400.0 * b + 1200.0 * a * a, -400.0 * a],
            [-400.0 * a, 200.0]
        ]
    }

    fn hess_vec(
        &self,
        p: ArrayView1<'_, f64>,
        v: ArrayView1<'_, f64>,
        mut out: ArrayViewMut1<'_, f64>,
    ) {
        out.assign(&self.hessian(p).dot(&v));
    }

    fn value_grad_rows(
        &self,
        p: ArrayView1<'_, f64>,
        _: &[usize],
        grad: ArrayViewMut1<'_, f64>,
    ) -> f64 {
        self.value_grad(p, grad)
    }
}

#[test]
fn lbfgs_minimizes_the_rosenbrock_function() {
    let stop = StopRule::new(1e-10, 500).unwrap();
    for start in [[-1.2, 1.0], [2.0, -1.5], [-3.0, -4.0]] {
        let solution = Lbfgs::new()
            .minimize(
                &Rosenbrock,
                Array1::from(start.to_vec()),
                &stop,
                &mut NoObserver,
            )
            .unwrap();
        assert!(
            solution.report.converged(),
            "{start:?}: {:?}",
            solution.report
        );
        assert!((solution.params[0] - 1.0).abs() < 1e-8, "{start:?}");
        assert!((solution.params[1] - 1.0).abs() < 1e-8, "{start:?}");
    }
}

/// ½‖p − c‖² − ln(1 − ‖p‖²): finite only inside the unit ball, +∞ (or NaN)
/// outside, so long trial steps leave the domain.
struct Barrier;

impl Objective<f64> for Barrier {
    fn n_params(&self) -> usize {
        3
    }

    fn n_samples(&self) -> usize {
        1
    }

    fn value_grad(&self, p: ArrayView1<'_, f64>, mut grad: ArrayViewMut1<'_, f64>) -> f64 {
        let c = ndarray::array![30.0, -20.0, 10.0];
        let slack = 1.0 - p.dot(&p);
        let diff = &p - &c;
        grad.assign(&(&diff + &(&p * (2.0 / slack))));
        0.5 * diff.dot(&diff) - slack.ln()
    }

    fn hessian(&self, _: ArrayView1<'_, f64>) -> Array2<f64> {
        unimplemented!("not needed by first-order solvers")
    }

    fn hess_vec(&self, _: ArrayView1<'_, f64>, _: ArrayView1<'_, f64>, _: ArrayViewMut1<'_, f64>) {
        unimplemented!("not needed by first-order solvers")
    }

    fn value_grad_rows(
        &self,
        p: ArrayView1<'_, f64>,
        _: &[usize],
        grad: ArrayViewMut1<'_, f64>,
    ) -> f64 {
        self.value_grad(p, grad)
    }
}

#[test]
fn first_order_solvers_step_back_from_where_the_objective_is_not_finite() {
    let stop = StopRule::new(1e-9, 5000).unwrap();
    for solver in [&Lbfgs::new() as &dyn Solver<f64>, &GradientDescent::new()] {
        let solution = solver
            .minimize(&Barrier, Array1::zeros(3), &stop, &mut NoObserver)
            .unwrap();
        assert!(
            solution.report.converged(),
            "{}: {:?}",
            solver.name(),
            solution.report
        );
        assert!(solution.params.dot(&solution.params) < 1.0);
    }
    // Starting outside the domain is a numerical failure, not a panic.
    let outside = Array1::from(vec![2.0, 0.0, 0.0]);
    for solver in [&Lbfgs::new() as &dyn Solver<f64>, &GradientDescent::new()] {
        let solution = solver
            .minimize(&Barrier, outside.clone(), &stop, &mut NoObserver)
            .unwrap();
        assert_eq!(solution.report.termination, Termination::NumericalFailure);
        assert_eq!(solution.report.iterations, 0);
    }
}

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

/// Dense binary data with 1e7 values of X (100,000 × 100: 101 parameters)
/// get Newton up to `tall_newton_max_params` parameters; a limit of 100,
/// or one row fewer, gets L-BFGS.
#[test]
fn auto_picks_newton_on_tall_binary_data_up_to_its_tall_limit() {
    use logreg::solver::Auto;
    let (x, y) = correlated_problem(100_000, 100, 2, 9);
    let target: Array1<f64> = y.iter().map(|&c| c as f64).collect();
    let iterations = |rows: usize, solver: &dyn Solver<f64>| {
        let x = x.slice(s![..rows, ..]);
        let target = target.slice(s![..rows]).to_owned();
        let objective = BinaryLogistic::new(x, target, None, 1e-3, true).unwrap();
        solve(solver, &objective, 1e-4, 1000).report.iterations
    };
    let tall = iterations(100_000, &Auto::new());
    assert_eq!(tall, iterations(100_000, &Newton::new()));
    let lbfgs = iterations(100_000, &Lbfgs::new());
    assert_ne!(tall, lbfgs);
    let capped = Auto::new().tall_newton_max_params(100);
    assert_eq!(iterations(100_000, &capped), lbfgs);
    let shorter = iterations(99_999, &Auto::new());
    assert_eq!(shorter, iterations(99_999, &Lbfgs::new()));
}

/// [`BinaryLogistic`] counting its Hessians.
struct CountsHessians<'a> {
    inner: &'a dyn Objective<f64>,
    hessians: std::sync::atomic::AtomicUsize,
}

impl Objective<f64> for CountsHessians<'_> {
    fn n_params(&self) -> usize {
        self.inner.n_params()
    }

    fn n_samples(&self) -> usize {
        self.inner.n_samples()
    }

    fn value_grad(&self, p: ArrayView1<'_, f64>, grad: ArrayViewMut1<'_, f64>) -> f64 {
        self.inner.value_grad(p, grad)
    }

    fn hessian(&self, p: ArrayView1<'_, f64>) -> Array2<f64> {
        self.hessians
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.inner.hessian(p)
    }

    fn value_grad_rows(
        &self,
        p: ArrayView1<'_, f64>,
        rows: &[usize],
        grad: ArrayViewMut1<'_, f64>,
    ) -> f64 {
        self.inner.value_grad_rows(p, rows, grad)
    }

    fn l2_penalty(&self) -> f64 {
        self.inner.l2_penalty()
    }
}

/// Where a Hessian costs n·p² ≥ 1e8, Newton reuses one for a chord step
/// while the gradient falls fast: fewer Hessians than iterations, and the
/// optimum L-BFGS reaches at tol 1e-10. Below that size every step builds
/// one (an iteration each, and one for the final decrement at most).
#[test]
fn newton_takes_chord_steps_only_where_hessians_are_costly() {
    let hessians_and_iterations = |n: usize| {
        let (x, y) = correlated_problem(n, 99, 2, 23);
        let y = Array1::from_iter(y.iter().map(|&c| c as f64));
        let objective = BinaryLogistic::new(x.view(), y, None, 1e-4, true).unwrap();
        let counting = CountsHessians {
            inner: &objective,
            hessians: 0.into(),
        };
        let newton = solve(&Newton::new(), &counting, 1e-8, 100);
        assert!(newton.report.converged(), "{:?}", newton.report);
        let lbfgs = solve(&Lbfgs::new(), &objective, 1e-10, 1000);
        let gap = (newton.report.objective - lbfgs.report.objective) / lbfgs.report.objective;
        assert!(gap.abs() <= 1e-12, "n = {n}: {gap:e}");
        let hessians = counting.hessians.into_inner();
        println!(
            "n = {n}: {hessians} Hessians, {} iterations",
            newton.report.iterations
        );
        (hessians, newton.report.iterations)
    };
    // 10,000 × 100 parameters: n·p² = 1e8.
    let (hessians, iterations) = hessians_and_iterations(10_000);
    assert!(
        hessians < iterations,
        "{hessians} Hessians, {iterations} iterations"
    );
    let (hessians, iterations) = hessians_and_iterations(9_999);
    assert!(
        hessians >= iterations,
        "{hessians} Hessians, {iterations} iterations"
    );
}
