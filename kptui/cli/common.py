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


def default_dataset_path() -> Path:
    """The workspace's last dataset if it still exists, else the bundled sample."""
    from kptui.paths import sample_data_dir

    last = _last_dataset()
    if last and Path(last).exists():
        return Path(last)
    return sample_data_dir()


def _last_dataset() -> str | None:
    try:
        from kptui.cli.state import STATE
        from kptui.store import Workspace
    except ImportError:
        return None
    try:
        with Workspace.open(STATE.workspace, timeout=2) as ws:
            return ws.last_dataset()
    except Exception:  # an unusable workspace must not stop a read-only command
        return None


def remember_dataset(path: str | Path) -> None:
    """Best effort: a broken workspace never stops an analysis command."""
    try:
        from kptui.cli.state import STATE
        from kptui.store import Workspace

        with Workspace.open(STATE.workspace, timeout=2) as ws:
            ws.add_recent_dataset(str(Path(path).resolve()))
    except Exception:
        pass


def resolve_dataset(
    data: str | None, mapping: list[str] | None = None, *, quiet: bool = False
) -> Dataset:
    """Load `--data`, else the last dataset, else the sample; note problems on stderr."""
    from kptui.cli import output
    from kptui.engine.io import load_dataset
    from kptui.engine.schema import parse_mapping

    fields = parse_mapping(mapping)
    path = Path(data) if data else default_dataset_path()
    with output.progress("Loading data") as report:
        dataset = load_dataset(path, mapping=fields, progress=report)
    if data:
        remember_dataset(path)
    if dataset.problems and not quiet:
        n = sum(p.count for p in dataset.problems)
        output.warn(
            f"note: {n} problem(s) in {path.name}; rows that were fine are used "
            f"(see: kptui data inspect {path})"
        )
    return dataset
