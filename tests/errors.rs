//! Every bad input through the public API gets a specific typed error whose
//! message says what to fix, and never a panic: one table, one row per input.
//!
//! Float labels (`y` of `f64`) are rejected at compile time (`f64` is not
//! `Ord`, so not a `logreg::Label`, whose message says to map them to
//! integers or strings); `Label`'s and `LogisticRegression::fit`'s rustdoc
//! have the `compile_fail` examples.

use logreg::chunked::{
    Chunk, ChunkProblem, ChunkSource, FirstPass, MemoryChunks, PartialSums, RunKind,
};
use logreg::objective::BinaryLogistic;
use logreg::solver::{
    Adam, GradientDescent, Lbfgs, LearningRate, NoObserver, Sgd, Solver, StopRule,
};
use logreg::{
    ClassWeight, Error, FittedLogisticRegression, LogisticRegression, PartialSumsError, metrics,
};
use ndarray::{Array1, Array2, ShapeBuilder, array, s};

fn x() -> Array2<f64> {
    array![[0.0, 1.0], [1.0, 0.0], [2.0, 1.5], [3.0, 0.5]]
}

fn y() -> Array1<i32> {
    array![0, 1, 0, 1]
}

/// `x` with a NaN at (2, 1).
fn x_with_nan() -> Array2<f64> {
    let mut x = x();
    x[(2, 1)] = f64::NAN;
    x
}

/// `x` in CSR.
fn csr(x: &Array2<f64>) -> sprs::CsMat<f64> {
    sprs::CsMat::csr_from_dense(x.view(), 0.0)
}

/// `x` in CSR with a stored NaN at (2, 1) (`csr_from_dense` drops NaN).
fn csr_with_nan() -> sprs::CsMat<f64> {
    let mut triplets = sprs::TriMat::new((4, 2));
    for ((i, j), &v) in x_with_nan().indexed_iter() {
        if v != 0.0 {
            triplets.add_triplet(i, j, v);
        }
    }
    triplets.to_csr()
}

/// Settings whose two features are named "dose" and "age".
fn named() -> LogisticRegression<f64> {
    LogisticRegression::new().feature_names(["dose", "age"])
}

/// Fits `model` on the small data set.
fn fit(model: LogisticRegression<f64>) -> logreg::Result<()> {
    model.fit(&x(), &y()).map(drop)
}

/// Fits with sample weights.
fn fit_weighted(w: Array1<f64>) -> logreg::Result<()> {
    LogisticRegression::new()
        .fit_weighted(&x(), &y(), &w)
        .map(drop)
}

/// Fits `x` with the given value at (2, 1).
fn fit_with_x_value(value: f64) -> logreg::Result<()> {
    let mut x = x();
    x[(2, 1)] = value;
    LogisticRegression::new().fit(&x, &y()).map(drop)
}

fn fitted() -> FittedLogisticRegression<f64, i32> {
    LogisticRegression::new()
        .fit(&x(), &y())
        .expect("valid data fits")
}

/// A source whose second chunk has a column more than the first.
struct Ragged;

impl ChunkSource<f64> for Ragged {
    type Label = i32;
    fn n_chunks(&self) -> usize {
        2
    }
    fn n_features(&self) -> usize {
        2
    }
    fn chunk(&self, index: usize) -> logreg::Result<Chunk<'_, f64, i32>> {
        let x = Array2::from_elem((2, 2 + index), index as f64);
        Ok(Chunk::new(x.into(), vec![0, 1].into(), None))
    }
}

/// The bytes of a binary problem's partial sums with the Hessian's: one
/// feature and an intercept, 40 + 8·2 + 8·4 = 88 bytes.
fn partial_bytes() -> Vec<u8> {
    let x = array![[0.0], [1.0], [2.0]];
    let chunk = Chunk::new(x.view().into(), vec![0, 1, 1].into(), None);
    let first = FirstPass::of_chunk(&chunk, 0).expect("valid chunk");
    let problem = ChunkProblem::new(&LogisticRegression::<f64>::new(), first, RunKind::Binary)
        .expect("two classes");
    let sums = problem
        .partial(&chunk, array![0.1, 0.2].view(), true)
        .expect("valid parameters");
    sums.to_bytes()
}

/// One row of the table: how to provoke the error, what it must be, and a
/// phrase its message must contain (the hint that says what to fix).
struct Case {
    input: &'static str,
    run: fn() -> logreg::Result<()>,
    expected: fn(&Error) -> bool,
    message: &'static str,
}

fn invalid(name: &'static str) -> impl Fn(&Error) -> bool {
    move |e| matches!(e, Error::InvalidParameter { name: n, .. } if *n == name)
}

macro_rules! case {
    ($input:expr, $run:expr, $pattern:pat, $message:expr) => {
        Case {
            input: $input,
            run: $run,
            expected: |e| matches!(e, $pattern),
            message: $message,
        }
    };
}

macro_rules! invalid_case {
    ($input:expr, $name:expr, $run:expr, $message:expr) => {
        Case {
            input: $input,
            run: $run,
            expected: |e| invalid($name)(e),
            message: $message,
        }
    };
}

fn cases() -> Vec<Case> {
    vec![
        // Data
        case!(
            "empty x",
            || LogisticRegression::new()
                .fit(&Array2::<f64>::zeros((0, 2)), &Array1::<i32>::zeros(0))
                .map(drop),
            Error::EmptyData,
            "no rows"
        ),
        case!(
            "zero features",
            || LogisticRegression::new()
                .fit(&Array2::<f64>::zeros((4, 0)), &y())
                .map(drop),
            Error::NoFeatures { rows: 4 },
            "pass at least one feature"
        ),
        case!(
            "one class",
            || LogisticRegression::new()
                .fit(&x(), &array!["a", "a", "a", "a"])
                .map(drop),
            Error::TooFewClasses { found: 1 },
            "at least two classes"
        ),
        case!(
            "y shorter than x",
            || LogisticRegression::new()
                .fit(&x(), &array![0, 1, 0])
                .map(drop),
            Error::LengthMismatch {
                what: "y",
                expected: 4,
                got: 3
            },
            "must have length 4"
        ),
        case!(
            "NaN in x",
            || fit_with_x_value(f64::NAN),
            Error::NonFiniteEntry {
                what: "x",
                row: 2,
                column: 1,
                feature: None,
            },
            "non-finite"
        ),
        case!(
            "+inf in x",
            || fit_with_x_value(f64::INFINITY),
            Error::NonFiniteEntry {
                what: "x",
                row: 2,
                column: 1,
                feature: None,
            },
            "remove or impute"
        ),
        case!(
            "-inf in x",
            || fit_with_x_value(f64::NEG_INFINITY),
            Error::NonFiniteEntry {
                what: "x",
                row: 2,
                column: 1,
                feature: None,
            },
            "non-finite"
        ),
        // Sample weights
        case!(
            "sample weights of the wrong length",
            || fit_weighted(array![1.0, 1.0]),
            Error::LengthMismatch {
                what: "sample_weight",
                expected: 4,
                got: 2
            },
            "must have length 4"
        ),
        case!(
            "NaN sample weight",
            || fit_weighted(array![1.0, f64::NAN, 1.0, 1.0]),
            Error::NonFinite {
                what: "sample_weight",
                index: 1
            },
            "non-finite"
        ),
        case!(
            "infinite sample weight",
            || fit_weighted(array![1.0, 1.0, f64::INFINITY, 1.0]),
            Error::NonFinite {
                what: "sample_weight",
                index: 2
            },
            "non-finite"
        ),
        case!(
            "negative sample weight",
            || fit_weighted(array![1.0, 1.0, -0.5, 1.0]),
            Error::NegativeWeight {
                what: "sample_weight",
                index: 2,
                ..
            },
            "weights must be ≥ 0"
        ),
        case!(
            "all-zero sample weights",
            || fit_weighted(Array1::zeros(4)),
            Error::ZeroTotalWeight,
            ""
        ),
        case!(
            "sample weights that remove a class (two classes)",
            || fit_weighted(array![1.0, 0.0, 1.0, 0.0]),
            Error::TooFewClasses { found: 1 },
            "zero sample weights did not remove a class"
        ),
        invalid_case!(
            "sample weights that remove one of three classes",
            "sample_weight",
            || LogisticRegression::new()
                .fit_weighted(&x(), &array![0, 1, 2, 1], &array![1.0, 1.0, 0.0, 1.0])
                .map(drop),
            "class 2"
        ),
        // Class weights
        case!(
            "wrong number of class weights",
            || fit(LogisticRegression::new().class_weight(ClassWeight::Manual(vec![1.0]))),
            Error::LengthMismatch {
                expected: 2,
                got: 1,
                ..
            },
            "must have length 2"
        ),
        case!(
            "negative class weight",
            || fit(LogisticRegression::new().class_weight(ClassWeight::Manual(vec![1.0, -1.0]))),
            Error::NegativeWeight { index: 1, .. },
            "weights must be ≥ 0"
        ),
        case!(
            "NaN class weight",
            || fit(LogisticRegression::new().class_weight(ClassWeight::Manual(vec![f64::NAN, 1.0]))),
            Error::NonFinite { index: 0, .. },
            "non-finite"
        ),
        case!(
            "a zero class weight",
            || fit(LogisticRegression::new().class_weight(ClassWeight::Manual(vec![0.0, 1.0]))),
            Error::TooFewClasses { found: 1 },
            "at least two classes"
        ),
        case!(
            "all-zero class weights",
            || fit(LogisticRegression::new().class_weight(ClassWeight::Manual(vec![0.0, 0.0]))),
            Error::ZeroTotalWeight,
            ""
        ),
        // Penalty and stopping settings
        invalid_case!(
            "C = 0",
            "C",
            || fit(LogisticRegression::new().c(0.0)),
            "> 0"
        ),
        invalid_case!(
            "C < 0",
            "C",
            || fit(LogisticRegression::new().c(-1.0)),
            "> 0"
        ),
        invalid_case!(
            "C = NaN",
            "C",
            || fit(LogisticRegression::new().c(f64::NAN)),
            "> 0"
        ),
        invalid_case!(
            "C = inf",
            "C",
            || fit(LogisticRegression::new().c(f64::INFINITY)),
            "finite"
        ),
        invalid_case!(
            "alpha < 0",
            "alpha",
            || fit(LogisticRegression::new().alpha(-1e-3)),
            "≥ 0"
        ),
        invalid_case!(
            "alpha = NaN",
            "alpha",
            || fit(LogisticRegression::new().alpha(f64::NAN)),
            "≥ 0"
        ),
        invalid_case!(
            "tol = 0",
            "tol",
            || fit(LogisticRegression::new().tol(0.0)),
            "> 0"
        ),
        invalid_case!(
            "tol < 0",
            "tol",
            || fit(LogisticRegression::new().tol(-1e-4)),
            "> 0"
        ),
        invalid_case!(
            "tol = NaN",
            "tol",
            || fit(LogisticRegression::new().tol(f64::NAN)),
            "> 0"
        ),
        invalid_case!(
            "max_iter = 0",
            "max_iter",
            || fit(LogisticRegression::new().max_iter(0)),
            "≥ 1"
        ),
        // Solver settings
        invalid_case!(
            "SGD batch size 0",
            "batch_size",
            || fit(LogisticRegression::new().solver(Sgd::new().batch_size(0))),
            "≥ 1"
        ),
        invalid_case!(
            "Adam batch size 0",
            "batch_size",
            || fit(LogisticRegression::new().solver(Adam::new().batch_size(0))),
            "≥ 1"
        ),
        invalid_case!(
            "SGD learning rate 0",
            "learning_rate",
            || fit(LogisticRegression::new()
                .solver(Sgd::new().learning_rate(LearningRate::Constant(0.0)))),
            "> 0"
        ),
        invalid_case!(
            "SGD eta0 < 0",
            "eta0",
            || fit(LogisticRegression::new().solver(Sgd::new().learning_rate(
                LearningRate::InverseScaling {
                    eta0: -0.1,
                    power_t: 0.5
                }
            ))),
            "> 0"
        ),
        invalid_case!(
            "Adam learning rate < 0",
            "learning_rate",
            || fit(LogisticRegression::new().solver(Adam::new().learning_rate(-1e-3))),
            "> 0"
        ),
        invalid_case!(
            "gradient-descent learning rate 0",
            "learning_rate",
            || fit(LogisticRegression::new().solver(GradientDescent::new().learning_rate(0.0))),
            "> 0"
        ),
        invalid_case!(
            "Adam beta1 = 1",
            "beta1",
            || fit(LogisticRegression::new().solver(Adam::new().beta1(1.0))),
            "[0, 1)"
        ),
        invalid_case!(
            "Adam beta1 < 0",
            "beta1",
            || fit(LogisticRegression::new().solver(Adam::new().beta1(-0.1))),
            "[0, 1)"
        ),
        invalid_case!(
            "Adam beta2 = NaN",
            "beta2",
            || fit(LogisticRegression::new().solver(Adam::new().beta2(f64::NAN))),
            "[0, 1)"
        ),
        invalid_case!(
            "L-BFGS memory 0",
            "memory",
            || fit(LogisticRegression::new().solver(Lbfgs::new().memory(0))),
            "≥ 1"
        ),
        invalid_case!(
            "unknown solver name",
            "solver",
            || logreg::solver::by_name::<f64>("simplex").map(drop),
            "lbfgs"
        ),
        // Start points and warm starts
        case!(
            "NaN in a solver's start point",
            || {
                let y = array![0.0, 1.0, 0.0, 1.0];
                let x = x();
                let objective = BinaryLogistic::new(x.view(), y, None, 0.1, true)?;
                let stop = StopRule::new(1e-6, 100)?;
                Lbfgs::new()
                    .minimize(
                        &objective,
                        array![0.0, f64::NAN, 0.0],
                        &stop,
                        &mut NoObserver,
                    )
                    .map(drop)
            },
            Error::NonFinite {
                what: "start parameters",
                index: 1
            },
            "non-finite"
        ),
        case!(
            "start point of the wrong length",
            || {
                let y = array![0.0, 1.0, 0.0, 1.0];
                let x = x();
                let objective = BinaryLogistic::new(x.view(), y, None, 0.1, true)?;
                let stop = StopRule::new(1e-6, 100)?;
                Lbfgs::new()
                    .minimize(&objective, array![0.0], &stop, &mut NoObserver)
                    .map(drop)
            },
            Error::ParameterCount {
                expected: 3,
                got: 1
            },
            "has 3"
        ),
        invalid_case!(
            "warm start from a model with other features",
            "warm_start",
            || {
                let wide = LogisticRegression::new()
                    .fit(&array![[0.0, 1.0, 2.0], [1.0, 0.0, 1.0]], &array![0, 1])?;
                fit(LogisticRegression::new().warm_start(&wide))
            },
            "same"
        ),
        invalid_case!(
            "fit_from a model with other classes",
            "warm_start",
            || {
                let other = LogisticRegression::new().fit(&x(), &array![5, 6, 5, 6])?;
                LogisticRegression::new()
                    .fit_from(&x(), &y(), &other)
                    .map(drop)
            },
            "same classes"
        ),
        // Streaming
        case!(
            "unknown class in partial_fit",
            || LogisticRegression::new()
                .solver(Sgd::new())
                .partial_fit(&x(), &array![0, 1, 2, 1], &[0, 1])
                .map(drop),
            Error::UnknownLabel { index: 2 },
            "classes"
        ),
        invalid_case!(
            "partial_fit with a full-batch solver",
            "solver",
            || LogisticRegression::new()
                .solver(Lbfgs::new())
                .partial_fit(&x(), &y(), &[0, 1])
                .map(drop),
            "minibatch solver"
        ),
        invalid_case!(
            "partial_fit with one class in `classes`",
            "classes",
            || LogisticRegression::new()
                .solver(Sgd::new())
                .partial_fit(&x(), &y(), &[0, 0])
                .map(drop),
            "`classes` argument must list every class"
        ),
        // Streaming CSR chunks
        invalid_case!(
            "partial_fit_csr with Saga",
            "solver",
            || LogisticRegression::new()
                .solver(logreg::solver::Saga::new())
                .partial_fit_csr(&csr(&x()), &y(), &[0, 1])
                .map(drop),
            "Saga keeps one gradient per row"
        ),
        case!(
            "partial_fit_csr chunk of the wrong width",
            || {
                let mut model = LogisticRegression::new()
                    .solver(Sgd::new())
                    .partial_fit_csr(&csr(&x()), &y(), &[0, 1])?;
                model.partial_fit_csr(&csr(&x().slice(s![.., ..1]).to_owned()), &y())
            },
            Error::FeatureMismatch {
                expected: 2,
                got: 1,
                ..
            },
            "fitted with 2"
        ),
        case!(
            "NaN in a partial_fit_csr chunk",
            || LogisticRegression::new()
                .solver(Sgd::new())
                .partial_fit_csr(&csr_with_nan(), &y(), &[0, 1])
                .map(drop),
            Error::NonFiniteEntry {
                what: "x",
                row: 2,
                column: 1,
                feature: None
            },
            "at row 2, column 1 (0-based)"
        ),
        case!(
            "unknown class in a partial_fit_csr chunk",
            || LogisticRegression::new()
                .solver(Adam::new())
                .partial_fit_csr(&csr(&x()), &array![0, 1, 2, 1], &[0, 1])
                .map(drop),
            Error::UnknownLabel { index: 2 },
            "classes"
        ),
        invalid_case!(
            "partial_fit_csr with one class in `classes`",
            "classes",
            || LogisticRegression::new()
                .solver(Sgd::new())
                .partial_fit_csr(&csr(&x()), &y(), &[1])
                .map(drop),
            "`classes` argument must list every class"
        ),
        // Feature names in errors about a column
        case!(
            "NaN in x of a fit with feature names",
            || named().fit(&x_with_nan(), &y()).map(drop),
            Error::NonFiniteEntry {
                row: 2,
                column: 1,
                feature: Some(_),
                ..
            },
            "at row 2, column 1 (\"age\")"
        ),
        case!(
            "NaN in a CSR chunk of a stream with feature names",
            || named()
                .solver(Sgd::new())
                .partial_fit_csr(&csr_with_nan(), &y(), &[0, 1])
                .map(drop),
            Error::NonFiniteEntry {
                feature: Some(_),
                ..
            },
            "column 1 (\"age\")"
        ),
        case!(
            "predict with the wrong feature count, features named",
            || named()
                .fit(&x(), &y())?
                .predict(&Array2::<f64>::zeros((3, 5)))
                .map(drop),
            Error::FeatureMismatch { got: 5, .. },
            "fitted with 2 (\"dose\", \"age\")"
        ),
        case!(
            "NaN in x of a named model's summary",
            || named()
                .penalty(logreg::Penalty::None)
                .fit(&x(), &y())?
                .summary(&x_with_nan(), &y())
                .map(drop),
            Error::NonFiniteEntry {
                feature: Some(_),
                ..
            },
            "(\"age\")"
        ),
        case!(
            "collinear features of a named model",
            || {
                let x = array![[0.0, 0.0], [1.0, 2.0], [2.0, 4.0], [3.0, 6.0], [1.5, 3.0]];
                let y = array![0, 1, 0, 1, 1];
                named()
                    .penalty(logreg::Penalty::None)
                    .fit(&x, &y)?
                    .summary(&x, &y)
                    .map(drop)
            },
            Error::Collinear { .. },
            "features [1] (\"age\")"
        ),
        case!(
            "separated classes of a named model",
            || {
                let x = array![
                    [0.0, 1.0],
                    [1.0, 0.0],
                    [2.0, 1.0],
                    [3.0, 0.0],
                    [4.0, 1.0],
                    [5.0, 0.0]
                ];
                let y = array![0, 0, 0, 1, 1, 1];
                named()
                    .penalty(logreg::Penalty::None)
                    .fit(&x, &y)?
                    .summary(&x, &y)
                    .map(drop)
            },
            Error::PerfectSeparation { .. },
            "(\"dose\""
        ),
        // Prediction
        case!(
            "predict with the wrong feature count",
            || fitted().predict(&Array2::<f64>::zeros((3, 5))).map(drop),
            Error::FeatureMismatch {
                expected: 2,
                got: 5,
                ..
            },
            "fitted with 2"
        ),
        case!(
            "predict_proba with the wrong feature count",
            || fitted()
                .predict_proba(&Array2::<f64>::zeros((3, 1)))
                .map(drop),
            Error::FeatureMismatch {
                expected: 2,
                got: 1,
                ..
            },
            "fitted with 2"
        ),
        case!(
            "predict_log_proba with the wrong feature count",
            || fitted()
                .predict_log_proba(&Array2::<f64>::zeros((3, 3)))
                .map(drop),
            Error::FeatureMismatch { .. },
            "fitted with 2"
        ),
        case!(
            "decision_function with the wrong feature count",
            || fitted()
                .decision_function(&Array2::<f64>::zeros((3, 3)))
                .map(drop),
            Error::FeatureMismatch { .. },
            "fitted with 2"
        ),
        case!(
            "score with the wrong feature count",
            || fitted()
                .score(&Array2::<f64>::zeros((3, 5)), &array![0, 1, 0])
                .map(drop),
            Error::FeatureMismatch { .. },
            "fitted with 2"
        ),
        case!(
            "NaN in x at prediction",
            || fitted()
                .predict(&array![[0.0, 0.0], [1.0, f64::NAN]])
                .map(drop),
            Error::NonFiniteEntry {
                what: "x",
                row: 1,
                column: 1,
                feature: None,
            },
            "non-finite"
        ),
        case!(
            "infinity in x at prediction, many row chunks in (rows checked in parallel)",
            || {
                let mut x = Array2::<f64>::zeros((100_000, 2));
                x[(70_000, 0)] = f64::INFINITY;
                x[(90_000, 1)] = f64::NAN;
                fitted().predict_proba(&x).map(drop)
            },
            Error::NonFiniteEntry {
                what: "x",
                row: 70_000,
                column: 0,
                feature: None,
            },
            "at row 70000, column 0"
        ),
        // Convergence and feature names
        case!(
            "a fit that stops at max_iter with require_convergence(true)",
            || fit(LogisticRegression::new()
                .solver(GradientDescent::new())
                .max_iter(1)
                .require_convergence(true)),
            Error::NotConverged { .. },
            "raise max_iter"
        ),
        case!(
            "feature names of the wrong length",
            || fit(LogisticRegression::new().feature_names(["a"])),
            Error::LengthMismatch {
                what: "feature_names",
                expected: 2,
                got: 1
            },
            "must have length 2"
        ),
        case!(
            "with_feature_names of the wrong length",
            || fitted().with_feature_names(["a", "b", "c"]).map(drop),
            Error::LengthMismatch {
                what: "feature_names",
                ..
            },
            "must have length 2"
        ),
        // Class probabilities and thresholds
        invalid_case!(
            "predict_proba_of a label that is not a class",
            "class",
            || fitted().predict_proba_of(&x(), &7).map(drop),
            "model.classes()"
        ),
        invalid_case!(
            "threshold outside [0, 1]",
            "threshold",
            || fitted().predict_with_threshold(&x(), 1.5).map(drop),
            "[0, 1]"
        ),
        invalid_case!(
            "threshold on a three-class model",
            "threshold",
            || LogisticRegression::new()
                .fit(&x(), &array![0, 1, 2, 1])?
                .predict_with_threshold(&x(), 0.5)
                .map(drop),
            "two classes"
        ),
        // Sparse input
        case!(
            "CSR sample weights of the wrong length",
            || LogisticRegression::new()
                .fit_csr_weighted(
                    &sprs::CsMat::csr_from_dense(x().view(), 0.0),
                    &y(),
                    &array![1.0]
                )
                .map(drop),
            Error::LengthMismatch {
                what: "sample_weight",
                ..
            },
            "must have length 4"
        ),
        case!(
            "NaN in CSR x",
            || {
                // (csr_from_dense would drop a NaN: NaN > 0 is false.)
                let mut sparse = sprs::CsMat::csr_from_dense(x().view(), 0.0);
                let last = sparse.nnz() - 2; // row 3 holds [3.0, 0.5]
                sparse.data_mut()[last] = f64::NAN;
                LogisticRegression::new().fit_csr(&sparse, &y()).map(drop)
            },
            Error::NonFiniteEntry {
                what: "x",
                row: 3,
                column: 0,
                feature: None,
            },
            "at row 3, column 0"
        ),
        case!(
            "score_csr with y of the wrong length",
            || fitted()
                .score_csr(&sprs::CsMat::csr_from_dense(x().view(), 0.0), &array![0, 1])
                .map(drop),
            Error::LengthMismatch { what: "y", .. },
            "must have length 4"
        ),
        // Metrics and splits
        invalid_case!(
            "probabilities outside [0, 1]",
            "proba",
            || metrics::log_loss(
                &y(),
                &array![[0.5, 0.5], [1.2, -0.2], [0.5, 0.5], [0.5, 0.5]],
                &[0, 1]
            )
            .map(drop),
            "predict_proba"
        ),
        case!(
            "NaN in probabilities",
            || metrics::brier_score(
                &y(),
                &array![[0.5, 0.5], [0.5, 0.5], [f64::NAN, 0.5], [0.5, 0.5]],
                &[0, 1]
            )
            .map(drop),
            Error::NonFiniteEntry {
                what: "proba",
                row: 2,
                column: 0,
                feature: None,
            },
            "non-finite"
        ),
        case!(
            "probabilities with a column per class missing",
            || metrics::log_loss(&y(), &Array2::<f64>::from_elem((4, 3), 1.0 / 3.0), &[0, 1])
                .map(drop),
            Error::FeatureMismatch {
                expected: 2,
                got: 3,
                ..
            },
            ""
        ),
        invalid_case!(
            "metric classes repeated",
            "classes",
            || metrics::confusion_matrix(&y(), &y(), &[0, 1, 1]).map(drop),
            "distinct"
        ),
        case!(
            "a true label that is not among the classes",
            || metrics::log_loss(
                &array![0, 1, 2, 1],
                &Array2::<f64>::from_elem((4, 2), 0.5),
                &[0, 1]
            )
            .map(drop),
            Error::UnknownLabel { index: 2 },
            "classes"
        ),
        invalid_case!(
            "ROC AUC of one class",
            "y_true",
            || metrics::roc_auc(
                &array![1, 1, 1, 1],
                &Array2::<f64>::from_elem((4, 2), 0.5),
                &[0, 1]
            )
            .map(drop),
            "rows of every class"
        ),
        case!(
            "predicted labels of the wrong length",
            || metrics::accuracy(&y(), &array![0, 1]).map(drop),
            Error::LengthMismatch { what: "y_pred", .. },
            "must have length 4"
        ),
        invalid_case!(
            "train_test_split with test_size 0",
            "test_size",
            || metrics::train_test_split(&x(), &y(), 0.0, 0).map(drop),
            "between 0 and 1"
        ),
        invalid_case!(
            "train_test_split with a one-row class",
            "y",
            || metrics::train_test_split(&x(), &array![0, 1, 1, 1], 0.5, 0).map(drop),
            "at least two rows of every class"
        ),
        case!(
            "score with y of the wrong length",
            || fitted().score(&x(), &array![0, 1]).map(drop),
            Error::LengthMismatch { what: "y", .. },
            "must have length 4"
        ),
        // Fits over chunks: errors name the chunk and column.
        case!(
            "NaN in a chunk",
            || {
                let mut x = x();
                x[(3, 1)] = f64::NAN;
                let y = y();
                let chunks = MemoryChunks::new(x.view(), y.view(), None, 2)?;
                LogisticRegression::new().fit_chunks(&chunks).map(drop)
            },
            Error::ChunkData { .. },
            "chunk 1, column feature 1: non-finite value NaN at row 1"
        ),
        case!(
            "one class over all chunks",
            || {
                let y = array![4, 4, 4, 4];
                let x = x();
                let chunks = MemoryChunks::new(x.view(), y.view(), None, 3)?;
                LogisticRegression::new().fit_chunks(&chunks).map(drop)
            },
            Error::TooFewClasses { found: 1 },
            "at least two classes"
        ),
        case!(
            "chunks with different columns",
            || LogisticRegression::new().fit_chunks(&Ragged).map(drop),
            Error::ChunkData { .. },
            "chunk 1, column features: 3 feature columns, expected 2"
        ),
        case!(
            "negative weight in a chunk",
            || {
                let (x, y) = (x(), y());
                let w = array![1.0, 1.0, -1.0, 1.0];
                let chunks = MemoryChunks::new(x.view(), y.view(), Some(w.view()), 2)?;
                LogisticRegression::new().fit_chunks(&chunks).map(drop)
            },
            Error::ChunkData { .. },
            "chunk 1, column weight: weight -1 at row 0: weights must be finite and ≥ 0"
        ),
        invalid_case!(
            "minibatch solver over chunks",
            "solver",
            || {
                let (x, y) = (x(), y());
                let chunks = MemoryChunks::new(x.view(), y.view(), None, 2)?;
                LogisticRegression::new()
                    .solver(Sgd::new())
                    .fit_chunks(&chunks)
                    .map(drop)
            },
            "Newton, L-BFGS"
        ),
        case!(
            "truncated partial sums",
            || PartialSums::from_bytes(&partial_bytes()[..50]).map(drop),
            Error::PartialSums(PartialSumsError::Truncated {
                needed: 88,
                got: 50
            }),
            "truncated"
        ),
        case!(
            "partial sums from a future format version",
            || {
                let mut bytes = partial_bytes();
                bytes[4] = 9;
                PartialSums::from_bytes(&bytes).map(drop)
            },
            Error::PartialSums(PartialSumsError::FutureVersion {
                found: 9,
                supported: 1
            }),
            "upgrade logreg"
        ),
        case!(
            "bytes that are not partial sums",
            || PartialSums::from_bytes(b"{\"coef\": [1.0, 2.0]}").map(drop),
            Error::PartialSums(PartialSumsError::NotPartialSums),
            "no LRPS magic"
        ),
        case!(
            "corrupt partial sums header",
            || {
                let mut bytes = partial_bytes();
                bytes[6] = 5;
                PartialSums::from_bytes(&bytes).map(drop)
            },
            Error::PartialSums(PartialSumsError::Corrupt(_)),
            "float width"
        ),
        case!(
            "merging partial sums of different shapes",
            || {
                let mut a = PartialSums::from_bytes(&partial_bytes())?;
                let mut wider = partial_bytes();
                wider[12] = 2; // two features: the header announces more values
                wider.extend_from_slice(&[0; 8 + 8 * 5]);
                a.merge(&PartialSums::from_bytes(&wider)?)
            },
            Error::PartialSums(PartialSumsError::ShapeMismatch {
                what: "features",
                expected: 1,
                got: 2
            }),
            "shapes differ in features"
        ),
    ]
}

#[test]
fn every_bad_input_gets_its_typed_error_and_a_helpful_message() {
    let mut failures = Vec::new();
    for case in cases() {
        match (case.run)() {
            Ok(()) => failures.push(format!("{}: accepted", case.input)),
            Err(error) if !(case.expected)(&error) => {
                failures.push(format!("{}: wrong error {error:?}", case.input));
            }
            Err(error) if !error.to_string().contains(case.message) => failures.push(format!(
                "{}: message {:?} lacks {:?}",
                case.input,
                error.to_string(),
                case.message
            )),
            Err(_) => {}
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn settings_on_the_edge_are_accepted() {
    assert!(fit(LogisticRegression::new().alpha(0.0)).is_ok());
    assert!(fit(LogisticRegression::new().solver(Adam::new().beta1(0.0).beta2(0.0))).is_ok());
    assert!(fit_weighted(array![0.0, 1.0, 1.0, 1.0]).is_ok());
    // As in scikit-learn, `score` is accuracy: a label the model never saw is
    // simply never predicted, so it counts as wrong rather than an error.
    let model = fitted();
    let all_right = model
        .score(&x(), &model.predict(&x()).expect("fits"))
        .expect("scores");
    let mut one_unknown = model.predict(&x()).expect("fits");
    one_unknown[2] = 7;
    let score = model.score(&x(), &one_unknown).expect("scores");
    approx::assert_abs_diff_eq!(score, all_right - 0.25, epsilon = 1e-15);
}

/// Transposed (Fortran-order) and strided views are valid input and give the
/// same model as the contiguous array.
#[test]
fn non_contiguous_and_transposed_views_work() {
    let contiguous = fitted();
    let x = x();
    let y = y();

    let mut fortran = Array2::<f64>::zeros((4, 2).f());
    fortran.assign(&x);
    let transposed = x.t().to_owned();
    let mut wide = Array2::<f64>::zeros((4, 4));
    wide.slice_mut(s![.., ..;2]).assign(&x);
    let mut tall = Array2::<f64>::zeros((8, 2));
    tall.slice_mut(s![..;2, ..]).assign(&x);

    let views = [
        ("Fortran order", fortran.view()),
        ("transposed view", transposed.t()),
        ("every other column", wide.slice(s![.., ..;2])),
        ("every other row", tall.slice(s![..;2, ..])),
    ];
    for (what, view) in views {
        let model = LogisticRegression::new()
            .fit(&view, &y)
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        approx::assert_abs_diff_eq!(model.coef(), contiguous.coef(), epsilon = 1e-12);
        approx::assert_abs_diff_eq!(model.intercept(), contiguous.intercept(), epsilon = 1e-12);
        let p = contiguous
            .predict_proba(&view)
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        approx::assert_abs_diff_eq!(
            p,
            contiguous.predict_proba(&x).expect("fits"),
            epsilon = 1e-15
        );
    }
    let labels = array![0, 9, 1, 9, 0, 9, 1, 9];
    let strided_y = labels.slice(s![..;2]);
    let model = LogisticRegression::new()
        .fit(&x, &strided_y)
        .expect("strided y fits");
    approx::assert_abs_diff_eq!(model.coef(), contiguous.coef(), epsilon = 1e-12);
}

#[test]
fn errors_are_std_errors() {
    fn is_error<E: std::error::Error + Send + Sync + 'static>(_: &E) {}
    is_error(&Error::EmptyData);
}

/// Default fits check x in the read that sums each class's columns (for
/// their start at zero): a NaN or ±∞ in a row of weight 0 is still found
/// (0·∞ is NaN), and finite values whose sums overflow are no error: those
/// fits evaluate their start, as fits with class weights always do.
#[test]
fn the_summing_check_of_x_finds_bad_values_in_rows_of_weight_zero() {
    let weight = array![1.0, 1.0, 0.0, 1.0];
    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let mut x = x();
        x[(2, 1)] = bad;
        let err = LogisticRegression::new()
            .fit_weighted(&x, &y(), &weight)
            .unwrap_err();
        assert_eq!(
            err,
            Error::NonFiniteEntry {
                what: "x",
                row: 2,
                column: 1,
                feature: None,
            },
            "{bad}"
        );
    }
    let mut x = x();
    x[(0, 0)] = f64::MAX;
    x[(2, 0)] = f64::MAX;
    let summed = LogisticRegression::new().max_iter(5).fit(&x, &y());
    let evaluated = LogisticRegression::new()
        .max_iter(5)
        .class_weight(ClassWeight::Manual(vec![1.0, 1.0]))
        .fit(&x, &y());
    match (summed, evaluated) {
        (Ok(a), Ok(b)) => assert_eq!(a.coef(), b.coef()),
        (a, b) => assert_eq!(a.map(drop), b.map(drop)),
    }
}
