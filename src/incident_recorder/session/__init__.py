"""The application core: one place where an incident's record grows and every rule applies. No Qt.

`IncidentSession` owns an open incident file. The window, the CLI and the forwarded requests add
notes, captures, milestones, revisions and details through it; it writes each one durably, applies
the rules that belong to the record (the first Mitigated moves the status to Monitoring), and
then announces what changed to whoever listens (the timeline model, the header, later the team
sync). See ARCHITECTURE.md.
"""

from incident_recorder.session.changes import (
    ActionItemsChanged,
    AnnotationsChanged,
    Change,
    DetailsChanged,
    EntriesAdded,
    EntryRevised,
    MilestoneRecorded,
    ReportTextsChanged,
)
from incident_recorder.session.core import IncidentSession, MilestoneResult

__all__ = [
    "ActionItemsChanged",
    "AnnotationsChanged",
    "Change",
    "DetailsChanged",
    "EntriesAdded",
    "EntryRevised",
    "IncidentSession",
    "MilestoneRecorded",
    "MilestoneResult",
    "ReportTextsChanged",
]
