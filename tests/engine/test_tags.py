"""Tag suggestion on real slices (YouTube CA, KuaiRec) and on small frames built for one rule."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from kptui.engine.io import from_frames, load_dataset
from kptui.engine.tagindex import TagIndex, cache_folder, schema_key
from kptui.engine.tagmodel import FEATURES, default_coef
from kptui.engine.tagparse import normalize_tag
from kptui.engine.tags import TagSuggestion, draft_note, index_note, suggest, tag_index

DATA = Path(__file__).resolve().parents[1] / "data" / "tags"


@pytest.fixture(scope="module")
def youtube():
    return load_dataset(DATA / "youtube")


@pytest.fixture(scope="module")
def kuairec():
    return load_dataset(DATA / "kuairec")


def held_out(dataset, video_filter):
    """(index without the video, the video) for one video chosen by `video_filter`."""
    videos = dataset.videos
    video = videos.filter(video_filter).row(0, named=True)
    index = TagIndex.build(videos.filter(pl.col("video_id") != video["video_id"]))
    return index, video


def keys(suggestions: list[TagSuggestion]) -> list[str]:
    return [normalize_tag(s.tag) for s in suggestions]


def test_held_out_video_gets_its_channels_tags(youtube) -> None:
    index, video = held_out(youtube, pl.col("channel") == "Unbox Therapy")
    got = suggest(index, video["title"], video["description"], top=10)
    truth = {normalize_tag(t) for t in video["tags"]}
    hits = [k for k in keys(got) if k in truth]
    assert len(hits) >= 5, (video["title"], [s.tag for s in got])
    assert "iphone x" in hits  # an English phrase, not two words


def test_scores_are_probabilities_sorted_and_top_is_respected(youtube) -> None:
    index = TagIndex.build(youtube.videos)
    got = suggest(index, "Late night comedy: the week in politics", top=7)
    assert 1 <= len(got) <= 7
    scores = [s.score for s in got]
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert scores == sorted(scores, reverse=True)
    for s in got:
        assert s.source == s.sources[0]
        assert set(s.sources) <= {"hashtag", "draft", "similar", "cooccur", "popular"}
    assert suggest(index, "anything", top=0) == []


def test_near_duplicates_merge_and_show_as_the_corpus_writes_them() -> None:
    videos = pl.DataFrame(
        {
            "video_id": [str(i) for i in range(6)],
            "title": ["Python tips", "More Python", "Python tricks", "Cooking", "Baking", "Pasta"],
            "tags": ["#Python|coding", "python|coding", "Python |Coding", "food", "food", "food"],
        }
    )
    index = TagIndex.build(from_frames(videos).videos)
    assert index.tag_keys.count("python") == 1
    assert index.tag_display[index.tag_id["python"]] == "Python"  # most used spelling
    got = suggest(index, "python #PYTHON tips", "learn Python ", top=20)
    k = keys(got)
    assert len(k) == len(set(k))  # one entry per merge key
    first = got[0]
    assert first.tag == "Python" and first.source == "hashtag"


def test_draft_hashtags_come_first() -> None:
    videos = pl.DataFrame(
        {"video_id": ["1", "2"], "title": ["a talk about cats", "dogs"], "tags": ["cats", "dogs"]}
    )
    index = TagIndex.build(from_frames(videos).videos)
    got = suggest(index, "My new video #Unboxing #旅行vlog")
    assert [s.tag for s in got[:2]] == ["Unboxing", "旅行vlog"]
    assert all(s.source == "hashtag" for s in got[:2])


def test_chinese_corpus_tags_stay_whole_in_a_draft(kuairec) -> None:
    index = TagIndex.build(kuairec.videos)
    assert "老爹鞋" in index.tag_id
    got = suggest(index, "时尚独特个性的增高老爹鞋！", top=10)
    k = keys(got)
    assert "老爹鞋" in k
    assert "老爹" not in k  # jieba alone would split it
    shoe = got[k.index("老爹鞋")]
    assert "draft" in shoe.sources


def test_kuairec_fits_its_own_weights(kuairec) -> None:
    index = TagIndex.build(kuairec.videos)
    assert index.has_tags and index.n_tagged >= 300
    assert index.coef.shape == default_coef().shape == (2 * len(FEATURES),)
    assert not np.allclose(index.coef, default_coef())
    # the corpus's most used tag beats an unknown word for a draft that says nothing
    got = suggest(index, "", top=3)
    assert got and got[0].source == "popular"
    assert draft_note(index, "", "") == "the draft is empty: these are the dataset's most used tags"


def test_function_words_are_not_offered_as_chinese_tags(kuairec) -> None:
    """Numerals, measure words and pronouns (一颗, 一万, 这样) were junk suggestions before."""
    index = TagIndex.build(kuairec.videos)
    draft = "有些女人往往只求一颗真心，这样的女人在哪里？彩礼不得超过一万"
    k = keys(suggest(index, draft, top=50))
    for junk in ("一颗", "一万", "这样", "哪里", "有些"):
        assert junk not in k
    assert "彩礼" in k  # a noun of the draft still is a candidate
    # adjectives, set phrases and numeral-led nouns make tags: they stay candidates
    from kptui.engine.tagmodel import draft_candidates

    cands = draft_candidates(index, "零基础也能学的健康饮食，无人机航拍", "")
    for kept in ("健康", "无人机"):
        assert kept in cands.keys
    # ... and a function word the corpus does use as a tag is still offered
    videos = pl.DataFrame(
        {"video_id": ["1", "2"], "title": ["今天很开心", "一起来玩"], "tags": ["有些", "日常"]}
    )
    small = TagIndex.build(from_frames(videos).videos)
    got = suggest(small, "有些人喜欢看海", top=20)
    assert "有些" in keys(got) and "draft" in got[keys(got).index("有些")].sources


def test_untagged_videos_neither_vote_nor_dilute_phrase_rates() -> None:
    """Drafts are written to be tagged: the statistics come from tagged videos."""
    n_untagged = 40
    videos = pl.DataFrame(
        {
            "video_id": [str(i) for i in range(n_untagged + 2)],
            # the untagged videos are the closest to the draft, word for word
            "title": ["rust borrow checker tutorial"] * n_untagged
            + ["rust tips for beginners", "cooking pasta"],
            "tags": [""] * n_untagged + ["rust", "food"],
        }
    )
    index = TagIndex.build(from_frames(videos).videos)
    assert index.n_counted == index.n_tagged == 2
    assert index.phrase_df["rust"] == (1, 1)  # not (41, 1): untagged titles do not count
    similar = {i for i in range(index.n_videos) if index.y_indptr[i + 1] > index.y_indptr[i]}
    assert set(index.xt_indices.tolist()) <= similar  # only tagged videos can be neighbours
    from kptui.engine.tagmodel import draft_candidates

    cands = draft_candidates(index, "rust borrow checker tutorial", "")
    rust = cands.rows[cands.keys.index("rust")]
    assert rust["similar"] == pytest.approx(1.0)  # the one tagged neighbour has the whole vote


def test_training_drafts_are_segmented_without_their_own_tags() -> None:
    """A tag only a training draft carries must not stay whole in that draft (a leak)."""
    from kptui.engine import text as tx
    from kptui.engine.tagindex import _fit_segmenter

    seg = tx.Segmenter(["机器学习", "深度学习"])
    tag_display = ["机器学习", "深度学习"]
    tag_df = np.asarray([1, 3])
    fit_seg = _fit_segmenter(seg, tag_display, tag_df, [[0], [1]])
    assert fit_seg is not seg
    words = [t.text for t in fit_seg.tokens("机器学习和深度学习")]
    assert "机器学习" not in words and "深度学习" in words
    # nothing only the training drafts carry: the index's own segmenter is reused
    assert _fit_segmenter(seg, tag_display, np.asarray([2, 3]), [[0], [1]]) is seg


def test_dataset_without_tags_gives_extractive_tags_and_says_so() -> None:
    videos = pl.DataFrame(
        {
            "video_id": ["1", "2", "3"],
            "title": ["Deep learning basics", "Cooking pasta at home", "学习机器学习的方法"],
            "description": ["", "", ""],
        }
    )
    index = TagIndex.build(from_frames(videos).videos)
    assert not index.has_tags
    assert index_note(index) is not None
    got = suggest(index, "Machine learning for beginners", "A gentle machine learning course")
    assert got
    assert all(s.sources == ["draft"] for s in got)
    assert "machine learning" in keys(got)
    assert got[0].tag == "Machine learning"  # as the draft writes it


@pytest.mark.parametrize(
    ("title", "description", "note_part"),
    [
        ("", "", "is empty"),
        ("🔥🔥!!!", "😂👍🏻 ...", "has no words"),
        ("Python " * 20_000, "", "first 5,000 characters"),
    ],
)
def test_bad_drafts_get_a_clear_answer(youtube, title, description, note_part) -> None:
    index = TagIndex.build(youtube.videos)
    got = suggest(index, title, description)
    assert all(0.0 <= s.score <= 1.0 for s in got)
    note = draft_note(index, title, description)
    assert note is not None and note_part in note
    if "most used tags" in note:  # it said so over an empty list (every prior under 0.02)
        assert len(got) == 10 and all(s.sources == ["popular"] for s in got)


def test_word_less_draft_on_untagged_dataset_suggests_nothing() -> None:
    videos = pl.DataFrame({"video_id": ["1"], "title": ["hello world"]})
    index = TagIndex.build(from_frames(videos).videos)
    assert suggest(index, "!!!") == []
    assert "nothing to suggest" in draft_note(index, "!!!")


def test_index_is_cached_by_fingerprint_in_npz_and_json(youtube) -> None:
    first = tag_index(youtube)
    folder = cache_folder(youtube.fingerprint)
    assert sorted(p.name for p in folder.iterdir()) == ["checksums.json", "index.json", "index.npz"]
    meta = json.loads((folder / "index.json").read_text(encoding="utf-8"))
    assert meta["fingerprint"] == youtube.fingerprint
    again = tag_index(youtube)  # from the cache
    draft = ("Switching to the iPhone X", "unboxing and review")
    assert [s.to_json() for s in suggest(first, *draft)] == [
        s.to_json() for s in suggest(again, *draft)
    ]
    assert np.array_equal(first.coef, again.coef)


def test_broken_cache_is_rebuilt_not_fatal(youtube) -> None:
    tag_index(youtube)
    folder = cache_folder(youtube.fingerprint)
    (folder / "index.npz").write_bytes(b"not an npz")
    assert TagIndex.load(folder) is None
    rebuilt = tag_index(youtube)
    assert rebuilt.has_tags
    assert TagIndex.load(folder) is not None  # saved again


def _rewrite_npz(path: Path, **changes) -> None:
    with np.load(path, allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    arrays.update(changes)
    with open(path, "wb") as f:
        np.savez(f, **arrays)


@pytest.mark.parametrize(
    "tamper",
    ["wrong_feature_count", "unknown_json_key", "other_schema", "short_tag_df"],
)
def test_stale_cache_from_another_build_is_rebuilt(youtube, tamper) -> None:
    """A cache written by an older build (17 features instead of today's, a `term_df` field
    it no longer knows) must not crash `suggest`: it is ignored, rebuilt and overwritten."""
    fresh = tag_index(youtube)
    folder = cache_folder(youtube.fingerprint)
    draft = ("Switching to the iPhone X", "unboxing and review")
    expected = [s.to_json() for s in suggest(fresh, *draft)]
    npz, meta_path = folder / "index.npz", folder / "index.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    if tamper == "wrong_feature_count":
        _rewrite_npz(npz, coef=np.zeros(17))
    elif tamper == "short_tag_df":
        _rewrite_npz(npz, tag_df=np.ones(3, dtype=np.int32))
    elif tamper == "unknown_json_key":
        meta["term_df"] = [1, 2, 3]
    elif tamper == "other_schema":
        meta["schema"] = "3-000000000000"
    meta_path.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    assert TagIndex.load(folder) is None

    again = tag_index(youtube)
    assert [s.to_json() for s in suggest(again, *draft)] == expected
    # rebuilt and overwritten: the cache on disk is this build's again
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    assert "term_df" not in meta and meta["schema"] == schema_key()
    reloaded = TagIndex.load(folder)
    assert reloaded is not None and reloaded.coef.shape == (2 * len(FEATURES),)
    assert not [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_indexes_of_older_builds_are_removed_when_a_new_one_is_saved(youtube) -> None:
    folder = cache_folder(youtube.fingerprint)
    older = folder.parent / f"{youtube.fingerprint}-v3-0123456789ab"
    other_dataset = folder.parent / "0000other0000-v3-0123456789ab"
    for f in (older, other_dataset):
        f.mkdir(parents=True, exist_ok=True)
        (f / "index.json").write_text("{}")
    shutil.rmtree(folder, ignore_errors=True)
    tag_index(youtube)
    assert (folder / "index.npz").is_file()
    assert not older.exists()
    assert (other_dataset / "index.json").is_file()  # another dataset's cache is not ours


def test_cache_folder_is_keyed_by_the_code_schema(youtube) -> None:
    assert cache_folder(youtube.fingerprint).name == f"{youtube.fingerprint}-v{schema_key()}"


def test_progress_callback_reports_stages(youtube) -> None:
    stages: list[tuple[str, float | None]] = []
    TagIndex.build(
        youtube.videos, progress=lambda stage, fraction=None: stages.append((stage, fraction))
    )
    assert stages[0][1] == 0.0 and stages[-1] == ("done", 1.0)


def test_apply_history_labels_tags_that_worked_and_ranks_weak_ones_lower() -> None:
    from kptui.engine.tags import TagSuggestion, apply_history

    got = apply_history(
        [
            TagSuggestion("Python", 0.9, "draft", ["draft"]),
            TagSuggestion("Excel", 0.8, "similar", ["similar", "popular"]),
            TagSuggestion("#职场", 0.7, "hashtag", ["hashtag"]),
            TagSuggestion("other", 0.6, "popular", ["popular"]),
        ],
        {"python": 0.5, "excel": 1.6, "职场": 1.0},
    )
    assert [s.tag for s in got] == ["Excel", "#职场", "other", "Python"]
    excel, neutral, other, python = got
    assert excel.source == "history" and excel.sources == ["history", "similar", "popular"]
    assert excel.score == 0.8 and excel.history == 1.6
    assert excel.to_json()["history"] == 1.6
    assert neutral.history is None and "history" not in neutral.to_json()
    assert python.score == 0.45 and python.source == "draft" and python.sources[-1] == "history"
    assert other == TagSuggestion("other", 0.6, "popular", ["popular"])


# The drafts of issue 14 whose suggestions were fragments on real data (the YouTube, KuaiRec and
# Xiaohongshu exports): the fragment, then the whole phrases around it that may stay.
FRAGMENT_DRAFTS = [
    ("Learn Python in 10 minutes", ["python in 10", "10 minutes", "in 10"]),
    ("How I got a $40k salary raise as a junior developer", ["40k salary", "40k"]),
    ("Index funds vs stocks: what beginners get wrong", ["funds vs", "vs stocks", "vs"]),
    ("数学从60分提到120分的方法", ["分提到", "60分", "120分", "分的方法", "60分提到"]),
    ("21天减脂计划，小白必看", ["天减脂", "小白必", "21天减脂", "天减脂计划"]),
    ("月薪5000如何存下第一个10万", ["5000如何存", "如何存", "第一个"]),
    ("基金定投入门：小白必看", ["基金定", "定投入", "投入门", "定投入门", "基金定投入"]),
]


def _xiaohongshu():
    return load_dataset(REAL_EXPORTS / "xiaohongshu")


REAL_EXPORTS = Path(__file__).resolve().parents[1] / "data" / "exports" / "real"


@pytest.mark.parametrize("corpus", ["youtube", "kuairec", "xiaohongshu"])
def test_no_fragments_only_whole_phrases(corpus, youtube, kuairec) -> None:
    """A suggestion is a tag the corpus uses or a whole phrase of the draft: never one that
    starts or ends mid-phrase, on a function word or on a number (issue 14's examples)."""
    from kptui.engine import text as tx
    from kptui.engine.tagmodel import fragment

    dataset = {"youtube": youtube, "kuairec": kuairec}.get(corpus) or _xiaohongshu()
    index = TagIndex.build(dataset.videos)
    for title, junk in FRAGMENT_DRAFTS:
        got = suggest(index, title, top=50)
        k = keys(got)
        for bad in junk:
            assert bad not in k or bad in index.tag_id, (corpus, title, bad)
        seg = index.segmenter
        for s in got:
            key = normalize_tag(s.tag)
            if key in index.tag_id:
                continue  # a tag the corpus uses is always a whole tag
            toks = seg.tokens(s.tag)
            assert toks and not fragment(seg, toks, 0, len(toks)), (corpus, s.tag)
            assert (not toks[0].text[0].isdigit() and not tx.is_cjk(toks[0].text[:1])) or (
                len(toks[0].text) > 1
            )
    # whole phrases of the same drafts are still offered
    extractive = keys(suggest(_xiaohongshu_index(), "21天减脂计划，小白必看", top=50))
    assert "减脂计划" in extractive and "减脂" in extractive
    extractive = keys(suggest(_xiaohongshu_index(), "Learn Python in 10 minutes", top=50))
    assert "learn python" in extractive and "python" in extractive


_XHS: list[TagIndex] = []


def _xiaohongshu_index() -> TagIndex:
    if not _XHS:
        _XHS.append(TagIndex.build(_xiaohongshu().videos))
    return _XHS[0]


def test_numbered_names_stay_whole() -> None:
    """`iPhone 8`, `Riverdale 2x07`: a name and its number is a whole phrase, kept."""
    videos = pl.DataFrame({"video_id": ["1", "2"], "title": ["a b", "c d"], "tags": ["", ""]})
    index = TagIndex.build(from_frames(videos).videos)
    k = keys(suggest(index, "Unboxing the iPhone 8 and Riverdale 2x07", top=50))
    assert "iphone 8" in k and "riverdale 2x07" in k
    assert "8" not in k and "2x07" not in k


def test_reach_tags_are_found_from_the_corpus(kuairec, youtube) -> None:
    """Platform-wide "promote me" tags are `reach`: the text does not predict them; tags of a
    topic (and every tag too rare to tell) are `topic`."""
    index = TagIndex.build(kuairec.videos)
    for reach in ("感谢快手我要上热门", "作品推广", "快手创作者服务中心"):
        assert index.kind(reach) == "reach", reach
        t = index.tag_id[reach]
        assert 0 <= index.reach_lift[t] <= 3.5
    for topic in ("美食", "搞笑", "我是吃货", "不在语料里的标签"):
        assert index.kind(topic) == "topic", topic
    # an English draft on a Chinese corpus: only reach tags fit, and they say so
    got = suggest(index, "Index funds vs stocks: what beginners get wrong", top=10)
    assert got and all(s.kind == "reach" for s in got if s.source == "popular")
    assert {s.kind for s in got} <= {"topic", "reach"}
    assert got[0].to_json()["kind"] in ("topic", "reach")
    # the topic tags of a YouTube slice (its channels' shows) are never reach
    yt = TagIndex.build(youtube.videos)
    for topic in ("late night", "cbs", "talk show", "colbert"):
        assert yt.kind(topic) == "topic", topic
    # the kind survives the cache
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        index.save(Path(tmp))
        again = TagIndex.load(Path(tmp))
    assert again is not None and np.array_equal(again.reach, index.reach)


def test_reach_tags_pull_in_no_co_occurring_tags() -> None:
    """A tag every video carries goes with every topic: what comes with it says nothing, so
    a Python draft gets no cooking or travel tags through it (the sample's `UI设计` for
    零基础学Python came that way)."""
    topics = {
        "python": "python code decorators functions",
        "cooking": "cooking pasta recipe dinner",
        "travel": "travel japan trip hotel",
        "fitness": "fitness squat workout gym",
        "makeup": "makeup lipstick beauty look",
        "guitar": "guitar chords song lesson",
    }
    rows = []
    for topic, words in topics.items():
        for i in range(6):
            rows.append((f"{topic}{i}", f"{words} part {i}", f"{topic}|{topic}-{i}|promote me"))
    videos = pl.DataFrame(rows, schema=["video_id", "title", "tags"], orient="row")
    index = TagIndex.build(from_frames(videos).videos)
    assert index.kind("promote me") == "reach" and index.kind("python") == "topic"
    got = suggest(index, "python decorators explained", top=30)
    other = {t for t in topics if t != "python"}
    for s in got:
        assert normalize_tag(s.tag).split("-")[0] not in other or "cooccur" not in s.sources, s
    by_tag = {normalize_tag(s.tag): s for s in got}
    assert by_tag["python"].kind == "topic" and by_tag["promote me"].kind == "reach"


def test_by_kind_lists_topic_tags_first() -> None:
    from kptui.engine.tags import by_kind

    items = [
        TagSuggestion("a", 0.9, "popular", ["popular"], kind="reach"),
        TagSuggestion("b", 0.5, "draft", ["draft"]),
        TagSuggestion("c", 0.4, "popular", ["popular"], kind="reach"),
        TagSuggestion("d", 0.3, "similar", ["similar"]),
    ]
    assert [s.tag for s in by_kind(items)] == ["b", "d", "a", "c"]


def test_co_occurrence_follows_the_drafts_own_tags() -> None:
    """On the bundled sample `零基础学Python` shares `零基础学` with design, fitness and cooking
    videos: their tags may come as similar, but only Python's companions come as cooccur."""
    from kptui.paths import sample_data_dir

    index = TagIndex.build(load_dataset(sample_data_dir()).videos)
    got = suggest(index, "零基础学Python", top=15)
    by_tag = {normalize_tag(s.tag): s for s in got}
    assert keys(got)[0] == "python"
    assert "cooccur" in by_tag["程序员"].sources
    for off in ("ui设计", "配色", "设计"):
        assert off not in by_tag or "cooccur" not in by_tag[off].sources, off


def test_a_big_export_is_sampled_tagged_videos_first_and_says_so(monkeypatch) -> None:
    """Build cost is bounded by MAX_VIDEOS whatever the export's size (issue 18: 1.5M videos
    took 60+ s and 10 GB); the sample prefers tagged videos, and the note says it is one."""
    from kptui.engine import tagindex

    monkeypatch.setattr(tagindex, "MAX_VIDEOS", 50)
    n = 200
    videos = pl.DataFrame(
        {
            "video_id": [str(i) for i in range(n)],
            "title": [f"rust lesson {i}" if i % 4 == 0 else f"pasta recipe {i}" for i in range(n)],
            # 30 tagged videos out of 200: all of them kept, 20 untagged ones fill the sample
            "tags": ["rust" if i % 4 == 0 and i < 120 else "" for i in range(n)],
        }
    )
    index = TagIndex.build(from_frames(videos).videos)
    assert index.n_videos == 50 and index.n_source == n
    assert index.n_tagged == 30
    assert (
        index_note(index) == "suggestions come from 50 of the dataset's 200 videos, taken at random"
    )
    # the same data gives the same sample (a cache keyed by the fingerprint stays true)
    again = TagIndex.build(from_frames(videos).videos)
    assert again.idf.tolist() == index.idf.tolist()
    # more tagged videos than the cap: only tagged ones are read
    videos = videos.with_columns(pl.lit("rust").alias("tags"))
    index = TagIndex.build(from_frames(videos).videos)
    assert index.n_videos == index.n_tagged == 50
    assert keys(suggest(index, "rust lesson", top=1)) == ["rust"]
    # a small export is read whole and says nothing about sampling
    small = TagIndex.build(from_frames(videos.head(40)).videos)
    assert small.n_videos == small.n_source == 40 and index_note(small) is None


def test_sampled_index_survives_the_cache(tmp_path, monkeypatch) -> None:
    from kptui.engine import tagindex

    monkeypatch.setattr(tagindex, "MAX_VIDEOS", 20)
    videos = pl.DataFrame(
        {"video_id": [str(i) for i in range(60)], "title": ["rust"] * 60, "tags": ["rust"] * 60}
    )
    index = TagIndex.build(from_frames(videos).videos, "fp")
    index.save(tmp_path)
    back = TagIndex.load(tmp_path, "fp")
    assert back is not None and (back.n_videos, back.n_source) == (20, 60)
    assert index_note(back) == index_note(index)


def test_clearly_unrelated_tags_are_not_shown_but_the_drafts_own_words_are() -> None:
    """A neighbour's tag far below the best topic tag (健身 at 0.04 beside Python at 0.51 for
    零基础学Python on the sample) or under MIN_SCORE is cut; the draft's own words never are."""
    from kptui.engine import tags
    from kptui.paths import sample_data_dir

    index = TagIndex.build(load_dataset(sample_data_dir()).videos)
    got = suggest(index, "零基础学Python", top=10)
    assert "python" in keys(got)
    assert not {"健身", "居家锻炼"} & set(keys(got))
    best = max(s.score for s in got if s.kind == "topic")
    for s in got:
        own = "draft" in s.sources or "hashtag" in s.sources
        assert own or s.score >= tags.MIN_SCORE, s
        assert own or s.kind == "reach" or s.score >= tags.RELATIVE * best - 1e-4, s
    # without the cut the same list is longer and holds the fitness tag
    with pytest.MonkeyPatch.context() as mp:
        for name in ("MIN_SCORE", "RELATIVE", "CONTRA", "SHARED"):
            mp.setattr(tags, name, 0.0)
        uncut = suggest(index, "零基础学Python", top=10)
    assert len(uncut) == 10 and "健身" in keys(uncut)
    # a draft the corpus hardly knows still gets its own words, however low they score
    own = suggest(index, "考研数学", top=10)
    assert {"考研", "数学"} <= set(keys(own))
    assert all(s.score >= tags.MIN_SCORE or "draft" in s.sources for s in own)


def test_tags_of_another_subject_are_cut_and_the_next_ones_take_their_place(youtube) -> None:
    """UI设计 / 设计 / 配色 for 零基础学Python on the sample come from neighbours that share only
    零基础学 (no Python video carries them); `cinema sins` for an index-funds draft on YouTube
    from videos that share only "wrong". Both are cut, and the draft's own words fill in."""
    from kptui.engine import tags
    from kptui.paths import sample_data_dir

    sample = TagIndex.build(load_dataset(sample_data_dir()).videos)
    got = keys(suggest(sample, "零基础学Python", top=10))
    assert {"python", "程序员", "编程"} <= set(got)
    assert not {"ui设计", "设计", "配色"} & set(got)
    yt = TagIndex.build(youtube.videos)
    draft = "Index funds vs stocks: what beginners get wrong"
    shown = keys(suggest(yt, draft, top=10))
    assert not {"cinema sins", "cinemasins", "eww"} & set(shown)
    assert {"review", "index funds", "stocks", "funds"} <= set(shown)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(tags, "CONTRA", 0.0)
        assert {"ui设计", "设计", "配色"} <= set(keys(suggest(sample, "零基础学Python", top=10)))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(tags, "SHARED", 0.0)
        uncut = keys(suggest(yt, draft, top=10))
        assert "cinema sins" in uncut and "stocks" not in uncut


def test_a_function_word_alone_does_not_make_videos_similar() -> None:
    """月薪5000如何存下第一个10万 shares only 如何 with the sample's "我是如何学会装饰器的 #Python"
    videos: 如何 made them its neighbours, and 程序员 / Python / 英语学习 its tags (0.12)."""
    from kptui.engine import text as tx
    from kptui.paths import sample_data_dir

    assert {"如何", "怎么", "how", "what"} <= tx.STOP_WORDS
    sample = TagIndex.build(load_dataset(sample_data_dir()).videos)
    got = keys(suggest(sample, "月薪5000如何存下第一个10万", top=10))
    assert not {"程序员", "python", "英语学习", "背单词"} & set(got), got
    assert "如何" not in sample.terms
    assert {"基金", "投资"} <= set(keys(suggest(sample, "如何做好基金定投", top=10)))


@pytest.mark.parametrize(
    "text",
    ["a b", "a  b", "a\tb", "a\u3000b", "a\u00a0\u00a0b", "a\nb", "a\x1cb", "a\u2028b", "ab",
     " a ", "", "中 文", "a \u200bb", "a\x85b"],
)  # fmt: skip
def test_whitespace_collapse_fast_path_matches_the_regex(text) -> None:
    """The fast path (printable, no double space) gives exactly what `\\s+` -> " " gives."""
    import re
    import unicodedata

    from kptui.engine.tagparse import _TRAILING_PUNCT, _collapse, clean_tag

    assert _collapse(text) == re.sub(r"\s+", " ", text)
    key = unicodedata.normalize("NFKC", f"#{text}").strip().lstrip("#").strip(_TRAILING_PUNCT)
    assert normalize_tag(f"#{text}") == re.sub(r"\s+", " ", key).casefold()
    shown = text.strip().strip(_TRAILING_PUNCT).lstrip("#＃").strip(_TRAILING_PUNCT)
    assert clean_tag(text) == re.sub(r"\s+", " ", shown)


def test_tag_lists_of_a_load_match_the_per_row_parse() -> None:
    """io._tag_lists regroups flat values in polars (fast at 1.5M rows): every video's tags
    are still its tags cell split, then the #hashtags of its title and description."""
    from kptui.engine import tagparse
    from kptui.engine.io import _tag_lists

    raw = pl.DataFrame(
        {
            "tags": ["[美食,日常]", None, "", "[搞笑]", None],
            "title": ["好吃#美食 #探店", "#萌宠 小猫", "no tags here", "# 不是标签", ""],
            "description": ["", "#萌宠#", "", "#搞笑", "#新的"],
        }
    )
    got = _tag_lists(raw).to_list()
    want = [
        tagparse.dedupe([*tagparse.split_tags(c), *tagparse.hashtags(t), *tagparse.hashtags(d)])
        for c, t, d in raw.iter_rows()
    ]
    assert got == want == [["美食", "日常", "探店"], ["萌宠"], [], ["搞笑"], ["新的"]]
