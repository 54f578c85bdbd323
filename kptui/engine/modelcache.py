"""Model caches on disk: one folder per model under `paths.cache_dir()/<kind>/<key>/`.

Why our own tiny layer: models must survive a crash half-way through a write and must never
be pickles (a cache file is data, not code). A model is written into a temporary sibling
folder and renamed into place, so a reader sees either the whole model or none; anything
unreadable is treated as a miss and refitted.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable
from pathlib import Path


def key(*parts: object) -> str:
    """A short stable hash of the data fingerprint and model parameters."""
    raw = ":".join(str(p) for p in parts)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]


def folder(kind: str, cache_key: str) -> Path:
    from kptui.paths import cache_dir

    return cache_dir() / kind / cache_key


def write_atomic(kind: str, cache_key: str, write: Callable[[Path], None]) -> Path | None:
    """Call `write(tmp_folder)`, then move the folder into place; None when it failed."""
    final = folder(kind, cache_key)
    tmp = final.with_name(f"{final.name}.tmp-{os.getpid()}")
    try:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True, exist_ok=True)
        write(tmp)
        if final.exists():
            shutil.rmtree(final, ignore_errors=True)
        os.replace(tmp, final)
        return final
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)
        return None
