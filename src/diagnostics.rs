//! Separation diagnostics for unpenalized fits, where the maximum-likelihood
//! estimate may not exist.

use crate::Float;
use crate::objective::Objective;
use crate::solver::{Newton, NoObserver, Solver, StopRule};
use ndarray::{Array1, ArrayView2, Axis};

/// A problem found in a fit, as a value.
///
/// ```
/// use logreg::{Diagnostic, Error, LogisticRegression, Penalty, Termination};
/// use ndarray::array;
/// let x = array![[0.0_f64, 5.0], [1.0, 3.0], [2.0, 4.0], [3.0, 3.0]];
/// let y = array![0, 0, 1, 1]; // the first feature alone separates the classes
/// let model = LogisticRegression::new().penalty(Penalty::None).fit(&x, &y)?;
/// assert_eq!(model.report().termination, Termination::Separation);
/// match &model.diagnostics()[0] {
///     Diagnostic::CompleteSeparation { features } => assert!(features.contains(&0)),
///     other => panic!("expected complete separation, got {other:?}"),
/// }
/// // No maximum-likelihood estimate, hence no standard errors.
/// assert!(matches!(model.summary(&x, &y), Err(Error::PerfectSeparation { .. })));
/// # Ok::<(), logreg::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Diagnostic {
    /// A hyperplane classifies every row correctly: the unpenalized
    /// maximum-likelihood estimate does not exist and the coefficients of
    /// `features` diverge. Fit with a penalty.
    CompleteSeparation {
        /// 0-based indices of the features that carry the separation.
        features: Vec<usize>,
    },
    /// Some rows (`rows` of them) are perfectly predicted and the
    /// coefficients of `features` diverge while the loss flattens.
    QuasiSeparation {
        /// 0-based indices of the features that carry the separation.
        features: Vec<usize>,
        /// Number of perfectly predicted rows.
        rows: usize,
    },
}

impl Diagnostic {
    /// The diagnostic as a sentence, naming each feature by `names[j]`
    /// (its index when `names` has no entry for it).
    ///
    /// ```
    /// use logreg::Diagnostic;
    /// let found = Diagnostic::QuasiSeparation { features: vec![1], rows: 3 };
    /// let said = found.describe(&["dose".to_string(), "age".to_string()]);
    /// assert!(said.starts_with("quasi-complete separation: 3 rows are predicted perfectly"), "{said}");
    /// assert!(said.contains("age"));
    /// ```
    pub fn describe(&self, names: &[String]) -> String {
        let named = |features: &[usize]| -> String {
            features
                .iter()
                .map(|&j| names.get(j).cloned().unwrap_or_else(|| format!("[{j}]")))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match self {
            Diagnostic::CompleteSeparation { features } => format!(
                "complete separation: a hyperplane classifies every row; the coefficients of {} \
                 diverge and the maximum-likelihood estimate does not exist (fit with a penalty)",
                named(features)
            ),
            Diagnostic::QuasiSeparation { features, rows } => format!(
                "quasi-complete separation: {rows} rows are predicted perfectly and the \
                 coefficients of {} diverge; their estimates and standard errors are not \
                 meaningful (fit with a penalty)",
                named(features)
            ),
        }
    }
}

/// The sentence of [`Diagnostic::describe`], naming features `x0`, `x1`, …
/// (the model's
/// [`describe_diagnostics`](crate::FittedLogisticRegression::describe_diagnostics)
/// uses its feature names).
///
/// ```
/// use logreg::Diagnostic;
/// let found = Diagnostic::CompleteSeparation { features: vec![0, 2] };
/// assert!(found.to_string().contains("coefficients of x0, x2 diverge"));
/// ```
impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let largest = match self {
            Diagnostic::CompleteSeparation { features }
            | Diagnostic::QuasiSeparation { features, .. } => {
                features.iter().max().map_or(0, |m| m + 1)
            }
        };
        let names: Vec<String> = (0..largest).map(|j| format!("x{j}")).collect();
        f.write_str(&self.describe(&names))
    }
}

/// Newton steps taken past the fit to see whether the coefficients diverge.
const EXTRA_STEPS: usize = 40;

/// Checks an unpenalized fit for separation.
///
/// `margins(params)` gives each row's signed margin (the log-odds of its own
/// class against the best other), positive when the row is classified
/// correctly. Complete separation is exact: every margin positive means a
/// separating hyperplane exists. Otherwise the fit is continued with Newton
/// for a bounded number of steps: a finite optimum barely moves, while under
/// quasi-complete separation the parameters keep growing (about one logit per
/// step) and rows become perfectly predicted; the features with the largest
/// scaled growth are named.
pub(crate) fn check_separation<F: Float>(
    objective: &dyn Objective<F>,
    params: &Array1<F>,
    x: ArrayView2<'_, F>,
    coef_of: impl Fn(&Array1<F>) -> Array1<F>,
    margins: impl Fn(&Array1<F>) -> Array1<F>,
) -> Option<Diagnostic> {
    let scale = x.std_axis(Axis(0), F::zero());
    let named = |direction: &Array1<F>| -> Vec<usize> {
        let coef = coef_of(direction);
        let d = scale.len();
        let size: Vec<F> = (0..d)
            .map(|j| {
                (0..coef.len() / d)
                    .map(|r| (coef[r * d + j] * scale[j]).abs())
                    .fold(F::zero(), F::max)
            })
            .collect();
        let largest = size.iter().copied().fold(F::zero(), F::max);
        (0..d)
            .filter(|&j| largest > F::zero() && size[j] >= F::from_f64_lossy(0.01) * largest)
            .collect()
    };
    if margins(params).iter().all(|&m| m > F::zero()) {
        return Some(Diagnostic::CompleteSeparation {
            features: named(params),
        });
    }
    let stop = StopRule::new(F::epsilon(), EXTRA_STEPS).ok()?;
    let extended = Newton::new()
        .minimize(objective, params.clone(), &stop, &mut NoObserver)
        .ok()?
        .params;
    // A row is perfectly predicted when its own class has probability within
    // ~1e-10 of one.
    let perfect = F::from_f64_lossy(23.0);
    let count_perfect = |p: &Array1<F>| margins(p).iter().filter(|&&m| m > perfect).count();
    let rows = count_perfect(&extended);
    let norm = |v: &Array1<F>| v.fold(F::zero(), |m, &x| m.max(x.abs()));
    let grew = norm(&coef_of(&extended)) > F::from_f64_lossy(2.0) * norm(&coef_of(params));
    // A fit run to a very tight tolerance may already sit so far out that the
    // extension cannot move in floating point: rows that were perfectly
    // predicted before the extension count as well.
    if rows == 0 || !(grew || count_perfect(params) > 0) {
        return None;
    }
    Some(Diagnostic::QuasiSeparation {
        features: named(&(&extended - params)),
        rows,
    })
}
