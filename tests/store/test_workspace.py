"""The Workspace API on a real SQLite file: what is saved is what comes back, bad values refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from kptui.errors import UsageError, WorkspaceError
from kptui.store import Arm, NotFoundError, Workspace
from kptui.store.workspace import MAX_RECENT


@pytest.fixture
def ws(tmp_path: Path):
    with Workspace.open(tmp_path / "ws.sqlite3") as workspace:
        yield workspace


def test_default_path_comes_from_the_environment(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "env.sqlite3"
    monkeypatch.setenv("KPTUI_WORKSPACE", str(target))
    with Workspace.open() as ws:
        ws.add_draft("via env")
    assert target.exists()
    monkeypatch.delenv("KPTUI_WORKSPACE")
    monkeypatch.setenv("KPTUI_DATA_DIR", str(tmp_path / "data"))
    with Workspace.open() as ws:
        assert ws.path == tmp_path / "data" / "workspace.sqlite3"
        assert ws.list_drafts() == []


def test_a_draft_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "ws.sqlite3"
    with Workspace.open(path) as ws:
        d = ws.add_draft(
            "  学Python [入门] =1+1  ",
            description="line one\nline two",
            tags="python, #编程，Python|机器学习",
            personas=[2, "0,3", 2],
            publish_at="2025-06-01 19:30",
            status="ready",
            notes="check \x1b[31m colours",
        )
    with Workspace.open(path) as ws:
        got = ws.get_draft(d.id)
    assert got == d
    assert got.title == "学Python [入门] =1+1"
    assert got.tags == ["python", "编程", "机器学习"]
    assert got.personas == [2, 0, 3]
    assert (got.publish_at, got.publish_hour, got.publish_hour_source) == (
        "2025-06-01T19:30",
        19,
        "user",
    )
    assert got.status == "ready"
    assert got.notes == "check \x1b[31m colours"
    assert got.created_at == got.updated_at
    assert got.created_at.endswith("+00:00")


def test_ids_are_never_reused(ws: Workspace) -> None:
    a = ws.add_draft("a")
    b = ws.add_draft("b")
    ws.delete_draft(b.id)
    c = ws.add_draft("c")
    assert (a.id, b.id, c.id) == (1, 2, 3)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"title": "   "}, "title cannot be empty"),
        ({"title": "x", "status": "draft"}, "status must be one of idea, ready, published"),
        ({"title": "x", "personas": ["two"]}, "persona must be a persona id"),
        ({"title": "x", "personas": [-1]}, "0 or more"),
        ({"title": "x", "publish_at": "next tuesday"}, "cannot read 'next tuesday'"),
        ({"title": "x", "publish_at": "25:00"}, "not a time of day"),
        ({"title": "x", "publish_hour": 24}, "0-23"),
        ({"title": "x", "publish_at": "2025-01-01 10:00", "publish_hour": 9}, "disagree"),
        ({"title": "x\x00y"}, "NUL"),
    ],
)
def test_bad_draft_values_are_usage_errors(ws: Workspace, kwargs, message) -> None:
    title = kwargs.pop("title")
    with pytest.raises(UsageError, match=message):
        ws.add_draft(title, **kwargs)
    assert ws.list_drafts() == []


def test_update_changes_only_what_is_given(ws: Workspace) -> None:
    d = ws.add_draft("t", tags=["a"], personas=[1], notes="keep", publish_at="2025-06-01")
    u = ws.update_draft(d.id, status="ready", tags="b, c")
    assert (u.title, u.notes, u.personas, u.publish_at) == ("t", "keep", [1], "2025-06-01")
    assert (u.status, u.tags) == ("ready", ["b", "c"])
    # a date-only plan gets an hour (as the TUI's suggestion would set it), then a new time
    u = ws.update_draft(d.id, publish_hour=20, publish_hour_source="persona")
    assert (u.publish_at, u.publish_hour, u.publish_hour_source) == ("2025-06-01", 20, "persona")
    u = ws.update_draft(d.id, publish_at="2025-06-02 08:00")
    assert (u.publish_at, u.publish_hour, u.publish_hour_source) == ("2025-06-02T08:00", 8, "user")
    u = ws.update_draft(d.id, publish_at=None, publish_hour=None)
    assert (u.publish_at, u.publish_hour, u.publish_hour_source) == (None, None, None)
    with pytest.raises(UsageError):
        ws.update_draft(d.id, status="gone")
    assert ws.get_draft(d.id).status == "ready"
    with pytest.raises(NotFoundError, match="no draft 99"):
        ws.update_draft(99, title="x")


def test_list_filters(ws: Workspace) -> None:
    ws.add_draft("a", tags=["Python"], personas=[1], status="ready")
    ws.add_draft("b", tags=["python", "ai"], personas=[2])
    ws.add_draft("c", tags=["cooking"], personas=[1, 2])
    assert [d.title for d in ws.list_drafts(tag="PYTHON")] == ["a", "b"]
    assert [d.title for d in ws.list_drafts(persona=2)] == ["b", "c"]
    assert [d.title for d in ws.list_drafts(status="ready")] == ["a"]
    assert [d.title for d in ws.list_drafts(status="idea", persona=1)] == ["c"]
    with pytest.raises(UsageError):
        ws.list_drafts(status="nope")


def test_delete_several_is_all_or_nothing(ws: Workspace) -> None:
    for t in "abc":
        ws.add_draft(t)
    with pytest.raises(NotFoundError, match="no draft 9"):
        ws.delete_drafts([1, 9])
    assert len(ws.list_drafts()) == 3
    ws.delete_drafts([1, 3])
    assert [d.title for d in ws.list_drafts()] == ["b"]


def test_experiment_record_adds_and_validates(ws: Workspace) -> None:
    d1, d2 = ws.add_draft("title A"), ws.add_draft("title B")
    e = ws.add_experiment("titles", arms=["A", Arm("B", 10, 1)], drafts=[d1.id, d2.id])
    assert [a.name for a in e.arms] == ["A", "B"] and e.control.name == "A"
    assert e.drafts == [d1.id, d2.id] and e.status == "running" and e.alpha == 0.05
    e = ws.record(e.id, "A", visitors=100, conversions=7)
    e = ws.record(e.id, "A", visitors=50, conversions=3)
    e = ws.record(e.id, "B", visitors=140, conversions=11)
    assert [(a.visitors, a.conversions) for a in e.arms] == [(150, 10), (150, 12)]
    assert e.arm("A").rate == pytest.approx(10 / 150)  # type: ignore[union-attr]
    e = ws.record(e.id, "B", visitors=1000, conversions=90, replace=True)
    assert (e.arm("B").visitors, e.arm("B").conversions) == (1000, 90)  # type: ignore[union-attr]
    with pytest.raises(UsageError, match="cannot exceed visitors"):
        ws.record(e.id, "A", conversions=500)
    with pytest.raises(UsageError, match="negative"):
        ws.record(e.id, "A", visitors=-1)
    with pytest.raises(UsageError, match="whole number"):
        ws.record(e.id, "A", visitors=1.5)  # type: ignore[arg-type]
    with pytest.raises(NotFoundError, match=r"no arm 'C' \(arms: A, B\)"):
        ws.record(e.id, "C", visitors=1)
    with pytest.raises(NotFoundError, match="no experiment 7"):
        ws.record(7, "A", visitors=1)
    assert ws.get_experiment(e.id).arm("A").visitors == 150  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"arms": ["A"]}, "at least two arms"),
        ({"arms": ["A", "A"]}, "two arms are called 'A'"),
        ({"arms": ["A", Arm("B", 5, 6)]}, "cannot exceed"),
        ({"drafts": [42]}, "no draft 42"),
        ({"status": "won"}, "status must be one of"),
        ({"alpha": 1.5}, "alpha must be between 0 and 1"),
    ],
)
def test_bad_experiments_are_refused(ws: Workspace, kwargs, message) -> None:
    with pytest.raises(UsageError, match=message):
        ws.add_experiment("e", **kwargs)
    assert ws.list_experiments() == []


def test_deleting_a_draft_keeps_the_experiment(ws: Workspace) -> None:
    d = ws.add_draft("x")
    keep = ws.add_draft("y")
    e = ws.add_experiment("e", drafts=[d.id, keep.id])
    ws.delete_draft(d.id)
    assert ws.get_experiment(e.id).drafts == [keep.id]
    ws.delete_experiment(e.id)
    assert ws.list_experiments() == []
    assert ws.conn.execute("SELECT COUNT(*) FROM arms").fetchone()[0] == 0
    assert [x.id for x in ws.list_drafts()] == [keep.id]


def test_update_experiment(ws: Workspace) -> None:
    d = ws.add_draft("x")
    e = ws.add_experiment("e")
    e2 = ws.update_experiment(e.id, status="done", name="renamed", drafts=[d.id], alpha=0.1)
    assert (e2.status, e2.name, e2.drafts, e2.alpha) == ("done", "renamed", [d.id], 0.1)
    assert [x.id for x in ws.list_experiments(status="done")] == [e.id]
    assert ws.list_experiments(status="running") == []
    with pytest.raises(NotFoundError):
        ws.update_experiment(5, status="done")


def test_replacing_arms_is_one_change(ws: Workspace) -> None:
    e = ws.add_experiment("e", arms=[Arm("A", 10, 1), Arm("B", 10, 2)])
    e = ws.update_experiment(e.id, arms=[Arm("A", 500, 40), Arm("B", 480, 50), "C"])
    assert [(a.name, a.visitors, a.conversions) for a in e.arms] == [
        ("A", 500, 40),
        ("B", 480, 50),
        ("C", 0, 0),
    ]
    with pytest.raises(UsageError, match="cannot exceed"):
        ws.update_experiment(e.id, name="new name", arms=[Arm("A", 1, 0), Arm("B", 1, 5)])
    again = ws.get_experiment(e.id)  # the refused call changed nothing, not even the name
    assert again.name == "e" and [a.name for a in again.arms] == ["A", "B", "C"]


def test_recent_datasets(ws: Workspace, tmp_path: Path, monkeypatch) -> None:
    assert ws.last_dataset() is None and ws.recent_datasets() == []
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    monkeypatch.chdir(tmp_path)
    ws.add_recent_dataset("a")  # relative: stored absolute, so it reopens from anywhere
    ws.add_recent_dataset(b)
    ws.add_recent_dataset(str(a))  # again: moves to the front, no duplicate
    assert ws.recent_datasets() == [str(a), str(b)]
    assert ws.last_dataset() == str(a)
    a.rmdir()  # the last one is gone: fall back to the newest that still exists
    assert ws.last_dataset() == str(b)
    assert ws.last_dataset(existing_only=False) == str(a)
    assert ws.recent_datasets(existing_only=True) == [str(b)]
    for i in range(MAX_RECENT + 10):
        ws.add_recent_dataset(tmp_path / f"d{i}")
    kept = ws.recent_datasets(limit=1000)
    assert len(kept) == MAX_RECENT
    assert kept[0] == str(tmp_path / f"d{MAX_RECENT + 9}")
    assert ws.recent_datasets(limit=3) == kept[:3]


def test_snapshot_is_json_ready(ws: Workspace) -> None:
    import json

    ws.add_draft("标题", tags=["编程"])
    ws.add_experiment("e", arms=[Arm("A", 10, 2), "B"])
    snap = ws.snapshot()
    again = json.loads(json.dumps(snap, allow_nan=False))
    assert again["drafts"][0]["tags"] == ["编程"]
    assert again["experiments"][0]["arms"][1] == {
        "name": "B",
        "visitors": 0,
        "conversions": 0,
        "rate": None,
        "weight": 1.0,
    }


def test_closed_workspace_says_so(tmp_path: Path) -> None:
    ws = Workspace.open(tmp_path / "c.sqlite3")
    ws.close()
    ws.close()  # twice is fine
    with pytest.raises(WorkspaceError, match="closed"):
        ws.list_drafts()
