"""`kptui ab test --metric mean|revenue`, `--sequential`, `--prior`, power and days left,
`ab size --metric mean`: JSON keys, plain-language output, bad input, import budget."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import polars as pl
import pytest
from scipy import stats

from tests.cli.test_ab_cli import _probe, run

REV = [
    "--metric",
    "revenue",
    "--control",
    "A=1000:2400:61000:50",
    "--variant",
    "B=1000:2900:80000:55",
]


def _visitors(tmp_path, n: int = 3000, seed: int = 5):
    rng = np.random.default_rng(seed)
    arm = np.where(rng.random(n) < 0.5, "A", "B")
    conv = rng.random(n) < np.where(arm == "A", 0.05, 0.08)
    value = np.where(conv, rng.lognormal(3.5, 0.8, n), 0.0).round(2)
    value[:2] = 50_000.0  # two whales
    frame = pl.DataFrame({"arm": arm, "value": value, "converted": conv.astype(int)})
    path = tmp_path / "visitors.csv"
    frame.write_csv(path)
    return path, frame


def test_mean_json_keeps_the_conversion_keys(capsys) -> None:
    code, out, err = run(["ab", "test", *REV, "--json"], capsys)
    assert code == 0, err
    d = json.loads(out)
    assert d["metric"] == "revenue" and d["mode"] == "fixed" and d["prior"] == {"kind": "flat"}
    assert {"name", "n", "mean", "sd"} <= set(d["control"])
    assert not {"visitors", "conversions", "rate"} & set(d["control"])
    v = d["variants"][0]
    for key in (
        "lift_abs", "lift_rel", "ci_abs", "ci_rel", "p_value", "p_value_adjusted", "significant",
        "prob_beat_control", "expected_loss", "n", "mean", "sd", "power",
    ):  # fmt: skip
        assert key in v, key
    assert set(d) >= {"alpha", "control", "variants", "prob_best", "srm_p_value", "srm_warning"}
    # the numbers: Welch from the summaries, as scipy computes it
    sd_a = ((61000 - 2400**2 / 1000) / 999) ** 0.5
    sd_b = ((80000 - 2900**2 / 1000) / 999) ** 0.5
    ref = stats.ttest_ind_from_stats(2.9, sd_b, 1000, 2.4, sd_a, 1000, equal_var=False)
    assert v["p_value"] == pytest.approx(ref.pvalue, abs=1e-9)
    assert v["lift_abs"] == pytest.approx(0.5) and v["lift_rel"] == pytest.approx(0.5 / 2.4)
    assert d["control"]["revenue_per_buyer"] == pytest.approx(48.0)
    assert v["parts"]["conversion_lift_rel"] == pytest.approx(0.1)


def test_mean_sd_summary_form(capsys) -> None:
    args = ["ab", "test", "--metric", "mean", "--summary", "mean-sd", "--json"]
    code, out, err = run([*args, "--control", "500:12.5:4", "--variant", "520:13.1:4.2"], capsys)
    assert code == 0, err
    d = json.loads(out)
    ref = stats.ttest_ind_from_stats(13.1, 4.2, 520, 12.5, 4.0, 500, equal_var=False)
    assert d["variants"][0]["p_value"] == pytest.approx(ref.pvalue, abs=1e-9)
    assert (d["control"]["name"], d["variants"][0]["name"]) == ("A", "B")


def test_human_verdict_in_plain_words(capsys) -> None:
    code, out, err = run(
        [
            "ab", "test", "--metric", "revenue", "--control", "20000:48000:1.2e6:1000",
            "--variant", "20000:56000:1.5e6:1100", "--sequential", "--days", "14",
        ],
        capsys,
    )  # fmt: skip
    assert code == 0, err
    flat = " ".join(out.split())
    assert flat.startswith("B earns ¥0.40 more per visitor than A (95% always-valid CI ¥")
    assert "under daily checking this is significant" in flat
    assert "Mode: sequential" in flat and "tuning 5,000" in flat
    assert "It is not 1 - p" in flat and "a flat prior" in flat
    assert "conversion x revenue per buyer" in flat
    assert "Power so far for B:" in flat
    code, out, _ = run(["ab", "test", *REV, "--unit", "$"], capsys)
    flat = " ".join(out.split())
    assert flat.startswith("No clear winner yet: B earns $0.50 more per visitor than A")
    assert "not significant at the planned sample" in flat
    assert "inflates false positives" in flat
    assert "give --daily or --days for days left" in flat


def test_file_input_cap_bootstrap_and_stdin(tmp_path, capsys) -> None:
    path, frame = _visitors(tmp_path)
    args = ["ab", "test", "--metric", "revenue", "--input", str(path), "--control", "A"]
    code, out, err = run([*args, "--cap-pct", "99.9", "--bootstrap", "500", "--json"], capsys)
    assert code == 0, err
    d = json.loads(out)
    values = frame["value"].to_numpy()
    cap = float(np.percentile(values, 99.9))
    assert d["cap"]["value"] == pytest.approx(cap) and d["cap"]["capped"] >= 2
    a = np.minimum(frame.filter(pl.col("arm") == "A")["value"].to_numpy(), cap)
    b = np.minimum(frame.filter(pl.col("arm") == "B")["value"].to_numpy(), cap)
    ref = stats.ttest_ind(b, a, equal_var=False)
    assert d["variants"][0]["p_value"] == pytest.approx(ref.pvalue, abs=1e-9)
    assert d["bootstrap"] == {"resamples": 500, "seed": 0}
    lo, hi = d["variants"][0]["bootstrap"]["ci_abs"]
    assert lo < b.mean() - a.mean() < hi
    code, again, _ = run([*args, "--cap-pct", "99.9", "--bootstrap", "500", "--json"], capsys)
    assert json.loads(again)["variants"][0]["bootstrap"] == d["variants"][0]["bootstrap"]
    code, human, _ = run([*args, "--cap-pct", "99.9"], capsys)
    assert "Values capped at the 99.9th percentile" in " ".join(human.split())
    proc = subprocess.run(
        [sys.executable, "-m", "kptui", "ab", "test", "--metric", "mean", "--input", "-", "--json"],
        input=path.read_bytes(),
        capture_output=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    via_stdin = json.loads(proc.stdout)
    assert via_stdin["control"]["n"] + via_stdin["variants"][0]["n"] == frame.height


def test_sequential_and_priors_for_conversions(capsys) -> None:
    base = ["ab", "test", "--control", "5000:250", "--variant", "5000:310", "--json"]
    _, fixed, _ = run(base, capsys)
    code, out, err = run([*base, "--sequential", "--prior", "4%±1%"], capsys)
    assert code == 0, err
    f, s = json.loads(fixed), json.loads(out)
    assert f["mode"] == "fixed" and f["metric"] == "conversion" and f["prior"]["flat"]
    assert s["mode"] == "sequential" and s["tuning"] == 5000
    assert s["prior"]["kind"] == "beta" and s["prior"]["mean"] == pytest.approx(0.04)
    assert s["variants"][0]["p_value"] > f["variants"][0]["p_value"]
    assert s["variants"][0]["prob_beat_control"] != f["variants"][0]["prob_beat_control"]
    code, human, _ = run([*base[:-1], "--sequential", "--prior", "4,96"], capsys)
    flat = " ".join(human.split())
    assert "Beta(4, 96)" in flat and "Mode: sequential" in flat


def test_size_for_means(tmp_path, capsys) -> None:
    from statsmodels.stats.power import TTestIndPower

    args = ["ab", "size", "--metric", "mean", "--baseline", "10", "--sd", "30", "--mde", "1"]
    code, out, err = run([*args, "--json", "--daily", "500"], capsys)
    assert code == 0, err
    d = json.loads(out)
    n = TTestIndPower().solve_power(effect_size=1 / 30, alpha=0.05, power=0.8)
    assert d["per_arm"] == int(np.ceil(n)) and d["days"] == int(np.ceil(2 * d["per_arm"] / 500))
    path, frame = _visitors(tmp_path)
    code, out, err = run(
        ["ab", "size", "--metric", "revenue", "--input", str(path), "--mde", "0.2", "--relative"],
        capsys,
    )
    assert code == 0, err
    assert f"mean and SD of {frame.height:,} visitors in the file" in " ".join(out.split())


@pytest.mark.parametrize(
    "args,words",
    [
        (
            [
                "--metric",
                "mean",
                "--control",
                "1000:2.4:-1",
                "--variant",
                "1000:2:1",
                "--summary",
                "mean-sd",
            ],
            "sd cannot be negative",
        ),
        (
            ["--metric", "mean", "--control", "1:5:25", "--variant", "100:5:300"],
            "n must be at least 2",
        ),
        (["--metric", "mean", "--control", "100:500:10", "--variant", "100:5:300"], "sumsq"),
        (
            [
                "--metric",
                "mean",
                "--control",
                "100:5:30",
                "--variant",
                "100:5:30",
                "--cap-pct",
                "99",
            ],
            "per-visitor values",
        ),
        (
            ["--metric", "mean", "--control", "100:5:30", "--variant", "100:5:30", "--prior", "x"],
            "expected MEAN±SD",
        ),
        (["--control", "100:5", "--variant", "100:6", "--prior", "0,1"], "positive"),
        (["--control", "100:5", "--variant", "100:6", "--cap-pct", "99"], "mean metric"),
        (["--control", "100:5", "--variant", "100:6", "--sequential", "--tuning", "0"], "positive"),
        (
            ["--metric", "median", "--control", "100:5", "--variant", "100:6"],
            "conversion, mean or revenue",
        ),
    ],
)
def test_bad_input_is_one_line_exit_2(args, words, capsys) -> None:
    code, out, err = run(["ab", "test", *args], capsys)
    assert code == 2, (out, err)
    assert out == "" and err.count("\n") == 1 and words in err, err
    assert "Traceback" not in err


def test_file_without_arm_column_is_exit_2(tmp_path, capsys) -> None:
    p = tmp_path / "v.csv"
    p.write_text("variant,value\nA,1\nB,2\n")
    code, _, err = run(["ab", "test", "--metric", "mean", "--input", str(p)], capsys)
    assert code == 2 and err.count("\n") == 1 and "no 'arm' column" in err and str(p) in err
    p.write_text("arm,value\nA,1\nA,2\nB,3\nB,lots\n")
    code, _, err = run(["ab", "test", "--metric", "mean", "--input", str(p)], capsys)
    assert code == 1 and f"{p}:5:value" in err and err.count("\n") == 1


@pytest.mark.parametrize(
    "args",
    [
        [
            "ab",
            "test",
            "--control",
            "1000:80",
            "--variant",
            "1000:100",
            "--sequential",
            "--days",
            "7",
        ],
        [
            "ab",
            "test",
            "--control",
            "1000:80",
            "--variant",
            "1000:100",
            "--prior",
            "4,96",
            "--json",
        ],
    ],
)
def test_conversion_extras_stay_off_scipy(args) -> None:
    proc, heavy = _probe(args)
    assert proc.returncode == 0, proc.stderr
    assert not set(heavy) & {"numpy", "scipy", "sklearn", "polars", "textual", "pandas"}, heavy


def test_daily_records_and_the_timeline(tmp_path, capsys) -> None:
    ws = str(tmp_path / "ws.sqlite3")
    code, _, err = run(
        ["plan", "experiment", "add", "price", "--arm", "A", "--arm", "B", "--workspace", ws],
        capsys,
    )
    assert code == 0, err
    for day, (ca, cb) in enumerate([(20, 31), (24, 36), (22, 40)], start=1):
        for arm, conv in (("A", ca), ("B", cb)):
            args = ["plan", "experiment", "record", "1", arm, "-n", "500", "-c", str(conv)]
            code, _, err = run([*args, "--date", f"2026-11-0{day}", "--workspace", ws], capsys)
            assert code == 0, err
    code, out, err = run(["plan", "experiment", "show", "1", "--json", "--workspace", ws], capsys)
    assert code == 0, err
    d = json.loads(out)
    assert len(d["daily"]) == 6 and d["daily"][0] == {
        "day": "2026-11-01", "arm": "A", "visitors": 500, "conversions": 20,
    }  # fmt: skip
    points = d["timeline"]["B"]
    assert [p["day"] for p in points] == ["2026-11-01", "2026-11-02", "2026-11-03"]
    assert points[-1]["visitors_control"] == 1500
    assert points[-1]["lift_abs"] == pytest.approx(107 / 1500 - 66 / 1500)
    assert d["arms"][1]["visitors"] == 1500  # the totals moved with the days
    code, out, _ = run(["plan", "experiment", "show", "1", "--workspace", ws], capsys)
    assert "B vs A day by day" in out and "2026-11-03" in out
    code, _, err = run(
        ["plan", "experiment", "record", "1", "A", "-n", "1", "--date", "3 Nov", "--workspace", ws],
        capsys,
    )
    assert code == 2 and "YYYY-MM-DD" in err and err.count("\n") == 1
