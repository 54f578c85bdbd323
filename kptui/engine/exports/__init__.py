"""Readers for the analytics and sales exports creators really download.

A file is recognised from its header (after dropping banner rows), never from its name; a
zip's member names only help date the export window. `recognise` says which reader fits;
`read_part` turns the file into a `Part` (videos, daily, breakdowns, follower activity or
sales), with notices for what was skipped or guessed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from kptui.engine.exports.common import Context, Part, Reader, keys

if TYPE_CHECKING:
    import polars as pl

    from kptui.engine.readers import RawTable

_BANNER_ROWS = 5


def readers() -> list[Reader]:
    from kptui.engine.exports import china, stores, tiktok, youtube

    return [*youtube.READERS, *tiktok.READERS, *china.READERS, *stores.READERS]


def recognise(frame: pl.DataFrame) -> tuple[Reader, str, pl.DataFrame] | None:
    """(reader, shape, frame) for a known export; the frame's header may come from a row below
    a banner. None when no platform's header fits (kptui's own schema, or unknown)."""
    import polars as pl

    from kptui.engine.readers import ROW

    found = _match(list(keys(frame)))
    if found:
        return (*found, frame)
    data_cols = [c for c in frame.columns if c != ROW]
    for i in range(min(_BANNER_ROWS, frame.height)):
        row = [frame[c][i] for c in data_cols]
        names = [str(x).strip() if x is not None else "" for x in row]
        if sum(1 for n in names if n) < 2:
            continue
        from kptui.engine.exports import values
        from kptui.engine.schema import header_key

        found = _match([header_key(values.header(n)) for n in names if n])
        if not found:
            continue
        unique = _unique([n or f"column_{j + 1}" for j, n in enumerate(names)])
        body = frame.slice(i + 1).rename(dict(zip(data_cols, unique, strict=True)))
        body = body.select(pl.col(ROW), *[pl.col(n) for n in unique if n])
        return (*found, body)
    return None


def _match(names: list[str]) -> tuple[Reader, str] | None:
    for reader in readers():
        shape = reader.detect(names)
        if shape:
            return reader, shape
    return None


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for n in names:
        if n in seen:
            seen[n] += 1
            n = f"{n}_{seen[n]}"
        else:
            seen[n] = 0
        out.append(n)
    return out


STORE_KINDS = ("gumroad", "lemonsqueezy", "stripe", "memberstack", "orders")


def read_part(
    table: RawTable,
    window_end: dt.date | None = None,
    salt: Callable[[], bytes] | None = None,
    mapping: dict[str, str] | None = None,
) -> Part | None:
    """The part of a dataset this file gives, or None when it is not a known export.
    `salt` is asked for only when the file holds buyers (it keys their hashed ids); a user's
    `mapping` (column -> field) is applied on top of what the reader took (exports.mapping)."""
    found = recognise(table.frame)
    if found is None:
        return None
    from kptui.engine.readers import ROW

    reader, _shape, frame = found
    ctx = Context(table.label, window_end)
    if reader.kind in STORE_KINDS and salt is not None:
        ctx.salt = salt()
    part = reader.read(frame, table.label, ctx)
    if mapping:
        from kptui.engine.exports.mapping import apply_mapping

        apply_mapping(part, frame, mapping, ctx)
    _negative_counts(part, table.label)
    part.table = table
    part.columns = [c for c in frame.columns if c != ROW]
    for p in table.problems:
        (part.notices if p.severity == "notice" else part.problems).append(p)
    if frame is not table.frame:
        from kptui.engine.exports.common import notice

        notice(part, None, "banner row(s) above the header skipped")
    return part


# What no export can hold below zero (net subscribers and revenue, refunds included, can)
NEVER_NEGATIVE = (
    "views", "likes", "comments", "shares", "purchases", "impressions", "saves",
    "profile_visits", "watch_hours", "avg_view_s", "duration_s", "ctr", "avg_pct_viewed",
    "completion_rate",
)  # fmt: skip


def _negative_counts(part: Part, label: str) -> None:
    """A negative view count (`-310588` for YouTube search) was kept as it was in exports'
    per-video, per-day and breakdown tables; kptui's own files reported it. Now reported and
    left empty there too."""
    import polars as pl

    from kptui.engine.exports.common import problem
    from kptui.engine.readers import ROW
    from kptui.engine.types import Problem

    if part.videos is not None:
        for col in [c for c in NEVER_NEGATIVE if c in part.videos.columns]:
            neg = (part.videos[col] < 0).fill_null(False)
            if neg.any():
                shown = ", ".join(f"{v:g}" for v in part.videos[col].filter(neg).head(3))
                rows = [int(r) for r in part.videos[ROW].filter(neg)]
                problem(part, col, f"negative value ({shown}); value left empty", rows)
                part.videos = part.videos.with_columns(
                    pl.when(pl.lit(neg)).then(None).otherwise(pl.col(col)).alias(col)
                )
    for attr in ("daily", "breakdowns"):
        frame = getattr(part, attr)
        if frame is None or "metric" not in frame.columns:
            continue
        neg = (frame["metric"].is_in(NEVER_NEGATIVE) & (frame["value"] < 0)).fill_null(False)
        if neg.any():
            bad = frame.filter(neg)
            shown = ", ".join(f"{m} {v:g}" for m, v in bad.select("metric", "value").head(3).rows())
            message = f"negative value ({shown}); value left empty"
            part.problems.append(Problem(part.source.file, None, None, message, bad.height))
            setattr(part, attr, frame.with_columns(
                pl.when(pl.lit(neg)).then(None).otherwise(pl.col("value")).alias("value")
            ))  # fmt: skip


_EPOCH = re.compile(r"(?<!\d)(1[5-9]\d{8})(?!\d)")  # 10-digit epoch seconds, 2017..2033
_ISO_DAY = re.compile(r"(?<!\d)(20\d\d)[-_]?(\d\d)[-_]?(\d\d)(?!\d)")


def window_from_name(name: str) -> dt.date | None:
    """The export date in a zip or file name: TikTok's `Overview_<start>_<epoch>_<handle>`
    carries the export's epoch; others a `YYYY-MM-DD` (the latest one wins)."""
    m = _EPOCH.search(name)
    if m:
        return dt.datetime.fromtimestamp(int(m.group(1)), tz=dt.UTC).date()
    days = []
    for y, mo, d in _ISO_DAY.findall(name):
        try:
            days.append(dt.date(int(y), int(mo), int(d)))
        except ValueError:
            continue
    return max(days) if days else None


_PERSONAL = re.compile(
    r"email|buyername|customername|username|firstname|lastname|fullname|address|street|"
    r"zipcode|postal|phone|cardnumber|cardlast|cardvisual|手机|电话|地址|姓名|昵称|邮箱|收货"
)


def holds_personal_data(path) -> bool:
    """True when the file's header looks like a store or membership export, or names a
    column of personal data (emails, names, addresses, phones, cards): such a file must not
    be copied anywhere (the parse cache included). Looks at the first 64 KB only."""
    import csv

    from kptui.engine.schema import header_key

    try:
        with open(path, "rb") as fh:
            head = fh.read(65536)
    except OSError:
        return False
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        text = head.decode("utf-16", errors="ignore")
    else:
        text = head.decode("utf-8", errors="ignore") or head.decode("gb18030", errors="ignore")
    lines = [line for line in text.lstrip("\ufeff").splitlines()[:6] if line.strip()]
    header_seen = False
    for line in lines:
        widest: list[str] = []
        for sep in (",", ";", "\t", "|"):
            cells = next(csv.reader([line], delimiter=sep), [])
            if len(cells) < 2:
                continue
            widest = max(widest, cells, key=len)
            keys = [header_key(c) for c in cells]
            if any(r.kind in STORE_KINDS and r.detect(keys) for r in readers()):
                return True
        if widest and not header_seen:  # the header (below any banner): personal columns?
            header_seen = True
            if any(_PERSONAL.search(header_key(c)) for c in widest if len(c) < 40):
                return True
    return False


__all__ = [
    "Context",
    "Part",
    "holds_personal_data",
    "read_part",
    "recognise",
    "window_from_name",
]
