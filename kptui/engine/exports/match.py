"""Match what buyers bought to the catalogue: by id, by a video id inside a link, then by
title (rapidfuzz, the score reported). Whatever matches nothing becomes a paid item."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import polars as pl

TITLE_CUTOFF = 88.0  # rapidfuzz WRatio, 0-100: below this a title is not the same item
_LINK_ID = re.compile(r"(?:[?&]v=|youtu\.be/|/video/|/shorts/|/p/|/l/)([\w-]{4,})")


@dataclass
class Match:
    item: str  # the item's name (or id) as the store wrote it
    video_id: str
    title: str
    by: str  # "id", "link", "title" or "new paid item"
    score: float  # 100 for id and link matches
    file: str = ""  # the sales file that named the item first

    def to_json(self) -> dict[str, Any]:
        return {
            "item": self.item,
            "video_id": self.video_id,
            "title": self.title,
            "by": self.by,
            "score": round(self.score, 1),
            "file": self.file,
        }


def match_items(sales: pl.DataFrame, videos: pl.DataFrame) -> tuple[pl.DataFrame, list[Match]]:
    """(sales with a `video_id`, the match for each distinct item)."""
    import polars as pl
    from rapidfuzz import fuzz, process, utils

    ids = set(videos["video_id"].to_list())
    titles = videos["title"].fill_null("").to_list()
    vids = videos["video_id"].to_list()
    by_title = {t: vid for t, vid in zip(titles, vids, strict=True) if t}
    title_of = dict(zip(vids, titles, strict=True))
    items = sales.select("item_id", "item_name", "item_link", "_file").unique(
        subset=["item_id", "item_name", "item_link"], maintain_order=True
    )
    matches: list[Match] = []
    keys: list[tuple] = []
    for item_id, name, link, file in items.iter_rows():
        label = name or item_id or link or "(unnamed item)"
        m: Match | None = None
        if item_id and item_id in ids:
            m = Match(label, item_id, title_of[item_id], "id", 100.0)
        if m is None and link:
            found = _LINK_ID.search(link)
            if found and found.group(1) in ids:
                vid = found.group(1)
                m = Match(label, vid, title_of[vid], "link", 100.0)
        if m is None and name and by_title:
            best = process.extractOne(
                name,
                list(by_title),
                scorer=fuzz.WRatio,
                processor=utils.default_process,
                score_cutoff=TITLE_CUTOFF,
            )
            if best is not None:
                vid = by_title[best[0]]
                m = Match(label, vid, best[0], "title", float(best[1]))
        if m is None:
            # the same item sold through two stores (ids differ) is one item: name first
            basis = (name or item_id or link or "").strip().casefold()
            vid = "item-" + hashlib.blake2b(basis.encode(), digest_size=6).hexdigest()
            m = Match(label, vid, name or item_id or link or vid, "new paid item", 0.0)
        m.file = file
        matches.append(m)
        keys.append((item_id, name, link, m.video_id))
    table = pl.DataFrame(
        keys,
        schema=dict.fromkeys(("item_id", "item_name", "item_link", "video_id"), pl.Utf8),
        orient="row",
    )
    out = sales.join(table, on=["item_id", "item_name", "item_link"], how="left", nulls_equal=True)
    return out, matches


def paid_items(sales: pl.DataFrame, matches: list[Match]) -> pl.DataFrame:
    """A videos-table row for each item that matched nothing: title, price = median amount."""
    import polars as pl

    new = {m.video_id: m.title for m in matches if m.by == "new paid item"}  # one per id
    if not new:
        return pl.DataFrame(schema={"video_id": pl.Utf8, "title": pl.Utf8, "price": pl.Float64})
    prices = (
        sales.filter(pl.col("video_id").is_in(list(new)))
        .group_by("video_id")
        .agg(pl.col("amount").median().alias("price"))
    )
    base = pl.DataFrame({"video_id": list(new), "title": list(new.values())})
    return base.join(prices, on="video_id", how="left").with_columns(
        pl.col("price").fill_null(0.0).clip(lower_bound=0.0)
    )
