"""Tokens and candidate phrases for English, Chinese and mixed short-video text.

Why a module of its own: tag suggestion, personas (top terms) and recommendations all need
the same idea of a "word". English is split on letters/digits; Chinese runs go through
rjieba (jieba-rs, ships its dictionary, nothing downloaded). A `Segmenter` can be taught
extra words (the corpus's own tags) so that `机器学习` or `感谢快手我要上热门` stay whole.

Phrases are spans of 1..n adjacent tokens that do not cross punctuation; a phrase is
written as the text wrote it (`machine learning`, `机器学习`, `李悟小礼物baby`), so it can be
compared with tags by their normalised key.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

# Han ideographs (+ extension A, compatibility) and the Japanese kana that Chinese titles borrow.
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff"
_CJK_RE = re.compile(f"[{_CJK}]")
# A run of letters/digits (any script, CJK included) with inner ' or - joiners; CJK runs
# are handed to jieba whole, so mixed words it was taught (`python教程`) survive.
_RUN_RE = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")
_WORDISH_RE = re.compile(r"[^\W_]")
# Noise that should never become a word: links, e-mail, @mentions, escaped newlines.
_NOISE_RE = re.compile(
    r"(?:https?://|www\.)\S+|\S+@\S+\.\S+|@[^\s@#]+|\\[nrt]",
    re.IGNORECASE,
)


def _wordlist(text: str) -> frozenset[str]:
    return frozenset(text.split())


STOP_EN: frozenset[str] = _wordlist(
    """
    a about above after again against all almost also am an and any are aren't as at be
    because been before being below between both but by can can't cannot could couldn't
    did didn't do does doesn't doing don't down during each else ever every few for from
    further get gets got had hadn't has hasn't have haven't having he he'd he'll he's her
    here here's hers herself him himself his how how's however i i'd i'll i'm i've if in
    into is isn't it it's its itself just let's like ll me more most much must mustn't my
    myself need no nor not now of off on once only or other ought our ours ourselves out
    over own re s same shan't she she'd she'll she's should shouldn't so some such t than
    that that's the their theirs them themselves then there there's these they they'd
    they'll they're they've this those through to too under until up upon us ve very via
    was wasn't we we'd we'll we're we've were weren't what what's when when's where where's
    which while who who's whom why why's will with won't would wouldn't yet you you'd
    you'll you're you've your yours yourself yourselves
    amp quot nbsp http https www com co org net html
    one two many another way thing things really even still back well lot lots ft feat
    """
)

STOP_ZH: frozenset[str] = _wordlist(
    """
    的 了 是 在 我 你 他 她 它 我们 你们 他们 她们 它们 这 那 这个 那个 这些 那些 这样 那样
    和 与 及 或 或者 而 而且 但 但是 就 都 也 还 又 再 才 很 太 更 最 非常 比较 一 一个 一下
    一些 一点 有 没 没有 不 不是 不要 要 会 能 可以 可能 应该 把 被 让 给 对 对于 从 向 往 到
    为 为了 因为 所以 如果 虽然 然后 还是 就是 只是 只 吧 吗 呢 啊 呀 哦 哈 哈哈 哈哈哈 嗯 啦
    哇 喔 嘛 么 之 其 其中 自己 什么 怎么 怎么样 为什么 哪 哪里 哪个 谁 多少 几 个 些 上 下
    里 中 后 前 时 时候 现在 今天 已经 正在 着 过 地 得 等 等等 啥 咋 人 说 看 来 去 做 想
    下 大家 一起 一样 还有 真的 真 好 好的 吗 哎 嘿 呗 咯 滴 噢 么么哒
    如何 怎样 怎么办 为何 这么 那么 可是 以及 然而 并且 其实 居然 竟然
    """
)

STOP_WORDS: frozenset[str] = STOP_EN | STOP_ZH


# `@name` as Kuaishou/Douyin write it (`@快手母婴(O40300157)`) or Twitter-style `@bob`; the
# lookbehind keeps e-mail addresses out.
_MENTION_RE = re.compile(r"(?<![A-Za-z0-9_.])@([^\s@#＃(（)）,，:：;；!！?？。、\[\]【】]+)")


def mentions(text: str | None) -> list[str]:
    """Accounts a text mentions, as written (without `@` or a trailing account id)."""
    if not text or "@" not in text:
        return []
    out: list[str] = []
    for m in _MENTION_RE.finditer(text):
        name = m.group(1).strip(".-_~")
        if name and name not in out:
            out.append(name)
    return out


def is_cjk(text: str) -> bool:
    """True when the text holds at least one Chinese/Japanese character."""
    return _CJK_RE.search(text) is not None


def cjk_chars(text: str) -> set[str]:
    """The Chinese/Japanese characters of a text, each once (one regex pass: a test per
    character cost 0.1 s on 8,000 video descriptions)."""
    return set(_CJK_RE.findall(text))


def normalize(text: str | None) -> str:
    """NFKC + case-fold, as `tagparse.normalize_tag` does: `Ｐｙｔｈｏｎ` becomes `python`."""
    if not text:
        return ""
    return unicodedata.normalize("NFKC", text).casefold()


def clean(text: str | None) -> str:
    """Normalised text with links, e-mail, @mentions and escaped newlines blanked out.

    Offsets are kept (noise is replaced by spaces of the same length) so spans found in the
    cleaned text point into the normalised text too.
    """
    norm = normalize(text)
    return _NOISE_RE.sub(lambda m: " " * len(m.group()), norm)


@dataclass(frozen=True, slots=True)
class Token:
    text: str  # normalised (NFKC, lower-case)
    start: int  # offsets into the cleaned text
    end: int
    pos: str = ""  # jieba's part of speech for Chinese words (`n`, `v`, `a`...), "" otherwise


class Segmenter:
    """Splits text into tokens; Chinese through its own rjieba instance.

    Each segmenter owns a `rjieba.Jieba`, so words added for one dataset never leak into
    another (rjieba's module-level functions share one global dictionary). It is made on
    the first Chinese word or text: loading its dictionary costs a third of a second, which
    text without Chinese never pays.
    """

    def __init__(self, words: Iterable[str] = ()) -> None:
        self._jieba_: Any = None
        self._added: set[str] = set()
        self._char_pos: dict[str, str] = {}
        self.add_words(words)

    @property
    def _jieba(self) -> Any:
        if self._jieba_ is None:
            self._jieba_ = _jieba_class()()
        return self._jieba_

    def add_words(self, words: Iterable[str]) -> int:
        """Teach the segmenter words (e.g. the corpus's tags); returns how many were new.

        Only words with Chinese characters matter to jieba; mixed words (`python教程`) are
        added too so the Chinese part is not split away from the Latin part.
        """
        added = 0
        for word in words:
            w = normalize(word).strip().lstrip("#").rstrip("#").strip()
            if len(w) < 2 or w in self._added or not is_cjk(w) or any(c.isspace() for c in w):
                continue
            self._jieba.add_word(w, None, None)
            self._added.add(w)
            added += 1
        return added

    def knows(self, word: str) -> bool:
        """Whether the word is in jieba's dictionary or was taught (not guessed by its HMM)."""
        return word in self._added or bool(self._jieba.has_word(word))

    def pos_of(self, char: str) -> str:
        """jieba's part of speech for one character on its own (`必` -> `d`)."""
        pos = self._char_pos.get(char)
        if pos is None:
            tagged = self._jieba.tag(char)
            pos = self._char_pos[char] = tagged[0][1] if len(tagged) == 1 else ""
        return pos

    def tokens(self, text: str | None) -> list[Token]:
        """Tokens of `text` in order; punctuation, emoji and links produce none."""
        return self.tokens_of_clean(clean(text))

    def tokens_of_clean(self, cleaned: str) -> list[Token]:
        out: list[Token] = []
        for m in _RUN_RE.finditer(cleaned):
            run = m.group()
            if not _CJK_RE.search(run):
                out.append(Token(run, m.start(), m.end()))
                continue
            # `tag` segments exactly as `tokenize` does and adds the part of speech; the
            # words concatenate back to the run, which gives the offsets.
            pos = m.start()
            for word, tag in self._jieba.tag(run):
                end = pos + len(word)
                if _WORDISH_RE.search(word):
                    out.append(Token(word, pos, end, tag))
                pos = end
        return out

    def words(self, text: str | None) -> list[str]:
        """Content words (no stop words, no single CJK characters, no bare numbers)."""
        return [t.text for t in self.tokens(text) if is_content(t.text)]


def _jieba_class() -> Any:
    """rjieba's `Jieba` class, without building the dictionary nobody here uses.

    `import rjieba` runs the package's `__init__`, which makes a module-level `Jieba` for
    its `cut`/`tag` functions: a second dictionary load (0.12-0.3 s on the 2-core box) on
    top of the segmenter's own, in every command that reads Chinese. So the compiled module
    is loaded on its own and registered as `rjieba.rjieba`, where a later `import rjieba`
    finds it (a PyO3 module is initialised once per process). Anything unexpected (another
    layout of the package): plain `import rjieba`."""
    import sys

    for name in ("rjieba", "rjieba.rjieba"):
        mod = sys.modules.get(name)
        if mod is not None and hasattr(mod, "Jieba"):
            return mod.Jieba
    try:
        import importlib.machinery
        import importlib.util

        spec = importlib.util.find_spec("rjieba")
        places = spec.submodule_search_locations if spec is not None else None
        sub = importlib.machinery.PathFinder.find_spec("rjieba.rjieba", places)
        if sub is None or not isinstance(sub.loader, importlib.machinery.ExtensionFileLoader):
            raise ImportError("rjieba.rjieba")
        mod = importlib.util.module_from_spec(sub)
        sub.loader.exec_module(mod)
        sys.modules["rjieba.rjieba"] = mod
        return mod.Jieba
    except (ImportError, AttributeError, TypeError):
        import rjieba

        return rjieba.Jieba


def is_content(word: str) -> bool:
    """Whether a single token can stand alone as a keyword."""
    if word in STOP_WORDS or word.isdigit():
        return False
    if is_cjk(word):
        return len(word) >= 2
    return len(word) >= 2 or (word.isalpha() and not word.isascii())


def phrases(cleaned: str, tokens: list[Token], max_n: int = 3) -> list[tuple[str, int, int]]:
    """Candidate phrases: spans of 1..max_n tokens, as (key, first token index, n).

    A phrase never crosses punctuation, never starts or ends with a stop word, and is the
    source text between its first and last token with whitespace collapsed, so `Machine
    Learning` gives `machine learning` and `机器` + `学习` gives `机器学习`.
    """
    out: list[tuple[str, int, int]] = []
    ntok = len(tokens)
    for i in range(ntok):
        first = tokens[i]
        if first.text in STOP_WORDS:
            continue
        if is_content(first.text):  # a bare number may start a phrase (`2017 world cup`) only
            out.append((first.text, i, 1))
        for n in range(2, max_n + 1):
            j = i + n - 1
            if j >= ntok:
                break
            prev, cur = tokens[j - 1], tokens[j]
            gap = cleaned[prev.end : cur.start]
            # Punctuation ends a phrase; so does a space next to Chinese, where it marks a pause.
            if gap and (not gap.isspace() or is_cjk(prev.text[-1]) or is_cjk(cur.text[0])):
                break
            last = tokens[j].text
            if last in STOP_WORDS:
                continue
            key = " ".join(cleaned[first.start : tokens[j].end].split())
            out.append((key, i, n))
    return out
