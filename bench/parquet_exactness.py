"""Issue 17's exactness check at scale: a Parquet set of N x 50 in several
files, with mixed integer and float column types, fitted over its row groups
(`fit --parquet`) against the in-memory fit of the same rows (`fit --data`),
both with Newton at tol 1e-10. Prints the largest relative coefficient
difference.

    cargo build --release --features parquet --example fit
    python bench/parquet_exactness.py [--rows 1000000] [--files 4] [--row-group 100000]

Needs numpy and pyarrow. The files go to a temporary directory, deleted at
the end. Data: bench/compare.py's make_data (correlated Gaussian features,
labels from a noisy linear model); columns 0-9 are stored as int32
(round(100 x)), 10-19 as int64 (round(1000 x)), 20-29 as float32 and the
rest as float64. The in-memory fit gets exactly the values the Parquet
files hold (each cast back to float64).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

sys.path.insert(0, os.path.dirname(__file__))
from compare import make_data  # noqa: E402

FIT = os.path.join("target", "release", "examples", "fit")


def stored_columns(x):
    """The columns as they are stored, and as float64 (what the fit sees)."""
    columns, exact = [], np.empty_like(x)
    for j in range(x.shape[1]):
        if j < 10:
            c = np.round(100 * x[:, j]).astype(np.int32)
        elif j < 20:
            c = np.round(1000 * x[:, j]).astype(np.int64)
        elif j < 30:
            c = x[:, j].astype(np.float32)
        else:
            c = x[:, j]
        columns.append(c)
        exact[:, j] = c.astype(np.float64)
    return columns, exact


def fit(args):
    out = subprocess.run([FIT] + args + ["--json"], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--files", type=int, default=4)
    parser.add_argument("--row-group", type=int, default=100_000)
    args = parser.parse_args()
    x, y = make_data(args.rows, 50, 2, seed=17)
    columns, exact = stored_columns(x)
    names = [f"f{j}" for j in range(x.shape[1])]
    settings = ["--solver", "newton", "--tol", "1e-10", "--max-iter", "100"]
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = os.path.join(tmp, "parquet")
        os.mkdir(data_dir)
        bounds = np.linspace(0, args.rows, args.files + 1).astype(int)
        for f, (a, b) in enumerate(zip(bounds[:-1], bounds[1:])):
            table = pa.table({**{n: c[a:b] for n, c in zip(names, columns)}, "label": y[a:b]})
            pq.write_table(table, os.path.join(data_dir, f"part-{f}.parquet"), row_group_size=args.row_group)
        xp, yp = os.path.join(tmp, "x.npy"), os.path.join(tmp, "y.npy")
        np.save(xp, np.ascontiguousarray(exact))
        np.save(yp, y)
        chunked = fit(["--parquet", data_dir, "--target-column", "label"] + settings)
        memory = fit(["--data", xp, "--target", yp] + settings)
    coef_c = np.concatenate([np.ravel(chunked["coef"]), np.ravel(chunked["intercept"])])
    coef_m = np.concatenate([np.ravel(memory["coef"]), np.ravel(memory["intercept"])])
    rel = np.max(np.abs(coef_c - coef_m)) / np.max(np.abs(coef_m))
    print(f"{args.rows:,} x 50, {args.files} files, row groups of {args.row_group:,}")
    print(f"parquet: {chunked['n_iter']} iterations, {chunked['termination']}, passes {chunked['passes']}, "
          f"{chunked['fit_seconds']:.2f} s, peak {chunked['peak_memory_mb']} MB")
    print(f"memory:  {memory['n_iter']} iterations, {memory['termination']}, {memory['fit_seconds']:.2f} s")
    print(f"largest coefficient difference / largest coefficient: {rel:.2e}")
    return 0 if rel <= 1e-10 else 1


if __name__ == "__main__":
    sys.exit(main())
