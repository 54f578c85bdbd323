"""Load a 100 MB platform export as downloaded; ratio to a bare `polars.read_csv`.

    python bench/bench_exports.py [--mb 100] [--runs 3]

Target (issue 12): loading a 100 MB export <= 2 s. Two shapes are timed: YouTube Studio's
`Chart data.csv` (per day by content, the largest file Studio writes: dates, ids, titles,
publish times, durations, views) and a TikTok-style per-video `Content.csv` (`1.2K` counts,
quoted fields, year-less dates). Each figure is the median of --runs in this one process;
the ratio is to `polars.read_csv` of the same file with every column as text (no typing,
no checks), measured in the same run. Each timed load gets a fresh cache folder, so the
file is parsed every time; the figure with the parse cache (issue 17) is printed beside it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path


def median_time(fn, runs: int, cpu: list[float] | None = None) -> float:
    """Median wall time of `runs` calls; `cpu` gets the median process CPU time (all
    threads), which a busy shared machine inflates less than the wall clock."""
    times, cpus = [], []
    for _ in range(runs):
        c0, t0 = time.process_time(), time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    if cpu is not None:
        cpu.append(statistics.median(cpus))
    return statistics.median(times)


def write_chart(path: Path, mb: int) -> int:
    """Studio's Chart data: Date,Content,Video title,Video publish time,Duration,Views."""
    import numpy as np
    import polars as pl

    row_bytes = 88
    n = mb * 1024 * 1024 // row_bytes
    rng = np.random.default_rng(0)
    vid = rng.integers(0, 5000, n)
    day = np.sort(rng.integers(0, 3650, n))
    frame = pl.DataFrame(
        {
            "Date": (np.datetime64("2015-01-01") + day.astype("timedelta64[D]")).astype(str),
            "Content": [f" -vid{v:07d}" if v % 7 == 0 else f"vid{v:08d}" for v in vid],
            "Video title": [f"Video number {v} #tips #python" for v in vid],
            "Video publish time": "Sep 22, 2015",
            "Duration": (vid % 900 + 10).astype(str),
            "Views": rng.integers(0, 5000, n).astype(float).astype(str),
        }
    )
    frame.write_csv(path)
    return n


def write_content(path: Path, mb: int) -> int:
    """TikTok's Content.csv: every field quoted, `1.2K` counts, dates without a year."""
    import numpy as np
    import polars as pl

    row_bytes = 170
    n = mb * 1024 * 1024 // row_bytes
    rng = np.random.default_rng(1)
    views = rng.integers(0, 2_000_000, n)
    months = np.array(["January", "February", "March", "April", "May", "June", "July",
                       "August", "September", "October", "November", "December"])  # fmt: skip
    link = "https://www.tiktok.com/@me/video/"
    posted = zip(months[rng.integers(0, 12, n)], rng.integers(1, 29, n), strict=True)
    frame = pl.DataFrame(
        {
            "Time": "2026-01-05",
            "Video title": [f"Clip {i} about money #budget #tips" for i in range(n)],
            "Video link": [f"{link}{7300000000000000000 + i}" for i in range(n)],
            "Post time": [f"{m} {d}" for m, d in posted],
            "Total likes": [f"{v / 1000:.1f}K" if v > 1000 else str(v) for v in views // 20],
            "Total comments": (views // 300).astype(str),
            "Total shares": (views // 500).astype(str),
            "Total views": [f"{v:,}" for v in views],
        }
    )
    frame.write_csv(path, quote_style="always")
    return n


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=int, default=100)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()

    import polars as pl

    from kptui.engine.io import load_dataset

    with tempfile.TemporaryDirectory() as tmp:
        for name, writer in (("Chart data.csv", write_chart), ("Content.csv", write_content)):
            path = Path(tmp) / name
            rows = writer(path, args.mb)
            size = path.stat().st_size / 1024 / 1024

            def cold(p=path):  # a fresh cache folder: the file is parsed, not read back
                os.environ["KPTUI_CACHE_DIR"] = tempfile.mkdtemp(dir=tmp)
                return load_dataset(p)

            ds = cold()
            (src,) = ds.sources
            cpu: list[float] = []
            load = median_time(cold, args.runs, cpu)
            warm = median_time(lambda p=path: load_dataset(p), args.runs, cpu)
            bare = median_time(lambda p=path: pl.read_csv(p, infer_schema=False), args.runs)
            print(
                f"{name}: {size:.0f} MB, {rows:,} rows -> {src.kind} {src.shape} {src.rows:,} "
                f"rows; load {load:.2f} s median of {args.runs} (target <= 2 s); "
                f"{load / bare:.2f}x polars.read_csv as text ({bare:.2f} s); "
                f"{warm:.2f} s again with the parse cache; CPU {cpu[0]:.2f} s cold, "
                f"{cpu[1]:.2f} s cached; load average {os.getloadavg()[0]:.1f}"
            )


if __name__ == "__main__":
    main()
