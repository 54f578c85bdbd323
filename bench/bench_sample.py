"""How fast `kptui data sample` writes a million interactions (goal: well under 10 s).

Usage: python bench/bench_sample.py [--events N] [--repeat R]
Prints the median wall time of generate() alone and of write_sample() for csv and parquet.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from kptui.engine.sample import generate, write_sample


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--users", type=int, default=100_000)
    ap.add_argument("--videos", type=int, default=5_000)
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    size = dict(users=args.users, videos=args.videos, events=args.events)
    gen = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        generate(**size, seed=0)
        gen.append(time.perf_counter() - t)
    print(f"generate  {args.events:>9,} interactions: median {statistics.median(gen):.2f} s")
    for fmt in ("csv", "parquet"):
        runs = []
        for i in range(args.repeat):
            with tempfile.TemporaryDirectory() as tmp:
                t = time.perf_counter()
                write_sample(Path(tmp) / "s", **size, seed=i, fmt=fmt)
                runs.append(time.perf_counter() - t)
        med = statistics.median(runs)
        print(
            f"write {fmt:<8}{args.events:>9,} interactions: median {med:.2f} s "
            f"({med / 10:.0%} of the 10 s budget)"
        )


if __name__ == "__main__":
    main()
