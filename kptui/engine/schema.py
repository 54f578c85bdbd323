"""Which export column means which field, and which word means which event.

Exports name things their own way (`channel_title`, `播放量`, `uid`, `caption`); matching is by
a normalised header (NFKC, case-folded, spaces/underscores/dashes removed) against aliases,
the first alias in a list being the most specific. `--map COL=FIELD` overrides all of it.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

VIDEO_ALIASES: dict[str, list[str]] = {
    "video_id": [
        "video_id",
        "videoid",
        "vid",
        "item_id",
        "itemid",
        "photo_id",
        "aweme_id",
        "bvid",
        "视频id",
        "作品id",
        "视频编号",
        "id",
    ],
    "title": [
        "title",
        "video_title",
        "标题",
        "视频标题",
        "作品标题",
        "名称",
        "name",
        "caption",
        "视频文案",
    ],
    "description": [
        "description",
        "desc",
        "描述",
        "简介",
        "视频简介",
        "视频描述",
        "文案",
        "summary",
        "manual_cover_text",
        "cover_text",
        "封面文字",
        "封面文案",
    ],
    "tags": [
        "tags",
        "tag",
        "标签",
        "话题",
        "hashtags",
        "topic_tag",
        "topic_tags",
        "topics",
        "keywords",
        "关键词",
    ],
    "published_at": [
        "published_at",
        "publish_time",
        "publish_date",
        "published",
        "upload_date",
        "created_at",
        "create_time",
        "发布时间",
        "发布日期",
        "上传时间",
        "date",
    ],
    "snapshot_at": ["snapshot_at", "trending_date", "crawl_time", "抓取时间", "统计日期"],
    "duration_s": [
        "duration_s",
        "duration",
        "duration_sec",
        "video_duration",
        "length",
        "时长",
        "视频时长",
    ],
    "price": ["price", "价格", "售价", "定价", "course_price"],
    "channel": [
        "channel",
        "channel_title",
        "channel_name",
        "author",
        "uploader",
        "creator",
        "作者",
        "账号",
        "up主",
        "频道",
    ],
    "views": [
        "views",
        "view_count",
        "plays",
        "play_count",
        "播放量",
        "播放数",
        "播放次数",
        "观看量",
        "观看次数",
        "浏览量",
    ],
    "likes": ["likes", "like_count", "digg_count", "点赞", "点赞数", "点赞量", "喜欢"],
    "comments": ["comments", "comment_count", "评论", "评论数", "评论量"],
    "shares": ["shares", "share_count", "分享", "分享数", "转发", "转发数", "转发量"],
    "purchases": [
        "purchases",
        "purchase_count",
        "sales",
        "orders",
        "购买",
        "购买数",
        "销量",
        "订单数",
    ],
    # What platform analytics measure; the platform readers (engine/exports) map their own
    # headers, these aliases serve kptui's own schema and generic tables.
    "watch_hours": ["watch_hours", "watch_time_hours", "watch_time_(hours)"],
    "avg_view_s": ["avg_view_s", "average_view_duration_s", "avg_watch_s"],
    "avg_pct_viewed": ["avg_pct_viewed", "average_percentage_viewed"],
    "completion_rate": ["completion_rate", "完播率"],
    "impressions": ["impressions", "曝光", "曝光量"],
    "ctr": ["ctr", "click_through_rate", "封面点击率"],
    "saves": ["saves", "favorites", "收藏", "收藏量", "收藏数"],
    "follows": ["follows", "new_followers", "涨粉", "粉丝增量", "关注量"],
    "profile_visits": ["profile_visits", "profile_views", "主页访问量"],
    "revenue": ["revenue", "estimated_revenue", "收益", "收入"],
    "format": ["format", "post_type", "体裁"],
}

INTERACTION_ALIASES: dict[str, list[str]] = {
    "user_id": [
        "user_id",
        "userid",
        "uid",
        "viewer_id",
        "viewer",
        "user",
        "用户id",
        "用户",
        "用户编号",
        "观众id",
    ],
    "video_id": VIDEO_ALIASES["video_id"],
    "event": [
        "event",
        "event_type",
        "action",
        "action_type",
        "behavior",
        "behaviour",
        "type",
        "行为",
        "动作",
        "事件",
        "行为类型",
    ],
    "ts": [
        "ts",
        "timestamp",
        "time",
        "datetime",
        "event_time",
        "created_at",
        "时间",
        "时间戳",
        "行为时间",
        "date",
    ],
    "watch_s": [
        "watch_s",
        "watch_time",
        "watch_seconds",
        "play_duration",
        "watch_duration",
        "观看时长",
        "播放时长",
    ],
    "amount": ["amount", "paid", "revenue", "pay_amount", "金额", "支付金额", "订单金额"],
}

VIDEO_REQUIRED = ("video_id", "title")
INTERACTION_REQUIRED = ("user_id", "video_id", "event")

VIDEO_TEXT = ("video_id", "title", "description", "tags", "channel", "format")
VIDEO_NUMERIC = ("duration_s", "price", "watch_hours", "avg_view_s", "revenue")
VIDEO_RATES = ("avg_pct_viewed", "completion_rate", "ctr")  # stored as fractions 0..1
VIDEO_COUNTS = (
    "views",
    "likes",
    "comments",
    "shares",
    "purchases",
    "impressions",
    "saves",
    "follows",
    "profile_visits",
)
VIDEO_TIMES = ("published_at", "snapshot_at")

EVENT_ALIASES: dict[str, str] = {
    **{
        w: "view"
        for w in ("view", "views", "play", "watch", "impression_play", "播放", "观看", "浏览")
    },
    **{w: "like" for w in ("like", "likes", "digg", "thumbs_up", "点赞", "喜欢")},
    **{w: "comment" for w in ("comment", "comments", "reply", "评论")},
    **{w: "share" for w in ("share", "shares", "forward", "repost", "分享", "转发")},
    **{w: "follow" for w in ("follow", "subscribe", "关注", "订阅")},
    **{
        w: "purchase"
        for w in ("purchase", "buy", "order", "pay", "paid", "购买", "下单", "支付", "付费")
    },
}

# Spaces, `_`, `-`, and the invisible format characters (zero-width space / joiners, word
# joiner, a BOM left mid-file by joined exports) that make a header look right and not match.
_DROP = re.compile(r"[\s_\-\u200b-\u200f\u2060\ufeff]+")


@lru_cache(maxsize=8192)
def header_key(name: str) -> str:
    """`Video ID`, `video_id`, ` VIDEO-ID ` all become `videoid`."""
    return _DROP.sub("", unicodedata.normalize("NFKC", str(name)).strip().casefold())


def match_columns(
    columns: list[str], aliases: dict[str, list[str]], mapping: dict[str, str] | None = None
) -> dict[str, str]:
    """Map field -> source column. Explicit `mapping` (source column -> field) wins; then each
    field takes the first of its aliases present that no other field has claimed."""
    by_key: dict[str, str] = {}
    for col in columns:
        by_key.setdefault(header_key(col), col)
    chosen: dict[str, str] = {}
    used: set[str] = set()
    for src, field in (mapping or {}).items():
        col = by_key.get(header_key(src))
        if col is not None and field in aliases:
            chosen[field] = col
            used.add(col)
    for field, names in aliases.items():
        if field in chosen:
            continue
        for alias in names:
            col = by_key.get(header_key(alias))
            if col is not None and col not in used:
                chosen[field] = col
                used.add(col)
                break
    return chosen


def parse_mapping(items: list[str] | None) -> dict[str, str]:
    """`--map 标题=title --map uid=user_id` -> {"标题": "title", "uid": "user_id"}."""
    from kptui.errors import FIELD, UsageError

    known = set(VIDEO_ALIASES) | set(INTERACTION_ALIASES)
    out: dict[str, str] = {}
    for item in items or []:
        col, sep, field = item.partition("=")
        col, field = col.strip(), field.strip()
        if not sep or not col or not field:
            raise UsageError(f"{FIELD} expects COLUMN=FIELD, got {item!r}", field="map")
        if field not in known:
            raise UsageError(
                f"{FIELD} {item!r}: unknown field {field!r} (fields: {', '.join(sorted(known))})",
                field="map",
            )
        out[col] = field
    return out


_DUPLICATE_SUFFIX = re.compile(r"(_duplicated_\d+|_\d+)$")


def clashes(
    columns: list[str],
    chosen: dict[str, str],
    aliases: dict[str, list[str]],
    mapping: dict[str, str] | None = None,
) -> list[tuple[str, str, list[str], str]]:
    """(field, column used, columns ignored, why) for every field that more than one column
    could fill: a repeated header (`title`, `title`) or two aliases (`title` and `标题`)."""
    used = set(chosen.values())
    mapped = {header_key(k) for k in (mapping or {})}
    out = []
    for field, col in chosen.items():
        keys = {header_key(a) for a in aliases.get(field, [])}
        ignored = []
        for c in columns:
            if c in used:
                continue
            base = _DUPLICATE_SUFFIX.sub("", c) if c not in keys else c
            if header_key(c) in keys or (base != c and header_key(base) == header_key(col)):
                ignored.append(c)
        if not ignored:
            continue
        if header_key(col) in mapped:
            why = "named in the column mapping"
        elif any(_DUPLICATE_SUFFIX.sub("", c) == col for c in ignored):
            why = "the first of columns with the same name"
        elif header_key(col) == header_key(field):
            why = "its name is the field's own"
        else:
            why = "it comes first in the list of known names"
        out.append((field, col, ignored, why))
    return out
