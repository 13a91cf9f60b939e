"""docs/export.md shows what the code really writes: its Markdown examples are checked here.

Every line of each ```markdown block in docs/export.md must be a line of `example_report()`,
in the same order. To refresh the docs after a change of the report, print the report with
`python tests/report/test_report_docs.py` and copy the lines the docs show.
"""

from __future__ import annotations

import re
import sys
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from report_helpers import START
from scenario import rows

from incident_recorder.domain import CaptureInfo, Entry, EntryKind, Incident
from incident_recorder.domain.actions import ActionItem, ActionStatus, ActionType
from incident_recorder.domain.details import (
    DetectionSource,
    IncidentDetails,
    Role,
    Service,
    Status,
)
from incident_recorder.domain.milestones import Milestone, Milestones
from incident_recorder.domain.record import IncidentRecord
from incident_recorder.report import facts, load_template, render_report

DOC = Path(__file__).resolve().parents[2] / "docs" / "export.md"
BLOCK = re.compile(r"^```markdown\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def example_record(*, unmeasurable: bool = False) -> IncidentRecord:
    """The checkout-outage scenario with one capture, as the docs show it.

    unmeasurable: no "impact started" nor "acknowledged" milestone, so only the milestones'
    own times can be shown and no metric can be measured.
    """
    entries, milestones, marks = [], {}, {}
    for number, row in enumerate(rows(), start=1):
        moment = START + timedelta(seconds=int(row["offset_s"]))
        entries.append(
            Entry(
                number,
                EntryKind(row["kind"]),
                row["text"],
                moment,
                moment,
                public=row["visibility"] == "public",
                starred=number == 7,
            )
        )
        if row["milestone"]:
            milestone = Milestone(row["milestone"])
            if unmeasurable and milestone in (Milestone.IMPACT_STARTED, Milestone.ACKNOWLEDGED):
                continue
            milestones[milestone] = moment
            marks[number] = milestone
    moment = START + timedelta(seconds=342, milliseconds=123)
    capture = CaptureInfo(1, 1920, 1080, "4c109c3d4377" + "0" * 52, 1, "Grafana — checkout-api")
    entries.append(
        Entry(
            14, EntryKind.OBSERVATION, "Grafana: p99 latency 9.8 s", moment, moment, capture=capture
        )
    )
    incident = Incident("3ef52b34-6f22-45af-8cc7-7a8a5dab3f41", "Checkout outage", START, "0.1.0")
    details = IncidentDetails(
        "Checkout outage",
        severity="SEV2",
        status=Status.RESOLVED,
        services=(Service("checkout-api", public=True), Service("pgbouncer-eu")),
        roles={Role.INCIDENT_COMMANDER: "Dana Whitfield"},
        detection_source=DetectionSource.AUTOMATED,
    )
    items = (
        ActionItem(
            "Validate idle_timeout units when a config is pushed",
            "Platform team",
            date(2026, 12, 15),
            ActionStatus.IN_PROGRESS,
            ActionType.PREVENT,
            "https://tracker.example/OPS-7731",
        ),
    )
    return IncidentRecord(
        incident=incident,
        details=details,
        milestones=Milestones(milestones),
        entries=tuple(sorted(entries, key=lambda e: e.occurred_at)),
        milestone_entries=marks,
        report_texts={
            "summary": "For 12 minutes, most checkout attempts failed with a server error.",
            "public_summary": "Some orders could not be placed between 14:00 and 14:12 UTC.",
        },
        action_items=items,
    )


def example_report(
    zone: str = "Europe/Paris", *, unmeasurable: bool = False, template: str = "default"
) -> str:
    record = example_record(unmeasurable=unmeasurable)
    number = facts.numbers(record)[14]  # an export names the image by the entry's place: 5th
    return render_report(
        record,
        template=load_template(template),
        image_files={14: f"images/entry-{number:04d}-4c109c3d4377.png"},
        tz=ZoneInfo(zone),
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
        example_report("UTC", template="public").splitlines(),
    ]
    for block in blocks:
        shown = [line for line in block.splitlines() if line.strip()]
        assert any(_shows(report, shown) for report in reports), (
            f"docs/export.md shows Markdown the report does not write:\n{block}"
        )


if __name__ == "__main__":
    zone = sys.argv[1] if len(sys.argv) > 1 else "Europe/Paris"
    print(example_report(zone, template=sys.argv[2] if len(sys.argv) > 2 else "default"), end="")
