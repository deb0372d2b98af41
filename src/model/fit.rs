//! Fitting: checking the data, encoding the labels, weights, warm starts
//! and standardization around the solver runs of [`crate::multiclass`].

use super::FittedLogisticRegression;
use super::labels::{Label, encode_labels};
use super::settings::LogisticRegression;
use crate::multiclass::{self, Design, Problem, Run, Strategy};
use crate::objective::ClassSums;
use crate::solver::{Observer, StopRule};
use crate::standardize::Scaling;
use crate::validate::{
    check_finite, check_finite_matrix, check_finite_rows, check_length, check_shape,
};
use crate::weights::{check_every_class_weighs, effective_weights};
use crate::{Error, Float, Result};
use ndarray::{Array1, Array2, ArrayBase, ArrayView1, ArrayView2, Data, Ix1, Ix2, s};
use rayon::prelude::*;

impl<F: Float> LogisticRegression<F> {
    /// Fits the model to features `x` (n × d) and labels `y` (n) of any
    /// ordered type: integers, `bool`, `String`, `&str`, …
    ///
    /// ```
    /// use logreg::{Error, LogisticRegression};
    /// use ndarray::array;
    /// let x = array![[0.0_f64], [1.0], [2.0], [3.0]];
    /// let y = array![false, false, true, true];
    /// let model = LogisticRegression::new().fit(&x, &y)?;
    /// assert_eq!(model.classes(), &[false, true]);
    /// assert_eq!(model.predict(&x)?, y);
    /// // A single class cannot be fitted.
    /// let err = LogisticRegression::new().fit(&x, &array![true, true, true, true]).unwrap_err();
    /// assert_eq!(err, Error::TooFewClasses { found: 1 });
    /// # Ok::<(), logreg::Error>(())
    /// ```
    ///
    /// Float labels do not compile (`f64` is not `Ord`, so `0.1` and `0.1 +
    /// 1e-17` could silently become two classes; see [`Label`]): map them to
    /// integers or strings first.
    ///
    /// ```compile_fail,E0277
    /// use logreg::LogisticRegression;
    /// use ndarray::array;
    /// let x = array![[0.0_f64], [1.0]];
    /// let y = array![0.0_f64, 1.0];
    /// let _ = LogisticRegression::new().fit(&x, &y);
    /// ```
    ///
    /// # Errors
    /// Every invalid setting or input: see [`Error`].
    pub fn fit<S, T, L>(
        &self,
        x: &ArrayBase<S, Ix2>,
        y: &ArrayBase<T, Ix1>,
    ) -> Result<FittedLogisticRegression<F, L>>
    where
        S: Data<Elem = F>,
        T: Data<Elem = L>,
        L: Label,
    {
        self.fit_inner(x.view(), y.view(), None, None)
    }

    /// Like [`fit`](Self::fit), starting from `previous` (see
    /// [`warm_start`](Self::warm_start)); its classes must equal those of `y`.
    ///
    /// ```
    /// use logreg::LogisticRegression;
    /// use ndarray::array;
    /// let x = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]];
    /// let y = array![0, 0, 1, 1];
    /// let settings = LogisticRegression::new().tol(1e-8);
    /// let first = settings.fit(&x, &y)?;
    /// let again = settings.fit_from(&x, &y, &first)?;
    /// assert!(again.report().iterations <= 1);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`fit`](Self::fit), and [`Error::InvalidParameter`] when `previous`
    /// does not match the data.
    pub fn fit_from<S, T, L>(
        &self,
        x: &ArrayBase<S, Ix2>,
        y: &ArrayBase<T, Ix1>,
        previous: &FittedLogisticRegression<F, L>,
    ) -> Result<FittedLogisticRegression<F, L>>
    where
        S: Data<Elem = F>,
        T: Data<Elem = L>,
        L: Label,
    {
        let fitted = self.clone().warm_start(previous).fit(x, y)?;
        if fitted.classes != previous.classes {
            return Err(Error::invalid(
                "warm_start",
                "a model with other classes",
                "the previous model must have been fitted on the same classes",
            ));
        }
        Ok(fitted)
    }

    /// Like [`fit`](Self::fit), calling `observer` after every solver
    /// iteration: for progress bars, loss curves and early stopping (an
    /// observer that returns [`Control::Stop`](crate::solver::Control::Stop)
    /// ends the fit with [`Termination::StoppedByObserver`](crate::Termination::StoppedByObserver)). One-vs-rest
    /// sub-fits run one after another so that they can share the observer.
    ///
    /// ```
    /// use logreg::LogisticRegression;
    /// use logreg::solver::{Control, Progress};
    /// use ndarray::array;
    /// let x = array![[0.0_f64, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]];
    /// let y = array![0, 0, 1, 1];
    /// let mut losses = Vec::new();
    /// let mut record = |p: &Progress<f64>| { losses.push(p.objective); Control::Continue };
    /// LogisticRegression::new().fit_observed(&x, &y, None, &mut record)?;
    /// assert!(losses.windows(2).all(|w| w[1] <= w[0]));
    /// # Ok::<(), logreg::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`fit_weighted`](Self::fit_weighted).
    pub fn fit_observed<S, T, L>(
        &self,
        x: &ArrayBase<S, Ix2>,
        y: &ArrayBase<T, Ix1>,
        sample_weight: Option<ArrayView1<'_, F>>,
        observer: &mut dyn Observer<F>,
    ) -> Result<FittedLogisticRegression<F, L>>
    where
        S: Data<Elem = F>,
        T: Data<Elem = L>,
        L: Label,
    {
        self.fit_inner(x.view(), y.view(), sample_weight, Some(observer))
    }

    /// Like [`fit`](Self::fit), with one weight per row (finite, ≥ 0, not all
    /// zero). Integer weights act like repeated rows.
    ///
    /// ```
    /// use logreg::LogisticRegression;
    /// use ndarray::array;
    /// let settings = LogisticRegression::new().tol(1e-10);
    /// let x = array![[0.0_f64], [1.0], [2.0], [3.0], [4.0]];
    /// let y = array![0, 1, 0, 1, 1];
    /// let weighted = settings.fit_weighted(&x, &y, &array![2.0, 1.0, 1.0, 1.0, 1.0])?;
    /// // Weight 2 on the first row is the same fit as that row twice.
    /// let x6 = array![[0.0_f64], [0.0], [1.0], [2.0], [3.0], [4.0]];
    /// let repeated = settings.fit(&x6, &array![0, 0, 1, 0, 1, 1])?;
    /// assert!((weighted.coef()[(0, 0)] - repeated.coef()[(0, 0)]).abs() < 1e-8);
    /// assert!((weighted.intercept()[0] - repeated.intercept()[0]).abs() < 1e-8);
    /// # Ok::<(), logreg::Error>(())
    /// ```
    ///
    /// # Errors
    /// Every invalid setting or input: see [`Error`].
    pub fn fit_weighted<S, T, W, L>(
        &self,
        x: &ArrayBase<S, Ix2>,
        y: &ArrayBase<T, Ix1>,
        sample_weight: &ArrayBase<W, Ix1>,
    ) -> Result<FittedLogisticRegression<F, L>>
    where
        S: Data<Elem = F>,
        T: Data<Elem = L>,
        W: Data<Elem = F>,
        L: Label,
    {
        self.fit_inner(x.view(), y.view(), Some(sample_weight.view()), None)
    }

    fn fit_inner<L: Clone + Ord>(
        &self,
        x: ArrayView2<'_, F>,
        y: ArrayView1<'_, L>,
        sample_weight: Option<ArrayView1<'_, F>>,
        observer: Option<&mut dyn Observer<F>>,
    ) -> Result<FittedLogisticRegression<F, L>> {
        let stop = self.check_settings()?;
        let labelled = self.labelled_summing(x, y, sample_weight, self.starts_from_class_sums())?;
        let scaled = self.scaled(x, &labelled.weight);
        let (scaling, x_fit) = match &scaled {
            Some((scaling, x)) => (Some(scaling), x.view()),
            None => (None, x),
        };
        self.fit_labelled(labelled, Design::Dense(x_fit), scaling, &stop, observer)
    }

    /// Fits checked, labelled rows: their strengths, strategy and warm
    /// start, the solver runs, and the fitted model, on the original scale
    /// when `x` was standardized with `scaling`.
    pub(super) fn fit_labelled<L>(
        &self,
        labelled: Labelled<F, L>,
        x: Design<'_, F>,
        scaling: Option<&Scaling<F>>,
        stop: &StopRule<F>,
        observer: Option<&mut dyn Observer<F>>,
    ) -> Result<FittedLogisticRegression<F, L>> {
        self.check_feature_names(x.ncols())?;
        let (alpha, l1) = self.strengths_for(labelled.weight.sum());
        let strategy = self.multiclass.strategy(labelled.classes.len());
        if self.penalty == crate::Penalty::Firth {
            return self.fit_firth(labelled, strategy, x, scaling, stop);
        }
        let (problem, classes) = labelled.into_problem(x, alpha, l1, self.fit_intercept);
        let mut start = self.warm_start_for(strategy, problem.n_classes, x.ncols())?;
        if let (Some(scaling), Some((coef, intercept))) = (scaling, &mut start) {
            scaling.to_standardized(coef, intercept);
        }
        let run = Run { start, observer };
        let mut fit = multiclass::fit(&problem, strategy, self.solver.as_ref(), stop, run)?;
        if let Some(scaling) = scaling {
            scaling.to_original(&mut fit.coef, &mut fit.intercept)?;
        }
        let record = self.record(alpha, l1);
        let model = FittedLogisticRegression::new(classes, strategy, fit, record);
        self.check_converged(&model)?;
        Ok(model)
    }

    /// With `standardize`, the scaling and the standardized copy of x.
    pub(crate) fn scaled(
        &self,
        x: ArrayView2<'_, F>,
        weight: &Array1<F>,
    ) -> Option<(Scaling<F>, Array2<F>)> {
        self.standardize.then(|| {
            let scaling = Scaling::fit(x, weight, self.fit_intercept);
            let scaled = scaling.apply(x);
            (scaling, scaled)
        })
    }

    /// Checks x, y and the weights, and encodes the labels.
    pub(crate) fn labelled<L: Clone + Ord>(
        &self,
        x: ArrayView2<'_, F>,
        y: ArrayView1<'_, L>,
        sample_weight: Option<ArrayView1<'_, F>>,
    ) -> Result<Labelled<F, L>> {
        self.labelled_summing(x, y, sample_weight, false)
    }

    /// [`labelled`](Self::labelled); with `sums`, each class's weight and
    /// weighted column sums over x are computed in the read that checks x
    /// is finite ([`class_sums_checking`](Self::class_sums_checking)). In
    /// either case x's shape is checked first, then y and the weights,
    /// then x's values (the sums need the labels).
    fn labelled_summing<L: Clone + Ord>(
        &self,
        x: ArrayView2<'_, F>,
        y: ArrayView1<'_, L>,
        sample_weight: Option<ArrayView1<'_, F>>,
        sums: bool,
    ) -> Result<Labelled<F, L>> {
        let name = |e| self.name_columns(e, x.ncols());
        check_shape(x).map_err(name)?;
        let mut labelled = self.labelled_rows(x.nrows(), y, sample_weight)?;
        if sums {
            labelled.class_sums = Some(self.class_sums_checking(x, &labelled).map_err(name)?);
        } else {
            check_finite_matrix("x", x).map_err(name)?;
        }
        Ok(labelled)
    }

    /// Checks that x is finite and returns each class's weight and weighted
    /// column sums over it: the solvers' start at zero without a pass of
    /// their own (unless the sums overflowed). The rows go in the
    /// chunks of the fit's passes
    /// ([`in_memory_chunk_rows`](crate::chunked::in_memory_chunk_rows)),
    /// row by row, the chunks' sums added in order: as a fit over those
    /// chunks sums them in its first pass, for the same bits.
    fn class_sums_checking<L>(
        &self,
        x: ArrayView2<'_, F>,
        labelled: &Labelled<F, L>,
    ) -> Result<ClassSums> {
        let k = labelled.classes.len();
        let outputs = match self.multiclass.strategy(k) {
            Strategy::Multinomial => k,
            Strategy::Binary | Strategy::OneVsRest => 1,
        };
        let rows = crate::chunked::in_memory_chunk_rows(x.ncols(), outputs);
        let (class, weight) = (&labelled.class, labelled.weight.as_slice());
        let parts: Vec<Result<ClassSums>> = (0..x.nrows().div_ceil(rows))
            .into_par_iter()
            .map(|chunk| {
                let range = chunk * rows..((chunk + 1) * rows).min(x.nrows());
                let block = x.slice(s![range.clone(), ..]);
                let sums = ClassSums::of_rows(
                    block,
                    &class[range.clone()],
                    weight.map(|w| &w[range.clone()]),
                    k,
                );
                // A NaN or ±∞ in x makes its class's column sum NaN or ±∞
                // (weights are finite, and 0·∞ is NaN), so finite sums
                // mean finite rows; sums that overflowed from finite
                // values are told apart by the check itself.
                if !sums.is_finite() {
                    check_finite_rows("x", block, range.start)?;
                }
                Ok(sums)
            })
            .collect();
        let mut sums = ClassSums::empty(k, x.ncols());
        for part in parts {
            sums.merge(&part?);
        }
        Ok(sums)
    }

    /// Checks y and the weights against `n_rows` checked rows, and encodes
    /// the labels.
    pub(crate) fn labelled_rows<L: Clone + Ord>(
        &self,
        n_rows: usize,
        y: ArrayView1<'_, L>,
        sample_weight: Option<ArrayView1<'_, F>>,
    ) -> Result<Labelled<F, L>> {
        check_length("y", n_rows, y.len())?;
        let (classes, class) = encode_labels(y.view());
        if classes.len() < 2 {
            return Err(Error::TooFewClasses {
                found: classes.len(),
            });
        }
        let weight = effective_weights(&class, classes.len(), sample_weight, &self.class_weight)?;
        check_every_class_weighs(&class, classes.len(), &weight)?;
        Ok(Labelled {
            classes,
            class,
            weight,
            class_sums: None,
        })
    }
}

/// Checked, encoded labels and the final per-row weights.
#[derive(Clone)]
pub(crate) struct Labelled<F, L> {
    pub classes: Vec<L>,
    pub class: Vec<usize>,
    pub weight: Array1<F>,
    /// Each class's weight and weighted column sums over x, when the
    /// checks computed them (`LogisticRegression::class_sums_checking`).
    pub class_sums: Option<ClassSums>,
}

impl<F: Float, L> Labelled<F, L> {
    /// The problem on `x` (these rows, any columns) with the given
    /// strengths, and the labels. (It takes the rows' classes and weights
    /// instead of copying them: fresh pages for two n-long arrays per fit.)
    pub(crate) fn into_problem<'a>(
        self,
        x: Design<'a, F>,
        alpha: F,
        l1: F,
        fit_intercept: bool,
    ) -> (Problem<'a, F>, Vec<L>) {
        let problem = Problem {
            x,
            class: self.class,
            n_classes: self.classes.len(),
            weight: self.weight,
            alpha,
            l1,
            fit_intercept,
            class_sums: self.class_sums,
        };
        (problem, self.classes)
    }
}

impl<F: Float, L: Clone> Labelled<F, L> {
    /// [`into_problem`](Self::into_problem)'s problem from a copy.
    pub(crate) fn problem<'a>(
        &self,
        x: Design<'a, F>,
        alpha: F,
        l1: F,
        fit_intercept: bool,
    ) -> Problem<'a, F> {
        self.clone().into_problem(x, alpha, l1, fit_intercept).0
    }
}

impl<F: Float> LogisticRegression<F> {
    /// The warm start, checked against the shape this fit will produce.
    pub(crate) fn warm_start_for(
        &self,
        strategy: Strategy,
        n_classes: usize,
        n_features: usize,
    ) -> Result<Option<(Array2<F>, Array1<F>)>> {
        let Some((coef, intercept)) = &self.warm_start else {
            return Ok(None);
        };
        let rows = strategy.rows(n_classes);
        if coef.dim() != (rows, n_features) || intercept.len() != rows {
            return Err(Error::invalid(
                "warm_start",
                format!("a model with coef of shape {:?}", coef.dim()),
                "the previous model must have the same features, classes and multiclass form",
            ));
        }
        check_finite("warm-start coefficients", coef.iter().chain(intercept))?;
        Ok(Some((coef.clone(), intercept.clone())))
    }
}
