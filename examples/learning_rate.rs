//! Batch gradient descent with a fixed learning rate η: too small crawls,
//! around 1/L converges, too large oscillates or diverges. The constant
//! L = ¼·λmax(ZᵀZ/n) + α, with Z the features plus a column of ones, bounds
//! the curvature of the mean logistic loss, so every step η < 2/L decreases
//! the loss. Beyond that the iterates overshoot: at 4/L they bounce around
//! the optimum without settling, at 30/L the loss jumps far above where it
//! started. (The logistic loss grows only linearly in ‖w‖ and its gradient
//! is bounded, so a too-large step does not run off to infinity as on a
//! quadratic: it swings between misclassifying one side and the other, at a
//! loss of order η.)
//!
//! ```text
//! cargo run --release --example learning_rate [-- OUT_DIR]
//! ```
//!
//! Prints each η, how the fit ended and whether it converged, and draws the
//! loss per iteration (and its gap to the optimum) on log scales into
//! `OUT_DIR/learning_rate.png` (default `target/plots/`, or
//! `$LOGREG_PLOT_DIR`). Diverging curves are clipped at the top of the plot.

#[path = "common/plot.rs"]
mod plot;

use logreg::solver::{Control, GradientDescent, Newton, Progress};
use logreg::{LogisticRegression, Termination};
use ndarray::{Array1, Array2, Axis, concatenate};
use plotters::prelude::*;
use rand::{RngExt, SeedableRng, rngs::StdRng};
use std::error::Error;
use std::fmt;
use std::path::{Path, PathBuf};

/// The problem and the step sizes.
#[derive(Debug, Clone)]
pub struct Config {
    /// Rows.
    pub n: usize,
    /// Features.
    pub d: usize,
    /// Seed of the data.
    pub seed: u64,
    /// Step sizes as multiples of 1/L.
    pub multiples: Vec<f64>,
    /// Iteration budget.
    pub max_iter: usize,
    /// Tolerance on max |gradient|.
    pub tol: f64,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            n: 2000,
            d: 5,
            seed: 3,
            multiples: vec![0.02, 0.2, 1.0, 2.0, 4.0, 30.0],
            max_iter: 300,
            tol: 1e-6,
        }
    }
}

/// How a fixed-step run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The gradient test passed.
    Converged,
    /// Still going down, every step, when the budget ran out.
    TooSlow,
    /// Not converged, the loss went up at some steps but ended below the start.
    Oscillating,
    /// Not converged, the loss ended above where it started (or non-finite).
    Diverged,
}

/// One learning rate's run.
#[derive(Debug, Clone)]
pub struct Run {
    /// η.
    pub eta: f64,
    /// η·L.
    pub eta_l: f64,
    /// The loss (the objective) at iterations 0, 1, 2, …
    pub losses: Vec<f64>,
    /// How the fit reported its end.
    pub termination: Termination,
    /// What that means here.
    pub outcome: Outcome,
    /// Iterations run.
    pub iterations: usize,
}

/// What the example found.
#[derive(Debug, Clone)]
pub struct Summary {
    /// The curvature bound L.
    pub lipschitz: f64,
    /// The optimum's objective (Newton, tol 1e-12).
    pub optimum: f64,
    /// One per step size, smallest first.
    pub runs: Vec<Run>,
    /// The picture.
    pub png: PathBuf,
}

/// A standard normal draw (Box–Muller).
fn normal(rng: &mut StdRng) -> f64 {
    let u: f64 = 1.0 - rng.random::<f64>(); // (0, 1]
    let v: f64 = rng.random();
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}

/// Standard normal features with one shared factor (pairwise correlation
/// 0.5) and labels drawn from a logistic model.
pub fn problem(config: &Config) -> (Array2<f64>, Array1<u8>) {
    let mut rng = StdRng::seed_from_u64(config.seed);
    let mut x = Array2::zeros((config.n, config.d));
    for mut row in x.rows_mut() {
        let shared = normal(&mut rng);
        for v in row.iter_mut() {
            *v = (shared + normal(&mut rng)) / 2f64.sqrt();
        }
    }
    let w: Array1<f64> = (0..config.d).map(|_| normal(&mut rng)).collect();
    let y = x
        .rows()
        .into_iter()
        .map(|row| {
            let eta = row.dot(&w);
            u8::from(rng.random::<f64>() < 1.0 / (1.0 + (-eta).exp()))
        })
        .collect();
    (x, y)
}

/// ¼·λmax(ZᵀZ/n) + α for Z = [X, 1], by power iteration.
pub fn lipschitz(x: &Array2<f64>, alpha: f64) -> f64 {
    let z = concatenate![Axis(1), x.view(), Array2::ones((x.nrows(), 1))];
    let gram = z.t().dot(&z) / x.nrows() as f64;
    let mut v = Array1::from_elem(gram.nrows(), 1.0);
    let mut lambda = 0.0;
    for _ in 0..500 {
        let next = gram.dot(&v);
        lambda = next.dot(&next).sqrt();
        v = next / lambda;
    }
    0.25 * lambda + alpha
}

/// Runs gradient descent at each step size and draws `out_dir/learning_rate.png`.
pub fn run(out_dir: &Path, config: &Config) -> Result<Summary, Box<dyn Error>> {
    let (x, y) = problem(config);
    let c = 1.0;
    let alpha = 1.0 / (c * config.n as f64);
    let lipschitz = lipschitz(&x, alpha);
    let base = LogisticRegression::new().c(c);
    let optimum = base
        .clone()
        .solver(Newton::new())
        .tol(1e-12)
        .fit(&x, &y)?
        .report()
        .objective;

    let mut runs = Vec::new();
    for &multiple in &config.multiples {
        let eta = multiple / lipschitz;
        let mut losses = Vec::new();
        let mut record = |p: &Progress<f64>| {
            losses.push(p.objective);
            Control::Continue
        };
        let model = base
            .clone()
            .solver(GradientDescent::new().learning_rate(eta))
            .tol(config.tol)
            .max_iter(config.max_iter)
            .fit_observed(&x, &y, None, &mut record)?;
        let report = *model.report();
        // The point that passed the gradient test is not shown to the observer.
        if losses.len() == report.iterations {
            losses.push(report.objective);
        }
        let first = losses.first().copied().unwrap_or(f64::NAN);
        let last = report.objective;
        let outcome = if report.converged() {
            Outcome::Converged
        } else if !last.is_finite() || last > first {
            Outcome::Diverged
        } else if losses.windows(2).any(|w| w[1] > w[0]) {
            Outcome::Oscillating
        } else {
            Outcome::TooSlow
        };
        runs.push(Run {
            eta,
            eta_l: multiple,
            losses,
            termination: report.termination,
            outcome,
            iterations: report.iterations,
        });
    }
    let png = out_dir.join("learning_rate.png");
    draw(&png, &runs, optimum, config)?;
    Ok(Summary {
        lipschitz,
        optimum,
        runs,
        png,
    })
}

fn draw(path: &Path, runs: &[Run], optimum: f64, config: &Config) -> Result<(), Box<dyn Error>> {
    let root = plot::png_area(path, 1400, 560)?;
    let title = format!(
        "gradient descent with a fixed step η (L = curvature bound), n = {}, d = {}",
        config.n, config.d
    );
    let root = root.titled(&title, ("sans-serif", 22))?;
    let panels = root.split_evenly((1, 2));
    let x_max = runs
        .iter()
        .map(|r| r.losses.len())
        .max()
        .unwrap_or(2)
        .max(2) as f64
        - 1.0;
    let start = runs
        .iter()
        .find_map(|r| r.losses.first().copied())
        .unwrap_or(1.0);
    let curve = |r: &Run, color, f: &dyn Fn(f64) -> f64| {
        let label = format!("η = {} ({}/L): {:?}", plot::sci(&r.eta), r.eta_l, r.outcome);
        let points = r
            .losses
            .iter()
            .enumerate()
            .map(|(i, &l)| (i as f64, f(l)))
            .collect();
        plot::Curve::new(label, points, color)
    };
    let losses: Vec<plot::Curve> = runs
        .iter()
        .zip(plot::PALETTE)
        .map(|(r, color)| curve(r, color, &|l| l))
        .collect();
    let floor = 1e-12;
    let gaps: Vec<plot::Curve> = runs
        .iter()
        .zip(plot::PALETTE)
        .map(|(r, color)| curve(r, color, &|l| (l - optimum).max(floor)))
        .collect();
    plot::line_chart(
        &panels[0],
        plot::Labels {
            title: "loss (clipped at 100× the start)",
            x: "iteration",
            y: "mean log-loss + penalty",
        },
        0.0..x_max,
        (optimum * 0.8..start * 100.0).log_scale(),
        &plot::plain,
        &plot::sci,
        &losses,
        SeriesLabelPosition::UpperRight,
    )?;
    plot::line_chart(
        &panels[1],
        plot::Labels {
            title: "loss − optimum (clipped)",
            x: "iteration",
            y: "loss − optimum",
        },
        0.0..x_max,
        (floor..start * 100.0).log_scale(),
        &plot::plain,
        &plot::sci,
        &gaps,
        SeriesLabelPosition::LowerLeft,
    )?;
    root.present()?;
    Ok(())
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "curvature bound L = {:.4} (steps ≤ 2/L = {:.4} are safe); optimum {:.10}",
            self.lipschitz,
            2.0 / self.lipschitz,
            self.optimum
        )?;
        writeln!(
            f,
            "{:>10} {:>8} {:>10} {:>14} {:>12}  outcome",
            "η", "η·L", "iterations", "final loss", "stopped"
        )?;
        for r in &self.runs {
            writeln!(
                f,
                "{:>10.4e} {:>8} {:>10} {:>14.6e} {:>12}  {:?}",
                r.eta,
                r.eta_l,
                r.iterations,
                r.losses.last().copied().unwrap_or(f64::NAN),
                format!("{:?}", r.termination),
                r.outcome
            )?;
        }
        let converged: Vec<String> = self
            .runs
            .iter()
            .filter(|r| r.outcome == Outcome::Converged)
            .map(|r| format!("{:.3e}", r.eta))
            .collect();
        writeln!(f, "converged: η ∈ {{{}}}", converged.join(", "))?;
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
/// (`cargo test --example learning_rate`; `cargo test` runs it too).
#[cfg(test)]
mod tests {
    use super::plot::testing::{TempDir, assert_png};
    use super::*;

    #[test]
    fn learning_rates_small_good_large() {
        let dir = TempDir::new("learning_rate");
        let config = Config {
            multiples: vec![0.02, 1.0, 2.0, 30.0],
            ..Config::default()
        };
        let summary = run(&dir.0, &config).unwrap();
        assert_png(&summary.png, &dir.0);
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
}
