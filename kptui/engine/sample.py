"""A synthetic creator export with structure worth finding, for demos, tests and benchmarks.

Why synthetic: no public dataset has short-video interactions *and* paid courses *and* a
known answer to "who are the viewers". This generator plants that answer:

- viewers belong to hidden interest groups (written to `viewer_groups.csv`); each group
  prefers a few topics (two of its own and one shared with the next group), and each
  viewer's taste is a Dirichlet draw around the group's, so clusters are real but noisy;
- videos belong to topics, with English and/or Chinese titles carrying `#hashtags`, a
  `|`-separated `tags` field and long-tail (Zipf-like) popularity within each topic;
- some videos are paid courses (`price > 0`); interactions follow a funnel
  view -> like -> comment/share -> follow -> purchase (`amount = price`), more likely the
  closer the video is to the viewer's taste, and each group buys at its own rate;
- each group is active at its own hours of the day (`ts`), watches longer what it likes
  (`watch_s`), and videos carry `published_at` dates before their first interaction.

Everything is drawn from one `numpy.random.Generator(seed)` with vectorised draws, so the
same arguments give the same bytes and a million interactions take a few seconds.

API: `generate(users, videos, events, seed, lang) -> SampleData` (canonical in-memory frames
plus `.truth`), `write_sample(out, ...) -> dict` (the files `kptui data sample` writes).
Without `events`, both keep the bundled sample's density (`scaled_events`: 25 per viewer), so
more viewers get more interactions rather than thinner histories.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import polars as pl

Progress = Callable[[str, "float | None"], None]

LANGS = ("en", "zh", "mixed")
FORMATS = ("csv", "parquet")

# One topic: English name, Chinese name, English tags, Chinese tags, English subjects,
# Chinese subjects. Consecutive pairs belong to the same interest group.
_TOPICS: list[tuple[str, str, list[str], list[str], list[str], list[str]]] = [
    (
        "Python programming",
        "Python编程",
        ["Python", "coding", "programming"],
        ["编程", "Python", "程序员"],
        [
            "list comprehensions",
            "decorators",
            "web scraping",
            "async IO",
            "type hints",
            "unit tests",
            "virtual environments",
            "file automation",
        ],
        [
            "列表推导式",
            "装饰器",
            "网络爬虫",
            "异步编程",
            "类型注解",
            "单元测试",
            "自动化办公",
            "虚拟环境",
        ],
    ),
    (
        "machine learning",
        "机器学习",
        ["MachineLearning", "DataScience", "AI"],
        ["机器学习", "人工智能", "数据分析"],
        [
            "linear regression",
            "decision trees",
            "neural networks",
            "feature engineering",
            "clustering",
            "model evaluation",
            "LLM prompts",
            "recommender systems",
        ],
        [
            "线性回归",
            "决策树",
            "神经网络",
            "特征工程",
            "聚类算法",
            "模型评估",
            "大模型提示词",
            "推荐系统",
        ],
    ),
    (
        "personal finance",
        "个人理财",
        ["PersonalFinance", "budgeting", "saving"],
        ["理财", "存钱", "记账"],
        [
            "a monthly budget",
            "an emergency fund",
            "paying off debt",
            "credit scores",
            "saving on groceries",
            "side income",
            "tax refunds",
            "the 50/30/20 rule",
        ],
        [
            "月度预算",
            "应急资金",
            "还清信用卡",
            "信用分",
            "省钱买菜",
            "副业收入",
            "个税退税",
            "存钱计划",
        ],
    ),
    (
        "investing",
        "投资",
        ["investing", "stocks", "ETF"],
        ["投资", "基金", "股票"],
        [
            "index funds",
            "dividend stocks",
            "ETF portfolios",
            "compound interest",
            "reading a balance sheet",
            "dollar-cost averaging",
            "bonds",
            "REITs",
        ],
        ["指数基金", "红利股", "基金定投", "复利", "财报分析", "资产配置", "债券", "可转债"],
    ),
    (
        "fitness",
        "健身",
        ["fitness", "workout", "HomeWorkout"],
        ["健身", "减脂", "居家锻炼"],
        [
            "push-ups",
            "a 20-minute HIIT",
            "core strength",
            "squats",
            "stretching",
            "running form",
            "fat loss",
            "pull-ups",
        ],
        ["俯卧撑", "二十分钟燃脂", "核心训练", "深蹲", "拉伸", "跑步姿势", "减脂", "引体向上"],
    ),
    (
        "healthy cooking",
        "健康饮食",
        ["cooking", "recipe", "MealPrep"],
        ["美食", "家常菜", "减脂餐"],
        [
            "meal prep",
            "high-protein breakfasts",
            "one-pot dinners",
            "air fryer recipes",
            "salad dressings",
            "overnight oats",
            "stir-fry",
            "healthy snacks",
        ],
        [
            "一周备餐",
            "高蛋白早餐",
            "一锅出晚餐",
            "空气炸锅食谱",
            "沙拉酱汁",
            "隔夜燕麦",
            "家常小炒",
            "健康零食",
        ],
    ),
    (
        "English learning",
        "英语学习",
        ["EnglishLearning", "IELTS", "vocabulary"],
        ["英语学习", "雅思", "背单词"],
        [
            "phrasal verbs",
            "IELTS speaking",
            "pronunciation",
            "business emails",
            "listening practice",
            "grammar basics",
            "idioms",
            "small talk",
        ],
        [
            "短语动词",
            "雅思口语",
            "发音纠正",
            "商务邮件",
            "听力练习",
            "语法基础",
            "地道表达",
            "日常口语",
        ],
    ),
    (
        "career growth",
        "职场成长",
        ["career", "interview", "resume"],
        ["职场", "面试", "简历"],
        [
            "job interviews",
            "resume writing",
            "salary negotiation",
            "LinkedIn profiles",
            "public speaking",
            "managing up",
            "remote work",
            "career change",
        ],
        ["面试技巧", "简历优化", "谈薪", "求职平台", "公开演讲", "向上管理", "远程办公", "转行"],
    ),
    (
        "photography",
        "摄影",
        ["photography", "Lightroom", "PhonePhotography"],
        ["摄影", "手机摄影", "修图"],
        [
            "portrait lighting",
            "composition",
            "night shots",
            "color grading",
            "street photography",
            "product photos",
            "RAW editing",
            "golden hour",
        ],
        ["人像布光", "构图", "夜景拍摄", "调色", "街头摄影", "产品拍摄", "RAW修图", "黄金时刻"],
    ),
    (
        "design",
        "设计",
        ["design", "Figma", "UIDesign"],
        ["设计", "UI设计", "配色"],
        [
            "color palettes",
            "typography",
            "Figma auto layout",
            "logo design",
            "design systems",
            "icon sets",
            "landing pages",
            "poster layout",
        ],
        [
            "配色方案",
            "字体搭配",
            "Figma自动布局",
            "标志设计",
            "设计系统",
            "图标设计",
            "落地页",
            "海报排版",
        ],
    ),
    (
        "creator marketing",
        "自媒体运营",
        ["marketing", "ContentCreator", "growth"],
        ["自媒体", "运营", "涨粉"],
        [
            "hooks that keep viewers",
            "posting schedules",
            "thumbnails",
            "brand deals",
            "short-video scripts",
            "analytics",
            "live selling",
            "email lists",
        ],
        [
            "开头三秒",
            "发布时间",
            "封面设计",
            "品牌合作",
            "短视频脚本",
            "数据复盘",
            "直播带货",
            "私域流量",
        ],
    ),
    (
        "productivity",
        "效率提升",
        ["productivity", "Notion", "TimeManagement"],
        ["效率", "时间管理", "笔记"],
        [
            "Notion templates",
            "deep work",
            "the Pomodoro technique",
            "weekly reviews",
            "second brain notes",
            "morning routines",
            "inbox zero",
            "habit tracking",
        ],
        [
            "Notion模板",
            "深度工作",
            "番茄工作法",
            "周复盘",
            "第二大脑笔记",
            "晨间习惯",
            "清空收件箱",
            "习惯打卡",
        ],
    ),
]

GROUP_NAMES = ["tech", "money", "wellness", "career", "visual", "creator"]
# Relative size, buying propensity and active hours (peak hour, weight) of each group.
_GROUP_SIZE = [1.35, 1.2, 1.05, 0.95, 0.8, 0.7]
_GROUP_BUY = [1.2, 1.5, 0.6, 1.0, 0.8, 1.3]
_GROUP_HOURS: list[list[tuple[float, float]]] = [
    [(22.0, 0.6), (13.0, 0.4)],  # tech: late evening, lunch
    [(7.5, 0.5), (20.0, 0.5)],  # money: commute, evening
    [(6.5, 0.55), (18.5, 0.45)],  # wellness: early morning, after work
    [(8.5, 0.4), (12.5, 0.3), (21.0, 0.3)],  # career: commute, lunch, evening
    [(16.0, 0.5), (23.0, 0.5)],  # visual: afternoon, night
    [(10.0, 0.5), (20.5, 0.5)],  # creator: morning, prime time
]

_EN_TITLES = [
    "{subject} in {n} minutes #{t0}",
    "How I finally understood {subject} #{t0} #{t1}",
    "{n} mistakes beginners make with {subject}",
    "The complete guide to {subject} #{t1}",
    "Stop doing this with {subject}! #{t0}",
    "{subject}: tips nobody tells you #{t0} #tutorial",
    "Day {n} of learning {subject} #{t2}",
    "{subject} explained simply [beginner] #{t0}",
]
_ZH_TITLES = [
    "{n}分钟搞懂{subject} #{t0}",
    "零基础学{subject} #{t0}# #{t1}#",
    "{subject}新手最容易犯的{n}个错误",
    "我是如何学会{subject}的 #{t1}",
    "{subject}保姆级教程 #{t0} #干货",
    "别再这样做{subject}了！#{t2}",
    "第{n}天：坚持{subject} #{t0}",
    "一条视频讲透{subject}【建议收藏】#{t1}",
]
_EN_COURSE = [
    "{topic} masterclass: {subject} and more (paid course) #{t0}",
    "[Course] The complete {topic} bootcamp #{t0} #{t1}",
    "{topic} pro course: from zero to confident #{t1}",
]
_ZH_COURSE = [
    "{topic}训练营｜{subject}实战课 #{t0}",
    "【付费课程】{topic}从入门到精通 #{t0}# #{t1}#",
    "{topic}进阶课：{subject}实战 #{t1}",
]
_EN_DESC = [
    "Learn {subject} step by step. Part {n} of my {topic} series.",
    "Everything I wish I knew about {subject} when I started with {topic}.",
    "A quick, practical walkthrough of {subject} for {topic} beginners.",
]
_ZH_DESC = [
    "一步一步教你{subject}，{topic}系列第{n}期。",
    "关于{subject}，我刚开始学{topic}时最想知道的事。",
    "{topic}新手也能看懂的{subject}实操讲解。",
]
_EN_COURSE_DESC = (
    "A structured {topic} course with {n} lessons, exercises and Q&A. Covers {subject}."
)
_ZH_COURSE_DESC = "{topic}系统课程，共{n}节，含练习与答疑，重点讲解{subject}。"
_EN_EXTRA_TAGS = ["tutorial", "beginner", "tips"]
_ZH_EXTRA_TAGS = ["教程", "干货", "新手"]
_PRICES = [9.9, 19.9, 29.9, 49.0, 99.0, 199.0]

_START = "2024-01-01"  # first publish date
# The video columns the generator has figures for (and writes); the others stay null.
_WRITTEN_VIDEO_COLUMNS = (
    "video_id",
    "title",
    "description",
    "tags",
    "published_at",
    "duration_s",
    "price",
    "channel",
    "views",
    "likes",
    "comments",
    "shares",
    "purchases",
)
_PUBLISH_DAYS = 180  # videos are published over this many days
_END_DAYS = 212  # interactions happen up to 2024-07-31

# Funnel parameters (probabilities conditional on the previous step).
_EVENT_CODES = {"view": 0, "like": 1, "comment": 2, "share": 3, "follow": 4, "purchase": 5}


@dataclass
class SampleData:
    """Canonical frames (as `kptui.engine.io` would load them) plus the hidden truth."""

    videos: pl.DataFrame
    interactions: pl.DataFrame
    truth: pl.DataFrame  # user_id, group
    raw_tags: list[str]  # the `tags` field as written to the file (`|`-separated)
    lang: str = "mixed"
    seed: int = 0

    def file_frames(self) -> tuple[pl.DataFrame, pl.DataFrame]:
        """The videos and interactions as `write_sample` writes them (tags as `a|b` text)."""
        import polars as pl

        videos = self.videos.with_columns(
            tags=pl.Series(self.raw_tags, dtype=pl.String),
            published_at=pl.col("published_at").dt.strftime("%Y-%m-%d %H:%M:%S"),
        ).select(c for c in _WRITTEN_VIDEO_COLUMNS if c != "channel")
        inter = self.interactions.with_columns(ts=pl.col("ts").dt.strftime("%Y-%m-%d %H:%M:%S"))
        return videos, inter

    def dataset(self):
        """A `Dataset` through the loader's own checks, as if read from the written files."""
        from kptui.engine.io import from_frames

        videos, inter = self.file_frames()
        return from_frames(videos, inter, source=f"sample(seed={self.seed})")


# A day or two of generating, and tens of GB, lie beyond these (10M interactions take ~20 s)
MAX_USERS, MAX_SAMPLE_VIDEOS, MAX_EVENTS = 100_000_000, 2_000_000, 1_000_000_000


def _check(users: int, videos: int, events: int, lang: str, seed: int = 0) -> None:
    from kptui.errors import FIELD, UsageError, check_seed

    check_seed(seed)
    for field, value, most in (
        ("users", users, MAX_USERS),
        ("videos", videos, MAX_SAMPLE_VIDEOS),
        ("events", events, MAX_EVENTS),
    ):
        if value > most:  # 10^20 viewers overflowed numpy (an internal error)
            raise UsageError(f"{FIELD} is at most {most:,}, got {value:,}", field=field)
    if lang not in LANGS:
        raise UsageError(f"{FIELD} must be one of {', '.join(LANGS)}, not {lang!r}", field="lang")
    if users < 1:
        raise UsageError(f"{FIELD} must be at least 1", field="users")
    if videos < 1:
        raise UsageError(f"{FIELD} must be at least 1", field="videos")
    if events < 0:
        raise UsageError(f"{FIELD} must not be negative", field="events")
    # Each (viewer, video) pair is viewed at most once, and a view leads to at most 6 events.
    if events > users * videos:
        raise UsageError(
            f"{FIELD} {events} is too many for {users} viewers x {videos} videos "
            "(each viewer sees a video at most once)",
            field="events",
        )


def _pad(prefix: str, n: int) -> list[str]:
    width = max(4 if prefix == "v" else 5, len(str(max(n - 1, 0))))
    return [f"{prefix}{i:0{width}d}" for i in range(n)]


EVENTS_PER_VIEWER = 25  # the bundled sample's density: 50,000 events for 2,000 viewers


def scaled_events(users: int, videos: int) -> int:
    """Interactions for `users` viewers at the sample's density (at most one view per
    viewer and video, so never more than `users x videos`)."""
    return min(users * EVENTS_PER_VIEWER, users * videos)


def generate(
    users: int = 2000,
    videos: int = 300,
    events: int | None = None,
    seed: int = 0,
    lang: str = "mixed",
    progress: Progress | None = None,
) -> SampleData:
    """A dataset with `users` viewers (all of whom act at least once when `events` allows),
    `videos` videos and exactly `events` interactions (default: `scaled_events`)."""
    import numpy as np

    if events is None:
        events = scaled_events(users, videos)
    _check(users, videos, events, lang, seed)
    report = progress or (lambda stage, fraction=None: None)
    rng = np.random.default_rng(seed)

    n_topics = min(len(_TOPICS), videos)
    n_groups = max(1, min(len(GROUP_NAMES), n_topics // 2))

    # --- groups and viewers' tastes ---------------------------------------------------
    report("viewers", 0.0)
    pref = np.full((n_groups, n_topics), 0.12 / n_topics)
    for g in range(n_groups):
        pref[g, (2 * g) % n_topics] += 0.48
        pref[g, (2 * g + 1) % n_topics] += 0.30
        pref[g, (2 * g + 2) % n_topics] += 0.10
    pref /= pref.sum(axis=1, keepdims=True)
    gsize = np.array(_GROUP_SIZE[:n_groups])
    group = rng.choice(n_groups, size=users, p=gsize / gsize.sum())
    # Personal taste around the group's: a Dirichlet draw (gamma trick, vectorised).
    theta = rng.gamma(pref[group] * 30.0 + 1e-3)
    theta /= theta.sum(axis=1, keepdims=True)
    activity = rng.lognormal(0.0, 0.8, size=users)

    # --- videos ----------------------------------------------------------------------
    report("videos", 0.05)
    vtopic = rng.permutation(np.arange(videos) % n_topics)
    vzh = rng.random(videos) < 0.5 if lang == "mixed" else np.full(videos, lang == "zh")
    paid = rng.random(videos) < 0.08
    for t in range(n_topics):
        idx = np.flatnonzero(vtopic == t)
        if len(idx) >= 5 and not paid[idx].any():
            paid[idx[rng.integers(len(idx))]] = True
    price = np.where(paid, rng.choice(_PRICES, size=videos), 0.0)
    duration = np.where(
        paid,
        np.round(rng.uniform(600, 3600, size=videos)),
        np.round(np.clip(rng.lognormal(4.2, 0.6, size=videos), 15, 900)),
    )
    publish_day = rng.integers(0, _PUBLISH_DAYS, size=videos)
    publish_sec = rng.integers(6 * 3600, 23 * 3600, size=videos)
    # Long tail: a Zipf-like weight by a random rank within the topic.
    popularity = np.empty(videos)
    topic_members: list[np.ndarray] = []
    topic_cum: list[np.ndarray] = []
    for t in range(n_topics):
        idx = np.flatnonzero(vtopic == t)
        ranks = rng.permutation(len(idx)) + 1
        w = 1.0 / ranks**1.2
        popularity[idx] = w
        topic_members.append(idx)
        topic_cum.append(np.cumsum(w) / w.sum())

    titles, descs, tag_lists, raw_tags = _video_texts(rng, vtopic, vzh, paid)

    # --- interactions ------------------------------------------------------------------
    report("interactions", 0.15)
    ctx = _Ctx(
        rng=rng,
        users=users,
        videos=videos,
        group=group,
        theta=theta,
        activity=activity / activity.sum(),
        vtopic=vtopic,
        topic_members=topic_members,
        topic_cum=topic_cum,
        paid=paid,
        price=price,
        duration=duration,
        publish_day=publish_day,
        publish_sec=publish_sec,
        buy=np.array(_GROUP_BUY[:n_groups]),
    )
    cols = _interactions(ctx, events, report)

    report("frames", 0.8)
    return _frames(ctx, cols, titles, descs, tag_lists, raw_tags, group, n_groups, lang, seed)


@dataclass
class _Ctx:
    rng: Any
    users: int
    videos: int
    group: Any
    theta: Any
    activity: Any
    vtopic: Any
    topic_members: list
    topic_cum: list
    paid: Any
    price: Any
    duration: Any
    publish_day: Any
    publish_sec: Any
    buy: Any


def _video_texts(rng, vtopic, vzh, paid) -> tuple[list[str], list[str], list[list[str]], list[str]]:
    """Titles, descriptions, canonical tag lists and the raw `tags` field of every video."""
    import numpy as np

    n = len(vtopic)
    # Draw every random choice up front (vectorised), then format in one cheap loop.
    subj_i = rng.integers(0, 8, size=n)
    subj2_i = rng.integers(0, 8, size=n)
    tmpl_i = rng.integers(0, 1 << 30, size=n)
    desc_i = rng.integers(0, 3, size=n)
    num = rng.integers(3, 31, size=n)
    perm = rng.permuted(np.tile(np.arange(3), (n, 1)), axis=1)
    n_tags = rng.integers(2, 4, size=n)
    extra = rng.random(n) < 0.35
    extra_i = rng.integers(0, 3, size=n)
    titles: list[str] = []
    descs: list[str] = []
    tag_lists: list[list[str]] = []
    raw: list[str] = []
    for i in range(n):
        en_name, zh_name, en_tags, zh_tags, en_subj, zh_subj = _TOPICS[int(vtopic[i])]
        zh = bool(vzh[i])
        tags = zh_tags if zh else en_tags
        subjects = zh_subj if zh else en_subj
        topic = zh_name if zh else en_name
        p = perm[i]
        t0, t1, t2 = tags[p[0]], tags[p[1]], tags[p[2]]
        subject = subjects[subj_i[i]]
        if paid[i]:
            pool = _ZH_COURSE if zh else _EN_COURSE
            title = pool[tmpl_i[i] % len(pool)]
            desc = _ZH_COURSE_DESC if zh else _EN_COURSE_DESC
        else:
            pool = _ZH_TITLES if zh else _EN_TITLES
            title = pool[tmpl_i[i] % len(pool)]
            desc = (_ZH_DESC if zh else _EN_DESC)[desc_i[i]]
        fields = {
            "subject": subject,
            "topic": topic,
            "n": int(num[i]),
            "t0": t0,
            "t1": t1,
            "t2": t2,
        }
        if not zh and title.startswith("{subject}"):
            fields["subject"] = subject[:1].upper() + subject[1:]
        title = title.format(**fields)
        fields["subject"] = subjects[subj2_i[i]] if paid[i] else subject
        desc = desc.format(**fields)
        field_tags = [tags[j] for j in p[: n_tags[i]]]
        if extra[i]:
            field_tags.append((_ZH_EXTRA_TAGS if zh else _EN_EXTRA_TAGS)[extra_i[i]])
        if paid[i]:
            field_tags.append("付费课程" if zh else "course")
        raw.append("|".join(field_tags))
        # Canonical tags: the field plus the title's hashtags, deduplicated case-insensitively.
        canon = list(field_tags)
        seen = {t.casefold() for t in canon}
        for tag in _title_hashtags(title):
            if tag.casefold() not in seen:
                seen.add(tag.casefold())
                canon.append(tag)
        titles.append(title)
        descs.append(desc)
        tag_lists.append(canon)
    return titles, descs, tag_lists, raw


def _title_hashtags(title: str) -> list[str]:
    out = []
    for part in title.split("#")[1:]:
        word = part.split(" ")[0].strip()
        if word:
            out.append(word)
    return out


def _interactions(ctx: _Ctx, events: int, report: Progress) -> dict[str, Any]:
    """Views drawn in batches until the funnel yields `events` rows; exactly `events` kept."""
    import numpy as np

    rng = ctx.rng
    users, videos = ctx.users, ctx.videos
    seen_keys = np.empty(0, dtype=np.int64)
    parts: list[dict[str, np.ndarray]] = []
    total = 0
    first = True
    rounds = 0
    while total < events and rounds < 30:
        rounds += 1
        need = events - total
        n = max(int(need / 1.45 * 1.08) + 16, 64)
        if first:
            # Everyone acts: each viewer gets up to three views before activity decides the rest.
            reps = int(min(3, max(1, n // (2 * users))))
            base = np.concatenate([rng.permutation(users) for _ in range(reps)])[:n]
            u = np.concatenate(
                [base, rng.choice(users, size=max(n - len(base), 0), p=ctx.activity)]
            )
            first = False
        else:
            u = rng.choice(users, size=n, p=ctx.activity)
        v = _pick_videos(ctx, u)
        key = u.astype(np.int64) * videos + v
        # First occurrence of each (viewer, video) pair, not already drawn in earlier rounds.
        _, first_idx = np.unique(key, return_index=True)
        first_idx.sort()
        keep = first_idx[~np.isin(key[first_idx], seen_keys)]
        u, v, key = u[keep], v[keep], key[keep]
        seen_keys = np.union1d(seen_keys, key)
        batch = _funnel(ctx, u, v)
        parts.append(batch)
        total += int(batch["count"].sum())
        report("interactions", 0.15 + 0.5 * min(total / max(events, 1), 1.0))
    if total < events:
        # Dense corner (few viewers x few videos): views of the pairs never drawn, at random.
        missing = np.setdiff1d(np.arange(users * videos, dtype=np.int64), seen_keys)
        extra = rng.permutation(missing)[: events - total]
        parts.append(_funnel(ctx, extra // videos, extra % videos))
    views = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    # Keep whole funnels for a prefix of views, then bare views to hit `events` exactly.
    cum = np.cumsum(views["count"])
    full = int(np.searchsorted(cum, events, side="right"))
    used = int(cum[full - 1]) if full else 0
    rest = events - used
    rest = min(rest, len(cum) - full)
    sel_full = np.zeros(len(cum), dtype=bool)
    sel_full[:full] = True
    sel_bare = np.zeros(len(cum), dtype=bool)
    sel_bare[full : full + rest] = True
    return _expand(ctx, views, sel_full, sel_bare)


def _pick_videos(ctx: _Ctx, u):
    """Topic from the viewer's taste, then a video of that topic by long-tail popularity."""
    import numpy as np

    rng = ctx.rng
    n_topics = ctx.theta.shape[1]
    cum = np.cumsum(ctx.theta[u], axis=1)
    topic = (rng.random(len(u))[:, None] > cum).sum(axis=1)
    np.minimum(topic, n_topics - 1, out=topic)
    v = np.empty(len(u), dtype=np.int64)
    r = rng.random(len(u))
    for t in range(n_topics):
        mask = topic == t
        if mask.any():
            pos = np.searchsorted(ctx.topic_cum[t], r[mask], side="right")
            v[mask] = ctx.topic_members[t][np.minimum(pos, len(ctx.topic_members[t]) - 1)]
    return v


def _funnel(ctx: _Ctx, u, v) -> dict[str, Any]:
    """Which funnel steps each view reaches, and when it happened."""
    import numpy as np

    rng = ctx.rng
    n = len(u)
    theta_uv = ctx.theta[u, ctx.vtopic[v]]
    aff = np.clip(theta_uv / ctx.theta[u].max(axis=1), 0.0, 1.0)
    frac = rng.beta(1.5 + 4.0 * aff, 2.0)
    watch = np.round(frac * ctx.duration[v], 1)
    like = rng.random(n) < (0.06 + 0.45 * aff * frac)
    comment = like & (rng.random(n) < 0.22)
    share = like & (rng.random(n) < 0.08 + 0.15 * aff)
    follow = like & (rng.random(n) < 0.08 + 0.25 * aff)
    p_buy = np.clip((0.10 + 0.45 * follow) * aff * ctx.buy[ctx.group[u]], 0.0, 0.95)
    purchase = ctx.paid[v] & like & (rng.random(n) < p_buy)
    count = 1 + like + comment + share + follow + purchase
    # When: a day between publication and the end, at an hour the viewer's group is active.
    day = ctx.publish_day[v] + np.floor(
        rng.random(n) ** 1.6 * (_END_DAYS - ctx.publish_day[v])
    ).astype(np.int64)
    hour = _hours(ctx, ctx.group[u])
    sec = np.floor(hour * 3600).astype(np.int64)
    same_day = day == ctx.publish_day[v]
    sec = np.where(same_day & (sec < ctx.publish_sec[v]), ctx.publish_sec[v] + (sec % 3600), sec)
    ts = day * 86400 + sec
    return {
        "u": u,
        "v": v,
        "ts": ts,
        "watch": watch,
        "like": like,
        "comment": comment,
        "share": share,
        "follow": follow,
        "purchase": purchase,
        "count": count.astype(np.int64),
    }


def _hours(ctx: _Ctx, g):
    """Hour of day (float) from each group's mixture of active peaks."""
    import numpy as np

    rng = ctx.rng
    n = len(g)
    peaks = np.zeros((len(ctx.buy), 3))
    weights = np.zeros((len(ctx.buy), 3))
    for gi in range(len(ctx.buy)):
        for j, (h, w) in enumerate(_GROUP_HOURS[gi % len(_GROUP_HOURS)]):
            peaks[gi, j] = h
            weights[gi, j] = w
    cum = np.cumsum(weights, axis=1)
    comp = (rng.random(n)[:, None] > cum[g]).sum(axis=1)
    np.minimum(comp, 2, out=comp)
    hour = peaks[g, comp] + rng.normal(0.0, 1.3, size=n)
    return np.mod(hour, 24.0)


def _expand(ctx: _Ctx, views: dict[str, Any], full, bare) -> dict[str, Any]:
    """One row per event: the view, then each funnel step a little later."""
    import numpy as np

    rng = ctx.rng
    us, vs, codes, tss, watches, amounts = [], [], [], [], [], []
    take = full | bare
    u, v, ts = views["u"][take], views["v"][take], views["ts"][take]
    us.append(u)
    vs.append(v)
    codes.append(np.zeros(len(u), dtype=np.int8))
    tss.append(ts)
    watches.append(views["watch"][take])
    amounts.append(np.full(len(u), np.nan))
    delay = views["watch"].astype(np.int64) + 1
    offset = {"like": 0, "comment": 20, "share": 40, "follow": 60, "purchase": 120}
    for name in ("like", "comment", "share", "follow", "purchase"):
        mask = full & views[name]
        k = int(mask.sum())
        us.append(views["u"][mask])
        vs.append(views["v"][mask])
        codes.append(np.full(k, _EVENT_CODES[name], dtype=np.int8))
        extra = (
            rng.integers(1, 20, size=k) if name != "purchase" else rng.integers(60, 3600, size=k)
        )
        tss.append(views["ts"][mask] + delay[mask] + offset[name] + extra)
        watches.append(np.full(k, np.nan))
        amounts.append(ctx.price[views["v"][mask]] if name == "purchase" else np.full(k, np.nan))
    return {
        "u": np.concatenate(us),
        "v": np.concatenate(vs),
        "code": np.concatenate(codes),
        "ts": np.concatenate(tss),
        "watch": np.concatenate(watches),
        "amount": np.concatenate(amounts),
    }


def _frames(
    ctx, cols, titles, descs, tag_lists, raw_tags, group, n_groups, lang, seed
) -> SampleData:
    import numpy as np
    import polars as pl

    from kptui.engine.types import EVENTS, VIDEO_COLUMNS, polars_dtype

    user_ids = pl.Series("user_id", _pad("u", ctx.users))
    video_ids = pl.Series("video_id", _pad("v", ctx.videos))
    start = np.datetime64(_START, "s")
    ts = (start + cols["ts"].astype("timedelta64[s]")).astype("datetime64[us]")
    inter = pl.DataFrame(
        {
            "user_id": user_ids.gather(cols["u"]),
            "video_id": video_ids.gather(cols["v"]),
            "event": pl.Series(list(EVENTS)).gather(cols["code"].astype(np.int64)),
            "ts": pl.Series(ts),
            "watch_s": pl.Series(cols["watch"], nan_to_null=True),
            "amount": pl.Series(cols["amount"], nan_to_null=True),
        }
    ).with_columns(_order=pl.Series(np.arange(len(cols["u"]))))
    inter = inter.sort(["ts", "_order"]).drop("_order")

    published = (
        start + (ctx.publish_day * 86400 + ctx.publish_sec).astype("timedelta64[s]")
    ).astype("datetime64[us]")
    counts = np.zeros((ctx.videos, len(EVENTS)), dtype=np.int64)
    np.add.at(counts, (cols["v"], cols["code"].astype(np.int64)), 1)
    videos = pl.DataFrame(
        {
            "video_id": video_ids,
            "title": titles,
            "description": descs,
            "tags": pl.Series(tag_lists, dtype=pl.List(pl.String)),
            "published_at": pl.Series(published),
            "duration_s": ctx.duration.astype(np.float64),
            "price": ctx.price.astype(np.float64),
            "channel": pl.Series([None] * ctx.videos, dtype=pl.String),
            "views": counts[:, 0],
            "likes": counts[:, 1],
            "comments": counts[:, 2],
            "shares": counts[:, 3],
            "purchases": counts[:, 5],
        }
    ).with_columns(
        # what platform analytics measure: the generator has no such figures
        pl.lit(None, dtype=polars_dtype(t)).alias(c)
        for c, t in VIDEO_COLUMNS.items()
        if c not in _WRITTEN_VIDEO_COLUMNS
    )
    names = [GROUP_NAMES[g] if g < len(GROUP_NAMES) else f"g{g}" for g in range(n_groups)]
    truth = pl.DataFrame(
        {"user_id": user_ids, "group": pl.Series(names).gather(group.astype(np.int64))}
    )
    return SampleData(
        videos=videos, interactions=inter, truth=truth, raw_tags=raw_tags, lang=lang, seed=seed
    )


def write_sample(
    out: str | Path,
    *,
    users: int = 2000,
    videos: int = 300,
    events: int | None = None,
    seed: int = 0,
    lang: str = "mixed",
    fmt: str = "csv",
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Write `videos.<fmt>`, `interactions.<fmt>` and `viewer_groups.csv` into `out`."""

    from kptui.errors import FIELD, DataError, UsageError

    if fmt not in FORMATS:
        raise UsageError(
            f"{FIELD} must be one of {', '.join(FORMATS)}, not {fmt!r}", field="format"
        )
    report = progress or (lambda stage, fraction=None: None)
    data = generate(
        users=users, videos=videos, events=events, seed=seed, lang=lang, progress=report
    )
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise UsageError("output exists and is not a folder", file=str(out))
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataError(f"cannot create the output folder: {exc.strerror}", file=str(out)) from exc
    report("writing", 0.9)
    videos_out, inter_out = data.file_frames()
    files = []
    try:
        for name, frame in (("videos", videos_out), ("interactions", inter_out)):
            path = out / f"{name}.{fmt}"
            tmp = path.with_name(path.name + ".tmp")
            if fmt == "csv":
                frame.write_csv(tmp)
            else:
                frame.write_parquet(tmp)
            tmp.replace(path)
            files.append(str(path))
        path = out / "viewer_groups.csv"
        data.truth.write_csv(path)
        files.append(str(path))
    except OSError as exc:
        raise DataError(f"cannot write the sample: {exc.strerror}", file=str(out)) from exc
    report("done", 1.0)
    return {
        "files": files,
        "videos": data.videos.height,
        "viewers": int(data.interactions["user_id"].n_unique()),
        "interactions": data.interactions.height,
    }


def group_count(users: int, videos: int) -> int:
    """How many hidden groups `generate` plants (for benchmarks that compare k)."""
    n_topics = min(len(_TOPICS), videos)
    return max(1, min(len(GROUP_NAMES), n_topics // 2)) if users else 0


__all__ = ["GROUP_NAMES", "SampleData", "generate", "group_count", "write_sample"]
