//! Quickstart: fit a softmax (multinomial) logistic regression to Fisher's
//! iris data shipped in `examples/data/iris.csv`, then inspect it.
//!
//! Run with `cargo run --release --example quickstart`.

use logreg::LogisticRegression;
use ndarray::{Array1, Array2, s};
use std::error::Error;

/// Features (sepal length/width, petal length/width in cm) and species names.
fn load_iris() -> Result<(Array2<f64>, Array1<String>), Box<dyn Error>> {
    let text = include_str!("data/iris.csv");
    let mut features = Vec::new();
    let mut species = Vec::new();
    for (line_no, line) in text.lines().enumerate().skip(1) {
        let fields: Vec<&str> = line.trim().split(',').collect();
        let [a, b, c, d, name] = fields[..] else {
            return Err(format!("line {}: expected 5 fields", line_no + 1).into());
        };
        for v in [a, b, c, d] {
            features.push(v.parse::<f64>()?);
        }
        species.push(name.to_string());
    }
    let rows = species.len();
    Ok((
        Array2::from_shape_vec((rows, 4), features)?,
        Array1::from(species),
    ))
}

fn main() -> Result<(), Box<dyn Error>> {
    let (x, y) = load_iris()?;
    // scikit-learn's defaults: L2 penalty with C = 1, an intercept, softmax for 3 classes.
    let model = LogisticRegression::new().tol(1e-8).fit(&x, &y)?;

    println!("classes: {:?}", model.classes());
    println!(
        "coefficients (one row per class, columns: sepal length, sepal width, petal length, petal width):"
    );
    for (class, row) in model.classes().iter().zip(model.coef().rows()) {
        println!("  {class:>10}: {:>8.4}", row);
    }
    println!("intercepts: {:.4}", model.intercept());
    println!("fit report: {:?}", model.report());

    let rows = s![0..150;50, ..];
    let proba = model.predict_proba(&x.slice(rows))?;
    println!("probabilities for rows 0, 50, 100 (columns in class order):");
    println!("{:.4}", proba);
    println!("training accuracy: {:.4}", model.score(&x, &y)?);
    Ok(())
}
