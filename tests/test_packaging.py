"""The bundled sample ships inside the package and matches the top-level copy."""

from __future__ import annotations

import tomllib
from pathlib import Path

from kptui.engine.io import load_dataset
from kptui.paths import sample_data_dir

ROOT = Path(__file__).resolve().parents[1]


def test_sample_is_inside_the_package_and_matches_top_level_copy():
    inside = sample_data_dir()
    assert inside.parent.name == "kptui"
    names = sorted(p.name for p in inside.iterdir() if p.is_file())
    assert names == ["interactions.csv", "videos.csv", "viewer_groups.csv"]
    for name in names:
        assert (ROOT / "sample_data" / name).read_bytes() == (inside / name).read_bytes(), name


def test_wheel_includes_the_package_folder():
    conf = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert conf["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"] == ["kptui"]
    assert conf["project"]["scripts"]["kptui"] == "kptui.cli:main"


def test_bundled_sample_is_clean_and_the_promised_size():
    ds = load_dataset(sample_data_dir())
    assert ds.problems == []
    assert ds.interactions is not None
    assert ds.interactions["user_id"].n_unique() == 2000
    assert ds.videos.height == 300
    assert ds.interactions.height == 50_000
    assert (ds.videos["price"] > 0).sum() > 0
    titles = " ".join(ds.videos["title"].to_list())
    assert "#" in titles
    assert any("\u4e00" <= ch <= "\u9fff" for ch in titles)  # Chinese titles too
