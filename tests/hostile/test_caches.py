"""Model caches verify themselves: another dataset's cache or an edited file is refitted."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kptui.engine.io import load_dataset

SAMPLE = Path(__file__).resolve().parents[2] / "kptui" / "sample_data"


@pytest.fixture(scope="module")
def two_datasets(tmp_path_factory: pytest.TempPathFactory):
    """The same 300 videos with two different halves of the interactions."""
    root = tmp_path_factory.mktemp("two")
    lines = (SAMPLE / "interactions.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    header, body = lines[0], lines[1:]
    out = []
    for name, part in (("a", body[:25_000]), ("b", body[25_000:])):
        folder = root / name
        folder.mkdir()
        shutil.copy(SAMPLE / "videos.csv", folder / "videos.csv")
        (folder / "interactions.csv").write_text(header + "".join(part), encoding="utf-8")
        out.append(load_dataset(folder))
    assert out[0].fingerprint != out[1].fingerprint
    assert out[0].videos.height == out[1].videos.height
    return out


def _swap(src: Path, dst: Path) -> None:
    shutil.rmtree(dst)
    shutil.copytree(src, dst)


def test_swapped_persona_cache_is_refitted(two_datasets) -> None:
    from kptui.engine.modelcache import folder
    from kptui.engine.personas import cache_key, load_or_fit_personas

    a, b = two_datasets
    ma = load_or_fit_personas(a, k=3)
    mb = load_or_fit_personas(b, k=3)
    assert load_or_fit_personas(b, k=3).from_cache  # a plain hit still works
    _swap(
        folder("personas", cache_key(a.fingerprint, 3, 0)),
        folder("personas", cache_key(b.fingerprint, 3, 0)),
    )
    again = load_or_fit_personas(b, k=3)
    assert not again.from_cache and again.fingerprint == b.fingerprint
    assert again.user_ids == mb.user_ids and again.user_ids != ma.user_ids
    # an edited file (a label changed by hand) is a miss too
    meta = folder("personas", cache_key(b.fingerprint, 3, 0)) / "meta.json"
    data = json.loads(meta.read_text(encoding="utf-8"))
    data["cards"][0]["label"] = "edited"
    meta.write_text(json.dumps(data), encoding="utf-8")
    edited = load_or_fit_personas(b, k=3)
    assert not edited.from_cache and edited.cards[0]["label"] != "edited"


def test_swapped_recommender_and_tag_caches_are_refitted(two_datasets) -> None:
    from kptui.engine.modelcache import folder, key
    from kptui.engine.recommend import MODEL_VERSION, load_or_fit_recommender
    from kptui.engine.tagindex import cache_folder
    from kptui.engine.tags import tag_index

    a, b = two_datasets
    ra = load_or_fit_recommender(a, k=3)
    rb = load_or_fit_recommender(b, k=3)
    assert load_or_fit_recommender(b, k=3).from_cache
    src = folder("recommend", key("recommend", MODEL_VERSION, a.fingerprint, 0))
    dst = folder("recommend", key("recommend", MODEL_VERSION, b.fingerprint, 0))
    _swap(src, dst)
    again = load_or_fit_recommender(b, k=3)
    assert not again.from_cache
    assert (again.popularity == rb.popularity).all() and not (
        again.popularity == ra.popularity
    ).all()

    ia, ib = tag_index(a), tag_index(b)
    assert ia.fingerprint != ib.fingerprint
    _swap(cache_folder(a.fingerprint), cache_folder(b.fingerprint))
    assert tag_index(b).fingerprint == b.fingerprint
