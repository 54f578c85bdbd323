"""Speed and memory of personas + recommendations at scale, cold and cached (issue 4).

Writes a `kptui data sample` dataset (default 100,000 viewers, 5,000 videos, 1,000,000
interactions, CSV), then runs fresh subprocesses (so peak memory is the process's own
`ru_maxrss`, numpy included; tracemalloc would miss it):
1. cold: load + personas + recommender fit + top-10 for every viewer (goal <= 30 s, <= 2 GB),
   and the ARI of the personas against `viewer_groups.csv` (goal >= 0.8);
2. warm (same data, cache filled by run 1): load + cached models + one viewer's list and
   one persona's list (goal <= 1 s for the answer after loading).
Each run is repeated `--repeat` times (medians printed); the cache is cleared before each
cold run.

Usage: python bench/bench_personas.py [--users N --videos N --events N] [--repeat R]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def worker(mode: str, data: str) -> None:
    import resource

    t0 = time.perf_counter()
    from kptui.engine.io import load_dataset
    from kptui.engine.recommend import load_or_fit_recommender

    stages: dict[str, float] = {}
    ds = load_dataset(data)
    stages["load"] = time.perf_counter() - t0
    t = time.perf_counter()
    rec = load_or_fit_recommender(ds)
    stages["models"] = time.perf_counter() - t
    out: dict = {"from_cache": rec.from_cache, "k": rec.personas.k}
    if mode == "cold":
        t = time.perf_counter()
        lists = rec.for_users(None, top=10)
        stages["top10_all"] = time.perf_counter() - t
        out["viewers"] = len(lists)
        import polars as pl
        from sklearn.metrics import adjusted_rand_score

        truth = pl.read_csv(Path(data) / "viewer_groups.csv", infer_schema=False)
        joined = rec.personas.assignments.join(truth, on="user_id")
        out["ari"] = adjusted_rand_score(joined["group"], joined["persona_id"])
    else:
        t = time.perf_counter()
        user = rec.personas.user_ids[len(rec.personas.user_ids) // 2]
        rec.for_user(user, top=10)
        stages["one_viewer"] = time.perf_counter() - t
        t = time.perf_counter()
        rec.for_persona(0, top=10)
        stages["one_persona"] = time.perf_counter() - t
    stages["total"] = time.perf_counter() - t0
    out["stages"] = stages
    out["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))


def run(mode: str, data: Path, env: dict[str, str]) -> dict:
    proc = subprocess.run(
        [sys.executable, __file__, "--worker", mode, str(data)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--users", type=int, default=100_000)
    ap.add_argument("--videos", type=int, default=5_000)
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--worker", nargs=2, metavar=("MODE", "DATA"))
    args = ap.parse_args()
    if args.worker:
        worker(*args.worker)
        return
    from kptui.engine.sample import write_sample

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        t = time.perf_counter()
        write_sample(data, users=args.users, videos=args.videos, events=args.events, seed=0)
        print(
            f"sample: {args.users:,} viewers, {args.videos:,} videos, {args.events:,} "
            f"interactions written in {time.perf_counter() - t:.1f} s"
        )
        cache = Path(tmp) / "cache"
        env = {**os.environ, "KPTUI_CACHE_DIR": str(cache)}
        cold, warm = [], []
        for _ in range(args.repeat):
            shutil.rmtree(cache, ignore_errors=True)
            cold.append(run("cold", data, env))
            warm.append(run("warm", data, env))
    report("cold: load + personas + recommender + top-10 for every viewer", cold)
    report("warm: load + cached models + one viewer + one persona", warm)
    c_total = statistics.median(r["stages"]["total"] for r in cold)
    c_mem = max(r["max_rss_mb"] for r in cold)
    w_answer = statistics.median(
        r["stages"]["models"] + max(r["stages"]["one_viewer"], r["stages"]["one_persona"])
        for r in warm
    )
    print(
        f"\ngoals: cold total {c_total:.1f} s (<= 30 s: {c_total / 30:.0%} of budget), "
        f"peak {c_mem:.0f} MB (<= 2048 MB: {c_mem / 2048:.0%}), "
        f"ARI {statistics.median(r['ari'] for r in cold):.3f} (>= 0.8), "
        f"warm answer after load {w_answer:.2f} s (<= 1 s); "
        f"warm used cache: {all(r['from_cache'] for r in warm)}"
    )


def report(title: str, runs: list[dict]) -> None:
    print(f"\n{title} (median of {len(runs)})")
    for stage in runs[0]["stages"]:
        med = statistics.median(r["stages"][stage] for r in runs)
        print(f"  {stage:<12}{med:8.2f} s")
    print(f"  peak RSS    {max(r['max_rss_mb'] for r in runs):8.0f} MB")
    for key in ("k", "viewers", "ari", "from_cache"):
        if key in runs[0]:
            print(f"  {key:<12}{runs[0][key]}")


if __name__ == "__main__":
    main()
