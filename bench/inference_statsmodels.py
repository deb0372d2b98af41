"""Times statsmodels 0.15 (and firthmodels) on the data that
`cargo run --release --example inference_timing` writes to
/tmp/logreg_inference_timing.csv (100,000 rows, 20 features, 200 clusters).

    cargo run --release --example inference_timing
    /work/venv/bin/python bench/inference_statsmodels.py
"""
import time
import numpy as np
import statsmodels.api as sm
from firthmodels import FirthLogisticRegression

d = np.loadtxt("/tmp/logreg_inference_timing.csv", delimiter=",")
x, groups, y = d[:, :20], d[:, 20].astype(int), d[:, 21]
X = sm.add_constant(x)


def timed(what, f):
    start = time.perf_counter()
    out = f()
    print(f"{what:<44} {1e3 * (time.perf_counter() - start):>9.1f} ms")
    return out


r = sm.Logit(y, X).fit(disp=0, method="newton", tol=1e-8)
timed("fit + bse (nonrobust)", lambda: sm.Logit(y, X).fit(disp=0, method="newton", tol=1e-8).bse)
timed("fit + bse (HC0)", lambda: sm.Logit(y, X).fit(disp=0, method="newton", tol=1e-8, cov_type="HC0").bse)
timed("fit + bse (cluster)", lambda: sm.Logit(y, X).fit(disp=0, method="newton", tol=1e-8, cov_type="cluster", cov_kwds={"groups": groups}).bse)
timed("get_margeff (overall, dydx)", lambda: r.get_margeff().margeff_se)
timed("get_prediction(all rows).summary_frame", lambda: r.get_prediction(X).summary_frame())
timed("firthmodels fit (gtol=xtol=1e-8)", lambda: FirthLogisticRegression(gtol=1e-8, xtol=1e-8, max_iter=200).fit(x, y))
