"""Publish-hour suggestion, field parsing, and the three export formats."""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

import pytest

from kptui.errors import UsageError
from kptui.store import (
    Arm,
    Workspace,
    merge_hour_profiles,
    parse_publish_at,
    parse_tags,
    suggest_publish_hour,
)
from kptui.store.export import csv_cell, render


def _profile(peaks: dict[int, float]) -> list[float]:
    return [peaks.get(h, 0.0) for h in range(24)]


def test_suggest_single_peak_is_the_peak() -> None:
    assert suggest_publish_hour(_profile({20: 1.0})) == 20


def test_suggest_prefers_the_start_of_a_busy_stretch() -> None:
    # 16:00 alone is the highest hour, but 20-22 together hold far more activity
    profile = _profile({16: 0.35, 20: 0.25, 21: 0.25, 22: 0.20})
    assert suggest_publish_hour(profile) == 20


def test_suggest_wraps_past_midnight() -> None:
    profile = _profile({23: 0.3, 0: 0.3, 1: 0.3, 12: 0.35})
    assert suggest_publish_hour(profile) == 23


def test_suggest_on_the_sample_like_evening_profile() -> None:
    base = [math.exp(-((h - 20.5) ** 2) / 8) + 0.05 for h in range(24)]
    assert suggest_publish_hour(base) in (19, 20)


@pytest.mark.parametrize(
    "bad", [None, [], [1.0] * 23, [0.0] * 24, [float("nan")] + [1.0] * 23, [-1.0] + [1.0] * 23]
)
def test_suggest_says_nothing_without_a_signal(bad) -> None:
    assert suggest_publish_hour(bad) is None


def test_merge_weights_by_size() -> None:
    morning, evening = _profile({8: 1.0}), _profile({20: 5.0})
    assert suggest_publish_hour(merge_hour_profiles([morning, evening], [900, 100])) == 8
    assert suggest_publish_hour(merge_hour_profiles([morning, evening], [100, 900])) == 20
    merged = merge_hour_profiles([morning, [1.0] * 3, evening])  # the broken one is skipped
    assert merged[8] == pytest.approx(1.0) and merged[20] == pytest.approx(1.0)


def test_parse_tags() -> None:
    assert parse_tags("#Python #编程 ＃AI") == ["Python", "编程", "AI"]
    assert parse_tags("#话题# #另一个#, C#") == ["话题", "另一个", "C#"]
    assert parse_tags("machine learning, deep  learning") == ["machine learning", "deep learning"]
    assert parse_tags("Python，编程、AI;ai|  machine   learning ") == [
        "Python",
        "编程",
        "AI",
        "machine learning",
    ]
    assert parse_tags(["Ｐｙｔｈｏｎ", "python", ""]) == ["Ｐｙｔｈｏｎ"]
    assert parse_tags("") == [] and parse_tags(None) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-06-01 19:30", ("2025-06-01T19:30", 19)),
        ("2025/06/01 07:05", ("2025-06-01T07:05", 7)),
        ("2025-06-01T19:30:59", ("2025-06-01T19:30", 19)),
        ("2025-06-01", ("2025-06-01", None)),
        ("19", (None, 19)),
        ("7:45", (None, 7)),
        ("none", (None, None)),
        ("", (None, None)),
    ],
)
def test_parse_publish_at(text, expected) -> None:
    assert parse_publish_at(text) == expected


@pytest.mark.parametrize("text", ["tomorrow", "24", "12:61", "2025-13-01", "2025-02-30 10:00"])
def test_parse_publish_at_refuses(text) -> None:
    with pytest.raises(UsageError):
        parse_publish_at(text)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "\\x0d=1"),  # a lone CR is shown, not sent (it rewrites a terminal line)
        ("plain =1", "plain =1"),
        ("编程", "编程"),
        (-5, -5),
        (0.25, 0.25),
        (None, ""),
    ],
)
def test_csv_cell_neutralises_formulas(value, expected) -> None:
    assert csv_cell(value) == expected


@pytest.fixture
def plan(tmp_path: Path) -> dict:
    with Workspace.open(tmp_path / "ws.sqlite3") as ws:
        ws.add_draft(
            "=cmd|' /C calc'!A0",
            description="a | pipe\nand a new line",
            tags=["@mention", "编程"],
            personas=[1, 2],
            publish_at="2025-06-01 19:30",
            notes="-2+3",
        )
        ws.add_draft("Learn *Python* [fast]", publish_hour=20, publish_hour_source="persona")
        ws.add_experiment("+titles", arms=[Arm("A", 1000, 80), Arm("=B", 1000, 95)], drafts=[1])
        return ws.snapshot()


def test_csv_drafts_round_trip_as_text(plan: dict) -> None:
    text = render(plan, "csv", "drafts")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 2
    assert rows[0]["title"] == "'=cmd|' /C calc'!A0"
    assert rows[0]["tags"] == "'@mention|编程"
    assert rows[0]["notes"] == "'-2+3"
    assert rows[0]["description"] == "a | pipe\nand a new line"
    assert rows[0]["personas"] == "1|2"
    assert rows[1]["publish_hour"] == "20"
    for row in rows:
        for cell in row.values():
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_csv_experiments_one_row_per_arm(plan: dict) -> None:
    rows = list(csv.DictReader(io.StringIO(render(plan, "csv", "experiments"))))
    assert [(r["experiment"], r["arm"], r["role"]) for r in rows] == [
        ("'+titles", "A", "control"),
        ("'+titles", "'=B", "variant"),
    ]
    assert rows[1]["rate"] == "0.095"


def test_json_export_is_the_snapshot(plan: dict) -> None:
    assert json.loads(render(plan, "json")) == plan


def test_markdown_export_escapes_tables(plan: dict) -> None:
    md = render(plan, "md")
    assert md.startswith("# Content plan\n")
    table_rows = [line for line in md.splitlines() if line.startswith("| 1 |")]
    assert len(table_rows) == 1
    # the pipe inside the title is escaped, so the row still has exactly 7 separators
    assert table_rows[0].replace("\\|", "").count("|") == 7
    assert "Learn \\*Python\\* \\[fast\\]" in md
    assert "20:00 (suggested)" in md
    assert "| A (control) | 1000 | 80 | 8.00% |" in md


def test_csv_cells_are_csv_cell_of_each_id() -> None:
    # the vectorised path for plain ids, csv_cell for the rest, in their places
    from kptui.services.personas import csv_cells

    ids = ["u1", "=HYPERLINK(1)", "plain id", "+1", "-x", "@a", "caf\u00e9", "a\x1bb", "\tx", "ok"]
    ids += ["x\u202ey", "", "  lead", "v-1"]
    assert csv_cells(ids).to_list() == [csv_cell(v) for v in ids]
    plain = ["u1", "u2", "video 7"]
    assert csv_cells(plain).to_list() == plain
