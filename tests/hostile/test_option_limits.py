"""Option values numpy and scikit-learn cannot take: a seed of -1 or 10^20, 10^20 viewers
for the sample, 10^11 bootstrap resamples. Each was an "internal error" (TruncatedSVD's
random_state check, default_rng, a C long overflow, a 745 GiB allocation); now exit 2 with
the option's limit."""

from __future__ import annotations

import pytest

from tests.cli.cli_process import kptui

HUGE = "99999999999999999999"


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["personas", "--seed", "-1"], "--seed must be a whole number from 0 to 4294967295"),
        (["personas", "--seed", HUGE], "--seed must be a whole number from 0 to 4294967295"),
        (["insights", "--seed", "-1"], "--seed must be a whole number from 0"),
        (["recommend", "--persona", "all", "--seed", "-1"], "--seed must be"),
        (["data", "sample", "{tmp}/s", "--users", HUGE], "--users is at most 100,000,000"),
        (["data", "sample", "{tmp}/s", "--seed", "-1"], "--seed must be"),
        (
            ["ab", "test", "--metric", "mean", "--input", "{tmp}/v.csv", "--bootstrap", "10**11"],
            "--bootstrap is at most 100,000 resamples",
        ),
        (
            [
                *("ab", "test", "--metric", "mean", "--input", "{tmp}/v.csv"),
                *("--bootstrap", "200", "--seed", "-1"),
            ],
            "--seed must be",
        ),
    ],
)
def test_out_of_range_options_are_usage_errors(tmp_path, args: list[str], words: str) -> None:
    (tmp_path / "v.csv").write_text("arm,value\nA,1\nA,2\nA,3\nB,2\nB,3\nB,5\n")
    args = [a.replace("{tmp}", str(tmp_path)).replace("10**11", "100000000000") for a in args]
    run = kptui("--workspace", str(tmp_path / "ws.sqlite"), *args)
    assert run.returncode == 2, run.stderr
    assert run.stderr.startswith("error: ") and len(run.stderr.strip().splitlines()) == 1
    assert words in run.stderr and "internal error" not in run.stderr
    assert not (tmp_path / "s").exists()
