"""Real interaction data as kptui datasets, and the leave-last-out split the benchmarks share.

Datasets (read from `../shared/data/`, converted here, never copied into the package):
- `movielens`: MovieLens ml-latest-small (GroupLens research licence: benchmarks only).
  A movie is a video: title, genres and the users' free-text tags as its tags. A rating is an
  interaction at its timestamp: `like` when >= 4 stars, else `view`.
- `beer`: Beer, Wine & Spirits Stack Exchange, Posts.xml (CC BY-SA 3.0). A question is a
  video (title, body without HTML, its tags; the site's `untagged` placeholder is no tag).
  Asking it is a `share` by the asker, each
  answer a `comment` by the answerer on the question, at the post's CreationDate.
- `sample`: the bundled synthetic sample (kptui/sample_data), one case among three.

Split (`leave_last_out`): each viewer's latest video by time (ties: file order) is their
test item and all their rows for it leave training; viewers with a single video are not
evaluated. `validation_split(train)` cuts the same way from the training part, to tune on.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import polars as pl

from kptui.engine.io import from_frames, load_dataset
from kptui.engine.types import Dataset

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
NAMES = ("movielens", "beer", "sample")


def movielens(root: Path = DATA) -> Dataset:
    folder = root / "movielens-small"
    movies = pl.read_csv(folder / "movies.csv", schema_overrides={"movieId": pl.String})
    ratings = pl.read_csv(folder / "ratings.csv", schema_overrides={"movieId": pl.String})
    user_tags = (
        pl.read_csv(folder / "tags.csv", schema_overrides={"movieId": pl.String, "tag": pl.String})
        .with_columns(
            pl.col("tag")
            .str.strip_chars()
            .str.to_lowercase()
            .str.replace_all("|", " ", literal=True)
        )
        .filter(pl.col("tag").str.len_chars() > 1)
        .group_by("movieId")
        .agg(pl.col("tag").unique(maintain_order=True).alias("utags"))
    )
    videos = (
        movies.join(user_tags, on="movieId", how="left")
        .with_columns(
            genres=pl.col("genres")
            .str.replace("(no genres listed)", "", literal=True)
            .str.split("|")
            .list.eval(pl.element().filter(pl.element() != "")),
        )
        .select(
            pl.col("movieId").alias("video_id"),
            pl.col("title"),
            pl.lit("").alias("description"),
            pl.concat_list([pl.col("genres"), pl.col("utags").fill_null([])])
            .list.unique(maintain_order=True)
            .alias("tags"),
        )
    )
    inter = ratings.select(
        ("u" + pl.col("userId").cast(pl.String)).alias("user_id"),
        pl.col("movieId").alias("video_id"),
        pl.when(pl.col("rating") >= 4)
        .then(pl.lit("like"))
        .otherwise(pl.lit("view"))
        .alias("event"),
        pl.from_epoch("timestamp", time_unit="s").alias("ts"),
    )
    return from_frames(videos, inter, source="movielens-small")


_TAG = re.compile(r"<[^>]+>")


def _text(body: str) -> str:
    return " ".join(html.unescape(_TAG.sub(" ", body or "")).split())


def beer(root: Path = DATA) -> Dataset:
    questions, inter = [], []
    for _, row in ET.iterparse(root / "stackexchange-beer" / "Posts.xml"):
        if row.tag != "row":
            continue
        a = row.attrib
        kind, owner = a.get("PostTypeId"), a.get("OwnerUserId")
        if kind == "1":
            tags = [t for t in re.findall(r"<([^>]+)>", a.get("Tags", "")) if t != "untagged"]
            questions.append((a["Id"], a.get("Title", ""), _text(a.get("Body", ""))[:2000], tags))
            if owner:
                inter.append((f"u{owner}", a["Id"], "share", a["CreationDate"]))
        elif kind == "2" and owner and a.get("ParentId"):
            inter.append((f"u{owner}", a["ParentId"], "comment", a["CreationDate"]))
        row.clear()
    videos = pl.DataFrame(
        questions, schema=["video_id", "title", "description", "tags"], orient="row"
    )
    frame = pl.DataFrame(inter, schema=["user_id", "video_id", "event", "ts"], orient="row")
    frame = frame.with_columns(pl.col("ts").str.to_datetime("%Y-%m-%dT%H:%M:%S%.f"))
    frame = frame.filter(pl.col("video_id").is_in(videos["video_id"].implode()))
    return from_frames(videos, frame, source="stackexchange-beer")


def sample() -> Dataset:
    return load_dataset(ROOT / "kptui" / "sample_data")


def load(name: str) -> Dataset:
    """One of NAMES, or the path of any dataset kptui reads (a folder or files with videos and
    timed interactions): a held-out set is run through the same protocol as the dev sets."""
    if name in NAMES:
        return {"movielens": movielens, "beer": beer, "sample": sample}[name]()
    return load_dataset(Path(name))


def leave_last_out(dataset: Dataset) -> tuple[Dataset, pl.DataFrame]:
    """(training dataset, frame user_id -> test video_id) for viewers with >= 2 videos."""
    it = dataset.interactions.with_row_index("_r")
    last = (
        it.sort(["ts", "_r"])
        .group_by("user_id")
        .last()
        .select("user_id", pl.col("video_id").alias("test"))
    )
    nv = it.group_by("user_id").agg(pl.col("video_id").n_unique().alias("nv"))
    last = last.join(nv, on="user_id").filter(pl.col("nv") >= 2).sort("user_id").drop("nv")
    train = it.join(last.rename({"test": "video_id"}), on=["user_id", "video_id"], how="anti")
    train = train.sort("_r").drop("_r")
    out = Dataset(videos=dataset.videos, interactions=train, files=[], fingerprint="")
    return out, last
