"""The full audience job at 100k to 10M interactions: kptui next to a strong script and a naive one.

    python bench/bench_scale.py [--sizes 100k,1m,5m,10m] [--naive 100k,1m] [--heldout 1m]
                                [--root /tmp/kptui-scale]

The job: personas (cards, labels) + every viewer's persona + top 10 for every viewer, cold
cache, one process: `kptui personas --json --assignments A.csv --recommendations R.csv`
(`--recommendations` shares one fit between personas and lists). Next to it, in the same
run and on the same files, `bench/scale_baselines.py strong` (polars, scipy sparse, EASE,
k-means on factors, blocked top-k; no validation, cards, labels or reasons) at every size
and `... naive` (pandas, per-viewer Python loop) at the --naive sizes, both with the idle
OpenBLAS / OpenMP threads sleeping as kptui's do (`kptui/threads.py`). Each is a fresh
process; wall time, CPU time (user + system, every thread) and peak RSS (`os.wait4`)
per run, with the load average at its start; the log-log slope of kptui's time
against interactions. Data comes from `kptui data sample` (written once under --root and
reused), and --heldout sizes are also run on a different generator written here (Zipf item
popularity inside topics, viewers as Dirichlet topic mixtures with log-normal activity,
other id formats), so nothing is tuned to kptui's own sample.

Targets (issue 17): 1M <= 8 s and <= 1 GB, 10M <= 90 s and <= 6 GB, slope <= 1.1, kptui no
slower than the strong script at 1M and 10M. The machine is shared: compare the ratios.
"""

from __future__ import annotations

import argparse
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SIZES = {  # name -> (interactions, viewers, videos); 10k is a smoke test
    "10k": (10_000, 1_000, 200),
    "100k": (100_000, 10_000, 1_000),
    "1m": (1_000_000, 100_000, 5_000),
    "5m": (5_000_000, 500_000, 10_000),
    "10m": (10_000_000, 1_000_000, 20_000),
}


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Wall seconds, peak RSS (MB) and CPU seconds (user + system, every thread) of one
    child process; raises when it fails. On a shared machine the wall time moves with the
    other programs' load, the CPU time far less: both are reported."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            raise SystemExit(f"{cmd[:4]} failed ({proc.returncode}): {err.read()[-2000:]!r}")
    return wall, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def sample_data(root: Path, size: str) -> Path:
    events, users, videos = SIZES[size]
    path = root / size
    if not (path / "interactions.csv").exists():
        subprocess.run(
            [sys.executable, "-m", "kptui", "data", "sample", str(path), "--users", str(users),
             "--videos", str(videos), "--events", str(events)],
            check=True,
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
    return path


def heldout_data(root: Path, size: str, seed: int = 7) -> Path:
    """A dataset from a generator that is not kptui's (see the module docstring)."""
    import numpy as np
    import polars as pl

    events, users, videos = SIZES[size]
    path = root / f"heldout-{size}"
    if (path / "interactions.csv").exists():
        return path
    path.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    topics = 16
    words = [[f"w{t}_{j}" for j in range(40)] for t in range(topics)]
    vtopic = rng.integers(0, topics, videos)
    titles = [" ".join(rng.choice(words[t], 4)) + f" part {rng.integers(1, 30)}" for t in vtopic]
    tags = ["|".join([f"topic{t}", *rng.choice(words[t], 2)]) for t in vtopic]
    price = np.where(rng.random(videos) < 0.08, rng.choice([9.9, 49.0, 199.0], videos), 0.0)
    duration = rng.lognormal(5.0, 0.8, videos).round(1)
    pl.DataFrame(
        {
            "video_id": [f"item_{i}" for i in range(videos)],
            "title": titles,
            "tags": tags,
            "duration_s": duration,
            "price": price,
        }
    ).write_csv(path / "videos.csv")
    # Zipf popularity of each video inside its topic; viewers mix topics (Dirichlet).
    rank = np.empty(videos)
    for t in range(topics):
        members = np.flatnonzero(vtopic == t)
        rank[members] = rng.permutation(len(members)) + 1
    weight = rank**-1.1
    by_topic = [np.flatnonzero(vtopic == t) for t in range(topics)]
    cdf = [np.cumsum(weight[m]) / weight[m].sum() for m in by_topic]
    activity = rng.lognormal(0.0, 1.0, users)
    who = rng.choice(users, events, p=activity / activity.sum())
    mix = rng.dirichlet(np.full(topics, 0.25), users)
    mix_cdf = np.cumsum(mix, axis=1)
    topic = np.minimum((mix_cdf[who] < rng.random(events)[:, None]).sum(axis=1), topics - 1)
    item = np.empty(events, dtype=np.int64)
    for t in range(topics):
        rows = np.flatnonzero(topic == t)
        pick = np.searchsorted(cdf[t], rng.random(len(rows)))
        item[rows] = by_topic[t][np.minimum(pick, len(by_topic[t]) - 1)]
    kinds = np.array(["view", "like", "comment", "share", "follow", "purchase"])
    kind = rng.choice(6, events, p=[0.8, 0.11, 0.03, 0.03, 0.01, 0.02])
    kind[(kind == 5) & (price[item] == 0)] = 0
    start = np.datetime64("2025-03-01T00:00:00")
    ts = (start + rng.integers(0, 90 * 86400, events).astype("timedelta64[s]")).astype("M8[ms]")
    pl.DataFrame(
        {
            "user_id": "user-" + pl.Series(who).cast(pl.String).str.pad_start(7, "0"),
            "video_id": pl.Series([f"item_{i}" for i in range(videos)]).gather(item),
            "event": kinds[kind],
            "ts": pl.Series(ts).dt.strftime("%Y-%m-%dT%H:%M:%S"),
            "watch_s": (duration[item] * rng.beta(2, 2, events)).round(1),
        }
    ).write_csv(path / "interactions.csv")
    return path


def rows_of(path: Path) -> int:
    with path.open("rb") as fh:
        return sum(1 for _ in fh) - 1


def run_all(args: argparse.Namespace) -> None:
    root = Path(args.root)
    root.mkdir(parents=True, exist_ok=True)
    py = sys.executable
    results: list[dict] = []
    jobs = [(size, sample_data(root, size), "sample") for size in args.sizes]
    jobs += [(size, heldout_data(root, size), "held-out") for size in args.heldout]
    with tempfile.TemporaryDirectory() as tmp:
        for size, data, gen in jobs:
            viewers = None
            for who in ("kptui", "strong", *(("naive",) if size in args.naive else ())):
                if gen == "held-out" and who == "naive":
                    continue
                out = Path(tmp) / f"{who}-{size}.csv"
                cache = Path(tmp) / f"cache-{who}-{size}-{gen}"
                env = {
                    **os.environ,
                    "KPTUI_CACHE_DIR": str(cache),
                    "KPTUI_WORKSPACE": str(Path(tmp) / "ws.sqlite3"),
                    "KPTUI_DATA_DIR": str(Path(tmp) / "data"),
                    # the held-out 10M file is over the 512 MB default limit for one file
                    "KPTUI_MAX_FILE_MB": os.environ.get("KPTUI_MAX_FILE_MB", "4096"),
                }
                if who != "kptui":
                    # the idle-thread settings kptui gives itself (kptui/threads.py), so
                    # the ratio is not the scripts' OpenBLAS threads spinning: at 1M, load
                    # 3, the strong script took 29.4 s / 27.5 CPU s without, 11.7 / 11.5 with
                    env.setdefault("OMP_WAIT_POLICY", "PASSIVE")
                    env.setdefault("OPENBLAS_THREAD_TIMEOUT", "16")
                if who == "kptui":
                    cmd = [py, "-m", "kptui", "personas", "--data", str(data), "--json",
                           "--assignments", str(Path(tmp) / "a.csv"),
                           "--recommendations", str(out)]  # fmt: skip
                else:
                    cmd = [py, str(HERE / "scale_baselines.py"), who, str(data), str(out)]
                load = os.getloadavg()[0]
                wall, rss, cpu = timed(cmd, env)
                lines = rows_of(out)
                viewers = viewers or lines // 10
                results.append(
                    {"size": size, "gen": gen, "who": who, "wall": wall, "rss": rss, "rows": lines,
                     "cpu": cpu, "load": load}
                )  # fmt: skip
                print(f"{gen:>9} {size:>5} {who:<7} {wall:8.1f} s {cpu:7.1f} CPU s {rss:7.0f} MB"
                      f"  {lines:,} rows  (load {load:.1f} at the start)", flush=True)  # fmt: skip
    report(results, args)


def report(results: list[dict], args: argparse.Namespace) -> None:
    def get(size: str, who: str, gen: str = "sample") -> dict | None:
        return next(
            (r for r in results if r["size"] == size and r["who"] == who and r["gen"] == gen),
            None,
        )

    print("\n| data | interactions | kptui s | kptui CPU s | kptui MB | strong s | strong CPU s "
          "| strong MB | naive s | naive MB | kptui / strong (wall) | (CPU) |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for gen, sizes in (("sample", args.sizes), ("held-out", args.heldout)):
        for size in sizes:
            k, s, n = get(size, "kptui", gen), get(size, "strong", gen), get(size, "naive", gen)
            cells = [gen, f"{SIZES[size][0]:,}"]
            for r in (k, s):
                cells += (
                    [f"{r['wall']:.1f}", f"{r['cpu']:.1f}", f"{r['rss']:,.0f}"] if r else [""] * 3
                )
            cells += [f"{n['wall']:.1f}", f"{n['rss']:,.0f}"] if n else ["", ""]
            cells.append(f"{k['wall'] / s['wall']:.2f}x" if k and s else "")
            cells.append(f"{k['cpu'] / s['cpu']:.2f}x" if k and s else "")
            print("| " + " | ".join(cells) + " |")
    pts = [(SIZES[r["size"]][0], r["wall"]) for r in results if r["who"] == "kptui"
           and r["gen"] == "sample"]  # fmt: skip
    if len(pts) >= 2:
        xs = [math.log(x) for x, _ in pts]
        ys = [math.log(y) for _, y in pts]
        mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
        slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum(
            (x - mx) ** 2 for x in xs
        )
        print(f"\nkptui log-log slope of time against interactions: {slope:.2f} (target <= 1.1)")
    for size, secs, mb in (("1m", 8.0, 1024.0), ("10m", 90.0, 6144.0)):
        k, s = get(size, "kptui"), get(size, "strong")
        if k:
            verdict = "meets" if k["wall"] <= secs and k["rss"] <= mb else "misses"
            ratio = (
                f"; {k['wall'] / s['wall']:.2f}x the strong script's wall time, "
                f"{k['cpu'] / s['cpu']:.2f}x its CPU time"
                if s
                else ""
            )
            print(f"{size}: {k['wall']:.1f} s, {k['rss']:.0f} MB {verdict} <= {secs:.0f} s and "
                  f"<= {mb:.0f} MB{ratio}")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="100k,1m,5m,10m")
    ap.add_argument("--naive", default="100k,1m")
    ap.add_argument("--heldout", default="1m")
    ap.add_argument("--root", default="/tmp/kptui-scale")
    args = ap.parse_args()
    for name in ("sizes", "naive", "heldout"):
        values = [v for v in getattr(args, name).split(",") if v]
        unknown = [v for v in values if v not in SIZES]
        if unknown:
            ap.error(f"--{name}: unknown size {unknown[0]!r} (one of {', '.join(SIZES)})")
        setattr(args, name, values)
    run_all(args)


if __name__ == "__main__":
    main()
