"""The Parquet copy of a parsed CSV: the second load reads it, an edited file is parsed
again, a damaged copy is a miss, and the fingerprint never depends on which path ran."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import polars as pl
import pytest

from kptui.engine import modelcache, parsecache
from kptui.engine.io import load_dataset
from kptui.engine.sample import write_sample


def _settle() -> None:
    for thread in threading.enumerate():
        if thread.name == "kptui-parsecache":
            thread.join()


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(parsecache, "MIN_BYTES", 0)
    out = tmp_path / "d"
    write_sample(out, users=200, videos=40, events=3000, seed=3)
    with (out / "interactions.csv").open("a", encoding="utf-8") as fh:
        fh.write("u9,v0001,teleport,2024-01-01,1,\n")  # a problem the copy must keep
    return out


def test_second_load_reads_the_copy(data: Path, monkeypatch: pytest.MonkeyPatch):
    first = load_dataset(data)
    _settle()
    assert list((modelcache.folder("parsed", "x").parent).iterdir())

    def parse_again(path: Path):
        raise AssertionError(f"parsed {path.name} again")

    monkeypatch.setattr(parsecache, "read_table", parse_again)
    second = load_dataset(data)
    assert second.fingerprint == first.fingerprint
    assert second.interactions.equals(first.interactions)
    assert second.videos.equals(first.videos)
    assert [p.to_json() for p in second.problems] == [p.to_json() for p in first.problems]
    assert any("teleport" in p.message for p in second.problems)


def test_an_edited_file_is_parsed_again(data: Path):
    first = load_dataset(data)
    _settle()
    path = data / "interactions.csv"
    text = path.read_text(encoding="utf-8").replace(",view,", ",like,", 1)
    path.write_text(text, encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    second = load_dataset(data)
    assert second.fingerprint != first.fingerprint
    likes = pl.col("event") == "like"
    assert second.interactions.filter(likes).height == first.interactions.filter(likes).height + 1


def test_a_damaged_copy_is_a_miss(data: Path):
    first = load_dataset(data)
    _settle()
    for table in modelcache.folder("parsed", "x").parent.glob("*/table.parquet"):
        table.write_bytes(b"PAR1 not really")
    again = load_dataset(data)
    assert again.fingerprint == first.fingerprint
    assert again.interactions.equals(first.interactions)


def test_a_copy_moved_or_edited_is_a_miss(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Two folders' copies of videos.csv swapped (same name, so the label matched) loaded
    the other file's rows silently, and so did an edited but readable Parquet copy: each
    copy now records its key and its checksum."""
    monkeypatch.setattr(parsecache, "MIN_BYTES", 0)
    head = "video_id,title,tags,views\n"
    for name, vid in (("a", "va"), ("b", "vb")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "videos.csv").write_text(head + f"{vid},T,x,1\n")
        load_dataset(tmp_path / name)
        _settle()
    folders = sorted(p for p in modelcache.folder("parsed", "x").parent.iterdir() if p.is_dir())
    assert len(folders) == 2
    one, two = (f / "table.parquet" for f in folders)
    a, b = one.read_bytes(), two.read_bytes()
    one.write_bytes(b)
    two.write_bytes(a)
    assert load_dataset(tmp_path / "a").videos["video_id"].to_list() == ["va"]
    assert load_dataset(tmp_path / "b").videos["video_id"].to_list() == ["vb"]


def test_tables_come_in_one_chunk_per_column(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Polars parses a CSV into several chunks; the first expression over a frame whose
    columns are chunked differently copies every column, while the raw table still holds
    the chunked ones (+290 MB on a 150 MB interactions file). Parsed and cached tables are
    one chunk per column."""
    monkeypatch.setattr(parsecache, "MIN_BYTES", 0)
    path = tmp_path / "interactions.csv"
    with path.open("w", encoding="utf-8") as fh:
        fh.write("user_id,video_id,event,ts\n")
        for i in range(20_000):
            fh.write(f"u{i % 977},v{i % 53},view,2024-01-01 10:00:{i % 60:02d}\n")
    parsed = parsecache.read(path)
    _settle()
    cached = parsecache.read(path)
    assert cached.frame.equals(parsed.frame)
    for table in (parsed, cached):
        assert table.frame.height == 20_000
        assert {table.frame[c].n_chunks() for c in table.frame.columns} == {1}
