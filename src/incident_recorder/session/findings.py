"""Findings of an incident: what looks sensitive in its notes, captions and capture text, and
whether someone has handled it.

A finding in a capture's recognised text has a box (the words it covers); it is handled once a
redaction of the capture's current annotations covers that box, or once someone dismissed it as
not sensitive (`dismiss`, recorded with who and when). A finding in a note or caption is handled
only by a dismissal (or by editing it away: the current text is what is checked).
The team's own domains come from `<data dir>/findings/own-domains.txt` and Settings (both
used). `accept_redactions` adds a redaction over every unhandled box of a capture as one annotation
revision, editable later like any other. Review and the public export read `incident_findings`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from incident_recorder import paths
from incident_recorder.domain.annotation import Shape, ShapeKind
from incident_recorder.domain.readings import MASK, FindingMark, Reading
from incident_recorder.domain.record import IncidentRecord
from incident_recorder.recognition.findings import Rules, find, load_rules
from incident_recorder.recognition.words import Box, Word, bounding, text_of, word_spans
from incident_recorder.settings import FILE_NAME as SETTINGS_FILE
from incident_recorder.settings import saved_own_domains
from incident_recorder.storage import IncidentFile
from incident_recorder.storage.recognised import Dismissal

PADDING = 3
"""Pixels a proposed redaction reaches past the words' boxes (Tesseract's boxes are tight)."""


@dataclass(frozen=True, slots=True)
class Finding:
    entry_id: int
    source: str  # 'note', 'caption' or 'capture'
    kind: str
    label: str
    key: str
    box: Box | None
    handled: str | None  # 'redacted', 'dismissed' or None
    span: tuple[int, int] | None = None
    """Where in the entry's text (note or caption: start, end in characters); None in a
    capture's recognised text, which has `box` instead."""

    @property
    def message(self) -> str:
        where = "capture" if self.source == "capture" else self.source
        state = {"redacted": "redacted", "dismissed": "marked not sensitive"}.get(
            self.handled or "", "not redacted" if self.source == "capture" else "not handled"
        )
        return f"entry {self.entry_id}, {where}: looks like {self.label} — {state}"


def finding_rules(own_domains: Sequence[str] | None = None) -> Rules:
    """The shipped patterns and own domains, then a team's in <data dir>/findings/, and the own
    domains of Settings (`own_domains`; None: those saved in the settings file, read here so
    the window, the command line and the export child all look for the same names)."""
    shipped = paths.resources_dir() / "findings"
    team = paths.data_dir() / "findings"

    def files(pattern: str) -> list[Path]:
        found = sorted(shipped.glob(pattern))
        return found + (sorted(team.glob(pattern)) if team.is_dir() else [])

    rules = load_rules(
        [p for p in files("*.txt") if p.name != "own-domains.txt"], files("own-domains.txt")
    )
    if own_domains is None:
        own_domains = saved_own_domains(paths.config_dir() / SETTINGS_FILE)
    domains = tuple(dict.fromkeys([*rules.own_domains, *own_domains]))
    return dataclasses.replace(rules, own_domains=domains)


def incident_findings(
    file: IncidentFile, rules: Rules, only: set[int] | None = None
) -> list[Finding]:
    """Every finding of the visible entries (of those in `only`, if given), in timeline order."""
    salt = file.incident().uuid
    with file.consistent_read():
        entries = [e for e in file.entries(include_hidden=False) if only is None or e.id in only]
        texts = file.capture_texts()
        dismissed = file.dismissals()
        redactions = {
            entry.capture.id: _redaction_boxes(file, entry.capture.id)
            for entry in entries
            if entry.capture is not None
        }
    found: list[Finding] = []
    for entry in entries:
        source = "caption" if entry.capture is not None else "note"
        for item in find(entry.text, rules, salt=salt):
            handled = "dismissed" if (entry.id, item.key) in dismissed else None
            span = (item.start, item.end)
            found.append(
                Finding(entry.id, source, item.kind, item.label, item.key, None, handled, span)
            )
        if entry.capture is None or entry.capture.id not in texts:
            continue
        words = texts[entry.capture.id].words
        spans = word_spans(words)
        for item in find(text_of(words), rules, salt=salt, recognised=True):
            covered = [
                w.box
                for w, (s, e) in zip(words, spans, strict=True)
                if s < item.end and item.start < e
            ]
            box = bounding(covered)
            handled = None
            if (entry.id, item.key) in dismissed:
                handled = "dismissed"
            elif box is not None and any(box.covered_by(r) for r in redactions[entry.capture.id]):
                handled = "redacted"
            found.append(
                Finding(entry.id, "capture", item.kind, item.label, item.key, box, handled)
            )
    return found


def _redaction_boxes(file: IncidentFile, capture_id: int) -> list[Box]:
    boxes = []
    for shape in file.annotations(capture_id):
        if shape.kind is ShapeKind.REDACTION:
            left, top, right, bottom = shape.box()
            boxes.append(Box(left, top, right - left, bottom - top))
    return boxes


def unhandled(findings: list[Finding], public_only: set[int] | None = None) -> list[Finding]:
    """The findings nobody handled (of the entries in `public_only`, if given)."""
    return [
        f
        for f in findings
        if f.handled is None and (public_only is None or f.entry_id in public_only)
    ]


def accept_redactions(file: IncidentFile, capture_id: int, rules: Rules) -> int:
    """A redaction over each unhandled finding's box in the capture, added to its current
    shapes as one annotation revision; the revision's number (0: nothing to redact)."""
    width, height = file.capture_size(capture_id)
    entry_ids = {
        e.id for e in file.entries() if e.capture is not None and e.capture.id == capture_id
    }
    boxes = [
        f.box
        for f in incident_findings(file, rules, entry_ids)
        if f.box is not None and f.handled is None
    ]
    if not boxes:
        return 0
    shapes, revision = file.annotations_at_revision(capture_id)
    added = [
        Shape(
            ShapeKind.REDACTION,
            max(0, box.left - PADDING),
            max(0, box.top - PADDING),
            min(width, box.right + PADDING),
            min(height, box.bottom + PADDING),
        )
        for box in dict.fromkeys(boxes)
    ]
    return file.set_annotations(capture_id, [*shapes, *added], base_revision=revision)


def dismiss(file: IncidentFile, finding: Finding, by: str) -> None:
    """Record `finding` as not sensitive, by `by`."""
    file.dismiss_finding(finding.entry_id, finding.key, finding.kind, by)


def readings(file: IncidentFile, rules: Rules) -> dict[int, Reading]:
    """Entry id → its capture's recognised text with findings and redacted words masked, and
    its findings (no values), for an export (domain/readings.py)."""
    found: dict[int, list[Finding]] = {}
    with file.consistent_read():
        for finding in incident_findings(file, rules):
            found.setdefault(finding.entry_id, []).append(finding)
        texts = file.capture_texts()
        salt = file.incident().uuid
        entries = file.entries(include_hidden=False)
        redactions = {
            e.capture.id: _redaction_boxes(file, e.capture.id)
            for e in entries
            if e.capture is not None and e.capture.id in texts
        }
    result: dict[int, Reading] = {}
    for entry in entries:
        text = None
        if entry.capture is not None and entry.capture.id in texts:
            words = texts[entry.capture.id].words
            text = _masked(words, redactions[entry.capture.id], rules, salt)
        marks = tuple(
            FindingMark(
                f.kind,
                f.label,
                None if f.box is None else (f.box.left, f.box.top, f.box.width, f.box.height),
                f.handled,
                f.span,
            )
            for f in found.get(entry.id, [])
        )
        if text is not None or marks:
            result[entry.id] = Reading(text, marks)
    return result


def _masked(words: list[Word], redactions: list[Box], rules: Rules, salt: str) -> str:
    """The words as text, each word under a redaction or inside a finding replaced by MASK."""
    text = text_of(words)
    spans = word_spans(words)
    hidden = [any(w.box.covered_by(r, 0.5) for r in redactions) for w in words]
    for item in find(text, rules, salt=salt, recognised=True):
        for index, (start, end) in enumerate(spans):
            if start < item.end and item.start < end:
                hidden[index] = True
    shown = [
        Word(MASK if hide else w.text, w.box, w.confidence, w.line)
        for w, hide in zip(words, hidden, strict=True)
    ]
    return text_of(shown)


def with_readings(file: IncidentFile, record: IncidentRecord) -> IncidentRecord:
    """`record` with the readings of `file` (what an export shows of capture text)."""
    return dataclasses.replace(record, readings=readings(file, finding_rules()))


def proposed_redactions(file: IncidentFile, entry_id: int, rules: Rules) -> list[Box]:
    """The boxes of the capture entry's findings nobody has handled (for its viewer)."""
    found = incident_findings(file, rules, {entry_id})
    return [f.box for f in found if f.box is not None and f.handled is None]


def entry_findings(
    file: IncidentFile, rules: Rules, entry_id: int
) -> list[tuple[Finding, Dismissal | None]]:
    """The findings of one entry, each with its dismissal (who, when) if it was dismissed:
    what the capture viewer lists."""
    with file.consistent_read():
        found = incident_findings(file, rules, {entry_id})
        dismissals = file.dismissals()
    return [(f, dismissals.get((f.entry_id, f.key))) for f in found]
