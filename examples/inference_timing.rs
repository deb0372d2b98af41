//! Timings of the inference methods of issue 20 on synthetic clustered
//! data (seeded), for BENCHMARKS.md. Compare with
//! `bench/inference_statsmodels.py`, which times statsmodels on the same data
//! (written by this example to /tmp/logreg_inference_timing.csv).
//!
//! Run with `cargo run --release --example inference_timing`.

use logreg::{Covariance, LogisticRegression, Penalty};
use ndarray::{Array1, Array2};
use rand::{RngExt, SeedableRng, rngs::StdRng};
use std::error::Error;
use std::io::Write;
use std::time::Instant;

fn main() -> Result<(), Box<dyn Error>> {
    let (n, d, groups) = (100_000, 20, 200);
    let mut rng = StdRng::seed_from_u64(20);
    let effect: Vec<f64> = (0..groups).map(|_| rng.random_range(-1.0..1.0)).collect();
    let group: Vec<usize> = (0..n).map(|_| rng.random_range(0..groups)).collect();
    let x = Array2::from_shape_fn((n, d), |_| rng.random_range(-1.0..1.0));
    let y: Array1<i64> = (0..n)
        .map(|i| {
            let eta = -0.5 + x.row(i).iter().take(5).sum::<f64>() + effect[group[i]];
            i64::from(rng.random_range(0.0..1.0) < 1.0 / (1.0 + (-eta).exp()))
        })
        .collect();
    let mut file = std::fs::File::create("/tmp/logreg_inference_timing.csv")?;
    for i in 0..n {
        let row: Vec<String> = x.row(i).iter().map(|v| format!("{v:?}")).collect();
        writeln!(file, "{},{},{}", row.join(","), group[i], y[i])?;
    }
    let time = |what: &str, run: &mut dyn FnMut() -> Result<(), Box<dyn Error>>| {
        let start = Instant::now();
        let result = run();
        println!("{what:<44} {:>9.1} ms", start.elapsed().as_secs_f64() * 1e3);
        result
    };
    let model = LogisticRegression::new()
        .penalty(Penalty::None)
        .tol(1e-8)
        .fit(&x, &y)?;
    time("summary (nonrobust)", &mut || {
        model.summary(&x, &y).map(drop).map_err(Into::into)
    })?;
    time("summary_with(Hc0)", &mut || {
        model
            .summary_with(&x, &y, Covariance::Hc0)
            .map(drop)
            .map_err(Into::into)
    })?;
    time("summary_with(Cluster, 200 groups)", &mut || {
        model
            .summary_with(&x, &y, Covariance::Cluster(group.clone()))
            .map(drop)
            .map_err(Into::into)
    })?;
    let summary = model.summary(&x, &y)?;
    time("marginal_effects", &mut || {
        summary.marginal_effects(&x).map(drop).map_err(Into::into)
    })?;
    time("predict_interval (all rows)", &mut || {
        summary
            .predict_interval(&x, 0.95)
            .map(drop)
            .map_err(Into::into)
    })?;
    time("lr_p_values (21 refits)", &mut || {
        summary.lr_p_values().map(drop).map_err(Into::into)
    })?;
    time("profile_conf_int (42 bounds)", &mut || {
        summary.profile_conf_int(0.95).map(drop).map_err(Into::into)
    })?;
    time("fit Penalty::Firth (tol 1e-8)", &mut || {
        LogisticRegression::new()
            .penalty(Penalty::Firth)
            .tol(1e-8)
            .fit(&x, &y)
            .map(drop)
            .map_err(Into::into)
    })?;
    Ok(())
}
