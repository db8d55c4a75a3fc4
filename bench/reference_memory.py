#!/usr/bin/env python3
"""Memory of the reference ModelMonitor's history (three Python lists: accuracy floats, latency
floats, datetime timestamps) for MODELS models x RECORDS records, measured with tracemalloc.
usage: reference_memory.py MODELS RECORDS  -> prints {"bytes": ...}"""
import json
import sys
import tracemalloc
from datetime import datetime, timedelta


def main():
    models, records = int(sys.argv[1]), int(sys.argv[2])
    tracemalloc.start()
    start = datetime(2026, 1, 1)
    monitors = []
    for m in range(models):
        acc, lat, ts = [], [], []
        for i in range(records):
            acc.append(0.9 + (i % 7) / 100)
            lat.append(40.0 + ((i * 7919) % 200) + m * 1e-9)
            ts.append(start + timedelta(minutes=i))
        monitors.append((acc, lat, ts))
    current, _ = tracemalloc.get_traced_memory()
    print(json.dumps({"bytes": current}))


if __name__ == "__main__":
    main()
