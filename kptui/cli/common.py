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
        "(repeatable), e.g. --map 播放=views.",
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

    fields = parse_mapping(mapping)
    with output.progress("Loading data") as report:
        dataset, path = open_dataset(
            data, state.workspace(), mapping=fields, progress=report, note=output.warn
        )
    if dataset.problems and not quiet:
        n = sum(p.count for p in dataset.problems)
        output.warn(
            f"note: {n} problem(s) in {Path(path).name}; rows that were fine are used "
            f"(see: kptui data inspect {path})"
        )
    return dataset
