//! Times an L1 regularization path against separate fits on the same grid,
//! from dense or CSR features, for bench/compare_l1.py.
//!
//! cargo run --release --example l1_path -- --data X.npy --target y.npy \
//!     --alphas A,B,… [--csr] [--separate] [--cv K] [--tol 1e-6]
//!
//! X.npy: float64, C order; or `--sparse P` for a CSR matrix saved as
//! P_data.npy (float64), P_indices.npy, P_indptr.npy and P_shape.npy (int64),
//! never densified. y.npy: int64. Prints one JSON line: fit_seconds (the
//! fits only, not reading or converting the data), and per α the objective
//! (mean log-loss + α‖w‖₁), the number of non-zero coefficients and the
//! solver's iterations; with `--cv K`, a K-fold `CrossValidation` over the
//! grid instead (and the refit at the best α), reporting that refit, the
//! best α and the mean held-out scores (accuracy).

use clap::Parser;
use logreg::{Alphas, CrossValidation, LogisticRegression, Penalty};
use ndarray::{Array1, Array2};
use ndarray_npy::read_npy;
use sprs::CsMat;
use std::process::ExitCode;
use std::time::Instant;

#[derive(Parser)]
struct Args {
    /// Features as .npy (float64, C order).
    #[arg(long, required_unless_present = "sparse")]
    data: Option<String>,
    /// Features as CSR: PREFIX_data.npy, _indices.npy, _indptr.npy, _shape.npy.
    #[arg(long)]
    sparse: Option<String>,
    /// K-fold cross-validation over the grid instead of a path.
    #[arg(long)]
    cv: Option<usize>,
    /// Labels as .npy (int64).
    #[arg(long)]
    target: String,
    /// The α grid, comma-separated.
    #[arg(long)]
    alphas: String,
    /// Fit from CSR (the dense array converted before timing).
    #[arg(long)]
    csr: bool,
    /// Fit each α from scratch instead of along a path.
    #[arg(long)]
    separate: bool,
    /// Tolerance on the largest minimum-norm subgradient.
    #[arg(long, default_value_t = 1e-6)]
    tol: f64,
}

/// Objective, non-zeros and iterations of one fit.
type Summary = (f64, usize, usize);

/// The fit seconds, one summary per fit, and for `--cv` the JSON fields of
/// the best α and the mean held-out scores.
fn run(args: &Args) -> Result<(f64, Vec<Summary>, String), String> {
    let y: Array1<i64> = read_npy(&args.target).map_err(|e| format!("{}: {e}", args.target))?;
    let alphas: Vec<f64> = args
        .alphas
        .split(',')
        .map(|a| a.trim().parse::<f64>().map_err(|e| format!("{a}: {e}")))
        .collect::<Result<_, _>>()?;
    let (x, csr) = match (&args.data, &args.sparse) {
        (_, Some(prefix)) => {
            let part = |name: &str| format!("{prefix}_{name}.npy");
            let read_index = |name: &str| -> Result<Vec<usize>, String> {
                let v: Array1<i64> =
                    read_npy(part(name)).map_err(|e| format!("{}: {e}", part(name)))?;
                Ok(v.iter().map(|&i| i as usize).collect())
            };
            let data: Array1<f64> =
                read_npy(part("data")).map_err(|e| format!("{}: {e}", part("data")))?;
            let shape = read_index("shape")?;
            let matrix = CsMat::try_new(
                (shape[0], shape[1]),
                read_index("indptr")?,
                read_index("indices")?,
                data.to_vec(),
            )
            .map_err(|e| format!("{prefix}: {}", e.3))?;
            (Array2::zeros((0, 0)), Some(matrix))
        }
        (Some(path), None) => {
            let x: Array2<f64> = read_npy(path).map_err(|e| format!("{path}: {e}"))?;
            let csr = args.csr.then(|| CsMat::csr_from_dense(x.view(), 0.0));
            (x, csr)
        }
        (None, None) => return Err("give --data or --sparse".into()),
    };
    let lasso = LogisticRegression::new()
        .penalty(Penalty::L1)
        .tol(args.tol)
        .max_iter(100_000);
    let summary = |m: &logreg::FittedLogisticRegression<f64, i64>| {
        let nonzero = m.coef().iter().filter(|w| w.abs() > 0.0).count();
        (m.report().objective, nonzero, m.report().iterations)
    };
    let start = Instant::now();
    let mut cv_fields = String::new();
    let fits: Vec<Summary> = if let Some(k) = args.cv {
        let cv = CrossValidation::new(lasso)
            .alphas(Alphas::Given(alphas.clone()))
            .folds(k);
        let fitted = match &csr {
            Some(x) => cv.fit_csr(x, &y),
            None => cv.fit(&x, &y),
        }
        .map_err(|e| e.to_string())?;
        let scores: Vec<String> = fitted
            .mean_scores()
            .iter()
            .map(|s| format!("{s:e}"))
            .collect();
        cv_fields = format!(
            ", \"best_alpha\": {:e}, \"mean_scores\": [{}]",
            fitted.best_alpha(),
            scores.join(", ")
        );
        vec![summary(fitted.model())]
    } else if args.separate {
        let mut out = Vec::new();
        for &alpha in &alphas {
            let settings = lasso.clone().alpha(alpha);
            let model = match &csr {
                Some(x) => settings.fit_csr(x, &y),
                None => settings.fit(&x, &y),
            }
            .map_err(|e| e.to_string())?;
            out.push(summary(&model));
        }
        out
    } else {
        let grid = Alphas::Given(alphas.clone());
        let path = match &csr {
            Some(x) => lasso.path_csr(x, &y, &grid),
            None => lasso.path(&x, &y, &grid),
        }
        .map_err(|e| e.to_string())?;
        path.models().iter().map(summary).collect()
    };
    Ok((start.elapsed().as_secs_f64(), fits, cv_fields))
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok((seconds, fits, cv_fields)) => {
            let list =
                |f: &dyn Fn(&Summary) -> String| fits.iter().map(f).collect::<Vec<_>>().join(", ");
            println!(
                "{{\"fit_seconds\": {seconds:e}, \"objective\": [{}], \"n_nonzero\": [{}], \"iterations\": [{}]{cv_fields}}}",
                list(&|s| format!("{:e}", s.0)),
                list(&|s| s.1.to_string()),
                list(&|s| s.2.to_string()),
            );
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
