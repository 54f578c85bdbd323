"""Recommendation quality: leave-last-out by timestamp, HR@10 and NDCG@10 against baselines.

Each viewer's latest interaction (by `ts`) names the test video; all of that viewer's rows
for it are removed from training. Viewers with a single video are not evaluated. Every
method ranks only videos the viewer has not seen in training. Methods, in one run:
- popularity (distinct viewers per video in training),
- TruncatedSVD(64) on the same engagement matrix and on its binary form (PureSVD
  scoring: x V Vᵀ); the better of the two is the baseline to beat,
- kptui per viewer (hybrid EASE + content + popularity),
- kptui per persona (each viewer gets their persona's best unseen videos, as the list stood
  at the viewer's latest training moment).
Goals (issue 4): per viewer >= 1.10x the best baseline; per persona >= 1.2x popularity.

Datasets: the bundled-sample shape (2,000 viewers, 300 videos, 50,000 interactions) and a
long-tail shape like public benchmarks (1,000 viewers, 1,700 videos, 100,000 interactions).

Usage: python bench/bench_recommend_quality.py [--only sample|longtail|scale]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np
import realdata  # the leave-last-out split every recommendation bench shares

from kptui.engine import profiles
from kptui.engine.personas import fit_personas
from kptui.engine.recommend import fit_recommender
from kptui.engine.sample import generate

SHAPES = {
    "sample": dict(users=2000, videos=300, events=50_000),
    "longtail": dict(users=1000, videos=1700, events=100_000),
    "scale": dict(users=100_000, videos=5_000, events=1_000_000),
}


def metrics(scores: np.ndarray, seen, target: np.ndarray) -> tuple[float, float]:
    s = np.array(scores, dtype=np.float64, copy=True)
    r, c = seen.nonzero()
    s[r, c] = -np.inf
    tgt = s[np.arange(len(target)), target]
    rank = (s > tgt[:, None]).sum(axis=1)
    hit = rank < 10
    return float(hit.mean()), float(np.where(hit, 1.0 / np.log2(rank + 2), 0.0).mean())


def run(name: str, shape: dict, max_eval: int) -> None:
    from sklearn.decomposition import TruncatedSVD

    data = generate(**shape, seed=1).dataset()
    train, last = realdata.leave_last_out(data)
    t0 = time.perf_counter()
    eng = profiles.engagement(train)
    cont = profiles.content(train.videos)
    personas = fit_personas(train, eng=eng, cont=cont)
    rec = fit_recommender(train, personas, eng=eng, cont=cont)
    fit_s = time.perf_counter() - t0
    uidx = eng.user_index()
    vidx = {v: i for i, v in enumerate(eng.video_ids)}
    rng = np.random.default_rng(0)
    rows = np.array([uidx[u] for u in last["user_id"].to_list()])
    target = np.array([vidx[v] for v in last["test"].to_list()])
    if len(rows) > max_eval:
        pick = np.sort(rng.choice(len(rows), max_eval, replace=False))
        rows, target = rows[pick], target[pick]
    x = eng.matrix[rows]
    results: dict[str, tuple[float, float]] = {}
    binary = eng.matrix.copy()
    binary.data[:] = 1.0
    pop = np.asarray(binary.sum(axis=0)).ravel()
    results["popularity"] = metrics(np.tile(pop, (len(rows), 1)), x, target)
    svd = TruncatedSVD(64, random_state=0).fit(eng.matrix)
    results["TruncatedSVD(64)"] = metrics((x @ svd.components_.T) @ svd.components_, x, target)
    svd = TruncatedSVD(64, random_state=0).fit(binary)
    xb = binary[rows]
    results["SVD(64) binary"] = metrics((xb @ svd.components_.T) @ svd.components_, x, target)
    results["kptui per viewer"] = metrics(
        np.vstack([rec.viewer_scores(rows[i : i + 2048]) for i in range(0, len(rows), 2048)]),
        x,
        target,
    )
    pscores = rec.viewer_persona_rows(rows)
    results["kptui per persona"] = metrics(pscores, x, target)
    best_base = max(hr for m, (hr, _) in results.items() if not m.startswith("kptui"))
    print(
        f"\n== {name}: {shape['users']:,} viewers, {shape['videos']:,} videos, "
        f"{shape['events']:,} interactions; {len(rows):,} viewers evaluated; "
        f"k={personas.k}; fit {fit_s:.1f} s"
    )
    print(f"{'method':<20}{'HR@10':>8}{'NDCG@10':>9}{'HR ratio':>10}")
    for method, (hr, ndcg) in results.items():
        base = results["popularity"][0] if method == "kptui per persona" else best_base
        ratio = f"{hr / base:.2f}x" if method.startswith("kptui") else ""
        print(f"{method:<20}{hr:>8.4f}{ndcg:>9.4f}{ratio:>10}")
    print(
        "goals: per viewer >= 1.10x best baseline "
        f"({results['kptui per viewer'][0] / best_base:.2f}x); "
        f"per persona >= 1.20x popularity "
        f"({results['kptui per persona'][0] / results['popularity'][0]:.2f}x)"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", choices=sorted(SHAPES))
    ap.add_argument("--max-eval", type=int, default=20_000)
    args = ap.parse_args()
    for name in [args.only] if args.only else ["sample", "longtail"]:
        run(name, SHAPES[name], args.max_eval)


if __name__ == "__main__":
    main()
