//! The five solvers on one problem: Newton, L-BFGS, gradient descent, SGD
//! and Adam fit the same softmax model through `fit_observed`, which records
//! the objective after every iteration (every epoch for SGD and Adam). Prints
//! iterations, time and final objective per solver and draws the objective
//! gap (objective − the best objective any solver reached) against iteration
//! and against time, on log scales.
//!
//! ```text
//! cargo run --release --example solvers [-- OUT_DIR]
//! ```
//!
//! The picture goes to `OUT_DIR/solvers.png` (default `target/plots/`, or
//! `$LOGREG_PLOT_DIR`). The data: seeded synthetic rows with strongly
//! correlated, standardized features (neighbouring columns ρ = 0.9) and three
//! classes from a noisy linear model; L2 with C = 1.

#[path = "common/plot.rs"]
mod plot;

use logreg::solver::{Adam, Control, GradientDescent, Lbfgs, LearningRate, Newton, Progress, Sgd};
use logreg::{LogisticRegression, Termination};
use ndarray::{Array1, Array2, Axis};
use plotters::prelude::*;
use rand::{RngExt, SeedableRng, rngs::StdRng};
use std::error::Error;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The problem and the budgets.
#[derive(Debug, Clone)]
pub struct Config {
    /// Rows.
    pub n: usize,
    /// Features.
    pub d: usize,
    /// Classes.
    pub classes: usize,
    /// Seed of the data and of the stochastic solvers.
    pub seed: u64,
    /// Tolerance on max |gradient| for every solver.
    pub tol: f64,
    /// Iteration budget for Newton, L-BFGS and gradient descent.
    pub max_iter: usize,
    /// Epoch budget for SGD and Adam.
    pub max_epochs: usize,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            n: 5000,
            d: 10,
            classes: 3,
            seed: 7,
            tol: 1e-10,
            max_iter: 2000,
            max_epochs: 200,
        }
    }
}

/// One solver's run.
#[derive(Debug, Clone)]
pub struct Run {
    /// Solver name.
    pub name: &'static str,
    /// Iterations (epochs for SGD and Adam) the fit reported.
    pub iterations: usize,
    /// Wall time of the whole fit, seconds.
    pub seconds: f64,
    /// Final objective.
    pub objective: f64,
    /// Final max |gradient|.
    pub grad_max: f64,
    /// Why it stopped.
    pub termination: Termination,
    /// (iteration, seconds since the fit started, objective), the start
    /// point first and the returned point last.
    pub trace: Vec<(usize, f64, f64)>,
}

/// What the example found.
#[derive(Debug, Clone)]
pub struct Summary {
    /// One per solver, in the order Newton, L-BFGS, GD, SGD, Adam.
    pub runs: Vec<Run>,
    /// The smallest objective any solver reached.
    pub best: f64,
    /// The picture.
    pub png: PathBuf,
}

impl Summary {
    /// The run of the solver called `name`.
    pub fn run(&self, name: &str) -> Option<&Run> {
        self.runs.iter().find(|r| r.name == name)
    }
}

/// A standard normal draw (Box–Muller).
fn normal(rng: &mut StdRng) -> f64 {
    let u: f64 = 1.0 - rng.random::<f64>(); // (0, 1]
    let v: f64 = rng.random();
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}

/// Standardized features with neighbouring columns correlated (ρ = 0.9) and
/// labels 0..classes from a linear model plus Gumbel-like noise.
pub fn correlated_problem(config: &Config) -> (Array2<f64>, Array1<usize>) {
    let mut rng = StdRng::seed_from_u64(config.seed);
    let rho: f64 = 0.9;
    let mut x = Array2::zeros((config.n, config.d));
    for mut row in x.rows_mut() {
        let mut previous = normal(&mut rng);
        for v in row.iter_mut() {
            previous = rho * previous + (1.0 - rho * rho).sqrt() * normal(&mut rng);
            *v = previous;
        }
    }
    let mean = x
        .mean_axis(Axis(0))
        .unwrap_or_else(|| Array1::zeros(config.d));
    let std = x.std_axis(Axis(0), 0.0).mapv(|s| s.max(1e-12));
    x = (x - &mean) / &std;
    let w = Array2::from_shape_fn((config.classes, config.d), |_| normal(&mut rng));
    let y = x
        .rows()
        .into_iter()
        .map(|row| {
            (0..config.classes)
                .map(|c| row.dot(&w.row(c)) + 1.5 * normal(&mut rng))
                .enumerate()
                .max_by(|a, b| a.1.total_cmp(&b.1))
                .map_or(0, |(c, _)| c)
        })
        .collect();
    (x, y)
}

/// Fits the problem with every solver and draws `out_dir/solvers.png`.
pub fn run(out_dir: &Path, config: &Config) -> Result<Summary, Box<dyn Error>> {
    let (x, y) = correlated_problem(config);
    let base = LogisticRegression::new().tol(config.tol);
    let iterative = base.clone().max_iter(config.max_iter);
    let stochastic = base.max_iter(config.max_epochs);
    // The stochastic settings the solver docs measured to work on
    // standardized, correlated features.
    let settings: [(&'static str, LogisticRegression); 5] = [
        ("Newton", iterative.clone().solver(Newton::new())),
        ("L-BFGS", iterative.clone().solver(Lbfgs::new())),
        ("GD (Armijo)", iterative.solver(GradientDescent::new())),
        (
            "SGD (η = 0.1, averaged)",
            stochastic.clone().solver(
                Sgd::new()
                    .learning_rate(LearningRate::Constant(0.1))
                    .average(true)
                    .seed(config.seed),
            ),
        ),
        (
            "Adam (η = 0.005)",
            stochastic.solver(Adam::new().learning_rate(0.005).seed(config.seed)),
        ),
    ];

    let mut runs = Vec::new();
    for (name, setting) in settings {
        let mut trace = Vec::new();
        let start = Instant::now();
        let mut record = |p: &Progress<f64>| {
            trace.push((p.iteration, start.elapsed().as_secs_f64(), p.objective));
            Control::Continue
        };
        let model = setting.fit_observed(&x, &y, None, &mut record)?;
        let seconds = start.elapsed().as_secs_f64();
        let report = *model.report();
        // Solvers that stop on the gradient test do not show the final point
        // to the observer: add it.
        if trace.last().is_none_or(|t| t.0 != report.iterations) {
            trace.push((report.iterations, seconds, report.objective));
        }
        runs.push(Run {
            name,
            iterations: report.iterations,
            seconds,
            objective: report.objective,
            grad_max: report.grad_max,
            termination: report.termination,
            trace,
        });
    }
    let best = runs
        .iter()
        .flat_map(|r| r.trace.iter().map(|t| t.2))
        .fold(f64::INFINITY, f64::min);
    let png = out_dir.join("solvers.png");
    draw(&png, &runs, best, config)?;
    Ok(Summary { runs, best, png })
}

/// Gaps below this are drawn at this level (rounding of the objective).
const GAP_FLOOR: f64 = 1e-15;

fn draw(path: &Path, runs: &[Run], best: f64, config: &Config) -> Result<(), Box<dyn Error>> {
    let root = plot::png_area(path, 1400, 560)?;
    let title = format!(
        "softmax, n = {}, d = {} (ρ = 0.9), {} classes: objective − best ({:.6})",
        config.n, config.d, config.classes, best
    );
    let root = root.titled(&title, ("sans-serif", 22))?;
    let panels = root.split_evenly((1, 2));
    let gap = |objective: f64| (objective - best).max(GAP_FLOOR);
    let y_top = runs
        .iter()
        .flat_map(|r| r.trace.iter().map(|t| gap(t.2)))
        .fold(GAP_FLOOR, f64::max)
        * 3.0;
    let by_iteration: Vec<plot::Curve> = runs
        .iter()
        .zip(plot::PALETTE)
        .map(|(r, color)| {
            // Iteration 0 (the start) cannot sit on a log axis.
            let points = r
                .trace
                .iter()
                .filter(|t| t.0 > 0)
                .map(|t| (t.0 as f64, gap(t.2)))
                .collect();
            plot::Curve::new(r.name, points, color)
        })
        .collect();
    let by_time: Vec<plot::Curve> = runs
        .iter()
        .zip(plot::PALETTE)
        .map(|(r, color)| {
            let points = r.trace.iter().map(|t| (t.1 * 1e3, gap(t.2))).collect();
            plot::Curve::new(r.name, points, color)
        })
        .collect();
    let max_iter = runs.iter().map(|r| r.iterations).max().unwrap_or(1).max(2) as f64;
    let (t_lo, t_hi) = runs
        .iter()
        .flat_map(|r| r.trace.iter().map(|t| t.1 * 1e3))
        .filter(|t| *t > 0.0)
        .fold((f64::INFINITY, 0.0_f64), |(lo, hi), t| {
            (lo.min(t), hi.max(t))
        });
    let (t_lo, t_hi) = if t_lo < t_hi {
        (t_lo * 0.8, t_hi * 1.25)
    } else {
        (1e-3, 1.0)
    };
    plot::line_chart(
        &panels[0],
        plot::Labels {
            title: "against iteration",
            x: "iteration (epoch for SGD and Adam)",
            y: "objective − best",
        },
        (1.0..max_iter * 1.25).log_scale(),
        (GAP_FLOOR..y_top).log_scale(),
        &plot::sci,
        &plot::sci,
        &by_iteration,
        SeriesLabelPosition::LowerLeft,
    )?;
    plot::line_chart(
        &panels[1],
        plot::Labels {
            title: "against wall time",
            x: "time since the fit started (ms)",
            y: "objective − best",
        },
        (t_lo..t_hi).log_scale(),
        (GAP_FLOOR..y_top).log_scale(),
        &plot::sci,
        &plot::sci,
        &by_time,
        SeriesLabelPosition::LowerLeft,
    )?;
    root.present()?;
    Ok(())
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{:<24} {:>10} {:>10} {:>20} {:>10} {:>10}  stopped",
            "solver", "iterations", "time (ms)", "objective", "gap", "max|grad|"
        )?;
        for r in &self.runs {
            writeln!(
                f,
                "{:<24} {:>10} {:>10.2} {:>20.15} {:>10.1e} {:>10.1e}  {:?}",
                r.name,
                r.iterations,
                r.seconds * 1e3,
                r.objective,
                r.objective - self.best,
                r.grad_max,
                r.termination
            )?;
        }
        writeln!(f, "(iterations of SGD and Adam are epochs)")?;
        write!(f, "wrote {}", self.png.display())
    }
}

fn main() -> Result<(), Box<dyn Error>> {
    let summary = run(&plot::out_dir_from_env(), &Config::default())?;
    println!("{summary}");
    Ok(())
}

/// The example on small inputs, writing into a temporary directory: it
/// runs, its picture is a PNG, and what it claims holds
/// (`cargo test --example solvers`; `cargo test` runs it too).
#[cfg(test)]
mod tests {
    use super::plot::testing::{TempDir, assert_png};
    use super::*;

    #[test]
    fn solvers_reach_the_same_optimum() {
        let dir = TempDir::new("solvers");
        let config = Config {
            n: 600,
            d: 6,
            max_iter: 1000,
            max_epochs: 200,
            ..Config::default()
        };
        let summary = run(&dir.0, &config).unwrap();
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
}
