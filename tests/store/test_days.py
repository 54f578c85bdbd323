"""Daily results of an experiment on a real SQLite file: migration 1 -> 2, records by date."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from kptui.errors import UsageError
from kptui.store import Arm, NotFoundError, Workspace, _db
from kptui.store.models import DayRecord


@pytest.fixture
def ws(tmp_path: Path):
    with Workspace.open(tmp_path / "ws.sqlite3") as workspace:
        yield workspace


def test_a_version_1_file_gains_daily_records_and_keeps_its_experiments(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA application_id = {_db.APPLICATION_ID}")
    conn.commit()
    assert _db.migrate(conn, path, _db.MIGRATIONS[:1]) == 1
    conn.execute(
        "INSERT INTO experiments (name, status, alpha, notes, created_at, updated_at) "
        "VALUES ('cover', 'running', 0.05, '', 'x', 'x')"
    )
    conn.executemany(
        "INSERT INTO arms (experiment_id, position, name, visitors, conversions, weight) "
        "VALUES (1, ?, ?, ?, ?, 1.0)",
        [(0, "A", 100, 5), (1, "B", 100, 8)],
    )
    conn.commit()
    conn.close()
    with Workspace.open(path) as w:
        assert w.schema_version == _db.SCHEMA_VERSION == 2
        exp = w.record(1, "B", visitors=50, conversions=4, day="2026-11-02")
        assert (exp.arm("B").visitors, exp.arm("B").conversions) == (150, 12)
        assert w.daily(1) == [DayRecord("2026-11-02", "B", 50, 4)]
        assert w.get_experiment(1).arm("A").visitors == 100


def test_days_add_up_replace_and_keep_totals_in_step(ws: Workspace) -> None:
    e = ws.add_experiment("price page", arms=["A", "B"])
    ws.record(e.id, "A", visitors=300, conversions=12, day="2026-11-01")
    ws.record(e.id, "B", visitors=310, conversions=15, day="2026-11-01")
    ws.record(e.id, "A", visitors=100, conversions=3, day="2026-11-01")  # a late batch adds
    ws.record(e.id, "A", visitors=280, conversions=10, day="2026-11-02")
    ws.record(e.id, "B", visitors=50, conversions=1)  # undated: totals only
    assert ws.daily(e.id) == [
        DayRecord("2026-11-01", "A", 400, 15),
        DayRecord("2026-11-01", "B", 310, 15),
        DayRecord("2026-11-02", "A", 280, 10),
    ]
    exp = ws.record(e.id, "A", visitors=250, conversions=9, day="2026-11-02", replace=True)
    assert (exp.arm("A").visitors, exp.arm("A").conversions) == (650, 24)
    assert exp.arm("B").visitors == 360
    snap = ws.snapshot()["experiment_days"]
    assert {"experiment_id": e.id, "arm": "A", "day": "2026-11-02", "visitors": 250,
            "conversions": 9} in snap  # fmt: skip


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"day": "2026-13-01"}, "YYYY-MM-DD"),
        ({"day": "yesterday"}, "YYYY-MM-DD"),
        ({"day": "2026-1-5"}, "YYYY-MM-DD"),
        ({"day": "2026-11-01", "visitors": 5, "conversions": 6}, "cannot exceed"),
        ({"day": "2026-11-01", "visitors": -1}, "negative"),
    ],
)
def test_bad_days_change_nothing(ws: Workspace, kwargs, words) -> None:
    e = ws.add_experiment("x", arms=[Arm("A", 10, 1), "B"])
    with pytest.raises(UsageError, match=words):
        ws.record(e.id, "A", **{"visitors": 1, "conversions": 0, **kwargs})
    assert ws.daily(e.id) == [] and ws.get_experiment(e.id).arm("A").visitors == 10


def test_unknown_arm_or_experiment_and_deletion(ws: Workspace) -> None:
    e = ws.add_experiment("x", arms=["A", "B"])
    with pytest.raises(NotFoundError, match="no arm 'Z'"):
        ws.record(e.id, "Z", visitors=1, day="2026-11-01")
    with pytest.raises(NotFoundError):
        ws.daily(99)
    ws.record(e.id, "A", visitors=5, conversions=1, day="2026-11-01")
    ws.delete_experiment(e.id)
    assert ws.conn.execute("SELECT count(*) FROM arm_days").fetchone()[0] == 0
