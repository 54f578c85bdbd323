"""Variants of every documented export, as creators' files really differ (EXPORTS.md): column
orders, extra and missing optional columns, every Studio breakdown, Chart data by dimension,
Totals, zips with nested folders, UTF-16 with BOM, `sep=` lines, banners, footers, year-less
dates across a year boundary, day-first dates, 万/亿, K/M, percent vs fraction per column,
Chinese exports as xlsx and as csv (UTF-8 and GB18030), localised Studio headers.

Each `Case` writes its files into a folder and says what `load_dataset` must find: per file
(kind, shape, rows) and a few values and dates. Rows are data rows, Total/footer rows excluded.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
import pytest

D = dt.datetime


@dataclass
class Case:
    name: str
    files: dict[str, bytes]
    sources: dict[str, tuple[str, str, int]]  # file name (last part) -> kind, shape, rows
    check: Callable | None = None
    load: list[str] = field(default_factory=list)  # files to name (default: the folder)

    def write(self, folder: Path) -> list[Path]:
        for rel, data in self.files.items():
            path = folder / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        return [folder / p for p in self.load] or [folder]


# ---------------------------------------------------------------------------------------
# writers


def text(rows, *, quote_all=False, crlf=False, final_newline=True, sep=",") -> str:
    out = io.StringIO()
    w = csv.writer(
        out,
        delimiter=sep,
        quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL,
        lineterminator="\r\n" if crlf else "\n",
    )
    w.writerows(rows)
    s = out.getvalue()
    return s if final_newline else s.rstrip("\r\n")


def enc(s: str, encoding: str = "utf-8") -> bytes:
    if encoding == "utf-16":
        return s.encode("utf-16")  # BOM + UTF-16LE
    return s.encode(encoding)


def csvb(rows, encoding="utf-8", **kw) -> bytes:
    return enc(text(rows, **kw), encoding)


def xlsx(rows, banner: str | None = None, numbers_as_text=True) -> bytes:
    import xlsxwriter

    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    sheet = book.add_worksheet()
    start = 0
    if banner:
        sheet.write_string(0, 0, banner)
        start = 1
    for i, row in enumerate(rows):
        for j, cell in enumerate(row):
            if not numbers_as_text and i > 0:
                try:
                    sheet.write_number(start + i, j, float(cell))
                    continue
                except ValueError:
                    pass
            sheet.write_string(start + i, j, cell)
    book.close()
    return buf.getvalue()


def zipped(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def tt(rows) -> bytes:
    """TikTok's CSV: UTF-8 with BOM, every field quoted, no final newline."""
    return b"\xef\xbb\xbf" + text(rows, quote_all=True, final_newline=False).encode("utf-8")


def video(ds, vid):
    return ds.videos.filter(pl.col("video_id") == vid).row(0, named=True)


def notices(ds) -> str:
    return " ".join(n.message for n in ds.notices)


# ---------------------------------------------------------------------------------------
# YouTube Studio per video

YT_HEAD = ["Content", "Video title", "Video publish time", "Duration", "Views",
           "Watch time (hours)", "Subscribers", "Impressions",
           "Impressions click-through rate (%)", "Average view duration",
           "Average percentage viewed (%)", "Likes", "Shares", "Comments added",
           "Your estimated revenue (USD)"]  # fmt: skip
YT_TOTAL = ["Total", "", "", "", "18400", "512.3456", "31.0", "120000", "5.2", "0:01:40", "41.5",
            "900", "120", "60", "48.20"]  # fmt: skip
YT_ROWS = [
    ["dQw4w9WgXcQ", "Python in 10 minutes #python", "Sep 22, 2026", "610", "12000", "400.1234",
     "40", "80000", "6.1", "0:02:00", "45.2", "700", "90", "40", "35.10"],
    [" -jBLlV16Dko", "Budget your first salary", "May 27, 2024", "70", "6000", "110.5000", "-9",
     "39000", "3.4", "0:01:10", "38.0", "200", "30", "20", "13.10"],
    ["abc123XYZ00", "One tip a day #shorts", "Jan 3, 2026", "31.0", "400", "1.7222", "0.0",
     "1000", "1.0", "0:00:15", "50.0", "0", "0", "0", "0"],
]  # fmt: skip
YT_FOOTER = ["Showing top 500 results"] + [""] * 14


def yt_table(head=YT_HEAD, rows=YT_ROWS, total=YT_TOTAL, footer=True):
    out = [head]
    if total:
        out.append(total)
    out += rows
    if footer:
        out.append(YT_FOOTER[: len(head)])
    return out


def yt_check(ds):
    b = video(ds, "-jBLlV16Dko")  # the leading space dropped
    assert b["views"] == 6000 and b["follows"] == -9
    assert b["ctr"] == pytest.approx(0.034) and b["avg_view_s"] == 70
    assert b["published_at"].date() == dt.date(2024, 5, 27)  # Takeout adds the time of day
    assert video(ds, "abc123XYZ00")["duration_s"] == 31
    assert "Total" not in ds.videos["video_id"].to_list()


def pick(cols: list[str]):
    """The table with only `cols` (in that order): a creator's own column choice."""
    idx = [YT_HEAD.index(c) for c in cols]
    return [[r[i] for i in idx] for r in [YT_HEAD, YT_TOTAL, *YT_ROWS, YT_FOOTER]]


# translations of YT_HEAD (from exports.studio_lang) and the Total word of each language
LANGS = {
    "ja": ("合計", ["コンテンツ", "動画のタイトル", "動画公開時刻", "長さ", "視聴回数",
                  "総再生時間（単位: 時間）", "チャンネル登録者", "インプレッション数",
                  "インプレッションのクリック率 (%)", "平均視聴時間", "平均再生率 (%)",
                  "高評価数", "共有数", "追加されたコメント", "推定収益 (JPY)"]),
    "de": ("Gesamt", ["Videos", "Videotitel", "Veröffentlichungs\xadzeitpunkt des Videos",
                      "Dauer", "Aufrufe", "Wiedergabezeit (Stunden)", "Abonnenten",
                      "Impressionen", "Klickrate der Impressionen (%)",
                      "Durchschnittliche Wiedergabedauer", "Durchschnittlich angesehen (%)",
                      "Mag ich", "Geteilte Inhalte", "Hinzugefügte Kommentare",
                      "Geschätzter Umsatz (EUR)"]),
    "fr": ("Total", ["Contenu", "Titre de la vidéo", "Heure de publication de la vidéo", "Durée",
                     "Vues", "Durée de visionnage (heures)", "Abonnés", "Impressions",
                     "Taux de clics par impression (%)", "Durée moyenne d'une vue",
                     "Pourcentage moyen de vidéo regardé (%)", "J'aime", "Partages",
                     "Commentaires ajoutés", "Revenus estimés (EUR)"]),
    "es": ("Total", ["Contenido", "Título del vídeo", "Hora de publicación del vídeo",
                     "Duración", "Visualizaciones", "Tiempo de visualización (horas)",
                     "Suscriptores", "Impresiones", "Porcentaje de clics de las impresiones (%)",
                     "Duración media de la visualización", "Porcentaje medio visto (%)",
                     "Me gusta", "Compartidos", "Comentarios añadidos",
                     "Ingresos estimados (USD)"]),
    "pt": ("Total", ["Conteúdo", "Título do vídeo", "Horário de publicação do vídeo", "Duração",
                     "Visualizações", "Tempo de exibição (horas)", "Inscritos", "Impressões",
                     "Taxa de cliques de impressões (%)", "Duração média da visualização",
                     "Porcentagem visualizada média (%)", "Curtidas", "Compartilhamentos",
                     "Comentários adicionados", "Receita estimada (BRL)"]),
    "zh": ("总计", ["内容", "视频标题", "视频发布时间", "时长", "观看次数", "观看时长（小时）",
                   "订阅人数", "展示次数", "展示次数点击率 (%)", "平均观看时长",
                   "平均观看百分比 (%)", "顶", "分享次数", "添加的评论数", "估算收入 (CNY)"]),
}  # fmt: skip


def lang_case(code: str) -> Case:
    total_word, head = LANGS[code]
    total = [total_word, *YT_TOTAL[1:]]

    def check(ds):
        yt_check(ds)
        a = video(ds, "dQw4w9WgXcQ")
        assert a["watch_hours"] == pytest.approx(400.1234) and a["likes"] == 700
        assert a["revenue"] == pytest.approx(35.10) and a["impressions"] == 80000
        assert a["avg_pct_viewed"] == pytest.approx(0.452) and a["comments"] == 40
        assert a["title"] == "Python in 10 minutes #python" and a["tags"] == ["python"]

    return Case(
        f"studio-per-video-{code}",
        {"Table data.csv": csvb(yt_table(head, total=total))},
        {"Table data.csv": ("youtube-studio", "per-video", 3)},
        check,
    )


def resaved_dates(fmt: str) -> list[list[str]]:
    rows = [list(r) for r in YT_ROWS]
    dates = [dt.date(2026, 9, 22), dt.date(2024, 5, 27), dt.date(2026, 1, 3)]
    for r, d in zip(rows, dates, strict=True):
        r[2] = d.strftime(fmt).lstrip("0").replace("/0", "/")
    return rows


def studio_cases() -> list[Case]:
    cases = [
        Case(
            "studio-per-video",
            {"Table data.csv": csvb(yt_table())},
            {"Table data.csv": ("youtube-studio", "per-video", 3)},
            yt_check,
        ),
        Case(
            "studio-per-video-no-total-no-footer",
            {"Table data.csv": csvb(yt_table(total=None, footer=False))},
            {"Table data.csv": ("youtube-studio", "per-video", 3)},
            yt_check,
        ),
        Case(
            "studio-per-video-bom-crlf",
            {"Table data.csv": csvb(yt_table(), "utf-8-sig", crlf=True)},
            {"Table data.csv": ("youtube-studio", "per-video", 3)},
            yt_check,
        ),
        Case(
            "studio-per-video-utf16-sep-line",
            {"Table data.csv": enc("sep=,\r\n" + text(yt_table(), crlf=True), "utf-16")},
            {"Table data.csv": ("youtube-studio", "per-video", 3)},
            yt_check,
        ),
        Case(
            "studio-per-video-utf16-tabs",
            {"Table data.csv": enc(text(yt_table(), sep="\t", crlf=True), "utf-16")},
            {"Table data.csv": ("youtube-studio", "per-video", 3)},
            yt_check,
        ),
        Case(
            "studio-per-video-reordered-subset",
            {
                "Table data.csv": csvb(
                    pick(
                        [
                            "Content",
                            "Views",
                            "Video publish time",
                            "Impressions click-through rate (%)",
                            "Average view duration",
                            "Subscribers",
                            "Duration",
                        ]
                    )
                )
            },
            {"Table data.csv": ("youtube-studio", "per-video", 3)},
            yt_check,
        ),
        Case(
            "studio-per-video-minimal",
            {"Table data.csv": csvb(pick(["Content", "Views"]))},
            {"Table data.csv": ("youtube-studio", "per-video", 3)},
            lambda ds: video(ds, "-jBLlV16Dko")["views"] == 6000 or pytest.fail("views"),
        ),
        Case(
            "studio-per-video-shorts-extra-columns",
            {
                "Table data.csv": csvb(
                    [
                        [*r, x, y]
                        for r, x, y in zip(
                            yt_table(),
                            ["Shown in feed", "", "9000", "4000", "800", ""],
                            ["Viewed vs swiped away (%)", "", "60.1", "55.0", "70.2", ""],
                            strict=True,
                        )
                    ]
                )
            },
            {"Table data.csv": ("youtube-studio", "per-video", 3)},
            yt_check,
        ),
        Case(
            "studio-per-video-resaved-mdy",
            {"Table data.csv": csvb(yt_table(rows=resaved_dates("%m/%d/%Y")), crlf=True)},
            {"Table data.csv": ("youtube-studio", "per-video", 3)},
            yt_check,
        ),
        Case(
            "studio-per-video-resaved-dmy",
            {"Table data.csv": csvb(yt_table(rows=resaved_dates("%d-%m-%Y")), crlf=True)},
            {"Table data.csv": ("youtube-studio", "per-video", 3)},
            yt_check,
        ),
        Case(
            "studio-zip-nested-folder",
            {
                "Content 2026-09-01_2026-09-30 My channel.zip": zipped(
                    {
                        "Content 2026-09-01_2026-09-30 My channel/Table data.csv": csvb(yt_table()),
                        "Content 2026-09-01_2026-09-30 My channel/Chart data.csv": csvb(
                            [
                                [
                                    "Date",
                                    "Content",
                                    "Video title",
                                    "Video publish time",
                                    "Duration",
                                    "Views",
                                ]
                            ]
                            + [
                                [
                                    f"2026-09-{d:02}",
                                    "dQw4w9WgXcQ",
                                    "Python",
                                    "Sep 22, 2026",
                                    "610",
                                    str(d),
                                ]
                                for d in range(22, 31)
                            ]
                        ),
                        "Content 2026-09-01_2026-09-30 My channel/Totals.csv": csvb(
                            [["Date", "Views"]]
                            + [[f"2026-09-{d:02}", str(d * 10)] for d in range(1, 31)]
                        ),
                        "__MACOSX/._Table data.csv": b"\x00\x05junk",
                    }
                )
            },
            {
                "Table data.csv": ("youtube-studio", "per-video", 3),
                "Chart data.csv": ("youtube-studio", "per-day-by-content", 9),
                "Totals.csv": ("youtube-studio", "per-day", 30),
            },
            yt_check,
        ),
        Case(
            "studio-renamed-underscore-files",
            {
                "Chart_data.csv": csvb(
                    [
                        ["Date", "Geography", "Views"],
                        ["2026-09-01", "US", "5"],
                        ["2026-09-01", "DE", "3"],
                        ["2026-09-02", "US", "7"],
                    ]
                ),
                "Table data-Geography.csv": csvb(
                    [
                        ["Geography", "Views", "Watch time (hours)"],
                        ["Total", "15", "1.5"],
                        ["US", "12", "1.0"],
                        ["DE", "3", "0.5"],
                    ]
                ),
            },
            {
                "Chart_data.csv": ("youtube-studio", "per-day-by-geography", 3),
                "Table data-Geography.csv": ("youtube-studio", "by-geography", 2),
            },
        ),
    ]
    cases += [lang_case(code) for code in LANGS]
    # every breakdown dimension Studio exports (first column) -> shape
    dims = {
        "Traffic source": (
            "by-traffic-source",
            ["YouTube search", "Suggested videos", "Browse features"],
        ),
        "Geography": ("by-geography", ["US", "IN", "DE"]),
        "Cities": (
            "by-city",
            [
                "0x89c259af336b3341:0xa4b6be3bbd9ba8f1",
                "0x47e66e1f06e2b70f:0x40b82c3688c9460",
                "0x1:0x2",
            ],
        ),
        "Subscription status": (
            "by-subscription-status",
            ["Not subscribed", "Subscribed", "Unknown"],
        ),
        "Viewer age": ("by-age", ["13–17 years", "18–24 years", "25–34 years"]),
        "Viewer gender": ("by-gender", ["Female", "Male", "User-specified"]),
        "Device type": ("by-device-type", ["Mobile phone", "Computer", "TV"]),
        "Operating system": ("by-operating-system", ["Android", "iOS", "Windows"]),
        "Playback location": (
            "by-playback-location",
            ["YouTube watch page", "Embedded", "Shorts feed"],
        ),
        "Subtitles and CC": ("by-subtitles", ["None", "English", "Spanish"]),
        "Content type": ("by-content-type", ["Videos", "Shorts", "Live"]),
        "Sharing service": ("by-sharing-service", ["WhatsApp", "Copy to clipboard", "Other"]),
        "New and returning viewers": (
            "by-new-and-returning",
            ["New viewers", "Returning viewers", "Unknown"],
        ),
        "視聴者の年齢": ("by-age", ["13～17 歳", "18～24 歳", "25～34 歳"]),
        "Geografie": ("by-geography", ["DE", "AT", "CH"]),
        "Fuente de tráfico": ("by-traffic-source", ["Búsqueda de YouTube", "Externa", "Otros"]),
    }
    for first, (shape, keys) in dims.items():
        pct = first in ("Viewer age", "Viewer gender", "視聴者の年齢")
        head = [
            first,
            "Views (%)" if pct else "Views",
            "Average view duration",
            "Watch time (hours) (%)" if pct else "Watch time (hours)",
        ]
        if first == "視聴者の年齢":
            head = [first, "視聴回数 (%)", "平均視聴時間", "総再生時間（単位: 時間） (%)"]
        if first == "Cities":
            head.insert(1, "City name")
        rows = [
            head,
            ["Total"]
            + [""] * (len(head) - 4)
            + ["100" if pct else "600", "0:02:00", "100" if pct else "20.5"],
        ]
        for i, k in enumerate(keys):
            row = [k] + (["Some city"] if first == "Cities" else [])
            row += [
                str(50 - 10 * i) if pct else str(300 - 100 * i),
                f"0:0{i + 1}:10",
                str(40 - 10 * i) if pct else f"{10 - i}.25",
            ]
            rows.append(row)
        metric = "views_share" if pct else "views"
        first_value = 0.5 if pct else 300.0

        def check(ds, metric=metric, key=keys[0], value=first_value, dim=shape[3:]):
            b = ds.breakdowns
            got = b.filter((pl.col("key") == key) & (pl.col("metric") == metric))
            assert got["value"].to_list() == pytest.approx([value]), (dim, got)
            assert set(b["dimension"]) == {dim}
            assert "Total" not in b["key"].to_list()
            secs = b.filter((pl.col("key") == key) & (pl.col("metric") == "avg_view_s"))
            assert secs["value"].to_list() == [70.0]

        cases.append(
            Case(
                f"studio-{shape}-{first}",
                {"Table data.csv": csvb(rows)},
                {"Table data.csv": ("youtube-studio", shape, 3)},
                check,
            )
        )
    # Chart data by dimension, and Totals of one metric
    for dim, shape, keys in (
        ("Traffic source", "per-day-by-traffic-source", ["YouTube search", "External"]),
        ("Geography", "per-day-by-geography", ["US", "DE"]),
        ("Viewer age", "per-day-by-age", ["18–24 years", "25–34 years"]),
        ("Device type", "per-day-by-device-type", ["Mobile phone", "Computer"]),
        ("Subscription status", "per-day-by-subscription-status", ["Subscribed", "Not subscribed"]),
    ):
        rows = [["Date", dim, "Views"]] + [
            [f"2026-0{m}-{d:02}", k, str(d + i)]
            for m in (1, 2)
            for d in range(1, 29)
            for i, k in enumerate(keys)
        ]

        def check(ds, key=keys[1], dim=shape.removeprefix("per-day-by-")):
            daily = ds.daily
            assert set(daily["dimension"]) == {dim}
            got = daily.filter((pl.col("key") == key) & (pl.col("date") == dt.date(2026, 2, 3)))
            assert got["value"].to_list() == [4.0]

        cases.append(
            Case(
                f"studio-chart-{shape}",
                {"Chart data.csv": csvb(rows)},
                {"Chart data.csv": ("youtube-studio", shape, 112)},
                check,
            )
        )
    long_rows = [
        ["Date", "Content", "Video title", "Video publish time", "Duration", "Engaged views"]
    ]
    day = dt.date(2007, 4, 1)
    n = 0
    while day <= dt.date(2026, 9, 30):
        long_rows.append([day.isoformat(), " -jBLlV16Dko", "Budget", "May 27, 2024", "70", "1"])
        day += dt.timedelta(days=3)
        n += 1
    cases.append(
        Case(
            "studio-chart-whole-channel-life",
            {"Chart data.csv": csvb(long_rows)},
            {"Chart data.csv": ("youtube-studio", "per-day-by-content", n)},
            lambda ds: (
                (
                    ds.daily["date"].min() == dt.date(2007, 4, 1)
                    and set(ds.daily["key"]) == {"-jBLlV16Dko"}
                )
                or pytest.fail("chart")
            ),
        )
    )
    for name, head, metric, values in (
        ("views", ["Date", "Views"], "views", ["5", "7", "31.0"]),
        ("watch-time", ["Date", "Watch time (hours)"], "watch_hours", ["0.5", "1.2500", "2"]),
        ("subscribers", ["Date", "Subscribers"], "follows", ["3", "-2", "0"]),
        ("ja", ["日付", "視聴回数"], "views", ["5", "7", "31.0"]),
    ):
        rows = [head] + [
            [f"2026-12-{30 + i}" if i < 2 else "2027-01-01", v] for i, v in enumerate(values)
        ]

        def check(ds, metric=metric, last=float(values[-1])):
            assert set(ds.daily["metric"]) == {metric}
            assert ds.daily["date"].to_list()[-1] == dt.date(2027, 1, 1)
            assert ds.daily["value"].to_list()[-1] == last

        cases.append(
            Case(
                f"studio-totals-{name}",
                {"Totals.csv": csvb(rows)},
                {"Totals.csv": ("youtube-studio", "per-day", 3)},
                check,
            )
        )
    cases.append(
        Case(
            "studio-totals-resaved-mdy",
            {
                "Totals.csv": csvb(
                    [
                        ["Date", "Views"],
                        ["12/30/2026", "5"],
                        ["12/31/2026", "7"],
                        ["1/1/2027", "9"],
                    ],
                    crlf=True,
                )
            },
            {"Totals.csv": ("youtube-studio", "per-day", 3)},
            lambda ds: (
                ds.daily["date"].to_list()
                == [dt.date(2026, 12, 30), dt.date(2026, 12, 31), dt.date(2027, 1, 1)]
                or pytest.fail("mdy")
            ),
        )
    )
    return cases


# ---------------------------------------------------------------------------------------
# Google Takeout

TAKEOUT_HEAD = [
    "Video ID",
    "Approx duration (ms)",
    "Video category",
    "Video description (original)",
    "Channel ID",
    "Video title (original)",
    "Privacy",
    "Video state",
    "Video create timestamp",
    "Video publish timestamp",
]
TAKEOUT_ROWS = [
    ["dQw4w9WgXcQ", "610000", "Education", "Learn Python fast.\nLinks below #coding", "UC1",
     "Python in 10 minutes: the full course #python", "Public", "Processed",
     "2026-09-21T08:00:00+00:00", "2026-09-22T10:00:00+00:00"],
    ["-jBLlV16Dko", "70000", "Education", "", "UC1", "Budget your first salary (2024)",
     "Public", "Processed", "2024-05-26T08:00:00+00:00", "2024-05-27T09:30:00+00:00"],
]  # fmt: skip


def takeout_cases() -> list[Case]:
    def check(ds):
        a = video(ds, "dQw4w9WgXcQ")
        assert a["duration_s"] == 610 and a["published_at"] == D(2026, 9, 22, 10)
        assert set(a["tags"]) == {"python", "coding"}
        assert video(ds, "-jBLlV16Dko")["title"] == "Budget your first salary (2024)"

    order = [5, 0, 9, 3, 1]  # a re-saved copy with some columns, in another order
    return [
        Case("takeout-videos", {"video metadata/videos.csv": csvb([TAKEOUT_HEAD, *TAKEOUT_ROWS])},
             {"videos.csv": ("youtube-takeout", "per-video", 2)}, check,
             load=["video metadata/videos.csv"]),
        Case("takeout-reordered-subset",
             {"videos.csv": csvb([[r[i] for i in order] for r in [TAKEOUT_HEAD, *TAKEOUT_ROWS]])},
             {"videos.csv": ("youtube-takeout", "per-video", 2)}, check),
        Case("takeout-zip-nested",
             {"takeout-20260930T101010Z-001.zip": zipped({
                 "Takeout/YouTube and YouTube Music/video metadata/videos.csv":
                     csvb([TAKEOUT_HEAD, *TAKEOUT_ROWS]),
                 "Takeout/archive_browser.html": b"<html></html>"})},
             {"videos.csv": ("youtube-takeout", "per-video", 2)}, check),
        Case("takeout-and-studio-joined",
             {"videos.csv": csvb([TAKEOUT_HEAD, *TAKEOUT_ROWS]),
              "Table data.csv": csvb(yt_table())},
             {"videos.csv": ("youtube-takeout", "per-video", 2),
              "Table data.csv": ("youtube-studio", "per-video", 3)},
             lambda ds: (check(ds), yt_check(ds),
                         video(ds, "dQw4w9WgXcQ")["views"] == 12000 or pytest.fail("join"))),
    ]  # fmt: skip


# ---------------------------------------------------------------------------------------
# TikTok Studio

TT_HEAD = [
    "Time",
    "Video title",
    "Video link",
    "Post time",
    "Total likes",
    "Total comments",
    "Total shares",
    "Total views",
]
TT_LINK = "https://www.tiktok.com/@me/video/"


def tt_content(posted: list[str], time="2026-01-05", extra_space=False):
    head = list(TT_HEAD)
    if extra_space:
        head = [f" {h}" if i % 2 else f"{h} " for i, h in enumerate(head)]
    likes = ["1.2K", "980", "NAN", "3.4M", "undefined"]
    views = ["18,400", "3.4M", "12,345", "1.2万", "--"]
    rows = [head]
    for i, p in enumerate(posted):
        rows.append(
            [
                time,
                f"Clip {i} #study #Study #tips",
                f"{TT_LINK}73123456789012345{i:02}",
                p,
                likes[i % 5],
                str(i),
                "0",
                views[i % 5],
            ]
        )
    return rows


def tt_cases() -> list[Case]:
    def content_check(dates):
        def check(ds):
            got = ds.videos.sort("video_id")["published_at"].dt.date().to_list()
            assert got == dates, got
            a = video(ds, "7312345678901234500")
            assert a["likes"] == 1200 and a["views"] == 18400 and a["tags"] == ["study", "tips"]
            if len(dates) > 3:
                assert video(ds, "7312345678901234503")["views"] == 12000  # 1.2万
                assert video(ds, "7312345678901234502")["likes"] is None  # NAN: missing

        return check

    across = ["Dec 30", "December 31", "January 1", "Jan 3"]
    cases = [
        Case(
            "tiktok-content-yearless-across-new-year",
            {"Content.csv": tt(tt_content(across))},
            {"Content.csv": ("tiktok-studio", "per-video", 4)},
            content_check(
                [
                    dt.date(2025, 12, 30),
                    dt.date(2025, 12, 31),
                    dt.date(2026, 1, 1),
                    dt.date(2026, 1, 3),
                ]
            ),
        ),
        Case(
            "tiktok-content-stray-spaces-in-headers",
            {"Content.csv": tt(tt_content(across, extra_space=True))},
            {"Content.csv": ("tiktok-studio", "per-video", 4)},
            content_check(
                [
                    dt.date(2025, 12, 30),
                    dt.date(2025, 12, 31),
                    dt.date(2026, 1, 1),
                    dt.date(2026, 1, 3),
                ]
            ),
        ),
        Case(
            "tiktok-content-slash-dates",
            {"Content.csv": tt(tt_content(["2025/10/31", "2025/11/02", "2025/12/24"]))},
            {"Content.csv": ("tiktok-studio", "per-video", 3)},
            content_check([dt.date(2025, 10, 31), dt.date(2025, 11, 2), dt.date(2025, 12, 24)]),
        ),
        Case(
            "tiktok-content-iso-minutes",
            {
                "Content.csv": tt(
                    tt_content(["2021-03-13 20:04", "2021-03-14 08:00", "2021-04-01 00:30"])
                )
            },
            {"Content.csv": ("tiktok-studio", "per-video", 3)},
            content_check([dt.date(2021, 3, 13), dt.date(2021, 3, 14), dt.date(2021, 4, 1)]),
        ),
        Case(
            "tiktok-content-resaved-day-first",
            {"Content.csv": csvb(tt_content(["20/6/2022", "1/7/2022", "3/7/2022"]), crlf=True)},
            {"Content.csv": ("tiktok-studio", "per-video", 3)},
            content_check([dt.date(2022, 6, 20), dt.date(2022, 7, 1), dt.date(2022, 7, 3)]),
        ),
        Case(
            "tiktok-content-zip-with-folder",
            {"Content_me.zip": zipped({"Content/Content.csv": tt(tt_content(across))})},
            {"Content.csv": ("tiktok-studio", "per-video", 4)},
            content_check(
                [
                    dt.date(2025, 12, 30),
                    dt.date(2025, 12, 31),
                    dt.date(2026, 1, 1),
                    dt.date(2026, 1, 3),
                ]
            ),
        ),
    ]
    overview = [
        ["Date", "Video Views", "Profile Views", "Likes", "Comments", "Shares"],
        ["December 30", "1,200", "40", "100", "5", "2"],
        ["December 31", "1.5K", "55", "120", "6", "3"],
        ["January 1", "2K", "61", "150", "--", "4"],
    ]

    def overview_check(first, last):
        def check(ds):
            views = ds.daily.filter(pl.col("metric") == "views").sort("date")
            assert views["date"].to_list()[0] == first and views["date"].to_list()[-1] == last
            assert views["value"].to_list() == [1200, 1500, 2000]

        return check

    cases += [
        Case("tiktok-overview-zip-epoch-window",
             {"Overview_2025-12-07_1767571200_me.zip": zipped({"Overview.csv": tt(overview)})},
             {"Overview.csv": ("tiktok-studio", "per-day", 3)},
             overview_check(dt.date(2025, 12, 30), dt.date(2026, 1, 1))),
        Case("tiktok-overview-spanish-dates",
             {"Overview_2026-03-01_1773878400_me.zip": zipped({"Overview.csv": tt(
                 [overview[0], ["8 de marzo", "1,200", "1", "1", "1", "1"],
                  ["9 de marzo", "1.5K", "1", "1", "1", "1"],
                  ["10 de marzo", "2K", "1", "1", "1", "1"]])})},
             {"Overview.csv": ("tiktok-studio", "per-day", 3)},
             overview_check(dt.date(2026, 3, 8), dt.date(2026, 3, 10))),
        Case("tiktok-overview-french-dates-across-year",
             {"Overview_2025-12-01_1767571200_me.zip": zipped({"Overview.csv": tt(
                 [overview[0], ["30 décembre", "1,200", "1", "1", "1", "1"],
                  ["31 décembre", "1.5K", "1", "1", "1", "1"],
                  ["1 janvier", "2K", "1", "1", "1", "1"]])})},
             {"Overview.csv": ("tiktok-studio", "per-day", 3)},
             overview_check(dt.date(2025, 12, 30), dt.date(2026, 1, 1))),
        Case("tiktok-follower-history",
             {"Followers_me.zip": zipped({"Followers/FollowerHistory.csv": tt(
                 [["Date", "Followers", " Difference in followers from previous day"],
                  ["2026-01-01", "10,100", "12"], ["2026-01-02", "10,090", "-10"]])})},
             {"FollowerHistory.csv": ("tiktok-studio", "per-day", 2)},
             lambda ds: ds.daily.filter(pl.col("metric") == "follows")["value"].to_list()
             == [12, -10] or pytest.fail("history")),
        Case("tiktok-follower-activity-0-23",
             {"FollowerActivity.csv": tt([["Date", "Hour", "Active followers"]] + [
                 ["2026-01-01", str(h), str(100 + h)] for h in range(24)])},
             {"FollowerActivity.csv": ("tiktok-studio", "per-hour", 24)},
             lambda ds: ds.follower_activity["hour"].to_list() == list(range(24))
             or pytest.fail("hours")),
        Case("tiktok-follower-activity-1-24-yearless",
             {"Followers_me.zip": zipped({"FollowerActivity.csv": tt(
                 [["Date", "Hour", "Active followers"]] + [
                     [d, str(h), "1.2K"] for d in ("December 31", "January 1")
                     for h in range(1, 25)])}),
              "Overview_2025-12-07_1767571200_me.zip": zipped({"Overview.csv": tt(overview)})},
             {"FollowerActivity.csv": ("tiktok-studio", "per-hour", 48),
              "Overview.csv": ("tiktok-studio", "per-day", 3)},
             lambda ds: (ds.follower_activity["hour"].max() == 23
                         and ds.follower_activity["date"].max() == dt.date(2026, 1, 1)
                         and ds.follower_activity["active"].max() == 1200)
             or pytest.fail("activity")),
        Case("tiktok-follower-gender-percent",
             {"FollowerGender.csv": tt([["Gender", "Distribution"], ["Female", "62%"],
                                        ["Male", "35%"], ["Other", "3%"]])},
             {"FollowerGender.csv": ("tiktok-studio", "by-gender", 3)},
             lambda ds: ds.breakdowns["value"].to_list() == pytest.approx([0.62, 0.35, 0.03])
             or pytest.fail("gender")),
        Case("tiktok-follower-territories-fraction",
             {"FollowerTopTerritories.csv": tt([["Top territories", "Distribution"],
                                                ["US", "0.59"], ["MX", "0.21"]])},
             {"FollowerTopTerritories.csv": ("tiktok-studio", "by-territory", 2)},
             lambda ds: ds.breakdowns["value"].to_list() == pytest.approx([0.59, 0.21])
             or pytest.fail("territories")),
        Case("tiktok-viewers-per-day",
             {"Viewers.csv": tt([["Date", "Total Viewers", "New Viewers", "Returning Viewers"],
                                 ["2026-03-08", "1,000", "600", "400"],
                                 ["2026-03-09", "1.1K", "700", "400"]])},
             {"Viewers.csv": ("tiktok-studio", "per-day", 2)},
             lambda ds: ds.daily.filter(pl.col("metric") == "new_viewers")["value"].to_list()
             == [600, 700] or pytest.fail("viewers")),
        Case("tiktok-viewers-distribution",
             {"Viewers.csv": tt([["Viewers", "Distribution"], ["New viewers", "70%"],
                                 ["Returning viewers", "30%"]])},
             {"Viewers.csv": ("tiktok-studio", "by-viewer-type", 2)},
             lambda ds: ds.breakdowns["value"].to_list() == pytest.approx([0.7, 0.3])
             or pytest.fail("viewer shares")),
        Case("tiktok-viewers-one-row",
             {"Viewers.csv": tt([["New viewers", "Returning viewers"], ["1.2K", "300"]])},
             {"Viewers.csv": ("tiktok-studio", "by-viewer-type", 1)},
             lambda ds: ds.breakdowns.sort("key")["value"].to_list() == [1200.0, 300.0]
             or pytest.fail("viewer counts")),
    ]  # fmt: skip
    return cases


# ---------------------------------------------------------------------------------------
# Douyin, Xiaohongshu, WeChat Channels: xlsx and csv, UTF-8 and GB18030

DY_HEAD = [
    "作品名称",
    "发布时间",
    "体裁",
    "审核状态",
    "播放量",
    "完播率",
    "5s完播率",
    "封面点击率",
    "2s跳出率",
    "平均播放时长",
    "点赞量",
    "分享量",
    "评论量",
    "收藏量",
    "主页访问量",
    "粉丝增量",
]
DY_ROWS = [
    ["零基础学Python\n第一课 #编程 #Python", "2026-03-01 12:00:00", "视频", "审核通过", "1.2万",
     "0.074074", "0.3", "0.05", "0.4", "18秒", "860", "40", "25", "120", "300", "45"],
    ["理财入门 #理财", "2026-03-05 20:30:00", "视频", "审核通过", "3亿", "0.125", "-", "0.061",
     "-", "9.53", "120", "8", "-", "30", "41", "7"],
    ["图文：学习计划 #学习", "2026-03-08 08:00:00", "图文", "审核通过", "980", "-", "-", "-",
     "-", "-", "12", "0", "1", "5", "-", "0"],
]  # fmt: skip
DY_PCT = [[*r[:5], p, *r[6:7], c, *r[8:]] for r, p, c in zip(
    DY_ROWS, ["7.4%", "12.5%", "-"], ["5%", "6.1%", "-"], strict=True)]  # fmt: skip


def dy_check(pct: bool):
    def check(ds):
        works = ds.videos.sort("published_at")
        first = works.row(0, named=True)
        assert first["views"] == 12000 and first["avg_view_s"] == 18
        assert first["completion_rate"] == pytest.approx(0.074 if pct else 0.074074)
        assert first["published_at"] == D(2026, 3, 1, 12)
        assert set(first["tags"]) == {"编程", "Python"}
        assert works.row(1, named=True)["views"] == 300_000_000  # 3亿
        assert works.row(1, named=True)["comments"] is None  # `-`
        assert works.row(2, named=True)["format"] == "图文"
        assert works["video_id"].str.starts_with("douyin-").all()

    return check


XHS_HEAD = [
    "笔记标题",
    "首次发布时间",
    "体裁",
    "曝光",
    "观看量",
    "封面点击率",
    "点赞",
    "评论",
    "收藏",
    "涨粉",
    "分享",
    "人均观看时长",
    "弹幕",
]
XHS_ROWS = [
    ["早起打卡 #自律", "2026年03月24日17时33分05秒", "图文", "12235.0", "3000.0",
     "7.4999999999999997E-2", "120.0", "8.0", "30.0", "4.0", "2.0", "0", "0"],
    ["AI 入门 #AI", "2026年03月26日09时00分00秒", "视频", "5000.0", "1200.0", "0.221", "60.0",
     "3.0", "10.0", "1.0", "0.0", "25", "3"],
]  # fmt: skip
XHS_BANNER = "最多导出排序后前1000条笔记"


def xhs_check(ds):
    notes = ds.videos.sort("published_at")
    a = notes.row(0, named=True)
    assert a["impressions"] == 12235 and a["ctr"] == pytest.approx(0.075)
    assert a["published_at"] == D(2026, 3, 24, 17, 33, 5) and a["tags"] == ["自律"]
    assert notes.row(1, named=True)["avg_view_s"] == 25


WX_HEAD = [
    "视频描述",
    "视频ID",
    "发布时间",
    "完播率",
    "平均播放时长",
    "播放量",
    "推荐",
    "喜欢",
    "评论量",
    "分享量",
    "关注量",
    "转发聊天和朋友圈",
    "设为铃声",
    "设为状态",
    "设为朋友圈封面",
]
WX_ROWS = [
    ["三分钟讲清复利\n#理财 #复利", "export/UzFfAgtgekIEAQAAAAAAb", "2024/05/01", "11.14%",
     "32.50秒", "1,203", "300", "88", "12", "30", "5", "9", "0", "1", "0"],
    ["Excel快捷键 #效率", "export/UzFfAgtgekIEAQAAAAAAc", "2024/05/03", "8.5%", "18秒", "860",
     "210", "40", "3", "10", "2", "4", "0", "0", "0"],
]  # fmt: skip


def wx_check(ds):
    a = video(ds, "export/UzFfAgtgekIEAQAAAAAAb")
    assert a["title"] == "三分钟讲清复利" and set(a["tags"]) == {"理财", "复利"}
    assert a["completion_rate"] == pytest.approx(0.1114) and a["avg_view_s"] == 32.5
    assert a["views"] == 1203 and a["published_at"] == D(2024, 5, 1)


def china_cases() -> list[Case]:
    dy = "作品列表导出"
    xhs = "笔记列表明细表"
    wx = "视频号动态数据明细"
    return [
        Case("douyin-xlsx-text-numbers", {f"{dy}.xlsx": xlsx([DY_HEAD, *DY_ROWS])},
             {f"{dy}.xlsx": ("douyin", "per-video", 3)}, dy_check(False)),
        Case("douyin-xlsx-percent-rates", {f"{dy}.xlsx": xlsx([DY_HEAD, *DY_PCT])},
             {f"{dy}.xlsx": ("douyin", "per-video", 3)}, dy_check(True)),
        Case("douyin-csv-utf8", {f"{dy}.csv": csvb([DY_HEAD, *DY_ROWS], "utf-8-sig")},
             {f"{dy}.csv": ("douyin", "per-video", 3)}, dy_check(False)),
        Case("douyin-csv-gb18030", {f"{dy}.csv": csvb([DY_HEAD, *DY_ROWS], "gb18030", crlf=True)},
             {f"{dy}.csv": ("douyin", "per-video", 3)}, dy_check(False)),
        Case("douyin-columns-reordered",
             {f"{dy}.xlsx": xlsx([[r[i] for i in (4, 0, 10, 1, 5, 9, 2, 12)]
                                  for r in [DY_HEAD, *DY_ROWS]])},
             {f"{dy}.xlsx": ("douyin", "per-video", 3)},
             lambda ds: ds.videos.sort("published_at")["views"].to_list()
             == [12000, 300_000_000, 980] or pytest.fail("douyin")),
        Case("xiaohongshu-xlsx-banner", {f"{xhs}.xlsx": xlsx([XHS_HEAD, *XHS_ROWS], XHS_BANNER)},
             {f"{xhs}.xlsx": ("xiaohongshu", "per-video", 2)}, xhs_check),
        Case("xiaohongshu-xlsx-real-numbers",
             {f"{xhs}.xlsx": xlsx([XHS_HEAD, *XHS_ROWS], XHS_BANNER, numbers_as_text=False)},
             {f"{xhs}.xlsx": ("xiaohongshu", "per-video", 2)}, xhs_check),
        Case("xiaohongshu-csv-banner-utf8",
             {f"{xhs}.csv": enc(XHS_BANNER + "\n" + text([XHS_HEAD, *XHS_ROWS]), "utf-8-sig")},
             {f"{xhs}.csv": ("xiaohongshu", "per-video", 2)}, xhs_check),
        Case("xiaohongshu-csv-gb18030-resaved",
             {f"{xhs}.csv": csvb([XHS_HEAD, *XHS_ROWS], "gb18030", crlf=True)},
             {f"{xhs}.csv": ("xiaohongshu", "per-video", 2)}, xhs_check),
        Case("wechat-csv-bom-crlf",
             {f"{wx}.csv": csvb([WX_HEAD, *WX_ROWS], "utf-8-sig", crlf=True)},
             {f"{wx}.csv": ("wechat-channels", "per-video", 2)}, wx_check),
        Case("wechat-csv-gb18030", {f"{wx}.csv": csvb([WX_HEAD, *WX_ROWS], "gb18030", crlf=True)},
             {f"{wx}.csv": ("wechat-channels", "per-video", 2)}, wx_check),
        Case("wechat-xlsx", {f"{wx}.xlsx": xlsx([WX_HEAD, *WX_ROWS])},
             {f"{wx}.xlsx": ("wechat-channels", "per-video", 2)}, wx_check),
        Case("china-folder-three-platforms",
             {f"{dy}.xlsx": xlsx([DY_HEAD, *DY_ROWS]),
              f"{xhs}.xlsx": xlsx([XHS_HEAD, *XHS_ROWS], XHS_BANNER),
              f"{wx}.csv": csvb([WX_HEAD, *WX_ROWS], "utf-8-sig", crlf=True)},
             {f"{dy}.xlsx": ("douyin", "per-video", 3),
              f"{xhs}.xlsx": ("xiaohongshu", "per-video", 2),
              f"{wx}.csv": ("wechat-channels", "per-video", 2)},
             lambda ds: ds.videos.height == 7 or pytest.fail("seven works")),
    ]  # fmt: skip


# ---------------------------------------------------------------------------------------
# stores and members

EMAILS = ("ana.buyer@example.com", "bo@example.org", "chen.wei@example.net")
GUMROAD_HEAD = [
    "Purchase ID",
    "Item Name",
    "Buyer Name",
    "Purchase Email",
    "Buyer Email",
    "Purchase Date",
    "Purchase Time (UTC timezone)",
    "Subtotal ($)",
    "Sale Price ($)",
    "Fees ($)",
    "Net Total ($)",
    "Refunded?",
    "Product ID",
]
GUMROAD_ROWS = [
    ["p1", "Python course", "Ana", EMAILS[0], EMAILS[0], "2026-09-25", "10:00:00 +0000", "29.0",
     "29.0", "3.2", "25.8", "false", "g1"],
    ["p2", "Budget pack", "Bo", EMAILS[1], EMAILS[1], "2026-09-26", "11:30:00 +0000", "15.0",
     "15.0", "1.8", "13.2", "false", "g2"],
    ["p3", "Python course", "Chen", EMAILS[2], EMAILS[2], "2026-09-27", "09:00:00 +0000", "29.0",
     "29.0", "3.2", "25.8", "true", "g1"],
    ["Totals", "", "", "", "", "", "", "73.0", "73.0", "8.2", "64.8", "", ""],
]  # fmt: skip
STRIPE_HEAD = [
    "id",
    "Created date (UTC)",
    "Amount",
    "Amount Refunded",
    "Currency",
    "Captured",
    "Description",
    "Status",
    "Customer ID",
    "Customer Email",
]
STRIPE_ROWS = [
    ["ch_1", "2026-09-29 10:00", "49.00", "0.00", "usd", "TRUE", "Coaching call", "Paid", "cus_A",
     EMAILS[1]],
    ["ch_2", "2026-09-29 11:00", "49.00", "49.00", "usd", "true", "Coaching call", "Refunded",
     "cus_B", EMAILS[2]],
    ["ch_3", "2026-09-30 12:00", "99.00", "0.00", "usd", "true", "Python course", "Paid", "cus_C",
     EMAILS[0]],
]  # fmt: skip
ORDERS_ZH = [
    ["订单号", "商品名称", "用户ID", "买家昵称", "手机号", "支付时间", "实付金额", "订单状态"],
    ["D001", "零基础学Python 第一课", "u-1001", "小王", "13800000000", "2026-03-02 10:00:00",
     "¥99.00", "已支付"],
    ["D002", "理财训练营", "u-1002", "小李", "13900000000", "2026-03-06 21:00:00", "199", "已支付"],
    ["D003", "理财训练营", "u-1003", "小赵", "13700000000", "2026-03-07 09:00:00", "199", "已退款"],
]  # fmt: skip


def amounts(expected):
    def check(ds):
        got = sorted(ds.interactions["amount"].to_list())
        assert got == pytest.approx(sorted(expected)), got
        assert ds.interactions["user_id"].str.contains(r"^b-[0-9a-f]{16}$").all()
        out = ds.interactions.write_csv() + ds.videos.write_ndjson()
        assert not any(e in out for e in EMAILS) and "13800000000" not in out

    return check


def store_cases() -> list[Case]:
    lemon = [["identifier", "order_number", "product_name", "variant_name", "user_name",
              "user_email", "currency", "status", "refunded", "total", "date_utc"],
             ["a1", "1001", "Python course", "Default", "Dee", EMAILS[0], "USD", "paid", "false",
              "2900", "2026-09-28 08:00:00"],
             ["a2", "1002", "Budget pack", "Default", "Ana", EMAILS[1], "USD", "refunded", "true",
              "1500", "2026-09-28 09:00:00"]]  # fmt: skip
    members = [
        [
            "Member ID",
            "email",
            "CreatedAt",
            "Verified",
            "Stripe Customer ID",
            "Free Plans (plan ids)",
            "Paid Plans (price ids)",
            "Last Login",
        ],
        ["mem_1", EMAILS[0], "9/20/2026", "true", "cus_A", "pln_free", "prc_pro", "9/30/2026"],
        ["mem_2", EMAILS[1], "9/21/2026", "false", "", "pln_free", "", "9/22/2026"],
    ]
    orders_en = [["Order number", "Product name", "Customer email", "Paid at", "Amount", "Status"],
                 ["1", "Python course", EMAILS[0], "2026-10-01 10:00", "$29.00", "paid"],
                 ["2", "Python course", EMAILS[1], "2026-10-02 10:00", "$29.00",
                  "refunded"]]  # fmt: skip
    return [
        Case("gumroad-sales", {"sales.csv": csvb([GUMROAD_HEAD, *GUMROAD_ROWS])},
             {"sales.csv": ("gumroad", "sales", 2)}, amounts([29.0, 15.0])),
        Case("lemonsqueezy-orders", {"orders.csv": csvb(lemon, quote_all=True)},
             {"orders.csv": ("lemonsqueezy", "sales", 1)}, amounts([29.0])),
        Case("stripe-semicolons", {"unified_payments.csv": csvb([STRIPE_HEAD, *STRIPE_ROWS],
                                                                 sep=";")},
             {"unified_payments.csv": ("stripe", "sales", 2)}, amounts([49.0, 99.0])),
        Case("stripe-semicolons-decimal-commas",
             {"unified_payments.csv": csvb(
                 [STRIPE_HEAD] + [[c.replace(".00", ",00") for c in r] for r in STRIPE_ROWS],
                 sep=";", crlf=True)},
             {"unified_payments.csv": ("stripe", "sales", 2)}, amounts([49.0, 99.0])),
        Case("stripe-commas", {"payments.csv": csvb([STRIPE_HEAD, *STRIPE_ROWS])},
             {"payments.csv": ("stripe", "sales", 2)}, amounts([49.0, 99.0])),
        Case("memberstack-members", {"members.csv": csvb(members)},
             {"members.csv": ("memberstack", "members", 3)},
             lambda ds: ("no amounts" in notices(ds)
                         and ds.interactions.filter(pl.col("event") == "purchase").height == 1)
             or pytest.fail("members")),
        Case("orders-zh-csv", {"订单.csv": csvb(ORDERS_ZH)},
             {"订单.csv": ("orders", "sales", 2)}, amounts([99.0, 199.0])),
        Case("orders-zh-gb18030", {"订单.csv": csvb(ORDERS_ZH, "gb18030", crlf=True)},
             {"订单.csv": ("orders", "sales", 2)}, amounts([99.0, 199.0])),
        Case("orders-zh-xlsx", {"订单.xlsx": xlsx(ORDERS_ZH)},
             {"订单.xlsx": ("orders", "sales", 2)}, amounts([99.0, 199.0])),
        Case("orders-en", {"my-orders.csv": csvb(orders_en)},
             {"my-orders.csv": ("orders", "sales", 1)}, amounts([29.0])),
        Case("studio-and-stores-one-dataset",
             {"yt.zip": zipped({"Table data.csv": csvb(yt_table())}),
              "videos.csv": csvb([TAKEOUT_HEAD, *TAKEOUT_ROWS]),
              "sales.csv": csvb([GUMROAD_HEAD, *GUMROAD_ROWS])},
             {"Table data.csv": ("youtube-studio", "per-video", 3),
              "videos.csv": ("youtube-takeout", "per-video", 2),
              "sales.csv": ("gumroad", "sales", 2)},
             lambda ds: (yt_check(ds), amounts([29.0, 15.0])(ds))),
    ]  # fmt: skip


CASES = studio_cases() + takeout_cases() + tt_cases() + china_cases() + store_cases()
