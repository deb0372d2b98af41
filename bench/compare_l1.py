"""Times logreg's lasso path and cross-validation against scikit-learn on the
same seeded data and grid, and writes the table to BENCHMARKS.md.

    cargo build --release --example fit
    /tmp/venv/bin/python bench/compare_l1.py        # section "l1" of BENCHMARKS.md

Data: bench/compare.py's `make_data` (correlated Gaussian features, labels
from a noisy linear model), binary. The grid: `--n-alphas` values from
alpha_max (every coefficient zero) down to alpha_max * `--min-ratio`, log-spaced,
computed here and given to both sides. The crate's alpha is scikit-learn's
1/(C n_train), so with equal fold sizes both cross-validations fit exactly the
same objectives.

- path: logreg's `path` (warm starts, strong rules, coordinate descent)
  against scikit-learn's documented way to trace an L1 path, a loop over C
  with `warm_start=True`, here with saga (liblinear would penalize the
  intercept, a different objective). The objective gap is the largest over the grid of
  (sklearn's objective - logreg's) / logreg's, both evaluated here.
- cv: `fit --cv K` (folds in parallel) against `LogisticRegressionCV(Cs=...,
  cv=StratifiedKFold(K), solver="saga", l1_ratios=(1.0,), n_jobs=2)`.

With `--bow` (section "l1_wide" of BENCHMARKS.md) it times instead, on
generated bag-of-words data (`make_bow`: log(1 + count) features, Zipf word
frequencies), the `--n-alphas` lasso path from alpha_max down to
alpha_max * `--min-ratio` (the grid of `Alphas::auto`), dense and CSR, and
the same alphas as separate fits, against scikit-learn liblinear's separate
fits in the same run (liblinear penalizes its intercept: comparable time,
not coefficients):

    cargo build --release --example l1_path
    /work/venv/bin/python bench/compare_l1.py --bow --n 1500 --d 3000 --n-alphas 8 --min-ratio 1e-4

With `--bow-large` (section "l1_wide_large") the data are generated as CSR
(`make_bow_csr`, for 20,000 × 50,000 and beyond) and it times `path_csr`,
liblinear's separate fits, and a `--folds`-fold `CrossValidation::fit_csr`
over 20 alphas with its peak memory, once per `--cv-tols` value (the tight
reference path can be kept between runs with `--reference-cache FILE`):

    /work/venv/bin/python bench/compare_l1.py --bow-large --n 20000 --d 50000 --words 100 \
        --n-alphas 8 --min-ratio 1e-4 --logreg-tol 1e-6
"""
import argparse
import json
import subprocess
import sys
import tempfile
import time
import os

sys.path.insert(0, os.path.dirname(__file__))
from compare import FIT, FIT_ENV, make_data, write_section  # noqa: E402

import numpy as np  # noqa: E402
import platform  # noqa: E402
import sklearn  # noqa: E402
import warnings  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.linear_model import LogisticRegression, LogisticRegressionCV  # noqa: E402
from sklearn.model_selection import StratifiedKFold  # noqa: E402


def run_header():
    """The command that reproduces this run, and the report's machine line."""
    cpu = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    command = ("python bench/compare_l1.py " + " ".join(sys.argv[1:])).strip()
    machine = (f"- Machine: {platform.machine()}, {cpu} cores shared with other builds (noisy); Python "
               f"{platform.python_version()}, scikit-learn {sklearn.__version__}, numpy {np.__version__}.")
    return command, machine


def bow_labels(x, d, rng):
    """Labels from 50 words with normal weights (scale 1.5) and logistic
    noise, split at the median score."""
    w = np.zeros(d)
    chosen = rng.choice(d, size=50, replace=False)
    w[chosen] = rng.standard_normal(50) * 1.5
    eta = x @ w
    return (eta - np.median(eta) + rng.logistic(size=x.shape[0]) > 0).astype(np.int64)


def lasso_objective(x, y, coef, intercept, alpha):
    eta = x @ np.ravel(coef) + float(np.ravel(intercept)[0])
    return np.mean(np.logaddexp(0, eta) - y * eta) + alpha * np.abs(coef).sum()


def alpha_grid(x, y, n_alphas, min_ratio):
    top = np.max(np.abs(x.T @ (y.mean() - y))) / len(y)
    return top * np.geomspace(1.0, min_ratio, n_alphas)


def sklearn_path(x, y, alphas, tol):
    n = len(y)
    model = LogisticRegression(solver="saga", l1_ratio=1.0, tol=tol, max_iter=100_000, warm_start=True)
    objectives = []
    start = time.perf_counter()
    for alpha in alphas:
        model.set_params(C=1.0 / (alpha * n))
        model.fit(x, y)
        objectives.append(lasso_objective(x, y, model.coef_, model.intercept_, alpha))
    return time.perf_counter() - start, np.array(objectives)


def sklearn_cv(x, y, alphas, folds, tol):
    n_train = len(y) * (folds - 1) // folds
    model = LogisticRegressionCV(
        Cs=list(1.0 / (alphas * n_train)), cv=StratifiedKFold(folds), solver="saga", l1_ratios=(1.0,),
        tol=tol, max_iter=100_000, scoring="neg_log_loss", n_jobs=2)
    start = time.perf_counter()
    model.fit(x, y)
    elapsed = time.perf_counter() - start
    best_alpha = 1.0 / (float(np.ravel(model.C_)[0]) * n_train)
    return elapsed, best_alpha


def run_fit(args):
    out = subprocess.run([FIT] + args + ["--json"], check=True, capture_output=True, text=True, env=FIT_ENV)
    return json.loads(out.stdout)


L1_PATH = os.path.join("target", "release", "examples", "l1_path")


def make_bow(n, d, words_per_row, seed):
    """Counts of Zipf-distributed words, log(1 + count); labels from a
    sparse linear model of 50 words."""
    rng = np.random.default_rng(seed)
    freq = 1.0 / np.arange(1, d + 1) ** 1.1
    freq /= freq.sum()
    lengths = rng.poisson(words_per_row * 1.25, size=n) + 1
    x = np.zeros((n, d))
    for i in range(n):
        words = rng.choice(d, size=lengths[i], p=freq)
        np.add.at(x[i], words, 1.0)
    x = np.log1p(x)
    return x, bow_labels(x, d, rng)


def liblinear_fits(x, y, alphas, tol):
    n = len(y)
    start = time.perf_counter()
    nonzero = []
    for alpha in alphas:
        model = LogisticRegression(penalty="l1", solver="liblinear", C=1.0 / (alpha * n), tol=tol)
        model.fit(x, y)
        nonzero.append(int(np.count_nonzero(model.coef_)))
    return time.perf_counter() - start, nonzero


def run_l1_path(args):
    out = subprocess.run([L1_PATH] + args, check=True, capture_output=True, text=True, env=FIT_ENV)
    return json.loads(out.stdout)


def main_bow(args):
    import scipy.sparse as sp
    x, y = make_bow(args.n, args.d, args.words, seed=0)
    alphas = alpha_grid(x, y, args.n_alphas, args.min_ratio)
    density = np.count_nonzero(x) / x.size
    times = {}
    with tempfile.TemporaryDirectory() as tmp:
        xpath, ypath = os.path.join(tmp, "x.npy"), os.path.join(tmp, "y.npy")
        np.save(xpath, x)
        np.save(ypath, y)
        data = ["--data", xpath, "--target", ypath, "--alphas", ",".join(repr(float(a)) for a in alphas)]
        common = data + ["--tol", repr(args.logreg_tol)]
        for name, extra in [("path dense", []), ("path CSR", ["--csr"]),
                            ("separate dense", ["--separate"]), ("separate CSR", ["--csr", "--separate"])]:
            times[name] = min((run_l1_path(common + extra) for _ in range(args.repeats)),
                              key=lambda o: o["fit_seconds"])
            print(name, times[name], file=sys.stderr)
        tight = run_l1_path(data + ["--csr", "--separate", "--tol", "1e-10"])
    xs = sp.csr_matrix(x)
    lib_dense = min((liblinear_fits(x, y, alphas, args.tol) for _ in range(args.repeats)), key=lambda r: r[0])
    lib_csr = min((liblinear_fits(xs, y, alphas, args.tol) for _ in range(args.repeats)), key=lambda r: r[0])
    reference = np.array(tight["objective"])
    command, machine = run_header()
    lines = [
        machine,
        f"- Data: `make_bow({args.n}, {args.d}, {args.words}, seed=0)` (bench/compare_l1.py), density "
        f"{density:.3%}; L1; {args.n_alphas} alphas from alpha_max = {alphas[0]:.4g} down to {alphas[-1]:.4g}, "
        f"log-spaced; logreg tol {args.logreg_tol} (max subgradient), liblinear tol {args.tol} (its own "
        f"criterion; its intercept is penalized, so times compare, coefficients do not); time = minimum of "
        f"{args.repeats} runs.",
        f"- Reproduce: `cargo build --release --example l1_path && {command}`.",
        "- Objective gap: largest over the grid of (objective − reference) / reference, the reference being "
        "logreg's separate CSR fits at tol 1e-10.",
        "",
        "| task | seconds | vs liblinear (same input) | largest objective gap | iterations per alpha |",
        "|---|---:|---:|---:|---|",
        f"| liblinear, {args.n_alphas} separate fits, dense | {lib_dense[0]:.3f} | 1 | | |",
        f"| liblinear, {args.n_alphas} separate fits, CSR | {lib_csr[0]:.3f} | 1 | | |",
    ]
    for name, result in times.items():
        lib = lib_csr[0] if "CSR" in name else lib_dense[0]
        gap = np.max((np.array(result["objective"]) - reference) / np.abs(reference))
        lines.append(f"| logreg {name} | {result['fit_seconds']:.3f} | {result['fit_seconds'] / lib:.2f}× | "
                     f"{gap:.1e} | {result['iterations']} |")
    lines += ["", f"Non-zeros per alpha: logreg {tight['n_nonzero']}, liblinear {lib_csr[1]}."]
    body = "\n".join(lines) + "\n"
    print(body)
    write_section(args.output, "l1_wide", body)


def make_bow_csr(n, d, words_per_row, seed):
    """`make_bow` built directly as CSR (for sizes whose dense array would
    not fit in memory): the same distribution, not the same draws."""
    import scipy.sparse as sp
    rng = np.random.default_rng(seed)
    freq = 1.0 / np.arange(1, d + 1) ** 1.1
    freq /= freq.sum()
    lengths = rng.poisson(words_per_row * 1.25, size=n) + 1
    words = rng.choice(d, size=int(lengths.sum()), p=freq)
    rows = np.repeat(np.arange(n), lengths)
    x = sp.csr_matrix((np.ones(len(words)), (rows, words)), shape=(n, d))
    x.sum_duplicates()
    x.data = np.log1p(x.data)
    return x, bow_labels(x, d, rng)


def timed_rss(command):
    """Runs `command` under /usr/bin/time -v: its JSON output and peak RSS (MiB)."""
    out = subprocess.run(["/usr/bin/time", "-v"] + command, check=True, capture_output=True, text=True,
                         env=FIT_ENV)
    peak = [line for line in out.stderr.splitlines() if "Maximum resident set size" in line]
    return json.loads(out.stdout), int(peak[0].split()[-1]) / 1024 if peak else float("nan")


def reference_path(args, command, alphas):
    """logreg's path at tol 1e-10 on the same data and grid: from
    `--reference-cache` when that file holds one for these alphas (it takes
    minutes on the large problem), else computed, and saved there if given."""
    key = {"n": args.n, "d": args.d, "words": args.words, "alphas": [float(a) for a in alphas]}
    if args.reference_cache and os.path.exists(args.reference_cache):
        with open(args.reference_cache) as f:
            cached = json.load(f)
        if cached.get("key") == key:
            return cached["path"]
    tight = timed_rss(command + ["--tol", "1e-10"])[0]
    if args.reference_cache:
        with open(args.reference_cache, "w") as f:
            json.dump({"key": key, "path": tight}, f)
    return tight


def cv_tols(args):
    """The tolerances of the --bow-large cross-validations (--cv-tols, else --logreg-tol)."""
    return [float(t) for t in args.cv_tols.split(",")] if args.cv_tols else [args.logreg_tol]


def main_bow_large(args):
    import scipy.sparse as sp  # noqa: F401
    x, y = make_bow_csr(args.n, args.d, args.words, seed=0)
    alphas = alpha_grid(x, y, args.n_alphas, args.min_ratio)
    cv_alphas = alpha_grid(x, y, 20, args.min_ratio)
    density = x.nnz / (x.shape[0] * x.shape[1])
    with tempfile.TemporaryDirectory() as tmp:
        prefix = os.path.join(tmp, "x")
        for name, values in [("data", x.data.astype(np.float64)), ("indices", x.indices.astype(np.int64)),
                             ("indptr", x.indptr.astype(np.int64)), ("shape", np.array(x.shape, dtype=np.int64))]:
            np.save(f"{prefix}_{name}.npy", values)
        ypath = os.path.join(tmp, "y.npy")
        np.save(ypath, y)
        data = [L1_PATH, "--sparse", prefix, "--target", ypath]
        grid = ["--alphas", ",".join(repr(float(a)) for a in alphas)]
        # Interleaved rounds (the path, then liblinear): this machine's speed
        # drifts by tens of percent within minutes; the minimum of each.
        rounds = []
        for _ in range(args.repeats):
            rounds.append((timed_rss(data + grid + ["--tol", repr(args.logreg_tol)]),
                           liblinear_fits(x, y, alphas, args.tol)))
            print("round", rounds[-1], file=sys.stderr)
        path, path_rss = min((r[0] for r in rounds), key=lambda p: p[0]["fit_seconds"])
        lib = min((r[1] for r in rounds), key=lambda r: r[0])
        tight = reference_path(args, data + grid, alphas) if args.reference else None
        cv_grid = ["--alphas", ",".join(repr(float(a)) for a in cv_alphas)]
        cvs = []
        for tol in (cv_tols(args) if args.cv else []):
            cv, cv_rss = timed_rss(data + cv_grid + ["--cv", str(args.folds), "--tol", repr(tol)])
            print("cv", tol, cv, cv_rss, file=sys.stderr)
            cvs.append((tol, cv, cv_rss))
    gap = (np.max((np.array(path["objective"]) - np.array(tight["objective"])) / np.array(tight["objective"]))
           if tight else float("nan"))
    command, machine = run_header()
    path_times = ", ".join(f"{r[0][0]['fit_seconds']:.1f}" for r in rounds)
    lib_times = ", ".join(f"{r[1][0]:.1f}" for r in rounds)
    lines = [
        machine,
        f"- Data: `make_bow_csr({args.n}, {args.d}, {args.words}, seed=0)` (bench/compare_l1.py, CSR only), "
        f"density {density:.3%}, {x.nnz:,} non-zeros; L1; {args.n_alphas} alphas from alpha_max = "
        f"{alphas[0]:.4g} down to {alphas[-1]:.4g}, log-spaced; logreg tol {args.logreg_tol}, liblinear tol "
        f"{args.tol}; time = minimum of {args.repeats} interleaved rounds (path, then liblinear; all rounds: "
        f"path {path_times} s, liblinear {lib_times} s).",
        f"- Reproduce: `cargo build --release --example l1_path && {command}`.",
        "- Objective gap: largest over the grid of (objective − reference) / reference, the reference being "
        "logreg's path at tol 1e-10" + (f" (read from `--reference-cache` when an earlier run saved it)"
                                         if args.reference_cache else "")
        + ". Peak memory: the whole process (`/usr/bin/time -v`), data included.",
        "",
        "| task | seconds | vs liblinear | largest objective gap | peak memory (MiB) | iterations per alpha |",
        "|---|---:|---:|---:|---:|---|",
        f"| liblinear, {args.n_alphas} separate fits, CSR | {lib[0]:.3f} | 1 | | | |",
        f"| logreg path CSR | {path['fit_seconds']:.3f} | {path['fit_seconds'] / lib[0]:.2f}× | {gap:.1e} | "
        f"{path_rss:.0f} | {path['iterations']} |",
        "",
        f"Non-zeros per alpha: logreg {path['n_nonzero']}, liblinear {lib[1]}.",
    ]
    if cvs:
        tightest = min(cvs, key=lambda c: c[0])[1]
        lines += [
            "",
            f"{args.folds}-fold `CrossValidation::fit_csr` over 20 alphas from alpha_max down to "
            f"{args.min_ratio:g}·alpha_max (accuracy, stratified folds, seed 0; then the refit at the best alpha), "
            "by logreg tol; score difference: the largest over the grid of |mean held-out accuracy − that at the "
            "tightest tol of the run|:",
            "",
            "| tol | seconds | peak memory (MiB) | best alpha | score difference |",
            "|---:|---:|---:|---:|---:|",
        ]
        for tol, cv, cv_rss in cvs:
            diff = np.max(np.abs(np.array(cv["mean_scores"]) - np.array(tightest["mean_scores"])))
            lines.append(f"| {tol:g} | {cv['fit_seconds']:.1f} | {cv_rss:.0f} | {cv['best_alpha']:.4g} | {diff:.1e} |")
    body = "\n".join(lines) + "\n"
    print(body)
    write_section(args.output, "l1_wide_large", body)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--d", type=int, default=100)
    parser.add_argument("--n-alphas", type=int, default=100)
    parser.add_argument("--min-ratio", type=float, default=1e-2)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--tol", type=float, default=1e-4, help="scikit-learn's tol")
    parser.add_argument("--logreg-tol", type=float, default=1e-6, help="logreg's tol (max subgradient)")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--output", default="BENCHMARKS.md")
    parser.add_argument("--bow", action="store_true", help="bag-of-words path against liblinear")
    parser.add_argument("--bow-large", action="store_true",
                        help="bag-of-words path and CV from CSR only (section l1_wide_large)")
    parser.add_argument("--no-reference", dest="reference", action="store_false",
                        help="--bow-large: skip the tight (tol 1e-10) reference path")
    parser.add_argument("--reference-cache", metavar="FILE",
                        help="--bow-large: read the tight reference path from FILE if it holds one for this "
                             "data and grid, else compute it and save it there (keep FILE outside the repository)")
    parser.add_argument("--cv-tols", metavar="T1,T2",
                        help="--bow-large: run the cross-validation once per logreg tol (default: --logreg-tol)")
    parser.add_argument("--no-cv", dest="cv", action="store_false",
                        help="--bow-large: skip the cross-validation")
    parser.add_argument("--words", type=int, default=60, help="--bow: words per row (mean, before repeats)")
    args = parser.parse_args()
    if args.bow or args.bow_large:
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", FutureWarning)
        warnings.simplefilter("ignore", UserWarning)
        (main_bow_large if args.bow_large else main_bow)(args)
        return
    assert args.n % args.folds == 0, "equal folds keep alpha = 1/(C n_train) the same on every fold"
    warnings.simplefilter("ignore", ConvergenceWarning)
    warnings.simplefilter("ignore", FutureWarning)  # LogisticRegressionCV attribute layout in 1.10

    x, y = make_data(args.n, args.d, 2, seed=0)
    alphas = alpha_grid(x, y, args.n_alphas, args.min_ratio)
    with tempfile.TemporaryDirectory() as tmp:
        xpath, ypath = os.path.join(tmp, "x.npy"), os.path.join(tmp, "y.npy")
        np.save(xpath, x)
        np.save(ypath, y)
        common = ["--data", xpath, "--target", ypath, "--penalty", "l1", "--tol", repr(args.logreg_tol),
                  "--max-iter", "100000", "--alphas", ",".join(repr(float(a)) for a in alphas)]
        ours_path = min((run_fit(common) for _ in range(args.repeats)), key=lambda o: o["fit_seconds"])
        ours_cv = min((run_fit(common + ["--cv", str(args.folds), "--scoring", "neg_log_loss"])
                       for _ in range(args.repeats)), key=lambda o: o["fit_seconds"])
    their_path = min((sklearn_path(x, y, alphas, args.tol) for _ in range(args.repeats)), key=lambda r: r[0])
    their_cv = min((sklearn_cv(x, y, alphas, args.folds, args.tol) for _ in range(args.repeats)),
                   key=lambda r: r[0])

    ours_objective = np.array(ours_path["objective"])
    gap = np.max((their_path[1] - ours_objective) / ours_objective)
    cpu = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    command = ("python bench/compare_l1.py " + " ".join(sys.argv[1:])).strip()
    lines = [
        f"- Machine: {platform.machine()}, {cpu} cores; Python {platform.python_version()}, "
        f"scikit-learn {sklearn.__version__}, numpy {np.__version__}.",
        f"- Data: `make_data({args.n}, {args.d}, 2, seed=0)` (bench/compare.py); L1 penalty; "
        f"{args.n_alphas} alphas from alpha_max = {alphas[0]:.4g} down to {alphas[-1]:.4g}, log-spaced; "
        f"logreg tol {args.logreg_tol} (max subgradient), scikit-learn saga tol {args.tol}; "
        f"time = minimum of {args.repeats} runs.",
        f"- Reproduce: `cargo build --release --example fit && {command}` "
        "(in a venv with `pip install -r bench/requirements.txt`).",
        f"- Largest objective gap over the path, (scikit-learn − logreg) / logreg: {gap:.1e} "
        "(positive: logreg's solutions are lower).",
        "",
        "| task | scikit-learn (s) | logreg (s) | speed-up |",
        "|---|---:|---:|---:|",
        f"| path, {args.n_alphas} alphas (sklearn: warm-started saga loop) | {their_path[0]:.3f} | "
        f"{ours_path['fit_seconds']:.3f} | {their_path[0] / ours_path['fit_seconds']:.1f}× |",
        f"| {args.folds}-fold CV + refit (sklearn: LogisticRegressionCV saga, n_jobs=2) | {their_cv[0]:.3f} | "
        f"{ours_cv['fit_seconds']:.3f} | {their_cv[0] / ours_cv['fit_seconds']:.1f}× |",
        "",
        f"Best alpha by neg log loss: scikit-learn {their_cv[1]:.4g}, logreg {ours_cv['best_alpha']:.4g} "
        "(different fold assignments, same grid).",
    ]
    body = "\n".join(lines) + "\n"
    print(body)
    write_section(args.output, "l1", body)


if __name__ == "__main__":
    main()
