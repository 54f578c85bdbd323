"""`kptui plan ...` end to end: real workspace files, real processes for the error lines."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import math
import os
import subprocess
import sys
from pathlib import Path
from statistics import NormalDist

import pytest
from typer.testing import CliRunner

from kptui.cli.app import build_app
from kptui.store import Workspace

runner = CliRunner()


def run(*args: str) -> str:
    result = runner.invoke(build_app(), list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def run_json(*args: str):
    return json.loads(run(*args, "--json"))


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full = dict(os.environ)
    full.pop("KPTUI_DEBUG", None)
    full.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "kptui", *args], capture_output=True, text=True, env=full
    )


def test_draft_lifecycle() -> None:
    d = run_json(
        "plan", "draft", "add", "--title", "学 Python", "--tags", "python,#编程",
        "--persona", "1", "--persona", "2,3", "--publish-at", "2025-06-01 19:30",
        "--status", "ready", "--description", "desc", "--notes", "n",
    )  # fmt: skip
    assert d["id"] == 1
    assert d["tags"] == ["python", "编程"] and d["personas"] == [1, 2, 3]
    assert (d["publish_at"], d["publish_hour"]) == ("2025-06-01T19:30", 19)
    run_json("plan", "draft", "add", "--title", "second")
    assert [x["title"] for x in run_json("plan", "draft", "list")] == ["学 Python", "second"]
    assert [x["id"] for x in run_json("plan", "draft", "list", "--status", "ready")] == [1]
    assert [x["id"] for x in run_json("plan", "draft", "list", "--tag", "编程")] == [1]
    assert run_json("plan", "draft", "show", "1") == d

    e = run_json("plan", "draft", "edit", "1", "--publish-at", "8", "--persona", "none")
    # an hour alone keeps the planned date and moves the time
    assert (e["publish_at"], e["publish_hour"], e["personas"]) == ("2025-06-01T08:00", 8, [])
    assert e["tags"] == ["python", "编程"] and e["notes"] == "n"
    e = run_json("plan", "draft", "edit", "1", "--publish-at", "2025-06-03", "--tags", "")
    assert (e["publish_at"], e["publish_hour"], e["tags"]) == ("2025-06-03", 8, [])
    e = run_json("plan", "draft", "edit", "1", "--publish-at", "none")
    assert (e["publish_at"], e["publish_hour"]) == (None, None)

    assert run_json("plan", "draft", "rm", "1", "2") == {"deleted": [1, 2]}
    assert run_json("plan", "draft", "list") == []
    assert "no drafts yet" in run("plan", "draft", "list")


def test_workspace_option_innermost_wins(tmp_path: Path) -> None:
    root, group, leaf = (tmp_path / f"{n}.sqlite3" for n in ("root", "group", "leaf"))
    run("--workspace", str(root), "plan", "draft", "add", "--title", "r")
    run("--workspace", str(root), "plan", "--workspace", str(group), "draft", "add", "-t", "g")
    run(
        "--workspace", str(root), "plan", "--workspace", str(group),
        "draft", "add", "-t", "l", "--workspace", str(leaf),
    )  # fmt: skip
    run("plan", "draft", "add", "--title", "env")  # KPTUI_WORKSPACE from conftest
    for path, title in ((root, "r"), (group, "g"), (leaf, "l")):
        with Workspace.open(path) as ws:
            assert [d.title for d in ws.list_drafts()] == [title]
    with Workspace.open(os.environ["KPTUI_WORKSPACE"]) as ws:
        assert [d.title for d in ws.list_drafts()] == ["env"]


def test_human_output_shows_untrusted_text_literally() -> None:
    title = "[bold red]Learn[/bold red] \x1b[2J Python [入门]"
    run("plan", "draft", "add", "--title", title, "--tags", "[x],y")
    out = run("plan", "draft", "list")
    assert "[bold red]Learn[/bold red]" in out
    assert "\x1b" not in out and "\\x1b[2J" in out
    assert "[入门]" in out and "[x], y" in out
    shown = run("plan", "draft", "show", "1")
    assert "[bold red]Learn[/bold red]" in shown and "\x1b" not in shown


def test_experiment_lifecycle_and_verdict() -> None:
    run("plan", "draft", "add", "--title", "A title")
    run("plan", "draft", "add", "--title", "B title")
    e = run_json(
        "plan", "experiment", "add", "titles", "--arm", "A=1000:80", "--arm", "B",
        "--draft", "1", "--draft", "2",
    )  # fmt: skip
    assert [(a["name"], a["visitors"], a["conversions"]) for a in e["arms"]] == [
        ("A", 1000, 80),
        ("B", 0, 0),
    ]
    assert e["drafts"] == [1, 2]
    shown = run_json("plan", "experiment", "show", "1")
    assert shown["verdict"] is None and "every arm needs visitors" in shown["verdict_note"]
    human = run("plan", "experiment", "show", "1")
    assert "A (control)" in human and "every arm needs visitors" in human

    run("plan", "experiment", "record", "1", "B", "--visitors", "600", "--conversions", "60")
    r = run_json("plan", "experiment", "record", "1", "B", "-n", "400", "-c", "60")
    assert r["arms"][1] == {
        "name": "B", "visitors": 1000, "conversions": 120, "rate": 0.12, "weight": 1.0,
    }  # fmt: skip

    shown = run_json("plan", "experiment", "show", "1")
    human = run("plan", "experiment", "show", "1")
    assert "experiment 1: titles" in human and "1,000" in human
    if importlib.util.find_spec("kptui.engine.abtest") is None:
        assert shown["verdict"] is None and "not available" in shown["verdict_note"]
        assert "A (control)" in human
    else:
        v = shown["verdict"]
        assert v["control"]["name"] == "A" and v["variants"][0]["name"] == "B"
        # 80/1000 vs 120/1000, pooled two-proportion z-test computed here by hand
        pooled = 200 / 2000
        z = (0.12 - 0.08) / math.sqrt(pooled * (1 - pooled) * (2 / 1000))
        expected_p = 2 * (1 - NormalDist().cdf(z))
        assert v["variants"][0]["p_value"] == pytest.approx(expected_p, rel=1e-6)
        assert v["variants"][0]["significant"] is True
        assert "B beats A: +50.0% relative" in human

    listed = run_json("plan", "experiment", "list")
    assert [x["name"] for x in listed] == ["titles"]
    done = run_json("plan", "experiment", "edit", "1", "--status", "done", "--name", "Titles")
    assert (done["status"], done["name"]) == ("done", "Titles")
    assert run_json("plan", "experiment", "list", "--status", "running") == []
    set_ = run_json("plan", "experiment", "record", "1", "A", "-n", "10", "-c", "1", "--set")
    assert (set_["arms"][0]["visitors"], set_["arms"][0]["conversions"]) == (10, 1)
    assert run_json("plan", "experiment", "rm", "1") == {"deleted": [1]}
    assert run_json("plan", "experiment", "list") == []


def test_split_feeds_the_sample_ratio_check() -> None:
    e = run_json(
        "plan", "experiment", "add", "price", "--arm", "A=2000:100", "--arm", "B=2000:120",
        "--split", "1,3",
    )  # fmt: skip
    assert [a["weight"] for a in e["arms"]] == [1.0, 3.0]
    shown = run_json("plan", "experiment", "show", str(e["id"]))
    if shown["verdict"] is not None:
        # 2000/2000 visitors against an intended 25/75 split is a glaring mismatch
        assert shown["verdict"]["split"] == [0.25, 0.75]
        assert shown["verdict"]["srm_warning"] is True
    even = run_json("plan", "experiment", "add", "even", "--arm", "A=2000:100", "--arm", "B=2000:1")
    shown = run_json("plan", "experiment", "show", str(even["id"]))
    if shown["verdict"] is not None:
        assert shown["verdict"]["srm_warning"] is False


def test_export_formats(tmp_path: Path) -> None:
    run("plan", "draft", "add", "--title", '=HYPERLINK("http://evil")', "--tags", "@a,编程")
    run("plan", "experiment", "add", "--arm", "100:5", "--arm", "100:9", "--", "-x")
    rows = list(csv.reader(io.StringIO(run("plan", "export", "--format", "csv"))))
    assert rows[0][:2] == ["id", "title"]
    assert rows[1][1] == '\'=HYPERLINK("http://evil")' and rows[1][3] == "'@a|编程"
    arms = list(csv.DictReader(io.StringIO(run("plan", "export", "-f", "csv", "--table",
                                               "experiments"))))  # fmt: skip
    assert [(a["experiment"], a["arm"]) for a in arms] == [("'-x", "A"), ("'-x", "B")]

    out = tmp_path / "sub" / "plan.csv"
    result = runner.invoke(build_app(), ["plan", "export", "-f", "csv", "--out", str(out)])
    assert result.exit_code == 1 and not out.parent.exists()  # folders are never made
    out.parent.mkdir()
    result = runner.invoke(build_app(), ["plan", "export", "-f", "csv", "--out", str(out)])
    assert result.exit_code == 0 and result.stdout == ""
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads the Chinese as UTF-8
    assert "编程" in raw.decode("utf-8-sig")
    assert list(tmp_path.joinpath("sub").iterdir()) == [out]  # no temp file left behind

    snap = json.loads(run("plan", "export"))
    assert snap["drafts"][0]["tags"] == ["@a", "编程"]
    assert snap["experiments"][0]["arms"][1]["conversions"] == 9
    md = run("plan", "export", "--format", "md")
    assert md.startswith("# Content plan") and "## Experiments" in md


def test_persona_suggestion_is_optional(tmp_path: Path) -> None:
    """Videos-only data (or no personas engine): --persona still saves, the hour stays unset."""
    videos = tmp_path / "videos.csv"
    videos.write_text("video_id,title\nv1,Python basics\nv2,编程入门\n", encoding="utf-8")
    d = run_json("plan", "draft", "add", "-t", "for 1", "--persona", "1", "--data", str(videos))
    assert d["personas"] == [1]
    assert d["publish_hour"] is None and d["publish_hour_source"] is None
    # a time the user gave always wins over a suggestion
    d = run_json("plan", "draft", "add", "-t", "x", "--persona", "1", "--publish-at", "7")
    assert (d["publish_hour"], d["publish_hour_source"]) == (7, "user")


@pytest.mark.skipif(
    importlib.util.find_spec("kptui.engine.personas") is None, reason="personas engine absent"
)
def test_persona_suggestion_from_the_sample_personas() -> None:
    from kptui.cli.common import resolve_dataset
    from kptui.engine.personas import load_or_fit_personas
    from kptui.store import merge_hour_profiles, suggest_publish_hour

    cards = load_or_fit_personas(resolve_dataset(None, quiet=True)).cards
    assert all(c["active_hours"] for c in cards)  # the sample has timestamps
    one = suggest_publish_hour(cards[0]["active_hours"])
    two = suggest_publish_hour(
        merge_hour_profiles(
            [cards[0]["active_hours"], cards[1]["active_hours"]],
            [cards[0]["size"], cards[1]["size"]],
        )
    )
    assert one is not None and two is not None

    d = run_json("plan", "draft", "add", "--title", "for persona 0", "--persona", "0")
    assert (d["publish_hour"], d["publish_hour_source"]) == (one, "persona")
    assert "suggested from the personas' active hours" in run(
        "plan", "draft", "add", "--title", "again", "--persona", "0"
    )
    d = run_json("plan", "draft", "add", "-t", "both", "-p", "0,1", "--publish-at", "2025-06-01")
    assert (d["publish_at"], d["publish_hour"], d["publish_hour_source"]) == (
        "2025-06-01",
        two,
        "persona",
    )
    # an id no persona has is refused (it was saved silently), naming the ids there are
    r = cli("plan", "draft", "add", "--title", "nobody", "--persona", "1,99")
    assert r.returncode == 2 and r.stderr.startswith("error: --persona 99: no such persona")
    assert f"(ids 0-{len(cards) - 1};" in r.stderr


def test_a_dataset_named_but_missing_is_an_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    r = cli("plan", "draft", "add", "-t", "x", "-p", "1", "--data", str(missing))
    if importlib.util.find_spec("kptui.engine.personas") is None:
        assert r.returncode == 0  # no engine: the suggestion is not even attempted
    else:
        assert r.returncode == 1 and r.stderr.startswith("error: ")
        assert len(r.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("args", "code", "needle"),
    [
        (["plan", "draft", "show", "9"], 2, "no draft 9 in this workspace"),
        (["plan", "draft", "rm", "9"], 2, "no draft 9"),
        (["plan", "draft", "edit", "1"], 2, "nothing to change"),
        (["plan", "draft", "add", "--title", " "], 2, "title cannot be empty"),
        (["plan", "draft", "add", "-t", "x", "--publish-at", "soon"], 2, "cannot read 'soon'"),
        (["plan", "draft", "add", "-t", "x", "--persona", "one"], 2, "persona must be"),
        (["plan", "draft", "add", "-t", "x", "--status", "done"], 2, "'done' is not one of"),
        (["plan", "experiment", "add", "e", "--arm", "A=10"], 2, "cannot read arm 'A=10'"),
        (["plan", "experiment", "add", "e", "--arm", "A=5:9", "--arm", "B"], 2, "cannot exceed"),
        (["plan", "experiment", "add", "e", "--arm", "A"], 2, "at least two arms"),
        (["plan", "experiment", "add", "e", "--split", "1,2,3"], 2, "3 shares for 2 arms"),
        (["plan", "experiment", "add", "e", "--split", "0,1"], 2, "above 0"),
        (["plan", "experiment", "record", "1", "Z", "-n", "1"], 2, "has no arm 'Z'"),
        (["plan", "experiment", "record", "1", "A", "-c", "5"], 2, "cannot exceed visitors"),
        (["plan", "experiment", "record", "1", "A", "-n", "-3"], 2, "cannot be negative"),
        (["plan", "experiment", "show", "4"], 2, "no experiment 4"),
    ],
)
def test_errors_are_one_line_with_the_right_exit_code(tmp_path: Path, args, code, needle) -> None:
    ws = tmp_path / "ws.sqlite3"
    with Workspace.open(ws) as w:
        w.add_draft("one")
        w.add_experiment("e")
    result = cli(*args, "--workspace", str(ws))
    assert result.returncode == code, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert needle in lines[0]
    assert result.stdout == ""
    with Workspace.open(ws) as w:  # a refused command changed nothing
        assert [d.title for d in w.list_drafts()] == ["one"]
        assert [(a.visitors, a.conversions) for a in w.get_experiment(1).arms] == [(0, 0), (0, 0)]


def test_plan_commands_do_not_import_heavy_libraries(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from kptui.cli import main\n"
        "try:\n"
        "    main(['plan', 'draft', 'list', '--json', '--workspace', sys.argv[1]])\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = [m for m in ('polars', 'numpy', 'sklearn', 'scipy', 'textual') "
        "if m in sys.modules]\n"
        "sys.stderr.write(repr(heavy))\n"
    )
    r = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "w.sqlite3")], capture_output=True, text=True
    )
    assert r.stdout.strip() == "[]"
    assert r.stderr.strip() == "[]"
