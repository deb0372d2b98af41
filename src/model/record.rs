//! What a fit used, kept with the fitted model: the [`FitRecord`], and the
//! penalty [`Strength`] as it was set.

use crate::multiclass::{Runs, Strategy};
use crate::objective::Penalty;
use crate::solver::Solver;
use crate::validate::{check_alpha, check_positive};
use crate::weights::ClassWeight;
use crate::{Float, Result};
use std::sync::Arc;

/// How strong the penalty is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Strength<F> {
    /// scikit-learn's inverse strength C: α = 1 / (C · S).
    C(F),
    /// α directly.
    Alpha(F),
}

impl<F: Float> Strength<F> {
    /// The strength α of `penalty` for data whose weights sum to `weight_sum`.
    pub fn alpha(self, penalty: Penalty, weight_sum: F) -> F {
        match (penalty, self) {
            (Penalty::None | Penalty::Firth, _) => F::zero(),
            (_, Strength::Alpha(alpha)) => alpha,
            (_, Strength::C(c)) => (c * weight_sum).recip(),
        }
    }

    /// The strengths (L2, L1) of `penalty`'s two terms for data whose
    /// weights sum to `weight_sum`.
    pub fn split(self, penalty: Penalty, weight_sum: F) -> (F, F) {
        penalty.split(self.alpha(penalty, weight_sum))
    }

    /// C must be finite and > 0, α finite and ≥ 0.
    pub fn check(self) -> Result<()> {
        match self {
            Strength::C(c) => check_positive("C", c),
            Strength::Alpha(alpha) => check_alpha(alpha),
        }
    }
}

/// What a fit used, kept with the model so that every later method —
/// summaries, scores, `partial_fit`, warm starts, saving and loading — sees
/// the same settings and strengths as the fit did.
#[derive(Debug, Clone)]
pub(crate) struct FitRecord<F> {
    pub fit_intercept: bool,
    /// Applied again to the data of summaries, scores and `partial_fit`.
    pub class_weight: ClassWeight<F>,
    /// The penalty and its strength as set, for `partial_fit`'s chunks.
    pub penalty: Penalty,
    pub strength: Strength<F>,
    /// The L2 and L1 strengths the fit used: inference rebuilds the same
    /// objective from them.
    pub alpha: F,
    pub l1: F,
    /// Whether the penalty applied to standardized features.
    pub standardized: bool,
    /// Names of the feature columns, when given.
    pub feature_names: Option<Vec<String>>,
    /// The tolerance a fit had to reach, when `require_convergence` was set
    /// (`partial_fit` then reports a failed pass as an error).
    pub required_tol: Option<F>,
    /// The solver, kept only when it is a minibatch one (`partial_fit`).
    pub solver: Option<Arc<dyn Solver<F>>>,
}

impl<F: Float> FitRecord<F> {
    /// The strengths (L2, L1) for data whose weights sum to `weight_sum`.
    pub fn strengths_for(&self, weight_sum: F) -> (F, F) {
        self.strength.split(self.penalty, weight_sum)
    }

    /// The solver runs of a model of this record.
    pub fn runs(&self, strategy: Strategy, n_classes: usize, n_features: usize) -> Runs {
        Runs::new(strategy, n_classes, n_features, self.fit_intercept)
    }
}
