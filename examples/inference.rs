//! Inference: fit the maximum-likelihood logistic model of Spector & Mazzeo
//! (1980) — does a new teaching method (PSI) raise grades? — and print the
//! statsmodels-style summary: standard errors, z, p-values, intervals, odds
//! ratios, likelihood-ratio test, AIC/BIC and pseudo-R². Then the other
//! standard errors (robust, clustered, likelihood-ratio, profile), average
//! marginal effects, an interval for a predicted probability, and Firth's
//! penalized fit: which to report when is in the crate guide (lib.rs).
//!
//! Run with `cargo run --release --example inference`.

use logreg::{Covariance, LogisticRegression, Penalty};
use ndarray::{Array1, Array2};
use std::error::Error;

/// GPA, TUCE score and PSI (taught with the new method) → grade improved (0/1).
fn load_spector() -> Result<(Array2<f64>, Array1<u8>), Box<dyn Error>> {
    let mut features = Vec::new();
    let mut grade = Vec::new();
    for line in include_str!("data/spector.csv").lines().skip(1) {
        let fields: Vec<f64> = line.split(',').map(str::parse).collect::<Result<_, _>>()?;
        let [gpa, tuce, psi, improved] = fields[..] else {
            return Err(format!("expected 4 fields in {line:?}").into());
        };
        features.extend([gpa, tuce, psi]);
        grade.push(u8::from(improved > 0.5));
    }
    Ok((
        Array2::from_shape_vec((grade.len(), 3), features)?,
        Array1::from(grade),
    ))
}

fn main() -> Result<(), Box<dyn Error>> {
    let (x, y) = load_spector()?;
    // No penalty: the maximum-likelihood fit of statsmodels' `Logit`.
    let model = LogisticRegression::new()
        .penalty(Penalty::None)
        .tol(1e-10)
        .fit(&x, &y)?;
    let summary = model
        .summary(&x, &y)?
        .with_feature_names(["gpa", "tuce", "psi"])?;
    println!("{summary}");
    let odds = summary.odds_ratios();
    let (low, high) = summary.odds_ratio_conf_int(0.95)?;
    println!(
        "Odds ratio of PSI: {:.2} (95% CI {:.2} to {:.2}): the new method multiplies the odds of improving by about {:.0}.",
        odds[(0, 3)],
        low[(0, 3)],
        high[(0, 3)],
        odds[(0, 3)]
    );

    // Which standard error? Same estimates, four answers for PSI's slope.
    let hc1 = model.summary_with(&x, &y, Covariance::Hc1)?;
    // Spector's students came in classes; say 8 classes of 4 (illustrative ids).
    let classes: Vec<usize> = (0..x.nrows()).map(|i| i % 8).collect();
    let clustered = model.summary_with(&x, &y, Covariance::Cluster(classes))?;
    let (profile_low, profile_high) = summary.profile_conf_int(0.95)?;
    let lr = summary.lr_p_values()?;
    println!("\nPSI slope {:.3}:", summary.params()[(0, 3)]);
    println!(
        "  non-robust SE {:.3}, p = {:.4}",
        summary.std_errors()[(0, 3)],
        summary.p_values()[(0, 3)]
    );
    println!(
        "  HC1 SE        {:.3}, p = {:.4}",
        hc1.std_errors()[(0, 3)],
        hc1.p_values()[(0, 3)]
    );
    println!(
        "  cluster SE    {:.3}, p = {:.4}",
        clustered.std_errors()[(0, 3)],
        clustered.p_values()[(0, 3)]
    );
    println!(
        "  likelihood ratio p = {:.4}; profile 95% CI {:.3} to {:.3}",
        lr[(0, 3)],
        profile_low[(0, 3)],
        profile_high[(0, 3)]
    );

    // How much does PSI move the probability of improving, on average?
    let margins = summary.marginal_effects(&x)?;
    println!("\n{margins}");
    // And for one student (GPA 3.0, TUCE 22, taught with PSI)?
    let student = ndarray::array![[3.0, 22.0, 1.0]];
    let interval = summary.predict_interval(&student, 0.95)?;
    println!(
        "P(improve | GPA 3.0, TUCE 22, PSI) = {:.3} (95% CI {:.3} to {:.3})",
        interval.proba()[(0, 0)],
        interval.lower()[(0, 0)],
        interval.upper()[(0, 0)]
    );

    // Firth's penalized likelihood: less small-sample bias (32 rows here),
    // and finite estimates even when a feature separates the classes.
    let firth = LogisticRegression::new()
        .penalty(Penalty::Firth)
        .tol(1e-10)
        .fit(&x, &y)?;
    let firth_summary = firth
        .summary(&x, &y)?
        .with_feature_names(["gpa", "tuce", "psi"])?;
    let (firth_low, firth_high) = firth_summary.profile_conf_int(0.95)?;
    println!(
        "\nFirth PSI slope {:.3} (ML {:.3}); profile penalized-likelihood 95% CI {:.3} to {:.3}",
        firth_summary.params()[(0, 3)],
        summary.params()[(0, 3)],
        firth_low[(0, 3)],
        firth_high[(0, 3)]
    );
    Ok(())
}
