"""Which dataset to open, and remembering the one opened: one rule for the CLI and the app."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kptui.engine.types import Dataset

# Seconds to wait for another process's lock when only reading or noting the last dataset:
# an analysis must never hang on the plan file.
WORKSPACE_TIMEOUT = 2.0


def startup_dataset(path: str | None, workspace: str | None) -> tuple[str, str]:
    """(path, why): the path given, else the workspace's last dataset if it still exists,
    else the bundled sample. `why` is "argument", "last used" or "bundled sample"."""
    from kptui.paths import sample_data_dir

    if path:
        return path, "argument"
    last = last_dataset(workspace)
    if last and Path(last).exists():
        return last, "last used"
    return str(sample_data_dir()), "bundled sample"


def last_dataset(workspace: str | None) -> str | None:
    """The last dataset recorded in the workspace, or None (also when the workspace cannot
    be read: a broken plan file must not stop anyone from opening data)."""
    from kptui.store import Workspace

    try:
        with Workspace.open(workspace, timeout=WORKSPACE_TIMEOUT) as ws:
            return ws.last_dataset()
    except Exception:
        return None


def recent_datasets(workspace: str | None, limit: int = 10) -> list[str]:
    """Datasets opened before that still exist, most recent first; [] when the workspace
    cannot be read (the list is a convenience, never a reason to fail)."""
    from kptui.store import Workspace

    try:
        with Workspace.open(workspace, timeout=WORKSPACE_TIMEOUT) as ws:
            return ws.recent_datasets(limit, existing_only=True)
    except Exception:
        return []


def shown_path(path: str) -> str:
    """The home folder shortened to `~`, as people write paths."""
    home = str(Path.home())
    return "~" + path[len(home) :] if home != "/" and path.startswith(home + "/") else path


def remember_dataset(path: str | Path, workspace: str | None) -> str | None:
    """Record the dataset as the last one used; returns why not, when it could not be."""
    from kptui.store import Workspace

    try:
        with Workspace.open(workspace, timeout=WORKSPACE_TIMEOUT) as ws:
            ws.add_recent_dataset(str(Path(path).resolve()))
    except Exception as exc:
        return f"workspace not updated: {exc}"
    return None


def open_dataset(
    path: str | None,
    workspace: str | None,
    *,
    mapping: dict[str, str] | None = None,
    progress: Any = None,
    note: Any = None,
) -> tuple[Dataset, str]:
    """Load `path` (else the default, as `startup_dataset`); a path the user named is
    remembered as the last dataset. Returns the dataset and the path it came from.
    `note(text)` is told when the last-used dataset is opened because no path was given:
    no hidden defaults."""
    from kptui.engine.io import load_dataset

    chosen, why = startup_dataset(path, workspace)
    if why == "last used" and note is not None:
        note(default_note(chosen))
    dataset = load_dataset(Path(chosen), mapping=mapping, progress=progress)
    if why == "argument":
        remember_dataset(chosen, workspace)
    return dataset, chosen


def default_note(path: str) -> str:
    """`using ~/exports (last used; --data to change)`: the home folder shortened to `~`."""
    return f"using {shown_path(path)} (last used; --data to change)"
