"""Messages that thread workers post back to the UI thread (workers never touch widgets)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual.message import Message

if TYPE_CHECKING:
    from kptui.engine.types import Dataset


class LoadProgress(Message):
    """A loading stage and, when known, how far along it is (0..1)."""

    def __init__(self, stage: str, fraction: float | None) -> None:
        super().__init__()
        self.stage = stage
        self.fraction = fraction


class DatasetLoaded(Message):
    """A dataset finished loading and validating; the app hands it to every pane."""

    def __init__(self, dataset: Dataset, path: str, overview: dict[str, Any]) -> None:
        super().__init__()
        self.dataset = dataset
        self.path = path
        self.overview = overview


@dataclass
class Draft:
    """The post being planned: what the Tags pane edits and the Recommend pane fits."""

    title: str = ""
    description: str = ""
    chosen: list[str] | None = None
    draft_id: int | None = None  # set once saved in the workspace
    personas: list[int] | None = None  # target personas, picked in the Recommend pane

    @property
    def tags(self) -> list[str]:
        return list(self.chosen or [])

    @property
    def empty(self) -> bool:
        return not (self.title.strip() or self.description.strip())


class DraftChanged(Message):
    """The Tags pane's draft changed (title, description or chosen tags)."""

    def __init__(self, draft: Draft) -> None:
        super().__init__()
        self.draft = draft


class WorkspaceChanged(Message):
    """Something was saved to the workspace; the Plan pane reloads."""
