"""Real exports through the CLI: sources and notices in `data inspect`, and no buyer's name
or email in anything kptui prints or writes."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from cli_process import kptui

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "engine"))
from export_fixtures import EMAILS, write_stores, write_youtube

REAL = Path(__file__).resolve().parents[1] / "data" / "exports" / "real"
NAMES = ("Ana Buyer", "Chen Wei", "1 Main St", "**** 4242", "13800000000", "小王")


def test_inspect_real_youtube_exports_json():
    res = kptui("data", "inspect", str(REAL / "youtube"), "--json")
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)
    assert {s["shape"] for s in doc["sources"]} == {
        "per-day",
        "per-day-by-geography",
        "per-day-by-traffic-source",
        "by-geography",
        "by-traffic-source",
    }
    assert all(s["kind"] == "youtube-studio" for s in doc["sources"])
    assert doc["problems"] == [] and len(doc["notices"]) == 2
    assert doc["date_range"][0].startswith("2020-09-01")


def test_inspect_human_output_names_sources_and_notices():
    res = kptui("data", "inspect", str(REAL / "xiaohongshu"))
    assert res.returncode == 0, res.stderr
    out = " ".join(res.stdout.split())
    assert "xiaohongshu per-video 41" in out
    assert "2 notices" in out and "banner" in out


def test_nothing_usable_exits_1(tmp_path: Path):
    (tmp_path / "Totals.csv").write_text("Date,Views\nTotal,5\n")
    res = kptui("data", "inspect", str(tmp_path / "Totals.csv"))
    assert res.returncode == 1 and "nothing usable" in res.stderr


def test_no_email_or_name_reaches_any_output(tmp_path: Path, _isolated_dirs: Path):
    data = tmp_path / "data"
    write_youtube(data)
    write_stores(data)
    outputs = []
    for args in (
        ("data", "inspect", str(data)),
        ("data", "inspect", str(data), "--json"),
        ("recommend", "--data", str(data), "--user", "all", "--json"),
        ("personas", "--data", str(data), "--k", "2", "--assignments", str(tmp_path / "a.csv")),
        ("personas", "--data", str(data), "--k", "2", "--json"),
        ("tags", "suggest", "--data", str(data), "--title", "Python course"),
    ):
        res = kptui(*args)
        assert "Traceback" not in res.stderr, res.stderr
        outputs.append(res.stdout + res.stderr)
    # one viewer per email across stores: ana, bo, chen, dee, and two orders-file user ids
    assert json.loads(outputs[1])["viewers"] == 6
    written = [p for p in (*tmp_path.rglob("*"), *_isolated_dirs.rglob("*")) if p.is_file()]
    written = [p for p in written if data not in p.parents]  # the user's own export files
    assert any(p.name == "a.csv" for p in written)
    assert any("cache" in str(p) for p in written)
    blobs = outputs + [p.read_bytes().decode("utf-8", "replace") for p in written]
    for secret in (*EMAILS, *NAMES):
        for blob in blobs:
            assert secret not in blob, secret


def test_a_command_on_the_last_used_dataset_says_so(tmp_path: Path):
    res = kptui("data", "inspect", str(REAL / "xiaohongshu"))
    assert res.returncode == 0
    res = kptui("tags", "suggest", "--title", "AI 入门", "--json")
    assert res.returncode == 0, res.stderr
    assert f"using {REAL / 'xiaohongshu'} (last used; --data to change)" in res.stderr
    res = kptui("tags", "suggest", "--title", "AI 入门", "--data", str(REAL / "xiaohongshu"))
    assert "last used" not in res.stderr


def test_a_large_sales_file_is_never_copied_into_the_parse_cache(
    tmp_path: Path, _isolated_dirs: Path
):
    from export_fixtures import GUMROAD

    header, *rows = GUMROAD.strip().split("\n")
    body = "\n".join(rows[:-1])  # without the Totals row
    path = tmp_path / "sales.csv"
    with path.open("w", encoding="utf-8") as fh:
        fh.write(header + "\n")
        while fh.tell() < 5 * 1024 * 1024:  # above the parse cache's threshold
            fh.write(body + "\n")
    for _ in range(2):
        res = kptui("data", "inspect", str(path), "--json")
        assert res.returncode == 0, res.stderr
    cached = [p for p in _isolated_dirs.rglob("*") if p.is_file()]
    for p in cached:
        blob = p.read_bytes()
        assert b"@example." not in blob, p
    assert not any("parsed" in p.parts for p in cached)


def test_map_applies_on_top_of_a_recognised_export(tmp_path: Path):
    write_youtube(tmp_path)
    res = kptui("data", "inspect", str(tmp_path), "--map", "Likes=saves", "--json")
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)
    kinds = {Path(s["file"]).name: (s["kind"], s["shape"], s["rows"]) for s in doc["sources"]}
    assert kinds["Table data.csv"] == ("youtube-studio", "per-video", 3)  # Total row skipped
    assert any("mapped to 'saves'" in n["message"] for n in doc["notices"])
