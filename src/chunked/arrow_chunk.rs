//! Arrow columns as a [`Chunk`] (feature `parquet`): what [`ParquetSource`]
//! reads per row group, and what a query engine's workers (DataFusion)
//! read per record batch. Labels are [`ParquetLabel`]s.
//!
//! [`ParquetSource`]: super::ParquetSource

use super::source::Chunk;
use crate::{Error, Float, Result};
use arrow_array::{Array, ArrayRef, FixedSizeListArray, Float64Array, Int64Array, StringArray};
use arrow_schema::DataType;
use ndarray::{Array1, Array2};

/// A label read from Arrow data (Parquet files, DataFusion tables): an
/// integer column's value, or a string column's. Labels of one source are
/// all of one kind.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ParquetLabel {
    /// From an integer (or boolean) column.
    Int(i64),
    /// From a string column.
    Text(String),
}

impl std::fmt::Display for ParquetLabel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ParquetLabel::Int(v) => write!(f, "{v}"),
            ParquetLabel::Text(v) => write!(f, "{v}"),
        }
    }
}

impl ParquetLabel {
    /// The label as bytes, for [`FirstPass::to_bytes`](super::FirstPass::to_bytes)
    /// and [`ChunkProblem::to_bytes`](super::ChunkProblem::to_bytes): a tag
    /// byte (0 integer, 1 text), then the little-endian i64 or the UTF-8.
    ///
    /// ```
    /// use logreg::chunked::ParquetLabel;
    /// let label = ParquetLabel::Text("spam".into());
    /// assert_eq!(ParquetLabel::from_bytes(&label.to_bytes())?, label);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn to_bytes(&self) -> Vec<u8> {
        match self {
            ParquetLabel::Int(v) => std::iter::once(0).chain(v.to_le_bytes()).collect(),
            ParquetLabel::Text(t) => std::iter::once(1).chain(t.bytes()).collect(),
        }
    }

    /// The label [`to_bytes`](Self::to_bytes) wrote.
    ///
    /// # Errors
    /// [`Error::PartialSums`] for bytes that are no label.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let corrupt = || Error::PartialSums(crate::error::PartialSumsError::Corrupt("a label"));
        match bytes.split_first() {
            Some((0, rest)) => Ok(ParquetLabel::Int(i64::from_le_bytes(
                rest.try_into().map_err(|_| corrupt())?,
            ))),
            Some((1, rest)) => std::str::from_utf8(rest)
                .map(|t| ParquetLabel::Text(t.to_string()))
                .map_err(|_| corrupt()),
            _ => Err(corrupt()),
        }
    }
}

/// A numeric column type (integer or float): features and weights.
pub(super) fn is_number(t: &DataType) -> bool {
    t.is_integer() || t.is_floating()
}

/// A feature column type: a number, or a fixed-size list of numbers (one
/// feature per list position).
pub(super) fn is_feature(t: &DataType) -> bool {
    is_number(t) || list_width(t).is_some()
}

/// The size of a fixed-size list of numbers (`None` for other types).
pub(super) fn list_width(t: &DataType) -> Option<usize> {
    match t {
        DataType::FixedSizeList(item, size) if is_number(item.data_type()) => {
            usize::try_from(*size).ok()
        }
        _ => None,
    }
}

/// A label column type: integers, booleans or strings (never floats:
/// classes are compared exactly).
pub(super) fn is_label(t: &DataType) -> bool {
    t.is_integer()
        || matches!(
            t,
            DataType::Boolean | DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View
        )
}

/// One chunk from Arrow columns of equal length: `features` (name and
/// column, any integer or float type) in the coefficients' order, the
/// `label` column (integer, boolean or string) and an optional `weight`
/// column. `location` names the data in errors (a file and row group, a
/// partition and batch). The chunk owns its arrays (any lifetime).
///
/// ```
/// use arrow_array::{ArrayRef, Float32Array, Int32Array};
/// use logreg::chunked::{chunk_from_arrow, ParquetLabel};
/// use std::sync::Arc;
/// let x: ArrayRef = Arc::new(Float32Array::from(vec![0.5, 1.5]));
/// let y: ArrayRef = Arc::new(Int32Array::from(vec![0, 1]));
/// let chunk = chunk_from_arrow::<f64>(&[("x", &x)], ("y", &y), None, "batch 0")?;
/// assert_eq!(chunk.x[[1, 0]], 1.5);
/// assert_eq!(chunk.y[1], ParquetLabel::Int(1));
/// # Ok::<(), logreg::Error>(())
/// ```
///
/// # Errors
/// [`Error::ChunkData`] naming the location and column: a null (with its
/// row), a column of another type or length.
pub fn chunk_from_arrow<'a, F: Float>(
    features: &[(&str, &ArrayRef)],
    label: (&str, &ArrayRef),
    weight: Option<(&str, &ArrayRef)>,
    location: &str,
) -> Result<Chunk<'a, F, ParquetLabel>> {
    let fail = |column: &str, problem: &dyn std::fmt::Display| Error::ChunkData {
        location: location.to_string(),
        column: column.to_string(),
        problem: problem.to_string(),
    };
    let rows = label.1.len();
    let columns = features
        .iter()
        .map(|(name, column)| feature_values(column, name, rows, &fail))
        .collect::<Result<Vec<_>>>()?;
    let blocks: Vec<(&[f64], usize)> = columns
        .iter()
        .map(|(values, width)| (values.values().as_ref(), *width))
        .collect();
    let d = blocks.iter().map(|b| b.1).sum();
    let x = Array2::from_shape_vec((rows, d), rows_from_columns(&blocks, rows, d))
        .map_err(|e| fail("-", &e))?;
    let y = labels(label.1, label.0, &fail)?;
    let weight = weight
        .map(|(name, column)| {
            floats(column, name, rows, &fail)
                .map(|w| w.values().iter().map(|&v| F::from_f64_lossy(v)).collect())
        })
        .transpose()?
        .map(|w: Array1<F>| w.into());
    Ok(Chunk::new(x.into(), y.into(), weight))
}

/// The row-major `rows` × `d` values of column blocks: each block is
/// `width` values per row, row after row (1 for a plain column, the list
/// size for a fixed-size list), and the widths add up to `d`. A
/// transposition in tiles of rows whose output (tile rows × d) stays in
/// cache while every block fills its part. Writing one column at a time
/// down the whole output would touch a new cache line per value, once per
/// column, and took most of a pass's time on wide row groups.
fn rows_from_columns<F: Float>(blocks: &[(&[f64], usize)], rows: usize, d: usize) -> Vec<F> {
    const TILE_ROWS: usize = 64;
    let mut x = vec![F::zero(); rows * d];
    if d == 0 {
        return x;
    }
    for (tile, out) in x.chunks_mut(TILE_ROWS * d).enumerate() {
        let (start, tile_rows) = (tile * TILE_ROWS, out.len() / d);
        let mut offset = 0;
        for &(values, width) in blocks.iter().filter(|b| b.1 > 0) {
            let values = &values[start * width..(start + tile_rows) * width];
            for (row, from) in out.chunks_exact_mut(d).zip(values.chunks_exact(width)) {
                for (cell, &v) in row[offset..offset + width].iter_mut().zip(from) {
                    *cell = F::from_f64_lossy(v);
                }
            }
            offset += width;
        }
    }
    x
}

/// A feature column's values as f64, row after row, and how many values
/// each row has: 1 for a numeric column, the list size for a
/// `FixedSizeList` of numbers. Refuses nulls (of the lists or of their
/// values).
fn feature_values(
    array: &ArrayRef,
    name: &str,
    rows: usize,
    fail: Fail<'_>,
) -> Result<(Float64Array, usize)> {
    let Some(list) = array.as_any().downcast_ref::<FixedSizeListArray>() else {
        return Ok((floats(array, name, rows, fail)?, 1));
    };
    no_nulls(array, name, fail)?;
    if list.len() != rows {
        return Err(fail(
            name,
            &format!("{} lists where the label column has {rows}", list.len()),
        ));
    }
    let width = usize::try_from(list.value_length()).unwrap_or(0);
    let values = list.values();
    if values.len() < rows * width {
        return Err(fail(
            name,
            &format!("{} list values for {rows} lists of {width}", values.len()),
        ));
    }
    let values = values.slice(0, rows * width);
    let first_null = (values.null_count() > 0)
        .then(|| (0..values.len()).find(|&i| values.is_null(i)))
        .flatten();
    if let Some(i) = first_null {
        return Err(fail(
            name,
            &format!(
                "null at row {}, list position {}: drop or impute it",
                i / width,
                i % width
            ),
        ));
    }
    Ok((floats(&values, name, rows * width, fail)?, width))
}

type Fail<'a> = &'a dyn Fn(&str, &dyn std::fmt::Display) -> Error;

/// A numeric column of `rows` values as f64, refusing nulls (naming the
/// row).
fn floats(array: &ArrayRef, name: &str, rows: usize, fail: Fail<'_>) -> Result<Float64Array> {
    no_nulls(array, name, fail)?;
    if array.len() != rows {
        return Err(fail(
            name,
            &format!("{} values where the label column has {rows}", array.len()),
        ));
    }
    if !is_number(array.data_type()) {
        return Err(fail(
            name,
            &format!(
                "of type {}: needs an integer or float column",
                array.data_type()
            ),
        ));
    }
    let cast = arrow_cast::cast(array, &DataType::Float64).map_err(|e| fail(name, &e))?;
    cast.as_any()
        .downcast_ref::<Float64Array>()
        .cloned()
        .ok_or_else(|| fail(name, &"not numeric"))
}

fn no_nulls(array: &ArrayRef, name: &str, fail: Fail<'_>) -> Result<()> {
    if array.null_count() > 0 {
        let row = (0..array.len()).find(|&i| array.is_null(i)).unwrap_or(0);
        return Err(fail(name, &format!("null at row {row}: drop or impute it")));
    }
    Ok(())
}

/// A label column as labels, refusing nulls.
fn labels(array: &ArrayRef, name: &str, fail: Fail<'_>) -> Result<Vec<ParquetLabel>> {
    no_nulls(array, name, fail)?;
    let t = array.data_type();
    if !is_label(t) {
        return Err(fail(
            name,
            &format!("label column of type {t}: use integers or strings"),
        ));
    }
    if t.is_integer() || matches!(t, DataType::Boolean) {
        let cast = arrow_cast::cast(array, &DataType::Int64).map_err(|e| fail(name, &e))?;
        let ints = cast
            .as_any()
            .downcast_ref::<Int64Array>()
            .ok_or_else(|| fail(name, &"not an integer column"))?;
        Ok(ints
            .values()
            .iter()
            .map(|&v| ParquetLabel::Int(v))
            .collect())
    } else {
        let cast = arrow_cast::cast(array, &DataType::Utf8).map_err(|e| fail(name, &e))?;
        let text = cast
            .as_any()
            .downcast_ref::<StringArray>()
            .ok_or_else(|| fail(name, &"not a string column"))?;
        Ok(text
            .iter()
            .map(|v| ParquetLabel::Text(v.unwrap_or_default().to_string()))
            .collect())
    }
}
