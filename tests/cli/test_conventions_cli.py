"""CLI conventions people expect: -V, shell completion, flags without `<bool>`, 5% = 0.05,
and option ranges the help promises, checked on a real `kptui` process."""

from __future__ import annotations

import json

import pytest
from cli_process import kptui

from kptui.paths import sample_data_dir


@pytest.fixture
def sample_dir() -> str:
    return str(sample_data_dir())


def test_short_version_flag() -> None:
    for flag in ("-V", "--version"):
        out = kptui(flag)
        assert out.returncode == 0 and out.stdout.startswith("kptui ")


def test_shell_completion_scripts() -> None:
    import os
    import subprocess
    import sys

    # typer detects the user's shell from the process tree; a test names it instead
    env = {**os.environ, "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"}
    for shell, marker in (("bash", "_KPTUI_COMPLETE=complete_bash"), ("zsh", "compdef")):
        out = subprocess.run(
            [sys.executable, "-m", "kptui", "--show-completion", shell],
            capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL, timeout=300,
        )  # fmt: skip
        assert out.returncode == 0, out.stderr
        assert marker in out.stdout
    assert "--install-completion" in kptui("--help").stdout


def test_help_shows_no_bool_placeholder_nor_spec_words() -> None:
    for args in (("--help",), ("data", "inspect", "--help"), ("personas", "--help")):
        out = kptui(*args)
        assert out.returncode == 0
        assert "<bool>" not in out.stdout and "SPEC" not in out.stdout, args


def test_help_names_values_in_users_words_not_python_types() -> None:
    import re

    for args in (
        ("ab", "test", "--help"),
        ("data", "inspect", "--help"),
        ("data", "sample", "--help"),
    ):
        text = kptui(*args).stdout
        assert not re.search(r"<(str|int|float|path|list\[\w+\])>", text, re.I), (args, text)
    assert re.search(r"--control TEXT", kptui("ab", "test", "--help").stdout)
    assert re.search(r"--alpha NUMBER", kptui("ab", "test", "--help").stdout)
    assert re.search(r"paths\.\.\. PATH", kptui("data", "inspect", "--help").stdout)


def test_percent_and_fraction_are_the_same_rate() -> None:
    pct = kptui("ab", "size", "--baseline", "5%", "--mde", "10%", "--json")
    frac = kptui("ab", "size", "--baseline", "0.05", "--mde", "0.1", "--json")
    assert pct.returncode == frac.returncode == 0, pct.stderr
    assert json.loads(pct.stdout) == json.loads(frac.stdout)


def test_k_outside_its_range_is_a_usage_error() -> None:
    out = kptui("personas", "--k", "99")
    assert out.returncode == 2
    assert "--k" in out.stderr and "2 to 30" in out.stderr and "Traceback" not in out.stderr


def run_with_stdin(data: str, *args: str):
    import subprocess
    import sys

    return subprocess.run(
        [sys.executable, "-m", "kptui", *args],
        input=data,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )


def test_dash_reads_stdin_and_jsonl_streams_one_object_per_line(sample_dir) -> None:
    drafts = "id,title\na,Python for beginners\nb,How to budget your first salary\n"
    out = run_with_stdin(
        drafts, "tags", "suggest", "--data", sample_dir, "--input", "-", "--jsonl", "--top", "3"
    )
    assert out.returncode == 0, out.stderr
    lines = out.stdout.strip().splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["a", "b"]
    assert all(len(json.loads(line)["tags"]) == 3 for line in lines)
    videos = (sample_data_dir() / "videos.csv").read_text(encoding="utf-8")
    out = run_with_stdin(videos, "data", "inspect", "-", "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["videos"] == 300


def test_recommend_all_as_jsonl(sample_dir) -> None:
    out = kptui("recommend", "--data", sample_dir, "--user", "all", "--jsonl", "--top", "2")
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert len(rows) == 2000 and rows[0].keys() == {"user_id", "items"}
    assert all(len(r["items"]) == 2 for r in rows)
    bad = kptui("recommend", "--data", sample_dir, "--persona", "0", "--jsonl")
    assert bad.returncode == 2 and "--jsonl" in bad.stderr


def test_data_sample_scales_events_with_viewers_unless_given(tmp_path) -> None:
    """More viewers get more interactions at the bundled sample's density (25 each); an
    explicit --events is kept exactly."""
    small = kptui("data", "sample", str(tmp_path / "a"), "--users", "400", "--videos", "60",
                  "--json")  # fmt: skip
    more = kptui("data", "sample", str(tmp_path / "b"), "--users", "800", "--videos", "60",
                 "--json")  # fmt: skip
    fixed = kptui("data", "sample", str(tmp_path / "c"), "--users", "800", "--videos", "60",
                  "--events", "3000", "--json")  # fmt: skip
    assert small.returncode == more.returncode == fixed.returncode == 0, more.stderr
    small_n, more_n = json.loads(small.stdout), json.loads(more.stdout)
    assert small_n["interactions"] == 400 * 25 and more_n["interactions"] == 800 * 25
    assert json.loads(fixed.stdout)["interactions"] == 3000
    lines = (tmp_path / "b" / "interactions.csv").read_text(encoding="utf-8").splitlines()
    assert len(lines) - 1 == 800 * 25  # the file holds what the summary says
    assert "25 per viewer" in kptui("data", "sample", "--help").stdout
