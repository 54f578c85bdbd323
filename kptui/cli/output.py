"""One place for output: JSON to stdout, human tables via rich, diagnostics to stderr.

Data from files is untrusted: everything shown to a human goes through `safe()` (no Rich
markup, no terminal escapes), and JSON is written with `allow_nan=False` so a NaN is a bug
we see rather than invalid JSON a script chokes on.
"""

from __future__ import annotations

import json
import math
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean_line(text: str) -> str:
    """Strip terminal control bytes (ESC, BEL, CR...) and keep it on one line."""
    text = text.replace("\r\n", " ").replace("\n", " ").replace("\t", " ")
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


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
    sys.stdout.write(json.dumps(_jsonable(obj), ensure_ascii=False, allow_nan=False, indent=2))
    sys.stdout.write("\n")
    sys.stdout.flush()


def console(stderr: bool = False):
    """A rich console; respects NO_COLOR and never interprets markup in data by default."""
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=False)


def warn(message: str) -> None:
    sys.stderr.write(clean_line(message) + "\n")


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
