"""Personas recover the generator's hidden groups and describe them truthfully."""

from __future__ import annotations

import polars as pl
import pytest
from sklearn.metrics import adjusted_rand_score

from kptui.engine import personas as P
from kptui.engine.modelcache import folder
from kptui.engine.sample import generate
from kptui.engine.types import Dataset
from kptui.errors import DataError, UsageError


@pytest.fixture(scope="module")
def sample():
    return generate(users=600, videos=120, events=15000, seed=4, lang="mixed")


@pytest.fixture(scope="module")
def dataset(sample):
    return sample.dataset()


@pytest.fixture(scope="module")
def model(dataset):
    return P.fit_personas(dataset, k="auto", seed=0)


def test_recovers_hidden_groups(sample, model):
    joined = model.assignments.join(sample.truth, on="user_id")
    assert joined.height == 600
    assert adjusted_rand_score(joined["group"], joined["persona_id"]) >= 0.8
    assert model.k == sample.truth["group"].n_unique()


def test_auto_k_respects_bounds_and_min_share(model):
    assert P.K_MIN <= model.k <= P.K_MAX
    assert set(model.silhouette) <= set(range(P.K_MIN, P.K_MAX + 1))
    assert max(model.silhouette, key=model.silhouette.get) == model.k
    assert min(c["share"] for c in model.cards) >= P.MIN_SHARE


def test_ids_ordered_by_size_and_match_assignments(model):
    sizes = [c["size"] for c in model.cards]
    assert sizes == sorted(sizes, reverse=True)
    assert [c["id"] for c in model.cards] == list(range(model.k))
    counts = model.assignments.group_by("persona_id").len().sort("persona_id")
    assert counts["len"].to_list() == sizes
    assert sum(c["share"] for c in model.cards) == pytest.approx(1.0, abs=1e-3)


def test_deterministic_for_seed(dataset, model):
    again = P.fit_personas(dataset, k="auto", seed=0)
    assert again.cards == model.cards
    assert again.assignments.equals(model.assignments)


def test_fixed_k(dataset):
    four = P.fit_personas(dataset, k=4, seed=0)
    assert four.k == 4
    assert four.silhouette == {}
    assert four.assignments["persona_id"].n_unique() == 4


def test_card_figures_match_the_data(dataset, model):
    it = dataset.interactions.join(model.assignments, on="user_id")
    for card in model.cards:
        mine = it.filter(pl.col("persona_id") == card["id"])
        buyers = mine.filter(pl.col("event") == "purchase")["user_id"].n_unique()
        assert card["purchasers"] == buyers
        assert card["conversion_rate"] == pytest.approx(buyers / card["size"], abs=1e-4)
        lo, hi = card["conversion_ci"]
        assert lo <= card["conversion_rate"] <= hi
        assert card["revenue"] == pytest.approx(mine["amount"].sum(), abs=0.01)
        pairs = mine.select("user_id", "video_id").unique().height
        engaged = mine.filter(pl.col("event") != "view").select("user_id", "video_id").unique()
        assert card["engagement_rate"] == pytest.approx(engaged.height / pairs, abs=1e-4)
        hours = card["active_hours"]
        assert len(hours) == 24 and sum(hours) == pytest.approx(1.0, abs=1e-3)
        counts = mine["ts"].dt.hour().value_counts().sort("count", descending=True)
        assert card["best_hours"][0] == counts["ts"][0] or hours[card["best_hours"][0]] == max(
            hours
        )


def test_labels_are_readable_tags_as_written(dataset, model):
    written = {t for tags in dataset.videos["tags"].to_list() for t in tags}
    labels = [c["label"] for c in model.cards]
    assert len(set(labels)) == len(labels)
    for card in model.cards:
        assert card["top_tags"] and set(card["top_tags"]) <= written
        for part in card["label"].split(" · "):
            assert part in card["top_tags"]
        assert card["top_terms"]
        assert all(v["video_id"].startswith("v") for v in card["top_videos"])
    # Mixed data: some persona shows Chinese tags, some English, as the data writes them.
    flat = " ".join(t for c in model.cards for t in c["top_tags"])
    assert any("\u4e00" <= ch <= "\u9fff" for ch in flat)
    assert "Python" in flat or "MachineLearning" in flat


def test_personas_differ_in_what_they_watch(sample, model):
    # Each hidden group maps mostly onto one persona, and that persona's top tags are the
    # group's topic tags (tech -> programming tags).
    joined = model.assignments.join(sample.truth, on="user_id")
    tech = joined.filter(pl.col("group") == "tech")["persona_id"].mode()[0]
    tags = {t.lower() for t in model.cards[tech]["top_tags"]}
    assert tags & {"python", "coding", "programming", "编程", "machinelearning", "ai", "机器学习"}


def test_wilson_matches_statsmodels():
    from statsmodels.stats.proportion import proportion_confint

    for succ, n in [(0, 10), (3, 40), (40, 40), (57, 1000)]:
        lo, hi = P.wilson(succ, n)
        ref = proportion_confint(succ, n, alpha=0.05, method="wilson")
        assert lo == pytest.approx(ref[0], abs=1e-9)
        assert hi == pytest.approx(ref[1], abs=1e-9)
    assert P.wilson(0, 0) == (None, None)


def test_draft_fit(model):
    fit = model.draft_fit("20分钟居家锻炼 #健身", "减脂 workout")
    assert sum(f["fit"] for f in fit) == pytest.approx(1.0, abs=1e-3)
    top = model.card(fit[0]["persona_id"])
    assert {"健身", "fitness", "减脂", "居家锻炼", "workout"} & set(top["top_tags"])
    assert fit[0]["matches"]
    unknown = model.draft_fit("zzzz qqqq")
    assert max(f["fit"] for f in unknown) < 0.5
    with pytest.raises(UsageError):
        model.draft_fit("  ")


def test_cache_round_trip(dataset, tmp_path):
    dataset.fingerprint = dataset.fingerprint or "test-fingerprint"
    first = P.load_or_fit_personas(dataset, k="auto", seed=0)
    assert not first.from_cache
    second = P.load_or_fit_personas(dataset, k="auto", seed=0)
    assert second.from_cache
    assert second.cards == first.cards
    assert second.assignments.equals(first.assignments)
    assert second.draft_fit("Python 装饰器") == first.draft_fit("Python 装饰器")
    cache = folder("personas", P.cache_key(dataset.fingerprint, "auto", 0))
    suffixes = {p.suffix for p in cache.iterdir()}
    assert suffixes <= {".json", ".parquet", ".npz"}
    # Another seed is another model; a corrupt cache is refitted, not an error.
    assert P.cache_key(dataset.fingerprint, "auto", 1) != P.cache_key(
        dataset.fingerprint, "auto", 0
    )
    (cache / "meta.json").write_text("{not json", encoding="utf-8")
    third = P.load_or_fit_personas(dataset, k="auto", seed=0)
    assert not third.from_cache and third.cards == first.cards


def test_parse_k():
    assert P.parse_k("auto") is None
    assert P.parse_k("5") == 5
    assert P.parse_k(7) == 7
    assert P.parse_k(P.MAX_K) == P.MAX_K
    for bad in ("many", "1", "0", "-3", "2.5", "31", "99"):
        with pytest.raises(UsageError):
            P.parse_k(bad)


def _dataset(videos: pl.DataFrame, inter: pl.DataFrame | None) -> Dataset:
    from kptui.engine.io import from_frames

    return from_frames(videos, inter)


@pytest.fixture(scope="module")
def tiny_videos() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "video_id": [f"v{i}" for i in range(6)],
            "title": [
                "Python basics",
                "Python tests",
                "Budget tips",
                "Saving money",
                "Yoga",
                "Run",
            ],
            "tags": ["python", "python", "finance", "finance", "fitness", "fitness"],
        }
    )


def test_videos_only_dataset(tiny_videos):
    with pytest.raises(DataError, match="need interactions"):
        P.fit_personas(_dataset(tiny_videos, None))


def test_one_viewer(tiny_videos):
    inter = pl.DataFrame({"user_id": ["u1"] * 3, "video_id": ["v0", "v1", "v2"], "event": "view"})
    with pytest.raises(DataError, match="at least 6 viewers"):
        P.fit_personas(_dataset(tiny_videos, inter))


def test_fewer_viewers_than_k(tiny_videos):
    inter = pl.DataFrame(
        {"user_id": ["u1", "u1", "u2", "u2"], "video_id": ["v0", "v1", "v2", "v3"], "event": "view"}
    )
    with pytest.raises(UsageError, match="more personas than there are viewers"):
        P.fit_personas(_dataset(tiny_videos, inter), k=5)


def test_every_viewer_one_interaction(tiny_videos):
    inter = pl.DataFrame(
        {"user_id": [f"u{i}" for i in range(12)], "video_id": [f"v{i % 6}" for i in range(12)]}
    ).with_columns(event=pl.lit("like"))
    with pytest.raises(DataError, match="single interaction"):
        P.fit_personas(_dataset(tiny_videos, inter))


def test_small_but_valid_dataset(tiny_videos):
    # Three clean groups (two videos each) plus one stray view for a few viewers.
    rows = []
    for u in range(30):
        base = (u % 3) * 2
        for v in (base, base + 1):
            rows.append((f"u{u:02d}", f"v{v}", "view"))
        rows.append((f"u{u:02d}", f"v{base}", "like"))
        if u % 10 == 0:
            rows.append((f"u{u:02d}", f"v{(base + 2) % 6}", "view"))
    inter = pl.DataFrame(rows, schema=["user_id", "video_id", "event"], orient="row")
    model = P.fit_personas(_dataset(tiny_videos, inter), k=3)
    assert model.k == 3
    assert model.cards[0]["active_hours"] is None  # no timestamps in this data
    assert model.cards[0]["revenue"] is None  # no amounts either
    truth = [int(u[1:]) % 3 for u in model.user_ids]
    assert adjusted_rand_score(truth, model.labels) == pytest.approx(1.0)


@pytest.mark.parametrize(
    "text", ["Hello  World", "零基础学Python #编程 a", "I", "x\ty   z", "[Course] The #Figma 课"]
)
def test_char_grams_match_sklearn(text):
    from sklearn.feature_extraction.text import CountVectorizer

    ref = CountVectorizer(analyzer="char_wb", ngram_range=(2, 4)).fit([text])
    assert P.char_wb_grams(text) == set(ref.get_feature_names_out())


def test_k_note_states_the_trade_off(model):
    note = model.k_note
    assert note.startswith(f"k={model.k} chosen from {P.K_MIN}-")
    assert f"silhouette {model.silhouette[model.k]:.3f}" in note
    smallest = min(c["share"] for c in model.cards)
    assert f"smallest persona {smallest:.0%} of viewers" in note
    assert model.to_json()["k_note"] == note


def test_labels_and_words_have_no_function_words(model):
    for card in model.cards:
        words = card["top_terms"] + card["top_tags"] + card["label"].split(" · ")
        assert not {w.lower() for w in words} & P.FUNCTION_WORDS, card


def test_a_catch_all_persona_is_split_and_the_note_says_so():
    # Three groups of viewers' profiles: two tight ones of 20% each and a broad one of 60%
    # made of two sub-groups: the broad one is split in two; groups under a third are kept.
    import numpy as np

    rng = np.random.default_rng(0)
    centres = np.eye(4, dtype=np.float32)
    group = np.repeat([0, 1, 2, 3], [120, 120, 180, 180])
    z = centres[group] + 0.05 * rng.standard_normal((600, 4)).astype(np.float32)
    labels = np.where(group >= 2, 2, group)  # k-means left the two last groups as one
    out, split = P._split_catch_alls(z, labels, seed=0)
    assert split == [0.6]
    assert np.bincount(out).tolist() == [120, 120, 180, 180]
    assert adjusted_rand_score(group, out) == 1.0
    kept, none = P._split_catch_alls(z, group, seed=0)
    assert none == [] and (kept == group).all()


def test_k_note_names_a_split(model):
    import dataclasses

    split = dataclasses.replace(model, split_shares=[0.42])
    note = split.k_note
    assert note.startswith(f"k={model.k - 1} chosen")
    assert note.endswith(
        f"a persona of 42% of viewers was split in two (too broad to act on): k={model.k}"
    )


def test_text_read_next_to_the_matrix_gives_the_same_personas(monkeypatch):
    # with a core to spare the video text is read on a second thread while the matrix is
    # built (profiles.engagement_and_content): the same personas as one after the other
    from kptui.engine.personas import load_or_fit_personas as fit
    from kptui.engine.sample import generate as make

    data = make(users=400, videos=80, events=6000, seed=11).dataset()
    models = {}
    for threads in ("1", "2"):
        monkeypatch.setenv("OPENBLAS_NUM_THREADS", threads)
        monkeypatch.setenv("OMP_NUM_THREADS", threads)
        models[threads] = fit(data, use_cache=False)
    assert models["1"].cards == models["2"].cards
    assert models["1"].labels.tolist() == models["2"].labels.tolist()
