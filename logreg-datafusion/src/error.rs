//! The errors of a fit over a table.

use datafusion::error::DataFusionError;

/// What can go wrong fitting a table.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The fit itself refused (bad settings, bad data found by a worker in
    /// this process, one class, no rows, …).
    #[error(transparent)]
    Fit(#[from] logreg::Error),
    /// A column is missing or of a type the fit cannot use.
    #[error("table {table:?}, column {column:?}: {problem}")]
    Column {
        /// The table.
        table: String,
        /// The column.
        column: String,
        /// What is wrong with it.
        problem: String,
    },
    /// The engine failed: a plan it could not run, a worker's error
    /// (bad data found in another process arrives as its message), a lost
    /// executor, a scheduler that is not reachable or lacks the functions
    /// (see [`register_functions`](crate::register_functions)).
    #[error("the engine failed: {0}")]
    Engine(#[source] DataFusionError),
    /// A query did not finish within the time allowed.
    #[error("a query ran longer than {seconds} s (query_timeout): is every executor alive?")]
    Timeout {
        /// The limit, in seconds.
        seconds: f64,
    },
    /// A query's result was not what the functions return (a worker of
    /// another version?).
    #[error("unexpected query result: {0}")]
    Result(String),
}

impl From<DataFusionError> for Error {
    /// A worker's [`logreg::Error`] raised in this process comes back as
    /// itself; everything else is the engine's.
    fn from(e: DataFusionError) -> Self {
        if let DataFusionError::External(inner) = e.find_root()
            && let Some(fit) = inner.downcast_ref::<logreg::Error>()
        {
            return Error::Fit(fit.clone());
        }
        Error::Engine(e)
    }
}

/// The crate's results.
pub type Result<T> = std::result::Result<T, Error>;
