#!/usr/bin/env python3
"""The pandas side of the dataset ingest benchmark (docs/benchmarks.md).

Times what a data scientist would run to get the same profile the portal computes: read_csv with the
portal's missing-value tokens, describe() of every column, and value_counts() of every text column.
Prints the time, the throughput and the peak resident memory of this process. Run with Debian's python3
(python3-pandas): /usr/bin/python3 scripts/bench_pandas.py FILE [ROUNDS]
"""
import os
import resource
import sys
import time

import pandas as pd

path = sys.argv[1]
rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
size = os.path.getsize(path)
print(f"pandas {pd.__version__}, {size / 1e6:.1f} MB")
for round_number in range(1, rounds + 1):
    start = time.perf_counter()
    frame = pd.read_csv(path, na_values=["", "?", "NA", "N/A", "null", "NaN"], keep_default_na=False, skipinitialspace=True)
    frame.describe(include="all")
    for column in frame.columns:
        if frame[column].dtype == object:
            frame[column].value_counts()
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"round {round_number}: {len(frame):,} rows x {len(frame.columns)} columns in {elapsed:.2f} s = {size / 1e6 / elapsed:.0f} MB/s; "
          f"peak resident memory {peak:.0f} MB")
    del frame
