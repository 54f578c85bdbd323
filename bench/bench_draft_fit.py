"""Draft fit measured: does `draft_fit` put its mass on the personas that take a video up?

Protocol (per dataset, `bench/realdata.py`): the videos with >= `MIN_VIEWERS` viewers are
split into `FOLDS` folds (seeded). For each fold, every interaction with its videos is
removed and personas (k=auto) are fitted on the rest; each held-out video's title,
description and tags are then the "draft", and the viewers who did take it up (and are in
a persona) say where it really landed: `share_p`, the share of them in persona p. So every
eligible video is a draft once, scored by a model that never saw who took it up.

Measures, each against the persona-size prior (what a fit that knows nothing says):
- fit mass: sum_p fit_p * share_p (the chance a taker is in a persona drawn from the fit);
  reported as mean fit mass / mean prior mass (> 1: fit beats the prior);
- log score (proper: rewards calibrated, not just confident, fits): the mean over drafts of
  sum_p share_p * (log fit_p - log prior_p), in nats (> 0: fit beats the prior);
- wins: share of drafts whose fit mass beats the prior's;
- calibration: share of drafts whose top fit is >= 0.99 (one word must never give 1.00).

Usage: python bench/bench_draft_fit.py [--only movielens|beer|sample|PATH]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np
import polars as pl
import realdata

from kptui.engine.personas import fit_personas
from kptui.engine.types import Dataset

FOLDS = 5
MIN_VIEWERS = 3


def run(name: str) -> dict:
    data = realdata.load(name)
    it = data.interactions
    counts = it.group_by("video_id").agg(pl.col("user_id").n_unique().alias("n"))
    pool = np.array(counts.filter(pl.col("n") >= MIN_VIEWERS)["video_id"].sort().to_list())
    fold_of = np.random.default_rng(0).permutation(len(pool)) % FOLDS
    takers = it.group_by("video_id").agg(pl.col("user_id").unique())
    who = dict(zip(takers["video_id"], takers["user_id"], strict=True))
    fit_mass, prior_mass, logs, sure, ks = [], [], [], 0, []
    t0 = time.perf_counter()
    for fold in range(FOLDS):
        held = pool[fold_of == fold].tolist()
        train = Dataset(
            videos=data.videos,
            interactions=it.filter(~pl.col("video_id").is_in(held)),
            files=[],
        )
        model = fit_personas(train, k="auto")
        ks.append(model.k)
        labels = dict(zip(model.user_ids, model.labels.tolist(), strict=True))
        prior = np.array([c["share"] for c in model.cards], dtype=np.float64)
        prior = prior / prior.sum()
        videos = data.videos.filter(pl.col("video_id").is_in(held))
        for vid, title, desc, tags in videos.select(
            "video_id", "title", "description", "tags"
        ).iter_rows():
            users = [labels[u] for u in who.get(vid, []) if u in labels]
            if not users:
                continue
            share = np.bincount(users, minlength=model.k) / len(users)
            draft_desc = f"{desc or ''} {' '.join('#' + t for t in tags or [])}"
            fit = model.draft_fit(title or "", draft_desc)
            p = np.zeros(model.k)
            for f in fit:
                p[f["persona_id"]] = f["fit"]
            p = np.maximum(p, 1e-6)
            fit_mass.append(float(p @ share))
            prior_mass.append(float(prior @ share))
            logs.append(float(share @ (np.log(p) - np.log(prior))))
            sure += max(p) >= 0.99
    fm, pm = float(np.mean(fit_mass)), float(np.mean(prior_mass))
    out = {
        "drafts": len(fit_mass),
        "k": ks,
        "fit_mass": fm,
        "prior_mass": pm,
        "ratio": fm / pm,
        "log_gain": float(np.mean(logs)),
        "wins": float(np.mean(np.array(fit_mass) > np.array(prior_mass))),
        "sure": sure / len(fit_mass),
        "secs": time.perf_counter() - t0,
    }
    print(
        f"{name:<10} k={','.join(map(str, ks)):<11} drafts={out['drafts']:<5} "
        f"fit mass {fm:.4f} prior {pm:.4f} ratio {out['ratio']:.2f}x  "
        f"log score {out['log_gain']:+.3f} nats  wins {out['wins']:.0%}  "
        f"top fit >= 0.99: {out['sure']:.1%}  ({out['secs']:.0f} s)"
    )
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument(
        "--only",
        metavar="NAME|PATH",
        help=f"one of {', '.join(realdata.NAMES)}, or the path of a dataset kptui reads "
        "(videos + timed interactions: a held-out set)",
    )
    args = ap.parse_args()
    for name in [args.only] if args.only else realdata.NAMES:
        run(name)


if __name__ == "__main__":
    main()
