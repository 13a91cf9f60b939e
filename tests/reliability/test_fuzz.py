"""Bad input, fuzzed with hypothesis: note text, CLI arguments, JSON export → import → export.

(The importers' and webhook parsers' own fuzzing lives in tests/importers/test_importer_fuzz.py
and tests/webhooks/test_webhook_payloads.py; here the same inputs go through the CLI end to end.)
Each test counts the inputs it tried and reports the count to docs/reliability.md.
"""

from __future__ import annotations

import contextlib
import io
import json
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from reliability_support import runs

from incident_recorder.cli import main
from incident_recorder.domain import EntryKind
from incident_recorder.domain.text import clean_note_text
from incident_recorder.storage import IncidentFile


def sizes(fast: int, full: int) -> list[Any]:
    """`fast` examples every run; `full` in the full share, a tenth in the quick share."""
    return runs(fast, full=full, quick=full // 10)


NASTY = st.sampled_from([
    "<script>alert(1)</script>", "## Prevention", "a | b", "[x](javascript:alert(1))",
    "\u202egnp.exe", "שלום עולם", "\x00\x01\x1b[31mred", "\ud800 lone", "\r\n\r\n", "```",
    "<img src=x onerror=alert(1)>", "  ", "👩‍👩‍👧 zwj", "\u200b", "*" * 5000,
])  # fmt: skip
NOTE = st.one_of(st.text(min_size=1, max_size=300), NASTY,
                 st.lists(NASTY | st.text(max_size=20), min_size=1, max_size=5).map("".join),
                 st.text(min_size=1, max_size=50).map(lambda t: t * 800))  # fmt: skip  # huge


def run_cli(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as leaving:
            code = leaving.code if isinstance(leaving.code, int) else 1
    return code, out.getvalue(), err.getvalue()


def _fuzz(examples: int, strategy: st.SearchStrategy[Any], body: Callable[[Any], None]) -> int:
    tried = 0

    @settings(max_examples=examples, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(strategy)
    def run(value: Any) -> None:
        nonlocal tried
        tried += 1
        body(value)

    run()
    return tried


def _is_storable(text: str) -> bool:
    try:
        return bool(clean_note_text(text).strip())
    except ValueError:
        return False


@pytest.mark.parametrize("examples", sizes(200, 3000))
def test_note_text_survives_add_note_export_and_parse(examples: int, figures) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.incident"
        handle = IncidentFile.create(path, "Fuzz")

        def body(text: str) -> None:
            if not _is_storable(text):
                with pytest.raises(ValueError):
                    handle.add_note(text)
                return
            entry = handle.add_note(text, EntryKind.OBSERVATION, public=True)
            assert entry.text == clean_note_text(text)

        tried = _fuzz(examples, NOTE, body)
        stored = [e.text for e in handle.entries()]
        handle.close()
        for fmt in ("json", "markdown"):
            code, _, err = run_cli(["export", str(path), "--format", fmt, "--out", folder + "/o"])
            assert code == 0, err
        document = json.loads((Path(folder) / "o" / "incident.json").read_text("utf-8"))
        assert [e["text"] for e in document["entries"]] == stored
        report = (Path(folder) / "o" / "report.md").read_text("utf-8")
        tokens = MarkdownIt("commonmark").parse(report)
        assert not [t for t in tokens if t.type in ("html_block", "html_inline")]
    figures.add("inputs", "note texts (add_note → JSON and Markdown export → parse)", tried=tried)


COMMANDS = ["new", "note", "export", "import", "merge", "milestone", "review", "nosuch", "--at"]
TOKENS = st.one_of(
    st.sampled_from(["--kind", "--at", "--out", "--format", "--title", "--public", "json",
                     "markdown", "-5m", "14:02", "action", "-", "--", "-h", "impact-started",
                     "2026-11-27T14:02:07Z", "--start", "--since", "csv", "slack"]),
    st.text(max_size=12).filter(lambda t: "\x00" not in t),
)  # fmt: skip


@pytest.mark.parametrize("examples", sizes(300, 5000))
def test_random_arguments_exit_cleanly_with_one_error_line(
    examples: int, figures, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    good = tmp_path / "good.incident"
    IncidentFile.create(good, "Arguments").close()
    (tmp_path / "notes.txt").write_text("not an incident")
    paths = st.sampled_from([str(good), "missing.incident", "notes.txt", str(tmp_path), "x/y/z"])
    argv = st.tuples(st.sampled_from(COMMANDS), st.lists(paths | TOKENS, max_size=6)).map(
        lambda pair: [pair[0], *pair[1]]
    )
    before = {p.name for p in tmp_path.iterdir()}

    def body(args: list[str]) -> None:
        code, out, err = run_cli(args)
        assert code in (0, 1, 2), (args, code)
        assert "Traceback" not in err + out, (args, err)
        if code == 1:  # one line; `import` lists each bad row on a line of its own
            lines = err.strip().splitlines()
            assert all(line.startswith("incident-recorder: error: ") for line in lines), err
            assert len(lines) == 1 or args[0] == "import", (args, err)
        if code == 2:
            assert err.strip().splitlines()[-1].startswith("incident-recorder"), (args, err)
            assert "error:" in err.strip().splitlines()[-1]
        for made in {p.name for p in tmp_path.iterdir()} - before:  # a `new` that succeeded
            target = tmp_path / made
            if target.is_dir():
                import shutil

                shutil.rmtree(target)
            else:
                target.unlink()

    tried = _fuzz(examples, argv, body)
    figures.add("inputs", "CLI argument lists (every command, in-process main())", tried=tried)


def _normal(document: dict[str, Any], provenance: bool = False) -> dict[str, Any]:
    """The export minus what a new file must differ in: its uuid, creation and export time and
    the global ids of its records (an import records them anew, docs/export.md); with
    `provenance` also each entry's source and revision number (an import records the entry as
    it last read, source import:json, revision 1: its earlier revisions stay in the first file)."""
    document = json.loads(json.dumps(document))
    document["incident"].pop("uuid", None)
    document["incident"].pop("created_at", None)
    document.pop("exported_at", None)
    for entry in document["entries"]:
        entry.pop("uid", None)
        if entry.get("capture"):
            entry["capture"].pop("uid", None)
    for item in document.get("action_items", []):
        item.pop("uid", None)
    # Entries of one moment recorded in the same millisecond are ordered by their global ids
    # (report/facts.py in_order), which an import makes anew: among those, order and export
    # numbers are the new file's own (these documents link nothing by number).
    for entry in document["entries"]:
        entry.pop("id", None)
    document["entries"].sort(key=lambda e: (e["occurred_at"], e["recorded_at"],
                                            json.dumps(e, sort_keys=True)))  # fmt: skip
    if provenance:
        for entry in document["entries"]:
            entry.pop("source", None)
            entry.pop("revision", None)
        document["entries"].sort(key=lambda e: (e["occurred_at"], e["recorded_at"],
                                                json.dumps(e, sort_keys=True)))  # fmt: skip
    return document


ENTRY = st.tuples(
    NOTE.filter(_is_storable), st.sampled_from(list(EntryKind)), st.booleans(), st.booleans(),
    st.integers(min_value=0, max_value=86_400),
)  # fmt: skip


@pytest.mark.parametrize("examples", sizes(30, 500))
def test_json_export_import_export_is_identical(examples: int, figures) -> None:
    from datetime import UTC, datetime, timedelta

    start = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)  # past: an import refuses the future

    def body(entries: list[tuple[str, EntryKind, bool, bool, int]]) -> None:
        with tempfile.TemporaryDirectory() as folder:
            base = Path(folder)
            with IncidentFile.create(base / "a.incident", "Round trip") as handle:
                for text, kind, public, starred, seconds in entries:
                    entry = handle.add_note(text, kind, start + timedelta(seconds=seconds),
                                            public=public, source="import:json")  # fmt: skip
                    if starred:
                        handle.revise(entry.id, starred=True)
            documents = []
            source = base / "a.incident"
            for number in range(3):
                out = base / f"e{number}"
                code, _, err = run_cli(
                    ["export", str(source), "--format", "json", "--out", str(out)]
                )
                assert code == 0, err
                documents.append(_normal(json.loads((out / "incident.json").read_text("utf-8"))))
                source = base / f"b{number}.incident"
                assert run_cli(["new", str(source), "--title", "Round trip"])[0] == 0
                code, _, err = run_cli(["import", str(source), str(out / "incident.json")])
                assert code == 0, err
            assert _normal(documents[0], True) == _normal(documents[1], True)
            assert documents[1] == documents[2]

    tried = _fuzz(examples, st.lists(ENTRY, min_size=1, max_size=6), body)
    figures.add("inputs", "JSON export → import → export round trips", tried=tried)


def test_control_characters_in_arguments_stay_escaped_in_the_one_error_line(
    tmp_path: Path,
) -> None:
    """Bug found by the fuzzer: argparse echoed a raw carriage return, splitting the line."""
    good = tmp_path / "good.incident"
    IncidentFile.create(good, "Escapes").close()
    code, _, err = run_cli(["note", str(good), "text", "\r0"])
    assert code == 2
    assert err.strip().splitlines()[-1].endswith("unrecognized arguments: \\r0")
    code, _, err = run_cli(["note", str(tmp_path / "a\rb\x1b[2J.incident"), "text"])
    assert code == 1
    assert err.count("\n") == 1 and "a\\rb\\x1b[2J.incident" in err, err


CELL = st.one_of(
    st.text(max_size=15),
    st.sampled_from(["0", "262", "-5", "1e9", "nan", "impact", "detected", "public", "internal",
                     "impact_started", "2026-11-27T14:00:00Z", '"', "\r\n", "=cmd|' /C calc'!A0",
                     "<script>alert(1)</script>"]),
)  # fmt: skip
CSV_COLUMNS = ["offset_s", "time", "occurred_at", "kind", "milestone", "visibility", "text"]


@pytest.mark.parametrize("examples", sizes(40, 800))
def test_import_of_fuzzed_csv_through_the_cli_is_all_or_nothing(examples: int, figures) -> None:
    """End to end (the parsers' own fuzzing is in tests/importers): `import` either stores what
    it says it stored, or exits 1 (one line per problem) leaving the file byte-for-byte as it
    was."""
    import csv
    import hashlib

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "target.incident"
        with IncidentFile.create(path, "Import fuzz") as handle:
            handle.add_note("already there")
        source = Path(folder) / "rows.csv"

        def body(sample: tuple[list[str], list[list[str]]]) -> None:
            header, rows = sample
            out = io.StringIO()
            writer = csv.writer(out)
            writer.writerow(header)
            writer.writerows(rows)
            source.write_text(out.getvalue(), encoding="utf-8", errors="surrogatepass")
            with IncidentFile.open(path, readonly=True) as reader:
                count = reader.entry_count()
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            argv = ["import", str(path), str(source), "--start", "2026-11-20T14:00:00Z"]
            code, out_text, err = run_cli(argv)
            assert "Traceback" not in err + out_text
            if code == 1:  # each bad row on its own line, then "nothing was imported"
                lines = err.strip().splitlines()
                assert all(line.startswith("incident-recorder: error: ") for line in lines), err
                assert "nothing was imported" in lines[-1] or len(lines) == 1, err
                assert hashlib.sha256(path.read_bytes()).hexdigest() == digest
                with IncidentFile.open(path, readonly=True) as reader:
                    assert reader.entry_count() == count
            else:
                assert code == 0, err
                assert out_text.startswith("imported "), out_text
                stored = int(out_text.split()[1])
                with IncidentFile.open(path, readonly=True) as reader:
                    assert reader.entry_count() == count + stored

        strategy = st.tuples(
            st.lists(st.sampled_from(CSV_COLUMNS), min_size=1, max_size=5, unique=True),
            st.lists(st.lists(CELL, min_size=1, max_size=6), max_size=5),
        )
        tried = _fuzz(examples, strategy, body)
    figures.add("inputs", "CSV files through `import` (all rows or nothing)", tried=tried)
