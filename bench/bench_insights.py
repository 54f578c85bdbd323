"""`kptui insights` on a big creator: 10,000 videos and a 3-year daily export, after load.

    python bench/bench_insights.py [--videos 10000 --years 3 --runs 5]

Target (issue 13): every section answers in <= 1 s after load (median of --runs in this
one process; the first, cold run with its imports is printed too). The dataset is built in
memory in kptui's own schema (the shape the export readers produce): per-video metrics of
every kind, formats and tags, a daily table (channel totals for views, followers, follows,
revenue, watch hours, plus views per traffic source and per country) and hourly follower
activity. Per-section times show where the second goes.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import date, datetime, timedelta


def build(videos: int, years: int, seed: int = 0):
    import numpy as np
    import polars as pl

    from kptui.engine.types import Dataset

    rng = np.random.default_rng(seed)
    days = 365 * years
    start = datetime(2023, 1, 1)
    offsets = np.sort(rng.uniform(0, days * 86400, videos))
    published = [start + timedelta(seconds=float(s)) for s in offsets]
    vocab = [f"tag{i}" for i in range(300)]
    tag_p = 1 / np.arange(1, 301) ** 0.9
    tag_p /= tag_p.sum()
    tags = [list(set(rng.choice(vocab, size=rng.integers(1, 8), p=tag_p))) for _ in range(videos)]
    views = rng.lognormal(7, 1.0, videos).astype(np.int64)
    impressions = (views / rng.uniform(0.03, 0.12, videos)).astype(np.int64)
    follows = rng.binomial(views, 0.01)
    frame = pl.DataFrame(
        {
            "video_id": [f"v{i:05d}" for i in range(videos)],
            "title": [f"video {i} #" + " #".join(t) for i, t in enumerate(tags)],
            "description": [""] * videos,
            "tags": tags,
            "published_at": published,
            "duration_s": rng.uniform(15, 900, videos),
            "price": np.zeros(videos),
            "views": views,
            "likes": rng.binomial(views, 0.05),
            "comments": rng.binomial(views, 0.005),
            "shares": rng.binomial(views, 0.003),
            "purchases": rng.binomial(follows, 0.1),
            "watch_hours": views * rng.uniform(0.005, 0.02, videos),
            "avg_view_s": rng.uniform(5, 120, videos),
            "avg_pct_viewed": rng.uniform(0.1, 0.9, videos),
            "completion_rate": rng.uniform(0.05, 0.6, videos),
            "impressions": impressions,
            "ctr": views / impressions,
            "saves": rng.binomial(views, 0.01),
            "follows": follows,
            "profile_visits": rng.binomial(views, 0.03),
            "revenue": views * rng.uniform(0.0005, 0.004, videos),
            "format": rng.choice(["short", "long", "live"], videos, p=[0.7, 0.25, 0.05]),
        }
    )
    dates = [date(2023, 1, 1) + timedelta(days=i) for i in range(days)]
    rows = []
    level = 1000.0
    followers = []
    for _ in dates:
        level += float(rng.poisson(30))
        followers.append(level)
    series = {
        "views": rng.poisson(20000, days).astype(float),
        "followers": np.asarray(followers),
        "follows": rng.poisson(30, days).astype(float),
        "revenue": rng.gamma(5, 8, days),
        "watch_hours": rng.gamma(20, 10, days),
    }
    for metric, values in series.items():
        rows.append(
            pl.DataFrame(
                {"date": dates, "metric": metric, "value": values, "dimension": None, "key": None},
                schema_overrides={"dimension": pl.Utf8, "key": pl.Utf8},
            )
        )
    for dimension, keys in (("traffic source", 12), ("geography", 60)):
        n = days * keys
        rows.append(
            pl.DataFrame(
                {
                    "date": dates * keys,
                    "metric": "views",
                    "value": rng.poisson(300, n).astype(float),
                    "dimension": dimension,
                    "key": [f"{dimension[:3]}{k}" for k in range(keys) for _ in range(days)],
                }
            )
        )
    daily = pl.concat(rows)
    activity = pl.DataFrame(
        {
            "date": [d for d in dates for _ in range(24)],
            "hour": list(range(24)) * days,
            "active": rng.gamma(5, 100, days * 24),
        }
    )
    return Dataset(
        videos=frame,
        interactions=None,
        files=[],
        fingerprint="bench",
        daily=daily,
        follower_activity=activity,
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--videos", type=int, default=10_000)
    ap.add_argument("--years", type=int, default=3)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()

    t0 = time.perf_counter()
    dataset = build(args.videos, args.years)
    print(
        f"built {args.videos:,} videos, {dataset.daily.height:,} daily rows, "
        f"{dataset.follower_activity.height:,} hourly rows in {time.perf_counter() - t0:.2f} s"
    )
    from kptui.engine.insights import SECTIONS
    from kptui.services.insights import insights

    t0 = time.perf_counter()
    result = insights(dataset)
    print(f"first run (imports included): {time.perf_counter() - t0:.3f} s")
    assert all(result[s]["status"] == "ok" for s in SECTIONS), {
        s: result[s]["needs"] for s in SECTIONS
    }
    times = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        insights(dataset)
        times.append(time.perf_counter() - t0)
    med = statistics.median(times)
    print(
        f"all sections: {med:.3f} s median of {args.runs} (target <= 1.0 s): "
        f"{'OK' if med <= 1.0 else 'OVER'}"
    )
    for name in SECTIONS:
        per = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            insights(dataset, [name])
            per.append(time.perf_counter() - t0)
        print(f"  --section {name:<8} {statistics.median(per):.3f} s")


if __name__ == "__main__":
    main()
