//! The two aggregate functions the workers run: `logreg_first_pass` and
//! `logreg_partial_sums`.
//!
//! Both take the request literal (see [`Request`]), the label column, the
//! weight column if the request says so, then the feature columns in the
//! coefficients' order, and return a [`Reduced`] as bytes. Within a
//! partition, batches are merged in the order they arrive (a partition's
//! order is the scan's, fixed); across partitions, partials are merged in
//! the order of their bytes, whatever order they arrive in. So a query over
//! the same data returns the same bits every time, on any number of
//! executors.

use crate::wire::{Item, Reduced, Request, items_from_bytes, items_to_bytes};
use datafusion::arrow::array::{Array, ArrayRef, AsArray};
use datafusion::arrow::datatypes::{DataType, Field, FieldRef};
use datafusion::error::{DataFusionError, Result};
use datafusion::logical_expr::function::{AccumulatorArgs, StateFieldsArgs};
use datafusion::logical_expr::{
    Accumulator, AggregateUDF, AggregateUDFImpl, Signature, Volatility,
};
use datafusion::scalar::ScalarValue;
use logreg::chunked::{FirstPass, ParquetLabel, PartialSums, chunk_from_arrow};
use std::sync::Arc;

/// The name of the first-pass function.
pub const FIRST_PASS: &str = "logreg_first_pass";
/// The name of the partial-sums function.
pub const PARTIAL_SUMS: &str = "logreg_partial_sums";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    FirstPass,
    PartialSums,
}

/// One of the two functions (see the module's docs).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LogregAggregate {
    kind: Kind,
    signature: Signature,
}

impl LogregAggregate {
    fn new(kind: Kind) -> Self {
        Self {
            kind,
            signature: Signature::variadic_any(Volatility::Immutable),
        }
    }
}

/// Both functions, to register in a `SessionContext` (done by the fits),
/// a Ballista scheduler's session and every executor's function registry
/// (done by the `logreg-scheduler` and `logreg-executor` binaries).
pub fn functions() -> Vec<AggregateUDF> {
    [Kind::FirstPass, Kind::PartialSums]
        .into_iter()
        .map(|k| AggregateUDF::from(LogregAggregate::new(k)))
        .collect()
}

impl AggregateUDFImpl for LogregAggregate {
    fn name(&self) -> &str {
        match self.kind {
            Kind::FirstPass => FIRST_PASS,
            Kind::PartialSums => PARTIAL_SUMS,
        }
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, args: &[DataType]) -> Result<DataType> {
        if args.len() < 2 {
            return Err(DataFusionError::Plan(format!(
                "{} takes a request, a label column, [a weight column,] and feature columns",
                self.name()
            )));
        }
        Ok(DataType::Binary)
    }

    fn is_nullable(&self) -> bool {
        false
    }

    fn accumulator(&self, args: AccumulatorArgs) -> Result<Box<dyn Accumulator>> {
        Ok(Box::new(LogregAccumulator {
            kind: self.kind,
            columns: args.expr_fields.iter().map(|f| f.name().clone()).collect(),
            request: None,
            running: None,
            batches: 0,
            items: Vec::new(),
        }))
    }

    fn state_fields(&self, args: StateFieldsArgs) -> Result<Vec<FieldRef>> {
        Ok(vec![Arc::new(Field::new(
            format!("{}[partials]", args.name),
            DataType::Binary,
            true,
        ))])
    }
}

/// A partition's running partial, merged batch by batch.
#[derive(Debug)]
enum Running {
    FirstPass(FirstPass<ParquetLabel>),
    Sums(PartialSums),
}

impl Running {
    fn to_bytes(&self) -> Vec<u8> {
        match self {
            Running::FirstPass(p) => p.to_bytes(ParquetLabel::to_bytes),
            Running::Sums(s) => s.to_bytes(),
        }
    }
}

#[derive(Debug)]
struct LogregAccumulator {
    kind: Kind,
    /// The argument columns' names, for messages.
    columns: Vec<String>,
    request: Option<Request>,
    running: Option<Running>,
    batches: usize,
    /// Partials of other partitions (the final accumulator's inputs).
    items: Vec<Item>,
}

fn fit_error(e: logreg::Error) -> DataFusionError {
    DataFusionError::External(Box::new(e))
}

fn bad_request(what: impl std::fmt::Display) -> DataFusionError {
    DataFusionError::Execution(format!("logreg: {what}"))
}

/// The first value of the request argument (a binary literal, plain or
/// dictionary-encoded).
fn request_bytes(array: &ArrayRef) -> Result<Vec<u8>> {
    if array.is_empty() || array.is_null(0) {
        return Err(bad_request("the request argument is empty or null"));
    }
    let one = datafusion::arrow::compute::cast(&array.slice(0, 1), &DataType::Binary)
        .map_err(|_| bad_request("the request argument is not binary"))?;
    Ok(one.as_binary::<i32>().value(0).to_vec())
}

impl LogregAccumulator {
    fn request(&mut self, values: &[ArrayRef]) -> Result<&Request> {
        if self.request.is_none() {
            let bytes = request_bytes(&values[0])?;
            let request = Request::from_bytes(&bytes).map_err(bad_request)?;
            let expected = matches!(
                (self.kind, &request),
                (Kind::FirstPass, Request::FirstPass { .. })
                    | (Kind::PartialSums, Request::Sums { .. })
            );
            if !expected {
                return Err(bad_request("a request for the other function"));
            }
            self.request = Some(request);
        }
        self.request
            .as_ref()
            .ok_or_else(|| bad_request("no request"))
    }

    fn add(&mut self, next: Running) -> Result<()> {
        match (&mut self.running, next) {
            (None, next) => self.running = Some(next),
            (Some(Running::FirstPass(a)), Running::FirstPass(b)) => a.merge(&b),
            (Some(Running::Sums(a)), Running::Sums(b)) => a.merge(&b).map_err(fit_error)?,
            _ => return Err(bad_request("partials of two kinds")),
        }
        Ok(())
    }

    /// Every partial this accumulator holds, its own included.
    fn all_items(&mut self) -> Vec<Item> {
        let mut items = std::mem::take(&mut self.items);
        if let Some(running) = self.running.take() {
            items.push(Item {
                bytes: running.to_bytes(),
                pid: std::process::id(),
            });
        }
        items
    }
}

impl Accumulator for LogregAccumulator {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        if values.len() != self.columns.len() || values.len() < 2 {
            return Err(bad_request("arguments differ from the plan's"));
        }
        let rows = values[1].len();
        if rows == 0 {
            return Ok(());
        }
        let batch = self.batches;
        self.batches += 1;
        let request = self.request(values)?.clone();
        let first_feature = if request.weighted() { 3 } else { 2 };
        if values.len() < first_feature {
            return Err(bad_request("a weighted request without a weight column"));
        }
        let features: Vec<(&str, &ArrayRef)> = self.columns[first_feature..]
            .iter()
            .map(String::as_str)
            .zip(&values[first_feature..])
            .collect();
        let label = (self.columns[1].as_str(), &values[1]);
        let weight = request
            .weighted()
            .then(|| (self.columns[2].as_str(), &values[2]));
        let location = format!("process {}, batch {batch}", std::process::id());
        let chunk =
            chunk_from_arrow::<f64>(&features, label, weight, &location).map_err(fit_error)?;
        let next = match &request {
            Request::FirstPass { .. } => {
                Running::FirstPass(FirstPass::of_chunk(&chunk, batch).map_err(fit_error)?)
            }
            Request::Sums {
                hessian,
                problem,
                params,
                ..
            } => Running::Sums(
                problem
                    .partial(&chunk, params.view(), *hessian)
                    .map_err(fit_error)?,
            ),
        };
        self.add(next)
    }

    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        let items = self.all_items();
        Ok(vec![ScalarValue::Binary(Some(items_to_bytes(&items)))])
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> Result<()> {
        let Some(states) = states.first() else {
            return Err(bad_request("no state column"));
        };
        let states = datafusion::arrow::compute::cast(states, &DataType::Binary)?;
        for state in states.as_binary::<i32>().iter().flatten() {
            self.items
                .extend(items_from_bytes(state).map_err(bad_request)?);
        }
        Ok(())
    }

    fn evaluate(&mut self) -> Result<ScalarValue> {
        let items = self.all_items();
        let reduced = reduce(self.kind, items)?;
        Ok(ScalarValue::Binary(Some(reduced.to_bytes())))
    }

    fn size(&self) -> usize {
        std::mem::size_of_val(self)
            + self.items.iter().map(|i| i.bytes.len()).sum::<usize>()
            + self.running.as_ref().map_or(0, |r| match r {
                Running::FirstPass(p) => 64 * (p.n_features() + 1) * p.classes().len().max(1),
                Running::Sums(s) => 8 * (s.grad().len() + s.hessian().map_or(0, <[f64]>::len)),
            })
    }
}

/// Merges the partials in the order of their bytes.
fn reduce(kind: Kind, mut items: Vec<Item>) -> Result<Reduced> {
    items.sort();
    let mut pids: Vec<u32> = items.iter().map(|i| i.pid).collect();
    pids.sort_unstable();
    pids.dedup();
    let merged = match kind {
        Kind::FirstPass => {
            let mut merged: Option<FirstPass<ParquetLabel>> = None;
            for item in &items {
                let next = FirstPass::from_bytes(&item.bytes, ParquetLabel::from_bytes)
                    .map_err(fit_error)?;
                match &mut merged {
                    Some(m) => m.merge(&next),
                    None => merged = Some(next),
                }
            }
            merged.map(|m| m.to_bytes(ParquetLabel::to_bytes))
        }
        Kind::PartialSums => {
            let mut merged: Option<PartialSums> = None;
            for item in &items {
                let next = PartialSums::from_bytes(&item.bytes).map_err(fit_error)?;
                match &mut merged {
                    Some(m) => m.merge(&next).map_err(fit_error)?,
                    None => merged = Some(next),
                }
            }
            merged.map(|m| m.to_bytes())
        }
    };
    Ok(Reduced {
        merged: merged.unwrap_or_default(),
        partials: items.len(),
        pids,
    })
}
