"""One arm limit: the engine's MAX_ARMS for `ab test`, `ab size --arms` and the A/B pane."""

from __future__ import annotations

import pytest

from kptui.engine import ab_power, abtest
from kptui.errors import UsageError


def test_sample_size_refuses_more_arms_than_a_test_takes() -> None:
    n = abtest.MAX_ARMS
    assert abtest.sample_size(0.05, 0.1, arms=n)["per_arm"] > 0
    with pytest.raises(UsageError, match=f"at most {n}"):
        abtest.sample_size(0.05, 0.1, arms=n + 1)
    with pytest.raises(UsageError, match=f"at most {n}"):
        ab_power.sample_size_means(5.0, 2.0, 0.1, arms=n + 1)


def test_help_states_the_limit() -> None:
    from importlib.resources import files

    text = files("kptui.tui").joinpath("help.md").read_text(encoding="utf-8")
    assert f"up to {abtest.MAX_ARMS} arms" in text
