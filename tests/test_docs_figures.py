"""Figures the help and the docs state are the code's own: they cannot drift from it."""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

from incident_recorder.domain import EntryKind
from incident_recorder.ui.recorder.recorder_window import FIRST_ROWS

ROOT = Path(__file__).resolve().parents[1]


def test_the_note_help_and_the_cli_doc_name_every_kind() -> None:
    shown = subprocess.run(
        [sys.executable, "-m", "incident_recorder", "note", "--help"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    help_text = " ".join(shown.split())
    cli_doc = (ROOT / "docs" / "cli.md").read_text()
    for kind in EntryKind:
        assert kind.value in help_text, f"note --help omits {kind.value}"
        assert f"`{kind.value}`" in cli_doc, f"docs/cli.md omits {kind.value}"


def test_the_platform_doc_says_how_many_entries_a_window_shows_first() -> None:
    platform = " ".join((ROOT / "docs" / "platform.md").read_text().split())
    assert f"shows the newest {FIRST_ROWS:,} entries at once" in platform


def test_every_kind_option_and_its_doc_name_every_kind() -> None:
    """Every command's --kind help is built from EntryKind (cli/values.kind_help), and each
    docs/cli.md section of a command that takes --kind names every kind."""
    from incident_recorder.cli.parser import _parser

    parser = _parser()
    (commands,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    with_kind = {
        name: option
        for name, sub in commands.choices.items()
        for option in sub._actions
        if "--kind" in option.option_strings
    }
    assert {"note", "capture"} <= set(with_kind)
    for name, option in with_kind.items():
        shown = " ".join(str(option.help).split())
        missing = [kind.value for kind in EntryKind if kind.value not in shown]
        assert not missing, f"{name} --kind help omits {missing}"
    sections = re.split(r"^## ", (ROOT / "docs" / "cli.md").read_text(), flags=re.M)
    for name in with_kind:
        (section,) = [s for s in sections if s.startswith(f"`incident-recorder {name} ")]
        missing = [kind.value for kind in EntryKind if f"`{kind.value}`" not in section]
        assert not missing, f"docs/cli.md's {name} section omits {missing}"


USER_SIDE = {"DIR", "images", "Europe", "Etc", "America", "Asia", "dist", ".venv", "..", "~"}
"""First parts of paths the docs name that are the user's (an export folder, a zone name, a
build's output), not this repository's."""
_PATH = re.compile(r"`([A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.*-]+)+/?)`")
_LINK = re.compile(r"\]\(([^)\s]+)\)")


def _repository_paths(doc: Path) -> list[str]:
    text = doc.read_text()
    named = [p for p in _PATH.findall(text) if p.split("/")[0] not in USER_SIDE]
    prose = re.sub(r"^```.*?^```", "", text, flags=re.M | re.S)  # examples of output: not ours
    linked = [
        link.split("#")[0]
        for link in _LINK.findall(prose)
        if not link.startswith(("http://", "https://", "mailto:", "#"))
    ]
    return named + [link for link in linked if link]


def _exists(doc: Path, path: str) -> bool:
    bases = (ROOT, ROOT / "src" / "incident_recorder", doc.parent)
    return any(
        list(base.glob(path.rstrip("/"))) if "*" in path else (base / path).exists()
        for base in bases
    )


def test_every_repository_path_the_docs_name_exists() -> None:
    """A path in backticks (`tests/data/checkout-outage.csv`, `report/writer.py`) or a
    relative link in docs/*.md, README.md or ARCHITECTURE.md is a file or folder of this
    repository (from its root, from src/incident_recorder/, or beside the doc)."""
    docs = [*sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md", ROOT / "ARCHITECTURE.md"]
    missing = [
        f"{doc.relative_to(ROOT)}: {path}"
        for doc in docs
        for path in _repository_paths(doc)
        if not _exists(doc, path)
    ]
    assert not missing, "the docs name paths that do not exist:\n" + "\n".join(missing)
