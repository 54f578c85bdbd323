"""Tags pane: suggestions follow typing (debounced worker), pick tags, copy, save the draft."""

from __future__ import annotations

from textual.widgets import Input
from tui_helpers import cells, screen_text, settle

from kptui.engine.insights import tag_history
from kptui.engine.tags import apply_history, by_kind, suggest, tag_index
from kptui.store import Workspace
from kptui.tui.app import KptuiApp
from kptui.tui.panes.tags import REACH_HEADING, TagsPane, hashtag, visible
from kptui.tui.widgets import FrameTable


async def test_type_a_draft_and_see_tags(sample: str) -> None:
    app = KptuiApp(sample)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("2")
        await settle(app, pilot)
        pane = app.query_one(TagsPane)
        assert app.focused is app.query_one("#tags-table")  # never a field: see test_tui_keys
        await pilot.press("t")
        assert isinstance(app.focused, Input) and app.focused.id == "tags-title"
        await pilot.press(*"python decorators for beginners")
        await settle(app, pilot)
        history = tag_history(app.dataset)  # the pane marks tags that worked for this creator
        want = by_kind(
            visible(
                apply_history(
                    suggest(tag_index(app.dataset), "python decorators for beginners", "", top=15),
                    history,
                )
            )
        )
        rows = cells(app.query_one("#tags-table", FrameTable))
        assert [r[1] for r in rows if r[1] != REACH_HEADING] == [s.tag for s in want]
        assert rows[0][2].endswith(f"{want[0].score:.2f}") and "█" in rows[0][2]
        assert rows[0][3] == want[0].kind == "topic" and rows[0][4] == want[0].source
        assert pane.last_elapsed is not None
        # the description changes the answer too
        app.query_one("#tags-desc", Input).value = "理财 存钱 基金"
        await settle(app, pilot)
        want2 = by_kind(
            visible(
                apply_history(
                    suggest(
                        tag_index(app.dataset),
                        "python decorators for beginners",
                        "理财 存钱 基金",
                        top=15,
                    ),
                    history,
                )
            )
        )
        rows = cells(app.query_one("#tags-table", FrameTable))
        assert [r[1] for r in rows if r[1] != REACH_HEADING] == [s.tag for s in want2]


async def test_stale_results_are_dropped(sample: str) -> None:
    app = KptuiApp(sample)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("2")
        await settle(app, pilot)
        pane = app.query_one(TagsPane)
        title = app.query_one("#tags-title", Input)
        # type fast: every keystroke restarts the debounce; only the final text is answered
        for text in ("理", "理财", "理财入门", "Core strength workout"):
            title.value = text
            await pilot.pause(0.01)
        await settle(app, pilot)
        want = by_kind(
            visible(suggest(tag_index(app.dataset), "Core strength workout", "", top=15))
        )
        assert [s.tag for s in pane.suggestions] == [s.tag for s in want]


async def test_choose_copy_and_save(sample: str) -> None:
    app = KptuiApp(sample)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("2")
        await settle(app, pilot)
        pane = app.query_one(TagsPane)
        await pilot.press("t", *"个人理财入门 存钱计划")
        await settle(app, pilot)
        table = app.query_one("#tags-table", FrameTable)
        first, second = pane.suggestions[0].tag, pane.suggestions[1].tag
        table.focus()
        await pilot.press("space")  # add the first
        await pilot.press("down", "enter")  # and the second
        assert pane.chosen == [first, second]
        rows = cells(table)
        assert rows[0][0] == "✓" and rows[1][0] == "✓" and rows[2][0] == ""
        assert pane.chosen_text() == f"{hashtag(first)} {hashtag(second)}"
        assert pane.chosen_text() in screen_text(app)
        await pilot.press("space")  # the cursor is on the second: remove it
        assert pane.chosen == [first]
        await pilot.press("ctrl+y")
        assert app.clipboard == hashtag(first)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        with Workspace.open() as ws:
            (draft,) = ws.list_drafts()
        assert draft.title == "个人理财入门 存钱计划" and draft.tags == [first]
        assert pane.draft_id == draft.id
        # saving again updates the same draft
        await pilot.press("space")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        with Workspace.open() as ws:
            (draft,) = ws.list_drafts()
        assert draft.tags == [first, pane.chosen[1]]
        await pilot.press("ctrl+n")
        assert pane.chosen == [] and pane.draft_id is None
        assert app.query_one("#tags-title", Input).value == ""


async def test_save_needs_a_title(sample: str) -> None:
    app = KptuiApp(sample, load_on_start=False)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("2", "ctrl+s")
        await settle(app, pilot)
        assert any("title" in n.message for n in app._notifications)
        with Workspace.open() as ws:
            assert ws.list_drafts() == []


def test_hashtag_form() -> None:
    assert hashtag("personal finance") == "#personalfinance"
    assert hashtag("#编程") == "#编程"


def test_weak_tail_is_hidden_but_the_first_few_stay():
    from types import SimpleNamespace as S

    scores = [0.9, 0.5, 0.2, 0.004, 0.003, 0.002, 0.5, 0.001]
    shown = visible([S(tag=str(i), score=sc) for i, sc in enumerate(scores)])
    assert [s.tag for s in shown] == ["0", "1", "2", "3", "4", "6"]


async def test_reach_tags_are_a_group_of_their_own(tmp_path) -> None:
    """On a real Kuaishou slice the platform-wide tags go under their own heading, after the
    topic tags; the heading is not a tag (Space on it adds nothing)."""
    from pathlib import Path

    kuairec = Path(__file__).resolve().parents[1] / "data" / "tags" / "kuairec"
    app = KptuiApp(str(kuairec))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("2")
        await settle(app, pilot)
        pane = app.query_one(TagsPane)
        app.query_one("#tags-title", Input).value = "今天做了红烧肉，太香了"
        await settle(app, pilot)
        table = app.query_one("#tags-table", FrameTable)
        rows = cells(table)
        names = [r[1] for r in rows]
        assert REACH_HEADING in names
        cut = names.index(REACH_HEADING)
        assert cut > 0 and all(r[3] == "topic" for r in rows[:cut])
        assert rows[cut + 1 :] and all(r[3] == "reach" for r in rows[cut + 1 :])
        assert "感谢快手我要上热门" in names[cut:]
        table.focus()
        table.move_cursor(row=cut)
        await pilot.press("space")
        assert pane.chosen == []
        assert "reach" in str(app.query_one("#tags-status").render())


async def test_a_sampled_index_says_so_in_the_status(sample: str, monkeypatch) -> None:
    """A big export is indexed from MAX_VIDEOS of its videos: the pane says how many of how
    many, as `kptui tags suggest` does in its note."""
    from kptui.engine import tagindex

    monkeypatch.setattr(tagindex, "MAX_VIDEOS", 50)
    app = KptuiApp(sample)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("2")
        await settle(app, pilot)
        n = app.dataset.videos.height
        assert n > 50
        assert f"Type a title to see tags (from 50 of {n:,} videos)." in screen_text(app)
        await pilot.press("t", *"python")
        await settle(app, pilot)
        assert "Space/Enter on a tag adds it" in screen_text(app)  # one line at 80 columns
