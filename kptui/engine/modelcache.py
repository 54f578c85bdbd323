"""Model caches on disk: one folder per model under `paths.cache_dir()/<kind>/<key>/`.

Why our own tiny layer: models must survive a crash half-way through a write and must never
be pickles (a cache file is data, not code). A model is written into a temporary sibling
folder and renamed into place, so a reader sees either the whole model or none; anything
unreadable is treated as a miss and refitted.

A cache also verifies itself: `write_atomic` adds `manifest.json` with the data fingerprint
the model was fitted on and a BLAKE2 checksum of every file, and `verified()` returns the
folder only when both still match. Another dataset's model copied over this one's, or a file
edited by hand, is a miss (refitted), never a wrong answer with exit 0.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

MANIFEST = "manifest.json"


def key(*parts: object) -> str:
    """A short stable hash of the data fingerprint and model parameters."""
    raw = ":".join(str(p) for p in parts)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]


def folder(kind: str, cache_key: str) -> Path:
    from kptui.paths import cache_dir

    return cache_dir() / kind / cache_key


def checksum(path: Path) -> str:
    digest = hashlib.blake2b(digest_size=20)
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _manifest(tmp: Path, fingerprint: str | None) -> dict[str, object]:
    files = {
        p.name: checksum(p) for p in sorted(tmp.iterdir()) if p.is_file() and p.name != MANIFEST
    }
    return {"fingerprint": fingerprint, "files": files}


def verified(kind: str, cache_key: str, fingerprint: str | None) -> Path | None:
    """The cache folder if its manifest matches `fingerprint` and every file's checksum."""
    path = folder(kind, cache_key)
    try:
        manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
        files = manifest["files"]
        if fingerprint is not None and manifest.get("fingerprint") != fingerprint:
            return None
        present = {p.name for p in path.iterdir() if p.is_file() and p.name != MANIFEST}
        if present != set(files):
            return None
        for name, expected in files.items():
            if checksum(path / name) != expected:
                return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return path


def write_atomic(
    kind: str,
    cache_key: str,
    write: Callable[[Path], None],
    fingerprint: str | None = None,
) -> Path | None:
    """Call `write(tmp_folder)`, add the manifest (`fingerprint` and checksums), then move the
    folder into place; None when it failed."""
    final = folder(kind, cache_key)
    tmp = final.with_name(f"{final.name}.tmp-{os.getpid()}")
    try:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True, exist_ok=True)
        write(tmp)
        manifest = json.dumps(_manifest(tmp, fingerprint))
        (tmp / MANIFEST).write_text(manifest, encoding="utf-8")
        if final.exists():
            shutil.rmtree(final, ignore_errors=True)
        os.replace(tmp, final)
        return final
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)
        return None
