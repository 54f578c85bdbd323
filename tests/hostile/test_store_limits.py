"""Numbers SQLite cannot hold: an id or count of 10^20 was an OverflowError ("internal
error") in `plan draft show/rm/edit`, `plan experiment record`; now "no draft N", or the
count's limit, which is the A/B engine's."""

from __future__ import annotations

from pathlib import Path

import pytest

from kptui.engine.abtest import MAX_VISITORS
from kptui.errors import UsageError
from kptui.store import NotFoundError, Workspace
from kptui.store.workspace import MAX_COUNT
from tests.cli.cli_process import kptui

HUGE = 10**20


def test_the_store_and_the_engine_agree_on_the_largest_arm() -> None:
    assert MAX_COUNT == MAX_VISITORS


def test_ids_and_counts_beyond_sqlite(tmp_path: Path) -> None:
    with Workspace.open(tmp_path / "ws.sqlite") as ws:
        ws.add_draft("x")
        exp = ws.add_experiment("T", arms=["A", "B"])
        for call in (
            lambda: ws.get_draft(HUGE),
            lambda: ws.update_draft(HUGE, title="y"),
            lambda: ws.delete_drafts([HUGE]),
            lambda: ws.get_experiment(HUGE),
            lambda: ws.record(HUGE, "A", visitors=1),
        ):
            with pytest.raises(NotFoundError, match=f"no (draft|experiment) {HUGE}"):
                call()
        with pytest.raises(UsageError, match="at most 1,000,000,000,000 per arm"):
            ws.record(exp.id, "A", visitors=HUGE)
        ws.record(exp.id, "A", visitors=MAX_COUNT, conversions=1)
        for day in (None, "2024-01-01"):  # the total would pass the limit
            with pytest.raises(UsageError, match="got 1,000,000,000,001"):
                ws.record(exp.id, "A", visitors=1, day=day)
        assert ws.get_experiment(exp.id).arms[0].visitors == MAX_COUNT


@pytest.mark.parametrize(
    "args",
    [
        ["plan", "draft", "show", str(HUGE)],
        ["plan", "draft", "rm", str(HUGE)],
        ["plan", "draft", "edit", str(HUGE), "--title", "y"],
        ["plan", "experiment", "record", str(HUGE), "A", "-n", "10", "-c", "1"],
    ],
)
def test_cli_says_no_such_id(tmp_path: Path, args: list[str]) -> None:
    run = kptui("--workspace", str(tmp_path / "ws.sqlite"), *args)
    assert run.returncode == 2 and "internal error" not in run.stderr
    assert f"no draft {HUGE}" in run.stderr or f"no experiment {HUGE}" in run.stderr
