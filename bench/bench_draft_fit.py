"""Draft fit measured: does `draft_fit` put its mass on the personas that take a video up?

Protocol: hold out 15% of the videos with >= 5 viewers (seeded), remove every interaction
with them, fit personas (k=auto) on the rest. For each held-out video its title, description
and tags are the "draft"; the viewers who did take it up (and are in a persona) say where
it really landed: `share_p` = the share of those viewers in persona p. Fit mass =
sum_p fit_p * share_p; the persona-size prior's mass = sum_p prior_p * share_p. Reported:
mean fit mass, mean prior mass, their ratio (> 1: fit beats the prior), and the share of
drafts whose top fit is >= 0.99 (calibration: one word must not give 1.00).

Usage: python bench/bench_draft_fit.py [--only movielens|beer|sample]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np
import polars as pl
import realdata

from kptui.engine.personas import fit_personas
from kptui.engine.types import Dataset

HOLD = 0.15
MIN_VIEWERS = 5


def run(name: str) -> None:
    data = realdata.load(name)
    it = data.interactions
    counts = it.group_by("video_id").agg(pl.col("user_id").n_unique().alias("n"))
    pool = counts.filter(pl.col("n") >= MIN_VIEWERS)["video_id"].sort().to_list()
    rng = np.random.default_rng(0)
    held = set(rng.choice(pool, size=max(1, round(len(pool) * HOLD)), replace=False).tolist())
    train = Dataset(
        videos=data.videos,
        interactions=it.filter(~pl.col("video_id").is_in(list(held))),
        files=[],
    )
    model = fit_personas(train, k="auto")
    labels = dict(zip(model.user_ids, model.labels.tolist(), strict=True))
    prior = np.array([c["share"] for c in model.cards])
    prior = prior / prior.sum()
    videos = data.videos.filter(pl.col("video_id").is_in(list(held)))
    takers = it.filter(pl.col("video_id").is_in(list(held))).group_by("video_id").agg("user_id")
    who = dict(zip(takers["video_id"], takers["user_id"], strict=True))
    fit_mass, prior_mass, sure = [], [], 0
    for vid, title, desc, tags in videos.select(
        "video_id", "title", "description", "tags"
    ).iter_rows():
        users = [labels[u] for u in set(who.get(vid, [])) if u in labels]
        if not users:
            continue
        share = np.bincount(users, minlength=model.k) / len(users)
        draft_desc = f"{desc or ''} {' '.join('#' + t for t in tags or [])}"
        fit = model.draft_fit(title or "", draft_desc)
        p = np.zeros(model.k)
        for f in fit:
            p[f["persona_id"]] = f["fit"]
        fit_mass.append(float(p @ share))
        prior_mass.append(float(prior @ share))
        sure += max(p) >= 0.99
    f, q = np.mean(fit_mass), np.mean(prior_mass)
    print(
        f"{name:<10} k={model.k:<3} drafts={len(fit_mass):<5} fit mass {f:.4f}  "
        f"prior mass {q:.4f}  ratio {f / q:.2f}x  top fit >= 0.99: {sure / len(fit_mass):.1%}"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", choices=realdata.NAMES)
    args = ap.parse_args()
    for name in [args.only] if args.only else realdata.NAMES:
        run(name)


if __name__ == "__main__":
    main()
