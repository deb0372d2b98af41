//! Numerically stable kernels: the only place where sigmoid, softplus,
//! log-sum-exp, softmax and cross-entropy are computed.
//!
//! Scalar kernels are finite and accurate for every finite input (including
//! ±`f64::MAX`). The fused passes sweep the rows of X once, in cache-sized
//! chunks that run in parallel, and sum the chunk results in a fixed order so
//! that the answer does not depend on the number of threads.

mod binary;
mod chunks;
mod products;
mod scalar;
mod softmax;

pub use scalar::{
    binary_cross_entropy, log_sigmoid, log_softmax_inplace, logsumexp, multinomial_cross_entropy,
    sigmoid, softmax_inplace, softplus,
};

pub(crate) use binary::{
    BinaryData, binary_hessian_gram, binary_hessian_weights, binary_loss_grad,
    binary_loss_grad_sums, sigmoid_pairs,
};
pub(crate) use chunks::{chunk_rows, gram_chunk_rows, map_row_chunks, map_row_chunks_into};
pub(crate) use products::{GRAM_LANES, scores, weighted_gram};
pub(crate) use scalar::{binary_terms, sigmoid_pair};
pub(crate) use softmax::{
    MultinomialData, multinomial_loss_grad, multinomial_loss_grad_sums, multinomial_probabilities,
};
