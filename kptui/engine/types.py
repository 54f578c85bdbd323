"""The shapes every engine module agrees on: a loaded dataset and the problems found in it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import polars as pl

EVENTS: tuple[str, ...] = ("view", "like", "comment", "share", "follow", "purchase")

# Canonical columns of the two tables. Loaders always produce these (missing optional ones
# are filled with nulls, `description` with "", `tags` with []), so downstream code never
# has to ask whether a column exists.
VIDEO_COLUMNS: dict[str, str] = {
    "video_id": "str",
    "title": "str",
    "description": "str",
    "tags": "list[str]",  # normalised for display as the corpus writes them, deduplicated
    "published_at": "datetime",
    "duration_s": "f64",
    "price": "f64",  # 0.0 when absent; > 0 marks a paid course or item
    "channel": "str",  # channel / author name when the export has one, else null
    "views": "i64",
    "likes": "i64",
    "comments": "i64",
    "shares": "i64",
    "purchases": "i64",
}
INTERACTION_COLUMNS: dict[str, str] = {
    "user_id": "str",
    "video_id": "str",
    "event": "str",  # one of EVENTS
    "ts": "datetime",  # naive UTC, microseconds; null when the export has none
    "watch_s": "f64",
    "amount": "f64",
}


@dataclass
class Problem:
    """One kind of problem in one file and column; `row` is the first example (header = row 1)."""

    file: str
    row: int | None
    column: str | None
    message: str
    count: int = 1
    examples: list[int] = field(default_factory=list)  # up to five row numbers
    severity: str = "warning"  # "warning": rows dropped or values nulled; "error": file unusable

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "message": self.message,
            "count": self.count,
            "examples": self.examples,
            "severity": self.severity,
        }


@dataclass
class Dataset:
    """A creator's export, typed and validated.

    `interactions` is None for a videos-only dataset. `fingerprint` changes whenever the
    content (or the column mapping) changes, and keys every model cache.
    """

    videos: pl.DataFrame
    interactions: pl.DataFrame | None
    files: list[str]
    problems: list[Problem] = field(default_factory=list)
    duplicates_merged: int = 0
    fingerprint: str = ""
    source: str = ""  # the folder or first file the user named

    @property
    def has_interactions(self) -> bool:
        return self.interactions is not None and self.interactions.height > 0
