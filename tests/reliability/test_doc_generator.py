"""docs/reliability.md and its generator (benchmarks/reliability.py) agree.

The doc is generated: its text comes from the generator's template, its tables from a run. These
tests re-render the committed doc with `--rewrite-prose` in memory: the tables must come back
verbatim, and the text must be the template's, so a hand edit of the doc (or a template change
without regenerating it) fails here.
"""

from __future__ import annotations

import re
import sys

from reliability_support import REPO

sys.path.insert(0, str(REPO / "benchmarks"))
import reliability as generator  # noqa: E402

DOC = REPO / "docs" / "reliability.md"
TABLES = ("faults", "broken", "inputs", "load", "sync")


def _without_provenance(text: str) -> str:
    return re.sub(r"^Text around the tables rewritten on .*\n", "", text, flags=re.M)


def test_the_committed_doc_is_the_generators_text_around_its_tables() -> None:
    doc = DOC.read_text(encoding="utf-8")
    again = generator.rewrite_prose(doc, [])
    assert _without_provenance(again) == _without_provenance(doc)
    parts = generator.measured(doc)
    assert all(parts[key].startswith("| ") for key in TABLES), parts.keys()


def test_rewriting_keeps_tables_renames_old_labels_and_adds_a_missing_sync_table() -> None:
    doc = DOC.read_text(encoding="utf-8")
    old, new = next(iter(generator.RENAMED.items()))
    before = doc.replace(f"| {new} |", f"| {old} |")
    heading = "## Power loss: the WAL synced before every reply"
    start = before.index(heading)
    before = before[:start] + before[before.index("## Faults injected") :]  # no sync table
    sync = [{"table": "sync", "row": "CLI `note`", "test": "t", "reply": "stdout", "synced": True},
            {"table": "outcome", "test": "t", "outcome": "passed"}]  # fmt: skip
    after = generator.rewrite_prose(before, sync)
    assert f"| {new} |" in after and f"| {old} |" not in after
    assert "| CLI `note` | stdout | yes | not run |" in after
    assert "(1 passed, 0 failed, 0 skipped)" in after
    for key in ("faults", "broken", "inputs", "load"):
        assert generator.measured(after)[key] == generator.measured(doc)[key]
