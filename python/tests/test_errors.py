"""Bad input gives a clear ValueError (or TypeError), never a crash."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import load_iris
from sklearn.exceptions import NotFittedError

from logreg import LogisticRegression

X, Y = load_iris(return_X_y=True)


def test_nan_and_inf():
    bad = X.copy()
    bad[3, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        LogisticRegression().fit(bad, Y)
    model = LogisticRegression().fit(X, Y)
    bad[3, 1] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        model.predict(bad)
    with pytest.raises(ValueError, match="NaN"):
        LogisticRegression().fit(X, Y, sample_weight=np.full(len(Y), np.nan))
    # The crate checks X at fit, naming the first bad entry; sparse too.
    bad[3, 1] = np.inf
    with pytest.raises(ValueError, match=r"non-finite value \(NaN or ±inf\) at row 3, column 1"):
        LogisticRegression().fit(bad.astype(np.float32), Y)
    with pytest.raises(ValueError, match="at row 3, column 1"):
        LogisticRegression().fit(sp.csr_matrix(bad), Y)


def test_wrong_shapes():
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        LogisticRegression().fit(X, Y[:-1])
    with pytest.raises(ValueError, match="Expected 2D array"):
        LogisticRegression().fit(X[:, 0], Y)
    model = LogisticRegression().fit(X, Y)
    with pytest.raises(ValueError, match="X has 3 features, but LogisticRegression is expecting 4"):
        model.predict(X[:, :3])
    with pytest.raises(ValueError, match="X has 3 features"):
        model.predict_proba(sp.csr_matrix(X[:, :3]))
    with pytest.raises(ValueError, match="sample_weight"):
        LogisticRegression().fit(X, Y, sample_weight=np.ones(3))
    with pytest.raises(ValueError, match="0 sample"):
        LogisticRegression().fit(X[:0], Y[:0])


def test_one_class_and_bad_labels():
    with pytest.raises(ValueError, match="only one class"):
        LogisticRegression().fit(X, np.zeros(len(Y)))
    with pytest.raises(ValueError, match="Unknown label type"):
        LogisticRegression().fit(X, np.linspace(0, 1, len(Y)))
    # Zero weights that remove a class: the crate's message.
    w = np.where(Y == 0, 0.0, 1.0)
    with pytest.raises(ValueError, match="class"):
        LogisticRegression().fit(X[Y < 2], Y[Y < 2], sample_weight=w[Y < 2])
    with pytest.raises(ValueError, match="at least one non-zero"):
        LogisticRegression().fit(X, Y, sample_weight=np.zeros(len(Y)))
    with pytest.raises(ValueError, match="negative"):
        LogisticRegression().fit(X, Y, sample_weight=-np.ones(len(Y)))


def test_strings_where_numbers_belong():
    words = X.astype(str).astype(object)
    words[0, 0] = "abc"
    with pytest.raises(ValueError, match="could not convert string to float"):
        LogisticRegression().fit(words, Y)
    # Strings as labels are fine.
    names = np.array(["a", "b", "c"])[Y]
    assert LogisticRegression().fit(X, names).predict(X[:1]).tolist() == ["a"]


@pytest.mark.parametrize(
    "params, message",
    [
        (dict(C=-1.0), "'C' parameter"),
        (dict(C=0.0), "'C' parameter"),
        (dict(l1_ratio=1.5), "'l1_ratio' parameter"),
        (dict(tol=-1.0), "'tol' parameter"),
        (dict(max_iter=-1), "'max_iter' parameter"),
        (dict(max_iter=2.5), "'max_iter' parameter"),
        (dict(solver="liblinear"), "'solver' parameter"),
        (dict(class_weight="unbalanced"), "'class_weight' parameter"),
        (dict(penalty="l3"), "'penalty' parameter"),
        (dict(fit_intercept="yes"), "'fit_intercept' parameter"),
        (dict(C="one"), "'C' parameter"),
        (dict(solver="newton", l1_ratio=1.0), "cannot fit an L1"),
        (dict(class_weight={7: 1.0}), "not in class_weight"),
    ],
)
def test_bad_hyper_parameters(params, message):
    with pytest.raises(ValueError, match=message):
        LogisticRegression(**params).fit(X, Y)


def test_standardize_on_sparse_is_refused_with_reason():
    with pytest.raises(ValueError, match="densify"):
        LogisticRegression(standardize=True).fit(sp.csr_matrix(X), Y)


def test_not_fitted():
    with pytest.raises(NotFittedError):
        LogisticRegression().predict(X)


def test_summary_with_unknown_labels():
    model = LogisticRegression().fit(X, Y)
    with pytest.raises(ValueError, match="not fitted with"):
        model.summary(X, Y + 1)
