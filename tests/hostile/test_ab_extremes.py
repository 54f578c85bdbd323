"""Numbers at the edge of floating point in `ab test` and `ab size`: each was an "internal
error" (ZeroDivisionError, OverflowError, a NaN the solver stopped on, a quantile of 1.0);
now a usage error naming the option and the limit, or an answer."""

from __future__ import annotations

import pytest

from kptui.engine import ab_means, ab_power, abtest
from kptui.errors import UsageError
from tests.cli.cli_process import kptui

HUGE = "99999999999999999999"  # 1e20


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["test", "--control", f"{HUGE}:1", "--variant", "10:1"], "more than 1e+12 visitors"),
        (
            ["test", "--metric", "mean", "--control", f"{HUGE}:5e20:1e40", "--variant", "9:6:40"],
            "n above 1e+12",
        ),
        (
            [
                *("test", "--metric", "mean", "--summary", "mean-sd"),
                *("--control", "100:1e300:1", "--variant", "100:6:1"),
            ],
            "mean above 1e+12",
        ),
        (["size", "--metric", "mean", "--baseline", "5", "--sd", "1e300", "--mde", "10"], "small"),
        (["size", "--metric", "mean", "--baseline", "5", "--sd", "1e-300", "--mde", "10"], "100"),
        (["size", "--baseline", "0.05", "--mde", "0.1", "--alpha", "1e-300"], "too small"),
    ],
)
def test_extreme_numbers_are_usage_errors(args: list[str], words: str) -> None:
    run = kptui("ab", *args)
    assert run.returncode == 2, run.stderr
    assert "internal error" not in run.stderr and "Traceback" not in run.stderr
    assert run.stderr.startswith("error: ") and words in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1


def test_limits_hold_in_the_engine_the_app_calls() -> None:
    assert abtest.make_arm("A", abtest.MAX_VISITORS, 1).visitors == abtest.MAX_VISITORS
    with pytest.raises(UsageError, match="more than 1e\\+12 visitors"):
        abtest.make_arm("A", abtest.MAX_VISITORS + 1, 1)
    with pytest.raises(UsageError, match="sd above"):
        ab_means.make_mean_arm("A", 100, 5.0, 1e13)


def test_large_effects_need_the_fewest_visitors_not_a_nan() -> None:
    """scipy's noncentral t is NaN at an effect of 10 SDs with 2 visitors an arm; the solver
    stopped there. Sizes fall as the effect grows, down to the 2 a t-test needs."""
    sizes = [ab_power.sample_size_means(0.0, 1.0, d)["per_arm"] for d in (2, 5, 10, 50, 99)]
    assert sizes == sorted(sizes, reverse=True) and sizes[0] == 6 and sizes[-1] == 2
    strict = [
        ab_power.sample_size_means(0.0, 1.0, d, alpha=1e-9, arms=26)["per_arm"]
        for d in (2, 5, 10, 50, 99)
    ]
    assert strict == sorted(strict, reverse=True) and strict[-1] > 2
