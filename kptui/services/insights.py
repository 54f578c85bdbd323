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


def tag_history(dataset: Dataset) -> dict[str, float]:
    """How each tag did for this creator, for the tag suggester (`engine.tags.apply_history`)."""
    from kptui.engine.insights import tag_history as history

    return history(dataset)
