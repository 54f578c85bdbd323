"""The lift-over-time chart as text: band, estimate and zero line where they belong."""

from __future__ import annotations


def test_lift_chart_marks_band_estimate_and_zero():
    from kptui.engine.ab_timeline import DayCount, timeline
    from kptui.tui.widgets.lift_chart import AXIS, chart_lines

    days = [
        DayCount(f"2026-11-{d:02d}", a, 1000, c)
        for d in range(1, 6)
        for a, c in (("A", 50), ("B", 80))
    ]
    points = timeline(days, ["A", "B"])["B"]
    rows = chart_lines(points, width=AXIS + 20, height=7)
    text = "\n".join(r for r, _ in rows)
    assert text.count("●") == 20 and "░" in text and "─" in text
    assert rows[-1][0].strip().startswith("2026-11-01") and rows[-1][0].endswith("2026-11-05")
    zero_row = next(r for r, _ in rows if r.strip().startswith("0 "))
    assert "─" in zero_row  # the band has left zero: significant by the last days
    assert chart_lines([], 40) == [("no daily results yet", [])]
