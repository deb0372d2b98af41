//! Fixed-size list feature columns in Parquet files (feature `parquet`):
//! one feature per list position, beside plain columns, against the
//! in-memory fit of the same values (the crate's own, which
//! tests/reference.rs checks against scikit-learn); and their typed errors.

use crate::common::parquet_files::{scratch, write};
use crate::common::synthetic::correlated_problem;
use arrow_array::builder::{FixedSizeListBuilder, Float32Builder, StringBuilder};
use arrow_array::{ArrayRef, Float64Array, Int32Array, Int64Array};
use logreg::chunked::{ChunkSource, ParquetSource};
use logreg::{Error, LogisticRegression};
use ndarray::{Array1, Array2};
use std::path::Path;
use std::sync::Arc;

/// Features 0..3 as a list column `emb` of f32, feature 3 as `x3` (f64),
/// feature 4 as `x4` (integers); labels 0/1 in `label`. Two files of
/// several row groups. Returns the in-memory values of the same rows, in
/// the source's feature order: emb[0], emb[1], emb[2], x3, x4.
fn write_set(dir: &Path, n: usize) -> (Array2<f64>, Array1<i64>) {
    let (x, y) = correlated_problem(n, 5, 2, 23);
    let mut values = Array2::zeros((n, 5));
    for i in 0..n {
        for j in 0..3 {
            values[(i, j)] = f64::from(x[(i, j)] as f32);
        }
        values[(i, 3)] = x[(i, 3)];
        values[(i, 4)] = (x[(i, 4)] * 10.0).round();
    }
    let labels: Array1<i64> = y.iter().map(|&c| c as i64).collect();
    let half = n / 2;
    for (f, rows) in [0..half, half..n].into_iter().enumerate() {
        let mut emb = FixedSizeListBuilder::new(Float32Builder::new(), 3);
        for i in rows.clone() {
            for j in 0..3 {
                emb.values().append_value(values[(i, j)] as f32);
            }
            emb.append(true);
        }
        let columns: Vec<(&str, ArrayRef)> = vec![
            ("emb", Arc::new(emb.finish())),
            (
                "x3",
                Arc::new(Float64Array::from_iter_values(
                    rows.clone().map(|i| values[(i, 3)]),
                )),
            ),
            (
                "label",
                Arc::new(Int64Array::from_iter_values(
                    rows.clone().map(|i| labels[i]),
                )),
            ),
            (
                "x4",
                Arc::new(Int32Array::from_iter_values(
                    rows.map(|i| values[(i, 4)] as i32),
                )),
            ),
        ];
        write(&dir.join(format!("part-{f}.parquet")), columns, 400);
    }
    (values, labels)
}

#[test]
fn list_positions_are_features_beside_plain_columns() {
    let dir = scratch("parquet_lists_fit");
    let (x, y) = write_set(&dir, 3_000);
    let source = ParquetSource::open(&dir, "label").expect("opens");
    assert_eq!(
        source.feature_names(),
        ["emb[0]", "emb[1]", "emb[2]", "x3", "x4"]
    );
    assert_eq!(source.feature_columns(), ["emb", "x3", "x4"]);
    assert_eq!(ChunkSource::<f64>::n_features(&source), 5);
    let settings = LogisticRegression::new()
        .solver(logreg::solver::Newton::new())
        .tol(1e-10);
    let chunked = settings.fit_chunks(&source).expect("fits");
    let in_memory = settings.fit(&x, &y).expect("fits");
    let scale = in_memory.coef().iter().fold(0.0_f64, |m, v| m.max(v.abs()));
    let gap = (&chunked.coef() - &in_memory.coef())
        .iter()
        .chain((&chunked.intercept() - &in_memory.intercept()).iter())
        .fold(0.0_f64, |m, v| m.max(v.abs()));
    assert!(
        gap <= 1e-10 * scale,
        "largest difference {gap:e}, scale {scale:e}"
    );
    // Chosen by name, a list column still gives one feature per position.
    let chosen = ParquetSource::open(&dir, "label")
        .and_then(|s| s.features(&["x4", "emb"]))
        .expect("opens");
    assert_eq!(chosen.feature_names(), ["x4", "emb[0]", "emb[1]", "emb[2]"]);
}

#[test]
fn list_columns_of_text_or_with_nulls_are_refused_by_name() {
    let dir = scratch("parquet_lists_errors");
    let mut tags = FixedSizeListBuilder::new(StringBuilder::new(), 2);
    let mut emb = FixedSizeListBuilder::new(Float32Builder::new(), 2);
    for i in 0..6 {
        tags.values().append_value("a");
        tags.values().append_value("b");
        tags.append(true);
        emb.values().append_value(i as f32);
        // Row 4's second position is null.
        if i == 4 {
            emb.values().append_null();
        } else {
            emb.values().append_value(1.0);
        }
        emb.append(true);
    }
    let columns: Vec<(&str, ArrayRef)> = vec![
        ("tags", Arc::new(tags.finish())),
        ("emb", Arc::new(emb.finish())),
        ("label", Arc::new(Int64Array::from(vec![0, 1, 0, 1, 0, 1]))),
    ];
    write(&dir.join("bad.parquet"), columns, 3);
    let source = ParquetSource::open(&dir, "label").expect("opens");
    // Text lists are no features: the default leaves them out.
    assert_eq!(source.feature_names(), ["emb[0]", "emb[1]"]);
    match source.clone().features(&["tags"]) {
        Err(Error::ChunkData {
            column, problem, ..
        }) => {
            assert_eq!(column, "tags");
            assert!(problem.contains("fixed-size list"), "{problem}");
        }
        other => panic!("expected a column error, got {other:?}"),
    }
    match LogisticRegression::<f64>::new().fit_chunks(&source) {
        Err(Error::ChunkData {
            location,
            column,
            problem,
        }) => {
            assert!(location.ends_with("bad.parquet, row group 1"), "{location}");
            assert_eq!(column, "emb");
            assert!(problem.contains("row 1, list position 1"), "{problem}");
        }
        other => panic!("expected a null error, got {other:?}"),
    }
}
