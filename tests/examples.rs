//! The examples' core functions on small inputs, writing into a temporary
//! directory: they run, their pictures are PNGs, and what they claim holds.

// Each example includes the shared plotting helper as its own module.
#![allow(clippy::duplicate_mod)]

#[allow(dead_code)]
#[path = "../examples/decision_boundary.rs"]
mod decision_boundary;
#[allow(dead_code)]
#[path = "../examples/iris.rs"]
mod iris;
#[allow(dead_code)]
#[path = "../examples/learning_rate.rs"]
mod learning_rate;
#[allow(dead_code)]
#[path = "../examples/naive_bayes_link.rs"]
mod naive_bayes_link;
#[allow(dead_code)]
#[path = "../examples/solvers.rs"]
mod solvers;

use std::path::{Path, PathBuf};

/// A fresh directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let path = std::env::temp_dir().join(format!(
            "logreg-examples-{name}-{}-{:?}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or_default()
        ));
        std::fs::create_dir_all(&path).unwrap();
        Self(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `path` is a non-trivial PNG inside `dir`.
fn assert_png(path: &Path, dir: &Path) {
    assert!(
        path.starts_with(dir),
        "{} is outside {}",
        path.display(),
        dir.display()
    );
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(
        bytes.len() > 1000,
        "{} has {} bytes",
        path.display(),
        bytes.len()
    );
    assert_eq!(
        &bytes[..8],
        b"\x89PNG\r\n\x1a\n",
        "{} is not a PNG",
        path.display()
    );
}

#[test]
fn iris_softmax_and_one_vs_rest() {
    let summary = iris::run().unwrap();
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

#[test]
fn solvers_reach_the_same_optimum() {
    let dir = TempDir::new("solvers");
    let config = solvers::Config {
        n: 600,
        d: 6,
        max_iter: 1000,
        max_epochs: 200,
        ..solvers::Config::default()
    };
    let summary = solvers::run(&dir.0, &config).unwrap();
    assert_png(&summary.png, &dir.0);
    assert_eq!(summary.runs.len(), 5);
    for r in &summary.runs {
        // Every fit starts at zero, where the softmax loss is ln(3).
        let (iteration, _, objective) = r.trace[0];
        assert_eq!(iteration, 0, "{}", r.name);
        assert!((objective - 3f64.ln()).abs() < 1e-12, "{}", r.name);
        assert!(
            r.trace.windows(2).all(|w| w[0].1 <= w[1].1),
            "time runs forward"
        );
        // Stochastic solvers end near the optimum: within 1% of the gap at the start.
        let gap = r.objective - summary.best;
        assert!(
            gap < 0.01 * (objective - summary.best),
            "{}: gap {gap}",
            r.name
        );
    }
    let newton = summary.run("Newton").unwrap();
    let lbfgs = summary.run("L-BFGS").unwrap();
    let gd = summary.run("GD (Armijo)").unwrap();
    for r in [newton, lbfgs, gd] {
        assert!(
            r.termination == logreg::Termination::Converged,
            "{}",
            r.name
        );
        assert!(r.objective - summary.best < 1e-10, "{}", r.name);
    }
    assert!(newton.iterations < lbfgs.iterations && lbfgs.iterations < gd.iterations);
}

#[test]
fn learning_rates_small_good_large() {
    let dir = TempDir::new("learning_rate");
    let config = learning_rate::Config {
        multiples: vec![0.02, 1.0, 2.0, 30.0],
        ..learning_rate::Config::default()
    };
    let summary = learning_rate::run(&dir.0, &config).unwrap();
    assert_png(&summary.png, &dir.0);
    use learning_rate::Outcome;
    let outcomes: Vec<Outcome> = summary.runs.iter().map(|r| r.outcome).collect();
    assert_eq!(
        outcomes,
        [
            Outcome::TooSlow,
            Outcome::Converged,
            Outcome::Converged,
            Outcome::Diverged
        ]
    );
    for r in &summary.runs {
        let decreasing = r.losses.windows(2).all(|w| w[1] <= w[0]);
        // Steps below 2/L never increase the loss (the descent lemma).
        assert_eq!(decreasing, r.eta_l < 2.0 + 1e-9, "η·L = {}", r.eta_l);
        assert_eq!(r.losses.len(), r.iterations + 1);
    }
    let good = &summary.runs[1];
    assert!(good.losses.last().unwrap() - summary.optimum < 1e-8);
}

#[test]
fn decision_boundaries_are_drawn() {
    let dir = TempDir::new("decision_boundary");
    let config = decision_boundary::Config {
        n_per_class: 60,
        grid: 40,
        ..decision_boundary::Config::default()
    };
    let summary = decision_boundary::run(&dir.0, &config).unwrap();
    assert_png(&summary.png, &dir.0);
    let classes: Vec<usize> = summary.panels.iter().map(|p| p.classes).collect();
    assert_eq!(classes, [2, 3]);
    for p in &summary.panels {
        assert!(p.accuracy > 0.85, "{} classes: {}", p.classes, p.accuracy);
        assert!((p.region_share.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        // Every class owns a real part of the plotted area.
        assert!(
            p.region_share.iter().all(|&s| s > 0.15),
            "{:?}",
            p.region_share
        );
    }
}

#[test]
fn logistic_fit_approaches_the_bayes_rule() {
    let dir = TempDir::new("naive_bayes_link");
    let config = naive_bayes_link::Config {
        sizes: vec![100, 1000, 10_000],
        repeats: 3,
        ..naive_bayes_link::Config::default()
    };
    let summary = naive_bayes_link::run(&dir.0, &config).unwrap();
    assert_png(&summary.png, &dir.0);
    let means: Vec<f64> = summary.rows.iter().map(|r| r.mean()).collect();
    assert!(means.windows(2).all(|w| w[1] < w[0]), "{means:?}");
    // 100× the data: about 10× closer (1/√n); allow a factor 2 of noise.
    assert!(means[2] < means[0] / 5.0, "{means:?}");
    assert!(means[2] < 0.1, "{means:?}");
}
