//! A command-line fitter that scripts and benchmarks can drive.
//!
//! ```text
//! cargo run --release --example fit -- --data X.npy --target y.npy [options]
//! cargo run --release --example fit -- --csv FILE --target-column NAME [options]
//! ```
//!
//! X.npy: float64 or float32, C order; y.npy: int64. `--json` prints one JSON
//! object (solver, n_iter, evaluations, converged, termination, objective, grad_max,
//! classes, coef, intercept, fit_seconds, predict_seconds, train_accuracy); without it, a readable
//! report. `predict_seconds` times `predict_proba` on the training rows. Bad files or
//! options: a one-line error and exit code 2.
//!
//! `--parquet PATH --target-column NAME [--weight-column W] [--features a,b,c]`
//! (with `--features parquet`) fits over a Parquet file or directory row
//! group by row group; its JSON adds `features`, `passes` (reads of the
//! data) and `peak_memory_mb`. `--decode-only` decodes the chosen columns
//! with the parquet crate alone and prints the seconds (a pass's yardstick).
//!
//! `--alphas A,B,…` or `--n-alphas N` fit a regularization path instead
//! (JSON: alphas, n_nonzero, deviance_ratio, objective, fit_seconds); adding `--cv K`
//! cross-validates over that grid with K stratified folds (JSON: alphas,
//! mean_scores, best_alpha, alpha_1se, coef, intercept, fit_seconds).

#[path = "common/memory.rs"]
mod memory;
#[path = "common/model_flags.rs"]
mod model_flags;
use clap::Parser;
use indicatif::{ProgressBar, ProgressStyle};
use logreg::solver::{Control, Progress};
use logreg::{Alphas, CrossValidation, Float, LogisticRegression, Scoring};
use model_flags::{ModelFlags, json_list};
use ndarray::{Array1, Array2};
use ndarray_npy::read_npy;
use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::Instant;

#[derive(Parser, Debug)]
#[command(about = "Fit a logistic regression with logreg")]
struct Args {
    /// A Parquet file or a directory of them, read row group by row group
    /// (needs `--features parquet`); labels from --target-column.
    #[arg(long, requires = "target_column", conflicts_with_all = ["data", "csv"])]
    parquet: Option<String>,
    /// With --parquet: only decode the chosen columns of every row group
    /// with the parquet crate (as many at once as the fit loads), print the
    /// seconds, and fit nothing: the yardstick for a pass of the fit.
    #[arg(long, requires = "parquet")]
    decode_only: bool,
    /// With --parquet: how many row groups are read and computed on at
    /// once (default: one per thread).
    #[arg(long, requires = "parquet")]
    max_in_flight: Option<usize>,
    /// With --parquet: the sample-weight column.
    #[arg(long, requires = "parquet")]
    weight_column: Option<String>,
    /// With --parquet: the feature columns (default: every other numeric column).
    #[arg(long, value_delimiter = ',', requires = "parquet")]
    features: Option<Vec<String>>,
    /// Features as .npy (float64 or float32, C order).
    #[arg(long, requires = "target", conflicts_with = "csv")]
    data: Option<String>,
    /// Labels as .npy (int64).
    #[arg(long)]
    target: Option<String>,
    /// Features and labels as CSV with a header row.
    #[arg(long, requires = "target_column")]
    csv: Option<String>,
    /// The label column of the CSV.
    #[arg(long)]
    target_column: Option<String>,
    /// Fit a regularization path at these α values (comma-separated).
    #[arg(long, value_delimiter = ',', conflicts_with = "n_alphas")]
    alphas: Option<Vec<f64>>,
    /// Fit a regularization path of this many α values from α_max down.
    #[arg(long)]
    n_alphas: Option<usize>,
    /// Cross-validate the path with this many stratified folds.
    #[arg(long)]
    cv: Option<usize>,
    /// Cross-validation score: accuracy or neg_log_loss.
    #[arg(long, default_value = "accuracy")]
    scoring: String,
    /// Fit in f32.
    #[arg(long)]
    f32: bool,
    #[command(flatten)]
    model: ModelFlags,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
}

type Labels = Array1<String>;

fn main() -> ExitCode {
    let args = match Args::try_parse() {
        Ok(args) => args,
        Err(error) if !error.use_stderr() => {
            print!("{error}");
            return ExitCode::SUCCESS;
        }
        Err(error) => {
            let message = error.to_string();
            eprintln!(
                "error: {}",
                message
                    .lines()
                    .next()
                    .unwrap_or("invalid arguments")
                    .trim_start_matches("error: ")
            );
            return ExitCode::from(2);
        }
    };
    let result = if args.f32 {
        run::<f32>(&args)
    } else {
        run::<f64>(&args)
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

/// Reads .npy features of either float type as F.
fn read_features<F: Float>(path: &str) -> Result<Array2<F>, String> {
    if let Ok(x) = read_npy::<_, Array2<f64>>(path) {
        return Ok(x.mapv(F::from_f64_lossy));
    }
    read_npy::<_, Array2<f32>>(path)
        .map(|x| x.mapv(|v| F::from_f64_lossy(f64::from(v))))
        .map_err(|e| format!("{path}: not a 2-D float64/float32 .npy in C order ({e})"))
}

fn read_csv<F: Float>(path: &str, target: &str) -> Result<(Array2<F>, Labels), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let header: Vec<&str> = lines
        .next()
        .ok_or(format!("{path}: empty file"))?
        .split(',')
        .map(str::trim)
        .collect();
    let label_col = header
        .iter()
        .position(|h| *h == target)
        .ok_or(format!("{path}: no column named {target:?}"))?;
    let mut values = Vec::new();
    let mut labels = Vec::new();
    for (number, line) in lines.enumerate() {
        let fields: Vec<&str> = line.split(',').map(str::trim).collect();
        if fields.len() != header.len() {
            return Err(format!(
                "{path}: line {} has {} fields, the header {}",
                number + 2,
                fields.len(),
                header.len()
            ));
        }
        for (j, field) in fields.iter().enumerate() {
            if j == label_col {
                labels.push(field.to_string());
            } else {
                let v: f64 = field.parse().map_err(|_| {
                    format!("{path}: line {}: {field:?} is not a number", number + 2)
                })?;
                values.push(F::from_f64_lossy(v));
            }
        }
    }
    let x = Array2::from_shape_vec((labels.len(), header.len() - 1), values)
        .map_err(|e| e.to_string())?;
    Ok((x, Array1::from(labels)))
}

fn load<F: Float>(args: &Args) -> Result<(Array2<F>, Labels), String> {
    match (&args.data, &args.target, &args.csv, &args.target_column) {
        (Some(data), Some(target), None, _) => {
            let x = read_features(data)?;
            let y: Array1<i64> =
                read_npy(target).map_err(|e| format!("{target}: not a 1-D int64 .npy ({e})"))?;
            Ok((x, y.mapv(|v| v.to_string())))
        }
        (None, _, Some(csv), Some(column)) => read_csv(csv, column),
        _ => Err("give --data X.npy --target y.npy, or --csv FILE --target-column NAME".into()),
    }
}

/// The α grid of a path or cross-validation run, if one was asked for.
fn grid<F: Float>(args: &Args) -> Option<Alphas<F>> {
    match (&args.alphas, args.n_alphas) {
        (Some(values), _) => Some(Alphas::Given(
            values.iter().map(|&a| F::from_f64_lossy(a)).collect(),
        )),
        (None, Some(n)) => Some(Alphas::auto(n)),
        (None, None) => None,
    }
}

fn run<F: Float>(args: &Args) -> Result<(), String> {
    if let Some(path) = &args.parquet {
        return run_parquet::<F>(args, path);
    }
    let (x, y) = load::<F>(args)?;
    let settings = args.model.settings::<F>()?;
    if let Some(alphas) = grid::<F>(args) {
        return match args.cv {
            Some(folds) => run_cv(args, settings, alphas, folds, &x, &y),
            None => run_path(args, &settings, &alphas, &x, &y),
        };
    }
    if args.cv.is_some() {
        return Err("--cv needs a grid: give --alphas or --n-alphas".into());
    }
    // A progress bar for people at a terminal, never in --json mode.
    let bar = (!args.json && std::io::stderr().is_terminal()).then(|| {
        let bar = ProgressBar::new(args.model.max_iter as u64);
        bar.set_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} iterations  {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar
    });
    let mut observe = |p: &Progress<F>| {
        if let Some(bar) = &bar {
            bar.set_position(p.iteration as u64);
            bar.set_message(format!(
                "objective {:.6e}  max|grad| {:.2e}",
                p.objective.to_f64_lossy(),
                p.grad_max.to_f64_lossy()
            ));
        }
        Control::Continue
    };
    // The fit's own peak memory, apart from loading (Linux).
    let peak_reset = memory::reset_peak();
    let rss_before = memory::memory_mb("VmRSS:");
    let started = Instant::now();
    // Observed fits run one-vs-rest sub-fits one after another: observe only
    // when there is a bar to drive.
    let model = match bar {
        Some(_) => settings.fit_observed(&x, &y, None, &mut observe),
        None => settings.fit(&x, &y),
    }
    .map_err(|e| e.to_string())?;
    let fit_seconds = started.elapsed().as_secs_f64();
    let peak_fit = memory::memory_mb("VmHWM:").filter(|_| peak_reset);
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let started = Instant::now();
    std::hint::black_box(model.predict_proba(&x).map_err(|e| e.to_string())?);
    let predict_seconds = started.elapsed().as_secs_f64();
    let accuracy = model.score(&x, &y).map_err(|e| e.to_string())?;
    model_flags::warn_unless_converged(&model);
    let report = model.report();
    // Labels read from int64 .npy print as numbers, CSV labels as strings.
    let numeric = model.classes().iter().all(|c| c.parse::<i64>().is_ok()) && args.data.is_some();
    let class_list = if numeric {
        json_list(model.classes())
    } else {
        json_list(model.classes().iter().map(|c| format!("{c:?}")))
    };
    if args.json {
        println!(
            "{{{}, \"fit_seconds\": {:e}, \"predict_seconds\": {predict_seconds:e}, \"train_accuracy\": {}}}",
            model_flags::fit_fields(&args.model.solver, &model, &class_list),
            fit_seconds,
            accuracy.to_f64_lossy()
        );
    } else {
        println!("rows × features: {} × {}", x.nrows(), x.ncols());
        println!("classes: {class_list}");
        println!(
            "solver: {} ({:?} after {} iterations)",
            args.model.solver, report.termination, report.iterations
        );
        println!(
            "objective: {:.10e}   max |gradient|: {:.3e}",
            report.objective.to_f64_lossy(),
            report.grad_max.to_f64_lossy()
        );
        println!("coefficients:\n{:.6}", model.coef());
        println!("intercepts: {:.6}", model.intercept());
        println!(
            "fit time: {fit_seconds:.4} s   predict_proba: {predict_seconds:.4} s   training accuracy: {:.4}",
            accuracy.to_f64_lossy()
        );
        if let (Some(before), Some(peak)) = (rss_before, peak_fit) {
            println!(
                "memory: {before:.0} MiB resident after loading, {peak:.0} MiB peak during the fit"
            );
        }
    }
    Ok(())
}

fn floats<F: Float>(values: impl IntoIterator<Item = F>) -> String {
    json_list(
        values
            .into_iter()
            .map(|v| format!("{:e}", v.to_f64_lossy())),
    )
}

fn run_path<F: Float>(
    args: &Args,
    settings: &LogisticRegression<F>,
    alphas: &Alphas<F>,
    x: &Array2<F>,
    y: &Labels,
) -> Result<(), String> {
    let started = Instant::now();
    let path = settings.path(x, y, alphas).map_err(|e| e.to_string())?;
    let seconds = started.elapsed().as_secs_f64();
    if args.json {
        println!(
            "{{\"mode\": \"path\", \"alphas\": {}, \"n_nonzero\": {}, \"deviance_ratio\": {}, \"objective\": {}, \"fit_seconds\": {seconds:e}}}",
            floats(path.alphas().iter().copied()),
            json_list(path.n_nonzero()),
            floats(path.deviance_ratio().iter().copied()),
            floats(path.models().iter().map(|m| m.report().objective)),
        );
    } else {
        println!("{:>12} {:>9} {:>10}", "alpha", "non-zero", "dev. ratio");
        for (i, alpha) in path.alphas().iter().enumerate() {
            println!(
                "{:>12.4e} {:>9} {:>10.4}",
                alpha.to_f64_lossy(),
                path.n_nonzero()[i],
                path.deviance_ratio()[i].to_f64_lossy()
            );
        }
        println!("path time: {seconds:.4} s");
    }
    Ok(())
}

fn run_cv<F: Float>(
    args: &Args,
    settings: LogisticRegression<F>,
    alphas: Alphas<F>,
    folds: usize,
    x: &Array2<F>,
    y: &Labels,
) -> Result<(), String> {
    let scoring = match args.scoring.as_str() {
        "accuracy" => Scoring::Accuracy,
        "neg_log_loss" => Scoring::NegLogLoss,
        other => return Err(format!("--scoring {other:?}: use accuracy or neg_log_loss")),
    };
    let started = Instant::now();
    let cv = CrossValidation::new(settings)
        .alphas(alphas)
        .folds(folds)
        .seed(args.model.seed)
        .scoring(scoring)
        .fit(x, y)
        .map_err(|e| e.to_string())?;
    let seconds = started.elapsed().as_secs_f64();
    let model = cv.model();
    if args.json {
        let coef = json_list(
            model
                .coef()
                .rows()
                .into_iter()
                .map(|r| floats(r.iter().copied())),
        );
        println!(
            "{{\"mode\": \"cv\", \"alphas\": {}, \"mean_scores\": {}, \"best_alpha\": {:e}, \"alpha_1se\": {:e}, \"coef\": {coef}, \"intercept\": {}, \"fit_seconds\": {seconds:e}}}",
            floats(cv.alphas().iter().copied()),
            floats(cv.mean_scores().iter().copied()),
            cv.best_alpha().to_f64_lossy(),
            cv.alpha_1se().to_f64_lossy(),
            floats(model.intercept().iter().copied()),
        );
    } else {
        println!("{:>12} {:>12} {:>10}", "alpha", "mean score", "std. err.");
        for (i, alpha) in cv.alphas().iter().enumerate() {
            println!(
                "{:>12.4e} {:>12.6} {:>10.6}",
                alpha.to_f64_lossy(),
                cv.mean_scores()[i].to_f64_lossy(),
                cv.std_errors()[i].to_f64_lossy()
            );
        }
        println!(
            "best α: {:.4e}   one-standard-error α: {:.4e}",
            cv.best_alpha().to_f64_lossy(),
            cv.alpha_1se().to_f64_lossy()
        );
        println!("cross-validation time: {seconds:.4} s");
    }
    Ok(())
}

/// Fits over the row groups of Parquet files: the fit's JSON plus
/// `passes` (reads of the data) and `peak_memory_mb` (the process's peak
/// resident memory during the fit, Linux).
#[cfg(feature = "parquet")]
fn run_parquet<F: Float>(args: &Args, path: &str) -> Result<(), String> {
    use logreg::chunked::ParquetSource;
    let target = args.target_column.as_deref().unwrap_or_default();
    let mut source = ParquetSource::open(path, target).map_err(|e| e.to_string())?;
    if let Some(w) = &args.weight_column {
        source = source.weight_column(w).map_err(|e| e.to_string())?;
    }
    if let Some(features) = &args.features {
        let names: Vec<&str> = features.iter().map(String::as_str).collect();
        source = source.features(&names).map_err(|e| e.to_string())?;
    }
    if let Some(n) = args.max_in_flight {
        source = source.max_in_flight(n);
    }
    if args.decode_only {
        return decode_only(&source, args.json);
    }
    let settings = args.model.settings::<F>()?;
    let peak_reset = memory::reset_peak();
    let started = Instant::now();
    let (model, passes) = settings
        .fit_chunks_counted(&source)
        .map_err(|e| e.to_string())?;
    let fit_seconds = started.elapsed().as_secs_f64();
    let peak = memory::memory_mb("VmHWM:").filter(|_| peak_reset);
    model_flags::warn_unless_converged(&model);
    let report = model.report();
    let classes = model_flags::classes_json(model.classes());
    let features = json_list(source.feature_names().iter().map(|f| format!("{f:?}")));
    if args.json {
        println!(
            "{{{}, \"features\": {}, \"fit_seconds\": {:e}, \"passes\": {}, \"peak_memory_mb\": {}}}",
            model_flags::fit_fields(&args.model.solver, &model, &classes),
            features,
            fit_seconds,
            passes,
            peak.map_or("null".to_string(), |p| format!("{p:.1}"))
        );
    } else {
        println!("files: {}   features: {features}", source.files().len());
        println!("classes: {classes}");
        println!(
            "solver: {} ({:?} after {} iterations, {passes} passes over the data)",
            args.model.solver, report.termination, report.iterations
        );
        println!("coefficients:\n{:.6}", model.coef());
        println!("intercepts: {:.6}", model.intercept());
        println!("fit time: {fit_seconds:.4} s");
        if let Some(peak) = peak {
            println!("memory: {peak:.0} MiB peak during the fit");
        }
    }
    Ok(())
}

/// Decodes the chosen columns of every row group with the parquet crate
/// alone (Arrow record batches, nothing converted), as many row groups at
/// once as the fit loads, and prints the seconds and the peak memory.
#[cfg(feature = "parquet")]
fn decode_only(source: &logreg::chunked::ParquetSource, json: bool) -> Result<(), String> {
    use parquet::arrow::ProjectionMask;
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    use rayon::prelude::*;
    let target = source.target_column().to_string();
    let mut columns: Vec<String> = source.feature_columns().to_vec();
    columns.push(target);
    columns.extend(source.weight_column_name().map(str::to_string));
    let groups: Vec<(std::path::PathBuf, usize)> = source
        .files()
        .iter()
        .flat_map(|file| {
            let n = std::fs::File::open(file)
                .ok()
                .and_then(|h| ParquetRecordBatchReaderBuilder::try_new(h).ok())
                .map_or(0, |b| b.metadata().num_row_groups());
            (0..n).map(move |g| (file.clone(), g))
        })
        .collect();
    let decode = |(file, group): &(std::path::PathBuf, usize)| -> Result<usize, String> {
        let handle = std::fs::File::open(file).map_err(|e| e.to_string())?;
        let builder =
            ParquetRecordBatchReaderBuilder::try_new(handle).map_err(|e| e.to_string())?;
        let schema = builder.schema().clone();
        let indices: Vec<usize> = columns
            .iter()
            .map(|c| schema.index_of(c).map_err(|e| e.to_string()))
            .collect::<Result<_, _>>()?;
        let rows = builder.metadata().row_group(*group).num_rows().max(1) as usize;
        let mask = ProjectionMask::roots(builder.parquet_schema(), indices);
        let reader = builder
            .with_row_groups(vec![*group])
            .with_projection(mask)
            .with_batch_size(rows)
            .build()
            .map_err(|e| e.to_string())?;
        reader
            .map(|batch| batch.map(|b| b.num_rows()).map_err(|e| e.to_string()))
            .sum()
    };
    let peak_reset = memory::reset_peak();
    let started = Instant::now();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(logreg::chunked::ChunkSource::<f64>::max_in_flight(source))
        .build()
        .map_err(|e| e.to_string())?;
    let rows: usize = pool.install(|| {
        groups
            .par_iter()
            .map(decode)
            .collect::<Result<Vec<usize>, String>>()
            .map(|r| r.iter().sum())
    })?;
    let seconds = started.elapsed().as_secs_f64();
    let peak = memory::memory_mb("VmHWM:").filter(|_| peak_reset);
    let peak = peak.map_or("null".to_string(), |p| format!("{p:.1}"));
    if json {
        println!(
            "{{\"decode_seconds\": {seconds:e}, \"rows\": {rows}, \"row_groups\": {}, \"peak_memory_mb\": {peak}}}",
            groups.len()
        );
    } else {
        println!(
            "decoded {rows} rows in {} row groups: {seconds:.3} s, peak {peak} MiB",
            groups.len()
        );
    }
    Ok(())
}

#[cfg(not(feature = "parquet"))]
#[allow(clippy::extra_unused_type_parameters)] // the same signature as with the feature
fn run_parquet<F: Float>(_: &Args, _: &str) -> Result<(), String> {
    Err(
        "--parquet needs the parquet feature: cargo run --release --features parquet --example fit"
            .into(),
    )
}
