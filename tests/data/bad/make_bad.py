"""Writes the bad-input corpus in this folder. Run it again after changing it; commit the files.

The 10 MB single-field file is not committed: the test writes it into a temporary folder.
"""

from __future__ import annotations

import gzip
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
V = "video_id,title,description,tags,views\n"


def w(name: str, data: str | bytes, encoding: str = "utf-8") -> None:
    path = HERE / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))


def main() -> None:
    rnd = random.Random(0)
    w("empty.csv", b"")
    w("blank_lines.csv", "\n\n   \n\n")
    w("header_only/videos.csv", V)
    w("bom_header_only.csv", b"\xef\xbb\xbf" + V.encode())
    w("missing_title.csv", "video_id,description,tags\nv1,hello,a|b\nv2,world,c\n")
    w("wrong_delimiter.csv", "video_id:title:tags\nv1:Learn Python:python\nv2:SQL basics:sql\n")
    w(
        "ragged_rows.csv",
        V + "v1,Python 101,intro,python,10\nv2,SQL,too,many,fields,here,9\n"
        "v3,Short row\nv4,Fine,desc,x,4\n",
    )
    w(
        "gbk_bad_date.csv",
        "视频ID,标题,标签,发布时间\n001,学习Python编程,编程|Python,2024-01-05\n"
        "002,机器学习入门,机器学习,明天\n",
        encoding="gbk",
    )
    w("utf16.csv", V.encode("utf-16"))
    w("binary.csv", bytes(rnd.randrange(256) for _ in range(4096)))
    w("garbage.xlsx", bytes(rnd.randrange(256) for _ in range(2048)))
    w("fake_excel.xlsx", V + "v1,Python 101,intro,python,10\n")
    w("broken.parquet", b"PAR1" + bytes(rnd.randrange(256) for _ in range(512)))
    w(
        "bad_lines.jsonl",
        '{"video_id": "v1", "title": "ok"}\n{"video_id": "v2", "title": \nnot json at all\n',
    )
    w("duplicate_ids.csv", V + "v1,First,,a,10\nv2,Second,,b,20\nv1,First again,,a,15\n")
    w("negative_counts.csv", V + "v1,First,,a,-5\nv2,Second,,b,20\n")
    w("nan_inf.csv", V + "v1,First,,a,NaN\nv2,Second,,b,inf\nv3,Third,,c,-inf\n")
    w("text_in_numbers.csv", V + "v1,First,,a,lots\nv2,Second,,b,1.2万\n")
    w("empty_ids.csv", V + ",No id,,a,1\nv2,Has id,,b,2\n")
    w("unbalanced_quote.csv", V + 'v1,"Never closed,desc,a,1\nv2,Second,,b,2\n')
    w("no_data_files/notes.md", "# nothing here\n")
    w("no_data_files/cover.png", b"\x89PNG\r\n\x1a\n" + bytes(64))
    vids = "video_id,title,tags\nv1,Python 101,python\nv2,SQL basics,sql\n"
    w("unknown_events/videos.csv", vids)
    w(
        "unknown_events/interactions.csv",
        "user_id,video_id,event,ts\nu1,v1,view,2024-01-01 10:00:00\n"
        "u1,v1,dance,2024-01-01 10:01:00\nu2,v2,teleport,2024-01-02 11:00:00\n",
    )
    w("bad_dates/videos.csv", vids)
    w(
        "bad_dates/interactions.csv",
        "user_id,video_id,event,ts\nu1,v1,view,2024-13-45 10:00:00\nu1,v2,like,yesterday\n"
        "u2,v2,view,1704103200\n",
    )
    w("unknown_video/videos.csv", vids)
    w(
        "unknown_video/interactions.csv",
        "user_id,video_id,event\nu1,v1,view\nu1,v9,view\nu2,v8,purchase\n",
    )
    w("missing_event/videos.csv", vids)
    w("missing_event/interactions.csv", "user_id,video_id,ts\nu1,v1,2024-01-01\n")
    w("only_interactions/interactions.csv", "user_id,video_id,event\nu1,v1,view\n")
    hostile(rnd)


def hostile(rnd: random.Random) -> None:
    """Issue 18's classes: each must give a one-line message or a reported problem."""
    import json

    vd = "video_id,title,tags,views,price,duration_s\n"
    good = vd + "v1,Python 101,python,10,0,60\n"
    # a shifted (short) row in a quoted file: tags "199", price 5000 if read silently
    rows = [f'v{i},"Title, {i}","a|b",{i},9.9,60\n' for i in range(1, 600)]
    rows[499] = 'v500,"Title, 500",199,5000\n'
    w("shifted_quoted.csv", vd + "".join(rows))
    # a quote opened on row 5 and never closed: 36 rows would vanish into one field
    lines = [f"v{i},Title {i},a,{i},0,1\n" for i in range(1, 41)]
    lines[3] = 'v4,"Title 4,a,4,0,1\n'
    w("unclosed_quote_rows.csv", vd + "".join(lines))
    w(
        "decimal_comma.csv",
        "video_id;title;tags;price;duration_s\nv1;A;x;123,5;60\nv2;B;y;99,9;30,5\n",
    )
    w("thousands_semicolon.csv", "video_id;title;views\nv1;A;1,234\nv2;B;5,678\n")
    w("duplicate_title.csv", "video_id,title,title,tags\nv1,first,second,a\nv2,x,y,b\n")
    w("alias_clash.csv", "video_id,title,标题,tags\nv1,first,第二,a\nv2,x,y,b\n")
    w(
        "nested.jsonl",
        json.dumps({"video_id": "v1", "title": {"en": "Hi"}, "views": 3})
        + "\n"
        + json.dumps({"video_id": "v2", "title": "ok", "views": 4})
        + "\n",
    )
    w("deep.json", "[" * 5000 + "]" * 5000)
    w("deep.jsonl", '{"video_id": "v1", "title": ' + "[" * 5000 + "]" * 5000 + "}\n")
    w(
        "implausible.csv",
        vd + "v1,A,a,1.5,1e308,1e20\nv2,B,b,10,5,60\nv3,C,c,2.5,20000000,100000\n",
    )
    w(
        "huge_tags.csv",
        vd + "v1,A," + "|".join(f"t{i}" for i in range(20000)) + ",1,0,1\nv2,B,b,2,0,1\n",
    )
    body = "".join(f"v{i},学习编程第{i}课,编程,1,0,1\n" for i in range(1, 21))
    w("bad_byte.csv", (vd + body).encode() + b"v21,\xff\xfebad,a,1,0,1\n")
    w("bad_byte_short.csv", (vd + "v1,标题,a,1,0,1\n").encode() + b"v2,\xff\xfebad,a,1,0,1\n")
    w("stray_config/videos.csv", good)
    w("stray_config/config.json", "{}")
    w("stray_config/thumbs.json", bytes(rnd.randrange(256) for _ in range(4096)))
    w("stray_config/notes.csv", "when,what\nmonday,film\n")
    w("side_by_side/videos.csv", good)
    _parquet("side_by_side/videos.parquet", {"video_id": ["v2"], "title": ["B"], "views": [3]})
    _parquet("parquet_struct.parquet", {"video_id": ["v1"], "title": [{"en": "x"}]})
    _parquet("parquet_binary.parquet", {"video_id": [b"v1"], "title": [b"\xff\xfe"]})
    _parquet_null("parquet_null.parquet")
    _xlsx_big("xlsx_1e300.xlsx")
    _xlsx_formula("xlsx_formula.xlsx")
    _xlsx_serial_dates("xlsx_serial_dates.xlsx")
    # third pass: line ends and bytes the first checks missed
    rows = [f"v{i},T{i},a,{i},0,1" for i in range(1, 11)]
    w("mixed_line_ends.csv", vd + "\n".join(rows[:4]) + "\n" + "\r".join(rows[4:]) + "\r")
    w("cr_in_quotes.csv", vd + 'v1,"two\rlines",a,1,0,1\nv2,B,b,2,0,1\n')
    body = "".join(f"v{i},Title {i},a,{i},0,1\n" for i in range(1, 1000)).encode()
    at = body.index(b"v800,") + 7
    w("nul_late.csv", vd.encode() + body[:at] + b"\x00" + body[at:])
    rows = "".join(f"v{i},Title {i},a,{i},0,1\n" for i in range(1, 4))
    w("joined_exports.csv", "\ufeff" + vd + rows + "\ufeff" + vd + rows.replace("v", "w"))
    w("utf16_nobom.csv", (vd + rows).encode("utf-16-le"))
    w("utf32.csv", (vd + rows).encode("utf-32"))
    w("gzip.csv", gzip.compress((vd + rows).encode(), mtime=0))
    w(
        "fullwidth_numbers.csv",
        "video_id,title,views,price\nv1,A,１２３,９．９\nv2,B,１，２３４,０\n",
    )
    w("crcrlf.csv", (vd + rows).replace("\n", "\r\r\n"))  # Python's csv on Windows in text mode
    w(
        "dup_keys.jsonl",
        '{"video_id": "v1", "title": "first", "title": "second"}\n'
        '{"video_id": "v2", "title": "B"}\n',
    )
    w("row_column.csv", "video_id,title,_kptui_row\nv1,A,5\nv2,B,6\n")
    # fourth pass: a JSON array cut into blocks where `},{` may sit inside a string
    w(
        "array_tricky.json",
        '[{"video_id": "v1", "title": "a},{b \\"q\\": null}, {"},\n'
        ' {"video_id": "v2", "title": "\\u4e2d\\u6587", "tags": ["x", "y"]},\n'
        ' {"video_id": "v3", "title" : "first", "title" : "second"},\n'
        ' {"video_id": "v4", "title": "kept", "title": null}]\n',
    )
    w("ctrl_z.csv", (vd + rows).replace("\n", "\r\n").encode() + b"\x1a")  # as DOS tools end files
    w(
        "dup_keys_spaced.jsonl",
        '{"video_id": "v1", "title" : "first", "title" : "second"}\n'
        '{"video_id": "v2", "title": "B", "title": null}\n',
    )
    w(
        "thousands_dots.csv",
        "video_id;title;views;price\nv1;A;1.234;1.234,50\nv2;B;12.345.678;12,5\nv3;C;7;9,9\n",
    )


def _parquet(name: str, columns: dict) -> None:
    import polars as pl

    path = HERE / name
    path.parent.mkdir(parents=True, exist_ok=True)
    pl.DataFrame(columns).write_parquet(path)


def _parquet_null(name: str) -> None:
    import polars as pl

    schema = {"video_id": pl.Utf8, "title": pl.Null, "tags": pl.Null}
    frame = pl.DataFrame({"video_id": ["v1"], "title": [None], "tags": [None]}, schema=schema)
    frame.write_parquet(HERE / name)


def _xlsx_big(name: str) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(HERE / name))
    ws = wb.add_worksheet("videos")
    ws.write_row(0, 0, ["video_id", "title", "views", "duration_s"])
    ws.write_row(1, 0, ["v1", "A", 1e300, 1e300])
    wb.close()


def _xlsx_formula(name: str) -> None:
    """Formulas as xlsxwriter writes them: no calculated value (Excel would compute it)."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(HERE / name))
    ws = wb.add_worksheet("videos")
    ws.write_row(0, 0, ["video_id", "title", "views"])
    ws.write(1, 0, "v1")
    ws.write_formula(1, 1, '=CONCAT("a","b")')
    ws.write_formula(1, 2, "=1+2")
    ws.write_row(2, 0, ["v2", "Plain", 5])
    extra = wb.add_worksheet("interactions")
    extra.write_row(0, 0, ["user_id", "video_id", "event"])
    extra.write_row(1, 0, ["u1", "v1", "view"])
    wb.close()


def _xlsx_serial_dates(name: str) -> None:
    """Dates saved as plain numbers (the cells lost their date format), a merged title."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(HERE / name))
    ws = wb.add_worksheet("videos")
    ws.write_row(0, 0, ["video_id", "title", "views", "published_at"])
    ws.merge_range(1, 1, 2, 1, "Merged title")
    for row, (vid, views, day) in enumerate((("v1", 10, 45292), ("v2", 20, 45292.5)), start=1):
        ws.write(row, 0, vid)
        ws.write_number(row, 2, views)
        ws.write_number(row, 3, day)
    wb.close()


if __name__ == "__main__":
    main()
