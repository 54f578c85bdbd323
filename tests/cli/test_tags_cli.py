"""`kptui tags suggest` end to end: the real entry point in a subprocess, real files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_process import kptui

DATA = Path(__file__).resolve().parents[1] / "data" / "tags"
YOUTUBE = DATA / "youtube"
KUAIREC = DATA / "kuairec"


def test_one_draft_json_has_the_spec_shape() -> None:
    r = kptui("tags", "suggest", "--data", str(YOUTUBE), "--title", "Switching to the iPhone X",
              "--description", "unboxing and first review", "--top", "5", "--json")  # fmt: skip
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert set(out) == {"tags"}
    assert 1 <= len(out["tags"]) <= 5
    for tag in out["tags"]:
        assert {"tag", "score", "source", "sources", "kind"} <= set(tag)
        assert 0.0 <= tag["score"] <= 1.0
        assert tag["kind"] in ("topic", "reach")
    assert "iphone x" in [t["tag"].lower() for t in out["tags"]]


def test_human_output_is_a_table_and_data_text_is_not_markup(tmp_path: Path) -> None:
    (tmp_path / "videos.csv").write_text(
        "video_id,title,tags\n1,Learn [bold]Python[/bold],[bold]x|python\n2,More Python,python\n",
        encoding="utf-8",
    )
    r = kptui("tags", "suggest", "--data", str(tmp_path), "--title", "Python for [red]you")
    assert r.returncode == 0, r.stderr
    assert "tag" in r.stdout and "score" in r.stdout and "source" in r.stdout
    assert "python" in r.stdout.lower()
    assert "\x1b[" not in r.stdout


def test_input_csv_batch_keeps_order_and_ids(tmp_path: Path) -> None:
    drafts = tmp_path / "drafts.csv"
    drafts.write_text(
        "id,title,description\n"
        "a1,Switching to the iPhone X,unboxing\n"
        ",时尚独特个性的增高老爹鞋！,\n"
        "z9,,\n",
        encoding="utf-8",
    )
    r = kptui("tags", "suggest", "--data", str(YOUTUBE), "--input", str(drafts), "--top", "3",
              "--json")  # fmt: skip
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert [item["id"] for item in out] == ["a1", 1, "z9"]  # blank id: the row's 0-based index
    assert all(len(item["tags"]) <= 3 for item in out)
    assert "iphone x" in [t["tag"].lower() for t in out[0]["tags"]]
    assert "empty" in out[2]["note"]


def test_input_jsonl_without_id_uses_row_index(tmp_path: Path) -> None:
    drafts = tmp_path / "drafts.jsonl"
    lines = [{"title": "机器学习入门", "description": "Python"}, {"title": "Late night comedy"}]
    drafts.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n", "utf-8")
    r = kptui("tags", "suggest", "--data", str(KUAIREC), "--input", str(drafts), "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert [item["id"] for item in out] == [0, 1]
    assert all(item["tags"] for item in out)


def test_a_skipped_input_line_is_said(tmp_path: Path) -> None:
    """A line of --input that is not a draft was dropped without a word."""
    drafts = tmp_path / "drafts.jsonl"
    drafts.write_text('{"title": "Python basics"}\n[1]\n{"title": "机器学习入门"}\n', "utf-8")
    r = kptui("tags", "suggest", "--data", str(KUAIREC), "--input", str(drafts), "--json")
    assert r.returncode == 0, r.stderr
    assert len(json.loads(r.stdout)) == 2
    assert r.stderr.strip() == "note: drafts.jsonl:2: malformed JSON line (not an object); skipped"


def test_input_without_title_column_is_bad_data(tmp_path: Path) -> None:
    drafts = tmp_path / "drafts.csv"
    drafts.write_text("name,desc\nfoo,bar\n", encoding="utf-8")
    r = kptui("tags", "suggest", "--data", str(YOUTUBE), "--input", str(drafts))
    assert r.returncode == 1  # the file is wrong, not the command line
    assert r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "drafts.csv" in lines[0] and "'title'" in lines[0]
    assert "Traceback" not in r.stderr


@pytest.mark.parametrize(
    "args",
    [
        [],  # nothing to suggest for
        ["--title", "x", "--input", "drafts.csv"],  # both
        ["--title", "x", "--top", "0"],
        ["--input", "missing.csv"],
    ],
)
def test_usage_errors_exit_2_with_one_line(args: list[str]) -> None:
    r = kptui("tags", "suggest", "--data", str(YOUTUBE), *args)
    assert r.returncode == 2, r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert "Traceback" not in r.stderr


def test_dataset_without_tags_says_so(tmp_path: Path) -> None:
    (tmp_path / "videos.csv").write_text(
        "video_id,title,description\n1,Deep learning basics,\n2,Cooking pasta at home,\n",
        encoding="utf-8",
    )
    r = kptui("tags", "suggest", "--data", str(tmp_path), "--title",
              "Machine learning for beginners", "--json")  # fmt: skip
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert "no tags" in out["note"]
    assert all(t["source"] == "draft" for t in out["tags"])
    human = kptui("tags", "suggest", "--data", str(tmp_path), "--title", "Machine learning")
    assert "no tags" in human.stderr and "machine learning" in human.stdout.lower()


def test_bad_drafts_never_traceback() -> None:
    for title in ["", "🔥🔥!!!", "Python " * 15_000]:
        r = kptui("tags", "suggest", "--data", str(YOUTUBE), "--title", title, "--json")
        assert r.returncode == 0, r.stderr
        out = json.loads(r.stdout)
        assert "note" in out and isinstance(out["tags"], list)


def test_without_data_uses_the_bundled_sample() -> None:
    r = kptui("tags", "suggest", "--title", "Learn Python programming", "--json", "--top", "3")
    assert r.returncode == 0, r.stderr
    assert len(json.loads(r.stdout)["tags"]) == 3


def test_reach_tags_are_marked_and_listed_after_topic_tags() -> None:
    """KuaiRec's promote-me tags carry `"kind": "reach"` in JSON and come last, as a group of
    their own, in the table."""
    r = kptui("tags", "suggest", "--data", str(KUAIREC), "--title", "今天做了红烧肉，太香了",
              "--top", "15", "--json")  # fmt: skip
    assert r.returncode == 0, r.stderr
    tags = json.loads(r.stdout)["tags"]
    kinds = {t["tag"]: t["kind"] for t in tags}
    assert kinds.get("感谢快手我要上热门") == "reach"
    assert "topic" in kinds.values()
    table = kptui("tags", "suggest", "--data", str(KUAIREC), "--title", "今天做了红烧肉，太香了",
                  "--top", "15")  # fmt: skip
    assert table.returncode == 0, table.stderr
    lines = [ln for ln in table.stdout.splitlines() if ln.strip()]
    assert "kind" in lines[0]
    row_kinds = [w for ln in lines[1:] for w in ln.split() if w in ("topic", "reach")]
    assert row_kinds == sorted(row_kinds, key=lambda k: k == "reach")  # topic, then reach
    assert "感谢快手我要上热门" in table.stdout


def test_help_explains_every_source_and_kind() -> None:
    """`cooccur` and friends are shown to users: --help, the app's help and the README say
    what each one means."""
    from kptui.engine.tags import KINDS, SOURCES

    r = kptui("tags", "suggest", "--help")
    assert r.returncode == 0, r.stderr
    text = " ".join(r.stdout.split())
    root = Path(__file__).resolve().parents[2]
    app_help = (root / "kptui" / "tui" / "help.md").read_text(encoding="utf-8")
    readme = (root / "README.md").read_text(encoding="utf-8")
    for name in [*SOURCES, *KINDS]:
        assert f"{name}:" in text, name
        assert f"`{name}`" in app_help, name
        assert f"`{name}`" in readme, name


def test_batch_lines_put_reach_tags_after_topic_tags(tmp_path: Path) -> None:
    """`--input` without --json: one line per draft, topic tags, then `reach:` and the rest."""
    drafts = tmp_path / "drafts.csv"
    drafts.write_text("id,title\nk1,今天做了红烧肉，太香了\n", encoding="utf-8")
    rj = kptui("tags", "suggest", "--data", str(KUAIREC), "--input", str(drafts), "--top", "15",
               "--jsonl")  # fmt: skip
    assert rj.returncode == 0, rj.stderr
    (item,) = [json.loads(x) for x in rj.stdout.splitlines() if x.strip()]
    kinds = {t["tag"]: t["kind"] for t in item["tags"]}
    assert kinds["感谢快手我要上热门"] == "reach" and "topic" in kinds.values()
    r = kptui("tags", "suggest", "--data", str(KUAIREC), "--input", str(drafts), "--top", "15")
    assert r.returncode == 0, r.stderr
    text = "".join(r.stdout.split())  # the console wraps the line at its width
    assert text.startswith("k1:") and text.count("reach:") == 1
    cut = text.index("reach:")
    for tag, kind in kinds.items():
        where = text.index("".join(tag.split()))
        assert (where > cut) == (kind == "reach"), tag
