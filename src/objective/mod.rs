//! Objectives: the penalized, weighted mean cross-entropy that solvers minimize.
//!
//! minimize over w, b:   (1/S) · Σᵢ sᵢ · ℓ(yᵢ, xᵢ·w + b)  +  (α/2) · ‖w‖²
//!
//! with S = Σ sᵢ; the intercept b is never penalized. The parameter vector is
//! one flat array: coefficients first (class-major for [`Multinomial`]: k×d),
//! then the intercepts (1 or k) when the model fits them.

mod at_zero;
mod binary;
mod counted;
pub(crate) mod firth;
pub(crate) mod held;
mod multinomial;
mod penalty;
mod rows;
pub(crate) mod sparse;

pub use binary::BinaryLogistic;
pub use multinomial::Multinomial;
pub use penalty::Penalty;
pub use rows::{Row, RowAccess};

use crate::Float;
pub(crate) use at_zero::{ClassSums, ZeroRun};
pub(crate) use counted::{Counted, Known};
pub(crate) use multinomial::{SoftmaxHessianSums, softmax_redundant_params};
use ndarray::{Array1, Array2, ArrayView1, ArrayViewMut1};
pub(crate) use penalty::{add_l2, add_l2_hessian, l1_value, scaled_with_l2};

/// A smooth objective a [`Solver`](crate::solver::Solver) can minimize.
///
/// Object safe: solvers take `&dyn Objective<F>`, so a user crate can also hand
/// its own objective to the crate's solvers.
///
/// # Panics
/// The methods are the solvers' inner loop and do not re-check shapes:
/// `params`, `v`, `grad` and `out` must have [`n_params`](Self::n_params)
/// entries and `rows` must index rows of the data, or the crate's objectives
/// panic (as ndarray does on mismatched shapes). The solvers check their
/// start point, and `LogisticRegression` everything else, before calling them.
///
/// ```
/// use logreg::objective::Objective;
/// use logreg::solver::{Newton, NoObserver, Solver, StopRule};
/// use ndarray::{array, Array1, Array2, ArrayView1, ArrayViewMut1};
/// // f(p) = ½‖p − c‖²: a bowl centred on c.
/// struct Bowl(Array1<f64>);
/// impl Objective<f64> for Bowl {
///     fn n_params(&self) -> usize {
///         self.0.len()
///     }
///     fn n_samples(&self) -> usize {
///         1
///     }
///     fn value_grad(&self, p: ArrayView1<'_, f64>, mut grad: ArrayViewMut1<'_, f64>) -> f64 {
///         let diff = &p - &self.0;
///         grad.assign(&diff);
///         0.5 * diff.dot(&diff)
///     }
///     fn hessian(&self, _: ArrayView1<'_, f64>) -> Array2<f64> {
///         Array2::eye(self.0.len())
///     }
///     fn value_grad_rows(
///         &self,
///         p: ArrayView1<'_, f64>,
///         _: &[usize],
///         grad: ArrayViewMut1<'_, f64>,
///     ) -> f64 {
///         self.value_grad(p, grad)
///     }
/// }
/// let bowl = Bowl(array![1.0, -2.0]);
/// let stop = StopRule::new(1e-12, 10)?;
/// let solution = Newton::new().minimize(&bowl, Array1::zeros(2), &stop, &mut NoObserver)?;
/// assert_eq!(solution.report.iterations, 1); // one Newton step on a quadratic
/// assert!((&solution.params - &array![1.0, -2.0]).iter().all(|d| d.abs() < 1e-12));
/// assert!(bowl.value(solution.params.view()) < 1e-24);
/// # Ok::<(), logreg::Error>(())
/// ```
pub trait Objective<F: Float>: Send + Sync {
    /// Length of the parameter vector.
    ///
    /// ```
    /// # #![allow(unused_imports)]
    /// # use logreg::objective::{BinaryLogistic, Objective};
    /// # use ndarray::{array, Array1};
    /// # let x = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]];
    /// # let y = array![0.0, 0.0, 1.0, 1.0];
    /// // Two coefficients and an intercept, α = 0.1.
    /// let objective = BinaryLogistic::new(x.view(), y, None, 0.1, true)?;
    /// assert_eq!(objective.n_params(), 3);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    fn n_params(&self) -> usize;

    /// Number of rows of data (for minibatch solvers).
    ///
    /// ```
    /// # #![allow(unused_imports)]
    /// # use logreg::objective::{BinaryLogistic, Objective};
    /// # use ndarray::{array, Array1};
    /// # let x = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]];
    /// # let y = array![0.0, 0.0, 1.0, 1.0];
    /// // Two coefficients and an intercept, α = 0.1.
    /// let objective = BinaryLogistic::new(x.view(), y, None, 0.1, true)?;
    /// assert_eq!(objective.n_samples(), 4);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    fn n_samples(&self) -> usize;

    /// The objective value at `params`.
    ///
    /// ```
    /// # #![allow(unused_imports)]
    /// # use logreg::objective::{BinaryLogistic, Objective};
    /// # use ndarray::{array, Array1};
    /// # let x = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]];
    /// # let y = array![0.0, 0.0, 1.0, 1.0];
    /// // Two coefficients and an intercept, α = 0.1.
    /// let objective = BinaryLogistic::new(x.view(), y, None, 0.1, true)?;
    /// // At zero every probability is ½: the mean loss is ln 2, no penalty.
    /// assert!((objective.value(Array1::zeros(3).view()) - 2f64.ln()).abs() < 1e-15);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    fn value(&self, params: ArrayView1<'_, F>) -> F {
        let mut grad = Array1::zeros(self.n_params());
        self.value_grad(params, grad.view_mut())
    }

    /// The objective value and its gradient (written into `grad`) in one pass
    /// over the data.
    ///
    /// ```
    /// # #![allow(unused_imports)]
    /// # use logreg::objective::{BinaryLogistic, Objective};
    /// # use ndarray::{array, Array1};
    /// # let x = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]];
    /// # let y = array![0.0, 0.0, 1.0, 1.0];
    /// // Two coefficients and an intercept, α = 0.1.
    /// let objective = BinaryLogistic::new(x.view(), y, None, 0.1, true)?;
    /// let mut grad = Array1::zeros(3);
    /// let value = objective.value_grad(Array1::zeros(3).view(), grad.view_mut());
    /// assert!((value - 2f64.ln()).abs() < 1e-15);
    /// // Xᵀ(p − y)/n at p = ½: (½·6 − 5)/4 = −0.5 and (½·4 − 3)/4 = −0.25; 0 for b.
    /// assert_eq!(grad, array![-0.5, -0.25, 0.0]);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    fn value_grad(&self, params: ArrayView1<'_, F>, grad: ArrayViewMut1<'_, F>) -> F;

    /// The dense Hessian at `params` (`n_params × n_params`, symmetric).
    ///
    /// ```
    /// # #![allow(unused_imports)]
    /// # use logreg::objective::{BinaryLogistic, Objective};
    /// # use ndarray::{array, Array1};
    /// # let x = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]];
    /// # let y = array![0.0, 0.0, 1.0, 1.0];
    /// // Two coefficients and an intercept, α = 0.1.
    /// let objective = BinaryLogistic::new(x.view(), y, None, 0.1, true)?;
    /// let h = objective.hessian(Array1::zeros(3).view());
    /// // XᵀRX/n with R = ¼ at zero, plus α on the coefficients: ¼·14/4 + 0.1.
    /// assert!((h[(0, 0)] - (0.25 * 14.0 / 4.0 + 0.1)).abs() < 1e-15);
    /// assert_eq!(h, h.t()); // the intercept's row has no α
    /// # Ok::<(), logreg::Error>(())
    /// ```
    fn hessian(&self, params: ArrayView1<'_, F>) -> Array2<F>;

    /// The Hessian-vector product H(params)·v, written into `out`. No solver
    /// of this crate needs it; it is here for Newton-CG and truncated-Newton
    /// solvers written outside. The default forms the dense
    /// [`hessian`](Self::hessian) and multiplies; the crate's objectives
    /// override it to work without forming H.
    ///
    /// ```
    /// # #![allow(unused_imports)]
    /// # use logreg::objective::{BinaryLogistic, Objective};
    /// # use ndarray::{array, Array1};
    /// # let x = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]];
    /// # let y = array![0.0, 0.0, 1.0, 1.0];
    /// // Two coefficients and an intercept, α = 0.1.
    /// let objective = BinaryLogistic::new(x.view(), y, None, 0.1, true)?;
    /// let (at, v) = (array![0.3, -0.2, 0.1], array![1.0, 2.0, -1.0]);
    /// let mut hv = Array1::zeros(3);
    /// objective.hess_vec(at.view(), v.view(), hv.view_mut());
    /// let dense = objective.hessian(at.view()).dot(&v);
    /// assert!((&hv - &dense).iter().all(|d| d.abs() < 1e-14));
    /// # Ok::<(), logreg::Error>(())
    /// ```
    fn hess_vec(
        &self,
        params: ArrayView1<'_, F>,
        v: ArrayView1<'_, F>,
        mut out: ArrayViewMut1<'_, F>,
    ) {
        out.assign(&self.hessian(params).dot(&v));
    }

    /// Value and gradient of the same objective restricted to the given rows
    /// (a minibatch): the data term is normalized by the rows' own weight sum,
    /// the penalty is unchanged, so it is an unbiased estimate of the full one.
    ///
    /// ```
    /// # #![allow(unused_imports)]
    /// # use logreg::objective::{BinaryLogistic, Objective};
    /// # use ndarray::{array, Array1};
    /// # let x = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]];
    /// # let y = array![0.0, 0.0, 1.0, 1.0];
    /// // Two coefficients and an intercept, α = 0.1.
    /// let objective = BinaryLogistic::new(x.view(), y, None, 0.1, true)?;
    /// let at = array![0.3, -0.2, 0.1];
    /// let (mut all, mut rows) = (Array1::zeros(3), Array1::zeros(3));
    /// let full = objective.value_grad(at.view(), all.view_mut());
    /// // Every row as the minibatch: the full objective again.
    /// let batch = objective.value_grad_rows(at.view(), &[0, 1, 2, 3], rows.view_mut());
    /// assert!((full - batch).abs() < 1e-15 && (&all - &rows).iter().all(|d| d.abs() < 1e-15));
    /// # Ok::<(), logreg::Error>(())
    /// ```
    fn value_grad_rows(
        &self,
        params: ArrayView1<'_, F>,
        rows: &[usize],
        grad: ArrayViewMut1<'_, F>,
    ) -> F;

    /// The L2 strength α on the coefficients (0 without a penalty): for
    /// step-size rules that depend on it, such as SGD's `Optimal` schedule.
    ///
    /// ```
    /// # #![allow(unused_imports)]
    /// # use logreg::objective::{BinaryLogistic, Objective};
    /// # use ndarray::{array, Array1};
    /// # let x = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]];
    /// # let y = array![0.0, 0.0, 1.0, 1.0];
    /// // Two coefficients and an intercept, α = 0.1.
    /// let objective = BinaryLogistic::new(x.view(), y, None, 0.1, true)?;
    /// assert_eq!(objective.l2_penalty(), 0.1);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    fn l2_penalty(&self) -> F {
        F::zero()
    }

    /// The strength λ₁ of a non-smooth L1 term λ₁·Σ|pⱼ| over the first
    /// [`n_penalized`](Self::n_penalized) parameters (0 by default). It is
    /// *not* part of [`value`](Self::value) or [`value_grad`](Self::value_grad):
    /// the solvers that handle it
    /// ([`CoordinateDescent`](crate::solver::CoordinateDescent),
    /// [`Fista`](crate::solver::Fista)) add it themselves, and the smooth
    /// solvers refuse an objective with λ₁ > 0
    /// ([`Error::UnsupportedPenalty`](crate::Error::UnsupportedPenalty)).
    ///
    /// ```
    /// # #![allow(unused_imports)]
    /// # use logreg::objective::{BinaryLogistic, Objective};
    /// # use ndarray::{array, Array1};
    /// # let x = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]];
    /// # let y = array![0.0, 0.0, 1.0, 1.0];
    /// // Elastic net: α = 0.1 with ρ = 0.5 is 0.05 on each term.
    /// let smooth = BinaryLogistic::new(x.view(), y, None, 0.05, true)?;
    /// let net = smooth.clone().with_l1(0.05)?;
    /// assert_eq!((net.l2_penalty(), net.l1_penalty()), (0.05, 0.05));
    /// // The value is the smooth part only.
    /// let at = array![1.0, -1.0, 0.5];
    /// assert_eq!(net.value(at.view()), smooth.value(at.view()));
    /// # Ok::<(), logreg::Error>(())
    /// ```
    fn l1_penalty(&self) -> F {
        F::zero()
    }

    /// How many leading parameters the penalties apply to: the coefficients,
    /// which the intercepts follow unpenalized. All parameters by default.
    ///
    /// ```
    /// # #![allow(unused_imports)]
    /// # use logreg::objective::{BinaryLogistic, Objective};
    /// # use ndarray::{array, Array1};
    /// # let x = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]];
    /// # let y = array![0.0, 0.0, 1.0, 1.0];
    /// let objective = BinaryLogistic::new(x.view(), y, None, 0.1, true)?;
    /// assert_eq!((objective.n_params(), objective.n_penalized()), (3, 2));
    /// # Ok::<(), logreg::Error>(())
    /// ```
    fn n_penalized(&self) -> usize {
        self.n_params()
    }

    /// Parameters a second-order solver may hold fixed because the objective
    /// does not change when they shift together with others (the redundant
    /// class of an unpenalized softmax). Empty for identifiable objectives.
    ///
    /// ```
    /// # #![allow(unused_imports)]
    /// # use logreg::objective::{BinaryLogistic, Objective};
    /// # use ndarray::{array, Array1};
    /// # let x = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]];
    /// # let y = array![0.0, 0.0, 1.0, 1.0];
    /// // Two coefficients and an intercept, α = 0.1.
    /// let objective = BinaryLogistic::new(x.view(), y, None, 0.1, true)?;
    /// assert!(objective.redundant_params().is_empty());
    /// use logreg::objective::Multinomial;
    /// // Unpenalized softmax over 3 classes: the last class's 2 coefficients and
    /// // intercept (indices 4, 5 and 8 of [w₀ w₁ w₂ | b₀ b₁ b₂]) are redundant.
    /// let softmax = Multinomial::new(x.view(), vec![0, 1, 2, 1], 3, None, 0.0, true)?;
    /// assert_eq!(softmax.redundant_params(), vec![4, 5, 8]);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    fn redundant_params(&self) -> Vec<usize> {
        Vec::new()
    }

    /// Row-by-row access for solvers that keep one gradient per row
    /// ([`Saga`](crate::solver::Saga)); `None` (the default) when the
    /// objective is not a sum over rows it can hand out one at a time. The
    /// crate's binary, softmax and sparse objectives give it.
    ///
    /// ```
    /// # #![allow(unused_imports)]
    /// # use logreg::objective::{BinaryLogistic, Objective};
    /// # use ndarray::{array, Array1};
    /// # let x = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]];
    /// # let y = array![0.0, 0.0, 1.0, 1.0];
    /// let objective = BinaryLogistic::new(x.view(), y, None, 0.1, true)?;
    /// let rows = objective.as_rows().expect("row access");
    /// assert_eq!((rows.outputs(), rows.n_features()), (1, 2));
    /// // Rows weigh equally: each is ¼ of the total.
    /// assert_eq!(rows.weight_share(3), 0.25);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    fn as_rows(&self) -> Option<&dyn RowAccess<F>> {
        None
    }
}
