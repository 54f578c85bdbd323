"""Where the full audience job spends its time: one table of stages at 1M interactions.

    python bench/bench_stages.py [--data DIR] [--users 100000 --videos 5000 --events 1000000]
                                 [--cpu]

The job is what `kptui personas` + `kptui recommend --user all` do, cold (no model cache):
read the files, type and validate them, build the viewer x video matrix, embed the video
text, choose k, fit k-means, describe the personas, fit EASE, score every viewer, pick each
viewer's top 10, write the output, write and read back the model cache. It runs in a fresh
process (so `imports` is the real cost of polars, numpy, scipy and scikit-learn) and prints
seconds per stage and each stage's share. Stages are timed by calling the engine's own
functions one after another; the persona fit is split by its progress messages.

Without --data a `kptui data sample` dataset is written to /tmp/kptui-scale/ once and reused.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from itertools import pairwise
from pathlib import Path

# progress message (prefix) of the persona fit -> stage it starts
PERSONA_STAGES = (
    ("clustering: trying", "k selection"),
    ("clustering: all viewers", "fit (k-means)"),
    ("describing", "cards"),
    ("viewer profiles", "profiles"),
    ("clustering", "k selection"),
    ("done", None),
)


def clock() -> float:
    """Wall seconds, or with KPTUI_STAGES_CPU=1 this process's CPU seconds (all threads):
    on a shared machine the CPU column moves far less with the load than the wall one."""
    if os.environ.get("KPTUI_STAGES_CPU") == "1":
        return time.process_time()
    return time.perf_counter()


def worker(data: str) -> None:
    import resource

    from kptui.threads import calm_threads

    calm_threads()  # what `kptui` does first (see kptui/threads.py)
    stages: dict[str, float] = {}
    t0 = clock()
    import numpy  # noqa: F401
    import polars  # noqa: F401
    import scipy.sparse  # noqa: F401
    import sklearn.cluster
    import sklearn.decomposition
    import sklearn.feature_extraction.text  # noqa: F401

    from kptui.engine import io, personas, profiles, recommend

    stages["imports"] = clock() - t0

    # read / validate split by load_dataset's own progress messages (no private helpers)
    marks_io: list[tuple[str, float]] = []

    def io_progress(stage: str | None = None, fraction: float | None = None) -> None:
        if stage and (stage.startswith("checking") or stage == "done"):
            marks_io.append((stage, clock()))

    t = clock()
    ds = io.load_dataset(Path(data), progress=io_progress)
    checked = next((at for name, at in marks_io if name.startswith("checking")), t)
    stages["read"] = checked - t
    stages["validate"] = clock() - checked

    t = clock()
    eng = profiles.engagement(ds)
    stages["matrix"] = clock() - t
    t = clock()
    cont = profiles.content(ds.videos)
    stages["text (TF-IDF + SVD)"] = clock() - t

    marks: list[tuple[float, str | None]] = []

    def progress(stage: str | None = None, fraction: float | None = None) -> None:
        for prefix, name in PERSONA_STAGES:
            if stage and stage.startswith(prefix):
                if not marks or marks[-1][1] != name:
                    marks.append((clock(), name))
                return

    t = clock()
    model = personas.fit_personas(ds, eng=eng, cont=cont, progress=progress)
    end = clock()
    marks.append((end, None))
    stages["personas: other"] = 0.0
    first = marks[0][0] if marks else end
    stages["personas: other"] += first - t
    for (start, name), (stop, _) in pairwise(marks):
        key = name or "personas: other"
        stages[key] = stages.get(key, 0.0) + stop - start

    t = clock()
    rec = recommend.fit_recommender(ds, model, eng=eng, cont=cont)
    stages["recommender fit (blend tuning + EASE)"] = clock() - t

    # "score": the recommender's scoring calls (dense blocks, or candidates incl. their
    # shortlist); "top-k": the rest of serving every viewer's list
    scoring = [0.0]

    def timed(name):
        plain = getattr(rec, name)

        def wrapper(*args, **kwargs):
            s = clock()
            out = plain(*args, **kwargs)
            scoring[0] += clock() - s
            return out

        setattr(rec, name, wrapper)
        return plain

    plain = {name: timed(name) for name in ("score_block", "candidate_block")}
    t = clock()
    lists = rec.for_users(None, top=10)
    serve = clock() - t
    for name, fn in plain.items():
        setattr(rec, name, fn)
    stages["score"] = scoring[0]
    stages["top-k"] = serve - scoring[0]

    t = clock()
    with open(os.devnull, "w", encoding="utf-8") as sink:
        sink.write(json.dumps(model.to_json(), ensure_ascii=False))
        sink.write(json.dumps(lists, ensure_ascii=False))
    stages["output (JSON)"] = clock() - t

    t = clock()
    pkey = personas.cache_key(ds.fingerprint, "auto", 0)
    personas.save_model(model, pkey)
    rkey = "stages"
    recommend._save(rec, rkey)
    personas.load_model(pkey)
    recommend._load(ds, model, rkey, 0)
    stages["cache (write + read)"] = clock() - t

    stages["total"] = clock() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out = {"stages": stages, "rss_mb": rss, "k": model.k, "viewers": len(lists)}
    print(json.dumps(out))


def ensure_sample(users: int, videos: int, events: int) -> Path:
    path = Path(f"/tmp/kptui-scale/sample-{users}-{videos}-{events}")
    if not (path / "interactions.csv").exists():
        from kptui.engine.sample import write_sample

        write_sample(path, users=users, videos=videos, events=events, seed=0)
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=None)
    ap.add_argument("--users", type=int, default=100_000)
    ap.add_argument("--videos", type=int, default=5_000)
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--cpu", action="store_true", help="CPU seconds per stage, not wall")
    ap.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(args.worker)
        return
    data = Path(args.data) if args.data else ensure_sample(args.users, args.videos, args.events)
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "KPTUI_CACHE_DIR": str(Path(tmp) / "cache")}
        if args.cpu:
            env["KPTUI_STAGES_CPU"] = "1"
        proc = subprocess.run(
            [sys.executable, __file__, "--worker", str(data)],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
    res = json.loads(proc.stdout.strip().splitlines()[-1])
    stages = res["stages"]
    total = stages.pop("total")
    print(f"data: {data} ({res['viewers']:,} viewers, k={res['k']}); load {os.getloadavg()[0]:.1f}")
    print(f"{'stage':<24}{'CPU s' if args.cpu else 'seconds':>9}{'share':>8}")
    for name, secs in stages.items():
        print(f"{name:<24}{secs:>9.2f}{secs / total:>8.0%}")
    print(f"{'total':<24}{total:>9.2f}   peak RSS {res['rss_mb']:.0f} MB")


if __name__ == "__main__":
    main()
