"""Hostile inputs as a user runs them: time, peak memory, exit code, and no traceback.

    python bench/bench_hostile.py [--mb 200] [--keep DIR] [--only NAME]

Writes the inputs into a temporary folder (nothing committed: some are 200 MB), adds every
case of the bad-input corpus (tests/data/bad, `--only corpus` for those alone), runs
`kptui data inspect` (and `tags suggest`, `ab test` where they are the costly path) in a
process of its own with `/usr/bin/time`-style accounting from `resource` (the whole process's
peak RSS, polars' own memory included) and a fresh cache folder, and prints one line per case:
wall and CPU seconds, peak RSS in MB, exit code, and the first line of stderr. The issue 18
budget is <= 5 s and <= 1 GB for any input under 200 MB, 10,000 junk files <= 1 s of loading.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

VD = "video_id,title,description,tags,views,price,duration_s\n"
XLSX_ROWS = 1_048_576  # rows in an Excel sheet, the header's included


def _big_quoted(path: Path, mb: int) -> None:
    """A quoted CSV of about `mb` MB with one short (shifted) row in the middle."""
    row = (
        '"v{i}","Title, {i} 学习编程","a long description, quoted, with commas",'
        '"a|b|c",{i},9.9,60\n'
    )
    n = mb * 1024 * 1024 // len(row.format(i=10**6).encode())
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(VD)
        for i in range(n):
            fh.write(f'v{i},"Title {i}",199,5000\n' if i == n // 2 else row.format(i=i))


def _big_interactions(folder: Path, mb: int) -> None:
    rnd = random.Random(0)
    with open(folder / "videos.csv", "w", encoding="utf-8") as fh:
        fh.write(VD)
        for i in range(2000):
            fh.write(f"v{i},Title {i},,a|b,{i},0,60\n")
    line = "user_id,video_id,event,ts\n"
    n = mb * 1024 * 1024 // 40
    with open(folder / "interactions.csv", "w", encoding="utf-8") as fh:
        fh.write(line)
        for _ in range(n):
            fh.write(f"u{rnd.randrange(50_000)},v{rnd.randrange(2000)},view,2024-01-01 10:00:00\n")


def _lines(path: Path, mb: int, make, encoding: str = "utf-8", head: str = "") -> None:
    """`make(i)` for i = 0, 1, ... until the file holds about `mb` MB in `encoding`."""
    target = mb * 1024 * 1024
    size = i = 0
    with open(path, "w", encoding=encoding, newline="") as fh:
        fh.write(head)
        while size < target:
            block: list[str] = []
            chars = 0
            while chars < 1 << 20:
                block.append(make(i))
                chars += len(block[-1])
                i += 1
            text = "".join(block)
            fh.write(text)
            size += len(text.encode(encoding))


def _event(i: int) -> str:
    return f"u{(i * 7919) % 50_000},v{(i * 104729) % 2000},view,2024-01-01 10:00:00\n"


def _third_pass(root: Path, mb: int, write: bool) -> list[tuple[str, list[str]]]:
    """Readers' other paths at full size: each holds the file in memory in some form."""
    cases = []
    small = VD + "".join(f"v{i},Title {i},,a|b,{i},0,60\n" for i in range(2000))

    def folder(name: str, fill) -> Path:
        path = root / name
        if write:
            path.mkdir(exist_ok=True)
            (path / "videos.csv").write_text(small, encoding="utf-8")
            fill(path)
        return path

    def jsonl(path: Path) -> None:
        _lines(
            path / "interactions.jsonl",
            mb,
            lambda i: (
                f'{{"user_id": "u{(i * 7919) % 50_000}", "video_id": '
                f'"v{(i * 104729) % 2000}", "event": "view", "ts": "2024-01-01 10:00:00"}}\n'
            ),
        )

    cases.append(("JSON Lines interactions", ["data", "inspect", str(folder("jsonl", jsonl))]))

    def json_array(path: Path) -> None:  # `[{...},\n {...}]`, as many tools write .json
        _lines(
            path / "interactions.json",
            mb,
            lambda i: (
                f'{"[" if i == 0 else ","}\n {{"user_id": "u{(i * 7919) % 50_000}", '
                f'"video_id": "v{(i * 104729) % 2000}",\n  "event": "view", '
                f'"ts": "2024-01-01 10:00:00"}}'
            ),
        )
        with open(path / "interactions.json", "a", encoding="utf-8") as fh:
            fh.write("\n]\n")

    cases.append(("JSON array interactions", ["data", "inspect", str(folder("jarr", json_array))]))

    def utf16(path: Path) -> None:
        _lines(path / "interactions.csv", mb, _event, "utf-16", "user_id,video_id,event,ts\n")

    cases.append(("UTF-16 interactions", ["data", "inspect", str(folder("utf16", utf16))]))

    def lone_cr(path: Path) -> None:
        inter = path / "interactions.csv"
        _lines(inter, mb, _event, head="user_id,video_id,event,ts\n")
        with open(inter, "r+b") as fh:  # one line ended by a CR alone, in the middle
            fh.seek(inter.stat().st_size // 2)
            block = fh.read(200)
            fh.seek(inter.stat().st_size // 2 + block.index(b"\n"))
            fh.write(b"\r")

    cases.append(("a CR line end among LF", ["data", "inspect", str(folder("lone_cr", lone_cr))]))

    def stray_quotes(path: Path) -> None:
        inter = path / "interactions.csv"
        _lines(
            inter,
            mb,
            lambda i: _event(i).replace("view", 'view"') if i % 100_000 == 7 else _event(i),
            head="user_id,video_id,event,ts\n",
        )

    quotes = folder("quotes", stray_quotes)
    cases.append(("stray quotes every 100,000 rows", ["data", "inspect", str(quotes)]))
    gbk = root / "gbk_videos.csv"
    if write:
        _lines(
            gbk,
            mb,
            lambda i: (
                f"v{i},学习编程第{i}课：从零开始的数据分析与机器学习,{'零基础入门实战课程' * 6},"
                f"编程|数据,{i},0,60\n"
            ),
            "gb18030",
            "视频ID,标题,简介,标签,播放量,价格,时长\n",
        )
    cases.append(("GBK videos", ["data", "inspect", str(gbk)]))
    bad = root / "bad_bytes_videos.csv"
    if write:
        _lines(
            bad,
            mb,
            lambda i: f"v{i},学习编程第{i}课：数据分析实战,,{'编程|' * 20},{i},0,60\n",
            head=VD,
        )
        with open(bad, "r+b") as fh:
            fh.seek(bad.stat().st_size // 3)
            fh.write(b"\xff\xfe")
    cases.append(("2 bad bytes in UTF-8", ["data", "inspect", str(bad)]))
    tiny = root / "tiny_rows.csv"
    if write:
        _lines(tiny, mb, lambda i: f"v{i},T\n", head="video_id,title\n")
    cases.append(("tiny rows (over 2M videos)", ["data", "inspect", str(tiny)]))
    wide = root / "wide_rows.csv"
    if write:
        cols = 9_998
        _lines(
            wide,
            mb,
            lambda i: f"v{i},T{i}," + ",".join(["1"] * cols) + "\n",
            head=",".join(["video_id", "title", *(f"c{j}" for j in range(cols))]) + "\n",
        )
    cases.append(("10,000 columns, 200 MB", ["data", "inspect", str(wide)]))

    def parquet(path: Path) -> None:
        import polars as pl

        rows = mb * 1024 * 1024 // 40
        pl.DataFrame(
            {
                "user_id": [f"u{(i * 7919) % 50_000}" for i in range(rows)],
                "video_id": [f"v{(i * 104729) % 2000}" for i in range(rows)],
                "event": ["view"] * rows,
                "ts": ["2024-01-01 10:00:00"] * rows,
            }
        ).write_parquet(path / "interactions.parquet")

    cases.append(("Parquet interactions", ["data", "inspect", str(folder("parquet", parquet))]))

    def xlsx(path: Path) -> None:  # Excel's last row is 1,048,576: the header and the rest
        import xlsxwriter

        wb = xlsxwriter.Workbook(str(path / "interactions.xlsx"), {"constant_memory": True})
        ws = wb.add_worksheet("interactions")
        ws.write_row(0, 0, ["user_id", "video_id", "event", "ts"])
        for i in range(1, XLSX_ROWS):
            ws.write_row(i, 0, _event(i).rstrip("\n").split(","))
        wb.close()

    cases.append(("xlsx of 1,048,575 interactions", ["data", "inspect", str(folder("xlsx", xlsx))]))
    return cases


def build(root: Path, mb: int) -> list[tuple[str, list[str]]]:
    """The cases; their files are written once per `--keep` folder and size (a marker file)."""
    marker = root / f".built-{mb}"
    write = not marker.exists()
    cases: list[tuple[str, list[str]]] = []
    if write:
        _big_quoted(root / "big_quoted.csv", mb)
    cases.append(("quoted CSV, one shifted row", ["data", "inspect", str(root / "big_quoted.csv")]))
    big = root / "big_inter"
    if write:
        big.mkdir(exist_ok=True)
        _big_interactions(big, mb)
    cases.append(("interactions CSV", ["data", "inspect", str(big)]))
    junk = root / "junk"
    if write:
        junk.mkdir(exist_ok=True)
        (junk / "videos.csv").write_text(VD + "v1,A,,a,1,0,1\n", encoding="utf-8")
        for i in range(10_000):
            (junk / f"junk{i}.json").write_text(f'{{"x": {i}}}\n', encoding="utf-8")
    cases.append(("10,000 junk files", ["data", "inspect", str(junk)]))
    tags = root / "tags"
    if write:
        tags.mkdir(exist_ok=True)
        cell = "|".join(f"tag{i}" for i in range(20_000))
        (tags / "videos.csv").write_text(
            VD + f"v1,A,,{cell},1,0,1\nv2,B,,b,2,0,1\n", encoding="utf-8"
        )
    cases.append(("20,000 tags in one cell", ["tags", "suggest", "-t", "A", "--data", str(tags)]))
    deep = root / "deep.json"
    if write:
        deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    cases.append(("100,000-deep JSON", ["data", "inspect", str(deep)]))
    wide = root / "wide.csv"
    if write:
        header = ",".join(["video_id", "title", *(f"c{i}" for i in range(100_000))])
        wide.write_text(header + "\n" + ",".join(["v1", "A", *("1" * 100_000)]) + "\n")
    cases.append(("100,000 columns", ["data", "inspect", str(wide)]))
    line = root / "one_line.csv"
    if write:
        line.write_bytes(b"video_id,title\n" + b"v1," + b"x" * (mb * 1024 * 1024 // 2) + b"\n")
    cases.append(("one huge field", ["data", "inspect", str(line)]))
    arms = ["--variant", "1000:60"] * 25
    cases.append(("ab test, 26 arms", ["ab", "test", "--control", "1000:50", *arms]))
    cases.append(("ab test, 2,000 arms", ["ab", "test", "--control", "1000:50", *(arms * 80)]))
    cases += _third_pass(root, mb, write)
    marker.touch()
    corpus = Path(__file__).resolve().parents[1] / "tests" / "data" / "bad"
    for item in sorted(corpus.iterdir()):
        if item.name not in {"make_bad.py", "README.md"}:
            cases.append((f"corpus {item.name}"[:32], ["data", "inspect", str(item)]))
    return cases


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mb", type=int, default=200, help="size of the large inputs")
    ap.add_argument("--keep", type=Path, help="write the inputs here and keep them (reused)")
    ap.add_argument("--only", default="", help="run the cases whose name holds this text")
    opts = ap.parse_args()
    root = opts.keep or Path(tempfile.mkdtemp(prefix="kptui-hostile-"))
    root.mkdir(parents=True, exist_ok=True)
    cases = [c for c in build(root, opts.mb) if opts.only in c[0]]
    print(
        f"uptime: {os.getloadavg()[0]:.2f} load (1 min); cold caches (a fresh cache folder per run)"
    )
    print(f"{'case':32} {'wall s':>7} {'cpu s':>6} {'peak MB':>8} {'exit':>4}  stderr")
    over = 0
    for name, args in cases:
        # ru_maxrss of children is the max over all children so far: a fresh interpreter
        # per case reports its own child's peak (the whole process, polars' memory included)
        code = (
            "import resource, subprocess, sys, time, json;"
            "t=time.perf_counter();"
            "p=subprocess.run(sys.argv[1:], capture_output=True, text=True,"
            " stdin=subprocess.DEVNULL);"
            "u=resource.getrusage(resource.RUSAGE_CHILDREN);"
            "print(json.dumps([time.perf_counter()-t, u.ru_utime+u.ru_stime,"
            " u.ru_maxrss/1024, p.returncode,"
            " (p.stderr.strip().splitlines() or [''])[0][:90],"
            " 'Traceback' in p.stderr or 'internal error' in p.stderr]))"
        )
        with tempfile.TemporaryDirectory(prefix="kptui-bench-cache-") as cache:
            env = {**os.environ, "KPTUI_CACHE_DIR": cache}
            env.pop("KPTUI_DEBUG", None)
            out = subprocess.run(
                [sys.executable, "-c", code, sys.executable, "-m", "kptui", *args],
                capture_output=True,
                text=True,
                timeout=600,
                env=env,
            )
        seconds, cpu, peak, rc, first, bug = json.loads(out.stdout)
        flag = "BUG: " if bug else ""
        if peak > 1024 or cpu > 5:
            over += 1
            flag += "OVER BUDGET: "
        print(f"{name:32} {seconds:7.2f} {cpu:6.2f} {peak:8.0f} {rc:4d}  {flag}{first}")
    print(
        f"{over} case(s) over the budget of 1 GB peak RSS / 5 s of CPU (wall time depends on "
        "the machine's load: on a quiet machine it is about the CPU time)"
    )


if __name__ == "__main__":
    main()
