//! A wide sparse fit: 100,000 rows × 100,000 features at 0.1% density
//! (10⁷ non-zeros, 160 MB as CSR; 80 GB if it were dense), with L2
//! (L-BFGS) and L1 (FISTA), as text-like data would be fitted.
//!
//! ```text
//! cargo run --release --example sparse [-- N D DENSITY]
//! /usr/bin/time -v target/release/examples/sparse     # peak memory
//! ```

#[path = "common/memory.rs"]
mod memory;
use logreg::sprs::TriMat;
use logreg::{LogisticRegression, Penalty};
use ndarray::Array1;
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize, default: f64| args.get(i).and_then(|a| a.parse().ok()).unwrap_or(default);
    let (n, d, density) = (arg(0, 1e5) as usize, arg(1, 1e5) as usize, arg(2, 1e-3));
    let started = Instant::now();
    // Each row: one entry in the 10 signal columns (which set the label)
    // and d·density entries anywhere.
    let mut rng = StdRng::seed_from_u64(0);
    let per_row = ((d as f64 * density).round() as usize).max(1);
    let mut triplets = TriMat::with_capacity((n, d), n * (per_row + 1));
    let mut y = Array1::<u8>::zeros(n);
    for i in 0..n {
        let signal = rng.random_range(0..10);
        let v: f64 = rng.random_range(-2.0..2.0);
        triplets.add_triplet(i, signal, v);
        let mut score = if signal % 2 == 0 { v } else { -v };
        for _ in 0..per_row {
            let j = rng.random_range(0..d);
            let v: f64 = rng.random_range(-1.0..1.0);
            triplets.add_triplet(i, j, v);
            if j < 10 {
                score += if j % 2 == 0 { v } else { -v };
            }
        }
        y[i] = u8::from(score + rng.random_range(-0.5..0.5) > 0.0);
    }
    let x = triplets.to_csr::<usize>();
    drop(triplets);
    // Measure the fits' own peak: reset the kernel's high-water mark (Linux).
    let peak_reset = memory::reset_peak();
    let rss_before = memory::memory_mb("VmRSS:");
    let bytes = x.nnz() * (8 + 8) + (n + 1) * 8;
    println!(
        "{n} × {d}, {} non-zeros ({:.2}%), CSR {:.0} MB (dense: {:.0} GB); built in {:.1} s",
        x.nnz(),
        100.0 * x.nnz() as f64 / (n as f64 * d as f64),
        bytes as f64 / 1e6,
        (n * d * 8) as f64 / 1e9,
        started.elapsed().as_secs_f64()
    );
    for (name, settings) in [
        (
            "L2, C = 1 (L-BFGS)",
            LogisticRegression::new().tol(1e-6).max_iter(1000),
        ),
        (
            "L1, C = 0.1 (FISTA)",
            LogisticRegression::new()
                .penalty(Penalty::L1)
                .c(0.1)
                .tol(1e-6)
                .max_iter(10_000),
        ),
    ] {
        let started = Instant::now();
        let model = settings.fit_csr(&x, &y)?;
        let seconds = started.elapsed().as_secs_f64();
        let predicted = model.predict_csr(&x)?;
        let accuracy = predicted.iter().zip(&y).filter(|(p, t)| p == t).count() as f64 / n as f64;
        let nonzero = model.coef().iter().filter(|&&w| w != 0.0).count();
        let report = model.report();
        println!(
            "{name}: {:?} after {} iterations in {seconds:.2} s; {nonzero} non-zero coefficients; training accuracy {accuracy:.4}",
            report.termination, report.iterations
        );
    }
    if peak_reset {
        println!(
            "memory: {:.0} MB resident after building X; peak during the fits {:.0} MB",
            rss_before.unwrap_or(f64::NAN),
            memory::memory_mb("VmHWM:").unwrap_or(f64::NAN)
        );
    }
    Ok(())
}
