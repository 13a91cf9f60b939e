"""docs/export.md shows what the code really writes: its Markdown examples are checked here.

Every line of each ```markdown block in docs/export.md must be a line of `example_report()`,
in the same order. To refresh the docs after a change of the report, print the report with
`python tests/report/test_report_docs.py` and copy the lines the docs show.
"""

from __future__ import annotations

import re
import sys
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from report_helpers import START, scenario_rows

from incident_recorder.domain import CaptureInfo, Entry, EntryKind, Incident
from incident_recorder.report import render_markdown

DOC = Path(__file__).resolve().parents[2] / "docs" / "export.md"
BLOCK = re.compile(r"^```markdown\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def example_report(zone: str = "Europe/Paris", *, unmeasurable: bool = False) -> str:
    """The checkout-outage scenario with one capture, as the docs show it.

    unmeasurable: the impact entry moved after the detection and no resolution entry, so
    neither time to detect nor time to resolve can be measured.
    """
    rows = scenario_rows()
    if unmeasurable:
        rows = [
            (300 if kind is EntryKind.IMPACT else offset, kind, text)
            for offset, kind, text in rows
            if kind is not EntryKind.RESOLUTION
        ]
    entries = [
        Entry(
            number, kind, text, START + timedelta(seconds=offset), START + timedelta(seconds=offset)
        )
        for number, (offset, kind, text) in enumerate(rows, start=1)
    ]
    moment = START + timedelta(seconds=342, milliseconds=123)
    capture = CaptureInfo(1, 1920, 1080, "4c109c3d4377" + "0" * 52, 1, "Grafana — checkout-api")
    grafana = Entry(
        14, EntryKind.OBSERVATION, "Grafana: p99 latency 9.8 s", moment, moment, capture=capture
    )
    incident = Incident("3ef52b34-6f22-45af-8cc7-7a8a5dab3f41", "Checkout outage", START, "0.1.0")
    return render_markdown(
        incident,
        [*entries, grafana],
        {14: "images/entry-0014-4c109c3d4377.png"},
        ZoneInfo(zone),
        exported_at=START + timedelta(minutes=70, seconds=2, milliseconds=447),
    )


def doc_blocks() -> list[str]:
    return BLOCK.findall(DOC.read_text(encoding="utf-8"))


def _shows(report: list[str], shown: list[str]) -> bool:
    """Whether every line of `shown` is a line of `report`, in the same order."""
    position = 0
    for line in shown:
        if line not in report[position:]:
            return False
        position = report.index(line, position) + 1
    return True


def test_every_markdown_example_in_the_docs_is_real_output() -> None:
    blocks = doc_blocks()
    assert len(blocks) >= 3, "docs/export.md lost its ```markdown examples"
    reports = [
        example_report().splitlines(),
        example_report("UTC").splitlines(),
        example_report(unmeasurable=True).splitlines(),
    ]
    for block in blocks:
        shown = [line for line in block.splitlines() if line.strip()]
        assert any(_shows(report, shown) for report in reports), (
            f"docs/export.md shows Markdown the report does not write:\n{block}"
        )


if __name__ == "__main__":
    print(example_report(sys.argv[1] if len(sys.argv) > 1 else "Europe/Paris"), end="")
