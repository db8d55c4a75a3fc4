#!/usr/bin/env python3
"""NumPy peer for the benchmarks: times one operation on a raw data file, prints {"bestMs", "medianMs", "runs"}.

usage: numpy_peer.py OP PATH DTYPE SHAPE [EXTRA]
  column_stats  mean, std, min and max along axis 0 of a rows x cols matrix (4 NumPy calls,
                the way a NumPy user computes them)
  percentiles   np.percentile(values, EXTRA) (EXTRA: comma-separated percentiles)
  ks_2samp      scipy.stats.ks_2samp(data[0], data[1]) of a 2 x n array
  wasserstein   scipy.stats.wasserstein_distance(data[0], data[1]) of a 2 x n array
  loadtxt       np.loadtxt(PATH, delimiter=",", skiprows=1): a numeric CSV file with a header
                (DTYPE and SHAPE are ignored), at least 3 runs
"""
import json
import sys
import time

import numpy as np


def main():
    op, path, dtype, shape, extra = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5] if len(sys.argv) > 5 else ""
    data = None if op == "loadtxt" else np.fromfile(path, dtype=dtype).reshape([int(s) for s in shape.split("x")])
    min_runs = 3 if op == "loadtxt" else 5
    if op == "loadtxt":
        def run():
            return np.loadtxt(path, delimiter=",", skiprows=1)
    elif op == "column_stats":
        def run():
            return data.mean(axis=0), data.std(axis=0), data.min(axis=0), data.max(axis=0)
    elif op == "percentiles":
        p = [float(x) for x in extra.split(",")]

        def run():
            return np.percentile(data, p)
    elif op in ("ks_2samp", "wasserstein"):
        from scipy import stats

        fn = stats.ks_2samp if op == "ks_2samp" else stats.wasserstein_distance

        def run():
            return fn(data[0], data[1])
    else:
        raise SystemExit(f"unknown op {op}")
    run()  # warm-up
    times = []
    deadline = time.perf_counter() + 5.0
    while len(times) < min_runs or (time.perf_counter() < deadline and len(times) < 50):
        t0 = time.perf_counter()
        run()
        times.append((time.perf_counter() - t0) * 1000)
    print(json.dumps({"bestMs": float(np.min(times)), "medianMs": float(np.median(times)), "runs": len(times)}))


if __name__ == "__main__":
    main()
