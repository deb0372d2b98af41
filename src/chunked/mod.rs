//! Exact fits over chunks of rows: partial sums, a first pass, and an
//! objective over a [`ChunkSource`] that the crate's solvers minimize.
//!
//! The objective, its gradient and its Hessian are sums over rows. A chunk
//! of rows gives [`PartialSums`] at the current parameters; partial sums
//! are merged in chunk order (never in the order workers finish) and the
//! merged sums give the objective the solvers see. Partial sums have a
//! versioned little-endian byte encoding ([`PartialSums::to_bytes`]), so
//! they can cross processes.
//!
//! - `source`: the [`ChunkSource`] trait and [`MemoryChunks`];
//! - `features`: a chunk's [`Features`], dense or CSR rows
//!   ([`CsrFeatures`]) whose partial sums the sparse objective computes
//!   without densifying them;
//! - `partial`: [`PartialSums`] and their merge;
//! - `encoding`: the byte encoding;
//! - `engine`: [`PartialSumsEngine`], sums computed elsewhere (an engine's
//!   workers), and the objective over one;
//! - `first_pass`: classes, counts, weights and moments, mergeable
//!   ([`FirstPass`], Chan et al.'s pairwise update);
//! - `problem`: [`ChunkProblem`], what a chunk's partial sums need (classes,
//!   weights, standardization, the run);
//! - `hessian`: the Hessian's sums of dense rows, in the in-memory row blocks;
//! - `objective`: [`ChunkedObjective`], an [`Objective`](crate::objective::Objective)
//!   over a source;
//! - `passes`: reading a source with a pipeline of workers, folding in order;
//! - `wire`: byte encodings of a [`FirstPass`] and a [`ChunkProblem`], for
//!   workers in other processes;
//! - `arrow_chunk` (feature `parquet`): Arrow columns as a chunk, and
//!   `ParquetLabel`;
//! - `parquet` (feature `parquet`): `ParquetSource`, one chunk per row group.
//!
//! [`LogisticRegression::fit_chunks`](crate::LogisticRegression::fit_chunks)
//! fits from a source. Chunks whose boundaries are the in-memory pass's
//! ([`in_memory_chunk_rows`]) give the in-memory fit's coefficients bit for
//! bit; other chunkings agree to rounding. CSR chunks give the in-memory
//! [`fit_csr`](crate::LogisticRegression::fit_csr)'s bits when their
//! boundaries are its passes' ([`in_memory_csr_chunk_rows`]); a source may
//! mix dense and CSR chunks.

#[cfg(feature = "parquet")]
mod arrow_chunk;
mod encoding;
mod engine;
mod features;
mod first_pass;
mod hessian;
mod objective;
#[cfg(feature = "parquet")]
mod parquet;
mod partial;
mod passes;
mod problem;
mod source;
mod wire;

#[cfg(feature = "parquet")]
pub use arrow_chunk::{ParquetLabel, chunk_from_arrow};
pub use engine::PartialSumsEngine;
pub use features::{CsrFeatures, Features};
pub use first_pass::{FirstPass, Moments};
pub use objective::ChunkedObjective;
#[cfg(feature = "parquet")]
pub use parquet::ParquetSource;
pub use partial::PartialSums;
pub use problem::{ChunkProblem, RunKind};
pub use source::{
    Chunk, ChunkSource, MemoryChunks, in_memory_chunk_rows, in_memory_csr_chunk_rows,
};

pub(crate) use engine::EngineObjective;
pub(crate) use objective::minibatch_refused;
pub(crate) use passes::{Passes, exact_preparation};
