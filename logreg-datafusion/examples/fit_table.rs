//! Fits a Parquet file or directory with DataFusion, in this process or on
//! a Ballista cluster:
//!
//! ```text
//! cargo run --release -p logreg-datafusion --example fit_table -- \
//!     --parquet PATH --target-column NAME [--ballista df://HOST:PORT] [--json]
//! ```
//!
//! It takes the `fit` example's Parquet and model flags (`--weight-column`,
//! `--features a,b,c`, `--c`, `--alpha`, `--penalty`, `--solver`,
//! `--multiclass`, `--tol`, `--max-iter`, `--standardize`) and prints the
//! `fit` example's JSON plus `queries` (aggregate queries run),
//! `partitions` (merged by the last one) and `executors` (the process ids
//! that computed partial sums). On a cluster the path must be readable by
//! every executor.

#[path = "../../examples/common/model_flags.rs"]
mod model_flags;

use ballista::prelude::{SessionConfigExt, SessionContextExt};
use clap::Parser;
use datafusion::execution::SessionStateBuilder;
use datafusion::prelude::{ParquetReadOptions, SessionConfig, SessionContext};
use logreg_datafusion::TableFitter;
use model_flags::{ModelFlags, classes_json, fit_fields, json_list};
use std::process::ExitCode;
use std::time::{Duration, Instant};

#[derive(Parser, Debug)]
#[command(about = "Fit a logistic regression to a Parquet table with DataFusion or Ballista")]
struct Args {
    /// A Parquet file or a directory of them.
    #[arg(long)]
    parquet: String,
    /// The label column (integers, booleans or strings).
    #[arg(long)]
    target_column: String,
    /// The sample-weight column.
    #[arg(long)]
    weight_column: Option<String>,
    /// The feature columns (default: every other numeric column).
    #[arg(long, value_delimiter = ',')]
    features: Option<Vec<String>>,
    /// A Ballista scheduler, e.g. df://127.0.0.1:50050 (default: in process).
    #[arg(long)]
    ballista: Option<String>,
    /// Partitions of the scan (default: the cores here, 16 on a cluster).
    #[arg(long)]
    partitions: Option<usize>,
    /// Give up on a query after this many seconds.
    #[arg(long)]
    query_timeout: Option<f64>,
    #[command(flatten)]
    model: ModelFlags,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: &Args) -> Result<(), String> {
    let ctx = match &args.ballista {
        Some(url) => {
            let config = SessionConfig::new_with_ballista()
                .with_target_partitions(args.partitions.unwrap_or(16));
            let state = SessionStateBuilder::new()
                .with_default_features()
                .with_config(config)
                .build();
            SessionContext::remote_with_state(url, state)
                .await
                .map_err(|e| format!("Ballista at {url}: {e}"))?
        }
        None => match args.partitions {
            Some(n) => {
                SessionContext::new_with_config(SessionConfig::new().with_target_partitions(n))
            }
            None => SessionContext::new(),
        },
    };
    ctx.register_parquet("data", &args.parquet, ParquetReadOptions::default())
        .await
        .map_err(|e| format!("{}: {e}", args.parquet))?;
    let mut fitter = TableFitter::new(&args.target_column);
    if let Some(w) = &args.weight_column {
        fitter = fitter.weight_column(w);
    }
    if let Some(features) = &args.features {
        let names: Vec<&str> = features.iter().map(String::as_str).collect();
        fitter = fitter.features(&names);
    }
    if let Some(seconds) = args.query_timeout {
        let limit =
            Duration::try_from_secs_f64(seconds).map_err(|e| format!("--query-timeout: {e}"))?;
        fitter = fitter.query_timeout(limit);
    }
    let settings = args.model.settings::<f64>()?;
    let started = Instant::now();
    let fit = fitter
        .fit(&ctx, "data", &settings)
        .await
        .map_err(|e| e.to_string())?;
    let fit_seconds = started.elapsed().as_secs_f64();
    model_flags::warn_unless_converged(&fit.model);
    let classes = classes_json(fit.model.classes());
    let features = json_list(fit.features.iter().map(|f| format!("{f:?}")));
    if args.json {
        println!(
            "{{{}, \"features\": {features}, \"fit_seconds\": {fit_seconds:e}, \"queries\": {}, \"partitions\": {}, \"executors\": {}}}",
            fit_fields(&args.model.solver, &fit.model, &classes),
            fit.queries,
            fit.partitions,
            json_list(&fit.executors),
        );
    } else {
        let report = fit.model.report();
        let engine = args.ballista.as_deref().unwrap_or("DataFusion in process");
        println!("engine: {engine}   features: {features}   classes: {classes}");
        println!(
            "solver: {} ({:?} after {} iterations, {} queries over {} partitions on {} process(es))",
            args.model.solver,
            report.termination,
            report.iterations,
            fit.queries,
            fit.partitions,
            fit.executors.len()
        );
        println!("coefficients:\n{:.6}", fit.model.coef());
        println!("intercepts: {:.6}", fit.model.intercept());
        println!("fit time: {fit_seconds:.4} s");
    }
    Ok(())
}
