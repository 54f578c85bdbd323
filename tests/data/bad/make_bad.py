"""Writes the bad-input corpus in this folder. Run it again after changing it; commit the files.

The 10 MB single-field file is not committed: the test writes it into a temporary folder.
"""

from __future__ import annotations

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


if __name__ == "__main__":
    main()
