//! A solver written outside the crate plugs in through the public `Solver`
//! trait and fits binary, one-vs-rest and multinomial models.

use crate::common;

use approx::assert_abs_diff_eq;
use common::data::iris;
use logreg::objective::Objective;
use logreg::solver::{
    Control, FitReport, Observer, Progress, Solution, Solver, StopRule, Termination,
};
use logreg::{LogisticRegression, Multiclass};
use ndarray::Array1;

/// Plain gradient descent with a fixed step: the simplest possible solver.
#[derive(Debug)]
struct FixedStepDescent {
    step: f64,
}

impl Solver<f64> for FixedStepDescent {
    fn name(&self) -> &'static str {
        "fixed-step descent (test)"
    }

    fn minimize(
        &self,
        objective: &dyn Objective<f64>,
        start: Array1<f64>,
        stop: &StopRule<f64>,
        observer: &mut dyn Observer<f64>,
    ) -> logreg::Result<Solution<f64>> {
        let mut params = start;
        let mut grad = Array1::zeros(objective.n_params());
        let mut iterations = 0;
        loop {
            let value = objective.value_grad(params.view(), grad.view_mut());
            let grad_max = grad.fold(0.0_f64, |m, g| m.max(g.abs()));
            let progress = Progress {
                iteration: iterations,
                objective: value,
                grad_max,
            };
            let termination = if grad_max <= stop.tol() {
                Some(Termination::Converged)
            } else if iterations == stop.max_iter() {
                Some(Termination::MaxIterations)
            } else if observer.observe(&progress) == Control::Stop {
                Some(Termination::StoppedByObserver)
            } else {
                None
            };
            if let Some(termination) = termination {
                let report = FitReport::new(iterations, value, grad_max, termination);
                return Ok(Solution { params, report });
            }
            params.scaled_add(-self.step, &grad);
            iterations += 1;
        }
    }
}

#[test]
fn an_outside_solver_fits_every_model_form() {
    let (x, y) = iris();
    // Standardize so that a fixed step converges quickly.
    let mean = x.mean_axis(ndarray::Axis(0)).unwrap();
    let std = x.std_axis(ndarray::Axis(0), 0.0);
    let x = (&x - &mean) / &std;
    for multiclass in [Multiclass::Multinomial, Multiclass::OneVsRest] {
        let reference = LogisticRegression::new()
            .tol(1e-10)
            .multiclass(multiclass)
            .fit(&x, &y)
            .unwrap();
        let model = LogisticRegression::new()
            .solver(FixedStepDescent { step: 1.0 })
            .tol(1e-9)
            .max_iter(1_000_000)
            .multiclass(multiclass)
            .fit(&x, &y)
            .unwrap();
        assert!(model.report().converged(), "{:?}", model.report());
        assert!(model.report().iterations > 10, "it really iterated");
        // The model counts the outside solver's evaluations: one per
        // iteration, and none at the start, zero, whose value and gradient
        // the model's checks computed from each class's sums (the solver
        // asked for them there: one per iteration and one at the end).
        for report in model.reports() {
            assert_eq!(report.evaluations, report.iterations, "{report:?}");
        }
        assert_abs_diff_eq!(model.coef(), reference.coef(), epsilon = 1e-5);
        assert_abs_diff_eq!(model.intercept(), reference.intercept(), epsilon = 1e-5);
    }
}
