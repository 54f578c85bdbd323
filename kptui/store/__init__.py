"""The workspace: the creator's plan (drafts, experiments, recent datasets) in one SQLite file.

Standard library only, so the CLI and the TUI can open it without paying for polars or numpy.

Opening
    ws = Workspace.open(path=None, *, readonly=False, timeout=None)
        path None -> `KPTUI_WORKSPACE`, else `kptui.paths.workspace_path()` (user data folder).
        The CLI passes `--workspace FILE`. Use `with Workspace.open(...) as ws:` or `ws.close()`.
        Raises `WorkspaceError` (exit 1, one line) for a file that is not SQLite, is damaged,
        belongs to another program or comes from a newer kptui: such files are never written.
        A file the OS won't let us write opens read-only: reads work, writes raise
        WorkspaceError. One object may be shared between threads (calls are serialised); the
        TUI and CLI calls in other processes can use the same file at once.

Drafts (`Draft`: id, title, description, tags, personas, publish_at, publish_hour,
publish_hour_source, status, notes, created_at, updated_at; `.to_json()`)
    ws.add_draft(title, *, description="", tags=None, personas=None, publish_at=None,
                 publish_hour=None, publish_hour_source=None, status="idea", notes="") -> Draft
    ws.get_draft(draft_id) -> Draft                         # NotFoundError (exit 2) if absent
    ws.list_drafts(*, status=None, tag=None, persona=None) -> list[Draft]   # oldest first
    ws.update_draft(draft_id, *, title=, description=, tags=, personas=, publish_at=,
                    publish_hour=, publish_hour_source=, status=, notes=) -> Draft
        Only the fields passed change. `tags` takes a list or "a, b|c" text; `personas` ints.
        Status is one of DRAFT_STATUSES ("idea", "ready", "published").
    ws.delete_draft(draft_id) -> None;  ws.delete_drafts(ids) -> None   # all or none

Experiments (`Experiment`: id, name, arms: list[Arm] (arms[0] = control), drafts: list[int],
status, alpha, notes, created_at, updated_at; `Arm`: name, visitors, conversions, weight, .rate)
    ws.add_experiment(name, *, arms=("A", "B"), drafts=(), status="running", alpha=0.05,
                      notes="") -> Experiment               # arms: names or Arm(...) objects
    ws.get_experiment(experiment_id) -> Experiment
    ws.list_experiments(*, status=None) -> list[Experiment]
    ws.update_experiment(experiment_id, *, name=, status=, alpha=, notes=, drafts=, arms=)
        -> Experiment; `arms` replaces every arm at once (e.g. the A/B pane saving its inputs).
    ws.record(experiment_id, arm_name, *, visitors=0, conversions=0, replace=False) -> Experiment
        Adds the counts to the arm (replace=True sets the totals instead).
    ws.delete_experiment(experiment_id) -> None;  ws.delete_experiments(ids) -> None
    Status is one of EXPERIMENT_STATUSES ("planned", "running", "stopped", "done").

Recent datasets
    ws.add_recent_dataset(path) -> None          # stored absolute; no-op on a read-only file
    ws.last_dataset(*, existing_only=True) -> str | None
    ws.recent_datasets(limit=10, *, existing_only=False) -> list[str]   # most recent first

Whole plan
    ws.snapshot() -> {"schema_version", "drafts": [...], "experiments": [...]}  (JSON-ready)
    export.render(snapshot, "json" | "csv" | "md", table="drafts" | "experiments") -> str
    ws.integrity_check() -> "ok" | first problem;  ws.schema_version -> int

Helpers for the app's fields (same validation and messages as the CLI)
    parse_publish_at(text) -> (publish_at | None, publish_hour | None)
    parse_tags(text_or_list) -> list[str];  parse_personas(items) -> list[int]

Errors: `WorkspaceError` (file unusable, busy for longer than `timeout`, read-only),
`NotFoundError` (a `UsageError`: unknown draft, experiment or arm), `UsageError` (bad value).
All are `KptuiError`s with a one-line message; "database is locked" never escapes.

`suggest_publish_hour` and `merge_hour_profiles` are re-exported from kptui.engine.publish,
where the publish-hour rule lives; `Arm` is kptui.engine.abtest's.

Guarantees: every method that changes something is one transaction (`BEGIN IMMEDIATE`, WAL,
`synchronous=FULL`): when it returns the change is on disk; a crash or kill loses at most the
change in flight. The schema is versioned with `PRAGMA user_version` and migrated forward on open.
"""

from __future__ import annotations

from kptui.engine.publish import merge_hour_profiles, suggest_publish_hour
from kptui.store._db import SCHEMA_VERSION
from kptui.store.models import (
    DRAFT_STATUSES,
    EXPERIMENT_STATUSES,
    Arm,
    Draft,
    Experiment,
)
from kptui.store.values import parse_personas, parse_publish_at, parse_tags
from kptui.store.workspace import NotFoundError, Workspace

__all__ = [
    "DRAFT_STATUSES",
    "EXPERIMENT_STATUSES",
    "SCHEMA_VERSION",
    "Arm",
    "Draft",
    "Experiment",
    "NotFoundError",
    "Workspace",
    "merge_hour_profiles",
    "parse_personas",
    "parse_publish_at",
    "parse_tags",
    "suggest_publish_hour",
]
