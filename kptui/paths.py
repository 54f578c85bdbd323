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


def buyer_salt() -> bytes:
    """The secret that keys buyers' hashed ids (`KPTUI_SALT`, else a random one kept in the
    data folder): stable across runs, so the same buyer keeps the same id, and never part
    of any output, so an id cannot be checked against a guessed email."""
    import secrets

    env = os.environ.get("KPTUI_SALT")
    if env:
        return env.encode()
    path = data_dir() / "buyer-salt"
    try:
        salt = path.read_bytes()
        if len(salt) >= 16:
            return salt
    except OSError:
        pass
    salt = secrets.token_hex(32).encode()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(salt)
    except FileExistsError:
        return path.read_bytes()
    except OSError:
        pass  # a read-only home: ids are still hashed, only not stable across runs
    return salt
