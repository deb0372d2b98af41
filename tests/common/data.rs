//! Data sets shipped in the repository, parsed without extra dependencies.

use ndarray::{Array1, Array2};

/// Parses a CSV with a header: the named feature columns and the named label column.
pub fn read_csv(text: &str, features: &[&str], label: &str) -> (Array2<f64>, Vec<String>) {
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").trim().split(',').collect();
    let column = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .unwrap_or_else(|| panic!("no column {name}"))
    };
    let feature_cols: Vec<usize> = features.iter().map(|f| column(f)).collect();
    let label_col = column(label);
    let mut values = Vec::new();
    let mut labels = Vec::new();
    for line in lines.filter(|l| !l.trim().is_empty()) {
        let fields: Vec<&str> = line.trim().split(',').collect();
        for &c in &feature_cols {
            values.push(fields[c].parse::<f64>().expect("number"));
        }
        labels.push(fields[label_col].to_string());
    }
    let x = Array2::from_shape_vec((labels.len(), features.len()), values).expect("shape");
    (x, labels)
}

/// Iris: 150 × 4 features and species names.
pub fn iris() -> (Array2<f64>, Array1<String>) {
    let (x, y) = read_csv(
        include_str!("../../examples/data/iris.csv"),
        &["sepal_length", "sepal_width", "petal_length", "petal_width"],
        "species",
    );
    (x, Array1::from(y))
}

/// Spector & Mazzeo (1980): gpa, tuce, psi and the 0/1 grade.
pub fn spector() -> (Array2<f64>, Array1<i64>) {
    let (x, y) = read_csv(
        include_str!("../../examples/data/spector.csv"),
        &["gpa", "tuce", "psi"],
        "grade",
    );
    (x, y.iter().map(|v| v.parse().expect("0 or 1")).collect())
}

/// Synthetic correlated binary data (tests/reference/make_reference.py).
pub fn correlated() -> (Array2<f64>, Array1<i64>) {
    let (x, y) = read_csv(
        include_str!("../data/correlated.csv"),
        &["x0", "x1", "x2", "x3", "x4"],
        "y",
    );
    (x, y.iter().map(|v| v.parse().expect("0 or 1")).collect())
}

/// ANES 1996 (statsmodels' `anes96`): logpopul, selfLR, age, educ, income and
/// the party identification PID (7 classes, 0..6).
pub fn anes96() -> (Array2<f64>, Array1<i64>) {
    let (x, y) = read_csv(
        include_str!("../data/anes96.csv"),
        &["logpopul", "selfLR", "age", "educ", "income"],
        "PID",
    );
    (x, y.iter().map(|v| v.parse().expect("class")).collect())
}

/// Columns `x0 … x{d−1}` and an integer `label` (the L1 reference data sets).
fn numbered(text: &str, d: usize) -> (Array2<f64>, Array1<i64>) {
    let names: Vec<String> = (0..d).map(|j| format!("x{j}")).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let (x, y) = read_csv(text, &names, "label");
    (x, y.iter().map(|v| v.parse().expect("class")).collect())
}

/// scikit-learn's breast cancer data (569 × 30, standardized; 1 = benign),
/// written by tests/reference/make_l1_reference.py.
pub fn breast_cancer() -> (Array2<f64>, Array1<i64>) {
    numbered(include_str!("../data/breast_cancer.csv"), 30)
}

/// A seeded 3-class `make_classification` (400 × 40, standardized), written
/// by tests/reference/make_l1_reference.py.
pub fn multiclass40() -> (Array2<f64>, Array1<i64>) {
    numbered(include_str!("../data/multiclass40.csv"), 40)
}
