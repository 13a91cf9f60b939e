"""The incident file: one SQLite database per incident, written through sqlite-utils. No Qt."""

from incident_recorder.storage.errors import IncidentFileError, PixelsArrivingError
from incident_recorder.storage.incident_file import IncidentFile
from incident_recorder.storage.rows import (
    Record,
    entry_from_record,
    record_from_entry,
    record_key,
)

__all__ = [
    "IncidentFile",
    "IncidentFileError",
    "PixelsArrivingError",
    "Record",
    "entry_from_record",
    "record_from_entry",
    "record_key",
]
