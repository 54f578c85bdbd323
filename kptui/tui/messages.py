"""Messages: what thread workers post back to the UI thread (workers never touch widgets),
and what one pane asks of another.

Panes never import or call each other. A pane that wants something of another posts a
`PaneRequest`; it bubbles up to the app, which delivers a copy to the pane the request names
(and shows that pane when the request says so). The target handles the delivered copy.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Self

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


class PaneRequest(Message):
    """Something for the pane `TARGET` to do; the app delivers it (see the module docstring).

    `delivered` is False on the way up to the app and True on the copy the target gets, so a
    pane that both posts and handles one kind (the Plan pane and `WorkspaceChanged`) acts on
    the delivered copy only.
    """

    TARGET: ClassVar[str] = ""
    SHOW: ClassVar[bool] = False  # switch to the target pane as well

    def __post_init__(self) -> None:
        super().__post_init__()
        self.delivered = False

    def delivery(self) -> Self:
        """A fresh copy of this request for the target pane (same payload, new routing)."""
        out = copy.copy(self)
        out.__post_init__()
        out.delivered = True
        return out


class DraftChanged(PaneRequest):
    """The Tags pane's draft changed (title, description, chosen tags or target personas):
    posted once typing pauses, the same debounce its suggestions wait for."""

    TARGET = "recommend"

    def __init__(self, draft: Draft) -> None:
        super().__init__()
        self.draft = draft


class WorkspaceChanged(PaneRequest):
    """Something was saved to the workspace; the Plan pane reloads."""

    TARGET = "plan"


class OpenDraft(PaneRequest):
    """Open a saved draft (a `kptui.store.Draft`) in the Tags pane for editing."""

    TARGET = "tags"
    SHOW = True

    def __init__(self, draft: Any) -> None:
        super().__init__()
        self.draft = draft


class OpenExperiment(PaneRequest):
    """Open a saved experiment (a `kptui.store.Experiment`) in the A/B pane."""

    TARGET = "ab"
    SHOW = True

    def __init__(self, experiment: Any) -> None:
        super().__init__()
        self.experiment = experiment


class TogglePersona(PaneRequest):
    """Target (or stop targeting) a persona with the Tags pane's draft."""

    TARGET = "tags"

    def __init__(self, persona_id: int) -> None:
        super().__init__()
        self.persona_id = persona_id


class OpenDataset(PaneRequest):
    """Open the dataset at `path` (a recent one picked in the command palette)."""

    TARGET = "data"
    SHOW = True

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path
