"""One output layer for every command: JSON to stdout, human text, diagnostics to stderr.

Data from files is untrusted, so no data string reaches a terminal unsanitised: rich tables
and lines get it through `safe()` (a rich Text: never markup, control characters made
visible), plain-text output through `clean_line()` (the same `kptui.textsafe` cleaning), and
JSON is written with `allow_nan=False` so a NaN is a bug we see rather than invalid JSON a
script chokes on. Renderers of one command family live beside this module: `ab` and
`ab_report` (plain text, standard library only: the `kptui ab` fast path), `plan` and
`insights` (rich).
"""

from __future__ import annotations

import math
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

from kptui.fileio import write_stream
from kptui.textsafe import clean, json_escape


def clean_line(text: str) -> str:
    """One line with control, bidi, zero-width and unassigned characters made visible."""
    return clean(text)


def safe(text: Any) -> Any:
    """A rich Text of untrusted data: shown literally, control bytes made visible."""
    from rich.text import Text

    return Text(clean_line("" if text is None else str(text)))


def _jsonable(obj: Any) -> Any:
    if isinstance(obj, float):
        return None if math.isnan(obj) or math.isinf(obj) else obj
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if hasattr(obj, "isoformat"):
        return obj.isoformat()
    if hasattr(obj, "item"):  # numpy scalars
        return _jsonable(obj.item())
    return obj


def print_json(obj: Any) -> None:
    import json  # not at module level: `kptui --help` imports this module and prints none

    text = json.dumps(_jsonable(obj), ensure_ascii=False, allow_nan=False, indent=2)
    write_stream(json_escape(text) + "\n")


def print_jsonl(obj: Any) -> None:
    """One JSON object on one line (JSON Lines): batch output streams to `jq` row by row."""
    import json

    text = json.dumps(_jsonable(obj), ensure_ascii=False, allow_nan=False)
    write_stream(json_escape(text) + "\n")


def console(stderr: bool = False):
    """A rich console; respects NO_COLOR and never interprets markup in data by default."""
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=False)


def say(*parts: str) -> None:
    """One line to stdout; every part is shown literally (titles are untrusted text)."""
    from rich.text import Text

    console().print(Text.assemble(*(safe(p) for p in parts)))


def warn(message: str) -> None:
    with suppress(OSError):  # a closed or full stderr: nowhere left to say it
        sys.stderr.write(clean_line(message) + "\n")
        sys.stderr.flush()


@contextmanager
def progress(description: str, total: float | None = None) -> Iterator[Any]:
    """A progress bar on stderr when stderr is a terminal; a no-op reporter otherwise.

    Yields a callable `report(stage: str, fraction: float | None)` that engine code can be
    given as a plain callback, so the engine never imports rich.
    """
    if not sys.stderr.isatty():
        yield lambda stage=None, fraction=None: None
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task(description, total=total or 1.0)

        def report(stage: str | None = None, fraction: float | None = None) -> None:
            kwargs: dict[str, Any] = {}
            if stage:
                kwargs["description"] = f"{description}: {stage}"
            if fraction is not None:
                kwargs["completed"] = fraction * (total or 1.0)
            bar.update(task, **kwargs)

        yield report
