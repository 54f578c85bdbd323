"""`kptui tui`: the dataset can be named like every other command's (`--data`), once."""

from __future__ import annotations

from cli_process import kptui


def test_tui_takes_data_like_the_other_commands() -> None:
    res = kptui("tui", "--help")
    assert res.returncode == 0 and "--data" in res.stdout


def test_tui_refuses_two_different_datasets() -> None:
    res = kptui("tui", "one_folder", "--data", "another_folder")
    assert res.returncode == 2
    assert "PATH or --data, not both" in res.stderr
    assert "Traceback" not in res.stderr
