"""The 100,000-draw uncertainty study on the bundled 2023 cohort: in process (rayon on every
core), and through dti.dask on a LocalCluster of 1 and of 2 single-threaded worker processes
(loopback). Prints the median of `--repeat` runs of each, the scaling from 1 to 2 workers and
the per-draw overhead of the distributed path. Run with the package installed:

    target/python-venv/bin/python bindings/python/bench/dask_scaling.py
"""

import argparse
import os
import statistics
import subprocess
import sys
import time

import polars as pl

import dti
import dti.dask


def median_time(f, repeat):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        f()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--one-thread", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()

    year = dti.bundled_panel().filter(pl.col("period") == 2023)
    spec = {"runs": args.runs, "seed": 2022,
            "inputs": [{"name": "main-indicator points", "kind": "weight_noise", "factor": 0.25, "depth": 2}]}
    if args.one_thread:
        print(median_time(lambda: dti.uncertainty(year, spec, progress=False), args.repeat))
        return
    local = median_time(lambda: dti.uncertainty(year, spec, progress=False), args.repeat)
    print(f"in process ({os.cpu_count()} cores): {local:.2f} s")
    # The same on one thread (a fresh process: rayon's pool is sized once), the fair
    # baseline of one single-threaded worker.
    one = subprocess.run([sys.executable, __file__, "--one-thread", "--runs", str(args.runs), "--repeat", str(args.repeat)],
                         env={**os.environ, "RAYON_NUM_THREADS": "1"}, capture_output=True, text=True, check=True)
    local1 = float(one.stdout.strip().splitlines()[-1])
    print(f"in process (1 thread): {local1:.2f} s")
    import distributed

    times = {}
    for workers in (1, 2):
        # One thread per worker, and one rayon thread: the workers are the parallelism.
        with distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                                      dashboard_address=None, env={"RAYON_NUM_THREADS": "1"}) as cluster, \
                distributed.Client(cluster) as client:
            dti.dask.uncertainty(year, {**spec, "runs": 1000}, client=client)   # warm the workers
            times[workers] = median_time(lambda: dti.dask.uncertainty(year, spec, client=client, blocks=4 * workers),
                                         args.repeat)
        print(f"dti.dask, {workers} worker(s): {times[workers]:.2f} s")
    print(f"scaling 1 → 2 workers: {times[1] / times[2]:.2f}×")
    overhead = (times[1] - local1) / args.runs * 1e6
    print(f"per-draw overhead of the distributed path (1 worker against 1 thread in process): {overhead:.1f} µs "
          f"({times[1] / local1:.2f}×)")


if __name__ == "__main__":
    main()
