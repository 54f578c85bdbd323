"""One arm grammar, one verdict, one publish-hour rule, fields instead of flags."""

from __future__ import annotations

import pytest

from kptui.engine import abtest
from kptui.engine.abtest import Arm
from kptui.engine.publish import hour_for_personas
from kptui.errors import UsageError


def test_plan_grammar_reads_bare_names_counts_and_default_names() -> None:
    arms = abtest.read_arms(["1000:80", "C=1000:90", "B", " "], counts=False)
    assert [(a.name, a.visitors, a.conversions) for a in arms] == [
        ("A", 1000, 80),
        ("C", 1000, 90),
        ("B", 0, 0),
        ("D", 0, 0),
    ]
    with pytest.raises(UsageError, match="cannot read arm 'A=10'") as exc:
        abtest.read_arms(["A=10"], counts=False)
    assert exc.value.field == "arm"
    assert "--arm" in str(exc.value) and "--arm" not in exc.value.text()


def test_split_grammar_takes_percent_and_the_chinese_comma() -> None:
    assert abtest.parse_shares("20%，80%", 2) == [20.0, 80.0]
    assert abtest.parse_split("1,4", 2) == [0.2, 0.8]
    with pytest.raises(UsageError) as exc:
        abtest.parse_shares("0,1", 2)
    assert exc.value.field == "split" and "above 0" in str(exc.value)


def test_verdict_checks_the_intended_split_and_picks_the_winner_by_prob_best() -> None:
    planned = abtest.with_shares([Arm("A", 2000, 160), Arm("B", 8000, 700)], [1, 4])
    assert abtest.weights_split(planned) == [0.2, 0.8]
    v = abtest.verdict(planned)
    assert v.result is not None and v.result.srm_warning is False  # 2000:8000 is 1:4
    even = abtest.verdict([Arm("A", 2000, 160), Arm("B", 8000, 700)])
    assert even.result is not None and even.result.srm_warning is True
    assert abtest.verdict([Arm("A"), Arm("B")]).waiting == "no results"
    assert abtest.verdict([Arm("A", 10, 1), Arm("B")]).waiting == "an arm without visitors"
    three = abtest.verdict([Arm("A", 10000, 500), Arm("C", 3000, 240), Arm("D", 10000, 700)])
    r = three.result
    assert r is not None
    found = abtest.winners(r)
    assert [v.name for v in found] == sorted(
        (v.name for v in r.variants if v.significant and v.lift_abs > 0),
        key=lambda n: -r.prob_best[n],
    )
    assert three.winner is found[0]


def test_engine_errors_name_fields_and_each_front_end_words_them() -> None:
    with pytest.raises(UsageError) as exc:
        abtest.sample_size(0.1, 0)
    err = exc.value
    assert err.field == "mde"
    assert str(err) == "--mde must not be zero: there is no effect to detect"
    assert err.text({"mde": "MDE %"}) == "MDE % must not be zero: there is no effect to detect"


def test_publish_hour_rule_matches_cards_by_id_and_weights_by_size() -> None:
    evening = [0.0] * 24
    evening[20] = 1.0
    morning = [0.0] * 24
    morning[8] = 1.0
    cards = [
        {"id": 1, "size": 900, "active_hours": morning},
        {"id": 0, "size": 100, "active_hours": evening},
        {"id": 2, "size": 5, "active_hours": None},
    ]
    assert hour_for_personas(cards, [0]) == 20
    assert hour_for_personas(cards, [0, 1]) == 8
    assert hour_for_personas(cards, [2]) is None
    assert hour_for_personas(cards, []) is None
