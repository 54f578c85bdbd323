"""atomic_write and write_stream on real files, a real FIFO and the real /dev/full."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from kptui.errors import DataError
from kptui.fileio import atomic_write, write_stream


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_writes_bytes_and_text(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    atomic_write(target, "标题,views\n")
    assert target.read_bytes() == "标题,views\n".encode()
    atomic_write(target, b"\x00\x01")
    assert target.read_bytes() == b"\x00\x01"
    atomic_write(str(target), "é", encoding="latin-1")
    assert target.read_bytes() == b"\xe9"
    assert _leftovers(tmp_path) == []


def test_keeps_the_mode_of_an_existing_file_and_follows_a_symlink(tmp_path: Path) -> None:
    real = tmp_path / "real.txt"
    real.write_text("old")
    real.chmod(0o640)
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    atomic_write(link, "new")
    assert link.is_symlink() and real.read_text() == "new"
    assert stat.S_IMODE(real.stat().st_mode) == 0o640


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_dev_full_is_refused_with_the_path() -> None:
    with pytest.raises(DataError) as err:
        atomic_write("/dev/full", "x" * 10_000)
    assert "/dev/full" in str(err.value) and "device" in str(err.value)
    assert err.value.exit_code == 1 and "\n" not in str(err.value)


def test_fifo_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(DataError, match="FIFO"):
        atomic_write(fifo, "x")
    assert _leftovers(tmp_path) == []


def test_folder_and_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="folder"):
        atomic_write(tmp_path, "x")
    missing = tmp_path / "nope" / "out.csv"
    with pytest.raises(DataError) as err:
        atomic_write(missing, "x")
    assert str(missing) in str(err.value) and "does not exist" in str(err.value)


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_read_only_folder_leaves_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("kept")
    tmp_path.chmod(0o500)
    try:
        with pytest.raises(DataError, match="permission denied"):
            atomic_write(target, "new")
    finally:
        tmp_path.chmod(0o700)
    assert target.read_text() == "kept" and _leftovers(tmp_path) == []


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_write_stream_to_a_full_disk_is_an_error() -> None:
    with open("/dev/full", "w", encoding="utf-8") as full, pytest.raises(DataError) as err:
        write_stream("x" * 100_000, full)
    assert "no space left" in str(err.value)


def test_write_stream_writes(capsys: pytest.CaptureFixture[str]) -> None:
    write_stream("hello\n")
    assert capsys.readouterr().out == "hello\n"
    assert sys.stdout is not None


def test_check_target_never_makes_a_folder(tmp_path: Path) -> None:
    from kptui.fileio import check_target

    assert check_target(tmp_path / "new.csv") == (tmp_path / "new.csv").resolve()
    with pytest.raises(DataError, match="does not exist"):
        check_target(tmp_path / "a" / "b" / "new.csv")
    (tmp_path / "f").write_text("x")
    with pytest.raises(DataError, match="is not a folder"):
        check_target(tmp_path / "f" / "new.csv")
    with pytest.raises(DataError, match="a folder"):
        check_target(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f"]
