"""Checked, atomic file writes: a write either fully happened or it is reported and undone.

Why one helper: a write the user asked for (an export, an assignments file, a cache) must
never be reported as done when it was not. `atomic_write` writes a temporary file in the
target's folder, flushes and fsyncs it, renames it over the target and fsyncs the folder, so a
reader (or a crash) sees the old file or the new one, never half of one. Every failure (a full
disk, an I/O error, a read-only file system, a missing folder, a target that is a device, a
FIFO or a folder) raises `DataError` naming the path, and the temporary file is removed.

Standard library only: the store, the engine's caches and the front ends all use it.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
from pathlib import Path
from typing import IO

from kptui.errors import DataError

_REASONS = {
    errno.ENOSPC: "no space left on the device",
    errno.EDQUOT: "disk quota exceeded",
    errno.EIO: "input/output error from the device",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.ENOENT: "the folder does not exist",
    errno.ENOTDIR: "a part of the path is not a folder",
    errno.EISDIR: "it is a folder",
    errno.ENAMETOOLONG: "the file name is too long",
    errno.ELOOP: "too many symbolic links (a loop?)",
    errno.EFBIG: "the file is too large for the file system",
}


def reason(exc: OSError) -> str:
    """A short human reason for an OSError (no errno numbers, no Python class names)."""
    if exc.errno in _REASONS:
        return _REASONS[exc.errno]
    return (exc.strerror or type(exc).__name__).lower()


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def check_target(path: str | os.PathLike[str]) -> Path:
    """Where `atomic_write(path, ...)` would write, checked before any work is done.

    Why up front: a command that writes two files (personas --recommendations and
    --assignments) or computes for a minute must fail before it writes the first or starts,
    so a bad path costs nothing and leaves nothing behind. Folders are never created: a
    missing one is usually a typo, and a folder made from a typo is a file lost in it.
    Raises `DataError` (exit 1) naming the path; returns the resolved target.
    """
    return _checked(path)[0]


def _checked(path: str | os.PathLike[str]) -> tuple[Path, os.stat_result | None]:
    """`check_target`'s target and what is there now (None: nothing), stat-ed once."""
    shown = str(path)
    try:
        target = Path(os.path.realpath(Path(path).expanduser(), strict=False))
    except OSError as exc:  # a symlink loop
        raise DataError(f"cannot write: {reason(exc)}", file=shown) from None
    except ValueError:  # an embedded NUL byte
        raise DataError("cannot write: invalid file name", file=shown) from None
    try:
        old = os.stat(target)
    except FileNotFoundError:
        old = None
    except OSError as exc:
        raise DataError(f"cannot write: {reason(exc)}", file=shown) from None
    if old is not None and not stat.S_ISREG(old.st_mode):
        raise DataError(f"cannot write: it is {_kind(old.st_mode)}, not a regular file", file=shown)
    folder = target.parent
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        raise DataError(
            f"cannot write: the folder {folder} {what} (kptui does not create folders)",
            file=shown,
        )
    return target, old


def atomic_write(
    path: str | os.PathLike[str], data: bytes | str, *, encoding: str = "utf-8"
) -> None:
    """Replace `path` with `data` atomically and durably, or raise `DataError` (exit 1).

    A symbolic link is followed (the file it points to is replaced, the link stays). A new
    file gets the usual permissions (0666 less the umask); an existing one keeps its mode.
    A missing folder is an error (`check_target`), never created.
    """
    shown = str(path)
    target, old = _checked(path)
    payload = data.encode(encoding) if isinstance(data, str) else bytes(data)
    folder = target.parent
    tmp = folder / f".{target.name[:80]}.{os.urandom(4).hex()}.tmp"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666)
    except OSError as exc:
        raise DataError(f"cannot write: {reason(exc)}", file=shown) from None
    try:
        try:
            if old is not None:
                os.chmod(fd, stat.S_IMODE(old.st_mode))
            view = memoryview(payload)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, target)
    except OSError as exc:
        _remove(tmp)
        raise DataError(f"cannot write: {reason(exc)}; nothing was written", file=shown) from None
    except BaseException:
        _remove(tmp)
        raise
    _fsync_folder(folder, shown)


def _remove(tmp: Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(tmp)


def _fsync_folder(folder: Path, shown: str) -> None:
    """Make the rename durable; file systems that cannot fsync a folder are let be."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EBADF, errno.EACCES):
            raise DataError(
                f"written, but the folder could not be synced: {reason(exc)}", file=shown
            ) from None
    finally:
        os.close(fd)


def write_stream(
    text: str, stream: IO[str] | None = None, *, what: str = "standard output"
) -> None:
    """Write and flush `text` to a text stream (stdout by default); a failed write is DataError.

    A full disk behind a redirected stdout shows up only at flush time; without this the
    command would exit 0 having written nothing.
    """
    out = sys.stdout if stream is None else stream
    try:
        out.write(text)
        out.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise DataError(f"cannot write to {what}: {reason(exc)}") from None
