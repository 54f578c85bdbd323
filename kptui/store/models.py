"""What the workspace hands out: plain dataclasses, detached from the database.

They are snapshots: changing one changes nothing on disk; call a `Workspace` method instead.
`to_json()` gives the stable shape that `--json` and `plan export --format json` print.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# One arm type for the whole house: the engine computes on the arms the workspace stores.
# kptui.engine.abtest is standard library only, so the store stays free of polars and numpy.
from kptui.engine.abtest import Arm

__all__ = ["DRAFT_STATUSES", "EXPERIMENT_STATUSES", "Arm", "Draft", "Experiment"]

DRAFT_STATUSES: tuple[str, ...] = ("idea", "ready", "published")
EXPERIMENT_STATUSES: tuple[str, ...] = ("planned", "running", "stopped", "done")


@dataclass(frozen=True)
class Draft:
    id: int
    title: str
    description: str = ""
    tags: list[str] = field(default_factory=list)
    personas: list[int] = field(default_factory=list)
    publish_at: str | None = None  # planned local time: 'YYYY-MM-DD' or 'YYYY-MM-DDTHH:MM'
    publish_hour: int | None = None  # 0-23; from publish_at, typed, or suggested
    publish_hour_source: str | None = None  # 'user' | 'persona' | None
    status: str = "idea"
    notes: str = ""
    created_at: str = ""  # UTC ISO 8601
    updated_at: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "description": self.description,
            "tags": list(self.tags),
            "personas": list(self.personas),
            "publish_at": self.publish_at,
            "publish_hour": self.publish_hour,
            "publish_hour_source": self.publish_hour_source,
            "status": self.status,
            "notes": self.notes,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }


@dataclass(frozen=True)
class Experiment:
    id: int
    name: str
    arms: list[Arm]  # arms[0] is the control
    drafts: list[int] = field(default_factory=list)
    status: str = "running"
    alpha: float = 0.05
    notes: str = ""
    created_at: str = ""
    updated_at: str = ""

    @property
    def control(self) -> Arm:
        return self.arms[0]

    @property
    def variants(self) -> list[Arm]:
        return self.arms[1:]

    def arm(self, name: str) -> Arm | None:
        for arm in self.arms:
            if arm.name == name:
                return arm
        return None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "status": self.status,
            "alpha": self.alpha,
            "drafts": list(self.drafts),
            "arms": [a.to_json() for a in self.arms],
            "notes": self.notes,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }


@dataclass(frozen=True)
class DayRecord:
    """What one arm of an experiment got on one day (`day` is 'YYYY-MM-DD')."""

    day: str
    arm: str
    visitors: int
    conversions: int

    def to_json(self) -> dict[str, Any]:
        return {
            "day": self.day,
            "arm": self.arm,
            "visitors": self.visitors,
            "conversions": self.conversions,
        }
