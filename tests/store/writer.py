"""A workspace writer run as a separate process by the durability tests.

Usage: python writer.py WORKSPACE N TAG
Cycles through three kinds of change and prints one line per change *after* the call that
made it has returned (i.e. after COMMIT), so the parent knows exactly what was acknowledged:
  D <draft_id> <title>        a draft was added
  R <experiment_id> <arm>     one visitor (and one conversion every third time) was recorded
  N <draft_id> <notes>        a draft's notes were replaced
The experiment to record into is the first one in the workspace. With WRITER_GO=FILE set, the
writer opens the workspace, then waits for FILE to exist, so several writers start together.
"""

from __future__ import annotations

import os
import sys
import time

from kptui.store import Workspace


def main() -> None:
    path, n, tag = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    out = sys.stdout
    go = os.environ.get("WRITER_GO")
    with Workspace.open(path) as ws:
        exp = ws.list_experiments()[0]
        while go and not os.path.exists(go):
            time.sleep(0.001)
        last_draft = None
        for i in range(n):
            kind = i % 3
            if kind == 0:
                title = f"{tag}-{i} 标题 [x]"
                d = ws.add_draft(title, tags=["t", tag], description="d" * (i % 50))
                last_draft = d.id
                out.write(f"D {d.id} {title}\n")
            elif kind == 1:
                conv = 1 if i % 9 == 1 else 0
                ws.record(exp.id, "A", visitors=1, conversions=conv)
                out.write(f"R {exp.id} A {conv}\n")
            elif last_draft is not None:
                notes = f"{tag}-note-{i}"
                ws.update_draft(last_draft, notes=notes)
                out.write(f"N {last_draft} {notes}\n")
            out.flush()
    out.write("DONE\n")
    out.flush()


if __name__ == "__main__":
    main()
