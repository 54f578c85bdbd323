"""Insights as one job for both front ends: `kptui insights` and the Insights pane.

`insights` takes a loaded dataset and the sections wanted (section names as the CLI's
`--section` spells them) and returns the JSON-ready result of `kptui.engine.insights.run`,
so `--json`, the human tables and the pane show the same numbers. A bad section name is a
usage error naming the field.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kptui.engine.types import Dataset


def insights(
    dataset: Dataset, sections: Sequence[str] | None = None, seed: int = 0
) -> dict[str, Any]:
    """Every requested section (all by default), each "ok" or saying what it needs."""
    from kptui.engine.insights import SECTIONS, run
    from kptui.errors import UsageError, check_seed

    check_seed(seed)
    wanted = list(sections or SECTIONS)
    for name in wanted:
        if name not in SECTIONS:
            raise UsageError(
                f"unknown section {name!r}; one of {', '.join(SECTIONS)}", column="section"
            )
    return run(dataset, wanted, seed=seed)


# Bump when what `engine.insights.tag_history` returns changes meaning: a cached history
# written by other code is then never read.
HISTORY_VERSION = 1


def tag_history(dataset: Dataset, cache: bool = True) -> dict[str, float]:
    """How each tag did for this creator, for the tag suggester (`engine.tags.apply_history`).

    Cached by the data's fingerprint (`modelcache`, checksummed like the models): scoring
    every video against its baseline and grouping its tags cost a second of CPU on 1.5M
    videos, at every `kptui tags suggest`, for a dict of at most 200 numbers.
    """
    import json

    from kptui.engine import modelcache
    from kptui.engine.insights import tag_history as history
    from kptui.engine.insights.baseline import MIN_FORMAT, MIN_N, WINDOW
    from kptui.engine.insights.tagfx import LIMIT, MIN_USES

    fingerprint = dataset.fingerprint
    if not (cache and fingerprint):
        return history(dataset)
    params = (HISTORY_VERSION, WINDOW, MIN_N, MIN_FORMAT, MIN_USES, LIMIT)
    key = modelcache.key("tag-history", fingerprint, *params)
    folder = modelcache.verified("tag-history", key, fingerprint)
    if folder is not None:
        try:
            got = json.loads((folder / "history.json").read_text(encoding="utf-8"))
            if isinstance(got, dict) and all(
                isinstance(k, str) and isinstance(v, int | float) for k, v in got.items()
            ):
                return {k: float(v) for k, v in got.items()}
        except (OSError, ValueError):
            pass  # unreadable: computed again and rewritten
    out = history(dataset)

    def write(tmp):
        (tmp / "history.json").write_text(json.dumps(out, ensure_ascii=False), encoding="utf-8")

    modelcache.write_atomic("tag-history", key, write, fingerprint)  # None (failed): no cache
    return out
