"""Workspace speed: what a save, a list and an open cost, and a whole `kptui plan` process.

Run: python bench/bench_store.py [--drafts N]. Prints medians (ms) and ratios; asserts nothing.
Why these: every change is a durable commit (WAL + synchronous=FULL, fsync per change) and
every open runs `PRAGMA quick_check`, so both must stay cheap for a plan of realistic size.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from kptui.store import Workspace


def median_ms(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--drafts", type=int, default=2000)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="kptui-bench-"))
    path = tmp / "ws.sqlite3"

    with Workspace.open(path) as ws:
        i = iter(range(10**9))
        add = median_ms(
            lambda: ws.add_draft(f"draft {next(i)}", tags=["python", "编程"], personas=[1]),
            200,
        )
        exp = ws.add_experiment("e")
        record = median_ms(lambda: ws.record(exp.id, "A", visitors=1), 200)
    # the same insert without fsync per commit, to show what durability costs
    raw = sqlite3.connect(tmp / "nosync.sqlite3", isolation_level=None)
    raw.execute("PRAGMA journal_mode=WAL")
    raw.execute("PRAGMA synchronous=OFF")
    raw.execute("CREATE TABLE t (x TEXT)")

    def nosync() -> None:
        raw.execute("BEGIN IMMEDIATE")
        raw.execute("INSERT INTO t VALUES ('draft')")
        raw.execute("COMMIT")

    unsynced = median_ms(nosync, 200)
    raw.close()

    with Workspace.open(path) as ws:
        ws.conn.execute("BEGIN")
        ws.conn.executemany(
            "INSERT INTO drafts (title, description, tags, personas, status, notes, created_at,"
            " updated_at) VALUES (?, ?, '[\"a\"]', '[1]', 'idea', '', 'x', 'x')",
            [(f"bulk {k}", "d" * 200) for k in range(args.drafts)],
        )
        ws.conn.execute("COMMIT")
        n = len(ws.list_drafts())
        listing = median_ms(ws.list_drafts, 20)
        snapshot = median_ms(ws.snapshot, 20)
    size_kb = path.stat().st_size / 1024
    open_close = median_ms(lambda: Workspace.open(path).close(), 20)

    def proc(argv: list[str]) -> float:
        return median_ms(lambda: subprocess.run(argv, check=True, capture_output=True), 7)

    typer_only = proc([sys.executable, "-c", "import typer"])
    plan_list = proc(
        [sys.executable, "-m", "kptui", "plan", "draft", "show", "1", "--json",
         "--workspace", str(path)]
    )  # fmt: skip

    print(f"add_draft (durable commit)      median {add:7.2f} ms")
    print(f"record (durable commit)         median {record:7.2f} ms")
    print(f"same insert, synchronous=OFF    median {unsynced:7.2f} ms  "
          f"(durability costs x{add / unsynced:.1f})")  # fmt: skip
    print(f"open+close, {n:,} drafts ({size_kb:,.0f} KiB, quick_check)  "
          f"median {open_close:7.2f} ms")  # fmt: skip
    print(f"list_drafts, {n:,} drafts        median {listing:7.2f} ms")
    print(f"snapshot, {n:,} drafts           median {snapshot:7.2f} ms")
    print(f"python -c 'import typer'        median {typer_only:7.1f} ms")
    print(f"kptui plan draft show 1 --json  median {plan_list:7.1f} ms  "
          f"(x{plan_list / typer_only:.2f} of import typer)")  # fmt: skip


if __name__ == "__main__":
    main()
