//! `logreg::metrics` on 1,000,000 rows (binary) and 300,000 rows (3
//! classes), the data of bench/metrics.py built by the same integer
//! formulas: prints each metric's value and its best time of 5 runs.
//! Compare with `python3 bench/metrics.py` (scikit-learn on the same arrays).
//!
//! `cargo bench --bench metrics`

use logreg::metrics::{accuracy, brier_score, log_loss, precision_recall_f1, roc_auc};
use ndarray::{Array1, Array2};
use std::hint::black_box;
use std::time::Instant;

/// A number in [0, 1) from an integer hash (the same in bench/metrics.py).
fn unit(i: u64, salt: u64) -> f64 {
    ((i * 2_654_435_761 + salt * 40_503) % 1_000_003) as f64 / 1_000_003.0
}

fn best_of_5<T>(mut f: impl FnMut() -> T) -> (T, f64) {
    let mut best = f64::INFINITY;
    let mut out = None;
    for _ in 0..5 {
        let start = Instant::now();
        out = Some(black_box(f()));
        best = best.min(start.elapsed().as_secs_f64());
    }
    (out.expect("ran"), best)
}

fn main() {
    let n = 1_000_000u64;
    let y: Array1<i64> = (0..n).map(|i| i64::from(unit(i, 1) < 0.4)).collect();
    // Probabilities rounded to 3 decimals (ties for ROC AUC), informative.
    let p1: Array1<f64> = (0..n)
        .map(|i| ((0.6 * unit(i, 2) + 0.4 * y[i as usize] as f64) * 1000.0).round() / 1000.0)
        .collect();
    let proba = Array2::from_shape_fn(
        (n as usize, 2),
        |(i, j)| if j == 0 { 1.0 - p1[i] } else { p1[i] },
    );
    let predicted = p1.mapv(|p| i64::from(p >= 0.5));
    let classes = [0, 1];
    let (v, t) = best_of_5(|| roc_auc(&y, &proba, &classes).expect("valid"));
    println!("roc_auc binary        n=1e6  {v:.15}  {:.1} ms", t * 1e3);
    let (v, t) = best_of_5(|| log_loss(&y, &proba, &classes).expect("valid"));
    println!("log_loss binary       n=1e6  {v:.15}  {:.1} ms", t * 1e3);
    let (v, t) = best_of_5(|| brier_score(&y, &proba, &classes).expect("valid"));
    println!("brier_score binary    n=1e6  {v:.15}  {:.1} ms", t * 1e3);
    let (v, t) = best_of_5(|| accuracy(&y, &predicted).expect("valid"));
    println!("accuracy              n=1e6  {v:.15}  {:.1} ms", t * 1e3);
    let (v, t) = best_of_5(|| precision_recall_f1(&y, &predicted, &classes).expect("valid"));
    println!(
        "precision_recall_f1   n=1e6  {:.15}  {:.1} ms",
        v.macro_average().f1,
        t * 1e3
    );

    let m = 300_000u64;
    let y3: Array1<i64> = (0..m).map(|i| (unit(i, 3) * 3.0) as i64).collect();
    let mut proba3 = Array2::from_shape_fn((m as usize, 3), |(i, j)| {
        unit(i as u64, 4 + j as u64) + if y3[i] == j as i64 { 0.3 } else { 0.0 }
    });
    for mut row in proba3.rows_mut() {
        let s = row.sum();
        row.mapv_inplace(|v| v / s);
    }
    let (v, t) = best_of_5(|| roc_auc(&y3, &proba3, &[0, 1, 2]).expect("valid"));
    println!("roc_auc ovr 3 classes n=3e5  {v:.15}  {:.1} ms", t * 1e3);
    let (v, t) = best_of_5(|| log_loss(&y3, &proba3, &[0, 1, 2]).expect("valid"));
    println!("log_loss 3 classes    n=3e5  {v:.15}  {:.1} ms", t * 1e3);
}
