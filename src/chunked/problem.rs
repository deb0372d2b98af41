//! What a chunk's partial sums need to know: the classes, the class
//! weights, S, the standardization, the strengths and which run (binary,
//! one class against the rest, softmax); and the partial sums of a chunk,
//! dense (the kernels) or CSR (the sparse objective).

use super::features::{CsrFeatures, Features};
use super::first_pass::FirstPass;
use super::hessian::{HessianSums, split_binary};
use super::partial::{PartialSums, Shape};
use super::source::Chunk;
use crate::kernels::{BinaryData, binary_loss_grad_sums, multinomial_loss_grad_sums};
use crate::layout::Layout;
use crate::model::LogisticRegression;
use crate::multiclass::binary_targets;
use crate::objective::sparse::{SparseLogistic, Target};
use crate::objective::{add_l2_hessian, scaled_with_l2, softmax_redundant_params};
use crate::standardize::Scaling;
use crate::{Error, Float, Result};
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, ArrayViewMut1, ArrayViewMut2, s};

/// Which solver run a [`ChunkProblem`] computes sums for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RunKind {
    /// A binary model: the second class against the first.
    Binary,
    /// Class `positive` (an index into the sorted classes) against the rest.
    OneVsRest {
        /// The class index.
        positive: usize,
    },
    /// The softmax over all classes.
    Multinomial,
}

/// Everything a chunk's [`PartialSums`] depend on besides the chunk and the
/// parameters: the classes, the class weights, S, the standardization, the
/// strengths, and the run. Built once from a [`FirstPass`]; engines that
/// compute partial sums on workers hand each worker one.
///
/// ```
/// use logreg::chunked::{Chunk, ChunkProblem, FirstPass, RunKind};
/// use logreg::LogisticRegression;
/// use ndarray::{array, Array1};
/// let x = array![[0.0_f64], [1.0], [2.0], [3.0]];
/// let chunk = Chunk::new(x.view().into(), vec![0, 1, 0, 1].into(), None);
/// let settings = LogisticRegression::new().alpha(0.5);
/// let problem = ChunkProblem::new(&settings, FirstPass::of_chunk(&chunk, 0)?, RunKind::Binary)?;
/// let params = array![0.2, -0.1];
/// let sums = problem.partial(&chunk, params.view(), false)?;
/// let mut grad = Array1::zeros(2);
/// let value = problem.value_grad(&sums, params.view(), grad.view_mut());
/// // The in-memory objective gives the same value.
/// use logreg::objective::{BinaryLogistic, Objective};
/// let direct = BinaryLogistic::new(x.view(), array![0.0, 1.0, 0.0, 1.0], None, 0.5, true)?;
/// assert!((value - direct.value(params.view())).abs() < 1e-15);
/// # Ok::<(), logreg::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct ChunkProblem<F: Float, L> {
    pub(crate) classes: Vec<L>,
    /// Each class's weight, `None` without class weights.
    pub(crate) multipliers: Option<Vec<F>>,
    pub(crate) weight_sum: F,
    pub(crate) scaling: Option<Scaling<F>>,
    pub(crate) alpha: F,
    pub(crate) l1: F,
    pub(crate) fit_intercept: bool,
    pub(crate) n_features: usize,
    pub(crate) n_rows: u64,
    pub(crate) run: RunKind,
    /// `standardize(true)`: CSR chunks are refused (centring would
    /// densify them), even before the scaling is known.
    pub(crate) standardize: bool,
}

/// A chunk ready for the kernels: features (dense ones standardized if
/// asked; CSR rows, which standardization refuses, as they are), class
/// indices and final weights.
pub(crate) struct Prepared<'a, F: Clone> {
    pub x: PreparedFeatures<'a, F>,
    pub class: Vec<usize>,
    pub weight: Array1<F>,
}

/// A prepared chunk's features; `to_owned` gives [`Features`] that
/// convert back, to carry them out of the chunk's lifetime.
pub(crate) struct PreparedFeatures<'a, F: Clone>(pub Features<'a, F>);

impl<F: Float> PreparedFeatures<'_, F> {
    pub fn nrows(&self) -> usize {
        self.0.nrows()
    }

    /// The features as a dense array (see [`Features::view`]; CSR chunks
    /// never reach the callers, standardization refuses them).
    pub fn view(&self) -> ArrayView2<'_, F> {
        self.0.view()
    }

    pub fn to_owned(&self) -> Features<'static, F> {
        self.0.to_owned()
    }
}

impl<'a, F: Clone> From<Features<'a, F>> for PreparedFeatures<'a, F> {
    fn from(x: Features<'a, F>) -> Self {
        Self(x)
    }
}

impl<F: Float, L: Clone + Ord> ChunkProblem<F, L> {
    /// The problem of `settings` on the data `first` summarizes (S and the
    /// standardization from its f64 moments: equal to the in-memory fit's
    /// to rounding), for run `run`.
    ///
    /// ```
    /// use logreg::chunked::{Chunk, ChunkProblem, FirstPass, RunKind};
    /// use logreg::{Error, LogisticRegression};
    /// use ndarray::array;
    /// let x = array![[0.0_f64], [1.0]];
    /// let one_class = FirstPass::of_chunk(&Chunk::new(x.view().into(), vec![1, 1].into(), None), 0)?;
    /// let err = ChunkProblem::new(&LogisticRegression::<f64>::new(), one_class, RunKind::Binary).unwrap_err();
    /// assert_eq!(err, Error::TooFewClasses { found: 1 });
    /// # Ok::<(), logreg::Error>(())
    /// ```
    ///
    /// # Errors
    /// Invalid settings, fewer than two classes (or two with weight), zero
    /// total weight, a run that does not fit the classes.
    pub fn new(
        settings: &LogisticRegression<F>,
        first: FirstPass<L>,
        run: RunKind,
    ) -> Result<Self> {
        settings.check_settings()?;
        let multipliers = check_classes(settings, &first)?;
        let weight_sum = F::from_f64_lossy(first.weight_sum(&settings.class_weight)?);
        let scaling = if settings.standardize {
            let moments = first.moments(&settings.class_weight)?;
            Some(Scaling::from_moments(
                first.max_abs(),
                moments.mean(),
                &moments.variance(),
                settings.fit_intercept,
            ))
        } else {
            None
        };
        Self::assemble(settings, first, multipliers, weight_sum, scaling, run)
    }

    pub(crate) fn assemble(
        settings: &LogisticRegression<F>,
        first: FirstPass<L>,
        multipliers: Option<Vec<F>>,
        weight_sum: F,
        scaling: Option<Scaling<F>>,
        run: RunKind,
    ) -> Result<Self> {
        let k = first.classes().len();
        let valid = match run {
            RunKind::Binary => k == 2,
            RunKind::OneVsRest { positive } => positive < k,
            RunKind::Multinomial => true,
        };
        if !valid {
            return Err(Error::invalid(
                "run",
                format!("{run:?}"),
                "Binary needs two classes, OneVsRest a class index below the number of classes",
            ));
        }
        let (alpha, l1) = settings.strengths_for(weight_sum);
        Ok(Self {
            n_features: first.n_features(),
            n_rows: first.n_rows(),
            classes: first.classes().to_vec(),
            multipliers,
            weight_sum,
            scaling,
            alpha,
            l1,
            fit_intercept: settings.fit_intercept,
            run,
            standardize: settings.standardize,
        })
    }

    /// The same problem for another run.
    pub(crate) fn with_run(&self, run: RunKind) -> Self {
        Self {
            run,
            ..self.clone()
        }
    }

    /// The layout of this run's parameters.
    pub(crate) fn layout(&self) -> Layout {
        let rows = match self.run {
            RunKind::Multinomial => self.classes.len(),
            RunKind::Binary | RunKind::OneVsRest { .. } => 1,
        };
        Layout::new(rows, self.n_features, self.fit_intercept)
    }

    /// The class a binary run separates from the rest.
    fn positive(&self) -> usize {
        match self.run {
            RunKind::OneVsRest { positive } => positive,
            RunKind::Binary | RunKind::Multinomial => 1,
        }
    }

    /// The length of the parameter vector.
    ///
    /// ```
    /// # use logreg::chunked::{Chunk, ChunkProblem, FirstPass, RunKind};
    /// # use logreg::LogisticRegression;
    /// # use ndarray::array;
    /// let x = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 2.0]];
    /// let first = FirstPass::of_chunk(&Chunk::new(x.view().into(), vec![0, 1, 2].into(), None), 0)?;
    /// let softmax = ChunkProblem::new(&LogisticRegression::<f64>::new(), first, RunKind::Multinomial)?;
    /// assert_eq!(softmax.n_params(), 3 * 2 + 3);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn n_params(&self) -> usize {
        self.layout().n_params()
    }

    /// The softmax's redundant parameters (none for the other runs).
    pub(crate) fn redundant_params(&self) -> Vec<usize> {
        match self.run {
            RunKind::Multinomial => {
                let layout = self.layout();
                let penalized = self.alpha != F::zero() || self.l1 != F::zero();
                softmax_redundant_params(
                    layout.rows,
                    layout.n_features,
                    penalized,
                    layout.fit_intercept,
                )
            }
            RunKind::Binary | RunKind::OneVsRest { .. } => Vec::new(),
        }
    }

    /// The classes (sorted).
    pub fn classes(&self) -> &[L] {
        &self.classes
    }

    /// Checks a chunk and readies it for the kernels.
    pub(crate) fn prepare<'c>(
        &self,
        chunk: &'c Chunk<'_, F, L>,
        location: &str,
    ) -> Result<Prepared<'c, F>> {
        if chunk.x.ncols() != self.n_features {
            return Err(Error::ChunkData {
                location: location.to_string(),
                column: "features".into(),
                problem: format!(
                    "{} feature columns, the first pass saw {}",
                    chunk.x.ncols(),
                    self.n_features
                ),
            });
        }
        let class = chunk
            .y
            .iter()
            .enumerate()
            .map(|(i, label)| {
                self.classes
                    .binary_search(label)
                    .map_err(|_| Error::ChunkData {
                        location: location.to_string(),
                        column: "label".into(),
                        problem: format!("row {i} has a label the first pass did not see"),
                    })
            })
            .collect::<Result<Vec<_>>>()?;
        let mut weight = match &chunk.sample_weight {
            Some(w) => w.to_owned(),
            None => Array1::ones(chunk.x.nrows()),
        };
        if let Some(per_class) = &self.multipliers {
            for (s, &c) in weight.iter_mut().zip(&class) {
                *s *= per_class[c];
            }
        }
        let x = match (&chunk.x, &self.scaling) {
            (Features::Dense(x), Some(scaling)) => Features::Dense(scaling.apply(x.view()).into()),
            (Features::Dense(_), None) => chunk.x.borrowed(),
            (Features::Csr(x), _) => {
                if self.standardize || self.scaling.is_some() {
                    return Err(crate::model::standardize_refused());
                }
                x.check(location, &|j| format!("feature {j}"), false)?;
                chunk.x.borrowed()
            }
        };
        Ok(Prepared {
            x: x.into(),
            class,
            weight,
        })
    }

    /// The sparse objective of CSR rows for this run (unscaled sums, no
    /// penalty): the in-memory `fit_csr`'s objective on these rows.
    fn sparse_objective<'x>(
        &self,
        x: &'x CsrFeatures<'_, F>,
        class: &[usize],
        weight: &Array1<F>,
    ) -> SparseLogistic<'x, F> {
        let target = match self.run {
            RunKind::Multinomial => Target::Classes {
                class: class.to_vec(),
                k: self.classes.len(),
            },
            RunKind::Binary | RunKind::OneVsRest { .. } => {
                Target::Binary(binary_targets(class, self.positive()))
            }
        };
        SparseLogistic::new(
            x.view(),
            target,
            weight.clone(),
            F::zero(),
            F::zero(),
            self.fit_intercept,
        )
    }

    /// Adds the unscaled Hessian sums of prepared CSR rows into `hess`
    /// (`n_params` square), row after row as the in-memory sparse
    /// objective adds them.
    pub(crate) fn add_sparse_hessian(
        &self,
        x: &CsrFeatures<'_, F>,
        class: &[usize],
        weight: &Array1<F>,
        params: ArrayView1<'_, F>,
        hess: ArrayViewMut2<'_, F>,
    ) {
        self.sparse_objective(x, class, weight)
            .add_hessian_sums(params, hess);
    }

    /// Empty sums of this run's Hessian, for dense rows in blocks.
    pub(crate) fn hessian_blocks(&self) -> HessianSums<F> {
        let positive = match self.run {
            RunKind::Multinomial => None,
            RunKind::Binary | RunKind::OneVsRest { .. } => Some(self.positive()),
        };
        HessianSums::new(self.layout(), positive)
    }

    fn shape(&self) -> Shape {
        let layout = self.layout();
        Shape {
            float_bytes: std::mem::size_of::<F>() as u8,
            outputs: layout.rows as u32,
            n_features: layout.n_features as u32,
            fit_intercept: layout.fit_intercept,
        }
    }

    /// The partial sums of `chunk` at `params` (with the Hessian's if
    /// `hessian`). A CSR chunk's come from the sparse objective, without
    /// densifying it.
    ///
    /// # Errors
    /// A chunk with bad data, labels the first pass did not see, or
    /// another number of features ([`Error::ChunkData`]); a CSR chunk
    /// with standardization ([`Error::InvalidParameter`]);
    /// [`Error::ParameterCount`] for `params` of the wrong length.
    pub fn partial(
        &self,
        chunk: &Chunk<'_, F, L>,
        params: ArrayView1<'_, F>,
        hessian: bool,
    ) -> Result<PartialSums> {
        self.check_params(params)?;
        super::first_pass::check_chunk(chunk, "chunk", &|j| format!("feature {j}"))?;
        let prepared = self.prepare(chunk, "chunk")?;
        Ok(self.partial_prepared(&prepared, params, hessian))
    }

    pub(crate) fn check_params(&self, params: ArrayView1<'_, F>) -> Result<()> {
        if params.len() != self.n_params() {
            return Err(Error::ParameterCount {
                expected: self.n_params(),
                got: params.len(),
            });
        }
        Ok(())
    }

    /// [`partial`](Self::partial) of a checked, prepared chunk.
    pub(crate) fn partial_prepared(
        &self,
        prepared: &Prepared<'_, F>,
        params: ArrayView1<'_, F>,
        hessian: bool,
    ) -> PartialSums {
        let layout = self.layout();
        let mut sums = PartialSums::zero(self.shape(), false);
        sums.n_rows = prepared.x.nrows() as u64;
        sums.weight_sum = prepared.weight.iter().map(|w| w.to_f64_lossy()).sum();
        let n_coef = layout.n_coef();
        let x = match &prepared.x.0 {
            Features::Dense(x) => x.view(),
            Features::Csr(csr) => {
                let sparse = self.sparse_objective(csr, &prepared.class, &prepared.weight);
                add_sparse_sums(&sparse, params, hessian, &mut sums);
                return sums;
            }
        };
        match self.run {
            RunKind::Multinomial => {
                let (coef, intercept) = (layout.coef(params), layout.intercept(params));
                let data = crate::kernels::MultinomialData {
                    x,
                    class: &prepared.class,
                    weight: prepared.weight.view(),
                };
                let (loss, grad, grad_b) = multinomial_loss_grad_sums(data, coef, intercept.view());
                sums.loss = loss;
                sums.grad[..n_coef].copy_from_slice(&grad);
                if self.fit_intercept {
                    sums.grad[n_coef..].copy_from_slice(&grad_b);
                }
            }
            RunKind::Binary | RunKind::OneVsRest { .. } => {
                let y = binary_targets(&prepared.class, self.positive());
                let (coef, intercept) = split_binary(params, self.n_features, self.fit_intercept);
                let data = BinaryData {
                    x,
                    y: y.view(),
                    weight: prepared.weight.view(),
                };
                let part = binary_loss_grad_sums(data, coef, intercept);
                sums.loss = part.loss;
                sums.grad[..n_coef].copy_from_slice(&part.grad);
                if self.fit_intercept {
                    sums.grad[n_coef] = part.grad_intercept;
                }
            }
        }
        if hessian {
            let mut blocks = self.hessian_blocks();
            let step = blocks.rows_per_block();
            let n = x.nrows();
            for start in (0..n).step_by(step) {
                let rows = start..(start + step).min(n);
                blocks.add_block(
                    x.slice(s![rows.clone(), ..]),
                    &prepared.class[rows.clone()],
                    prepared.weight.slice(s![rows]),
                    params,
                );
            }
            let h = blocks.finish(F::one());
            sums.hessian = Some(h.iter().map(|v| v.to_f64_lossy()).collect());
        }
        sums
    }

    /// The objective's value at `params` from the merged sums of all rows,
    /// with its gradient written into `grad`: (1/S)·sums + the L2 penalty.
    ///
    /// # Panics
    /// When `grad` or `params` do not have [`n_params`](Self::n_params)
    /// entries (as the [`Objective`](crate::objective::Objective) methods).
    pub fn value_grad(
        &self,
        sums: &PartialSums,
        params: ArrayView1<'_, F>,
        mut grad: ArrayViewMut1<'_, F>,
    ) -> F {
        for (g, &v) in grad.iter_mut().zip(&sums.grad) {
            *g = F::from_f64_lossy(v);
        }
        let loss = F::from_f64_lossy(sums.loss);
        let n_coef = self.layout().n_coef();
        scaled_with_l2(
            loss,
            self.weight_sum.recip(),
            self.alpha,
            n_coef,
            params,
            grad,
        )
    }

    /// The objective's Hessian from merged sums with the Hessian's
    /// (`None` when they have none).
    pub fn hessian(&self, sums: &PartialSums) -> Option<Array2<F>> {
        let p = self.n_params();
        let h = sums.hessian.as_ref()?;
        let scale = self.weight_sum.recip();
        let mut hess =
            Array2::from_shape_fn((p, p), |(i, j)| F::from_f64_lossy(h[i * p + j]) * scale);
        add_l2_hessian(self.alpha, self.layout().n_coef(), hess.view_mut());
        Some(hess)
    }
}

/// Checks the classes of a first pass against the settings: two or more,
/// each with positive weight. Returns the class multipliers.
pub(crate) fn check_classes<F: Float, L: Clone + Ord>(
    settings: &LogisticRegression<F>,
    first: &FirstPass<L>,
) -> Result<Option<Vec<F>>> {
    let k = first.classes().len();
    if k < 2 {
        return Err(Error::TooFewClasses { found: k });
    }
    let counts: Vec<usize> = first.class_counts().iter().map(|&c| c as usize).collect();
    let multipliers = crate::weights::class_multipliers(&counts, &settings.class_weight)?;
    let per_class = first.multipliers(&settings.class_weight)?;
    let totals: Vec<f64> = per_class
        .iter()
        .zip(first.class_weights())
        .map(|(m, w)| m * w)
        .collect();
    let weighed = totals.iter().filter(|&&t| t > 0.0).count();
    if weighed == 0 {
        return Err(Error::ZeroTotalWeight);
    }
    if weighed < 2 {
        return Err(Error::TooFewClasses { found: weighed });
    }
    if let Some(index) = totals.iter().position(|&t| t <= 0.0) {
        return Err(Error::invalid(
            "sample_weight",
            format!("0 in total for class {index} (in classes() order)"),
            "every class needs a positive total weight: drop its rows or give them weight",
        ));
    }
    Ok(multipliers)
}

/// The unscaled sums of CSR rows (loss, gradient, on request the Hessian)
/// into `sums`: the sparse objective's, row after row.
fn add_sparse_sums<F: Float>(
    sparse: &SparseLogistic<'_, F>,
    params: ArrayView1<'_, F>,
    hessian: bool,
    sums: &mut PartialSums,
) {
    let (loss, grad) = sparse.loss_grad_sums(params);
    sums.loss = loss.to_f64_lossy();
    for (s, g) in sums.grad.iter_mut().zip(&grad) {
        *s = g.to_f64_lossy();
    }
    if hessian {
        let p = params.len();
        let mut h = Array2::zeros((p, p));
        sparse.add_hessian_sums(params, h.view_mut());
        sums.hessian = Some(h.iter().map(|v| v.to_f64_lossy()).collect());
    }
}
