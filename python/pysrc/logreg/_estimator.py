"""`logreg.LogisticRegression`: a scikit-learn estimator over the Rust crate.

The class only does the scikit-learn side: parameter and input validation
(scikit-learn's own functions, so the messages are scikit-learn's, except
for NaN and inf in X at fit, which the crate finds and names by row and
column), label encoding, class weights, the deprecated `penalty`, warnings. Fitting and
predicting run in the crate (`logreg._logreg`), with the GIL released.
"""

import numbers
import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state, compute_class_weight
from sklearn.utils._param_validation import Hidden, Interval, StrOptions
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    validate_data,
)

from . import _logreg

#: The crate's solver names (`logreg::solver::by_name`), and scikit-learn
#: spellings that name the same algorithm.
SOLVERS = tuple(_logreg.SOLVERS)
_SOLVER_ALIASES = {"newton-cholesky": "newton"}
_DTYPES = [np.float64, np.float32]


def _encode_labels(y):
    """The sorted classes of labels y and each label's index in them.

    Integer labels of a small range are counted with np.bincount (about
    10 ms for a million labels, where np.unique(return_inverse=True) sorts
    them in 25-60 ms, and scikit-learn's target check finds them once more);
    other labels go through scikit-learn's target check and np.unique.
    """
    if y.dtype.kind in "iu" and y.size > 0:
        low, high = int(y.min()), int(y.max())
        if high - low <= 2 * y.size:
            # In int64, which may wrap (uint64 above 2**63), the offsets
            # from the smallest label are exact: they are small.
            wide = y.astype(np.int64)
            offset = (wide - wide[np.argmin(y)]).astype(np.intp, copy=False)
            present = np.bincount(offset) > 0
            # The same modular arithmetic in y's own type: exact, since
            # every class fits it.
            classes = np.flatnonzero(present).astype(y.dtype) + y.dtype.type(low)
            return classes, (np.cumsum(present) - 1)[offset]
    check_classification_targets(y)
    return np.unique(y, return_inverse=True)


class LogisticRegression(ClassifierMixin, BaseEstimator):
    """Logistic regression fitted by the Rust crate `logreg`.

    Parameters have scikit-learn 1.9's names and defaults, so that
    ``from logreg import LogisticRegression`` replaces scikit-learn's
    estimator: the objective is the same, and so are the coefficients (to
    the solvers' tolerance).

    Parameters
    ----------
    penalty : {"l1", "l2", "elasticnet", None}, deprecated
        Deprecated as in scikit-learn 1.8: use ``l1_ratio`` and ``C``.
    C : float > 0, default=1.0
        Inverse penalty strength; ``np.inf`` fits without a penalty.
    l1_ratio : float in [0, 1], default=0.0
        0 is L2, 1 is L1, in between is elastic net.
    fit_intercept : bool, default=True
    tol : float >= 0, default=1e-4
        Convergence: max |gradient| of the mean objective <= tol.
    max_iter : int >= 0, default=100
    solver : str, default="auto"
        The crate's solvers: "auto", "newton", "lbfgs", "gd", "sgd",
        "adam", "cd", "fista", "saga" ("newton-cholesky" is "newton").
    class_weight : dict, "balanced" or None, default=None
    warm_start : bool, default=False
        Start the next fit from the current coefficients.
    random_state : int, RandomState or None, default=None
        Seeds the stochastic solvers (sgd, adam, saga); None is seed 0,
        so fits are reproducible by default.
    standardize : bool, default=False
        Fit on standardized columns; coefficients are reported on the
        original scale (dense input only).

    Attributes
    ----------
    classes_, coef_, intercept_, n_iter_, n_features_in_, feature_names_in_
        As in scikit-learn.
    diagnostics_ : list of str
        The crate's findings about the fit (e.g. separation).
    """

    _parameter_constraints: dict = {
        "penalty": [
            StrOptions({"l1", "l2", "elasticnet"}),
            None,
            Hidden(StrOptions({"deprecated"})),
        ],
        "C": [Interval(numbers.Real, 0, None, closed="right")],
        "l1_ratio": [Interval(numbers.Real, 0, 1, closed="both")],
        "fit_intercept": ["boolean"],
        "tol": [Interval(numbers.Real, 0, None, closed="left")],
        "max_iter": [Interval(numbers.Integral, 0, None, closed="left")],
        "solver": [StrOptions(set(SOLVERS) | set(_SOLVER_ALIASES))],
        "class_weight": [dict, StrOptions({"balanced"}), None],
        "warm_start": ["boolean"],
        "random_state": ["random_state"],
        "standardize": ["boolean"],
    }

    def __init__(
        self,
        penalty="deprecated",
        *,
        C=1.0,
        l1_ratio=0.0,
        fit_intercept=True,
        tol=1e-4,
        max_iter=100,
        solver="auto",
        class_weight=None,
        warm_start=False,
        random_state=None,
        standardize=False,
    ):
        self.penalty = penalty
        self.C = C
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.tol = tol
        self.max_iter = max_iter
        self.solver = solver
        self.class_weight = class_weight
        self.warm_start = warm_start
        self.random_state = random_state
        self.standardize = standardize

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

    def _strengths(self):
        """(C, l1_ratio) after the deprecated `penalty`, as scikit-learn 1.9 reads them."""
        if self.penalty == "deprecated":
            return float(self.C), float(self.l1_ratio)
        warnings.warn(
            "'penalty' was deprecated in version 1.8 and will be removed in"
            " 1.10. To avoid this warning, leave 'penalty' set to its default"
            " value and use 'l1_ratio' or 'C' instead."
            " Use l1_ratio=0 instead of penalty='l2',"
            " l1_ratio=1 instead of penalty='l1',"
            " l1_ratio set to a float between 0 and 1 instead of"
            " penalty='elasticnet', and C=np.inf instead of penalty=None.",
            FutureWarning,
        )
        if self.penalty is None:
            return np.inf, 0.0
        if self.penalty == "l2":
            return float(self.C), 0.0
        if self.penalty == "l1":
            return float(self.C), 1.0
        return float(self.C), float(self.l1_ratio)

    def _settings(self, classes, y, sample_weight):
        C, l1_ratio = self._strengths()
        class_weight = None
        if self.class_weight is not None:
            class_weight = compute_class_weight(
                self.class_weight, classes=classes, y=y, sample_weight=sample_weight
            ).tolist()
        seed = None
        if self.random_state is not None:
            seed = int(check_random_state(self.random_state).randint(np.iinfo(np.int32).max))
        return {
            "c": C,
            "l1_ratio": l1_ratio,
            "fit_intercept": bool(self.fit_intercept),
            "tol": float(self.tol),
            "max_iter": int(self.max_iter),
            "solver": _SOLVER_ALIASES.get(self.solver, self.solver),
            "class_weight": class_weight,
            "seed": seed,
            "standardize": bool(self.standardize),
        }

    def fit(self, X, y, sample_weight=None):
        """Fit the model to X (n_samples, n_features) and labels y.

        X may be a numpy array (float32 stays float32), a pandas DataFrame
        or a scipy sparse matrix (fitted as CSR without densifying).
        """
        self._validate_params()
        # The crate checks that X is finite (naming the row and column of
        # the first NaN or inf) in a parallel pass: scikit-learn's check
        # would read X once more (30-40 ms of a 1e6 x 100 fit).
        X, y = validate_data(
            self, X, y, accept_sparse="csr", dtype=_DTYPES, ensure_all_finite=False
        )
        classes, y_encoded = _encode_labels(y)
        if classes.shape[0] < 2:
            raise ValueError(
                "This solver needs samples of at least 2 classes in the data, but the"
                f" data contains only one class: {classes[0]!r}"
            )
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, X, dtype=X.dtype)
        settings = self._settings(classes, y, sample_weight)
        warm = getattr(self, "_model", None) if self.warm_start else None
        if warm is not None and (warm.dtype != X.dtype.name or len(self.classes_) != len(classes)):
            warm = None
        y_encoded = np.ascontiguousarray(y_encoded, dtype=np.int64)
        if sp.issparse(X):
            data, indices, indptr = _csr_parts(X)
            model = _logreg.fit_csr(
                data, indices, indptr, X.shape, y_encoded, sample_weight, settings, warm
            )
        else:
            model = _logreg.fit(X, y_encoded, sample_weight, settings, warm)
        self._model = model
        self.classes_ = classes
        self.coef_ = model.coef.astype(X.dtype, copy=False)
        self.intercept_ = model.intercept.astype(X.dtype, copy=False)
        reports = model.reports
        self.n_iter_ = np.array([r[0] for r in reports], dtype=np.int32)
        self.diagnostics_ = list(model.diagnostics)
        unconverged = [r for r in reports if not r[1]]
        if unconverged:
            iterations, _, termination = unconverged[0]
            if termination == "Separation":
                warnings.warn(
                    "logreg: the classes are (quasi-)separated, so the unpenalized"
                    " maximum-likelihood estimate does not exist (coefficients diverge):"
                    " fit with a finite C. " + "; ".join(self.diagnostics_),
                    ConvergenceWarning,
                )
                return self
            warnings.warn(
                f"logreg: solver {settings['solver']!r} did not converge"
                f" ({termination} after {iterations} iterations, max_iter={self.max_iter},"
                f" tol={self.tol}). Increase max_iter, or scale the data"
                " (e.g. standardize=True).",
                ConvergenceWarning,
            )
        return self

    def _check_X(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, accept_sparse="csr", dtype=_DTYPES, reset=False)
        dtype = np.dtype(self._model.dtype)
        if sp.issparse(X):
            return X.astype(dtype, copy=False)
        return X.astype(dtype, copy=False)

    def _output(self, X, output):
        X = self._check_X(X)
        if sp.issparse(X):
            data, indices, indptr = _csr_parts(X)
            return self._model.predict_csr(data, indices, indptr, X.shape, output)
        return self._model.predict_dense(X, output)

    def decision_function(self, X):
        """Scores x·w + b: shape (n_samples,) for two classes, else (n_samples, n_classes)."""
        scores = self._output(X, "decision_function")
        return scores.ravel() if scores.shape[1] == 1 else scores

    def predict_proba(self, X):
        """Class probabilities, (n_samples, n_classes), columns in `classes_` order."""
        return self._output(X, "predict_proba")

    def predict_log_proba(self, X):
        """Log-probabilities, computed stably (not log of predict_proba)."""
        return self._output(X, "predict_log_proba")

    def predict(self, X):
        """The most likely class of each row."""
        X = self._check_X(X)
        if sp.issparse(X):
            data, indices, indptr = _csr_parts(X)
            scores = self._model.predict_csr(data, indices, indptr, X.shape, "decision_function")
            codes = (scores[:, 0] > 0).astype(np.intp) if scores.shape[1] == 1 else scores.argmax(1)
        else:
            codes = self._model.predict_labels(X)
        return self.classes_[codes]

    def summary(self, X, y, sample_weight=None):
        """The statsmodels-style summary of the fit on (X, y).

        ``print(model.summary(X, y))`` shows the table; the returned object
        also holds the numbers: ``params``, ``bse``, ``tvalues``, ``pvalues``,
        ``conf_int(alpha)``, ``odds_ratios``, ``llf``, ``llnull``, ``llr``,
        ``llr_pvalue``, ``aic``, ``bic``, ``prsquared``, ``nobs``. Rows are
        the model's coefficient rows; column 0 is the intercept.
        """
        X = self._check_X(X)
        if sp.issparse(X):
            X = X.toarray()
        y = np.asarray(y)
        if y.ndim != 1 or y.shape[0] != X.shape[0]:
            raise ValueError(
                f"y must be 1-D with one label per row of X ({X.shape[0]}), got shape {y.shape}"
            )
        codes = np.searchsorted(self.classes_, y)
        codes = np.clip(codes, 0, len(self.classes_) - 1)
        unknown = self.classes_[codes] != y
        if np.any(unknown):
            raise ValueError(
                f"y holds labels the model was not fitted with: {np.unique(y[unknown])!r}"
            )
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, X, dtype=np.float64)
        names = getattr(self, "feature_names_in_", None)
        names = None if names is None else [str(n) for n in names]
        return self._model.summary(X, codes.astype(np.int64), sample_weight, names)


def _csr_parts(X):
    """data, indices and indptr of a CSR matrix in canonical form, indices as uintp."""
    X = X.tocsr()
    if not X.has_canonical_format:
        X = X.copy()
        X.sum_duplicates()
    return (
        np.ascontiguousarray(X.data),
        np.ascontiguousarray(X.indices, dtype=np.uintp),
        np.ascontiguousarray(X.indptr, dtype=np.uintp),
    )
