"""What several commands share: which dataset to use, and the `--data` / `--map` options."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from kptui.engine.types import Dataset

DataOption = Annotated[
    str | None,
    typer.Option(
        "--data",
        "-d",
        help="Dataset folder or file. Default: the last one used, else the bundled sample.",
    ),
]
MapOption = Annotated[
    list[str] | None,
    typer.Option(
        "--map",
        help="Name a column's field when its header is not recognised: COLUMN=FIELD "
        "(repeatable), e.g. --map 播放=views. On a recognised platform export it applies on "
        "top of the export's reader (Total rows, dates and 1.2K are still understood).",
    ),
]


def remember_dataset(path: str | Path) -> None:
    """Best effort: a broken workspace never stops an analysis command."""
    from kptui.cli import state
    from kptui.services.datasets import remember_dataset as remember

    remember(path, state.workspace())


def resolve_dataset(
    data: str | None, mapping: list[str] | None = None, *, quiet: bool = False
) -> Dataset:
    """Load `--data`, else the last dataset, else the sample (kptui.services.datasets, the
    rule the app opens with); note problems on stderr."""
    from kptui.cli import output, state
    from kptui.engine.schema import parse_mapping
    from kptui.services.datasets import open_dataset
    from kptui.words import counted

    fields = parse_mapping(mapping)
    with output.progress("Loading data") as report:
        dataset, path = open_dataset(
            data, state.workspace(), mapping=fields, progress=report, note=output.warn
        )
    if dataset.problems and not quiet:
        n = sum(p.count for p in dataset.problems)
        output.warn(
            f"note: {counted(n, 'problem')} in {Path(path).name}; rows that were fine are used "
            f"(see: kptui data inspect {path})"
        )
    return dataset


STDIN_CAP = 512 * 1024 * 1024  # bytes read from stdin at most (a file that size is a mistake)


def read_stdin() -> tuple[bytes, str]:
    """What was piped in for a `-` file argument, and the extension its content reads as
    (`.jsonl` when it starts with `{`, else `.csv`: the readers then sniff the delimiter)."""
    import sys

    from kptui.errors import UsageError

    if sys.stdin is None or sys.stdin.isatty():
        raise UsageError("- reads the file from stdin: pipe it in (`cat drafts.csv | kptui ...`)")
    raw = sys.stdin.buffer.read(STDIN_CAP + 1)
    if len(raw) > STDIN_CAP:
        raise UsageError(f"stdin is larger than {STDIN_CAP // 2**20} MB", file="stdin")
    head = raw.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    return raw, ".jsonl" if head in (b"{", b"[") else ".csv"


def stdin_as_file(folder: Path) -> Path:
    """Write piped-in data to a file in `folder` (a videos table) so a loader can read it."""
    raw, ext = read_stdin()
    path = folder / f"videos{ext}"
    path.write_bytes(raw)
    return path
