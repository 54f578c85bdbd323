"""A/B pane: the verdict follows the numbers typed, arms come and go, sample size, save."""

from __future__ import annotations

from textual.widgets import Input, Static
from tui_helpers import cells, screen_text, settle

from kptui.engine import abtest
from kptui.tui.app import KptuiApp
from kptui.tui.panes.ab import ABPane, ArmRow
from kptui.tui.widgets import FrameTable


async def type_arm(pilot, row: ArmRow, visitors: str, conversions: str) -> None:
    row.query_one(".arm-visitors", Input).focus()
    await pilot.press(*visitors, "tab", *conversions)


def verdict(app) -> str:
    return str(app.query_one("#ab-verdict", Static).render())


async def test_verdict_updates_as_numbers_change() -> None:
    app = KptuiApp(None, load_on_start=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("5")
        pane = app.query_one(ABPane)
        await settle(app, pilot)
        assert "Enter visitors and conversions" in verdict(app)
        control, variant = pane.arm_rows()
        await type_arm(pilot, control, "10000", "500")
        await type_arm(pilot, variant, "10000", "580")
        await settle(app, pilot)
        assert "B beats control" in verdict(app)
        expected = abtest.analyze(abtest.Arm("control", 10000, 500), [abtest.Arm("B", 10000, 580)])
        assert f"p = {expected.variants[0].p_value:.3g}" in verdict(app)
        rows = cells(app.query_one("#ab-table", FrameTable))
        assert [r[0] for r in rows] == ["control", "B"]
        assert rows[1][1] == "5.80%"
        # fewer conversions: no longer significant
        conv = variant.query_one(".arm-conversions", Input)
        conv.value = "520"
        await settle(app, pilot)
        assert "no clear difference" in verdict(app)
        assert "too early" not in verdict(app)


async def test_bad_numbers_give_a_message() -> None:
    app = KptuiApp(None, load_on_start=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("5")
        pane = app.query_one(ABPane)
        control, variant = pane.arm_rows()
        await type_arm(pilot, control, "100", "50")
        await type_arm(pilot, variant, "100", "150")
        await settle(app, pilot)
        assert "conversions (150) exceed visitors (100)" in verdict(app)
        assert pane.last_result is None


async def test_add_and_remove_arms() -> None:
    app = KptuiApp(None, load_on_start=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("5")
        pane = app.query_one(ABPane)
        await pilot.press("ctrl+n")
        await pilot.pause()
        rows = pane.arm_rows()
        assert [r.value().name for r in rows] == ["control", "B", "C"]
        for row, (v, c) in zip(
            rows, [("5000", "250"), ("5000", "260"), ("5000", "330")], strict=True
        ):
            await type_arm(pilot, row, v, c)
        await settle(app, pilot)
        assert pane.last_result is not None and len(pane.last_result.variants) == 2
        assert "C beats control" in verdict(app)
        assert "Holm" in verdict(app)
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert len(pane.arm_rows()) == 2
        assert len(pane.last_result.variants) == 1
        await pilot.press("ctrl+r")  # never fewer than two arms
        await pilot.pause()
        assert len(pane.arm_rows()) == 2


async def test_sample_size_planner() -> None:
    app = KptuiApp(None, load_on_start=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("5")
        pane = app.query_one(ABPane)
        app.query_one("#size-baseline", Input).value = "5"
        app.query_one("#size-mde", Input).value = "10"
        app.query_one("#size-daily", Input).value = "2000"
        await settle(app, pilot)
        want = abtest.sample_size(0.05, 0.10, relative=True, daily=2000)
        assert pane.last_size["per_arm"] == want["per_arm"]
        text = str(app.query_one("#ab-size", Static).render())
        assert f"{want['per_arm']:,} visitors per arm" in text
        assert f"{want['days']:,} days" in text
        app.query_one("#size-power", Input).value = "2"
        await settle(app, pilot)
        assert "power" in str(app.query_one("#ab-size", Static).render())


async def test_save_experiment_then_see_it_in_plan() -> None:
    from kptui.store import Workspace

    app = KptuiApp(None, load_on_start=False)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.press("5")
        pane = app.query_one(ABPane)
        control, variant = pane.arm_rows()
        await type_arm(pilot, control, "2000", "100")
        await type_arm(pilot, variant, "2000", "150")
        app.query_one("#ab-name", Input).value = "Thumbnail test"
        await settle(app, pilot)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        with Workspace.open() as ws:
            (exp,) = ws.list_experiments()
        assert exp.name == "Thumbnail test"
        assert [(a.name, a.visitors, a.conversions) for a in exp.arms] == [
            ("control", 2000, 100),
            ("B", 2000, 150),
        ]
        # saving again after new results updates the same experiment
        variant.query_one(".arm-conversions", Input).value = "170"
        await settle(app, pilot)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        with Workspace.open() as ws:
            (exp,) = ws.list_experiments()
        assert exp.arms[1].conversions == 170
        await pilot.press("escape", "6")
        await settle(app, pilot)
        rows = cells(app.query_one("#plan-experiments", FrameTable))
        assert rows[0][2] == "Thumbnail test"
        assert "B wins" in rows[0][4]
        assert "Thumbnail test" in screen_text(app)


async def test_half_typed_arm_waits_for_its_numbers() -> None:
    app = KptuiApp(None, load_on_start=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("5")
        pane = app.query_one(ABPane)
        control, variant = pane.arm_rows()
        await type_arm(pilot, control, "2000", "100")
        variant.query_one(".arm-visitors", Input).focus()
        await pilot.press(*"2000")
        await settle(app, pilot)
        assert "B: enter its conversions too." in verdict(app)
        assert pane.last_result is None  # no verdict from a blank read as zero
        await pilot.press("tab", *"400")
        await settle(app, pilot)
        assert "p < 0.0001" in verdict(app)


async def test_revenue_per_visitor_from_means_and_sds() -> None:
    from scipy import stats
    from textual.widgets import Select

    app = KptuiApp(None, load_on_start=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("5")
        pane = app.query_one(ABPane)
        app.query_one("#ab-metric", Select).value = "revenue"
        await settle(app, pilot)
        assert pane.has_class("-means")
        control, variant = pane.arm_rows()
        assert variant.sd_field.display and control.conversions_field.placeholder == "mean"
        for row, (n, mean, sd) in (
            (control, ("20000", "2.40", "7.4")),
            (variant, ("20000", "2.80", "8.1")),
        ):
            row.visitors_field.value, row.conversions_field.value, row.sd_field.value = n, mean, sd
        await settle(app, pilot)
        assert "B earns ¥0.40 more per visitor than control (95% CI ¥" in " ".join(
            verdict(app).split()
        )
        assert "not 1 - p" in verdict(app)
        assert "B: power so far" in verdict(app)
        ref = stats.ttest_ind_from_stats(2.8, 8.1, 20000, 2.4, 7.4, 20000, equal_var=False)
        assert pane.last_result["variants"][0]["p_value"] == ref.pvalue
        rows = cells(app.query_one("#ab-table", FrameTable))
        assert rows[1][:2] == ["B", "¥2.80"]
        variant.sd_field.value = ""
        await settle(app, pilot)
        assert "enter its visitors, mean and SD" in verdict(app)
        await pilot.press("ctrl+s")  # means are not saved: said, nothing written
        await settle(app, pilot)
        from kptui.store import Workspace

        with Workspace.open() as ws:
            assert ws.list_experiments() == []


async def test_checked_daily_widens_the_interval() -> None:
    from kptui.tui.widgets.tickbox import TickBox

    app = KptuiApp(None, load_on_start=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("5")
        pane = app.query_one(ABPane)
        control, variant = pane.arm_rows()
        await type_arm(pilot, control, "5000", "250")
        await type_arm(pilot, variant, "5000", "310")
        await settle(app, pilot)
        fixed = pane.last_result.variants[0]
        assert "B beats control" in verdict(app)
        app.query_one("#ab-sequential", TickBox).value = True
        await settle(app, pilot)
        seq = pane.last_result.variants[0]
        assert seq.ci_abs[0] < fixed.ci_abs[0] and seq.p_value > fixed.p_value
        assert "Checked daily" in verdict(app)


async def test_an_experiment_opened_from_the_plan_shows_its_days() -> None:
    from kptui.store import Workspace
    from kptui.tui.widgets.lift_chart import LiftChart

    with Workspace.open() as ws:
        e = ws.add_experiment("Price page", arms=["A", "B"])
        for day in range(1, 8):
            ws.record(e.id, "A", visitors=600, conversions=30, day=f"2026-11-{day:02d}")
            ws.record(e.id, "B", visitors=600, conversions=45, day=f"2026-11-{day:02d}")
    app = KptuiApp(None, load_on_start=False)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("6")
        await settle(app, pilot)
        app.query_one("#plan-experiments", FrameTable).focus()
        await pilot.press("enter")
        await settle(app, pilot)
        pane = app.query_one(ABPane)
        assert app.current_pane is pane and pane.experiment_id == e.id
        chart = app.query_one("#ab-timeline", LiftChart)
        assert app.query_one("#ab-timeline-box").display and len(chart.points) == 7
        assert "B vs A: significant under daily checks since 2026-11-0" in screen_text(app)
