"""Tag lists of a big load are built by polars: the same lists as the per-row Python rule.

`io._tag_lists` took 4.8 s of a 1.5M-row load in a Python loop over the rows holding a `#`;
it now finds hashtags with polars' regex engine (which has no look-behind) and merges them
with polars. These tests hold it to `tagparse.hashtags` / `tagparse.dedupe` exactly: every
code point before, inside and after a hashtag, the odd cases, and real exports.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polars as pl
import pytest

from kptui.engine import io as kio
from kptui.engine import tagparse
from kptui.engine.io import load_dataset

DATA = Path(__file__).resolve().parents[1] / "data"

ODD = [
    "#a #b", "C#", "page#anchor", "&#39;", "好可爱#萌宠", "#话题#萌宠", "#a##b", "#abc#def",
    "x #C++ and #node.js!", "#Python编程 #零基础", "a#b#c", "＃全角 ＃x", "", "#", "##", "# a",
    "½#x", "e\u0301#x", "#tag\u0301x", "❤️#love", "\x1c#a\x1cb", "#a,#b", "(#a)", "【#b】",
    "#none #None #[none] #nan", "#.#a", "#a #A #ａ", "#-", "#x\u00a0y", "#x\u2028y", "&＃a",
    "#a\x00b", "\U0001f600#x", "#x\U0001f600", "٣#x", "#٣", "_#x", "#_",
]  # fmt: skip


def _python(texts: list[str | None]) -> list[list[str]]:
    clean = tagparse.clean_tag
    return [[clean(m.group(1)) for m in tagparse._HASHTAG.finditer(t)] if t else [] for t in texts]


def _polars(texts: list[str | None]) -> list[list[str]]:
    series = pl.Series(texts, dtype=pl.Utf8)
    found = pl.select(tagparse.hashtag_lists(pl.lit(series))).to_series().to_list()
    return [f or [] for f in found]


def test_hashtags_by_polars_are_pythons_on_odd_texts() -> None:
    assert _polars(ODD) == _python(ODD)


def test_hashtags_by_polars_are_pythons_for_every_code_point() -> None:
    """Each code point before a `#`, inside a hashtag and as one: polars' classes are spelled
    as Python's `\\w` and `\\s` (its Unicode version's letters, U+001C..U+001F as space)."""
    chars = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    texts = [f"{c}#x{c}y #{c} #{c}z{c}" for c in chars]
    assert _polars(texts) == _python(texts)


def _reference(frame: pl.DataFrame) -> list[list[str]]:
    """The per-row rule the load used: own tags, then the title's and description's."""
    out = []
    for cell, title, desc in frame.select("tags", "title", "description").iter_rows():
        own = tagparse.split_tags(cell)
        out.append(tagparse.dedupe([*own, *tagparse.hashtags(title), *tagparse.hashtags(desc)]))
    return out


def _frame(rows: list[tuple[str | None, str | None, str | None]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=["tags", "title", "description"], orient="row")


def test_tag_lists_are_the_per_row_rule() -> None:
    rows = [
        ("python|数据", "学 #Python #python #数据", "#新课 #none"),
        (None, "#.#a and #a", None),
        ("[none]", "#A #a #ａ", "#b #B"),
        ("x", "no hashtag", "still #x here #y"),
        ("#p #q", "#q #r", "#p"),
        ("", "#", "##"),
        ("a|b", None, "#c"),
        (None, None, None),
        ("", "&#39;s #café", "#cafe\u0301"),
        *((None, t, d) for t, d in zip(ODD, reversed(ODD), strict=True)),
    ]
    frame = _frame(rows)
    assert kio._tag_lists(frame).to_list() == _reference(frame)


RAW = {  # real exports' own columns for tags, title and description, as the load maps them
    "real/CAvideos.csv": ("tags", "title", "description"),
    "real/GBvideos.csv": ("tags", "title", "description"),
    "real/kuairec_captions_even.csv": ("topic_tag", "caption", "manual_cover_text"),
}


@pytest.mark.parametrize("name", sorted(RAW))
def test_tag_lists_on_real_exports(name: str) -> None:
    """The cells as the files hold them (YouTube's `"a"|"b c"`, KuaiRec's `[a,b]`)."""
    tags, title, desc = RAW[name]
    raw = pl.read_csv(DATA / name, infer_schema=False)
    frame = raw.select(
        pl.col(tags).alias("tags"), pl.col(title).alias("title"), pl.col(desc).alias("description")
    )
    assert frame.height > 100
    assert kio._tag_lists(frame).to_list() == _reference(frame)


@pytest.mark.parametrize("name", ["youtube", "kuairec"])
def test_tag_lists_of_real_slices_loaded(name: str) -> None:
    videos = load_dataset(DATA / "tags" / name).videos
    cells = videos.select(pl.col("tags").list.join("|"), "title", "description")
    assert kio._tag_lists(cells).to_list() == _reference(cells)


def test_tag_lists_on_the_bundled_sample() -> None:
    from kptui.engine.sample import generate

    videos, _ = generate(users=200, videos=300, events=3000, seed=5).file_frames()
    frame = videos.select("tags", "title", "description")
    assert kio._tag_lists(frame).to_list() == _reference(frame)
    assert sum(map(len, _reference(frame))) > 300  # tags and hashtags to merge


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-q"]))
