"""Where kptui keeps its files; environment variables win so tests and scripts can redirect them."""

from __future__ import annotations

import os
from pathlib import Path


def data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(os.environ.get("KPTUI_DATA_DIR") or user_data_dir("kptui", appauthor=False))


def cache_dir() -> Path:
    """Model caches (personas, recommenders, tag indexes), keyed by a data fingerprint."""
    from platformdirs import user_cache_dir

    return Path(os.environ.get("KPTUI_CACHE_DIR") or user_cache_dir("kptui", appauthor=False))


def workspace_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The workspace file: ``--workspace``, else ``KPTUI_WORKSPACE``, else the user data dir."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("KPTUI_WORKSPACE")
    if env:
        return Path(env)
    return data_dir() / "workspace.sqlite3"


def sample_data_dir() -> Path:
    """The bundled sample dataset, inside the installed package."""
    return Path(__file__).resolve().parent / "sample_data"
