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
    chunk_from_arrow_into(features, label, weight, location, Vec::new())
}

/// [`chunk_from_arrow`] writing the rows into `buffer` (its length does not
/// matter; its capacity is reused when large enough).
pub(super) fn chunk_from_arrow_into<'a, F: Float>(
    features: &[(&str, &ArrayRef)],
    label: (&str, &ArrayRef),
    weight: Option<(&str, &ArrayRef)>,
    location: &str,
    buffer: Vec<F>,
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
    let x = Array2::from_shape_vec((rows, d), rows_from_columns(&blocks, rows, d, buffer))
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
/// size for a fixed-size list), and the widths add up to `d`.
///
/// A transposition in tiles of rows whose output (tile rows × d) stays in
/// cache, filled a few plain columns at a time: each row of the tile gets
/// up to [`COLUMN_GROUP`] neighbouring values (about one cache line) from
/// as many sequential column streams. Writing one column at a time down
/// the whole output touched a new cache line per value and took most of a
/// pass's time on wide row groups; one column at a time down 64-row tiles
/// still read 100 columns as 100 short streams.
///
/// The rows go into `x`, whose contents are overwritten (a recycled array:
/// resized without clearing, so an array of the right length is not
/// zeroed again).
fn rows_from_columns<F: Float>(
    blocks: &[(&[f64], usize)],
    rows: usize,
    d: usize,
    mut x: Vec<F>,
) -> Vec<F> {
    const TILE_ROWS: usize = 512;
    x.resize(rows * d, F::zero());
    if d == 0 {
        return x;
    }
    let blocks: Vec<(&[f64], usize)> = blocks.iter().copied().filter(|b| b.1 > 0).collect();
    for (tile, out) in x.chunks_mut(TILE_ROWS * d).enumerate() {
        let (start, tile_rows) = (tile * TILE_ROWS, out.len() / d);
        let (mut b, mut offset) = (0, 0);
        while b < blocks.len() {
            let plain = blocks[b..]
                .iter()
                .take(COLUMN_GROUP)
                .take_while(|block| block.1 == 1)
                .count();
            if plain > 0 {
                let mut columns: [&[f64]; COLUMN_GROUP] = [&[]; COLUMN_GROUP];
                for (column, block) in columns.iter_mut().zip(&blocks[b..b + plain]) {
                    *column = &block.0[start..start + tile_rows];
                }
                let columns = &columns[..plain];
                for (i, row) in out.chunks_exact_mut(d).enumerate() {
                    for (cell, column) in row[offset..offset + plain].iter_mut().zip(columns) {
                        *cell = F::from_f64_lossy(column[i]);
                    }
                }
                (b, offset) = (b + plain, offset + plain);
            } else {
                let (values, width) = blocks[b];
                let values = &values[start * width..(start + tile_rows) * width];
                for (row, from) in out.chunks_exact_mut(d).zip(values.chunks_exact(width)) {
                    for (cell, &v) in row[offset..offset + width].iter_mut().zip(from) {
                        *cell = F::from_f64_lossy(v);
                    }
                }
                (b, offset) = (b + 1, offset + width);
            }
        }
    }
    x
}

/// Plain columns that [`rows_from_columns`] copies into each row at once.
const COLUMN_GROUP: usize = 8;

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_become_rows_in_any_grouping() {
        // 1,100 rows (two full tiles and a partial one) of 11 plain
        // columns, a list of width 3 among them and an empty list, written
        // into a recycled array that is longer and full of stale values:
        // every cell equals a plain row-by-row copy.
        let rows = 1_100;
        let column = |j: usize| -> Vec<f64> { (0..rows).map(|i| (i * 100 + j) as f64).collect() };
        let plain: Vec<Vec<f64>> = (0..11).map(column).collect();
        let list: Vec<f64> = (0..rows * 3).map(|v| -(v as f64)).collect();
        let mut blocks: Vec<(&[f64], usize)> = plain[..9].iter().map(|c| (&c[..], 1)).collect();
        blocks.push((&list, 3));
        blocks.push((&[], 0));
        blocks.extend(plain[9..].iter().map(|c| (&c[..], 1)));
        let d = 14;
        let mut expected = Vec::new();
        for i in 0..rows {
            expected.extend(plain[..9].iter().map(|c| c[i]));
            expected.extend(&list[i * 3..i * 3 + 3]);
            expected.extend(plain[9..].iter().map(|c| c[i]));
        }
        let stale = vec![f64::NAN; rows * d + 77];
        assert_eq!(rows_from_columns::<f64>(&blocks, rows, d, stale), expected);
        assert_eq!(
            rows_from_columns::<f64>(&blocks, rows, d, Vec::new()),
            expected
        );
    }
}
