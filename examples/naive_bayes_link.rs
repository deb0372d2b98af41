//! Logistic regression and the Gaussian generative classifier: when the two
//! classes are Gaussian with a shared covariance Σ, Bayes' rule gives exactly
//! a logistic model,
//!
//! ```text
//! P(1 | x) = σ(w·x + b),   w = Σ⁻¹(μ₁ − μ₀),
//!                          b = −½ μ₁ᵀΣ⁻¹μ₁ + ½ μ₀ᵀΣ⁻¹μ₀ + ln(π₁/π₀),
//! ```
//!
//! (linear discriminant analysis; with a diagonal Σ it is Gaussian naive
//! Bayes with shared variances). Logistic regression estimates P(1 | x)
//! without modelling x, so its unpenalized (maximum-likelihood) fit is
//! consistent for these w and b: this example samples the two classes, fits
//! `Penalty::None` for n = 100 … 100 000, and prints the largest absolute
//! difference between the fitted and the Bayes-rule coefficients, which
//! shrinks like 1/√n.
//!
//! ```text
//! cargo run --release --example naive_bayes_link [-- OUT_DIR]
//! ```
//!
//! Writes `OUT_DIR/naive_bayes_link.png` (default `target/plots/`, or
//! `$LOGREG_PLOT_DIR`): the gap against n on log–log axes.

#[path = "common/plot.rs"]
mod plot;

use logreg::{LogisticRegression, Penalty};
use ndarray::{Array1, Array2, array};
use plotters::prelude::*;
use rand::{RngExt, SeedableRng, rngs::StdRng};
use std::error::Error;
use std::fmt;
use std::path::{Path, PathBuf};

/// The sample sizes and repetitions.
#[derive(Debug, Clone)]
pub struct Config {
    /// Sample sizes, increasing.
    pub sizes: Vec<usize>,
    /// Data sets per size (the gap is averaged over them).
    pub repeats: usize,
    /// Seed of the first data set.
    pub seed: u64,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            sizes: vec![100, 300, 1000, 3000, 10_000, 30_000, 100_000],
            repeats: 5,
            seed: 1,
        }
    }
}

/// The generative model: class 1 with probability `prior1`, then x ~ N(μ_y, Σ).
#[derive(Debug, Clone)]
pub struct Gaussians {
    pub mu0: Array1<f64>,
    pub mu1: Array1<f64>,
    pub sigma: Array2<f64>,
    pub prior1: f64,
}

impl Default for Gaussians {
    fn default() -> Self {
        Self {
            mu0: array![0.0, 0.0, 0.0],
            mu1: array![1.0, 0.5, -0.5],
            sigma: array![[1.0, 0.5, 0.2], [0.5, 1.0, 0.3], [0.2, 0.3, 1.0]],
            prior1: 0.4,
        }
    }
}

/// Inverse of a small symmetric positive-definite matrix (Gauss–Jordan).
fn inverse(a: &Array2<f64>) -> Result<Array2<f64>, Box<dyn Error>> {
    let d = a.nrows();
    let mut m = a.clone();
    let mut inv = Array2::eye(d);
    for col in 0..d {
        let pivot = (col..d)
            .max_by(|&i, &j| m[(i, col)].abs().total_cmp(&m[(j, col)].abs()))
            .ok_or("empty matrix")?;
        if m[(pivot, col)].abs() < 1e-12 {
            return Err("singular covariance".into());
        }
        for j in 0..d {
            m.swap((col, j), (pivot, j));
            inv.swap((col, j), (pivot, j));
        }
        let p = m[(col, col)];
        m.row_mut(col).mapv_inplace(|v| v / p);
        inv.row_mut(col).mapv_inplace(|v| v / p);
        for i in (0..d).filter(|&i| i != col) {
            let factor = m[(i, col)];
            let (m_col, inv_col) = (m.row(col).to_owned(), inv.row(col).to_owned());
            m.row_mut(i).scaled_add(-factor, &m_col);
            inv.row_mut(i).scaled_add(-factor, &inv_col);
        }
    }
    Ok(inv)
}

/// Lower-triangular L with L·Lᵀ = a.
fn cholesky(a: &Array2<f64>) -> Result<Array2<f64>, Box<dyn Error>> {
    let d = a.nrows();
    let mut l = Array2::<f64>::zeros((d, d));
    for i in 0..d {
        for j in 0..=i {
            let s: f64 = (0..j).map(|k| l[(i, k)] * l[(j, k)]).sum();
            if i == j {
                let v = a[(i, i)] - s;
                if v <= 0.0 {
                    return Err("covariance is not positive definite".into());
                }
                l[(i, j)] = v.sqrt();
            } else {
                l[(i, j)] = (a[(i, j)] - s) / l[(j, j)];
            }
        }
    }
    Ok(l)
}

impl Gaussians {
    /// The Bayes-rule logistic coefficients (w, b).
    pub fn bayes_coefficients(&self) -> Result<(Array1<f64>, f64), Box<dyn Error>> {
        let inv = inverse(&self.sigma)?;
        let w = inv.dot(&(&self.mu1 - &self.mu0));
        let quad = |mu: &Array1<f64>| mu.dot(&inv.dot(mu));
        let b = -0.5 * quad(&self.mu1)
            + 0.5 * quad(&self.mu0)
            + (self.prior1 / (1.0 - self.prior1)).ln();
        Ok((w, b))
    }

    /// n rows and their classes.
    pub fn sample(&self, n: usize, seed: u64) -> Result<(Array2<f64>, Array1<u8>), Box<dyn Error>> {
        let l = cholesky(&self.sigma)?;
        let d = self.mu0.len();
        let mut rng = StdRng::seed_from_u64(seed);
        let mut x = Array2::zeros((n, d));
        let mut y = Array1::zeros(n);
        for (mut row, label) in x.rows_mut().into_iter().zip(y.iter_mut()) {
            *label = u8::from(rng.random::<f64>() < self.prior1);
            let z: Array1<f64> = (0..d).map(|_| normal(&mut rng)).collect();
            let mu = if *label == 1 { &self.mu1 } else { &self.mu0 };
            row.assign(&(mu + &l.dot(&z)));
        }
        Ok((x, y))
    }
}

/// A standard normal draw (Box–Muller).
fn normal(rng: &mut StdRng) -> f64 {
    let u: f64 = 1.0 - rng.random::<f64>(); // (0, 1]
    let v: f64 = rng.random();
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}

/// The gap at one sample size.
#[derive(Debug, Clone)]
pub struct Row {
    /// Sample size.
    pub n: usize,
    /// max |fitted − Bayes| over w and b, per data set.
    pub gaps: Vec<f64>,
}

impl Row {
    /// Mean of the gaps.
    pub fn mean(&self) -> f64 {
        self.gaps.iter().sum::<f64>() / self.gaps.len().max(1) as f64
    }

    /// Largest gap.
    pub fn worst(&self) -> f64 {
        self.gaps.iter().copied().fold(0.0, f64::max)
    }
}

/// What the example found.
#[derive(Debug, Clone)]
pub struct Summary {
    /// Bayes-rule w.
    pub w: Array1<f64>,
    /// Bayes-rule b.
    pub b: f64,
    /// The fit at the largest n, as (w, b).
    pub fitted_at_largest: (Array1<f64>, f64),
    /// One per sample size.
    pub rows: Vec<Row>,
    /// The picture.
    pub png: PathBuf,
}

/// Samples, fits and compares at every size; draws `out_dir/naive_bayes_link.png`.
pub fn run(out_dir: &Path, config: &Config) -> Result<Summary, Box<dyn Error>> {
    let model = Gaussians::default();
    let (w, b) = model.bayes_coefficients()?;
    let settings = LogisticRegression::new().penalty(Penalty::None).tol(1e-10);
    let mut rows = Vec::new();
    let mut fitted_at_largest = (Array1::zeros(w.len()), 0.0);
    for (i, &n) in config.sizes.iter().enumerate() {
        let mut gaps = Vec::new();
        for r in 0..config.repeats {
            let seed = config.seed + (i * config.repeats + r) as u64;
            let (x, y) = model.sample(n, seed)?;
            let fit = settings.fit(&x, &y)?;
            if !fit.report().converged() {
                return Err(format!("n = {n}: the fit ended with {:?}", fit.report()).into());
            }
            let w_hat = fit.coef().row(0).to_owned();
            let b_hat = fit.intercept()[0];
            let gap = (&w_hat - &w)
                .iter()
                .fold((b_hat - b).abs(), |m, v| m.max(v.abs()));
            gaps.push(gap);
            fitted_at_largest = (w_hat, b_hat);
        }
        rows.push(Row { n, gaps });
    }
    let png = out_dir.join("naive_bayes_link.png");
    draw(&png, &rows, config)?;
    Ok(Summary {
        w,
        b,
        fitted_at_largest,
        rows,
        png,
    })
}

fn draw(path: &Path, rows: &[Row], config: &Config) -> Result<(), Box<dyn Error>> {
    let root = plot::png_area(path, 900, 600)?;
    let (n_lo, n_hi) = match (rows.first(), rows.last()) {
        (Some(a), Some(z)) => (a.n as f64, z.n as f64),
        _ => return Err("no sample sizes".into()),
    };
    let mean: Vec<(f64, f64)> = rows.iter().map(|r| (r.n as f64, r.mean())).collect();
    let worst: Vec<(f64, f64)> = rows.iter().map(|r| (r.n as f64, r.worst())).collect();
    // c/√n through the first mean.
    let c = mean[0].1 * mean[0].0.sqrt();
    let reference = vec![(n_lo, c / n_lo.sqrt()), (n_hi, c / n_hi.sqrt())];
    let (y_lo, y_hi) = mean
        .iter()
        .chain(&worst)
        .chain(&reference)
        .fold((f64::INFINITY, 0.0_f64), |(lo, hi), p| {
            (lo.min(p.1), hi.max(p.1))
        });
    let curves = [
        plot::Curve::new(
            format!("mean over {} data sets", config.repeats),
            mean,
            plot::PALETTE[0],
        ),
        plot::Curve::new(
            format!("worst of {}", config.repeats),
            worst,
            plot::PALETTE[1],
        ),
        plot::Curve::new("∝ 1/√n", reference, plot::PALETTE[6]).dashed(),
    ];
    plot::line_chart(
        &root,
        plot::Labels {
            title: "unpenalized logistic fit → Bayes rule for Gaussians with shared Σ",
            x: "n (rows)",
            y: "max |fitted − Bayes-rule coefficient|",
        },
        (n_lo * 0.8..n_hi * 1.25).log_scale(),
        (y_lo * 0.5..y_hi * 2.0).log_scale(),
        &plot::sci,
        &plot::sci,
        &curves,
        SeriesLabelPosition::UpperRight,
    )?;
    root.present()?;
    Ok(())
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let g = Gaussians::default();
        writeln!(
            f,
            "μ₀ = {}, μ₁ = {}, π₁ = {}, Σ =\n{}",
            g.mu0, g.mu1, g.prior1, g.sigma
        )?;
        writeln!(
            f,
            "Bayes rule:           w = {:.4}, b = {:.4}",
            self.w, self.b
        )?;
        let (w, b) = &self.fitted_at_largest;
        if let Some(last) = self.rows.last() {
            writeln!(f, "fit at n = {:<9} w = {w:.4}, b = {b:.4}", last.n)?;
        }
        writeln!(
            f,
            "\n{:>8} {:>12} {:>12} {:>14}",
            "n", "mean gap", "worst gap", "√n · mean gap"
        )?;
        for r in &self.rows {
            writeln!(
                f,
                "{:>8} {:>12.5} {:>12.5} {:>14.3}",
                r.n,
                r.mean(),
                r.worst(),
                r.mean() * (r.n as f64).sqrt()
            )?;
        }
        writeln!(f, "(gap: max |fitted − Bayes-rule| over w and b)")?;
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
/// (`cargo test --example naive_bayes_link`; `cargo test` runs it too).
#[cfg(test)]
mod tests {
    use super::plot::testing::{TempDir, assert_png};
    use super::*;

    #[test]
    fn logistic_fit_approaches_the_bayes_rule() {
        let dir = TempDir::new("naive_bayes_link");
        let config = Config {
            sizes: vec![100, 1000, 10_000],
            repeats: 3,
            ..Config::default()
        };
        let summary = run(&dir.0, &config).unwrap();
        assert_png(&summary.png, &dir.0);
        let means: Vec<f64> = summary.rows.iter().map(|r| r.mean()).collect();
        assert!(means.windows(2).all(|w| w[1] < w[0]), "{means:?}");
        // 100× the data: about 10× closer (1/√n); allow a factor 2 of noise.
        assert!(means[2] < means[0] / 5.0, "{means:?}");
        assert!(means[2] < 0.1, "{means:?}");
    }
}
