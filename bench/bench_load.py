"""Load + validate 1M interactions written by `kptui data sample`; ratio to pandas.read_csv.

    python bench/bench_load.py [--users 100000 --videos 5000 --events 1000000 --runs 5]

Target (issue 2): load + validate <= 1.0 s median on a 2-core machine. Each figure is the
median of --runs in this one process, so the ratio is measured under the same load.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path


def median_time(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--users", type=int, default=100_000)
    ap.add_argument("--videos", type=int, default=5_000)
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()

    from kptui.engine.io import load_dataset
    from kptui.engine.sample import write_sample

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        t0 = time.perf_counter()
        write_sample(out, users=args.users, videos=args.videos, events=args.events, seed=0)
        gen = time.perf_counter() - t0
        size = (out / "interactions.csv").stat().st_size / 1e6
        print(f"sample written in {gen:.2f} s ({args.events:,} interactions, {size:.0f} MB CSV)")

        load_dataset(out)  # warm the page cache and imports
        ours = median_time(lambda: load_dataset(out), args.runs)
        try:
            import pandas as pd
        except ImportError:
            pd = None
        print(f"kptui load_dataset (read + type + validate both files): {ours:.3f} s median")
        if pd is not None:

            def pandas_read() -> None:
                pd.read_csv(out / "videos.csv")
                pd.read_csv(out / "interactions.csv")

            theirs = median_time(pandas_read, args.runs)
            print(f"pandas.read_csv of the same two files (no validation): {theirs:.3f} s median")
            print(f"ratio kptui / pandas: {ours / theirs:.2f}x")
        print(f"target <= 1.0 s: {'met' if ours <= 1.0 else 'NOT met'}")


if __name__ == "__main__":
    main()
