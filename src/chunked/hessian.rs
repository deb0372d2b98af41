//! The Hessian's sums of dense rows, in the in-memory objectives' row
//! blocks.

use crate::Float;
use crate::kernels::{BinaryData, GRAM_LANES, binary_hessian_gram, gram_chunk_rows};
use crate::layout::Layout;
use crate::multiclass::binary_targets;
use crate::objective::SoftmaxHessianSums;
use ndarray::{Array2, ArrayView1, ArrayView2, s};

/// The Hessian's unscaled sums, added block of rows by block of rows, in
/// the in-memory objectives' blocks: [`rows_per_block`](Self::rows_per_block)
/// rows each, so blocks that start where the in-memory ones do give the
/// same bits.
pub(crate) enum HessianSums<F> {
    Binary {
        /// Block b's Gram is added to lane b mod [`GRAM_LANES`], as the
        /// in-memory Gram deals its chunks.
        lanes: Vec<Array2<F>>,
        blocks: usize,
        d: usize,
        fit_intercept: bool,
        positive: usize,
    },
    Softmax(SoftmaxHessianSums<F>),
}

impl<F: Float> HessianSums<F> {
    /// Empty sums for parameters of `layout`: a binary run's (class
    /// `positive` against the rest), or the softmax's (`None`).
    pub fn new(layout: Layout, positive: Option<usize>) -> Self {
        match positive {
            None => HessianSums::Softmax(SoftmaxHessianSums::new(layout)),
            Some(positive) => HessianSums::Binary {
                lanes: Vec::new(),
                blocks: 0,
                d: layout.n_features,
                fit_intercept: layout.fit_intercept,
                positive,
            },
        }
    }

    pub fn rows_per_block(&self) -> usize {
        match self {
            HessianSums::Binary {
                d, fit_intercept, ..
            } => gram_chunk_rows(d + usize::from(*fit_intercept)),
            HessianSums::Softmax(sums) => sums.rows_per_block(),
        }
    }

    pub fn add_block(
        &mut self,
        x: ArrayView2<'_, F>,
        class: &[usize],
        weight: ArrayView1<'_, F>,
        params: ArrayView1<'_, F>,
    ) {
        match self {
            HessianSums::Binary {
                lanes,
                blocks,
                d,
                fit_intercept,
                positive,
            } => {
                let (coef, intercept) = split_binary(params, *d, *fit_intercept);
                let y = binary_targets(class, *positive);
                let data = BinaryData {
                    x,
                    y: y.view(),
                    weight,
                };
                let part = binary_hessian_gram(data, coef, intercept, *fit_intercept);
                match lanes.get_mut(*blocks % GRAM_LANES) {
                    Some(lane) => *lane += &part,
                    // An in-memory lane starts as 0 + its first chunk's
                    // Gram, which is what `part` already is.
                    None => lanes.push(part),
                }
                *blocks += 1;
            }
            HessianSums::Softmax(sums) => {
                let layout = sums.layout();
                let (coef, intercept) = (layout.coef(params), layout.intercept(params));
                sums.add_block(x, weight, coef, intercept.view());
            }
        }
    }

    /// The sums times `scale`, without the penalty.
    pub fn finish(self, scale: F) -> Array2<F> {
        match self {
            HessianSums::Binary {
                lanes,
                d,
                fit_intercept,
                ..
            } => {
                let p = d + usize::from(fit_intercept);
                let mut total = Array2::zeros((p, p));
                for lane in &lanes {
                    total += lane;
                }
                total.mapv_inplace(|v| v * scale);
                total
            }
            HessianSums::Softmax(sums) => sums.finish(scale),
        }
    }
}

/// The coefficients and intercept of a binary run's parameters.
pub(super) fn split_binary<F: Float>(
    params: ArrayView1<'_, F>,
    d: usize,
    fit_intercept: bool,
) -> (ArrayView1<'_, F>, F) {
    let intercept = if fit_intercept { params[d] } else { F::zero() };
    (params.slice_move(s![..d]), intercept)
}
