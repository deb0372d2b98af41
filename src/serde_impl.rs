//! Saving and loading fitted models (feature `serde`).
//!
//! A [`FittedLogisticRegression`] serializes to a plain, versioned form:
//! `format_version`, `classes`, `coef`, `intercept`, `strategy`
//! (`"binary"`, `"one_vs_rest"` or `"multinomial"`), the fit reports, the
//! diagnostics, and the record of what the fit used: `alpha`, `l1`,
//! `standardized`, `fit_intercept`, `class_weight`, `penalty`, `strength`
//! and, for a minibatch fit, the solver (`solver`: this crate's `Sgd` or
//! `Adam` with their settings) and per-run optimizer state
//! (`stream_states`). A loaded model therefore predicts, summarizes,
//! scores, warm-starts and continues `partial_fit` exactly as the saved one.
//!
//! Version 2 added the class weights, penalty, strength, solver and stream
//! states. Version 3 added the feature names (`feature_names`, when the
//! model has them) and, for a fit that required convergence, its tolerance
//! (`required_tol`). Version-1 and version-2 files still load: version 1's
//! penalty is the one its strengths imply, without class weights or solver
//! (as they were saved); neither has feature names nor requires
//! convergence.
//!
//! Loading checks the form and fails with the message of a [`crate::Error`]
//! (as the format's custom error) for a format version newer than this
//! crate reads, coefficients, intercepts and classes whose shapes disagree,
//! unsorted or repeated classes, and non-finite coefficients, intercepts or
//! strengths (a model saved before `l1` existed loads with 0). Non-finite
//! report values (a fit that ended in `NumericalFailure`) are saved as
//! missing and load as NaN.

use crate::diagnostics::Diagnostic;
use crate::model::{FitRecord, FittedLogisticRegression, Strength};
use crate::multiclass::{Fit, Strategy};
use crate::objective::Penalty;
use crate::solver::{FitReport, MinibatchSolver, StreamState, Termination};
use crate::validate::{check_alpha, check_finite, check_l1, check_length, check_non_negative};
use crate::weights::ClassWeight;
use crate::{Error, Float, Result};
use ndarray::{Array1, Array2};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The version of the serialized form this crate writes, and the newest it reads.
const FORMAT_VERSION: u32 = 3;

/// The serialized form, borrowing from the model.
#[derive(Serialize)]
struct SavedRef<'a, F, L> {
    format_version: u32,
    classes: &'a [L],
    coef: &'a Array2<F>,
    intercept: &'a Array1<F>,
    strategy: &'static str,
    report: SavedReport<F>,
    reports: Vec<SavedReport<F>>,
    diagnostics: Vec<SavedDiagnostic>,
    alpha: F,
    l1: F,
    standardized: bool,
    fit_intercept: bool,
    class_weight: SavedClassWeight<F>,
    penalty: SavedPenalty,
    strength: SavedStrength<F>,
    #[serde(skip_serializing_if = "Option::is_none")]
    solver: Option<MinibatchSolver<F>>,
    stream_states: Vec<SavedStreamState<F>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    feature_names: Option<&'a [String]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    required_tol: Option<F>,
}

/// The serialized form, owned. Every field but the version is optional here
/// so that a newer format is reported as such rather than as a missing field.
#[derive(Deserialize)]
struct Saved<F, L> {
    format_version: u32,
    classes: Option<Vec<L>>,
    coef: Option<Array2<F>>,
    intercept: Option<Array1<F>>,
    strategy: Option<String>,
    report: Option<SavedReport<F>>,
    #[serde(default = "Vec::new")]
    reports: Vec<SavedReport<F>>,
    #[serde(default = "Vec::new")]
    diagnostics: Vec<SavedDiagnostic>,
    alpha: Option<F>,
    #[serde(default = "Option::default")]
    l1: Option<F>,
    #[serde(default)]
    standardized: bool,
    fit_intercept: Option<bool>,
    #[serde(default = "Option::default")]
    class_weight: Option<SavedClassWeight<F>>,
    #[serde(default = "Option::default")]
    penalty: Option<SavedPenalty>,
    #[serde(default = "Option::default")]
    strength: Option<SavedStrength<F>>,
    #[serde(default = "Option::default")]
    solver: Option<MinibatchSolver<F>>,
    #[serde(default = "Vec::new")]
    stream_states: Vec<SavedStreamState<F>>,
    #[serde(default = "Option::default")]
    feature_names: Option<Vec<String>>,
    #[serde(default = "Option::default")]
    required_tol: Option<F>,
}

/// A [`ClassWeight`], tagged by kind.
#[derive(Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum SavedClassWeight<F> {
    None,
    Balanced,
    Manual { weights: Vec<F> },
}

impl<F: Float> SavedClassWeight<F> {
    fn from_class_weight(class_weight: &ClassWeight<F>) -> Self {
        match class_weight {
            ClassWeight::Balanced => Self::Balanced,
            ClassWeight::Manual(weights) => Self::Manual {
                weights: weights.clone(),
            },
            _ => Self::None,
        }
    }

    /// Checked as a fit checks them: one finite weight ≥ 0 per class.
    fn into_class_weight(self, n_classes: usize) -> Result<ClassWeight<F>> {
        Ok(match self {
            Self::None => ClassWeight::None,
            Self::Balanced => ClassWeight::Balanced,
            Self::Manual { weights } => {
                check_length("class weights (one per class)", n_classes, weights.len())?;
                for &w in &weights {
                    check_non_negative("class weights", w)?;
                }
                ClassWeight::Manual(weights)
            }
        })
    }
}

/// A [`Penalty`], tagged by kind.
#[derive(Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum SavedPenalty {
    None,
    L2,
    L1,
    ElasticNet { l1_ratio: f64 },
    Firth,
}

impl SavedPenalty {
    fn from_penalty(penalty: Penalty) -> Self {
        match penalty {
            Penalty::None => Self::None,
            Penalty::L1 => Self::L1,
            Penalty::ElasticNet { l1_ratio } => Self::ElasticNet { l1_ratio },
            Penalty::Firth => Self::Firth,
            _ => Self::L2,
        }
    }

    fn into_penalty(self) -> Result<Penalty> {
        let penalty = match self {
            Self::None => Penalty::None,
            Self::L2 => Penalty::L2,
            Self::L1 => Penalty::L1,
            Self::ElasticNet { l1_ratio } => Penalty::ElasticNet { l1_ratio },
            Self::Firth => Penalty::Firth,
        };
        penalty.check()?;
        Ok(penalty)
    }
}

/// The strength as it was set: scikit-learn's C, or α.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum SavedStrength<F> {
    C(F),
    Alpha(F),
}

impl<F: Float> SavedStrength<F> {
    fn from_strength(strength: Strength<F>) -> Self {
        match strength {
            Strength::C(c) => Self::C(c),
            Strength::Alpha(alpha) => Self::Alpha(alpha),
        }
    }

    fn into_strength(self) -> Result<Strength<F>> {
        let strength = match self {
            Self::C(c) => Strength::C(c),
            Self::Alpha(alpha) => Strength::Alpha(alpha),
        };
        strength.check()?;
        Ok(strength)
    }
}

/// A solver run's [`StreamState`]: the step count, Adam's moments, averaged
/// SGD's running mean and the raw iterate.
#[derive(Serialize, Deserialize)]
struct SavedStreamState<F> {
    steps: usize,
    moments: Option<(Array1<F>, Array1<F>)>,
    average: Option<Array1<F>>,
    iterate: Option<Array1<F>>,
}

impl<F: Float> SavedStreamState<F> {
    fn from_state(state: &StreamState<F>) -> Self {
        Self {
            steps: state.steps,
            moments: state.moments.clone(),
            average: state.average.clone(),
            iterate: state.iterate.clone(),
        }
    }

    /// Checked: each vector finite with one entry per parameter of the run.
    fn into_state(self, n_params: usize) -> Result<StreamState<F>> {
        let vectors = self
            .moments
            .iter()
            .flat_map(|(m, v)| [m, v])
            .chain(&self.average)
            .chain(&self.iterate);
        for vector in vectors {
            check_length(
                "stream state (one value per parameter)",
                n_params,
                vector.len(),
            )?;
            check_finite("stream state", vector.iter())?;
        }
        Ok(StreamState {
            steps: self.steps,
            moments: self.moments,
            average: self.average,
            iterate: self.iterate,
        })
    }
}

/// A [`FitReport`]; non-finite values are stored as missing.
#[derive(Serialize, Deserialize)]
struct SavedReport<F> {
    iterations: usize,
    objective: Option<F>,
    grad_max: Option<F>,
    termination: String,
    /// Absent from models saved before the count existed: 0.
    #[serde(default)]
    evaluations: usize,
}

/// A [`Diagnostic`], tagged by kind.
#[derive(Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum SavedDiagnostic {
    CompleteSeparation { features: Vec<usize> },
    QuasiSeparation { features: Vec<usize>, rows: usize },
}

fn strategy_name(strategy: Strategy) -> &'static str {
    match strategy {
        Strategy::Binary => "binary",
        Strategy::OneVsRest => "one_vs_rest",
        Strategy::Multinomial => "multinomial",
    }
}

fn strategy_from(name: &str) -> Result<Strategy> {
    match name {
        "binary" => Ok(Strategy::Binary),
        "one_vs_rest" => Ok(Strategy::OneVsRest),
        "multinomial" => Ok(Strategy::Multinomial),
        other => Err(Error::invalid(
            "strategy",
            other,
            "must be \"binary\", \"one_vs_rest\" or \"multinomial\"",
        )),
    }
}

fn termination_name(termination: Termination) -> &'static str {
    match termination {
        Termination::Converged => "converged",
        Termination::MaxIterations => "max_iterations",
        Termination::NoImprovement => "no_improvement",
        Termination::LineSearchFailed => "line_search_failed",
        Termination::StoppedByObserver => "stopped_by_observer",
        Termination::NumericalFailure => "numerical_failure",
        Termination::Separation => "separation",
    }
}

fn termination_from(name: &str) -> Result<Termination> {
    Ok(match name {
        "converged" => Termination::Converged,
        "max_iterations" => Termination::MaxIterations,
        "no_improvement" => Termination::NoImprovement,
        "line_search_failed" => Termination::LineSearchFailed,
        "stopped_by_observer" => Termination::StoppedByObserver,
        "numerical_failure" => Termination::NumericalFailure,
        "separation" => Termination::Separation,
        other => {
            return Err(Error::invalid(
                "report.termination",
                other,
                "must name a Termination, e.g. \"converged\"",
            ));
        }
    })
}

impl<F: Float> SavedReport<F> {
    fn from_report(report: &FitReport<F>) -> Self {
        let finite = |v: F| v.is_finite().then_some(v);
        Self {
            iterations: report.iterations,
            objective: finite(report.objective),
            grad_max: finite(report.grad_max),
            termination: termination_name(report.termination).to_owned(),
            evaluations: report.evaluations,
        }
    }

    fn into_report(self) -> Result<FitReport<F>> {
        let value = |v: Option<F>| v.filter(|v| v.is_finite()).unwrap_or_else(F::nan);
        let mut report = FitReport::new(
            self.iterations,
            value(self.objective),
            value(self.grad_max),
            termination_from(&self.termination)?,
        );
        report.evaluations = self.evaluations;
        Ok(report)
    }
}

impl SavedDiagnostic {
    fn from_diagnostic(diagnostic: &Diagnostic) -> Self {
        match diagnostic {
            Diagnostic::CompleteSeparation { features } => Self::CompleteSeparation {
                features: features.clone(),
            },
            Diagnostic::QuasiSeparation { features, rows } => Self::QuasiSeparation {
                features: features.clone(),
                rows: *rows,
            },
        }
    }

    fn into_diagnostic(self) -> Diagnostic {
        match self {
            Self::CompleteSeparation { features } => Diagnostic::CompleteSeparation { features },
            Self::QuasiSeparation { features, rows } => {
                Diagnostic::QuasiSeparation { features, rows }
            }
        }
    }
}

impl<F, L> Serialize for FittedLogisticRegression<F, L>
where
    F: Float + Serialize,
    L: Serialize,
{
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let record = &self.record;
        SavedRef {
            format_version: FORMAT_VERSION,
            classes: &self.classes,
            coef: &self.coef,
            intercept: &self.intercept,
            strategy: strategy_name(self.strategy),
            report: SavedReport::from_report(&self.report),
            reports: self.reports.iter().map(SavedReport::from_report).collect(),
            diagnostics: self
                .diagnostics
                .iter()
                .map(SavedDiagnostic::from_diagnostic)
                .collect(),
            alpha: record.alpha,
            l1: record.l1,
            standardized: record.standardized,
            fit_intercept: record.fit_intercept,
            class_weight: SavedClassWeight::from_class_weight(&record.class_weight),
            penalty: SavedPenalty::from_penalty(record.penalty),
            strength: SavedStrength::from_strength(record.strength),
            // Only a minibatch solver is kept, and only the crate's own can
            // be saved by value.
            solver: record
                .solver
                .as_deref()
                .and_then(|solver| solver.as_streaming())
                .and_then(|streamer| streamer.to_minibatch_solver()),
            stream_states: self
                .stream_states
                .iter()
                .map(SavedStreamState::from_state)
                .collect(),
            feature_names: record.feature_names.as_deref(),
            required_tol: record.required_tol,
        }
        .serialize(serializer)
    }
}

impl<'de, F, L> Deserialize<'de> for FittedLogisticRegression<F, L>
where
    F: Float + Deserialize<'de>,
    L: Deserialize<'de> + Clone + Ord,
{
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        let saved = Saved::<F, L>::deserialize(deserializer)?;
        saved.into_model().map_err(D::Error::custom)
    }
}

/// A required field of the saved form, or the error naming it.
fn required<T>(value: Option<T>, name: &'static str) -> Result<T> {
    value.ok_or_else(|| Error::invalid(name, "missing", "is required in a saved model"))
}

impl<F: Float, L: Clone + Ord> Saved<F, L> {
    /// Checks the saved form and rebuilds the model.
    fn into_model(self) -> Result<FittedLogisticRegression<F, L>> {
        if self.format_version == 0 || self.format_version > FORMAT_VERSION {
            return Err(Error::invalid(
                "format_version",
                self.format_version,
                "this logreg reads saved models of format versions 1 to 3: \
                 load it with the logreg version that saved it, or a newer one",
            ));
        }
        let classes = required(self.classes, "classes")?;
        let coef = required(self.coef, "coef")?;
        let intercept = required(self.intercept, "intercept")?;
        let strategy = strategy_from(&required(self.strategy, "strategy")?)?;
        let report = required(self.report, "report")?.into_report()?;
        let alpha = required(self.alpha, "alpha")?;
        let fit_intercept = required(self.fit_intercept, "fit_intercept")?;

        if classes.len() < 2 {
            return Err(Error::TooFewClasses {
                found: classes.len(),
            });
        }
        if classes.windows(2).any(|pair| pair[0] >= pair[1]) {
            return Err(Error::invalid(
                "classes",
                format!("{} labels out of order or repeated", classes.len()),
                "must be distinct and sorted by Ord, as a fit returns them",
            ));
        }
        if strategy == Strategy::Binary && classes.len() != 2 {
            return Err(Error::invalid(
                "strategy",
                format!("binary with {} classes", classes.len()),
                "a binary model has exactly two classes",
            ));
        }
        let rows = strategy.rows(classes.len());
        if coef.nrows() != rows {
            return Err(Error::invalid(
                "coef",
                format!("shape {:?} for {} classes", coef.dim(), classes.len()),
                "must have one row per class (one row for a binary model)",
            ));
        }
        if coef.ncols() == 0 {
            return Err(Error::NoFeatures { rows });
        }
        check_length("intercept", rows, intercept.len())?;
        check_finite("coef", coef.iter())?;
        check_finite("intercept", intercept.iter())?;
        if !fit_intercept && intercept.iter().any(|&b| b != F::zero()) {
            return Err(Error::invalid(
                "intercept",
                "non-zero",
                "must be zero for a model fitted without an intercept",
            ));
        }
        check_alpha(alpha)?;
        let l1 = self.l1.unwrap_or_else(F::zero);
        check_l1(l1)?;
        let reports = self
            .reports
            .into_iter()
            .map(SavedReport::into_report)
            .collect::<Result<Vec<_>>>()?;
        // Version 1 saved only the strengths: the penalty they imply, set
        // as α, and no class weights (a version-1 model forgot them).
        let (penalty, strength) = match (self.penalty, self.strength) {
            (Some(penalty), Some(strength)) => (penalty.into_penalty()?, strength.into_strength()?),
            _ => implied_penalty(alpha, l1),
        };
        let class_weight = match self.class_weight {
            Some(saved) => saved.into_class_weight(classes.len())?,
            None => ClassWeight::None,
        };
        let record = FitRecord {
            fit_intercept,
            class_weight,
            penalty,
            strength,
            alpha,
            l1,
            standardized: self.standardized,
            feature_names: self.feature_names,
            required_tol: self.required_tol,
            solver: self.solver.map(MinibatchSolver::into_solver),
        };
        if let Some(names) = &record.feature_names {
            check_length("feature_names", coef.ncols(), names.len())?;
        }
        if let Some(tol) = record.required_tol {
            check_non_negative("required_tol", tol)?;
        }
        let n_runs = reports.len();
        let fit = Fit {
            coef,
            intercept,
            reports,
            diagnostics: self
                .diagnostics
                .into_iter()
                .map(SavedDiagnostic::into_diagnostic)
                .collect(),
        };
        let mut model = FittedLogisticRegression::new(classes, strategy, fit, record);
        model.report = report;
        if !self.stream_states.is_empty() {
            let n_params = model.runs().layout.n_params();
            check_length(
                "stream_states (one per report)",
                n_runs,
                self.stream_states.len(),
            )?;
            model.stream_states = self
                .stream_states
                .into_iter()
                .map(|state| state.into_state(n_params))
                .collect::<Result<_>>()?;
        }
        Ok(model)
    }
}

/// The penalty and strength that the L2 and L1 strengths of a version-1
/// model imply, the strength set as α.
fn implied_penalty<F: Float>(alpha: F, l1: F) -> (Penalty, Strength<F>) {
    let total = alpha + l1;
    let penalty = if total == F::zero() {
        Penalty::None
    } else if l1 == F::zero() {
        Penalty::L2
    } else if alpha == F::zero() {
        Penalty::L1
    } else {
        Penalty::ElasticNet {
            l1_ratio: (l1 / total).to_f64_lossy(),
        }
    };
    (penalty, Strength::Alpha(total))
}
