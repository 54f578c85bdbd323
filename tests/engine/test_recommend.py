"""The recommender: never what a viewer has, better than popularity, cold items by content."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import polars as pl
import pytest

from kptui.engine import profiles, sequence
from kptui.engine.io import from_frames
from kptui.engine.personas import fit_personas
from kptui.engine.recommend import ease, fit_recommender, gram_of, load_or_fit_recommender
from kptui.engine.sample import generate
from kptui.engine.types import Dataset
from kptui.errors import DataError, UsageError


@pytest.fixture(scope="module")
def sample():
    return generate(users=500, videos=100, events=12000, seed=6)


@pytest.fixture(scope="module")
def dataset(sample):
    return sample.dataset()


@pytest.fixture(scope="module")
def rec(dataset):
    return load_or_fit_recommender(dataset, use_cache=False)


def _seen(dataset: Dataset, user: str) -> set[str]:
    it = dataset.interactions
    return set(it.filter(pl.col("user_id") == user)["video_id"].to_list())


def test_never_recommends_what_the_viewer_has(dataset, rec):
    lists = rec.for_users(None, top=10)
    assert len(lists) == dataset.interactions["user_id"].n_unique()
    have = dataset.interactions.group_by("user_id").agg(pl.col("video_id").unique())
    for user, items in zip(have["user_id"], have["video_id"], strict=True):
        got = lists[user]
        assert len(got) == 10 and len(set(got)) == 10
        assert not set(got) & set(items)


def test_single_viewer_list_agrees_with_batch(dataset, rec):
    user = rec.personas.user_ids[7]
    one = rec.for_user(user, top=10)
    assert [i["video_id"] for i in one] == rec.for_users([user], top=10)[user]
    assert not {i["video_id"] for i in one} & _seen(dataset, user)
    scores = [i["score"] for i in one]
    assert scores == sorted(scores, reverse=True)
    assert all(i["reason"] and i["title"] for i in one)


def test_paid_only(dataset, rec):
    paid = set(dataset.videos.filter(pl.col("price") > 0)["video_id"].to_list())
    lists = rec.for_users(None, top=3, paid_only=True)
    for user, items in list(lists.items())[:100]:
        assert set(items) <= paid
        assert not set(items) & _seen(dataset, user)
    for block in rec.for_personas(top=5, paid_only=True):
        assert {i["video_id"] for i in block["items"]} <= paid


def test_beats_popularity_leave_last_out(dataset):
    # Each viewer's latest video is held out; the hybrid must find it more often than
    # ranking by popularity does (the benchmark measures by how much).
    it = dataset.interactions.with_row_index("_r")
    last = it.sort(["ts", "_r"]).group_by("user_id").last().select("user_id", "video_id")
    train_it = it.join(last, on=["user_id", "video_id"], how="anti").drop("_r")
    train = Dataset(videos=dataset.videos, interactions=train_it, files=[])
    eng = profiles.engagement(train)
    cont = profiles.content(train.videos)
    model = fit_recommender(train, fit_personas(train, eng=eng, cont=cont), eng=eng, cont=cont)
    lists = model.for_users(None, top=10)
    binary = eng.matrix.copy()
    binary.data[:] = 1
    pop = np.asarray(binary.sum(axis=0)).ravel()
    order = [eng.video_ids[i] for i in np.argsort(-pop, kind="stable")]
    hits = pop_hits = 0
    for user, test in zip(last["user_id"], last["video_id"], strict=True):
        if user not in lists:
            continue
        hits += test in lists[user]
        seen = _seen(train, user)
        pop_hits += test in [v for v in order if v not in seen][:10]
    assert hits > 1.5 * pop_hits


def test_persona_lists_shape_and_reasons(rec):
    blocks = rec.for_personas(top=4)
    assert [b["persona_id"] for b in blocks] == list(range(rec.personas.k))
    for block in blocks:
        assert block["label"] == rec.personas.card(block["persona_id"])["label"]
        assert len(block["items"]) == 4
        members = set(rec.personas.members(block["persona_id"]))
        it = rec.dataset.interactions.filter(pl.col("user_id").is_in(list(members)))
        for item in block["items"]:
            assert set(item) >= {"video_id", "title", "score", "reason", "watched", "bought"}
            assert "watched" not in item["reason"]  # the shares are fields, not prose
            rows = it.filter(pl.col("video_id") == item["video_id"])
            watched = rows["user_id"].n_unique() / len(members)
            bought = rows.filter(pl.col("event") == "purchase")["user_id"].n_unique()
            assert item["watched"] == pytest.approx(watched, abs=1e-3)
            assert item["bought"] == pytest.approx(bought / len(members), abs=1e-3)
            assert item["bought"] < 0.5


def test_persona_lists_follow_the_persona(sample, rec):
    # The tech group's persona gets mostly programming / ML videos.
    joined = rec.personas.assignments.join(sample.truth, on="user_id")
    tech = joined.filter(pl.col("group") == "tech")["persona_id"].mode()[0]
    items = [i["video_id"] for i in rec.for_persona(int(tech), top=10)]
    tags = sample.videos.filter(pl.col("video_id").is_in(items))["tags"].to_list()
    techy = {"python", "coding", "programming", "编程", "程序员", "machinelearning", "ai"}
    techy |= {"datascience", "机器学习", "人工智能", "数据分析"}
    on_topic = sum(bool({t.lower() for t in tag_list} & techy) for tag_list in tags)
    assert on_topic >= 6


def test_cold_items_are_ranked_by_content(dataset):
    extra = pl.DataFrame(
        {
            "video_id": ["cold_py", "cold_fit"],
            "title": ["Python decorators and type hints #Python #coding", "Squats #fitness"],
            "tags": ["Python|coding|programming", "fitness|workout"],
        }
    )
    videos = pl.concat(
        [
            dataset.videos.select("video_id", "title", pl.col("tags").list.join("|").alias("tags")),
            extra,
        ]
    )
    inter = dataset.interactions.select("user_id", "video_id", "event", "ts")
    data = from_frames(videos, inter.with_columns(pl.col("ts").cast(pl.String)))
    model = load_or_fit_recommender(data, use_cache=False)
    tech_users = [
        card for card in model.personas.cards if {"Python", "coding"} & set(card["top_tags"])
    ]
    assert tech_users
    members = model.personas.members(tech_users[0]["id"])[:50]
    eng = model._engagement()
    index = eng.user_index()
    scores = model.viewer_scores(np.array([index[u] for u in members]))
    py, fit = model.video_ids.index("cold_py"), model.video_ids.index("cold_fit")
    assert np.isfinite(scores[:, py]).all()
    assert (scores[:, py] > scores[:, fit]).mean() > 0.9


def test_unknown_viewer_and_persona(rec):
    with pytest.raises(UsageError, match="unknown viewer"):
        rec.for_user("nobody")
    with pytest.raises(UsageError, match="unknown viewer"):
        rec.for_users(["nobody"])
    with pytest.raises(UsageError, match="unknown persona"):
        rec.for_persona(99)


def test_cached_model_answers_the_same(dataset):
    first = load_or_fit_recommender(dataset)
    second = load_or_fit_recommender(dataset)
    assert not first.from_cache and second.from_cache
    user = first.personas.user_ids[3]
    assert first.for_user(user) == second.for_user(user)
    assert first.for_personas(top=5) == second.for_personas(top=5)
    assert first.draft_fit("Python 装饰器") == second.draft_fit("Python 装饰器")


def test_draft_fit_shape(rec):
    fit = rec.draft_fit("Index funds for beginners #investing", "ETF and stocks")
    assert [set(f) >= {"persona_id", "label", "fit"} for f in fit] == [True] * rec.personas.k
    top = rec.personas.card(fit[0]["persona_id"])
    assert {"investing", "stocks", "ETF", "投资", "基金", "股票", "saving"} & set(top["top_tags"])


def test_ease_closed_form():
    import scipy.sparse as sp

    rng = np.random.default_rng(0)
    for users, items in ((40, 8), (500, 120)):
        x = sp.csr_matrix((rng.random((users, items)) < 0.3).astype(np.float32))
        b = ease(x, lam=5.0)
        g = (x.T @ x).toarray().astype(np.float64) + 5.0 * np.eye(items)
        p = np.linalg.inv(g)
        ref = -p / np.diag(p)
        np.fill_diagonal(ref, 0.0)
        assert np.allclose(b, ref, atol=1e-4)
        assert np.allclose(np.diag(b), 0.0)
        # one Gram matrix for several λ (the tuner's grid) gives each λ's own weights
        gram = gram_of(x)
        kept = gram.copy()
        for lam in (5.0, 50.0):
            np.testing.assert_array_equal(ease(x, lam=lam, gram=gram), ease(x, lam=lam))
        np.testing.assert_array_equal(gram, kept)
        # the final fit's weights come in C order without a copy: the very same numbers
        c = ease(x, lam=5.0, c_order=True)
        assert c.flags["C_CONTIGUOUS"]
        np.testing.assert_array_equal(c, b)


def test_one_viewer_still_gets_a_list_but_no_personas():
    videos = pl.DataFrame(
        {"video_id": ["a", "b", "c", "d"], "title": ["Python", "Python tips", "Yoga", "Run"]}
    )
    inter = pl.DataFrame({"user_id": ["u1", "u1"], "video_id": ["a", "c"], "event": "view"})
    model = load_or_fit_recommender(from_frames(videos, inter), use_cache=False)
    items = [i["video_id"] for i in model.for_user("u1", top=5)]
    assert sorted(items) == ["b", "d"]
    with pytest.raises(DataError, match="at least 6 viewers"):
        model.for_persona(0)
    with pytest.raises(DataError, match="at least 6 viewers"):
        model.draft_fit("Python")


def test_videos_only_dataset():
    videos = pl.DataFrame({"video_id": ["a"], "title": ["x"]})
    with pytest.raises(DataError, match="need interactions"):
        load_or_fit_recommender(from_frames(videos, None))


def test_what_comes_next_follows_the_latest_video():
    # Forty viewers watch a course in order (p1 -> p2 -> p3 -> p4); a new viewer who has just
    # watched p1 and p2 is offered p3 first, and the reason names the part they watched last.
    videos = pl.DataFrame(
        {
            "video_id": ["p1", "p2", "p3", "p4", "x1", "x2"],
            "title": ["Part 1", "Part 2", "Part 3", "Part 4", "Other one", "Other two"],
        }
    )
    rows = []
    for u in range(40):
        for step, v in enumerate(["p1", "p2", "p3", "p4"]):
            rows.append((f"u{u:02d}", v, f"2024-01-{1 + u % 20:02d} {10 + step}:00:00"))
        rows.append((f"u{u:02d}", "x1" if u % 2 else "x2", "2024-01-25 09:00:00"))
    rows += [("new", "p1", "2024-02-01 10:00:00"), ("new", "p2", "2024-02-01 11:00:00")]
    inter = pl.DataFrame(rows, schema=["user_id", "video_id", "ts"], orient="row")
    model = load_or_fit_recommender(
        from_frames(videos, inter.with_columns(event=pl.lit("view"))), use_cache=False
    )
    assert model.blend.tuned_on > 0
    first = model.for_user("new", top=3)[0]
    assert first["video_id"] == "p3"
    assert first["reason"] == 'often next after "Part 2"'


def _trend_dataset() -> Dataset:
    """Two kinds of viewers; each kind's catalogue half is taken up in 2022 (videos 0-29)
    and the other in 2024 (30-59), so what comes next depends on when a viewer was active."""
    rng = np.random.default_rng(3)
    topics = ["python code", "budget saving"]
    videos = pl.DataFrame(
        {
            "video_id": [f"v{i:02d}" for i in range(60)],
            "title": [f"{topics[i % 2]} part {i}" for i in range(60)],
            "description": [""] * 60,
            "tags": [[topics[i % 2].split()[0]] for i in range(60)],
        }
    )
    rows = []
    for u in range(400):
        kind, late = u % 2, u >= 200
        base = 30 if late else 0
        start = datetime(2024 if late else 2022, 1, 1)
        pool = [v for v in range(base, base + 30) if v % 2 == kind]
        for day, v in enumerate(rng.choice(pool, size=6, replace=False)):
            rows.append((f"u{u:03d}", f"v{v:02d}", "view", start + timedelta(days=7 * day)))
    frame = pl.DataFrame(rows, schema=["user_id", "video_id", "event", "ts"], orient="row")
    return from_frames(videos, frame)


def test_persona_lists_follow_the_moment():
    data = _trend_dataset()
    rec = load_or_fit_recommender(data, k=2, use_cache=False)
    # the tuner finds the moment worth weighing (itself or what goes with it)
    assert rec.blend.persona_recent + rec.blend.persona_recent_ease > 0
    late = {f"v{i:02d}" for i in range(30, 60)}
    for block in rec.for_personas(top=5):
        assert {i["video_id"] for i in block["items"]} <= late  # now: the 2024 half
    early_bin = sequence.bins_of(np.array([0.1]))
    lists = rec.persona_rows(np.arange(rec.personas.k), np.repeat(early_bin, rec.personas.k))
    for row in lists:
        top = np.argsort(-row)[:5]
        assert all(int(rec.video_ids[v][1:]) < 30 for v in top)  # then: the 2022 half


def test_a_moment_sees_only_what_happened_by_then():
    # Activity in the last quarter of time must not reach a moment in the first half: a
    # two-sided kernel let leave-last-out benches see the held-out item's own cohort.
    import scipy.sparse as sp

    bins = sequence.TIME_BINS
    act = sp.csr_matrix(
        (np.ones(2, dtype=np.float32), ([bins // 8, bins - 10], [0, 1])), shape=(bins, 2)
    )
    trend = sequence.smoothed(act, bandwidth=0.5)
    assert trend[bins // 2, 0] > 0  # the past is seen (a wide kernel)
    assert trend[bins // 2, 1] == 0  # the future is not, however wide the kernel
    assert trend[bins - 1, 1] > 0
    assert trend[0, 0] == 0  # before anything happened there is nothing to see


def test_tuning_split_holds_out_two_latest_videos_without_leaking():
    # 40 viewers with 4 videos and 60 with 2: fold 1 holds out every viewer's latest video,
    # fold 2 the one before it for those with more; no held-out video, nor anything after
    # it, is in the training part it is ranked with, and each query is what came before.
    from kptui.engine.recommend import _tune_events

    rows = []
    for u in range(100):
        n = 4 if u < 40 else 2
        for step in range(n):
            rows.append((f"u{u:03d}", f"v{(u + 3 * step) % 30:02d}", "view", step))
    frame = pl.DataFrame(rows, schema=["user_id", "video_id", "event", "step"], orient="row")
    frame = frame.with_columns(
        ts=pl.lit(datetime(2024, 1, 1)) + pl.duration(hours=pl.col("step") * 24 + 1)
    ).drop("step")
    videos = pl.DataFrame({"video_id": [f"v{i:02d}" for i in range(30)]})
    data = from_frames(videos.with_columns(title=pl.col("video_id")), frame)
    eng = profiles.engagement(data)
    hist = sequence.history(data.interactions, eng.user_code, eng.video_code, eng.n_users, 30)
    part, sample, target, back_s, moments = _tune_events(hist, seed=0)
    per = np.diff(hist.back.indptr)
    assert len(sample) == 100 + 40  # fold 1: everyone, fold 2: the 40 with four videos
    assert sorted(np.bincount(sample).tolist()) == [1] * 60 + [2] * 40
    for i, u in enumerate(sample):
        ranks = dict(zip(hist.back[u].indices, hist.back[u].data, strict=True))
        held = ranks[target[i]]
        query = dict(zip(back_s[i].indices, back_s[i].data, strict=True))
        assert set(query) == {v for v, r in ranks.items() if r > held}  # only what came before
        assert all(query[v] == ranks[v] - held for v in query)  # ranked from that moment
        train = set(part.back[u].indices)
        assert target[i] not in train
        deepest = 2 if per[u] == 4 else 1
        assert train == {v for v, r in ranks.items() if r > deepest}
    assert np.all(np.isfinite(moments)) and np.all(moments <= 1.0)


@pytest.mark.parametrize("with_ts", [True, False])
def test_history_grouped_with_the_matrix_is_the_rows_history(with_ts):
    # The engagement group-by gives every pair's latest time and row; the history built
    # from those equals the one grouped from the rows again: repeated pairs, ties in time,
    # rows without a time, a video not in the videos table, and data without any times.
    from kptui.engine.recommend import _history_of

    rng = np.random.default_rng(8)
    n = 3000
    frame = pl.DataFrame(
        {
            "user_id": [f"u{i}" for i in rng.integers(0, 150, n)],
            "video_id": [f"v{i}" for i in rng.integers(0, 41, n)],  # v40 is unknown
            "event": rng.choice(["view", "like", "purchase"], n).tolist(),
            "ts": [
                datetime(2024, 1, 1) + timedelta(hours=int(h)) if h >= 0 else None
                for h in rng.integers(-20, 200, n)  # ties and missing times
            ],
        }
    )
    if not with_ts:
        frame = frame.drop("ts")
    videos = pl.DataFrame({"video_id": [f"v{i}" for i in range(40)]})
    data = from_frames(videos.with_columns(title=pl.col("video_id")), frame)
    eng = profiles.engagement(data)
    assert eng.pair_t is not None and len(eng.pair_t) == eng.matrix.nnz
    got = _history_of(data, eng)
    want = sequence.history(data.interactions, eng.user_code, eng.video_code, eng.n_users, 40)
    assert got.back.nnz == want.back.nnz and (got.back != want.back).nnz == 0
    np.testing.assert_array_equal(got.moment, want.moment)
    np.testing.assert_array_equal(got.edges, want.edges)
    assert got.pairs.equals(want.pairs)
    assert np.isfinite(got.moment).any() == with_ts
    # by hand: a viewer's videos ranked by latest time (none: oldest), then latest row
    it = data.interactions.with_row_index("r")
    for u in (0, 7, 99):
        mine = it.filter(pl.Series(eng.user_code == u) & pl.Series(eng.video_code >= 0))
        last: dict[str, tuple] = {}
        for row in mine.iter_rows(named=True):
            t = row["ts"].timestamp() if row.get("ts") is not None else float("-inf")
            old_t, old_r = last.get(row["video_id"], (float("-inf"), -1))
            last[row["video_id"]] = (max(old_t, t), max(old_r, row["r"]))
        order = sorted(last, key=lambda v: last[v], reverse=True)
        ranks = dict(zip(got.back[u].indices, got.back[u].data, strict=True))
        assert [ranks[int(v[1:])] for v in order] == list(range(1, len(order) + 1))
        if with_ts:  # the viewer's latest time, from the same grouped pairs
            assert eng.last_ts[u] == int(max(t for t, _ in last.values()))


def test_persona_lists_offer_what_goes_with_the_moment():
    # In 2022 viewers watched course pairs (x_i then y_i); in 2024 everyone takes up x3.
    # With the moment's EASE weighed, persona lists now lead with y3 (what goes with what is
    # being taken up), which no one took up lately; without it y3 is not first.
    from kptui.engine.recommend import Blend

    videos = pl.DataFrame({"video_id": [f"{c}{i}" for i in range(8) for c in "xy"]}).with_columns(
        title=pl.col("video_id")
    )
    rows = []
    for u in range(80):
        for j in range(2):
            i = (u + 3 * j) % 8
            day = datetime(2022, 1, 1) + timedelta(days=u + 10 * j)
            rows += [(f"u{u:02d}", f"x{i}", day), (f"u{u:02d}", f"y{i}", day + timedelta(hours=1))]
    for u in range(80, 120):
        rows.append((f"u{u:03d}", "x3", datetime(2024, 1, 1) + timedelta(hours=u)))
    inter = pl.DataFrame(rows, schema=["user_id", "video_id", "ts"], orient="row")
    data = from_frames(videos, inter.with_columns(event=pl.lit("view")))
    personas = fit_personas(data, k=2)
    ranks = {}
    for ease_w in (0.0, 8.0):
        blend = Blend(recent=1.0, persona_recent=1.0, persona_recent_ease=ease_w, tuned_on=1)
        rec = fit_recommender(data, personas, blend=blend)
        y3 = rec.video_ids.index("y3")
        ranks[ease_w] = [int((row > row[y3]).sum()) for row in rec.persona_scores()]
    assert ranks[8.0] == [0, 0]  # first for both personas
    assert min(ranks[0.0]) > 0


def test_tuning_keeps_few_parts_and_picks_the_same_weights(monkeypatch):
    # The tuner keeps only the latest few viewers x videos parts and recomputes the rest:
    # keeping one or keeping all gives the same weights (on data with times, so every
    # part of the grid is met).
    from kptui.engine import recommend

    data = _trend_dataset()
    eng = profiles.engagement(data)
    hist = recommend._history_of(data, eng)
    emb = profiles.content(data.videos).embedding
    picked = []
    for keep in (1, 1000):
        monkeypatch.setattr(recommend, "KEEP_PARTS", keep)
        picked.append(recommend.tune_blend(hist, emb, labels=np.arange(eng.n_users) % 2))
    assert picked[0] == picked[1]
    assert picked[0].tuned_on > 0 and picked[0].recent > 0


def test_tuning_in_chunks_of_rows_picks_the_same_weights(dataset, monkeypatch):
    # The tuner sums a few rows at a time (TUNE_CHUNK_FLOATS): one row at a time and every
    # row at once give the same weights, on the sample and on data with times.
    from kptui.engine import recommend

    for data in (dataset, _trend_dataset()):
        eng = profiles.engagement(data)
        hist = recommend._history_of(data, eng)
        emb = profiles.content(data.videos).embedding
        picked = []
        for floats in (1, 10**9):
            monkeypatch.setattr(recommend, "TUNE_CHUNK_FLOATS", floats)
            picked.append(recommend.tune_blend(hist, emb, labels=np.arange(eng.n_users) % 3))
        assert picked[0] == picked[1]
        assert picked[0].tuned_on > 0


@pytest.mark.parametrize("few", [False, True])
def test_two_thread_fit_gives_the_serial_fit(dataset, monkeypatch, few):
    # With a core to spare the persona fit runs next to the recommender's tuning (and the
    # video text next to the matrix): the same model as one after the other, and a persona
    # error (k=25 is more than 20 viewers) still leaves the lists, with the same error.
    k = 25 if few else "auto"
    if few:
        dataset = generate(users=20, videos=30, events=400, seed=3).dataset()
    fits = {}
    for threads in ("1", "2"):
        monkeypatch.setenv("OPENBLAS_NUM_THREADS", threads)
        monkeypatch.setenv("OMP_NUM_THREADS", threads)
        fits[threads] = load_or_fit_recommender(dataset, k=k, use_cache=False)
    one, two = fits["1"], fits["2"]
    assert one.blend == two.blend
    assert np.array_equal(one.top_items(None, top=10), two.top_items(None, top=10))
    if one.persona_model is None:
        assert two.persona_model is None
        assert type(one.persona_error) is type(two.persona_error)
        assert str(one.persona_error) == str(two.persona_error)
    else:
        assert one.personas.cards == two.personas.cards
        assert np.array_equal(one.personas.labels, two.personas.labels)


def test_how_new_a_video_is_at_each_moment():
    import scipy.sparse as sp

    from kptui.engine.recommend import FRESH_WIDTH, _first_bins, _fresh

    bins = sequence.TIME_BINS
    # video 0 first taken up in bin 10 (and again later), video 1 in bin 200, video 2 never
    act = sp.csr_matrix(
        (np.ones(3, dtype=np.float32), ([10, 300, 200], [0, 0, 1])), shape=(bins, 3)
    )
    first = _first_bins(act)
    assert first.tolist() == [10, 200, bins]
    tau = FRESH_WIDTH * bins
    f = _fresh(first, [10, 200, 200 + int(tau), 9])
    assert f[0, 0] == 1.0 and f[1, 1] == 1.0  # new in its first bin
    assert f[1, 0] == pytest.approx(np.exp(-190 / tau))
    assert f[2, 1] == pytest.approx(np.exp(-1.0))
    assert f[3].tolist() == [0.0, 0.0, 0.0]  # not yet taken up: nothing to push then
    assert f[:, 2].tolist() == [0.0] * 4


def test_persona_lists_weigh_how_new_a_video_is_only_once_it_is_out():
    # Old videos o0..o9 watched through 2022-2023; n0 first taken up by a few in 2024.
    # With `persona_fresh` the lists made now rank n0 higher than without; in a list made in
    # 2022, before n0 was out, n0 scores the same with or without it (the o's, new then, more).
    from kptui.engine.recommend import Blend

    videos = pl.DataFrame({"video_id": [f"o{i}" for i in range(10)] + ["n0"]}).with_columns(
        title=pl.col("video_id")
    )
    rows = []
    for u in range(100):
        for j in range(4):
            day = datetime(2022, 1, 1) + timedelta(days=3 * u + j)
            rows.append((f"u{u:03d}", f"o{(u + j) % 10}", day))
    rows += [(f"u{u:03d}", "n0", datetime(2024, 1, 1) + timedelta(hours=u)) for u in range(3)]
    inter = pl.DataFrame(rows, schema=["user_id", "video_id", "ts"], orient="row")
    data = from_frames(videos, inter.with_columns(event=pl.lit("view")))
    personas = fit_personas(data, k=2)
    scores = {}
    for w in (0.0, 2.0):
        blend = Blend(persona_recent=0.0, persona_fresh=w, tuned_on=1)
        rec = fit_recommender(data, personas, blend=blend)
        n0 = rec.video_ids.index("n0")
        now = [int((row > row[n0]).sum()) for row in rec.persona_scores()]
        early = rec.persona_rows(np.arange(2), np.full(2, 10))
        scores[w] = (now, early[:, n0], early[:, :n0])
    assert all(a < b for a, b in zip(scores[2.0][0], scores[0.0][0], strict=True))
    assert np.array_equal(scores[2.0][1], scores[0.0][1])
    assert (scores[2.0][2] > scores[0.0][2]).any()


def test_a_viewer_gets_the_list_of_the_persona_their_latest_videos_fit():
    # Two topics; viewer "drift" watched ten Python videos in 2022, then three cooking ones
    # lately: their persona (the long run) is the Python one, and with `persona_now` the
    # list they get is the cooking persona's, as it stands at their moment.
    from kptui.engine.recommend import Blend

    py = [f"p{i}" for i in range(12)]
    ck = [f"c{i}" for i in range(12)]
    videos = pl.DataFrame(
        {
            "video_id": py + ck,
            "title": [f"python code tutorial part {i}" for i in range(12)]
            + [f"cooking recipe dinner pasta {i}" for i in range(12)],
        }
    )
    rows = []
    start = datetime(2022, 1, 1)
    for u in range(40):
        topic = py if u % 2 == 0 else ck
        for j in range(5):
            rows.append((f"u{u:02d}", topic[(u + j) % 12], start + timedelta(days=7 * u + j)))
    rows += [("drift", py[j], start + timedelta(days=j)) for j in range(10)]
    rows += [("drift", ck[j], datetime(2024, 6, 1) + timedelta(hours=j)) for j in range(3)]
    inter = pl.DataFrame(rows, schema=["user_id", "video_id", "ts"], orient="row")
    data = from_frames(videos, inter.with_columns(event=pl.lit("view")))
    personas = fit_personas(data, k=2)
    idx = personas.user_ids.index("drift")
    python_one = personas.labels[personas.user_ids.index("u00")]
    cooking_one = personas.labels[personas.user_ids.index("u01")]
    assert python_one != cooking_one and personas.labels[idx] == python_one
    got = {}
    for half in (0.0, 3.0):
        rec = fit_recommender(data, personas, blend=Blend(persona_now=half, tuned_on=1))
        who = rec.persona_now(np.arange(len(personas.user_ids)))
        got[half] = who
        bins = sequence.bins_of(rec._history_all().moment[[idx]])
        expected = rec.persona_rows([who[idx]], bins)
        assert np.array_equal(rec.viewer_persona_rows([idx]), expected)
    assert np.array_equal(got[0.0], personas.labels)  # 0: everyone gets their own persona's
    assert got[3.0][idx] == cooking_one
    others = [i for i, u in enumerate(personas.user_ids) if u != "drift"]
    assert np.array_equal(got[3.0][others], personas.labels[others])  # no drift, no move


def _topic_audience(drift: bool) -> Dataset:
    from audiences import drifting_audience

    return from_frames(*drifting_audience(drift))


def test_the_tuner_moves_viewers_to_their_latest_persona_only_where_it_pays():
    # Where a third of the viewers turn to the other topic lately, the internal split's
    # held-out videos rank better in the list of the persona their latest videos fit;
    # where nobody turns, the own persona's list is kept (persona_now 0).
    from kptui.engine.recommend import PERSONA_NOW_GRID

    chosen = {}
    for drift in (True, False):
        data = _topic_audience(drift)
        rec = fit_recommender(data, fit_personas(data, k=2))
        chosen[drift] = rec.blend.persona_now
    assert chosen[True] in PERSONA_NOW_GRID and chosen[True] > 0
    assert chosen[False] == 0.0


def test_a_viewer_with_no_words_to_place_keeps_their_own_persona():
    import scipy.sparse as sp

    from kptui.engine.recommend import _nearest_persona

    embedding = np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]], dtype=np.float32)
    centres = np.eye(2, dtype=np.float32)
    # viewer 0 watched video 1 lately (persona 1's kind); viewer 1 only video 2, which has
    # no text or tags: nothing says where they are now, so their own persona stays
    rows = sp.csr_matrix(np.array([[1.0, 1.0, 0.0], [0.0, 0.0, 1.0]], dtype=np.float32))
    back = sp.csr_matrix(np.array([[2.0, 1.0, 0.0], [0.0, 0.0, 1.0]], dtype=np.float32))
    assert _nearest_persona(rows, back, embedding, centres, 1.0, home=[0, 0]).tolist() == [1, 0]
    assert _nearest_persona(rows, back, embedding, centres, 1.0, home=[1, 1]).tolist() == [1, 1]


def test_whose_list_to_push_is_found_at_fit_time_and_cached_with_the_model():
    # `push` is found once, where the engagement matrix is at hand, and read back from the
    # cache as it was: the cached model answers without building that matrix again.
    from dataclasses import replace

    data = replace(_topic_audience(True), fingerprint="drift-push-test")
    first = load_or_fit_recommender(data, k=2)
    assert first.blend.persona_now > 0 and first.push is not None
    own = first.personas.labels
    moved = np.flatnonzero(first.push != own)
    turned = {f"u{u:03d}" for u in range(0, 240, 3)}
    assert len(moved) >= len(turned) // 2
    assert {first.personas.user_ids[i] for i in moved} <= turned
    counts = first.push_counts()
    assert sum(c["viewers"] for c in counts) == len(own)
    assert sum(c["drawn"] for c in counts) == len(moved)
    assert [c["members"] + c["drawn"] for c in counts] == [c["viewers"] for c in counts]
    user = first.personas.user_ids[int(moved[0])]
    assert first.push_of(user) == int(first.push[moved[0]]) != first.personas.persona_of(user)
    assert first.push_of("nobody") is None
    second = load_or_fit_recommender(data, k=2)
    assert second.from_cache
    assert np.array_equal(second.push_labels(), first.push_labels())
    assert second.push_counts() == counts
    assert second._eng is None  # nothing recomputed per viewer from the cache
    # personas of another k are not pushed by these labels: that is a refit
    other = load_or_fit_recommender(data, k=3)
    assert not other.from_cache and other.personas.k == 3
    assert len(other.push_counts()) == 3


def test_no_push_where_each_viewer_keeps_their_own_persona(rec):
    # persona_now 0 (the sample): nothing stored, everyone gets their own persona's list
    assert rec.blend.persona_now == 0.0 and rec.push is None
    assert np.array_equal(rec.push_labels(), rec.personas.labels)
    assert all(c["drawn"] == 0 for c in rec.push_counts())
