"""Writes creator/videos.csv: 60 posts of one creator, with the per-video metrics platforms
export (impressions, views, completion, follows, profile visits, purchases, format), made up
for the tests (no real data): Thursday-evening posts and #tutorial posts do 2x, #vlog 0.5x.

Run from this folder: python make_data.py
"""

from __future__ import annotations

import csv
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

rng = np.random.default_rng(13)
start = datetime(2026, 1, 5, 9, 0)  # a Monday
rows = []
for i in range(60):
    published = start + timedelta(days=i * 2 + (i % 3), hours=int(rng.integers(0, 12)))
    if i % 4 == 0:  # a Thursday-evening slot, every fourth post
        published = start + timedelta(weeks=i // 4, days=3, hours=10 + (i % 2))
    tags = ["python"]
    factor = 1.0
    if i % 5 == 0:
        tags.append("tutorial")
        factor *= 2.0
    if i % 7 == 3:
        tags.append("vlog")
        factor *= 0.5
    if published.weekday() == 3 and published.hour >= 18:
        factor *= 2.0
    views = int(1000 * factor * rng.lognormal(0, 0.15))
    impressions = int(views / 0.08)
    follows = int(views * 0.01)
    rows.append(
        {
            "video_id": f"p{i:03d}",
            "title": f"Post {i} " + " ".join(f"#{t}" for t in tags),
            "published_at": published.strftime("%Y-%m-%d %H:%M:%S"),
            "duration_s": 45 + (i % 4) * 30,
            "format": "short" if i % 6 else "long",
            "impressions": impressions,
            "views": views,
            "completion_rate": round(0.3 + 0.002 * (i % 10), 3),
            "likes": int(views * 0.05),
            "follows": follows,
            "profile_visits": follows * 3,
            "purchases": i % 3,
        }
    )
out = Path(__file__).resolve().parent / "creator"
out.mkdir(exist_ok=True)
with open(out / "videos.csv", "w", newline="", encoding="utf-8") as f:
    writer = csv.DictWriter(f, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
