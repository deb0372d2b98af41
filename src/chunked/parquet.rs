//! Parquet files or directories as a [`ChunkSource`]: one chunk per row
//! group, read with the `arrow` and `parquet` crates (feature `parquet`).

use super::arrow_chunk::{
    ParquetLabel, chunk_from_arrow_into, is_feature, is_label, is_number, list_width,
};
use super::features::Features;
use super::source::{Chunk, ChunkSource};
use crate::{Error, Float, Result};
use arrow_array::ArrayRef;
use arrow_schema::{DataType, SchemaRef};
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use std::any::Any;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

/// Parquet files as chunks of rows: a file, or every `*.parquet` file of a
/// directory (sorted by name), one chunk per row group. Feature columns of
/// any integer or float type (or fixed-size lists of them, one feature per
/// list position, named `column[i]`), a label column (integer or string)
/// and an optional weight column, chosen by name; every file must have the
/// same schema. Row groups load in parallel, at most
/// [`max_in_flight`](Self::max_in_flight) at once.
///
/// ```no_run
/// use logreg::chunked::ParquetSource;
/// use logreg::LogisticRegression;
/// let source = ParquetSource::open("data/", "label")?
///     .weight_column("w")?
///     .features(&["age", "income"])?;
/// let model = LogisticRegression::<f64>::new().fit_chunks(&source)?;
/// println!("{:?}", model.coef());
/// # Ok::<(), logreg::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct ParquetSource {
    files: Vec<PathBuf>,
    groups: Vec<(usize, usize)>,
    schema: SchemaRef,
    target: String,
    weight: Option<String>,
    features: Vec<String>,
    /// One name per feature: the column, or `column[i]` for list columns.
    names: Vec<String>,
    chosen: bool,
    in_flight: usize,
    spare: Spare,
}

/// Row arrays of chunks that passes are done with, for later chunks to
/// reuse ([`ChunkSource::recycle`]): at most one per chunk in flight. A
/// clone starts with none.
#[derive(Default)]
struct Spare(Mutex<Vec<Box<dyn Any + Send>>>);

impl Spare {
    /// A spare array of `F` values (any length), or a new empty one.
    fn take<F: Float>(&self) -> Vec<F> {
        let mut spare = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        while let Some(values) = spare.pop() {
            if let Ok(values) = values.downcast::<Vec<F>>() {
                return *values;
            }
        }
        Vec::new()
    }

    /// Keeps `values` for a later chunk, unless `limit` arrays are kept.
    fn keep<F: Float>(&self, values: Vec<F>, limit: usize) {
        let mut spare = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if spare.len() < limit {
            spare.push(Box::new(values));
        }
    }
}

impl Clone for Spare {
    fn clone(&self) -> Self {
        Self::default()
    }
}

impl std::fmt::Debug for Spare {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kept = self.0.lock().map_or(0, |spare| spare.len());
        write!(f, "Spare({kept} arrays)")
    }
}

fn file_error(file: &Path, column: &str, problem: impl std::fmt::Display) -> Error {
    Error::ChunkData {
        location: file.display().to_string(),
        column: column.to_string(),
        problem: problem.to_string(),
    }
}

impl ParquetSource {
    /// Opens a Parquet file, or every `*.parquet` file of a directory,
    /// with `target` the label column; the features are every other
    /// numeric column until [`features`](Self::features) chooses.
    ///
    /// # Errors
    /// [`Error::ChunkData`] naming the file: unreadable, not Parquet, no
    /// files, schemas that differ, a missing label column or one that is
    /// neither integer nor string.
    pub fn open(path: impl AsRef<Path>, target: &str) -> Result<Self> {
        let path = path.as_ref();
        let files = if path.is_dir() {
            let entries = std::fs::read_dir(path).map_err(|e| file_error(path, "-", e))?;
            let mut files: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "parquet"))
                .collect();
            files.sort();
            files
        } else {
            vec![path.to_path_buf()]
        };
        if files.is_empty() {
            return Err(file_error(path, "-", "no *.parquet files in the directory"));
        }
        let mut schema: Option<SchemaRef> = None;
        let mut groups = Vec::new();
        for (f, file) in files.iter().enumerate() {
            let builder = File::open(file)
                .map_err(|e| file_error(file, "-", e))
                .and_then(|h| {
                    ParquetRecordBatchReaderBuilder::try_new(h)
                        .map_err(|e| file_error(file, "-", e))
                })?;
            let this = builder.schema().clone();
            match &schema {
                None => schema = Some(this),
                Some(first) if first.fields() != this.fields() => {
                    return Err(file_error(
                        file,
                        "-",
                        format!(
                            "the schema differs from {}'s: every file needs the same columns and types",
                            files[0].display()
                        ),
                    ));
                }
                Some(_) => {}
            }
            groups.extend((0..builder.metadata().num_row_groups()).map(|g| (f, g)));
        }
        let schema = schema.ok_or_else(|| file_error(path, "-", "no schema"))?;
        let label = schema
            .field_with_name(target)
            .map_err(|_| file_error(&files[0], target, "no such column (the label column)"))?;
        let t = label.data_type();
        if !is_label(t) {
            return Err(file_error(
                &files[0],
                target,
                format!("label column of type {t}: use integers or strings"),
            ));
        }
        let mut source = Self {
            files,
            groups,
            schema,
            target: target.to_string(),
            weight: None,
            features: Vec::new(),
            names: Vec::new(),
            chosen: false,
            in_flight: rayon::current_num_threads(),
            spare: Spare::default(),
        };
        source.default_features();
        Ok(source)
    }

    fn default_features(&mut self) {
        if !self.chosen {
            self.features = self
                .schema
                .fields()
                .iter()
                .filter(|f| f.name() != &self.target && Some(f.name()) != self.weight.as_ref())
                .filter(|f| is_feature(f.data_type()))
                .map(|f| f.name().clone())
                .collect();
        }
        self.names = self
            .features
            .iter()
            .flat_map(|column| {
                let width = self
                    .schema
                    .field_with_name(column)
                    .ok()
                    .and_then(|f| list_width(f.data_type()));
                match width {
                    Some(k) => (0..k).map(|i| format!("{column}[{i}]")).collect(),
                    None => vec![column.clone()],
                }
            })
            .collect();
    }

    /// Checks that column `name` exists and has a type `accept` takes.
    fn check_type(&self, name: &str, what: &str, accept: fn(&DataType) -> bool) -> Result<()> {
        let field = self
            .schema
            .field_with_name(name)
            .map_err(|_| file_error(&self.files[0], name, format!("no such column (a {what})")))?;
        if !accept(field.data_type()) {
            return Err(file_error(
                &self.files[0],
                name,
                format!(
                    "a {what} of type {}: needs an integer or float column{}",
                    field.data_type(),
                    if what.starts_with("feature") {
                        " (or a fixed-size list of them)"
                    } else {
                        ""
                    }
                ),
            ));
        }
        Ok(())
    }

    /// Reads sample weights from column `name` (numeric, ≥ 0).
    ///
    /// # Errors
    /// [`Error::ChunkData`]: a missing or non-numeric column.
    pub fn weight_column(mut self, name: &str) -> Result<Self> {
        self.check_type(name, "weight column", is_number)?;
        self.weight = Some(name.to_string());
        self.default_features();
        Ok(self)
    }

    /// Uses the given feature columns, in this order.
    ///
    /// # Errors
    /// [`Error::ChunkData`]: a missing or non-numeric column.
    pub fn features(mut self, names: &[&str]) -> Result<Self> {
        for name in names {
            self.check_type(name, "feature column", is_feature)?;
        }
        self.features = names.iter().map(|s| s.to_string()).collect();
        self.chosen = true;
        self.default_features();
        Ok(self)
    }

    /// Loads at most `n` row groups at once (≥ 1; the rayon threads by default).
    pub fn max_in_flight(mut self, n: usize) -> Self {
        self.in_flight = n.max(1);
        self
    }

    /// One name per feature, in the order of the model's coefficients: the
    /// column's name, or `column[i]` for position i of a list column.
    pub fn feature_names(&self) -> &[String] {
        &self.names
    }

    /// The feature columns read (a list column once).
    pub fn feature_columns(&self) -> &[String] {
        &self.features
    }

    /// The label column.
    pub fn target_column(&self) -> &str {
        &self.target
    }

    /// The sample-weight column, if one was chosen.
    pub fn weight_column_name(&self) -> Option<&str> {
        self.weight.as_deref()
    }

    /// The files read, in order.
    pub fn files(&self) -> &[PathBuf] {
        &self.files
    }

    /// Reads one row group's chosen columns.
    fn read<F: Float>(&self, index: usize) -> Result<Chunk<'_, F, ParquetLabel>> {
        let (f, g) = self.groups[index];
        let file = &self.files[f];
        let location = self.location_of(index);
        let fail = |column: &str, e: &dyn std::fmt::Display| Error::ChunkData {
            location: location.clone(),
            column: column.to_string(),
            problem: e.to_string(),
        };
        let handle = File::open(file).map_err(|e| fail("-", &e))?;
        let builder =
            ParquetRecordBatchReaderBuilder::try_new(handle).map_err(|e| fail("-", &e))?;
        let rows = builder.metadata().row_group(g).num_rows().max(0) as usize;
        let mut names: Vec<&String> = self.features.iter().collect();
        names.push(&self.target);
        if let Some(w) = &self.weight {
            names.push(w);
        }
        let indices: Vec<usize> = names
            .iter()
            .map(|n| self.schema.index_of(n).map_err(|e| fail(n, &e)))
            .collect::<Result<_>>()?;
        let mask = ProjectionMask::roots(builder.parquet_schema(), indices);
        let reader = builder
            .with_row_groups(vec![g])
            .with_projection(mask)
            .with_batch_size(rows.max(1))
            .build()
            .map_err(|e| fail("-", &e))?;
        let features: Vec<&str> = self.features.iter().map(String::as_str).collect();
        let mut parts = Vec::new();
        for batch in reader {
            let batch = batch.map_err(|e| fail("-", &e))?;
            let column = |name: &str| -> Result<&ArrayRef> {
                batch
                    .column_by_name(name)
                    .ok_or_else(|| fail(name, &"missing from the batch"))
            };
            let feature_columns = features
                .iter()
                .map(|&name| Ok((name, column(name)?)))
                .collect::<Result<Vec<_>>>()?;
            let weight = match &self.weight {
                Some(name) => Some((name.as_str(), column(name)?)),
                None => None,
            };
            let buffer = if parts.is_empty() {
                self.spare.take()
            } else {
                Vec::new()
            };
            parts.push(chunk_from_arrow_into(
                &feature_columns,
                (&self.target, column(&self.target)?),
                weight,
                &location,
                buffer,
            )?);
        }
        let read: usize = parts.iter().map(Chunk::n_rows).sum();
        if read != rows {
            return Err(fail(
                "-",
                &format!("{read} rows read, the metadata says {rows}"),
            ));
        }
        concatenate(parts).map_err(|e| fail("-", &e))
    }

    fn location_of(&self, index: usize) -> String {
        let (f, g) = self.groups[index];
        format!("{}, row group {g}", self.files[f].display())
    }
}

/// The batches of one row group as one chunk (a row group normally reads
/// as one batch, which is moved, not copied).
fn concatenate<'a, F: Float>(
    mut parts: Vec<Chunk<'a, F, ParquetLabel>>,
) -> std::result::Result<Chunk<'a, F, ParquetLabel>, ndarray::ShapeError> {
    if parts.len() == 1 {
        return Ok(parts.remove(0));
    }
    let views: Vec<_> = parts.iter().map(|p| p.x.view()).collect();
    let x = ndarray::concatenate(ndarray::Axis(0), &views)?;
    let y: Vec<ParquetLabel> = parts.iter().flat_map(|p| p.y.iter().cloned()).collect();
    let weight = parts.iter().all(|p| p.sample_weight.is_some()).then(|| {
        parts
            .iter()
            .flat_map(|p| p.sample_weight.iter().flat_map(|w| w.iter().copied()))
            .collect::<ndarray::Array1<F>>()
            .into()
    });
    Ok(Chunk::new(x.into(), y.into(), weight))
}

impl<F: Float> ChunkSource<F> for ParquetSource {
    type Label = ParquetLabel;

    fn n_chunks(&self) -> usize {
        self.groups.len()
    }

    fn n_features(&self) -> usize {
        self.names.len()
    }

    fn chunk(&self, index: usize) -> Result<Chunk<'_, F, ParquetLabel>> {
        if index >= self.groups.len() {
            return Err(Error::invalid(
                "chunk index",
                index,
                "must be below n_chunks()",
            ));
        }
        self.read(index)
    }

    fn location(&self, index: usize) -> String {
        self.location_of(index)
    }

    fn feature_name(&self, j: usize) -> String {
        self.names
            .get(j)
            .cloned()
            .unwrap_or_else(|| format!("feature {j}"))
    }

    fn max_in_flight(&self) -> usize {
        self.in_flight
    }

    /// Keeps the chunk's rows for the next row group read: a row group's
    /// rows (100 MB at 125,000 × 100 f64) otherwise land in freshly mapped
    /// memory on every pass, whose page faults and zeroing cost more than
    /// filling them. The source holds at most
    /// [`max_in_flight`](ChunkSource::max_in_flight) such arrays until it
    /// is dropped (the memory a pass holds anyway).
    fn recycle(&self, chunk: Chunk<'_, F, ParquetLabel>) {
        if let Features::Dense(x) = chunk.x
            && !x.is_view()
        {
            let (values, offset) = x.into_owned().into_raw_vec_and_offset();
            if offset.unwrap_or(0) == 0 {
                self.spare.keep(values, self.in_flight);
            }
        }
    }
}
