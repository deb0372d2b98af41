//! The model flags of the `fit` examples (this crate's and
//! `logreg-datafusion`'s `fit_table`), the settings they make, and the
//! JSON fields of a fitted model both print.
#![allow(dead_code)]

use logreg::solver::{Adam, Saga, Sgd, Solver};
use logreg::{FittedLogisticRegression, Float, LogisticRegression, Multiclass, Penalty};
use std::fmt::Display;

#[derive(clap::Args, Debug, Clone)]
pub struct ModelFlags {
    /// auto, newton, lbfgs, gd, sgd, adam, cd, fista or saga.
    #[arg(long, default_value = "auto")]
    pub solver: String,
    /// auto, ovr or multinomial.
    #[arg(long, default_value = "auto")]
    pub multiclass: String,
    /// scikit-learn's C (α = 1/(C·n)).
    #[arg(long, conflicts_with = "alpha")]
    pub c: Option<f64>,
    /// The penalty strength α directly.
    #[arg(long)]
    pub alpha: Option<f64>,
    /// none (the maximum-likelihood fit), l2 (default), l1 or elasticnet.
    #[arg(long)]
    pub penalty: Option<String>,
    /// The elastic net's share of L1, in [0, 1].
    #[arg(long, default_value_t = 0.5)]
    pub l1_ratio: f64,
    /// Standardize the features inside the fit.
    #[arg(long)]
    pub standardize: bool,
    /// Tolerance on max |gradient|.
    #[arg(long, default_value_t = 1e-4)]
    pub tol: f64,
    /// Iterations (epochs for sgd, adam and saga).
    #[arg(long, default_value_t = 100)]
    pub max_iter: usize,
    /// Seed for sgd, adam and saga.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
}

impl ModelFlags {
    /// The settings the flags describe.
    pub fn settings<F: Float>(&self) -> Result<LogisticRegression<F>, String> {
        let solver: Box<dyn Solver<F>> = match self.solver.as_str() {
            "sgd" => Box::new(Sgd::new().seed(self.seed)),
            "adam" => Box::new(Adam::new().seed(self.seed)),
            "saga" => Box::new(Saga::new().seed(self.seed)),
            name => logreg::solver::by_name(name).map_err(|e| e.to_string())?,
        };
        let multiclass = match self.multiclass.as_str() {
            "auto" => Multiclass::Auto,
            "ovr" => Multiclass::OneVsRest,
            "multinomial" => Multiclass::Multinomial,
            other => {
                return Err(format!(
                    "--multiclass {other:?}: use auto, ovr or multinomial"
                ));
            }
        };
        let penalty = match self.penalty.as_deref() {
            None | Some("l2") => Penalty::L2,
            Some("none") => Penalty::None,
            Some("l1") => Penalty::L1,
            Some("elasticnet") => Penalty::ElasticNet {
                l1_ratio: self.l1_ratio,
            },
            Some(p) => return Err(format!("--penalty {p:?}: use none, l2, l1 or elasticnet")),
        };
        let mut settings = LogisticRegression::new()
            .solver(solver)
            .multiclass(multiclass)
            .tol(F::from_f64_lossy(self.tol))
            .max_iter(self.max_iter)
            .penalty(penalty)
            .standardize(self.standardize);
        match (self.c, self.alpha) {
            (Some(c), _) => settings = settings.c(F::from_f64_lossy(c)),
            (None, Some(alpha)) => settings = settings.alpha(F::from_f64_lossy(alpha)),
            (None, None) => {}
        }
        Ok(settings)
    }
}

/// `[a, b, …]` of the values' `Display`.
pub fn json_list<T: Display>(values: impl IntoIterator<Item = T>) -> String {
    let items: Vec<String> = values.into_iter().map(|v| v.to_string()).collect();
    format!("[{}]", items.join(", "))
}

/// The classes as JSON: integers bare, anything else quoted.
pub fn classes_json<L: Display>(classes: &[L]) -> String {
    let texts: Vec<String> = classes.iter().map(|c| c.to_string()).collect();
    if texts.iter().all(|t| t.parse::<i64>().is_ok()) {
        json_list(texts)
    } else {
        json_list(texts.iter().map(|t| format!("{t:?}")))
    }
}

/// The JSON fields every fit prints, without braces: solver, n_iter,
/// evaluations (passes of the objective over the data), converged, termination, objective, grad_max, classes (as given, already
/// JSON), coef, intercept.
pub fn fit_fields<F: Float, L: Clone + Ord>(
    solver: &str,
    model: &FittedLogisticRegression<F, L>,
    classes: &str,
) -> String {
    let numbers =
        |v: &mut dyn Iterator<Item = F>| json_list(v.map(|v| format!("{:e}", v.to_f64_lossy())));
    let coef = json_list(
        model
            .coef()
            .rows()
            .into_iter()
            .map(|r| numbers(&mut r.iter().copied())),
    );
    let report = model.report();
    format!(
        "\"solver\": {solver:?}, \"n_iter\": {}, \"evaluations\": {}, \"converged\": {}, \"termination\": \"{:?}\", \"objective\": {:e}, \"grad_max\": {:e}, \"classes\": {classes}, \"coef\": {coef}, \"intercept\": {}",
        report.iterations,
        report.evaluations,
        report.converged(),
        report.termination,
        report.objective.to_f64_lossy(),
        report.grad_max.to_f64_lossy(),
        numbers(&mut model.intercept().iter().copied()),
    )
}

/// A warning on stderr when a fit did not converge.
pub fn warn_unless_converged<F: Float, L: Clone + Ord>(model: &FittedLogisticRegression<F, L>) {
    let report = model.report();
    if !report.converged() {
        eprintln!(
            "warning: the fit did not converge ({:?} after {} iterations, max |grad| {:e}): \
             raise --max-iter, standardize the features or loosen --tol",
            report.termination, report.iterations, report.grad_max
        );
    }
}
