//! The crate's one error type.

use crate::report::FitReport;

/// Everything that can go wrong in `logreg`, as a value.
///
/// Every variant's message says what was wrong and what to do about it.
/// Public functions return these instead of panicking on user input.
///
/// ```
/// use logreg::{Error, LogisticRegression};
/// use ndarray::array;
/// let x = array![[0.0_f64], [1.0]];
/// let err = LogisticRegression::new().fit(&x, &array![0, 1, 1]).unwrap_err();
/// assert_eq!(err, Error::LengthMismatch { what: "y", expected: 2, got: 3 });
/// assert_eq!(err.to_string(), "y has length 3 but must have length 2");
/// let err = LogisticRegression::new().fit(&array![[0.0, 1.0], [2.0, f64::NAN]], &array![0, 1]).unwrap_err();
/// assert_eq!(err, Error::NonFiniteEntry { what: "x", row: 1, column: 1, feature: None });
/// assert!(err.to_string().contains("at row 1, column 1"));
/// // With feature names set, errors about a column name it.
/// let named = LogisticRegression::new().feature_names(["dose", "age"]);
/// let err = named.fit(&array![[0.0, 1.0], [2.0, f64::NAN]], &array![0, 1]).unwrap_err();
/// assert!(err.to_string().contains("at row 1, column 1 (\"age\")"));
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The feature matrix has no rows.
    #[error("x has no rows: fitting needs at least one sample per class")]
    EmptyData,
    /// The feature matrix has rows but no columns.
    #[error("x has {rows} rows but no feature columns: pass at least one feature")]
    NoFeatures {
        /// Number of rows in x.
        rows: usize,
    },
    /// The labels hold fewer than two distinct classes.
    #[error(
        "y holds {found} distinct class(es): logistic regression needs at least two classes \
         (check the labels, or that zero sample weights did not remove a class)"
    )]
    TooFewClasses {
        /// Number of distinct classes found.
        found: usize,
    },
    /// Two inputs that must have the same length do not.
    #[error("{what} has length {got} but must have length {expected}")]
    LengthMismatch {
        /// Which input is wrong, e.g. `"y"` or `"sample_weight"`.
        what: &'static str,
        /// The length it must have.
        expected: usize,
        /// The length it has.
        got: usize,
    },
    /// A value of a vector (weights, targets, start parameters) is NaN or
    /// infinite; matrices report [`Error::NonFiniteEntry`] instead.
    #[error("{what} holds a non-finite value (NaN or ±inf) at index {index}: remove or impute it")]
    NonFinite {
        /// Which input holds it, e.g. `"x"`.
        what: &'static str,
        /// Flat (row-major) index of the first offending entry.
        index: usize,
    },
    /// An entry of a matrix (features x, probabilities, …) is NaN or infinite.
    #[error(
        "{what} holds a non-finite value (NaN or ±inf) at row {row}, column {column}{} \
         (0-based): remove or impute it",
        quoted(.feature.as_slice())
    )]
    NonFiniteEntry {
        /// Which input holds it, e.g. `"x"`.
        what: &'static str,
        /// 0-based row of the first offending entry (in row-major order).
        row: usize,
        /// 0-based column of that entry.
        column: usize,
        /// The column's feature name, when x's columns have names
        /// (see [`Error::with_feature_names`]).
        feature: Option<String>,
    },
    /// A sample or class weight is negative.
    #[error("{what} holds a negative value {value} at index {index}: weights must be ≥ 0")]
    NegativeWeight {
        /// Which input holds it.
        what: &'static str,
        /// Index of the first negative entry.
        index: usize,
        /// The offending value.
        value: f64,
    },
    /// All weights are zero, so there is nothing to fit.
    #[error("all sample weights are zero: give at least one sample a positive weight")]
    ZeroTotalWeight,
    /// A setting is out of its valid range.
    #[error("invalid setting {name} = {value}: {requirement}")]
    InvalidParameter {
        /// The setting, e.g. `"C"`.
        name: &'static str,
        /// Its value, as text.
        value: String,
        /// What it must satisfy.
        requirement: &'static str,
    },
    /// Predicting with a different number of features than the model was fitted on.
    #[error("x has {got} features but the model was fitted with {expected}{}", quoted(.names))]
    FeatureMismatch {
        /// Features the model was fitted with.
        expected: usize,
        /// Features in the given x.
        got: usize,
        /// The names of the features the model was fitted with, when it has
        /// them (else empty).
        names: Vec<String>,
    },
    /// A label that is not one of the model's classes.
    #[error("y[{index}] is not one of the model's classes: pass labels the model was fitted with")]
    UnknownLabel {
        /// Index of the first unknown label.
        index: usize,
    },
    /// Features are linearly dependent (on each other or on the intercept), so
    /// the information matrix is singular and standard errors do not exist.
    #[error(
        "features {features:?}{} are linear combinations of earlier columns (or of the intercept): \
         drop them, or fit with a penalty",
        quoted(.names)
    )]
    Collinear {
        /// 0-based feature indices that depend on earlier ones.
        features: Vec<usize>,
        /// Their names, when the features have names (else empty).
        names: Vec<String>,
    },
    /// The classes are perfectly separated: the maximum-likelihood estimate
    /// does not exist (coefficients diverge).
    #[error(
        "the classes are perfectly separated (features {features:?}{} carry the separation): \
         the maximum-likelihood estimate does not exist; fit with a penalty (e.g. Penalty::L2 or \
         Penalty::Firth)",
        quoted(.names)
    )]
    PerfectSeparation {
        /// 0-based indices of the features whose coefficients diverge.
        features: Vec<usize>,
        /// Their names, when the features have names (else empty).
        names: Vec<String>,
    },
    /// The information matrix is singular although the design has full rank:
    /// fitted probabilities of exactly 0 or 1 leave no information.
    #[error(
        "the information matrix is singular: fitted probabilities are numerically 0 or 1 \
         (separation); fit with a penalty"
    )]
    SingularInformation,
    /// A row's score x·w + b is NaN: its terms overflow to both +∞ and −∞,
    /// so no class is more likely than another. Rescale the features.
    #[error(
        "the score x·w + b of row {row} overflows (+∞ and −∞ terms): rescale the features, \
         e.g. to unit variance"
    )]
    ScoreOverflow {
        /// 0-based index of the first such row.
        row: usize,
    },
    /// A solver for smooth objectives was given an L1 (or elastic-net) penalty.
    #[error(
        "solver {solver} minimizes smooth objectives and cannot fit an L1 or elastic-net penalty: \
         use solver \"cd\" or \"fista\", or leave the default Auto"
    )]
    UnsupportedPenalty {
        /// The solver's name.
        solver: &'static str,
    },
    /// A solver that works row by row was given an objective without
    /// [`Objective::as_rows`](crate::objective::Objective::as_rows).
    #[error(
        "solver {solver} needs row-by-row access to the objective (Objective::as_rows), \
         which this objective does not give: use a full-gradient solver such as \"lbfgs\""
    )]
    NoRowAccess {
        /// The solver's name.
        solver: &'static str,
    },
    /// A fit with [`require_convergence(true)`](crate::LogisticRegression::require_convergence)
    /// ended without passing its convergence test (max |∇f| ≤ tol).
    #[error(
        "the fit did not converge: it stopped with {:?} after {} iterations at max |∇f| = {:.3e} \
         (tol {:.1e}); raise max_iter, standardize the features or loosen tol \
         (or drop require_convergence(true) to accept the fit as it is)",
        .report.termination, .report.iterations, .report.grad_max, .tol
    )]
    NotConverged {
        /// The fit's report (for several sub-fits, the worst of them), in f64.
        report: FitReport<f64>,
        /// The tolerance the fit was given.
        tol: f64,
    },
    /// A solver was handed a parameter vector of the wrong length.
    #[error("start point has {got} parameters but the objective has {expected}")]
    ParameterCount {
        /// Parameters the objective has.
        expected: usize,
        /// Parameters given.
        got: usize,
    },
    /// A chunk of rows (a chunk of a [`ChunkSource`](crate::chunked::ChunkSource),
    /// a row group of a Parquet file) holds data that cannot be fitted.
    #[error("{location}, column {column}: {problem}")]
    ChunkData {
        /// Where: the chunk, or the file and row group.
        location: String,
        /// The column (a feature, the label or the weight column).
        column: String,
        /// What is wrong and what to do about it.
        problem: String,
    },
    /// Encoded [`PartialSums`](crate::chunked::PartialSums) could not be
    /// decoded, or two partial sums of different shapes were merged.
    #[error("partial sums: {0}")]
    PartialSums(PartialSumsError),
}

/// Why bytes of [`PartialSums`](crate::chunked::PartialSums) were refused.
///
/// ```
/// use logreg::chunked::PartialSums;
/// use logreg::{Error, PartialSumsError};
/// let err = PartialSums::from_bytes(b"LRPS").unwrap_err();
/// assert!(matches!(err, Error::PartialSums(PartialSumsError::Truncated { .. })));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PartialSumsError {
    /// The bytes end before the data their header announces.
    #[error("truncated: {needed} bytes needed, {got} given")]
    Truncated {
        /// Bytes the header announces.
        needed: usize,
        /// Bytes given.
        got: usize,
    },
    /// The bytes do not start with the partial-sums magic `LRPS`.
    #[error("not encoded partial sums (no LRPS magic)")]
    NotPartialSums,
    /// Written by a newer format version than this build reads.
    #[error(
        "format version {found} is newer than {supported}, the newest this build reads: upgrade logreg"
    )]
    FutureVersion {
        /// The version in the bytes.
        found: u16,
        /// The newest version this build reads.
        supported: u16,
    },
    /// A header field that is not valid (float width, flags) or trailing bytes.
    #[error("corrupt header or length: {0}")]
    Corrupt(&'static str),
    /// Partial sums of different shapes (features, outputs, intercept,
    /// float type, Hessian or not) cannot be merged.
    #[error("shapes differ in {what}: {expected} and {got}")]
    ShapeMismatch {
        /// Which part of the shape.
        what: &'static str,
        /// This partial's value.
        expected: u64,
        /// The other partial's value.
        got: u64,
    },
}

/// `Result` with [`Error`] as the error type.
///
/// ```
/// use logreg::LogisticRegression;
/// use ndarray::{array, Array1, Array2};
/// fn training_accuracy(x: &Array2<f64>, y: &Array1<u8>) -> logreg::Result<f64> {
///     let model = LogisticRegression::new().fit(x, y)?;
///     model.score(x, y)
/// }
/// let x = array![[0.0], [1.0], [2.0], [3.0]];
/// assert_eq!(training_accuracy(&x, &array![0, 0, 1, 1])?, 1.0);
/// assert!(training_accuracy(&x, &array![1, 1, 1, 1]).is_err()); // one class
/// # Ok::<(), logreg::Error>(())
/// ```
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// ` ("dose", "age")` for names, nothing for none: what messages append
/// to the column indices they print.
fn quoted(names: &[String]) -> String {
    if names.is_empty() {
        return String::new();
    }
    let list: Vec<String> = names.iter().map(|n| format!("{n:?}")).collect();
    format!(" ({})", list.join(", "))
}

impl Error {
    /// Names the feature columns in an error about them: the feature name
    /// of a non-finite entry of x, of collinear or separating features, and
    /// the features a model was fitted with in a feature-count mismatch.
    /// Other errors, and indices beyond `names`, are returned unchanged.
    ///
    /// The crate's entry points call it with the names set on the settings
    /// ([`LogisticRegression::feature_names`](crate::LogisticRegression::feature_names))
    /// or on the fitted model; it is public for code that checks its own
    /// data the crate's way.
    ///
    /// ```
    /// use logreg::Error;
    /// let names = ["dose".to_string(), "age".to_string()];
    /// let err = Error::Collinear { features: vec![1], names: vec![] }.with_feature_names(&names);
    /// assert_eq!(err, Error::Collinear { features: vec![1], names: vec!["age".into()] });
    /// assert!(err.to_string().contains("features [1] (\"age\")"));
    /// ```
    #[must_use]
    pub fn with_feature_names(self, names: &[String]) -> Self {
        let pick = |features: &[usize]| -> Vec<String> {
            let picked: Option<Vec<String>> =
                features.iter().map(|&j| names.get(j).cloned()).collect();
            picked.unwrap_or_default()
        };
        match self {
            Error::NonFiniteEntry {
                what: "x",
                row,
                column,
                feature: None,
            } => Error::NonFiniteEntry {
                what: "x",
                row,
                column,
                feature: names.get(column).cloned(),
            },
            Error::FeatureMismatch {
                expected,
                got,
                names: none,
            } if none.is_empty() && names.len() == expected => Error::FeatureMismatch {
                expected,
                got,
                names: names.to_vec(),
            },
            Error::Collinear {
                features,
                names: none,
            } if none.is_empty() => Error::Collinear {
                names: pick(&features),
                features,
            },
            Error::PerfectSeparation {
                features,
                names: none,
            } if none.is_empty() => Error::PerfectSeparation {
                names: pick(&features),
                features,
            },
            other => other,
        }
    }

    /// Convenience constructor for [`Error::InvalidParameter`].
    pub(crate) fn invalid(
        name: &'static str,
        value: impl std::fmt::Display,
        requirement: &'static str,
    ) -> Self {
        Error::InvalidParameter {
            name,
            value: value.to_string(),
            requirement,
        }
    }
}
