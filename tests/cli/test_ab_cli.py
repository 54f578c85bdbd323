"""`kptui ab test` / `kptui ab size`: JSON contract, human output, exit codes, import budget."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest
from statsmodels.stats.proportion import proportions_ztest

from kptui.cli import main
from kptui.engine import abtest

HEAVY = ("numpy", "scipy", "sklearn", "polars", "textual", "pandas", "rich")

# Runs `python -m kptui ...` and reports, at interpreter exit, which heavy packages got
# imported (atexit fires after sys.exit in main(), so the whole command is covered).
_MODULES_PROBE = textwrap.dedent(
    """
    import atexit, json, runpy, sys
    heavy = {heavy!r}
    def report():
        found = sorted({{m.split(".")[0] for m in sys.modules}} & set(heavy))
        sys.stderr.write("MODULES=" + json.dumps(found) + "\\n")
    atexit.register(report)
    sys.argv = ["kptui", *{args!r}]
    runpy.run_module("kptui", run_name="__main__", alter_sys=True)
    """
)


def _probe(args: list[str]) -> tuple[subprocess.CompletedProcess, list[str]]:
    code = _MODULES_PROBE.format(heavy=HEAVY, args=args)
    env = {**os.environ, "COLUMNS": "80"}
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    line = next(x for x in proc.stderr.splitlines() if x.startswith("MODULES="))
    return proc, json.loads(line.removeprefix("MODULES="))


@pytest.mark.parametrize(
    "args",
    [
        ["ab", "test", "--control", "1000:80", "--variant", "1000:100", "--json"],
        ["ab", "test", "--control", "1000:80", "--variant", "1000:100"],
        ["ab", "test", "--control", "1000:80", "--variant", "1000:100", "--variant", "900:95"],
        ["ab", "size", "--baseline", "0.1", "--mde", "0.02", "--daily", "500"],
    ],
)
def test_ab_commands_import_no_heavy_library(args: list[str]) -> None:
    proc, heavy = _probe(args)
    assert proc.returncode == 0, proc.stderr
    assert not set(heavy) & {"numpy", "scipy", "sklearn", "polars", "textual", "pandas"}, (
        f"kptui {' '.join(args)} imported {heavy}"
    )
    # the human output is plain text on purpose: rich.console alone would cost ~15 ms
    assert "rich" not in heavy
    assert proc.stdout.strip()


def test_probe_detects_heavy_imports() -> None:
    """The probe itself works: a command path that does import numpy is reported."""
    code = _MODULES_PROBE.format(heavy=HEAVY, args=["--version"]).replace(
        "atexit.register(report)", "atexit.register(report)\nimport numpy"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert 'MODULES=["numpy"]' in proc.stderr


def run(args: list[str], capsys) -> tuple[int, str, str]:
    """kptui.cli.main in-process: the same error handling and exit codes as the console script."""
    try:
        main(args)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    out, err = capsys.readouterr()
    return code, out, err


def test_ab_test_json_contract(capsys) -> None:
    code, out, err = run(
        ["ab", "test", "--control", "1000:80", "--variant", "1000:100", "--json"], capsys
    )
    assert code == 0, err
    d = json.loads(out)
    assert set(d) >= {"alpha", "control", "variants", "prob_best", "srm_p_value", "srm_warning"}
    assert set(d["control"]) == {"name", "visitors", "conversions", "rate", "rate_ci"}
    (v,) = d["variants"]
    assert set(v) >= {
        "name",
        "visitors",
        "conversions",
        "rate",
        "rate_ci",
        "lift_abs",
        "lift_rel",
        "ci_abs",
        "ci_rel",
        "z",
        "p_value",
        "p_value_adjusted",
        "significant",
        "prob_beat_control",
        "expected_loss",
    }
    assert set(v["expected_loss"]) == {"choose_variant", "choose_control"}
    assert d["control"]["name"] == "A" and v["name"] == "B"
    assert d["alpha"] == 0.05
    z, p = proportions_ztest([100, 80], [1000, 1000])
    assert v["z"] == pytest.approx(z) and v["p_value"] == pytest.approx(p)
    assert v["significant"] is False
    assert v["lift_rel"] == pytest.approx(0.25)
    assert len(v["rate_ci"]) == 2 and len(v["ci_abs"]) == 2 and len(v["ci_rel"]) == 2
    assert d["prob_best"] == {
        "A": pytest.approx(1 - v["prob_beat_control"]),
        "B": pytest.approx(v["prob_beat_control"]),
    }
    assert v["prob_beat_control"] == pytest.approx(0.9405689577, abs=1e-9)
    assert d["srm_p_value"] == pytest.approx(1.0) and d["srm_warning"] is False
    assert err == ""


def test_ab_test_json_names_alpha_split_and_many_variants(capsys) -> None:
    args = ["ab", "test", "--control", "Old cover=2000:100", "--variant", "New cover=4100:260"]
    args += ["--variant", "4000:230", "--alpha", "0.1", "--split", "20,40,40", "--json"]
    code, out, err = run(args, capsys)
    assert code == 0, err
    d = json.loads(out)
    assert d["alpha"] == 0.1
    assert d["control"]["name"] == "Old cover"
    assert [v["name"] for v in d["variants"]] == ["New cover", "B"]
    assert list(d["prob_best"]) == ["Old cover", "New cover", "B"]
    assert sum(d["prob_best"].values()) == pytest.approx(1.0)
    assert d["srm_p_value"] == pytest.approx(
        abtest.srm_p_value([2000, 4100, 4000], [0.2, 0.4, 0.4])
    )
    assert d["srm_warning"] is False
    # Holm: the adjusted p-values are never below the raw ones
    for v in d["variants"]:
        assert v["p_value_adjusted"] >= v["p_value"]
        assert v["significant"] == (v["p_value_adjusted"] < 0.1)


def test_ab_test_undefined_is_null_and_not_computable(capsys) -> None:
    code, out, _ = run(["ab", "test", "--control", "10:0", "--variant", "10:0", "--json"], capsys)
    assert code == 0
    assert "NaN" not in out
    v = json.loads(out)["variants"][0]
    assert v["z"] is None and v["p_value"] is None and v["lift_rel"] is None
    assert v["ci_abs"] is None and v["ci_rel"] is None and v["significant"] is False

    code, out, _ = run(["ab", "test", "--control", "10:10", "--variant", "10:10"], capsys)
    assert code == 0
    assert out.splitlines()[0].startswith("Not computable")
    assert "not computable" in out
    assert "nan" not in out.lower()


def test_ab_test_human_output(capsys) -> None:
    code, out, err = run(["ab", "test", "--control", "1000:80", "--variant", "1000:100"], capsys)
    assert code == 0, err
    first = out.splitlines()[0]
    assert first.startswith("No clear winner yet: B vs A: +25.0% relative, p = 0.12")
    flat = " ".join(out.split())
    assert "94% chance to be better than A" in flat
    assert "P(>A)" in out and "95% CI" in out and "control" in out
    assert "Expected loss if you ship B" in out
    assert "stopping at the first p < 0.05 inflates false positives" in flat
    assert max(len(line) for line in out.splitlines()) <= 80


def test_ab_test_human_verdict_winner_and_warnings(capsys) -> None:
    code, out, _ = run(
        [
            "ab",
            "test",
            "--control",
            "10000:800",
            "--variant",
            "10000:1000",
            "--variant",
            "12000:1000",
        ],
        capsys,
    )
    assert code == 0
    flat = " ".join(out.split())
    assert flat.startswith("B beats A: +25.0% relative, adjusted p < 0.001, >99.9% chance")
    assert "P(best)" in out and "p adj." in out
    assert "warning: sample ratio mismatch" in flat

    code, out, _ = run(["ab", "test", "--control", "500:20", "--variant", "500:30"], capsys)
    flat = " ".join(out.split())
    assert "warning: too early to call: A has 500 visitors and 20 conversions" in flat
    assert "too early to call: B" in flat


def test_ab_test_human_output_escapes_names(capsys) -> None:
    name = "[bold]x[/bold]\x1b[31m"
    code, out, _ = run(
        ["ab", "test", "--control", f"{name}=1000:80", "--variant", "1000:90"], capsys
    )
    assert code == 0
    assert "[bold]x[/bold]" in out
    assert "\x1b" not in out
    # a short control name also goes into the column headers: still literal there
    code, out, _ = run(["ab", "test", "--control", "[i]=1000:80", "--variant", "1000:90"], capsys)
    assert code == 0
    assert "P(>[i])" in out and "lift vs [i]" in out


def test_ab_test_human_output_fits_a_narrow_terminal(capsys, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "50")
    args = ["ab", "test", "--control", "1000:80", "--variant", "1000:100", "--variant", "1000:90"]
    code, out, _ = run(args, capsys)
    assert code == 0
    assert max(len(line) for line in out.splitlines()) <= 50
    flat = " ".join(out.split())
    # too narrow for the table: one paragraph per arm with the same figures
    assert "B: 100 / 1,000 converted, rate 10.0% (8.3-12.0%); lift +25.0%" in flat
    assert "P(best) 75%" in flat


def test_ab_test_human_table_aligns_chinese_names(capsys, monkeypatch) -> None:
    import unicodedata

    monkeypatch.setenv("COLUMNS", "80")
    args = ["ab", "test", "--control", "原标题=10000:800", "--variant", "新封面=10000:1000"]
    code, out, _ = run(args, capsys)
    assert code == 0

    def cells(line: str) -> int:
        return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)

    assert all(cells(line) <= 80 for line in out.splitlines())
    rows = [line for line in out.splitlines() if "10,000" in line]
    assert len(rows) == 2
    # the numbers line up in the same terminal columns although the names are wide
    assert cells(rows[0].split("10,000")[0]) == cells(rows[1].split("10,000")[0])
    assert cells(rows[0].split("8.0%")[0] + "8.0%") == cells(rows[1].split("10.0%")[0] + "10.0%")


def test_ab_test_human_zero_control_shows_points(capsys) -> None:
    code, out, _ = run(["ab", "test", "--control", "10:0", "--variant", "10:3"], capsys)
    flat = " ".join(out.split())
    assert code == 0
    assert "+30.00 pp (relative lift not computable on a 0% control)" in flat
    assert "+1.60 to +58.40 pp" in flat  # the Wald interval of the difference instead


@pytest.mark.parametrize(
    "args,message",
    [
        (["--control", "100:120", "--variant", "100:1"], "exceed visitors"),
        (["--control", "100:10", "--variant", "-5:1"], "cannot be negative"),
        (["--control", "100:10", "--variant", "100:-1"], "cannot be negative"),
        (["--control", "100.5:10", "--variant", "100:1"], "whole number"),
        (["--control", "100:10", "--variant", "100:2.5"], "whole number"),
        (["--control", "0:0", "--variant", "100:1"], "at least 1"),
        (["--control", "100:10", "--variant", "0:0"], "at least 1"),
        (["--control", "abc", "--variant", "100:1"], "expected [NAME=]VISITORS:CONVERSIONS"),
        (["--control", "nan:3", "--variant", "100:1"], "whole number"),
        (["--control", "100:10", "--variant", "100:nan"], "whole number"),
        (["--control", "100:10", "--variant", "100:1", "--alpha", "nan"], "--alpha"),
        (["--control", "100:10", "--variant", "100:1", "--alpha", "0"], "--alpha"),
        (["--control", "100:10", "--variant", "100:1", "--alpha", "1"], "--alpha"),
        (["--control", "100:10", "--variant", "100:1", "--alpha", "1.5"], "--alpha"),
        (["--control", "100:10", "--variant", "100:1", "--alpha", "abc"], "--alpha"),
        (["--control", "100:10", "--variant", "100:1", "--split", "50"], "--split"),
        (["--control", "100:10", "--variant", "100:1", "--split", "50,x"], "--split"),
        (["--control", "100:10", "--variant", "B=100:1", "--variant", "B=100:2"], "both called"),
        (["--control", "100:10"], "--variant"),
    ],
)
def test_ab_test_nonsense_exits_2_with_one_line(args, message, capsys) -> None:
    code, out, err = run(["ab", "test", *args], capsys)
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith("error: ")
    assert message in err


def test_ab_size_json(capsys) -> None:
    code, out, err = run(["ab", "size", "--baseline", "0.1", "--mde", "0.02", "--json"], capsys)
    assert code == 0, err
    d = json.loads(out)
    assert set(d) >= {"baseline", "target", "per_arm", "total", "days"}
    assert d == {**d, "baseline": 0.1, "target": 0.12, "per_arm": 3841, "total": 7682, "days": None}

    args = ["ab", "size", "--baseline", "0.1", "--mde", "0.2", "--relative", "--daily", "1000"]
    code, out, _ = run([*args, "--json"], capsys)
    d = json.loads(out)
    assert (d["target"], d["per_arm"], d["total"], d["days"]) == (0.12, 3841, 7682, 8)

    code, out, _ = run(["ab", "size", "--baseline", "0.1", "--visitors", "3841", "--json"], capsys)
    d = json.loads(out)
    assert d["per_arm"] == 3841 and d["target"] == pytest.approx(0.12, abs=1e-4)
    assert abtest.sample_size(0.1, d["target"] - 0.1)["per_arm"] <= 3841


def test_ab_size_human(capsys) -> None:
    args = ["ab", "size", "--baseline", "0.1", "--mde", "0.02", "--arms", "3", "--daily", "1000"]
    code, out, _ = run(args, capsys)
    flat = " ".join(out.split())
    assert code == 0
    assert flat.startswith("To detect 10.0% -> 12.0% (+2.00 pp, +20.0% relative) with 80% power")
    assert "visitors per arm" in flat and "days" in flat
    assert "each tested against the control at alpha = 0.025" in flat


def test_ab_size_help_mentions_evan_miller(capsys) -> None:
    code, out, _ = run(["ab", "size", "--help"], capsys)
    assert code == 0
    flat = " ".join(out.split())
    assert "Evan Miller" in flat and "smaller numbers" in flat
    assert "power.prop.test" in flat


@pytest.mark.parametrize(
    "args,message",
    [
        (["--baseline", "1.5", "--mde", "0.1"], "--baseline"),
        (["--baseline", "-0.1", "--mde", "0.1"], "--baseline"),
        (["--baseline", "nan", "--mde", "0.1"], "--baseline"),
        (["--baseline", "abc", "--mde", "0.1"], "--baseline"),
        (["--baseline", "0.95", "--mde", "0.1"], "outside [0, 1]"),
        (["--baseline", "0.1", "--mde", "-0.2"], "outside [0, 1]"),
        (["--baseline", "0.5", "--mde", "2", "--relative"], "outside [0, 1]"),
        (["--baseline", "0.1", "--mde", "0"], "zero"),
        (["--baseline", "0", "--mde", "0.3", "--relative"], "zero"),
        (["--baseline", "0.1", "--mde", "nan"], "--mde"),
        (["--baseline", "0.1", "--mde", "0.01", "--alpha", "0"], "--alpha"),
        (["--baseline", "0.1", "--mde", "0.01", "--alpha", "1"], "--alpha"),
        (["--baseline", "0.1", "--mde", "0.01", "--power", "1"], "--power"),
        (["--baseline", "0.1", "--mde", "0.01", "--power", "0"], "--power"),
        (["--baseline", "0.1", "--mde", "0.01", "--power", "nan"], "--power"),
        (["--baseline", "0.1", "--mde", "0.01", "--daily", "0"], "--daily"),
        (["--baseline", "0.1", "--mde", "0.01", "--daily", "-100"], "--daily"),
        (["--baseline", "0.1", "--mde", "0.01", "--daily", "1.5"], "--daily"),
        (["--baseline", "0.1", "--mde", "0.01", "--arms", "1"], "--arms"),
        (["--baseline", "0.1", "--visitors", "0"], "--visitors"),
        (["--baseline", "0.1"], "--mde"),
        (["--baseline", "0.1", "--mde", "0.01", "--visitors", "100"], "--visitors"),
    ],
)
def test_ab_size_nonsense_exits_2_with_one_line(args, message, capsys) -> None:
    code, out, err = run(["ab", "size", *args], capsys)
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert message in err


def test_console_script_subprocess_exit_code_and_stderr() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "kptui", "ab", "test", "--control", "10:20", "--variant", "10:1"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr == "error: --control '10:20': conversions (20) exceed visitors (10)\n"
