"""Tokens and phrases: English phrases, Chinese words (taught the corpus's tags), mixed text."""

from __future__ import annotations

import rjieba

from kptui.engine import text as tx


def keys(seg: tx.Segmenter, text: str, max_n: int = 3) -> list[str]:
    cleaned = tx.clean(text)
    return [k for k, _, _ in tx.phrases(cleaned, seg.tokens_of_clean(cleaned), max_n)]


def test_english_phrases_are_kept_whole_and_stop_words_never_edge_a_phrase() -> None:
    seg = tx.Segmenter()
    got = keys(seg, "Learn Machine Learning in 10 minutes")
    assert "machine learning" in got
    assert "learn machine learning" in got
    assert "in" not in got and "learning in" not in got  # a stop word cannot end a phrase
    assert "10" not in got  # a bare number is no keyword
    assert "10 minutes" in got


def test_phrases_do_not_cross_punctuation() -> None:
    seg = tx.Segmenter()
    got = keys(seg, "Eminem - Walk On Water (Audio)")
    assert "walk on water" in got
    assert "eminem walk" not in got
    assert "water audio" not in got


def test_teaching_the_segmenter_keeps_a_corpus_tag_as_one_word() -> None:
    text = "我在学习机器学习"
    plain = [t.text for t in tx.Segmenter().tokens(text)]
    assert "机器学习" not in plain  # jieba's own dictionary splits it ...
    assert "机器" in rjieba.cut(text)
    taught = tx.Segmenter(["#机器学习"])
    assert "机器学习" in [t.text for t in taught.tokens(text)]  # ... the taught one does not
    # and the global rjieba dictionary was not touched (one dictionary per segmenter)
    assert "机器学习" not in [t.text for t in tx.Segmenter().tokens(text)]


def test_chinese_words_join_into_phrases_without_spaces_and_carry_part_of_speech() -> None:
    seg = tx.Segmenter()
    toks = seg.tokens("孕妈菜市场买菜")
    assert [t.text for t in toks] == ["孕妈", "菜市场", "买菜"]
    assert all(t.pos.startswith("n") for t in toks)
    assert "菜市场买菜" in keys(seg, "孕妈菜市场买菜")


def test_a_space_between_chinese_words_ends_a_phrase() -> None:
    seg = tx.Segmenter()
    got = keys(seg, "菜市场 买菜")
    assert "菜市场买菜" not in got and "菜市场 买菜" not in got


def test_mixed_script_word_taught_survives() -> None:
    seg = tx.Segmenter(["李悟小礼物baby", "python教程"])
    assert [t.text for t in seg.tokens("李悟小礼物baby好听")] == ["李悟小礼物baby", "好听"]
    assert "python教程" in keys(seg, "Python教程 next")


def test_full_width_case_links_and_mentions_are_normalised_away() -> None:
    seg = tx.Segmenter()
    words = [t.text for t in seg.tokens("Ｐｙｔｈｏｎ tips https://x.com/a?b=1 @bob see\\nmore")]
    assert words == ["python", "tips", "see", "more"]


def test_emoji_and_punctuation_only_give_no_tokens() -> None:
    seg = tx.Segmenter()
    assert seg.tokens("🔥🔥!!! ... 😂👍🏻") == []
    assert seg.words("") == []


def test_mentions_as_kuaishou_and_twitter_write_them() -> None:
    text = "你负责留名 @推广小助手(O40300047) 手鼓@我是一只鱼呀(O671095831) mail a@b.com @bob, hi"
    assert tx.mentions(text) == ["推广小助手", "我是一只鱼呀", "bob"]
    assert tx.mentions("no mention here") == []


def test_content_words_drop_stop_words_in_both_languages() -> None:
    seg = tx.Segmenter()
    assert seg.words("the best of the Python and 我们的编程") == ["best", "python", "编程"]


def test_cjk_chars_are_the_characters_is_cjk_finds() -> None:
    for s in ("存下 存钱 か abc ０１ 한국 〇", "", "plain text", "机器学习机器"):
        assert tx.cjk_chars(s) == {ch for ch in s if tx.is_cjk(ch)}
    assert tx.cjk_chars("存下 存钱") == {"存", "下", "钱"}


def test_a_segmenter_loads_one_jieba_dictionary_not_the_package_default_too() -> None:
    # `import rjieba` builds a module-level dictionary on top of the segmenter's own; a fresh
    # process segments Chinese without it, and a later `import rjieba` still works
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from kptui.engine.text import Segmenter\n"
        "words = [t.text for t in Segmenter(['机器学习']).tokens('我在学习机器学习')]\n"
        "assert words[-1] == '机器学习', words\n"
        "assert 'rjieba' not in sys.modules\n"
        "import rjieba\n"
        "assert rjieba.Jieba is sys.modules['rjieba.rjieba'].Jieba\n"
        "assert '机器学习' not in rjieba.cut('我在学习机器学习')\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
