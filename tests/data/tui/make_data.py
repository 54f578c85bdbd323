"""Regenerate the TUI test datasets (from the repository root: python tests/data/tui/make_data.py).

`shop/`: a small synthetic dataset (kptui's own generator, seed 3) whose first videos carry
titles that look like Rich markup or hold terminal escape bytes, to prove every widget shows
data literally. `videos_only/`: the same videos without interactions.
"""

from __future__ import annotations

import csv
import shutil
import tempfile
from pathlib import Path

from kptui.engine.sample import write_sample

HERE = Path(__file__).resolve().parent
EVIL = [
    "[bold red]x[/] [link=https://e.com]y",
    "Learn Python [beginner] \x1b[31mred\x1b[0m",
    "[b]理财[/b] 入门 #理财",
]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        write_sample(Path(tmp), users=120, videos=40, events=3000, seed=3, lang="mixed")
        rows = list(csv.DictReader((Path(tmp) / "videos.csv").open(encoding="utf-8")))
        inter = (Path(tmp) / "interactions.csv").read_text(encoding="utf-8")
    # make the evil titles the most viewed, so they are on the first screen
    counts: dict[str, int] = {}
    for line in inter.splitlines()[1:]:
        vid = line.split(",")[1]
        counts[vid] = counts.get(vid, 0) + 1
    top = sorted(rows, key=lambda r: -counts.get(r["video_id"], 0))[: len(EVIL)]
    for row, title in zip(top, EVIL, strict=True):
        row["title"] = title
        row["tags"] = row["tags"] + "|[red]tag[/red]"
    for name in ("shop", "videos_only"):
        shutil.rmtree(HERE / name, ignore_errors=True)
        (HERE / name).mkdir()
        with (HERE / name / "videos.csv").open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    (HERE / "shop" / "interactions.csv").write_text(inter, encoding="utf-8")


if __name__ == "__main__":
    main()
