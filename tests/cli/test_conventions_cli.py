"""CLI conventions people expect: -V, shell completion, flags without `<bool>`, 5% = 0.05,
and option ranges the help promises, checked on a real `kptui` process."""

from __future__ import annotations

import json

from cli_process import kptui


def test_short_version_flag() -> None:
    for flag in ("-V", "--version"):
        out = kptui(flag)
        assert out.returncode == 0 and out.stdout.startswith("kptui ")


def test_shell_completion_scripts() -> None:
    out = kptui("--show-completion")  # the script for the shell it runs in (typer's)
    assert out.returncode == 0, out.stderr
    assert "_KPTUI_COMPLETE=complete_" in out.stdout
    assert "--install-completion" in kptui("--help").stdout


def test_help_shows_no_bool_placeholder_nor_spec_words() -> None:
    for args in (("--help",), ("data", "inspect", "--help"), ("personas", "--help")):
        out = kptui(*args)
        assert out.returncode == 0
        assert "<bool>" not in out.stdout and "SPEC" not in out.stdout, args


def test_percent_and_fraction_are_the_same_rate() -> None:
    pct = kptui("ab", "size", "--baseline", "5%", "--mde", "10%", "--json")
    frac = kptui("ab", "size", "--baseline", "0.05", "--mde", "0.1", "--json")
    assert pct.returncode == frac.returncode == 0, pct.stderr
    assert json.loads(pct.stdout) == json.loads(frac.stdout)


def test_k_outside_its_range_is_a_usage_error() -> None:
    out = kptui("personas", "--k", "99")
    assert out.returncode == 2
    assert "--k" in out.stderr and "2 to 30" in out.stderr and "Traceback" not in out.stderr
