"""Hostile inputs as a user runs them: time, peak memory, exit code, and no traceback.

    python bench/bench_hostile.py [--mb 200] [--keep DIR] [--only NAME]

Writes the inputs into a temporary folder (nothing committed: some are 200 MB), runs
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
    marker.touch()
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
