//! What a fitted logistic regression looks like in the plane: seeded 2-D
//! data with two and with three classes, the fitted probabilities as a
//! shaded field, and the decision boundary.
//!
//! ```text
//! cargo run --release --example decision_boundary [-- OUT_DIR]
//! ```
//!
//! Writes `OUT_DIR/decision_boundary.png` (default `target/plots/`, or
//! `$LOGREG_PLOT_DIR`). Left: two classes; the shading is P(class 1), white
//! at 0.5, and the lines are where P = 0.5 (solid: the boundary) and P = 0.1,
//! 0.9 (dashed) — straight, since the log-odds are linear in x. Right: three
//! classes with a softmax model; each point of the plane takes the colour of
//! its most probable class, paler where that class is less certain, and the
//! region borders (pairwise-linear, meeting at one point) are drawn in black.

#[path = "common/plot.rs"]
mod plot;

use logreg::{FittedLogisticRegression, LogisticRegression};
use ndarray::{Array1, Array2};
use plotters::coord::Shift;
use plotters::prelude::*;
use rand::{RngExt, SeedableRng, rngs::StdRng};
use std::error::Error;
use std::fmt;
use std::path::{Path, PathBuf};

/// Data sizes and picture resolution.
#[derive(Debug, Clone)]
pub struct Config {
    /// Points per class.
    pub n_per_class: usize,
    /// Cells per side of the probability field.
    pub grid: usize,
    /// Seed of the data.
    pub seed: u64,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            n_per_class: 150,
            grid: 300,
            seed: 11,
        }
    }
}

/// One panel's fit.
#[derive(Debug, Clone)]
pub struct Panel {
    /// Number of classes.
    pub classes: usize,
    /// Training accuracy.
    pub accuracy: f64,
    /// Coefficients (1 × 2 binary, 3 × 2 softmax).
    pub coef: Array2<f64>,
    /// Intercepts.
    pub intercept: Array1<f64>,
    /// Share of the field's cells assigned to each class.
    pub region_share: Vec<f64>,
}

/// What the example found.
#[derive(Debug, Clone)]
pub struct Summary {
    /// Two classes, then three.
    pub panels: Vec<Panel>,
    /// The picture.
    pub png: PathBuf,
}

/// A standard normal draw (Box–Muller).
fn normal(rng: &mut StdRng) -> f64 {
    let u: f64 = 1.0 - rng.random::<f64>(); // (0, 1]
    let v: f64 = rng.random();
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}

/// `n_per_class` points around each centre, with a shared tilted covariance.
pub fn blobs(
    centres: &[(f64, f64)],
    n_per_class: usize,
    seed: u64,
) -> (Array2<f64>, Array1<usize>) {
    let mut rng = StdRng::seed_from_u64(seed);
    let n = centres.len() * n_per_class;
    let mut x = Array2::zeros((n, 2));
    let mut y = Array1::zeros(n);
    for (i, mut row) in x.rows_mut().into_iter().enumerate() {
        let class = i % centres.len();
        let (a, b) = (normal(&mut rng), normal(&mut rng));
        // Covariance [[1, 0.3], [0.3, 0.7]] scaled: L·z with L its Cholesky factor.
        row[0] = centres[class].0 + a;
        row[1] = centres[class].1 + 0.3 * a + 0.768 * b;
        y[i] = class;
    }
    (x, y)
}

/// The plotted region: the data's range plus a margin.
fn bounds(x: &Array2<f64>) -> ((f64, f64), (f64, f64)) {
    let range = |j: usize| {
        let (lo, hi) = x
            .column(j)
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
                (lo.min(v), hi.max(v))
            });
        let pad = 0.08 * (hi - lo);
        (lo - pad, hi + pad)
    };
    (range(0), range(1))
}

/// Fits both problems and draws `out_dir/decision_boundary.png`.
pub fn run(out_dir: &Path, config: &Config) -> Result<Summary, Box<dyn Error>> {
    let problems = [
        blobs(&[(-1.2, -0.6), (1.2, 0.6)], config.n_per_class, config.seed),
        blobs(
            &[(0.0, 2.2), (-2.0, -1.0), (2.0, -1.0)],
            config.n_per_class,
            config.seed + 1,
        ),
    ];
    let png = out_dir.join("decision_boundary.png");
    let mut panels = Vec::new();
    {
        let root = plot::png_area(&png, 1400, 660)?;
        let panels_area = root.split_evenly((1, 2));
        for ((x, y), area) in problems.iter().zip(&panels_area) {
            let model = LogisticRegression::new().tol(1e-8).fit(x, y)?;
            let region_share = draw_panel(area, x, y, &model, config.grid)?;
            panels.push(Panel {
                classes: model.classes().len(),
                accuracy: model.score(x, y)?,
                coef: model.coef().to_owned(),
                intercept: model.intercept().to_owned(),
                region_share,
            });
        }
        root.present()?;
    }
    Ok(Summary { panels, png })
}

/// `c` blended towards white: `strength` 0 is white, 1 is `c`.
fn tint(c: RGBColor, strength: f64) -> RGBColor {
    let s = strength.clamp(0.0, 1.0);
    let mix = |v: u8| (255.0 - s * (255.0 - f64::from(v))).round() as u8;
    RGBColor(mix(c.0), mix(c.1), mix(c.2))
}

/// The segment of {x : w·x + b = level} inside the box, if any.
fn clip_line(
    w: (f64, f64),
    b: f64,
    level: f64,
    (xr, yr): ((f64, f64), (f64, f64)),
) -> Option<[(f64, f64); 2]> {
    let c = level - b;
    let mut hits = Vec::new();
    if w.1.abs() > 1e-12 {
        for x in [xr.0, xr.1] {
            let y = (c - w.0 * x) / w.1;
            if (yr.0..=yr.1).contains(&y) {
                hits.push((x, y));
            }
        }
    }
    if w.0.abs() > 1e-12 {
        for y in [yr.0, yr.1] {
            let x = (c - w.1 * y) / w.0;
            if (xr.0..=xr.1).contains(&x) {
                hits.push((x, y));
            }
        }
    }
    hits.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    match (hits.first(), hits.last()) {
        (Some(&a), Some(&z)) if a != z => Some([a, z]),
        _ => None,
    }
}

/// Draws one panel; returns the share of the field each class wins.
fn draw_panel(
    area: &DrawingArea<BitMapBackend<'_>, Shift>,
    x: &Array2<f64>,
    y: &Array1<usize>,
    model: &FittedLogisticRegression<f64, usize>,
    grid: usize,
) -> Result<Vec<f64>, Box<dyn Error>> {
    let k = model.classes().len();
    let (xr, yr) = bounds(x);
    let title = if k == 2 {
        "two classes: P(class 1) and the boundary P = 0.5".to_string()
    } else {
        format!("{k} classes (softmax): most probable class, paler = less sure")
    };
    let mut chart = ChartBuilder::on(area)
        .caption(title, ("sans-serif", 22))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(50)
        .build_cartesian_2d(xr.0..xr.1, yr.0..yr.1)?;

    // The field: probabilities at the cell centres, in one call.
    let (dx, dy) = ((xr.1 - xr.0) / grid as f64, (yr.1 - yr.0) / grid as f64);
    let centres = Array2::from_shape_fn((grid * grid, 2), |(i, j)| {
        let (col, row) = (i % grid, i / grid);
        if j == 0 {
            xr.0 + (col as f64 + 0.5) * dx
        } else {
            yr.0 + (row as f64 + 0.5) * dy
        }
    });
    let proba = model.predict_proba(&centres)?;
    let winner: Vec<usize> = proba
        .rows()
        .into_iter()
        .map(|p| {
            p.iter()
                .enumerate()
                .max_by(|a, b| a.1.total_cmp(b.1))
                .map_or(0, |(c, _)| c)
        })
        .collect();
    let mut share = vec![0.0; k];
    for &w in &winner {
        share[w] += 1.0 / winner.len() as f64;
    }
    let cells = (0..grid * grid).map(|i| {
        let (col, row) = (i % grid, i / grid);
        let x0 = xr.0 + col as f64 * dx;
        let y0 = yr.0 + row as f64 * dy;
        let p = proba.row(i);
        let color = if k == 2 {
            // Diverging: class 0's colour below 0.5, class 1's above, white at 0.5.
            let t = 2.0 * p[1] - 1.0;
            tint(plot::PALETTE[usize::from(t > 0.0)], 0.55 * t.abs())
        } else {
            // The winner's colour, paler where it wins by less.
            let best = p[winner[i]];
            let certainty = (best - 1.0 / k as f64) / (1.0 - 1.0 / k as f64);
            tint(plot::PALETTE[winner[i]], 0.1 + 0.4 * certainty)
        };
        Rectangle::new([(x0, y0), (x0 + dx, y0 + dy)], color.filled())
    });
    chart.draw_series(cells)?;

    if k == 2 {
        let (w, b) = (
            (model.coef()[(0, 0)], model.coef()[(0, 1)]),
            model.intercept()[0],
        );
        for (p, dashed) in [(0.1_f64, true), (0.9, true), (0.5, false)] {
            let logit = (p / (1.0 - p)).ln();
            let Some(segment) = clip_line(w, b, logit, (xr, yr)) else {
                continue;
            };
            if dashed {
                let style = BLACK.mix(0.6).stroke_width(2);
                let series = chart.draw_series(DashedLineSeries::new(segment, 10, 6, style))?;
                if p > 0.5 {
                    series
                        .label("P = 0.1, 0.9")
                        .legend(move |(x, y)| PathElement::new([(x, y), (x + 20, y)], style));
                }
            } else {
                chart
                    .draw_series(LineSeries::new(segment, BLACK.stroke_width(3)))?
                    .label("P = 0.5 (boundary)")
                    .legend(|(x, y)| {
                        PathElement::new([(x, y), (x + 20, y)], BLACK.stroke_width(3))
                    });
            }
        }
    } else {
        // Region borders: cells whose winner differs from the next cell's.
        let border = (0..grid * grid).filter(|&i| {
            let (col, row) = (i % grid, i / grid);
            (col + 1 < grid && winner[i + 1] != winner[i])
                || (row + 1 < grid && winner[i + grid] != winner[i])
        });
        chart.draw_series(border.map(|i| {
            let (col, row) = (i % grid, i / grid);
            let (cx, cy) = (
                xr.0 + (col as f64 + 1.0) * dx,
                yr.0 + (row as f64 + 1.0) * dy,
            );
            Circle::new((cx, cy), 1, BLACK.filled())
        }))?;
    }

    chart
        .configure_mesh()
        .disable_mesh()
        .x_desc("x₁")
        .y_desc("x₂")
        .x_label_formatter(&plot::plain)
        .y_label_formatter(&plot::plain)
        .label_style(("sans-serif", 14))
        .axis_desc_style(("sans-serif", 15))
        .draw()?;

    for (class, label) in model.classes().iter().enumerate() {
        let color = plot::PALETTE[class];
        let points = x
            .rows()
            .into_iter()
            .zip(y)
            .filter(|(_, c)| **c == *label)
            .map(|(row, _)| (row[0], row[1]));
        chart
            .draw_series(points.map(|pt| {
                EmptyElement::at(pt)
                    + Circle::new((0, 0), 4, color.filled())
                    + Circle::new((0, 0), 4, BLACK.stroke_width(1))
            }))?
            .label(format!("class {label}"))
            .legend(move |(x, y)| Circle::new((x + 10, y), 4, color.filled()));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .label_font(("sans-serif", 14))
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.4))
        .draw()?;
    Ok(share)
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for p in &self.panels {
            writeln!(
                f,
                "{} classes: training accuracy {:.3}",
                p.classes, p.accuracy
            )?;
            for (row, b) in p.coef.rows().into_iter().zip(&p.intercept) {
                writeln!(
                    f,
                    "  w = [{:>7.3}, {:>7.3}], b = {:>7.3}",
                    row[0], row[1], b
                )?;
            }
            let shares: Vec<String> = p.region_share.iter().map(|s| format!("{s:.2}")).collect();
            writeln!(
                f,
                "  share of the plotted area per class: {}",
                shares.join(", ")
            )?;
        }
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
/// (`cargo test --example decision_boundary`; `cargo test` runs it too).
#[cfg(test)]
mod tests {
    use super::plot::testing::{TempDir, assert_png};
    use super::*;

    #[test]
    fn decision_boundaries_are_drawn() {
        let dir = TempDir::new("decision_boundary");
        let config = Config {
            n_per_class: 60,
            grid: 40,
            ..Config::default()
        };
        let summary = run(&dir.0, &config).unwrap();
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
}
