"""The models a dataset needs, built at most once and shared by the panes' workers.

Workers call these from threads; a lock per model makes a second caller wait for the first
build instead of fitting twice. A new dataset gets a new `Models` object, so a stale worker
can never hand back a model of the old data.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kptui.engine.tagindex import TagIndex
    from kptui.engine.types import Dataset


class Models:
    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset
        self._locks: dict[str, threading.Lock] = {}
        self._values: dict[str, Any] = {}
        self._guard = threading.Lock()

    def _get(self, key: str, build):
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            if key not in self._values:
                self._values[key] = build()
            return self._values[key]

    def ready(self, key: str) -> bool:
        return key in self._values

    def tag_index(self, progress=None) -> TagIndex:
        from kptui.engine.tags import tag_index

        return self._get("tags", lambda: tag_index(self.dataset, progress=progress))

    def tag_history(self) -> dict[str, float]:
        """How each tag did for this creator (the tag suggester's `history` source)."""
        from kptui.services.insights import tag_history

        return self._get("tag_history", lambda: tag_history(self.dataset))

    def personas(self, progress=None) -> Any:
        """The persona model (cached on disk by the engine, by data fingerprint)."""
        from kptui.engine.personas import load_or_fit_personas

        return self._get("personas", lambda: load_or_fit_personas(self.dataset, progress=progress))

    def member_stats(self) -> dict[str, tuple[int, int]]:
        """user_id -> (interactions, purchases), for the members table and CSV export."""

        def build() -> dict[str, tuple[int, int]]:
            import polars as pl

            inter = self.dataset.interactions
            if inter is None:
                return {}
            stats = inter.group_by("user_id").agg(
                pl.len().alias("n"), (pl.col("event") == "purchase").sum().alias("buys")
            )
            return {u: (int(n), int(b)) for u, n, b in stats.iter_rows()}

        return self._get("member_stats", build)

    def recommender(self, progress=None) -> Any:
        """The hybrid recommender (its personas are the ones the Personas pane shows)."""
        from kptui.engine.recommend import load_or_fit_recommender

        return self._get(
            "recommend", lambda: load_or_fit_recommender(self.dataset, progress=progress)
        )

    def viewer_ids(self) -> list[str]:
        """Every viewer id, sorted: completion for the Recommend pane's viewer field."""

        def build() -> list[str]:
            inter = self.dataset.interactions
            return [] if inter is None else sorted(inter["user_id"].unique().to_list())

        return self._get("viewer_ids", build)
