"""`kptui insights` as a user runs it: every section answers or says what it needs."""

from __future__ import annotations

import json
from pathlib import Path

from cli_process import kptui

CREATOR = Path(__file__).resolve().parents[1] / "data" / "insights" / "creator"
SECTION_KEYS = {"outliers", "when", "funnel", "trends", "tags"}


def test_json_has_every_section_with_a_status() -> None:
    r = kptui("insights", "--data", str(CREATOR), "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert set(out) >= SECTION_KEYS and out["videos"] == 60 and out["metric"] == "views"
    for name in SECTION_KEYS:
        assert out[name]["status"] in ("ok", "needs"), name
        assert (out[name]["status"] == "needs") == bool(out[name]["needs"]), name
    assert out["trends"]["status"] == "needs" and "per-day" in out["trends"]["needs"]
    rec = out["when"]["recommendation"]
    assert (rec["weekday_name"], rec["hours"]) == ("Thu", [18, 21]) and rec["clear"]
    tags = {t["tag"]: t for t in out["tags"]["tags"]}
    assert tags["tutorial"]["ci"][0] > 1.0 > tags["vlog"]["ci"][1]
    assert {v["video_id"] for v in out["outliers"]["over"]} >= {"p040", "p020"}
    assert out["funnel"]["weakest"]["to"] == "purchases"


def test_one_section_and_the_same_seed_gives_the_same_figures() -> None:
    a = kptui("insights", "--data", str(CREATOR), "--json", "--section", "tags")
    b = kptui("insights", "--data", str(CREATOR), "--json", "-s", "tags")
    assert a.returncode == 0, a.stderr
    out = json.loads(a.stdout)
    assert "tags" in out and not ({"outliers", "when", "funnel", "trends"} & set(out))
    assert a.stdout == b.stdout


def test_human_tables_and_needs_lines() -> None:
    r = kptui("insights", "--data", str(CREATOR))
    assert r.returncode == 0, r.stderr
    assert "post: Thu 18-21h" in r.stdout
    assert "weakest step: profile visits -> purchases" in r.stdout
    assert "needs a per-day table" in r.stdout
    assert max(len(line) for line in r.stdout.splitlines()) <= 80


def test_an_unknown_section_is_bad_usage() -> None:
    r = kptui("insights", "--data", str(CREATOR), "--section", "nope")
    assert r.returncode == 2 and "nope" in r.stderr


def test_tag_suggestions_say_which_tags_worked_for_this_creator() -> None:
    r = kptui("tags", "suggest", "--data", str(CREATOR), "--title", "python tutorial", "--json")
    assert r.returncode == 0, r.stderr
    tags = {t["tag"]: t for t in json.loads(r.stdout)["tags"]}
    assert tags["tutorial"]["source"] == "history" and tags["tutorial"]["history"] > 1.5
    assert "history" not in tags["python"]  # on every video: nothing to compare with
