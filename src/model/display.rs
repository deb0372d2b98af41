//! The fitted model's coefficient table (`Display`).

use super::FittedLogisticRegression;
use crate::Float;
use crate::multiclass::Strategy;
use crate::objective::Penalty;
use std::fmt::{self, Display};

/// A coefficient table: one row per intercept and feature (by name when the
/// model has names), one column per row of `coef()` headed by its class
/// (for a binary model, the positive class), then a line on how the fit
/// ended, a warning when it did not converge, and the diagnostics.
///
/// ```
/// use logreg::LogisticRegression;
/// use ndarray::array;
/// let x = array![[0.0_f64, 1.0], [1.0, 0.5], [2.0, 2.5], [3.0, 1.0], [4.0, 3.5], [5.0, 2.0]];
/// let y = array!["ham", "ham", "spam", "ham", "spam", "spam"];
/// let model = LogisticRegression::new().feature_names(["links", "caps"]).fit(&x, &y)?;
/// let table = model.to_string();
/// assert!(table.lines().any(|l| l.starts_with("links")), "{table}");
/// assert!(table.lines().next().unwrap().contains("spam"));
/// assert!(table.contains("Converged after"));
/// # Ok::<(), logreg::Error>(())
/// ```
impl<F: Float, L: Display> Display for FittedLogisticRegression<F, L> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<String> = match self.strategy {
            Strategy::Binary => vec![self.classes.get(1).map_or(String::new(), |c| c.to_string())],
            _ => self.classes.iter().map(ToString::to_string).collect(),
        };
        let mut rows: Vec<(String, Vec<F>)> = Vec::new();
        if self.record.fit_intercept {
            rows.push(("intercept".to_string(), self.intercept.to_vec()));
        }
        for (j, name) in self.feature_names_or_default().into_iter().enumerate() {
            rows.push((name, self.coef.column(j).to_vec()));
        }
        let name_width = rows
            .iter()
            .map(|(n, _)| n.chars().count())
            .max()
            .unwrap_or(0);
        let cells: Vec<Vec<String>> = rows
            .iter()
            .map(|(_, values)| values.iter().map(|&v| number(v)).collect())
            .collect();
        let width = cells
            .iter()
            .flatten()
            .chain(&headers)
            .map(|c| c.chars().count())
            .max()
            .unwrap_or(0)
            .max(8);
        write!(f, "{:name_width$}", "")?;
        for header in &headers {
            write!(f, "  {header:>width$}")?;
        }
        writeln!(f)?;
        for ((name, _), row) in rows.iter().zip(&cells) {
            write!(f, "{name:<name_width$}")?;
            for cell in row {
                write!(f, "  {cell:>width$}")?;
            }
            writeln!(f)?;
        }
        let report = &self.report;
        let penalty = match self.record.penalty {
            Penalty::None => "no penalty".to_string(),
            penalty => format!(
                "{penalty:?} penalty, alpha = {}",
                number(self.record.alpha + self.record.l1)
            ),
        };
        writeln!(
            f,
            "{penalty}; {:?} after {} iterations, max |grad| = {}",
            report.termination,
            report.iterations,
            number(report.grad_max)
        )?;
        if !report.converged() {
            writeln!(
                f,
                "Warning: the fit did not converge ({:?}): the coefficients are not the optimum",
                report.termination
            )?;
        }
        for said in self.describe_diagnostics() {
            writeln!(f, "Warning: {said}")?;
        }
        Ok(())
    }
}

/// Fixed notation for ordinary sizes, scientific for tiny and huge values
/// (as statsmodels prints them).
fn number<F: Float>(v: F) -> String {
    let v = v.to_f64_lossy();
    let size = v.abs();
    if v == 0.0 || (1e-4..1e6).contains(&size) || !v.is_finite() {
        format!("{v:.6}")
    } else {
        format!("{v:.4e}")
    }
}
