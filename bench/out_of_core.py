"""Issue 17's out-of-core check: a Parquet set larger than this machine's
memory (default 3.5e7 x 100 float64, 140 files, about 31 GiB), fitted over
its row groups by `fit --parquet` with peak resident memory reported, each
pass timed against the parquet crate alone decoding the same columns
(`fit --parquet --decode-only`, before and after the fit, same run).

    cargo build --release --features parquet --example fit
    python bench/out_of_core.py --dir /tmp/logreg-ooc [--max-iter 2] [--max-in-flight N] [--jobs N] [--cleanup]

The data come from bench/datafusion_per_iteration.py's generator (written
once into --dir, kept for reruns unless --cleanup).
"""
import argparse
import json
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from datafusion_per_iteration import FIT, write_data  # noqa: E402


def run_json(command):
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--rows", type=int, default=35_000_000)
    p.add_argument("--features", type=int, default=100)
    p.add_argument("--dir", default="/tmp/logreg-ooc")
    p.add_argument("--max-iter", type=int, default=2)
    p.add_argument("--cleanup", action="store_true")
    p.add_argument("--max-in-flight", type=int, help="row groups read at once (decode and fit alike)")
    p.add_argument("--jobs", type=int, default=1, help="processes writing the data set")
    args = p.parse_args()
    data = os.path.abspath(os.path.join(args.dir, f"{args.rows}x{args.features}"))
    write_data(data, args.rows, args.features, jobs=args.jobs)
    size = sum(os.path.getsize(os.path.join(data, f)) for f in os.listdir(data))
    base = [FIT, "--parquet", data, "--target-column", "label", "--json"]
    if args.max_in_flight:
        base += ["--max-in-flight", str(args.max_in_flight)]
    before = run_json(base + ["--decode-only"])
    fit = run_json(base + ["--solver", "lbfgs", "--max-iter", str(args.max_iter), "--tol", "1e-12"])
    after = run_json(base + ["--decode-only"])
    per_pass = fit["fit_seconds"] / fit["passes"]
    decode = (before["decode_seconds"] + after["decode_seconds"]) / 2
    print(f"{args.rows} x {args.features}: {size / 2**30:.1f} GiB in {len(os.listdir(data)) - 1} files")
    print("| run | seconds | passes | s per pass | peak memory MiB |")
    print("|---|---:|---:|---:|---:|")
    print(f"| decode only, before | {before['decode_seconds']:.1f} | 1 | {before['decode_seconds']:.1f} | {before['peak_memory_mb']} |")
    print(f"| fit (L-BFGS, {fit['n_iter']} iterations, {fit['termination']}) | {fit['fit_seconds']:.1f} | {fit['passes']} | {per_pass:.1f} | {fit['peak_memory_mb']} |")
    print(f"| decode only, after | {after['decode_seconds']:.1f} | 1 | {after['decode_seconds']:.1f} | {after['peak_memory_mb']} |")
    print(f"pass / decode: {per_pass / decode:.2f}x")
    if args.cleanup:
        shutil.rmtree(args.dir)


if __name__ == "__main__":
    sys.exit(main())
