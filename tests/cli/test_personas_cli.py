"""`kptui personas` as a user runs it: JSON shape, assignments file, errors in one line."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from audiences import write_drifting_audience
from cli_process import kptui

from kptui.engine.sample import write_sample

SPEC_KEYS = {
    "id",
    "label",
    "size",
    "share",
    "top_terms",
    "engagement_rate",
    "conversion_rate",
    "active_hours",
}


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("personas-data") / "sample"
    write_sample(out, users=400, videos=90, events=9000, seed=2)
    return out


def test_json_shape_and_assignments(data: Path, tmp_path: Path):
    target = tmp_path / "audience.csv"
    proc = kptui("personas", "--data", str(data), "--json", "--assignments", str(target))
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["k"] == len(result["personas"]) >= 3
    for i, card in enumerate(result["personas"]):
        assert set(card) >= SPEC_KEYS
        assert card["id"] == i
        assert len(card["active_hours"]) == 24
    audience = pl.read_csv(target, infer_schema=False)
    assert audience.columns == ["user_id", "persona_id", "push_persona_id"]  # SPEC's two first
    assert audience.height == 400
    assert audience["user_id"][0].startswith("u0")  # ids stay text, zeros kept
    sizes = audience.group_by("persona_id").len().sort(pl.col("persona_id").cast(pl.Int64))
    assert sizes["len"].to_list() == [c["size"] for c in result["personas"]]
    # the sample's tuner keeps each viewer's own persona's list (persona_now 0)
    assert result["persona_now"] == 0.0
    assert audience["push_persona_id"].to_list() == audience["persona_id"].to_list()
    for card in result["personas"]:
        assert card.pop("push") == {
            "persona_id": card["id"],
            "viewers": card["size"],
            "members": card["size"],
            "drawn": 0,
        }
    del result["persona_now"]
    # Same data, same seed: same personas (and the second run comes from the cache).
    again = kptui("personas", "--data", str(data), "--json")
    assert json.loads(again.stdout) == result


def test_fixed_k_and_human_output(data: Path):
    proc = kptui("personas", "--data", str(data), "--k", "4")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("4 personas")
    assert "#3 " in proc.stdout and "#4 " not in proc.stdout
    assert "conversion" in proc.stdout and "best hours" in proc.stdout


def test_markup_in_titles_is_shown_literally(tmp_path: Path):
    out = tmp_path / "d"
    write_sample(out, users=300, videos=60, events=6000, seed=5, lang="en")
    videos = pl.read_csv(out / "videos.csv", infer_schema=False)
    videos = videos.with_columns(
        tags=pl.when(pl.col("video_id") == "v0000")
        .then(pl.lit("[bold]x[/bold]|\x1b[31mred"))
        .otherwise(pl.col("tags"))
    )
    videos.write_csv(out / "videos.csv")
    proc = kptui("personas", "--data", str(out), "--k", "3")
    assert proc.returncode == 0, proc.stderr
    assert "\x1b[31m" not in proc.stdout


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--k", "many"], 2, "--k must be a whole number or 'auto'"),
        (["--k", "1"], 2, "--k must be from 2 to 30"),
        (["--k", "99"], 2, "--k must be from 2 to 30"),
    ],
)
def test_bad_options(data: Path, args: list[str], code: int, message: str):
    proc = kptui("personas", "--data", str(data), *args)
    assert proc.returncode == code
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def _write(folder: Path, videos: list[str], interactions: list[str] | None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "videos.csv").write_text("\n".join(videos) + "\n", encoding="utf-8")
    if interactions is not None:
        (folder / "interactions.csv").write_text("\n".join(interactions) + "\n", encoding="utf-8")
    return folder


VIDEOS = ["video_id,title,tags", "v1,Python basics,python", "v2,Yoga at home,fitness", "v3,Tax,tax"]


@pytest.mark.parametrize(
    ("name", "interactions", "code", "message"),
    [
        ("videos_only", None, 1, "personas and recommendations need interactions"),
        (
            "one_viewer",
            ["user_id,video_id,event", "u1,v1,view", "u1,v2,like"],
            1,
            "personas need at least 6 viewers",
        ),
        (
            "single_interactions",
            ["user_id,video_id,event"] + [f"u{i},v{i % 3 + 1},view" for i in range(20)],
            1,
            "every viewer has a single interaction",
        ),
    ],
)
def test_bad_data(tmp_path: Path, name, interactions, code, message):
    folder = _write(tmp_path / name, VIDEOS, interactions)
    proc = kptui("personas", "--data", str(folder), "--json")
    assert proc.returncode == code, proc.stderr
    assert message in proc.stderr
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_assignments_to_a_folder_is_a_usage_error(data: Path, tmp_path: Path):
    proc = kptui("personas", "--data", str(data), "--assignments", str(tmp_path))
    assert proc.returncode == 2
    assert "--assignments needs a file name" in proc.stderr


def test_recommendations_file_is_the_recommend_answer(data: Path, tmp_path: Path):
    target = tmp_path / "push.csv"
    proc = kptui(
        "personas", "--data", str(data), "--json", "--recommendations", str(target), "--top", "3"
    )
    assert proc.returncode == 0, proc.stderr
    cards = json.loads(proc.stdout)["personas"]
    pushed = pl.read_csv(target, infer_schema=False)
    assert pushed.columns == ["user_id", "persona_id", "rank", "video_id"]
    assert pushed.height == 400 * 3
    sizes = pushed.filter(pl.col("rank") == "1").group_by("persona_id").len()
    sizes = sizes.sort(pl.col("persona_id").cast(pl.Int64))["len"].to_list()
    assert sizes == [c["size"] for c in cards]
    # the same lists as `kptui recommend --user all`, which now starts from the cache
    answer = kptui("recommend", "--data", str(data), "--user", "all", "--top", "3", "--json")
    assert answer.returncode == 0, answer.stderr
    lists = json.loads(answer.stdout)
    got = pushed.group_by("user_id", maintain_order=True).agg("video_id")
    assert {u: v for u, v in zip(got["user_id"], got["video_id"].to_list(), strict=True)} == lists
    folder = kptui("personas", "--data", str(data), "--recommendations", str(tmp_path))
    assert folder.returncode == 2 and "--recommendations needs a file name" in folder.stderr


def test_assignments_say_whose_list_to_push_to_each_viewer_now(tmp_path: Path):
    # Every third viewer turned to the other topic lately: the third column sends them the
    # other persona's list, the cards count who gets each list, and --help says what it is.
    data = write_drifting_audience(tmp_path / "drift")
    target = tmp_path / "audience.csv"
    args = ("personas", "--data", str(data), "--k", "2", "--assignments", str(target))
    proc = kptui(*args, "--json")
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["persona_now"] > 0
    audience = pl.read_csv(target, infer_schema=False)
    assert audience.columns == ["user_id", "persona_id", "push_persona_id"]
    moved = audience.filter(pl.col("push_persona_id") != pl.col("persona_id"))
    turned = {f"u{u:03d}" for u in range(0, 240, 3)}
    assert moved.height > 0 and set(moved["user_id"]) <= turned
    assert moved.height >= len(turned) // 2  # most of those who turned, nobody else
    for card in result["personas"]:
        pid = str(card["id"])
        push = card["push"]
        assert push["viewers"] == (audience["push_persona_id"] == pid).sum()
        kept = audience.filter((pl.col("persona_id") == pid) & (pl.col("push_persona_id") == pid))
        assert push["members"] == kept.height and push["members"] <= card["size"]
        assert push["drawn"] == push["viewers"] - push["members"]
    assert sum(c["push"]["drawn"] for c in result["personas"]) == moved.height
    # the same run as text: each card says it in words (from the cache now)
    text = kptui(*args)
    assert text.returncode == 0, text.stderr
    flat = " ".join(text.stdout.split())
    card0 = result["personas"][0]
    assert (
        f"list goes to {card0['push']['viewers']:,} viewers now: {card0['push']['members']:,} "
        f"of its {card0['size']:,} members, {card0['push']['drawn']:,} drawn from other "
        "personas by their latest videos" in flat
    )
    assert max(len(line) for line in text.stdout.splitlines()) <= 80
    helptext = " ".join(kptui("personas", "--help").stdout.split())
    assert "push_persona_id" in helptext and "push to that viewer now" in helptext
