//! Inference: fit the maximum-likelihood logistic model of Spector & Mazzeo
//! (1980) — does a new teaching method (PSI) raise grades? — and print the
//! statsmodels-style summary: standard errors, z, p-values, intervals, odds
//! ratios, likelihood-ratio test, AIC/BIC and pseudo-R².
//!
//! Run with `cargo run --release --example inference`.

use logreg::{LogisticRegression, Penalty};
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
    Ok(())
}
