"""Writes that fail say so (exit 1), limits are stated, and messages name what is wrong."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SAMPLE = Path(__file__).resolve().parents[2] / "kptui" / "sample_data"
FULL = Path("/dev/full")


def _run(*args: str, stdout=subprocess.PIPE, env: dict[str, str] | None = None):
    full = {**os.environ, **(env or {})}
    full.pop("KPTUI_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "kptui", *args],
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        env=full,
        stdin=subprocess.DEVNULL,
        timeout=300,
    )


def _one_line_error(done, words: str) -> None:
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr
    lines = [ln for ln in done.stderr.splitlines() if ln.startswith("error:")]
    assert len(lines) == 1 and words in lines[0], done.stderr


@pytest.mark.skipif(not FULL.exists(), reason="needs /dev/full")
def test_writes_to_a_full_disk_exit_1(tmp_path: Path) -> None:
    ws = str(tmp_path / "ws.sqlite3")
    assert _run("plan", "--workspace", ws, "draft", "add", "--title", "x").returncode == 0
    _one_line_error(_run("plan", "--workspace", ws, "export", "--out", str(FULL)), "device")
    for args in (("export",), ("export", "--format", "csv"), ("draft", "list")):
        with open(FULL, "w") as full:
            done = _run("plan", "--workspace", ws, *args, stdout=full)
        _one_line_error(done, "no space left")
    data = str(SAMPLE)
    _one_line_error(
        _run("personas", "--data", data, "--k", "3", "--assignments", str(FULL)), "device"
    )
    missing = tmp_path / "nope" / "a.csv"
    done = _run("personas", "--data", data, "--k", "3", "--assignments", str(missing))
    _one_line_error(done, "does not exist")
    assert not missing.parent.exists()
    with open(FULL, "w") as full:
        _one_line_error(_run("data", "inspect", data, "--json", stdout=full), "no space left")


def test_ab_test_arm_limit_is_stated() -> None:
    variants = [a for _ in range(1_100) for a in ("--variant", "1000:60")]
    done = _run("ab", "test", "--control", "1000:50", *variants)
    assert done.returncode == 2 and "at most 26 arms" in done.stderr, done.stderr
    assert "StopIteration" not in done.stderr
    ok = _run("ab", "test", "--control", "1000:50", *variants[:50], "--json")
    assert ok.returncode == 0, ok.stderr


def test_split_and_mde_messages_say_what_is_wrong() -> None:
    done = _run(
        "ab", "test", "--control", "1000:50", "--variant", "1000:60", "--split", "1e308,1e308"
    )
    assert done.returncode == 2 and "too large" in done.stderr and "[0.0" not in done.stderr
    done = _run("ab", "size", "--baseline", "0.05", "--mde", "1e-300")
    assert done.returncode == 2 and "too small to detect" in done.stderr
    assert "0% baseline" not in done.stderr


def test_every_interaction_rejected_is_not_called_videos_only(tmp_path: Path) -> None:
    (tmp_path / "videos.csv").write_text("video_id,title\nv1,A\n", encoding="utf-8")
    (tmp_path / "interactions.csv").write_text(
        "user_id,video_id,event\nu1,v9,view\nu2,v8,view\n", encoding="utf-8"
    )
    done = _run("personas", "--data", str(tmp_path))
    _one_line_error(done, "every interaction row was skipped")
    assert "videos only" not in done.stderr and "not in the videos file" in done.stderr


def test_tags_input_without_title_is_bad_data(tmp_path: Path) -> None:
    path = tmp_path / "drafts.csv"
    path.write_text("description\nhello\n", encoding="utf-8")
    _one_line_error(_run("tags", "suggest", "--input", str(path)), "no 'title' column")


def test_no_writer_creates_a_missing_folder(tmp_path: Path) -> None:
    """plan export, personas --assignments/--recommendations, data sample: exit 1, one line
    naming the folder, and nothing at all written (no folder made, no first file of two)."""
    ws = str(tmp_path / "ws.sqlite3")
    assert _run("plan", "--workspace", ws, "draft", "add", "--title", "x").returncode == 0
    missing = tmp_path / "missing" / "dir"
    for fmt in ("csv", "json", "md"):
        done = _run("plan", "--workspace", ws, "export", "-f", fmt, "--out", str(missing / "x"))
        _one_line_error(done, "does not exist")
    rec = tmp_path / "rec.csv"
    done = _run(
        "personas", "--data", str(SAMPLE), "--k", "3",
        "--recommendations", str(rec), "--assignments", str(missing / "a.csv"),
    )  # fmt: skip
    _one_line_error(done, "does not exist")
    done = _run("data", "sample", str(missing / "out"), "--users", "5", "--events", "10")
    _one_line_error(done, "does not exist")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ws.sqlite3"]
    ok = _run("plan", "--workspace", ws, "export", "-f", "csv", "--out", str(tmp_path / "p.csv"))
    assert ok.returncode == 0 and (tmp_path / "p.csv").read_bytes().startswith(b"\xef\xbb\xbf")
