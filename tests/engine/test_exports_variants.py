"""Table-driven: every variant in export_variants loads with the right kind, shape and rows
(Total and footer rows excluded), no problems, and its values and dates right; through the
CLI each is `data inspect` exit 0 with no traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from export_variants import CASES, Case

from kptui.engine.io import load_dataset


def sources(ds) -> dict[str, tuple[str, str, int]]:
    return {Path(s.file).name: (s.kind, s.shape, s.rows) for s in ds.sources}


def test_there_are_many_variants():
    assert len(CASES) >= 85
    assert len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_variant_loads_right(case: Case, tmp_path: Path):
    paths = case.write(tmp_path)
    ds = load_dataset(paths, salt_fn=lambda: b"variants")
    assert sources(ds) == case.sources
    assert ds.problems == [], [p.message for p in ds.problems]
    if case.check:
        case.check(ds)


# a sample through the CLI as a user runs it: exit 0, JSON sources, no traceback
CLI = ["studio-zip-nested-folder", "studio-per-video-ja", "tiktok-content-zip-with-folder",
       "douyin-csv-gb18030", "xiaohongshu-xlsx-banner", "wechat-xlsx", "orders-zh-xlsx",
       "studio-per-video-utf16-sep-line"]  # fmt: skip


@pytest.mark.parametrize("name", CLI)
def test_variant_through_data_inspect(name: str, tmp_path: Path):
    (case,) = [c for c in CASES if c.name == name]
    paths = case.write(tmp_path / "data")
    env_home = tmp_path / "home"
    res = subprocess.run(
        [sys.executable, "-m", "kptui", "data", "inspect", *map(str, paths), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        env={
            "HOME": str(env_home),
            "KPTUI_CACHE_DIR": str(tmp_path / "cache"),
            "XDG_CONFIG_HOME": str(env_home / ".config"),
            "PATH": "/usr/bin:/bin",
            "XDG_DATA_HOME": str(env_home / ".local"),
        },
    )
    assert res.returncode == 0, res.stderr
    assert "Traceback" not in res.stderr
    doc = json.loads(res.stdout)
    got = {Path(s["file"]).name: (s["kind"], s["shape"], s["rows"]) for s in doc["sources"]}
    assert got == case.sources
