"""Recent datasets: offered on the Data pane (`o`) and in the command palette, read from a
real workspace file that earlier loads wrote."""

from __future__ import annotations

from pathlib import Path

from textual.command import CommandPalette
from textual.widgets import OptionList
from tui_helpers import screen_text, settle

from kptui.services.datasets import recent_datasets, remember_dataset
from kptui.tui.app import KptuiApp
from kptui.tui.screens import RecentScreen


def _opened_before(*paths: str) -> None:
    for path in paths:
        assert remember_dataset(path, None) is None


async def test_data_pane_offers_the_recent_datasets(shop: str, videos_only: str, tmp_path) -> None:
    gone = tmp_path / "gone"
    gone.mkdir()
    _opened_before(str(gone), videos_only, shop)
    gone.rmdir()  # a dataset that no longer exists is not offered
    assert recent_datasets(None) == [str(Path(shop).resolve()), str(Path(videos_only).resolve())]
    app = KptuiApp(shop)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("o")
        await settle(app, pilot)
        assert isinstance(app.screen, RecentScreen)
        menu = app.screen.query_one("#recent-list", OptionList)
        labels = [str(menu.get_option_at_index(i).prompt) for i in range(menu.option_count)]
        assert len(labels) == 2 and labels[0].endswith("shop  (open now)")
        assert labels[1].endswith("videos_only")
        await pilot.press("down", "enter")
        await settle(app, pilot)
        assert not isinstance(app.screen, RecentScreen)
        assert app.dataset is not None and app.dataset.videos.height == 40
        assert Path(app.dataset_path).resolve() == Path(videos_only).resolve()
        await pilot.press("o")
        await settle(app, pilot)
        await pilot.press("escape")  # cancel: the dataset stays
        await settle(app, pilot)
        assert Path(app.dataset_path).resolve() == Path(videos_only).resolve()
    # the one just opened is now the most recent
    assert recent_datasets(None)[0] == str(Path(videos_only).resolve())


async def test_palette_opens_a_recent_dataset(shop: str, videos_only: str) -> None:
    _opened_before(videos_only, shop)
    app = KptuiApp(shop)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("2")
        await pilot.press("ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"videos_only")
        await settle(app, pilot, 0.5)
        assert "Open dataset: videos_only" in screen_text(app)
        await pilot.press("enter")
        await settle(app, pilot)
        assert Path(app.dataset_path).resolve() == Path(videos_only).resolve()
        assert app.current_pane.PANE_ID == "data"


async def test_no_recent_datasets_says_so(shop: str, tmp_path) -> None:
    app = KptuiApp(shop)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(app, pilot)
        # the load itself remembered `shop`: a fresh workspace has nothing to offer
        app.workspace = str(tmp_path / "fresh.sqlite3")
        await pilot.press("o")
        await settle(app, pilot)
        assert not isinstance(app.screen, RecentScreen)
        assert "No recent datasets yet" in screen_text(app)
