"""The Chinese creator centres' per-work tables: Douyin 作品列表导出, Xiaohongshu
笔记列表明细表 and WeChat Channels 视频号动态数据明细. Douyin and Xiaohongshu have no id
column: a work's id is made from its title and publish time (stable across exports)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kptui.engine.exports import values as v
from kptui.engine.exports.common import (
    Context,
    Part,
    Reader,
    dates_of,
    drop_marker_rows,
    find,
    keys,
    notice,
    synthetic_ids,
    typed,
    videos_frame,
)
from kptui.engine.types import Source

if TYPE_CHECKING:
    import polars as pl

# field -> (headers, parser); rates decided per column (`0.074074` or `12.5%`).
COMMON = {
    "published_at": (("发布时间", "首次发布时间"), None),
    "format": (("体裁",), v.text),
    "views": (("播放量", "观看量"), v.count),
    "completion_rate": (("完播率",), v.rate),
    "ctr": (("封面点击率",), v.rate),
    "avg_view_s": (("平均播放时长", "人均观看时长"), v.seconds),
    "likes": (("点赞量", "点赞", "喜欢"), v.count),
    "shares": (("分享量", "分享"), v.count),
    "comments": (("评论量", "评论"), v.count),
    "saves": (("收藏量", "收藏"), v.count),
    "profile_visits": (("主页访问量",), v.count),
    "follows": (("粉丝增量", "涨粉", "关注量"), v.count),
    "impressions": (("曝光", "曝光量"), v.count),
}


def detect_douyin(names: list[str]) -> str | None:
    n = set(names)
    return "per-video" if "作品名称" in n and ({"播放量", "完播率", "发布时间"} & n) else None


def detect_xiaohongshu(names: list[str]) -> str | None:
    n = set(names)
    return "per-video" if "笔记标题" in n and ({"首次发布时间", "曝光", "观看量"} & n) else None


def detect_wechat(names: list[str]) -> str | None:
    n = set(names)
    if "视频描述" in n and ({"视频id", "完播率", "推荐"} & n):
        return "per-video"
    return None


def _read(frame: pl.DataFrame, label: str, ctx: Context, kind: str, title_col: str) -> Part:
    import polars as pl

    cols = keys(frame)
    part = Part(Source(label, kind, "per-video", 0), rank=3)
    title = find(cols, title_col)
    frame = drop_marker_rows(frame, title, part)
    spec = [("title", title, v.text)]
    for name, (headers, parse) in COMMON.items():
        col = find(cols, *headers)
        if name == "published_at" and col is not None:
            parse = dates_of(part, col, window_end=ctx.window_end)
        spec.append((name, col, parse))
    got = typed(frame, part, spec)
    id_col = find(cols, "视频ID", "作品ID", "笔记ID")
    if id_col is not None:
        got["video_id"] = v.text(frame[id_col]).alias("video_id")
    else:
        prefix = {"douyin": "douyin-", "xiaohongshu": "xhs-"}.get(kind, "work-")
        got["video_id"] = synthetic_ids(got["title"], got.get("published_at"), prefix)
        notice(part, None, "no id column: each work's id is made from its title and publish time")
    if kind == "wechat-channels":
        got["description"] = got["title"]
        got["title"] = got["title"].str.split("\n").list.first().str.strip_chars()
    part.videos = videos_frame(part, frame, got).filter(pl.col("video_id").is_not_null())
    part.source.rows = part.videos.height
    return part


def read_douyin(frame, label, ctx):
    return _read(frame, label, ctx, "douyin", "作品名称")


def read_xiaohongshu(frame, label, ctx):
    return _read(frame, label, ctx, "xiaohongshu", "笔记标题")


def read_wechat(frame, label, ctx):
    return _read(frame, label, ctx, "wechat-channels", "视频描述")


READERS = [
    Reader("douyin", detect_douyin, read_douyin),
    Reader("xiaohongshu", detect_xiaohongshu, read_xiaohongshu),
    Reader("wechat-channels", detect_wechat, read_wechat),
]
