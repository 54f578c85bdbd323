"""Drafts: add or save one with its suggested publish hour.

The publish-hour rule is kptui.engine.publish.hour_for_personas: a time the user typed always
wins; otherwise, with target personas whose cards know their active hours, the hour is
suggested (`publish_hour_source = "persona"`); otherwise it stays unset. A suggestion is never
worth failing a save for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kptui.store import Draft

WORKSPACE_TIMEOUT = 5.0  # seconds to wait for another process's lock before saying so

Cards = Iterable[Mapping[str, Any]]


def suggested_hour(
    personas: Sequence[int], cards: Cards | Callable[[], Cards] | None
) -> int | None:
    """The publish hour for these target personas, or None (no personas, no cards, no
    activity profile). `cards` may be a callable, called only when there are personas."""
    from kptui.engine.publish import hour_for_personas

    if not personas or cards is None:
        return None
    found = cards() if callable(cards) else cards
    return hour_for_personas(found, personas)


def persona_cards(data: str | None, workspace: str | None, k: str = "auto", seed: int = 0) -> list:
    """The persona cards of a dataset (the same fit, and ids, `kptui personas` shows: the
    engine caches it by the data's fingerprint); [] when the data has no interactions.

    A dataset the user named that cannot be used is their error to see; anything else going
    wrong (no data given and none usable, a fit that fails) just means no suggestion.
    """
    from kptui.errors import KptuiError

    try:
        from kptui.engine.personas import load_or_fit_personas
        from kptui.services.datasets import open_dataset

        dataset, _ = open_dataset(data, workspace)
        if not dataset.has_interactions:
            return []
        return list(load_or_fit_personas(dataset, k=k, seed=seed).cards)
    except KptuiError:
        if data:
            raise
        return []
    except Exception:
        return []


def _check_personas(personas: Sequence[int], cards: Cards) -> None:
    """A target persona the data's personas do not have (`-p 50` of 8) was saved silently."""
    from kptui.errors import FIELD, UsageError

    known = sorted(int(c["id"]) for c in cards)
    unknown = [p for p in personas if int(p) not in known]
    if unknown:
        ids = f"{known[0]}-{known[-1]}" if known == list(range(known[0], known[-1] + 1)) else known
        raise UsageError(
            f"{FIELD} {unknown[0]}: no such persona in this data's personas run (ids {ids}; "
            "`kptui personas` lists them, --k picks another run)",
            field="persona",
        )


def add_draft(
    workspace: str | None,
    title: str,
    *,
    description: str = "",
    tags: str | Sequence[str] | None = None,
    personas: Sequence[int] = (),
    publish_at: str | None = None,
    status: str = "idea",
    notes: str = "",
    cards: Cards | Callable[[], Cards] | None = None,
) -> Draft:
    """Save a new draft; `publish_at` as typed ('2025-06-01 19:30', a date, an hour)."""
    from kptui.store import Workspace, parse_publish_at

    at, hour = parse_publish_at(publish_at)
    source = "user" if hour is not None else None
    if personas and callable(cards):
        cards = list(cards())  # once: for the check and the suggestion
    if personas and cards:
        _check_personas(personas, cards)
    if hour is None:
        hour = suggested_hour(personas, cards)
        source = "persona" if hour is not None else None
    with Workspace.open(workspace) as ws:
        return ws.add_draft(
            title,
            description=description,
            tags=tags,
            personas=list(personas),
            publish_at=at,
            publish_hour=hour,
            publish_hour_source=source,
            status=status,
            notes=notes,
        )


def save_draft(
    workspace: str | None,
    title: str,
    *,
    draft_id: int | None = None,
    description: str = "",
    tags: Sequence[str] = (),
    personas: Sequence[int] = (),
    keep_hour: bool = False,
    cards: Cards | Callable[[], Cards] | None = None,
) -> Draft:
    """Save the app's draft: over `draft_id` when it still exists, else as a new one. The
    publish hour is suggested again from the target personas unless the user chose it
    (`keep_hour`); without a suggestion the saved hour stays as it was."""
    from kptui.store import NotFoundError, Workspace

    fields: dict[str, Any] = {
        "description": description,
        "tags": list(tags),
        "personas": list(personas),
    }
    hour = None if keep_hour else suggested_hour(personas, cards)
    if hour is not None:
        fields.update(publish_hour=hour, publish_hour_source="persona")
    with Workspace.open(workspace, timeout=WORKSPACE_TIMEOUT) as ws:
        if draft_id is not None:
            try:
                return ws.update_draft(draft_id, title=title, **fields)
            except NotFoundError:
                pass  # deleted meanwhile: save as a new one
        return ws.add_draft(title, **fields)
