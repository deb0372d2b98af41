//! The table of a [`Summary`] in the style of statsmodels: header,
//! coefficients with numbers too small or too large for fixed notation in
//! scientific notation, and a warnings block.

use super::Summary;
use crate::Float;
use ndarray::ArrayView1;
use std::fmt;

impl<F: Float> fmt::Display for Summary<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rule = "=".repeat(78);
        let thin = "-".repeat(78);
        writeln!(f, "{rule}")?;
        writeln!(f, "{:^78}", "Logistic regression results")?;
        writeln!(f, "{rule}")?;
        let pair = |f: &mut fmt::Formatter<'_>, a: &str, av: String, b: &str, bv: String| {
            writeln!(f, "{a:<18}{av:>20}   {b:<18}{bv:>19}")
        };
        pair(
            f,
            "No. observations:",
            self.n_obs.to_string(),
            "Log-likelihood:",
            format!("{:.4}", self.log_likelihood),
        )?;
        pair(
            f,
            "Df model:",
            self.df_model.to_string(),
            "LL-null:",
            format!("{:.4}", self.null_log_likelihood),
        )?;
        pair(
            f,
            "Df residuals:",
            self.df_resid.to_string(),
            "LLR p-value:",
            format!("{:.4e}", self.llr_p_value()),
        )?;
        pair(
            f,
            "Converged:",
            self.converged.to_string(),
            "Pseudo R-squ.:",
            format!("{:.4}", self.pseudo_r2()),
        )?;
        pair(
            f,
            "Iterations:",
            self.iterations.to_string(),
            "AIC / BIC:",
            format!("{:.2} / {:.2}", self.aic(), self.bic()),
        )?;
        writeln!(f, "{:<18}{:>20}", "Covariance type:", self.covariance_name)?;
        if let Some(penalized) = self.penalized_log_likelihood {
            writeln!(
                f,
                "Firth's penalized likelihood: log L + ½ log det I = {:.4}",
                penalized
            )?;
        }
        if self.penalized {
            writeln!(
                f,
                "Penalized fit: standard errors from the penalized Hessian are approximate."
            )?;
        }
        let p = self.p_values();
        let (low, high) = self
            .conf_int(F::from_f64_lossy(0.95))
            .map_err(|_| fmt::Error)?;
        let mut names = Vec::new();
        if self.has_intercept {
            names.push("intercept".to_string());
        }
        names.extend(self.feature_names.iter().cloned());
        for (r, row_name) in self.row_names.iter().enumerate() {
            let block = Block {
                row_name,
                estimate: "coef",
                names: &names,
                estimates: self.params.row(r),
                std_errors: self.std_errors.row(r),
                p_values: p.row(r),
                low: low.row(r),
                high: high.row(r),
            };
            block.write(f, &rule, &thin)?;
        }
        writeln!(f, "{rule}")?;
        if !self.warnings.is_empty() {
            writeln!(f, "Warnings:")?;
            for (i, warning) in self.warnings.iter().enumerate() {
                writeln!(f, "[{}] {}", i + 1, self.warning_text(warning))?;
            }
        }
        Ok(())
    }
}

/// One block of a coefficient table: a header line for one modelled row
/// (a class, or the binary model), then a line per parameter.
pub(super) struct Block<'a, F> {
    pub row_name: &'a str,
    /// The estimate's column title ("coef", "dy/dx").
    pub estimate: &'a str,
    pub names: &'a [String],
    pub estimates: ArrayView1<'a, F>,
    pub std_errors: ArrayView1<'a, F>,
    pub p_values: ArrayView1<'a, F>,
    pub low: ArrayView1<'a, F>,
    pub high: ArrayView1<'a, F>,
}

impl<F: Float> Block<'_, F> {
    /// Writes the block after a `rule`, with a `thin` rule under its header.
    pub fn write(&self, f: &mut fmt::Formatter<'_>, rule: &str, thin: &str) -> fmt::Result {
        writeln!(f, "{rule}")?;
        writeln!(
            f,
            "{:<16}{:>10}{:>10}{:>9}{:>10}{:>11}{:>11}",
            truncate(self.row_name, 16),
            self.estimate,
            "std err",
            "z",
            "P>|z|",
            "[0.025",
            "0.975]"
        )?;
        writeln!(f, "{thin}")?;
        for (j, name) in self.names.iter().enumerate() {
            let (estimate, se) = (self.estimates[j], self.std_errors[j]);
            writeln!(
                f,
                "{:<16}{:>10}{:>10}{:>9}{:>10.3}{:>11}{:>11}",
                truncate(name, 16),
                number(estimate, 4),
                number(se, 3),
                number(estimate / se, 3),
                self.p_values[j],
                number(self.low[j], 3),
                number(self.high[j], 3)
            )?;
        }
        Ok(())
    }
}

fn truncate(s: &str, width: usize) -> String {
    s.chars().take(width).collect()
}

/// Fixed notation with `decimals` places, or scientific notation (3
/// significant decimals) when |v| < 10⁻⁴ or |v| ≥ 10⁴, as statsmodels'
/// tables switch (so −1e-5 prints as `-1.000e-5`, not `-0.0000`).
pub(super) fn number<F: Float>(v: F, decimals: usize) -> String {
    let a = v.to_f64_lossy().abs();
    if a != 0.0 && a.is_finite() && !(1e-4..1e4).contains(&a) {
        format!("{:.3e}", v.to_f64_lossy())
    } else {
        format!("{:.*}", decimals, v.to_f64_lossy())
    }
}
