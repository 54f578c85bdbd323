"""The Insights pane by keyboard: key 7, the pictures, an outlier's details, "needs" states."""

from __future__ import annotations

from pathlib import Path

import pytest
from tui_helpers import screen_text, settle

from kptui.tui.app import KptuiApp
from kptui.tui.panes.insights import InsightsPane, VideoScreen
from kptui.tui.widgets import FrameTable
from kptui.tui.widgets.heatmap import Heatmap

INSIGHTS_DATA = Path(__file__).resolve().parents[1] / "data" / "insights"


@pytest.fixture
def creator(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(INSIGHTS_DATA)  # a relative path: no machine path on screen
    return "creator"


async def open_insights(app: KptuiApp, pilot) -> InsightsPane:
    await settle(app, pilot)
    await pilot.press("7")
    await settle(app, pilot)
    return app.query_one(InsightsPane)


async def test_key_7_shows_every_section_and_enter_opens_a_video(creator: str) -> None:
    app = KptuiApp(creator)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await open_insights(app, pilot)
        assert app.current_pane is pane and pane.result is not None
        text = screen_text(app)
        assert "When to post" in text and "Funnel" in text
        assert "[▓]" in text  # the recommended slot, marked without colour
        assert "Post Thu 18-21h: 18 posts" in text
        assert "weakest: profile visits -> purchases" in text
        heat = app.query_one(Heatmap)
        assert heat.render().plain.count("Mon") == 1
        table = app.query_one("#ins-outliers", FrameTable)
        assert app.focused is table
        first = table.cursor_values()
        assert first is not None and first[-1] == "p040" and first[0] == pytest.approx(4.44, 0.01)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, VideoScreen)
        detail = screen_text(app)
        assert "Post 40 #python #tutorial" in detail and "4.44x (n=10)" in detail
        assert "impressions 55k → views 4.4k" in detail and "#tutorial" in detail
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, VideoScreen)
        await pilot.press("tab")  # on to the tags table, scrolled into view
        assert app.focused is app.query_one("#ins-tags", FrameTable)
        assert "tutorial  1.98" in screen_text(app)


async def test_each_section_says_what_it_needs(videos_only: str) -> None:
    app = KptuiApp(videos_only)
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await open_insights(app, pilot)
        assert pane.result is not None
        text = screen_text(app)
        assert "needs a per-day table" in text
        for name in ("outliers", "when", "funnel", "trends", "tags"):
            part = pane.result[name]
            assert part["status"] in ("ok", "needs")
            if part["status"] == "needs":
                assert part["needs"]


async def test_the_pane_follows_a_new_dataset(creator: str, sample: str) -> None:
    app = KptuiApp(creator)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await open_insights(app, pilot)
        assert pane.result is not None and pane.result["videos"] == 60
        app.query_one("#data-path").value = sample
        await pilot.press("1")
        from kptui.tui.panes.data import DataPane

        app.query_one(DataPane).load(sample)
        await settle(app, pilot)
        await pilot.press("escape", "7")
        await settle(app, pilot)
        assert pane.result["videos"] == 300


@pytest.mark.parametrize("no_color", [False, True], ids=["colour", "NO_COLOR"])
async def test_insights_snapshot(
    snapshot, creator: str, monkeypatch: pytest.MonkeyPatch, no_color: bool
) -> None:
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    app = KptuiApp(creator)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_insights(app, pilot)
        name = "insights_80x24" + ("_no_color" if no_color else "")
        await snapshot(app, pilot, name)


async def test_tags_pane_says_which_suggestions_worked_for_this_creator(creator: str) -> None:
    from kptui.tui.panes.tags import TagsPane

    app = KptuiApp(creator)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("2")
        await pilot.press(*"python tutorial")
        await settle(app, pilot, delay=0.4)
        pane = app.query_one(TagsPane)
        by_tag = {s.tag: s for s in pane.suggestions}
        assert by_tag["tutorial"].source == "history" and by_tag["tutorial"].history > 1.5


def creator_with_daily():
    """The creator fixture plus 8 weeks of daily totals and hourly follower activity."""
    from datetime import date, timedelta

    import polars as pl

    from kptui.engine.io import load_dataset

    ds = load_dataset(INSIGHTS_DATA / "creator")
    days = [date(2026, 3, 1) + timedelta(days=i) for i in range(56)]
    ds.daily = pl.DataFrame(
        {
            "date": days * 2,
            "metric": ["views"] * 56 + ["followers"] * 56,
            "value": [1000.0 + 10 * i for i in range(56)] + [500.0 + 3 * i for i in range(56)],
            "dimension": [None] * 112,
            "key": [None] * 112,
        },
        schema_overrides={"dimension": pl.Utf8, "key": pl.Utf8},
    )
    ds.follower_activity = pl.DataFrame(
        {
            "date": [days[0]] * 24,
            "hour": list(range(24)),
            "active": [100.0 if h in (20, 21) else 10.0 for h in range(24)],
        }
    )
    return ds


async def test_trends_and_audience_arrive_with_the_dataset_message(creator: str) -> None:
    from kptui.tui.messages import DatasetLoaded

    app = KptuiApp(None, load_on_start=False)
    async with app.run_test(size=(80, 24)) as pilot:
        app.post_message(DatasetLoaded(creator_with_daily(), "creator", {}))
        await settle(app, pilot)
        await pilot.press("7")
        await settle(app, pilot)
        pane = app.query_one(InsightsPane)
        assert pane.result["trends"]["status"] == "ok"
        heat = app.query_one(Heatmap).render().plain
        aud = next(line for line in heat.splitlines() if line.startswith("aud "))
        assert aud[4 + 20] == aud[4 + 21] == "█"  # hours 20 and 21, aligned with the columns
        advice = app.query_one("#ins-when-text").render()
        assert "followers most active 20h, 21h" in str(advice)
        trends = screen_text(app)
        assert "views" in trends and "wow +5%" in trends and "followers+" in trends
        spark = next(line for line in trends.splitlines() if "views  " in line and "wow" in line)
        assert "▁▁▂▂" in spark and spark.count("█") >= 2  # drawn across the box's width
