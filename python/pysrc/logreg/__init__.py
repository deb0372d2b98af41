"""Logistic regression backed by the Rust crate `logreg`.

``logreg.LogisticRegression`` is a scikit-learn estimator with scikit-learn
1.9's parameter names and defaults; fits and predictions run in Rust with
the GIL released.
"""

from ._estimator import SOLVERS, LogisticRegression
from ._logreg import FittedModel, Summary, __version__

__all__ = ["LogisticRegression", "FittedModel", "Summary", "SOLVERS", "__version__"]
