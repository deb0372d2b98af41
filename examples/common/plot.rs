//! Plotting helpers shared by the examples (included with
//! `#[path = "common/plot.rs"] mod plot;`): the output directory, the font,
//! a colour palette and a line chart with any mix of linear and log axes.
#![allow(dead_code)]

use plotters::coord::Shift;
use plotters::coord::ranged1d::{AsRangedCoord, ValueFormatter};
use plotters::prelude::*;
use std::error::Error;
use std::path::{Path, PathBuf};

/// The environment variable that names the output directory when no
/// command-line argument does.
pub const OUT_DIR_VAR: &str = "LOGREG_PLOT_DIR";

/// Where an example writes its pictures: the first command-line argument,
/// else `$LOGREG_PLOT_DIR`, else `target/plots/` under the crate root.
pub fn out_dir_from_env() -> PathBuf {
    std::env::args_os()
        .nth(1)
        .or_else(|| std::env::var_os(OUT_DIR_VAR))
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target/plots"))
}

/// Registers DejaVu Sans as plotters' "sans-serif" (the `ab_glyph` text
/// backend has no system fonts). Safe to call more than once.
pub fn register_fonts() {
    // An Err only means the bytes are not a font, which DejaVu always is.
    let _ = plotters::style::register_font(
        "sans-serif",
        plotters::style::FontStyle::Normal,
        dejavu::sans::regular(),
    );
}

/// A new white `width` × `height` PNG at `path` (the directory is created).
pub fn png_area(
    path: &Path,
    width: u32,
    height: u32,
) -> Result<DrawingArea<BitMapBackend<'_>, Shift>, Box<dyn Error>> {
    register_fonts();
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let root = BitMapBackend::new(path, (width, height)).into_drawing_area();
    root.fill(&WHITE)?;
    Ok(root)
}

/// Colour-blind-friendly categorical colours (Okabe–Ito).
pub const PALETTE: [RGBColor; 7] = [
    RGBColor(0, 114, 178),   // blue
    RGBColor(213, 94, 0),    // vermillion
    RGBColor(0, 158, 115),   // bluish green
    RGBColor(204, 121, 167), // reddish purple
    RGBColor(230, 159, 0),   // orange
    RGBColor(86, 180, 233),  // sky blue
    RGBColor(0, 0, 0),       // black
];

/// One labelled curve of a line chart.
#[derive(Debug, Clone)]
pub struct Curve {
    /// Legend text.
    pub label: String,
    /// (x, y) points in drawing order.
    pub points: Vec<(f64, f64)>,
    /// Line colour.
    pub color: RGBColor,
    /// Draw dashed (for reference lines).
    pub dashed: bool,
}

impl Curve {
    /// A solid curve.
    pub fn new(label: impl Into<String>, points: Vec<(f64, f64)>, color: RGBColor) -> Self {
        Self {
            label: label.into(),
            points,
            color,
            dashed: false,
        }
    }

    /// The same curve, dashed.
    pub fn dashed(mut self) -> Self {
        self.dashed = true;
        self
    }
}

/// Titles of a line chart.
#[derive(Debug, Clone, Copy)]
pub struct Labels<'a> {
    pub title: &'a str,
    pub x: &'a str,
    pub y: &'a str,
}

/// Tick labels for log axes: 1e-8, 0.01, 0.5, 1, 20, 1000, 1e5, …
pub fn sci(v: &f64) -> String {
    let exponent = v.abs().log10().round();
    let power = 10f64.powf(exponent);
    let is_power = (v.abs() / power - 1.0).abs() < 1e-6;
    if (1e-2..1e4).contains(&v.abs()) {
        plain(v)
    } else if is_power {
        format!("{}1e{exponent}", if *v < 0.0 { "-" } else { "" })
    } else {
        format!("{v:.0e}")
    }
}

/// Tick labels for linear axes: trimmed decimals.
pub fn plain(v: &f64) -> String {
    let s = format!("{v:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.into() }
}

/// Draws `curves` on `area` with the axes `x` and `y` (`a..b` or
/// `(a..b).log_scale()`). Points are clamped into the y range (so diverging
/// curves run along the top edge) and points with a non-finite coordinate are
/// dropped.
#[allow(clippy::too_many_arguments)]
pub fn line_chart<X, Y>(
    area: &DrawingArea<BitMapBackend<'_>, Shift>,
    labels: Labels<'_>,
    x: X,
    y: Y,
    x_fmt: &dyn Fn(&f64) -> String,
    y_fmt: &dyn Fn(&f64) -> String,
    curves: &[Curve],
    legend: SeriesLabelPosition,
) -> Result<(), Box<dyn Error>>
where
    X: AsRangedCoord<Value = f64>,
    Y: AsRangedCoord<Value = f64>,
    X::CoordDescType: ValueFormatter<f64>,
    Y::CoordDescType: ValueFormatter<f64>,
{
    let mut chart = ChartBuilder::on(area)
        .caption(labels.title, ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(64)
        .build_cartesian_2d(x, y)?;
    chart
        .configure_mesh()
        .x_desc(labels.x)
        .y_desc(labels.y)
        .x_label_formatter(x_fmt)
        .y_label_formatter(y_fmt)
        .label_style(("sans-serif", 14))
        .axis_desc_style(("sans-serif", 15))
        .draw()?;
    let (y_lo, y_hi) = {
        let r = chart.y_range();
        (r.start, r.end)
    };
    for curve in curves {
        let points: Vec<(f64, f64)> = curve
            .points
            .iter()
            .filter(|(a, b)| a.is_finite() && !b.is_nan())
            .map(|&(a, b)| (a, b.clamp(y_lo, y_hi)))
            .collect();
        let style = curve.color.stroke_width(2);
        let color = curve.color;
        if curve.dashed {
            chart
                .draw_series(DashedLineSeries::new(points, 8, 6, style))?
                .label(curve.label.clone())
                .legend(move |(x, y)| {
                    PathElement::new([(x, y), (x + 20, y)], color.stroke_width(2))
                });
        } else {
            chart
                .draw_series(LineSeries::new(points, style))?
                .label(curve.label.clone())
                .legend(move |(x, y)| {
                    PathElement::new([(x, y), (x + 20, y)], color.stroke_width(2))
                });
        }
    }
    chart
        .configure_series_labels()
        .position(legend)
        .label_font(("sans-serif", 14))
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.4))
        .draw()?;
    Ok(())
}

/// What the examples' tests (`cargo test --example NAME`) check their
/// pictures with.
#[cfg(test)]
pub mod testing {
    use std::path::{Path, PathBuf};

    /// A fresh directory under the system temp dir, removed on drop.
    pub struct TempDir(pub PathBuf);

    impl TempDir {
        pub fn new(name: &str) -> Self {
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
    pub fn assert_png(path: &Path, dir: &Path) {
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
}
