"""Issue 18's timing: time per iteration of one L-BFGS fit over a Parquet
set, read three ways:

1. the crate's own Parquet reader (`fit --parquet`, `ParquetSource`, one
   chunk per row group, row groups decoded in parallel);
2. DataFusion in process (`fit_table`, one aggregate query per evaluation);
3. a Ballista cluster on this machine (a `logreg-scheduler` and two
   `logreg-executor`s started here, stopped at the end).

    cargo build --release --features parquet --example fit
    cargo build --release -p logreg-datafusion --bins --example fit_table
    python bench/datafusion_per_iteration.py --rows 10000000 --features 100 --dir /tmp/df-bench

Needs numpy and pyarrow. The data (float64 features, correlated Gaussian,
a binary label from a noisy linear model; files of 250,000 rows in row
groups of 125,000) are written once into --dir and kept for reruns
(--cleanup deletes them). Each way runs once, the same solver and
iterations, and the script prints seconds per pass over the data (per
evaluation of the objective: the first pass is counted too) and the ratio
to the crate's own reader.
"""
import argparse
import json
import multiprocessing
import os
import shutil
import socket
import subprocess
import sys
import time

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

RELEASE = os.path.join("target", "release")
FIT = os.path.join(RELEASE, "examples", "fit")
FIT_TABLE = os.path.join(RELEASE, "examples", "fit_table")


def write_file(directory, f, start, n, d, seed):
    """File f of the set: rows start..start+n. Each file has its own seed
    (from `seed` and f), so files can be written in any order, at once."""
    beta = np.random.default_rng(seed).normal(size=d) / np.sqrt(d)
    rng = np.random.default_rng([seed, f])
    z = rng.normal(size=(n, d))
    x = z + 0.5 * np.roll(z, 1, axis=1)  # neighbouring columns correlate
    label = (x @ beta + rng.logistic(size=n) > 0).astype(np.int64)
    table = pa.table({**{f"x{j}": x[:, j] for j in range(d)}, "label": label})
    pq.write_table(table, os.path.join(directory, f"part-{f:04d}.parquet"), row_group_size=125_000)


def write_data(directory, rows, d, per_file=250_000, seed=0, jobs=1):
    """Writes the set into `directory` (unless complete there already),
    with `jobs` processes."""
    if os.path.exists(os.path.join(directory, "_complete")):
        return
    os.makedirs(directory, exist_ok=True)
    files = [(directory, f, start, min(per_file, rows - start), d, seed)
             for f, start in enumerate(range(0, rows, per_file))]
    if jobs > 1:
        with multiprocessing.Pool(jobs) as pool:
            pool.starmap(write_file, files)
    else:
        for spec in files:
            write_file(*spec)
    open(os.path.join(directory, "_complete"), "w").close()


def run_json(command):
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, seconds=60):
    end = time.time() + seconds
    while time.time() < end:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"nothing listens on {port}")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--rows", type=int, default=10_000_000)
    p.add_argument("--features", type=int, default=100)
    p.add_argument("--dir", default="/tmp/logreg-df-bench")
    p.add_argument("--max-iter", type=int, default=5)
    p.add_argument("--cleanup", action="store_true")
    args = p.parse_args()
    data = os.path.abspath(os.path.join(args.dir, f"{args.rows}x{args.features}"))
    t0 = time.time()
    write_data(data, args.rows, args.features)
    print(f"data: {data} ({time.time() - t0:.0f} s to write or find)", flush=True)
    model = ["--target-column", "label", "--solver", "lbfgs", "--max-iter", str(args.max_iter),
             "--tol", "1e-12", "--json"]
    results = {}
    own = run_json([FIT, "--parquet", data] + model)
    results["ParquetSource (fit --parquet)"] = (own["fit_seconds"], own["passes"], own["n_iter"])
    local = run_json([FIT_TABLE, "--parquet", data] + model)
    results["DataFusion in process"] = (local["fit_seconds"], local["queries"], local["n_iter"])
    assert np.allclose(local["coef"], own["coef"], rtol=1e-9, atol=1e-12), "the fits differ"
    logs = os.path.join(args.dir, "logs")
    os.makedirs(logs, exist_ok=True)
    processes = []
    try:
        sport = free_port()
        common = ["--bind-host", "127.0.0.1", "--external-host", "127.0.0.1"]
        processes.append(subprocess.Popen(
            [os.path.join(RELEASE, "logreg-scheduler"), "--bind-port", str(sport)] + common,
            stdout=open(os.path.join(logs, "scheduler.log"), "w"), stderr=subprocess.STDOUT))
        wait_port(sport)
        for e in range(2):
            ports = [free_port() for _ in range(3)]
            processes.append(subprocess.Popen(
                [os.path.join(RELEASE, "logreg-executor"), "--scheduler-host", "127.0.0.1",
                 "--scheduler-port", str(sport), "--bind-port", str(ports[0]),
                 "--bind-grpc-port", str(ports[1]), "--bind-health-port", str(ports[2]),
                 "--concurrent-tasks", "1", "--work-dir", os.path.join(logs, f"work-{e}")] + common,
                stdout=open(os.path.join(logs, f"executor-{e}.log"), "w"), stderr=subprocess.STDOUT))
            wait_port(ports[0])
        time.sleep(3)  # the executors' first heartbeats
        cluster = run_json([FIT_TABLE, "--parquet", data, "--ballista", f"df://127.0.0.1:{sport}",
                            "--partitions", "8"] + model)
        results["Ballista, 2 executors on this machine"] = (
            cluster["fit_seconds"], cluster["queries"], cluster["n_iter"])
        assert np.allclose(cluster["coef"], own["coef"], rtol=1e-9, atol=1e-12), "the fits differ"
        print("executors:", cluster["executors"])
    finally:
        for proc in processes:
            proc.kill()
            proc.wait()
    base = results["ParquetSource (fit --parquet)"]
    base_per = base[0] / base[1]
    print(f"\n{args.rows} x {args.features}, L-BFGS, {args.max_iter} iterations")
    print("| reader | fit s | passes | iterations | s per pass | vs ParquetSource |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, (seconds, passes, iters) in results.items():
        per = seconds / passes
        print(f"| {name} | {seconds:.1f} | {passes} | {iters} | {per:.2f} | {per / base_per:.2f}x |")
    if args.cleanup:
        shutil.rmtree(args.dir)


if __name__ == "__main__":
    sys.exit(main())
