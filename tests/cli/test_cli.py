"""The command line, run as a user runs it (a real process): exit codes, messages, files."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from incident_recorder import __version__
from incident_recorder.domain import EntryKind
from incident_recorder.storage import IncidentFile

COMMANDS = ["new", "open", "note", "capture", "export"]


def run(*args: str, stdin: str | None = None, env: dict[str, str] | None = None):
    environ = dict(os.environ if env is None else env)
    return subprocess.run(
        [sys.executable, "-m", "incident_recorder", *args],
        capture_output=True,
        text=True,
        input=stdin,
        env=environ,
        timeout=60,
    )


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_one_clear_line(result, *fragments: str) -> None:
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert lines[0].startswith("incident-recorder: error: ")
    for fragment in fragments:
        assert fragment in lines[0]


def test_version() -> None:
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"incident-recorder {__version__}"


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_help_on_every_command(command: str | None) -> None:
    result = run(*([command] if command else []), "--help")
    assert result.returncode == 0
    assert "usage: incident-recorder" in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["new", "x.incident"],  # --title missing
        ["note"],
        ["export", "x.incident"],  # --out missing
        ["export", "x.incident", "--out", "d", "--format", "docx"],
        ["frobnicate-option-that-does-not-exist", "--bogus"],
    ],
)
def test_usage_errors_exit_2(args: list[str], tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "incident_recorder", *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert result.returncode == 2
    assert "usage:" in result.stderr


def test_new_note_export_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "checkout.incident"
    created = run("new", str(path), "--title", "Checkout outage")
    assert created.returncode == 0, created.stderr
    assert "Checkout outage" in created.stdout

    assert run("note", str(path), "Error rate climbing", "--kind", "impact").returncode == 0
    assert (
        run("note", str(path), "PagerDuty alert", "--kind", "det", "--at", "5m ago").returncode == 0
    )
    assert (
        run(
            "note", str(path), "-", "--kind", "cause", stdin="config push\nlowered timeout\n"
        ).returncode
        == 0
    )
    at = run("note", str(path), "Deploy started", "--at", "2020-01-01T13:58:00Z")
    assert at.returncode == 0, at.stderr

    with IncidentFile.open(path, readonly=True) as handle:
        entries = handle.entries()
    assert [e.text for e in entries][0] == "Deploy started"
    assert {e.kind for e in entries} == {
        EntryKind.IMPACT,
        EntryKind.DETECTION,
        EntryKind.CAUSE,
        EntryKind.OBSERVATION,
    }
    assert all(e.source == "cli" for e in entries)
    assert "config push\nlowered timeout" in [e.text for e in entries]

    out = tmp_path / "out"
    md = run("export", str(path), "--format", "markdown", "--out", str(out))
    assert md.returncode == 0, md.stderr
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "## Summary" in report and "Error rate climbing" in report
    js = run("export", str(path), "--format", "json", "--out", str(out))
    assert js.returncode == 0, js.stderr
    document = json.loads((out / "incident.json").read_text(encoding="utf-8"))
    assert len(document["entries"]) == 4
    for item in document["entries"]:
        assert datetime.fromisoformat(item["occurred_at"]).tzinfo is not None


def assert_usage_error(result, *fragments: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "usage:" in result.stderr and "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in result.stderr


def test_bad_option_values_are_usage_errors_and_save_nothing(tmp_path: Path) -> None:
    path = tmp_path / "a.incident"
    run("new", str(path), "--title", "A")
    before = sha(path)
    assert_usage_error(run("note", str(path), "x", "--kind", "nonsense"), "unknown kind")
    assert_usage_error(run("note", str(path), "x", "--kind", "c"), "ambiguous kind", "cause")
    assert_usage_error(run("note", str(path), "x", "--at", "yesterday-ish"), "cannot read time")
    assert_usage_error(run("note", str(path), "x", "--at", "2999-01-01T00:00:00Z"), "future")
    assert_usage_error(run("notes", str(path), "x"), "unknown command 'notes'", "'note'")
    assert_one_clear_line(run("note", str(path), "   "), "empty")
    assert sha(path) == before


def test_at_accepts_a_dash_offset_as_a_value_and_clock_times_are_never_ahead(
    tmp_path: Path,
) -> None:
    path = tmp_path / "a.incident"
    run("new", str(path), "--title", "A")
    assert run("note", str(path), "five minutes ago", "--at", "-5m").returncode == 0
    ahead = (datetime.now().astimezone() + timedelta(minutes=30)).strftime("%H:%M")
    saved = run("note", str(path), "clock time", "--at", ahead)
    assert saved.returncode == 0, saved.stderr
    with IncidentFile.open(path, readonly=True) as handle:
        entries = {e.text: e.occurred_at for e in handle.entries()}
    now = datetime.now(UTC)
    assert timedelta(minutes=4) < now - entries["five minutes ago"] < timedelta(minutes=6)
    assert timedelta(hours=23) < now - entries["clock time"] < timedelta(hours=24)


def test_new_refuses_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "a.incident"
    path.write_text("my notes, not an incident")
    before = sha(path)
    assert_one_clear_line(run("new", str(path), "--title", "A"), "already exists")
    assert sha(path) == before


def test_new_without_the_suffix_creates_a_dot_incident_file_and_says_so(tmp_path: Path) -> None:
    created = run("new", str(tmp_path / "plainname"), "--title", "Checkout outage")
    assert created.returncode == 0, created.stderr
    assert created.stdout == (
        f"Created {tmp_path / 'plainname.incident'} (added .incident to plainname) — "
        "Checkout outage\n"
    )
    assert not (tmp_path / "plainname").exists()
    with IncidentFile.open(tmp_path / "plainname.incident", readonly=True) as handle:
        assert handle.details().title == "Checkout outage"
    dotted = run("new", str(tmp_path / "checkout.2026"), "--title", "B")
    assert dotted.returncode == 0 and (tmp_path / "checkout.2026.incident").is_file()
    exact = run("new", str(tmp_path / "c.incident"), "--title", "C")
    assert exact.stdout == f"Created {tmp_path / 'c.incident'} — C\n"
    # Taken: the name it would create is refused, as any existing path is
    taken = run("new", str(tmp_path / "plainname"), "--title", "Again")
    assert_one_clear_line(taken, "already exists")


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"just some text, definitely not SQLite" * 10, "not an incident file"),
        (b"", "empty"),
        (b"SQLite format 3\x00" + b"\xff" * 4000, "incident"),
    ],
)
@pytest.mark.parametrize("command", ["note", "export", "capture", "open"])
def test_bad_files_get_one_line_and_stay_untouched(
    tmp_path: Path, content: bytes, fragment: str, command: str
) -> None:
    path = tmp_path / "bad.incident"
    path.write_bytes(content)
    before = sha(path)
    args = {
        "note": ["note", str(path), "text"],
        "export": ["export", str(path), "--out", str(tmp_path / "out")],
        "capture": ["capture", str(path)],
        "open": [str(path)],
    }[command]
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = run(*args, env=env)
    assert_one_clear_line(result, fragment)
    assert sha(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.incident"]


def test_missing_file(tmp_path: Path) -> None:
    assert_one_clear_line(
        run("note", str(tmp_path / "nope.incident"), "x"), "no such incident file"
    )


def test_gui_without_a_display_says_so(tmp_path: Path) -> None:
    path = tmp_path / "a.incident"
    run("new", str(path), "--title", "A")
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    assert_one_clear_line(run(str(path), env=env), "no display")
    assert_one_clear_line(run(env=env), "no display")


def test_gui_with_a_dead_display_says_so(tmp_path: Path) -> None:
    path = tmp_path / "a.incident"
    run("new", str(path), "--title", "A")
    env = {k: v for k, v in os.environ.items() if k not in ("WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["DISPLAY"] = ":987"
    assert_one_clear_line(run(str(path), env=env), "cannot connect to the X display")


def test_capture_without_a_display_says_so_and_saves_nothing(tmp_path: Path) -> None:
    path = tmp_path / "a.incident"
    run("new", str(path), "--title", "A")
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    result = run("capture", str(path), env=env)
    assert_one_clear_line(result, "display")
    with IncidentFile.open(path, readonly=True) as handle:
        assert handle.entry_count() == 0


def test_a_one_megabyte_note_with_odd_text(tmp_path: Path) -> None:
    path = tmp_path / "a.incident"
    run("new", str(path), "--title", "A")
    text = ("مرحبا 🔥 <b>bold</b> | ## Prevention\t" * 40_000)[:1_000_000]
    result = run("note", str(path), "-", stdin=text)
    assert result.returncode == 0, result.stderr
    with IncidentFile.open(path, readonly=True) as handle:
        assert handle.entries()[0].text == text.rstrip()


def test_export_public_and_templates(tmp_path: Path) -> None:
    path = tmp_path / "a.incident"
    assert run("new", str(path), "--title", "Checkout outage").returncode == 0
    assert run("note", str(path), "internal detail", "--kind", "cause").returncode == 0
    out = tmp_path / "out"
    unknown = run("export", str(path), "--out", str(out), "--template", "nope")
    assert_one_clear_line(
        unknown, "unknown template 'nope'", "default", "postmortem", "public", "short"
    )
    refused = run("export", str(path), "--out", str(out), "--public", "--include-originals")
    assert_one_clear_line(refused, "--include-originals cannot be used with --public")
    assert not out.exists()
    short = run("export", str(path), "--out", str(out), "--template", "short")
    assert short.returncode == 0, short.stderr
    assert "## Cause and fix" in (out / "report.md").read_text(encoding="utf-8")
    # a public export is refused beside an internal one, and goes into a folder of its own
    beside = run("export", str(path), "--out", str(out), "--public")
    assert_one_clear_line(beside, f"{out} holds an internal export (report.md)", "public")
    assert not (out / "report-public.md").exists()
    public = run("export", str(path), "--out", str(out / "public"), "--public")
    assert public.returncode == 0, public.stderr
    assert sorted(p.name for p in (out / "public").iterdir()) == ["images", "report-public.md"]
    report = (out / "public" / "report-public.md").read_text(encoding="utf-8")
    assert "internal detail" not in report and "## Updates" in report
    help_text = run("export", "--help").stdout
    assert "--public" in help_text and "--template" in help_text
    assert "{markdown,html,pdf,json}" in help_text


def test_export_finds_a_team_template_in_the_data_folder(tmp_path: Path) -> None:
    path = tmp_path / "a.incident"
    assert run("new", str(path), "--title", "T").returncode == 0
    data = tmp_path / "data"
    (data / "templates").mkdir(parents=True)
    (data / "templates" / "team.toml").write_text(
        '[[sections]]\nheading = "Our story"\nfill = "timeline"\n', encoding="utf-8"
    )
    env = dict(os.environ, INCIDENT_RECORDER_DATA_DIR=str(data))
    result = run("export", str(path), "--out", str(tmp_path / "o"), "--template", "team", env=env)
    assert result.returncode == 0, result.stderr
    assert "## Our story" in (tmp_path / "o" / "report.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("quality", ["20", "101", "best", ""])
def test_capture_refuses_a_jpeg_quality_out_of_range(tmp_path: Path, quality: str) -> None:
    path = tmp_path / "a.incident"
    run("new", str(path), "--title", "A")
    result = run("capture", str(path), "--format", "jpeg", "--quality", quality)
    assert result.returncode == 2, result.stderr
    assert "JPEG quality must be a number from 50 to 100" in result.stderr
    with IncidentFile.open(path, readonly=True) as handle:
        assert handle.entry_count() == 0


@pytest.mark.xvfb
def test_capture_as_jpeg_stores_jpeg_bytes(tmp_path: Path) -> None:
    path = tmp_path / "a.incident"
    run("new", str(path), "--title", "A")
    result = run("capture", str(path), "--format", "jpeg", "--quality", "70")
    assert result.returncode == 0, result.stderr
    assert "JPEG" in result.stdout
    with IncidentFile.open(path, readonly=True) as handle:
        (entry,) = handle.record().entries
        assert entry.capture is not None
        data = handle.capture_png(entry.capture.id)
    assert data.startswith(b"\xff\xd8\xff")
    assert hashlib.sha256(data).hexdigest() == entry.capture.sha256


def test_a_desktop_launch_gives_what_the_parser_gives_without_building_it(
    tmp_path, monkeypatch
) -> None:
    from incident_recorder import cli

    path = tmp_path / "a.incident"
    IncidentFile.create(path, "A").close()
    assert vars(cli._desktop_launch([str(path)])) == vars(cli._parse([str(path)]))
    for other in ([], ["note"], [str(tmp_path / "missing.incident")], ["--capture"]):
        assert cli._desktop_launch(other) is None  # the parser decides (and explains)
    assert cli._desktop_launch([str(path), "extra"]) is None
    opened: list[object] = []

    def no_parser() -> None:
        raise AssertionError("the parser was built")

    monkeypatch.setattr(cli, "_parser", no_parser)
    monkeypatch.setitem(cli.HANDLERS, "open", lambda args: opened.append(args.file) or 0)
    assert cli.main([str(path)]) == 0
    assert opened == [path]


def test_a_reader_that_stops_early_gets_no_error_line(tmp_path: Path) -> None:
    """`incident-recorder search FILE … | head -2`: once head has its lines the pipe closes;
    the command stops quietly (as grep does), not with 'unexpected BrokenPipeError'."""
    path = tmp_path / "busy.incident"
    csv = tmp_path / "busy.csv"
    rows = [
        f"{n},observation,,internal,checkout-api 5xx on pod {n} of the pool" for n in range(3000)
    ]
    csv.write_text("offset_s,kind,milestone,visibility,text\n" + "\n".join(rows) + "\n")
    assert run("new", str(path), "--title", "Busy").returncode == 0
    assert run("import", str(path), str(csv), "--start=-2h").returncode == 0
    for command in (["search", str(path), "checkout"], ["review", str(path)]):
        with subprocess.Popen(
            [sys.executable, "-m", "incident_recorder", *command],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        ) as reader:
            assert reader.stdout is not None and reader.stderr is not None
            assert reader.stdout.read(100), command  # what `head` reads, then it goes away
            reader.stdout.close()
            stderr = reader.stderr.read().decode()
            reader.wait(timeout=60)
        assert "BrokenPipe" not in stderr and "Traceback" not in stderr, stderr
        assert "error" not in stderr, stderr
