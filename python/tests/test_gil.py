"""The GIL is released while the crate fits and predicts: another Python
thread keeps running meanwhile."""

import threading

import numpy as np

from logreg import _logreg

SETTINGS = {
    "c": 1.0,
    "l1_ratio": 0.0,
    "fit_intercept": True,
    "tol": 1e-8,
    "max_iter": 100,
    "solver": "lbfgs",
    "class_weight": None,
    "seed": None,
    "standardize": False,
}


def count_while(call):
    """How many times another thread got the GIL while `call` ran in Rust."""
    running = threading.Event()
    done = threading.Event()
    counter = [0]

    def spin():
        running.wait()
        while not done.is_set():
            counter[0] += 1

    thread = threading.Thread(target=spin)
    thread.start()
    running.set()
    before = counter[0]
    result = call()
    during = counter[0] - before
    done.set()
    thread.join()
    return during, result


def test_fit_and_predict_release_the_gil():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((200_000, 40))
    y = (x[:, 0] + rng.logistic(size=len(x)) > 0).astype(np.int64)
    during_fit, model = count_while(lambda: _logreg.fit(x, y, None, SETTINGS))
    during_predict, _ = count_while(
        lambda: [model.predict_dense(x, "predict_proba") for _ in range(5)]
    )
    # With the GIL held, the spinning thread could only run in the
    # interpreter's few switch points around the call (a handful of counts).
    assert during_fit > 1000, during_fit
    assert during_predict > 1000, during_predict
