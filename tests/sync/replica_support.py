"""What tests of the team sync compare: a replica's record, keyed by global ids, not rowids."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from incident_recorder.domain.milestones import Milestone
from incident_recorder.storage import IncidentFile
from incident_recorder.storage.replica import SharedRow


def record_of(handle: IncidentFile) -> dict[str, Any]:
    """Everything a reader of the record sees, with each entry under its global id (rowids
    differ between replicas): the entries as they now read, every revision, milestones and
    details as they now read and their histories, and the global ids of every row."""
    uid_of = {row_id: uid for uid, row_id in handle.uids("entries").items()}
    entries = handle.entries()
    return {
        "entries": {
            uid_of[e.id]: (
                e.kind.value,
                e.text,
                e.occurred_at,
                e.recorded_at,
                e.revision,
                e.hidden,
                e.public,
                e.starred,
                e.author,
                e.occurred_offset,
                e.source,
                None if e.capture is None else e.capture.sha256,
            )
            for e in entries
        },  # fmt: skip
        "histories": {
            uid_of[e.id]: [(h.text, h.hidden, h.revision) for h in handle.history(e.id)]
            for e in entries
        },
        "milestones": handle.milestones(),
        "milestone_history": {m.value: handle.milestone_history(m) for m in Milestone},
        "details": handle.details(),
        "report_texts": handle.report_texts(),
        "action_items": [
            (i.description, i.owner, i.status, i.revision, i.hidden)
            for i in handle.action_items(include_hidden=True)
        ],
        "annotations": sorted(
            (s.revision, s.shapes, s.redactions) for s in handle.annotation_summaries().values()
        ),
        "uids": sorted(handle.uids()),
    }


def record_at(path: Path) -> dict[str, Any]:
    """`record_of` the file at `path` (opened read-only through storage, then closed)."""
    with IncidentFile.open(path, readonly=True) as handle:
        return record_of(handle)


def exchange(source: IncidentFile, target: IncidentFile) -> int:
    """Hand every row of `source`'s recorder to `target` directly (no database): how many rows
    `target` took."""
    rows: list[SharedRow] = [row for _, row in source.outgoing(0, 1_000_000)]
    before = target.shared_count()
    target.apply_shared(rows, {})
    return target.shared_count() - before


def exported_json(folder: Path) -> tuple[bytes, dict[str, bytes]]:
    """The JSON export in `folder` as its bytes, the one line that differs between replicas by
    design (`exported_at`) blanked, and its images/ by name (their bytes): what must be the
    same, byte for byte, in every replica's export of a shared incident."""
    text, found = re.subn(
        rb'\n  "exported_at": "[^"\n]*",\n',
        b'\n  "exported_at": "",\n',
        (folder / "incident.json").read_bytes(),
    )
    assert found == 1, "an export has one exported_at, at the top level"
    images = folder / "images"
    files = sorted(images.iterdir()) if images.is_dir() else []
    return text, {path.name: path.read_bytes() for path in files}


def run(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`incident-recorder ARGS` in a process of its own, this environment plus `env`."""
    return subprocess.run(
        [sys.executable, "-m", "incident_recorder", *map(str, args)],
        capture_output=True, text=True, timeout=60, env={**os.environ, **(env or {})},
    )  # fmt: skip


def ok(*args: str | Path) -> str:
    """`run(*args)`, which must succeed; its standard output."""
    result = run(*args)
    assert result.returncode == 0, (args, result.stdout, result.stderr)
    return result.stdout
