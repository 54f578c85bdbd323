"""`kptui recommend` as a user runs it: the SPEC's JSON shapes, --paid-only, clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from cli_process import kptui

from kptui.engine.sample import write_sample


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("recommend-data") / "sample"
    write_sample(out, users=300, videos=80, events=7000, seed=3)
    return out


@pytest.fixture(scope="module")
def seen(data: Path) -> dict[str, set[str]]:
    it = pl.read_csv(data / "interactions.csv", infer_schema=False)
    grouped = it.group_by("user_id").agg(pl.col("video_id").unique())
    return {u: set(v) for u, v in zip(grouped["user_id"], grouped["video_id"], strict=True)}


def test_user_all_json(data: Path, seen):
    proc = kptui("recommend", "--data", str(data), "--user", "all", "--top", "5", "--json")
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert set(result) == set(seen)
    for user, items in result.items():
        assert len(items) == 5
        assert all(isinstance(v, str) for v in items)
        assert not set(items) & seen[user]


def test_one_user_json_and_human(data: Path, seen):
    proc = kptui("recommend", "--data", str(data), "--user", "u00012", "--json")
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert list(result) == ["u00012"] and len(result["u00012"]) == 10
    assert not set(result["u00012"]) & seen["u00012"]
    human = kptui("recommend", "--data", str(data), "--user", "u00012", "--top", "3")
    assert human.returncode == 0
    assert human.stdout.splitlines()[0] == "viewer u00012"
    assert result["u00012"][0] in human.stdout


def test_persona_all_json_and_paid_only(data: Path):
    proc = kptui("recommend", "--data", str(data), "--persona", "all", "--paid-only", "--json")
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    videos = pl.read_csv(data / "videos.csv", infer_schema=False)
    paid = set(videos.filter(pl.col("price").cast(pl.Float64) > 0)["video_id"])
    personas = json.loads(kptui("personas", "--data", str(data), "--json").stdout)
    assert [b["persona_id"] for b in result] == [p["id"] for p in personas["personas"]]
    assert [b["label"] for b in result] == [p["label"] for p in personas["personas"]]
    for block in result:
        assert block["items"]
        for item in block["items"]:
            assert {"video_id", "title", "score"} <= set(item)
            assert item["video_id"] in paid
    one = json.loads(
        kptui("recommend", "--data", str(data), "--persona", "1", "--paid-only", "--json").stdout
    )
    assert one == [result[1]]


def test_draft_json(data: Path):
    proc = kptui("recommend", "--data", str(data), "--title", "零基础学Python #编程", "--json")
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    fits = result["personas"]
    assert all({"persona_id", "label", "fit"} <= set(f) for f in fits)
    assert [f["fit"] for f in fits] == sorted((f["fit"] for f in fits), reverse=True)
    assert any(w in fits[0]["label"] for w in ("Python", "编程", "coding", "程序员", "programming"))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "give exactly one of --persona ID|all, --user ID|all or --title T"),
        (["--user", "all", "--persona", "all"], "give exactly one of"),
        (["--description", "only a description"], "--description needs --title"),
        (["--title", "  "], "--title must not be empty"),
        (["--persona", "first"], "--persona must be a persona id"),
        (["--persona", "42"], "unknown persona 42"),
        (["--user", "nobody"], "unknown viewer 'nobody'"),
        (["--user", "all", "--top", "0"], "--top"),
    ],
)
def test_usage_errors(data: Path, args: list[str], message: str):
    proc = kptui("recommend", "--data", str(data), *args)
    assert proc.returncode == 2, proc.stderr
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_videos_only(tmp_path: Path):
    (tmp_path / "videos.csv").write_text("video_id,title\nv1,Hello\n", encoding="utf-8")
    proc = kptui("recommend", "--data", str(tmp_path), "--user", "all", "--json")
    assert proc.returncode == 1
    assert "need interactions" in proc.stderr
    assert proc.stdout == ""
