"""The plan as JSON, CSV or Markdown, for a spreadsheet, a script or a notes app.

CSV cells that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR at the start)
get a leading apostrophe: a title like `=HYPERLINK(...)` from a scraped export must open as
text, not as a live formula (OWASP "CSV injection"). Every text cell also goes through
`kptui.textsafe`: an export shown with `cat` (or written to a terminal) must not run the
escape sequences a scraped title may hold; JSON keeps the exact text as `\\uXXXX` escapes.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from kptui.textsafe import clean, json_escape

FORMATS: tuple[str, ...] = ("json", "csv", "md")
CSV_TABLES: tuple[str, ...] = ("drafts", "experiments")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

DRAFT_COLUMNS = [
    "id",
    "title",
    "description",
    "tags",
    "personas",
    "publish_at",
    "publish_hour",
    "status",
    "notes",
    "created_at",
    "updated_at",
]
ARM_COLUMNS = [
    "experiment_id",
    "experiment",
    "status",
    "drafts",
    "arm",
    "role",
    "visitors",
    "conversions",
    "rate",
]


def csv_cell(value: Any) -> Any:
    """A value safe to put in a spreadsheet cell: numbers stay numbers, text can't be a formula."""
    if value is None:
        return ""
    if isinstance(value, (bool, int, float)):
        return value
    text = clean(value, one_line=False)
    return "'" + text if text.startswith(_FORMULA_START) else text


def to_json(snapshot: dict[str, Any]) -> str:
    return json_escape(json.dumps(snapshot, ensure_ascii=False, indent=2, allow_nan=False)) + "\n"


def to_csv(snapshot: dict[str, Any], table: str = "drafts") -> str:
    """One table per file: `drafts` (one row per draft) or `experiments` (one row per arm)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    if table == "drafts":
        writer.writerow(DRAFT_COLUMNS)
        for d in snapshot["drafts"]:
            row = {
                **d,
                "tags": "|".join(d["tags"]),
                "personas": "|".join(str(p) for p in d["personas"]),
            }
            writer.writerow([csv_cell(row[c]) for c in DRAFT_COLUMNS])
    elif table == "experiments":
        writer.writerow(ARM_COLUMNS)
        for e in snapshot["experiments"]:
            for i, arm in enumerate(e["arms"]):
                writer.writerow(
                    [
                        csv_cell(v)
                        for v in (
                            e["id"],
                            e["name"],
                            e["status"],
                            "|".join(str(d) for d in e["drafts"]),
                            arm["name"],
                            "control" if i == 0 else "variant",
                            arm["visitors"],
                            arm["conversions"],
                            arm["rate"],
                        )
                    ]
                )
    else:
        raise ValueError(f"unknown table {table!r}")
    return buf.getvalue()


def to_markdown(snapshot: dict[str, Any]) -> str:
    lines = ["# Content plan", "", "## Drafts", ""]
    if not snapshot["drafts"]:
        lines.append("_No drafts yet._")
    else:
        lines += [
            "| id | status | title | tags | personas | publish |",
            "|---:|---|---|---|---|---|",
        ]
        for d in snapshot["drafts"]:
            lines.append(
                "| "
                + " | ".join(
                    [
                        str(d["id"]),
                        d["status"],
                        _md(d["title"]),
                        _md(", ".join(d["tags"])),
                        ", ".join(str(p) for p in d["personas"]),
                        _md(_publish(d)),
                    ]
                )
                + " |"
            )
        for d in snapshot["drafts"]:
            if d["description"] or d["notes"]:
                lines += ["", f"### {d['id']}. {_md(d['title'])}", ""]
                if d["description"]:
                    lines.append(_md_block(d["description"]))
                if d["notes"]:
                    lines += ["", "Notes: " + _md_block(d["notes"])]
    lines += ["", "## Experiments", ""]
    if not snapshot["experiments"]:
        lines.append("_No experiments yet._")
    for e in snapshot["experiments"]:
        drafts = ", ".join(f"#{d}" for d in e["drafts"])
        lines += [
            f"### {e['id']}. {_md(e['name'])} ({e['status']})",
            "",
            f"Drafts tested: {drafts}" if drafts else "Drafts tested: none linked",
            "",
            "| arm | visitors | conversions | rate |",
            "|---|---:|---:|---:|",
        ]
        for i, arm in enumerate(e["arms"]):
            rate = "" if arm["rate"] is None else f"{arm['rate']:.2%}"
            role = " (control)" if i == 0 else ""
            lines.append(
                f"| {_md(arm['name'])}{role} | {arm['visitors']} | {arm['conversions']} | {rate} |"
            )
        if e["notes"]:
            lines += ["", "Notes: " + _md_block(e["notes"])]
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def render(snapshot: dict[str, Any], fmt: str, table: str = "drafts") -> str:
    if fmt == "json":
        return to_json(snapshot)
    if fmt == "csv":
        return to_csv(snapshot, table)
    if fmt == "md":
        return to_markdown(snapshot)
    raise ValueError(f"unknown format {fmt!r}")


def _publish(d: dict[str, Any]) -> str:
    if d["publish_at"]:
        return d["publish_at"].replace("T", " ")
    if d["publish_hour"] is not None:
        suffix = " (suggested)" if d["publish_hour_source"] == "persona" else ""
        return f"{d['publish_hour']:02d}:00{suffix}"
    return ""


def _md(text: str) -> str:
    """Table-cell safe: no line breaks, pipes and markup characters escaped."""
    text = clean(" ".join(str(text).split()))
    for ch in "\\|`*_[]<>#":
        text = text.replace(ch, "\\" + ch)
    return text


def _md_block(text: str) -> str:
    return "\n".join(_md(line) for line in str(text).splitlines())
