//! Saving and loading fitted models (feature `serde`).
//!
//! A [`FittedLogisticRegression`] serializes to a plain, versioned form:
//! `format_version`, `classes`, `coef`, `intercept`, `strategy`
//! (`"binary"`, `"one_vs_rest"` or `"multinomial"`), the fit reports, the
//! diagnostics, `alpha`, `l1`, `standardized` and `fit_intercept`. The solver and the streaming
//! state are not saved: a loaded model has default settings (the `Auto`
//! solver, no class weights) apart from `fit_intercept`, so it predicts and
//! summarizes exactly as the saved one, but `partial_fit` needs a refit with
//! a minibatch solver.
//!
//! Loading checks the form and fails with the message of a [`crate::Error`]
//! (as the format's custom error) for a format version newer than this
//! crate reads, coefficients, intercepts and classes whose shapes disagree,
//! unsorted or repeated classes, and non-finite coefficients, intercepts or
//! `alpha` or `l1` (a model saved before `l1` existed loads with 0). Non-finite report values (a fit that ended in
//! `NumericalFailure`) are saved as missing and load as NaN.

use crate::diagnostics::Diagnostic;
use crate::model::{FittedLogisticRegression, LogisticRegression};
use crate::multiclass::Strategy;
use crate::objective::check_finite;
use crate::solver::{FitReport, StreamState, Termination};
use crate::{Error, Float, Result};
use ndarray::{Array1, Array2};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The version of the serialized form this crate writes, and the newest it reads.
const FORMAT_VERSION: u32 = 1;

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
}

/// A [`FitReport`]; non-finite values are stored as missing.
#[derive(Serialize, Deserialize)]
struct SavedReport<F> {
    iterations: usize,
    objective: Option<F>,
    grad_max: Option<F>,
    termination: String,
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
        }
    }

    fn into_report(self) -> Result<FitReport<F>> {
        let value = |v: Option<F>| v.filter(|v| v.is_finite()).unwrap_or_else(F::nan);
        Ok(FitReport {
            iterations: self.iterations,
            objective: value(self.objective),
            grad_max: value(self.grad_max),
            termination: termination_from(&self.termination)?,
        })
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
            alpha: self.alpha,
            l1: self.l1,
            standardized: self.standardized,
            fit_intercept: self.settings.fit_intercept,
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
                "this logreg reads saved models of format version 1: \
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
        let rows = if strategy == Strategy::Binary {
            if classes.len() != 2 {
                return Err(Error::invalid(
                    "strategy",
                    format!("binary with {} classes", classes.len()),
                    "a binary model has exactly two classes",
                ));
            }
            1
        } else {
            classes.len()
        };
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
        if intercept.len() != rows {
            return Err(Error::LengthMismatch {
                what: "intercept",
                expected: rows,
                got: intercept.len(),
            });
        }
        check_finite("coef", coef.iter())?;
        check_finite("intercept", intercept.iter())?;
        if !fit_intercept && intercept.iter().any(|&b| b != F::zero()) {
            return Err(Error::invalid(
                "intercept",
                "non-zero",
                "must be zero for a model fitted without an intercept",
            ));
        }
        if !(alpha.is_finite() && alpha >= F::zero()) {
            return Err(Error::invalid("alpha", alpha, "must be finite and ≥ 0"));
        }
        let l1 = self.l1.unwrap_or_else(F::zero);
        crate::objective::check_l1(l1)?;
        let reports = self
            .reports
            .into_iter()
            .map(SavedReport::into_report)
            .collect::<Result<Vec<_>>>()?;
        Ok(FittedLogisticRegression {
            classes,
            coef,
            intercept,
            strategy,
            report,
            stream_states: vec![StreamState::default(); reports.len()],
            reports,
            diagnostics: self
                .diagnostics
                .into_iter()
                .map(SavedDiagnostic::into_diagnostic)
                .collect(),
            alpha,
            l1,
            standardized: self.standardized,
            settings: LogisticRegression::new().fit_intercept(fit_intercept),
        })
    }
}
