"""Times logreg's `fit` example against scikit-learn on the same seeded data
and writes the table to BENCHMARKS.md.

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install -r bench/requirements.txt
    cargo build --release --example fit
    /tmp/venv/bin/python bench/compare.py            # writes BENCHMARKS.md

Data: Gaussian features with neighbouring columns correlated (rho = 0.5),
labels from a noisy linear model (seeded). Every solver gets the same C and
tol; the objective is the crate's, mean loss + alpha/2 ||w||^2 with
alpha = 1/(C n), computed for every solution in numpy, so "objective ratio"
says whether both reached the same optimum. Times are the fit alone (no
loading), the minimum of `--repeats` rounds, each of which runs every
contender once in turn.
"""
import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from functools import partial

# scikit-learn runs on numpy's best OpenBLAS kernel: drop the machine's
# OpenBLAS overrides for this Python process only (the fit example, which
# does not use OpenBLAS, gets the environment as it was).
FIT_ENV = dict(os.environ)
for var in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
    os.environ.pop(var, None)

import numpy as np  # noqa: E402
import sklearn  # noqa: E402
from sklearn.linear_model import LogisticRegression, SGDClassifier  # noqa: E402

FIT = os.path.join("target", "release", "examples", "fit")
ARGS = None  # the parsed command line


def make_data(n, d, k, seed):
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((n, d))
    x = z.copy()
    for j in range(1, d):
        x[:, j] = 0.5 * x[:, j - 1] + np.sqrt(0.75) * z[:, j]
    w = rng.standard_normal((k, d)) / np.sqrt(d)
    scores = x @ w.T + rng.gumbel(size=(n, k))
    y = scores.argmax(axis=1) if k > 2 else (x @ w[0] + rng.logistic(size=n) > 0).astype(np.int64)
    return np.ascontiguousarray(x), y.astype(np.int64)


def objective(x, y, coef, intercept, C):
    n = len(y)
    alpha = 1.0 / (C * n)
    coef = np.atleast_2d(coef)
    eta = x @ coef.T + intercept
    if coef.shape[0] == 1:
        e = eta[:, 0]
        loss = np.logaddexp(0, e) - y * e
    else:
        loss = np.logaddexp.reduce(eta, axis=1) - eta[np.arange(n), y]
    return loss.mean() + 0.5 * alpha * np.sum(coef ** 2)


def run_sklearn(name, x, y, C, tol):
    if name == "sgd":
        model = SGDClassifier(loss="log_loss", alpha=1.0 / (C * len(y)), tol=tol, max_iter=1000, random_state=0)
    else:
        model = LogisticRegression(C=C, tol=tol, solver=name, max_iter=1000)
    start = time.perf_counter()
    model.fit(x, y)
    elapsed = time.perf_counter() - start
    return elapsed, int(np.max(model.n_iter_)), objective(x, y, model.coef_, model.intercept_, C)


def run_logreg(solver, xpath, ypath, x, y, C, tol, f32=False):
    cmd = [ARGS.fit, "--data", xpath, "--target", ypath, "--solver", solver, "--c", repr(C),
           "--tol", repr(tol), "--max-iter", "1000", "--json"] + (["--f32"] if f32 else [])
    out = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True, env=FIT_ENV).stdout)
    # The iterations column shows the objective evaluations (passes over X)
    # beside the iterations: "18 (20)".
    n_iter = f'{out["n_iter"]} ({out["evaluations"]})'
    return out["fit_seconds"], n_iter, objective(x, y, np.array(out["coef"]), np.array(out["intercept"]), C)


def run_python(solver, x, y, C, tol):
    """The Python binding (`pip install ./python`), in this process, on the
    same numpy arrays: the fit example's time plus the binding's overhead."""
    import logreg  # noqa: PLC0415 (only when asked for)

    model = logreg.LogisticRegression(C=C, tol=tol, solver=solver, max_iter=1000)
    start = time.perf_counter()
    model.fit(x, y)
    elapsed = time.perf_counter() - start
    return elapsed, int(np.max(model.n_iter_)), objective(x, y, model.coef_, model.intercept_, C)


def fastest(runs, repeats):
    """Each run's best time over `repeats` rounds, with (iterations,
    objective) from its last fit. Every round runs every contender once, in
    turn: this shared machine's speed drifts by tens of percent over a few
    seconds, and runs done one contender after another measured the drift."""
    best = {}
    for _ in range(repeats):
        for name, run in runs.items():
            seconds, n_iter, obj = run()
            old = best.get(name)
            best[name] = (seconds if old is None else min(old[0], seconds), n_iter, obj)
    return best


def parse_problem(text):
    """'100000x100x2' -> (100000, 100, 2)."""
    n, d, k = (int(v) for v in text.lower().split("x"))
    return n, d, k


def table(rows, C, tol, repeats, command):
    cpu = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    lines = [
        f"- Machine: {platform.machine()}, {cpu} cores, {platform.system()}; Python {platform.python_version()}, "
        f"scikit-learn {sklearn.__version__}, numpy {np.__version__}.",
        f"- Settings: C = {C}, tol = {tol}, max_iter = 1000; time = the fit alone, minimum of {repeats} rounds (each runs every contender once, in turn).",
        f"- Reproduce: `cargo build --release --example fit && {command}` "
        "(in a venv with `pip install -r bench/requirements.txt`).",
        "- objective gap: the solution's objective (mean loss + α/2‖w‖², α = 1/(C·n)) relative to the best "
        "found by any solver on that problem; speed-up: scikit-learn lbfgs time / this time.",
        "",
        "| problem | solver | fit time (s) | iterations (logreg: evaluations) | objective | objective gap | speed-up vs sklearn lbfgs |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for problem, name, seconds, n_iter, obj, gap, speedup in rows:
        lines.append(f"| {problem} | {name} | {seconds:.4f} | {n_iter} | {obj:.10f} | {gap:.1e} | {speedup:.1f}× |")
    return "\n".join(lines) + "\n"


def write_section(path, section, body):
    """Replaces the text between this section's markers (or appends it), so
    the hand-written parts of BENCHMARKS.md survive a rerun."""
    begin, end = f"<!-- compare.py: {section} -->\n", f"<!-- /compare.py: {section} -->\n"
    text = open(path).read() if os.path.exists(path) else "# Benchmarks\n\n"
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        tail = rest.split(end, 1)[1]
        text = head + begin + body + end + tail
    else:
        text = text.rstrip("\n") + "\n\n" + begin + body + end
    with open(path, "w") as f:
        f.write(text)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--output", default="BENCHMARKS.md")
    parser.add_argument("--problems", nargs="*", type=parse_problem,
                        default=[(10_000, 10, 2), (100_000, 20, 2), (100_000, 100, 2), (50_000, 20, 10)],
                        help="n x d x classes, e.g. 1000000x100x2")
    parser.add_argument("--sklearn", nargs="*", default=["lbfgs", "newton-cholesky", "saga", "sgd"])
    parser.add_argument("--logreg", nargs="*", default=["auto", "newton", "lbfgs", "sgd", "adam"])
    parser.add_argument("--python", nargs="*", default=[],
                        help="also time the Python binding (pip install ./python) with these solvers")
    parser.add_argument("--no-f32", action="store_true", help="skip the fit example's --f32 run")
    parser.add_argument("--section", default="main", help="which marked table of --output to replace")
    parser.add_argument("--fit", default=FIT, help="the fit example's binary (e.g. one built from an older commit)")
    global ARGS
    args = ARGS = parser.parse_args()
    C, tol = 1.0, 1e-6
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n, d, k in args.problems:
            x, y = make_data(n, d, k, seed=n + d + k)
            xpath, ypath = os.path.join(tmp, "x.npy"), os.path.join(tmp, "y.npy")
            np.save(xpath, x)
            np.save(ypath, y)
            problem = f"{n:,} × {d}, {k} classes"
            runs = {}
            for solver in args.sklearn:
                runs[f"sklearn {solver}"] = partial(run_sklearn, solver, x, y, C, tol)
            for solver in args.logreg:
                runs[f"logreg {solver}"] = partial(run_logreg, solver, xpath, ypath, x, y, C, tol)
            if not args.no_f32:
                runs["logreg auto --f32"] = partial(run_logreg, "auto", xpath, ypath, x, y, C, tol, f32=True)
            for solver in args.python:
                runs[f"python logreg {solver}"] = partial(run_python, solver, x, y, C, tol)
            results = fastest(runs, args.repeats)
            best_objective = min(r[2] for r in results.values())
            base = results["sklearn lbfgs"][0] if "sklearn lbfgs" in results else float("nan")
            for name, (seconds, n_iter, obj) in results.items():
                rows.append((problem, name, seconds, n_iter, obj, obj / best_objective - 1, base / seconds))
                print(problem, name, f"{seconds:.4f}s", n_iter, f"{obj:.10f}", flush=True)
    command = "python bench/compare.py " + " ".join(sys.argv[1:])
    write_section(args.output, args.section, table(rows, C, tol, args.repeats, command.strip()))
    print("wrote", args.output)


if __name__ == "__main__":
    main()
