"""A creator's channel as TikTok Studio and Douyin write it, big enough for every insight:
40 posts with repeated hashtags over 12 weeks, plus TikTok's daily and hourly tables.

Made up for the tests from EXPORTS.md's headers and quirks (no real data): posts on
Thursday evening and posts with `#tutorial` do about twice as well, `#vlog` about half.
"""

from __future__ import annotations

import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np

START = datetime(2026, 1, 5, 9, 0)  # a Monday


def _posts(n: int, seed: int) -> list[dict]:
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        thursday = i % 3 == 0
        when = START + timedelta(days=2 * i + (1 if i % 2 else 0), hours=int(rng.integers(0, 8)))
        if thursday:
            when = START + timedelta(weeks=i // 3, days=3, hours=11)  # Thu 20h
        tags = ["study"]
        factor = 2.0 if thursday else 1.0
        if i % 4 == 1:
            tags.append("tutorial")
            factor *= 2.0
        if i % 5 == 2:
            tags.append("vlog")
            factor *= 0.5
        views = int(5000 * factor * rng.lognormal(0, 0.2))
        out.append({"i": i, "when": when, "tags": tags, "views": views})
    return out


def _tt(rows: list[list[str]]) -> bytes:
    """TikTok's CSV: UTF-8 with BOM, every field quoted, no final newline."""
    text = "\n".join(",".join(f'"{c}"' for c in row) for row in rows)
    return ("\ufeff" + text).encode("utf-8")


def write_tiktok_channel(folder: Path, n: int = 40, seed: int = 5) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    content = [["Time", "Video title", "Video link", "Post time", "Total likes",
                "Total comments", "Total shares ", "Total views"]]  # fmt: skip
    for p in _posts(n, seed):
        content.append(
            [
                "2026-04-01",
                f"Post {p['i']} " + " ".join(f"#{t}" for t in p["tags"]),
                f"https://www.tiktok.com/@me/video/73{p['i']:017d}",
                p["when"].strftime("%Y-%m-%d %H:%M"),
                f"{p['views'] // 20:,}",
                str(p["views"] // 200),
                str(p["views"] // 500),
                f"{p['views']:,}",
            ]
        )
    days = [date(2026, 1, 5) + timedelta(days=d) for d in range(28)]
    overview = [["Date", "Video Views", "Profile Views", "Likes", "Comments", "Shares"]]
    overview += [
        [d.strftime("%Y-%m-%d"), f"{8000 + 100 * k:,}", str(200 + k), "400", "20", "5"]
        for k, d in enumerate(days)
    ]
    history = [["Date", "Followers", "Difference in followers from previous day"]]
    history += [[d.strftime("%Y-%m-%d"), f"{10000 + 20 * k:,}", "20"] for k, d in enumerate(days)]
    activity = [["Date", "Hour", "Active followers"]]
    activity += [
        [d.strftime("%Y-%m-%d"), str(h), str(900 if h in (20, 21) else 100 + h)]
        for d in days[-7:]
        for h in range(24)
    ]
    with zipfile.ZipFile(folder / "Content_me.zip", "w") as z:
        z.writestr("Content.csv", _tt(content))
    with zipfile.ZipFile(folder / "Overview_2026-01-05_1775001600_me.zip", "w") as z:
        z.writestr("Overview.csv", _tt(overview))
    with zipfile.ZipFile(folder / "Followers_me.zip", "w") as z:
        z.writestr("FollowerHistory.csv", _tt(history))
        z.writestr("FollowerActivity.csv", _tt(activity))
    return folder


def write_douyin_channel(folder: Path, n: int = 40, seed: int = 6) -> Path:
    """作品列表导出.xlsx: numbers as text, rates as fractions or `12.5%`, `1.2万`, `18秒`."""
    import xlsxwriter

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "作品列表导出.xlsx"
    header = ["作品名称", "发布时间", "体裁", "审核状态", "播放量", "完播率", "5s完播率",
              "封面点击率", "2s跳出率", "平均播放时长", "点赞量", "分享量", "评论量", "收藏量",
              "主页访问量", "粉丝增量"]  # fmt: skip
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    for j, h in enumerate(header):
        sheet.write_string(0, j, h)
    for r, p in enumerate(_posts(n, seed), start=1):
        v = p["views"]
        plays = f"{v / 10000:.1f}万" if v >= 10000 else str(v)
        row = [
            f"第{p['i']}期 " + " ".join(f"#{t}" for t in p["tags"]),
            p["when"].strftime("%Y-%m-%d %H:%M:%S"),
            "视频",
            "审核通过",
            plays,
            f"{0.2 + 0.001 * r:.3f}" if r % 2 else f"{(0.2 + 0.001 * r) * 100:.1f}%",
            "0.5",
            "0.06",
            "0.3",
            f"{15 + r % 10}秒",
            str(v // 20),
            str(v // 500),
            str(v // 200),
            str(v // 100),
            str(v // 40),
            str(v // 100),
        ]
        for j, cell in enumerate(row):
            sheet.write_string(r, j, cell)
    book.close()
    return path


MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def write_youtube_channel(folder: Path, n: int = 40, seed: int = 7) -> Path:
    """Studio's per-video Table data (a Total row first, a footer, `Sep 22, 2026` dates, a
    leading-space id) and per-day Totals."""
    folder.mkdir(parents=True, exist_ok=True)
    header = ("Content,Video title,Video publish time,Duration,Views,Watch time (hours),"
              "Subscribers,Impressions,Impressions click-through rate (%),"
              "Average percentage viewed (%),Likes,Shares,Comments added,"
              "Your estimated revenue (USD)")  # fmt: skip
    posts = _posts(n, seed)
    total = sum(p["views"] for p in posts)
    lines = [header, f"Total,,,,{total},{total / 100:.4f},0,{total * 12},8.3,40.0,0,0,0,0"]
    for p in posts:
        v, d = p["views"], p["when"]
        vid = f"-yt{p['i']:08d}" if p["i"] == 3 else f"yt{p['i']:09d}"
        lines.append(
            f"{' ' + vid if vid.startswith('-') else vid},"
            f"Post {p['i']} " + " ".join(f"#{t}" for t in p["tags"]) + ","
            f'"{MONTHS[d.month - 1]} {d.day}, {d.year}",{60 + p["i"]},{v},{v / 90:.4f},'
            f"{v // 150},{v * 12},{100 / 12:.2f},{40 + p['i'] % 7}.0,{v // 25},{v // 300},"
            f"{v // 250},{v / 1000:.2f}"
        )
    lines.append("Showing top 500 results" + "," * 13)
    (folder / "Table data.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    days = [date(2026, 1, 5) + timedelta(days=k) for k in range(28)]
    totals = ["Date,Views"] + [f"{d.isoformat()},{3000 + 50 * k}" for k, d in enumerate(days)]
    (folder / "Totals.csv").write_text("\n".join(totals) + "\n", encoding="utf-8")
    return folder


def write_wechat_channel(folder: Path, n: int = 40, seed: int = 8) -> Path:
    """视频号动态数据明细.csv: UTF-8 BOM, CRLF, `11.14%`, `32.50秒`, `2024/05/01`."""
    folder.mkdir(parents=True, exist_ok=True)
    header = ("视频描述,视频ID,发布时间,完播率,平均播放时长,播放量,推荐,喜欢,评论量,分享量,关注量,"
              "转发聊天和朋友圈,设为铃声,设为状态,设为朋友圈封面")  # fmt: skip
    rows = [header]
    for p in _posts(n, seed):
        v = p["views"]
        rows.append(
            f"第{p['i']}期 " + " ".join(f"#{t}" for t in p["tags"]) + f",export/Uz{p['i']:06d},"
            f"{p['when'].strftime('%Y/%m/%d %H:%M')},{20 + p['i'] % 9}.5%,{30 + p['i'] % 5}.50秒,"
            f'"{v:,}",{v // 4},{v // 20},{v // 200},{v // 400},{v // 150},{v // 500},0,0,0'
        )
    path = folder / "视频号动态数据明细.csv"
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(rows).encode("utf-8") + b"\r\n")
    return path


def write_xiaohongshu_channel(folder: Path, n: int = 40, seed: int = 9) -> Path:
    """笔记列表明细表.xlsx: the banner row above the header, `2026年03月24日17时33分05秒`."""
    import xlsxwriter

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "笔记列表明细表.xlsx"
    header = ["笔记标题", "首次发布时间", "体裁", "曝光", "观看量", "封面点击率", "点赞", "评论",
              "收藏", "涨粉", "分享", "人均观看时长", "弹幕"]  # fmt: skip
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    for j in range(len(header)):
        sheet.write_string(0, j, "最多导出排序后前1000条笔记")
    for j, h in enumerate(header):
        sheet.write_string(1, j, h)
    for r, p in enumerate(_posts(n, seed), start=2):
        v, d = p["views"], p["when"]
        row = [
            f"第{p['i']}篇 " + " ".join(f"#{t}" for t in p["tags"]),
            d.strftime("%Y年%m月%d日%H时%M分%S秒"),
            "视频" if p["i"] % 5 else "图文",
            f"{v * 6}.0",
            f"{v}.0",
            "0.166",
            f"{v // 20}.0",
            f"{v // 200}.0",
            f"{v // 80}.0",
            f"{v // 150}.0",
            f"{v // 400}.0",
            "25",
            "0",
        ]
        for j, cell in enumerate(row):
            sheet.write_string(r, j, cell)
    book.close()
    return path
