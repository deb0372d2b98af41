//! Softmax (multinomial) against one-vs-rest on Fisher's iris data, with the
//! species names as string labels: coefficients, confusion matrices,
//! accuracies (on the data and 3-fold cross-validated), and the two models'
//! probabilities side by side.
//!
//! Run with `cargo run --release --example iris`.
//!
//! Both models use scikit-learn's defaults (L2, C = 1) with a tight
//! tolerance. The cross-validation folds are the rows with index ≡ 0, 1, 2
//! (mod 3), so each fold holds 16–17 flowers of each species.

use logreg::{FittedLogisticRegression, LogisticRegression, Multiclass};
use ndarray::{Array1, Array2, Axis};
use std::error::Error;
use std::fmt;

/// Feature names, in column order.
pub const FEATURES: [&str; 4] = ["sepal_len", "sepal_wid", "petal_len", "petal_wid"];

/// Features (sepal length/width, petal length/width in cm) and species names.
pub fn load_iris() -> Result<(Array2<f64>, Array1<String>), Box<dyn Error>> {
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

/// One fitted model and how it did.
#[derive(Debug, Clone)]
pub struct ModelResult {
    /// "softmax" or "one-vs-rest".
    pub name: &'static str,
    /// The classes, in `predict_proba` column order.
    pub classes: Vec<String>,
    /// One row per class.
    pub coef: Array2<f64>,
    /// One per class.
    pub intercept: Array1<f64>,
    /// Solver iterations (the most over the one-vs-rest sub-fits).
    pub iterations: usize,
    /// Whether every solver run converged.
    pub converged: bool,
    /// Accuracy on the 150 rows it was fitted to.
    pub train_accuracy: f64,
    /// 3-fold cross-validated accuracy (folds: row index mod 3).
    pub cv_accuracy: f64,
    /// Confusion matrix on the 150 rows: row = true class, column = predicted.
    pub confusion: Array2<usize>,
    /// Probabilities of the rows in [`Summary::shown`], columns in class order.
    pub proba: Array2<f64>,
}

/// What the example found.
#[derive(Debug, Clone)]
pub struct Summary {
    /// Softmax first, then one-vs-rest.
    pub models: Vec<ModelResult>,
    /// Rows whose probabilities are shown: (row of iris.csv counting from 0,
    /// true species).
    pub shown: Vec<(usize, String)>,
    /// Rows on which the two models predict the same species.
    pub agreement: usize,
    /// Rows in the data.
    pub n_rows: usize,
}

/// Number of cross-validation folds.
const FOLDS: usize = 3;

/// Fits both models to all 150 flowers, evaluates them on the data and by
/// 3-fold cross-validation.
pub fn run() -> Result<Summary, Box<dyn Error>> {
    let (x, y) = load_iris()?;
    let base = LogisticRegression::new().tol(1e-8);
    let settings = [
        ("softmax", base.clone().multiclass(Multiclass::Multinomial)),
        ("one-vs-rest", base.multiclass(Multiclass::OneVsRest)),
    ];
    let fitted = settings
        .iter()
        .map(|(_, s)| s.fit(&x, &y))
        .collect::<Result<Vec<FittedLogisticRegression<f64, String>>, _>>()?;

    // Rows to show: the first flower of each species, then the one the
    // softmax model is least sure about.
    let mut shown_rows: Vec<usize> = Vec::new();
    for class in fitted[0].classes() {
        if let Some(row) = y.iter().position(|s| s == class) {
            shown_rows.push(row);
        }
    }
    let least_sure = fitted[0]
        .predict_proba(&x)?
        .rows()
        .into_iter()
        .map(|row| row.fold(0.0_f64, |m, &v| m.max(v)))
        .enumerate()
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(i, _)| i)
        .ok_or("no rows")?;
    if !shown_rows.contains(&least_sure) {
        shown_rows.push(least_sure);
    }
    let x_shown = x.select(Axis(0), &shown_rows);
    let shown = shown_rows.iter().map(|&r| (r, y[r].clone())).collect();

    let agreement = fitted[0]
        .predict(&x)?
        .iter()
        .zip(fitted[1].predict(&x)?.iter())
        .filter(|(a, b)| a == b)
        .count();

    let mut models = Vec::new();
    for ((name, setting), model) in settings.iter().zip(&fitted) {
        let mut correct = 0.0;
        for fold in 0..FOLDS {
            let (test, train): (Vec<usize>, Vec<usize>) =
                (0..x.nrows()).partition(|i| i % FOLDS == fold);
            let held_out = setting.fit(&x.select(Axis(0), &train), &y.select(Axis(0), &train))?;
            let x_test = x.select(Axis(0), &test);
            correct += held_out.score(&x_test, &y.select(Axis(0), &test))? * test.len() as f64;
        }
        models.push(ModelResult {
            name,
            classes: model.classes().to_vec(),
            coef: model.coef().to_owned(),
            intercept: model.intercept().to_owned(),
            iterations: model.report().iterations,
            converged: model.report().converged(),
            train_accuracy: model.score(&x, &y)?,
            cv_accuracy: correct / x.nrows() as f64,
            confusion: confusion_matrix(model, &x, &y)?,
            proba: model.predict_proba(&x_shown)?,
        });
    }
    Ok(Summary {
        models,
        shown,
        agreement,
        n_rows: x.nrows(),
    })
}

/// Counts of (true class, predicted class) over `x`, in `model.classes()` order.
pub fn confusion_matrix(
    model: &FittedLogisticRegression<f64, String>,
    x: &Array2<f64>,
    y: &Array1<String>,
) -> Result<Array2<usize>, Box<dyn Error>> {
    let classes = model.classes();
    let index = |label: &String| {
        classes
            .binary_search(label)
            .map_err(|_| format!("unknown label {label}"))
    };
    let mut counts = Array2::zeros((classes.len(), classes.len()));
    for (truth, predicted) in y.iter().zip(model.predict(x)?.iter()) {
        counts[(index(truth)?, index(predicted)?)] += 1;
    }
    Ok(counts)
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "iris: {} flowers, 4 features, L2 with C = 1\n",
            self.n_rows
        )?;
        for m in &self.models {
            writeln!(
                f,
                "== {} ({} iterations, converged: {}) ==",
                m.name, m.iterations, m.converged
            )?;
            write!(f, "{:>12}", "")?;
            for name in FEATURES {
                write!(f, "{name:>10}")?;
            }
            writeln!(f, "{:>11}", "intercept")?;
            for ((class, row), b) in m.classes.iter().zip(m.coef.rows()).zip(&m.intercept) {
                write!(f, "{class:>12}")?;
                for v in row {
                    write!(f, "{v:>10.4}")?;
                }
                writeln!(f, "{b:>11.4}")?;
            }
            writeln!(f, "confusion matrix (rows: true, columns: predicted)")?;
            write!(f, "{:>12}", "")?;
            for class in &m.classes {
                write!(f, "{class:>12}")?;
            }
            writeln!(f)?;
            for (class, row) in m.classes.iter().zip(m.confusion.rows()) {
                write!(f, "{class:>12}")?;
                for v in row {
                    write!(f, "{v:>12}")?;
                }
                writeln!(f)?;
            }
            writeln!(
                f,
                "accuracy: on the data {:.4}, {FOLDS}-fold cross-validated {:.4}\n",
                m.train_accuracy, m.cv_accuracy
            )?;
        }
        writeln!(
            f,
            "the two models predict the same species for {} of {} flowers",
            self.agreement, self.n_rows
        )?;
        writeln!(f, "\npredicted probabilities (softmax | one-vs-rest):")?;
        let classes = &self.models[0].classes;
        write!(f, "{:>5} {:>12} ", "row", "species")?;
        for class in classes {
            write!(f, "{class:>11}")?;
        }
        write!(f, " |")?;
        for class in classes {
            write!(f, "{class:>11}")?;
        }
        writeln!(f)?;
        for (i, (row, species)) in self.shown.iter().enumerate() {
            write!(f, "{row:>5} {species:>12} ")?;
            for (k, m) in self.models.iter().enumerate() {
                if k > 0 {
                    write!(f, " |")?;
                }
                for p in m.proba.row(i) {
                    write!(f, "{p:>11.4}")?;
                }
            }
            writeln!(f)?;
        }
        Ok(())
    }
}

fn main() -> Result<(), Box<dyn Error>> {
    print!("{}", run()?);
    Ok(())
}

/// The example as it runs: what it claims holds (`cargo test --example
/// iris`; `cargo test` runs it too).
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iris_softmax_and_one_vs_rest() {
        let summary = run().unwrap();
        assert_eq!(summary.models.len(), 2);
        for m in &summary.models {
            assert!(m.converged, "{}", m.name);
            assert_eq!(m.classes, ["setosa", "versicolor", "virginica"]);
            assert!(m.train_accuracy > 0.9, "{}: {}", m.name, m.train_accuracy);
            assert!(m.cv_accuracy > 0.9, "{}: {}", m.name, m.cv_accuracy);
            assert_eq!(m.confusion.sum(), 150);
            let diagonal: usize = m.confusion.diag().sum();
            assert!((diagonal as f64 / 150.0 - m.train_accuracy).abs() < 1e-12);
            // Setosa is linearly separable from the rest: never confused.
            assert_eq!(m.confusion[(0, 0)], 50);
            for row in m.proba.rows() {
                assert!((row.sum() - 1.0).abs() < 1e-12);
            }
        }
        // Softmax fits iris better than one-vs-rest (0.973 against 0.953).
        assert!(summary.models[0].train_accuracy > summary.models[1].train_accuracy);
        let text = summary.to_string();
        assert!(text.contains("virginica") && text.contains("confusion matrix"));
    }
}
