"""`kptui plan draft`: post ideas and drafts in the workspace.

`add` is `kptui.services.drafts.add_draft`, the job the Tags pane's save does too (one
publish-hour rule); the other commands are `kptui.store.Workspace` calls.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from kptui.cli import state
from kptui.cli.common import DataOption
from kptui.cli.output import plan as plan_output
from kptui.cli.plan.common import (
    DraftStatus,
    JsonOption,
    PersonaOption,
    WorkspaceOption,
    emit_json,
    open_workspace,
    say,
)

if TYPE_CHECKING:
    from kptui.store import Draft

app = typer.Typer(help="Post ideas and drafts.", no_args_is_help=True)


@app.command("add")
def draft_add(
    title: Annotated[str, typer.Option("--title", "-t", help="Working title.")],
    description: Annotated[str, typer.Option("--description", help="Description.")] = "",
    tags: Annotated[
        str | None, typer.Option("--tags", help="Chosen tags: 'a, b' or '#a #b'.")
    ] = None,
    persona: PersonaOption = None,
    publish_at: Annotated[
        str | None,
        typer.Option(
            "--publish-at",
            help="Planned time: '2025-06-01 19:30', '2025-06-01', or an hour '19'.",
        ),
    ] = None,
    status: Annotated[DraftStatus, typer.Option("--status")] = DraftStatus.idea,
    notes: Annotated[str, typer.Option("--notes", help="Free notes.")] = "",
    data: DataOption = None,
    k: Annotated[
        str, typer.Option("--k", help="Personas run the ids come from (as `kptui personas`).")
    ] = "auto",
    seed: Annotated[int, typer.Option("--seed", help="Seed of that personas run.")] = 0,
    workspace: WorkspaceOption = None,
    json_: JsonOption = False,
) -> None:
    """Save a new draft.

    With --persona and no --publish-at, the publish hour is suggested from
    those personas' active hours (when your data has timed interactions).
    """
    from kptui.services import drafts
    from kptui.store import parse_personas

    path = state.workspace(workspace)
    draft = drafts.add_draft(
        path,
        title,
        description=description,
        tags=tags,
        personas=parse_personas(persona),
        publish_at=publish_at,
        status=status.value,
        notes=notes,
        cards=lambda: drafts.persona_cards(data, path, k, seed),
    )
    if json_:
        emit_json(draft.to_json())
        return
    say("saved draft ", str(draft.id), ": ", draft.title)
    if draft.publish_hour_source == "persona":
        say(f"publish hour {draft.publish_hour:02d}:00 suggested from the personas' active hours")


@app.command("list")
def draft_list(
    status: Annotated[DraftStatus | None, typer.Option("--status")] = None,
    tag: Annotated[str | None, typer.Option("--tag", help="Only drafts with this tag.")] = None,
    persona: Annotated[
        int | None, typer.Option("--persona", help="Only drafts for this persona.")
    ] = None,
    workspace: WorkspaceOption = None,
    json_: JsonOption = False,
) -> None:
    """List drafts, oldest first."""
    with open_workspace(workspace) as ws:
        drafts = ws.list_drafts(status=status.value if status else None, tag=tag, persona=persona)
    if json_:
        emit_json([d.to_json() for d in drafts])
        return
    if not drafts:
        say("no drafts yet: kptui plan draft add --title '...'")
        return
    plan_output.print_drafts(drafts)


@app.command("show")
def draft_show(
    draft_id: Annotated[int, typer.Argument(help="Draft id.")],
    workspace: WorkspaceOption = None,
    json_: JsonOption = False,
) -> None:
    """Show one draft in full."""
    with open_workspace(workspace) as ws:
        draft = ws.get_draft(draft_id)
    if json_:
        emit_json(draft.to_json())
        return
    plan_output.print_draft(draft)


@app.command("edit")
def draft_edit(
    draft_id: Annotated[int, typer.Argument(help="Draft id.")],
    title: Annotated[str | None, typer.Option("--title", "-t")] = None,
    description: Annotated[str | None, typer.Option("--description")] = None,
    tags: Annotated[
        str | None, typer.Option("--tags", help="Replace the tags ('' clears them).")
    ] = None,
    persona: Annotated[
        list[str] | None,
        typer.Option("--persona", "-p", help="Replace the target personas ('none' clears)."),
    ] = None,
    publish_at: Annotated[
        str | None,
        typer.Option(
            "--publish-at",
            help="New time ('2025-06-01 19:30', a date, an hour '19'; 'none' clears).",
        ),
    ] = None,
    status: Annotated[DraftStatus | None, typer.Option("--status")] = None,
    notes: Annotated[str | None, typer.Option("--notes")] = None,
    workspace: WorkspaceOption = None,
    json_: JsonOption = False,
) -> None:
    """Change some fields of a draft; the others stay as they are."""
    from kptui.store import parse_personas

    changes: dict[str, Any] = {}
    for key, value in (
        ("title", title),
        ("description", description),
        ("tags", tags),
        ("notes", notes),
    ):
        if value is not None:
            changes[key] = value
    if status is not None:
        changes["status"] = status.value
    if persona is not None:
        cleared = [p for p in persona if p.strip().lower() not in {"none", ""}]
        changes["personas"] = parse_personas(cleared)
    with open_workspace(workspace) as ws:
        if publish_at is not None:
            changes.update(publish_changes(ws.get_draft(draft_id), publish_at))
        if not changes:
            from kptui.errors import UsageError

            raise UsageError("nothing to change: give at least one option (see --help)")
        draft = ws.update_draft(draft_id, **changes)
    if json_:
        emit_json(draft.to_json())
        return
    say("updated draft ", str(draft.id), ": ", draft.title)


@app.command("rm")
def draft_rm(
    draft_ids: Annotated[list[int], typer.Argument(help="Draft id(s).")],
    workspace: WorkspaceOption = None,
    json_: JsonOption = False,
) -> None:
    """Delete drafts (experiments that tested them keep their results)."""
    with open_workspace(workspace) as ws:
        ws.delete_drafts(draft_ids)  # all or nothing
    if json_:
        emit_json({"deleted": draft_ids})
        return
    say("deleted draft" + ("s " if len(draft_ids) > 1 else " "), ", ".join(map(str, draft_ids)))


def publish_changes(draft: Draft, text: str) -> dict[str, Any]:
    """`--publish-at` on edit: an hour alone keeps a planned date and moves the time."""
    from kptui.store import parse_publish_at

    at, hour = parse_publish_at(text)
    if at is None and hour is None:
        return {"publish_at": None, "publish_hour": None}
    if at is None:  # hour only
        if draft.publish_at:
            return {"publish_at": f"{draft.publish_at[:10]}T{hour:02d}:00", "publish_hour": hour}
        return {"publish_at": None, "publish_hour": hour}
    if hour is None and draft.publish_hour is not None:
        return {"publish_at": at}  # a date alone keeps the chosen (or suggested) hour
    return {"publish_at": at, "publish_hour": hour}
