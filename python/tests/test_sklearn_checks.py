"""scikit-learn's own estimator checks over logreg.LogisticRegression."""

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from logreg import LogisticRegression

# The checks' data are unscaled and max_iter is 100: FISTA may stop before
# tol there and says so, as scikit-learn's solvers do.
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

# Checks expected to fail, with the reason (none at the moment).
EXPECTED_FAILED_CHECKS = {}


@parametrize_with_checks(
    [LogisticRegression(), LogisticRegression(solver="fista", l1_ratio=0.5, C=0.5)],
    expected_failed_checks=lambda estimator: EXPECTED_FAILED_CHECKS,
)
def test_sklearn_compatible(estimator, check):
    check(estimator)
