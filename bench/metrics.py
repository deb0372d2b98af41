"""scikit-learn's metrics on the arrays of benches/metrics.rs (same integer
formulas): each value and its best time of 5 runs.

    /work/venv/bin/python bench/metrics.py
"""
import time
import numpy as np
from sklearn.metrics import (accuracy_score, brier_score_loss, log_loss,
                             precision_recall_fscore_support, roc_auc_score)


def unit(i, salt):
    return ((i * 2_654_435_761 + salt * 40_503) % 1_000_003) / 1_000_003.0


def best_of_5(f):
    best, out = float("inf"), None
    for _ in range(5):
        t = time.perf_counter()
        out = f()
        best = min(best, time.perf_counter() - t)
    return out, best


n = 1_000_000
i = np.arange(n, dtype=np.int64)
y = (unit(i, 1) < 0.4).astype(np.int64)
p1 = np.round((0.6 * unit(i, 2) + 0.4 * y) * 1000.0) / 1000.0
proba = np.column_stack([1.0 - p1, p1])
pred = (p1 >= 0.5).astype(np.int64)
for name, f in [
    ("roc_auc binary        n=1e6", lambda: roc_auc_score(y, p1)),
    ("log_loss binary       n=1e6", lambda: log_loss(y, proba, labels=[0, 1])),
    ("brier_score binary    n=1e6", lambda: brier_score_loss(y, p1)),
    ("accuracy              n=1e6", lambda: accuracy_score(y, pred)),
    ("precision_recall_f1   n=1e6", lambda: precision_recall_fscore_support(
        y, pred, labels=[0, 1], average="macro", zero_division=0)[2]),
]:
    v, t = best_of_5(f)
    print(f"{name}  {v:.15f}  {t * 1e3:.1f} ms")

m = 300_000
i = np.arange(m, dtype=np.int64)
y3 = (unit(i, 3) * 3.0).astype(np.int64)
proba3 = np.column_stack([unit(i, 4 + j) + np.where(y3 == j, 0.3, 0.0) for j in range(3)])
proba3 /= proba3.sum(axis=1, keepdims=True)
for name, f in [
    ("roc_auc ovr 3 classes n=3e5", lambda: roc_auc_score(y3, proba3, multi_class="ovr",
                                                          labels=[0, 1, 2])),
    ("log_loss 3 classes    n=3e5", lambda: log_loss(y3, proba3, labels=[0, 1, 2])),
]:
    v, t = best_of_5(f)
    print(f"{name}  {v:.15f}  {t * 1e3:.1f} ms")
