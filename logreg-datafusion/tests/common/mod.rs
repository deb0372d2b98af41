//! Data for the tests: a seeded three-class problem with a weight column,
//! written as Parquet files by the tests themselves, and the in-memory
//! arrays to fit the same rows.

use datafusion::arrow::array::{
    ArrayRef, Float32Array, Float64Array, Int64Array, RecordBatch, StringArray,
};
use datafusion::parquet::arrow::ArrowWriter;
use datafusion::parquet::file::properties::WriterProperties;
use ndarray::{Array1, Array2};
use std::path::Path;
use std::sync::Arc;

/// SplitMix64: a seeded stream of uniform numbers, with no dependency.
pub struct Stream(u64);

impl Stream {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn uniform(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A standard normal (Box–Muller).
    pub fn normal(&mut self) -> f64 {
        let u = self.uniform().max(1e-300);
        let v = self.uniform();
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
}

/// Rows of features `x0..x{d-1}` (x1 stored as f32, to exercise the
/// casts), a three-class label `class` (0, 1, 2) drawn from a softmax, a
/// binary string label `flag` ("no", "yes") and a weight `w` in [0.5, 2).
pub struct Data {
    pub x: Array2<f64>,
    pub class: Array1<i64>,
    pub flag: Array1<String>,
    pub weight: Array1<f64>,
}

impl Data {
    pub fn new(n: usize, d: usize, seed: u64) -> Self {
        let mut s = Stream::new(seed);
        let mut x = Array2::zeros((n, d));
        let mut class = Array1::zeros(n);
        let mut flag = Array1::from_elem(n, String::new());
        let mut weight = Array1::zeros(n);
        for i in 0..n {
            for j in 0..d {
                let v = s.normal() * (1.0 + j as f64) + j as f64;
                // Column 1 is stored as f32: keep the value it will read back as.
                x[[i, j]] = if j == 1 { f64::from(v as f32) } else { v };
            }
            let score = |k: usize| -> f64 {
                (0..d)
                    .map(|j| x[[i, j]] * (((k + 2 * j) % 5) as f64 - 2.0) * 0.3 / (1.0 + j as f64))
                    .sum()
            };
            let z = [0.0, score(1), score(2)];
            let m = z.iter().cloned().fold(f64::MIN, f64::max);
            let e: Vec<f64> = z.iter().map(|v| (v - m).exp()).collect();
            let total: f64 = e.iter().sum();
            let u = s.uniform() * total;
            class[i] = if u < e[0] {
                0
            } else if u < e[0] + e[1] {
                1
            } else {
                2
            };
            let p = 1.0 / (1.0 + (-score(1)).exp());
            flag[i] = if s.uniform() < p { "yes" } else { "no" }.to_string();
            weight[i] = 0.5 + 1.5 * s.uniform();
        }
        Self {
            x,
            class,
            flag,
            weight,
        }
    }

    /// Writes the rows to `files` Parquet files in `dir`, each of
    /// `groups_per_file` row groups.
    pub fn write_parquet(&self, dir: &Path, files: usize, groups_per_file: usize) {
        std::fs::create_dir_all(dir).expect("the data directory");
        let n = self.x.nrows();
        let per_file = n.div_ceil(files);
        for f in 0..files {
            let rows = (f * per_file)..((f + 1) * per_file).min(n);
            let path = dir.join(format!("part-{f:03}.parquet"));
            let file = std::fs::File::create(&path).expect("a Parquet file");
            let props = WriterProperties::builder()
                .set_max_row_group_row_count(Some(rows.len().div_ceil(groups_per_file).max(1)))
                .build();
            let batch = self.batch(rows);
            let mut writer =
                ArrowWriter::try_new(file, batch.schema(), Some(props)).expect("a writer");
            writer.write(&batch).expect("rows written");
            writer.close().expect("the file closed");
        }
    }

    fn batch(&self, rows: std::ops::Range<usize>) -> RecordBatch {
        let mut columns: Vec<(String, ArrayRef)> = Vec::new();
        for j in 0..self.x.ncols() {
            let values = self.x.column(j).slice(ndarray::s![rows.clone()]).to_vec();
            let array: ArrayRef = if j == 1 {
                Arc::new(Float32Array::from(
                    values.iter().map(|&v| v as f32).collect::<Vec<_>>(),
                ))
            } else {
                Arc::new(Float64Array::from(values))
            };
            columns.push((format!("x{j}"), array));
        }
        columns.push((
            "class".into(),
            Arc::new(Int64Array::from(
                self.class.slice(ndarray::s![rows.clone()]).to_vec(),
            )),
        ));
        columns.push((
            "flag".into(),
            Arc::new(StringArray::from(
                self.flag.slice(ndarray::s![rows.clone()]).to_vec(),
            )),
        ));
        columns.push((
            "w".into(),
            Arc::new(Float64Array::from(
                self.weight.slice(ndarray::s![rows]).to_vec(),
            )),
        ));
        RecordBatch::try_from_iter(columns).expect("a record batch")
    }
}

/// The largest |a − b| / max(|b|, 1) over two arrays of one shape.
pub fn max_relative_gap(a: &Array2<f64>, b: &Array2<f64>) -> f64 {
    assert_eq!(a.shape(), b.shape());
    a.iter()
        .zip(b)
        .map(|(a, b)| (a - b).abs() / b.abs().max(1.0))
        .fold(0.0, f64::max)
}

/// Coefficients and intercepts side by side, for comparisons.
pub fn params<L: Clone + Ord>(model: &logreg::FittedLogisticRegression<f64, L>) -> Array2<f64> {
    let mut p = model.coef().to_owned();
    p.push_column(model.intercept().view())
        .expect("one intercept per row");
    p
}

/// A temporary directory removed on drop.
pub struct TempDir(pub std::path::PathBuf);

impl TempDir {
    pub fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("logreg-df-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("a temporary directory");
        Self(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
