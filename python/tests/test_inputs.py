"""Inputs: numpy float64/float32 in C or F order, pandas, scipy CSR,
string labels, warm starts, pickling, summaries."""

import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.datasets import load_breast_cancer, load_iris
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

from logreg import LogisticRegression


@pytest.fixture(scope="module")
def iris():
    return load_iris(return_X_y=True)


@pytest.fixture(scope="module")
def cancer():
    X, y = load_breast_cancer(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def test_float32_stays_float32(iris):
    X, y = iris
    m64 = LogisticRegression(tol=1e-8).fit(X, y)
    m32 = LogisticRegression(tol=1e-4).fit(X.astype(np.float32), y)
    assert m32.coef_.dtype == np.float32 and m64.coef_.dtype == np.float64
    assert m32.predict_proba(X.astype(np.float32)).dtype == np.float32
    np.testing.assert_allclose(m32.coef_, m64.coef_, atol=1e-3)
    # A float64 X on a float32 model is converted, not refused.
    assert m32.predict(X).tolist() == m32.predict(X.astype(np.float32)).tolist()


def test_every_label_encoding_gives_the_same_fit(iris):
    # Small-range integers are counted, others (a huge range, strings,
    # bools) go through np.unique: every path gives the same classes, in
    # the same sorted order, and the same coefficients.
    X, y = iris
    reference = LogisticRegression(tol=1e-8).fit(X, y)
    names = np.array(["setosa", "versicolor", "virginica"])
    for labels in [
        (y * 7 - 5).astype(np.int8),
        (y * 100 - 100).astype(np.int8),  # offsets (200) that overflow int8
        y.astype(np.uint64) + np.uint64(2**64 - 3),  # above int64's range
        y.astype(np.uint16) + 3,
        y.astype(np.int64) * 2**40 - 2**62,
        names[y],
    ]:
        model = LogisticRegression(tol=1e-8).fit(X, labels)
        np.testing.assert_array_equal(model.classes_, np.unique(labels))
        assert model.classes_.dtype == labels.dtype
        np.testing.assert_array_equal(model.coef_, reference.coef_)
        np.testing.assert_array_equal(model.predict(X), np.unique(labels)[reference.predict(X)])
    binary = LogisticRegression().fit(X, y == 2)
    np.testing.assert_array_equal(binary.classes_, [False, True])


def test_fortran_order_and_pandas_equal_c_order(iris):
    X, y = iris
    ref = LogisticRegression(tol=1e-10).fit(X, y)
    fortran = LogisticRegression(tol=1e-10).fit(np.asfortranarray(X), y)
    np.testing.assert_allclose(fortran.coef_, ref.coef_, atol=1e-12)
    names = ["sepal length", "sepal width", "petal length", "petal width"]
    frame = pd.DataFrame(X, columns=names)
    labels = pd.Series(np.array(["setosa", "versicolor", "virginica"])[y])
    model = LogisticRegression(tol=1e-10).fit(frame, labels)
    assert model.feature_names_in_.tolist() == names
    assert model.classes_.tolist() == ["setosa", "versicolor", "virginica"]
    np.testing.assert_allclose(model.coef_, ref.coef_, atol=1e-12)
    assert (model.predict(frame) == labels.to_numpy()).mean() == ref.score(X, y)


def test_csr_equals_dense(cancer):
    X, y = cancer
    X = np.where(np.abs(X) < 0.5, 0.0, X)  # a sparse-ish matrix
    w = np.linspace(0.5, 2.0, len(y))
    dense = LogisticRegression(tol=1e-10).fit(X, y, sample_weight=w)
    for matrix in (sp.csr_matrix(X), sp.csr_array(X), sp.csc_matrix(X)):
        sparse = LogisticRegression(tol=1e-10).fit(matrix, y, sample_weight=w)
        np.testing.assert_allclose(sparse.coef_, dense.coef_, atol=1e-8)
        np.testing.assert_allclose(sparse.predict_proba(matrix), dense.predict_proba(X), atol=1e-10)
        np.testing.assert_array_equal(sparse.predict(matrix), dense.predict(X))
    # Unsorted indices and duplicates are put in canonical form first.
    coo = sp.coo_matrix(X)
    rows = np.concatenate([coo.row, coo.row[:10]])
    cols = np.concatenate([coo.col, coo.col[:10]])
    vals = np.concatenate([coo.data * 0.5, coo.data[:10] * 0.5])
    vals[10 : len(coo.data)] *= 2.0  # entries 0..9 are split in two halves
    messy = sp.csr_matrix((vals, (rows, cols)), shape=X.shape)
    np.testing.assert_allclose(messy.toarray(), X)
    np.testing.assert_allclose(dense.decision_function(messy), dense.decision_function(X), atol=1e-10)


def test_pickle_round_trip(iris, cancer):
    for X, y in (iris, cancer):
        for dtype in (np.float64, np.float32):
            Xd = X.astype(dtype)
            model = LogisticRegression().fit(Xd, y)
            again = pickle.loads(pickle.dumps(model))
            np.testing.assert_array_equal(again.predict_proba(Xd), model.predict_proba(Xd))
            np.testing.assert_array_equal(again.coef_, model.coef_)
            assert again.get_params() == model.get_params()
            assert again._model.to_json() == model._model.to_json()


def test_warm_start_continues(cancer):
    X, y = cancer
    cold = LogisticRegression(tol=1e-10).fit(X, y)
    warm = LogisticRegression(tol=1e-10, warm_start=True).fit(X, y)
    warm.fit(X, y)
    assert warm.n_iter_[0] <= 1 < cold.n_iter_[0]
    np.testing.assert_allclose(warm.coef_, cold.coef_, atol=1e-8)


def test_convergence_warning(cancer):
    X, y = load_breast_cancer(return_X_y=True)
    with pytest.warns(ConvergenceWarning, match="did not converge"):
        LogisticRegression(solver="gd", max_iter=3).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        LogisticRegression().fit(*cancer)


def test_deprecated_penalty_warns_and_maps(cancer):
    X, y = cancer
    with pytest.warns(FutureWarning, match="'penalty' was deprecated"):
        old = LogisticRegression(penalty="l1", C=0.5, tol=1e-10).fit(X, y)
    new = LogisticRegression(l1_ratio=1.0, C=0.5, tol=1e-10).fit(X, y)
    np.testing.assert_array_equal(old.coef_, new.coef_)
    assert np.sum(new.coef_ == 0) > 0
    with pytest.warns(FutureWarning):
        none = LogisticRegression(penalty=None, tol=1e-10).fit(X[:, :3], y)
    unpenalized = LogisticRegression(C=np.inf, tol=1e-10).fit(X[:, :3], y)
    np.testing.assert_array_equal(none.coef_, unpenalized.coef_)


def test_summary_numbers_and_table():
    X, y = load_breast_cancer(return_X_y=True, as_frame=True)
    X = X.iloc[:, :3]
    model = LogisticRegression(C=np.inf, tol=1e-10).fit(X, y)
    summary = model.summary(X, y)
    table = str(summary)
    assert "mean radius" in table and "intercept" in table
    assert summary.params.shape == (1, 4)
    np.testing.assert_allclose(summary.params[0, 1:], model.coef_[0], atol=1e-12)
    lo, hi = summary.conf_int(0.05)
    assert np.all(lo < summary.params) and np.all(summary.params < hi)
    assert summary.nobs == len(y) and summary.llf < 0 and 0 < summary.prsquared < 1
    assert summary.converged and not summary.penalized


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_stochastic_solvers_are_seeded(cancer):
    X, y = cancer
    a = LogisticRegression(solver="sgd", random_state=3, max_iter=5).fit(X, y)
    b = LogisticRegression(solver="sgd", random_state=3, max_iter=5).fit(X, y)
    c = LogisticRegression(solver="sgd", random_state=4, max_iter=5).fit(X, y)
    np.testing.assert_array_equal(a.coef_, b.coef_)
    assert np.any(a.coef_ != c.coef_)
