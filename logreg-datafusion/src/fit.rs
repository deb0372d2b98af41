//! Fitting a registered table: the first-pass query, then one
//! partial-sums query per evaluation of the objective, driven by the
//! crate's own solvers.

use crate::error::{Error, Result};
use crate::udaf::{FIRST_PASS, PARTIAL_SUMS, functions};
use crate::wire::{Reduced, Request};
use datafusion::arrow::array::AsArray;
use datafusion::arrow::datatypes::DataType;
use datafusion::execution::FunctionRegistry;
use datafusion::prelude::{Expr, SessionContext, ident, lit};
use datafusion::scalar::ScalarValue;
use logreg::chunked::{ChunkProblem, FirstPass, ParquetLabel, PartialSums, PartialSumsEngine};
use logreg::{FittedLogisticRegression, LogisticRegression};
use ndarray::ArrayView1;
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Registers `logreg_first_pass` and `logreg_partial_sums` in `ctx` (the
/// fits register them in their own copy of the context). A Ballista scheduler and its
/// executors need them too: run `logreg-scheduler` and `logreg-executor`.
pub fn register_functions(ctx: &SessionContext) {
    for f in functions() {
        ctx.register_udaf(f);
    }
}

/// `ctx` with its tables and settings but with the partitions' contents
/// fixed at planning: no work stealing between file scans (an idle
/// partition would read files planned for a sibling) and no round-robin
/// repartitioning (it deals batches in the order they arrive). Either
/// would change the partitions' partial sums, and the coefficients' last
/// bits, from run to run.
fn deterministic(ctx: &SessionContext) -> SessionContext {
    // A copy of the state shares the catalogs (the registered tables) and
    // leaves the caller's context as it was.
    let mut state = ctx.state();
    let options = state.config_mut().options_mut();
    options.execution.enable_file_stream_work_stealing = false;
    options.optimizer.enable_round_robin_repartition = false;
    SessionContext::new_with_state(state)
}

/// A fitted model and what the engine did.
#[derive(Debug, Clone)]
pub struct TableFit {
    /// The model, its classes as read from the label column.
    pub model: FittedLogisticRegression<f64, ParquetLabel>,
    /// The feature columns, in the order of the coefficients.
    pub features: Vec<String>,
    /// Aggregate queries run: the first pass and one per evaluation of
    /// the objective.
    pub queries: usize,
    /// Partitions whose partials the last query merged (those with rows).
    pub partitions: usize,
    /// Process ids of the workers that computed partials, over all
    /// queries: this process's alone in process, the executors' on a
    /// Ballista cluster.
    pub executors: Vec<u32>,
}

/// A fit of a table's columns: the label column, optionally a weight
/// column and the feature columns (by default every other numeric column).
///
/// ```
/// # #[tokio::main(flavor = "multi_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use datafusion::prelude::SessionContext;
/// use logreg::LogisticRegression;
/// use logreg_datafusion::TableFitter;
/// let ctx = SessionContext::new();
/// ctx.sql("CREATE TABLE t (x DOUBLE, w DOUBLE, y INT) AS VALUES \
///          (0.0, 1.0, 0), (1.0, 2.0, 0), (2.0, 1.0, 1), (3.0, 1.0, 0), (4.0, 1.0, 1), (5.0, 2.0, 1)")
///     .await?;
/// let fit = TableFitter::new("y")
///     .weight_column("w")
///     .fit(&ctx, "t", &LogisticRegression::new().tol(1e-10))
///     .await?;
/// assert_eq!(fit.features, ["x"]);
/// assert!(fit.model.report().converged());
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct TableFitter {
    label: String,
    weight: Option<String>,
    features: Option<Vec<String>>,
    query_timeout: Option<Duration>,
}

/// Fits `settings` to `table` with `label` the label column and every
/// other numeric column a feature: [`TableFitter::new`]`(label).fit(…)`.
///
/// # Errors
/// As [`TableFitter::fit`].
pub async fn fit_table(
    ctx: &SessionContext,
    table: &str,
    label: &str,
    settings: &LogisticRegression<f64>,
) -> Result<TableFit> {
    TableFitter::new(label).fit(ctx, table, settings).await
}

impl TableFitter {
    /// A fit with `label` the label column (integers, booleans or
    /// strings).
    pub fn new(label: &str) -> Self {
        Self {
            label: label.to_string(),
            weight: None,
            features: None,
            query_timeout: None,
        }
    }

    /// Reads sample weights from column `name` (numeric, ≥ 0).
    pub fn weight_column(mut self, name: &str) -> Self {
        self.weight = Some(name.to_string());
        self
    }

    /// Uses these feature columns, in this order.
    pub fn features(mut self, names: &[&str]) -> Self {
        self.features = Some(names.iter().map(|s| s.to_string()).collect());
        self
    }

    /// Gives up on a query that runs longer than `limit` (none by
    /// default): a lost executor whose tasks the cluster cannot rerun then
    /// ends the fit with [`Error::Timeout`] instead of a wait.
    pub fn query_timeout(mut self, limit: Duration) -> Self {
        self.query_timeout = Some(limit);
        self
    }

    /// Fits `settings` to the table registered as `table` in `ctx`: a
    /// local `SessionContext` (the partitions run in parallel in this
    /// process) or a Ballista one (`SessionContext::remote`), whose
    /// executors compute the partial sums. Every solver and setting of
    /// [`LogisticRegression::fit_chunks`] applies; the coefficients are
    /// those of the in-memory fit to rounding, and the same bits on every
    /// run over the same data and partitioning. The model's feature names
    /// are the feature columns'.
    ///
    /// Needs a multi-threaded Tokio runtime (the solver runs on a blocking
    /// thread and waits for each query).
    ///
    /// # Errors
    /// [`Error::Column`] for a missing column or one of the wrong type;
    /// [`Error::Fit`] for what the fit refuses (no rows, one class, bad
    /// settings, bad data met in this process); [`Error::Engine`] for the
    /// engine's failures (bad data met by a remote worker arrives as its
    /// message); [`Error::Timeout`].
    pub async fn fit(
        &self,
        ctx: &SessionContext,
        table: &str,
        settings: &LogisticRegression<f64>,
    ) -> Result<TableFit> {
        let ctx = &deterministic(ctx);
        register_functions(ctx);
        let features = self.columns(ctx, table).await?;
        let mut columns = vec![ident(&self.label)];
        columns.extend(self.weight.iter().map(ident));
        columns.extend(features.iter().map(ident));
        let engine = Arc::new(QueryEngine {
            ctx: ctx.clone(),
            table: table.to_string(),
            columns,
            weighted: self.weight.is_some(),
            timeout: self.query_timeout,
            handle: tokio::runtime::Handle::current(),
            log: Mutex::default(),
            failure: Mutex::default(),
        });
        let request = Request::FirstPass {
            weighted: engine.weighted,
        };
        let reduced = engine.query(FIRST_PASS, request.to_bytes()).await?;
        if reduced.merged.is_empty() {
            return Err(logreg::Error::EmptyData.into());
        }
        let first = FirstPass::from_bytes(&reduced.merged, ParquetLabel::from_bytes)?;
        // The model speaks in the table's column names.
        let settings = settings.clone().feature_names(&features);
        let solver_engine = Arc::clone(&engine);
        let fitted = tokio::task::spawn_blocking(move || {
            settings.fit_partial_sums(first, solver_engine.as_ref())
        })
        .await
        .map_err(|e| Error::Result(format!("the solver's thread failed: {e}")))?;
        let failure = engine.failure.lock().ok().and_then(|mut f| f.take());
        let (model, _) = match (fitted, failure) {
            (_, Some(engine_error)) => return Err(engine_error),
            (fitted, None) => fitted?,
        };
        let log = engine
            .log
            .lock()
            .map_err(|_| Error::Result("a poisoned log".into()))?;
        Ok(TableFit {
            model,
            features,
            queries: log.queries,
            partitions: log.partitions,
            executors: log.pids.iter().copied().collect(),
        })
    }

    /// Checks the columns against the table's schema; the features, chosen
    /// or by default.
    async fn columns(&self, ctx: &SessionContext, table: &str) -> Result<Vec<String>> {
        let frame = ctx.table(table).await?;
        let schema = frame.schema();
        let fail = |column: &str, problem: String| Error::Column {
            table: table.to_string(),
            column: column.to_string(),
            problem,
        };
        let type_of = |column: &str, what: &str| {
            schema
                .field_with_unqualified_name(column)
                .map(|f| f.data_type().clone())
                .map_err(|_| fail(column, format!("no such column (the {what})")))
        };
        let label = type_of(&self.label, "label column")?;
        if !(label.is_integer()
            || matches!(
                label,
                DataType::Boolean | DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View
            ))
        {
            return Err(fail(
                &self.label,
                format!("a label column of type {label}: use integers, booleans or strings"),
            ));
        }
        let numeric = |t: &DataType| t.is_integer() || t.is_floating();
        for (name, what) in self.weight.iter().map(|w| (w, "weight column")).chain(
            self.features
                .iter()
                .flatten()
                .map(|f| (f, "feature column")),
        ) {
            let t = type_of(name, what)?;
            if !numeric(&t) {
                return Err(fail(
                    name,
                    format!("a {what} of type {t}: use integers or floats"),
                ));
            }
        }
        Ok(match &self.features {
            Some(chosen) => chosen.clone(),
            None => schema
                .fields()
                .iter()
                .filter(|f| f.name() != &self.label && Some(f.name()) != self.weight.as_ref())
                .filter(|f| numeric(f.data_type()))
                .map(|f| f.name().clone())
                .collect(),
        })
    }
}

#[derive(Debug, Default)]
struct QueryLog {
    queries: usize,
    partitions: usize,
    pids: BTreeSet<u32>,
}

/// The partial sums of a table, one aggregate query each.
struct QueryEngine {
    ctx: SessionContext,
    table: String,
    /// The label, weight and feature columns, in the functions' order.
    columns: Vec<Expr>,
    weighted: bool,
    timeout: Option<Duration>,
    handle: tokio::runtime::Handle,
    log: Mutex<QueryLog>,
    /// The engine's first error, returned instead of the solver's.
    failure: Mutex<Option<Error>>,
}

impl QueryEngine {
    /// Runs `function` with `request` over the table.
    async fn query(&self, function: &str, request: Vec<u8>) -> Result<Reduced> {
        let udaf = self.ctx.udaf(function)?;
        // Dictionary-encoded, so that the engine broadcasts one value per
        // batch instead of copying the request into every row.
        let request = ScalarValue::Dictionary(
            Box::new(DataType::Int32),
            Box::new(ScalarValue::Binary(Some(request))),
        );
        let mut args = vec![lit(request)];
        args.extend(self.columns.iter().cloned());
        let run = async {
            self.ctx
                .table(self.table.as_str())
                .await?
                .aggregate(vec![], vec![udaf.call(args).alias("partials")])?
                .collect()
                .await
        };
        let batches = match self.timeout {
            Some(limit) => {
                tokio::time::timeout(limit, run)
                    .await
                    .map_err(|_| Error::Timeout {
                        seconds: limit.as_secs_f64(),
                    })??
            }
            None => run.await?,
        };
        let rows: usize = batches.iter().map(|b| b.num_rows()).sum();
        let value = batches
            .iter()
            .find(|b| b.num_rows() > 0)
            .filter(|_| rows == 1 && batches.iter().all(|b| b.num_columns() == 1))
            .and_then(|b| {
                b.column(0)
                    .as_binary_opt::<i32>()
                    .map(|a| a.value(0).to_vec())
            })
            .ok_or_else(|| Error::Result(format!("{rows} rows where one binary value was due")))?;
        let reduced = Reduced::from_bytes(&value).map_err(|e| Error::Result(e.to_string()))?;
        if let Ok(mut log) = self.log.lock() {
            log.queries += 1;
            log.partitions = reduced.partials;
            log.pids.extend(&reduced.pids);
        }
        Ok(reduced)
    }

    fn sums_of(&self, request: &Request) -> Result<PartialSums> {
        let reduced = self
            .handle
            .block_on(self.query(PARTIAL_SUMS, request.to_bytes()))?;
        if reduced.merged.is_empty() {
            return Err(Error::Result(
                "no rows: did the table change during the fit?".into(),
            ));
        }
        Ok(PartialSums::from_bytes(&reduced.merged)?)
    }
}

impl PartialSumsEngine<f64, ParquetLabel> for QueryEngine {
    fn sums(
        &self,
        problem: &ChunkProblem<f64, ParquetLabel>,
        params: ArrayView1<'_, f64>,
        hessian: bool,
    ) -> logreg::Result<PartialSums> {
        let request = Request::Sums {
            weighted: self.weighted,
            hessian,
            problem: Box::new(problem.clone()),
            params: params.to_owned(),
        };
        self.sums_of(&request).map_err(|e| {
            let message = e.to_string();
            if let Ok(mut slot) = self.failure.lock() {
                slot.get_or_insert(e);
            }
            // The solver stops on this; `fit` returns the engine's own error.
            logreg::Error::InvalidParameter {
                name: "engine",
                value: message,
                requirement: "partial sums from every partition",
            }
        })
    }
}
