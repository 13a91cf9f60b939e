"""Fuzzing the parsers: any text or JSON gives entries or ImportFailed, never another exception."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from importer_support import START

from incident_recorder.domain.imported import ImportedEntry
from incident_recorder.importers import ImportFailed
from incident_recorder.importers.common import Problems
from incident_recorder.importers.csv_import import COLUMNS, parse_csv, read_csv
from incident_recorder.importers.json_import import parse_document
from incident_recorder.importers.slack_import import day_messages, plain_text

FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=12), inner,
                                                               max_size=5),
    max_leaves=30,
)  # fmt: skip
field = st.one_of(
    st.text(max_size=20),
    st.sampled_from(["0", "262", "-5", "1e9", "nan", "detected", "public", "internal", "action",
                     "2026-11-27T14:00:00Z", "2026-11-27T14:00", '"', "\r\n", "\x00"]),
)  # fmt: skip


def check_entries(entries: list[ImportedEntry], notes: list[str] | None = None) -> None:
    for note in notes or []:
        assert len(note.splitlines()) == 1
    for entry in entries:
        assert entry.text.strip()
        assert entry.occurred_at.tzinfo is not None


def check_failure(failed: ImportFailed) -> None:
    assert failed.problems
    for problem in failed.problems:
        assert len(problem.splitlines()) == 1 and "Traceback" not in problem


@FUZZ
@given(st.text())
def test_csv_any_text(text: str) -> None:
    try:
        check_entries(parse_csv(text, start=START))
    except ImportFailed as failed:
        check_failure(failed)


@FUZZ
@given(st.binary())
def test_csv_any_bytes(data: bytes) -> None:
    try:
        check_entries(read_csv(data))
    except ImportFailed as failed:
        check_failure(failed)


@FUZZ
@given(
    st.lists(st.sampled_from(COLUMNS), min_size=1, max_size=6),
    st.lists(st.lists(field, min_size=1, max_size=7), max_size=6),
)
def test_csv_rows_of_plausible_fields(header: list[str], rows: list[list[str]]) -> None:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    try:
        check_entries(parse_csv(out.getvalue(), start=START))
    except ImportFailed as failed:
        check_failure(failed)


message = st.fixed_dictionaries(
    {},
    optional={
        "ts": st.one_of(json_values, st.sampled_from(["1795788000.000200", "1e400", "-1", "NaN"])),
        "user": json_values,
        "text": st.one_of(json_values, st.text()),
        "subtype": st.one_of(json_values, st.sampled_from(["channel_join", "bot_message"])),
        "bot_id": json_values,
        "user_profile": json_values,
    },
)


@FUZZ
@given(st.one_of(json_values, st.lists(st.one_of(message, json_values), max_size=8)))
def test_slack_any_json(document: object) -> None:
    problems, skipped = Problems(), Counter[str]()
    try:
        entries = day_messages(document, "d.json", "c", {"U1": "Alice"}, (None, None), problems,
                               skipped)  # fmt: skip
        check_entries(entries)
        problems.check()
    except ImportFailed as failed:
        check_failure(failed)


@FUZZ
@given(st.text())
def test_slack_markup_any_text(text: str) -> None:
    assert isinstance(plain_text(text, {"U1": "Alice"}), str)


entry = st.fixed_dictionaries(
    {},
    optional={
        "id": json_values,
        "kind": st.one_of(json_values, st.sampled_from(["observation", "det", "x"])),
        "text": st.one_of(json_values, st.text()),
        "occurred_at": st.one_of(json_values, st.just("2026-11-27T14:00:00.000+00:00")),
        "hidden": json_values,
        "public": json_values,
        "author": json_values,
        "occurred_offset": json_values,
        "milestone": json_values,
        "capture": st.one_of(json_values, st.fixed_dictionaries({"file": json_values})),
    },
)


@FUZZ
@given(
    st.one_of(
        json_values,
        st.fixed_dictionaries(
            {"format": st.just("incident-recorder/1"), "entries": st.lists(entry, max_size=5)},
            optional={"milestones": json_values},
        ),
    )
)
def test_json_export_any_document(document: object) -> None:
    try:
        result = parse_document(document, Path("/nonexistent-export-folder"))
        check_entries([e for e in result.entries if e.capture is None], result.notes)
    except ImportFailed as failed:
        check_failure(failed)
