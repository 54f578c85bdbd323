"""Data pane: load in a worker, the validation report, the overview, completion, errors."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input
from tui_helpers import cells, screen_text, settle

from kptui.tui.app import KptuiApp
from kptui.tui.panes.data import DataPane
from kptui.tui.widgets import BarChart, FrameTable, HourChart
from kptui.tui.widgets.path_input import suggest_path

BAD = Path(__file__).resolve().parents[1] / "data" / "bad"


async def test_overview_of_the_sample(sample: str) -> None:
    app = KptuiApp(sample)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        funnel = app.query_one("#funnel", BarChart).rows
        assert [step for step, _, _ in funnel] == ["view", "like", "comment/share", "purchase"]
        values = [v for _, v, _ in funnel]
        assert values == sorted(values, reverse=True) and values[0] == 2000
        hours = app.query_one("#hours", HourChart).values
        assert (
            len(hours) == 24 and sum(hours) == 50_000 - app.dataset.interactions["ts"].null_count()
        )
        table = app.query_one("#top-videos", FrameTable)
        assert table.total == 300 and table.row_count == 200  # capped page
        rows = cells(table)
        views = [int(r[1].replace(",", "")) for r in rows]
        assert views == sorted(views, reverse=True)
        assert not app.query_one("#problems").display
        assert "no problems found" in screen_text(app)


async def test_sort_and_page_top_videos(sample: str) -> None:
    app = KptuiApp(sample)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        table = app.query_one("#top-videos", FrameTable)
        table.focus()
        await pilot.press("s")  # first column: titles A-Z
        titles = [r[0] for r in table.visible_rows()]  # as stored: cells are cut to fit
        assert table.sorted_by == ("title", False)
        assert titles == sorted(titles, key=str.casefold)
        await pilot.press("s")  # next column: views, high first
        assert table.sorted_by == ("views", True)
        await pilot.press("S")
        assert table.sorted_by == ("views", False)
        views = [int(r[1].replace(",", "")) for r in cells(table)]
        assert views == sorted(views)
        await pilot.press("]")
        assert table.page == 1 and table.row_count == 100
        await pilot.press("[")
        assert table.page == 0


async def test_problems_are_listed(tmp_path: Path) -> None:
    app = KptuiApp(str(BAD / "unknown_video"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        problems = app.query_one("#problems", FrameTable)
        assert problems.display
        rows = cells(problems)
        assert rows and rows[0][0] == "interactions.csv"
        assert "video" in rows[0][-1]
        assert " found, see below" in screen_text(app)


async def test_load_typed_path_and_bad_path(sample: str, shop: str, tmp_path: Path) -> None:
    app = KptuiApp(sample)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(app, pilot)
        field = app.query_one("#data-path", Input)
        field.focus()
        field.value = shop
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.dataset is not None and app.dataset.videos.height == 40
        assert app.dataset_path == shop
        # a folder with no data: a readable message, the previous data kept
        empty = tmp_path / "nothing here"
        empty.mkdir()
        field.value = str(empty)
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.dataset.videos.height == 40
        status = str(app.query_one("#data-status").render())
        assert "Could not load" in status and "previous data" in status
        assert any("Data failed" in n.title for n in app._notifications)


async def test_remembers_last_dataset(shop: str) -> None:
    from kptui.store import Workspace

    app = KptuiApp(shop)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
    with Workspace.open() as ws:
        assert ws.last_dataset() == str(Path(shop).resolve())
    app = KptuiApp(None)  # reopens it
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert app.dataset.videos.height == 40
        assert "last used" in screen_text(app)


def test_path_completion(tmp_path: Path) -> None:
    (tmp_path / "exports").mkdir()
    (tmp_path / "exports" / "videos.csv").write_text("video_id,title\n1,a\n")
    (tmp_path / "exports" / "notes.docx").write_text("x")
    (tmp_path / "export.parquet").write_text("x")
    base = str(tmp_path) + "/"
    assert suggest_path(base + "ex") == base + "exports/"  # folders first
    assert suggest_path(base + "export.") == base + "export.parquet"
    assert suggest_path(base + "exports/") == base + "exports/videos.csv"  # only data files
    assert suggest_path(base + "exports/n") is None
    assert suggest_path(base + "zzz") is None


async def test_completion_in_the_field(tmp_path: Path) -> None:
    (tmp_path / "my_export").mkdir()
    app = KptuiApp(None, load_on_start=False)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.query_one(DataPane)
        pane.action_focus_path()
        await pilot.press(*(str(tmp_path) + "/my"))
        await pilot.pause(0.2)
        await pilot.press("right")  # accept the suggestion
        assert app.query_one("#data-path", Input).value == str(tmp_path) + "/my_export/"


async def test_failed_first_load_keeps_the_path_to_fix(tmp_path: Path, shop: str) -> None:
    missing = tmp_path / "not yet"
    app = KptuiApp(str(missing))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert app.dataset is None
        assert app.query_one("#data-empty").display
        assert not app.query_one("#data-body").display
        assert app.query_one("#data-path", Input).value == str(missing)
        assert "no such file" in " ".join(screen_text(app).split())
        # the folder appears; r tries the same path again
        import shutil

        shutil.copytree(shop, missing)
        app.query_one("#top-videos").focus()
        await pilot.press("r")
        await settle(app, pilot)
        assert app.dataset is not None and app.dataset.videos.height == 40
        assert app.query_one("#data-body").display


async def test_a_real_export_shows_its_sources_metrics_and_notices() -> None:
    real = Path(__file__).resolve().parents[1] / "data" / "exports" / "real" / "xiaohongshu"
    app = KptuiApp(str(real))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        text = " ".join(screen_text(app).split())
        assert "xiaohongshu 1 file (41 rows): per-video" in text
        assert "impressions 67,588" in text and "ctr 6.6%" in text
        assert "2 notices" in text
        rows = cells(app.query_one("#problems", FrameTable))
        assert any("banner row(s) above the header skipped" in r[-1] for r in rows)
        assert any("xiaohongshu per-video · 41 rows" in r[-1] for r in rows)  # what it was read as


async def test_a_cut_notice_is_shown_whole_under_the_table_while_it_has_focus() -> None:
    real = Path(__file__).resolve().parents[1] / "data" / "exports" / "real" / "xiaohongshu"
    app = KptuiApp(str(real))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        table = app.query_one("#problems", FrameTable)
        detail = app.query_one("#problem-detail")
        whole = "no id column: each work's id is made from its title and publish time"
        assert whole not in " ".join(screen_text(app).split())  # cut to fit at 80 columns
        assert not detail.display
        table.focus()
        table.move_cursor(row=0)
        await pilot.pause()
        assert detail.display
        assert " ".join(screen_text(app).split()).count(whole) == 1
        await pilot.press("down")
        assert "banner row(s) above the header skipped" in str(detail.render())
        app.query_one("#top-videos").focus()
        await pilot.pause()
        assert not detail.display


REAL = Path(__file__).resolve().parents[1] / "data" / "real"


async def test_videos_only_activity_is_when_the_videos_went_out() -> None:
    """A YouTube trending export has no interactions but publish times: the hour chart
    counts posts per hour published instead of saying "no timestamps"."""
    app = KptuiApp(str(REAL / "CAvideos.csv"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert app.dataset is not None and app.dataset.interactions is None
        hours = app.query_one("#hours", HourChart).values
        published = app.dataset.videos["published_at"].drop_nulls().dt.hour().to_list()
        assert hours == [published.count(h) for h in range(24)] and sum(hours) == 577
        box = app.query_one("#hours-box")
        assert box.border_title == "Posts by hour published"
        assert "no timestamps" not in screen_text(app)
        assert "peak 16h, 17h, 18h" in screen_text(app)


async def test_captions_only_export_shows_ids_titles_and_tags(tmp_path: Path) -> None:
    """KuaiRec's captions have no views, likes or prices: those columns would be all `—`
    (or 0.00), so the table keeps the id, the caption and its tags, in the file's order."""
    app = KptuiApp(str(REAL / "kuairec_captions_even.csv"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        table = app.query_one("#top-videos", FrameTable)
        assert [str(c.label) for c in table.columns.values()] == ["ID", "Title", "Tags"]
        rows = cells(table)
        assert [r[0] for r in rows[:3]] == ["0", "2", "4"]  # as in the file
        assert not any(cell.strip() == "—" for r in rows for cell in r)
        assert "#五爱市场" in rows[2][2]
        text = screen_text(app)
        assert "Videos (no views in this export)" in text
        assert "no timestamps" in text  # KuaiRec's captions carry no dates either
    # a YouTube export keeps what it measures, and drops the price no video has
    app = KptuiApp(str(REAL / "CAvideos.csv"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        table = app.query_one("#top-videos", FrameTable)
        labels = [str(c.label) for c in table.columns.values()]
        assert labels[:3] == ["Title", "Views", "Likes"] and "Price" not in labels
        assert "Top videos" in screen_text(app)


async def test_publish_dates_without_times_say_so(tmp_path: Path) -> None:
    rows = [f"v{i},Video {i},2024-03-{i + 1:02d},{100 * i}" for i in range(9)]
    (tmp_path / "videos.csv").write_text(
        "video_id,title,published_at,views\n" + "\n".join(rows) + "\n", encoding="utf-8"
    )
    app = KptuiApp(str(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert app.dataset is not None and app.dataset.videos.height == 9
        assert not any(app.query_one("#hours", HourChart).values)
        assert "publish dates have no time of day" in screen_text(app)


async def test_a_breakdown_only_export_at_80x24_says_what_it_holds() -> None:
    real = Path(__file__).resolve().parents[1] / "data" / "exports" / "real" / "youtube"
    app = KptuiApp(str(real))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        text = " ".join(screen_text(app).split())
        assert "per-day and breakdown tables only" in text
        assert "videos only" not in text and "of videos tagged" not in text
        assert "youtube-studio 8 files" in text and "by geography, traffic-source" in text
        table = app.query_one("#problems", FrameTable)
        assert "Notices and files read" in str(table.border_title)
        rows = cells(table)
        # at 80 columns the message is whole: Count and Column give way first
        assert any(r[-1] == "Total row skipped (not a data row)" for r in rows)
        assert any(r[-1] == "youtube-studio by-geography · 201 rows" for r in rows)
        assert "publish dates" not in text and "no interactions" in text  # there are no videos


async def test_notices_beside_problems_say_they_are_notices(tmp_path: Path) -> None:
    (tmp_path / "Table data.csv").write_text(
        "Content,Video title,Views\nTotal,,30\nv1,One,oops\nv2,Two,20\n", encoding="utf-8"
    )
    app = KptuiApp(str(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        table = app.query_one("#problems", FrameTable)
        assert "Problems and notices" in str(table.border_title)
        messages = [r[-1] for r in cells(table)]
        assert any(m.startswith("not understood") for m in messages)
        assert any(m.startswith("notice: Total row skipped") for m in messages)


async def test_channel_totals_only_give_the_table_room_and_say_so() -> None:
    """A YouTube Studio breakdown has no videos: no empty Top videos box taking 3/5 of a
    wide screen (the notices were cut to `notice: Total…` beside it), and the viewer panes
    do not call it "videos only"."""
    real = Path(__file__).resolve().parents[1] / "data" / "exports" / "real" / "youtube"
    app = KptuiApp(str(real))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert not app.query_one("#top-videos").display
        rows = cells(app.query_one("#problems", FrameTable))
        assert any(r[-1].endswith("Total row skipped (not a data row)") for r in rows)  # whole
        await pilot.press("3")
        await settle(app, pilot)
        text = " ".join(screen_text(app).split())
        assert "channel totals only" in text and "videos only" not in text
